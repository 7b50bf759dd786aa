-- Spec §8.2 "Journeys, 30d" (identical for 60d) and "Journeys, 7d": the rows of the three golden
-- conversions (101 topup 03-10 12:00, 202 swap_filled 03-12 00:00, 303 topup 03-11 00:00, which has none),
-- full precision, as the spec prints them: 101's onboard lag 18 -> e^-18/7 = 0.07642628699076807; its
-- pageviews lags 5 and 1 -> e^-5/7 + e^-1/7 = 1.3564195593071346; the 11:00 swap touches lag 0 -> 1;
-- 202's 23:00 touches lag 1 -> e^-1/7 = 0.8668778997501816. 7d: the same rows without chain.onboard (the
-- 03-05 09:00 pageview is inside the 03-03 12:00 bound). Expected rows copied from the spec tables.
SELECT lookback, conversion_kind, conversion_ts, event_kind, n_touches, first_touch_ts, last_touch_ts, td_sum
FROM
(
    SELECT 7 AS lookback, * FROM fct_execution_gnosis_app_journeys_7d
    UNION ALL SELECT 30, * FROM fct_execution_gnosis_app_journeys_30d
    UNION ALL SELECT 60, * FROM fct_execution_gnosis_app_journeys_60d
)
WHERE (toString(conversion_kind), conversion_ts) IN
      (('topup', toDateTime('2026-03-10 12:00:00', 'UTC')),
       ('swap_filled', toDateTime('2026-03-12 00:00:00', 'UTC')),
       ('topup', toDateTime('2026-03-11 00:00:00', 'UTC')))
ORDER BY lookback, conversion_kind DESC, event_kind
