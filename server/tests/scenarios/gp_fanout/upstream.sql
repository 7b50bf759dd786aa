-- Safes S1 = 0x1111…, S2 = 0x2222…; owners A = 0xaaaa…, B = 0xbbbb… (written in mixed case), C = 0xcccc…
-- (added later: no role); delegate D = 0xdddd… on both Safes.
INSERT INTO int_execution_gpay_wallets (address) VALUES
    ('0x1111111111111111111111111111111111111111'),
    ('0x2222222222222222222222222222222222222222')
;
INSERT INTO int_execution_safes_owner_events (safe_address, owner, event_kind, block_timestamp) VALUES
    ('0x1111111111111111111111111111111111111111', '0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'safe_setup', '2026-05-01 08:00:00'),
    ('0x1111111111111111111111111111111111111111', '0xBBBBbbbbBBBBbbbbBBBBbbbbBBBBbbbbBBBBbbbb', 'safe_setup', '2026-05-01 08:00:00'),
    ('0x1111111111111111111111111111111111111111', NULL, 'changed_threshold', '2026-05-01 08:00:00'),
    ('0x1111111111111111111111111111111111111111', '0xcccccccccccccccccccccccccccccccccccccccc', 'added_owner', '2026-05-20 08:00:00'),
    ('0x2222222222222222222222222222222222222222', '0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'safe_setup', '2026-05-15 09:30:00'),
    ('0x3333333333333333333333333333333333333333', '0xcccccccccccccccccccccccccccccccccccccccc', 'safe_setup', '2026-05-15 09:30:00')
;
-- D holds two role keys on S1 (two identical rows); a NULL delegate row is dropped.
INSERT INTO int_execution_gpay_spender_delegates_current (gp_safe, delegate_address) VALUES
    ('0x1111111111111111111111111111111111111111', '0xdddddddddddddddddddddddddddddddddddddddd'),
    ('0x1111111111111111111111111111111111111111', '0xdddddddddddddddddddddddddddddddddddddddd'),
    ('0x2222222222222222222222222222222222222222', '0xdddddddddddddddddddddddddddddddddddddddd'),
    ('0x2222222222222222222222222222222222222222', NULL)
;
-- 1. S2 first inflow (Crypto Deposit)     2026-06-10 09:00:00
-- 2. S1 first inflow (Fiat Top Up, mint)   2026-06-12 10:00:00
-- 3. S2 cashback (GNO)                     2026-06-18 08:00:00
-- 4. S1 payment to the GP spender          2026-06-20 12:00:00
-- 5. S1 payment on the build date          2026-06-28 09:00:00 (not read: block_timestamp < as_of)
INSERT INTO int_execution_gpay_activity (wallet_address, block_timestamp, date, transaction_hash, token_address, counterparty, direction, action, symbol, amount, amount_usd) VALUES
    ('0x2222222222222222222222222222222222222222', '2026-06-10 09:00:00', '2026-06-10', '0x0101010101010101010101010101010101010101010101010101010101010101', '0x2a22f9c3b484c3629090feed35f17ff8f88f76f0', '0x9999999999999999999999999999999999999999', 'in', 'Crypto Deposit', 'USDC.e', 50, 50),
    ('0x1111111111111111111111111111111111111111', '2026-06-12 10:00:00', '2026-06-12', '0x0202020202020202020202020202020202020202020202020202020202020202', '0xcb444e90d8198415266c6a2724b7900fb12fc56e', '0x0000000000000000000000000000000000000000', 'in', 'Fiat Top Up', 'EURe', 100, 108),
    ('0x2222222222222222222222222222222222222222', '2026-06-18 08:00:00', '2026-06-18', '0x0303030303030303030303030303030303030303030303030303030303030303', '0x9c58bacc331c9aa871afd802db6379a98e80cedb', '0xcdf50be9061086e2ecfe6e4a1bf9164d43568eec', 'in', 'Cashback', 'GNO', 0.01, 1.25),
    ('0x1111111111111111111111111111111111111111', '2026-06-20 12:00:00', '2026-06-20', '0x0404040404040404040404040404040404040404040404040404040404040404', '0xcb444e90d8198415266c6a2724b7900fb12fc56e', '0x4822521e6135cd2599199c83ea35179229a172ee', 'out', 'Payment', 'EURe', 23.6, 25.5),
    ('0x1111111111111111111111111111111111111111', '2026-06-28 09:00:00', '2026-06-28', '0x0505050505050505050505050505050505050505050505050505050505050505', '0xcb444e90d8198415266c6a2724b7900fb12fc56e', '0x4822521e6135cd2599199c83ea35179229a172ee', 'out', 'Payment', 'EURe', 10, 10.8)
