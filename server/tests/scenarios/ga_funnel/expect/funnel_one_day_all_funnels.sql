-- 2026-05-01 (user d01: pageview :10, swap signed :00 (not a step), swap filled :20, modal :25, topup :30):
-- claim_swap_topup and onboard_swap_topup see only b and c -> 0 (first :20); modal_swap_topup: b@20, a@25,
-- c@30 -> 1; pageview_swap_topup -> 3.
SELECT date, funnel_name, level, first_event_ts, last_event_ts
FROM fct_execution_gnosis_app_funnel_daily
WHERE date = '2026-05-01'
ORDER BY date, funnel_name, first_event_ts, last_event_ts, level
