-- Coverage (spec §5.6: fixed 30-day lookback, same guards as the journeys).
-- 30-day coverage: 03-08 topup X1 tracked; 03-10 swap_filled X2 and topup G1 tracked; 03-11 swap_filled X3
-- and topup G3 untracked (0/1); 03-12 swap_filled G2 tracked.
SELECT conversion_date, conversion_kind, total_conversions, tracked_conversions, total_users, tracked_users,
       tracked_conversion_coverage, tracked_user_coverage
FROM int_execution_gnosis_app_coverage_daily
ORDER BY conversion_date, conversion_kind
