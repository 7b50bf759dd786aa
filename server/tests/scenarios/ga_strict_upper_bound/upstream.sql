INSERT INTO int_execution_gnosis_app_users_current
    (address, first_seen_at, last_seen_at, heuristic_kinds, heuristic_hits, n_distinct_heuristics)
VALUES
    ('0x000000000000000000000000000000000000b001', '2025-06-01 00:00:00', '2026-05-10 12:00:00', ['circles_trust'], 1, 1),
    ('0x000000000000000000000000000000000000c001', '2025-06-01 00:00:00', '2026-05-12 00:00:00', ['circles_trust'], 1, 1)
;
INSERT INTO int_execution_gnosis_app_marketplace_payments (payer, block_timestamp, transaction_hash, log_index, offer_name)
VALUES ('0x000000000000000000000000000000000000b001', '2026-05-10 12:00:00', '0xb1', 0, 'Coffee')
;
INSERT INTO int_execution_gnosis_app_swaps (taker, block_timestamp, order_uid, was_filled, first_fill_at, amount_usd)
VALUES ('0x000000000000000000000000000000000000b001', '2026-05-10 12:00:00', '0xorderb1', false, NULL, NULL)
;
INSERT INTO int_execution_gnosis_app_token_offer_claims (ga_user, block_timestamp, transaction_hash, log_index, amount_received_usd, offer_token_symbol)
VALUES ('0x000000000000000000000000000000000000c001', '2026-05-12 00:00:00', '0xc1', 0, 7.5, 'GNO')
;
INSERT INTO stg_mixpanel_ga__events
    (event_time, event_date, user_id_hash, event_name, event_category, insert_id, is_production, is_identified,
     device_type, country_code, page_path, bottom_sheet)
SELECT toDateTime(t, 'UTC'), toDate(toDateTime(t, 'UTC')), sipHash64(concat(unhex({salt:String}), lower(a))), n, c, i, 1, 1, 'mobile', 'DE', '/', ''
FROM values('a String, t String, n String, c String, i String',
    ('0x000000000000000000000000000000000000b001', '2026-05-10 11:59:59', 'Open Modal', 'modal', 'b001-1'),
    ('0x000000000000000000000000000000000000b001', '2026-05-10 12:00:00', '$mp_web_page_view', 'pageview', 'b001-2'),
    ('0x000000000000000000000000000000000000b001', '2026-05-10 12:00:01', 'QR Scan', 'feature', 'b001-3'),
    ('0x000000000000000000000000000000000000c001', '2026-05-11 23:59:59', '$mp_web_page_view', 'pageview', 'c001-1'),
    ('0x000000000000000000000000000000000000c001', '2026-05-12 00:00:00', 'Login with Passkey', 'login', 'c001-2'))
