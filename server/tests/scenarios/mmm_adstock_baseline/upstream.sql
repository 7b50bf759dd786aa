-- pools_lp_fee_apr_avg (TVL-weighted mean of fee_apr_7d over pool-days with a fee APR and TVL > 0)
-- W1: (6*100 + 9*200) / 300 = 8; W2: no qualifying row (NULL fee, zero TVL) -> NULL; W3: (3*300 + 7*100) / 400 = 4;
-- W4, W5: no row -> NULL; W6: 1; W7-W14: 0; W15-W104: 16. The rows of 2024-06-30 (week 2024-06-24) and
-- 2026-06-29 lie outside the spine and are never read.
INSERT INTO int_execution_pools_metrics_daily (date, fee_apr_7d, tvl_usd) VALUES
    ('2024-06-30', 1000, 1),
    ('2024-07-01', 6, 100),
    ('2024-07-03', 9, 200),
    ('2024-07-08', NULL, 500),
    ('2024-07-09', 50, 0),
    ('2024-07-15', 3, 300),
    ('2024-07-17', 7, 100),
    ('2024-08-05', 1, 1000),
    ('2026-06-29', 999, 100)
;
INSERT INTO int_execution_pools_metrics_daily (date, fee_apr_7d, tvl_usd)
SELECT toDate('2024-08-12') + 7 * number, 0, 100 FROM numbers(8)
;
INSERT INTO int_execution_pools_metrics_daily (date, fee_apr_7d, tvl_usd)
SELECT toDate('2024-10-07') + 7 * number, 16, 100 FROM numbers(90)
;
-- validator_proposer_rewards_gno: 10 + 6 = 16 in W50 (2025-06-09 .. 2025-06-15), 0 elsewhere
INSERT INTO int_consensus_validators_proposer_rewards_daily (date, proposer_reward_total_gno) VALUES
    ('2025-06-09 00:00:00', 10),
    ('2025-06-15 00:00:00', 6)
;
-- dex_volume_usd_dedup = k in week k (one row on the Wednesday of every spine week)
INSERT INTO fct_execution_trades_by_protocol_daily (date, volume_usd)
SELECT toDate('2024-07-03') + 7 * number, number + 1 FROM numbers(104)
;
-- pools_tvl_usd = 1000k on the Sunday of weeks W1-W6 and W30-W40 (one pool, one token row, no volume)
INSERT INTO fct_execution_pools_daily (date, protocol, pool_address, token_address, tvl_usd, volume_usd_daily)
SELECT toDate('2024-07-07') + 7 * (k - 1), 'uniswap_v3', '0xpool', '0xtoken', 1000 * k, 0
FROM (SELECT arrayJoin([1, 2, 3, 4, 5, 6, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40]) AS k)
;
-- ga_active_users = k in W1-W5 and W30-W40: a Monday row (999) and a Sunday row (k); 'last' takes Sunday's.
INSERT INTO fct_execution_gnosis_app_users_daily (date, active_users, new_users)
SELECT toDate('2024-07-01') + 7 * (k - 1) + d, if(d = 0, 999, k), 0
FROM (SELECT arrayJoin([1, 2, 3, 4, 5, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40]) AS k)
ARRAY JOIN [0, 6] AS d
;
