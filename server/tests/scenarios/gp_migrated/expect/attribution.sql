-- Attribution 7d, 30d, 60d (credits rounded to 1e-10). total_conversions counts both Safes' funded
-- conversions under the one safe_self pseudonym (2) and excludes migrated_old_safe and delegate.
WITH a AS
(
    SELECT 7 AS lookback_days, * FROM fct_execution_gpay_attribution_7d
    UNION ALL
    SELECT 30 AS lookback_days, * FROM fct_execution_gpay_attribution_30d
    UNION ALL
    SELECT 60 AS lookback_days, * FROM fct_execution_gpay_attribution_60d
)
SELECT
    lookback_days,
    conversion_kind,
    identity_role,
    event_kind,
    conversions_with_touch,
    round(first_touch, 10) AS first_touch,
    round(last_touch, 10) AS last_touch,
    round(linear, 10) AS linear,
    round(time_decay_hl_7d, 10) AS time_decay_hl_7d,
    total_conversions
FROM a
ORDER BY lookback_days, conversion_kind, identity_role, event_kind
