-- model: fct_execution_mmm_baseline_latest
-- grain: one row per (kpi_name, media_name) pair with more than 5 low-spend weeks
-- inputs: fct_execution_mmm_spine_weekly
-- materialized: table
-- engine: MergeTree
-- order_by: (kpi_name, media_name)
--
-- Spec §7.6 with DESIGN §4.7, §4.8; equal to crates/engine/src/mmm/baseline.rs (docs/mmm.md).
-- 1. Source rows: spine weeks with week >= as_of - 730 days (a Monday compared with a day, so the
--    oldest spine week is usually dropped), in week order. A NaN or infinite value counts as NULL
--    (the engine's convention; the spine holds none).
-- 2. Adstock of the 3 media with an aggregator, lambda = 0.5, the mart's truncated form: the frame is
--    the current row and the 8 preceding rows; its NULLs are dropped (groupArray), the remaining
--    values y_0, y_1, ... (most recent first) are summed with weights 0.5^k; an all-NULL frame gives 0.
--    So a NULL week shifts the exponents of the older values, and adstock is never NULL.
-- 3. Pair rows: the 7 KPIs x 3 media, on the weeks where the KPI is not NULL.
-- 4. bottom_decile_threshold = quantile(0.1) of the pair's adstock (exact below 8192 values).
-- 5. Low-spend weeks: the pair's weeks with adstock <= threshold (inclusive; ties at 0 count). The
--    KPI's quantiles 0.5, 0.05, 0.95 over them; the pair is kept only with more than 5 of them.
-- Threshold and low-spend set are computed from one grouped array, so the comparison sees exactly
-- the adstock values the quantile saw.
WITH
    source AS
    (
        SELECT
            week,
            if(isFinite(kpi_pools_tvl_usd), kpi_pools_tvl_usd, NULL) AS k_pools_tvl_usd,
            if(isFinite(kpi_pools_volume_usd), kpi_pools_volume_usd, NULL) AS k_pools_volume_usd,
            if(isFinite(kpi_dex_volume_usd_dedup), kpi_dex_volume_usd_dedup, NULL) AS k_dex_volume_usd_dedup,
            if(isFinite(kpi_gpay_topups_count), kpi_gpay_topups_count, NULL) AS k_gpay_topups_count,
            if(isFinite(kpi_gpay_topups_volume_usd), kpi_gpay_topups_volume_usd, NULL) AS k_gpay_topups_volume_usd,
            if(isFinite(kpi_ga_active_users), kpi_ga_active_users, NULL) AS k_ga_active_users,
            if(isFinite(kpi_ga_new_users), kpi_ga_new_users, NULL) AS k_ga_new_users,
            if(isFinite(media_validator_proposer_rewards_gno), media_validator_proposer_rewards_gno, NULL) AS x_validator_proposer_rewards_gno,
            if(isFinite(media_ga_token_offer_emissions_usd), media_ga_token_offer_emissions_usd, NULL) AS x_ga_token_offer_emissions_usd,
            if(isFinite(media_pools_lp_fee_apr_avg), media_pools_lp_fee_apr_avg, NULL) AS x_pools_lp_fee_apr_avg
        FROM fct_execution_mmm_spine_weekly
        WHERE week >= {as_of:Date} - 730
    ),
    adstocked AS
    (
        SELECT
            week,
            k_pools_tvl_usd,
            k_pools_volume_usd,
            k_dex_volume_usd_dedup,
            k_gpay_topups_count,
            k_gpay_topups_volume_usd,
            k_ga_active_users,
            k_ga_new_users,
            arraySum(arrayMap((v, k) -> v * pow(0.5, k - 1), arrayReverse(groupArray(x_validator_proposer_rewards_gno) OVER frame), arrayEnumerate(groupArray(x_validator_proposer_rewards_gno) OVER frame))) AS adstock_validator_proposer_rewards_gno,
            arraySum(arrayMap((v, k) -> v * pow(0.5, k - 1), arrayReverse(groupArray(x_ga_token_offer_emissions_usd) OVER frame), arrayEnumerate(groupArray(x_ga_token_offer_emissions_usd) OVER frame))) AS adstock_ga_token_offer_emissions_usd,
            arraySum(arrayMap((v, k) -> v * pow(0.5, k - 1), arrayReverse(groupArray(x_pools_lp_fee_apr_avg) OVER frame), arrayEnumerate(groupArray(x_pools_lp_fee_apr_avg) OVER frame))) AS adstock_pools_lp_fee_apr_avg
        FROM source
        WINDOW frame AS (ORDER BY week ASC ROWS BETWEEN 8 PRECEDING AND CURRENT ROW)
    ),
    joined AS
    (
        SELECT kpi_name, assumeNotNull(kpi_nullable) AS kpi_v, media_name, adstock_v
        FROM adstocked
        ARRAY JOIN ['pools_tvl_usd', 'pools_volume_usd', 'dex_volume_usd_dedup', 'gpay_topups_count', 'gpay_topups_volume_usd', 'ga_active_users', 'ga_new_users'] AS kpi_name, [k_pools_tvl_usd, k_pools_volume_usd, k_dex_volume_usd_dedup, k_gpay_topups_count, k_gpay_topups_volume_usd, k_ga_active_users, k_ga_new_users] AS kpi_nullable
        ARRAY JOIN ['validator_proposer_rewards_gno', 'ga_token_offer_emissions_usd', 'pools_lp_fee_apr_avg'] AS media_name, [adstock_validator_proposer_rewards_gno, adstock_ga_token_offer_emissions_usd, adstock_pools_lp_fee_apr_avg] AS adstock_v
        WHERE kpi_nullable IS NOT NULL
    ),
    pairs AS
    (
        SELECT
            kpi_name,
            media_name,
            quantile(0.1)(adstock_v) AS threshold,
            groupArray((adstock_v, kpi_v)) AS points
        FROM joined
        GROUP BY kpi_name, media_name
    ),
    low_spend AS
    (
        SELECT
            kpi_name,
            media_name,
            threshold,
            arrayMap(p -> p.2, arrayFilter(p -> p.1 <= threshold, points)) AS low_kpi
        FROM pairs
    )
SELECT
    CAST(kpi_name AS LowCardinality(String)) AS kpi_name,
    CAST(media_name AS LowCardinality(String)) AS media_name,
    toFloat64(arrayReduce('quantile(0.5)', low_kpi)) AS baseline_kpi_median,
    toFloat64(arrayReduce('quantile(0.05)', low_kpi)) AS baseline_kpi_q05,
    toFloat64(arrayReduce('quantile(0.95)', low_kpi)) AS baseline_kpi_q95,
    toFloat64(threshold) AS bottom_decile_threshold,
    toUInt64(length(low_kpi)) AS n_low_spend_weeks,
    toDateTime({built_at:DateTime}, 'UTC') AS computed_at
FROM low_spend
WHERE length(low_kpi) > 5
ORDER BY kpi_name, media_name
