-- Journey marts (spec §3.3), every row; td_sum rounded to 12 decimals.
-- Notation: eK = exp(-K/7): e1 = 0.8668778997501816, e2 = 0.751477293075286, e3 = 0.6514390575310556,
-- e5 = 0.4895416595569531, e7 = 0.36787944117144233, e15 = 0.11731916609425078, e16 = 0.10170139230422684,
-- e18 = 0.07642628699076807, e20 = 0.05743261926761735, e30 = 0.013763786733050402, e60 = 0.00018944182523289424.
-- Journeys keep every conversion (the 180-day window is the attribution's): 0b02 2025-12-29 23:59:59 (pageview
-- 1 h earlier, lag 0, td 1), 0b01 2025-12-30 00:00:00 (pageview 12-29 23:00, lag 1, td e1), 0b03 2026-06-27
-- 12:00 (lag 0). 0b04's topup and pageview are dated as_of (2026-06-28) and dropped.
SELECT lookback, conversion_kind, conversion_ts, event_kind, event_source, n_touches,
       first_touch_ts, last_touch_ts, round(td_sum, 12) AS td_sum
FROM
(
    SELECT 7 AS lookback, * FROM fct_execution_gnosis_app_journeys_7d
    UNION ALL SELECT 30 AS lookback, * FROM fct_execution_gnosis_app_journeys_30d
    UNION ALL SELECT 60 AS lookback, * FROM fct_execution_gnosis_app_journeys_60d
)
ORDER BY lookback, conversion_ts, conversion_kind, event_kind
