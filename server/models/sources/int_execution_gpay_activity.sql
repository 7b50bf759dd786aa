-- source: int_execution_gpay_activity
-- grain: one row per ERC-20 transfer touching a GP Safe; unique on
--        (wallet_address, block_timestamp, transaction_hash, token_address, counterparty, direction)
-- spec: §13.2 (the columns the GP models read; §6 reads no other)
-- read by: int_execution_gpay_user_events_unified, int_execution_gpay_conversions
-- notes: direction in {in, out}; action in {Payment, Reversal, Cashback, Fiat Top Up, Fiat Off-ramp,
--        Crypto Deposit, Crypto Withdrawal, Other} (spec §6 table); Cashback is GNO only.
--        `amount` is listed by §13.2 but no model reads it. Raw addresses: internal input only.
CREATE TABLE IF NOT EXISTS int_execution_gpay_activity
(
    wallet_address String,
    block_timestamp DateTime64(0, 'UTC'),
    date Date,
    transaction_hash String,
    token_address String,
    counterparty String,
    direction String,
    action String,
    symbol String,
    amount Float64,
    amount_usd Float64
)
ENGINE = MergeTree
PARTITION BY toStartOfMonth(date)
ORDER BY (wallet_address, block_timestamp, transaction_hash, token_address, counterparty, direction)
