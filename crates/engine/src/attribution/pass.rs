//! The per-run core shared by [`attribute`](super::attribute) and [`sweep`](super::sweep).
//!
//! Credit is computed per *touch*, not per (conversion, kind): every rule's credit of a kind is a
//! sum of per-touch terms (linear `1/n` on each touch, time-decay `w/W`, first-touch `1/#kinds`
//! on the first touch of each kind at the earliest second, …), so each touch adds its terms
//! straight into its `(group, kind)` accumulator and no per-conversion table of kinds is needed.
//!
//! Each conversion is visited with two loops over its touches: the first counts the touches
//! inside the lookback (a prefix) and sums their weights in touch order; then [`conv_credit`]
//! says where the prefix's earliest and latest seconds are and what each kind of touch earns;
//! the second loop adds each touch's credits ([`touch_credit`]). Touches outside the lookback,
//! and those of conversions outside the window, add exact zeros. The loops always run over the
//! whole journey: [`Journeys`] stores conversions shortest first, so their trip count is the same
//! for long stretches and the branch predictor learns it, and nothing inside depends on the data
//! through a branch (that was most of the cost: about one mispredicted branch per conversion and
//! per kind of touch).
//!
//! [`run_calendar`] is that loop for one lookback and one kernel with calendar lag (a slider
//! move); [`run`] is the general one (grids of lookbacks × kernels, exact lag, per-conversion
//! output). Both compute the same values in the same order and flush after the same
//! conversions, so a sweep cell equals the single run with its parameters bit for bit.
//!
//! Summing per-touch terms instead of per-(conversion, kind) credits changes only the order of
//! additions: results agree with a straightforward per-conversion reference to a few ulps
//! (`tests/it/reference.rs`, 1e-9 required), as before.

use super::journeys::{FRESH, Journeys, RUN_FIRST};
use super::{DAY_S, LagMode, Plan};

/// Conversions between two flushes of the blocks into the compensated totals.
const FLUSH_EVERY: usize = 1024;

/// A compensated total: Knuth's branch-free TwoSum keeps the rounding error of every addition.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Compensated {
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

    pub(super) fn value(self) -> f64 {
        self.sum + self.carry
    }
}

/// `W` values per entry, added plainly into short *blocks* (one vector addition per touch) and
/// folded into compensated totals every [`FLUSH_EVERY`] conversions. Summing credits over
/// millions of conversions thus stays within an ulp or two of the exact sum (parity with the
/// warehouse at 1e-9) at the cost of one addition per value.
#[derive(Debug)]
pub(super) struct Blocks<const W: usize> {
    blocks: Vec<[f64; W]>,
    totals: Vec<[Compensated; W]>,
}

impl<const W: usize> Blocks<W> {
    pub(super) fn new(entries: usize) -> Self {
        Self {
            blocks: vec![[0.0; W]; entries],
            totals: vec![[Compensated::default(); W]; entries],
        }
    }

    #[inline(always)]
    pub(super) fn add(&mut self, i: usize, values: [f64; W]) {
        let block = &mut self.blocks[i];
        for (b, v) in block.iter_mut().zip(values) {
            *b += v;
        }
    }

    pub(super) fn flush(&mut self) {
        for (block, total) in self.blocks.iter_mut().zip(&mut self.totals) {
            for (b, t) in block.iter_mut().zip(total) {
                t.add(*b);
                *b = 0.0;
            }
        }
    }

    /// The final totals of entry `i` (after the last flush).
    pub(super) fn get(&self, i: usize) -> [f64; W] {
        self.totals[i].map(Compensated::value)
    }
}

/// What [`conv_credit`] derives for one conversion and lookback: where its prefix's runs are and
/// what each kind of touch earns by rule (all finite). For a conversion outside the window or
/// without a touch inside the lookback every range is empty (`end == last_end == first_start ==
/// s`), so its touches earn nothing.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct ConvCredit {
    /// Touches `s..end` are inside the lookback.
    end: u32,
    /// Touches `s..last_end` are at the latest second.
    last_end: u32,
    /// Touches `first_start..end` are at the earliest second; `last_end..first_start` the middle.
    first_start: u32,
    /// `group * event_kinds`: the conversion's first accumulator entry.
    pub(super) base: u32,
    /// `1/#kinds` at the earliest and at the latest second.
    share_first: f64,
    share_last: f64,
    /// `1/n`.
    linear: f64,
    /// Position-based credit of a kind's first touch at the earliest second, the same at the
    /// latest second, and of a middle touch.
    pos_first: f64,
    pos_last: f64,
    pos_middle: f64,
}

