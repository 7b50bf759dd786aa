-- Journey marts (spec §3.3), every row; td_sum rounded to 12 decimals.
-- Notation: eK = exp(-K/7): e1 = 0.8668778997501816, e2 = 0.751477293075286, e3 = 0.6514390575310556,
-- e5 = 0.4895416595569531, e7 = 0.36787944117144233, e15 = 0.11731916609425078, e16 = 0.10170139230422684,
-- e18 = 0.07642628699076807, e20 = 0.05743261926761735, e30 = 0.013763786733050402, e60 = 0.00018944182523289424.
-- f001 topup 05-20 12:00: pageviews 05-20 08:00 (lag 0), 05-17 08:00 (3), 05-13 08:00 (7), 04-30 08:00 (20);
-- 7d bound 05-13 12:00 keeps the first two: n 2, td 1 + e3 = 1.651439057531; 30/60d: n 4, td 1 + e3 + e7 +
-- e20 = 2.07675111797, first 04-30 08:00, last 05-20 08:00. swap_signed 05-19 08:00 (lag 1): e1.
-- f002 topup 05-25 10:00: pageview 05-24 10:00 (lag 1): e1.
SELECT lookback, conversion_kind, conversion_ts, event_kind, event_source, n_touches,
       first_touch_ts, last_touch_ts, round(td_sum, 12) AS td_sum
FROM
(
    SELECT 7 AS lookback, * FROM fct_execution_gnosis_app_journeys_7d
    UNION ALL SELECT 30 AS lookback, * FROM fct_execution_gnosis_app_journeys_30d
    UNION ALL SELECT 60 AS lookback, * FROM fct_execution_gnosis_app_journeys_60d
)
ORDER BY lookback, conversion_ts, conversion_kind, event_kind
