-- model: int_execution_gpay_coverage_daily
-- grain: one row per (conversion_date, conversion_kind, identity_role) present in the GP conversions, roles safe_self and initial_owner
-- inputs: int_execution_gpay_conversions, int_execution_gpay_user_events_unified, mta_gp_conversion_to_event_kind
-- materialized: incremental
-- engine: ReplacingMergeTree
-- order_by: (conversion_date, conversion_kind, identity_role)
-- partition_date: conversion_date
-- settings: join_algorithm = 'grace_hash', join_use_nulls = 0
WITH
    -- Spec §6.4 (= §5.6 plus the role dimension), DESIGN §4.2. A conversion is "tracked" when its
    -- (user, role) has a touch in [conversion_ts − 30 days, conversion_ts) of another kind than the one the
    -- conversion maps to (mta_gp_conversion_to_event_kind; no mapping = 'unknown', nothing excluded).
    -- The lookback is always 30 days, whatever the journey lookbacks. The roles delegate and
    -- migrated_old_safe are excluded, as in the journeys and the attribution.
    -- Mixed units, as upstream: tracked_conversions counts distinct (user, conversion_ts), total_conversions
    -- counts rows (spec §5.6, C15).
    -- day_bucket narrows the equi-join without changing it (as in the journeys): a qualifying touch lies
    -- 0..30 calendar days before its conversion, so intDiv(touch day, 30) is the conversion's or one less;
    -- each touch is offered under both of its buckets and exactly one can match a given conversion.
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
            c.conversion_date AS conversion_date,
            CAST(c.conversion_kind AS String) AS conversion_kind,
            CAST(c.identity_role AS String) AS identity_role,
            c.user_pseudonym AS user_pseudonym,
            c.conversion_ts AS conversion_ts,
            if(ifNull(m.mapped_event_kind, '') = '', 'unknown', m.mapped_event_kind) AS mapped_event_kind,
            intDiv(toRelativeDayNum(c.conversion_date), 30) AS day_bucket
        FROM int_execution_gpay_conversions AS c
        LEFT JOIN kind_map AS m ON m.conversion_kind = CAST(c.conversion_kind AS String)
        WHERE c.identity_role NOT IN ('delegate', 'migrated_old_safe')
          AND c.conversion_date < {as_of:Date}
          AND c.conversion_date >= {batch_start:Date}
          AND c.conversion_date <= {batch_end:Date}
    ),
    events AS
    (
        SELECT
            e.user_pseudonym AS user_pseudonym,
            CAST(e.identity_role AS String) AS identity_role,
            e.event_ts AS event_ts,
            CAST(e.event_kind AS String) AS event_kind,
            arrayJoin([intDiv(toRelativeDayNum(e.event_date), 30), intDiv(toRelativeDayNum(e.event_date), 30) + 1]) AS day_bucket
        FROM int_execution_gpay_user_events_unified AS e
        WHERE e.event_date >= (SELECT toDate32(min(conversion_date)) - 30 FROM conv)
          AND e.event_date <= (SELECT max(conversion_date) FROM conv)
          AND (e.user_pseudonym, CAST(e.identity_role AS String)) IN (SELECT user_pseudonym, identity_role FROM conv)
    ),
    tracked AS
    (
        SELECT
            c.conversion_date AS conversion_date,
            c.conversion_kind AS conversion_kind,
            c.identity_role AS identity_role,
            uniqExact(c.user_pseudonym, c.conversion_ts) AS tracked_conversions,
            uniqExact(c.user_pseudonym) AS tracked_users
        FROM events AS e
        INNER JOIN conv AS c
            ON c.user_pseudonym = e.user_pseudonym AND c.identity_role = e.identity_role AND c.day_bucket = e.day_bucket
        WHERE e.event_ts < c.conversion_ts
          AND e.event_ts >= c.conversion_ts - INTERVAL 30 DAY
          AND e.event_kind != c.mapped_event_kind
        GROUP BY conversion_date, conversion_kind, identity_role
    ),
    total AS
    (
        SELECT
            conversion_date,
            conversion_kind,
            identity_role,
            count() AS total_conversions,
            uniqExact(user_pseudonym) AS total_users
        FROM conv
        GROUP BY conversion_date, conversion_kind, identity_role
    )
SELECT
    t.conversion_date AS conversion_date,
    CAST(t.conversion_kind AS LowCardinality(String)) AS conversion_kind,
    CAST(t.identity_role AS LowCardinality(String)) AS identity_role,
    toUInt64(t.total_conversions) AS total_conversions,
    toUInt64(ifNull(k.tracked_conversions, 0)) AS tracked_conversions,
    toUInt64(t.total_users) AS total_users,
    toUInt64(ifNull(k.tracked_users, 0)) AS tracked_users,
    CAST(toUInt64(ifNull(k.tracked_conversions, 0)) / nullIf(t.total_conversions, 0) AS Nullable(Float64)) AS tracked_conversion_coverage,
    CAST(toUInt64(ifNull(k.tracked_users, 0)) / nullIf(t.total_users, 0) AS Nullable(Float64)) AS tracked_user_coverage
FROM total AS t
LEFT JOIN tracked AS k
    ON k.conversion_date = t.conversion_date
   AND k.conversion_kind = t.conversion_kind
   AND k.identity_role = t.identity_role
