-- source: stg_mixpanel_ga__events
-- grain: one row per Mixpanel event (staged)
-- spec: §13.1; read by int_execution_gnosis_app_events_mixpanel_unified (§5.3), which keeps is_production = 1 and is_identified = 1 only
-- columns: user_id_hash is the pseudonym of distinct_id (same salt and formula as the bridge); event_category is the
--   staging category of §5.3 (pageview, modal, login, feature, navigation, system, action, other).
CREATE TABLE IF NOT EXISTS stg_mixpanel_ga__events
(
    event_time DateTime,
    event_date Date,
    user_id_hash UInt64,
    event_name String,
    event_category String,
    insert_id String,
    is_production UInt8,
    is_identified UInt8,
    device_type String,
    country_code String,
    page_path String,
    bottom_sheet String
)
ENGINE = MergeTree
ORDER BY (event_date, user_id_hash, event_time)
