//! Multi-touch attribution: how much of each conversion each kind of touch earns.
//!
//! A *conversion* (a top-up, a filled swap, a card payment) is preceded by *touches*: earlier
//! events of the same user (and, for Gnosis Pay, the same identity role) within a lookback of N
//! days. Attribution splits one unit of credit per tracked conversion over the event kinds of its
//! touches, by one of five rules, then sums the credit per `(conversion_kind, [identity_role],
//! event_kind)`. Units are "conversion-equivalents": a `linear` of 32.4 is 32.4 conversions' worth.
//!
//! The rules, for one conversion whose touches inside the lookback are `t_1 … t_n` (spec §8.1):
//! - **first-touch**: the kinds touched at the earliest second share 1 equally (several touches of
//!   one kind at that second count once for that kind);
//! - **last-touch**: the same at the latest second;
//! - **linear**: each touch gets `1/n`, summed per kind;
//! - **time-decay**: each touch gets a weight `w(lag)` from a decay kernel, normalised to sum to 1;
//!   the lag is the calendar-day lag `conversion_date − date(touch_ts)` (as upstream) or the exact
//!   fractional lag `touch_offset_s / 86400`;
//! - **position-based** (U-shape, default 40/20/40): the touches at the earliest second share the
//!   `first` weight equally by kind, the touches at the latest second share the `last` weight
//!   equally by kind, and every touch strictly between gets `middle / #middle touches`. With no
//!   middle touch (one or two distinct seconds) the first and last weights are rescaled to sum to 1,
//!   and when every touch is at one second all of the credit is split equally by kind. So a 1-touch
//!   journey gives 100 % to its kind and a 2-touch journey (two seconds) gives 50/50 by default.
//!
//! Two decay kernels exist because upstream named an e-folding time a "half-life": the marts'
//! `time_decay_hl_7d` uses `exp(−lag/7)` ([`DecayKernel::EFolding`] with 7 days reproduces them);
//! [`DecayKernel::HalfLife`] is the true half-life `2^(−lag/h)`.
//!
//! Conversions with no touch inside the lookback are *untracked*: they earn no credit but count in
//! `total_conversions` (the number of upstream conversion rows of the kind in the window).
//!
//! [`Journeys`] prepares the two extracts once (touches grouped per conversion, most recent first,
//! with their same-second runs measured), so that moving a slider recomputes in one pass over the
//! touches. [`sweep`] computes a whole grid of lookbacks × kernels in that same single pass: every
//! lookback is a prefix of each journey, so each touch's kernel weights are computed once and its
//! credits added once per lookback. How the pass is made fast is in the `pass` module.

use serde::{Deserialize, Serialize};

use crate::table::Sector;
use crate::{Error, Result};

mod journeys;
mod pass;

pub use journeys::Journeys;
use pass::{Blocks, Lanes, Sink, Totals};

/// Seconds in a day.
const DAY_S: u32 = 86_400;

/// How the weight of a touch decays with its lag.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DecayKernel {
    /// `2^(−lag/half_life_days)`: the weight halves every `half_life_days`.
    HalfLife { half_life_days: f64 },
    /// `exp(−lag/efold_days)`: the upstream kernel; `efold_days = 7` reproduces the marts.
    EFolding { efold_days: f64 },
}

impl DecayKernel {
    /// The weight of a touch `lag_days` before the conversion.
    pub fn weight(&self, lag_days: f64) -> f64 {
        match *self {
            Self::HalfLife { half_life_days } => (-lag_days / half_life_days).exp2(),
            Self::EFolding { efold_days } => (-lag_days / efold_days).exp(),
        }
    }

    fn validate(&self) -> Result<()> {
        let (name, days) = match *self {
            Self::HalfLife { half_life_days } => ("half_life_days", half_life_days),
            Self::EFolding { efold_days } => ("efold_days", efold_days),
        };
        if days.is_finite() && days > 0.0 {
            Ok(())
        } else {
            Err(Error::param(
                name,
                format!("must be a positive number of days, got {days}"),
            ))
        }
    }

    /// The kernel's time constant in days, whichever kind it is.
    pub fn days(&self) -> f64 {
        match *self {
            Self::HalfLife { half_life_days } => half_life_days,
            Self::EFolding { efold_days } => efold_days,
        }
    }
}

/// How the lag of a touch is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LagMode {
    /// Whole UTC calendar days, `conversion_date − date(touch_ts)`, as upstream.
    #[default]
    Calendar,
    /// Fractional days, `touch_offset_s / 86400`.
    Exact,
}

