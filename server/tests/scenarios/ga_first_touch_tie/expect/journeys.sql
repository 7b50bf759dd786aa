-- Journey marts (spec §3.3), every row; td_sum rounded to 12 decimals.
-- Notation: eK = exp(-K/7): e1 = 0.8668778997501816, e2 = 0.751477293075286, e3 = 0.6514390575310556,
-- e5 = 0.4895416595569531, e7 = 0.36787944117144233, e15 = 0.11731916609425078, e16 = 0.10170139230422684,
-- e18 = 0.07642628699076807, e20 = 0.05743261926761735, e30 = 0.013763786733050402, e60 = 0.00018944182523289424.
-- swap_filled 05-20 18:00:00 (all lookbacks; every touch is within 7 days): circles_trust 05-18 10:00 (lag 2,
-- e2); swap_signed 05-19 09:00 (lag 1, e1); feature and modal 05-20 17:00 (lag 0, 1 each); two pageviews at
-- 05-18 10:00 (n 2, td 2 e2 = 1.502954586151).
SELECT lookback, conversion_kind, conversion_ts, event_kind, event_source, n_touches,
       first_touch_ts, last_touch_ts, round(td_sum, 12) AS td_sum
FROM
(
    SELECT 7 AS lookback, * FROM fct_execution_gnosis_app_journeys_7d
    UNION ALL SELECT 30 AS lookback, * FROM fct_execution_gnosis_app_journeys_30d
    UNION ALL SELECT 60 AS lookback, * FROM fct_execution_gnosis_app_journeys_60d
)
ORDER BY lookback, conversion_ts, conversion_kind, event_kind
