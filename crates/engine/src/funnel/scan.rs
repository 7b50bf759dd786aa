//! The scan that evaluates one group of events, ported from ClickHouse's `windowFunnel`.
//!
//! Events arrive sorted by timestamp and carry a *slot*: the index of their kind among the
//! distinct step kinds, or [`NO_SLOT`] for a kind that matches no step. An event whose kind sits at
//! several step positions stands for one ClickHouse entry per position. Within a second, entries
//! are processed by ascending step position, as ClickHouse's sort by `(ts, condition index)` does.
//!
//! Two bookkeepings exist, as in ClickHouse:
//! - without `strict_once`, one chain per level: the one most recently extended to that level,
//!   which is also the latest-started one (a step-k entry extends the chain held at level k − 1);
//! - with `strict_once`, ClickHouse keeps every chain with the ids of the events on it. The scan
//!   here computes the same answer without listing chains: before the current second only the
//!   latest-started chain of each level matters, and inside the second a chain may only be
//!   completed by distinct events, which is a matter of counting events per kind (see
//!   [`Scanner::strict_once_group`]).
//!
//! Both bookkeepings also record, for the time-to-convert statistics, the timestamps of the chain
//! that first reached the group's final level, as a linked list of [`Node`]s.

use super::FunnelModes;

/// The slot of an event whose kind matches no step.
pub(crate) const NO_SLOT: u32 = u32::MAX;

/// No node (the start of a chain, or an empty level).
const NO_NODE: u32 = u32::MAX;

/// The fixed part of an evaluation: the steps as slots, the window and the modes.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    /// Slot of each step position (position 0 is step 1).
    step_slot: Vec<u32>,
    /// Step positions of each slot, ascending: `positions[offsets[s]..offsets[s + 1]]`.
    offsets: Vec<usize>,
    positions: Vec<usize>,
    window_s: u64,
    modes: FunnelModes,
}

impl Plan {
    /// A plan for steps given as slots (`step_slot[p]` is the slot of step `p + 1`). Slots must be
    /// numbered `0..n_slots` in any order; several positions may share a slot.
    pub(crate) fn new(step_slot: Vec<u32>, window_s: u64, modes: FunnelModes) -> Self {
        let n_slots = step_slot.iter().map(|&s| s as usize + 1).max().unwrap_or(0);
        let mut offsets = vec![0usize; n_slots + 1];
        for &s in &step_slot {
            offsets[s as usize + 1] += 1;
        }
        for s in 0..n_slots {
            offsets[s + 1] += offsets[s];
        }
        let mut fill = offsets.clone();
        let mut positions = vec![0usize; step_slot.len()];
        for (p, &s) in step_slot.iter().enumerate() {
            positions[fill[s as usize]] = p;
            fill[s as usize] += 1;
        }
        Self {
            step_slot,
            offsets,
            positions,
            window_s,
            modes,
        }
    }

    /// Number of steps.
    pub(crate) fn n_steps(&self) -> usize {
        self.step_slot.len()
    }

    /// Number of distinct step kinds.
    pub(crate) fn n_slots(&self) -> usize {
        self.offsets.len() - 1
    }

    fn positions_of(&self, slot: u32) -> &[usize] {
        &self.positions[self.offsets[slot as usize]..self.offsets[slot as usize + 1]]
    }

    /// True when `ts` is inside the window of a chain started at `first_ts` (`first_ts ≤ ts`).
    fn in_window(&self, first_ts: i64, ts: i64) -> bool {
        ts.abs_diff(first_ts) <= self.window_s
    }
}

/// One link of a recorded chain: `steps` consecutive steps all reached at `ts`, after the steps of
/// `parent`.
#[derive(Debug, Clone, Copy)]
struct Node {
    ts: i64,
    parent: u32,
    steps: u32,
}

/// The chain held at one level: its start and the latest step's timestamp.
#[derive(Debug, Clone, Copy)]
struct Held {
    first_ts: i64,
    last_ts: i64,
    node: u32,
}

/// What the scan does after an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Go,
    Stop,
}

/// Reusable buffers for evaluating many groups with one plan.
#[derive(Debug, Clone)]
pub(crate) struct Scanner {
    /// Per level `e` (the chain reached step `e + 1`), the chain held before the current second
    /// (`strict_once`) or the one chain held (otherwise).
    held: Vec<Option<Held>>,
    /// `strict_once` only: the latest-started chain of each level completed in the current second.
    fresh: Vec<Option<Held>>,
    /// Events per slot in the current second.
    counts: Vec<u32>,
    /// Scratch: step positions still needed per slot while looking for a chain (`strict_once`).
    need: Vec<u32>,
    /// Scratch: the step positions of the entries of the current second, ascending.
    entries: Vec<usize>,
    /// Slots seen in the current second.
    seen: Vec<u32>,
    nodes: Vec<Node>,
    /// Highest level reached so far and the node of the first chain that reached it.
    level: usize,
    best: u32,
    has_first: bool,
}

