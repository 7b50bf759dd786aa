-- model: fct_execution_gnosis_app_attribution_{N}d
-- grain: one row per (conversion_kind, event_kind) present in some {N}-day journey of a conversion dated in the last 180 days
-- inputs: fct_execution_gnosis_app_journeys_{N}d, int_execution_gnosis_app_conversions
-- materialized: table
-- engine: MergeTree
-- order_by: (conversion_kind, event_kind)
-- settings: join_algorithm = 'grace_hash', grace_hash_join_initial_buckets = 64, join_use_nulls = 0
WITH
    -- Spec §3.4 (build_attribution_lookback(N, 'gnosis_app'), algorithm v3), §5.9, §8.1.
    -- j: journey rows with conversion_date >= as_of - 180 days (inclusive; as_of replaces today(); computed
    -- in Date32 and clamped at 1970-01-01, so it cannot wrap). p: per conversion key (user, kind, ts) the
    -- earliest first touch, the latest last touch, the number of event kinds tied at each, n_total and
    -- td_total. Credits per journey row: first 1/n_kinds_at_first on the earliest second (ties split
    -- equally across event kinds), last likewise, linear n_touches / n_total, time decay td_sum / td_total.
    -- The divisors are never 0 (every journey row has n_touches >= 1 and td_sum > 0), so there is no
    -- nullIf and the credits are Float64.
    -- t: total_conversions = conversion ROWS per kind in the same 180-day window (untracked ones included).
    -- Sums are compensated (sumKahan): equal to upstream's sum up to rounding, and independent of row order
    -- at the 1e-9 level whatever the table size.
    j AS
    (
        SELECT
            user_pseudonym,
            toString(conversion_kind)   AS conversion_kind,
            conversion_ts,
            toString(event_kind)        AS event_kind,
            n_touches,
            first_touch_ts,
            last_touch_ts,
            td_sum
        FROM fct_execution_gnosis_app_journeys_{N}d
        WHERE conversion_date >= toDate(greatest(toDate32({as_of:Date}) - 180, toDate32('1970-01-01')))
    ),
    p AS
    (
        SELECT
            user_pseudonym,
            conversion_kind,
            conversion_ts,
            min(first_touch_ts)                                           AS first_ts_overall,
            max(last_touch_ts)                                            AS last_ts_overall,
            arrayCount(x -> x = first_ts_overall, groupArray(first_touch_ts)) AS n_kinds_at_first,
            arrayCount(x -> x = last_ts_overall, groupArray(last_touch_ts))   AS n_kinds_at_last,
            sum(n_touches)                                                AS n_total,
            sumKahan(td_sum)                                              AS td_total
        FROM j
        GROUP BY user_pseudonym, conversion_kind, conversion_ts
    ),
    scored AS
    (
        SELECT
            j.conversion_kind                                                           AS conversion_kind,
            j.event_kind                                                                AS event_kind,
            j.user_pseudonym                                                            AS user_pseudonym,
            j.conversion_ts                                                             AS conversion_ts,
            if(j.first_touch_ts = p.first_ts_overall, 1.0 / p.n_kinds_at_first, 0.0)   AS first_touch_credit,
            if(j.last_touch_ts = p.last_ts_overall, 1.0 / p.n_kinds_at_last, 0.0)      AS last_touch_credit,
            j.n_touches / p.n_total                                                     AS linear_credit,
            j.td_sum / p.td_total                                                       AS time_decay_credit
        FROM j
        INNER JOIN p
            ON  p.user_pseudonym = j.user_pseudonym
            AND p.conversion_kind = j.conversion_kind
            AND p.conversion_ts = j.conversion_ts
    ),
    t AS
    (
        SELECT
            toString(conversion_kind)   AS conversion_kind,
            count()                     AS total_conversions
        FROM int_execution_gnosis_app_conversions
        WHERE conversion_date >= toDate(greatest(toDate32({as_of:Date}) - 180, toDate32('1970-01-01')))
        GROUP BY conversion_kind
    )
SELECT
    CAST(s.conversion_kind AS LowCardinality(String))               AS conversion_kind,
    CAST(s.event_kind AS LowCardinality(String))                    AS event_kind,
    toUInt64(uniqExact(s.user_pseudonym, s.conversion_ts))          AS conversions_with_touch,
    toFloat64(sumKahan(s.first_touch_credit))                       AS first_touch,
    toFloat64(sumKahan(s.last_touch_credit))                        AS last_touch,
    toFloat64(sumKahan(s.linear_credit))                            AS linear,
    toFloat64(sumKahan(s.time_decay_credit))                        AS time_decay_hl_7d,
    toUInt64(any(t.total_conversions))                              AS total_conversions,
    toDateTime({built_at:DateTime}, 'UTC')                          AS computed_at
FROM scored AS s
LEFT JOIN t ON t.conversion_kind = s.conversion_kind
GROUP BY s.conversion_kind, s.event_kind
