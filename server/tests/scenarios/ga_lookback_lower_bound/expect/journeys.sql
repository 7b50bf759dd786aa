-- Journey marts (spec §3.3), every row; td_sum rounded to 12 decimals.
-- Notation: eK = exp(-K/7): e1 = 0.8668778997501816, e2 = 0.751477293075286, e3 = 0.6514390575310556,
-- e5 = 0.4895416595569531, e7 = 0.36787944117144233, e15 = 0.11731916609425078, e16 = 0.10170139230422684,
-- e18 = 0.07642628699076807, e20 = 0.05743261926761735, e30 = 0.013763786733050402, e60 = 0.00018944182523289424.
-- d001 topup 2026-05-31 12:00:00. Bounds: 7d 05-24 12:00:00, 30d 05-01 12:00:00, 60d 04-01 12:00:00 (April
-- has 30 days). pageview 05-24 12:00:00 = bound 7d: in all, lag 7, td e7. modal 05-24 11:59:59: 30/60d, lag 7.
-- feature 05-01 12:00:00 = bound 30d: 30/60d, lag 30, td e30. navigation 05-01 11:59:59: 60d only, lag 30.
-- login 04-01 12:00:00 = bound 60d: 60d, lag 60, td e60. system 04-01 11:59:59: never.
-- d002 topup 2026-06-01 00:30:00: pageview 05-30 10:00 (lag 2, td e2) in every lookback (June batch reads
-- May events: C1 fix).
SELECT lookback, conversion_kind, conversion_ts, event_kind, event_source, n_touches,
       first_touch_ts, last_touch_ts, round(td_sum, 12) AS td_sum
FROM
(
    SELECT 7 AS lookback, * FROM fct_execution_gnosis_app_journeys_7d
    UNION ALL SELECT 30 AS lookback, * FROM fct_execution_gnosis_app_journeys_30d
    UNION ALL SELECT 60 AS lookback, * FROM fct_execution_gnosis_app_journeys_60d
)
ORDER BY lookback, conversion_ts, conversion_kind, event_kind
