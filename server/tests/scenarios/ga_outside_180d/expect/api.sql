-- API views: as_of_date is the latest conversion_date (0b03's topup, 2026-06-27); 0b04's topup on the build
-- date is not a conversion (the "< as_of" guard).
SELECT lookback, conversion_kind, event_kind, total_conversions, as_of_date
FROM
(
    SELECT 7 AS lookback, conversion_kind, event_kind, total_conversions, as_of_date FROM api_execution_gnosis_app_attribution_7d
    UNION ALL SELECT 30, conversion_kind, event_kind, total_conversions, as_of_date FROM api_execution_gnosis_app_attribution_30d
    UNION ALL SELECT 60, conversion_kind, event_kind, total_conversions, as_of_date FROM api_execution_gnosis_app_attribution_60d
)
ORDER BY lookback, conversion_kind, event_kind
