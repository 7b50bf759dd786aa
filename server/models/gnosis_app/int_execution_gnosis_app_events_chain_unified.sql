-- model: int_execution_gnosis_app_events_chain_unified
-- grain: one row per observed on-chain action of an identified GA user (onboard, heuristic hit, swap signed, swap filled, topup, marketplace buy, token offer claim)
-- inputs: int_execution_gnosis_app_user_identity_bridge, int_execution_gnosis_app_users_current, int_execution_gnosis_app_user_events, int_execution_gnosis_app_swaps, int_execution_gnosis_app_gpay_topups, int_execution_gnosis_app_marketplace_payments, int_execution_gnosis_app_token_offer_claims
-- materialized: incremental
-- engine: ReplacingMergeTree
-- order_by: (event_date, user_pseudonym, event_ts, event_kind, event_dedup_key)
-- partition_date: event_date
-- settings: join_algorithm = 'grace_hash', join_use_nulls = 0
WITH
    -- Spec §5.2: a UNION ALL of 7 blocks, each INNER JOINed to the bridge on bridge.address = lower(<address>),
    -- so only the pseudonym leaves this model. Every block keeps event_date in [batch_start, batch_end] (the
    -- runner's month batches; a full build binds 1970-01-01 .. 2149-06-06) and event_date < as_of: upstream's
    -- "< today()" guard with the build date as_of. AS-BUILT difference: upstream's topup block (C6) and onboard
    -- block have no guard; here every block has it, so no block emits a partial as_of day and a build pinned at
    -- as_of never reads rows dated as_of or later.
    bridge AS
    (
        SELECT address, user_pseudonym
        FROM int_execution_gnosis_app_user_identity_bridge
    ),
    blocks AS
    (
        -- onboard: first-ever heuristic hit
        SELECT
            toDateTime(u.first_seen_at, 'UTC')                                   AS ts,
            b.user_pseudonym                                                     AS user_pseudonym,
            'chain.onboard'                                                      AS event_kind,
            'onboard'                                                            AS event_subkind,
            CAST(NULL AS Nullable(Float64))                                      AS amount_usd,
            cityHash64('onboard', toString(b.user_pseudonym))                    AS event_dedup_key,
            'int_execution_gnosis_app_users_current'                             AS provenance_model
        FROM int_execution_gnosis_app_users_current AS u
        INNER JOIN bridge AS b ON b.address = lower(u.address)
        WHERE u.first_seen_at IS NOT NULL
          AND toDate(u.first_seen_at) < {as_of:Date}
          AND toDate(u.first_seen_at) >= {batch_start:Date}
          AND toDate(u.first_seen_at) <= {batch_end:Date}

        UNION ALL

        -- heuristic hits: chain.<heuristic_kind> (7 kinds upstream)
        SELECT
            toDateTime(h.block_timestamp, 'UTC'),
            b.user_pseudonym,
            concat('chain.', h.heuristic_kind),
            h.heuristic_kind,
            CAST(NULL AS Nullable(Float64)),
            cityHash64(h.heuristic_kind, h.transaction_hash, toString(b.user_pseudonym)),
            'int_execution_gnosis_app_user_events'
        FROM int_execution_gnosis_app_user_events AS h
        INNER JOIN bridge AS b ON b.address = lower(h.address)
        WHERE h.block_timestamp IS NOT NULL
          AND toDate(h.block_timestamp) < {as_of:Date}
          AND toDate(h.block_timestamp) >= {batch_start:Date}
          AND toDate(h.block_timestamp) <= {batch_end:Date}

        UNION ALL

        -- swap_signed: every PreSignature, filled or not
        SELECT
            toDateTime(s.block_timestamp, 'UTC'),
            b.user_pseudonym,
            'chain.swap_signed',
            'swap_signed',
            CAST(NULL AS Nullable(Float64)),
            cityHash64('swap_signed', s.order_uid),
            'int_execution_gnosis_app_swaps'
        FROM int_execution_gnosis_app_swaps AS s
        INNER JOIN bridge AS b ON b.address = lower(s.taker)
        WHERE toDate(s.block_timestamp) < {as_of:Date}
          AND toDate(s.block_timestamp) >= {batch_start:Date}
          AND toDate(s.block_timestamp) <= {batch_end:Date}

        UNION ALL

        -- swap_filled: at first_fill_at
        SELECT
            toDateTime(assumeNotNull(s.first_fill_at), 'UTC'),
            b.user_pseudonym,
            'chain.swap_filled',
            'swap_filled',
            toFloat64OrNull(toString(s.amount_usd)),
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

        -- topup (GA -> GP)
        SELECT
            toDateTime(t.block_timestamp, 'UTC'),
            b.user_pseudonym,
            'chain.topup',
            'topup',
            toFloat64OrNull(toString(t.amount_usd)),
            cityHash64('topup', t.transaction_hash, toString(t.log_index)),
            'int_execution_gnosis_app_gpay_topups'
        FROM int_execution_gnosis_app_gpay_topups AS t
        INNER JOIN bridge AS b ON b.address = lower(t.ga_user)
        WHERE toDate(t.block_timestamp) < {as_of:Date}
          AND toDate(t.block_timestamp) >= {batch_start:Date}
          AND toDate(t.block_timestamp) <= {batch_end:Date}

        UNION ALL

        -- marketplace payment (no USD value)
        SELECT
            toDateTime(m.block_timestamp, 'UTC'),
            b.user_pseudonym,
            'chain.marketplace_buy',
            'marketplace_buy',
            CAST(NULL AS Nullable(Float64)),
            cityHash64('marketplace_buy', m.transaction_hash, toString(m.log_index)),
            'int_execution_gnosis_app_marketplace_payments'
        FROM int_execution_gnosis_app_marketplace_payments AS m
        INNER JOIN bridge AS b ON b.address = lower(m.payer)
        WHERE toDate(m.block_timestamp) < {as_of:Date}
          AND toDate(m.block_timestamp) >= {batch_start:Date}
          AND toDate(m.block_timestamp) <= {batch_end:Date}

        UNION ALL

        -- token offer claim
        SELECT
            toDateTime(c.block_timestamp, 'UTC'),
            b.user_pseudonym,
            'chain.token_offer_claim',
            'token_offer_claim',
            toFloat64OrNull(toString(c.amount_received_usd)),
            cityHash64('token_offer_claim', c.transaction_hash, toString(c.log_index)),
            'int_execution_gnosis_app_token_offer_claims'
        FROM int_execution_gnosis_app_token_offer_claims AS c
        INNER JOIN bridge AS b ON b.address = lower(c.ga_user)
        WHERE toDate(c.block_timestamp) < {as_of:Date}
          AND toDate(c.block_timestamp) >= {batch_start:Date}
          AND toDate(c.block_timestamp) <= {batch_end:Date}
    )
SELECT
    toDateTime(ts, 'UTC')                            AS event_ts,
    toDate(ts)                                       AS event_date,
    toUInt64(user_pseudonym)                         AS user_pseudonym,
    CAST('chain' AS LowCardinality(String))          AS event_source,
    CAST(event_kind AS LowCardinality(String))       AS event_kind,
    CAST(event_subkind AS LowCardinality(String))    AS event_subkind,
    CAST(amount_usd AS Nullable(Float64))            AS amount_usd,
    toUInt64(event_dedup_key)                        AS event_dedup_key,
    CAST(provenance_model AS LowCardinality(String)) AS provenance_model
FROM blocks
