-- model: int_execution_gpay_conversions
-- grain: one row per (GP conversion event × bridge row of its Safe): gpay_payment, gpay_cashback_claim and gpay_funded (first inflow per Safe), fanned out to every role, delegate included
-- inputs: int_execution_gpay_activity, int_execution_gpay_user_identity_bridge
-- materialized: incremental
-- engine: ReplacingMergeTree
-- order_by: (conversion_date, conversion_kind, user_pseudonym, identity_role, gp_safe, conversion_ts, conversion_dedup_key)
-- partition_date: conversion_date
-- settings: join_algorithm = 'grace_hash', join_use_nulls = 0
WITH
    -- Spec §6.3, DESIGN §4.1 (C2), §4.18. Returns exactly the rows with conversion_date in
    -- [batch_start, batch_end] and conversion_date < as_of, for all three kinds alike, so a batch never
    -- replaces a month partition with only some kinds (upstream C2).
    -- gpay_funded is the first inflow ('Fiat Top Up' or 'Crypto Deposit') of each Safe over the WHOLE history
    -- of the activity table, whatever the batch; ties at the first second are broken by
    -- (block_timestamp, transaction_hash, token_address), then counterparty and direction (the rest of the
    -- source's unique key) so the choice is total. A migrated OLD Safe and its NEW Safe each get their own
    -- funded event (both under the canonical safe_self pseudonym).
    -- gp_safe is the PSEUDONYM of the Safe, sipHash64(salt ‖ lower(safe)) (UInt64), not the raw address of
    -- spec §6.3: raw addresses stay in the bridge (DESIGN §1). It keeps one owner's two Safes distinct in the
    -- key exactly as the address did.
    payments_and_cashback AS
    (
        SELECT
            a.wallet_address AS wallet_address,
            toDateTime(a.block_timestamp, 'UTC') AS conversion_ts,
            multiIf(a.action = 'Payment', 'gpay_payment', 'gpay_cashback_claim') AS conversion_kind,
            toFloat64OrNull(toString(a.amount_usd)) AS conversion_amount_usd,
            CAST(a.symbol AS Nullable(String)) AS conversion_token,
            CAST(a.transaction_hash AS String) AS transaction_hash,
            CAST(a.token_address AS String) AS token_address,
            CAST(a.counterparty AS String) AS counterparty,
            CAST(a.direction AS String) AS direction
        FROM int_execution_gpay_activity AS a
        WHERE a.action IN ('Payment', 'Cashback')
          AND toDate(a.block_timestamp) < {as_of:Date}
          AND toDate(a.block_timestamp) >= {batch_start:Date}
          AND toDate(a.block_timestamp) <= {batch_end:Date}
    ),
    first_inflow AS
    (
        -- Whole history: no batch, incremental or as_of filter inside the aggregation.
        SELECT
            lower(a.wallet_address) AS wallet_address,
            argMin(
                tuple(a.block_timestamp, a.amount_usd, a.symbol, a.transaction_hash, a.token_address, a.counterparty, a.direction),
                tuple(a.block_timestamp, a.transaction_hash, a.token_address, a.counterparty, a.direction)
            ) AS first_row
        FROM int_execution_gpay_activity AS a
        WHERE a.action IN ('Fiat Top Up', 'Crypto Deposit')
        GROUP BY wallet_address
    ),
    funded AS
    (
        SELECT
            wallet_address,
            toDateTime(first_row.1, 'UTC') AS conversion_ts,
            'gpay_funded' AS conversion_kind,
            toFloat64OrNull(toString(first_row.2)) AS conversion_amount_usd,
            CAST(first_row.3 AS Nullable(String)) AS conversion_token,
            CAST(first_row.4 AS String) AS transaction_hash,
            CAST(first_row.5 AS String) AS token_address,
            CAST(first_row.6 AS String) AS counterparty,
            CAST(first_row.7 AS String) AS direction
        FROM first_inflow
        WHERE toDate(first_row.1) < {as_of:Date}
          AND toDate(first_row.1) >= {batch_start:Date}
          AND toDate(first_row.1) <= {batch_end:Date}
    ),
    conversion_events AS
    (
        SELECT * FROM payments_and_cashback
        UNION ALL
        SELECT * FROM funded
    )
SELECT
    toDateTime(e.conversion_ts, 'UTC') AS conversion_ts,
    toDate(e.conversion_ts) AS conversion_date,
    toUInt64(b.user_pseudonym) AS user_pseudonym,
    CAST(b.identity_role AS LowCardinality(String)) AS identity_role,
    toUInt64(sipHash64(concat(unhex({salt:String}), lower(b.gp_safe)))) AS gp_safe,
    CAST(e.conversion_kind AS LowCardinality(String)) AS conversion_kind,
    CAST(e.conversion_amount_usd AS Nullable(Float64)) AS conversion_amount_usd,
    CAST(e.conversion_token AS Nullable(String)) AS conversion_token,
    toUInt64(cityHash64(
        e.conversion_kind,
        e.transaction_hash,
        e.token_address,
        e.counterparty,
        e.direction,
        CAST(b.identity_role AS String)
    )) AS conversion_dedup_key,
    CAST('int_execution_gpay_activity' AS LowCardinality(String)) AS provenance_model
FROM conversion_events AS e
INNER JOIN
(
    SELECT user_pseudonym, identity_role, assumeNotNull(gp_safe) AS gp_safe
    FROM int_execution_gpay_user_identity_bridge
    WHERE gp_safe IS NOT NULL
) AS b ON b.gp_safe = lower(e.wallet_address)
