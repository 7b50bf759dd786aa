//! Funnels: how far each user gets through an ordered list of steps within a time window, with
//! the semantics of ClickHouse's `windowFunnel(window)(ts, cond_1, …, cond_n)` reproduced exactly.
//!
//! A funnel is a list of *steps*, each an event kind (`chain.onboard`, `chain.swap_filled`, …), and
//! a window in seconds. A kind may appear at several positions; the step count is not limited.
//! The *level* of a group of events (one user, or one user on one UTC day) is how many steps it
//! completes in order, from 0 to the number of steps.
//!
//! # The default mode (spec §2.4)
//!
//! - Events are sorted by timestamp. An event whose kind sits at several step positions counts as
//!   one entry per position, and entries of the same second are taken in ascending step order, so
//!   same-second events can advance a funnel in step order. Without `strict_once` one event may
//!   even serve as several consecutive steps (with steps `a, a`, a single `a` reaches level 2).
//! - A *chain* starts at any step-1 event. A later entry for step k + 1 extends a chain at level k
//!   when it is at most `window_s` seconds after the chain's start (the window is inclusive).
//! - The level is the highest step any chain reaches; 0 when there is no step-1 event. Steps cannot
//!   be skipped. The scan keeps, per level, the chain that most recently reached it (which is also
//!   the latest-started one); in the default mode that is as good as trying every chain.
//!
//! # Modes (ClickHouse options; any combination, except as noted)
//!
//! - **`strict_order`**: a started funnel may not be interrupted. Once a step-1 event has been
//!   seen, the scan ends at the first event that matches no step at all, or at the first entry for
//!   a step whose previous step no chain has reached yet; the level reached by then is the answer.
//!   [`funnel`] only ever evaluates events of step kinds (spec §8.3, as the daily mart filters
//!   them first), so there only the second rule applies; [`window_funnel_level`] sees every event
//!   it is given.
//! - **`strict_deduplication`**: the scan ends, with the level reached so far, at an entry for a
//!   step k ≥ 2 that some chain has already reached (a repeated step). Repeated step-1 events do
//!   not end it: they start new chains.
//! - **`strict_increase`**: a step counts only if it is strictly later, in seconds, than the
//!   previous step of its chain, so a chain advances at most one step per second. Because the
//!   default scan keeps only the latest chain per level, a same-second step-1 event can hide an
//!   older chain that would have qualified; ClickHouse returns the lower level then, and so does
//!   this module.
//! - **`strict_once`**: one event serves at most one step of a chain (it matters when a kind sits
//!   at several positions, or one event matches several steps). ClickHouse then tracks every open
//!   chain instead of one per level, which also lets `strict_increase` find older chains.
//! - **`allow_reentry`** (only with `strict_order`; an error otherwise, as in ClickHouse): an entry
//!   for a step whose previous step has not been reached is skipped instead of ending the scan.
//!   Events matching no step still end it.
//!
//! ClickHouse's algorithm was read from `src/AggregateFunctions/AggregateFunctionWindowFunnel.cpp`
//! (version 26.x) and ported; the tests replay hundreds of cases evaluated by ClickHouse 26.9
//! through chDB (`scripts/funnel_cases_from_chdb.py`). Differences by design: any number of steps
//! (ClickHouse stops at 32); signed timestamps; and a window near 2⁶⁴ s, where ClickHouse's
//! `start + window` wraps around, simply means "no limit" here.
//!
//! # Groups and statistics
//!
//! [`funnel`] evaluates a [`FunnelEvents`] extract per user per UTC day ([`Grouping::PerDay`],
//! the daily mart's grain: a group for every user-day with any step event, level 0 included), or
//! per user over an inclusive date range ([`Grouping::Range`], true multi-day funnels). It counts
//! groups per level, groups reaching each step, step-to-step conversion and the time to convert.
//!
//! **Time to convert** to step k (k ≥ 2) of a group that reached step k is the number of seconds
//! from the start of its *recorded chain* to the timestamp of that chain's step-k event. The
//! recorded chain is the first chain, in scan order, to reach the group's final level; when one
//! entry completes several candidate chains it is the latest-started one. With the default
//! bookkeeping every step of it is the one the scan held when extending, so for `a@0 a@50 b@60`
//! the time to step 2 is 10 s (the chain restarted at the second `a`). All steps of one group come
//! from the same chain, so durations grow with k.

