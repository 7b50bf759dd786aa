//! The what-if model: a transparent ridge regression of one KPI on adstocked, saturated media and
//! on controls, fit on the weekly spine in the browser.
//!
//! # The model
//!
//! For week `t`, with media `m` and controls `c`:
//!
//! ```text
//! KPI_t = β₀ + Σ_m β_m · s_m(A_m,t) + Σ_c γ_c · z_c,t + ε_t
//! A_m,t = x_m,t + λ_m · A_m,t−1                      (geometric adstock, engine::mmm::adstock)
//! s_m(a) = a / (a + K_m)                              (saturation; K_m = mean positive adstock)
//! ```
//!
//! `s_m` is a Hill curve of shape 1: spend has diminishing returns, and half of the attainable
//! effect is reached at the medium's average adstock level `K_m`. Predictors are standardised over
//! the fit weeks and the coefficients minimise `Σ ε_t² / n + α · Σ β̃²` (ridge, with the
//! standardised coefficients `β̃` penalised and the intercept not), solved exactly by Cholesky.
//! Ridge keeps the fit stable when media move together (see the collinearity heatmap).
//!
//! Fit weeks are the weeks with a KPI value. A NULL media week counts as zero spend (as in the
//! adstock); a NULL control is replaced by the control's mean over the fit weeks. Constant series
//! (a placeholder media that is always 0) and `ctrl_week_of_year` (a seasonal code, not a
//! quantity) are left out, and listed.
//!
//! **Observational.** The coefficients describe how the KPI moved with the media in the past; they
//! are not causal effects. Budgets were not randomised, and anything that drove both spend and the
//! KPI is folded into the coefficients.
//!
//! # What-if
//!
//! The horizon is the last `H` weeks of the spine. A budget change of `p %` for a medium multiplies
//! its spend in those weeks by `1 + p/100`; its adstock is recomputed (so the change carries over
//! within the horizon), saturated with the same `K_m`, and the predicted KPI change is
//! `Σ_{t∈H} Σ_m β_m · (s_m(A'_m,t) − s_m(A_m,t))`. A medium's *response curve* is that change as a
//! function of its horizon spend, with the other media at their current level.

use mensura_engine::mmm::adstock;
use mensura_engine::table::{Family, Spine};

/// Controls that are codes rather than quantities.
const SKIPPED_CONTROLS: [&str; 1] = ["ctrl_week_of_year"];

/// What the model is asked to fit.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSpec {
    /// The KPI column (`kpi_…`).
    pub kpi: String,
    /// Adstock retention λ per media column; media not listed use 0.5.
    pub lambdas: std::collections::BTreeMap<String, f64>,
    /// Ridge penalty on standardised coefficients, ≥ 0.
    pub alpha: f64,
}

/// One media term of a fitted model.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaTerm {
    pub name: String,
    pub lambda: f64,
    /// Half-saturation adstock `K_m`.
    pub half_saturation: f64,
    /// KPI units per unit of saturated adstock (`s ∈ [0, 1)`).
    pub coef: f64,
    /// Coefficient per standard deviation of the saturated term, in KPI units.
    pub std_coef: f64,
    /// Spend per week (NULL as 0), one value per spine week.
    spend: Vec<f64>,
}

/// One control term.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlTerm {
    pub name: String,
    pub coef: f64,
    pub std_coef: f64,
}

/// How well the model fits the weeks it was fit on.
#[derive(Debug, Clone, PartialEq)]
pub struct FitStats {
    pub n_weeks: usize,
    pub n_predictors: usize,
    /// Effective degrees of freedom of the ridge fit, `tr(H)` (at most `n_predictors`).
    pub effective_df: f64,
    pub r2: f64,
    /// `1 − (1 − R²)(n − 1)/(n − 1 − df)` with the effective df.
    pub adj_r2: f64,
    pub rmse: f64,
    /// Mean absolute percentage error over weeks with a nonzero KPI, if any.
    pub mape: Option<f64>,
}

/// A fitted what-if model.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub kpi: String,
    pub alpha: f64,
    pub intercept: f64,
    pub media: Vec<MediaTerm>,
    pub controls: Vec<ControlTerm>,
    /// Series left out, with the reason.
    pub excluded: Vec<(String, String)>,
    pub stats: FitStats,
    /// Spine weeks (day numbers), all of them.
    pub weeks: Vec<i32>,
    /// The KPI per spine week (`None` where missing).
    pub actual: Vec<Option<f64>>,
    /// The model's prediction per spine week at the observed spend.
    pub fitted: Vec<f64>,
    /// Control contribution + intercept per spine week.
    base: Vec<f64>,
}

