-- Attribution marts (spec §3.4, §8.1), every row; credits rounded to 12 decimals.
-- Notation: eK = exp(-K/7): e1 = 0.8668778997501816, e2 = 0.751477293075286, e3 = 0.6514390575310556,
-- e5 = 0.4895416595569531, e7 = 0.36787944117144233, e15 = 0.11731916609425078, e16 = 0.10170139230422684,
-- e18 = 0.07642628699076807, e20 = 0.05743261926761735, e30 = 0.013763786733050402, e60 = 0.00018944182523289424.
-- 7d: each conversion has one pageview: cwt 2, 2 / 2 / 2 / 2, total 2.
-- 30d: d001 kinds feature (first), modal, pageview (last, 12:00:00 > 11:59:59); linear 1/3 each; time decay
-- over e30 + 2 e7 = 0.749522669076: feature 0.018363402871, modal and pageview 0.490818298565. d002 adds 1 to
-- pageview's first, last, linear and time decay: 1 / 2 / 1.333333333333 / 1.490818298565.
-- 60d: d001 adds login (first) and navigation: linear 1/5 each; time decay over e60 + 2 e30 + 2 e7 =
-- 0.763475897634: login 0.000248130721, feature and navigation 0.01802779469, modal 0.48184813995, pageview
-- 0.48184813995 + 1 (d002).
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
