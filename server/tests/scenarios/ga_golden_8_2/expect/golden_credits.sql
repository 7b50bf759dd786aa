-- Spec §8.2 "Attribution, 30d" and "Attribution, 7d, topup rows only", to 6 decimals, computed with the §3.4
-- rules from the built journey marts for the three golden conversions only (the marts also count the three
-- conversions the upstream rows imply: see attribution.sql). total_conversions counts the golden conversion
-- rows: topup 2 (101 tracked, 303 untracked), swap_filled 1. Expected rows copied from the spec tables.
WITH
    j AS
    (
        SELECT lookback, user_pseudonym, toString(conversion_kind) AS kind, conversion_ts, toString(event_kind) AS ek,
               n_touches, first_touch_ts, last_touch_ts, td_sum
        FROM
        (
            SELECT 30 AS lookback, * FROM fct_execution_gnosis_app_journeys_30d
            UNION ALL SELECT 7, * FROM fct_execution_gnosis_app_journeys_7d
        )
        WHERE (toString(conversion_kind), conversion_ts) IN (('topup', toDateTime('2026-03-10 12:00:00', 'UTC')),
       ('swap_filled', toDateTime('2026-03-12 00:00:00', 'UTC')),
       ('topup', toDateTime('2026-03-11 00:00:00', 'UTC')))
    ),
    p AS
    (
        SELECT lookback, user_pseudonym, kind, conversion_ts,
               min(first_touch_ts) AS f, max(last_touch_ts) AS l,
               arrayCount(x -> x = f, groupArray(first_touch_ts)) AS nf,
               arrayCount(x -> x = l, groupArray(last_touch_ts)) AS nl,
               sum(n_touches) AS n, sum(td_sum) AS td
        FROM j
        GROUP BY lookback, user_pseudonym, kind, conversion_ts
    ),
    t AS
    (
        SELECT toString(conversion_kind) AS kind, count() AS total
        FROM int_execution_gnosis_app_conversions
        WHERE (toString(conversion_kind), conversion_ts) IN (('topup', toDateTime('2026-03-10 12:00:00', 'UTC')),
       ('swap_filled', toDateTime('2026-03-12 00:00:00', 'UTC')),
       ('topup', toDateTime('2026-03-11 00:00:00', 'UTC')))
        GROUP BY kind
    )
SELECT j.lookback, j.kind, j.ek, uniqExact(j.user_pseudonym, j.conversion_ts) AS conversions_with_touch,
       round(sum(if(j.first_touch_ts = p.f, 1 / p.nf, 0)), 6) AS first_touch,
       round(sum(if(j.last_touch_ts = p.l, 1 / p.nl, 0)), 6) AS last_touch,
       round(sum(j.n_touches / p.n), 6) AS linear,
       round(sum(j.td_sum / p.td), 6) AS time_decay_hl_7d,
       any(t.total) AS total_conversions
FROM j
INNER JOIN p ON p.lookback = j.lookback AND p.user_pseudonym = j.user_pseudonym AND p.kind = j.kind AND p.conversion_ts = j.conversion_ts
LEFT JOIN t ON t.kind = j.kind
WHERE j.lookback = 30 OR j.kind = 'topup'
GROUP BY j.lookback, j.kind, j.ek
ORDER BY j.lookback DESC, j.kind, j.ek
