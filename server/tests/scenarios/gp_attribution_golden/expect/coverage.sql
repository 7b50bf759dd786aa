-- Coverage (30-day lookback). P's two payments of 2026-06-20 12:00:00 are one tracked key but two rows:
-- tracked_conversion_coverage 0.5 (mixed units, spec §5.6, C15).
SELECT
    conversion_date,
    conversion_kind,
    identity_role,
    total_conversions,
    tracked_conversions,
    total_users,
    tracked_users,
    tracked_conversion_coverage,
    tracked_user_coverage
FROM int_execution_gpay_coverage_daily
ORDER BY conversion_date, conversion_kind, identity_role
