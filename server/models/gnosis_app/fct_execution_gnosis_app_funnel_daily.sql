-- model: fct_execution_gnosis_app_funnel_daily
-- grain: one row per (date, funnel_name, user_pseudonym): a user's UTC day with at least one event of one of the funnel's step kinds
-- inputs: int_execution_gnosis_app_user_events_unified, mta_funnels
-- materialized: incremental
-- engine: ReplacingMergeTree
-- order_by: (date, funnel_name, user_pseudonym)
-- partition_date: date
WITH
    -- Spec §5.8, §2.4, DESIGN §4.4 (the daily mart keeps upstream semantics: per user per UTC day, level-0
    -- rows kept). Events: event_date < as_of (upstream: < today()) in [batch_start, batch_end], of a step
    -- kind of some funnel of the seed mta_funnels; step 3 is absent when NULL or ''.
    -- level reproduces windowFunnel(window_seconds)(ts, kind = step1, kind = step2[, kind = step3]) in the
    -- default mode exactly (ClickHouse 26.x getEventLevel): the (ts, step) entries of the group, one per
    -- matched step, sorted by (ts, step index); a step-1 entry (re)starts the chain at ts; a step-k entry
    -- (k > 1) advances to level k when level k-1 is reached and ts <= start(k-1) + window (inclusive),
    -- carrying that chain's start; the result is the highest level reached. AS-BUILT difference: upstream
    -- expands the seed at compile time into one windowFunnel block per funnel (its window must be a
    -- literal); here the seed is joined at run time (a constant array of funnels) and the same algorithm
    -- runs as an arrayFold with the window as a value, so a funnel added to the seed needs no SQL change.
    funnels AS
    (
        SELECT
            toString(funnel_name)                                                   AS funnel_name,
            toInt64(window_seconds)                                                 AS window_s,
            if(coalesce(toString(step_3_event_kind), '') = '',
               [toString(step_1_event_kind), toString(step_2_event_kind)],
               [toString(step_1_event_kind), toString(step_2_event_kind), coalesce(toString(step_3_event_kind), '')]) AS steps
        FROM mta_funnels
    ),
    step_events AS
    (
        SELECT
            e.event_date                 AS event_date,
            e.user_pseudonym             AS user_pseudonym,
            e.event_ts                   AS event_ts,
            toString(e.event_kind)       AS event_kind
        FROM int_execution_gnosis_app_user_events_unified AS e
        WHERE e.event_date < {as_of:Date}
          AND e.event_date >= {batch_start:Date}
          AND e.event_date <= {batch_end:Date}
          AND toString(e.event_kind) IN (SELECT arrayJoin(steps) FROM funnels)
    ),
    matched AS
    (
        SELECT
            s.event_date                                                      AS event_date,
            s.user_pseudonym                                                  AS user_pseudonym,
            s.event_ts                                                        AS event_ts,
            f.1                                                               AS funnel_name,
            f.2                                                               AS window_s,
            length(f.3)                                                       AS n_steps,
            arrayMap(i -> (toInt64(toUnixTimestamp(s.event_ts)), toInt64(i)),
                     arrayFilter(i -> (f.3)[i] = s.event_kind, arrayEnumerate(f.3)))  AS entries
        FROM step_events AS s
        ARRAY JOIN arrayFilter(x -> has(x.3, s.event_kind),
                               (SELECT groupArray((funnel_name, window_s, steps)) FROM funnels)) AS f
    )
SELECT
    toDate(event_date)                                              AS date,
    CAST(funnel_name AS LowCardinality(String))                     AS funnel_name,
    toUInt64(user_pseudonym)                                        AS user_pseudonym,
    toUInt8(arrayCount(v -> v >= 0,
        arrayFold(
            (acc, x) -> if(x.2 = 1,
                           arrayMap((v, k) -> if(k = 1, x.1, v), acc, arrayEnumerate(acc)),
                           if(acc[x.2 - 1] >= 0 AND x.1 <= acc[x.2 - 1] + window_s,
                              arrayMap((v, k) -> if(k = x.2, acc[x.2 - 1], v), acc, arrayEnumerate(acc)),
                              acc)),
            arraySort(arrayFlatten(groupArray(entries))),
            arrayWithConstant(n_steps, toInt64(-1)))))              AS level,
    toDateTime(min(event_ts), 'UTC')                                AS first_event_ts,
    toDateTime(max(event_ts), 'UTC')                                AS last_event_ts
FROM matched
GROUP BY event_date, funnel_name, user_pseudonym, window_s, n_steps
