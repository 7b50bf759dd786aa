-- Seconds after 10:00:00; a = mp.pageview, b = chain.swap_filled, c = chain.topup; t_start = the chain's a.
-- pageview_swap_topup_100s (W = 100, §2.4; the window is inclusive: ts <= t_start + W):
--   05-01 a@10 b@20 c@30: b 20 <= 110, c 30 <= 110 -> 3.
--   05-02 a@10 b@110 c@111: b 110 <= 110 (the edge counts) -> 2; c 111 > 110 -> 2.
--   05-03 a@10 b@50 c@110: c 110 <= 110 (exactly t_start + W) -> 3.
--   05-04 a@10 b@50 c@111: c 111 > 110 (one second beyond) -> 2.
--   05-05 a@10 b@111 c@112: b 111 > 110 -> 1; c cannot follow level 1 -> 1.
--   05-06 a@10 a@200 b@250 c@260: chain a@10 reaches nothing (250 > 110); chain a@200: 250 <= 300,
--         260 <= 300 -> 3.
--   05-07 a@10 b@100 a@150 c@160: chain a@10: b 100 <= 110 -> 2, c 160 > 110; chain a@150: no b after it
--         -> 1; the maximum is 2 (c is not judged against the later a).
-- pageview_swap_topup (W = 30 days): every day has a, then b, then c within the window -> 3.
-- first/last_event_ts: the first and last step event of the day (the same steps in both funnels).
SELECT date, funnel_name, level, first_event_ts, last_event_ts
FROM fct_execution_gnosis_app_funnel_daily
ORDER BY date, funnel_name
