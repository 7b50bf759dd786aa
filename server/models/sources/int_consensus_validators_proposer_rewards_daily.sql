-- source: int_consensus_validators_proposer_rewards_daily
-- grain: one row per (date, validator_index): block proposer rewards in GNO
-- spec: §13.3; read by int_execution_mmm_media_weekly (§7.3: validator_proposer_rewards_gno)
-- columns: the §13.3 columns plus the grain column validator_index (not read by the models); date is a
--   DateTime64 at the start of the UTC day
CREATE TABLE IF NOT EXISTS int_consensus_validators_proposer_rewards_daily
(
    date DateTime64(0, 'UTC'),
    validator_index UInt64,
    proposer_reward_total_gno Float64
)
ENGINE = MergeTree
ORDER BY (date, validator_index)
