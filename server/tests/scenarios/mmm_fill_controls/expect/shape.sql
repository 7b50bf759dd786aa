-- 105 spine weeks 2024-02-26 .. 2026-02-23 in every model; 13 KPI, 8 media and 9 control rows per week
-- (1365, 840, 945 rows).
SELECT model, n_rows, n_weeks, first_week, last_week
FROM
(
    SELECT 'kpis' AS model, count() AS n_rows, uniqExact(week) AS n_weeks, min(week) AS first_week, max(week) AS last_week FROM int_execution_mmm_kpis_weekly
    UNION ALL
    SELECT 'media', count(), uniqExact(week), min(week), max(week) FROM int_execution_mmm_media_weekly
    UNION ALL
    SELECT 'controls', count(), uniqExact(week), min(week), max(week) FROM int_execution_mmm_controls_weekly
    UNION ALL
    SELECT 'spine', count(), uniqExact(week), min(week), max(week) FROM fct_execution_mmm_spine_weekly
    UNION ALL
    SELECT 'api', count(), uniqExact(week), min(week), max(week) FROM api_execution_mmm_spine_weekly
)
ORDER BY model
