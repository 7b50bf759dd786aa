-- Attribution marts (spec §3.4, §8.1), every row; credits rounded to 12 decimals.
-- 7d: one tracked conversion (0a03), credits 1; 30/60d: two (0a03, 0a04), credits 2. total_conversions = 5 rows.
SELECT lookback, conversion_kind, event_kind, conversions_with_touch,
       round(first_touch, 12) AS first_touch, round(last_touch, 12) AS last_touch,
       round(linear, 12) AS linear, round(time_decay_hl_7d, 12) AS time_decay_hl_7d, total_conversions
FROM
(
    SELECT 7 AS lookback, * FROM fct_execution_gnosis_app_attribution_7d
    UNION ALL SELECT 30 AS lookback, * FROM fct_execution_gnosis_app_attribution_30d
    UNION ALL SELECT 60 AS lookback, * FROM fct_execution_gnosis_app_attribution_60d
)
ORDER BY lookback, conversion_kind, event_kind
