-- extract: coverage_daily_ga
-- kind: coverage_daily
-- sector: ga
-- check: table
-- order_by: conversion_date, conversion_kind
-- min_cell: total_users
-- The GA coverage mart (spec §5.6) over the 180-day window: which share of conversions and users
-- have any qualifying touch. Rows describing fewer than --min-cell users are suppressed.
SELECT *
FROM int_execution_gnosis_app_coverage_daily
WHERE conversion_date >= toDate32({as_of:Date}) - 180
