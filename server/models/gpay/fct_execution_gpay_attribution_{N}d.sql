-- model: fct_execution_gpay_attribution_{N}d
-- grain: one row per (conversion_kind, identity_role, event_kind) present in the {N}-day journeys of the conversions dated in [as_of − 180 days, as_of)
-- inputs: fct_execution_gpay_journeys_{N}d, int_execution_gpay_conversions
-- materialized: table
-- engine: MergeTree
-- order_by: (conversion_kind, identity_role, event_kind)
-- settings: join_algorithm = 'grace_hash', grace_hash_join_initial_buckets = 64, join_use_nulls = 0
WITH
    -- Spec §3.4 ("v3": pre-aggregate per conversion, then join back), §6.6, §8.1; DESIGN §4.3, §4.19.
    -- Per conversion key (user_pseudonym, identity_role, conversion_kind, conversion_ts):
    --   first_touch       1 / #kinds tied at the earliest first_touch_ts, to each of them
    --   last_touch        1 / #kinds tied at the latest last_touch_ts, to each of them
    --   linear            n_touches / Σ n_touches
    --   time_decay_hl_7d  td_sum / Σ td_sum  (kernel exp(−lag_days / 7.0): 7 days is an e-folding time, the
    --                     true half-life is 7·ln 2 ≈ 4.85 days; the name is kept for parity, DESIGN §4.3)
    -- each summing to 1 over the key's event kinds, then summed per (conversion_kind, identity_role, event_kind).
    -- total_conversions counts conversion ROWS of the kind and role in the same window, without the roles
    -- the journeys exclude (delegate, migrated_old_safe: DESIGN §4.19; upstream counted them, §14.19).
    -- The window is conversion_date >= as_of − 180 days (upstream: 180 days before the build date) and
    -- < as_of (a no-op for conversions built at this as_of; it keeps the mart a function of as_of alone).
    journeys AS
    (
        SELECT
            user_pseudonym,
            CAST(identity_role AS String) AS identity_role,
            CAST(conversion_kind AS String) AS conversion_kind,
            conversion_ts,
            CAST(event_kind AS String) AS event_kind,
            n_touches,
            first_touch_ts,
            last_touch_ts,
            td_sum
        FROM fct_execution_gpay_journeys_{N}d
        WHERE conversion_date >= {as_of:Date} - 180
          AND conversion_date < {as_of:Date}
          AND identity_role NOT IN ('delegate', 'migrated_old_safe')
    ),
    per_conversion AS
    (
        SELECT
            user_pseudonym,
            identity_role,
            conversion_kind,
            conversion_ts,
            min(first_touch_ts) AS first_ts_overall,
            max(last_touch_ts) AS last_ts_overall,
            sum(n_touches) AS n_total,
            arraySum(arraySort(groupArray(td_sum))) AS td_total,  -- a few rows; sorted, so order-independent
            arrayCount(t -> t = first_ts_overall, groupArray(first_touch_ts)) AS n_kinds_at_first,
            arrayCount(t -> t = last_ts_overall, groupArray(last_touch_ts)) AS n_kinds_at_last
        FROM journeys
        GROUP BY user_pseudonym, identity_role, conversion_kind, conversion_ts
    ),
    scored AS
    (
        SELECT
            j.conversion_kind AS conversion_kind,
            j.identity_role AS identity_role,
            j.event_kind AS event_kind,
            j.user_pseudonym AS user_pseudonym,
            j.conversion_ts AS conversion_ts,
            if(j.first_touch_ts = p.first_ts_overall, 1.0 / nullIf(p.n_kinds_at_first, 0), 0.0) AS first_touch_credit,
            if(j.last_touch_ts = p.last_ts_overall, 1.0 / nullIf(p.n_kinds_at_last, 0), 0.0) AS last_touch_credit,
            j.n_touches / nullIf(p.n_total, 0) AS linear_credit,
            j.td_sum / nullIf(p.td_total, 0) AS time_decay_credit
        FROM journeys AS j
        INNER JOIN per_conversion AS p
            ON p.user_pseudonym = j.user_pseudonym
           AND p.identity_role = j.identity_role
           AND p.conversion_kind = j.conversion_kind
           AND p.conversion_ts = j.conversion_ts
    ),
    totals AS
    (
        SELECT
            CAST(conversion_kind AS String) AS conversion_kind,
            CAST(identity_role AS String) AS identity_role,
            count() AS total_conversions
        FROM int_execution_gpay_conversions
        WHERE conversion_date >= {as_of:Date} - 180
          AND conversion_date < {as_of:Date}
          AND identity_role NOT IN ('delegate', 'migrated_old_safe')
        GROUP BY conversion_kind, identity_role
    ),
    by_kind AS
    (
        SELECT
            conversion_kind,
            identity_role,
            event_kind,
            uniqExact(user_pseudonym, conversion_ts) AS conversions_with_touch,
            sumKahan(first_touch_credit) AS first_touch,
            sumKahan(last_touch_credit) AS last_touch,
            sumKahan(linear_credit) AS linear,
            sumKahan(time_decay_credit) AS time_decay_hl_7d
        FROM scored
        GROUP BY conversion_kind, identity_role, event_kind
    )
SELECT
    CAST(s.conversion_kind AS LowCardinality(String)) AS conversion_kind,
    CAST(s.identity_role AS LowCardinality(String)) AS identity_role,
    CAST(s.event_kind AS LowCardinality(String)) AS event_kind,
    toUInt64(s.conversions_with_touch) AS conversions_with_touch,
    CAST(s.first_touch AS Float64) AS first_touch,
    CAST(s.last_touch AS Float64) AS last_touch,
    CAST(s.linear AS Float64) AS linear,
    CAST(s.time_decay_hl_7d AS Float64) AS time_decay_hl_7d,
    toUInt64(t.total_conversions) AS total_conversions,
    toDateTime({built_at:DateTime}, 'UTC') AS computed_at
FROM by_kind AS s
LEFT JOIN totals AS t
    ON t.conversion_kind = s.conversion_kind
   AND t.identity_role = s.identity_role
