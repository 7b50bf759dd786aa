-- model: int_execution_gnosis_app_conversions
-- grain: one row per conversion event (topup, swap_filled, token_offer_claim, marketplace_buy) of an identified GA user
-- inputs: int_execution_gnosis_app_user_identity_bridge, int_execution_gnosis_app_gpay_topups, int_execution_gnosis_app_swaps, int_execution_gnosis_app_token_offer_claims, int_execution_gnosis_app_marketplace_payments
-- materialized: incremental
-- engine: ReplacingMergeTree
-- order_by: (conversion_date, conversion_kind, user_pseudonym, conversion_ts, conversion_dedup_key)
-- partition_date: conversion_date
WITH
    -- Spec §5.5: one block per conversion kind, each INNER JOINed to the bridge on bridge.address =
    -- lower(<address>); dedup keys equal the matching touch's event_dedup_key in
    -- int_execution_gnosis_app_events_chain_unified. Every block keeps conversion_date in
    -- [batch_start, batch_end] and conversion_date < as_of (upstream: < today()). AS-BUILT difference:
    -- upstream's topup block has no guard (C6); here it has, like every other kind.
    bridge AS
    (
        SELECT address, user_pseudonym
        FROM int_execution_gnosis_app_user_identity_bridge
    ),
    blocks AS
    (
        SELECT
            toDateTime(t.block_timestamp, 'UTC')                              AS ts,
            b.user_pseudonym                                                  AS user_pseudonym,
            'topup'                                                           AS conversion_kind,
            toFloat64OrNull(toString(t.amount_usd))                           AS conversion_amount_usd,
            CAST(t.token_bought_symbol AS Nullable(String))                   AS conversion_token,
            cityHash64('topup', t.transaction_hash, toString(t.log_index))    AS conversion_dedup_key,
            'int_execution_gnosis_app_gpay_topups'                            AS provenance_model
        FROM int_execution_gnosis_app_gpay_topups AS t
        INNER JOIN bridge AS b ON b.address = lower(t.ga_user)
        WHERE toDate(t.block_timestamp) < {as_of:Date}
          AND toDate(t.block_timestamp) >= {batch_start:Date}
          AND toDate(t.block_timestamp) <= {batch_end:Date}

        UNION ALL

        SELECT
            toDateTime(assumeNotNull(s.first_fill_at), 'UTC'),
            b.user_pseudonym,
            'swap_filled',
            toFloat64OrNull(toString(s.amount_usd)),
            CAST(NULL AS Nullable(String)),
            cityHash64('swap_filled', s.order_uid),
            'int_execution_gnosis_app_swaps'
        FROM int_execution_gnosis_app_swaps AS s
        INNER JOIN bridge AS b ON b.address = lower(s.taker)
        WHERE s.was_filled = 1
          AND s.first_fill_at IS NOT NULL
          AND toDate(assumeNotNull(s.first_fill_at)) < {as_of:Date}
          AND toDate(assumeNotNull(s.first_fill_at)) >= {batch_start:Date}
          AND toDate(assumeNotNull(s.first_fill_at)) <= {batch_end:Date}

        UNION ALL

        SELECT
            toDateTime(c.block_timestamp, 'UTC'),
            b.user_pseudonym,
            'token_offer_claim',
            toFloat64OrNull(toString(c.amount_received_usd)),
            CAST(c.offer_token_symbol AS Nullable(String)),
            cityHash64('token_offer_claim', c.transaction_hash, toString(c.log_index)),
            'int_execution_gnosis_app_token_offer_claims'
        FROM int_execution_gnosis_app_token_offer_claims AS c
        INNER JOIN bridge AS b ON b.address = lower(c.ga_user)
        WHERE toDate(c.block_timestamp) < {as_of:Date}
          AND toDate(c.block_timestamp) >= {batch_start:Date}
          AND toDate(c.block_timestamp) <= {batch_end:Date}

        UNION ALL

        SELECT
            toDateTime(m.block_timestamp, 'UTC'),
            b.user_pseudonym,
            'marketplace_buy',
            CAST(NULL AS Nullable(Float64)),
            CAST(m.offer_name AS Nullable(String)),
            cityHash64('marketplace_buy', m.transaction_hash, toString(m.log_index)),
            'int_execution_gnosis_app_marketplace_payments'
        FROM int_execution_gnosis_app_marketplace_payments AS m
        INNER JOIN bridge AS b ON b.address = lower(m.payer)
        WHERE toDate(m.block_timestamp) < {as_of:Date}
          AND toDate(m.block_timestamp) >= {batch_start:Date}
          AND toDate(m.block_timestamp) <= {batch_end:Date}
    )
SELECT
    toDateTime(ts, 'UTC')                              AS conversion_ts,
    toDate(ts)                                         AS conversion_date,
    toUInt64(user_pseudonym)                           AS user_pseudonym,
    CAST(conversion_kind AS LowCardinality(String))    AS conversion_kind,
    CAST(conversion_amount_usd AS Nullable(Float64))   AS conversion_amount_usd,
    CAST(conversion_token AS Nullable(String))         AS conversion_token,
    toUInt64(conversion_dedup_key)                     AS conversion_dedup_key,
    CAST(provenance_model AS LowCardinality(String))   AS provenance_model
FROM blocks
