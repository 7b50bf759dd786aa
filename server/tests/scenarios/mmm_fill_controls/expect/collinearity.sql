-- Media non-NULL in some week: proposer rewards (0.25 once, 0 otherwise) and the 5 zero-filled sum media;
-- lp fee and validator_apr_proxy are NULL in every week and pair with nothing. C(6,2) = 15 pairs, each with
-- a constant-zero side: NULL correlation and flag, status insufficient_variance, over the 104 weeks from
-- 2024-03-04 (the first spine week, 2024-02-26, is before as_of - 730 d).
SELECT status, count() AS n_pairs, countIf(pearson_corr IS NULL), countIf(is_high_collinearity IS NULL), min(n_weeks), max(n_weeks)
FROM fct_execution_mmm_collinearity_latest
GROUP BY status
ORDER BY status
