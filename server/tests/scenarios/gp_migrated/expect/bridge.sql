-- 7 bridge rows. S_old's safe_self and the migrated_old_safe row carry S_new's safe_self pseudonym.
WITH
    names AS
    (
        SELECT address, name
        FROM values('address String, name String',
            ('0x0000000000000000000000000000000000000a01', 'S_old'),
            ('0x0000000000000000000000000000000000000b01', 'S_new'),
            ('0x1234567890123456789012345678901234567890', 'G'),
            ('0xdddddddddddddddddddddddddddddddddddddddd', 'D'))
    )
SELECT
    b.identity_role,
    na.name AS address,
    ns.name AS gp_safe,
    b.first_seen_at,
    b.last_seen_at,
    b.user_pseudonym IN (
        SELECT user_pseudonym
        FROM int_execution_gpay_user_identity_bridge
        WHERE identity_role = 'safe_self' AND address = '0x0000000000000000000000000000000000000b01'
    ) AS is_s_new_safe_self_pseudonym
FROM int_execution_gpay_user_identity_bridge AS b
LEFT JOIN names AS na ON na.address = b.address
LEFT JOIN names AS ns ON ns.address = b.gp_safe
ORDER BY b.identity_role, address, gp_safe
