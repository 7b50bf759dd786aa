-- The 13 registry KPIs in a week with feeds (2025-06-02), a week without (2025-06-09) and the top-up week
-- 2025-06-16. No aggregator: gpay_active_users, gno_staked (last -> NULL); gpay_payment_volume_usd,
-- chain_tx_count, bridge_inflow_usd, bridge_outflow_usd (sum -> 0).
SELECT week, kpi_name, kpi_value, kpi_value_method, is_dedup_safe, provenance_model
FROM int_execution_mmm_kpis_weekly
WHERE week IN ('2025-06-02', '2025-06-09', '2025-06-16')
ORDER BY week, kpi_name
