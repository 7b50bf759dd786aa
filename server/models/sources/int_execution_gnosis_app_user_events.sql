-- source: int_execution_gnosis_app_user_events
-- grain: one row per heuristic hit (relayer-mediated Circles / Safe actions)
-- spec: §13.1; read by the heuristic block of int_execution_gnosis_app_events_chain_unified (§5.2)
-- columns: heuristic_kind is the 7-value enum circles_register_human, circles_invite_human, circles_trust,
--   circles_profile_update, circles_fee, circles_personal_mint, safe_invitation_module (emitted as chain.<kind>).
CREATE TABLE IF NOT EXISTS int_execution_gnosis_app_user_events
(
    address String,
    heuristic_kind String,
    block_timestamp DateTime64(0, 'UTC'),
    transaction_hash String
)
ENGINE = MergeTree
ORDER BY (block_timestamp, address)
