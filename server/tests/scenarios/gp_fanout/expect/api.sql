-- The API view: the mart's rows in its order, as_of_date = latest conversion_date of the kept roles
-- (2026-06-20), not the activity's latest date (2026-06-28 activity is not a conversion before as_of).
SELECT conversion_kind, identity_role, event_kind, round(linear, 10) AS linear, total_conversions, as_of_date
FROM api_execution_gpay_attribution_30d
ORDER BY conversion_kind, identity_role, linear DESC, event_kind
