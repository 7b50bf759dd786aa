-- model: fct_execution_gpay_journeys_{N}d
-- grain: one row per (conversion key (user_pseudonym, identity_role, conversion_kind, conversion_ts) × event_kind touched in the {N}-day lookback), roles safe_self and initial_owner
-- inputs: int_execution_gpay_conversions, int_execution_gpay_user_events_unified, mta_gp_conversion_to_event_kind
-- materialized: incremental
-- engine: ReplacingMergeTree
-- order_by: (conversion_date, conversion_kind, identity_role, user_pseudonym, conversion_ts, event_kind)
-- partition_date: conversion_date
-- settings: join_algorithm = 'grace_hash', grace_hash_join_initial_buckets = 8, join_use_nulls = 0
WITH
    -- Spec §3.3 (GP variant), §6.5, §8.1; DESIGN §4.1 (C1), §4.2, §4.3.
    -- Conversions in scope: conversion_date in [batch_start, batch_end], roles delegate and
    -- migrated_old_safe excluded. Touches: the same (user_pseudonym, identity_role), read from
    -- batch_start − {N} days (never truncated at a month boundary, upstream C1), and qualifying when
    --   event_ts <  conversion_ts                      (strict: a touch at the same second is excluded)
    --   event_ts >= conversion_ts − {N}·86400 s        (inclusive, to the second)
    --   event_kind != the conversion's mapped kind     (mta_gp_conversion_to_event_kind; unmapped = 'unknown')
    -- lag_days = conversion_date − toDate(event_ts) (calendar days, UTC, 0..{N});
    -- td_sum = Σ exp(−lag_days / 7.0): the e-folding kernel published as time_decay_hl_7d (DESIGN §4.3).
    -- Conversion rows sharing a key merge (spec C4): each joins the same touches, so n_touches and td_sum
    -- are multiplied by the number of merged rows, shares downstream are not. conversion_amount_usd and
    -- conversion_token are "any" conversion row of the key, chosen deterministically (smallest
    -- (conversion_dedup_key, gp_safe) with a non-NULL value); event_source is 'chain' for every GP touch.
    -- td_sum is summed per distinct lag, in lag order, so it is bit-for-bit the same in any batching.
    -- day_bucket narrows the equi-join without changing it: a qualifying touch lies 0..{N} calendar days
    -- before its conversion, so intDiv(touch day, {N}) is the conversion's intDiv(day, {N}) or one less; each
    -- touch is offered under both of its buckets (k and k + 1), and exactly one of them can match a given
    -- conversion. A conversion then meets only ~2·{N} days of its user's touches, not the whole batch.
    -- The join runs on touch-DAYS, not touches: touch_days holds one row per (user, role, event_kind,
    -- event_source, day) with its count, first and last second and its sorted seconds. Every touch of a
    -- row has the same lag, so a row whose first and last second both qualify for a conversion (every
    -- day strictly inside the lookback) contributes its count, first and last as they are; a row that
    -- straddles a bound (the conversion's own day, the day N days before) is cut to the qualifying
    -- seconds (arrayFilter on its sorted list). n_touches, first/last and the per-lag counts are then
    -- exactly those of the touch-level join, and td_sum is computed from the same (lag, count) map.
    -- The self-exclusion guard is part of the equi-join: each conversion row is offered once per event
    -- kind of the batch's touches except its mapped kind (conv_kinds), so the touches of its own kind
    -- (most GP touches: payments before a payment) are never paired at all. The join is now small and
    -- cheap; grace_hash with 8 buckets (not 64) keeps it within a --max-memory cap at the speed of hash.
    kind_map AS
    (
        SELECT
            CAST(conversion_kind AS String) AS conversion_kind,
            CAST(ifNull(min(event_kind), '') AS String) AS mapped_event_kind
        FROM mta_gp_conversion_to_event_kind
        GROUP BY conversion_kind
    ),
    conv AS
    (
        SELECT
            c.user_pseudonym AS user_pseudonym,
            CAST(c.identity_role AS String) AS identity_role,
            CAST(c.conversion_kind AS String) AS conversion_kind,
            c.conversion_ts AS conversion_ts,
            c.conversion_date AS conversion_date,
            c.conversion_amount_usd AS conversion_amount_usd,
            c.conversion_token AS conversion_token,
            tuple(c.conversion_dedup_key, c.gp_safe) AS pick_key,
            if(ifNull(m.mapped_event_kind, '') = '', 'unknown', m.mapped_event_kind) AS mapped_event_kind,
            intDiv(toRelativeDayNum(c.conversion_date), {N}) AS day_bucket
        FROM int_execution_gpay_conversions AS c
        LEFT JOIN kind_map AS m ON m.conversion_kind = CAST(c.conversion_kind AS String)
        WHERE c.identity_role NOT IN ('delegate', 'migrated_old_safe')
          AND c.conversion_date >= {batch_start:Date}
          AND c.conversion_date <= {batch_end:Date}
    ),
    touch_days AS
    (
        SELECT
            e.user_pseudonym AS user_pseudonym,
            CAST(e.identity_role AS String) AS identity_role,
            CAST(e.event_kind AS String) AS event_kind,
            CAST(e.event_source AS String) AS event_source,
            e.event_date AS event_date,
            count() AS n,
            min(e.event_ts) AS first_ts,
            max(e.event_ts) AS last_ts,
            arraySort(groupArray(e.event_ts)) AS ts_list
        FROM int_execution_gpay_user_events_unified AS e
        WHERE e.event_date >= toDate32({batch_start:Date}) - {N}
          AND e.event_date <= {batch_end:Date}
          AND (e.user_pseudonym, CAST(e.identity_role AS String)) IN (SELECT user_pseudonym, identity_role FROM conv)
        GROUP BY e.user_pseudonym, identity_role, event_kind, event_source, e.event_date, toDate(e.event_ts)
    ),
    events AS
    (
        SELECT
            user_pseudonym, identity_role, event_kind, event_source, event_date, n, first_ts, last_ts, ts_list,
            arrayJoin([intDiv(toRelativeDayNum(event_date), {N}), intDiv(toRelativeDayNum(event_date), {N}) + 1]) AS day_bucket
        FROM touch_days
    ),
    conv_kinds AS
    (
        SELECT
            *,
            arrayJoin(arrayFilter(k -> k != mapped_event_kind, (SELECT groupUniqArray(event_kind) FROM touch_days))) AS event_kind
        FROM conv
    ),
    pairs AS
    (
        SELECT
            c.user_pseudonym AS user_pseudonym,
            c.identity_role AS identity_role,
            c.conversion_kind AS conversion_kind,
            c.conversion_ts AS conversion_ts,
            c.conversion_date AS conversion_date,
            c.conversion_amount_usd AS conversion_amount_usd,
            c.conversion_token AS conversion_token,
            c.pick_key AS pick_key,
            e.event_kind AS event_kind,
            e.event_source AS event_source,
            toUInt32(dateDiff('day', e.event_date, c.conversion_date)) AS lag,
            (e.first_ts >= c.conversion_ts - INTERVAL {N} DAY AND e.last_ts < c.conversion_ts) AS whole_day,
            if(whole_day, [], arrayFilter(t -> t < c.conversion_ts AND t >= c.conversion_ts - INTERVAL {N} DAY, e.ts_list)) AS part,
            if(whole_day, e.n, length(part)) AS n_q,
            if(whole_day, e.first_ts, part[1]) AS first_q,
            if(whole_day, e.last_ts, part[-1]) AS last_q
        FROM events AS e
        INNER JOIN conv_kinds AS c
            ON c.user_pseudonym = e.user_pseudonym AND c.identity_role = e.identity_role AND c.day_bucket = e.day_bucket
           AND c.event_kind = e.event_kind
        WHERE e.last_ts >= c.conversion_ts - INTERVAL {N} DAY
          AND e.first_ts < c.conversion_ts
    )
SELECT
    toUInt64(user_pseudonym) AS user_pseudonym,
    CAST(identity_role AS LowCardinality(String)) AS identity_role,
    CAST(conversion_kind AS LowCardinality(String)) AS conversion_kind,
    toDateTime(conversion_ts, 'UTC') AS conversion_ts,
    conversion_date,
    CAST(conversion_amount_usd AS Nullable(Float64)) AS conversion_amount_usd,
    CAST(conversion_token AS Nullable(String)) AS conversion_token,
    CAST(event_source AS LowCardinality(String)) AS event_source,
    CAST(event_kind AS LowCardinality(String)) AS event_kind,
    toUInt64(n_touches) AS n_touches,
    toDateTime(first_touch_ts, 'UTC') AS first_touch_ts,
    toDateTime(last_touch_ts, 'UTC') AS last_touch_ts,
    toFloat64(arraySum(arrayMap(
        (lag, n) -> n * exp(-toFloat64(lag) / 7.0),
        touches_by_lag.1,
        touches_by_lag.2
    ))) AS td_sum
FROM
(
    SELECT
        user_pseudonym,
        identity_role,
        conversion_kind,
        conversion_ts,
        conversion_date,
        argMin(conversion_amount_usd, pick_key) AS conversion_amount_usd,
        argMin(conversion_token, pick_key) AS conversion_token,
        min(event_source) AS event_source,
        event_kind,
        sum(n_q) AS n_touches,
        min(first_q) AS first_touch_ts,
        max(last_q) AS last_touch_ts,
        sumMap([lag], [toUInt64(n_q)]) AS touches_by_lag
    FROM pairs
    WHERE n_q > 0
    GROUP BY
        user_pseudonym,
        identity_role,
        conversion_kind,
        conversion_ts,
        conversion_date,
        event_kind
)
