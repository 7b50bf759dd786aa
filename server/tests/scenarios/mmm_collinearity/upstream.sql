-- x: proposer rewards (the 100 of 2024-06-25 falls in the first spine week, outside the 730-day window)
INSERT INTO int_consensus_validators_proposer_rewards_daily (date, proposer_reward_total_gno) VALUES
    ('2024-06-25 00:00:00', 100),
    ('2024-10-07 00:00:00', 1.5),
    ('2024-10-13 00:00:00', 0.5),
    ('2025-05-05 00:00:00', 2)
;
-- y: token-offer emissions, USD received per claim: 1 + 2 = 3 in P1 (2024-09-02), 1 in P3 (2025-02-03).
-- The claimers are not Gnosis App users of this scenario (no users_current row).
INSERT INTO int_execution_gnosis_app_token_offer_claims (ga_user, block_timestamp, transaction_hash, log_index, amount_received_usd, offer_token_symbol) VALUES
    ('0x00000000000000000000000000000000000000e1', '2024-09-03 10:00:00', '0x01', 0, 1, 'GNO'),
    ('0x00000000000000000000000000000000000000e2', '2024-09-04 11:00:00', '0x02', 3, 2, 'GNO'),
    ('0x00000000000000000000000000000000000000e1', '2025-02-05 12:00:00', '0x03', 1, 1, NULL)
;
-- z: lp fee APR, 1 in P2 (2024-10-07), 0 in the 9 weeks from 2025-07-07, no row (NULL) elsewhere
INSERT INTO int_execution_pools_metrics_daily (date, fee_apr_7d, tvl_usd) VALUES
    ('2024-10-08', 1, 100)
;
INSERT INTO int_execution_pools_metrics_daily (date, fee_apr_7d, tvl_usd)
SELECT toDate('2025-07-07') + 7 * number, 0, 100 FROM numbers(9)
;
