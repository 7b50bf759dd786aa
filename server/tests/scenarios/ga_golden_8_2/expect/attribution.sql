-- Attribution marts (spec §3.4, §8.1), every row; credits rounded to 12 decimals.
-- Notation: eK = exp(-K/7): e1 = 0.8668778997501816, e2 = 0.751477293075286, e3 = 0.6514390575310556,
-- e5 = 0.4895416595569531, e7 = 0.36787944117144233, e15 = 0.11731916609425078, e16 = 0.10170139230422684,
-- e18 = 0.07642628699076807, e20 = 0.05743261926761735, e30 = 0.013763786733050402, e60 = 0.00018944182523289424.
-- topup, 7d: G1 = §8.2 7d row (pageview 1 / 0 / 0.5 / 0.404126938048, swap_filled and swap_signed
-- 0 / 0.5 / 0.25 / 0.297936530976 each); X1 = pageview only: 1 / 1 / 1 / 1. Sum: pageview cwt 2, 2, 1, 1.5,
-- 1.404126938048. total_conversions = 3 (G1, G3, X1).
-- topup, 30d and 60d: G1 = §8.2 30d row (onboard 1 / 0 / 0.2 / e18/T = 0.022263244670, swap_filled, swap_signed
-- 0 / 0.5 / 0.2 / 1/T = 0.291303497091, pageview 0 / 0 / 0.4 / (e5+e1)/T, T = e18 + 2 + e5 + e1 =
-- 3.432845846298); X1: onboard first (02-20 < 03-05) 1, pageview last 1, linear 0.5 each, td e16/(e16+e3) =
-- 0.135036422923 and e3/(e16+e3) = 0.864963577077; onboard: cwt 2, first 2, last 0, linear 0.7, td 0.157299667593;
-- pageview: cwt 2, first 0, last 1, linear 0.9, td 1.260093338226.
-- swap_filled, 7d: G2 = swap_signed and pageview 0.5 each on every rule; X2: pageview first (03-05) and last
-- (03-09 23:59:59) 1 / 1, linear 2/3, td (e5+e1)/(e5+e1+e2) = 0.643494276190; topup 0 / 0 / 1/3 / e2/(...)
-- = 0.35650572381. pageview: cwt 2, 1.5, 1.5, 1.166666666667, 1.14349427619. total = 3 (G2, X2, X3).
-- swap_filled, 30d and 60d: X2 adds onboard (lag 18): first = onboard 1, last = pageview 1, linear onboard
-- 0.25, pageview 0.5, topup 0.25; td over S = e18 + e5 + e1 + e2 = 2.184323139373: onboard 0.034988544329,
-- topup 0.344032107489, pageview 0.620979348182 (+ 0.5 from G2 = 1.120979348182).
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
