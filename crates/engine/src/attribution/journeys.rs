//! [`Journeys`]: the two extracts joined once, with everything that does not depend on the
//! lookback or the kernel measured at load time.

use crate::extract::TouchExtract;
use crate::table::{Conversions, Sector};
use crate::{Error, Result};

/// Touch flag: the first touch of its kind in its conversion (most recent first), so the one that
/// counts the conversion in `conversions_with_touch` for every lookback that contains it.
pub(super) const FRESH: u8 = 1;
/// Touch flag: the first touch of its kind in its same-second run, so the one that carries the
/// kind's first-touch or last-touch share when the run is the earliest or the latest second.
pub(super) const RUN_FIRST: u8 = 2;

/// Conversions and their touches, joined and ordered for fast repeated attribution.
///
/// Touches are grouped per conversion (CSR layout) and, within a conversion, ordered by
/// `(touch_offset_s, event_kind)`: most recent first. A lookback of N days is then a prefix.
/// Conversions are stored by number of touches (shortest first), not in extract order; every
/// output is sorted by its keys, so the order shows only in the last bits of sums.
#[derive(Debug, Clone)]
pub struct Journeys {
    pub(super) sector: Sector,
    pub(super) conversion_kinds: Vec<String>,
    pub(super) identity_roles: Vec<String>,
    pub(super) event_kinds: Vec<String>,
    pub(super) conv_id: Vec<u32>,
    pub(super) conv_kind: Vec<u32>,
    pub(super) conv_role: Vec<u32>,
    pub(super) conv_date: Vec<i32>,
    pub(super) source_rows: Vec<u32>,
    /// Touches of conversion `i` are `start[i]..start[i + 1]`.
    pub(super) start: Vec<u32>,
    pub(super) t_offset_s: Vec<u32>,
    pub(super) t_lag_days: Vec<u16>,
    /// Each touch's event kind (index into the sorted `event_kinds`) and its flags
    /// ([`FRESH`], [`RUN_FIRST`]) above bit 16: `kind | flags << 16`.
    pub(super) t_kind_flags: Vec<u32>,
    /// Distance from each touch back to the first touch of its same-second run.
    pub(super) t_back: Vec<u32>,
    /// Distinct kinds in each touch's same-second run (the same for every touch of the run).
    pub(super) t_run_kinds: Vec<u16>,
    /// Length of each conversion's first run (its most recent second).
    pub(super) latest_run: Vec<u32>,
    pub(super) max_lag_days: u16,
    /// The most touches of one conversion.
    pub(super) max_touches: u32,
    pub(super) max_lookback_days: u32,
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
        // Conversions are stored shortest journey first (stable, so ties keep their row order):
        // the per-conversion loops of a run then have the same trip count for long stretches,
        // which the branch predictor learns, instead of a mispredicted exit per conversion.
        let mut len = vec![0u32; n];
        for &r in &row_of {
            len[r as usize] += 1;
        }
        let max_touches = len.iter().copied().max().unwrap_or(0);
        let mut by_len = vec![0u32; max_touches as usize + 2];
        for &l in &len {
            by_len[l as usize + 1] += 1;
        }
        for l in 0..=max_touches as usize {
            by_len[l + 1] += by_len[l];
        }
        let mut perm = vec![0u32; n];
        let mut rank = vec![0u32; n];
        for (c, &l) in len.iter().enumerate() {
            let at = &mut by_len[l as usize];
            perm[*at as usize] = c as u32;
            rank[c] = *at;
            *at += 1;
        }
        let mut start = Vec::with_capacity(n + 1);
        start.push(0u32);
        for &c in &perm {
            start.push(start[start.len() - 1] + len[c as usize]);
        }
        // Each touch's fields, scattered once into the new layout (reading the extract in order),
        // then sorted within each conversion: most recent first, then by event kind name, then
        // by row for deterministic ties.
        let kind_rank = rank_of_names(&t.event_kind.values);
        let mut fill = start.clone();
        let mut touch = vec![(0u32, 0u32, 0u32, 0u16); t.len()];
        for (i, &r) in row_of.iter().enumerate() {
            let at = &mut fill[rank[r as usize] as usize];
            touch[*at as usize] = (
                t.touch_offset_s[i],
                kind_rank[t.event_kind.codes[i] as usize],
                i as u32,
                t.lag_days[i],
            );
            *at += 1;
        }
        drop(fill);
        let conv_ts: Vec<i64> = perm
            .iter()
            .map(|&c| conversions.conversion_ts[c as usize])
            .collect();
        let conv_date: Vec<i32> = perm
            .iter()
            .map(|&c| conversions.conversion_date[c as usize])
            .collect();
        // Re-code event kinds so that code order is name order.
        let mut event_kinds = t.event_kind.values.clone();
        event_kinds.sort();
        let mut t_kind = Vec::with_capacity(t.len());
        let mut t_offset_s = Vec::with_capacity(t.len());
        let mut t_lag_days = Vec::with_capacity(t.len());
        let mut max_lag_days = 0u16;
        // The last conversion in which each kind was seen, to flag a kind's first touch.
        let mut seen_in = vec![u32::MAX; event_kinds.len()];
        let mut fresh = Vec::with_capacity(t.len());
        for (c, seg) in start.windows(2).enumerate() {
            let seg = &mut touch[seg[0] as usize..seg[1] as usize];
            seg.sort_unstable();
            for &(off, kind, i, lag) in &*seg {
                let expected = conv_date[c] - crate::date::date_of_ts(conv_ts[c] - i64::from(off));
                if i32::from(lag) != expected {
                    return Err(bad(
                        crate::extract::col::LAG_DAYS,
                        i as usize,
                        format!(
                            "lag_days {lag} disagrees with touch_offset_s {off} (expected {expected})"
                        ),
                    ));
                }
                max_lag_days = max_lag_days.max(lag);
                fresh.push(seen_in[kind as usize] != c as u32);
                seen_in[kind as usize] = c as u32;
                t_kind.push(kind);
                t_offset_s.push(off);
                t_lag_days.push(lag);
            }
        }
        drop(touch);
        let permute = |v: &[u32]| perm.iter().map(|&c| v[c as usize]).collect::<Vec<u32>>();
        let runs = same_second_runs(&start, &t_offset_s, &t_kind);
        let t_kind_flags = t_kind
            .iter()
            .zip(&fresh)
            .zip(&runs.run_first)
            .map(|((&k, &fresh), &run_first)| {
                let flags = if fresh { FRESH } else { 0 } | if run_first { RUN_FIRST } else { 0 };
                k | u32::from(flags) << 16
            })
            .collect();
        let conv_role = match &conversions.identity_role {
            Some(role) => permute(&role.codes),
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
            conv_id: permute(&conversions.conversion_id),
            conv_kind: permute(&conversions.conversion_kind.codes),
            conv_role,
            conv_date,
            source_rows: permute(&conversions.source_rows),
            start,
            t_offset_s,
            t_lag_days,
            t_kind_flags,
            t_back: runs.back,
            t_run_kinds: runs.kinds,
            latest_run: runs.latest,
            max_lag_days,
            max_touches,
            max_lookback_days: touches.max_lookback_days,
        })
    }

    /// Conversion `c`'s touch range `s..e` and its touches' offsets, lags and kind flags.
    #[inline]
    pub(super) fn journey(&self, c: usize) -> (u32, u32, &[u32], &[u16], &[u32]) {
        let (s, e) = (self.start[c], self.start[c + 1]);
        let r = s as usize..e as usize;
        (
            s,
            e,
            &self.t_offset_s[r.clone()],
            &self.t_lag_days[r.clone()],
            &self.t_kind_flags[r],
        )
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

/// The same-second runs of every conversion's touches (ordered by offset, then kind).
struct Runs {
    /// For each touch, the distance back to its run's first touch.
    back: Vec<u32>,
    /// For each touch, its run's number of distinct kinds.
    kinds: Vec<u16>,
    /// For each touch, whether it is the first of its kind in its run.
    run_first: Vec<bool>,
    /// For each conversion, the length of its first run.
    latest: Vec<u32>,
}

fn same_second_runs(start: &[u32], offsets: &[u32], kinds: &[u32]) -> Runs {
    let mut back = vec![0u32; offsets.len()];
    let mut run_kinds = vec![0u16; offsets.len()];
    let mut run_first = vec![false; offsets.len()];
    let mut latest = vec![0u32; start.len().saturating_sub(1)];
    for (c, seg) in start.windows(2).enumerate() {
        let (s, e) = (seg[0] as usize, seg[1] as usize);
        let mut r = s;
        while r < e {
            let mut end = r + 1;
            let mut distinct = 1u16;
            run_first[r] = true;
            while end < e && offsets[end] == offsets[r] {
                let new_kind = kinds[end] != kinds[end - 1];
                run_first[end] = new_kind;
                distinct = distinct.saturating_add(u16::from(new_kind));
                end += 1;
            }
            for i in r..end {
                back[i] = (i - r) as u32;
                run_kinds[i] = distinct;
            }
            if r == s {
                latest[c] = (end - s) as u32;
            }
            r = end;
        }
    }
    Runs {
        back,
        kinds: run_kinds,
        run_first,
        latest,
    }
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
