-- source: int_execution_gpay_wallets
-- grain: one row per Gnosis Pay Safe, including the NEW Safes of the June-2026 migration (and the OLD ones)
-- spec: §13.2 (the columns the GP models read; §6 reads no other)
-- read by: int_execution_gpay_user_identity_bridge (the universe of gp_safe: initial owners and safe_self)
-- notes: address is 0x-prefixed; the models lower() it anyway. Raw addresses: internal input only.
CREATE TABLE IF NOT EXISTS int_execution_gpay_wallets
(
    address String
)
ENGINE = MergeTree
ORDER BY address
