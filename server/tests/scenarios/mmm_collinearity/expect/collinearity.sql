-- Every pair of the collinearity mart (computed_at omitted): 7 media columns with values -> C(7,2) = 21.
SELECT col_a, col_b, pearson_corr, n_weeks, is_high_collinearity, status
FROM fct_execution_mmm_collinearity_latest
ORDER BY col_a, col_b
