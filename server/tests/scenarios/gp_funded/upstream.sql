-- Safes S3 = 0x3333…, S4 = 0x4444…, S5 = 0x5555…, S6 = 0x6666…; owner E = 0xeeee… set up S5 and S3,
-- owner F = 0xffff… set up S4 and S6; delegate D = 0xdddd… on S3.
INSERT INTO int_execution_gpay_wallets (address) VALUES
    ('0x3333333333333333333333333333333333333333'),
    ('0x4444444444444444444444444444444444444444'),
    ('0x5555555555555555555555555555555555555555'),
    ('0x6666666666666666666666666666666666666666')
;
INSERT INTO int_execution_safes_owner_events (safe_address, owner, event_kind, block_timestamp) VALUES
    ('0x5555555555555555555555555555555555555555', '0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee', 'safe_setup', '2026-04-01 00:00:00'),
    ('0x3333333333333333333333333333333333333333', '0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee', 'safe_setup', '2026-04-28 00:00:00'),
    ('0x4444444444444444444444444444444444444444', '0xffffffffffffffffffffffffffffffffffffffff', 'safe_setup', '2026-06-01 00:00:00'),
    ('0x6666666666666666666666666666666666666666', '0xffffffffffffffffffffffffffffffffffffffff', 'safe_setup', '2026-06-20 00:00:00')
;
INSERT INTO int_execution_gpay_spender_delegates_current (gp_safe, delegate_address) VALUES
    ('0x3333333333333333333333333333333333333333', '0xdddddddddddddddddddddddddddddddddddddddd')
;
-- S5: funded 04-20 (Crypto Deposit), payment 04-25.
-- S3: 'Other' inflow 05-01 (not an inflow for funding), first inflow 05-03 14:00 (Crypto Deposit),
--     later Fiat Top Up 05-20, payment 06-02, reversal 06-03, off-ramp 06-10, crypto withdrawal 06-11.
-- S6: first inflow at 2026-06-28 00:00:00 (= as_of): not read.
INSERT INTO int_execution_gpay_activity (wallet_address, block_timestamp, date, transaction_hash, token_address, counterparty, direction, action, symbol, amount, amount_usd) VALUES
    ('0x5555555555555555555555555555555555555555', '2026-04-20 10:00:00', '2026-04-20', '0xa1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1', '0x2a22f9c3b484c3629090feed35f17ff8f88f76f0', '0x9999999999999999999999999999999999999999', 'in', 'Crypto Deposit', 'USDC.e', 80, 80),
    ('0x5555555555555555555555555555555555555555', '2026-04-25 15:00:00', '2026-04-25', '0xa2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2', '0xcb444e90d8198415266c6a2724b7900fb12fc56e', '0x4822521e6135cd2599199c83ea35179229a172ee', 'out', 'Payment', 'EURe', 18.5, 20),
    ('0x3333333333333333333333333333333333333333', '2026-05-01 06:00:00', '2026-05-01', '0xb1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1', '0x7777777777777777777777777777777777777777', '0x8888888888888888888888888888888888888888', 'in', 'Other', 'SPAM', 1000, 0),
    ('0x3333333333333333333333333333333333333333', '2026-05-03 14:00:00', '2026-05-03', '0xb2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2', '0x2a22f9c3b484c3629090feed35f17ff8f88f76f0', '0x9999999999999999999999999999999999999999', 'in', 'Crypto Deposit', 'USDC.e', 40, 40),
    ('0x3333333333333333333333333333333333333333', '2026-05-20 09:00:00', '2026-05-20', '0xb3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3', '0xcb444e90d8198415266c6a2724b7900fb12fc56e', '0x0000000000000000000000000000000000000000', 'in', 'Fiat Top Up', 'EURe', 140, 150),
    ('0x3333333333333333333333333333333333333333', '2026-06-02 12:00:00', '2026-06-02', '0xb4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4', '0xcb444e90d8198415266c6a2724b7900fb12fc56e', '0x4822521e6135cd2599199c83ea35179229a172ee', 'out', 'Payment', 'EURe', 32.5, 35),
    ('0x3333333333333333333333333333333333333333', '2026-06-03 10:00:00', '2026-06-03', '0xb5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5', '0xcb444e90d8198415266c6a2724b7900fb12fc56e', '0x4822521e6135cd2599199c83ea35179229a172ee', 'in', 'Reversal', 'EURe', 32.5, 35),
    ('0x3333333333333333333333333333333333333333', '2026-06-10 16:00:00', '2026-06-10', '0xb6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6', '0xcb444e90d8198415266c6a2724b7900fb12fc56e', '0x0000000000000000000000000000000000000000', 'out', 'Fiat Off-ramp', 'EURe', 46.5, 50),
    ('0x3333333333333333333333333333333333333333', '2026-06-11 17:00:00', '2026-06-11', '0xb7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7', '0x2a22f9c3b484c3629090feed35f17ff8f88f76f0', '0x9999999999999999999999999999999999999999', 'out', 'Crypto Withdrawal', 'USDC.e', 10, 10),
    ('0x6666666666666666666666666666666666666666', '2026-06-28 00:00:00', '2026-06-28', '0xc1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1', '0x2a22f9c3b484c3629090feed35f17ff8f88f76f0', '0x9999999999999999999999999999999999999999', 'in', 'Crypto Deposit', 'USDC.e', 5, 5)
;
-- S4: three inflows in the same second, inserted in separate parts; ordered by
-- (block_timestamp, transaction_hash, token_address) the first is (0xaaaa…, GNO 0x9c58…): 33 USD.
INSERT INTO int_execution_gpay_activity (wallet_address, block_timestamp, date, transaction_hash, token_address, counterparty, direction, action, symbol, amount, amount_usd) VALUES
    ('0x4444444444444444444444444444444444444444', '2026-06-05 07:30:00', '2026-06-05', '0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', '0x9c58bacc331c9aa871afd802db6379a98e80cedb', '0x9999999999999999999999999999999999999999', 'in', 'Crypto Deposit', 'GNO', 0.1, 11)
;
INSERT INTO int_execution_gpay_activity (wallet_address, block_timestamp, date, transaction_hash, token_address, counterparty, direction, action, symbol, amount, amount_usd) VALUES
    ('0x4444444444444444444444444444444444444444', '2026-06-05 07:30:00', '2026-06-05', '0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '0xcb444e90d8198415266c6a2724b7900fb12fc56e', '0x0000000000000000000000000000000000000000', 'in', 'Fiat Top Up', 'EURe', 20.5, 22)
;
INSERT INTO int_execution_gpay_activity (wallet_address, block_timestamp, date, transaction_hash, token_address, counterparty, direction, action, symbol, amount, amount_usd) VALUES
    ('0x4444444444444444444444444444444444444444', '2026-06-05 07:30:00', '2026-06-05', '0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '0x9c58bacc331c9aa871afd802db6379a98e80cedb', '0x9999999999999999999999999999999999999999', 'in', 'Crypto Deposit', 'GNO', 0.3, 33)