/// Weights of the position-based (U-shape) rule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PositionWeights {
    pub first: f64,
    pub middle: f64,
    pub last: f64,
}

impl Default for PositionWeights {
    fn default() -> Self {
        Self {
            first: 0.4,
            middle: 0.2,
            last: 0.4,
        }
    }
}

impl PositionWeights {
    fn validate(&self) -> Result<()> {
        let Self {
            first,
            middle,
            last,
        } = *self;
        let all_ok = [first, middle, last]
            .iter()
            .all(|w| w.is_finite() && *w >= 0.0);
        if !all_ok || ((first + middle + last) - 1.0).abs() > 1e-9 || first + last <= 0.0 {
            return Err(Error::param(
                "position_weights",
                format!(
                    "first/middle/last must be ≥ 0, sum to 1 and first + last > 0; got {first}/{middle}/{last}"
                ),
            ));
        }
        Ok(())
    }
}

/// The five attribution rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    FirstTouch,
    LastTouch,
    Linear,
    #[default]
    TimeDecay,
    PositionBased,
}

impl Rule {
    /// Every rule, in output column order.
    pub const ALL: [Self; 5] = [
        Self::FirstTouch,
        Self::LastTouch,
        Self::Linear,
        Self::TimeDecay,
        Self::PositionBased,
    ];

    /// The rule's output column name.
    pub fn column(self) -> &'static str {
        match self {
            Self::FirstTouch => "first_touch",
            Self::LastTouch => "last_touch",
            Self::Linear => "linear",
            Self::TimeDecay => "time_decay",
            Self::PositionBased => "position_based",
        }
    }
}

/// Parameters of one attribution run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AttributionParams {
    /// Touches with `touch_offset_s ≤ lookback_days · 86400` count (1 ≤ N ≤ the extract's max).
    pub lookback_days: u32,
    /// Conversions dated in `[as_of − window_days, as_of]` count.
    pub window_days: u32,
    /// End of the conversion window (days since 1970-01-01); `None` = the latest conversion date.
    pub as_of: Option<i32>,
    pub kernel: DecayKernel,
    pub lag: LagMode,
    pub position: PositionWeights,
    /// Gnosis Pay only: group by identity role too (ignored for Gnosis App).
    pub by_role: bool,
    /// Also return each conversion's credit per event kind.
    pub per_conversion: bool,
}

impl Default for AttributionParams {
    fn default() -> Self {
        Self {
            lookback_days: 30,
            window_days: 180,
            as_of: None,
            kernel: DecayKernel::HalfLife {
                half_life_days: 7.0,
            },
            lag: LagMode::Calendar,
            position: PositionWeights::default(),
            by_role: false,
            per_conversion: false,
        }
    }
}

/// Summed credit of one `(conversion_kind, [identity_role], event_kind)` group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttributionRow {
    pub conversion_kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_role: Option<String>,
    pub event_kind: String,
    /// Conversions (keys) whose journey contains this event kind.
    pub conversions_with_touch: u64,
    pub first_touch: f64,
    pub last_touch: f64,
    pub linear: f64,
    pub time_decay: f64,
    pub position_based: f64,
    /// Upstream conversion rows of the kind (and role) in the window, tracked or not.
    pub total_conversions: u64,
}

impl AttributionRow {
    /// The credit of one rule.
    pub fn credit(&self, rule: Rule) -> f64 {
        match rule {
            Rule::FirstTouch => self.first_touch,
            Rule::LastTouch => self.last_touch,
            Rule::Linear => self.linear,
            Rule::TimeDecay => self.time_decay,
            Rule::PositionBased => self.position_based,
        }
    }
}

/// Totals of one `(conversion_kind, [identity_role])` group, including kinds nobody touched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindTotal {
    pub conversion_kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_role: Option<String>,
    /// Upstream conversion rows in the window.
    pub total_conversions: u64,
    /// Conversion keys in the window.
    pub conversions: u64,
    /// Conversion keys with at least one touch inside the lookback.
    pub tracked_conversions: u64,
}

/// One conversion's credit to one event kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConversionCredit {
    pub conversion_id: u32,
    pub event_kind: String,
    pub n_touches: u32,
    pub first_touch: f64,
    pub last_touch: f64,
    pub linear: f64,
    pub time_decay: f64,
    pub position_based: f64,
}

