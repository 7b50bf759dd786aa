-- Coverage (spec §5.6: fixed 30-day lookback, same guards as the journeys).
-- 05-10, 05-11, 05-12: 0 of 1 (coverage 0); 05-13, 05-20 (0a04 at 15 days): 1 of 1.
SELECT conversion_date, conversion_kind, total_conversions, tracked_conversions, total_users, tracked_users,
       tracked_conversion_coverage, tracked_user_coverage
FROM int_execution_gnosis_app_coverage_daily
ORDER BY conversion_date, conversion_kind