/// Why a model cannot be fit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    #[error("the spine has no column `{0}`")]
    NoKpi(String),
    #[error("`{kpi}` has {n} weeks with a value; the model needs at least {needed}")]
    TooFewWeeks {
        kpi: String,
        n: usize,
        needed: usize,
    },
    #[error("no media column varies, so there is nothing to model")]
    NoMedia,
    #[error("invalid parameter: {0}")]
    Param(String),
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

fn sd(v: &[f64], m: f64) -> f64 {
    (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / v.len().max(1) as f64).sqrt()
}

fn saturate(a: f64, k: f64) -> f64 {
    let a = a.max(0.0);
    a / (a + k)
}

/// Adstock then saturation of a spend series.
fn saturated(spend: &[f64], lambda: f64, k: f64) -> Vec<f64> {
    let mut carry = 0.0;
    spend
        .iter()
        .map(|x| {
            carry = x + lambda * carry;
            saturate(carry, k)
        })
        .collect()
}

/// Solves `A x = b` for a symmetric positive definite `A` (row-major `n × n`) by Cholesky.
fn cholesky_solve(a: &[f64], b: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum();
            if i == j {
                let d = a[i * n + i] - s;
                if d <= 0.0 || !d.is_finite() {
                    return None;
                }
                l[i * n + i] = d.sqrt();
            } else {
                l[i * n + j] = (a[i * n + j] - s) / l[j * n + j];
            }
        }
    }
    let mut y = vec![0.0; n];
    for i in 0..n {
        let s: f64 = (0..i).map(|k| l[i * n + k] * y[k]).sum();
        y[i] = (b[i] - s) / l[i * n + i];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let s: f64 = (i + 1..n).map(|k| l[k * n + i] * x[k]).sum();
        x[i] = (y[i] - s) / l[i * n + i];
    }
    Some(x)
}

