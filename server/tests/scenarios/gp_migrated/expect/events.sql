-- 17 touch rows: each S_old transfer fans out to 3 identities, each S_new transfer to 4 (with
-- migrated_old_safe).
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
SELECT e.event_ts, e.event_kind, e.identity_role, w.who, count() AS n_rows
FROM int_execution_gpay_user_events_unified AS e
LEFT JOIN who AS w ON w.user_pseudonym = e.user_pseudonym AND w.identity_role = e.identity_role
GROUP BY e.event_ts, e.event_kind, e.identity_role, w.who
ORDER BY e.event_ts, e.event_kind, e.identity_role, w.who
