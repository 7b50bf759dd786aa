-- extract: funnel_daily_ga
-- kind: funnel_daily
-- sector: ga
-- check: table
-- order_by: date, funnel_name, user_id
-- The daily funnel mart (spec §5.8) over the published window, with the surrogate user_id in place
-- of user_pseudonym.
SELECT
    f.date AS date,
    f.funnel_name AS funnel_name,
    u.user_id AS user_id,
    f.level AS level,
    f.first_event_ts AS first_event_ts,
    f.last_event_ts AS last_event_ts
FROM fct_execution_gnosis_app_funnel_daily AS f
INNER JOIN pub_gnosis_app_users AS u ON u.user_pseudonym = f.user_pseudonym
WHERE f.date >= toDate32({as_of:Date}) - 180
  AND f.date < {as_of:Date}
