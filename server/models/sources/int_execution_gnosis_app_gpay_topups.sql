-- source: int_execution_gnosis_app_gpay_topups
-- grain: one row per GA -> Gnosis Pay top-up
-- spec: §13.1; read by the topup block of int_execution_gnosis_app_events_chain_unified (§5.2) and by int_execution_gnosis_app_conversions (topup, §5.5)
-- columns: ga_user is the first GA owner of the receiving GP wallet; log_index is a per-transaction ordinal.
CREATE TABLE IF NOT EXISTS int_execution_gnosis_app_gpay_topups
(
    ga_user String,
    block_timestamp DateTime,
    transaction_hash String,
    log_index UInt64,
    amount_usd Nullable(Float64),
    token_bought_symbol Nullable(String)
)
ENGINE = MergeTree
ORDER BY (block_timestamp, transaction_hash, log_index)