mod scan;
#[cfg(test)]
mod tests;

use serde::Serialize;

use crate::date::date_of_ts;
use crate::table::FunnelEvents;
use crate::{Error, Result};

use scan::{NO_SLOT, Plan, Scanner};

/// The `windowFunnel` options; see the module documentation for what each one does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct FunnelModes {
    pub strict_order: bool,
    pub strict_deduplication: bool,
    pub strict_increase: bool,
    pub strict_once: bool,
    /// Requires `strict_order`.
    pub allow_reentry: bool,
}

impl FunnelModes {
    /// The modes named by ClickHouse option strings (`"strict_order"`, …). The retired `strict`
    /// option and unknown names are errors, as in ClickHouse.
    pub fn from_options<'a>(options: impl IntoIterator<Item = &'a str>) -> Result<Self> {
        let mut modes = Self::default();
        for option in options {
            match option {
                "strict_order" => modes.strict_order = true,
                "strict_deduplication" => modes.strict_deduplication = true,
                "strict_increase" => modes.strict_increase = true,
                "strict_once" => modes.strict_once = true,
                "allow_reentry" => modes.allow_reentry = true,
                "strict" => {
                    return Err(Error::param(
                        "modes",
                        "`strict` was renamed `strict_deduplication`",
                    ));
                }
                other => {
                    return Err(Error::param(
                        "modes",
                        format!("`{other}` is not a windowFunnel option"),
                    ));
                }
            }
        }
        modes.validate()?;
        Ok(modes)
    }

    /// The ClickHouse option strings of the modes that are on, in a fixed order.
    pub fn options(&self) -> Vec<&'static str> {
        [
            (self.strict_order, "strict_order"),
            (self.strict_deduplication, "strict_deduplication"),
            (self.strict_increase, "strict_increase"),
            (self.strict_once, "strict_once"),
            (self.allow_reentry, "allow_reentry"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect()
    }

    /// Rejects combinations ClickHouse rejects.
    pub fn validate(&self) -> Result<()> {
        if self.allow_reentry && !self.strict_order {
            return Err(Error::param("modes", "allow_reentry requires strict_order"));
        }
        Ok(())
    }
}

/// What one funnel evaluation is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Grouping {
    /// One group per user per UTC calendar day (the daily mart's grain); chains never cross
    /// midnight.
    PerDay,
    /// One group per user over `from_date..=to_date` (days since 1970-01-01, UTC); events outside
    /// the range are dropped.
    Range { from_date: i32, to_date: i32 },
}

/// Parameters of [`funnel`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct FunnelParams {
    /// Event kinds, step 1 first; at least one. Kinds absent from the data are allowed (they never
    /// match) and reported in [`FunnelReport::warnings`].
    pub steps: Vec<String>,
    /// Inclusive window from a chain's first step, in seconds; 0 allows same-second chains only.
    pub window_s: u64,
    pub modes: FunnelModes,
    pub grouping: Grouping,
    /// Also return one [`FunnelRow`] per group (the browser only needs the summary).
    pub with_rows: bool,
}

/// The level of one group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct FunnelRow {
    /// The UTC day of the group under [`Grouping::PerDay`]; `None` under [`Grouping::Range`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<i32>,
    pub user_id: u32,
    pub level: u32,
}

/// Distribution of the time to convert to one step, in seconds (quantiles interpolate linearly
/// between order statistics, like numpy's default; all `None` when `n = 0`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimeToConvert {
    /// The step converted to (2 ..= number of steps).
    pub step: usize,
    /// Groups that reached the step.
    pub n: u64,
    pub min_s: Option<u64>,
    pub p25_s: Option<f64>,
    pub median_s: Option<f64>,
    pub p75_s: Option<f64>,
    pub p90_s: Option<f64>,
    pub max_s: Option<u64>,
    pub mean_s: Option<f64>,
}

/// Something the caller should know about a result that is nevertheless complete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FunnelWarning {
    /// No evaluated event has this step's kind, so no group gets past the step before it.
    StepKindAbsent { step: usize, event_kind: String },
}

