INSERT INTO int_execution_gnosis_app_users_current
    (address, first_seen_at, last_seen_at, heuristic_kinds, heuristic_hits, n_distinct_heuristics)
VALUES ('0x000000000000000000000000000000000000e001', '2025-06-01 00:00:00', '2026-05-20 18:00:00', ['circles_trust'], 2, 1)
;
INSERT INTO int_execution_gnosis_app_user_events (address, heuristic_kind, block_timestamp, transaction_hash)
VALUES ('0x000000000000000000000000000000000000E001', 'circles_trust', '2026-05-18 10:00:00', 'e1trust')
;
INSERT INTO int_execution_gnosis_app_swaps (taker, block_timestamp, order_uid, was_filled, first_fill_at, amount_usd)
VALUES ('0x000000000000000000000000000000000000e001', '2026-05-19 09:00:00', '0xordere1', true, '2026-05-20 18:00:00', 25.0)
;
INSERT INTO stg_mixpanel_ga__events
    (event_time, event_date, user_id_hash, event_name, event_category, insert_id, is_production, is_identified,
     device_type, country_code, page_path, bottom_sheet)
SELECT toDateTime(t, 'UTC'), toDate(toDateTime(t, 'UTC')), sipHash64(concat(unhex({salt:String}), lower(a))), n, c, i, 1, 1, 'mobile', 'DE', '/', ''
FROM values('a String, t String, n String, c String, i String',
    ('0x000000000000000000000000000000000000e001', '2026-05-18 10:00:00', '$mp_web_page_view', 'pageview', 'e001-1'),
    ('0x000000000000000000000000000000000000e001', '2026-05-18 10:00:00', '$mp_web_page_view', 'pageview', 'e001-2'),
    ('0x000000000000000000000000000000000000e001', '2026-05-20 17:00:00', 'Open Bottom Sheet', 'modal', 'e001-3'),
    ('0x000000000000000000000000000000000000e001', '2026-05-20 17:00:00', 'Marketplace Purchase', 'feature', 'e001-4'))
