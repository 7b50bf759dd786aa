//! Attribution: the golden example of spec §8.2, the §13.4 scenarios, position-based edge cases,
//! and properties (every rule sums to 1 per tracked conversion; a sweep equals single runs).

use mensura_engine::attribution::{
    AttributionParams, AttributionRow, DecayKernel, LagMode, PositionWeights, RankFlip, Rule,
    SweepCell, SweepParams, attribute, rank_flips, sweep,
};
use mensura_engine::date::days_from_civil;
use proptest::prelude::*;

use crate::common::{RawConversion, RawEvent, build, close, journeys, ts};

fn ev(user: u64, kind: &'static str, ts: i64) -> RawEvent {
    RawEvent {
        user,
        role: None,
        kind,
        ts,
    }
}

fn conv(user: u64, kind: &'static str, ts: i64) -> RawConversion {
    RawConversion {
        user,
        role: None,
        kind,
        ts,
    }
}

/// The fixture of spec §8.2.
fn golden() -> (Vec<RawConversion>, Vec<RawEvent>) {
    let events = vec![
        ev(101, "chain.onboard", ts(2026, 2, 20, 8, 0, 0)),
        ev(101, "mp.pageview", ts(2026, 3, 5, 9, 0, 0)),
        ev(101, "mp.pageview", ts(2026, 3, 9, 23, 59, 59)),
        ev(101, "chain.swap_signed", ts(2026, 3, 10, 11, 0, 0)),
        ev(101, "chain.swap_filled", ts(2026, 3, 10, 11, 0, 0)),
        ev(101, "chain.topup", ts(2026, 3, 8, 10, 0, 0)),
        ev(101, "mp.modal", ts(2026, 3, 10, 12, 0, 0)),
        ev(101, "mp.modal", ts(2026, 3, 10, 12, 0, 1)),
        ev(202, "chain.swap_filled", ts(2026, 3, 11, 10, 0, 0)),
        ev(202, "chain.swap_signed", ts(2026, 3, 11, 23, 0, 0)),
        ev(202, "mp.pageview", ts(2026, 3, 11, 23, 0, 0)),
    ];
    let conversions = vec![
        conv(101, "topup", ts(2026, 3, 10, 12, 0, 0)),
        conv(202, "swap_filled", ts(2026, 3, 12, 0, 0, 0)),
        conv(303, "topup", ts(2026, 3, 11, 0, 0, 0)),
    ];
    (conversions, events)
}

fn upstream(lookback_days: u32) -> AttributionParams {
    AttributionParams {
        lookback_days,
        kernel: DecayKernel::EFolding { efold_days: 7.0 },
        as_of: Some(days_from_civil(2026, 3, 20)),
        ..AttributionParams::default()
    }
}

fn row<'a>(
    rows: &'a [AttributionRow],
    conversion_kind: &str,
    event_kind: &str,
) -> &'a AttributionRow {
    rows.iter()
        .find(|r| r.conversion_kind == conversion_kind && r.event_kind == event_kind)
        .unwrap_or_else(|| panic!("no row {conversion_kind}/{event_kind}"))
}

fn e(d: f64) -> f64 {
    (-d / 7.0).exp()
}

