//! Collinearity of the media columns: pairwise correlations and variance inflation factors.
//!
//! A regression cannot tell apart two media that always move together: their coefficients trade
//! off against each other and their standard errors blow up. Two diagnostics flag that before a
//! model is fit:
//!
//! - **Pairwise Pearson correlation** ([`pairs`]), the mart `fct_execution_mmm_collinearity_latest`
//!   (spec §7.7): for every pair of `media_*` columns `col_a < col_b` (byte-wise, as ClickHouse
//!   compares strings; full column names with the prefix) with at least one week where both are
//!   non-NULL, the correlation over those weeks and `is_high_collinearity = |r| > 0.9` (strict).
//!   Upstream, a constant column (an all-zero placeholder media) gives `nan` and a flag of 0, which
//!   reads as "not collinear"; here (DESIGN §4.9) the correlation and the flag are `None` and the
//!   status is `insufficient_variance`, as is a pair with a single common week.
//! - **Variance inflation factor** ([`vif`]): regress each media column on all the others (with an
//!   intercept); with `R²` the share of its variance they explain, `VIF = 1 / (1 − R²)`. A VIF of 1
//!   means no overlap; above 5–10 is the usual warning zone. Unlike pairwise correlation, VIF also
//!   sees a column that is a combination of several others.
//!
//! Both read the source rows `week ≥ as_of_date − trailing_days` (730 by default; see [`super`]).
//!
//! VIF needs one set of weeks for all columns, so it proceeds in steps:
//! 1. A column with fewer than two values, or with every value equal, over its own non-NULL source
//!    weeks has no variance to explain: `vif = None`, status `insufficient_variance` (an always-NULL
//!    placeholder like `validator_apr_proxy` lands here with `n_weeks = 0`).
//! 2. The remaining columns are taken over the weeks where all of them are non-NULL. If that leaves
//!    fewer weeks than columns plus one, no column can be fit with a residual degree of freedom:
//!    every remaining column gets status `too_few_weeks`. A column that is constant over those weeks
//!    is set aside as `insufficient_variance` and the common weeks are recomputed without it.
//! 3. Each remaining column is regressed on the others by a Householder QR with column pivoting on
//!    centred, rescaled data. Predictors that are (numerically) combinations of earlier ones are left
//!    out, which does not change the fit. When the residual is at most 1e-9 of the column's spread
//!    (`R² ≥ 1 − 1e-18`, a VIF beyond 1e18, which rounding cannot tell from infinite), the column is
//!    an exact combination of the others: `vif = None`, status `perfect_collinearity`.
//!
//! `n_weeks` is the number of weeks the statistic used. Output is sorted by column name(s).

use std::collections::BTreeMap;

use serde::Serialize;

use super::stats::{all_equal, corrected_mean, pearson};
use super::{DEFAULT_TRAILING_DAYS, finite, source_start};
use crate::table::{Family, Spine};
use crate::{Error, Result};

/// The mart's flag: `|pearson_corr| > 0.9`.
pub const DEFAULT_HIGH_CORR_THRESHOLD: f64 = 0.9;

/// Relative residual norm at or below which a column counts as an exact combination of others.
const RANK_TOL: f64 = 1e-9;

/// Parameters of [`pairs`] and [`vif`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize)]
pub struct CollinearityParams {
    /// The day the window ends on (days since 1970-01-01): the mart's `today()`.
    pub as_of_date: i32,
    /// Source rows are the weeks with `week ≥ as_of_date − trailing_days`.
    pub trailing_days: u32,
    /// A pair is flagged when `|pearson_corr|` is strictly above this, in `[0, 1]`.
    pub high_corr_threshold: f64,
}

impl CollinearityParams {
    /// The mart's parameters for a window ending on `as_of_date`: 730 trailing days, flag above 0.9.
    pub fn mart(as_of_date: i32) -> Self {
        Self {
            as_of_date,
            trailing_days: DEFAULT_TRAILING_DAYS,
            high_corr_threshold: DEFAULT_HIGH_CORR_THRESHOLD,
        }
    }

    fn validate(&self) -> Result<()> {
        if (0.0..=1.0).contains(&self.high_corr_threshold) {
            Ok(())
        } else {
            Err(Error::param(
                "high_corr_threshold",
                format!("must be in [0, 1], got {}", self.high_corr_threshold),
            ))
        }
    }
}

