-- model: api_execution_gpay_attribution_{N}d
-- grain: one row per (conversion_kind, identity_role, event_kind) of fct_execution_gpay_attribution_{N}d, plus as_of_date
-- inputs: fct_execution_gpay_attribution_{N}d, int_execution_gpay_conversions
-- materialized: view
SELECT
    -- Spec §6.7, DESIGN §4.16. Every column of the attribution mart, ordered by conversion_kind,
    -- identity_role, linear DESC (then event_kind, so ties have one order), plus
    -- as_of_date = the latest conversion_date of the conversions the mart covers: the GP conversions of the
    -- roles it keeps (not delegate, not migrated_old_safe). Upstream used toDate(max(date)) of
    -- int_execution_gpay_activity, a proxy that also moves with non-conversion activity (spec C7, §14.16).
    -- No bound parameters: a view is created once and read at any time.
    a.conversion_kind AS conversion_kind,
    a.identity_role AS identity_role,
    a.event_kind AS event_kind,
    a.conversions_with_touch AS conversions_with_touch,
    a.first_touch AS first_touch,
    a.last_touch AS last_touch,
    a.linear AS linear,
    a.time_decay_hl_7d AS time_decay_hl_7d,
    a.total_conversions AS total_conversions,
    a.computed_at AS computed_at,
    CAST((
        SELECT max(conversion_date)
        FROM int_execution_gpay_conversions
        WHERE identity_role NOT IN ('delegate', 'migrated_old_safe')
    ) AS Date) AS as_of_date
FROM fct_execution_gpay_attribution_{N}d AS a
ORDER BY a.conversion_kind ASC, a.identity_role ASC, a.linear DESC, a.event_kind ASC
