INSERT INTO int_execution_gnosis_app_users_current
    (address, first_seen_at, last_seen_at, heuristic_kinds, heuristic_hits, n_distinct_heuristics)
VALUES ('0x000000000000000000000000000000000000a001', '2025-06-01 00:00:00', '2026-05-20 10:00:00', ['circles_trust'], 1, 1)
;
INSERT INTO int_execution_gnosis_app_gpay_topups (ga_user, block_timestamp, transaction_hash, log_index, amount_usd, token_bought_symbol)
VALUES
    ('0x000000000000000000000000000000000000a001', '2026-04-25 08:00:00', '0xa0', 0, 10.0, 'EURe'),
    ('0x000000000000000000000000000000000000a001', '2026-05-10 10:00:00', '0xa1', 0, 20.0, 'EURe'),
    ('0x000000000000000000000000000000000000a001', '2026-05-20 10:00:00', '0xa2', 0, 30.0, 'EURe')
;
INSERT INTO int_execution_gnosis_app_token_offer_claims (ga_user, block_timestamp, transaction_hash, log_index, amount_received_usd, offer_token_symbol)
VALUES ('0x000000000000000000000000000000000000a001', '2026-05-15 12:00:00', '0xac', 3, 5.0, 'GNO')
;
INSERT INTO stg_mixpanel_ga__events
    (event_time, event_date, user_id_hash, event_name, event_category, insert_id, is_production, is_identified,
     device_type, country_code, page_path, bottom_sheet)
SELECT toDateTime(t, 'UTC'), toDate(toDateTime(t, 'UTC')), sipHash64(concat(unhex({salt:String}), lower(a))), n, c, i, 1, 1, 'mobile', 'DE', '/', ''
FROM values('a String, t String, n String, c String, i String',
    ('0x000000000000000000000000000000000000a001', '2026-05-18 09:00:00', '$mp_web_page_view', 'pageview', 'a001-1'))
