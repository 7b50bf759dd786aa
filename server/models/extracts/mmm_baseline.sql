-- extract: mmm_baseline
-- kind: mmm_baseline
-- sector: mmm
-- check: table
-- order_by: kpi_name, media_name
-- The bottom-decile baseline mart (spec §7.6), without computed_at.
SELECT * EXCEPT (computed_at)
FROM fct_execution_mmm_baseline_latest
