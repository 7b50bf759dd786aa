//! The engine against a straightforward reference implementation of the five rules (spec §8.1,
//! `docs/attribution.md`) on large synthetic inputs: the engine sums per-touch terms in its own
//! order (journeys stored shortest first, blocked compensated sums), the reference sums
//! per-(conversion, kind) credits in extract order with Neumaier summation, and both must agree to
//! 1e-9 relative (in practice to a few ulps). Also: a sweep equals single runs bit for bit on
//! inputs long enough to cross the engine's flush boundaries.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use mensura_engine::attribution::{
    AttributionParams, AttributionRow, DecayKernel, Journeys, LagMode, PositionWeights, Rule,
    SweepParams, attribute, sweep,
};
use mensura_engine::extract::TouchExtract;
use mensura_engine::synth::{self, JourneySpec};
use mensura_engine::table::{Conversions, Sector, Touches};

/// Neumaier's compensated sum.
#[derive(Debug, Clone, Copy, Default)]
struct Sum {
    sum: f64,
    carry: f64,
}

impl Sum {
    fn add(&mut self, x: f64) {
        let t = self.sum + x;
        self.carry += if self.sum.abs() >= x.abs() {
            (self.sum - t) + x
        } else {
            (x - t) + self.sum
        };
        self.sum = t;
    }

    fn value(self) -> f64 {
        self.sum + self.carry
    }
}

type Group = (String, Option<String>);

#[derive(Debug, Default)]
struct RefRow {
    with_touch: u64,
    /// first, last, linear, time_decay, position.
    credits: [Sum; 5],
}

#[derive(Debug, Default)]
struct RefTotal {
    rows: u64,
    keys: u64,
    tracked: u64,
}

struct Reference {
    rows: BTreeMap<(Group, String), RefRow>,
    totals: BTreeMap<Group, RefTotal>,
    /// (conversion_id, event_kind) -> [first, last, linear, time_decay, position].
    per_conversion: BTreeMap<(u32, String), [f64; 5]>,
}

/// The definitions, one conversion at a time, in extract order.
fn reference(c: &Conversions, t: &Touches, p: &AttributionParams) -> Reference {
    let as_of = p
        .as_of
        .unwrap_or_else(|| *c.conversion_date.iter().max().expect("conversions"));
    let window_start = as_of - p.window_days as i32;
    let by_role = p.by_role && c.identity_role.is_some();
    let mut touches_of: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, &id) in t.conversion_id.iter().enumerate() {
        touches_of.entry(id).or_default().push(i);
    }
    let mut out = Reference {
        rows: BTreeMap::new(),
        totals: BTreeMap::new(),
        per_conversion: BTreeMap::new(),
    };
    let w = p.position;
    for r in 0..c.len() {
        let date = c.conversion_date[r];
        if date < window_start || date > as_of {
            continue;
        }
        let group: Group = (
            c.conversion_kind.get(r).to_owned(),
            by_role.then(|| c.identity_role.as_ref().expect("gp").get(r).to_owned()),
        );
        let total = out.totals.entry(group.clone()).or_default();
        total.rows += u64::from(c.source_rows[r]);
        total.keys += 1;
        let id = c.conversion_id[r];
        let inside: Vec<usize> = touches_of
            .get(&id)
            .map(|v| {
                v.iter()
                    .copied()
                    .filter(|&i| t.touch_offset_s[i] <= p.lookback_days * 86_400)
                    .collect()
            })
            .unwrap_or_default();
        if inside.is_empty() {
            continue;
        }
        total.tracked += 1;
        let n = inside.len() as f64;
        let lag = |i: usize| match p.lag {
            LagMode::Calendar => f64::from(t.lag_days[i]),
            LagMode::Exact => f64::from(t.touch_offset_s[i]) / 86_400.0,
        };
        let w_total: f64 = inside.iter().map(|&i| p.kernel.weight(lag(i))).sum();
        let earliest = inside
            .iter()
            .map(|&i| t.touch_offset_s[i])
            .max()
            .expect("some");
        let latest = inside
            .iter()
            .map(|&i| t.touch_offset_s[i])
            .min()
            .expect("some");
        let seconds: BTreeSet<u32> = inside.iter().map(|&i| t.touch_offset_s[i]).collect();
        let kinds_at = |off: u32| -> BTreeSet<&str> {
            inside
                .iter()
                .filter(|&&i| t.touch_offset_s[i] == off)
                .map(|&i| t.event_kind.get(i))
                .collect()
        };
        let (first_kinds, last_kinds) = (kinds_at(earliest), kinds_at(latest));
        let n_middle = inside
            .iter()
            .filter(|&&i| t.touch_offset_s[i] != earliest && t.touch_offset_s[i] != latest)
            .count() as f64;
        let kinds: BTreeSet<&str> = inside.iter().map(|&i| t.event_kind.get(i)).collect();
        for kind in kinds {
            let mine: Vec<usize> = inside
                .iter()
                .copied()
                .filter(|&i| t.event_kind.get(i) == kind)
                .collect();
            let first = if first_kinds.contains(kind) {
                1.0 / first_kinds.len() as f64
            } else {
                0.0
            };
            let last = if last_kinds.contains(kind) {
                1.0 / last_kinds.len() as f64
            } else {
                0.0
            };
            let linear = mine.len() as f64 / n;
            let decay = mine.iter().map(|&i| p.kernel.weight(lag(i))).sum::<f64>() / w_total;
            let middle = mine
                .iter()
                .filter(|&&i| t.touch_offset_s[i] != earliest && t.touch_offset_s[i] != latest)
                .count() as f64;
            let position = match seconds.len() {
                1 => first,
                2 => (w.first * first + w.last * last) / (w.first + w.last),
                _ => w.first * first + w.last * last + w.middle * middle / n_middle,
            };
            let credits = [first, last, linear, decay, position];
            let row = out
                .rows
                .entry((group.clone(), kind.to_owned()))
                .or_default();
            row.with_touch += 1;
            for (s, v) in row.credits.iter_mut().zip(credits) {
                s.add(v);
            }
            out.per_conversion.insert((id, kind.to_owned()), credits);
        }
    }
    out
}

