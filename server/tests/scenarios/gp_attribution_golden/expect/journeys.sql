-- Journeys 7d and 30d (td_sum rounded to 1e-10). All rows are safe_self.
WITH
    names AS
    (
        SELECT address, name
        FROM values('address String, name String',
            ('0x00000000000000000000000000000000000000a1', 'P'),
            ('0x00000000000000000000000000000000000000a2', 'Q'),
            ('0x00000000000000000000000000000000000000a3', 'R'))
    ),
    who AS
    (
        -- label of each (pseudonym, role): the name of its bridge address
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
    )
SELECT
    j.lookback_days,
    w.who,
    j.conversion_kind,
    j.conversion_ts,
    j.event_kind,
    j.n_touches,
    j.first_touch_ts,
    j.last_touch_ts,
    round(j.td_sum, 10) AS td_sum
FROM j
LEFT JOIN who AS w ON w.user_pseudonym = j.user_pseudonym AND w.identity_role = j.identity_role
ORDER BY j.lookback_days, w.who, j.conversion_ts, j.conversion_kind, j.event_kind
