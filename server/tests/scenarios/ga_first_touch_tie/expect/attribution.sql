-- Attribution marts (spec §3.4, §8.1), every row; credits rounded to 12 decimals.
-- Notation: eK = exp(-K/7): e1 = 0.8668778997501816, e2 = 0.751477293075286, e3 = 0.6514390575310556,
-- e5 = 0.4895416595569531, e7 = 0.36787944117144233, e15 = 0.11731916609425078, e16 = 0.10170139230422684,
-- e18 = 0.07642628699076807, e20 = 0.05743261926761735, e30 = 0.013763786733050402, e60 = 0.00018944182523289424.
-- first: circles_trust and pageview tie at 05-18 10:00:00 (two kinds, the two pageviews count once): 0.5 each.
-- last: feature and modal tie at 05-20 17:00:00: 0.5 each. linear: 6 touches: 1/6 each, pageview 2/6.
-- time decay over S = 3 e2 + e1 + 2 = 5.121309778976: circles_trust e2/S = 0.146735371518, swap_signed
-- e1/S = 0.169268788096, feature and modal 1/S = 0.195262548676, pageview 2 e2/S = 0.293470743035.
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
