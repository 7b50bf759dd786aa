//! What each page computes from the engine's results: pure functions from engine values and the
//! page's controls to the numbers a page shows (view models). No signals, no DOM, so every one of
//! them is tested natively.

use std::collections::{BTreeMap, BTreeSet};

use mensura_engine::attribution::{
    Attribution, AttributionParams, AttributionRow, Rule, Sweep, SweepParams,
};
use mensura_engine::funnel::{FunnelParams, FunnelReport, Grouping};
use mensura_engine::table::{Family, Spine};

use crate::marts::{CoverageRow, MartRow};
use crate::state::{AttrState, FunnelGrouping, FunnelState, KernelKind, SectorChoice};

/// The rule's label for people.
pub fn rule_label(rule: Rule) -> &'static str {
    match rule {
        Rule::FirstTouch => "First touch",
        Rule::LastTouch => "Last touch",
        Rule::Linear => "Linear",
        Rule::TimeDecay => "Time decay",
        Rule::PositionBased => "Position-based (40/20/40)",
    }
}

/// The engine parameters of the attribution page's controls.
pub fn attribution_params(s: &AttrState) -> AttributionParams {
    AttributionParams {
        lookback_days: s.lookback_days,
        kernel: s.kernel.kernel(s.kernel_days),
        lag: s.lag,
        by_role: s.role.is_some(),
        ..AttributionParams::default()
    }
}

/// Credit of one event kind summed over the selected conversion kinds.
#[derive(Debug, Clone, PartialEq)]
pub struct KindCredit {
    pub event_kind: String,
    pub conversions_with_touch: u64,
    /// Indexed like [`Rule::ALL`].
    pub credit: [f64; 5],
}

/// The attribution page's numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct AttrView {
    /// Sorted by the selected rule's credit, largest first (ties by name).
    pub kinds: Vec<KindCredit>,
    /// Upstream conversion rows of the selected kinds in the window.
    pub total_conversions: u64,
    /// Conversion keys in the window, and those with a touch inside the lookback.
    pub conversions: u64,
    pub tracked: u64,
    pub window_start: i32,
    pub as_of: i32,
    /// The engine rows behind the view (selected groups only), for the table and the CSV.
    pub rows: Vec<AttributionRow>,
}

fn selected(s: &AttrState, kind: &str, role: Option<&String>) -> bool {
    (s.kinds.is_empty() || s.kinds.iter().any(|k| k == kind))
        && match &s.role {
            Some(r) => role == Some(r),
            None => true,
        }
}

fn rule_index(rule: Rule) -> usize {
    Rule::ALL.iter().position(|r| *r == rule).unwrap_or(0)
}

/// Sums credit per event kind over the selected conversion kinds (and role).
fn credit_by_kind<'a>(
    rows: impl Iterator<Item = &'a AttributionRow>,
) -> BTreeMap<String, KindCredit> {
    let mut by_kind: BTreeMap<String, KindCredit> = BTreeMap::new();
    for r in rows {
        let e = by_kind
            .entry(r.event_kind.clone())
            .or_insert_with(|| KindCredit {
                event_kind: r.event_kind.clone(),
                conversions_with_touch: 0,
                credit: [0.0; 5],
            });
        e.conversions_with_touch += r.conversions_with_touch;
        for (i, rule) in Rule::ALL.iter().enumerate() {
            e.credit[i] += r.credit(*rule);
        }
    }
    by_kind
}

