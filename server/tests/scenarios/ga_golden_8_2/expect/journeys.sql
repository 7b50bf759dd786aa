-- Journey marts (spec §3.3), every row; td_sum rounded to 12 decimals.
-- Notation: eK = exp(-K/7): e1 = 0.8668778997501816, e2 = 0.751477293075286, e3 = 0.6514390575310556,
-- e5 = 0.4895416595569531, e7 = 0.36787944117144233, e15 = 0.11731916609425078, e16 = 0.10170139230422684,
-- e18 = 0.07642628699076807, e20 = 0.05743261926761735, e30 = 0.013763786733050402, e60 = 0.00018944182523289424.
-- Conversions (§5.5): G1 = 101 topup 03-10 12:00, G2 = 202 swap_filled 03-12 00:00, G3 = 303 topup 03-11 00:00
-- (the §8.2 ones) and, implied by the same upstream rows, X1 = 101 topup 03-08 10:00, X2 = 101 swap_filled
-- 03-10 11:00, X3 = 202 swap_filled 03-11 10:00 (its order was signed 2026-01-01).
-- G1, G2: exactly §8.2 (see journeys_golden). G3, X3: no touch (onboard 2025-12-01 and the 01-01 signature
-- are more than 60 days earlier; the rest is self-kind or later): no rows.
-- X1 (lag from 03-08): 7d (bound 03-01 10:00) pageview 03-05 09:00, lag 3, td e3; 30/60d add onboard 02-20
-- 08:00, lag 16, td e16. The 03-08 topup is itself self-kind for nothing else here.
-- X2 (lag from 03-10): pageviews 03-05 (lag 5) and 03-09 23:59:59 (lag 1): n 2, td e5 + e1 = 1.356419559307;
-- chain.topup 03-08 10:00 (lag 2, not self-kind for a swap): e2; 30/60d add onboard (lag 18) e18;
-- swap_signed at 11:00:00 is the same second (excluded), chain.swap_filled is self-kind.
SELECT lookback, conversion_kind, conversion_ts, event_kind, event_source, n_touches,
       first_touch_ts, last_touch_ts, round(td_sum, 12) AS td_sum
FROM
(
    SELECT 7 AS lookback, * FROM fct_execution_gnosis_app_journeys_7d
    UNION ALL SELECT 30 AS lookback, * FROM fct_execution_gnosis_app_journeys_30d
    UNION ALL SELECT 60 AS lookback, * FROM fct_execution_gnosis_app_journeys_60d
)
ORDER BY lookback, conversion_ts, conversion_kind, event_kind