/// Whether a pair's correlation could be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PairStatus {
    Ok,
    /// Fewer than two common weeks, or one side constant over them.
    InsufficientVariance,
}

/// One row of the collinearity mart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CollinearityRow {
    /// The byte-wise smaller full column name (`media_…`).
    pub col_a: String,
    /// The larger one.
    pub col_b: String,
    /// Pearson correlation over the common non-NULL weeks; `None` when the status is not `ok`.
    pub pearson_corr: Option<f64>,
    /// Weeks where both columns are non-NULL (at least 1).
    pub n_weeks: u64,
    /// `|pearson_corr| > high_corr_threshold`; `None` when the correlation is.
    pub is_high_collinearity: Option<bool>,
    pub status: PairStatus,
}

/// Whether a column's VIF could be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VifStatus {
    Ok,
    /// The column has fewer than two values, or is constant, over its weeks.
    InsufficientVariance,
    /// The common weeks are fewer than the regressed columns plus one.
    TooFewWeeks,
    /// The other columns reproduce this one exactly (`R² = 1`, VIF infinite).
    PerfectCollinearity,
}

/// The variance inflation factor of one media column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VifRow {
    /// Full column name (`media_…`).
    pub column: String,
    /// `1 / (1 − R²)` of the column regressed on the other usable media; `None` unless status `ok`.
    pub vif: Option<f64>,
    /// Weeks used: the common weeks of the regression, or the column's own non-NULL weeks when it
    /// has insufficient variance on its own.
    pub n_weeks: u64,
    pub status: VifStatus,
}

/// The media columns over the source rows, missing values as `None`, by full name.
fn media_columns(
    spine: &Spine,
    as_of_date: i32,
    trailing_days: u32,
) -> Result<BTreeMap<&str, Vec<Option<f64>>>> {
    let start = source_start(spine, as_of_date, trailing_days)?;
    let mut columns = BTreeMap::new();
    for c in spine.family(Family::Media) {
        // A repeated name keeps its first column, as a by-name lookup would.
        columns
            .entry(c.name.as_str())
            .or_insert_with(|| c.values[start..].iter().map(|v| finite(*v)).collect());
    }
    Ok(columns)
}

/// Pairwise Pearson correlations of the `media_*` columns (the collinearity mart), sorted by
/// `(col_a, col_b)`.
pub fn pairs(spine: &Spine, params: &CollinearityParams) -> Result<Vec<CollinearityRow>> {
    params.validate()?;
    let columns: Vec<(&str, Vec<Option<f64>>)> =
        media_columns(spine, params.as_of_date, params.trailing_days)?
            .into_iter()
            .collect();
    let mut rows = Vec::new();
    for (i, (col_a, a)) in columns.iter().enumerate() {
        for (col_b, b) in &columns[i + 1..] {
            let common: Vec<(f64, f64)> = a
                .iter()
                .zip(b)
                .filter_map(|(x, y)| Some(((*x)?, (*y)?)))
                .collect();
            if common.is_empty() {
                continue;
            }
            let pearson_corr = pearson(&common);
            rows.push(CollinearityRow {
                col_a: (*col_a).to_owned(),
                col_b: (*col_b).to_owned(),
                pearson_corr,
                n_weeks: common.len() as u64,
                is_high_collinearity: pearson_corr.map(|r| r.abs() > params.high_corr_threshold),
                status: if pearson_corr.is_some() {
                    PairStatus::Ok
                } else {
                    PairStatus::InsufficientVariance
                },
            });
        }
    }
    Ok(rows)
}

