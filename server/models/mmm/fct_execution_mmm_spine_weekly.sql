-- model: fct_execution_mmm_spine_weekly
-- grain: one row per week present in any of the three MMM intermediates
-- inputs: int_execution_mmm_kpis_weekly, int_execution_mmm_media_weekly, int_execution_mmm_controls_weekly
-- materialized: table
-- engine: MergeTree
-- order_by: (week)
--
-- Spec §7.5, INTENDED semantics (DESIGN §4.1): each family is pivoted to one row per week FIRST,
-- then the three pivots are joined to the week list, so column(week) is the value of the single
-- long-form row (week, name): NULL when that value is NULL or the row is absent. Upstream joins the
-- long forms on week alone and multiplies every value x72 (KPIs), x117 (media), x104 (controls).
-- Week set: the union of the weeks of the three intermediates, no date filter (they keep history).
-- The 30 value columns are fixed, in the order of §7.5; a new registry name needs a column here
-- (the data test `spine_equals_long_form` fails until it has one). maxIf picks the one value of a
-- (week, name) and skips NULL; it returns NULL when the name has no row or only a NULL value.
WITH
    weeks AS
    (
        SELECT week FROM int_execution_mmm_kpis_weekly
        UNION DISTINCT
        SELECT week FROM int_execution_mmm_media_weekly
        UNION DISTINCT
        SELECT week FROM int_execution_mmm_controls_weekly
    ),
    kpis AS
    (
        SELECT
            week,
            maxIf(kpi_value, kpi_name = 'pools_tvl_usd') AS kpi_pools_tvl_usd,
            maxIf(kpi_value, kpi_name = 'pools_volume_usd') AS kpi_pools_volume_usd,
            maxIf(kpi_value, kpi_name = 'dex_volume_usd_dedup') AS kpi_dex_volume_usd_dedup,
            maxIf(kpi_value, kpi_name = 'gpay_active_users') AS kpi_gpay_active_users,
            maxIf(kpi_value, kpi_name = 'gpay_payment_volume_usd') AS kpi_gpay_payment_volume_usd,
            maxIf(kpi_value, kpi_name = 'ga_active_users') AS kpi_ga_active_users,
            maxIf(kpi_value, kpi_name = 'ga_new_users') AS kpi_ga_new_users,
            maxIf(kpi_value, kpi_name = 'chain_tx_count') AS kpi_chain_tx_count,
            maxIf(kpi_value, kpi_name = 'gpay_topups_count') AS kpi_gpay_topups_count,
            maxIf(kpi_value, kpi_name = 'gpay_topups_volume_usd') AS kpi_gpay_topups_volume_usd,
            maxIf(kpi_value, kpi_name = 'gno_staked') AS kpi_gno_staked,
            maxIf(kpi_value, kpi_name = 'bridge_inflow_usd') AS kpi_bridge_inflow_usd,
            maxIf(kpi_value, kpi_name = 'bridge_outflow_usd') AS kpi_bridge_outflow_usd
        FROM int_execution_mmm_kpis_weekly
        GROUP BY week
    ),
    media AS
    (
        SELECT
            week,
            maxIf(media_value, media_name = 'validator_proposer_rewards_gno') AS media_validator_proposer_rewards_gno,
            maxIf(media_value, media_name = 'validator_income_gno') AS media_validator_income_gno,
            maxIf(media_value, media_name = 'validator_apr_proxy') AS media_validator_apr_proxy,
            maxIf(media_value, media_name = 'ga_token_offer_emissions_usd') AS media_ga_token_offer_emissions_usd,
            maxIf(media_value, media_name = 'gpay_cashback_outlay_usd') AS media_gpay_cashback_outlay_usd,
            maxIf(media_value, media_name = 'pools_lp_fee_apr_avg') AS media_pools_lp_fee_apr_avg,
            maxIf(media_value, media_name = 'lm_rewards_outlay_usd') AS media_lm_rewards_outlay_usd,
            maxIf(media_value, media_name = 'bridge_incentive_outlay_usd') AS media_bridge_incentive_outlay_usd
        FROM int_execution_mmm_media_weekly
        GROUP BY week
    ),
    controls AS
    (
        SELECT
            week,
            maxIf(control_value, control_name = 'gno_usd_price_avg') AS ctrl_gno_usd_price_avg,
            maxIf(control_value, control_name = 'eth_usd_price_avg') AS ctrl_eth_usd_price_avg,
            maxIf(control_value, control_name = 'wxdai_eur_proxy_avg') AS ctrl_wxdai_eur_proxy_avg,
            maxIf(control_value, control_name = 'chain_gas_price_gwei_avg') AS ctrl_chain_gas_price_gwei_avg,
            maxIf(control_value, control_name = 'chain_block_count') AS ctrl_chain_block_count,
            maxIf(control_value, control_name = 'week_of_year') AS ctrl_week_of_year,
            maxIf(control_value, control_name = 'is_holiday_week') AS ctrl_is_holiday_week,
            maxIf(control_value, control_name = 'week_index') AS ctrl_week_index,
            maxIf(control_value, control_name = 'hardfork_step') AS ctrl_hardfork_step
        FROM int_execution_mmm_controls_weekly
        GROUP BY week
    )