/// Relative difference, with values below 1e-300 treated as 0 (an absent credit).
fn rel(a: f64, b: f64) -> f64 {
    let scale = a.abs().max(b.abs());
    if scale < 1e-300 {
        0.0
    } else {
        (a - b).abs() / scale
    }
}

/// Synthetic journeys with non-dense ids in reverse row order, so that the engine's own
/// reordering of conversions and its id lookup are exercised too.
fn sample(sector: Sector, conversions: usize, seed: u64) -> (Conversions, Touches) {
    let (mut c, mut t) = synth::journeys(&JourneySpec {
        seed,
        sector,
        conversions,
        ..JourneySpec::default()
    });
    let n = c.len();
    let id = |old: u32| 3 * (n as u32 - 1 - old) + 7;
    let order: Vec<usize> = (0..n).rev().collect();
    let pick_u32 = |v: &[u32]| order.iter().map(|&r| v[r]).collect::<Vec<u32>>();
    c.conversion_kind.codes = pick_u32(&c.conversion_kind.codes);
    if let Some(role) = c.identity_role.as_mut() {
        role.codes = pick_u32(&role.codes);
    }
    c.source_rows = pick_u32(&c.source_rows);
    c.conversion_date = order.iter().map(|&r| c.conversion_date[r]).collect();
    c.conversion_ts = order.iter().map(|&r| c.conversion_ts[r]).collect();
    c.conversion_amount_usd = order.iter().map(|&r| c.conversion_amount_usd[r]).collect();
    c.conversion_id = order.iter().map(|&r| id(r as u32)).collect();
    for cid in &mut t.conversion_id {
        *cid = id(*cid);
    }
    (c, t)
}

fn journeys(c: &Conversions, t: &Touches) -> Journeys {
    Journeys::new(
        c,
        &TouchExtract {
            touches: t.clone(),
            max_lookback_days: 60,
        },
        "touches",
    )
    .expect("valid sample")
}

