-- model: pub_gnosis_app_users
-- grain: one row per GA user with an event of a funnel step kind in the published window, numbered for publishing
-- inputs: int_execution_gnosis_app_user_events_unified, mta_funnels
-- materialized: table
-- engine: MergeTree
-- order_by: user_id
--
-- The dense surrogate user ids of funnel_events_ga and funnel_daily_ga (docs/extracts.md): the
-- users with at least one event of a seed funnel's step kind dated in [as_of - 180 days, as_of).
-- Ids follow the pseudonym order, which carries no information outside ClickHouse.
WITH step_kinds AS
(
    SELECT DISTINCT toString(k) AS kind
    FROM mta_funnels
    ARRAY JOIN [step_1_event_kind, step_2_event_kind, step_3_event_kind] AS k
    WHERE k != ''
)
SELECT
    toUInt32(row_number() OVER (ORDER BY user_pseudonym) - 1) AS user_id,
    toUInt64(user_pseudonym) AS user_pseudonym
FROM
(
    SELECT DISTINCT user_pseudonym
    FROM int_execution_gnosis_app_user_events_unified
    WHERE event_date >= toDate32({as_of:Date}) - 180
      AND event_date < {as_of:Date}
      AND toString(event_kind) IN (SELECT kind FROM step_kinds)
)
