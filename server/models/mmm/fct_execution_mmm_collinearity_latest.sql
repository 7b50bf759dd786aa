-- model: fct_execution_mmm_collinearity_latest
-- grain: one row per unordered pair of media columns (col_a < col_b) with at least one common non-NULL week
-- inputs: fct_execution_mmm_spine_weekly
-- materialized: table
-- engine: MergeTree
-- order_by: (col_a, col_b)
--
-- Spec §7.7 with DESIGN §4.9; equal to crates/engine/src/mmm/collinearity.rs `pairs` (docs/mmm.md).
-- Source rows: spine weeks with week >= as_of - 730 days. The 8 media columns by full name
-- (media_...), long form, NULL (and NaN or infinite) values dropped; every pair col_a < col_b
-- (byte-wise) over the weeks where both are present.
-- The correlation is the two-pass Pearson of the engine's stats::pearson, step for step: corrected means,
--   deviations divided by the largest absolute deviation, r = Sxy / (sqrt(Sxx) * sqrt(Syy)),
--   clamped to [-1, 1]. ClickHouse's corr() sums raw moments and loses up to ~1e-7 when the mean is
--   large against the spread, so it is not used.
-- A pair with fewer than 2 common weeks, or with one side constant over them (all values equal,
-- exactly; e.g. an all-zero placeholder media): pearson_corr NULL, is_high_collinearity NULL,
-- status 'insufficient_variance' (upstream: corr NaN and flag 0). Otherwise status 'ok' and
-- is_high_collinearity = |pearson_corr| > 0.9.
WITH
    long AS
    (
        SELECT week, col_name, assumeNotNull(v_nullable) AS v
        FROM fct_execution_mmm_spine_weekly
        ARRAY JOIN ['media_validator_proposer_rewards_gno', 'media_validator_income_gno', 'media_validator_apr_proxy', 'media_ga_token_offer_emissions_usd', 'media_gpay_cashback_outlay_usd', 'media_pools_lp_fee_apr_avg', 'media_lm_rewards_outlay_usd', 'media_bridge_incentive_outlay_usd'] AS col_name, [media_validator_proposer_rewards_gno, media_validator_income_gno, media_validator_apr_proxy, media_ga_token_offer_emissions_usd, media_gpay_cashback_outlay_usd, media_pools_lp_fee_apr_avg, media_lm_rewards_outlay_usd, media_bridge_incentive_outlay_usd] AS v_nullable
        WHERE week >= {as_of:Date} - 730 AND v_nullable IS NOT NULL AND isFinite(v_nullable)
    ),
    pairs AS
    (
        SELECT a.col_name AS col_a, b.col_name AS col_b, groupArray((a.v, b.v)) AS points
        FROM long AS a
        INNER JOIN long AS b ON a.week = b.week
        WHERE a.col_name < b.col_name
        GROUP BY col_a, col_b
    ),
    moments AS
    (
        SELECT
            col_a,
            col_b,
            length(points) AS n_weeks,
            arrayMap(p -> p.1, points) AS xs,
            arrayMap(p -> p.2, points) AS ys,
            n_weeks < 2 OR arrayMin(xs) = arrayMax(xs) OR arrayMin(ys) = arrayMax(ys) AS is_degenerate,
            arraySum(xs) / n_weeks AS mean_x0,
            arraySum(ys) / n_weeks AS mean_y0,
            mean_x0 + arraySum(arrayMap(x -> x - mean_x0, xs)) / n_weeks AS mean_x,
            mean_y0 + arraySum(arrayMap(y -> y - mean_y0, ys)) / n_weeks AS mean_y,
            arrayMax(arrayMap(x -> abs(x - mean_x), xs)) AS scale_x,
            arrayMax(arrayMap(y -> abs(y - mean_y), ys)) AS scale_y,
            arrayMap(x -> (x - mean_x) / scale_x, xs) AS dx,
            arrayMap(y -> (y - mean_y) / scale_y, ys) AS dy,
            arraySum(arrayMap(d -> d * d, dx)) AS sxx,
            arraySum(arrayMap(d -> d * d, dy)) AS syy,
            arraySum(arrayMap((a, b) -> a * b, dx, dy)) AS sxy,
            sxy / (sqrt(sxx) * sqrt(syy)) AS r_raw
        FROM pairs
    ),
    correlations AS
    (
        SELECT
            col_a,
            col_b,
            n_weeks,
            if(is_degenerate OR NOT isFinite(r_raw), NULL, greatest(-1., least(1., r_raw))) AS r
        FROM moments
    )
SELECT
    CAST(col_a AS LowCardinality(String)) AS col_a,
    CAST(col_b AS LowCardinality(String)) AS col_b,
    CAST(r AS Nullable(Float64)) AS pearson_corr,
    toUInt64(n_weeks) AS n_weeks,
    CAST(abs(r) > 0.9 AS Nullable(UInt8)) AS is_high_collinearity,
    CAST(if(r IS NULL, 'insufficient_variance', 'ok') AS LowCardinality(String)) AS status,
    toDateTime({built_at:DateTime}, 'UTC') AS computed_at
FROM correlations
ORDER BY col_a, col_b
