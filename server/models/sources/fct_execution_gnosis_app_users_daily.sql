-- source: fct_execution_gnosis_app_users_daily
-- grain: one row per date: Gnosis App daily active and new users
-- spec: §13.3; read by int_execution_mmm_kpis_weekly (§7.2: ga_active_users, ga_new_users)
CREATE TABLE IF NOT EXISTS fct_execution_gnosis_app_users_daily
(
    date Date,
    active_users UInt64,
    new_users UInt64
)
ENGINE = MergeTree
ORDER BY date
