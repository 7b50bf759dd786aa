-- Journey marts (spec §3.3), every row; td_sum rounded to 12 decimals.
-- Notation: eK = exp(-K/7): e1 = 0.8668778997501816, e2 = 0.751477293075286, e3 = 0.6514390575310556,
-- e5 = 0.4895416595569531, e7 = 0.36787944117144233, e15 = 0.11731916609425078, e16 = 0.10170139230422684,
-- e18 = 0.07642628699076807, e20 = 0.05743261926761735, e30 = 0.013763786733050402, e60 = 0.00018944182523289424.
-- Touches of a001: onboard 2025-06-01 (too old for every conversion), topups 04-25 08:00, 05-10 10:00,
-- 05-20 10:00, claim 05-15 12:00, pageview 05-18 09:00.
-- topup 04-25 and 05-10: only topups (self-kind) before them: no row.
-- token_offer_claim 05-15 12:00: the topups 05-10 10:00 (lag 5, in 7d: bound 05-08 12:00) and 04-25 08:00
-- (lag 20, in 30/60d only): 7d n 1, td e5; 30/60d n 2, first 04-25 08:00, last 05-10 10:00, td e20 + e5 =
-- 0.546974278825.
-- topup 05-20 10:00: claim (lag 5) td e5; pageview (lag 2) td e2; the three earlier topups are excluded.
SELECT lookback, conversion_kind, conversion_ts, event_kind, event_source, n_touches,
       first_touch_ts, last_touch_ts, round(td_sum, 12) AS td_sum
FROM
(
    SELECT 7 AS lookback, * FROM fct_execution_gnosis_app_journeys_7d
    UNION ALL SELECT 30 AS lookback, * FROM fct_execution_gnosis_app_journeys_30d
    UNION ALL SELECT 60 AS lookback, * FROM fct_execution_gnosis_app_journeys_60d
)
ORDER BY lookback, conversion_ts, conversion_kind, event_kind