impl Scanner {
    pub(crate) fn new(plan: &Plan) -> Self {
        Self {
            held: vec![None; plan.n_steps()],
            fresh: vec![None; plan.n_steps()],
            counts: vec![0; plan.n_slots()],
            need: vec![0; plan.n_slots()],
            entries: Vec::new(),
            seen: Vec::new(),
            nodes: Vec::new(),
            level: 0,
            best: NO_NODE,
            has_first: false,
        }
    }

    /// The level one group reaches. `events` are `(ts, slot)` sorted by `ts`; the order within a
    /// second does not matter.
    pub(crate) fn level(&mut self, plan: &Plan, events: &[(i64, u32)]) -> usize {
        self.held.fill(None);
        self.fresh.fill(None);
        self.nodes.clear();
        self.level = 0;
        self.best = NO_NODE;
        self.has_first = false;

        let mut start = 0;
        while start < events.len() {
            let ts = events[start].0;
            let mut end = start;
            let mut others = 0usize;
            while end < events.len() && events[end].0 == ts {
                let slot = events[end].1;
                if slot == NO_SLOT {
                    others += 1;
                } else {
                    if self.counts[slot as usize] == 0 {
                        self.seen.push(slot);
                    }
                    self.counts[slot as usize] += 1;
                }
                end += 1;
            }
            let flow = self.second(plan, ts, others);
            for &slot in &self.seen {
                self.counts[slot as usize] = 0;
            }
            self.seen.clear();
            if flow == Flow::Stop {
                break;
            }
            start = end;
        }
        self.level
    }

    /// The timestamps of the chain that first reached the final level of the last group scanned,
    /// one per step reached, written to `out`.
    pub(crate) fn chain_ts(&self, out: &mut Vec<i64>) {
        out.clear();
        out.resize(self.level, 0);
        let mut filled = self.level;
        let mut node = self.best;
        while node != NO_NODE && filled > 0 {
            let n = self.nodes[node as usize];
            for _ in 0..n.steps.min(filled as u32) {
                filled -= 1;
                out[filled] = n.ts;
            }
            node = n.parent;
        }
    }

    /// Processes all entries of one second (`self.counts` holds its events per slot).
    fn second(&mut self, plan: &Plan, ts: i64, others: usize) -> Flow {
        // Entries of events matching no step sort first within the second (condition index 0).
        // Under strict_order they end the scan once a chain has started; otherwise ClickHouse
        // never sees them.
        if others > 0 && plan.modes.strict_order && self.has_first {
            return Flow::Stop;
        }
        self.entries.clear();
        for &slot in &self.seen {
            self.entries.extend_from_slice(plan.positions_of(slot));
        }
        if self.seen.len() > 1 {
            self.entries.sort_unstable();
        }
        let flow = if plan.modes.strict_once {
            self.strict_once_group(plan, ts)
        } else {
            self.latest_chain_group(plan, ts)
        };
        if plan.modes.strict_once {
            // The chains completed in this second join the older ones; the latest-started chain
            // of a level is all later seconds need.
            for e in 0..self.fresh.len() {
                if let Some(f) = self.fresh[e].take() {
                    let replace = self.held[e].is_none_or(|h| f.first_ts >= h.first_ts);
                    if replace {
                        self.held[e] = Some(f);
                    }
                }
            }
        }
        flow
    }

    /// How many identical entries of one position to process: the second copy only matters to
    /// strict_deduplication, and a third behaves exactly like the second.
    fn repeats(&self, plan: &Plan, p: usize) -> u32 {
        self.counts[plan.step_slot[p] as usize].min(2)
    }

    /// Records that a chain first reached level `p + 1` through `node`.
    fn reached(&mut self, p: usize, node: u32) {
        if p + 1 > self.level {
            self.level = p + 1;
            self.best = node;
        }
    }

    fn push_node(&mut self, ts: i64, parent: u32, steps: usize) -> u32 {
        self.nodes.push(Node {
            ts,
            parent,
            steps: steps as u32,
        });
        (self.nodes.len() - 1) as u32
    }

