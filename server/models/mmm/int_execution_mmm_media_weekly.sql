-- model: int_execution_mmm_media_weekly
-- grain: one row per (spine week, media_name of mmm_media_registry)
-- inputs: mmm_media_registry, int_consensus_validators_proposer_rewards_daily, int_execution_gnosis_app_token_offer_claims, int_execution_pools_metrics_daily
-- materialized: incremental
-- engine: ReplacingMergeTree
-- order_by: (week, media_name)
-- partition_date: week
--
-- Spec §7.1, §7.3. Same spine and fill rule as the KPI model: feed value, else 0 for `sum` media and
-- NULL for the others (also when the feed value is NULL, e.g. a week with no pool row that has a fee
-- APR and a positive TVL). Registry media without an aggregator (validator_income_gno,
-- validator_apr_proxy, gpay_cashback_outlay_usd, lm_rewards_outlay_usd, bridge_incentive_outlay_usd)
-- get only fill values.
--
-- Difference from upstream (docs/models-mmm.md): upstream is delete+insert on (week, media_name);
-- here it is insert_overwrite of whole month partitions, like the other two intermediates. The rows
-- are the same: the model emits exactly one row per (week, media_name) of each month it rebuilds.
WITH
    toStartOfWeek({as_of:Date} - 730, 1) AS spine_first,
    toStartOfWeek({as_of:Date} - 7, 1) AS spine_last,
    greatest(spine_first, {batch_start:Date}) AS day_lo,
    toStartOfWeek(least(spine_last, {batch_end:Date}), 1) + 6 AS day_hi,
    spine AS
    (
        SELECT spine_first + toIntervalDay(7 * number) AS week
        FROM numbers(toUInt64(dateDiff('day', spine_first, spine_last) / 7) + 1)
        WHERE week >= {batch_start:Date} AND week <= {batch_end:Date}
    ),
    all_feeds AS
    (
        SELECT
            toStartOfWeek(toDate(date), 1) AS week,
            'validator_proposer_rewards_gno' AS name,
            CAST(sum(proposer_reward_total_gno) AS Nullable(Float64)) AS value
        FROM int_consensus_validators_proposer_rewards_daily
        WHERE toDate(date) >= day_lo AND toDate(date) <= day_hi
        GROUP BY week

        UNION ALL

        SELECT
            toStartOfWeek(toDate(block_timestamp), 1) AS week,
            'ga_token_offer_emissions_usd' AS name,
            CAST(sum(toFloat64OrNull(toString(amount_received_usd))) AS Nullable(Float64)) AS value
        FROM int_execution_gnosis_app_token_offer_claims
        WHERE toDate(block_timestamp) >= day_lo AND toDate(block_timestamp) <= day_hi
        GROUP BY week

        UNION ALL

        -- TVL-weighted mean fee APR over the pool-days of the week with a fee APR and a positive TVL
        SELECT
            toStartOfWeek(date, 1) AS week,
            'pools_lp_fee_apr_avg' AS name,
            CAST(sum(fee_apr_7d * tvl_usd) / nullIf(sum(tvl_usd), 0) AS Nullable(Float64)) AS value
        FROM int_execution_pools_metrics_daily
        WHERE date >= day_lo AND date <= day_hi AND fee_apr_7d IS NOT NULL AND tvl_usd > 0
        GROUP BY week
    ),
    filled AS
    (
        SELECT
            s.week AS week,
            r.media_name AS media_name,
            r.media_value_method AS media_value_method,
            r.media_units AS media_units,
            r.is_outlay AS is_outlay,
            r.source_model AS source_model,
            f.value AS feed_value
        FROM spine AS s
        CROSS JOIN mmm_media_registry AS r
        LEFT JOIN all_feeds AS f ON f.week = s.week AND f.name = r.media_name
    )
SELECT
    week,
    CAST(media_name AS LowCardinality(String)) AS media_name,
    CAST(if(feed_value IS NULL, if(media_value_method = 'sum', 0., NULL), feed_value) AS Nullable(Float64)) AS media_value,
    CAST(media_value_method AS LowCardinality(String)) AS media_value_method,
    CAST(media_units AS LowCardinality(String)) AS media_units,
    CAST(is_outlay AS UInt8) AS is_outlay,
    CAST(source_model AS LowCardinality(String)) AS provenance_model
FROM filled
