-- extract: attribution_gp_{N}d
-- kind: attribution
-- sector: gp
-- check: table
-- order_by: conversion_kind, identity_role, event_kind
-- min_cell: users_with_touch
-- The gpay attribution mart of the {N}-day lookback as built (spec §3.4), without computed_at (the
-- manifest has built_at), plus users_with_touch: the distinct users behind each row, from the same
-- in-window journeys, so that --min-cell can suppress rows describing fewer than K people.
SELECT
    a.* EXCEPT (computed_at),
    toUInt64(u.users_with_touch) AS users_with_touch
FROM fct_execution_gpay_attribution_{N}d AS a
LEFT JOIN
(
    SELECT toString(conversion_kind) AS ck, toString(identity_role) AS rl, toString(event_kind) AS ek, uniqExact(user_pseudonym) AS users_with_touch
    FROM fct_execution_gpay_journeys_{N}d
    WHERE conversion_date >= toDate32({as_of:Date}) - 180
    GROUP BY ck, rl, ek
) AS u ON u.ck = toString(a.conversion_kind) AND u.rl = toString(a.identity_role) AND u.ek = toString(a.event_kind)