/// The result of [`attribute`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attribution {
    pub rows: Vec<AttributionRow>,
    pub totals: Vec<KindTotal>,
    /// Present when [`AttributionParams::per_conversion`] was set; sorted by conversion, kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_conversion: Option<Vec<ConversionCredit>>,
    /// The window actually used, as days since 1970-01-01.
    pub window_start: i32,
    pub as_of: i32,
}

/// Validated run configuration shared by [`attribute`] and [`sweep`].
struct Plan {
    lookbacks_s: Vec<u32>,
    kernels: Vec<DecayKernel>,
    /// Calendar mode: the weight of kernel `k` at lag `d` is `weight_table[k * lag_stride + d]`;
    /// each kernel's row ends with a 0 at `lag_stride − 1` (the weight of a touch outside).
    weight_table: Vec<f64>,
    lag_stride: usize,
    lag: LagMode,
    position: PositionWeights,
    /// The position weights of the first and the last touch when there is no middle touch.
    first_of_two: f64,
    last_of_two: f64,
    /// `recip[k] = 1/k` and `per_middle[k] = middle/k` for `1 ≤ k ≤` the longest journey (and 0
    /// at `k = 0`): the same values as the divisions, without a division per conversion.
    recip: Vec<f64>,
    per_middle: Vec<f64>,
    by_role: bool,
    window_start: i32,
    as_of: i32,
    n_groups: usize,
}

impl Plan {
    fn new(j: &Journeys, grid: &SweepParams) -> Result<Self> {
        let SweepParams {
            lookbacks_days,
            kernels,
            lag,
            position,
            window_days,
            as_of,
            by_role,
            ..
        } = grid;
        let (lag, position, window_days, as_of, by_role) =
            (*lag, *position, *window_days, *as_of, *by_role);
        for &l in lookbacks_days {
            if l == 0 || l > j.max_lookback_days {
                return Err(Error::param(
                    "lookback_days",
                    format!(
                        "{l} is outside 1..={} (the extract's longest lookback)",
                        j.max_lookback_days
                    ),
                ));
            }
        }
        if lookbacks_days.windows(2).any(|w| w[1] <= w[0]) {
            return Err(Error::param(
                "lookback_days",
                "lookbacks must be strictly increasing",
            ));
        }
        if lookbacks_days.is_empty() || kernels.is_empty() {
            return Err(Error::param(
                "grid",
                "needs at least one lookback and one kernel",
            ));
        }
        for k in kernels {
            k.validate()?;
        }
        position.validate()?;
        let as_of = as_of.or_else(|| j.latest_conversion_date()).unwrap_or(0);
        let window_start = as_of
            - i32::try_from(window_days).map_err(|_| Error::param("window_days", "too large"))?;
        let by_role = by_role && j.sector == Sector::Gp;
        let n_roles = if by_role {
            j.identity_roles.len().max(1)
        } else {
            1
        };
        let table = |x: f64| {
            // Up to at least 1: a touchless conversion reads entry 1 (and then picks nothing).
            (0..=j.max_touches.max(1))
                .map(|k| if k == 0 { 0.0 } else { x / f64::from(k) })
                .collect::<Vec<f64>>()
        };
        let lag_stride = usize::from(j.max_lag_days) + 2;
        let weight_table = match lag {
            LagMode::Calendar => kernels
                .iter()
                .flat_map(|k| {
                    (0..=j.max_lag_days)
                        .map(|lag| k.weight(f64::from(lag)))
                        .chain([0.0])
                })
                .collect(),
            LagMode::Exact => Vec::new(),
        };
        Ok(Self {
            lookbacks_s: lookbacks_days.iter().map(|d| d * DAY_S).collect(),
            kernels: kernels.to_vec(),
            weight_table,
            lag_stride,
            lag,
            position,
            first_of_two: position.first / (position.first + position.last),
            last_of_two: position.last / (position.first + position.last),
            recip: table(1.0),
            per_middle: table(position.middle),
            by_role,
            window_start,
            as_of,
            n_groups: j.conversion_kinds.len() * n_roles,
        })
    }

    fn group_of(&self, j: &Journeys, c: usize) -> usize {
        if self.by_role {
            j.conv_kind[c] as usize * j.identity_roles.len().max(1) + j.conv_role[c] as usize
        } else {
            j.conv_kind[c] as usize
        }
    }