/// The page's view of one attribution result.
pub fn attribution_view(a: &Attribution, s: &AttrState) -> AttrView {
    let rows: Vec<AttributionRow> = a
        .rows
        .iter()
        .filter(|r| selected(s, &r.conversion_kind, r.identity_role.as_ref()))
        .cloned()
        .collect();
    let ri = rule_index(s.rule);
    let mut kinds: Vec<KindCredit> = credit_by_kind(rows.iter()).into_values().collect();
    kinds.sort_by(|a, b| {
        b.credit[ri]
            .total_cmp(&a.credit[ri])
            .then_with(|| a.event_kind.cmp(&b.event_kind))
    });
    let totals = a
        .totals
        .iter()
        .filter(|t| selected(s, &t.conversion_kind, t.identity_role.as_ref()));
    let (mut total_conversions, mut conversions, mut tracked) = (0, 0, 0);
    for t in totals {
        total_conversions += t.total_conversions;
        conversions += t.conversions;
        tracked += t.tracked_conversions;
    }
    AttrView {
        kinds,
        total_conversions,
        conversions,
        tracked,
        window_start: a.window_start,
        as_of: a.as_of,
        rows,
    }
}

/// The engine rows as CSV, full precision (Rust's shortest round-trip floats).
pub fn attribution_csv(rows: &[AttributionRow]) -> String {
    let mut out = String::from(
        "conversion_kind,identity_role,event_kind,conversions_with_touch,first_touch,last_touch,\
         linear,time_decay,position_based,total_conversions\n",
    );
    for r in rows {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{}\n",
            r.conversion_kind,
            r.identity_role.as_deref().unwrap_or(""),
            r.event_kind,
            r.conversions_with_touch,
            r.first_touch,
            r.last_touch,
            r.linear,
            r.time_decay,
            r.position_based,
            r.total_conversions
        ));
    }
    out
}

/// Lookbacks of the sensitivity grid (those above the extract's maximum are dropped).
pub const SWEEP_LOOKBACKS: [u32; 6] = [3, 7, 14, 30, 45, 60];
/// Kernel time constants of the sensitivity grid, days.
pub const SWEEP_DAYS: [f64; 8] = [0.5, 1.0, 2.0, 3.5, 7.0, 14.0, 30.0, 60.0];

/// The sensitivity sweep of the page's controls: a fixed grid (so that moving a slider does not
/// recompute it) with the reference cell nearest the current lookback and kernel time.
pub fn sweep_params(s: &AttrState, max_lookback_days: u32) -> SweepParams {
    let mut lookbacks: Vec<u32> = SWEEP_LOOKBACKS
        .iter()
        .copied()
        .filter(|l| *l <= max_lookback_days)
        .collect();
    if lookbacks.is_empty() {
        lookbacks.push(max_lookback_days.max(1));
    }
    let li = nearest(
        &lookbacks.iter().map(|l| f64::from(*l)).collect::<Vec<_>>(),
        f64::from(s.lookback_days),
        false,
    );
    let ki = nearest(&SWEEP_DAYS, s.kernel_days, true);
    SweepParams {
        reference_cell: li * SWEEP_DAYS.len() + ki,
        lookbacks_days: lookbacks,
        kernels: SWEEP_DAYS.iter().map(|d| s.kernel.kernel(*d)).collect(),
        window_days: 180,
        as_of: None,
        lag: s.lag,
        position: Default::default(),
        by_role: s.role.is_some(),
        rank_by: s.rule,
    }
}

/// Index of the grid value nearest `x` (on a log scale when `log`).
fn nearest(grid: &[f64], x: f64, log: bool) -> usize {
    let f = |v: f64| if log { v.ln() } else { v };
    grid.iter()
        .enumerate()
        .min_by(|a, b| (f(*a.1) - f(x)).abs().total_cmp(&(f(*b.1) - f(x)).abs()))
        .map_or(0, |(i, _)| i)
}

/// One cell of the sensitivity heatmap.
#[derive(Debug, Clone, PartialEq)]
pub struct SensitivityCell {
    /// The event kind with the most credit (ties: the smallest name).
    pub leader: String,
    /// Its share of all credit of the selected conversions.
    pub leader_share: f64,
    /// The reference leader's share in this cell.
    pub reference_share: f64,
    /// The leader differs from the reference cell's.
    pub flipped: bool,
    /// Pairs of event kinds in reversed order against the reference (engine, summed over groups).
    pub inversions: u32,
}

