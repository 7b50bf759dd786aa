//! The shapes the models need (spec §13 notes, §5–§7), on the default configuration.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::support::{DAY, Data, default_data, is_address, is_hex, pseudo, weekday};

/// Spec §5.2: the seven heuristic kinds.
const HEURISTIC_KINDS: [&str; 7] = [
    "circles_fee",
    "circles_invite_human",
    "circles_personal_mint",
    "circles_profile_update",
    "circles_register_human",
    "circles_trust",
    "safe_invitation_module",
];

/// Spec §13.2: the actions of `int_execution_gpay_activity`, with their direction.
const GP_ACTIONS: [(&str, Option<&str>); 8] = [
    ("Payment", Some("out")),
    ("Reversal", Some("in")),
    ("Cashback", Some("in")),
    ("Fiat Top Up", Some("in")),
    ("Fiat Off-ramp", Some("out")),
    ("Crypto Deposit", Some("in")),
    ("Crypto Withdrawal", Some("out")),
    ("Other", None),
];

const MERCHANT: &str = "0x4822521e6135cd2599199c83ea35179229a172ee";
const CASHBACK: &str = "0xcdf50be9061086e2ecfe6e4a1bf9164d43568eec";
const ZERO: &str = "0x0000000000000000000000000000000000000000";
const COW_SETTLEMENT: &str = "0x9008d19f58aabd9ed0d60971565aa8510560ab41";

/// Spec §5.3, rewritten here: the staging category of an event name (autocapture names given).
fn category(name: &str) -> &'static str {
    const FEATURES: [&str; 7] = [
        "Success - Circles mint",
        "Marketplace Purchase",
        "Request QR Scanner",
        "Close QR Scanner",
        "QR Scan",
        "QR Scan Passkey Validation URL",
        "QR Scan Transaction URL",
    ];
    if name == "$mp_web_page_view" {
        "pageview"
    } else if name == "Open Modal" || name == "Open Bottom Sheet" {
        "modal"
    } else if name == "Login with Passkey" {
        "login"
    } else if FEATURES.contains(&name) {
        "feature"
    } else if ["back", "Back", "Close"].contains(&name) {
        "navigation"
    } else if name.starts_with('$') {
        "system"
    } else if ["Click Button", "Submit Form"].contains(&name) {
        "action"
    } else {
        "other"
    }
}

fn d() -> &'static Data {
    default_data()
}

#[test]
fn swaps_fill_about_73_percent_never_before_their_signature() {
    let d = d();
    let t = "int_execution_gnosis_app_swaps";
    let filled = d.bools(t, "was_filled");
    let signed = d.tss(t, "block_timestamp");
    let fill = d.ts(t, "first_fill_at");
    let rate = filled.iter().filter(|&&f| f).count() as f64 / filled.len() as f64;
    assert!((0.68..=0.78).contains(&rate), "fill rate {rate}");
    let mut same_second = 0;
    for ((f, s), at) in filled.iter().zip(&signed).zip(&fill) {
        assert_eq!(
            *f,
            at.is_some(),
            "first_fill_at is NULL exactly when unfilled"
        );
        if let Some(at) = at {
            assert!(at >= s, "filled before signed");
            same_second += usize::from(at == s);
        }
    }
    assert!(same_second > 0, "some fills in the signature's second");
    let uids = d.strs(t, "order_uid");
    assert!(
        uids.iter()
            .all(|u| u.len() == 114 && u.starts_with("0x") && is_hex(&u[2..]))
    );
    assert_eq!(
        uids.iter().collect::<HashSet<_>>().len(),
        uids.len(),
        "order uids are unique"
    );
}

