-- The media columns of the spine in the weeks that matter (W1-W16, W49-W59, W104): the §7.6 series in
-- the lp fee column, the proposer spike, the 0-filled placeholders.
SELECT
    week,
    media_pools_lp_fee_apr_avg,
    media_validator_proposer_rewards_gno,
    media_ga_token_offer_emissions_usd,
    media_validator_apr_proxy
FROM fct_execution_mmm_spine_weekly
WHERE week <= '2024-10-14' OR week BETWEEN '2025-06-02' AND '2025-08-11' OR week >= '2026-06-22'
ORDER BY week