/// 1.0 or 0.0. Multiplying a finite credit by it is exact and, unlike a select of floats (which
/// x86-64 without AVX lowers to a branch), costs no mispredicted branch.
#[inline(always)]
fn mask(b: bool) -> f64 {
    f64::from(u8::from(b))
}

/// The credits of touch `i` with flags `flags` under its conversion's record `r`:
/// `[first, last, linear, position]`, 1.0 when it is the first touch of its kind inside the
/// lookback (it counts the conversion in `conversions_with_touch`), and whether it is inside.
/// Branch-free on purpose: the conditions change from touch to touch.
#[inline(always)]
pub(super) fn touch_credit(r: &ConvCredit, i: u32, flags: u32) -> ([f64; 4], f64, bool) {
    let inside = i < r.end;
    let run_first = flags & u32::from(RUN_FIRST) != 0;
    let fresh = flags & u32::from(FRESH) != 0;
    let is_first = run_first & inside & (i >= r.first_start);
    let is_last = run_first & (i < r.last_end);
    let is_middle = (i >= r.last_end) & (i < r.first_start);
    let first = r.share_first * mask(is_first);
    let last = r.share_last * mask(is_last);
    let linear = r.linear * mask(inside);
    // The three are exclusive (at a single second a touch is both first and last, and the first
    // run's share counts), so the sum is exactly the one that holds.
    let position = r.pos_first * mask(is_first)
        + r.pos_last * mask(is_last & !is_first)
        + r.pos_middle * mask(is_middle);
    (
        [first, last, linear, position],
        mask(inside & fresh),
        inside,
    )
}

/// The record of conversion `c` (touches from `s`) whose first `p` touches are inside the
/// lookback; `tracked` when it is in the window and `p > 0`. Branch-free, like [`touch_credit`]:
/// the shape of a journey is as unpredictable as its touches.
#[inline(always)]
fn conv_credit(j: &Journeys, plan: &Plan, c: usize, s: u32, p: u32, tracked: bool) -> ConvCredit {
    // Indices are clamped so that an untracked conversion (even a touchless last one) reads
    // valid, if meaningless, entries; its ranges are then empty.
    let last_touch = j.t_offset_s.len().saturating_sub(1);
    let last_i = ((s + p.max(1) - 1) as usize).min(last_touch);
    let first_start = last_i as u32 - j.t_back.get(last_i).copied().unwrap_or(0);
    let n_first = j.t_run_kinds.get(last_i).copied().unwrap_or(1);
    let n_last = j
        .t_run_kinds
        .get((s as usize).min(last_touch))
        .copied()
        .unwrap_or(1);
    let last_end = s + j.latest_run[c];
    let share_first = plan.recip[usize::from(n_first)];
    let share_last = plan.recip[usize::from(n_last)];
    // One-hot blends of finite values (exact: `x · 1 + 0 + 0 = x`), not float selects.
    let single_second = first_start == s;
    let n_middle = first_start.saturating_sub(last_end);
    let [single, two, three] = [
        single_second,
        !single_second & (n_middle == 0),
        n_middle > 0,
    ]
    .map(|b| f64::from(u8::from(b)));
    let w = &plan.position;
    let w_first = single + two * plan.first_of_two + three * w.first;
    let w_last = two * plan.last_of_two + three * w.last;
    let pos_middle = three * plan.per_middle[n_middle as usize];
    ConvCredit {
        end: s + if tracked { p } else { 0 },
        last_end: if tracked { last_end } else { s },
        first_start: if tracked { first_start } else { s },
        base: (plan.group_of(j, c) * j.event_kinds.len()) as u32,
        share_first,
        share_last,
        linear: plan.recip[p as usize],
        pos_first: w_first * share_first,
        pos_last: w_last * share_last,
        pos_middle,
    }
}

/// `1/W` for a conversion whose weights inside the lookback sum to `w_sum`, or 0 when it is not
/// tracked, so that a touch's time-decay credit is `w · inv` (its weight `w` is 0 outside). Also
/// whether `W` is degenerate (the weights underflowed), where the credit is `w · (1/W)` inside (NaN
/// when `W = 0`, as before) and 0 outside, so [`decay_credit`] must look at the touch after all;
/// that case is rare enough for its branch to be always predicted.
#[inline(always)]
fn inv_weight(w_sum: f64, tracked: bool) -> (f64, bool) {
    let degenerate = tracked & (w_sum < f64::MIN_POSITIVE);
    let inv = if degenerate {
        1.0 / w_sum
    } else {
        mask(tracked) / w_sum.max(f64::MIN_POSITIVE)
    };
    (inv, degenerate)
}

