INSERT INTO int_execution_gnosis_app_users_current
    (address, first_seen_at, last_seen_at, heuristic_kinds, heuristic_hits, n_distinct_heuristics)
VALUES
    ('0x0000000000000000000000000000000000000b01', '2025-06-01 00:00:00', '2025-12-30 00:00:00', ['circles_trust'], 1, 1),
    ('0x0000000000000000000000000000000000000b02', '2025-06-01 00:00:00', '2025-12-29 23:59:59', ['circles_trust'], 1, 1),
    ('0x0000000000000000000000000000000000000b03', '2025-06-01 00:00:00', '2026-06-27 12:00:00', ['circles_trust'], 1, 1),
    ('0x0000000000000000000000000000000000000b04', '2025-06-01 00:00:00', '2026-06-28 10:00:00', ['circles_trust'], 1, 1)
;
INSERT INTO int_execution_gnosis_app_gpay_topups (ga_user, block_timestamp, transaction_hash, log_index, amount_usd, token_bought_symbol)
VALUES
    ('0x0000000000000000000000000000000000000b01', '2025-12-30 00:00:00', '0xk1', 0, 10.0, 'EURe'),
    ('0x0000000000000000000000000000000000000b02', '2025-12-29 23:59:59', '0xl1', 0, 10.0, 'EURe'),
    ('0x0000000000000000000000000000000000000b03', '2026-06-27 12:00:00', '0xm1', 0, 10.0, 'EURe'),
    ('0x0000000000000000000000000000000000000b04', '2026-06-28 10:00:00', '0xn1', 0, 10.0, 'EURe')
;
INSERT INTO stg_mixpanel_ga__events
    (event_time, event_date, user_id_hash, event_name, event_category, insert_id, is_production, is_identified,
     device_type, country_code, page_path, bottom_sheet)
SELECT toDateTime(t, 'UTC'), toDate(toDateTime(t, 'UTC')), sipHash64(concat(unhex({salt:String}), lower(a))), n, c, i, 1, 1, 'mobile', 'DE', '/', ''
FROM values('a String, t String, n String, c String, i String',
    ('0x0000000000000000000000000000000000000b01', '2025-12-29 23:00:00', '$mp_web_page_view', 'pageview', '0b01-1'),
    ('0x0000000000000000000000000000000000000b02', '2025-12-29 22:59:59', '$mp_web_page_view', 'pageview', '0b02-1'),
    ('0x0000000000000000000000000000000000000b03', '2026-06-27 11:00:00', '$mp_web_page_view', 'pageview', '0b03-1'),
    ('0x0000000000000000000000000000000000000b04', '2026-06-28 09:00:00', '$mp_web_page_view', 'pageview', '0b04-1'))