SELECT
    w.week AS week,
    CAST(k.kpi_pools_tvl_usd AS Nullable(Float64)) AS kpi_pools_tvl_usd,
    CAST(k.kpi_pools_volume_usd AS Nullable(Float64)) AS kpi_pools_volume_usd,
    CAST(k.kpi_dex_volume_usd_dedup AS Nullable(Float64)) AS kpi_dex_volume_usd_dedup,
    CAST(k.kpi_gpay_active_users AS Nullable(Float64)) AS kpi_gpay_active_users,
    CAST(k.kpi_gpay_payment_volume_usd AS Nullable(Float64)) AS kpi_gpay_payment_volume_usd,
    CAST(k.kpi_ga_active_users AS Nullable(Float64)) AS kpi_ga_active_users,
    CAST(k.kpi_ga_new_users AS Nullable(Float64)) AS kpi_ga_new_users,
    CAST(k.kpi_chain_tx_count AS Nullable(Float64)) AS kpi_chain_tx_count,
    CAST(k.kpi_gpay_topups_count AS Nullable(Float64)) AS kpi_gpay_topups_count,
    CAST(k.kpi_gpay_topups_volume_usd AS Nullable(Float64)) AS kpi_gpay_topups_volume_usd,
    CAST(k.kpi_gno_staked AS Nullable(Float64)) AS kpi_gno_staked,
    CAST(k.kpi_bridge_inflow_usd AS Nullable(Float64)) AS kpi_bridge_inflow_usd,
    CAST(k.kpi_bridge_outflow_usd AS Nullable(Float64)) AS kpi_bridge_outflow_usd,
    CAST(m.media_validator_proposer_rewards_gno AS Nullable(Float64)) AS media_validator_proposer_rewards_gno,
    CAST(m.media_validator_income_gno AS Nullable(Float64)) AS media_validator_income_gno,
    CAST(m.media_validator_apr_proxy AS Nullable(Float64)) AS media_validator_apr_proxy,
    CAST(m.media_ga_token_offer_emissions_usd AS Nullable(Float64)) AS media_ga_token_offer_emissions_usd,
    CAST(m.media_gpay_cashback_outlay_usd AS Nullable(Float64)) AS media_gpay_cashback_outlay_usd,
    CAST(m.media_pools_lp_fee_apr_avg AS Nullable(Float64)) AS media_pools_lp_fee_apr_avg,
    CAST(m.media_lm_rewards_outlay_usd AS Nullable(Float64)) AS media_lm_rewards_outlay_usd,
    CAST(m.media_bridge_incentive_outlay_usd AS Nullable(Float64)) AS media_bridge_incentive_outlay_usd,
    CAST(c.ctrl_gno_usd_price_avg AS Nullable(Float64)) AS ctrl_gno_usd_price_avg,
    CAST(c.ctrl_eth_usd_price_avg AS Nullable(Float64)) AS ctrl_eth_usd_price_avg,
    CAST(c.ctrl_wxdai_eur_proxy_avg AS Nullable(Float64)) AS ctrl_wxdai_eur_proxy_avg,
    CAST(c.ctrl_chain_gas_price_gwei_avg AS Nullable(Float64)) AS ctrl_chain_gas_price_gwei_avg,
    CAST(c.ctrl_chain_block_count AS Nullable(Float64)) AS ctrl_chain_block_count,
    CAST(c.ctrl_week_of_year AS Nullable(Float64)) AS ctrl_week_of_year,
    CAST(c.ctrl_is_holiday_week AS Nullable(Float64)) AS ctrl_is_holiday_week,
    CAST(c.ctrl_week_index AS Nullable(Float64)) AS ctrl_week_index,
    CAST(c.ctrl_hardfork_step AS Nullable(Float64)) AS ctrl_hardfork_step
FROM (SELECT DISTINCT week FROM weeks) AS w
LEFT JOIN kpis AS k ON k.week = w.week
LEFT JOIN media AS m ON m.week = w.week
LEFT JOIN controls AS c ON c.week = w.week
ORDER BY week