/// The time-decay credit of a touch of weight `w` (0 outside), see [`inv_weight`].
#[inline(always)]
fn decay_credit(w: f64, (inv, degenerate): (f64, bool), inside: bool) -> f64 {
    if degenerate && !inside { 0.0 } else { w * inv }
}

/// Totals gathered during the pass, per group (and per lookback for tracked keys).
#[derive(Debug)]
pub(super) struct Totals {
    pub(super) rows: Vec<u64>,
    pub(super) keys: Vec<u64>,
    /// `tracked[lookback][group]`.
    pub(super) tracked: Vec<Vec<u64>>,
}

impl Totals {
    fn new(plan: &Plan) -> Self {
        Self {
            rows: vec![0; plan.n_groups],
            keys: vec![0; plan.n_groups],
            tracked: vec![vec![0; plan.n_groups]; plan.lookbacks_s.len()],
        }
    }

    /// Counts conversion `c` in its group's totals; returns whether it is in the window.
    #[inline(always)]
    fn count(&mut self, j: &Journeys, plan: &Plan, c: usize) -> bool {
        let date = j.conv_date[c];
        let in_window = (date >= plan.window_start) & (date <= plan.as_of);
        let g = plan.group_of(j, c);
        self.rows[g] += u64::from(j.source_rows[c]) * u64::from(in_window);
        self.keys[g] += u64::from(in_window);
        in_window
    }
}

/// [`attribute`](super::attribute)'s common case: one lookback, one kernel, calendar lag. Adds
/// `[first, last, linear, position, time_decay, 1 if the touch counts its conversion]` per touch
/// into `acc`.
pub(super) fn run_calendar(j: &Journeys, plan: &Plan, acc: &mut Blocks<6>) -> Totals {
    debug_assert!(plan.lag == LagMode::Calendar && plan.kernels.len() == 1);
    let mut totals = Totals::new(plan);
    let lookback_s = plan.lookbacks_s[0];
    let table = &plan.weight_table[..plan.lag_stride];
    // Outside the lookback a touch reads the table's trailing 0 (an index select; a select of
    // floats would be a branch).
    let zero = plan.lag_stride - 1;
    for c in 0..j.conv_id.len() {
        let in_window = totals.count(j, plan, c);
        let (s, e, offsets, lags, kind_flags) = j.journey(c);
        let mut p = 0u32;
        let mut w_sum = 0.0;
        for (&off, &lag) in offsets.iter().zip(lags) {
            let inside = off <= lookback_s;
            p += u32::from(inside);
            w_sum += table[if inside { usize::from(lag) } else { zero }];
        }
        let tracked = in_window & (p > 0);
        totals.tracked[0][plan.group_of(j, c)] += u64::from(tracked);
        let r = conv_credit(j, plan, c, s, p, tracked);
        let inv_w = inv_weight(w_sum, tracked);
        for (i, (&lag, &kf)) in (s..e).zip(lags.iter().zip(kind_flags)) {
            let ([first, last, linear, position], count, inside) = touch_credit(&r, i, kf >> 16);
            let w = table[if inside { usize::from(lag) } else { zero }];
            let decay = decay_credit(w, inv_w, inside);
            let entry = r.base as usize + (kf & 0xffff) as usize;
            acc.add(entry, [first, last, linear, position, decay, count]);
        }
        if (c + 1) % FLUSH_EVERY == 0 {
            acc.flush();
        }
    }
    acc.flush();
    totals
}

/// What [`run`] does with each touch.
pub(super) trait Sink {
    /// Touch `i` of conversion `c`, for lookback `li`: its accumulator entry, `[first, last,
    /// linear, position]`, 1.0 when it counts its conversion, its time-decay credit per kernel,
    /// and whether it is inside the lookback (when not, every credit is 0).
    #[allow(clippy::too_many_arguments)]
    fn touch(
        &mut self,
        li: usize,
        c: usize,
        i: usize,
        entry: usize,
        rules: [f64; 4],
        count: f64,
        decay: &[f64],
        inside: bool,
    );

    /// Folds the blocks into the compensated totals.
    fn flush(&mut self);
}

