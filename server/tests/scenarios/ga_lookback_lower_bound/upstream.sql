INSERT INTO int_execution_gnosis_app_users_current
    (address, first_seen_at, last_seen_at, heuristic_kinds, heuristic_hits, n_distinct_heuristics)
VALUES
    ('0x000000000000000000000000000000000000d001', '2025-06-01 00:00:00', '2026-05-31 12:00:00', ['circles_trust'], 1, 1),
    ('0x000000000000000000000000000000000000d002', '2025-06-01 00:00:00', '2026-06-01 00:30:00', ['circles_trust'], 1, 1)
;
INSERT INTO int_execution_gnosis_app_gpay_topups (ga_user, block_timestamp, transaction_hash, log_index, amount_usd, token_bought_symbol)
VALUES
    ('0x000000000000000000000000000000000000d001', '2026-05-31 12:00:00', '0xd1', 0, 50.0, 'EURe'),
    ('0x000000000000000000000000000000000000d002', '2026-06-01 00:30:00', '0xd2', 0, 60.0, 'GBPe')
;
INSERT INTO stg_mixpanel_ga__events
    (event_time, event_date, user_id_hash, event_name, event_category, insert_id, is_production, is_identified,
     device_type, country_code, page_path, bottom_sheet)
SELECT toDateTime(t, 'UTC'), toDate(toDateTime(t, 'UTC')), sipHash64(concat(unhex({salt:String}), lower(a))), n, c, i, 1, 1, 'mobile', 'DE', '/', ''
FROM values('a String, t String, n String, c String, i String',
    ('0x000000000000000000000000000000000000d001', '2026-05-24 12:00:00', '$mp_web_page_view', 'pageview', 'd001-1'),
    ('0x000000000000000000000000000000000000d001', '2026-05-24 11:59:59', 'Open Modal', 'modal', 'd001-2'),
    ('0x000000000000000000000000000000000000d001', '2026-05-01 12:00:00', 'QR Scan', 'feature', 'd001-3'),
    ('0x000000000000000000000000000000000000d001', '2026-05-01 11:59:59', 'Back', 'navigation', 'd001-4'),
    ('0x000000000000000000000000000000000000d001', '2026-04-01 12:00:00', 'Login with Passkey', 'login', 'd001-5'),
    ('0x000000000000000000000000000000000000d001', '2026-04-01 11:59:59', '$identify', 'system', 'd001-6'),
    ('0x000000000000000000000000000000000000d002', '2026-05-30 10:00:00', '$mp_web_page_view', 'pageview', 'd002-1'))