/// The half-life × lookback grid with rank flips, for the selected conversions.
#[derive(Debug, Clone, PartialEq)]
pub struct Sensitivity {
    pub lookbacks: Vec<u32>,
    pub kernel_days: Vec<f64>,
    /// `cells[lookback][kernel]`.
    pub cells: Vec<Vec<SensitivityCell>>,
    pub reference: (usize, usize),
    pub reference_leader: String,
}

/// The heatmap's view of a sweep.
pub fn sensitivity(sw: &Sweep, params: &SweepParams, s: &AttrState) -> Sensitivity {
    let nk = params.kernels.len();
    let ri = rule_index(params.rank_by);
    let leader_of = |rows: &[AttributionRow]| {
        let by_kind = credit_by_kind(
            rows.iter()
                .filter(|r| selected(s, &r.conversion_kind, r.identity_role.as_ref())),
        );
        let total: f64 = by_kind.values().map(|k| k.credit[ri]).sum();
        let leader = by_kind
            .values()
            .fold(None::<&KindCredit>, |best, k| match best {
                Some(b) if b.credit[ri] >= k.credit[ri] => Some(b),
                _ => Some(k),
            })
            .map(|k| (k.event_kind.clone(), k.credit[ri]));
        (by_kind, total, leader)
    };
    let (_, _, reference_leader) = leader_of(&sw.cells[params.reference_cell].rows);
    let reference_leader = reference_leader.map(|l| l.0).unwrap_or_default();
    let mut inversions = vec![0u32; sw.cells.len()];
    for f in &sw.rank_flips {
        if selected(s, &f.conversion_kind, f.identity_role.as_ref()) {
            inversions[f.cell] += f.inversions;
        }
    }
    let cells = sw
        .cells
        .chunks(nk)
        .enumerate()
        .map(|(li, row)| {
            row.iter()
                .enumerate()
                .map(|(ki, cell)| {
                    let (by_kind, total, leader) = leader_of(&cell.rows);
                    let share = |v: f64| if total > 0.0 { v / total } else { 0.0 };
                    let (leader, value) = leader.unwrap_or_default();
                    SensitivityCell {
                        flipped: leader != reference_leader,
                        leader_share: share(value),
                        reference_share: share(
                            by_kind.get(&reference_leader).map_or(0.0, |k| k.credit[ri]),
                        ),
                        leader,
                        inversions: inversions[li * nk + ki],
                    }
                })
                .collect()
        })
        .collect();
    Sensitivity {
        lookbacks: params.lookbacks_days.clone(),
        kernel_days: params.kernels.iter().map(|k| k.days()).collect(),
        cells,
        reference: (params.reference_cell / nk, params.reference_cell % nk),
        reference_leader,
    }
}

/// The published mart the controls reproduce, if they do: the upstream kernel `exp(−lag/7)`,
/// calendar lag, a 180-day window, and a published lookback.
pub fn mart_name(s: &AttrState) -> Option<String> {
    (s.kernel == KernelKind::EFolding
        && (s.kernel_days - 7.0).abs() < 1e-12
        && s.lag == mensura_engine::attribution::LagMode::Calendar)
        .then(|| {
            format!(
                "attribution_{}_{}d.parquet",
                s.sector.code(),
                s.lookback_days
            )
        })
}

/// Whether the live numbers equal a published mart.
#[derive(Debug, Clone, PartialEq)]
pub enum MartMatch {
    /// Every row equal within the tolerance.
    Equal { rows: usize },
    /// The first difference, described.
    Differs(String),
}

