-- model: int_execution_mmm_controls_weekly
-- grain: one row per (spine week, control_name of mmm_control_registry)
-- inputs: mmm_control_registry, mmm_holiday_weeks, mmm_hardfork_steps, int_execution_token_prices_daily, int_execution_transactions_info_daily
-- materialized: incremental
-- engine: ReplacingMergeTree
-- order_by: (week, control_name)
-- partition_date: week
--
-- Spec §7.1, §7.4 with DESIGN §4.1, §4.5, §4.6. Same spine as the KPI model. A control with no feed
-- row for a week is NULL (DESIGN §4.6; upstream's join defaults turn it into 0).
--   gno_usd_price_avg     mean of the daily prices of symbol GNO in the week
--   eth_usd_price_avg     ONE value per week: the mean over all daily prices of WETH and ETH
--   wxdai_eur_proxy_avg   ONE value per week: the mean over all daily prices of WXDAI and EURE
--                         (symbols compared upper-cased; upstream emits one row per symbol, DESIGN §4.5)
--   chain_gas_price_gwei_avg  unweighted mean of gas_price_median over the week's rows, days < as_of
--   chain_block_count     sum of n_txs over the week's rows, days < as_of (a transaction count, §12 M15)
--   week_of_year          toWeek(week), mode 0 (weeks start on Sunday, 0-53, §2.5)
--   is_holiday_week       max(is_holiday_week) of the seed rows of that exact Monday, else 0
--   week_index            whole weeks since the fixed origin Monday 2024-01-01 (2024-01-01 -> 0,
--                         2024-06-17 -> 24; earlier weeks are negative). Upstream counts from the
--                         first spine week of each run, which drifts (spec §12 M4, DESIGN §4.1).
--   hardfork_step         1 when some seed fork_date has its Monday on or before the week, else 0
WITH
    toStartOfWeek({as_of:Date} - 730, 1) AS spine_first,
    toStartOfWeek({as_of:Date} - 7, 1) AS spine_last,
    greatest(spine_first, {batch_start:Date}) AS day_lo,
    toStartOfWeek(least(spine_last, {batch_end:Date}), 1) + 6 AS day_hi,
    toDate('2024-01-01') AS week_index_origin,
    spine AS
    (
        SELECT spine_first + toIntervalDay(7 * number) AS week
        FROM numbers(toUInt64(dateDiff('day', spine_first, spine_last) / 7) + 1)
        WHERE week >= {batch_start:Date} AND week <= {batch_end:Date}
    ),
    prices AS
    (
        SELECT date, upper(symbol) AS symbol_uc, price
        FROM int_execution_token_prices_daily
        WHERE date >= day_lo AND date <= day_hi AND upper(symbol) IN ('GNO', 'WETH', 'ETH', 'WXDAI', 'EURE')
    ),
    transactions AS
    (
        SELECT date, gas_price_median, n_txs
        FROM int_execution_transactions_info_daily
        WHERE date >= day_lo AND date <= day_hi AND date < {as_of:Date}
    ),
    holidays AS
    (
        SELECT toDate(week) AS holiday_week, CAST(max(toUInt8(is_holiday_week)) AS Nullable(UInt8)) AS is_holiday
        FROM mmm_holiday_weeks
        GROUP BY holiday_week
    ),
    computed AS
    (
        SELECT
            s.week AS week,
            toFloat64(toWeek(s.week)) AS week_of_year,
            toFloat64(coalesce(h.is_holiday, 0)) AS is_holiday_week,
            toFloat64(intDiv(dateDiff('day', week_index_origin, s.week), 7)) AS week_index,
            toFloat64(coalesce(s.week >= (SELECT minOrNull(toStartOfWeek(toDate(fork_date), 1)) FROM mmm_hardfork_steps), 0)) AS hardfork_step
        FROM spine AS s
        LEFT JOIN holidays AS h ON h.holiday_week = s.week
    ),
    all_feeds AS
    (
        SELECT toStartOfWeek(date, 1) AS week, 'gno_usd_price_avg' AS name, CAST(avg(price) AS Nullable(Float64)) AS value
        FROM prices WHERE symbol_uc = 'GNO' GROUP BY week
        UNION ALL
        SELECT toStartOfWeek(date, 1) AS week, 'eth_usd_price_avg' AS name, CAST(avg(price) AS Nullable(Float64)) AS value
        FROM prices WHERE symbol_uc IN ('WETH', 'ETH') GROUP BY week
        UNION ALL
        SELECT toStartOfWeek(date, 1) AS week, 'wxdai_eur_proxy_avg' AS name, CAST(avg(price) AS Nullable(Float64)) AS value
        FROM prices WHERE symbol_uc IN ('WXDAI', 'EURE') GROUP BY week
        UNION ALL
        SELECT toStartOfWeek(date, 1) AS week, 'chain_gas_price_gwei_avg' AS name, CAST(avg(gas_price_median) AS Nullable(Float64)) AS value
        FROM transactions GROUP BY week
        UNION ALL
        SELECT toStartOfWeek(date, 1) AS week, 'chain_block_count' AS name, CAST(toFloat64(sum(n_txs)) AS Nullable(Float64)) AS value
        FROM transactions GROUP BY week
        UNION ALL
        SELECT week, 'week_of_year' AS name, CAST(week_of_year AS Nullable(Float64)) AS value FROM computed
        UNION ALL
        SELECT week, 'is_holiday_week' AS name, CAST(is_holiday_week AS Nullable(Float64)) AS value FROM computed
        UNION ALL
        SELECT week, 'week_index' AS name, CAST(week_index AS Nullable(Float64)) AS value FROM computed
        UNION ALL
        SELECT week, 'hardfork_step' AS name, CAST(hardfork_step AS Nullable(Float64)) AS value FROM computed
    ),
    filled AS
    (
        SELECT
            s.week AS week,
            r.control_name AS control_name,
            r.control_value_method AS control_value_method,
            r.source_model AS source_model,
            f.value AS feed_value
        FROM spine AS s
        CROSS JOIN mmm_control_registry AS r
        LEFT JOIN all_feeds AS f ON f.week = s.week AND f.name = r.control_name
    )
SELECT
    week,
    CAST(control_name AS LowCardinality(String)) AS control_name,
    CAST(feed_value AS Nullable(Float64)) AS control_value,
    CAST(control_value_method AS LowCardinality(String)) AS control_value_method,
    CAST(source_model AS LowCardinality(String)) AS provenance_model
FROM filled
