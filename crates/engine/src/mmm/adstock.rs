//! Adstock: the carry-over of spend into the weeks after it.
//!
//! Spend rarely acts only in the week it happens: a reward paid this week still attracts users
//! next week, a little less the week after. *Adstock* models that memory by replacing the weekly
//! spend `x_t` with a decaying sum of current and past spend. With a retention rate `λ ∈ [0, 1)`
//! (the share of last week's effect that survives into this week) the **geometric** adstock is the
//! infinite recursion
//!
//! ```text
//! A_t = x_t + λ·A_{t−1},   A_{−1} = 0,   i.e.   A_t = Σ_{k≥0} λ^k·x_{t−k}.
//! ```
//!
//! `λ = 0` means no memory (adstock is the spend itself); `λ → 1` means spend is never forgotten.
//! The half-life of an effect is `ln 2 / −ln λ` weeks (one week at the default `λ = 0.5`).
//!
//! The baseline mart (spec §7.6) computes a **truncated** form instead, as a SQL window over the
//! current row and the 8 preceding rows (9 rows, although its comment says "8-week window"):
//! the frame's non-NULL values, most recent first, `y_0, y_1, …, y_{m−1}` (`m ≤ 9`), are summed
//! with weights `λ^k`. Without NULLs that is `A_t = Σ_{k=0}^{min(8, t)} λ^k·x_{t−k}`, which differs
//! from the geometric form only by the terms older than 8 lags (combined weight at most `λ^9`,
//! about 0.002 at `λ = 0.5`) and satisfies `A_t = x_t + λ·A_{t−1} − λ^9·x_{t−9}`. Two quirks are
//! kept for parity:
//! - A NULL is *dropped* from the frame (ClickHouse `groupArray` skips NULLs), so it does not count
//!   as a lag: the values before it move one power of λ closer. A frame of NULLs only sums to 0.
//!   So even at `λ = 0` a NULL week is not 0 but repeats the most recent value of its frame
//!   (checked in chDB); the truncated form is the identity at `λ = 0` only without NULLs.
//! - The frame counts rows, not weeks, and the series starts fresh at the first source row.
//!
//! [`geometric`] treats a NULL as zero spend, which is what a missing week of a sum-method media
//! means (the spine fills those with 0 anyway). In both forms a value that is not finite (NaN, ±∞)
//! is treated as NULL, and the result is never NULL: one finite number per input week.
//!
//! DESIGN §4.7: the engine offers both; the sliders use [`geometric`], parity tests use
//! [`truncated_mart`] with [`MART_FRAME_ROWS`].

use serde::Serialize;

use crate::{Error, Result};

/// Rows in the mart's adstock frame: the current row and the 8 preceding ones.
pub const MART_FRAME_ROWS: usize = 9;

/// The mart's retention rate, hard-coded as 0.5 upstream.
pub const DEFAULT_LAMBDA: f64 = 0.5;

/// Which adstock form to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AdstockForm {
    /// The mart's form ([`truncated_mart`]): a frame of `frame_rows` rows, NULLs dropped.
    Truncated { frame_rows: usize },
    /// The infinite recursion ([`geometric`]), NULL as 0.
    Geometric,
}

impl Default for AdstockForm {
    /// The mart's form, for parity with the published baseline.
    fn default() -> Self {
        Self::Truncated {
            frame_rows: MART_FRAME_ROWS,
        }
    }
}

impl AdstockForm {
    /// The adstock of `x` in this form.
    pub fn apply(&self, x: &[Option<f64>], lambda: f64) -> Result<Vec<f64>> {
        match *self {
            Self::Truncated { frame_rows } => truncated_mart(x, lambda, frame_rows),
            Self::Geometric => geometric(x, lambda),
        }
    }
}

/// Rejects a retention rate outside `[0, 1)`.
pub fn check_lambda(lambda: f64) -> Result<()> {
    if (0.0..1.0).contains(&lambda) {
        Ok(())
    } else {
        Err(Error::param(
            "lambda",
            format!("the adstock retention rate must be in [0, 1), got {lambda}"),
        ))
    }
}

