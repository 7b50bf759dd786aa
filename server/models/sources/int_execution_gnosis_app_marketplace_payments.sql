-- source: int_execution_gnosis_app_marketplace_payments
-- grain: one row per Gnosis App marketplace payment log
-- spec: §13.1; read by the marketplace block of int_execution_gnosis_app_events_chain_unified (§5.2) and by int_execution_gnosis_app_conversions (marketplace_buy, §5.5)
-- columns: no USD value (count-only conversion kind); offer_name becomes conversion_token.
CREATE TABLE IF NOT EXISTS int_execution_gnosis_app_marketplace_payments
(
    payer String,
    block_timestamp DateTime,
    transaction_hash String,
    log_index UInt64,
    offer_name String
)
ENGINE = MergeTree
ORDER BY (block_timestamp, transaction_hash, log_index)
