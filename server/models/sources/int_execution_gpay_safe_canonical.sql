-- source: int_execution_gpay_safe_canonical
-- grain: one row per migrated OLD Safe (June-2026 migration, one hop, no chains)
-- spec: §13.2 (the columns the GP models read; §6 reads no other)
-- read by: int_execution_gpay_user_identity_bridge (safe_self canonicalisation, role migrated_old_safe)
-- notes: address = the OLD Safe, canonical_address = its NEW Safe. May be empty. Raw addresses: internal input only.
CREATE TABLE IF NOT EXISTS int_execution_gpay_safe_canonical
(
    address String,
    canonical_address String,
    migrated_at DateTime
)
ENGINE = MergeTree
ORDER BY address
