-- model: int_execution_gnosis_app_coverage_daily
-- grain: one row per (conversion_date, conversion_kind) present in int_execution_gnosis_app_conversions
-- inputs: int_execution_gnosis_app_conversions, int_execution_gnosis_app_user_events_unified, mta_conversion_to_event_kind
-- materialized: incremental
-- engine: ReplacingMergeTree
-- order_by: (conversion_date, conversion_kind)
-- partition_date: conversion_date
-- settings: join_algorithm = 'grace_hash', join_use_nulls = 0
WITH
    -- Spec §5.6. conv = conversions with conversion_date < as_of (upstream: < today()) in [batch_start, batch_end].
    -- A conversion is tracked when it has at least one touch with the journey guards at a fixed 30-day
    -- lookback, whatever the journey variant: same user, event_ts < conversion_ts (strict),
    -- event_ts >= conversion_ts - 30 days (inclusive, to the second), event_kind <> mapped(conversion_kind).
    -- The mapping comes from the seed mta_conversion_to_event_kind (LEFT JOIN; no match gives '' under
    -- join_use_nulls = 0, or NULL under 1: both become 'unknown', which excludes nothing), instead of
    -- upstream's hard-coded macro (spec §3.2). Events are read from batch_start - 30 days (computed in
    -- Date32 and clamped at 1970-01-01: a full build's batch start cannot wrap) to the batch end. The
    -- join also matches a 30-day bucket (each touch offered under its bucket and the next): the same
    -- pairs as a join on the user alone, but a conversion meets about 60 days of its user's touches, not
    -- the whole batch.
    conv AS
    (
        SELECT
            c.conversion_date                   AS conversion_date,
            toString(c.conversion_kind)         AS conversion_kind,
            c.user_pseudonym                    AS user_pseudonym,
            c.conversion_ts                     AS conversion_ts
        FROM int_execution_gnosis_app_conversions AS c
        WHERE c.conversion_date < {as_of:Date}
          AND c.conversion_date >= {batch_start:Date}
          AND c.conversion_date <= {batch_end:Date}
    ),
    conv_mapped AS
    (
        SELECT
            conv.conversion_date                                          AS conversion_date,
            conv.conversion_kind                                          AS conversion_kind,
            conv.user_pseudonym                                           AS user_pseudonym,
            conv.conversion_ts                                            AS conversion_ts,
            coalesce(nullIf(toString(m.event_kind), ''), 'unknown')       AS mapped_event_kind
        FROM conv
        LEFT JOIN mta_conversion_to_event_kind AS m
            ON toString(m.conversion_kind) = conv.conversion_kind
    ),
    events AS
    (
        SELECT
            e.user_pseudonym            AS user_pseudonym,
            e.event_ts                  AS event_ts,
            toString(e.event_kind)      AS event_kind,
            intDiv(toRelativeDayNum(toDate(e.event_ts)), 30) + shift   AS day_bucket
        FROM int_execution_gnosis_app_user_events_unified AS e
        ARRAY JOIN [0, 1] AS shift
        WHERE e.event_date >= toDate(greatest(toDate32({batch_start:Date}) - 30, toDate32('1970-01-01')))
          AND e.event_date <= {batch_end:Date}
          AND e.event_date < {as_of:Date}
    ),
    tracked AS
    (
        SELECT
            c.conversion_date                               AS conversion_date,
            c.conversion_kind                               AS conversion_kind,
            uniqExact(c.user_pseudonym, c.conversion_ts)    AS tracked_conversions,
            uniqExact(c.user_pseudonym)                     AS tracked_users
        FROM conv_mapped AS c
        INNER JOIN events AS e
            ON e.user_pseudonym = c.user_pseudonym
           AND e.day_bucket = intDiv(toRelativeDayNum(c.conversion_date), 30)
        WHERE e.event_ts < c.conversion_ts
          AND e.event_ts >= c.conversion_ts - INTERVAL 30 DAY
          AND e.event_kind != c.mapped_event_kind
        GROUP BY c.conversion_date, c.conversion_kind
    ),
    total AS
    (
        SELECT
            conversion_date,
            conversion_kind,
            count()                     AS total_conversions,
            uniqExact(user_pseudonym)   AS total_users
        FROM conv
        GROUP BY conversion_date, conversion_kind
    )
SELECT
    toDate(t.conversion_date)                                                      AS conversion_date,
    CAST(t.conversion_kind AS LowCardinality(String))                              AS conversion_kind,
    toUInt64(t.total_conversions)                                                  AS total_conversions,
    toUInt64(coalesce(k.tracked_conversions, 0))                                   AS tracked_conversions,
    toUInt64(t.total_users)                                                        AS total_users,
    toUInt64(coalesce(k.tracked_users, 0))                                         AS tracked_users,
    CAST(coalesce(k.tracked_conversions, 0) / nullIf(t.total_conversions, 0) AS Nullable(Float64)) AS tracked_conversion_coverage,
    CAST(coalesce(k.tracked_users, 0) / nullIf(t.total_users, 0) AS Nullable(Float64))             AS tracked_user_coverage
FROM total AS t
LEFT JOIN tracked AS k
    ON k.conversion_date = t.conversion_date AND k.conversion_kind = t.conversion_kind
