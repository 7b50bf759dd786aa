INSERT INTO int_execution_gnosis_app_users_current
    (address, first_seen_at, last_seen_at, heuristic_kinds, heuristic_hits, n_distinct_heuristics)
VALUES
    ('0x0000000000000000000000000000000000000a01', '2025-06-01 00:00:00', '2026-05-10 10:00:00', ['circles_trust'], 1, 1),
    ('0x0000000000000000000000000000000000000a02', '2025-06-01 00:00:00', '2026-05-12 10:00:00', ['circles_trust'], 1, 1),
    ('0x0000000000000000000000000000000000000a03', '2025-06-01 00:00:00', '2026-05-13 10:00:00', ['circles_trust'], 1, 1),
    ('0x0000000000000000000000000000000000000a04', '2025-06-01 00:00:00', '2026-05-20 10:00:00', ['circles_trust'], 1, 1)
;
INSERT INTO int_execution_gnosis_app_token_offer_claims (ga_user, block_timestamp, transaction_hash, log_index, amount_received_usd, offer_token_symbol)
VALUES
    ('0x0000000000000000000000000000000000000a01', '2026-05-10 10:00:00', '0x9a', 0, 1.0, 'GNO'),
    ('0x0000000000000000000000000000000000000a02', '2026-05-11 10:00:00', '0x9b1', 0, 2.0, 'GNO'),
    ('0x0000000000000000000000000000000000000a02', '2026-05-12 10:00:00', '0x9b2', 0, 3.0, 'GNO'),
    ('0x0000000000000000000000000000000000000a03', '2026-05-13 10:00:00', '0x9c', 0, 4.0, NULL),
    ('0x0000000000000000000000000000000000000a04', '2026-05-20 10:00:00', '0x9d', 0, 0.0, 'GNO')
;
INSERT INTO stg_mixpanel_ga__events
    (event_time, event_date, user_id_hash, event_name, event_category, insert_id, is_production, is_identified,
     device_type, country_code, page_path, bottom_sheet)
SELECT toDateTime(t, 'UTC'), toDate(toDateTime(t, 'UTC')), sipHash64(concat(unhex({salt:String}), lower(a))), n, c, i, 1, 1, 'mobile', 'DE', '/', ''
FROM values('a String, t String, n String, c String, i String',
    ('0x0000000000000000000000000000000000000a02', '2026-05-12 11:00:00', '$mp_web_page_view', 'pageview', '0a02-1'),
    ('0x0000000000000000000000000000000000000a02', '2026-03-01 10:00:00', '$mp_web_page_view', 'pageview', '0a02-2'),
    ('0x0000000000000000000000000000000000000a03', '2026-05-13 09:00:00', '$mp_web_page_view', 'pageview', '0a03-1'),
    ('0x0000000000000000000000000000000000000a04', '2026-05-05 10:00:00', '$mp_web_page_view', 'pageview', '0a04-1'))
