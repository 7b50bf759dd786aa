-- model: fct_execution_gnosis_app_journeys_{N}d
-- grain: one row per conversion key (user_pseudonym, conversion_kind, conversion_ts) x distinct event_kind of its qualifying touches in the {N}-day lookback
-- inputs: int_execution_gnosis_app_conversions, int_execution_gnosis_app_user_events_unified, mta_conversion_to_event_kind
-- materialized: incremental
-- engine: ReplacingMergeTree
-- order_by: (conversion_date, conversion_kind, user_pseudonym, conversion_ts, event_kind)
-- partition_date: conversion_date
-- settings: join_algorithm = 'grace_hash', grace_hash_join_initial_buckets = 64, join_use_nulls = 0
WITH
    -- Spec §3.3 (build_journey_lookback(N, 'gnosis_app')), §5.7, §8.1.
    -- conv: the conversions dated in [batch_start, batch_end], with their mapped event kind taken from the
    -- seed mta_conversion_to_event_kind (LEFT JOIN; no match gives '' under join_use_nulls = 0, or NULL
    -- under 1: both become 'unknown', which excludes nothing). Upstream hard-codes the mapping (§3.2).
    -- events: the touches of the batch's converting users from batch_start - N days (computed in Date32
    -- and clamped at 1970-01-01, so a full build's batch start cannot wrap) to batch_end. DESIGN §4.1 /
    -- spec C1: upstream's incremental window starts at toStartOfMonth(max(conversion_date) - (N-1) days)
    -- and truncates lookbacks that cross a month boundary; here every conversion of the batch sees its
    -- full N-day lookback.
    -- A pair qualifies when: same user; event_ts < conversion_ts (strict); event_ts >= conversion_ts -
    -- N*86400 s (inclusive); event_kind <> mapped kind. lag_days = conversion_date - toDate(event_ts)
    -- (calendar days, UTC, 0..N); td_sum = sum of exp(-lag_days / 7.0): the e-folding constant stays 7 days
    -- for every N (DESIGN §4.3, column time_decay_hl_7d downstream). td_sum uses compensated summation
    -- (sumKahan): equal to upstream's sum up to rounding. A conversion key that merges several conversion
    -- rows (same user, kind, second) multiplies n_touches and td_sum by their number, as upstream (C4).
    conv AS
    (
        SELECT
            c.user_pseudonym                                          AS user_pseudonym,
            toString(c.conversion_kind)                               AS conversion_kind,
            c.conversion_ts                                           AS conversion_ts,
            c.conversion_date                                         AS conversion_date,
            c.conversion_amount_usd                                   AS conversion_amount_usd,
            c.conversion_token                                        AS conversion_token,
            coalesce(nullIf(toString(m.event_kind), ''), 'unknown')   AS mapped_event_kind
        FROM int_execution_gnosis_app_conversions AS c
        LEFT JOIN mta_conversion_to_event_kind AS m
            ON toString(m.conversion_kind) = toString(c.conversion_kind)
        WHERE c.conversion_date >= {batch_start:Date}
          AND c.conversion_date <= {batch_end:Date}
    ),
    events AS
    (
        SELECT
            e.user_pseudonym            AS user_pseudonym,
            e.event_ts                  AS event_ts,
            toString(e.event_kind)      AS event_kind,
            toString(e.event_source)    AS event_source
        FROM int_execution_gnosis_app_user_events_unified AS e
        WHERE e.event_date >= toDate(greatest(toDate32({batch_start:Date}) - {N}, toDate32('1970-01-01')))
          AND e.event_date <= {batch_end:Date}
          AND e.user_pseudonym IN
          (
              SELECT user_pseudonym
              FROM int_execution_gnosis_app_conversions
              WHERE conversion_date >= {batch_start:Date}
                AND conversion_date <= {batch_end:Date}
          )
    )
SELECT
    toUInt64(c.user_pseudonym)                                                        AS user_pseudonym,
    CAST(c.conversion_kind AS LowCardinality(String))                                 AS conversion_kind,
    toDateTime(c.conversion_ts, 'UTC')                                                AS conversion_ts,
    toDate(c.conversion_date)                                                         AS conversion_date,
    CAST(any(c.conversion_amount_usd) AS Nullable(Float64))                           AS conversion_amount_usd,
    CAST(any(c.conversion_token) AS Nullable(String))                                 AS conversion_token,
    CAST(any(e.event_source) AS LowCardinality(String))                               AS event_source,
    CAST(e.event_kind AS LowCardinality(String))                                      AS event_kind,
    toUInt64(count())                                                                 AS n_touches,
    toDateTime(min(e.event_ts), 'UTC')                                                AS first_touch_ts,
    toDateTime(max(e.event_ts), 'UTC')                                                AS last_touch_ts,
    toFloat64(sumKahan(exp(-toFloat64(dateDiff('day', toDate(e.event_ts), c.conversion_date)) / 7.0))) AS td_sum
FROM conv AS c
INNER JOIN events AS e ON e.user_pseudonym = c.user_pseudonym
WHERE e.event_ts < c.conversion_ts
  AND e.event_ts >= c.conversion_ts - INTERVAL {N} DAY
  AND e.event_kind != c.mapped_event_kind
GROUP BY
    c.user_pseudonym,
    c.conversion_kind,
    c.conversion_ts,
    c.conversion_date,
    e.event_kind