/// The general pass: every lookback and kernel of `plan`, either lag. Each touch's kernel
/// weights are computed once per conversion; a lookback masks those outside it to exact zeros,
/// so every value (and its order in every sum) is that of [`run_calendar`].
pub(super) fn run(j: &Journeys, plan: &Plan, sink: &mut impl Sink) -> Totals {
    let mut totals = Totals::new(plan);
    let nh = plan.kernels.len();
    let longest_s = plan.lookbacks_s.iter().copied().max().unwrap_or(0);
    // `w[k * nh + h]`: kernel `h`'s weight of touch `k` of the conversion; `cum[k * nh + h]`:
    // the sum of the first `k` of them, in touch order (so `cum[p * nh + h]` is kernel `h`'s `W`
    // of a lookback with `p` touches inside: the same additions as [`run_calendar`]'s).
    let mut w = vec![0.0; j.max_touches as usize * nh];
    let mut cum = vec![0.0; (j.max_touches as usize + 1) * nh];
    let mut inv_w = vec![(0.0, false); nh];
    let mut decay = vec![0.0; nh];
    for c in 0..j.conv_id.len() {
        let in_window = totals.count(j, plan, c);
        let (s, e, offsets, lags, kind_flags) = j.journey(c);
        let len = offsets.len();
        let w = &mut w[..len * nh];
        for ((&off, &lag), w) in offsets.iter().zip(lags).zip(w.chunks_exact_mut(nh)) {
            for (h, w) in w.iter_mut().enumerate() {
                *w = match plan.lag {
                    LagMode::Calendar => plan.weight_table[h * plan.lag_stride + usize::from(lag)],
                    // Touches outside every lookback are never used.
                    LagMode::Exact if off <= longest_s => {
                        plan.kernels[h].weight(f64::from(off) / f64::from(DAY_S))
                    }
                    LagMode::Exact => 0.0,
                };
            }
        }
        let cum = &mut cum[..(len + 1) * nh];
        for k in 0..len {
            let (done, next) = cum.split_at_mut((k + 1) * nh);
            for ((next, &prev), &w) in next[..nh]
                .iter_mut()
                .zip(&done[k * nh..])
                .zip(&w[k * nh..(k + 1) * nh])
            {
                *next = prev + w;
            }
        }
        for (li, &lookback_s) in plan.lookbacks_s.iter().enumerate() {
            let p = offsets
                .iter()
                .map(|&off| u32::from(off <= lookback_s))
                .sum::<u32>();
            let tracked = in_window & (p > 0);
            totals.tracked[li][plan.group_of(j, c)] += u64::from(tracked);
            let r = conv_credit(j, plan, c, s, p, tracked);
            let w_sum = &cum[p as usize * nh..(p as usize + 1) * nh];
            // As `inv_weight` for each kernel, in a loop the compiler vectorizes, then the rare
            // degenerate kernels.
            for (inv, &sum) in inv_w.iter_mut().zip(w_sum) {
                *inv = (mask(tracked) / sum.max(f64::MIN_POSITIVE), false);
            }
            if tracked && w_sum.iter().any(|&sum| sum < f64::MIN_POSITIVE) {
                for (inv, &sum) in inv_w.iter_mut().zip(w_sum) {
                    *inv = inv_weight(sum, tracked);
                }
            }
            for ((i, &kf), w) in (s..e).zip(kind_flags).zip(w.chunks_exact(nh)) {
                let (rules, count, inside) = touch_credit(&r, i, kf >> 16);
                for ((d, &w), &inv) in decay.iter_mut().zip(w).zip(&inv_w) {
                    *d = decay_credit(w * mask(inside), inv, inside);
                }
                let entry = r.base as usize + (kf & 0xffff) as usize;
                sink.touch(li, c, i as usize, entry, rules, count, &decay, inside);
            }
        }
        if (c + 1) % FLUSH_EVERY == 0 {
            sink.flush();
        }
    }
    sink.flush();
    totals
}

/// Like [`Blocks`] with a width known only at run time: `width` lanes per entry.
#[derive(Debug)]
pub(super) struct Lanes {
    width: usize,
    blocks: Vec<f64>,
    totals: Vec<Compensated>,
}

impl Lanes {
    pub(super) fn new(entries: usize, width: usize) -> Self {
        Self {
            width,
            blocks: vec![0.0; entries * width],
            totals: vec![Compensated::default(); entries * width],
        }
    }

    /// Adds `head` then `tail` to the lanes of entry `i`.
    #[inline(always)]
    pub(super) fn add(&mut self, i: usize, head: [f64; 5], tail: &[f64]) {
        let block = &mut self.blocks[i * self.width..(i + 1) * self.width];
        let (h, t) = block.split_at_mut(5);
        for (b, v) in h.iter_mut().zip(head) {
            *b += v;
        }
        for (b, v) in t.iter_mut().zip(tail) {
            *b += v;
        }
    }

    pub(super) fn flush(&mut self) {
        for (b, t) in self.blocks.iter_mut().zip(&mut self.totals) {
            t.add(*b);
            *b = 0.0;
        }
    }

    /// Lane `lane` of entry `i` (after the last flush).
    pub(super) fn get(&self, i: usize, lane: usize) -> f64 {
        self.totals[i * self.width + lane].value()
    }
}
