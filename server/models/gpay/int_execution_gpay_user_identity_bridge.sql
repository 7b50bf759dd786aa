-- model: int_execution_gpay_user_identity_bridge
-- grain: one row per (user_pseudonym, identity_role, address, gp_safe): every identity of every GP Safe (safe_self, initial_owner, delegate, migrated_old_safe)
-- inputs: int_execution_gpay_wallets, int_execution_safes_owner_events, int_execution_gpay_spender_delegates_current, int_execution_gpay_safe_canonical
-- materialized: table
-- engine: ReplacingMergeTree
-- order_by: (user_pseudonym, identity_role, address, gp_safe)
-- internal_only: true
-- settings: join_use_nulls = 0
WITH
    -- Spec §6.1, DESIGN §4.2. The only GP table holding raw addresses (address, gp_safe): never published.
    -- Four blocks, all addresses lowercase:
    --   initial_owner      one row per safe_setup owner of a GP Safe (owners added later get no role, §14.13)
    --   delegate           one row per (Safe, delegate EOA); NULL delegate addresses are dropped
    --   safe_self          the Safe itself, pseudonymised on its NEW (canonical) Safe when it is a migrated OLD Safe
    --   migrated_old_safe  one row per migration: address = OLD Safe, gp_safe = NEW Safe, pseudonym of the NEW
    --                      Safe (it duplicates the NEW Safe's safe_self; journeys, coverage and attribution
    --                      exclude it, DESIGN §4.2)
    -- The result is grouped by the table's ReplacingMergeTree key, so readers never see the duplicates a
    -- merge would later collapse (e.g. one delegate holding two role keys on a Safe), and first_seen_at /
    -- last_seen_at of a collapsed key are its min / max instead of an arbitrary survivor.
    gp_safes AS
    (
        SELECT DISTINCT lower(address) AS gp_safe
        FROM int_execution_gpay_wallets
    ),
    blocks AS
    (
        SELECT
            lower(assumeNotNull(o.owner)) AS address,
            sipHash64(concat(unhex({salt:String}), lower(assumeNotNull(o.owner)))) AS user_pseudonym,
            'initial_owner' AS identity_role,
            lower(o.safe_address) AS gp_safe,
            CAST(toDateTime64(o.block_timestamp, 0, 'UTC') AS Nullable(DateTime64(0, 'UTC'))) AS first_seen_at,
            CAST(toDateTime64(o.block_timestamp, 0, 'UTC') AS Nullable(DateTime64(0, 'UTC'))) AS last_seen_at
        FROM int_execution_safes_owner_events AS o
        WHERE o.event_kind = 'safe_setup'
          AND o.owner IS NOT NULL
          AND lower(o.safe_address) IN (SELECT gp_safe FROM gp_safes)

        UNION ALL

        SELECT
            lower(assumeNotNull(d.delegate_address)) AS address,
            sipHash64(concat(unhex({salt:String}), lower(assumeNotNull(d.delegate_address)))) AS user_pseudonym,
            'delegate' AS identity_role,
            lower(d.gp_safe) AS gp_safe,
            CAST(NULL AS Nullable(DateTime64(0, 'UTC'))) AS first_seen_at,
            CAST(NULL AS Nullable(DateTime64(0, 'UTC'))) AS last_seen_at
        FROM int_execution_gpay_spender_delegates_current AS d
        WHERE d.delegate_address IS NOT NULL

        UNION ALL

        -- join_use_nulls = 0: a Safe that is not a migrated OLD Safe gets canonical_address = ''.
        SELECT
            s.gp_safe AS address,
            sipHash64(concat(unhex({salt:String}), lower(if(c.canonical_address = '', s.gp_safe, c.canonical_address)))) AS user_pseudonym,
            'safe_self' AS identity_role,
            s.gp_safe AS gp_safe,
            CAST(NULL AS Nullable(DateTime64(0, 'UTC'))) AS first_seen_at,
            CAST(NULL AS Nullable(DateTime64(0, 'UTC'))) AS last_seen_at
        FROM gp_safes AS s
        LEFT JOIN
        (
            SELECT lower(address) AS old_safe, min(lower(canonical_address)) AS canonical_address
            FROM int_execution_gpay_safe_canonical
            GROUP BY old_safe
        ) AS c ON c.old_safe = s.gp_safe

        UNION ALL

        SELECT
            lower(m.address) AS address,
            sipHash64(concat(unhex({salt:String}), lower(m.canonical_address))) AS user_pseudonym,
            'migrated_old_safe' AS identity_role,
            lower(m.canonical_address) AS gp_safe,
            CAST(toDateTime64(m.migrated_at, 0, 'UTC') AS Nullable(DateTime64(0, 'UTC'))) AS first_seen_at,
            CAST(toDateTime64(m.migrated_at, 0, 'UTC') AS Nullable(DateTime64(0, 'UTC'))) AS last_seen_at
        FROM int_execution_gpay_safe_canonical AS m
    )
SELECT
    CAST(address AS String) AS address,
    toUInt64(user_pseudonym) AS user_pseudonym,
    CAST(identity_role AS LowCardinality(String)) AS identity_role,
    CAST(gp_safe AS Nullable(String)) AS gp_safe,
    CAST(min(first_seen_at) AS Nullable(DateTime64(0, 'UTC'))) AS first_seen_at,
    CAST(max(last_seen_at) AS Nullable(DateTime64(0, 'UTC'))) AS last_seen_at
FROM blocks
GROUP BY user_pseudonym, identity_role, address, gp_safe
