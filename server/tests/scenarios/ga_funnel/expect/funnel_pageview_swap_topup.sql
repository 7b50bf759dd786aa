-- pageview_swap_topup (a = mp.pageview, b = chain.swap_filled, c = chain.topup, window 30 days), one row per
-- user-day with a step event. 05-01: a@10 b@20 c@30 (+ a modal, not a step here) -> 3. 05-02: a, b -> 2;
-- 05-03: c only -> 0. 05-04: a -> 1; 05-05: b, c -> 0. 05-06: b only -> 0. 05-07: c, b, a in the same second ->
-- 3 (sorted by step index). 05-08: b@20, a@10 -> 2. 05-09: b@5, a@10, c@30 -> 1 (c needs level 2). 05-10:
-- b@10, c@20 -> 0. 05-11: a@10, a@200, b@250, c@260 -> 3. 05-12: a@10, c@30, b@40 -> 2. first/last_event_ts:
-- min/max of the day's step events. d01's pageview on 2026-06-28 (= as_of) is dropped.
SELECT date, funnel_name, level, first_event_ts, last_event_ts
FROM fct_execution_gnosis_app_funnel_daily
WHERE funnel_name = 'pageview_swap_topup'
ORDER BY date, funnel_name, first_event_ts, last_event_ts, level