/// The geometric adstock `A_t = x_t + λ·A_{t−1}` with `A_{−1} = 0`; a NULL (or non-finite) value
/// counts as 0.
pub fn geometric(x: &[Option<f64>], lambda: f64) -> Result<Vec<f64>> {
    check_lambda(lambda)?;
    let mut carry = 0.0;
    Ok(x.iter()
        .map(|v| {
            carry = crate::mmm::finite(*v).unwrap_or(0.0) + lambda * carry;
            carry
        })
        .collect())
}

/// The mart's truncated adstock: for each row, the non-NULL (and finite) values of the frame made
/// of that row and the `frame_rows − 1` rows before it, most recent first, weighted `λ^k`; a frame
/// without values gives 0.
///
/// `frame_rows` must be at least 1; [`MART_FRAME_ROWS`] reproduces the mart.
pub fn truncated_mart(x: &[Option<f64>], lambda: f64, frame_rows: usize) -> Result<Vec<f64>> {
    check_lambda(lambda)?;
    if frame_rows == 0 {
        return Err(Error::param(
            "frame_rows",
            "the adstock frame must hold at least the current row",
        ));
    }
    Ok((0..x.len())
        .map(|t| {
            let first = (t + 1).saturating_sub(frame_rows);
            let mut weight = 1.0;
            let mut sum = 0.0;
            for v in x[first..=t]
                .iter()
                .rev()
                .filter_map(|v| crate::mmm::finite(*v))
            {
                sum += weight * v;
                weight *= lambda;
            }
            sum
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn close(l: f64, r: f64) -> bool {
        (l - r).abs() <= 1e-12 * l.abs().max(r.abs()) + 1e-12
    }

    /// The series of spec §7.6, checked in chDB: 8, NULL, 4, NULL, NULL, 1, then zeros.
    fn spec_series() -> Vec<Option<f64>> {
        let mut x = vec![Some(8.0), None, Some(4.0), None, None, Some(1.0)];
        x.extend([Some(0.0); 9]);
        x
    }

    #[test]
    fn truncated_reproduces_the_spec_series() {
        let got = truncated_mart(&spec_series(), 0.5, MART_FRAME_ROWS).expect("valid");
        // Weeks 1–12 are the spec's (1-based). Weeks 8, 9 and 13–15 were added and checked in chDB
        // with the same window expression: the 1 of week 6 leaves the frame after week 14.
        let want = [
            8.0, 8.0, 8.0, 8.0, 8.0, 5.0, 2.5, 1.25, 0.625, 0.1875, 0.09375, 0.015625, 0.0078125,
            0.00390625, 0.0,
        ];
        assert_eq!(got.len(), want.len());
        for (week, (g, w)) in got.iter().zip(want).enumerate() {
            assert!(close(*g, w), "week {}: {g} != {w}", week + 1);
        }
    }

    #[test]
    fn geometric_treats_null_as_zero() {
        let got = geometric(&spec_series()[..7], 0.5).expect("valid");
        let want = [8.0, 4.0, 6.0, 3.0, 1.5, 1.75, 0.875];
        for (g, w) in got.iter().zip(want) {
            assert!(close(*g, w), "{g} != {w}");
        }
    }

    #[test]
    fn with_lambda_zero_a_null_week_repeats_the_last_value_in_its_frame() {
        let x = [Some(3.0), None, None, Some(5.0), None];
        assert_eq!(
            truncated_mart(&x, 0.0, 9).expect("valid"),
            vec![3.0, 3.0, 3.0, 5.0, 5.0]
        );
        // Once the value leaves the frame, the NULL weeks are 0.
        assert_eq!(
            truncated_mart(&x, 0.0, 2).expect("valid"),
            vec![3.0, 3.0, 0.0, 5.0, 5.0]
        );
        assert_eq!(
            geometric(&x, 0.0).expect("valid"),
            vec![3.0, 0.0, 0.0, 5.0, 0.0]
        );
    }

    #[test]
    fn all_null_frames_give_zero() {
        let x = [None, Some(f64::NAN), None];
        assert_eq!(truncated_mart(&x, 0.5, 9).expect("valid"), vec![0.0; 3]);
        assert_eq!(geometric(&x, 0.5).expect("valid"), vec![0.0; 3]);
        assert_eq!(
            truncated_mart(&[], 0.5, 9).expect("valid"),
            Vec::<f64>::new()
        );
    }

    #[test]
    fn bad_parameters_are_errors() {
        for lambda in [-0.1, 1.0, 1.5, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                geometric(&[], lambda),
                Err(Error::InvalidParameter { name: "lambda", .. })
            ));
            assert!(truncated_mart(&[], lambda, 9).is_err());
        }
        assert!(matches!(
            truncated_mart(&[Some(1.0)], 0.5, 0),
            Err(Error::InvalidParameter {
                name: "frame_rows",
                ..
            })
        ));
        assert!(
            AdstockForm::Truncated { frame_rows: 0 }
                .apply(&[Some(1.0)], 0.5)
                .is_err()
        );
    }

    #[test]
    fn the_form_dispatches() {
        let x = [Some(1.0), None, Some(2.0)];
        assert_eq!(
            AdstockForm::default().apply(&x, 0.5),
            truncated_mart(&x, 0.5, MART_FRAME_ROWS)
        );
        assert_eq!(AdstockForm::Geometric.apply(&x, 0.5), geometric(&x, 0.5));
    }

    fn series() -> impl Strategy<Value = Vec<Option<f64>>> {
        prop::collection::vec(prop::option::weighted(0.8, -1e4f64..1e4), 0..40)
    }

    fn dense(max_len: usize) -> impl Strategy<Value = Vec<f64>> {
        prop::collection::vec(-1e4f64..1e4, 0..max_len)
    }

    proptest! {
        #[test]
        fn lambda_zero_is_the_identity(x in series(), dense_x in dense(40), frame_rows in 1usize..12) {
            let want: Vec<f64> = x.iter().map(|v| v.unwrap_or(0.0)).collect();
            prop_assert_eq!(geometric(&x, 0.0).expect("valid"), want);
            // The truncated form is the identity only without NULLs: a NULL is dropped from the
            // frame, so with λ = 0 a NULL week takes the most recent value in its frame.
            let opt: Vec<Option<f64>> = dense_x.iter().copied().map(Some).collect();
            prop_assert_eq!(truncated_mart(&opt, 0.0, frame_rows).expect("valid"), dense_x);
        }

        #[test]
        fn short_series_without_nulls_agree(x in dense(MART_FRAME_ROWS + 1), lambda in 0.0f64..0.99) {
            let x: Vec<Option<f64>> = x.into_iter().map(Some).collect();
            let t = truncated_mart(&x, lambda, MART_FRAME_ROWS).expect("valid");
            let g = geometric(&x, lambda).expect("valid");
            for (a, b) in t.iter().zip(&g) {
                prop_assert!((a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0), "{} vs {}", a, b);
            }
        }

        #[test]
        fn truncated_satisfies_its_recursion(x in dense(40), lambda in 0.0f64..0.99) {
            let opt: Vec<Option<f64>> = x.iter().copied().map(Some).collect();
            let a = truncated_mart(&opt, lambda, MART_FRAME_ROWS).expect("valid");
            let drop_weight = lambda.powi(MART_FRAME_ROWS as i32);
            for t in 0..x.len() {
                let previous = if t == 0 { 0.0 } else { a[t - 1] };
                let dropped = if t >= MART_FRAME_ROWS { x[t - MART_FRAME_ROWS] } else { 0.0 };
                let want = x[t] + lambda * previous - drop_weight * dropped;
                prop_assert!((a[t] - want).abs() <= 1e-9 * 1e4, "t={}: {} vs {}", t, a[t], want);
            }
        }

        #[test]
        fn geometric_satisfies_its_recursion(x in series(), lambda in 0.0f64..0.99) {
            let a = geometric(&x, lambda).expect("valid");
            for t in 1..x.len() {
                let want = x[t].unwrap_or(0.0) + lambda * a[t - 1];
                prop_assert!((a[t] - want).abs() <= 1e-12 * want.abs().max(1.0));
            }
        }
    }
}
