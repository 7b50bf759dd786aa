//! Tests of the funnel module: ClickHouse parity (cases evaluated by chDB, and a literal
//! transliteration of ClickHouse's algorithm as an oracle), spec §2.4, properties, and the grouping.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;
use crate::table::Dict;

const CHDB_CASES: &str = include_str!("../../tests/data/funnel_chdb_cases.txt");

fn modes(options: &[&str]) -> FunnelModes {
    FunnelModes::from_options(options.iter().copied()).expect("valid modes")
}

fn level(steps: &str, events: &[(i64, char)], window_s: u64, m: FunnelModes) -> usize {
    let steps: Vec<char> = steps.chars().collect();
    window_funnel_level(&steps, events, window_s, m).expect("valid parameters")
}

/// A case as parsed from the chDB file.
#[derive(Debug)]
struct Case {
    window_s: u64,
    modes: FunnelModes,
    steps: Vec<String>,
    events: Vec<(i64, String)>,
    level: usize,
}

fn parse_case(line: &str) -> Case {
    let fields: Vec<&str> = line.split(' ').collect();
    assert_eq!(fields.len(), 5, "malformed case line: {line}");
    let options: Vec<&str> = match fields[1] {
        "-" => Vec::new(),
        list => list.split(',').collect(),
    };
    Case {
        window_s: fields[0].parse().expect("window"),
        modes: modes(&options),
        steps: fields[2].split(',').map(str::to_owned).collect(),
        events: fields[3]
            .split(',')
            .map(|e| {
                let (kind, ts) = e.split_once('@').expect("kind@ts");
                (ts.parse().expect("ts"), kind.to_owned())
            })
            .collect(),
        level: fields[4].parse().expect("level"),
    }
}

fn chdb_cases() -> Vec<Case> {
    CHDB_CASES
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(parse_case)
        .collect()
}

