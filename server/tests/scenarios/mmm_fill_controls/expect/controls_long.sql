-- The long form of the controls for 2025-06-02: value, method and provenance (registry source_model).
SELECT week, control_name, control_value, control_value_method, provenance_model
FROM int_execution_mmm_controls_weekly
WHERE week = '2025-06-02'
ORDER BY control_name
