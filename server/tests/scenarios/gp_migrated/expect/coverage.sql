-- Coverage: no migrated_old_safe or delegate row.
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