/// Fits the model of `spec` on `spine`.
pub fn fit(spine: &Spine, spec: &ModelSpec) -> Result<Fit, ModelError> {
    if !(spec.alpha.is_finite() && spec.alpha >= 0.0) {
        return Err(ModelError::Param(format!(
            "the ridge penalty must be ≥ 0, got {}",
            spec.alpha
        )));
    }
    let kpi_col = spine
        .column(&spec.kpi)
        .filter(|c| c.family == Family::Kpi)
        .ok_or_else(|| ModelError::NoKpi(spec.kpi.clone()))?;
    let n_all = spine.week.len();
    let rows: Vec<usize> = (0..n_all)
        .filter(|&t| kpi_col.values[t].is_some_and(f64::is_finite))
        .collect();
    let y: Vec<f64> = rows.iter().filter_map(|&t| kpi_col.values[t]).collect();
    let mut excluded = Vec::new();
    // Media: adstock, saturation.
    let mut media = Vec::new();
    let mut columns: Vec<Vec<f64>> = Vec::new(); // full-length predictor series
    for c in spine.family(Family::Media) {
        let spend: Vec<f64> = c
            .values
            .iter()
            .map(|v| v.filter(|x| x.is_finite()).unwrap_or(0.0))
            .collect();
        let lambda = spec
            .lambdas
            .get(&c.name)
            .copied()
            .unwrap_or(adstock::DEFAULT_LAMBDA);
        if adstock::check_lambda(lambda).is_err() {
            return Err(ModelError::Param(format!(
                "λ of `{}` must be in [0, 1), got {lambda}",
                c.name
            )));
        }
        let stock = adstock::geometric(&c.values, lambda).unwrap_or_default();
        let positive: Vec<f64> = stock.iter().copied().filter(|a| *a > 0.0).collect();
        let over_rows: Vec<f64> = rows.iter().map(|&t| stock[t]).collect();
        let m = mean(&over_rows);
        if positive.is_empty() || sd(&over_rows, m) == 0.0 {
            excluded.push((c.name.clone(), "constant over the fit weeks".into()));
            continue;
        }
        let k = mean(&positive);
        columns.push(saturated(&spend, lambda, k));
        media.push(MediaTerm {
            name: c.name.clone(),
            lambda,
            half_saturation: k,
            coef: 0.0,
            std_coef: 0.0,
            spend,
        });
    }
    if media.is_empty() {
        return Err(ModelError::NoMedia);
    }
    // Controls: mean-imputed.
    let mut controls = Vec::new();
    for c in spine.family(Family::Ctrl) {
        if SKIPPED_CONTROLS.contains(&c.name.as_str()) {
            excluded.push((c.name.clone(), "a code, not a quantity".into()));
            continue;
        }
        let present: Vec<f64> = rows
            .iter()
            .filter_map(|&t| c.values[t].filter(|x| x.is_finite()))
            .collect();
        let m = mean(&present);
        if present.len() < 2 || sd(&present, m) == 0.0 {
            excluded.push((
                c.name.clone(),
                "constant or missing over the fit weeks".into(),
            ));
            continue;
        }
        columns.push(
            c.values
                .iter()
                .map(|v| v.filter(|x| x.is_finite()).unwrap_or(m))
                .collect(),
        );
        controls.push(ControlTerm {
            name: c.name.clone(),
            coef: 0.0,
            std_coef: 0.0,
        });
    }
    let p = columns.len();
    let n = rows.len();
    if n < 3 {
        return Err(ModelError::TooFewWeeks {
            kpi: spec.kpi.clone(),
            n,
            needed: 3,
        });
    }
    // Standardise over the fit rows.
    let stats: Vec<(f64, f64)> = columns
        .iter()
        .map(|col| {
            let v: Vec<f64> = rows.iter().map(|&t| col[t]).collect();
            let m = mean(&v);
            (m, sd(&v, m))
        })
        .collect();
    let z = |j: usize, t: usize| (columns[j][t] - stats[j].0) / stats[j].1;
    let y_mean = mean(&y);
    let nf = n as f64;
    let mut xtx = vec![0.0; p * p];
    let mut xty = vec![0.0; p];
    for (r, &t) in rows.iter().enumerate() {
        let zt: Vec<f64> = (0..p).map(|j| z(j, t)).collect();
        for i in 0..p {
            xty[i] += zt[i] * (y[r] - y_mean) / nf;
            for j in 0..=i {
                xtx[i * p + j] += zt[i] * zt[j] / nf;
            }
        }
    }
    for i in 0..p {
        for j in 0..i {
            xtx[j * p + i] = xtx[i * p + j];
        }
    }
    // A tiny floor keeps α = 0 solvable when predictors are exactly collinear.
    let ridge = spec.alpha.max(1e-10);
    let mut a = xtx.clone();
    for i in 0..p {
        a[i * p + i] += ridge;
    }
    let beta = cholesky_solve(&a, &xty, p)
        .ok_or_else(|| ModelError::Param("the normal equations are singular".into()))?;
    // Effective degrees of freedom: tr((XᵀX + αI)⁻¹ XᵀX).
    let mut effective_df = 0.0;
    for i in 0..p {
        let col: Vec<f64> = (0..p).map(|r| xtx[r * p + i]).collect();
        if let Some(x) = cholesky_solve(&a, &col, p) {
            effective_df += x[i];
        }
    }
    let mut intercept = y_mean;
    for j in 0..p {
        let coef = beta[j] / stats[j].1;
        intercept -= coef * stats[j].0;
        if j < media.len() {
            media[j].coef = coef;
            media[j].std_coef = beta[j];
        } else {
            controls[j - media.len()].coef = coef;
            controls[j - media.len()].std_coef = beta[j];
        }
    }
    let n_media = media.len();
    let base: Vec<f64> = (0..n_all)
        .map(|t| {
            intercept
                + controls
                    .iter()
                    .enumerate()
                    .map(|(c, term)| term.coef * columns[n_media + c][t])
                    .sum::<f64>()
        })
        .collect();
    let fitted: Vec<f64> = (0..n_all)
        .map(|t| {
            base[t]
                + media
                    .iter()
                    .enumerate()
                    .map(|(m, term)| term.coef * columns[m][t])
                    .sum::<f64>()
        })
        .collect();
    let sse: f64 = rows
        .iter()
        .zip(&y)
        .map(|(&t, y)| (y - fitted[t]).powi(2))
        .sum();
    let sst: f64 = y.iter().map(|y| (y - y_mean).powi(2)).sum();
    let r2 = if sst > 0.0 { 1.0 - sse / sst } else { 0.0 };
    let denom = nf - 1.0 - effective_df;
    let adj_r2 = if denom > 0.0 {
        1.0 - (1.0 - r2) * (nf - 1.0) / denom
    } else {
        f64::NAN
    };
    let ape: Vec<f64> = rows
        .iter()
        .zip(&y)
        .filter(|(_, y)| **y != 0.0)
        .map(|(&t, y)| ((y - fitted[t]) / y).abs())
        .collect();
    Ok(Fit {
        kpi: spec.kpi.clone(),
        alpha: spec.alpha,
        intercept,
        media,
        controls,
        excluded,
        stats: FitStats {
            n_weeks: n,
            n_predictors: p,
            effective_df,
            r2,
            adj_r2,
            rmse: (sse / nf).sqrt(),
            mape: (!ape.is_empty()).then(|| mean(&ape)),
        },
        weeks: spine.week.clone(),
        actual: kpi_col.values.clone(),
        fitted,
        base,
    })
}

