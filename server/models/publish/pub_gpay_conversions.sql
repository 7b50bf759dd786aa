-- model: pub_gpay_conversions
-- grain: one row per GP conversion key (user_pseudonym, identity_role, conversion_kind, conversion_ts) dated in the 180-day attribution window, roles safe_self and initial_owner, numbered for publishing
-- inputs: int_execution_gpay_conversions, mta_gp_conversion_to_event_kind
-- materialized: table
-- engine: MergeTree
-- order_by: conversion_id
-- settings: join_use_nulls = 0
--
-- As pub_gnosis_app_conversions, for Gnosis Pay: the key includes identity_role, and the roles the
-- journeys exclude (delegate, migrated_old_safe; DESIGN §4.2, §4.19) are left out here too.
WITH
    kind_map AS
    (
        SELECT toString(conversion_kind) AS conversion_kind, toString(min(event_kind)) AS mapped
        FROM mta_gp_conversion_to_event_kind
        GROUP BY conversion_kind
    ),
    keys AS
    (
        SELECT
            user_pseudonym,
            toString(identity_role) AS identity_role,
            toString(conversion_kind) AS conversion_kind,
            toDateTime(conversion_ts, 'UTC') AS key_ts,
            min(conversion_date) AS key_date,
            argMin(conversion_amount_usd, (isNull(conversion_amount_usd), conversion_dedup_key, gp_safe)) AS amount,
            count() AS source_rows
        FROM int_execution_gpay_conversions
        WHERE conversion_date >= toDate32({as_of:Date}) - 180
          AND identity_role NOT IN ('delegate', 'migrated_old_safe')
        GROUP BY user_pseudonym, identity_role, conversion_kind, key_ts
    )
SELECT
    toUInt32(row_number() OVER (ORDER BY k.key_ts, k.conversion_kind, k.identity_role, k.user_pseudonym) - 1) AS conversion_id,
    toUInt64(k.user_pseudonym) AS user_pseudonym,
    CAST(k.identity_role AS LowCardinality(String)) AS identity_role,
    CAST(k.conversion_kind AS LowCardinality(String)) AS conversion_kind,
    toDateTime(k.key_ts, 'UTC') AS conversion_ts,
    toDate(k.key_date) AS conversion_date,
    CAST(k.amount AS Nullable(Float64)) AS conversion_amount_usd,
    toUInt32(k.source_rows) AS source_rows,
    CAST(if(m.mapped = '', 'unknown', m.mapped) AS LowCardinality(String)) AS mapped_event_kind
FROM keys AS k
LEFT JOIN kind_map AS m ON m.conversion_kind = k.conversion_kind