/// Compares live rows (grouped by role for Gnosis Pay, as the mart is) with a published mart:
/// the same keys, counts equal, credits within `1e-9` relative.
pub fn compare_mart(live: &[AttributionRow], mart: &[MartRow]) -> MartMatch {
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0);
    let key =
        |k: &str, r: &Option<String>, e: &str| format!("{k}/{}/{e}", r.as_deref().unwrap_or("-"));
    let live: BTreeMap<String, &AttributionRow> = live
        .iter()
        .map(|r| (key(&r.conversion_kind, &r.identity_role, &r.event_kind), r))
        .collect();
    let mart_map: BTreeMap<String, &MartRow> = mart
        .iter()
        .map(|r| (key(&r.conversion_kind, &r.identity_role, &r.event_kind), r))
        .collect();
    for k in live.keys() {
        if !mart_map.contains_key(k) {
            return MartMatch::Differs(format!("{k} is live but not published"));
        }
    }
    for (k, m) in &mart_map {
        let Some(l) = live.get(k) else {
            return MartMatch::Differs(format!("{k} is published but not live"));
        };
        let pairs = [
            (
                "conversions_with_touch",
                l.conversions_with_touch as f64,
                m.conversions_with_touch,
            ),
            ("first_touch", l.first_touch, m.first_touch),
            ("last_touch", l.last_touch, m.last_touch),
            ("linear", l.linear, m.linear),
            ("time_decay", l.time_decay, m.time_decay),
            (
                "total_conversions",
                l.total_conversions as f64,
                m.total_conversions,
            ),
        ];
        for (col, a, b) in pairs {
            if !close(a, b) {
                return MartMatch::Differs(format!("{k}: {col} is {a} live, {b} published"));
            }
        }
    }
    MartMatch::Equal { rows: mart.len() }
}

/// Published coverage of the selected conversions over `from..=to`: (total, tracked).
pub fn coverage_summary(
    rows: &[CoverageRow],
    s: &AttrState,
    from: i32,
    to: i32,
) -> Option<(f64, f64)> {
    let mut total = 0.0;
    let mut tracked = 0.0;
    let mut any = false;
    for r in rows {
        if r.date < from
            || r.date > to
            || !selected(s, &r.conversion_kind, r.identity_role.as_ref())
        {
            continue;
        }
        any = true;
        total += r.total_conversions;
        tracked += r.tracked_conversions;
    }
    any.then_some((total, tracked))
}

/// Whether a sector has roles (Gnosis Pay).
pub fn has_roles(sector: SectorChoice) -> bool {
    sector == SectorChoice::Gp
}

/// A seed funnel (`mta_funnels`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FunnelPreset {
    pub name: &'static str,
    pub steps: &'static [&'static str],
    pub window_s: u64,
}

/// The four seed funnels (spec §4.8).
pub const FUNNEL_PRESETS: [FunnelPreset; 4] = [
    FunnelPreset {
        name: "onboard_swap_topup",
        steps: &["chain.onboard", "chain.swap_filled", "chain.topup"],
        window_s: 2_592_000,
    },
    FunnelPreset {
        name: "claim_swap_topup",
        steps: &[
            "chain.token_offer_claim",
            "chain.swap_filled",
            "chain.topup",
        ],
        window_s: 2_592_000,
    },
    FunnelPreset {
        name: "pageview_swap_topup",
        steps: &["mp.pageview", "chain.swap_filled", "chain.topup"],
        window_s: 2_592_000,
    },
    FunnelPreset {
        name: "modal_swap_topup",
        steps: &["mp.modal", "chain.swap_filled", "chain.topup"],
        window_s: 2_592_000,
    },
];

/// The preset whose steps and window the controls equal, if any.
pub fn funnel_preset(f: &FunnelState) -> Option<&'static FunnelPreset> {
    FUNNEL_PRESETS.iter().find(|p| {
        p.window_s == f.window_s
            && p.steps
                .iter()
                .copied()
                .eq(f.steps.iter().map(String::as_str))
    })
}

