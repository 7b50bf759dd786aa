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
//! [`Journeys`] prepares the two extracts once (touches grouped per conversion, most recent first),
//! so that moving a slider recomputes in one pass over the touches. [`sweep`] computes a whole grid
//! of lookbacks × kernels in that same single pass: touches sorted by offset make every lookback a
//! prefix of the previous one's superset, so each touch is visited once per kernel.

use serde::{Deserialize, Serialize};

use crate::extract::TouchExtract;
use crate::table::{Conversions, Sector};
use crate::{Error, Result};

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

/// Conversions and their touches, joined and ordered for fast repeated attribution.
///
/// Touches are grouped per conversion (CSR layout) and, within a conversion, ordered by
/// `(touch_offset_s, event_kind)`: most recent first. A lookback of N days is then a prefix.
#[derive(Debug, Clone)]
pub struct Journeys {
    sector: Sector,
    conversion_kinds: Vec<String>,
    identity_roles: Vec<String>,
    event_kinds: Vec<String>,
    conv_id: Vec<u32>,
    conv_kind: Vec<u32>,
    conv_role: Vec<u32>,
    conv_date: Vec<i32>,
    source_rows: Vec<u32>,
    /// Touches of conversion `i` are `start[i]..start[i + 1]`.
    start: Vec<u32>,
    t_offset_s: Vec<u32>,
    t_lag_days: Vec<u16>,
    /// Slot of each touch's kind within its conversion: kinds numbered in order of first
    /// appearance (most recent first), so the kinds of any lookback prefix are slots `0..m`.
    t_slot: Vec<u16>,
    /// Distance from each touch back to the first touch of its same-second run.
    t_back: Vec<u32>,
    /// Distinct kinds in each touch's same-second run (the same for every touch of the run).
    t_run_kinds: Vec<u16>,
    /// Length of each conversion's first run (its most recent second).
    latest_run: Vec<u32>,
    /// Kinds of conversion `i`'s slots are `slot_kind[slot_start[i]..slot_start[i + 1]]`.
    slot_start: Vec<u32>,
    slot_kind: Vec<u32>,
    max_lag_days: u16,
    max_lookback_days: u32,
}

