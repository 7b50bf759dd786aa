-- 14 conversion rows: S_old's funded and payment (3 identities each), S_new's funded and payment (4 each,
-- migrated_old_safe included). Each Safe is funded once; gp_safe is S_old's own pseudonym on S_old rows
-- (not the canonical one), so the two Safes stay distinct in the key.
WITH
    names AS
    (
        SELECT address, name
        FROM values('address String, name String',
            ('0x0000000000000000000000000000000000000a01', 'S_old'),
            ('0x0000000000000000000000000000000000000b01', 'S_new'),
            ('0x1234567890123456789012345678901234567890', 'G'),
            ('0xdddddddddddddddddddddddddddddddddddddddd', 'D'))
    ),
    who AS
    (
        -- label of each (pseudonym, role): the smallest name of its bridge addresses ('S_new' for the
        -- canonical safe_self, whose rows are S_new and S_old)
        SELECT b.user_pseudonym AS user_pseudonym, CAST(b.identity_role AS String) AS identity_role, min(n.name) AS who
        FROM int_execution_gpay_user_identity_bridge AS b
        INNER JOIN names AS n ON n.address = b.address
        GROUP BY b.user_pseudonym, b.identity_role
    )
SELECT
    c.conversion_ts,
    c.conversion_kind,
    c.identity_role,
    w.who,
    c.gp_safe IN (
        SELECT user_pseudonym
        FROM int_execution_gpay_user_identity_bridge
        WHERE identity_role = 'safe_self' AND address = '0x0000000000000000000000000000000000000b01'
    ) AS gp_safe_is_s_new,
    c.conversion_amount_usd
FROM int_execution_gpay_conversions AS c
LEFT JOIN who AS w ON w.user_pseudonym = c.user_pseudonym AND w.identity_role = c.identity_role
ORDER BY c.conversion_ts, c.conversion_kind, c.identity_role, w.who