/// The engine parameters of the funnel page's controls.
pub fn funnel_params(f: &FunnelState) -> FunnelParams {
    FunnelParams {
        steps: f.steps.clone(),
        window_s: f.window_s,
        modes: f.modes,
        grouping: match f.grouping {
            FunnelGrouping::PerDay => Grouping::PerDay,
            FunnelGrouping::Range { from, to } => Grouping::Range {
                from_date: from,
                to_date: to,
            },
        },
        with_rows: false,
    }
}

/// One step of the funnel view.
#[derive(Debug, Clone, PartialEq)]
pub struct FunnelStepView {
    pub step: usize,
    pub event_kind: String,
    pub reached: u64,
    /// Share of the groups at step 1 that reach this step.
    pub of_first: Option<f64>,
    /// Share of the previous step's groups lost before this one.
    pub drop_off: Option<f64>,
    pub median_s: Option<f64>,
    pub p90_s: Option<f64>,
}

/// The steps of a funnel report.
pub fn funnel_view(r: &FunnelReport, steps: &[String]) -> Vec<FunnelStepView> {
    let first = r.reached.first().copied().unwrap_or(0);
    steps
        .iter()
        .enumerate()
        .map(|(i, kind)| {
            let reached = r.reached.get(i).copied().unwrap_or(0);
            let ttc = i.checked_sub(1).and_then(|j| r.time_to_convert.get(j));
            FunnelStepView {
                step: i + 1,
                event_kind: kind.clone(),
                reached,
                of_first: (first > 0).then(|| reached as f64 / first as f64),
                drop_off: i
                    .checked_sub(1)
                    .and_then(|j| r.step_conversion.get(j).copied().flatten())
                    .map(|c| 1.0 - c),
                median_s: ttc.and_then(|t| t.median_s),
                p90_s: ttc.and_then(|t| t.p90_s),
            }
        })
        .collect()
}

/// Weeks to mark on the spine charts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WeekMarks {
    pub holidays: Vec<i32>,
    /// (week, label)
    pub hardforks: Vec<(i32, String)>,
}

/// Holiday weeks (`ctrl_is_holiday_week = 1`) and hard-fork weeks (where `ctrl_hardfork_step`
/// steps up), read from the spine.
pub fn week_marks(spine: &Spine) -> WeekMarks {
    let mut holidays = BTreeSet::new();
    let mut hardforks = BTreeMap::new();
    if let Some(c) = spine.column("ctrl_is_holiday_week") {
        for (w, v) in spine.week.iter().zip(&c.values) {
            if *v == Some(1.0) {
                holidays.insert(*w);
            }
        }
    }
    if let Some(c) = spine.column("ctrl_hardfork_step") {
        let mut prev: Option<f64> = None;
        for (w, v) in spine.week.iter().zip(&c.values) {
            if let (Some(p), Some(v)) = (prev, v)
                && *v > p
            {
                hardforks.insert(*w, format!("hard fork (step {v})"));
            }
            if v.is_some() {
                prev = *v;
            }
        }
    }
    WeekMarks {
        holidays: holidays.into_iter().collect(),
        hardforks: hardforks.into_iter().collect(),
    }
}

/// Spine columns of one family, by name.
pub fn spine_names(spine: &Spine, family: Family) -> Vec<String> {
    spine.family(family).map(|c| c.name.clone()).collect()
}

/// The default series of a family: the first whose values vary.
pub fn default_series(spine: &Spine, family: Family) -> String {
    spine
        .family(family)
        .find(|c| {
            let v: Vec<f64> = c.values.iter().flatten().copied().collect();
            v.windows(2).any(|w| (w[0] - w[1]).abs() > 0.0)
        })
        .or_else(|| spine.family(family).next())
        .map(|c| c.name.clone())
        .unwrap_or_default()
}

