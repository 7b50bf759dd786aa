-- source: int_execution_pools_metrics_daily
-- grain: one row per (date, protocol, pool_address): pool fee APR and TVL
-- spec: §13.3; read by int_execution_mmm_media_weekly (§7.3: pools_lp_fee_apr_avg)
-- columns: the §13.3 columns plus the grain columns protocol and pool_address (not read by the models);
--   fee_apr_7d is a percent, NULL when unknown
CREATE TABLE IF NOT EXISTS int_execution_pools_metrics_daily
(
    date Date,
    protocol String,
    pool_address String,
    fee_apr_7d Nullable(Float64),
    tvl_usd Float64
)
ENGINE = MergeTree
ORDER BY (date, protocol, pool_address)