/// The result of [`funnel`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunnelReport {
    /// Groups evaluated: user-days ([`Grouping::PerDay`]) or users ([`Grouping::Range`]) with at
    /// least one step event.
    pub n_groups: u64,
    /// Present when [`FunnelParams::with_rows`] is set; sorted by `(date, user_id)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<Vec<FunnelRow>>,
    /// `users_per_level[l]`: groups whose level is exactly `l`, for `l = 0 ..= n_steps`.
    pub users_per_level: Vec<u64>,
    /// `reached[k − 1]`: groups whose level is at least `k`, for `k = 1 ..= n_steps`.
    pub reached: Vec<u64>,
    /// `step_conversion[k − 2] = reached[k − 1] / reached[k − 2]`, for steps `k = 2 ..= n_steps`;
    /// `None` when no group reached step k − 1.
    pub step_conversion: Vec<Option<f64>>,
    /// One entry per step `k = 2 ..= n_steps`.
    pub time_to_convert: Vec<TimeToConvert>,
    pub warnings: Vec<FunnelWarning>,
}

/// The level and recorded chain of one group (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunnelChain {
    pub level: usize,
    /// Timestamp of each step of the recorded chain, `level` entries.
    pub step_ts: Vec<i64>,
}

/// The level one group of events reaches: ClickHouse
/// `windowFunnel(window_s, modes…)(ts, kind = steps[0], …, kind = steps[n − 1])`.
///
/// `events` are `(ts, kind)` in any order; kinds that match no step take part only under
/// `strict_order`. Errors when `steps` is empty or the modes are an invalid combination.
pub fn window_funnel_level<K: PartialEq>(
    steps: &[K],
    events: &[(i64, K)],
    window_s: u64,
    modes: FunnelModes,
) -> Result<usize> {
    Ok(window_funnel_chain(steps, events, window_s, modes)?.level)
}

/// Like [`window_funnel_level`], with the timestamps of the chain that defines the time to convert.
pub fn window_funnel_chain<K: PartialEq>(
    steps: &[K],
    events: &[(i64, K)],
    window_s: u64,
    modes: FunnelModes,
) -> Result<FunnelChain> {
    check_steps(steps.len())?;
    modes.validate()?;
    // Slot of a kind: the position of its first occurrence among the steps.
    let step_slot: Vec<u32> = steps
        .iter()
        .map(|k| steps.iter().position(|s| s == k).unwrap_or(0) as u32)
        .collect();
    let step_slot = compact_slots(&step_slot);
    let plan = Plan::new(step_slot.clone(), window_s, modes);
    let mut coded: Vec<(i64, u32)> = events
        .iter()
        .map(|(ts, kind)| {
            let slot = steps
                .iter()
                .position(|s| s == kind)
                .map_or(NO_SLOT, |p| step_slot[p]);
            (*ts, slot)
        })
        .collect();
    coded.sort_unstable();
    let mut scanner = Scanner::new(&plan);
    let level = scanner.level(&plan, &coded);
    let mut step_ts = Vec::new();
    scanner.chain_ts(&mut step_ts);
    Ok(FunnelChain { level, step_ts })
}

/// Evaluates a funnel over an extract: one level per group, then the statistics.
pub fn funnel(events: &FunnelEvents, params: &FunnelParams) -> Result<FunnelReport> {
    let eval = evaluate(events, params, params.with_rows)?;
    let n = params.steps.len();
    let mut reached = vec![0u64; n];
    let mut at_least = 0u64;
    for k in (1..=n).rev() {
        at_least += eval.users_per_level[k];
        reached[k - 1] = at_least;
    }
    let step_conversion = (2..=n)
        .map(|k| {
            let from = reached[k - 2];
            (from > 0).then(|| reached[k - 1] as f64 / from as f64)
        })
        .collect();
    let time_to_convert = eval
        .durations_s
        .into_iter()
        .enumerate()
        .map(|(i, mut d)| summarize(i + 2, &mut d))
        .collect();
    Ok(FunnelReport {
        n_groups: eval.users_per_level.iter().sum(),
        rows: params.with_rows.then_some(eval.rows),
        users_per_level: eval.users_per_level,
        reached,
        step_conversion,
        time_to_convert,
        warnings: eval.warnings,
    })
}

