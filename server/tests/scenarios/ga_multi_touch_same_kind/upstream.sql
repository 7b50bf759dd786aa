INSERT INTO int_execution_gnosis_app_users_current
    (address, first_seen_at, last_seen_at, heuristic_kinds, heuristic_hits, n_distinct_heuristics)
VALUES
    ('0x000000000000000000000000000000000000f001', '2025-06-01 00:00:00', '2026-05-20 12:00:00', ['circles_trust'], 1, 1),
    ('0x000000000000000000000000000000000000f002', '2025-06-01 00:00:00', '2026-05-25 10:00:00', ['circles_trust'], 1, 1)
;
INSERT INTO int_execution_gnosis_app_gpay_topups (ga_user, block_timestamp, transaction_hash, log_index, amount_usd, token_bought_symbol)
VALUES
    ('0x000000000000000000000000000000000000f001', '2026-05-20 12:00:00', '0xf1', 0, 15.0, 'EURe'),
    ('0x000000000000000000000000000000000000f002', '2026-05-25 10:00:00', '0xf2', 0, 25.0, 'EURe')
;
INSERT INTO int_execution_gnosis_app_swaps (taker, block_timestamp, order_uid, was_filled, first_fill_at, amount_usd)
VALUES ('0x000000000000000000000000000000000000f001', '2026-05-19 08:00:00', '0xorderf1', false, NULL, NULL)
;
INSERT INTO stg_mixpanel_ga__events
    (event_time, event_date, user_id_hash, event_name, event_category, insert_id, is_production, is_identified,
     device_type, country_code, page_path, bottom_sheet)
SELECT toDateTime(t, 'UTC'), toDate(toDateTime(t, 'UTC')), sipHash64(concat(unhex({salt:String}), lower(a))), n, c, i, 1, 1, 'mobile', 'DE', '/', ''
FROM values('a String, t String, n String, c String, i String',
    ('0x000000000000000000000000000000000000f001', '2026-05-20 08:00:00', '$mp_web_page_view', 'pageview', 'f001-1'),
    ('0x000000000000000000000000000000000000f001', '2026-05-17 08:00:00', '$mp_web_page_view', 'pageview', 'f001-2'),
    ('0x000000000000000000000000000000000000f001', '2026-05-13 08:00:00', '$mp_web_page_view', 'pageview', 'f001-3'),
    ('0x000000000000000000000000000000000000f001', '2026-04-30 08:00:00', '$mp_web_page_view', 'pageview', 'f001-4'),
    ('0x000000000000000000000000000000000000f002', '2026-05-24 10:00:00', '$mp_web_page_view', 'pageview', 'f002-1'))
