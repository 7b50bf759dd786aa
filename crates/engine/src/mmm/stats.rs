//! The two statistics the MMM marts compute in ClickHouse, reproduced exactly.
//!
//! **Quantile.** ClickHouse's `quantile(p)(x)` keeps a reservoir of 8192 samples and interpolates
//! linearly between order statistics (spec §2.3). Below 8192 values the reservoir holds every value,
//! so the result is exact: sort the values `v[0] ≤ … ≤ v[n−1]`, take the fractional index
//! `i = p·(n−1)`, and return `v[⌊i⌋]·(⌊i⌋+1−i) + v[⌊i⌋+1]·(i−⌊i⌋)` (numpy's default `linear`
//! method). [`quantile_linear`] evaluates that very expression, in that order, so that it returns the
//! same bits as ClickHouse: this matters when the result is compared with the data again, as the
//! baseline's `adstock ≤ threshold` does. Above 8192 values ClickHouse samples and its result is
//! approximate; the engine stays exact. The MMM inputs have about 105 weeks.
//!
//! **Correlation.** `corr(x, y)` is the Pearson correlation
//! `Σ(x−x̄)(y−ȳ) / √(Σ(x−x̄)²·Σ(y−ȳ)²)`. ClickHouse accumulates raw sums (`n·Σxy − Σx·Σy` over
//! the square root of the same for x and y), which cancels catastrophically when the mean is large
//! against the spread. [`pearson`] uses two passes instead: corrected means first, then sums of
//! products of deviations (scaled to avoid underflow). On ordinary data the two agree to about
//! 1e-12 relative; where they differ the engine is the more accurate.
//!
//! Where ClickHouse returns `nan` (fewer than two pairs, or a series with zero variance), these
//! functions return `None`. Zero variance means "every value is equal", tested exactly, so a
//! constant series like `0.1, 0.1, 0.1` is never mistaken for a varying one through rounding.
//!
//! Values that are not finite (NaN, ±∞) are skipped: a NaN is never returned as a number.

use crate::{Error, Result};

/// The linearly interpolated `p`-quantile of the finite values, as ClickHouse `quantile(p)` gives
/// below 8192 values. The values need not be sorted.
///
/// Returns `Ok(None)` when there is no finite value, and an error when `p` is not in `[0, 1]`.
pub fn quantile_linear(values: &[f64], p: f64) -> Result<Option<f64>> {
    check_level(p)?;
    Ok(quantile_of_sorted(&sorted_finite(values), p))
}

/// Rejects a quantile level outside `[0, 1]` (ClickHouse rejects it too).
pub(crate) fn check_level(p: f64) -> Result<()> {
    if (0.0..=1.0).contains(&p) {
        Ok(())
    } else {
        Err(Error::param(
            "p",
            format!("a quantile level must be in [0, 1], got {p}"),
        ))
    }
}

/// The finite values, sorted ascending.
pub(crate) fn sorted_finite(values: &[f64]) -> Vec<f64> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    sorted
}

/// ClickHouse's `ReservoirSampler::quantileInterpolated` on already sorted, finite values, for a
/// level already checked to be in `[0, 1]`.
pub(crate) fn quantile_of_sorted(sorted: &[f64], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let index = (p * last as f64).clamp(0.0, last as f64);
    // `index` is in [0, last], so the truncation is the floor and stays in range.
    let left = index as usize;
    let right = left + 1;
    if right > last {
        return Some(sorted[last]);
    }
    let left_coef = right as f64 - index;
    let right_coef = index - left as f64;
    Some(sorted[left] * left_coef + sorted[right] * right_coef)
}