#[test]
fn every_heuristic_kind_and_a_consistent_users_current() {
    let d = d();
    let t = "int_execution_gnosis_app_user_events";
    let kinds: BTreeSet<String> = d.strs(t, "heuristic_kind").into_iter().collect();
    assert_eq!(
        kinds,
        HEURISTIC_KINDS.iter().map(|k| k.to_string()).collect()
    );
    assert!(
        d.strs(t, "transaction_hash")
            .iter()
            .all(|h| h.len() == 64 && is_hex(h)),
        "no 0x prefix"
    );

    // users_current aggregates the hits per address.
    let mut agg: BTreeMap<String, (i64, i64, u64, BTreeSet<String>)> = BTreeMap::new();
    for ((a, k), ts) in d
        .strs(t, "address")
        .into_iter()
        .zip(d.strs(t, "heuristic_kind"))
        .zip(d.tss(t, "block_timestamp"))
    {
        let e = agg
            .entry(a)
            .or_insert((i64::MAX, i64::MIN, 0, BTreeSet::new()));
        e.0 = e.0.min(ts);
        e.1 = e.1.max(ts);
        e.2 += 1;
        e.3.insert(k);
    }
    let u = "int_execution_gnosis_app_users_current";
    let addresses = d.strs(u, "address");
    assert_eq!(
        addresses.len(),
        d.config.users as usize + 12,
        "one row per user plus 12 scenario users"
    );
    assert_eq!(
        addresses.iter().collect::<HashSet<_>>().len(),
        addresses.len()
    );
    let rows = addresses
        .iter()
        .zip(d.tss(u, "first_seen_at"))
        .zip(d.tss(u, "last_seen_at"))
        .zip(d.u64s(u, "heuristic_hits"))
        .zip(d.lists(u, "heuristic_kinds"))
        .zip(d.u8s(u, "n_distinct_heuristics"));
    for (((((a, first), last), hits), kinds), n) in rows {
        let (f, l, h, k) = agg.get(a).unwrap_or_else(|| panic!("{a} has no hits"));
        assert_eq!((first, last, hits), (*f, *l, *h), "{a}");
        assert_eq!(
            kinds,
            k.iter().cloned().collect::<Vec<_>>(),
            "{a}: sorted distinct kinds"
        );
        assert_eq!(usize::from(n), k.len());
    }
    assert_eq!(agg.len(), addresses.len(), "every hit belongs to a user");

    // Heavy tails: many one-off users, a few power users.
    let mut hits = d.u64s(u, "heuristic_hits");
    hits.sort_unstable();
    let median = hits[hits.len() / 2];
    let top = hits[hits.len() - 1];
    assert!(median <= 5 && top >= 100, "median {median}, max {top}");
    assert!(
        hits.iter().filter(|&&h| h <= 2).count() * 4 >= hits.len(),
        "a quarter have ≤ 2 hits"
    );
}

#[test]
fn addresses_are_lowercase_hex_and_timestamps_in_range() {
    let d = d();
    let address_columns = [
        ("int_execution_gnosis_app_users_current", "address"),
        ("int_execution_gnosis_app_user_events", "address"),
        ("int_execution_gnosis_app_swaps", "taker"),
        ("int_execution_gnosis_app_gpay_topups", "ga_user"),
        ("int_execution_gnosis_app_marketplace_payments", "payer"),
        ("int_execution_gnosis_app_token_offer_claims", "ga_user"),
        ("int_execution_gpay_wallets", "address"),
        ("int_execution_safes_owner_events", "safe_address"),
        ("int_execution_safes_owner_events", "owner"),
        ("int_execution_gpay_spender_delegates_current", "gp_safe"),
        (
            "int_execution_gpay_spender_delegates_current",
            "delegate_address",
        ),
        ("int_execution_gpay_safe_canonical", "address"),
        ("int_execution_gpay_safe_canonical", "canonical_address"),
        ("int_execution_gpay_activity", "wallet_address"),
        ("int_execution_gpay_activity", "token_address"),
        ("int_execution_gpay_activity", "counterparty"),
        ("fct_execution_pools_daily", "pool_address"),
        ("fct_execution_pools_daily", "token_address"),
        ("int_execution_pools_metrics_daily", "pool_address"),
    ];
    for (t, c) in address_columns {
        for a in d.str(t, c).into_iter().flatten() {
            assert!(is_address(&a), "{t}.{c}: {a}");
        }
    }
    for t in [
        "int_execution_gnosis_app_gpay_topups",
        "int_execution_gpay_activity",
    ] {
        assert!(
            d.strs(t, "transaction_hash")
                .iter()
                .all(|h| h.len() == 66 && is_hex(&h[2..])),
            "{t}"
        );
    }
    assert!(
        d.str(
            "int_execution_gpay_spender_delegates_current",
            "delegate_address"
        )
        .iter()
        .all(Option::is_some)
    );

    let (start, end) = d.range_ts();
    let ts_columns = [
        ("int_execution_gnosis_app_users_current", "first_seen_at"),
        ("int_execution_gnosis_app_users_current", "last_seen_at"),
        ("int_execution_gnosis_app_user_events", "block_timestamp"),
        ("int_execution_gnosis_app_swaps", "block_timestamp"),
        ("int_execution_gnosis_app_swaps", "first_fill_at"),
        ("int_execution_gnosis_app_gpay_topups", "block_timestamp"),
        (
            "int_execution_gnosis_app_marketplace_payments",
            "block_timestamp",
        ),
        (
            "int_execution_gnosis_app_token_offer_claims",
            "block_timestamp",
        ),
        ("stg_mixpanel_ga__events", "event_time"),
        ("int_execution_safes_owner_events", "block_timestamp"),
        ("int_execution_gpay_safe_canonical", "migrated_at"),
        ("int_execution_gpay_activity", "block_timestamp"),
        ("int_consensus_validators_proposer_rewards_daily", "date"),
    ];
    for (t, c) in ts_columns {
        for ts in d.ts(t, c).into_iter().flatten() {
            assert!(
                (start..end).contains(&ts),
                "{t}.{c}: {ts} outside the range"
            );
        }
    }
    for (t, ts, date) in [
        ("stg_mixpanel_ga__events", "event_time", "event_date"),
        ("int_execution_gpay_activity", "block_timestamp", "date"),
    ] {
        for (ts, date) in d.tss(t, ts).into_iter().zip(d.dates(t, date)) {
            assert_eq!(
                ts.div_euclid(DAY),
                i64::from(date),
                "{t}: date is toDate(ts)"
            );
        }
    }
}

