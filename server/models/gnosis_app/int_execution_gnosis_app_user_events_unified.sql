-- model: int_execution_gnosis_app_user_events_unified
-- grain: one row per GA touchpoint (on-chain action or Mixpanel event) of an identified GA user
-- inputs: int_execution_gnosis_app_events_chain_unified, int_execution_gnosis_app_events_mixpanel_unified
-- materialized: incremental
-- engine: ReplacingMergeTree
-- order_by: (event_date, event_kind, user_pseudonym, event_ts, event_dedup_key)
-- partition_date: event_date
SELECT
    -- Spec §5.4: UNION ALL of the chain and Mixpanel touchpoints, each filtered to event_date in
    -- [batch_start, batch_end]; chain rows carry NULL device_type, country_code, page_path, bottom_sheet.
    toDateTime(event_ts, 'UTC')                        AS event_ts,
    toDate(event_date)                                 AS event_date,
    toUInt64(user_pseudonym)                           AS user_pseudonym,
    CAST(event_source AS LowCardinality(String))       AS event_source,
    CAST(event_kind AS LowCardinality(String))         AS event_kind,
    CAST(event_subkind AS LowCardinality(String))      AS event_subkind,
    CAST(amount_usd AS Nullable(Float64))              AS amount_usd,
    toUInt64(event_dedup_key)                          AS event_dedup_key,
    CAST(provenance_model AS LowCardinality(String))   AS provenance_model,
    CAST(device_type AS Nullable(String))              AS device_type,
    CAST(country_code AS Nullable(String))             AS country_code,
    CAST(page_path AS Nullable(String))                AS page_path,
    CAST(bottom_sheet AS Nullable(String))             AS bottom_sheet
FROM
(
    SELECT
        c.event_ts AS event_ts, c.event_date AS event_date, c.user_pseudonym AS user_pseudonym,
        toString(c.event_source) AS event_source, toString(c.event_kind) AS event_kind,
        toString(c.event_subkind) AS event_subkind, c.amount_usd AS amount_usd,
        c.event_dedup_key AS event_dedup_key, toString(c.provenance_model) AS provenance_model,
        CAST(NULL AS Nullable(String)) AS device_type, CAST(NULL AS Nullable(String)) AS country_code,
        CAST(NULL AS Nullable(String)) AS page_path, CAST(NULL AS Nullable(String)) AS bottom_sheet
    FROM int_execution_gnosis_app_events_chain_unified AS c
    WHERE c.event_date >= {batch_start:Date}
      AND c.event_date <= {batch_end:Date}

    UNION ALL

    SELECT
        m.event_ts, m.event_date, m.user_pseudonym,
        toString(m.event_source), toString(m.event_kind),
        toString(m.event_subkind), m.amount_usd,
        m.event_dedup_key, toString(m.provenance_model),
        CAST(m.device_type AS Nullable(String)), CAST(m.country_code AS Nullable(String)),
        CAST(m.page_path AS Nullable(String)), CAST(m.bottom_sheet AS Nullable(String))
    FROM int_execution_gnosis_app_events_mixpanel_unified AS m
    WHERE m.event_date >= {batch_start:Date}
      AND m.event_date <= {batch_end:Date}
)
