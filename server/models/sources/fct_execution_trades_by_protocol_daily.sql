-- source: fct_execution_trades_by_protocol_daily
-- grain: one row per (date, protocol); DEX swap volume, each hop of a multi-hop swap counted (spec §7.2, §12 M13)
-- spec: §13.3; read by int_execution_mmm_kpis_weekly (§7.2: dex_volume_usd_dedup)
-- columns: the §13.3 columns plus the grain column protocol (not read by the models)
CREATE TABLE IF NOT EXISTS fct_execution_trades_by_protocol_daily
(
    date Date,
    protocol String,
    volume_usd Float64
)
ENGINE = MergeTree
ORDER BY (date, protocol)
