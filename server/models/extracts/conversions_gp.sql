-- extract: conversions_gp
-- kind: conversions
-- sector: gp
-- check: conversions
-- order_by: conversion_id
-- One row per GP conversion key in the 180-day window, tracked or not; delegate and
-- migrated_old_safe excluded (docs/extracts.md).
SELECT
    conversion_id,
    conversion_kind,
    identity_role,
    conversion_ts,
    conversion_date,
    conversion_amount_usd,
    source_rows
FROM pub_gpay_conversions