/// Whether a spine column never varies (an always-zero placeholder, or always NULL).
pub fn is_constant(spine: &Spine, name: &str) -> bool {
    spine.column(name).is_none_or(|c| {
        let v: Vec<f64> = c.values.iter().flatten().copied().collect();
        v.windows(2).all(|w| (w[0] - w[1]).abs() == 0.0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata;

    #[test]
    fn the_view_sums_the_selected_kinds_and_keeps_engine_numbers() {
        let j = testdata::journeys_ga();
        let s = AttrState::default();
        let a = mensura_engine::attribution::attribute(&j, &attribution_params(&s)).expect("run");
        let v = attribution_view(&a, &s);
        let total_credit: f64 = v.kinds.iter().map(|k| k.credit[3]).sum();
        assert!(
            (total_credit - v.tracked as f64).abs() < 1e-6,
            "one credit per tracked key"
        );
        assert!(v.kinds.windows(2).all(|w| w[0].credit[3] >= w[1].credit[3]));
        let one = AttrState {
            kinds: vec!["topup".into()],
            ..AttrState::default()
        };
        let v1 = attribution_view(&a, &one);
        assert!(v1.rows.iter().all(|r| r.conversion_kind == "topup"));
        assert!(v1.tracked < v.tracked);
        let csv = attribution_csv(&v1.rows);
        assert_eq!(csv.lines().count(), v1.rows.len() + 1);
    }

    #[test]
    fn the_sweep_reference_is_the_current_cell() {
        let j = testdata::journeys_ga();
        let s = AttrState {
            lookback_days: 14,
            kernel_days: 3.0,
            ..AttrState::default()
        };
        let p = sweep_params(&s, j.max_lookback_days());
        let sw = mensura_engine::attribution::sweep(&j, &p).expect("sweep");
        let h = sensitivity(&sw, &p, &s);
        assert_eq!(h.reference, (2, 3));
        let r = &h.cells[h.reference.0][h.reference.1];
        assert!(!r.flipped);
        assert_eq!(r.inversions, 0);
        assert_eq!(r.leader, h.reference_leader);
    }

    #[test]
    fn live_numbers_equal_a_mart_made_from_them() {
        let j = testdata::journeys_ga();
        let s = AttrState {
            kernel: KernelKind::EFolding,
            ..AttrState::default()
        };
        assert_eq!(mart_name(&s).as_deref(), Some("attribution_ga_30d.parquet"));
        let a = mensura_engine::attribution::attribute(&j, &attribution_params(&s)).expect("run");
        let mart: Vec<MartRow> = a
            .rows
            .iter()
            .map(|r| MartRow {
                conversion_kind: r.conversion_kind.clone(),
                identity_role: None,
                event_kind: r.event_kind.clone(),
                conversions_with_touch: r.conversions_with_touch as f64,
                first_touch: r.first_touch,
                last_touch: r.last_touch,
                linear: r.linear,
                time_decay: r.time_decay,
                total_conversions: r.total_conversions as f64,
            })
            .collect();
        assert_eq!(
            compare_mart(&a.rows, &mart),
            MartMatch::Equal { rows: mart.len() }
        );
        let mut off = mart.clone();
        off[0].linear += 0.01;
        assert!(matches!(compare_mart(&a.rows, &off), MartMatch::Differs(_)));
        assert_eq!(mart_name(&AttrState::default()), None);
    }

    #[test]
    fn funnels_and_week_marks() {
        let events = testdata::funnel_events();
        let f = FunnelState::default();
        let r = mensura_engine::funnel::funnel(&events, &funnel_params(&f)).expect("funnel");
        let v = funnel_view(&r, &f.steps);
        assert_eq!(v.len(), 3);
        assert!(v.windows(2).all(|w| w[1].reached <= w[0].reached));
        assert_eq!(
            funnel_preset(&f).map(|p| p.name),
            Some("onboard_swap_topup")
        );
        let spine = testdata::spine();
        let marks = week_marks(&spine);
        assert!(!marks.holidays.is_empty());
        assert!(is_constant(&spine, "media_validator_apr_proxy"));
        assert_eq!(default_series(&spine, Family::Kpi), "kpi_pools_tvl_usd");
    }
}
