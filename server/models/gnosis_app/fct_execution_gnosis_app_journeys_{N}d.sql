-- model: fct_execution_gnosis_app_journeys_{N}d
-- grain: one row per conversion key (user_pseudonym, conversion_kind, conversion_ts) x distinct event_kind of its qualifying touches in the {N}-day lookback
-- inputs: int_execution_gnosis_app_conversions, int_execution_gnosis_app_user_events_unified, mta_conversion_to_event_kind
-- materialized: incremental
-- engine: ReplacingMergeTree
-- order_by: (conversion_date, conversion_kind, user_pseudonym, conversion_ts, event_kind)
-- partition_date: conversion_date
-- settings: join_algorithm = 'hash', join_use_nulls = 0
WITH
    -- Spec §3.3 (build_journey_lookback(N, 'gnosis_app')), §5.7, §8.1.
    -- conv: the conversion KEYS (user, kind, conversion_ts) dated in [batch_start, batch_end]; source_rows
    -- counts the conversion rows merged into a key (two topups in one transaction). Each row joins the same
    -- touches, so upstream multiplies n_touches and td_sum by that number (C4): kept, as
    -- source_rows * (per-key values). The key's amount and token come from its row with the smallest
    -- conversion_dedup_key among those with a value (upstream: any(), which also skips NULLs), so they are
    -- deterministic and equal to the published conversions extract's. mapped_event_kind comes from the
    -- seed mta_conversion_to_event_kind (LEFT JOIN; no match gives '' under join_use_nulls = 0, NULL
    -- under 1: both become 'unknown', which excludes nothing). Upstream hard-codes the mapping (§3.2).
    -- events: the touches of the batch's converting users from batch_start - N days (computed in Date32
    -- and clamped at 1970-01-01, so a full build's batch start cannot wrap) to batch_end. DESIGN §4.1 /
    -- spec C1: upstream's incremental window starts at toStartOfMonth(max(conversion_date) - (N-1) days)
    -- and truncates lookbacks that cross a month boundary; here every conversion of the batch sees its
    -- full N-day lookback.
    -- A pair qualifies when: same user; event_ts < conversion_ts (strict); event_ts >= conversion_ts -
    -- N*86400 s (inclusive); event_kind <> mapped kind. lag_days = conversion_date - toDate(event_ts)
    -- (calendar days, UTC, 0..N). td_sum = sum over touches of exp(-lag_days / 7.0): the e-folding
    -- constant stays 7 days for every N (DESIGN §4.3; column time_decay_hl_7d downstream). It is added
    -- as sum over distinct lags, in lag order, of (touches at that lag) * exp(-lag / 7.0): the same value
    -- as upstream's sum up to rounding, and bit for bit the same whatever order the join delivers the
    -- touches in, so a month-by-month build equals a full build.
    -- The join also matches a day bucket: a conversion in bucket intDiv(day, N) meets the touches of its
    -- own and the previous bucket (each touch is offered under its bucket and the next one), which holds
    -- every touch of the last N days exactly once. Same pairs as a join on the user alone, but a
    -- conversion meets about 2N days of its user's touches instead of the whole batch.
    conv_keys AS
    (
        SELECT
            user_pseudonym,
            toString(conversion_kind)                                                             AS kind,
            conversion_ts,
            min(conversion_date)                                                                  AS conv_date,
            count()                                                                               AS source_rows,
            argMin(conversion_amount_usd, (isNull(conversion_amount_usd), conversion_dedup_key))  AS amount_usd,
            argMin(conversion_token, (isNull(conversion_token), conversion_dedup_key))            AS token
        FROM int_execution_gnosis_app_conversions
        WHERE conversion_date >= {batch_start:Date}
          AND conversion_date <= {batch_end:Date}
        GROUP BY user_pseudonym, kind, conversion_ts
    ),
    conv AS
    (
        SELECT
            k.user_pseudonym                                              AS user_pseudonym,
            k.kind                                                        AS kind,
            k.conversion_ts                                               AS conversion_ts,
            k.conv_date                                                   AS conv_date,
            k.source_rows                                                 AS source_rows,
            k.amount_usd                                                  AS amount_usd,
            k.token                                                       AS token,
            coalesce(nullIf(toString(m.event_kind), ''), 'unknown')       AS mapped_event_kind
        FROM conv_keys AS k
        LEFT JOIN mta_conversion_to_event_kind AS m
            ON toString(m.conversion_kind) = k.kind
    ),
    touch_days AS
    (
        SELECT
            e.user_pseudonym            AS user_pseudonym,
            toString(e.event_kind)      AS event_kind,
            toString(e.event_source)    AS event_source,
            toDate(e.event_ts)          AS touch_date,
            count()                     AS n,
            min(e.event_ts)             AS first_ts,
            max(e.event_ts)             AS last_ts,
            arraySort(groupArray(e.event_ts)) AS ts_list
        FROM int_execution_gnosis_app_user_events_unified AS e
        WHERE e.event_date >= toDate(greatest(toDate32({batch_start:Date}) - {N}, toDate32('1970-01-01')))
          AND e.event_date <= {batch_end:Date}
          AND e.user_pseudonym IN
          (
              SELECT user_pseudonym
              FROM int_execution_gnosis_app_conversions
              WHERE conversion_date >= {batch_start:Date}
                AND conversion_date <= {batch_end:Date}
          )
        GROUP BY e.user_pseudonym, event_kind, event_source, touch_date
    ),
    events AS
    (
        SELECT
            user_pseudonym, event_kind, event_source, touch_date, n, first_ts, last_ts, ts_list,
            intDiv(toRelativeDayNum(touch_date), {N}) + shift   AS day_bucket
        FROM touch_days
        ARRAY JOIN [0, 1] AS shift
    ),
    pairs AS
    (
        SELECT
            c.user_pseudonym                                      AS user_pseudonym,
            c.kind                                                AS kind,
            c.conversion_ts                                       AS conversion_ts,
            c.conv_date                                           AS conv_date,
            c.source_rows                                         AS source_rows,
            c.amount_usd                                          AS amount_usd,
            c.token                                               AS token,
            e.event_kind                                          AS event_kind,
            e.event_source                                        AS event_source,
            dateDiff('day', e.touch_date, c.conv_date)            AS lag_days,
            (e.first_ts >= c.conversion_ts - INTERVAL {N} DAY AND e.last_ts < c.conversion_ts) AS whole_day,
            if(whole_day, [], arrayFilter(t -> t < c.conversion_ts AND t >= c.conversion_ts - INTERVAL {N} DAY, e.ts_list)) AS part,
            if(whole_day, e.n, length(part))                      AS n_q,
            if(whole_day, e.first_ts, part[1])                    AS first_q,
            if(whole_day, e.last_ts, part[-1])                    AS last_q
        FROM conv AS c
        INNER JOIN events AS e
            ON e.user_pseudonym = c.user_pseudonym
           AND e.day_bucket = intDiv(toRelativeDayNum(c.conv_date), {N})
        WHERE e.last_ts >= c.conversion_ts - INTERVAL {N} DAY
          AND e.first_ts < c.conversion_ts
          AND e.event_kind != c.mapped_event_kind
    ),
    by_lag AS
    (
        SELECT
            user_pseudonym,
            kind,
            conversion_ts,
            event_kind,
            lag_days,
            any(conv_date)                                        AS conv_date,
            any(source_rows)                                      AS source_rows,
            any(amount_usd)                                       AS amount_usd,
            any(token)                                            AS token,
            min(event_source)                                     AS event_source,
            sum(n_q)                                              AS touches,
            min(first_q)                                          AS first_ts,
            max(last_q)                                           AS last_ts
        FROM pairs
        WHERE n_q > 0
        GROUP BY user_pseudonym, kind, conversion_ts, event_kind, lag_days
    )
SELECT
    toUInt64(user_pseudonym)                                                          AS user_pseudonym,
    CAST(kind AS LowCardinality(String))                                              AS conversion_kind,
    toDateTime(conversion_ts, 'UTC')                                                  AS conversion_ts,
    toDate(any(conv_date))                                                            AS conversion_date,
    CAST(any(amount_usd) AS Nullable(Float64))                                        AS conversion_amount_usd,
    CAST(any(token) AS Nullable(String))                                              AS conversion_token,
    CAST(min(event_source) AS LowCardinality(String))                                 AS event_source,
    CAST(event_kind AS LowCardinality(String))                                        AS event_kind,
    toUInt64(any(source_rows) * sum(touches))                                         AS n_touches,
    toDateTime(min(first_ts), 'UTC')                                                  AS first_touch_ts,
    toDateTime(max(last_ts), 'UTC')                                                   AS last_touch_ts,
    toFloat64(any(source_rows) * arraySum(arrayMap(x -> x.2 * exp(-x.1 / 7.0),
                                                   arraySort(groupArray((toInt64(lag_days), toUInt64(touches)))))))
                                                                                      AS td_sum
FROM by_lag
GROUP BY user_pseudonym, kind, conversion_ts, event_kind