/// The Pearson correlation of paired values, as ClickHouse `corr(x, y)` but computed in two passes.
///
/// Pairs with a non-finite member are skipped. Returns `None` when fewer than two pairs remain, when
/// either side has zero variance (all its values equal), or when the data overflow `f64`.
pub fn pearson(pairs: &[(f64, f64)]) -> Option<f64> {
    let kept: Vec<(f64, f64)> = pairs
        .iter()
        .copied()
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .collect();
    if kept.len() < 2 || all_equal(kept.iter().map(|p| p.0)) || all_equal(kept.iter().map(|p| p.1))
    {
        return None;
    }
    let n = kept.len() as f64;
    let mean_x = corrected_mean(kept.iter().map(|p| p.0), n);
    let mean_y = corrected_mean(kept.iter().map(|p| p.1), n);
    // Deviations are divided by the largest absolute deviation, so that squaring them neither
    // underflows (tiny spreads) nor overflows (huge ones); the correlation is scale-free.
    let scale_x = kept
        .iter()
        .map(|p| (p.0 - mean_x).abs())
        .fold(0.0, f64::max);
    let scale_y = kept
        .iter()
        .map(|p| (p.1 - mean_y).abs())
        .fold(0.0, f64::max);
    let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
    for &(x, y) in &kept {
        let dx = (x - mean_x) / scale_x;
        let dy = (y - mean_y) / scale_y;
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
    }
    let r = sxy / (sxx.sqrt() * syy.sqrt());
    r.is_finite().then(|| r.clamp(-1.0, 1.0))
}

/// True when every value is equal to the first (or there is none): zero variance, exactly.
#[expect(
    clippy::float_cmp,
    reason = "zero variance means identical values; a tolerance would call small spreads constant"
)]
pub(crate) fn all_equal(mut values: impl Iterator<Item = f64>) -> bool {
    match values.next() {
        Some(first) => values.all(|v| v == first),
        None => true,
    }
}

