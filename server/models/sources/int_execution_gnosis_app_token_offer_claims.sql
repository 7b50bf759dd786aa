-- source: int_execution_gnosis_app_token_offer_claims
-- grain: one row per OfferClaimed log (e.g. CRC -> GNO discount)
-- spec: §13.1; read by the claim block of int_execution_gnosis_app_events_chain_unified (§5.2), by int_execution_gnosis_app_conversions (token_offer_claim, §5.5) and by the MMM media model (block_timestamp, amount_received_usd)
CREATE TABLE IF NOT EXISTS int_execution_gnosis_app_token_offer_claims
(
    ga_user String,
    block_timestamp DateTime,
    transaction_hash String,
    log_index UInt64,
    amount_received_usd Float64,
    offer_token_symbol Nullable(String)
)
ENGINE = MergeTree
ORDER BY (block_timestamp, transaction_hash, log_index)
