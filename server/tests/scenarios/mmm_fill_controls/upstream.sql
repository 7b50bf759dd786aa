-- Week 2025-06-02 (Mon) .. 2025-06-08 (Sun).
-- Pools: uniswap_v3/0xa (2 token rows), balancer/0xb (3 token rows) on Monday and Wednesday, and
-- sushiswap/0xa (a different pool with the same address) on Wednesday only. The TVL and volume repeat on
-- every token row of a pool-day.
--   total TVL: Mon 1000 + 250 = 1250, Wed 1200 + 300 + 500 = 2000 -> last day (Wed) -> 2000
--   volume: Mon 10 + 4, Wed 20 + 6 + 2 -> 42 (summing the token rows would give 92)
INSERT INTO fct_execution_pools_daily (date, protocol, pool_address, token_address, tvl_usd, volume_usd_daily) VALUES
    ('2025-06-02', 'uniswap_v3', '0xa', '0xt1', 1000, 10),
    ('2025-06-02', 'uniswap_v3', '0xa', '0xt2', 1000, 10),
    ('2025-06-02', 'balancer', '0xb', '0xt1', 250, 4),
    ('2025-06-02', 'balancer', '0xb', '0xt2', 250, 4),
    ('2025-06-02', 'balancer', '0xb', '0xt3', 250, 4),
    ('2025-06-04', 'uniswap_v3', '0xa', '0xt1', 1200, 20),
    ('2025-06-04', 'uniswap_v3', '0xa', '0xt2', 1200, 20),
    ('2025-06-04', 'balancer', '0xb', '0xt1', 300, 6),
    ('2025-06-04', 'balancer', '0xb', '0xt2', 300, 6),
    ('2025-06-04', 'balancer', '0xb', '0xt3', 300, 6),
    ('2025-06-04', 'sushiswap', '0xa', '0xt1', 500, 2)
;
-- dex_volume_usd_dedup: 100.5 + 200.25 = 300.75
INSERT INTO fct_execution_trades_by_protocol_daily (date, volume_usd) VALUES
    ('2025-06-03', 100.5),
    ('2025-06-08', 200.25)
;
-- ga_active_users: last day (Sat 70); ga_new_users: 5 + 7 = 12
INSERT INTO fct_execution_gnosis_app_users_daily (date, active_users, new_users) VALUES
    ('2025-06-02', 50, 5),
    ('2025-06-07', 70, 7)
;
-- gpay topups: week 2025-06-02 has a NULL volume (-> 0); week 2025-06-16 has a Monday row and a row
-- dated on its Wednesday, which belongs to the same Monday: count 3 + 1 = 4, volume 99.5 + 0.5 = 100
INSERT INTO fct_execution_gnosis_app_gpay_topups_weekly (week, n_topups, volume_usd) VALUES
    ('2025-06-02', 4, NULL),
    ('2025-06-16', 3, 99.5),
    ('2025-06-18', 1, 0.5)
;
-- Prices of the week: GNO 100, 102 -> 101; WETH/ETH 3000, 3300, 3600 -> 3300 (one value, not one per
-- symbol); WXDAI/EURE 1, 1, 1, 1.5 -> 1.125; USDC is not read.
INSERT INTO int_execution_token_prices_daily (date, symbol, price) VALUES
    ('2025-06-02', 'GNO', 100),
    ('2025-06-03', 'gno', 102),
    ('2025-06-02', 'WETH', 3000),
    ('2025-06-04', 'weth', 3300),
    ('2025-06-03', 'ETH', 3600),
    ('2025-06-02', 'WXDAI', 1),
    ('2025-06-03', 'wxdai', 1),
    ('2025-06-04', 'WXDAI', 1),
    ('2025-06-02', 'EURe', 1.5),
    ('2025-06-02', 'USDC', 1)
;
-- Gas: mean of the medians (10 + 20 + 3 + 7) / 4 = 10; chain_block_count = 100 + 50 + 25 + 5 = 180
INSERT INTO int_execution_transactions_info_daily (date, gas_price_median, n_txs) VALUES
    ('2025-06-02', 10, 100),
    ('2025-06-02', 20, 50),
    ('2025-06-03', 3, 25),
    ('2025-06-08', 7, 5)
;
-- Media of the week: proposer rewards 0.25; the only pool-metrics row has TVL 0 -> lp fee NULL
INSERT INTO int_consensus_validators_proposer_rewards_daily (date, proposer_reward_total_gno) VALUES
    ('2025-06-08 00:00:00', 0.25)
;
INSERT INTO int_execution_pools_metrics_daily (date, fee_apr_7d, tvl_usd) VALUES
    ('2025-06-03', 12, 0)
;