/// The mean of `n` values, refined by the mean residual (the second pass of a two-pass mean).
pub(crate) fn corrected_mean(values: impl Iterator<Item = f64> + Clone, n: f64) -> f64 {
    let mean = values.clone().sum::<f64>() / n;
    mean + values.map(|v| v - mean).sum::<f64>() / n
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// `|l − r| ≤ rel·max(|l|, |r|) + abs`.
    fn close(l: f64, r: f64, rel: f64, abs: f64) -> bool {
        (l - r).abs() <= rel * l.abs().max(r.abs()) + abs
    }

    fn q(values: &[f64], p: f64) -> Option<f64> {
        quantile_linear(values, p).expect("valid level")
    }

    #[test]
    fn quantile_matches_the_spec_checks() {
        // Spec §2.3, checked in chDB: 1..10.
        let one_to_ten: Vec<f64> = (1..=10).map(f64::from).collect();
        for (p, want) in [
            (0.1, 1.9),
            (0.5, 5.5),
            (0.05, 1.45),
            (0.95, 9.55),
            (0.0, 1.0),
            (1.0, 10.0),
        ] {
            let got = q(&one_to_ten, p).expect("non-empty");
            assert!(close(got, want, 1e-15, 0.0), "p={p}: {got} != {want}");
        }
        // Order of the input does not matter.
        let mut reversed = one_to_ten.clone();
        reversed.reverse();
        assert_eq!(q(&reversed, 0.1), q(&one_to_ten, 0.1));
    }

    #[test]
    fn quantile_edge_cases() {
        assert_eq!(q(&[], 0.5), None);
        assert_eq!(q(&[f64::NAN, f64::INFINITY], 0.5), None);
        assert_eq!(q(&[3.0], 0.37), Some(3.0));
        assert_eq!(q(&[2.0, f64::NAN, 1.0], 1.0), Some(2.0));
        // A tie-heavy zero series has a zero bottom decile, exactly.
        assert_eq!(
            q(
                &[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 5.0, 7.0],
                0.1
            ),
            Some(0.0)
        );
        for p in [-0.1, 1.1, f64::NAN] {
            assert!(matches!(
                quantile_linear(&[1.0], p),
                Err(Error::InvalidParameter { name: "p", .. })
            ));
        }
    }

    #[test]
    fn pearson_known_values() {
        let perfect: Vec<(f64, f64)> = (0..10)
            .map(|i| (f64::from(i), 3.0 * f64::from(i) - 2.0))
            .collect();
        assert!(pearson(&perfect).is_some_and(|r| close(r, 1.0, 1e-15, 0.0)));
        let anti: Vec<(f64, f64)> = (0..10).map(|i| (f64::from(i), -f64::from(i))).collect();
        assert!(pearson(&anti).is_some_and(|r| close(r, -1.0, 1e-15, 0.0)));
        // Hand-computed: x = 1,2,3,4; y = 2,1,4,3 → Sxy = 3, Sxx = Syy = 5, r = 0.6.
        let r = pearson(&[(1.0, 2.0), (2.0, 1.0), (3.0, 4.0), (4.0, 3.0)]).expect("varies");
        assert!(close(r, 0.6, 1e-15, 0.0), "{r}");
    }

    #[test]
    fn pearson_degenerate_inputs_are_none() {
        assert_eq!(pearson(&[]), None);
        assert_eq!(pearson(&[(1.0, 2.0)]), None);
        // Constant-zero media: ClickHouse gives nan.
        assert_eq!(pearson(&[(0.0, 1.0), (0.0, 2.0), (0.0, 3.0)]), None);
        // A constant that is not exactly representable is still constant.
        assert_eq!(pearson(&[(0.1, 1.0), (0.1, 2.0), (0.1, 3.0)]), None);
        assert_eq!(pearson(&[(1.0, 5.0), (2.0, 5.0)]), None);
        // Pairs with a non-finite member are skipped.
        let r = pearson(&[(1.0, 1.0), (f64::NAN, 2.0), (2.0, 3.0)]).expect("two pairs remain");
        assert!(close(r, 1.0, 1e-15, 0.0), "{r}");
    }

    #[test]
    fn pearson_survives_large_means_and_tiny_spreads() {
        // A mean of 1e9 with a spread of 1: the raw-sums formula loses most digits here.
        let pairs: Vec<(f64, f64)> = [(0.0, 1.0), (1.0, 0.0), (2.0, 3.0), (3.0, 2.0)]
            .iter()
            .map(|&(x, y)| (1e9 + x, 1e9 + y))
            .collect();
        let r = pearson(&pairs).expect("varies");
        assert!(close(r, 0.6, 1e-12, 0.0), "{r}");
        let tiny: Vec<(f64, f64)> = [(1.0, 2.0), (2.0, 1.0), (3.0, 4.0), (4.0, 3.0)]
            .iter()
            .map(|&(x, y)| (x * 1e-300, y * 1e-300))
            .collect();
        let r = pearson(&tiny).expect("varies");
        assert!(close(r, 0.6, 1e-12, 0.0), "{r}");
    }

    proptest! {
        #[test]
        fn quantile_is_monotone_and_bounded(
            values in prop::collection::vec(-1e6f64..1e6, 1..60),
            p1 in 0.0f64..=1.0,
            p2 in 0.0f64..=1.0,
        ) {
            let (lo, hi) = if p1 <= p2 { (p1, p2) } else { (p2, p1) };
            let a = q(&values, lo).expect("non-empty");
            let b = q(&values, hi).expect("non-empty");
            let min = values.iter().copied().fold(f64::INFINITY, f64::min);
            let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            prop_assert!(a <= b + 1e-9 * b.abs().max(1.0));
            prop_assert!(a >= min - 1e-9 * min.abs().max(1.0) && b <= max + 1e-9 * max.abs().max(1.0));
        }

        #[test]
        fn pearson_is_symmetric_bounded_and_affine_invariant(
            pairs in prop::collection::vec((-1e3f64..1e3, -1e3f64..1e3), 0..40),
            scale in 0.1f64..100.0,
            shift in -1e3f64..1e3,
        ) {
            let r = pearson(&pairs);
            let swapped: Vec<(f64, f64)> = pairs.iter().map(|&(x, y)| (y, x)).collect();
            prop_assert_eq!(r, pearson(&swapped));
            if let Some(r) = r {
                prop_assert!((-1.0..=1.0).contains(&r));
                let moved: Vec<(f64, f64)> = pairs.iter().map(|&(x, y)| (scale * x + shift, y)).collect();
                // An affine map can make distinct values collide only in pathological cases.
                if let Some(r2) = pearson(&moved) {
                    prop_assert!(close(r, r2, 1e-9, 1e-12), "{} vs {}", r, r2);
                }
            }
        }
    }
}
