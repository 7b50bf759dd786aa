-- extract: mmm_collinearity
-- kind: mmm_collinearity
-- sector: mmm
-- check: table
-- order_by: col_a, col_b
-- The media collinearity mart (spec §7.7, with the status column of DESIGN §4.9), without computed_at.
SELECT * EXCEPT (computed_at)
FROM fct_execution_mmm_collinearity_latest
