-- Every row of the baseline mart (computed_at omitted). Derivation (quantile(p) of n sorted values:
-- i = p(n-1), v[floor i] and v[floor i + 1] interpolated):
-- Adstock A (lp fee), sorted over the 104 weeks: W14..W9, W8 1.25, W7 2.5, W6 5, W1-W5 8 (x5), W15 16, ...
--   quantile(0.1): i = 10.3 -> v[10] = v[11] = 8 -> threshold 8; low-spend = A <= 8 = W1-W14 (14 weeks).
--   (A plain 8-row frame would make W14 0; NULL read as 0 would make W2-W5 4, 6, 3, 1.5.)
-- Adstock B (proposer): > 0 only in W50-W58 -> threshold 0; low-spend = the other 95 weeks.
-- Emissions: no feed, 0 -> threshold 0; low-spend = all 104 weeks.
-- dex_volume_usd_dedup = k:
--   x emissions: 1..104 -> median 52.5, q05 (i 5.15) 6.15, q95 (i 97.85) 98.85.
--   x lp fee: 1..14 -> median 7.5, q05 (i 0.65) 1.65, q95 (i 12.35) 13.35.
--   x proposer: 1..49, 59..104 -> median (i 47) 48, q05 (i 4.7) 5.7, q95 (i 89.3) 99.3.
-- ga_active_users = k in W1-W5, W30-W40 (16 weeks):
--   x lp fee: A = 8 x5, 31.9375 x11 -> i = 1.5 -> threshold 8 -> 5 low-spend weeks -> dropped (not > 5).
--   x emissions, x proposer: all 16 at adstock 0 -> {1..5, 30..40}: median (i 7.5) 32.5, q05 (i 0.75) 1.75,
--   q95 (i 14.25) 39.25.
-- pools_tvl_usd = 1000k in W1-W6, W30-W40 (17 weeks):
--   x lp fee: A = 5, 8 x5, 31.9375 x11 -> i = 1.6 -> threshold 8 -> W1-W6 = 6 weeks -> kept: 1000..6000:
--   median 3500, q05 (i 0.25) 1250, q95 (i 4.75) 5750.
--   x emissions, x proposer: threshold 0, 17 weeks: median (i 8) 32000, q05 (i 0.8) 1800, q95 (i 15.2) 39200.
-- ga_new_users, gpay_topups_count, gpay_topups_volume_usd, pools_volume_usd: 0 in every week (sum fill):
--   quantiles 0; threshold and count as for dex_volume_usd_dedup.
SELECT
    kpi_name,
    media_name,
    baseline_kpi_median,
    baseline_kpi_q05,
    baseline_kpi_q95,
    bottom_decile_threshold,
    n_low_spend_weeks
FROM fct_execution_mmm_baseline_latest
ORDER BY kpi_name, media_name