/// The raw times to convert, in seconds: entry `k − 2` lists, for step `k = 2 ..= n_steps`, one
/// duration per group that reached step k, in group order (`(date, user_id)`).
pub fn time_to_convert_s(events: &FunnelEvents, params: &FunnelParams) -> Result<Vec<Vec<u64>>> {
    Ok(evaluate(events, params, false)?.durations_s)
}

fn check_steps(n_steps: usize) -> Result<()> {
    if n_steps == 0 {
        return Err(Error::param("steps", "a funnel needs at least one step"));
    }
    if n_steps >= u32::MAX as usize {
        return Err(Error::param(
            "steps",
            format!("{n_steps} steps are too many"),
        ));
    }
    Ok(())
}

/// Renumbers slots `0..` in order of first appearance.
fn compact_slots(raw: &[u32]) -> Vec<u32> {
    let mut map: Vec<(u32, u32)> = Vec::new();
    raw.iter()
        .map(|&r| match map.iter().find(|(from, _)| *from == r) {
            Some(&(_, to)) => to,
            None => {
                let to = map.len() as u32;
                map.push((r, to));
                to
            }
        })
        .collect()
}

/// The timestamps whose UTC day fits a `Date32` (days since 1970-01-01 as `i32`).
const MIN_TS: i64 = i32::MIN as i64 * 86_400;
const MAX_TS: i64 = i32::MAX as i64 * 86_400 + 86_399;

/// Everything [`funnel`] and [`time_to_convert_s`] derive from the per-group scan.
struct Evaluation {
    rows: Vec<FunnelRow>,
    users_per_level: Vec<u64>,
    durations_s: Vec<Vec<u64>>,
    warnings: Vec<FunnelWarning>,
}

/// Bit widths of the packed sort key, most significant field first:
/// `[day offset][user][ts offset][slot]`. Sorting the keys orders events by group, then time.
#[derive(Debug, Clone, Copy)]
struct KeyLayout {
    per_day: bool,
    base_date: i32,
    base_ts: i64,
    user_bits: u32,
    ts_bits: u32,
    slot_bits: u32,
}

impl KeyLayout {
    fn total_bits(&self, day_bits: u32) -> u32 {
        day_bits + self.user_bits + self.ts_bits + self.slot_bits
    }

    fn pack(&self, user: u32, ts: i64, slot: u32) -> u128 {
        let (day, ts_off) = if self.per_day {
            let date = date_of_ts(ts);
            let day = date.abs_diff(self.base_date) as u128;
            (day, ts.abs_diff(i64::from(date) * 86_400) as u128)
        } else {
            (0, ts.abs_diff(self.base_ts) as u128)
        };
        let mut key = day;
        key = (key << self.user_bits) | u128::from(user);
        key = (key << self.ts_bits) | ts_off;
        (key << self.slot_bits) | u128::from(slot)
    }

    /// `(group key, ts, slot)`; the group key is `(day offset, user)` packed.
    fn unpack(&self, key: u128) -> (u128, i64, u32) {
        let slot = (key & mask(self.slot_bits)) as u32;
        let key = key >> self.slot_bits;
        let ts_off = (key & mask(self.ts_bits)) as u64;
        let group = key >> self.ts_bits;
        let ts = if self.per_day {
            let day = (group >> self.user_bits) as i64;
            (i64::from(self.base_date) + day) * 86_400 + ts_off as i64
        } else {
            self.base_ts.wrapping_add_unsigned(ts_off)
        };
        (group, ts, slot)
    }

    fn user(&self, group: u128) -> u32 {
        (group & mask(self.user_bits)) as u32
    }
}

fn mask(bits: u32) -> u128 {
    if bits >= 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    }
}

/// Bits needed to write `x`.
fn bits(x: u128) -> u32 {
    128 - x.leading_zeros()
}

/// A sort key stored as narrow as the data allows.
trait PackedKey: Copy + Ord {
    fn from_wide(wide: u128) -> Self;
    fn wide(self) -> u128;
}

