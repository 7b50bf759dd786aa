-- extract: conversions_ga
-- kind: conversions
-- sector: ga
-- check: conversions
-- order_by: conversion_id
-- One row per GA conversion key in the 180-day window, tracked or not (docs/extracts.md).
SELECT
    conversion_id,
    conversion_kind,
    conversion_ts,
    conversion_date,
    conversion_amount_usd,
    source_rows
FROM pub_gnosis_app_conversions