    fn group_keys(&self, j: &Journeys, g: usize) -> (String, Option<String>) {
        if self.by_role {
            let n_roles = j.identity_roles.len().max(1);
            (
                j.conversion_kinds[g / n_roles].clone(),
                j.identity_roles.get(g % n_roles).cloned(),
            )
        } else {
            (j.conversion_kinds[g].clone(), None)
        }
    }
}

/// The accumulators of [`attribute`] on the general path: per `(group, kind)` entry `[first,
/// last, linear, position, time_decay, conversions_with_touch]`, and the per-conversion credits
/// when asked for.
struct Single<'a> {
    j: &'a Journeys,
    acc: Blocks<6>,
    per_conversion: Option<PerConversion>,
}

/// Per-conversion credits: the current conversion's kinds (`(kind, touches, [first, last,
/// linear, time_decay, position])`, summed in touch order) and the finished list.
#[derive(Default)]
struct PerConversion {
    conversion: usize,
    kinds: Vec<(usize, u32, [f64; 5])>,
    out: Vec<ConversionCredit>,
}

impl PerConversion {
    fn finish(&mut self, j: &Journeys) {
        for &(kind, n_touches, [first, last, linear, decay, position]) in &self.kinds {
            self.out.push(ConversionCredit {
                conversion_id: j.conv_id[self.conversion],
                event_kind: j.event_kinds[kind].clone(),
                n_touches,
                first_touch: first,
                last_touch: last,
                linear,
                time_decay: decay,
                position_based: position,
            });
        }
        self.kinds.clear();
    }
}

impl Sink for Single<'_> {
    #[inline(always)]
    fn touch(
        &mut self,
        _li: usize,
        c: usize,
        i: usize,
        entry: usize,
        [first, last, linear, position]: [f64; 4],
        count: f64,
        decay: &[f64],
        inside: bool,
    ) {
        self.acc
            .add(entry, [first, last, linear, position, decay[0], count]);
        let Some(per) = self.per_conversion.as_mut().filter(|_| inside) else {
            return;
        };
        if per.conversion != c {
            per.finish(self.j);
            per.conversion = c;
        }
        let kind = (self.j.t_kind_flags[i] & 0xffff) as usize;
        let at = match per.kinds.iter().position(|e| e.0 == kind) {
            Some(at) => at,
            None => {
                per.kinds.push((kind, 0, [0.0; 5]));
                per.kinds.len() - 1
            }
        };
        let e = &mut per.kinds[at];
        e.1 += 1;
        for (sum, v) in
            e.2.iter_mut()
                .zip([first, last, linear, decay[0], position])
        {
            *sum += v;
        }
    }

    fn flush(&mut self) {
        self.acc.flush();
    }
}

/// Attribution of every tracked conversion in the window, summed per group.
pub fn attribute(j: &Journeys, params: &AttributionParams) -> Result<Attribution> {
    let plan = Plan::new(j, &SweepParams::single(params))?;
    let acc = Blocks::new(plan.n_groups * j.event_kinds.len());
    let (acc, totals, per_conversion) = if plan.lag == LagMode::Calendar && !params.per_conversion {
        let mut acc = acc;
        let totals = pass::run_calendar(j, &plan, &mut acc);
        (acc, totals, None)
    } else {
        let mut single = Single {
            j,
            acc,
            per_conversion: params.per_conversion.then(PerConversion::default),
        };
        let totals = pass::run(j, &plan, &mut single);
        let per_conversion = single.per_conversion.map(|mut per| {
            per.finish(j);
            per.out.sort_by(|a, b| {
                (a.conversion_id, &a.event_kind).cmp(&(b.conversion_id, &b.event_kind))
            });
            per.out
        });
        (single.acc, totals, per_conversion)
    };
    let rows = collect_rows(
        j,
        &plan,
        |i| {
            let [first, last, linear, position, decay, count] = acc.get(i);
            (count as u64, [first, last, linear, position], decay)
        },
        &totals.rows,
    );
    Ok(Attribution {
        rows,
        totals: kind_totals(j, &plan, &totals, 0),
        per_conversion,
        window_start: plan.window_start,
        as_of: plan.as_of,
    })
}

