-- model: int_execution_mmm_kpis_weekly
-- grain: one row per (spine week, kpi_name of mmm_kpi_registry)
-- inputs: mmm_kpi_registry, fct_execution_pools_daily, fct_execution_trades_by_protocol_daily, fct_execution_gnosis_app_users_daily, fct_execution_gnosis_app_gpay_topups_weekly
-- materialized: incremental
-- engine: ReplacingMergeTree
-- order_by: (week, kpi_name)
-- partition_date: week
--
-- Spec §7.1, §7.2 with DESIGN §4.1. The weekly spine is every Monday from the Monday on or before
-- as_of − 730 d to the Monday of the week holding as_of − 7 d (§3.5), restricted to the batch
-- [batch_start, batch_end]. Every (spine week, registry KPI) gets a row: the feed value when an
-- aggregator emits one for that week, else 0 for `sum` KPIs and NULL for the others (the same when
-- the feed value itself is NULL). Registry KPIs without an aggregator (gpay_active_users,
-- gpay_payment_volume_usd, chain_tx_count, gno_staked, bridge_inflow_usd, bridge_outflow_usd) get
-- only fill values; feed names not in the registry are dropped.
--
-- Differences from upstream (docs/models-mmm.md): pools_tvl_usd is the TOTAL TVL of the last day
-- of the week that has pool rows (each pool counted once per day), not one arbitrary pool row's TVL;
-- pools_volume_usd counts each pool once per day, not once per token row (spec §12 M6).
WITH
    toStartOfWeek({as_of:Date} - 730, 1) AS spine_first,
    toStartOfWeek({as_of:Date} - 7, 1) AS spine_last,
    -- days that can fall in a spine week of the batch (the last week's Sunday included)
    greatest(spine_first, {batch_start:Date}) AS day_lo,
    toStartOfWeek(least(spine_last, {batch_end:Date}), 1) + 6 AS day_hi,
    spine AS
    (
        SELECT spine_first + toIntervalDay(7 * number) AS week
        FROM numbers(toUInt64(dateDiff('day', spine_first, spine_last) / 7) + 1)
        WHERE week >= {batch_start:Date} AND week <= {batch_end:Date}
    ),
    -- one row per pool and day: tvl_usd and volume_usd_daily repeat on each token row of a pool
    pool_days AS
    (
        SELECT
            date,
            protocol,
            pool_address,
            max(tvl_usd) AS pool_tvl_usd,
            max(volume_usd_daily) AS pool_volume_usd
        FROM fct_execution_pools_daily
        WHERE date >= day_lo AND date <= day_hi
        GROUP BY date, protocol, pool_address
    ),
    pools_total_daily AS
    (
        SELECT date, sum(pool_tvl_usd) AS tvl_usd, sum(pool_volume_usd) AS volume_usd
        FROM pool_days
        GROUP BY date
    ),
    all_feeds AS
    (
        SELECT
            toStartOfWeek(date, 1) AS week,
            'pools_tvl_usd' AS name,
            CAST(argMax(tvl_usd, date) AS Nullable(Float64)) AS value
        FROM pools_total_daily
        GROUP BY week

        UNION ALL

        SELECT
            toStartOfWeek(date, 1) AS week,
            'pools_volume_usd' AS name,
            CAST(sum(volume_usd) AS Nullable(Float64)) AS value
        FROM pools_total_daily
        GROUP BY week

        UNION ALL

        SELECT
            toStartOfWeek(date, 1) AS week,
            'dex_volume_usd_dedup' AS name,
            CAST(sum(volume_usd) AS Nullable(Float64)) AS value
        FROM fct_execution_trades_by_protocol_daily
        WHERE date >= day_lo AND date <= day_hi
        GROUP BY week

        UNION ALL

        SELECT
            toStartOfWeek(date, 1) AS week,
            'ga_active_users' AS name,
            CAST(toFloat64(argMax(active_users, date)) AS Nullable(Float64)) AS value
        FROM fct_execution_gnosis_app_users_daily
        WHERE date >= day_lo AND date <= day_hi
        GROUP BY week

        UNION ALL

        SELECT
            toStartOfWeek(date, 1) AS week,
            'ga_new_users' AS name,
            CAST(toFloat64(sum(new_users)) AS Nullable(Float64)) AS value
        FROM fct_execution_gnosis_app_users_daily
        WHERE date >= day_lo AND date <= day_hi
        GROUP BY week

        UNION ALL

        SELECT
            toStartOfWeek(week, 1) AS feed_week,
            'gpay_topups_count' AS name,
            CAST(toFloat64(sum(n_topups)) AS Nullable(Float64)) AS value
        FROM fct_execution_gnosis_app_gpay_topups_weekly
        WHERE week >= day_lo AND week <= day_hi
        GROUP BY feed_week

        UNION ALL

        SELECT
            toStartOfWeek(week, 1) AS feed_week,
            'gpay_topups_volume_usd' AS name,
            CAST(sum(volume_usd) AS Nullable(Float64)) AS value
        FROM fct_execution_gnosis_app_gpay_topups_weekly
        WHERE week >= day_lo AND week <= day_hi
        GROUP BY feed_week
    ),
    filled AS
    (
        SELECT
            s.week AS week,
            r.kpi_name AS kpi_name,
            r.kpi_value_method AS kpi_value_method,
            r.is_dedup_safe AS is_dedup_safe,
            r.source_model AS source_model,
            f.value AS feed_value
        FROM spine AS s
        CROSS JOIN mmm_kpi_registry AS r
        LEFT JOIN all_feeds AS f ON f.week = s.week AND f.name = r.kpi_name
    )
SELECT
    week,
    CAST(kpi_name AS LowCardinality(String)) AS kpi_name,
    CAST(if(feed_value IS NULL, if(kpi_value_method = 'sum', 0., NULL), feed_value) AS Nullable(Float64)) AS kpi_value,
    CAST(kpi_value_method AS LowCardinality(String)) AS kpi_value_method,
    CAST(is_dedup_safe AS UInt8) AS is_dedup_safe,
    CAST(source_model AS LowCardinality(String)) AS provenance_model
FROM filled
