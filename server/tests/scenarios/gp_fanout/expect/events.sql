-- 14 touch rows: 4 transfers before as_of; each S1 transfer fans out to 4 identities, each S2 transfer to 3.
-- The payment on 2026-06-28 (= as_of) is not read.
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
SELECT e.event_ts, e.event_date, e.event_kind, e.event_subkind, e.identity_role, w.who, e.amount_usd, e.event_source, e.provenance_model
FROM int_execution_gpay_user_events_unified AS e
LEFT JOIN who AS w ON w.user_pseudonym = e.user_pseudonym AND w.identity_role = e.identity_role
ORDER BY e.event_ts, e.identity_role, w.who