#[test]
fn conversions_belong_to_ga_users_and_topups_reach_their_gp_safe() {
    let d = d();
    let users: HashSet<String> = d
        .strs("int_execution_gnosis_app_users_current", "address")
        .into_iter()
        .collect();
    for (t, c) in [
        ("int_execution_gnosis_app_swaps", "taker"),
        ("int_execution_gnosis_app_gpay_topups", "ga_user"),
        ("int_execution_gnosis_app_marketplace_payments", "payer"),
        ("int_execution_gnosis_app_token_offer_claims", "ga_user"),
    ] {
        assert!(
            d.strs(t, c).iter().all(|a| users.contains(a)),
            "{t}.{c} outside the GA cohort"
        );
    }

    // The owners set up on each Safe.
    let o = "int_execution_safes_owner_events";
    let mut owners: HashMap<String, HashSet<String>> = HashMap::new();
    for ((safe, owner), kind) in d
        .strs(o, "safe_address")
        .into_iter()
        .zip(d.str(o, "owner"))
        .zip(d.strs(o, "event_kind"))
    {
        if kind == "safe_setup" {
            owners
                .entry(safe)
                .or_default()
                .insert(owner.expect("setup owners are not NULL"));
        }
    }
    let a = "int_execution_gpay_activity";
    let deposits: HashMap<(String, i64), String> = d
        .strs(a, "transaction_hash")
        .into_iter()
        .zip(d.tss(a, "block_timestamp"))
        .zip(d.strs(a, "wallet_address"))
        .zip(
            d.strs(a, "counterparty")
                .into_iter()
                .zip(d.strs(a, "action")),
        )
        .filter(|(_, (cp, action))| cp == COW_SETTLEMENT && action == "Crypto Deposit")
        .map(|(((tx, ts), wallet), _)| ((tx, ts), wallet))
        .collect();
    let t = "int_execution_gnosis_app_gpay_topups";
    let topups = d
        .strs(t, "transaction_hash")
        .into_iter()
        .zip(d.tss(t, "block_timestamp"))
        .zip(d.strs(t, "ga_user"));
    let mut n = 0;
    for ((tx, ts), user) in topups {
        let wallet = deposits
            .get(&(tx.clone(), ts))
            .unwrap_or_else(|| panic!("topup {tx} has no GP deposit"));
        assert!(
            owners.get(wallet).is_some_and(|o| o.contains(&user)),
            "{user} does not own {wallet}"
        );
        n += 1;
    }
    assert!(n > 500, "{n} topups");
}

