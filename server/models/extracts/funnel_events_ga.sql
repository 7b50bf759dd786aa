-- extract: funnel_events_ga
-- kind: funnel_events
-- sector: ga
-- check: funnel_events
-- order_by: user_id, event_ts, event_kind
-- Every GA event of a seed funnel's step kind dated in [as_of - 180 days, as_of), per surrogate user
-- (docs/extracts.md): the browser evaluates any funnel of these kinds with any window and mode.
SELECT
    u.user_id AS user_id,
    e.event_ts AS event_ts,
    toString(e.event_kind) AS event_kind
FROM int_execution_gnosis_app_user_events_unified AS e
INNER JOIN pub_gnosis_app_users AS u ON u.user_pseudonym = e.user_pseudonym
WHERE e.event_date >= toDate32({as_of:Date}) - 180
  AND e.event_date < {as_of:Date}
  AND toString(e.event_kind) IN
  (
      SELECT DISTINCT toString(k) FROM mta_funnels
      ARRAY JOIN [step_1_event_kind, step_2_event_kind, step_3_event_kind] AS k
      WHERE k != ''
  )
