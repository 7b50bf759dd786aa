-- model: api_execution_mmm_spine_weekly
-- grain: one row per week of fct_execution_mmm_spine_weekly (all its columns)
-- inputs: fct_execution_mmm_spine_weekly
-- materialized: view
--
-- Spec §7.8: the weekly spine as served by the API (route /v1/mmm/mmm_spine/weekly), ordered by
-- week. No window: readers filter `week >= as_of - 730 days` themselves, as upstream.
SELECT *
FROM fct_execution_mmm_spine_weekly
ORDER BY week
