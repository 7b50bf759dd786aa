-- The 8 registry media in the week 2025-06-02: proposer rewards 0.25; lp fee NULL (its only row has TVL 0);
-- no aggregator: sum media 0, validator_apr_proxy (weighted_avg) NULL.
SELECT week, media_name, media_value, media_value_method, media_units, is_outlay, provenance_model
FROM int_execution_mmm_media_weekly
WHERE week = '2025-06-02'
ORDER BY media_name
