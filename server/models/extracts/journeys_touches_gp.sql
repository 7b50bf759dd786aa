-- extract: journeys_touches_gp
-- kind: journeys_touches
-- sector: gp
-- check: touches
-- max_lookback: true
-- order_by: conversion_id, touch_offset_s, event_kind
-- As journeys_touches_ga, for Gnosis Pay: touches match on (user_pseudonym, identity_role).
WITH
    conv AS
    (
        SELECT conversion_id, user_pseudonym, toString(identity_role) AS identity_role, conversion_ts,
               conversion_date, toString(mapped_event_kind) AS mapped
        FROM pub_gpay_conversions
    ),
    events AS
    (
        SELECT user_pseudonym, toString(identity_role) AS identity_role, event_ts,
               toString(event_kind) AS event_kind, toString(event_source) AS event_source
        FROM int_execution_gpay_user_events_unified
        WHERE event_date >= (SELECT toDate32(min(conversion_date)) FROM conv) - {max_lookback:UInt32}
          AND user_pseudonym IN (SELECT user_pseudonym FROM conv)
    )
SELECT
    c.conversion_id AS conversion_id,
    e.event_kind AS event_kind,
    e.event_source AS event_source,
    toUInt32(dateDiff('second', e.event_ts, c.conversion_ts)) AS touch_offset_s,
    toUInt16(dateDiff('day', toDate(e.event_ts), c.conversion_date)) AS lag_days
FROM events AS e
INNER JOIN conv AS c ON c.user_pseudonym = e.user_pseudonym AND c.identity_role = e.identity_role
WHERE e.event_ts < c.conversion_ts
  AND e.event_ts >= c.conversion_ts - toIntervalDay({max_lookback:UInt32})
  AND e.event_kind != c.mapped