#[test]
fn mixpanel_has_every_category_and_the_rows_to_drop() {
    let d = d();
    let t = "stg_mixpanel_ga__events";
    let names = d.strs(t, "event_name");
    let categories = d.strs(t, "event_category");
    for (n, c) in names.iter().zip(&categories) {
        assert_eq!(category(n), c, "{n}");
    }
    let seen: BTreeSet<&str> = categories.iter().map(String::as_str).collect();
    let all = [
        "action",
        "feature",
        "login",
        "modal",
        "navigation",
        "other",
        "pageview",
        "system",
    ];
    assert_eq!(seen, all.into_iter().collect(), "every mp.* kind of §5.3");

    let users: HashSet<u64> = d
        .strs("int_execution_gnosis_app_users_current", "address")
        .iter()
        .map(|a| pseudo(a))
        .collect();
    let identified = d.u8s(t, "is_identified");
    let production = d.u8s(t, "is_production");
    let hashes = d.u64s(t, "user_id_hash");
    let (mut anonymous, mut staging, mut kept, mut kept_ga) = (0, 0, 0, 0);
    for ((i, p), h) in identified.iter().zip(&production).zip(&hashes) {
        match (i, p) {
            (0, _) => {
                anonymous += 1;
                assert!(!users.contains(h), "an anonymous event hashes to a GA user");
            }
            (1, 0) => {
                staging += 1;
                assert!(users.contains(h), "staging events are identified GA users");
            }
            (1, 1) => {
                kept += 1;
                kept_ga += usize::from(users.contains(h));
            }
            other => panic!("flags {other:?}"),
        }
    }
    assert!(
        anonymous > 100 && staging > 100,
        "anonymous {anonymous}, non-production {staging}"
    );
    assert!(
        kept - kept_ga <= 1,
        "identified production events are GA users (one scenario outsider)"
    );
    assert!(
        d.strs(t, "insert_id").iter().collect::<HashSet<_>>().len() == names.len(),
        "insert ids unique"
    );
}

/// `(ts, kind)` touches per user key (the address pseudonym) and conversions `(ts, kind)`.
type Touches = HashMap<u64, Vec<(i64, String)>>;

