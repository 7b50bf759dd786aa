-- model: api_execution_gnosis_app_attribution_{N}d
-- grain: one row per (conversion_kind, event_kind) of fct_execution_gnosis_app_attribution_{N}d, with the data's as_of_date
-- inputs: fct_execution_gnosis_app_attribution_{N}d, int_execution_gnosis_app_conversions
-- materialized: view
SELECT
    -- Spec §5.10: every column of the mart, ordered by conversion_kind ASC, linear DESC (then event_kind, so
    -- ties come out in a reproducible order), plus as_of_date.
    -- DESIGN §4.16 / C7: as_of_date is the latest conversion_date of the conversions the mart counts
    -- (int_execution_gnosis_app_conversions), not upstream's toDate(max(block_timestamp)) of gpay_topups,
    -- which is a freshness proxy for one kind only. (1970-01-01 only when there is no conversion at all,
    -- and then the mart has no row either.)
    a.conversion_kind                                                             AS conversion_kind,
    a.event_kind                                                                  AS event_kind,
    a.conversions_with_touch                                                      AS conversions_with_touch,
    a.first_touch                                                                 AS first_touch,
    a.last_touch                                                                  AS last_touch,
    a.linear                                                                      AS linear,
    a.time_decay_hl_7d                                                            AS time_decay_hl_7d,
    a.total_conversions                                                           AS total_conversions,
    a.computed_at                                                                 AS computed_at,
    toDate(ifNull((SELECT max(conversion_date) FROM int_execution_gnosis_app_conversions), toDate('1970-01-01'))) AS as_of_date
FROM fct_execution_gnosis_app_attribution_{N}d AS a
ORDER BY a.conversion_kind ASC, a.linear DESC, a.event_kind ASC
