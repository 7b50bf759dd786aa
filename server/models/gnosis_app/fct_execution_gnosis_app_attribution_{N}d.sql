-- model: fct_execution_gnosis_app_attribution_{N}d
-- grain: one row per (conversion_kind, event_kind) present in some {N}-day journey of a conversion dated in the last 180 days
-- inputs: fct_execution_gnosis_app_journeys_{N}d, int_execution_gnosis_app_conversions
-- materialized: table
-- engine: MergeTree
-- order_by: (conversion_kind, event_kind)
-- settings: join_algorithm = 'grace_hash', grace_hash_join_initial_buckets = 64, join_use_nulls = 0
WITH
    -- Spec §3.4 (build_attribution_lookback(N, 'gnosis_app'), algorithm v3), §5.9, §8.1.
    -- j: journey rows dated in [as_of - 180 days, as_of) (as_of replaces today(); the lower bound is
    -- inclusive, computed in Date32 and clamped at 1970-01-01 so it cannot wrap; the upper bound is a
    -- no-op for conversions built at the same as_of, and makes the mart a function of as_of alone).
    -- p: per conversion key (user, kind, ts) the earliest first touch, the latest last touch, the number
    -- of event kinds tied at each, n_total and td_total (the key's few td_sum values added in sorted
    -- order: order-independent). Credits per journey row: first 1/n_kinds_at_first on the earliest second
    -- (ties split equally across event kinds, no tie-break by dedup key), last likewise, linear
    -- n_touches / n_total, time decay td_sum / td_total. The divisors are never 0 (every journey row has
    -- n_touches >= 1 and td_sum > 0), so there is no nullIf and the credits are Float64.
    -- t: total_conversions = conversion ROWS per kind in the same window (untracked ones included).
    -- The credit sums per group are exact: each credit is taken to 24 decimals (Decimal128(24), an error
    -- below 1e-24 per term) and the decimals are added exactly, then converted back to Float64. So a
    -- group's sum is the same bits whatever the row order or thread split (a month-by-month build equals
    -- a full build, byte for byte), and within a few ulps of the exact sum (upstream: a plain float sum).
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
          AND conversion_date < {as_of:Date}
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
            arraySum(arraySort(groupArray(td_sum)))                       AS td_total
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
          AND conversion_date < {as_of:Date}
        GROUP BY conversion_kind
    )
SELECT
    CAST(s.conversion_kind AS LowCardinality(String))               AS conversion_kind,
    CAST(s.event_kind AS LowCardinality(String))                    AS event_kind,
    toUInt64(uniqExact(s.user_pseudonym, s.conversion_ts))          AS conversions_with_touch,
    toFloat64(sum(toDecimal128(s.first_touch_credit, 24)))          AS first_touch,
    toFloat64(sum(toDecimal128(s.last_touch_credit, 24)))           AS last_touch,
    toFloat64(sum(toDecimal128(s.linear_credit, 24)))               AS linear,
    toFloat64(sum(toDecimal128(s.time_decay_credit, 24)))           AS time_decay_hl_7d,
    toUInt64(any(t.total_conversions))                              AS total_conversions,
    toDateTime({built_at:DateTime}, 'UTC')                          AS computed_at
FROM scored AS s
LEFT JOIN t ON t.conversion_kind = s.conversion_kind
GROUP BY s.conversion_kind, s.event_kind
