-- source: fct_execution_pools_daily
-- grain: one row per (date, protocol, pool_address, token_address): a pool appears once per qualifying token
-- spec: §13.3; read by int_execution_mmm_kpis_weekly (§7.2: pools_tvl_usd, pools_volume_usd)
-- columns: tvl_usd and volume_usd_daily are whole-pool values, repeated on every token row of the pool-day.
--   protocol, pool_address and token_address are the grain of §13.3 (not in its column list); the KPI
--   model reads protocol and pool_address to count each pool once per day (DESIGN §4.1, spec §12 M6).
CREATE TABLE IF NOT EXISTS fct_execution_pools_daily
(
    date Date,
    protocol String,
    pool_address String,
    token_address String,
    tvl_usd Float64,
    volume_usd_daily Float64
)
ENGINE = MergeTree
ORDER BY (date, protocol, pool_address, token_address)
