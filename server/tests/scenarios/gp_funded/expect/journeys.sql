-- Journeys 30d. S3's funded conversion keeps the earlier 'Other' touch (and, for owner E, E's payment on
-- S5) but no deposit: neither S5's deposit for E nor anything of kind gp.deposit (self-exclusion). The
-- payments keep their deposits; S3's 06-02 payment keeps the 05-03 14:00 deposit (lag 30, inside the
-- 30·86400 s window that starts 05-03 12:00). No delegate row.
WITH
    names AS
    (
        SELECT address, name
        FROM values('address String, name String',
            ('0x3333333333333333333333333333333333333333', 'S3'),
            ('0x4444444444444444444444444444444444444444', 'S4'),
            ('0x5555555555555555555555555555555555555555', 'S5'),
            ('0x6666666666666666666666666666666666666666', 'S6'),
            ('0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee', 'E'),
            ('0xffffffffffffffffffffffffffffffffffffffff', 'F'),
            ('0xdddddddddddddddddddddddddddddddddddddddd', 'D'))
    ),
    who AS
    (
        -- label of each (pseudonym, role): the name of its bridge address
        SELECT b.user_pseudonym AS user_pseudonym, CAST(b.identity_role AS String) AS identity_role, min(n.name) AS who
        FROM int_execution_gpay_user_identity_bridge AS b
        INNER JOIN names AS n ON n.address = b.address
        GROUP BY b.user_pseudonym, b.identity_role
    )
SELECT
    j.conversion_kind,
    j.conversion_ts,
    j.identity_role,
    w.who,
    j.event_kind,
    j.n_touches,
    j.first_touch_ts,
    j.last_touch_ts,
    round(j.td_sum, 10) AS td_sum,
    j.conversion_amount_usd,
    j.conversion_token
FROM fct_execution_gpay_journeys_30d AS j
LEFT JOIN who AS w ON w.user_pseudonym = j.user_pseudonym AND w.identity_role = j.identity_role
ORDER BY j.conversion_kind, j.conversion_ts, j.identity_role, w.who, j.event_kind
