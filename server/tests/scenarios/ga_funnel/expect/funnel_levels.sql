-- Counts per funnel and level: swap_filled/topup user-days (11: 05-01, 05-02, 05-03, 05-05 .. 05-12) appear in
-- every funnel; claim_swap_topup: 11 at level 0; modal_swap_topup: 10 at 0, 05-01 at 1; onboard_swap_topup: the
-- 11 at 0 plus the 10 onboard days (2025-06-01, one per user) at 1; pageview_swap_topup: 4 / 2 / 3 / 3 at
-- levels 0 / 1 / 2 / 3 (see funnel_pageview_swap_topup).
SELECT funnel_name, level, count() AS user_days
FROM fct_execution_gnosis_app_funnel_daily
GROUP BY funnel_name, level
ORDER BY funnel_name, level
