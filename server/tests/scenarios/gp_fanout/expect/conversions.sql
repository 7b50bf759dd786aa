-- 14 conversion rows: funded S2 (3), funded S1 (4), cashback S2 (3), payment S1 (4: safe_self, A, B, D).
-- safe = the Safe whose pseudonym is in gp_safe (the safe_self pseudonym of a non-migrated Safe).
WITH
    names AS
    (
        SELECT address, name
        FROM values('address String, name String',
            ('0x1111111111111111111111111111111111111111', 'S1'),
            ('0x2222222222222222222222222222222222222222', 'S2'),
            ('0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'A'),
            ('0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 'B'),
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
SELECT
    c.conversion_ts,
    c.conversion_date,
    c.conversion_kind,
    c.identity_role,
    w.who,
    s.who AS safe,
    c.conversion_amount_usd,
    c.conversion_token
FROM int_execution_gpay_conversions AS c
LEFT JOIN who AS w ON w.user_pseudonym = c.user_pseudonym AND w.identity_role = c.identity_role
LEFT JOIN (SELECT user_pseudonym, who FROM who WHERE identity_role = 'safe_self') AS s ON s.user_pseudonym = c.gp_safe
ORDER BY c.conversion_ts, c.identity_role, w.who
