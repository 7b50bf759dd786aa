-- source: fct_execution_gnosis_app_gpay_topups_weekly
-- grain: one row per week (a Monday): Gnosis App -> Gnosis Pay top-ups
-- spec: §13.3; read by int_execution_mmm_kpis_weekly (§7.2: gpay_topups_count, gpay_topups_volume_usd)
-- columns: volume_usd is NULL when no top-up of the week has a USD amount
CREATE TABLE IF NOT EXISTS fct_execution_gnosis_app_gpay_topups_weekly
(
    week Date,
    n_topups UInt64,
    volume_usd Nullable(Float64)
)
ENGINE = MergeTree
ORDER BY week