#[test]
fn golden_30d_matches_spec() {
    let (c, ev) = golden();
    let (conversions, touches) = build(&c, &ev, 60);
    let j = journeys(&conversions, &touches);
    for lookback in [30, 60] {
        let out = attribute(&j, &upstream(lookback)).expect("valid params");
        assert_eq!(out.rows.len(), 6, "30d/60d have six rows");
        // Exact values from the definitions; the spec's td_sum values are e^{-lag/7} sums.
        let td_topup = e(18.0) + 1.0 + 1.0 + (e(5.0) + e(1.0));
        assert!(close(e(18.0), 0.076_426_286_990_768_07, 1e-15));
        assert!(close(e(5.0) + e(1.0), 1.356_419_559_307_134_6, 1e-15));
        let expect = [
            ("swap_filled", "chain.swap_signed", [0.5, 0.5, 0.5, 0.5], 1),
            ("swap_filled", "mp.pageview", [0.5, 0.5, 0.5, 0.5], 1),
            (
                "topup",
                "chain.onboard",
                [1.0, 0.0, 0.2, e(18.0) / td_topup],
                2,
            ),
            (
                "topup",
                "chain.swap_filled",
                [0.0, 0.5, 0.2, 1.0 / td_topup],
                2,
            ),
            (
                "topup",
                "chain.swap_signed",
                [0.0, 0.5, 0.2, 1.0 / td_topup],
                2,
            ),
            (
                "topup",
                "mp.pageview",
                [0.0, 0.0, 0.4, (e(5.0) + e(1.0)) / td_topup],
                2,
            ),
        ];
        for (ck, ek, [first, last, linear, td], total) in expect {
            let r = row(&out.rows, ck, ek);
            assert_eq!(r.conversions_with_touch, 1, "{ck}/{ek}");
            assert_eq!(r.total_conversions, total, "{ck}/{ek}");
            for (got, want, what) in [
                (r.first_touch, first, "first"),
                (r.last_touch, last, "last"),
                (r.linear, linear, "linear"),
                (r.time_decay, td, "time_decay"),
            ] {
                assert!(
                    close(got, want, 1e-12),
                    "{lookback}d {ck}/{ek} {what}: {got} vs {want}"
                );
            }
        }
        // The spec's 6-decimal table.
        for (ek, td) in [
            ("chain.onboard", 0.022263),
            ("chain.swap_filled", 0.291303),
            ("chain.swap_signed", 0.291303),
            ("mp.pageview", 0.395130),
        ] {
            assert!(
                (row(&out.rows, "topup", ek).time_decay - td).abs() < 5e-7,
                "{ek}"
            );
        }
    }
}

#[test]
fn golden_7d_matches_spec() {
    let (c, ev) = golden();
    let (conversions, touches) = build(&c, &ev, 60);
    let j = journeys(&conversions, &touches);
    let out = attribute(&j, &upstream(7)).expect("valid params");
    let topup: Vec<_> = out
        .rows
        .iter()
        .filter(|r| r.conversion_kind == "topup")
        .collect();
    assert_eq!(topup.len(), 3, "onboard falls out of the 7-day lookback");
    let td = 1.0 + 1.0 + e(5.0) + e(1.0);
    for (ek, [first, last, linear, t], rounded) in [
        (
            "mp.pageview",
            [1.0, 0.0, 0.5, (e(5.0) + e(1.0)) / td],
            0.404127,
        ),
        ("chain.swap_filled", [0.0, 0.5, 0.25, 1.0 / td], 0.297937),
        ("chain.swap_signed", [0.0, 0.5, 0.25, 1.0 / td], 0.297937),
    ] {
        let r = row(&out.rows, "topup", ek);
        assert!(close(r.first_touch, first, 1e-12) && close(r.last_touch, last, 1e-12));
        assert!(
            close(r.linear, linear, 1e-12) && close(r.time_decay, t, 1e-12),
            "{ek}"
        );
        assert!((r.time_decay - rounded).abs() < 5e-7, "{ek}");
        assert_eq!(
            r.total_conversions, 2,
            "user 303's untracked topup still counts"
        );
    }
    let totals = out
        .totals
        .iter()
        .find(|t| t.conversion_kind == "topup")
        .expect("topup total");
    assert_eq!(
        (
            totals.total_conversions,
            totals.conversions,
            totals.tracked_conversions
        ),
        (2, 2, 1)
    );
}

#[test]
fn position_based_golden() {
    let (c, ev) = golden();
    let (conversions, touches) = build(&c, &ev, 60);
    let j = journeys(&conversions, &touches);
    let out = attribute(&j, &upstream(30)).expect("valid params");
    // topup: onboard first (0.4), two pageviews in the middle (0.2), swap_signed and swap_filled
    // tie at the last second (0.4 split).
    for (ek, want) in [
        ("chain.onboard", 0.4),
        ("mp.pageview", 0.2),
        ("chain.swap_signed", 0.2),
        ("chain.swap_filled", 0.2),
    ] {
        assert!(
            close(row(&out.rows, "topup", ek).position_based, want, 1e-12),
            "{ek}"
        );
    }
    // swap_filled: both touches at one second, so the whole credit is split by kind.
    assert!(close(
        row(&out.rows, "swap_filled", "mp.pageview").position_based,
        0.5,
        1e-12
    ));
}

