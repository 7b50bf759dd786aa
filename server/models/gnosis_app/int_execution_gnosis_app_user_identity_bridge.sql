-- model: int_execution_gnosis_app_user_identity_bridge
-- grain: one row per GA user address of int_execution_gnosis_app_users_current (address IS NOT NULL); the only GA table holding raw addresses
-- inputs: int_execution_gnosis_app_users_current
-- materialized: table
-- engine: ReplacingMergeTree
-- order_by: (user_pseudonym, address)
-- internal_only: true
SELECT
    -- Spec §5.1. address = lower(address); user_pseudonym = sipHash64(unhex(salt) || lower(address)) (§3.1);
    -- the other columns pass through. Every other GA model reads this table at build time and keys on
    -- user_pseudonym only (privacy boundary: spec §10.1, DESIGN §1).
    CAST(lower(u.address) AS String)                                         AS address,
    toUInt64(sipHash64(concat(unhex({salt:String}), lower(u.address))))      AS user_pseudonym,
    toDateTime64(u.first_seen_at, 0, 'UTC')                                  AS first_seen_at,
    toDateTime64(u.last_seen_at, 0, 'UTC')                                   AS last_seen_at,
    CAST(u.heuristic_kinds AS Array(String))                                 AS heuristic_kinds,
    toUInt64(u.heuristic_hits)                                               AS heuristic_hits,
    toUInt8(u.n_distinct_heuristics)                                         AS n_distinct_heuristics
FROM int_execution_gnosis_app_users_current AS u
WHERE u.address IS NOT NULL
