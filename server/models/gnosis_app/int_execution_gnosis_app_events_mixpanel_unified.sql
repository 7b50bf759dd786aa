-- model: int_execution_gnosis_app_events_mixpanel_unified
-- grain: one row per identified, production Mixpanel event whose user is in the GA cohort (the bridge)
-- inputs: int_execution_gnosis_app_user_identity_bridge, stg_mixpanel_ga__events
-- materialized: incremental
-- engine: ReplacingMergeTree
-- order_by: (event_date, user_pseudonym, event_ts, event_kind, event_dedup_key)
-- partition_date: event_date
-- settings: join_algorithm = 'grace_hash', join_use_nulls = 0
SELECT
    -- Spec §5.3. Keeps is_production = 1 (app.gnosis.io), is_identified = 1 (distinct_id not a $device: id),
    -- event_date < as_of (upstream: < today()) and event_date in [batch_start, batch_end]; the user must be in
    -- the bridge (user_id_hash is already the salted pseudonym of distinct_id). AS-BUILT differences:
    -- insert_overwrite of whole months instead of upstream's delete+insert on
    -- (event_ts, event_kind, user_pseudonym, event_dedup_key) (its month-aligned delete window makes the two
    -- equivalent, C16); the bridge is a semi-join (IN) instead of an INNER JOIN, identical while the bridge's
    -- user_pseudonym is unique (a tested invariant) and immune to fan-out if it ever is not.
    toDateTime(m.event_time, 'UTC')                                  AS event_ts,
    toDate(m.event_date)                                             AS event_date,
    toUInt64(m.user_id_hash)                                         AS user_pseudonym,
    CAST('mixpanel' AS LowCardinality(String))                       AS event_source,
    CAST(concat('mp.', m.event_category) AS LowCardinality(String))  AS event_kind,
    CAST(m.event_name AS LowCardinality(String))                     AS event_subkind,
    CAST(NULL AS Nullable(Float64))                                  AS amount_usd,
    toUInt64(cityHash64(m.insert_id))                                AS event_dedup_key,
    CAST('stg_mixpanel_ga__events' AS LowCardinality(String))        AS provenance_model,
    CAST(m.device_type AS String)                                    AS device_type,
    CAST(m.country_code AS String)                                   AS country_code,
    CAST(m.page_path AS String)                                      AS page_path,
    CAST(m.bottom_sheet AS String)                                   AS bottom_sheet
FROM stg_mixpanel_ga__events AS m
WHERE m.is_production = 1
  AND m.is_identified = 1
  AND m.event_date < {as_of:Date}
  AND m.event_date >= {batch_start:Date}
  AND m.event_date <= {batch_end:Date}
  AND m.user_id_hash IN (SELECT user_pseudonym FROM int_execution_gnosis_app_user_identity_bridge)
