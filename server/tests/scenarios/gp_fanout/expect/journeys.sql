-- Journeys 7d and 30d. No delegate row. Owner A's journeys contain the touches of A's other Safe S2
-- (deposit 06-10, cashback 06-18); B's and S1's only S1's top-up. The funded conversions have no row:
-- their only earlier touches are deposits (self-kind gp.deposit).
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
    ),
    j AS
    (
        SELECT 7 AS lookback_days, * FROM fct_execution_gpay_journeys_7d
        UNION ALL
        SELECT 30 AS lookback_days, * FROM fct_execution_gpay_journeys_30d
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
    round(j.td_sum, 10) AS td_sum,
    j.conversion_amount_usd,
    j.conversion_token,
    j.event_source
FROM j
LEFT JOIN who AS w ON w.user_pseudonym = j.user_pseudonym AND w.identity_role = j.identity_role
ORDER BY j.lookback_days, j.conversion_kind, j.identity_role, w.who, j.event_kind
