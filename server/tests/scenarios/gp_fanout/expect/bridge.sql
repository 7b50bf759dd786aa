-- The bridge: 7 rows. S1 fans out to safe_self + A + B + D, S2 to safe_self + A + D. The duplicated D row
-- collapses, the NULL delegate, the later owner C and the non-GP Safe 0x3333… get no row; B's mixed-case
-- address is lowercased. rows_sharing_pseudonym: A and D are one pseudonym across both Safes.
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
    )
SELECT
    b.identity_role,
    na.name AS address,
    ns.name AS gp_safe,
    b.first_seen_at,
    b.last_seen_at,
    count() OVER (PARTITION BY b.user_pseudonym) AS rows_sharing_pseudonym
FROM int_execution_gpay_user_identity_bridge AS b
LEFT JOIN names AS na ON na.address = b.address
LEFT JOIN names AS ns ON ns.address = b.gp_safe
ORDER BY b.identity_role, address, gp_safe
