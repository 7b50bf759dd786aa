-- extract: coverage_daily_gp
-- kind: coverage_daily
-- sector: gp
-- check: table
-- order_by: conversion_date, conversion_kind, identity_role
-- min_cell: total_users
-- The GP coverage mart (spec §6.4) over the 180-day window.
SELECT *
FROM int_execution_gpay_coverage_daily
WHERE conversion_date >= toDate32({as_of:Date}) - 180
