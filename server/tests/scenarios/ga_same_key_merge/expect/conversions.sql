-- Two conversion rows (log_index 0 and 1 of transaction 0xp1: distinct dedup keys, 10 + 20 USD) share one
-- conversion key.
SELECT conversion_ts, conversion_kind, count() AS conversion_rows, uniqExact(conversion_dedup_key) AS dedup_keys,
       sum(conversion_amount_usd) AS amount_usd
FROM int_execution_gnosis_app_conversions
GROUP BY conversion_ts, conversion_kind
ORDER BY conversion_ts, conversion_kind
