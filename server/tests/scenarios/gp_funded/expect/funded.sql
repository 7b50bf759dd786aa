-- One gpay_funded event per Safe, fanned out to its identities: S5 and S3 on their first Crypto Deposit
-- (S3's later Fiat Top Up and earlier 'Other' transfer are not it), S4 on the tie-broken row
-- (tx 0xaaaa…, GNO: 33 USD), none for S6 (first inflow on the build date).
WITH
    names AS
    (
        SELECT address, name
        FROM values('address String, name String',
            ('0x3333333333333333333333333333333333333333', 'S3'),
            ('0x4444444444444444444444444444444444444444', 'S4'),
            ('0x5555555555555555555555555555555555555555', 'S5'),
            ('0x6666666666666666666666666666666666666666', 'S6'),
            ('0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee', 'E'),
            ('0xffffffffffffffffffffffffffffffffffffffff', 'F'),
            ('0xdddddddddddddddddddddddddddddddddddddddd', 'D'))
    ),
    who AS
    (
        -- label of each (pseudonym, role): the name of its bridge address
        SELECT b.user_pseudonym AS user_pseudonym, CAST(b.identity_role AS String) AS identity_role, min(n.name) AS who
        FROM int_execution_gpay_user_identity_bridge AS b
        INNER JOIN names AS n ON n.address = b.address
        GROUP BY b.user_pseudonym, b.identity_role
    )
SELECT c.conversion_ts, c.identity_role, w.who, s.who AS safe, c.conversion_amount_usd, c.conversion_token
FROM int_execution_gpay_conversions AS c
LEFT JOIN who AS w ON w.user_pseudonym = c.user_pseudonym AND w.identity_role = c.identity_role
LEFT JOIN (SELECT user_pseudonym, who FROM who WHERE identity_role = 'safe_self') AS s ON s.user_pseudonym = c.gp_safe
WHERE c.conversion_kind = 'gpay_funded'
ORDER BY c.conversion_ts, c.identity_role, w.who