    /// Default bookkeeping: one chain per level, overwritten by each extension.
    fn latest_chain_group(&mut self, plan: &Plan, ts: i64) -> Flow {
        let n = plan.n_steps();
        let modes = plan.modes;
        for i in 0..self.entries.len() {
            let p = self.entries[i];
            for _ in 0..self.repeats(plan, p) {
                if p == 0 {
                    let node = self.push_node(ts, NO_NODE, 1);
                    self.held[0] = Some(Held {
                        first_ts: ts,
                        last_ts: ts,
                        node,
                    });
                    self.has_first = true;
                    self.reached(0, node);
                    if n == 1 {
                        return Flow::Stop;
                    }
                } else if modes.strict_deduplication && self.held[p].is_some() {
                    return Flow::Stop;
                } else if modes.strict_order && self.has_first && self.held[p - 1].is_none() {
                    if modes.allow_reentry {
                        continue;
                    }
                    return Flow::Stop;
                } else if let Some(prev) = self.held[p - 1] {
                    let mut matched = plan.in_window(prev.first_ts, ts);
                    if modes.strict_increase {
                        matched = matched && prev.last_ts < ts;
                    }
                    if matched {
                        let node = self.push_node(ts, prev.node, 1);
                        self.held[p] = Some(Held {
                            first_ts: prev.first_ts,
                            last_ts: ts,
                            node,
                        });
                        self.reached(p, node);
                        if p + 1 == n {
                            return Flow::Stop;
                        }
                    }
                }
            }
        }
        Flow::Go
    }

    /// True when level `e` holds a chain, counting chains completed in the current second.
    fn nonempty(&self, e: usize) -> bool {
        self.held[e].is_some() || self.fresh[e].is_some()
    }

    /// `strict_once` bookkeeping.
    ///
    /// ClickHouse extends every open chain of level k − 1 whose path does not already contain the
    /// entry's event. A chain completed at step `p` in second `ts` is an older chain of level
    /// `q − 1` (or nothing, `q = 0`: a chain started in this second) followed by steps `q..=p`,
    /// all in this second. Those steps need distinct events; since every event has one kind, such
    /// events exist exactly when, for every kind, the number of steps `q..=p` of that kind is at
    /// most the number of events of that kind in the second. Entries of steps below `p` are all
    /// processed before step `p`'s, so every such event is available. Older chains have distinct
    /// events by construction, none of which can be in this second. Under strict_increase a chain
    /// takes at most one step per second, so only `q = p` remains. Of the candidate chains the
    /// latest-started one is kept (the earliest start within a level never helps later).
    fn strict_once_group(&mut self, plan: &Plan, ts: i64) -> Flow {
        let n = plan.n_steps();
        let modes = plan.modes;
        for i in 0..self.entries.len() {
            let p = self.entries[i];
            for _ in 0..self.repeats(plan, p) {
                if p == 0 {
                    if self.fresh[0].is_none() {
                        let node = self.push_node(ts, NO_NODE, 1);
                        self.fresh[0] = Some(Held {
                            first_ts: ts,
                            last_ts: ts,
                            node,
                        });
                        self.reached(0, node);
                    }
                    self.has_first = true;
                    if n == 1 {
                        return Flow::Stop;
                    }
                } else if modes.strict_deduplication && self.nonempty(p) {
                    return Flow::Stop;
                } else if modes.strict_order && self.has_first && !self.nonempty(p - 1) {
                    if modes.allow_reentry {
                        continue;
                    }
                    return Flow::Stop;
                } else if self.nonempty(p - 1) {
                    let Some((first_ts, q)) = self.best_completion(plan, p, ts) else {
                        continue;
                    };
                    let better = self.fresh[p].is_none_or(|f| first_ts > f.first_ts);
                    if better {
                        let parent = if q == 0 {
                            NO_NODE
                        } else {
                            self.held[q - 1].map_or(NO_NODE, |h| h.node)
                        };
                        let node = self.push_node(ts, parent, p - q + 1);
                        self.fresh[p] = Some(Held {
                            first_ts,
                            last_ts: ts,
                            node,
                        });
                    }
                    let node = self.fresh[p].map_or(NO_NODE, |f| f.node);
                    self.reached(p, node);
                    if p + 1 == n {
                        return Flow::Stop;
                    }
                }
            }
        }
        Flow::Go
    }

    /// The latest start, and the split `q`, of a chain that an entry at step `p ≥ 1` in second
    /// `ts` completes under strict_once; `None` when no chain can take it.
    fn best_completion(&mut self, plan: &Plan, p: usize, ts: i64) -> Option<(i64, usize)> {
        let lowest_q = if plan.modes.strict_increase { p } else { 0 };
        let mut best: Option<(i64, usize)> = None;
        // Positions `touched..=p` have been added to `need`.
        let mut touched = p + 1;
        for q in (lowest_q..=p).rev() {
            // Step q joins the steps taken in this second.
            let slot = plan.step_slot[q] as usize;
            self.need[slot] += 1;
            touched = q;
            if self.need[slot] > self.counts[slot] {
                // Longer runs in this second need even more events.
                break;
            }
            let candidate = if q == 0 {
                Some(ts)
            } else {
                self.held[q - 1]
                    .filter(|h| plan.in_window(h.first_ts, ts))
                    .map(|h| h.first_ts)
            };
            if let Some(first_ts) = candidate
                && best.is_none_or(|(b, _)| first_ts > b)
            {
                best = Some((first_ts, q));
            }
        }
        for r in touched..=p {
            self.need[plan.step_slot[r] as usize] = 0;
        }
        best
    }
}
