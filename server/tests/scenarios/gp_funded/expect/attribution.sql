-- Attribution 30d (credits rounded to 1e-10): 3 funded conversions per kept role in the totals, 1 tracked.
SELECT
    conversion_kind,
    identity_role,
    event_kind,
    conversions_with_touch,
    round(first_touch, 10) AS first_touch,
    round(last_touch, 10) AS last_touch,
    round(linear, 10) AS linear,
    round(time_decay_hl_7d, 10) AS time_decay_hl_7d,
    total_conversions
FROM fct_execution_gpay_attribution_30d
ORDER BY conversion_kind, identity_role, event_kind
