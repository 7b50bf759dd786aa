-- The seed table holds the scenario's seeds/mta_funnels.csv (loaded as `--seeds-dir` loads it), not the built-in
-- four funnels.
SELECT funnel_name, step_1_event_kind, step_2_event_kind, step_3_event_kind, window_seconds
FROM mta_funnels
ORDER BY funnel_name
