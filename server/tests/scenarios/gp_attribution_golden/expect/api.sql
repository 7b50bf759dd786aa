-- as_of_date of the API views: the latest conversion_date (2026-06-25), on every row.
SELECT lookback_days, count() AS n_rows, min(as_of_date) AS min_as_of_date, max(as_of_date) AS max_as_of_date
FROM
(
    SELECT 7 AS lookback_days, as_of_date FROM api_execution_gpay_attribution_7d
    UNION ALL
    SELECT 30 AS lookback_days, as_of_date FROM api_execution_gpay_attribution_30d
)
GROUP BY lookback_days
ORDER BY lookback_days