fn touches_and_conversions(d: &Data) -> (Touches, Vec<(u64, i64, &'static str)>) {
    let mut touches: Touches = HashMap::new();
    let t = "int_execution_gnosis_app_user_events";
    for ((a, k), ts) in d
        .strs(t, "address")
        .into_iter()
        .zip(d.strs(t, "heuristic_kind"))
        .zip(d.tss(t, "block_timestamp"))
    {
        touches
            .entry(pseudo(&a))
            .or_default()
            .push((ts, format!("chain.{k}")));
    }
    let t = "int_execution_gnosis_app_swaps";
    for (a, ts) in d
        .strs(t, "taker")
        .into_iter()
        .zip(d.tss(t, "block_timestamp"))
    {
        touches
            .entry(pseudo(&a))
            .or_default()
            .push((ts, "chain.swap_signed".into()));
    }
    let t = "stg_mixpanel_ga__events";
    let keep = d
        .u8s(t, "is_identified")
        .into_iter()
        .zip(d.u8s(t, "is_production"))
        .map(|(i, p)| i == 1 && p == 1);
    for (((h, ts), c), keep) in d
        .u64s(t, "user_id_hash")
        .into_iter()
        .zip(d.tss(t, "event_time"))
        .zip(d.strs(t, "event_category"))
        .zip(keep)
    {
        if keep {
            touches.entry(h).or_default().push((ts, format!("mp.{c}")));
        }
    }
    let mut conversions = Vec::new();
    let t = "int_execution_gnosis_app_swaps";
    for (a, fill) in d.strs(t, "taker").into_iter().zip(d.ts(t, "first_fill_at")) {
        if let Some(ts) = fill {
            conversions.push((pseudo(&a), ts, "chain.swap_filled"));
        }
    }
    for (t, c, kind) in [
        (
            "int_execution_gnosis_app_gpay_topups",
            "ga_user",
            "chain.topup",
        ),
        (
            "int_execution_gnosis_app_marketplace_payments",
            "payer",
            "chain.marketplace_buy",
        ),
        (
            "int_execution_gnosis_app_token_offer_claims",
            "ga_user",
            "chain.token_offer_claim",
        ),
    ] {
        for (a, ts) in d.strs(t, c).into_iter().zip(d.tss(t, "block_timestamp")) {
            conversions.push((pseudo(&a), ts, kind));
        }
    }
    (touches, conversions)
}

#[test]
fn touches_precede_conversions_and_sit_on_the_guards() {
    let d = d();
    let (touches, conversions) = touches_and_conversions(d);
    let (mut tracked, mut at_conversion) = (0, 0);
    let mut at_n_days: BTreeMap<(i64, i64), usize> = BTreeMap::new();
    for (user, c, kind) in &conversions {
        let mine = touches.get(user).map(Vec::as_slice).unwrap_or_default();
        let qualifying = |e: &(i64, String)| e.1 != *kind && e.0 < *c && e.0 >= c - 30 * DAY;
        tracked += usize::from(mine.iter().any(qualifying));
        at_conversion += usize::from(mine.iter().any(|e| e.0 == *c && e.1 != *kind));
        for n in [7, 14, 30, 60] {
            for off in [0, 1] {
                if mine
                    .iter()
                    .any(|e| e.0 == c - n * DAY - off && e.1 != *kind)
                {
                    *at_n_days.entry((n, off)).or_default() += 1;
                }
            }
        }
    }
    let share = tracked as f64 / conversions.len() as f64;
    assert!(
        share > 0.9,
        "only {share} of conversions have a touch in the 30 days before"
    );
    assert!(
        at_conversion > 10,
        "touches at the conversion second: {at_conversion}"
    );
    for n in [7, 14, 30, 60] {
        assert!(
            at_n_days.get(&(n, 0)).copied().unwrap_or(0) >= 3,
            "exactly {n} days before: {at_n_days:?}"
        );
        assert!(
            at_n_days.get(&(n, 1)).copied().unwrap_or(0) >= 1,
            "{n} days and 1 s before: {at_n_days:?}"
        );
    }
    // Some conversions are untracked.
    assert!(tracked < conversions.len());
}

#[test]
fn gp_activity_has_every_action_with_its_rules() {
    let d = d();
    let t = "int_execution_gpay_activity";
    let actions = d.strs(t, "action");
    let directions = d.strs(t, "direction");
    let symbols = d.strs(t, "symbol");
    let counterparties = d.strs(t, "counterparty");
    let amounts = d.f64(t, "amount_usd");
    let mut seen = BTreeMap::new();
    for i in 0..actions.len() {
        let (action, direction, symbol, cp) =
            (&actions[i], &directions[i], &symbols[i], &counterparties[i]);
        *seen.entry(action.as_str()).or_insert(0) += 1;
        let rule = GP_ACTIONS
            .iter()
            .find(|(a, _)| a == action)
            .unwrap_or_else(|| panic!("action {action}"));
        if let Some(dir) = rule.1 {
            assert_eq!(direction, dir, "{action}");
        }
        assert!(direction == "in" || direction == "out");
        assert_eq!(
            action == "Cashback",
            symbol == "GNO",
            "Cashback is GNO only, and only cashback is GNO"
        );
        match action.as_str() {
            "Cashback" => assert_eq!(cp, CASHBACK),
            "Payment" | "Reversal" => assert_eq!(cp, MERCHANT),
            "Fiat Top Up" | "Fiat Off-ramp" => assert_eq!(cp, ZERO),
            _ => assert!(cp != MERCHANT && cp != CASHBACK),
        }
        assert!(amounts[i].is_some_and(|x| x > 0.0), "amount_usd");
    }
    assert_eq!(seen.len(), 8, "every action of §13.2: {seen:?}");
    assert!(
        seen["Payment"]
            > seen
                .values()
                .filter(|&&n| n != seen["Payment"])
                .sum::<usize>()
    );

    // Unique on (wallet, ts, tx, token, counterparty, direction); wallets are GP Safes.
    let key: HashSet<_> = d
        .strs(t, "wallet_address")
        .into_iter()
        .zip(d.tss(t, "block_timestamp"))
        .zip(d.strs(t, "transaction_hash"))
        .zip(d.strs(t, "token_address"))
        .zip(counterparties.iter().zip(&directions))
        .collect();
    assert_eq!(key.len(), actions.len(), "the unique key of §13.2 holds");
    let wallets: HashSet<String> = d
        .strs("int_execution_gpay_wallets", "address")
        .into_iter()
        .collect();
    assert_eq!(
        wallets.len(),
        d.rows("int_execution_gpay_wallets"),
        "wallets are unique"
    );
    assert!(
        d.strs(t, "wallet_address")
            .iter()
            .all(|w| wallets.contains(w))
    );
}

#[test]
fn safes_have_shared_delegates_several_owners_and_migrations() {
    let d = d();
    let o = "int_execution_safes_owner_events";
    let mut by_safe: HashMap<String, usize> = HashMap::new();
    let mut by_owner: HashMap<String, HashSet<String>> = HashMap::new();
    let mut kinds = BTreeSet::new();
    for ((safe, owner), kind) in d
        .strs(o, "safe_address")
        .into_iter()
        .zip(d.str(o, "owner"))
        .zip(d.strs(o, "event_kind"))
    {
        if kind == "safe_setup" {
            *by_safe.entry(safe.clone()).or_default() += 1;
            by_owner
                .entry(owner.expect("owner"))
                .or_default()
                .insert(safe);
        } else if kind == "changed_threshold" {
            assert!(owner.is_none());
        }
        kinds.insert(kind);
    }
    assert_eq!(kinds.len(), 4, "{kinds:?}");
    let wallets = d.strs("int_execution_gpay_wallets", "address");
    assert!(
        wallets.iter().all(|w| by_safe.contains_key(w)),
        "every Safe has setup owners"
    );
    assert!(
        by_safe.values().filter(|&&n| n >= 2).count() > 50,
        "multi-owner Safes"
    );
    assert!(
        by_owner.values().filter(|s| s.len() >= 2).count() > 5,
        "owners of several Safes"
    );

    let t = "int_execution_gpay_spender_delegates_current";
    let mut per_delegate: HashMap<String, HashSet<String>> = HashMap::new();
    for (safe, delegate) in d
        .strs(t, "gp_safe")
        .into_iter()
        .zip(d.str(t, "delegate_address"))
    {
        per_delegate
            .entry(delegate.expect("delegate"))
            .or_default()
            .insert(safe);
    }
    let shared = per_delegate.values().map(HashSet::len).max().unwrap_or(0);
    assert!(
        shared as f64 >= 0.95 * wallets.len() as f64,
        "one delegate for almost every Safe"
    );
    assert!(per_delegate.len() > 1);

    let c = "int_execution_gpay_safe_canonical";
    let (old, new, at) = (
        d.strs(c, "address"),
        d.strs(c, "canonical_address"),
        d.tss(c, "migrated_at"),
    );
    assert!(old.len() >= 10, "{} migrations", old.len());
    let a = "int_execution_gpay_activity";
    let activity: Vec<(String, i64)> = d
        .strs(a, "wallet_address")
        .into_iter()
        .zip(d.tss(a, "block_timestamp"))
        .collect();
    for ((old, new), at) in old.iter().zip(&new).zip(&at) {
        assert!(wallets.contains(old) && wallets.contains(new));
        assert!(
            activity.iter().all(|(w, ts)| w != old || ts <= at),
            "{old} is active after its migration"
        );
        assert!(
            activity.iter().any(|(w, ts)| w == new && ts >= at),
            "{new} has activity"
        );
    }
}

#[test]
fn mmm_sources_cover_every_day_with_their_quirks() {
    let d = d();
    let (first, end) = d.range_days();
    let all_days: BTreeSet<i32> = (first..end).collect();
    for t in [
        "fct_execution_pools_daily",
        "fct_execution_trades_by_protocol_daily",
        "fct_execution_gnosis_app_users_daily",
        "int_execution_pools_metrics_daily",
        "int_execution_token_prices_daily",
        "int_execution_transactions_info_daily",
    ] {
        assert_eq!(
            d.dates(t, "date").into_iter().collect::<BTreeSet<_>>(),
            all_days,
            "{t}"
        );
    }
    let rewards = d.tss("int_consensus_validators_proposer_rewards_daily", "date");
    assert!(rewards.iter().all(|ts| ts % DAY == 0), "start of day");
    let reward_days: BTreeSet<i32> = rewards.iter().map(|ts| (ts / DAY) as i32).collect();
    assert_eq!(reward_days, all_days);

    // Exactly one week in which every pool's fee_apr_7d is NULL, a whole week inside the range.
    let m = "int_execution_pools_metrics_daily";
    let mut weeks: BTreeMap<i32, (usize, usize)> = BTreeMap::new();
    for (date, apr) in d.dates(m, "date").into_iter().zip(d.f64(m, "fee_apr_7d")) {
        let e = weeks.entry(date - weekday(date)).or_default();
        e.0 += 1;
        e.1 += usize::from(apr.is_none());
    }
    let null_weeks: Vec<i32> = weeks
        .iter()
        .filter(|(_, (n, nulls))| n == nulls)
        .map(|(w, _)| *w)
        .collect();
    assert_eq!(null_weeks.len(), 1, "{null_weeks:?}");
    assert!(null_weeks[0] >= first && null_weeks[0] + 7 <= end);
    assert!(
        d.f64(m, "tvl_usd")
            .iter()
            .any(|t| t.is_some_and(|t| t <= 0.0)),
        "a drained pool"
    );

    // Prices: the control symbols in production's mixed case, unique per (date, symbol).
    let p = "int_execution_token_prices_daily";
    let symbols = d.strs(p, "symbol");
    let upper: BTreeSet<String> = symbols.iter().map(|s| s.to_uppercase()).collect();
    for s in ["GNO", "WETH", "WXDAI", "EURE"] {
        assert!(upper.contains(s), "{s}");
    }
    assert!(
        symbols
            .iter()
            .any(|s| s.chars().any(|c| c.is_ascii_lowercase())),
        "mixed case"
    );
    let keys: HashSet<_> = d.dates(p, "date").into_iter().zip(&symbols).collect();
    assert_eq!(keys.len(), symbols.len());
    assert_eq!(
        symbols.iter().filter(|s| *s == "GNO").count(),
        all_days.len(),
        "GNO every day"
    );

    // GA aggregates agree with the GA tables (scenario rows excluded).
    let u = "fct_execution_gnosis_app_users_daily";
    assert_eq!(
        d.u64s(u, "new_users").iter().sum::<u64>(),
        u64::from(d.config.users)
    );
    assert!(
        d.u64s(u, "active_users")
            .iter()
            .zip(d.u64s(u, "new_users"))
            .all(|(a, n)| *a >= n)
    );
    let w = "fct_execution_gnosis_app_gpay_topups_weekly";
    assert!(
        d.dates(w, "week").iter().all(|&day| weekday(day) == 0),
        "Mondays"
    );
    let generated_topups = d
        .strs("int_execution_gnosis_app_gpay_topups", "ga_user")
        .iter()
        .filter(|a| !a.starts_with("0x5ce0"))
        .count() as u64;
    assert_eq!(d.u64s(w, "n_topups").iter().sum::<u64>(), generated_topups);

    // Token-offer claims: a tie-heavy media, zero in at least a tenth of the weeks.
    let claim_weeks: BTreeSet<i32> = d
        .tss(
            "int_execution_gnosis_app_token_offer_claims",
            "block_timestamp",
        )
        .iter()
        .map(|ts| {
            let day = (ts / DAY) as i32;
            day - weekday(day)
        })
        .collect();
    let full_weeks: Vec<i32> = (first..end - 6).filter(|&day| weekday(day) == 0).collect();
    let zero = full_weeks
        .iter()
        .filter(|w| !claim_weeks.contains(w))
        .count();
    assert!(
        zero * 10 >= full_weeks.len() && zero < full_weeks.len(),
        "{zero} of {} weeks",
        full_weeks.len()
    );

    // Pectra (2025-05-07, day 20215) brings set-code transactions; success is 0 or 1.
    let x = "int_execution_transactions_info_daily";
    let pectra = 20_215;
    let set_code: Vec<i32> = d
        .dates(x, "date")
        .into_iter()
        .zip(d.strs(x, "transaction_type"))
        .filter(|(_, t)| t == "set_code")
        .map(|(day, _)| day)
        .collect();
    assert!(!set_code.is_empty() && set_code.iter().all(|&day| day >= pectra));
    assert!(d.u8s(x, "success").iter().all(|&s| s <= 1));
    assert!(d.i32s(x, "gas_price_median").iter().all(|&g| g >= 1));
}

#[test]
fn holiday_weeks_are_quieter() {
    let d = d();
    let u = "fct_execution_gnosis_app_users_daily";
    let active: BTreeMap<i32, u64> = d
        .dates(u, "date")
        .into_iter()
        .zip(d.u64s(u, "active_users"))
        .collect();
    // The seed's holiday Mondays in the default range, each against the weeks two before and after.
    let (mut holiday, mut around) = (0.0, 0.0);
    for monday in [20_199, 20_444, 20_451, 20_549] {
        let week = |m: i32| {
            (m..m + 7)
                .map(|day| active.get(&day).copied().unwrap_or(0) as f64)
                .sum::<f64>()
        };
        holiday += week(monday);
        around += (week(monday - 14) + week(monday + 14)) / 2.0;
    }
    assert!(
        holiday < 0.85 * around,
        "holiday weeks {holiday} vs around {around}"
    );
}
