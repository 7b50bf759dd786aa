-- model: int_execution_gpay_user_events_unified
-- grain: one row per (GP activity row before as_of × bridge row of its Safe): every touch fanned out to every identity of the Safe
-- inputs: int_execution_gpay_activity, int_execution_gpay_user_identity_bridge
-- materialized: incremental
-- engine: ReplacingMergeTree
-- order_by: (event_date, user_pseudonym, event_ts, event_kind, identity_role, event_dedup_key)
-- partition_date: event_date
-- settings: join_algorithm = 'grace_hash', join_use_nulls = 0
SELECT
    -- Spec §6.2. GP touchpoints are chain-only (no Mixpanel block). A transfer of a 2-owner, 1-delegate Safe
    -- yields 4 rows (safe_self + 2 initial_owner + delegate), 5 when the Safe is a migration target
    -- (+ migrated_old_safe). Returns exactly the rows with event_date in [batch_start, batch_end] and
    -- event_date < as_of (upstream: block_timestamp before the build date).
    -- event_dedup_key = cityHash64(transaction_hash, token_address, counterparty, direction, identity_role),
    -- as upstream (it carries neither the Safe nor the timestamp: spec §6.2 collision note).
    toDateTime(a.block_timestamp, 'UTC') AS event_ts,
    toDate(a.block_timestamp) AS event_date,
    toUInt64(b.user_pseudonym) AS user_pseudonym,
    CAST(b.identity_role AS LowCardinality(String)) AS identity_role,
    CAST('chain' AS LowCardinality(String)) AS event_source,
    CAST(multiIf(
        a.action IN ('Payment', 'Reversal'), 'gp.payment',
        a.action = 'Cashback', 'gp.cashback_claim',
        a.action IN ('Fiat Top Up', 'Crypto Deposit'), 'gp.deposit',
        a.action IN ('Fiat Off-ramp', 'Crypto Withdrawal'), 'gp.withdrawal',
        'gp.action_other'
    ) AS LowCardinality(String)) AS event_kind,
    CAST(a.action AS String) AS event_subkind,
    CAST(toFloat64OrNull(toString(a.amount_usd)) AS Nullable(Float64)) AS amount_usd,
    toUInt64(cityHash64(
        CAST(a.transaction_hash AS String),
        CAST(a.token_address AS String),
        CAST(a.counterparty AS String),
        CAST(a.direction AS String),
        CAST(b.identity_role AS String)
    )) AS event_dedup_key,
    CAST('int_execution_gpay_activity' AS LowCardinality(String)) AS provenance_model
FROM int_execution_gpay_activity AS a
INNER JOIN
(
    SELECT user_pseudonym, identity_role, assumeNotNull(gp_safe) AS gp_safe
    FROM int_execution_gpay_user_identity_bridge
    WHERE gp_safe IS NOT NULL
) AS b ON b.gp_safe = lower(a.wallet_address)
WHERE toDate(a.block_timestamp) < {as_of:Date}
  AND toDate(a.block_timestamp) >= {batch_start:Date}
  AND toDate(a.block_timestamp) <= {batch_end:Date}