/// The predicted effect of one budget scenario over the horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct WhatIf {
    /// Horizon weeks (the last `horizon` spine weeks).
    pub horizon_weeks: usize,
    /// Predicted KPI summed over the horizon at the observed spend.
    pub current_kpi: f64,
    /// Predicted KPI summed over the horizon under the scenario.
    pub scenario_kpi: f64,
    /// Per media: (name, horizon spend now, horizon spend in the scenario, KPI change).
    pub by_media: Vec<MediaChange>,
    /// Per spine week: the prediction under the scenario.
    pub scenario: Vec<f64>,
}

/// One medium's part of a what-if.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaChange {
    pub name: String,
    pub spend_now: f64,
    pub spend_scenario: f64,
    pub kpi_change: f64,
}

impl WhatIf {
    /// The predicted KPI change over the horizon.
    ///
    /// The sum of the media's changes (the model is additive in the media), so that no budget
    /// change is exactly no change, not the rounding of two large sums.
    pub fn change(&self) -> f64 {
        self.by_media.iter().map(|m| m.kpi_change).sum()
    }

    /// The change as a share of the current prediction (`None` when that is 0).
    pub fn relative_change(&self) -> Option<f64> {
        (self.current_kpi != 0.0).then(|| self.change() / self.current_kpi.abs())
    }
}

impl Fit {
    fn horizon_start(&self, horizon: usize) -> usize {
        self.weeks.len().saturating_sub(horizon.max(1))
    }

    /// The saturated series of media `m` with its horizon spend multiplied by `mult`.
    fn scenario_series(&self, m: usize, start: usize, mult: f64) -> Vec<f64> {
        let term = &self.media[m];
        let spend: Vec<f64> = term
            .spend
            .iter()
            .enumerate()
            .map(|(t, x)| if t >= start { x * mult } else { *x })
            .collect();
        saturated(&spend, term.lambda, term.half_saturation)
    }

    /// The KPI change over the horizon when media `m`'s horizon spend is multiplied by `mult`.
    fn media_change(&self, m: usize, start: usize, mult: f64) -> f64 {
        let now = self.scenario_series(m, start, 1.0);
        let new = self.scenario_series(m, start, mult);
        self.media[m].coef
            * new[start..]
                .iter()
                .zip(&now[start..])
                .map(|(a, b)| a - b)
                .sum::<f64>()
    }

    /// The scenario where each media's horizon spend changes by `pct(name)` percent.
    pub fn what_if(&self, horizon: usize, pct: impl Fn(&str) -> f64) -> WhatIf {
        let start = self.horizon_start(horizon);
        let mut scenario = self.base.clone();
        let mut by_media = Vec::new();
        for (m, term) in self.media.iter().enumerate() {
            let mult = (1.0 + pct(&term.name) / 100.0).max(0.0);
            let series = self.scenario_series(m, start, mult);
            for (s, v) in scenario.iter_mut().zip(&series) {
                *s += term.coef * v;
            }
            let spend_now: f64 = term.spend[start..].iter().sum();
            by_media.push(MediaChange {
                name: term.name.clone(),
                spend_now,
                spend_scenario: spend_now * mult,
                kpi_change: self.media_change(m, start, mult),
            });
        }
        WhatIf {
            horizon_weeks: self.weeks.len() - start,
            current_kpi: self.fitted[start..].iter().sum(),
            scenario_kpi: scenario[start..].iter().sum(),
            by_media,
            scenario,
        }
    }

