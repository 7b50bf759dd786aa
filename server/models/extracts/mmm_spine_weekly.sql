-- extract: mmm_spine_weekly
-- kind: mmm_spine_weekly
-- sector: mmm
-- check: spine
-- order_by: week
-- The weekly MMM spine (spec §7.5) as the API serves it: week, then kpi_*, media_*, ctrl_* columns.
SELECT *
FROM api_execution_mmm_spine_weekly
