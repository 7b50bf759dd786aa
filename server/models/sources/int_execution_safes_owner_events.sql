-- source: int_execution_safes_owner_events
-- grain: one row per Safe owner lifecycle event (safe_setup rows: one per initial owner)
-- spec: §13.2 (the columns the GP models read; §6 reads no other)
-- read by: int_execution_gpay_user_identity_bridge (only event_kind = 'safe_setup' with a non-NULL owner)
-- notes: event_kind in {safe_setup, added_owner, removed_owner, changed_threshold}; owner is NULL for
--        changed_threshold. Raw addresses: internal input only.
CREATE TABLE IF NOT EXISTS int_execution_safes_owner_events
(
    safe_address String,
    owner Nullable(String),
    event_kind String,
    block_timestamp DateTime64(0, 'UTC')
)
ENGINE = MergeTree
ORDER BY (safe_address, block_timestamp, event_kind)