/// The variance inflation factor of every `media_*` column, sorted by column name.
pub fn vif(spine: &Spine, params: &CollinearityParams) -> Result<Vec<VifRow>> {
    params.validate()?;
    let columns = media_columns(spine, params.as_of_date, params.trailing_days)?;
    let mut rows: BTreeMap<&str, VifRow> = BTreeMap::new();
    let mut active: Vec<(&str, &Vec<Option<f64>>)> = Vec::new();
    // Step 1: columns without variance of their own.
    for (&name, values) in &columns {
        let present: Vec<f64> = values.iter().flatten().copied().collect();
        if is_constant(&present) {
            rows.insert(
                name,
                row(name, None, present.len(), VifStatus::InsufficientVariance),
            );
        } else {
            active.push((name, values));
        }
    }
    // Step 2: common weeks, setting aside columns constant over them, until none is.
    let common_weeks = loop {
        let n_rows = columns.values().next().map_or(0, Vec::len);
        let weeks: Vec<usize> = (0..n_rows)
            .filter(|&t| active.iter().all(|(_, v)| v[t].is_some()))
            .collect();
        if weeks.len() < active.len() + 1 {
            for &(name, _) in &active {
                rows.insert(name, row(name, None, weeks.len(), VifStatus::TooFewWeeks));
            }
            active.clear();
            break weeks;
        }
        let before = active.len();
        active.retain(|&(name, v)| {
            let over_weeks: Vec<f64> = weeks.iter().filter_map(|&t| v[t]).collect();
            let constant = is_constant(&over_weeks);
            if constant {
                rows.insert(
                    name,
                    row(name, None, weeks.len(), VifStatus::InsufficientVariance),
                );
            }
            !constant
        });
        if active.len() == before {
            break weeks;
        }
    };
    // Step 3: one regression per remaining column, on centred and rescaled data.
    let data: Vec<Vec<f64>> = active
        .iter()
        .map(|(_, v)| {
            standardise(
                &common_weeks
                    .iter()
                    .filter_map(|&t| v[t])
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    for (j, &(name, _)) in active.iter().enumerate() {
        let others: Vec<Vec<f64>> = data
            .iter()
            .enumerate()
            .filter(|&(k, _)| k != j)
            .map(|(_, c)| c.clone())
            .collect();
        let total_ss: f64 = data[j].iter().map(|v| v * v).sum();
        let residual_ss = residual_sum_of_squares(others, data[j].clone());
        let n = common_weeks.len();
        let r = if residual_ss <= RANK_TOL * RANK_TOL * total_ss {
            row(name, None, n, VifStatus::PerfectCollinearity)
        } else {
            // VIF = 1/(1 − R²) = SST/SSR; at least 1 in exact arithmetic.
            row(
                name,
                Some((total_ss / residual_ss).max(1.0)),
                n,
                VifStatus::Ok,
            )
        };
        rows.insert(name, r);
    }
    Ok(rows.into_values().collect())
}

fn row(name: &str, vif: Option<f64>, n_weeks: usize, status: VifStatus) -> VifRow {
    VifRow {
        column: name.to_owned(),
        vif,
        n_weeks: n_weeks as u64,
        status,
    }
}

/// Fewer than two values, or all equal.
fn is_constant(values: &[f64]) -> bool {
    values.len() < 2 || all_equal(values.iter().copied())
}

/// The values minus their mean, divided by the largest absolute deviation (so in `[−1, 1]`).
/// Neither step changes the span a column contributes to a regression, nor its `R²`.
fn standardise(values: &[f64]) -> Vec<f64> {
    let mean = corrected_mean(values.iter().copied(), values.len() as f64);
    let centred: Vec<f64> = values.iter().map(|v| v - mean).collect();
    let scale = centred.iter().map(|v| v.abs()).fold(0.0, f64::max);
    if scale > 0.0 {
        centred.iter().map(|v| v / scale).collect()
    } else {
        centred
    }
}

/// The residual sum of squares of the least-squares fit of `y` on the `columns` (all of `y`'s
/// length), by Householder QR with column pivoting.
///
/// At each step the column with the largest remaining norm relative to its original norm becomes
/// the pivot; once that ratio is at most [`RANK_TOL`] the remaining columns lie in the span of the
/// pivots and are left out. The residual is the part of the transformed `y` below the pivots.
fn residual_sum_of_squares(mut columns: Vec<Vec<f64>>, mut y: Vec<f64>) -> f64 {
    let n = y.len();
    let original: Vec<f64> = columns.iter().map(|c| norm(c)).collect();
    let mut remaining: Vec<usize> = (0..columns.len()).filter(|&k| original[k] > 0.0).collect();
    let mut rank = 0;
    while rank < n && !remaining.is_empty() {
        // The pivot: the remaining column least explained by the pivots so far.
        let (slot, ratio) = remaining
            .iter()
            .enumerate()
            .map(|(slot, &k)| (slot, norm(&columns[k][rank..]) / original[k]))
            .fold((0, f64::NEG_INFINITY), |best, cur| {
                if cur.1 > best.1 { cur } else { best }
            });
        if ratio.is_nan() || ratio <= RANK_TOL {
            break;
        }
        let pivot = remaining.swap_remove(slot);
        // The Householder vector v maps column[rank..] onto a multiple of the first unit vector.
        let mut v = columns[pivot][rank..].to_vec();
        let alpha = -v[0].signum() * norm(&v);
        v[0] -= alpha;
        let vv: f64 = v.iter().map(|x| x * x).sum();
        if vv > 0.0 {
            for &k in &remaining {
                reflect(&mut columns[k][rank..], &v, vv);
            }
            reflect(&mut y[rank..], &v, vv);
        }
        rank += 1;
    }
    y[rank..].iter().map(|v| v * v).sum()
}

/// Applies `I − 2·v·vᵀ/(vᵀv)` to `x`.
fn reflect(x: &mut [f64], v: &[f64], vv: f64) {
    let factor = 2.0 * v.iter().zip(x.iter()).map(|(a, b)| a * b).sum::<f64>() / vv;
    for (xi, vi) in x.iter_mut().zip(v) {
        *xi -= factor * vi;
    }
}

/// The Euclidean norm, scaled to avoid overflow and underflow.
fn norm(x: &[f64]) -> f64 {
    let scale = x.iter().map(|v| v.abs()).fold(0.0, f64::max);
    if scale == 0.0 {
        return 0.0;
    }
    scale
        * x.iter()
            .map(|v| (v / scale) * (v / scale))
            .sum::<f64>()
            .sqrt()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::table::SpineColumn;

    fn media(name: &str, values: Vec<Option<f64>>) -> SpineColumn {
        SpineColumn {
            name: name.into(),
            family: Family::Media,
            values,
        }
    }

    fn spine(columns: Vec<SpineColumn>) -> Spine {
        let n = columns.first().map_or(0, |c| c.values.len());
        Spine {
            week: (0..n as i32).map(|i| 4 + 7 * i).collect(),
            columns,
        }
    }

    fn some(values: &[f64]) -> Vec<Option<f64>> {
        values.iter().copied().map(Some).collect()
    }

    fn close(l: f64, r: f64, rel: f64) -> bool {
        (l - r).abs() <= rel * l.abs().max(r.abs())
    }

    const ALL: CollinearityParams = CollinearityParams {
        as_of_date: 100_000,
        trailing_days: 200_000,
        high_corr_threshold: 0.9,
    };

    #[test]
    fn constant_zero_media_has_no_correlation() {
        let s = spine(vec![
            media("media_b", some(&[1.0, 2.0, 3.0, 4.0])),
            media("media_a", some(&[0.0; 4])),
            media("media_c", some(&[2.0, 1.0, 4.0, 3.0])),
            media("media_apr", vec![None; 4]),
        ]);
        let rows = pairs(&s, &ALL).expect("valid");
        let keys: Vec<(&str, &str)> = rows
            .iter()
            .map(|r| (r.col_a.as_str(), r.col_b.as_str()))
            .collect();
        // The always-NULL column has no common week with anything, so it is in no pair.
        assert_eq!(
            keys,
            vec![
                ("media_a", "media_b"),
                ("media_a", "media_c"),
                ("media_b", "media_c")
            ]
        );
        assert_eq!(
            rows[0],
            CollinearityRow {
                col_a: "media_a".into(),
                col_b: "media_b".into(),
                pearson_corr: None,
                n_weeks: 4,
                is_high_collinearity: None,
                status: PairStatus::InsufficientVariance,
            }
        );
        let r = rows[2].pearson_corr.expect("varies");
        assert!(close(r, 0.6, 1e-14), "{r}");
        assert_eq!(rows[2].is_high_collinearity, Some(false));
        assert_eq!(rows[2].status, PairStatus::Ok);
    }

    #[test]
    fn the_flag_is_strict_and_nulls_shrink_the_common_weeks() {
        let s = spine(vec![
            media("media_x", some(&[1.0, 2.0, 3.0, 4.0, 5.0])),
            media(
                "media_y",
                vec![Some(2.0), Some(4.0), None, Some(8.0), Some(10.0)],
            ),
            media("media_z", vec![Some(7.0), None, None, None, None]),
        ]);
        let rows = pairs(&s, &ALL).expect("valid");
        assert_eq!(rows.len(), 3);
        assert_eq!(
            (rows[0].n_weeks, rows[0].is_high_collinearity),
            (4, Some(true))
        );
        // A single common week: no variance.
        assert_eq!((rows[1].col_b.as_str(), rows[1].n_weeks), ("media_z", 1));
        assert_eq!(rows[1].status, PairStatus::InsufficientVariance);
        let at_one = CollinearityParams {
            high_corr_threshold: 1.0,
            ..ALL
        };
        assert_eq!(
            pairs(&s, &at_one).expect("valid")[0].is_high_collinearity,
            Some(false)
        );
        let bad = CollinearityParams {
            high_corr_threshold: 1.5,
            ..ALL
        };
        assert!(matches!(
            pairs(&s, &bad),
            Err(Error::InvalidParameter {
                name: "high_corr_threshold",
                ..
            })
        ));
        assert!(vif(&s, &bad).is_err());
    }

    #[test]
    fn trailing_window_and_only_media_columns() {
        let mut s = spine(vec![
            media("media_x", some(&[9.0, 1.0, 2.0, 3.0])),
            media("media_y", some(&[-9.0, 1.0, 2.0, 4.0])),
        ]);
        s.columns.push(SpineColumn {
            name: "kpi_k".into(),
            family: Family::Kpi,
            values: some(&[1.0, 2.0, 3.0, 4.0]),
        });
        // as_of = last Monday (25), 14 days back: the last three weeks.
        let p = CollinearityParams {
            as_of_date: 25,
            trailing_days: 14,
            ..ALL
        };
        let rows = pairs(&s, &p).expect("valid");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].n_weeks, 3);
        assert!(rows[0].pearson_corr.is_some_and(|r| r > 0.98));
    }

    #[test]
    fn vif_of_two_columns_is_one_over_one_minus_r_squared() {
        let s = spine(vec![
            media("media_x", some(&[1.0, 2.0, 3.0, 4.0])),
            media("media_y", some(&[2.0, 1.0, 4.0, 3.0])),
        ]);
        let rows = vif(&s, &ALL).expect("valid");
        assert_eq!(rows.len(), 2);
        for r in &rows {
            assert_eq!((r.n_weeks, r.status), (4, VifStatus::Ok));
            let v = r.vif.expect("ok");
            assert!(close(v, 1.0 / (1.0 - 0.36), 1e-12), "{v}");
        }
    }

    #[test]
    fn vif_statuses() {
        let s = spine(vec![
            media("media_a", some(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0])),
            media("media_b", some(&[2.0, 1.0, 4.0, 3.0, 6.0, 5.0])),
            // c = a + 2b: an exact combination.
            media("media_c", some(&[5.0, 4.0, 11.0, 10.0, 17.0, 16.0])),
            media("media_d", some(&[1.0, 0.0, 0.0, 1.0, 0.0, 1.0])),
            media("media_zero", some(&[0.0; 6])),
            media("media_null", vec![None; 6]),
        ]);
        let rows = vif(&s, &ALL).expect("valid");
        let got: Vec<(&str, VifStatus, u64)> = rows
            .iter()
            .map(|r| (r.column.as_str(), r.status, r.n_weeks))
            .collect();
        assert_eq!(
            got,
            vec![
                ("media_a", VifStatus::PerfectCollinearity, 6),
                ("media_b", VifStatus::PerfectCollinearity, 6),
                ("media_c", VifStatus::PerfectCollinearity, 6),
                ("media_d", VifStatus::Ok, 6),
                ("media_null", VifStatus::InsufficientVariance, 0),
                ("media_zero", VifStatus::InsufficientVariance, 6),
            ]
        );
        // d is independent of the a–b–c plane only partly; its VIF is finite and at least 1.
        assert!(rows[3].vif.is_some_and(|v| v >= 1.0 && v.is_finite()));
    }

    #[test]
    fn vif_with_too_few_common_weeks() {
        let s = spine(vec![
            media("media_a", vec![Some(1.0), Some(2.0), Some(3.0), None]),
            media("media_b", vec![Some(3.0), None, Some(1.0), Some(2.0)]),
            media("media_c", vec![Some(5.0), Some(1.0), Some(2.0), Some(0.0)]),
        ]);
        let rows = vif(&s, &ALL).expect("valid");
        assert!(
            rows.iter()
                .all(|r| r.status == VifStatus::TooFewWeeks && r.n_weeks == 2 && r.vif.is_none())
        );
    }

    #[test]
    fn a_column_constant_over_the_common_weeks_is_set_aside() {
        // b varies only in the week where a is NULL; over the common weeks it is constant.
        let s = spine(vec![
            media(
                "media_a",
                vec![None, Some(1.0), Some(2.0), Some(4.0), Some(3.0)],
            ),
            media("media_b", some(&[9.0, 1.0, 1.0, 1.0, 1.0])),
            media("media_c", some(&[0.0, 2.0, 1.0, 3.0, 5.0])),
        ]);
        let rows = vif(&s, &ALL).expect("valid");
        assert_eq!(rows[1].status, VifStatus::InsufficientVariance);
        assert_eq!(rows[1].n_weeks, 4);
        // a and c are then fit together over the 4 common weeks.
        assert_eq!((rows[0].status, rows[0].n_weeks), (VifStatus::Ok, 4));
        assert_eq!((rows[2].status, rows[2].n_weeks), (VifStatus::Ok, 4));
    }

    #[test]
    fn a_lone_column_has_vif_one() {
        let s = spine(vec![media("media_a", some(&[1.0, 5.0, 2.0]))]);
        let rows = vif(&s, &ALL).expect("valid");
        assert_eq!(rows[0].vif, Some(1.0));
    }

    /// VIF from the inverse of the correlation matrix: `VIF_j = (R⁻¹)_jj`, for three columns.
    fn vif3_reference(cols: &[Vec<f64>; 3]) -> [f64; 3] {
        let r = |i: usize, j: usize| {
            let pairs: Vec<(f64, f64)> = cols[i]
                .iter()
                .copied()
                .zip(cols[j].iter().copied())
                .collect();
            pearson(&pairs).expect("varies")
        };
        let (a, b, c) = (r(0, 1), r(0, 2), r(1, 2));
        let det = 1.0 + 2.0 * a * b * c - a * a - b * b - c * c;
        [
            (1.0 - c * c) / det,
            (1.0 - b * b) / det,
            (1.0 - a * a) / det,
        ]
    }

    proptest! {
        #[test]
        fn vif_matches_the_correlation_matrix_inverse(
            rows in prop::collection::vec((-100.0f64..100.0, -100.0f64..100.0, -100.0f64..100.0), 8..30),
            mix in -2.0f64..2.0,
        ) {
            // Mix the first column into the third to get real, but not perfect, collinearity.
            let cols = [
                rows.iter().map(|r| r.0).collect::<Vec<_>>(),
                rows.iter().map(|r| r.1).collect::<Vec<_>>(),
                rows.iter().map(|r| r.2 + mix * r.0).collect::<Vec<_>>(),
            ];
            let s = spine(vec![
                media("media_a", some(&cols[0])),
                media("media_b", some(&cols[1])),
                media("media_c", some(&cols[2])),
            ]);
            let got = vif(&s, &ALL).expect("valid");
            let want = vif3_reference(&cols);
            prop_assume!(want.iter().all(|v| v.is_finite() && *v < 1e6));
            for (g, w) in got.iter().zip(want) {
                prop_assert_eq!(g.status, VifStatus::Ok);
                let v = g.vif.expect("ok");
                prop_assert!(close(v, w, 1e-8), "{}: {} vs {}", g.column, v, w);
            }
        }

        #[test]
        fn pairs_are_sorted_symmetric_and_bounded(
            a in prop::collection::vec(prop::option::weighted(0.8, -10.0f64..10.0), 12),
            b in prop::collection::vec(prop::option::weighted(0.8, -10.0f64..10.0), 12),
        ) {
            let s = spine(vec![media("media_b", b.clone()), media("media_a", a.clone())]);
            let swapped = spine(vec![media("media_b", a), media("media_a", b)]);
            let rows = pairs(&s, &ALL).expect("valid");
            let rows2 = pairs(&swapped, &ALL).expect("valid");
            prop_assert!(rows.len() <= 1);
            prop_assert_eq!(rows.len(), rows2.len());
            if let (Some(r), Some(r2)) = (rows.first(), rows2.first()) {
                prop_assert_eq!((r.col_a.as_str(), r.col_b.as_str()), ("media_a", "media_b"));
                prop_assert_eq!(r.pearson_corr, r2.pearson_corr);
                prop_assert!(r.pearson_corr.is_none_or(|c| (-1.0..=1.0).contains(&c)));
            }
        }
    }
}