fn single(
    kinds_and_ts: &[(&'static str, i64)],
    conversion_ts: i64,
    lookback: u32,
    params: AttributionParams,
) -> Vec<AttributionRow> {
    let events: Vec<_> = kinds_and_ts.iter().map(|&(k, t)| ev(1, k, t)).collect();
    let (c, t) = build(&[conv(1, "topup", conversion_ts)], &events, 60);
    let j = journeys(&c, &t);
    attribute(
        &j,
        &AttributionParams {
            lookback_days: lookback,
            ..params
        },
    )
    .expect("valid")
    .rows
}

#[test]
fn position_based_short_journeys() {
    let c = ts(2026, 3, 10, 12, 0, 0);
    let p = upstream(30);
    let one = single(&[("mp.modal", c - 100)], c, 30, p.clone());
    assert!(close(one[0].position_based, 1.0, 1e-15));
    let two = single(
        &[("mp.modal", c - 100), ("mp.login", c - 50)],
        c,
        30,
        p.clone(),
    );
    assert!(close(
        row(&two, "topup", "mp.modal").position_based,
        0.5,
        1e-15
    ));
    assert!(close(
        row(&two, "topup", "mp.login").position_based,
        0.5,
        1e-15
    ));
    // Custom weights 30/40/30 with no middle touch: rescaled to 50/50; with 60/0/40: 60/40.
    let w = PositionWeights {
        first: 0.6,
        middle: 0.0,
        last: 0.4,
    };
    let two = single(
        &[("mp.modal", c - 100), ("mp.login", c - 50)],
        c,
        30,
        AttributionParams {
            position: w,
            ..p.clone()
        },
    );
    assert!(close(
        row(&two, "topup", "mp.modal").position_based,
        0.6,
        1e-15
    ));
    // Three touches, two of one kind in the middle, with the default 40/20/40.
    let three = single(
        &[
            ("mp.modal", c - 300),
            ("mp.login", c - 200),
            ("mp.login", c - 150),
            ("mp.feature", c - 10),
        ],
        c,
        30,
        p,
    );
    assert!(close(
        row(&three, "topup", "mp.login").position_based,
        0.2,
        1e-15
    ));
    assert!(close(
        row(&three, "topup", "mp.feature").position_based,
        0.4,
        1e-15
    ));
}

#[test]
fn scenarios_of_spec_13_4() {
    let c = ts(2026, 3, 10, 12, 0, 0);
    let p = upstream(7);
    // 1. Self-exclusion: an earlier topup is not a touch.
    assert!(single(&[("chain.topup", c - 3600)], c, 7, p.clone()).is_empty());
    // 2. Strict upper bound: a touch at the conversion's second is excluded.
    assert!(single(&[("mp.modal", c)], c, 7, p.clone()).is_empty());
    // 3. Lookback lower bound: exactly N·86400 s earlier is in, one second more is out.
    assert_eq!(
        single(&[("mp.modal", c - 7 * 86_400)], c, 7, p.clone()).len(),
        1
    );
    assert!(single(&[("mp.modal", c - 7 * 86_400 - 1)], c, 7, p.clone()).is_empty());
    // 4. First-touch tie between two kinds at the earliest second.
    let tie = single(
        &[
            ("mp.modal", c - 500),
            ("mp.login", c - 500),
            ("mp.feature", c - 5),
        ],
        c,
        7,
        p.clone(),
    );
    assert!(close(
        row(&tie, "topup", "mp.modal").first_touch,
        0.5,
        1e-15
    ));
    assert!(close(
        row(&tie, "topup", "mp.login").first_touch,
        0.5,
        1e-15
    ));
    assert!(close(
        row(&tie, "topup", "mp.feature").last_touch,
        1.0,
        1e-15
    ));
    // 5. Several touches of one kind sum in linear and time-decay.
    let many = single(
        &[
            ("mp.modal", c - 500),
            ("mp.modal", c - 400),
            ("mp.login", c - 5),
        ],
        c,
        7,
        p.clone(),
    );
    assert!(close(
        row(&many, "topup", "mp.modal").linear,
        2.0 / 3.0,
        1e-15
    ));
}

#[test]
fn window_and_untracked() {
    let day = ts(2026, 3, 10, 12, 0, 0);
    let conversions = vec![
        conv(1, "topup", day),
        conv(2, "topup", day - 181 * 86_400),
        conv(3, "topup", day),
        // 11. Same-key merge: counted twice in totals, once as a tracked key.
        conv(3, "topup", day),
    ];
    let events = vec![
        ev(1, "mp.modal", day - 10),
        ev(2, "mp.modal", day - 181 * 86_400 - 10),
        ev(3, "mp.login", day - 10),
    ];
    let (c, t) = build(&conversions, &events, 60);
    let j = journeys(&c, &t);
    let out = attribute(
        &j,
        &AttributionParams {
            as_of: Some(days_from_civil(2026, 3, 10)),
            ..upstream(30)
        },
    )
    .expect("valid");
    // 7. The 181-day-old conversion is in neither the rows nor the totals.
    assert_eq!(
        row(&out.rows, "topup", "mp.modal").conversions_with_touch,
        1
    );
    assert_eq!(
        row(&out.rows, "topup", "mp.login").conversions_with_touch,
        1
    );
    let total = &out.totals[0];
    assert_eq!(
        (
            total.total_conversions,
            total.conversions,
            total.tracked_conversions
        ),
        (3, 2, 2)
    );
    assert!(out.rows.iter().all(|r| r.total_conversions == 3));
    let first_sum: f64 = out.rows.iter().map(|r| r.first_touch).sum();
    assert!(first_sum <= total.total_conversions as f64);
}

#[test]
fn half_life_kernel_halves_per_half_life() {
    let k = DecayKernel::HalfLife {
        half_life_days: 4.0,
    };
    assert!(
        close(k.weight(4.0), 0.5, 1e-15)
            && close(k.weight(8.0), 0.25, 1e-15)
            && close(k.weight(0.0), 1.0, 0.0)
    );
    let c = ts(2026, 3, 10, 12, 0, 0);
    // Lags 0 and 4 calendar days: weights 1 and 0.5, shares 2/3 and 1/3.
    let rows = single(
        &[("mp.modal", c - 4 * 86_400), ("mp.login", c - 60)],
        c,
        30,
        AttributionParams {
            kernel: k,
            ..upstream(30)
        },
    );
    assert!(close(
        row(&rows, "topup", "mp.login").time_decay,
        2.0 / 3.0,
        1e-14
    ));
    // Exact lag: the modal touch is exactly 4 days back, the login one minute.
    let rows = single(
        &[("mp.modal", c - 4 * 86_400), ("mp.login", c - 60)],
        c,
        30,
        AttributionParams {
            kernel: k,
            lag: LagMode::Exact,
            ..upstream(30)
        },
    );
    let w_login = (-(60.0 / 86_400.0) / 4.0f64).exp2();
    assert!(close(
        row(&rows, "topup", "mp.modal").time_decay,
        0.5 / (0.5 + w_login),
        1e-14
    ));
}

#[test]
fn bad_parameters_are_errors() {
    let (c, ev) = golden();
    let (conversions, touches) = build(&c, &ev, 60);
    let j = journeys(&conversions, &touches);
    for p in [
        upstream(0),
        upstream(61),
        AttributionParams {
            kernel: DecayKernel::HalfLife {
                half_life_days: 0.0,
            },
            ..upstream(30)
        },
        AttributionParams {
            kernel: DecayKernel::EFolding {
                efold_days: f64::NAN,
            },
            ..upstream(30)
        },
        AttributionParams {
            position: PositionWeights {
                first: 0.5,
                middle: 0.5,
                last: 0.5,
            },
            ..upstream(30)
        },
    ] {
        let err = attribute(&j, &p).expect_err("invalid parameter");
        assert!(err.to_string().starts_with("invalid parameter"), "{err}");
    }
}

/// Random journeys: up to 30 conversions of two kinds, up to 8 touches each, with many ties.
fn random_journeys() -> impl Strategy<Value = (Vec<RawConversion>, Vec<RawEvent>)> {
    let kinds = [
        "mp.modal",
        "mp.login",
        "chain.onboard",
        "chain.topup",
        "mp.feature",
    ];
    let conv_kinds = ["topup", "swap_filled"];
    prop::collection::vec((0u64..6, 0usize..2, 0i64..40), 1..30).prop_flat_map(move |cs| {
        let base = ts(2026, 3, 1, 0, 0, 0);
        let conversions: Vec<RawConversion> = cs
            .iter()
            .map(|&(u, k, d)| conv(u, conv_kinds[k], base + d * 43_200))
            .collect();
        prop::collection::vec((0u64..6, 0usize..5, 0i64..120), 0..60).prop_map(move |es| {
            let events = es
                .iter()
                .map(|&(u, k, h)| ev(u, kinds[k], base + 20 * 86_400 - h * 21_600))
                .collect();
            let conversions = conversions.clone();
            (conversions, events)
        })
    })
}

proptest! {
    #[test]
    fn every_rule_sums_to_one_per_tracked_conversion((c, ev) in random_journeys(), lookback in 1u32..=60, hl in 0.5f64..60.0) {
        let (conversions, touches) = build(&c, &ev, 60);
        let j = journeys(&conversions, &touches);
        let params = AttributionParams {
            lookback_days: lookback,
            kernel: DecayKernel::HalfLife { half_life_days: hl },
            per_conversion: true,
            as_of: Some(days_from_civil(2026, 6, 1)),
            ..AttributionParams::default()
        };
        let out = attribute(&j, &params).expect("valid");
        let per = out.per_conversion.expect("requested");
        let mut sums = std::collections::BTreeMap::<u32, [f64; 5]>::new();
        for p in &per {
            let s = sums.entry(p.conversion_id).or_default();
            for (i, v) in [p.first_touch, p.last_touch, p.linear, p.time_decay, p.position_based].into_iter().enumerate() {
                s[i] += v;
            }
        }
        for (id, s) in &sums {
            for (i, v) in s.iter().enumerate() {
                prop_assert!((v - 1.0).abs() < 1e-12, "conversion {id} rule {} sums to {v}", Rule::ALL[i].column());
            }
        }
        let tracked: u64 = out.totals.iter().map(|t| t.tracked_conversions).sum();
        prop_assert_eq!(tracked as usize, sums.len());
        for t in &out.totals {
            let first: f64 = out.rows.iter().filter(|r| r.conversion_kind == t.conversion_kind).map(|r| r.first_touch).sum();
            prop_assert!(first <= t.total_conversions as f64 + 1e-9);
        }
    }

    #[test]
    fn sweep_equals_single_runs((c, ev) in random_journeys(), exact in any::<bool>()) {
        let (conversions, touches) = build(&c, &ev, 60);
        let j = journeys(&conversions, &touches);
        let lag = if exact { LagMode::Exact } else { LagMode::Calendar };
        let kernels = vec![DecayKernel::HalfLife { half_life_days: 1.5 }, DecayKernel::EFolding { efold_days: 7.0 }];
        let lookbacks = vec![1, 7, 14, 30, 60];
        let s = sweep(&j, &SweepParams {
            lookbacks_days: lookbacks.clone(),
            kernels: kernels.clone(),
            window_days: 180,
            as_of: Some(days_from_civil(2026, 6, 1)),
            lag,
            position: PositionWeights::default(),
            by_role: true,
            rank_by: Rule::TimeDecay,
            reference_cell: 0,
        }).expect("valid");
        for (i, cell) in s.cells.iter().enumerate() {
            let single = attribute(&j, &AttributionParams {
                lookback_days: lookbacks[i / 2],
                kernel: kernels[i % 2],
                lag,
                as_of: Some(days_from_civil(2026, 6, 1)),
                ..AttributionParams::default()
            }).expect("valid");
            prop_assert_eq!(&cell.rows, &single.rows);
        }
        prop_assert!(s.rank_flips.iter().filter(|f| f.cell == 0).all(|f| !f.leader_changed && f.inversions == 0));
    }
}

#[test]
fn rank_flip_is_detected() {
    // Modal long ago and often, login recently: a short half-life favours login, a long one modal.
    let c = ts(2026, 3, 10, 12, 0, 0);
    let events = vec![
        ev(1, "mp.modal", c - 20 * 86_400),
        ev(1, "mp.modal", c - 19 * 86_400),
        ev(1, "mp.login", c - 60),
    ];
    let (conversions, touches) = build(&[conv(1, "topup", c)], &events, 60);
    let j = journeys(&conversions, &touches);
    let s = sweep(
        &j,
        &SweepParams {
            lookbacks_days: vec![30],
            kernels: vec![
                DecayKernel::HalfLife {
                    half_life_days: 1.0,
                },
                DecayKernel::HalfLife {
                    half_life_days: 60.0,
                },
            ],
            window_days: 180,
            as_of: None,
            lag: LagMode::Calendar,
            position: PositionWeights::default(),
            by_role: true,
            rank_by: Rule::TimeDecay,
            reference_cell: 0,
        },
    )
    .expect("valid");
    let flip = s.rank_flips.iter().find(|f| f.cell == 1).expect("cell 1");
    assert_eq!(
        (flip.reference_leader.as_str(), flip.leader.as_str()),
        ("mp.login", "mp.modal")
    );
    assert!(flip.leader_changed);
    assert_eq!(flip.inversions, 1);
}

#[test]
fn rank_flips_compares_each_cell_with_the_reference() {
    let r = |conversion_kind: &str, event_kind: &str, linear: f64| AttributionRow {
        conversion_kind: conversion_kind.into(),
        identity_role: None,
        event_kind: event_kind.into(),
        conversions_with_touch: 1,
        first_touch: 0.0,
        last_touch: 0.0,
        linear,
        time_decay: 0.0,
        position_based: 0.0,
        total_conversions: 1,
    };
    let cell = |rows| SweepCell {
        lookback_days: 30,
        kernel: DecayKernel::HalfLife {
            half_life_days: 7.0,
        },
        rows,
    };
    let cells = [
        cell(vec![
            r("topup", "a", 3.0),
            r("topup", "b", 2.0),
            r("topup", "c", 1.0),
            r("swap_filled", "x", 1.0),
            r("swap_filled", "y", 1.0),
        ]),
        // topup fully reversed; swap_filled: "y" leads, "x" is missing (credit 0).
        cell(vec![
            r("topup", "a", 1.0),
            r("topup", "b", 2.0),
            r("topup", "c", 3.0),
            r("swap_filled", "y", 2.0),
        ]),
    ];
    let flips = rank_flips(&cells, 0, Rule::Linear);
    let flip = |cell: usize, kind: &str| -> &RankFlip {
        flips
            .iter()
            .find(|f| f.cell == cell && f.conversion_kind == kind)
            .unwrap_or_else(|| panic!("no flip for cell {cell} {kind}"))
    };
    assert_eq!(flips.len(), 4, "one per cell and group");
    let same = flip(0, "topup");
    assert_eq!(
        (same.leader.as_str(), same.leader_changed, same.inversions),
        ("a", false, 0)
    );
    // A tie (x and y at 1.0) leads with the smallest name.
    assert_eq!(flip(0, "swap_filled").leader, "x");
    let reversed = flip(1, "topup");
    assert_eq!(
        (
            reversed.leader.as_str(),
            reversed.reference_leader.as_str(),
            reversed.leader_changed,
            reversed.inversions
        ),
        ("c", "a", true, 3)
    );
    // x = y in the reference is no strict order, so no inversion, but the leader changed.
    let missing = flip(1, "swap_filled");
    assert_eq!(
        (
            missing.leader.as_str(),
            missing.leader_changed,
            missing.inversions
        ),
        ("y", true, 0)
    );
}