impl PackedKey for u64 {
    fn from_wide(wide: u128) -> Self {
        wide as u64
    }
    fn wide(self) -> u128 {
        u128::from(self)
    }
}

impl PackedKey for u128 {
    fn from_wide(wide: u128) -> Self {
        wide
    }
    fn wide(self) -> u128 {
        self
    }
}

fn evaluate(events: &FunnelEvents, params: &FunnelParams, with_rows: bool) -> Result<Evaluation> {
    let n = params.steps.len();
    check_steps(n)?;
    params.modes.validate()?;
    let range = match params.grouping {
        Grouping::PerDay => None,
        Grouping::Range { from_date, to_date } => {
            if from_date > to_date {
                return Err(Error::param(
                    "grouping",
                    format!("from_date {from_date} is after to_date {to_date}"),
                ));
            }
            Some((from_date, to_date))
        }
    };
    let n_rows = events.user_id.len();
    if events.event_ts.len() != n_rows || events.event_kind.codes.len() != n_rows {
        return Err(Error::param(
            "events",
            format!(
                "columns differ in length (user_id {n_rows}, event_ts {}, event_kind {})",
                events.event_ts.len(),
                events.event_kind.codes.len()
            ),
        ));
    }

    // Steps as slots: one slot per distinct step kind, numbered in order of first appearance.
    let mut slot_kinds: Vec<&str> = Vec::new();
    let step_slot: Vec<u32> = params
        .steps
        .iter()
        .map(|kind| match slot_kinds.iter().position(|k| k == kind) {
            Some(s) => s as u32,
            None => {
                slot_kinds.push(kind);
                (slot_kinds.len() - 1) as u32
            }
        })
        .collect();
    let slot_index: std::collections::HashMap<&str, u32> = slot_kinds
        .iter()
        .enumerate()
        .map(|(s, k)| (*k, s as u32))
        .collect();
    let code_slot: Vec<u32> = events
        .event_kind
        .values
        .iter()
        .map(|v| slot_index.get(v.as_str()).copied().unwrap_or(NO_SLOT))
        .collect();
    let plan = Plan::new(step_slot.clone(), params.window_s, params.modes);

    // Pass 1: which rows take part, and the extents of the key fields.
    let keep = |i: usize| -> Result<Option<u32>> {
        let code = events.event_kind.codes[i] as usize;
        let Some(&slot) = code_slot.get(code) else {
            return Err(Error::param(
                "events",
                format!("event_kind code {code} at row {i} is outside the dictionary"),
            ));
        };
        if slot == NO_SLOT {
            return Ok(None);
        }
        if let Some((from, to)) = range {
            let date = date_of_ts(events.event_ts[i]);
            if date < from || date > to {
                return Ok(None);
            }
        }
        Ok(Some(slot))
    };
    let mut present = vec![false; slot_kinds.len()];
    let mut n_kept = 0usize;
    let (mut min_ts, mut max_ts, mut max_user) = (i64::MAX, i64::MIN, 0u32);
    for i in 0..n_rows {
        if let Some(slot) = keep(i)? {
            let ts = events.event_ts[i];
            if !(MIN_TS..=MAX_TS).contains(&ts) {
                return Err(Error::InvalidValue {
                    file: "funnel events".into(),
                    column: "event_ts".into(),
                    row: i,
                    detail: format!(
                        "timestamp {ts} is outside the dates this engine can represent"
                    ),
                });
            }
            present[slot as usize] = true;
            n_kept += 1;
            min_ts = min_ts.min(events.event_ts[i]);
            max_ts = max_ts.max(events.event_ts[i]);
            max_user = max_user.max(events.user_id[i]);
        }
    }
    let warnings = params
        .steps
        .iter()
        .zip(&step_slot)
        .enumerate()
        .filter(|(_, (_, slot))| !present[**slot as usize])
        .map(|(p, (kind, _))| FunnelWarning::StepKindAbsent {
            step: p + 1,
            event_kind: kind.clone(),
        })
        .collect();

    let per_day = range.is_none();
    let (base_date, base_ts) = if n_kept == 0 {
        (0, 0)
    } else {
        (date_of_ts(min_ts), min_ts)
    };
    let (day_bits, ts_bits) = if n_kept == 0 {
        (0, 0)
    } else if per_day {
        (
            bits(u128::from(date_of_ts(max_ts).abs_diff(base_date))),
            bits(86_399),
        )
    } else {
        (0, bits(u128::from(max_ts.abs_diff(min_ts))))
    };
    let layout = KeyLayout {
        per_day,
        base_date,
        base_ts,
        user_bits: bits(u128::from(max_user)),
        ts_bits,
        slot_bits: bits(slot_kinds.len().saturating_sub(1) as u128),
    };
    let mut ctx = GroupPass {
        plan: &plan,
        layout,
        keep_rows: with_rows,
    };
    let mut eval = Evaluation {
        rows: Vec::new(),
        users_per_level: vec![0; n + 1],
        durations_s: vec![Vec::new(); n.saturating_sub(1)],
        warnings,
    };
    if layout.total_bits(day_bits) <= 64 {
        ctx.run::<u64>(events, &keep, n_kept, &mut eval)?;
    } else {
        ctx.run::<u128>(events, &keep, n_kept, &mut eval)?;
    }
    Ok(eval)
}

