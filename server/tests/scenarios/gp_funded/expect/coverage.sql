-- Coverage: the funded conversions of S5 and S4 are untracked (no earlier touch but deposits or none),
-- S3's is tracked by the 'Other' touch.
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