/// The per-group totals of lookback `li`, for groups with at least one conversion in the window.
fn kind_totals(j: &Journeys, plan: &Plan, totals: &Totals, li: usize) -> Vec<KindTotal> {
    let mut list: Vec<KindTotal> = (0..plan.n_groups)
        .filter(|&g| totals.keys[g] > 0)
        .map(|g| {
            let (conversion_kind, identity_role) = plan.group_keys(j, g);
            KindTotal {
                conversion_kind,
                identity_role,
                total_conversions: totals.rows[g],
                conversions: totals.keys[g],
                tracked_conversions: totals.tracked[li][g],
            }
        })
        .collect();
    list.sort_by(|a, b| {
        (&a.conversion_kind, &a.identity_role).cmp(&(&b.conversion_kind, &b.identity_role))
    });
    list
}

/// The output rows of one cell: `entry(g * nk + k)` gives the entry's `conversions_with_touch`,
/// its kernel-free rules (`[first, last, linear, position]`) and its time-decay credit.
fn collect_rows(
    j: &Journeys,
    plan: &Plan,
    entry: impl Fn(usize) -> (u64, [f64; 4], f64),
    group_rows: &[u64],
) -> Vec<AttributionRow> {
    let nk = j.event_kinds.len();
    let mut rows = Vec::new();
    for (g, &total_conversions) in group_rows.iter().enumerate().take(plan.n_groups) {
        for k in 0..nk {
            let (with_touch, [first, last, linear, position], decay) = entry(g * nk + k);
            if with_touch == 0 {
                continue;
            }
            let (conversion_kind, identity_role) = plan.group_keys(j, g);
            rows.push(AttributionRow {
                conversion_kind,
                identity_role,
                event_kind: j.event_kinds[k].clone(),
                conversions_with_touch: with_touch,
                first_touch: first,
                last_touch: last,
                linear,
                time_decay: decay,
                position_based: position,
                total_conversions,
            });
        }
    }
    rows.sort_by(|a, b| {
        (&a.conversion_kind, &a.identity_role, &a.event_kind).cmp(&(
            &b.conversion_kind,
            &b.identity_role,
            &b.event_kind,
        ))
    });
    rows
}

/// Parameters of a sensitivity sweep over lookbacks × decay kernels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepParams {
    /// Strictly increasing lookbacks in days.
    pub lookbacks_days: Vec<u32>,
    /// Kernels (e.g. half-lives) to compare.
    pub kernels: Vec<DecayKernel>,
    pub window_days: u32,
    pub as_of: Option<i32>,
    pub lag: LagMode,
    pub position: PositionWeights,
    pub by_role: bool,
    /// Rule whose ranking is compared across cells.
    pub rank_by: Rule,
    /// Index into the grid (lookback-major: `li * kernels.len() + ki`) of the reference cell.
    pub reference_cell: usize,
}

impl SweepParams {
    /// The one-cell grid of a single attribution run.
    fn single(p: &AttributionParams) -> Self {
        Self {
            lookbacks_days: vec![p.lookback_days],
            kernels: vec![p.kernel],
            window_days: p.window_days,
            as_of: p.as_of,
            lag: p.lag,
            position: p.position,
            by_role: p.by_role,
            rank_by: Rule::default(),
            reference_cell: 0,
        }
    }
}

/// One cell of the sweep grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepCell {
    pub lookback_days: u32,
    pub kernel: DecayKernel,
    pub rows: Vec<AttributionRow>,
}

/// How the ranking of event kinds within one conversion group changed against the reference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankFlip {
    pub cell: usize,
    pub conversion_kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_role: Option<String>,
    /// Event kind with the most credit in this cell (ties: the smallest name).
    pub leader: String,
    pub reference_leader: String,
    /// True when the leader differs from the reference cell's leader.
    pub leader_changed: bool,
    /// Pairs of event kinds whose strict order is reversed relative to the reference.
    pub inversions: u32,
}

/// The result of [`sweep`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sweep {
    /// Lookback-major grid: cell `li * kernels + ki`.
    pub cells: Vec<SweepCell>,
    pub rank_flips: Vec<RankFlip>,
    pub window_start: i32,
    pub as_of: i32,
}

/// The accumulators of [`sweep`]: per (lookback, group, kind) entry the lanes `[first, last,
/// linear, position, conversions_with_touch, time_decay of kernel 0, …]`, contiguous so that a
/// touch adds all its credits for one lookback with one short vector addition.
struct Grid {
    width: usize,
    acc: Lanes,
}

impl Sink for Grid {
    #[inline(always)]
    fn touch(
        &mut self,
        li: usize,
        _c: usize,
        _i: usize,
        entry: usize,
        [first, last, linear, position]: [f64; 4],
        count: f64,
        decay: &[f64],
        _inside: bool,
    ) {
        self.acc.add(
            li * self.width + entry,
            [first, last, linear, position, count],
            decay,
        );
    }