/// The sort-then-scan pass over all groups.
struct GroupPass<'a> {
    plan: &'a Plan,
    layout: KeyLayout,
    keep_rows: bool,
}

impl GroupPass<'_> {
    fn run<K: PackedKey>(
        &mut self,
        events: &FunnelEvents,
        keep: &impl Fn(usize) -> Result<Option<u32>>,
        n_kept: usize,
        eval: &mut Evaluation,
    ) -> Result<()> {
        let mut keys: Vec<K> = Vec::with_capacity(n_kept);
        for i in 0..events.user_id.len() {
            if let Some(slot) = keep(i)? {
                let wide = self
                    .layout
                    .pack(events.user_id[i], events.event_ts[i], slot);
                keys.push(K::from_wide(wide));
            }
        }
        keys.sort_unstable();

        let mut scanner = Scanner::new(self.plan);
        let mut group_events: Vec<(i64, u32)> = Vec::new();
        let mut chain_ts: Vec<i64> = Vec::new();
        let mut start = 0;
        while start < keys.len() {
            let (group, _, _) = self.layout.unpack(keys[start].wide());
            group_events.clear();
            let mut end = start;
            while end < keys.len() {
                let (g, ts, slot) = self.layout.unpack(keys[end].wide());
                if g != group {
                    break;
                }
                group_events.push((ts, slot));
                end += 1;
            }
            let level = scanner.level(self.plan, &group_events);
            eval.users_per_level[level] += 1;
            if self.keep_rows {
                eval.rows.push(FunnelRow {
                    date: self.layout.per_day.then(|| date_of_ts(group_events[0].0)),
                    user_id: self.layout.user(group),
                    level: level as u32,
                });
            }
            if level >= 2 {
                scanner.chain_ts(&mut chain_ts);
                let start_ts = chain_ts[0];
                for k in 2..=level {
                    let d = chain_ts[k - 1].abs_diff(start_ts);
                    eval.durations_s[k - 2].push(d);
                }
            }
            start = end;
        }
        Ok(())
    }
}

/// Summary statistics of one step's durations (sorts `durations_s`).
fn summarize(step: usize, durations_s: &mut [u64]) -> TimeToConvert {
    durations_s.sort_unstable();
    let n = durations_s.len();
    let quantile = |q: f64| -> Option<f64> {
        if n == 0 {
            return None;
        }
        let h = (n - 1) as f64 * q;
        let lo = h.floor() as usize;
        let hi = (lo + 1).min(n - 1);
        let (a, b) = (durations_s[lo] as f64, durations_s[hi] as f64);
        Some(a + (h - lo as f64) * (b - a))
    };
    let sum: u128 = durations_s.iter().map(|&d| u128::from(d)).sum();
    TimeToConvert {
        step,
        n: n as u64,
        min_s: durations_s.first().copied(),
        p25_s: quantile(0.25),
        median_s: quantile(0.5),
        p75_s: quantile(0.75),
        p90_s: quantile(0.9),
        max_s: durations_s.last().copied(),
        mean_s: (n > 0).then(|| sum as f64 / n as f64),
    }
}
