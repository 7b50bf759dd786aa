-- Coverage (spec §5.6: fixed 30-day lookback, same guards as the journeys).
-- total_conversions 2 rows, tracked_conversions 1 distinct (user, ts), coverage 0.5; users 1 of 1.
SELECT conversion_date, conversion_kind, total_conversions, tracked_conversions, total_users, tracked_users,
       tracked_conversion_coverage, tracked_user_coverage
FROM int_execution_gnosis_app_coverage_daily
ORDER BY conversion_date, conversion_kind
