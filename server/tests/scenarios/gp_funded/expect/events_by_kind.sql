-- Every action's event kind (safe_self rows: one per transfer read).
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
SELECT w.who, e.event_ts, e.event_subkind, e.event_kind, e.amount_usd
FROM int_execution_gpay_user_events_unified AS e
LEFT JOIN who AS w ON w.user_pseudonym = e.user_pseudonym AND w.identity_role = e.identity_role
WHERE e.identity_role = 'safe_self'
ORDER BY e.event_ts, w.who, e.event_subkind, e.amount_usd
