-- Coverage (spec §5.6: fixed 30-day lookback, same guards as the journeys).
-- Coverage has no 180-day window: 2025-12-29, 2025-12-30 and 2026-06-27, each 1 of 1; nothing on 2026-06-28.
SELECT conversion_date, conversion_kind, total_conversions, tracked_conversions, total_users, tracked_users,
       tracked_conversion_coverage, tracked_user_coverage
FROM int_execution_gnosis_app_coverage_daily
ORDER BY conversion_date, conversion_kind
