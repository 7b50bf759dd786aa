-- The three varying media columns in the weeks where any of them is not 0 (z's NULL weeks omitted).
SELECT week, media_validator_proposer_rewards_gno, media_ga_token_offer_emissions_usd, media_pools_lp_fee_apr_avg
FROM fct_execution_mmm_spine_weekly
WHERE media_validator_proposer_rewards_gno != 0 OR media_ga_token_offer_emissions_usd != 0 OR media_pools_lp_fee_apr_avg IS NOT NULL
ORDER BY week