#[test]
fn every_chdb_case_matches_clickhouse() {
    let cases = chdb_cases();
    assert!(cases.len() >= 600, "only {} cases in the file", cases.len());
    let mut failures = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let got = window_funnel_level(&c.steps, &c.events, c.window_s, c.modes).expect("valid");
        if got != c.level {
            failures.push(format!(
                "case {i}: {c:?}: engine {got}, ClickHouse {}",
                c.level
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn chdb_cases_cover_every_mode_and_level() {
    let cases = chdb_cases();
    let count = |f: fn(&FunnelModes) -> bool| cases.iter().filter(|c| f(&c.modes)).count();
    assert!(count(|m| m.strict_order) > 50);
    assert!(count(|m| m.strict_deduplication) > 50);
    assert!(count(|m| m.strict_increase) > 50);
    assert!(count(|m| m.strict_once) > 50);
    assert!(count(|m| m.allow_reentry) > 20);
    assert!(count(|m| *m == FunnelModes::default()) > 50);
    for l in 0..=5 {
        assert!(cases.iter().any(|c| c.level == l), "no case at level {l}");
    }
}

#[test]
fn chdb_cases_agree_with_the_transliteration() {
    for c in chdb_cases() {
        let steps: Vec<&str> = c.steps.iter().map(String::as_str).collect();
        let events: Vec<(i64, &str)> = c.events.iter().map(|(t, k)| (*t, k.as_str())).collect();
        assert_eq!(
            reference_level(&steps, &events, c.window_s, c.modes),
            c.level,
            "{c:?}"
        );
    }
}

// Spec §2.4, W = 100, steps a, b, c, default mode.

#[test]
fn spec_all_three_in_order() {
    assert_eq!(
        level("abc", &[(10, 'a'), (20, 'b'), (30, 'c')], 100, modes(&[])),
        3
    );
}

#[test]
fn spec_window_is_inclusive() {
    assert_eq!(
        level("abc", &[(10, 'a'), (110, 'b'), (111, 'c')], 100, modes(&[])),
        2
    );
}

#[test]
fn spec_input_order_does_not_matter() {
    assert_eq!(level("abc", &[(20, 'b'), (10, 'a')], 100, modes(&[])), 2);
}

#[test]
fn spec_step_before_the_start_does_not_count() {
    assert_eq!(
        level("abc", &[(5, 'b'), (10, 'a'), (30, 'c')], 100, modes(&[])),
        1
    );
}

#[test]
fn spec_no_first_step_is_level_zero() {
    assert_eq!(level("abc", &[(10, 'b'), (20, 'c')], 100, modes(&[])), 0);
}

#[test]
fn spec_chain_restarts_at_a_later_first_step() {
    let events = [(10, 'a'), (200, 'a'), (250, 'b'), (260, 'c')];
    assert_eq!(level("abc", &events, 100, modes(&[])), 3);
}

#[test]
fn spec_steps_cannot_be_skipped() {
    assert_eq!(
        level("abc", &[(10, 'a'), (30, 'c'), (40, 'b')], 100, modes(&[])),
        2
    );
}

#[test]
fn spec_same_second_in_any_input_order() {
    let perms = [
        ['a', 'b', 'c'],
        ['a', 'c', 'b'],
        ['b', 'a', 'c'],
        ['b', 'c', 'a'],
        ['c', 'a', 'b'],
        ['c', 'b', 'a'],
    ];
    for p in perms {
        let events: Vec<(i64, char)> = p.iter().map(|&k| (10, k)).collect();
        assert_eq!(level("abc", &events, 100, modes(&[])), 3, "{p:?}");
    }
}

// Modes, one behaviour each (all confirmed by chDB 26.9 when this was written).

#[test]
fn one_event_serves_two_steps_unless_strict_once() {
    assert_eq!(level("aa", &[(10, 'a')], 5, modes(&[])), 2);
    assert_eq!(level("aa", &[(10, 'a')], 5, modes(&["strict_once"])), 1);
    assert_eq!(
        level("aa", &[(10, 'a'), (10, 'a')], 5, modes(&["strict_once"])),
        2
    );
    assert_eq!(
        level("aba", &[(1, 'a'), (1, 'b')], 5, modes(&["strict_once"])),
        2
    );
    assert_eq!(
        level(
            "aba",
            &[(0, 'a'), (1, 'a'), (1, 'b')],
            5,
            modes(&["strict_once"])
        ),
        3
    );
}

#[test]
fn strict_order_stops_at_an_unrelated_event() {
    let events = [(1, 'a'), (2, 'b'), (3, 'x'), (4, 'c')];
    assert_eq!(level("abc", &events, 10, modes(&[])), 3);
    assert_eq!(level("abc", &events, 10, modes(&["strict_order"])), 2);
    // Before the first step-1 event, unrelated events are ignored.
    let early = [(0, 'x'), (1, 'a'), (2, 'b'), (4, 'c')];
    assert_eq!(level("abc", &early, 10, modes(&["strict_order"])), 3);
}

#[test]
fn strict_order_stops_at_an_early_step_unless_reentry() {
    let events = [(1, 'a'), (2, 'c'), (3, 'b'), (4, 'c')];
    assert_eq!(level("abc", &events, 10, modes(&["strict_order"])), 1);
    assert_eq!(
        level(
            "abc",
            &events,
            10,
            modes(&["strict_order", "allow_reentry"])
        ),
        3
    );
    // allow_reentry does not forgive unrelated events.
    let other = [(1, 'a'), (2, 'x'), (3, 'b')];
    assert_eq!(
        level("ab", &other, 10, modes(&["strict_order", "allow_reentry"])),
        1
    );
}

#[test]
fn strict_deduplication_stops_at_a_repeated_step() {
    let events = [(1, 'a'), (2, 'b'), (3, 'b'), (4, 'c')];
    assert_eq!(level("abc", &events, 10, modes(&[])), 3);
    assert_eq!(
        level("abc", &events, 10, modes(&["strict_deduplication"])),
        2
    );
    // A repeated first step starts a new chain instead.
    let restart = [(1, 'a'), (2, 'a'), (3, 'b'), (4, 'c')];
    assert_eq!(
        level("abc", &restart, 10, modes(&["strict_deduplication"])),
        3
    );
}

#[test]
fn strict_increase_needs_later_seconds() {
    let events = [(1, 'a'), (1, 'b'), (2, 'c')];
    assert_eq!(level("abc", &events, 10, modes(&[])), 3);
    assert_eq!(level("abc", &events, 10, modes(&["strict_increase"])), 1);
    // The latest chain hides the older one, unless strict_once tracks every chain.
    let hidden = [(0, 'a'), (5, 'a'), (5, 'b')];
    assert_eq!(level("ab", &hidden, 10, modes(&["strict_increase"])), 1);
    assert_eq!(
        level(
            "ab",
            &hidden,
            10,
            modes(&["strict_increase", "strict_once"])
        ),
        2
    );
}

#[test]
fn window_zero_allows_same_second_chains_only() {
    assert_eq!(level("ab", &[(3, 'a'), (3, 'b')], 0, modes(&[])), 2);
    assert_eq!(level("ab", &[(3, 'a'), (4, 'b')], 0, modes(&[])), 1);
}

#[test]
fn huge_windows_and_timestamps_do_not_overflow() {
    let events = [(i64::MIN, 'a'), (0, 'b'), (i64::MAX, 'c')];
    assert_eq!(level("abc", &events, u64::MAX, modes(&[])), 3);
    // b is 2⁶³ s after a.
    assert_eq!(level("abc", &events, 1 << 63, modes(&[])), 2);
    assert_eq!(level("abc", &events, (1 << 63) - 1, modes(&[])), 1);
}

#[test]
fn many_steps_are_fine() {
    let steps: Vec<u32> = (0..100).map(|i| i % 7).collect();
    let events: Vec<(i64, u32)> = steps
        .iter()
        .enumerate()
        .map(|(t, &k)| (t as i64, k))
        .collect();
    let all = window_funnel_level(&steps, &events, 1_000, FunnelModes::default());
    assert_eq!(all, Ok(100));
    let once = window_funnel_level(&steps, &events, 1_000, modes(&["strict_once"]));
    assert_eq!(once, Ok(100));
    let short = window_funnel_level(&steps, &events, 49, FunnelModes::default());
    assert_eq!(short, Ok(50));
}

#[test]
fn bad_parameters_are_errors() {
    let none: [char; 0] = [];
    assert!(matches!(
        window_funnel_level(&none, &[(1, 'a')], 5, FunnelModes::default()),
        Err(Error::InvalidParameter { name: "steps", .. })
    ));
    let reentry = FunnelModes {
        allow_reentry: true,
        ..FunnelModes::default()
    };
    assert!(matches!(
        window_funnel_level(&['a'], &[(1, 'a')], 5, reentry),
        Err(Error::InvalidParameter { name: "modes", .. })
    ));
    assert!(FunnelModes::from_options(["strict"]).is_err());
    assert!(FunnelModes::from_options(["strict_orderr"]).is_err());
    let all = [
        "strict_order",
        "strict_deduplication",
        "strict_increase",
        "strict_once",
        "allow_reentry",
    ];
    assert_eq!(
        FunnelModes::from_options(all).map(|m| m.options()),
        Ok(all.to_vec())
    );
}

#[test]
fn recorded_chain_is_the_first_to_reach_the_final_level() {
    let chain = |events: &[(i64, char)], m: FunnelModes| {
        let steps: Vec<char> = "abc".chars().collect();
        window_funnel_chain(&steps, events, 100, m).expect("valid")
    };
    // The chain restarts at the latest a before b.
    let c = chain(&[(0, 'a'), (50, 'a'), (60, 'b')], modes(&[]));
    assert_eq!((c.level, c.step_ts), (2, vec![50, 60]));
    // Later completions of the final level do not replace the first one.
    let c = chain(&[(0, 'a'), (10, 'b'), (20, 'a'), (25, 'b')], modes(&[]));
    assert_eq!((c.level, c.step_ts), (2, vec![0, 10]));
    let c = chain(
        &[(0, 'a'), (10, 'b'), (20, 'a'), (25, 'b'), (40, 'c')],
        modes(&[]),
    );
    assert_eq!((c.level, c.step_ts), (3, vec![20, 25, 40]));
    // strict_once: same-second steps come from the same second.
    let c = chain(&[(0, 'a'), (7, 'b'), (7, 'c')], modes(&["strict_once"]));
    assert_eq!((c.level, c.step_ts), (3, vec![0, 7, 7]));
    let c = chain(
        &[(0, 'a'), (5, 'a'), (5, 'b')],
        modes(&["strict_increase", "strict_once"]),
    );
    assert_eq!((c.level, c.step_ts), (2, vec![0, 5]));
    assert_eq!(chain(&[(1, 'b')], modes(&[])).step_ts, Vec::<i64>::new());
}

/// ClickHouse's `windowFunnel`, transliterated line by line (entries, sort, and both
/// bookkeepings, including the list of every chain under strict_once). Slow and allocating; the
/// oracle for the scan.
fn reference_level<K: PartialEq>(
    steps: &[K],
    events: &[(i64, K)],
    window_s: u64,
    m: FunnelModes,
) -> usize {
    let n = steps.len();
    // (ts, condition index 1..=n or 0 for an event matching nothing, unique id = row number).
    let mut list: Vec<(i64, usize, usize)> = Vec::new();
    for (id, (ts, kind)) in events.iter().enumerate() {
        let mut has_event = false;
        for i in (1..=n).rev() {
            if steps[i - 1] == *kind {
                list.push((*ts, i, id));
                has_event = true;
            }
        }
        if m.strict_order && !has_event {
            list.push((*ts, 0, id));
        }
    }
    if list.is_empty() {
        return 0;
    }
    if !m.strict_order && n == 1 {
        return 1;
    }
    if m.strict_once {
        list.sort();
    } else {
        list.sort_by_key(|&(ts, i, _)| (ts, i));
    }
    let in_window =
        |first: i64, ts: i64| i128::from(ts) <= i128::from(first) + i128::from(window_s);
    let highest = |has: &[bool]| has.iter().rposition(|&h| h).map_or(0, |p| p + 1);
    if !m.strict_once {
        let mut state: Vec<Option<(i64, i64)>> = vec![None; n];
        let mut first_event = false;
        for &(ts, cond, _) in &list {
            if m.strict_order && cond == 0 {
                if first_event {
                    break;
                }
                continue;
            }
            let e = cond - 1;
            if e == 0 {
                state[0] = Some((ts, ts));
                first_event = true;
            } else if m.strict_deduplication && state[e].is_some() {
                let has: Vec<bool> = state.iter().map(Option::is_some).collect();
                return highest(&has);
            } else if m.strict_order && first_event && state[e - 1].is_none() {
                if m.allow_reentry {
                    continue;
                }
                return state.iter().position(Option::is_none).unwrap_or(n);
            } else if let Some((first, last)) = state[e - 1] {
                let mut matched = in_window(first, ts);
                if m.strict_increase {
                    matched = matched && last < ts;
                }
                if matched {
                    state[e] = Some((first, ts));
                    if e + 1 == n {
                        return n;
                    }
                }
            }
        }
        let has: Vec<bool> = state.iter().map(Option::is_some).collect();
        return highest(&has);
    }
    // strict_once: every chain, with the ids of its events.
    struct Seq {
        first: i64,
        last: i64,
        path: Vec<usize>,
    }
    let mut seqs: Vec<Vec<Seq>> = (0..n).map(|_| Vec::new()).collect();
    let mut has_first = false;
    for &(ts, cond, id) in &list {
        if m.strict_order && cond == 0 {
            if has_first {
                break;
            }
            continue;
        }
        let e = cond - 1;
        if e == 0 {
            seqs[0].push(Seq {
                first: ts,
                last: ts,
                path: vec![id],
            });
            has_first = true;
        } else if m.strict_deduplication && !seqs[e].is_empty() {
            let has: Vec<bool> = seqs.iter().map(|s| !s.is_empty()).collect();
            return highest(&has);
        } else if m.strict_order && has_first && seqs[e - 1].is_empty() {
            if m.allow_reentry {
                continue;
            }
            return seqs.iter().position(Vec::is_empty).unwrap_or(n);
        } else if !seqs[e - 1].is_empty() {
            let mut created = Vec::new();
            for s in &seqs[e - 1] {
                let ok = in_window(s.first, ts)
                    && !s.path.contains(&id)
                    && (!m.strict_increase || s.last < ts);
                if ok {
                    let mut path = s.path.clone();
                    path.push(id);
                    created.push(Seq {
                        first: s.first,
                        last: ts,
                        path,
                    });
                }
            }
            if !created.is_empty() && e + 1 == n {
                return n;
            }
            seqs[e].extend(created);
        }
    }
    let has: Vec<bool> = seqs.iter().map(|s| !s.is_empty()).collect();
    highest(&has)
}

fn arb_modes() -> impl Strategy<Value = FunnelModes> {
    (any::<[bool; 4]>(), any::<bool>()).prop_map(|(f, reentry)| FunnelModes {
        strict_order: f[0],
        strict_deduplication: f[1],
        strict_increase: f[2],
        strict_once: f[3],
        allow_reentry: f[0] && reentry,
    })
}

/// Steps over kinds 0..4 and events over kinds 0..5 (kind 4 never a step), on a short time axis.
fn arb_group(max_events: usize) -> impl Strategy<Value = (Vec<u8>, Vec<(i64, u8)>, u64)> {
    (
        prop::collection::vec(0u8..4, 1..7),
        prop::collection::vec((0i64..30, 0u8..5), 0..max_events),
        0u64..40,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn scan_equals_the_transliteration((steps, events, window_s) in arb_group(16), m in arb_modes()) {
        let got = window_funnel_level(&steps, &events, window_s, m).expect("valid");
        prop_assert_eq!(got, reference_level(&steps, &events, window_s, m));
    }

    #[test]
    fn level_is_at_most_the_step_count((steps, events, window_s) in arb_group(40), m in arb_modes()) {
        let got = window_funnel_level(&steps, &events, window_s, m).expect("valid");
        prop_assert!(got <= steps.len());
    }

    #[test]
    fn level_is_zero_exactly_without_a_first_step(
        (steps, events, window_s) in arb_group(40),
        m in arb_modes(),
    ) {
        let got = window_funnel_level(&steps, &events, window_s, m).expect("valid");
        let has_first = events.iter().any(|(_, k)| *k == steps[0]);
        prop_assert_eq!(got == 0, !has_first);
    }

    #[test]
    fn adding_an_event_never_lowers_the_default_level(
        (steps, mut events, window_s) in arb_group(40),
        extra in (0i64..30, 0u8..5),
    ) {
        let m = FunnelModes::default();
        let before = window_funnel_level(&steps, &events, window_s, m).expect("valid");
        events.push(extra);
        let after = window_funnel_level(&steps, &events, window_s, m).expect("valid");
        prop_assert!(after >= before, "{} then {}", before, after);
    }

    #[test]
    fn times_to_convert_start_at_zero_and_grow(
        (steps, events, window_s) in arb_group(30),
        m in arb_modes(),
    ) {
        let c = window_funnel_chain(&steps, &events, window_s, m).expect("valid");
        prop_assert_eq!(c.step_ts.len(), c.level);
        for w in c.step_ts.windows(2) {
            prop_assert!(w[0] <= w[1]);
        }
        if let (Some(first), Some(last)) = (c.step_ts.first(), c.step_ts.last()) {
            prop_assert!(last.abs_diff(*first) <= window_s);
            if m.strict_increase {
                for w in c.step_ts.windows(2) {
                    prop_assert!(w[0] < w[1]);
                }
            }
        }
    }
}

// Grouping over an extract.

fn extract(rows: &[(u32, i64, &str)]) -> FunnelEvents {
    FunnelEvents {
        user_id: rows.iter().map(|r| r.0).collect(),
        event_ts: rows.iter().map(|r| r.1).collect(),
        event_kind: Dict::from_strs(rows.iter().map(|r| r.2)),
    }
}

fn params(steps: &[&str], window_s: u64, grouping: Grouping) -> FunnelParams {
    FunnelParams {
        steps: steps.iter().map(|s| (*s).to_owned()).collect(),
        window_s,
        modes: FunnelModes::default(),
        grouping,
        with_rows: true,
    }
}

const DAY: i64 = 86_400;

/// Day 20_000 is 2024-10-04. User 7 crosses midnight; user 3 only does step 2; user 9 does
/// nothing relevant.
fn sample() -> FunnelEvents {
    let d = 20_000 * DAY;
    extract(&[
        (7, d + DAY - 10, "open"),
        (3, d + 5, "swap"),
        (7, d + DAY + 20, "swap"),
        (5, d + 100, "open"),
        (5, d + 160, "swap"),
        (5, d + 400, "topup"),
        (7, d + DAY + 30, "topup"),
        (9, d + 50, "browse"),
        (5, d + 2 * DAY, "open"),
    ])
}

#[test]
fn per_day_groups_break_at_midnight() {
    let p = params(&["open", "swap", "topup"], 3_600, Grouping::PerDay);
    let r = funnel(&sample(), &p).expect("valid");
    let row = |date, user_id, level| FunnelRow {
        date: Some(date),
        user_id,
        level,
    };
    assert_eq!(
        r.rows,
        Some(vec![
            row(20_000, 3, 0),
            row(20_000, 5, 3),
            row(20_000, 7, 1),
            row(20_001, 7, 0),
            row(20_002, 5, 1),
        ])
    );
    assert_eq!(r.n_groups, 5);
    assert_eq!(r.users_per_level, vec![2, 2, 0, 1]);
    assert_eq!(r.reached, vec![3, 1, 1]);
    assert_eq!(r.step_conversion, vec![Some(1.0 / 3.0), Some(1.0)]);
    assert!(r.warnings.is_empty());
    assert_eq!(r.time_to_convert[0].step, 2);
    assert_eq!(r.time_to_convert[0].n, 1);
    assert_eq!(r.time_to_convert[0].median_s, Some(60.0));
    assert_eq!(r.time_to_convert[1].max_s, Some(300));
}

#[test]
fn range_groups_span_days_and_drop_outside_events() {
    let p = params(
        &["open", "swap", "topup"],
        3_600,
        Grouping::Range {
            from_date: 20_000,
            to_date: 20_001,
        },
    );
    let r = funnel(&sample(), &p).expect("valid");
    let row = |user_id, level| FunnelRow {
        date: None,
        user_id,
        level,
    };
    assert_eq!(r.rows, Some(vec![row(3, 0), row(5, 3), row(7, 3)]));
    assert_eq!(r.users_per_level, vec![1, 0, 0, 2]);
    assert_eq!(r.reached, vec![2, 2, 2]);
    let durations = time_to_convert_s(&sample(), &p).expect("valid");
    assert_eq!(durations, vec![vec![60, 30], vec![300, 40]]);
    let to_3 = &r.time_to_convert[1];
    assert_eq!(
        (to_3.n, to_3.min_s, to_3.max_s, to_3.mean_s),
        (2, Some(40), Some(300), Some(170.0))
    );
    assert_eq!(to_3.p25_s, Some(105.0));
    assert_eq!(to_3.p90_s, Some(274.0));
}

#[test]
fn absent_step_kinds_are_warnings() {
    let p = params(
        &["open", "teleport", "swap", "teleport"],
        3_600,
        Grouping::PerDay,
    );
    let r = funnel(&sample(), &p).expect("valid");
    assert_eq!(
        r.warnings,
        vec![
            FunnelWarning::StepKindAbsent {
                step: 2,
                event_kind: "teleport".into()
            },
            FunnelWarning::StepKindAbsent {
                step: 4,
                event_kind: "teleport".into()
            },
        ]
    );
    assert_eq!(r.reached[1..], [0, 0, 0]);
    assert_eq!(r.step_conversion, vec![Some(0.0), None, None]);
    assert_eq!(r.time_to_convert[0].n, 0);
    assert_eq!(r.time_to_convert[0].median_s, None);
    // Events outside the range do not count as present.
    let outside = params(
        &["open", "swap"],
        60,
        Grouping::Range {
            from_date: 20_002,
            to_date: 20_002,
        },
    );
    let r = funnel(&sample(), &outside).expect("valid");
    assert_eq!(r.n_groups, 1);
    assert_eq!(r.warnings.len(), 1);
}

#[test]
fn rows_are_optional_and_statistics_unchanged() {
    let mut p = params(&["open", "swap"], 3_600, Grouping::PerDay);
    let with = funnel(&sample(), &p).expect("valid");
    p.with_rows = false;
    let without = funnel(&sample(), &p).expect("valid");
    assert_eq!(without.rows, None);
    assert_eq!(without.users_per_level, with.users_per_level);
    assert_eq!(without.time_to_convert, with.time_to_convert);
}

#[test]
fn empty_extract_gives_zero_groups() {
    let r = funnel(
        &FunnelEvents::default(),
        &params(&["a", "b"], 10, Grouping::PerDay),
    )
    .expect("valid");
    assert_eq!(r.n_groups, 0);
    assert_eq!(r.users_per_level, vec![0, 0, 0]);
    assert_eq!(r.step_conversion, vec![None]);
    assert_eq!(r.rows, Some(vec![]));
    assert_eq!(r.warnings.len(), 2);
}

#[test]
fn bad_grouping_parameters_are_errors() {
    let events = sample();
    let p = params(&[], 10, Grouping::PerDay);
    assert!(matches!(
        funnel(&events, &p),
        Err(Error::InvalidParameter { name: "steps", .. })
    ));
    let p = params(
        &["open"],
        10,
        Grouping::Range {
            from_date: 5,
            to_date: 4,
        },
    );
    assert!(matches!(
        funnel(&events, &p),
        Err(Error::InvalidParameter {
            name: "grouping",
            ..
        })
    ));
    let mut p = params(&["open"], 10, Grouping::PerDay);
    p.modes.allow_reentry = true;
    assert!(funnel(&events, &p).is_err());
    let mut broken = sample();
    broken.event_ts.pop();
    assert!(funnel(&broken, &params(&["open"], 10, Grouping::PerDay)).is_err());
    let mut broken = sample();
    broken.event_kind.codes[0] = 99;
    assert!(funnel(&broken, &params(&["open"], 10, Grouping::PerDay)).is_err());
}

/// The grouping, done the obvious way: a map from group to events, then the single-group function.
fn grouped_by_hand(rows: &[(u32, i64, u8)], p: &FunnelParams) -> Vec<FunnelRow> {
    /// Events per `(date, user)` group.
    type Groups = BTreeMap<(Option<i32>, u32), Vec<(i64, String)>>;
    let mut groups = Groups::new();
    for &(user, ts, kind) in rows {
        let kind = format!("k{kind}");
        if !p.steps.contains(&kind) {
            continue;
        }
        let date = date_of_ts(ts);
        let key = match p.grouping {
            Grouping::PerDay => (Some(date), user),
            Grouping::Range { from_date, to_date } => {
                if date < from_date || date > to_date {
                    continue;
                }
                (None, user)
            }
        };
        groups.entry(key).or_default().push((ts, kind));
    }
    groups
        .into_iter()
        .map(|((date, user_id), events)| FunnelRow {
            date,
            user_id,
            level: window_funnel_level(&p.steps, &events, p.window_s, p.modes).expect("valid")
                as u32,
        })
        .collect()
}

fn arb_extract() -> impl Strategy<Value = Vec<(u32, i64, u8)>> {
    // Three time scales: seconds within a day, days, and a span too wide for 64-bit keys.
    let ts = prop_oneof![
        -3 * DAY..3 * DAY,
        (0i64..10, 0i64..DAY).prop_map(|(d, s)| d * DAY + s),
        prop::sample::select(vec![-(1i64 << 45), -1, 0, 1, 1i64 << 45]),
    ];
    let user = prop_oneof![0u32..4, Just(u32::MAX)];
    prop::collection::vec((user, ts, 0u8..5), 0..60)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn grouping_equals_grouping_by_hand(
        rows in arb_extract(),
        step_kinds in prop::collection::vec(0u8..4, 1..5),
        window_s in prop_oneof![0u64..100, Just(2 * DAY as u64)],
        m in arb_modes(),
        range in prop::option::of((-2i32..3, 0i32..8)),
    ) {
        let events = FunnelEvents {
            user_id: rows.iter().map(|r| r.0).collect(),
            event_ts: rows.iter().map(|r| r.1).collect(),
            event_kind: Dict::from_strs(rows.iter().map(|r| format!("k{}", r.2)).collect::<Vec<_>>().iter().map(String::as_str)),
        };
        let p = FunnelParams {
            steps: step_kinds.iter().map(|k| format!("k{k}")).collect(),
            window_s,
            modes: m,
            grouping: match range {
                None => Grouping::PerDay,
                Some((from_date, len)) => Grouping::Range { from_date, to_date: from_date + len },
            },
            with_rows: true,
        };
        let r = funnel(&events, &p).expect("valid");
        let expected = grouped_by_hand(&rows, &p);
        prop_assert_eq!(r.n_groups, expected.len() as u64);
        let mut per_level = vec![0u64; p.steps.len() + 1];
        for row in &expected {
            per_level[row.level as usize] += 1;
        }
        prop_assert_eq!(&r.users_per_level, &per_level);
        prop_assert_eq!(r.rows, Some(expected));
    }
}
