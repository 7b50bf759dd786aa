-- extract: mmm_registry
-- kind: mmm_registry
-- sector: mmm
-- check: table
-- order_by: family, name
-- One row per spine series: its spine column, family (kpi, media, ctrl), registry name, value
-- method, units, source model, and the caveat flags (is_dedup_safe for KPIs, is_outlay for media;
-- NULL where not applicable). The notebook badges series with is_dedup_safe = 0.
SELECT
    concat('kpi_', toString(kpi_name)) AS series,
    'kpi' AS family,
    toString(kpi_name) AS name,
    toString(kpi_value_method) AS method,
    toString(units) AS units,
    toString(source_model) AS source_model,
    CAST(is_dedup_safe AS Nullable(UInt8)) AS is_dedup_safe,
    CAST(NULL AS Nullable(UInt8)) AS is_outlay
FROM mmm_kpi_registry
UNION ALL
SELECT
    concat('media_', toString(media_name)), 'media', toString(media_name), toString(media_value_method),
    toString(media_units), toString(source_model), CAST(NULL AS Nullable(UInt8)), CAST(is_outlay AS Nullable(UInt8))
FROM mmm_media_registry
UNION ALL
SELECT
    concat('ctrl_', toString(control_name)), 'ctrl', toString(control_name), toString(control_value_method),
    '', toString(source_model), CAST(NULL AS Nullable(UInt8)), CAST(NULL AS Nullable(UInt8))
FROM mmm_control_registry
