-- source: int_execution_gnosis_app_users_current
-- grain: one row per GA user address (heuristic hits rolled up)
-- spec: §13.1; read by int_execution_gnosis_app_user_identity_bridge (§5.1) and the onboard block of int_execution_gnosis_app_events_chain_unified (§5.2)
-- columns: address is 0x-prefixed; the models lower() it. first_seen_at (earliest heuristic hit) is the onboard event time.
CREATE TABLE IF NOT EXISTS int_execution_gnosis_app_users_current
(
    address String,
    first_seen_at DateTime64(0, 'UTC'),
    last_seen_at DateTime64(0, 'UTC'),
    heuristic_kinds Array(String),
    heuristic_hits UInt64,
    n_distinct_heuristics UInt8
)
ENGINE = MergeTree
ORDER BY address
