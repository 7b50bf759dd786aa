INSERT INTO int_execution_gnosis_app_users_current
    (address, first_seen_at, last_seen_at, heuristic_kinds, heuristic_hits, n_distinct_heuristics)
VALUES
    ('0x000000000000000000000000000000000000A101', '2026-02-20 08:00:00', '2026-03-10 12:00:00', ['circles_trust'], 1, 1),
    ('0x000000000000000000000000000000000000b202', '2025-12-01 00:00:00', '2026-03-12 00:00:00', ['circles_trust'], 1, 1),
    ('0x000000000000000000000000000000000000c303', '2025-12-01 00:00:00', '2026-03-11 00:00:00', ['circles_trust'], 1, 1)
;
-- 101: swap signed and filled at 03-10 11:00 (chain.swap_signed + chain.swap_filled touches; also a swap_filled conversion)
-- 202: order a signed 2026-01-01, filled 03-11 10:00 (self-kind touch); order b signed 03-11 23:00, filled 03-12 00:00 (the golden conversion)
-- dead: a user outside the bridge (dropped)
INSERT INTO int_execution_gnosis_app_swaps (taker, block_timestamp, order_uid, was_filled, first_fill_at, amount_usd)
VALUES
    ('0x000000000000000000000000000000000000a101', '2026-03-10 11:00:00', '0xorder101', true, '2026-03-10 11:00:00', 50.0),
    ('0x000000000000000000000000000000000000B202', '2026-01-01 00:00:00', '0xorder202a', true, '2026-03-11 10:00:00', 20.0),
    ('0x000000000000000000000000000000000000b202', '2026-03-11 23:00:00', '0xuid', true, '2026-03-12 00:00:00', 30.0),
    ('0x000000000000000000000000000000000000dead', '2026-03-10 10:00:00', '0xorderdead', true, '2026-03-10 10:30:00', 99.0)
;
-- 101: the golden topup 03-10 12:00 and an earlier topup 03-08 10:00 (self-kind touch for the golden one); 303: untracked topup
INSERT INTO int_execution_gnosis_app_gpay_topups (ga_user, block_timestamp, transaction_hash, log_index, amount_usd, token_bought_symbol)
VALUES
    ('0x000000000000000000000000000000000000A101', '2026-03-10 12:00:00', '0xt101b', 0, 100.0, 'EURe'),
    ('0x000000000000000000000000000000000000a101', '2026-03-08 10:00:00', '0xt101a', 0, 10.0, 'EURe'),
    ('0x000000000000000000000000000000000000c303', '2026-03-11 00:00:00', '0xdeadbeef', 7, 40.0, 'EURe'),
    ('0x000000000000000000000000000000000000dead', '2026-03-10 09:00:00', '0xtdead', 0, 5.0, 'EURe')
;
INSERT INTO stg_mixpanel_ga__events
    (event_time, event_date, user_id_hash, event_name, event_category, insert_id, is_production, is_identified,
     device_type, country_code, page_path, bottom_sheet)
VALUES
    ('2026-03-05 09:00:00', '2026-03-05', sipHash64(concat(unhex({salt:String}), lower('0x000000000000000000000000000000000000a101'))), '$mp_web_page_view', 'pageview', 'mp-101-1', 1, 1, 'mobile', 'DE', '/home', ''),
    ('2026-03-09 23:59:59', '2026-03-09', sipHash64(concat(unhex({salt:String}), lower('0x000000000000000000000000000000000000a101'))), '$mp_web_page_view', 'pageview', 'mp-101-2', 1, 1, 'mobile', 'DE', '/swap', ''),
    ('2026-03-10 12:00:00', '2026-03-10', sipHash64(concat(unhex({salt:String}), lower('0x000000000000000000000000000000000000a101'))), 'Open Modal', 'modal', 'mp-101-3', 1, 1, 'mobile', 'DE', '/card', 'topup'),
    ('2026-03-10 12:00:01', '2026-03-10', sipHash64(concat(unhex({salt:String}), lower('0x000000000000000000000000000000000000a101'))), 'Open Modal', 'modal', 'mp-101-4', 1, 1, 'mobile', 'DE', '/card', 'topup'),
    ('2026-03-11 23:00:00', '2026-03-11', sipHash64(concat(unhex({salt:String}), lower('0x000000000000000000000000000000000000b202'))), '$mp_web_page_view', 'pageview', 'mp-202-1', 1, 1, 'desktop', 'FR', '/swap', ''),
    ('2026-03-09 12:00:00', '2026-03-09', sipHash64(concat(unhex({salt:String}), lower('0x000000000000000000000000000000000000a101'))), '$mp_web_page_view', 'pageview', 'mp-101-staging', 0, 1, 'mobile', 'DE', '/home', ''),
    ('2026-03-09 13:00:00', '2026-03-09', sipHash64(concat(unhex({salt:String}), lower('0x000000000000000000000000000000000000a101'))), '$mp_web_page_view', 'pageview', 'mp-101-anon', 1, 0, 'mobile', 'DE', '/home', ''),
    ('2026-03-09 14:00:00', '2026-03-09', sipHash64(concat(unhex({salt:String}), lower('0x000000000000000000000000000000000000dead'))), '$mp_web_page_view', 'pageview', 'mp-dead-1', 1, 1, 'mobile', 'DE', '/home', '')