    /// Media `name`'s response curve over the horizon: `(horizon spend, KPI change)` for spend
    /// multipliers `0, step, …, max_mult`.
    pub fn response_curve(&self, name: &str, horizon: usize, max_mult: f64) -> Vec<(f64, f64)> {
        let Some(m) = self.media.iter().position(|t| t.name == name) else {
            return Vec::new();
        };
        let start = self.horizon_start(horizon);
        let spend_now: f64 = self.media[m].spend[start..].iter().sum();
        let steps = 60;
        (0..=steps)
            .map(|i| {
                let mult = max_mult * f64::from(i) / f64::from(steps);
                (spend_now * mult, self.media_change(m, start, mult))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mensura_engine::table::SpineColumn;

    fn col(name: &str, family: Family, values: Vec<f64>) -> SpineColumn {
        SpineColumn {
            name: name.into(),
            family,
            values: values.into_iter().map(Some).collect(),
        }
    }

    /// A spine where the KPI is exactly 10 + 50·s(adstock of media_a) + 2·ctrl_x.
    fn synthetic() -> Spine {
        let n = 60;
        let spend: Vec<f64> = (0..n)
            .map(|t| f64::from((t * 37 % 11) as u8) * 3.0)
            .collect();
        let ctrl: Vec<f64> = (0..n).map(|t| f64::from((t * 13 % 7) as u8)).collect();
        let stock = adstock::geometric(&spend.iter().map(|x| Some(*x)).collect::<Vec<_>>(), 0.5)
            .expect("adstock");
        let k = mean(
            &stock
                .iter()
                .copied()
                .filter(|a| *a > 0.0)
                .collect::<Vec<_>>(),
        );
        let kpi: Vec<f64> = (0..n)
            .map(|t| 10.0 + 50.0 * saturate(stock[t], k) + 2.0 * ctrl[t])
            .collect();
        Spine {
            week: (0..n).map(|t| 7 * t as i32 + 4).collect(),
            columns: vec![
                col("kpi_y", Family::Kpi, kpi),
                col("media_a", Family::Media, spend),
                col("media_zero", Family::Media, vec![0.0; n]),
                col("ctrl_x", Family::Ctrl, ctrl),
                col(
                    "ctrl_week_of_year",
                    Family::Ctrl,
                    (0..n).map(|t| t as f64).collect(),
                ),
            ],
        }
    }

    fn spec(alpha: f64) -> ModelSpec {
        ModelSpec {
            kpi: "kpi_y".into(),
            lambdas: Default::default(),
            alpha,
        }
    }

    #[test]
    fn an_exact_model_is_recovered_without_penalty() {
        let f = fit(&synthetic(), &spec(0.0)).expect("fit");
        assert!((f.media[0].coef - 50.0).abs() < 1e-6, "{}", f.media[0].coef);
        assert!((f.controls[0].coef - 2.0).abs() < 1e-6);
        assert!((f.intercept - 10.0).abs() < 1e-6);
        assert!(f.stats.r2 > 1.0 - 1e-12);
        assert!((f.stats.effective_df - 2.0).abs() < 1e-6);
        assert_eq!(
            f.excluded.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(),
            ["media_zero", "ctrl_week_of_year"]
        );
    }

    #[test]
    fn the_penalty_shrinks_and_lowers_the_degrees_of_freedom() {
        let f0 = fit(&synthetic(), &spec(0.0)).expect("fit");
        let f1 = fit(&synthetic(), &spec(1.0)).expect("fit");
        assert!(f1.media[0].std_coef.abs() < f0.media[0].std_coef.abs());
        assert!(f1.stats.effective_df < f0.stats.effective_df);
        assert!(f1.stats.r2 < f0.stats.r2);
    }

    #[test]
    fn what_if_changes_add_up_and_curves_pass_through_the_points() {
        let f = fit(&synthetic(), &spec(0.1)).expect("fit");
        let none = f.what_if(8, |_| 0.0);
        assert!(none.change().abs() < 1e-9);
        let w = f.what_if(8, |m| if m == "media_a" { 50.0 } else { 0.0 });
        assert_eq!(w.horizon_weeks, 8);
        // The model is additive in the media: the media's changes are the change of the total.
        let total = w.scenario_kpi - w.current_kpi;
        assert!((w.change() - total).abs() < 1e-9 * w.current_kpi.abs().max(1.0));
        assert!(w.change() > 0.0);
        let curve = f.response_curve("media_a", 8, 3.0);
        assert_eq!(curve.len(), 61);
        assert!(curve[20].1.abs() < 1e-12, "the current spend is 1×");
        let at_1_5 = curve[30];
        assert!((at_1_5.1 - w.by_media[0].kpi_change).abs() < 1e-9);
        assert!((at_1_5.0 - w.by_media[0].spend_scenario).abs() < 1e-9);
        // Diminishing returns: the second half of the curve rises less than the first.
        assert!(curve[60].1 - curve[30].1 < curve[30].1 - curve[0].1);
    }

    #[test]
    fn bad_inputs_are_errors() {
        let s = synthetic();
        assert!(matches!(
            fit(
                &s,
                &ModelSpec {
                    kpi: "kpi_nope".into(),
                    ..spec(1.0)
                }
            ),
            Err(ModelError::NoKpi(_))
        ));
        assert!(fit(&s, &spec(-1.0)).is_err());
    }
}
