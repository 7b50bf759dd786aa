-- source: int_execution_gnosis_app_swaps
-- grain: one row per CoW order signed by a GA user (PreSignature)
-- spec: §13.1; read by the swap_signed / swap_filled blocks of int_execution_gnosis_app_events_chain_unified (§5.2) and by int_execution_gnosis_app_conversions (swap_filled, §5.5)
-- columns: block_timestamp is the signature time; first_fill_at >= block_timestamp when was_filled.
CREATE TABLE IF NOT EXISTS int_execution_gnosis_app_swaps
(
    taker String,
    block_timestamp DateTime,
    order_uid String,
    was_filled Bool,
    first_fill_at Nullable(DateTime),
    amount_usd Nullable(Float64)
)
ENGINE = MergeTree
ORDER BY (block_timestamp, order_uid)
