//! Properties over small random configurations.

use std::collections::HashSet;

use mensura_synth::{CivilDate, SynthConfig, TABLES, schemas};
use proptest::prelude::*;

use crate::support::collect;

fn small_config() -> impl Strategy<Value = SynthConfig> {
    (
        any::<u64>(),
        1u32..40,
        1u32..20,
        any::<bool>(),
        0u32..40,
        0i32..3000,
        1usize..500,
        prop_oneof![Just(0u32), 1u32..60],
    )
        .prop_map(
            |(seed, users, gp_safes, edge_cases, extra_days, start, batch_rows, market)| {
                SynthConfig {
                    seed,
                    users,
                    gp_safes,
                    edge_cases,
                    days: if edge_cases { 210 } else { 28 } + extra_days,
                    start: CivilDate::from_days(
                        CivilDate::new(2020, 1, 1).days_since_epoch() + start,
                    ),
                    batch_rows,
                    market_history_days: market,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn small_configs_give_well_formed_tables(config in small_config()) {
        let d = collect(&config);
        prop_assert_eq!(d.tables.len(), TABLES.len());
        for (name, schema) in schemas() {
            for b in d.batches(name) {
                prop_assert_eq!(b.schema(), schema.clone());
                prop_assert!(b.num_rows() >= 1 && b.num_rows() <= config.batch_rows);
            }
        }
        let scenario_users = if config.edge_cases { 12 } else { 0 };
        prop_assert_eq!(d.rows("int_execution_gnosis_app_users_current"), config.users as usize + scenario_users);
        prop_assert!(d.rows("int_execution_gpay_wallets") >= config.gp_safes as usize);

        // Every timestamp in the range; fills never before signatures.
        let (start, end) = d.range_ts();
        for (t, c) in [
            ("stg_mixpanel_ga__events", "event_time"),
            ("int_execution_gpay_activity", "block_timestamp"),
            ("int_execution_gnosis_app_user_events", "block_timestamp"),
            ("int_execution_gnosis_app_swaps", "first_fill_at"),
        ] {
            for ts in d.ts(t, c).into_iter().flatten() {
                prop_assert!((start..end).contains(&ts), "{}.{}", t, c);
            }
        }
        let s = "int_execution_gnosis_app_swaps";
        for (signed, fill) in d.tss(s, "block_timestamp").into_iter().zip(d.ts(s, "first_fill_at")) {
            prop_assert!(fill.is_none_or(|f| f >= signed));
        }

        // GP activity is unique on its key.
        let a = "int_execution_gpay_activity";
        let keys: HashSet<_> = d.strs(a, "wallet_address").into_iter()
            .zip(d.tss(a, "block_timestamp"))
            .zip(d.strs(a, "transaction_hash"))
            .zip(d.strs(a, "token_address"))
            .zip(d.strs(a, "counterparty").into_iter().zip(d.strs(a, "direction")))
            .collect();
        prop_assert_eq!(keys.len(), d.rows(a));

        // MMM daily tables cover every day.
        let (first, end_day) = d.range_days();
        let days: HashSet<i32> = d.dates("fct_execution_gnosis_app_users_daily", "date").into_iter().collect();
        prop_assert_eq!(days, (first..end_day).collect::<HashSet<_>>());
        // The market tables cover the network history before the range too.
        let market_first = first - config.market_history_days as i32;
        for t in ["int_execution_token_prices_daily", "int_execution_transactions_info_daily", "fct_execution_trades_by_protocol_daily"] {
            let days: HashSet<i32> = d.dates(t, "date").into_iter().collect();
            prop_assert_eq!(days, (market_first..end_day).collect::<HashSet<_>>(), "{}", t);
        }
    }

    /// Network history changes the market tables only.
    #[test]
    fn market_history_leaves_the_product_tables_alone(config in small_config(), extra in 1u32..90) {
        let short = SynthConfig { market_history_days: 0, ..config.clone() };
        let long = SynthConfig { market_history_days: extra, ..config };
        let (a, b) = (collect(&short), collect(&long));
        for (name, _) in schemas() {
            let market = matches!(name, "fct_execution_pools_daily" | "int_execution_pools_metrics_daily"
                | "fct_execution_trades_by_protocol_daily" | "int_consensus_validators_proposer_rewards_daily"
                | "int_execution_token_prices_daily" | "int_execution_transactions_info_daily");
            // (The market tables' coverage is checked above.)
            if !market {
                prop_assert!(a.batches(name) == b.batches(name), "{} changed", name);
            }
        }
    }
}
