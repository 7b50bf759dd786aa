-- Attribution marts (spec §3.4, §8.1), every row; credits rounded to 12 decimals.
-- One conversion and one event kind per conversion kind: every credit 1, total 1.
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
