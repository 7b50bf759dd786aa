-- The control columns of the spine in chosen weeks: pre-fork weeks (hardfork_step 0) before the Monday
-- of Cancun (2024-03-11), holiday Mondays of the seed, the turn of the year for week_of_year, the fed week
-- 2025-06-02 and the feedless week 2025-06-09 (NULL, never 0), the last spine week.
SELECT
    week,
    ctrl_gno_usd_price_avg,
    ctrl_eth_usd_price_avg,
    ctrl_wxdai_eur_proxy_avg,
    ctrl_chain_gas_price_gwei_avg,
    ctrl_chain_block_count,
    ctrl_week_of_year,
    ctrl_is_holiday_week,
    ctrl_week_index,
    ctrl_hardfork_step
FROM fct_execution_mmm_spine_weekly
WHERE week IN ('2024-02-26', '2024-03-04', '2024-03-11', '2024-12-16', '2024-12-23', '2024-12-30', '2025-01-06',
               '2025-04-21', '2025-06-02', '2025-06-09', '2025-12-29', '2026-02-23')
ORDER BY week