impl Journeys {
    /// Joins `touches` to `conversions` by `conversion_id`, checking that every touch belongs to a
    /// known conversion and that its `lag_days` agrees with its offset. `touches_file` names the
    /// touch extract in errors.
    pub fn new(
        conversions: &Conversions,
        touches: &TouchExtract,
        touches_file: &str,
    ) -> Result<Self> {
        let n = conversions.len();
        let t = &touches.touches;
        let bad = |column: &str, row: usize, detail: String| Error::InvalidValue {
            file: touches_file.to_owned(),
            column: column.to_owned(),
            row,
            detail,
        };
        // Conversion id -> row. Publishers assign dense ids in row order; fall back to a lookup.
        let dense = conversions
            .conversion_id
            .iter()
            .enumerate()
            .all(|(i, &id)| id as usize == i);
        let lookup: std::collections::HashMap<u32, u32> = if dense {
            std::collections::HashMap::new()
        } else {
            conversions
                .conversion_id
                .iter()
                .enumerate()
                .map(|(i, &id)| (id, i as u32))
                .collect()
        };
        let mut row_of = Vec::with_capacity(t.len());
        for (row, &id) in t.conversion_id.iter().enumerate() {
            let r = if dense {
                (id as usize) < n
            } else {
                lookup.contains_key(&id)
            };
            if !r {
                return Err(bad(
                    crate::extract::col::CONVERSION_ID,
                    row,
                    format!("conversion_id {id} is not in the conversions extract"),
                ));
            }
            row_of.push(if dense { id } else { lookup[&id] });
        }
        // Counting sort of touches by conversion row.
        let mut start = vec![0u32; n + 1];
        for &r in &row_of {
            start[r as usize + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut order = vec![0u32; t.len()];
        for (i, &r) in row_of.iter().enumerate() {
            order[fill[r as usize] as usize] = i as u32;
            fill[r as usize] += 1;
        }
        // Within a conversion: most recent first, then by event kind name for deterministic ties.
        let kind_rank = rank_of_names(&t.event_kind.values);
        for c in 0..n {
            let seg = &mut order[start[c] as usize..start[c + 1] as usize];
            seg.sort_unstable_by_key(|&i| {
                let i = i as usize;
                (
                    t.touch_offset_s[i],
                    kind_rank[t.event_kind.codes[i] as usize],
                    i,
                )
            });
        }
        if t.event_kind.values.len() > usize::from(u16::MAX) {
            return Err(bad(
                crate::extract::col::EVENT_KIND,
                0,
                format!(
                    "{} distinct event kinds; at most {} are supported",
                    t.event_kind.values.len(),
                    u16::MAX
                ),
            ));
        }
        // Re-code event kinds so that code order is name order.
        let mut event_kinds = t.event_kind.values.clone();
        event_kinds.sort();
        let mut t_kind = Vec::with_capacity(t.len());
        let mut t_offset_s = Vec::with_capacity(t.len());
        let mut t_lag_days = Vec::with_capacity(t.len());
        let mut max_lag_days = 0u16;
        let mut t_slot = Vec::with_capacity(t.len());
        let mut slot_start = Vec::with_capacity(n + 1);
        let mut slot_kind: Vec<u32> = Vec::new();
        slot_start.push(0);
        for (c, seg) in start.windows(2).enumerate() {
            let first_slot = slot_kind.len();
            for &i in &order[seg[0] as usize..seg[1] as usize] {
                let i = i as usize;
                let off = t.touch_offset_s[i];
                let lag = t.lag_days[i];
                let ts = conversions.conversion_ts[c];
                let expected =
                    conversions.conversion_date[c] - crate::date::date_of_ts(ts - i64::from(off));
                if i32::from(lag) != expected {
                    return Err(bad(
                        crate::extract::col::LAG_DAYS,
                        i,
                        format!(
                            "lag_days {lag} disagrees with touch_offset_s {off} (expected {expected})"
                        ),
                    ));
                }
                max_lag_days = max_lag_days.max(lag);
                let kind = kind_rank[t.event_kind.codes[i] as usize];
                let slot = match slot_kind[first_slot..].iter().position(|&k| k == kind) {
                    Some(slot) => slot,
                    None => {
                        slot_kind.push(kind);
                        slot_kind.len() - 1 - first_slot
                    }
                };
                t_kind.push(kind);
                t_slot.push(slot as u16);
                t_offset_s.push(off);
                t_lag_days.push(lag);
            }
            slot_start.push(slot_kind.len() as u32);
        }
        let (t_back, t_run_kinds, latest_run) = same_second_runs(&start, &t_offset_s, &t_kind);
        let conv_role = match &conversions.identity_role {
            Some(role) => role.codes.clone(),
            None => vec![0; n],
        };
        Ok(Self {
            sector: conversions.sector(),
            conversion_kinds: conversions.conversion_kind.values.clone(),
            identity_roles: conversions
                .identity_role
                .as_ref()
                .map(|r| r.values.clone())
                .unwrap_or_default(),
            event_kinds,
            conv_id: conversions.conversion_id.clone(),
            conv_kind: conversions.conversion_kind.codes.clone(),
            conv_role,
            conv_date: conversions.conversion_date.clone(),
            source_rows: conversions.source_rows.clone(),
            start,
            t_offset_s,
            t_lag_days,
            t_slot,
            t_back,
            t_run_kinds,
            latest_run,
            slot_start,
            slot_kind,
            max_lag_days,
            max_lookback_days: touches.max_lookback_days,
        })
    }

    /// The longest lookback the extract supports, in days.
    pub fn max_lookback_days(&self) -> u32 {
        self.max_lookback_days
    }

    /// Gnosis App or Gnosis Pay.
    pub fn sector(&self) -> Sector {
        self.sector
    }

    /// Number of conversion keys.
    pub fn conversions(&self) -> usize {
        self.conv_id.len()
    }

    /// Number of touches.
    pub fn touches(&self) -> usize {
        self.t_offset_s.len()
    }

    /// Event kind names, sorted.
    pub fn event_kinds(&self) -> &[String] {
        &self.event_kinds
    }

    /// Conversion kind names (unsorted dictionary order).
    pub fn conversion_kinds(&self) -> &[String] {
        &self.conversion_kinds
    }

    /// Identity roles (empty for Gnosis App).
    pub fn identity_roles(&self) -> &[String] {
        &self.identity_roles
    }

    /// The latest conversion date, if any conversion exists.
    pub fn latest_conversion_date(&self) -> Option<i32> {
        self.conv_date.iter().copied().max()
    }
}

/// The same-second runs of every conversion's touches (ordered by offset, then kind): for each
/// touch the distance back to its run's first touch and the run's number of distinct kinds, and
/// for each conversion the length of its first run.
fn same_second_runs(
    start: &[u32],
    offsets: &[u32],
    kinds: &[u32],
) -> (Vec<u32>, Vec<u16>, Vec<u32>) {
    let mut back = vec![0u32; offsets.len()];
    let mut run_kinds = vec![0u16; offsets.len()];
    let mut latest_run = vec![0u32; start.len().saturating_sub(1)];
    for (c, seg) in start.windows(2).enumerate() {
        let (s, e) = (seg[0] as usize, seg[1] as usize);
        let mut r = s;
        while r < e {
            let mut end = r + 1;
            let mut distinct = 1u16;
            while end < e && offsets[end] == offsets[r] {
                distinct = distinct.saturating_add(u16::from(kinds[end] != kinds[end - 1]));
                end += 1;
            }
            for i in r..end {
                back[i] = (i - r) as u32;
                run_kinds[i] = distinct;
            }
            if r == s {
                latest_run[c] = (end - s) as u32;
            }
            r = end;
        }
    }
    (back, run_kinds, latest_run)
}

/// For names in dictionary order, the rank of each in sorted order.
fn rank_of_names(names: &[String]) -> Vec<u32> {
    let mut idx: Vec<usize> = (0..names.len()).collect();
    idx.sort_by(|&a, &b| names[a].cmp(&names[b]));
    let mut rank = vec![0u32; names.len()];
    for (r, &i) in idx.iter().enumerate() {
        rank[i] = r as u32;
    }
    rank
}

/// A compensated total: Knuth's branch-free TwoSum keeps the rounding error of every addition.
#[derive(Debug, Clone, Copy, Default)]
struct Compensated {
    sum: f64,
    carry: f64,
}

impl Compensated {
    #[inline]
    fn add(&mut self, x: f64) {
        let t = self.sum + x;
        let z = t - self.sum;
        self.carry += (self.sum - (t - z)) + (x - z);
        self.sum = t;
    }

    fn value(self) -> f64 {
        self.sum + self.carry
    }
}

/// The four kernel-free rules, in accumulator order.
const FIRST: usize = 0;
const LAST: usize = 1;
const LINEAR: usize = 2;
const POSITION: usize = 3;

/// Conversions between two flushes of the blocks.
const FLUSH_EVERY: u32 = 1024;

/// Every accumulator of a run: the kernel-free rules per (lookback, group, kind) and time-decay
/// per (lookback, kernel, group, kind).
///
/// Credits are added plainly into short *blocks* (one vector addition per kind and conversion),
/// and every [`FLUSH_EVERY`] conversions the blocks are folded into compensated totals. Summing
/// credits over millions of conversions thus stays within an ulp or two of the exact sum (parity
/// with the warehouse at 1e-9) at the cost of one addition per value.
struct Accumulators {
    with_touch: Vec<u64>,
    rules: Vec<[f64; 4]>,
    rules_total: Vec<[Compensated; 4]>,
    decay: Vec<f64>,
    decay_total: Vec<Compensated>,
    pending: u32,
}

impl Accumulators {
    fn new(rules: usize, decay: usize) -> Self {
        Self {
            with_touch: vec![0; rules],
            rules: vec![[0.0; 4]; rules],
            rules_total: vec![[Compensated::default(); 4]; rules],
            decay: vec![0.0; decay],
            decay_total: vec![Compensated::default(); decay],
            pending: 0,
        }
    }

    /// Adds one conversion's kernel-free credits to entry `i`.
    #[inline]
    fn add_rules(&mut self, i: usize, credits: [f64; 4]) {
        self.with_touch[i] += 1;
        let block = &mut self.rules[i];
        for r in 0..4 {
            block[r] += credits[r];
        }
    }

    /// Counts one emitted conversion and folds the blocks in when they have grown long enough.
    #[inline]
    fn tick(&mut self) {
        self.pending += 1;
        if self.pending == FLUSH_EVERY {
            self.flush();
        }
    }

    fn flush(&mut self) {
        self.pending = 0;
        for (block, total) in self.rules.iter_mut().zip(&mut self.rules_total) {
            for r in 0..4 {
                total[r].add(block[r]);
                block[r] = 0.0;
            }
        }
        for (block, total) in self.decay.iter_mut().zip(&mut self.decay_total) {
            total.add(*block);
            *block = 0.0;
        }
    }

    /// The final rule totals of entry `i`.
    fn rules(&self, i: usize) -> [f64; 4] {
        self.rules_total[i].map(Compensated::value)
    }
}

/// Validated run configuration shared by [`attribute`] and [`sweep`].
struct Plan {
    lookbacks_s: Vec<u32>,
    kernels: Vec<DecayKernel>,
    /// Calendar mode: the weight of kernel `k` at lag `d` is `weight_table[k * lag_stride + d]`.
    weight_table: Vec<f64>,
    lag_stride: usize,
    lag: LagMode,
    position: PositionWeights,
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
        let lag_stride = usize::from(j.max_lag_days) + 1;
        let weight_table = match lag {
            LagMode::Calendar => kernels
                .iter()
                .flat_map(|k| (0..=j.max_lag_days).map(|lag| k.weight(f64::from(lag))))
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

/// Per-conversion working memory, indexed by slot (see [`Journeys`]); `m` slots are in use.
///
/// Nothing is cleared between conversions: slots open in order (a touch whose slot is `m` opens
/// it, assigning rather than adding), and the per-prefix marks carry a `stamp` that changes with
/// every prefix, so a stale mark is simply not equal to the current stamp.
struct Scratch {
    n_kernels: usize,
    m: usize,
    n: Vec<u32>,
    /// `decay[slot * n_kernels + kernel]`: summed kernel weights of the slot's touches.
    decay: Vec<f64>,
    stamp: u64,
    first_mark: Vec<u64>,
    middle_mark: Vec<u64>,
    middle: Vec<u32>,
    /// Position-based credit of the current prefix, see [`Scratch::positional`].
    pos: Positional,
}

/// The shape of one prefix for the positional rules.
#[derive(Debug, Clone, Copy, Default)]
struct Positional {
    /// Slots `0..n_last` are the kinds at the latest second (they open first).
    n_last: usize,
    share_last: f64,
    share_first: f64,
    /// Every touch is at one second.
    single_second: bool,
    w_first: f64,
    w_last: f64,
    per_middle: f64,
}

impl Scratch {
    fn new(n_kinds: usize, n_kernels: usize) -> Self {
        Self {
            n_kernels,
            m: 0,
            n: vec![0; n_kinds],
            decay: vec![0.0; n_kinds * n_kernels],
            stamp: 0,
            first_mark: vec![0; n_kinds],
            middle_mark: vec![0; n_kinds],
            middle: vec![0; n_kinds],
            pos: Positional::default(),
        }
    }

    /// Touches in the current prefix.
    fn n_total(&self) -> u32 {
        self.n[..self.m].iter().sum()
    }

    /// Summed weights of kernel `h` over the current prefix.
    fn decay_total(&self, h: usize) -> f64 {
        self.decay[..self.m * self.n_kernels]
            .iter()
            .skip(h)
            .step_by(self.n_kernels)
            .sum()
    }

    /// The positional credit of a prefix whose touches are all of one kind (slot 0): every rule
    /// gives it the whole credit. About a third of journeys take this path.
    #[inline]
    fn only_one_kind(&mut self) {
        self.stamp += 1;
        self.first_mark[0] = self.stamp;
        self.pos = Positional {
            n_last: 1,
            share_last: 1.0,
            share_first: 1.0,
            single_second: true,
            ..Positional::default()
        };
    }

    /// First-touch, last-touch and position-based credit of `slot` in the current prefix.
    #[inline]
    fn positional(&self, slot: usize) -> (f64, f64, f64) {
        let p = &self.pos;
        let last = if slot < p.n_last { p.share_last } else { 0.0 };
        let first = if self.first_mark[slot] == self.stamp {
            p.share_first
        } else {
            0.0
        };
        if p.single_second {
            return (first, last, first);
        }
        let middle = if self.middle_mark[slot] == self.stamp {
            self.middle[slot]
        } else {
            0
        };
        (
            first,
            last,
            p.w_first * first + p.w_last * last + p.per_middle * f64::from(middle),
        )
    }
}

/// Prepares first-touch, last-touch and position-based credit of the prefix `t[s..s + p]` of
/// conversion `c` (most recent first) for [`Scratch::positional`]. The same-second runs were
/// measured at load time, so this touches only the earliest run and the middle.
#[inline]
fn positional_credit(
    j: &Journeys,
    c: usize,
    s: usize,
    p: usize,
    w: PositionWeights,
    sc: &mut Scratch,
) {
    sc.stamp += 1;
    let stamp = sc.stamp;
    let last_i = s + p - 1;
    // The latest run is at the front, the earliest at the back.
    let a = s + j.latest_run[c] as usize;
    let b = last_i - j.t_back[last_i] as usize;
    let n_last = j.t_run_kinds[s];
    let n_first = j.t_run_kinds[last_i];
    for &slot in &j.t_slot[b..=last_i] {
        sc.first_mark[slot as usize] = stamp;
    }
    let single_second = b == s;
    let n_middle = b.saturating_sub(a);
    let (w_first, w_last, per_middle) = if n_middle == 0 {
        let norm = w.first + w.last;
        (w.first / norm, w.last / norm, 0.0)
    } else {
        for &slot in &j.t_slot[a..b] {
            let slot = slot as usize;
            let seen = if sc.middle_mark[slot] == stamp {
                sc.middle[slot]
            } else {
                0
            };
            sc.middle[slot] = seen + 1;
            sc.middle_mark[slot] = stamp;
        }
        (w.first, w.last, w.middle / n_middle as f64)
    };
    sc.pos = Positional {
        n_last: usize::from(n_last),
        share_last: 1.0 / f64::from(n_last),
        share_first: 1.0 / f64::from(n_first),
        single_second,
        w_first,
        w_last,
        per_middle,
    };
}

/// Totals gathered during the pass, per group (and per lookback for tracked keys).
struct Totals {
    rows: Vec<u64>,
    keys: Vec<u64>,
    /// `tracked[lookback][group]`.
    tracked: Vec<Vec<u64>>,
}

/// The single-pass core: visits every conversion in the window once, extends the per-kind
/// accumulators lookback by lookback, and hands each (lookback, conversion, group) with at least
/// one touch to `emit`. Returns the per-group totals.
fn run(
    j: &Journeys,
    plan: &Plan,
    mut emit: impl FnMut(usize, usize, usize, &Scratch, &[u32]),
) -> Totals {
    let mut sc = Scratch::new(j.event_kinds.len(), plan.kernels.len());
    let mut totals = Totals {
        rows: vec![0; plan.n_groups],
        keys: vec![0; plan.n_groups],
        tracked: vec![vec![0; plan.n_groups]; plan.lookbacks_s.len()],
    };
    let nh = plan.kernels.len();
    let mut prefix = vec![0usize; plan.lookbacks_s.len()];
    for c in 0..j.conv_id.len() {
        let date = j.conv_date[c];
        if date < plan.window_start || date > plan.as_of {
            continue;
        }
        let g = plan.group_of(j, c);
        totals.rows[g] += u64::from(j.source_rows[c]);
        totals.keys[g] += 1;
        let s = j.start[c] as usize;
        let e = j.start[c + 1] as usize;
        let kinds = &j.slot_kind[j.slot_start[c] as usize..j.slot_start[c + 1] as usize];
        sc.m = 0;
        // Prefix ends of every lookback, found from the back: most touches are inside.
        let offs = &j.t_offset_s[s..e];
        let mut end = offs.len();
        for (li, &lookback_s) in plan.lookbacks_s.iter().enumerate().rev() {
            while end > 0 && offs[end - 1] > lookback_s {
                end -= 1;
            }
            prefix[li] = end;
        }
        let mut p = 0;
        for (li, &new_p) in prefix.iter().enumerate() {
            for i in s + p..s + new_p {
                let slot = j.t_slot[i] as usize;
                // Slots open in order: a touch whose slot is `m` opens it (assign, not add).
                let fresh = slot == sc.m;
                sc.m += usize::from(fresh);
                sc.n[slot] = if fresh { 1 } else { sc.n[slot] + 1 };
                if nh == 1 && plan.lag == LagMode::Calendar {
                    // The common case (one kernel, calendar lag): one table lookup per touch.
                    let w = plan.weight_table[j.t_lag_days[i] as usize];
                    sc.decay[slot] = if fresh { w } else { sc.decay[slot] + w };
                    continue;
                }
                let decay = &mut sc.decay[slot * nh..(slot + 1) * nh];
                match plan.lag {
                    LagMode::Calendar => {
                        let lag = j.t_lag_days[i] as usize;
                        for (d, w) in decay
                            .iter_mut()
                            .zip(plan.weight_table[lag..].iter().step_by(plan.lag_stride))
                        {
                            *d = if fresh { *w } else { *d + w };
                        }
                    }
                    LagMode::Exact => {
                        let lag = f64::from(j.t_offset_s[i]) / f64::from(DAY_S);
                        for (d, kernel) in decay.iter_mut().zip(&plan.kernels) {
                            let w = kernel.weight(lag);
                            *d = if fresh { w } else { *d + w };
                        }
                    }
                }
            }
            p = new_p;
            if p > 0 {
                totals.tracked[li][g] += 1;
                if sc.m == 1 {
                    sc.only_one_kind();
                } else {
                    positional_credit(j, c, s, p, plan.position, &mut sc);
                }
                emit(li, c, g, &sc, kinds);
            }
        }
    }
    totals
}

/// Attribution of every tracked conversion in the window, summed per group.
pub fn attribute(j: &Journeys, params: &AttributionParams) -> Result<Attribution> {
    let plan = Plan::new(j, &SweepParams::single(params))?;
    let nk = j.event_kinds.len();
    let mut acc = Accumulators::new(plan.n_groups * nk, plan.n_groups * nk);
    let mut per_conversion = params.per_conversion.then(Vec::new);
    let totals = run(j, &plan, |_, c, g, sc, kinds| {
        acc.tick();
        let base = g * nk;
        let inv_n = 1.0 / f64::from(sc.n_total());
        let inv_d = 1.0 / sc.decay_total(0);
        for (slot, &k) in kinds[..sc.m].iter().enumerate() {
            let k = k as usize;
            let linear = f64::from(sc.n[slot]) * inv_n;
            let td = sc.decay[slot] * inv_d;
            let (first, last, position) = sc.positional(slot);
            acc.add_rules(base + k, [first, last, linear, position]);
            acc.decay[base + k] += td;
            if let Some(out) = per_conversion.as_mut() {
                out.push(ConversionCredit {
                    conversion_id: j.conv_id[c],
                    event_kind: j.event_kinds[k].clone(),
                    n_touches: sc.n[slot],
                    first_touch: first,
                    last_touch: last,
                    linear,
                    time_decay: td,
                    position_based: position,
                });
            }
        }
    });
    acc.flush();
    let rows = collect_rows(
        j,
        &plan,
        &acc,
        0,
        |i| acc.decay_total[i].value(),
        &totals.rows,
    );
    if let Some(out) = per_conversion.as_mut() {
        out.sort_by(|a, b| (a.conversion_id, &a.event_kind).cmp(&(b.conversion_id, &b.event_kind)));
    }
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

/// The output rows of one lookback: entries `offset + g * nk + k` of the rule accumulators and
/// `decay(g * nk + k)` of that lookback's kernel.
fn collect_rows(
    j: &Journeys,
    plan: &Plan,
    acc: &Accumulators,
    offset: usize,
    decay: impl Fn(usize) -> f64,
    group_rows: &[u64],
) -> Vec<AttributionRow> {
    let nk = j.event_kinds.len();
    let mut rows = Vec::new();
    for (g, &total_conversions) in group_rows.iter().enumerate().take(plan.n_groups) {
        for k in 0..nk {
            let i = g * nk + k;
            let with_touch = acc.with_touch[offset + i];
            if with_touch == 0 {
                continue;
            }
            let rules = acc.rules(offset + i);
            let (conversion_kind, identity_role) = plan.group_keys(j, g);
            rows.push(AttributionRow {
                conversion_kind,
                identity_role,
                event_kind: j.event_kinds[k].clone(),
                conversions_with_touch: with_touch,
                first_touch: rules[FIRST],
                last_touch: rules[LAST],
                linear: rules[LINEAR],
                time_decay: decay(i),
                position_based: rules[POSITION],
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

/// Attribution over a grid of lookbacks × kernels in one pass over the touches.
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
    let mut acc = Accumulators::new(params.lookbacks_days.len() * width, n_cells * width);
    let totals = run(j, &plan, |li, _, g, sc, kinds| {
        acc.tick();
        let g = g * nk;
        let inv_n = 1.0 / f64::from(sc.n_total());
        let kinds = &kinds[..sc.m];
        for (slot, &k) in kinds.iter().enumerate() {
            let (first, last, position) = sc.positional(slot);
            let linear = f64::from(sc.n[slot]) * inv_n;
            acc.add_rules(li * width + g + k as usize, [first, last, linear, position]);
        }
        for hi in 0..nh {
            let inv_d = 1.0 / sc.decay_total(hi);
            let base = (li * nh + hi) * width + g;
            for (slot, &k) in kinds.iter().enumerate() {
                acc.decay[base + k as usize] += sc.decay[slot * nh + hi] * inv_d;
            }
        }
    });
    acc.flush();
    let mut cells = Vec::with_capacity(n_cells);
    for (li, &lookback_days) in params.lookbacks_days.iter().enumerate() {
        for (hi, &kernel) in params.kernels.iter().enumerate() {
            let base = (li * nh + hi) * width;
            let rows = collect_rows(
                j,
                &plan,
                &acc,
                li * width,
                |i| acc.decay_total[base + i].value(),
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

/// Compares each cell's ranking of event kinds, per conversion group, with the reference cell's.
fn rank_flips(cells: &[SweepCell], reference: usize, rule: Rule) -> Vec<RankFlip> {
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
