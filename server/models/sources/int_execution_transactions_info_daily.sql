-- source: int_execution_transactions_info_daily
-- grain: one row per (date, transaction_type, success): daily transaction statistics
-- spec: §13.3; read by int_execution_mmm_controls_weekly (§7.4: chain_gas_price_gwei_avg, chain_block_count)
-- columns: the §13.3 columns plus the grain columns transaction_type and success (not read by the models);
--   gas_price_median is the group's median gas price in whole gwei, n_txs its number of transactions
CREATE TABLE IF NOT EXISTS int_execution_transactions_info_daily
(
    date Date,
    transaction_type String,
    success UInt8,
    gas_price_median Int32,
    n_txs UInt64
)
ENGINE = MergeTree
ORDER BY (date, transaction_type, success)
