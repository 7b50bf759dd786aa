//! The hand-placed scenarios of spec §13.4 are in the data when asked for, and only then.

use mensura_synth::SynthConfig;

use crate::support::{DAY, collect, default_data, pseudo};

/// The scenario address `n` (`0x5ce0` + 36 hex digits).
fn scenario(n: u32) -> String {
    format!("0x5ce0{n:036x}")
}

/// `(address, ts)` rows of a table.
fn rows(d: &crate::support::Data, table: &str, who: &str, ts: &str) -> Vec<(String, i64)> {
    d.strs(table, who)
        .into_iter()
        .zip(d.tss(table, ts))
        .collect()
}

#[test]
fn scenarios_are_placed_against_the_end_of_the_range() {
    let d = default_data();
    let (_, end) = d.range_ts();
    let a = end - 10 * DAY + 12 * 3600;

    let users = d.strs("int_execution_gnosis_app_users_current", "address");
    for n in [1, 2, 3, 4, 5, 6, 7, 11, 12, 13, 14, 15] {
        assert!(users.contains(&scenario(n)), "scenario user {n}");
    }
    assert!(
        !users.contains(&scenario(99)),
        "the Mixpanel outsider is not a GA user"
    );

    // 3: hits exactly 7 and 60 days before the claim, and one second further.
    let hits = rows(
        d,
        "int_execution_gnosis_app_user_events",
        "address",
        "block_timestamp",
    );
    for ts in [a - 7 * DAY, a - 7 * DAY - 1, a - 60 * DAY, a - 60 * DAY - 1] {
        assert!(hits.contains(&(scenario(3), ts)), "scenario 3 hit at {ts}");
    }
    // 4: a hit and a pageview in the same second before the fill at A.
    let mp = "stg_mixpanel_ga__events";
    let events: Vec<(u64, i64)> = d
        .u64s(mp, "user_id_hash")
        .into_iter()
        .zip(d.tss(mp, "event_time"))
        .collect();
    assert!(hits.contains(&(scenario(4), a - 3 * 3600)));
    assert!(events.contains(&(pseudo(&scenario(4)), a - 3 * 3600)));
    let swaps = rows(
        d,
        "int_execution_gnosis_app_swaps",
        "taker",
        "block_timestamp",
    );
    assert!(swaps.contains(&(scenario(4), a - 2 * 3600)));
    // 2: a Mixpanel event at the buy's second.
    let buys = rows(
        d,
        "int_execution_gnosis_app_marketplace_payments",
        "payer",
        "block_timestamp",
    );
    assert!(buys.contains(&(scenario(2), a)));
    assert!(events.contains(&(pseudo(&scenario(2)), a)));
    // 7: the attribution window's edge, at midnight 180 days before the end, and one second before.
    let edge = end - 180 * DAY;
    assert!(buys.contains(&(scenario(7), edge)) && buys.contains(&(scenario(7), edge - 1)));
    assert!(buys.contains(&(scenario(7), end - 200 * DAY + 12 * 3600)));

    // 11: two topups in one transaction, log_index 0 and 1.
    let t = "int_execution_gnosis_app_gpay_topups";
    let merged: Vec<(String, u64)> = d
        .strs(t, "ga_user")
        .into_iter()
        .zip(d.strs(t, "transaction_hash"))
        .zip(d.u64s(t, "log_index"))
        .filter(|((u, _), _)| *u == scenario(11))
        .map(|((_, tx), i)| (tx, i))
        .collect();
    assert_eq!(merged.len(), 2);
    assert_eq!(merged[0].0, merged[1].0);
    assert_eq!((merged[0].1, merged[1].1), (0, 1));

    // 8: a Safe with two setup owners and the shared delegate.
    let o = "int_execution_safes_owner_events";
    let owners: Vec<String> = d
        .strs(o, "safe_address")
        .into_iter()
        .zip(d.str(o, "owner"))
        .filter(|(s, _)| *s == scenario(111))
        .filter_map(|(_, owner)| owner)
        .collect();
    assert_eq!(owners, [scenario(201), scenario(202)]);

    // 10: the migrated Safe.
    let c = "int_execution_gpay_safe_canonical";
    let migrations: Vec<(String, String)> = d
        .strs(c, "address")
        .into_iter()
        .zip(d.strs(c, "canonical_address"))
        .collect();
    assert!(migrations.contains(&(scenario(131), scenario(132))));

    // 9: two inflows of Safe 122 in one second; the deposit has the smaller hash.
    let g = "int_execution_gpay_activity";
    let mut inflows: Vec<(String, String)> = d
        .strs(g, "wallet_address")
        .into_iter()
        .zip(d.strs(g, "transaction_hash"))
        .zip(d.strs(g, "action"))
        .filter(|((w, _), _)| *w == scenario(122))
        .map(|((_, tx), action)| (tx, action))
        .collect();
    inflows.sort();
    assert_eq!(inflows.len(), 2);
    assert_eq!(inflows[0].1, "Crypto Deposit");
}

#[test]
fn no_scenario_rows_without_edge_cases() {
    let d = collect(&SynthConfig {
        users: 80,
        gp_safes: 40,
        days: 60,
        edge_cases: false,
        ..SynthConfig::default()
    });
    for (name, batches) in &d.tables {
        for b in batches {
            for (field, col) in b.schema().fields().iter().zip(b.columns()) {
                if let Some(s) = col.as_any().downcast_ref::<arrow_array::StringArray>() {
                    assert!(
                        s.iter().flatten().all(|v| !v.starts_with("0x5ce0")),
                        "{name}.{}",
                        field.name()
                    );
                }
            }
        }
    }
    assert_eq!(d.rows("int_execution_gnosis_app_users_current"), 80);
}