fn check(c: &Conversions, t: &Touches, j: &Journeys, p: &AttributionParams) -> f64 {
    let got = attribute(j, p).expect("valid params");
    let want = reference(c, t, p);
    assert_eq!(got.rows.len(), want.rows.len(), "row count");
    let mut worst = 0.0f64;
    for row in &got.rows {
        let key = (
            (row.conversion_kind.clone(), row.identity_role.clone()),
            row.event_kind.clone(),
        );
        let r = want
            .rows
            .get(&key)
            .unwrap_or_else(|| panic!("no reference row {key:?}"));
        assert_eq!(row.conversions_with_touch, r.with_touch, "{key:?}");
        assert_eq!(row.total_conversions, want.totals[&key.0].rows, "{key:?}");
        let engine = [
            row.first_touch,
            row.last_touch,
            row.linear,
            row.time_decay,
            row.position_based,
        ];
        for (rule, (e, s)) in ["first", "last", "linear", "time_decay", "position"]
            .iter()
            .zip(engine.iter().zip(&r.credits))
        {
            let d = rel(*e, s.value());
            worst = worst.max(d);
            assert!(
                d <= 1e-9,
                "{key:?} {rule}: engine {e} vs reference {}",
                s.value()
            );
        }
    }
    for total in &got.totals {
        let r = &want.totals[&(total.conversion_kind.clone(), total.identity_role.clone())];
        assert_eq!(
            (
                total.total_conversions,
                total.conversions,
                total.tracked_conversions
            ),
            (r.rows, r.keys, r.tracked)
        );
    }
    if let Some(per) = &got.per_conversion {
        assert_eq!(per.len(), want.per_conversion.len(), "per-conversion rows");
        for credit in per {
            let r = want.per_conversion[&(credit.conversion_id, credit.event_kind.clone())];
            let engine = [
                credit.first_touch,
                credit.last_touch,
                credit.linear,
                credit.time_decay,
                credit.position_based,
            ];
            for (e, s) in engine.iter().zip(r) {
                assert!((e - s).abs() <= 1e-12, "{credit:?} vs {r:?}");
            }
        }
    }
    worst
}

#[test]
fn gnosis_app_matches_the_reference_on_a_large_sample() {
    // ≈ 220 000 touches over 60 000 conversions: far more than one flush of the engine's blocks.
    let (c, t) = sample(Sector::Ga, 60_000, 5);
    let j = journeys(&c, &t);
    let mut worst = 0.0f64;
    for (lookback_days, kernel) in [
        (
            30,
            DecayKernel::HalfLife {
                half_life_days: 7.0,
            },
        ),
        (60, DecayKernel::EFolding { efold_days: 7.0 }),
        (
            3,
            DecayKernel::HalfLife {
                half_life_days: 0.5,
            },
        ),
    ] {
        let p = AttributionParams {
            lookback_days,
            kernel,
            ..AttributionParams::default()
        };
        worst = worst.max(check(&c, &t, &j, &p));
    }
    eprintln!("worst relative difference from the reference: {worst:e}");
}

#[test]
fn gnosis_pay_by_role_exact_lag_and_per_conversion_match_the_reference() {
    let (c, t) = sample(Sector::Gp, 40_000, 9);
    let j = journeys(&c, &t);
    let p = AttributionParams {
        lookback_days: 14,
        window_days: 90,
        kernel: DecayKernel::EFolding { efold_days: 3.0 },
        lag: LagMode::Exact,
        position: PositionWeights {
            first: 0.3,
            middle: 0.5,
            last: 0.2,
        },
        by_role: true,
        per_conversion: true,
        ..AttributionParams::default()
    };
    let worst = check(&c, &t, &j, &p);
    let calendar = check(
        &c,
        &t,
        &j,
        &AttributionParams {
            lag: LagMode::Calendar,
            per_conversion: false,
            ..p
        },
    );
    eprintln!("worst relative difference from the reference: {worst:e}, {calendar:e}");
}

#[test]
fn a_large_sweep_equals_single_runs_bit_for_bit() {
    let (c, t) = sample(Sector::Gp, 30_000, 13);
    let j = journeys(&c, &t);
    for lag in [LagMode::Calendar, LagMode::Exact] {
        let kernels = vec![
            DecayKernel::HalfLife {
                half_life_days: 3.0,
            },
            DecayKernel::EFolding { efold_days: 7.0 },
        ];
        let lookbacks = vec![7, 30, 60];
        let s = sweep(
            &j,
            &SweepParams {
                lookbacks_days: lookbacks.clone(),
                kernels: kernels.clone(),
                window_days: 180,
                as_of: None,
                lag,
                position: PositionWeights::default(),
                by_role: true,
                rank_by: Rule::Linear,
                reference_cell: 0,
            },
        )
        .expect("valid");
        for (i, cell) in s.cells.iter().enumerate() {
            let single = attribute(
                &j,
                &AttributionParams {
                    lookback_days: lookbacks[i / 2],
                    kernel: kernels[i % 2],
                    lag,
                    by_role: true,
                    ..AttributionParams::default()
                },
            )
            .expect("valid");
            let same: Vec<&AttributionRow> = single.rows.iter().collect();
            assert_eq!(cell.rows.iter().collect::<Vec<_>>(), same, "cell {i}");
        }
    }
}
