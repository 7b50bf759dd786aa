-- source: int_execution_gpay_spender_delegates_current
-- grain: one row per (Safe, delegate, role_key); role_key itself is not read, so a delegate holding two
--        role keys on one Safe appears as two identical (gp_safe, delegate_address) rows
-- spec: §13.2 (the columns the GP models read; §6 reads no other)
-- read by: int_execution_gpay_user_identity_bridge (role delegate)
-- notes: in production almost every Safe has the same single delegate EOA. Raw addresses: internal input only.
CREATE TABLE IF NOT EXISTS int_execution_gpay_spender_delegates_current
(
    gp_safe String,
    delegate_address Nullable(String)
)
ENGINE = MergeTree
ORDER BY gp_safe