    fn flush(&mut self) {
        self.acc.flush();
    }
}

/// Attribution over a grid of lookbacks × kernels in one pass over the conversions: each cell's
/// rows equal those of [`attribute`] with the cell's parameters, bit for bit.
pub fn sweep(j: &Journeys, params: &SweepParams) -> Result<Sweep> {
    let plan = Plan::new(j, params)?;
    let n_cells = params.lookbacks_days.len() * params.kernels.len();
    if params.reference_cell >= n_cells {
        return Err(Error::param(
            "reference_cell",
            format!(
                "{} is outside the {n_cells}-cell grid",
                params.reference_cell
            ),
        ));
    }
    let nk = j.event_kinds.len();
    let nh = params.kernels.len();
    let width = plan.n_groups * nk;
    let mut grid = Grid {
        width,
        acc: Lanes::new(params.lookbacks_days.len() * width, 5 + nh),
    };
    let totals = pass::run(j, &plan, &mut grid);
    let mut cells = Vec::with_capacity(n_cells);
    for (li, &lookback_days) in params.lookbacks_days.iter().enumerate() {
        for (hi, &kernel) in params.kernels.iter().enumerate() {
            let rows = collect_rows(
                j,
                &plan,
                |i| {
                    let lane = |l| grid.acc.get(li * width + i, l);
                    (
                        lane(4) as u64,
                        [lane(0), lane(1), lane(2), lane(3)],
                        lane(5 + hi),
                    )
                },
                &totals.rows,
            );
            cells.push(SweepCell {
                lookback_days,
                kernel,
                rows,
            });
        }
    }
    let rank_flips = rank_flips(&cells, params.reference_cell, params.rank_by);
    Ok(Sweep {
        cells,
        rank_flips,
        window_start: plan.window_start,
        as_of: plan.as_of,
    })
}

/// Compares each cell's ranking of event kinds by `rule`, per conversion group (and role), with the
/// ranking in cell `reference`: one [`RankFlip`] per cell and group, in cell order then group
/// order. The leader is the kind with the most credit (ties: the smallest name); an inversion is
/// a pair of kinds whose strict order is reversed (a kind missing from a cell has credit 0 there).
///
/// # Panics
///
/// If `reference` is not an index into `cells` ([`sweep`] checks it first).
pub fn rank_flips(cells: &[SweepCell], reference: usize, rule: Rule) -> Vec<RankFlip> {
    use std::collections::BTreeMap;
    type Key = (String, Option<String>);
    let credits = |cell: &SweepCell| {
        let mut m: BTreeMap<Key, BTreeMap<String, f64>> = BTreeMap::new();
        for r in &cell.rows {
            m.entry((r.conversion_kind.clone(), r.identity_role.clone()))
                .or_default()
                .insert(r.event_kind.clone(), r.credit(rule));
        }
        m
    };
    let leader = |m: &BTreeMap<String, f64>| {
        m.iter()
            .fold(None::<(&String, f64)>, |best, (k, &v)| match best {
                Some((_, bv)) if bv >= v => best,
                _ => Some((k, v)),
            })
            .map(|(k, _)| k.clone())
            .unwrap_or_default()
    };
    let reference = credits(&cells[reference]);
    let mut out = Vec::new();
    for (ci, cell) in cells.iter().enumerate() {
        for ((conversion_kind, identity_role), m) in credits(cell) {
            let empty = BTreeMap::new();
            let r = reference
                .get(&(conversion_kind.clone(), identity_role.clone()))
                .unwrap_or(&empty);
            let kinds: Vec<&String> = m
                .keys()
                .chain(r.keys())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let value =
                |map: &BTreeMap<String, f64>, k: &String| map.get(k).copied().unwrap_or(0.0);
            let mut inversions = 0;
            for (x, a) in kinds.iter().enumerate() {
                for b in &kinds[x + 1..] {
                    let now = value(&m, a) - value(&m, b);
                    let before = value(r, a) - value(r, b);
                    if now * before < 0.0 {
                        inversions += 1;
                    }
                }
            }
            let leader_now = leader(&m);
            let reference_leader = leader(r);
            out.push(RankFlip {
                cell: ci,
                conversion_kind,
                identity_role,
                leader_changed: leader_now != reference_leader,
                leader: leader_now,
                reference_leader,
                inversions,
            });
        }
    }
    out
}
