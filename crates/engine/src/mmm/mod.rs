//! Marketing mix modelling (MMM) pieces over the weekly spine: adstock, bottom-decile baselines and
//! collinearity diagnostics.
//!
//! MMM explains a KPI (`kpi_*` columns: volumes, users, TVL) by the outlays that might drive it
//! (`media_*` columns: rewards, emissions, fee APRs) and by controls (`ctrl_*`: prices, gas,
//! holidays), one row per Monday ([`crate::table::Spine`]). This module holds the model-free
//! groundwork the regression and the what-if sliders stand on:
//!
//! - [`stats`]: ClickHouse-exact `quantile(p)` and a careful Pearson correlation;
//! - [`adstock`]: the carry-over of spend into later weeks, both the infinite geometric recursion
//!   and the mart's 9-row truncated, NULL-skipping form (spec §7.6, DESIGN §4.7);
//! - [`baseline`]: per (KPI, media) pair, the KPI level in the weeks whose adstocked spend is in the
//!   bottom decile (the mart `fct_execution_mmm_baseline_latest`, spec §7.6);
//! - [`collinearity`]: pairwise Pearson correlations of the media columns (the mart
//!   `fct_execution_mmm_collinearity_latest`, spec §7.7 with DESIGN §4.9) and a variance inflation
//!   factor per media column.
//!
//! Conventions shared by the submodules:
//! - A spine value that is `None` (SQL NULL) **or not finite** (NaN, ±∞) is *missing*. ClickHouse
//!   would propagate a NaN into sums and quantiles; the engine never returns a NaN as a number, so
//!   it treats such a value exactly like NULL. The published spine holds no NaN, so parity with the
//!   marts is unaffected.
//! - The marts take their rows from `week ≥ today() − 730 days`. The engine has no clock: the caller
//!   passes `as_of_date` (days since 1970-01-01) and `trailing_days`. To reproduce a published mart,
//!   pass the UTC date on which it was built (the date of the manifest's `built_at`, which is the
//!   mart's `today()`); the browser passes today's date or the extract's as-of date. The bound is
//!   compared with Monday dates, so, as upstream, the oldest spine week is usually dropped (M16).
//!   There is no upper bound, as upstream: the spine already ends at the last complete week.
//! - Outputs are sorted and carry no clock-dependent column (the marts' `computed_at` is omitted).

pub mod adstock;
pub mod baseline;
pub mod collinearity;
pub mod stats;

#[cfg(test)]
mod chdb_parity;

use crate::table::Spine;
use crate::{Error, Result};

/// The mart's trailing window: rows with `week ≥ as_of − 730 days`.
pub const DEFAULT_TRAILING_DAYS: u32 = 730;

/// A spine value if it is present and finite, `None` otherwise (see the module docs).
pub(crate) fn finite(value: Option<f64>) -> Option<f64> {
    value.filter(|v| v.is_finite())
}

/// Checks the spine's shape (one value per week in every column, weeks strictly increasing) and
/// returns the index of its first row with `week ≥ as_of_date − trailing_days`.
///
/// The rows from that index on are the *source rows* of the baseline and collinearity marts.
pub(crate) fn source_start(spine: &Spine, as_of_date: i32, trailing_days: u32) -> Result<usize> {
    let n_weeks = spine.week.len();
    if let Some(c) = spine.columns.iter().find(|c| c.values.len() != n_weeks) {
        return Err(Error::param(
            "spine",
            format!(
                "column `{}` has {} values for {n_weeks} weeks",
                c.name,
                c.values.len()
            ),
        ));
    }
    if let Some(i) = spine.week.windows(2).position(|w| w[1] <= w[0]) {
        return Err(Error::param(
            "spine",
            format!(
                "weeks must be strictly increasing; row {} is not after row {i}",
                i + 1
            ),
        ));
    }
    let first_day = i64::from(as_of_date) - i64::from(trailing_days);
    Ok(spine.week.partition_point(|&w| i64::from(w) < first_day))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Family, SpineColumn};

    fn spine(weeks: Vec<i32>, values: Vec<Option<f64>>) -> Spine {
        Spine {
            week: weeks,
            columns: vec![SpineColumn {
                name: "media_x".into(),
                family: Family::Media,
                values,
            }],
        }
    }

    #[test]
    fn source_rows_start_at_the_trailing_bound() {
        let s = spine(vec![0, 7, 14, 21], vec![None; 4]);
        assert_eq!(source_start(&s, 21, 7), Ok(2));
        assert_eq!(source_start(&s, 21, 8), Ok(2));
        assert_eq!(source_start(&s, 21, 6), Ok(3));
        assert_eq!(source_start(&s, 100, 0), Ok(4));
        assert_eq!(source_start(&s, 0, 730), Ok(0));
        // The bound is computed in 64 bits, so extreme inputs do not overflow.
        assert_eq!(source_start(&s, i32::MIN, u32::MAX), Ok(0));
    }

    #[test]
    fn malformed_spines_are_errors() {
        assert!(source_start(&spine(vec![0, 7], vec![None]), 7, 7).is_err());
        assert!(source_start(&spine(vec![7, 7], vec![None, None]), 7, 7).is_err());
    }

    #[test]
    fn non_finite_values_are_missing() {
        assert_eq!(finite(Some(f64::NAN)), None);
        assert_eq!(finite(Some(f64::INFINITY)), None);
        assert_eq!(finite(None), None);
        assert_eq!(finite(Some(-0.5)), Some(-0.5));
    }
}
