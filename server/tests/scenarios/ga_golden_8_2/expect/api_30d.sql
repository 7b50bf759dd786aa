-- API view (spec §5.10): the mart's rows (see attribution.sql, 30d) in the view's order, conversion_kind
-- ASC, linear DESC (event_kind breaks ties), with as_of_date = the latest conversion_date, 2026-03-12 (202's
-- swap), not the topups' latest block date 2026-03-11 that upstream would report (DESIGN §4.16, C7).
SELECT conversion_kind, event_kind, conversions_with_touch, round(first_touch, 12) AS first_touch,
       round(last_touch, 12) AS last_touch, round(linear, 12) AS linear, round(time_decay_hl_7d, 12) AS time_decay_hl_7d,
       total_conversions, as_of_date, toTypeName(as_of_date) AS as_of_date_type
FROM api_execution_gnosis_app_attribution_30d
ORDER BY conversion_kind ASC, linear DESC, event_kind ASC
