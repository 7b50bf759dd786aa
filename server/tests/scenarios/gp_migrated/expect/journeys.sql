-- Journeys 7d, 30d, 60d: no migrated_old_safe or delegate row. S_new's funding (06-12 00:00:00) keeps
-- S_old's payment of 06-05 12:00 (lag 7, inside even the 7d window) and not the sweep-out of the same
-- second. S_new's payment sees S_old's sweep-out and S_new's sweep-in at the same second (a tie).
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
    ),
    j AS
    (
        SELECT 7 AS lookback_days, * FROM fct_execution_gpay_journeys_7d
        UNION ALL
        SELECT 30 AS lookback_days, * FROM fct_execution_gpay_journeys_30d
        UNION ALL
        SELECT 60 AS lookback_days, * FROM fct_execution_gpay_journeys_60d
    )
SELECT
    j.lookback_days,
    j.conversion_kind,
    j.conversion_ts,
    j.identity_role,
    w.who,
    j.event_kind,
    j.n_touches,
    j.first_touch_ts,
    j.last_touch_ts,
    round(j.td_sum, 10) AS td_sum
FROM j
LEFT JOIN who AS w ON w.user_pseudonym = j.user_pseudonym AND w.identity_role = j.identity_role
ORDER BY j.lookback_days, j.conversion_kind, j.conversion_ts, j.identity_role, w.who, j.event_kind
