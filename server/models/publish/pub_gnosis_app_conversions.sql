-- model: pub_gnosis_app_conversions
-- grain: one row per GA conversion key (user_pseudonym, conversion_kind, conversion_ts) dated in the 180-day attribution window, numbered for publishing
-- inputs: int_execution_gnosis_app_conversions, mta_conversion_to_event_kind
-- materialized: table
-- engine: MergeTree
-- order_by: conversion_id
-- settings: join_use_nulls = 0
--
-- The publisher's view of the GA conversions (docs/extracts.md, conversions_ga): rows sharing a key
-- merge into one (source_rows counts them, as the journeys merge them, spec §3.3), and each key gets
-- a dense conversion_id in (conversion_ts, conversion_kind, user_pseudonym) order. The window is the
-- attribution marts' (conversion_date >= as_of - 180 days, spec §3.4), so the extracts and the marts
-- describe the same conversions. mapped_event_kind is the self-exclusion kind (seed-driven, 'unknown'
-- when unmapped), used by the touch extract. Pseudonyms stay here; extracts select the surrogate ids.
WITH
    kind_map AS
    (
        SELECT toString(conversion_kind) AS conversion_kind, toString(min(event_kind)) AS mapped
        FROM mta_conversion_to_event_kind
        GROUP BY conversion_kind
    ),
    keys AS
    (
        SELECT
            user_pseudonym,
            toString(conversion_kind) AS conversion_kind,
            toDateTime(conversion_ts, 'UTC') AS key_ts,
            min(conversion_date) AS key_date,
            argMin(conversion_amount_usd, (isNull(conversion_amount_usd), conversion_dedup_key)) AS amount,
            count() AS source_rows
        FROM int_execution_gnosis_app_conversions
        WHERE conversion_date >= toDate32({as_of:Date}) - 180
        GROUP BY user_pseudonym, conversion_kind, key_ts
    )
SELECT
    toUInt32(row_number() OVER (ORDER BY k.key_ts, k.conversion_kind, k.user_pseudonym) - 1) AS conversion_id,
    toUInt64(k.user_pseudonym) AS user_pseudonym,
    CAST(k.conversion_kind AS LowCardinality(String)) AS conversion_kind,
    toDateTime(k.key_ts, 'UTC') AS conversion_ts,
    toDate(k.key_date) AS conversion_date,
    CAST(k.amount AS Nullable(Float64)) AS conversion_amount_usd,
    toUInt32(k.source_rows) AS source_rows,
    CAST(if(m.mapped = '', 'unknown', m.mapped) AS LowCardinality(String)) AS mapped_event_kind
FROM keys AS k
LEFT JOIN kind_map AS m ON m.conversion_kind = k.conversion_kind
