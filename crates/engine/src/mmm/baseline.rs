//! Bottom-decile baselines: the KPI level when a medium's spend is effectively zero.
//!
//! For a (KPI, media) pair the *baseline* is what the KPI looks like in the weeks where that media's
//! adstocked spend ([`super::adstock`]) is in its bottom decile. It anchors the log-log
//! response-curve fit and the intercept of the contribution decomposition: "without this spend, the
//! KPI sits around here". This is the mart `fct_execution_mmm_baseline_latest` (spec §7.6), with
//! DESIGN §4.8 (the weeks are chosen per pair, as upstream):
//!
//! 1. **Source rows**: spine weeks with `week ≥ as_of_date − trailing_days` (730 by default, see
//!    [`super`] for how `as_of_date` maps to the mart's `today()`).
//! 2. **Adstock** of each media column over the source rows, in week order, starting fresh at the
//!    first source row: the mart's 9-row truncated form with λ = 0.5 by default, or the geometric
//!    form, with a λ per media. Adstock is never NULL.
//! 3. **Joined rows** of a pair: the source rows where the KPI is not NULL.
//! 4. **Threshold**: `bottom_decile_threshold = quantile(0.1)` of the adstock over the joined rows
//!    (ClickHouse interpolation, [`super::stats`]). It depends on the KPI through the joined rows.
//! 5. **Low-spend weeks**: joined rows with `adstock ≤ threshold` (inclusive). Many weeks tied at
//!    the minimum (zero spend) give a threshold of 0 and many low-spend weeks.
//! 6. The KPI's median, 5 % and 95 % quantiles over the low-spend weeks; the pair is reported only
//!    with at least [`DEFAULT_MIN_LOW_SPEND_WEEKS`] (6) of them: the mart's `HAVING n > 5` (its
//!    description says "fewer than 5 dropped", its code drops ≤ 5).
//!
//! Names: `kpi_name` and `media_name` are the registry names *without* the column prefix
//! (`pools_tvl_usd`, not `kpi_pools_tvl_usd`), as in the mart's columns of the same names; the
//! parameters take names in that form too, and the spine columns read are `kpi_<name>` and
//! `media_<name>`. The default pair set is the mart's: 7 KPIs × 3 media.
//!
//! Parity note: the published mart reads the AS-BUILT spine, inflated ×72 (KPIs) and ×117 (media)
//! by the spine's fan-out bug (spec M1); the engine reads the spine it is given. Quantiles and the
//! low-spend set are scale-equivariant, so an inflated spine gives exactly inflated baselines.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::adstock::{AdstockForm, DEFAULT_LAMBDA, check_lambda};
use super::stats::{quantile_of_sorted, sorted_finite};
use super::{DEFAULT_TRAILING_DAYS, finite, source_start};
use crate::table::Spine;
use crate::{Error, Result};

/// The KPIs of the mart's `long_kpi` (registry names).
pub const MART_KPIS: [&str; 7] = [
    "pools_tvl_usd",
    "pools_volume_usd",
    "dex_volume_usd_dedup",
    "gpay_topups_count",
    "gpay_topups_volume_usd",
    "ga_active_users",
    "ga_new_users",
];

/// The media of the mart's `long_media`: the three with an aggregator (registry names).
pub const MART_MEDIA: [&str; 3] = [
    "validator_proposer_rewards_gno",
    "ga_token_offer_emissions_usd",
    "pools_lp_fee_apr_avg",
];

/// The mart reports a pair only with more than 5 low-spend weeks.
pub const DEFAULT_MIN_LOW_SPEND_WEEKS: u64 = 6;

/// The quantile level of the threshold: the bottom decile.
const THRESHOLD_LEVEL: f64 = 0.1;

/// Parameters of [`baseline`] and [`low_spend_band`].
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct BaselineParams {
    /// The day the window ends on (days since 1970-01-01): the mart's `today()`.
    pub as_of_date: i32,
    /// Source rows are the weeks with `week ≥ as_of_date − trailing_days`.
    pub trailing_days: u32,
    /// The adstock form; the default is the mart's truncated 9-row form.
    pub form: AdstockForm,
    /// The retention rate of media not in `lambda_by_media`.
    pub default_lambda: f64,
    /// Retention rate per media (registry name, no prefix). Names of media outside the pair set are
    /// ignored, so one map can serve several calls.
    pub lambda_by_media: BTreeMap<String, f64>,
    /// KPI registry names (no `kpi_` prefix).
    pub kpis: Vec<String>,
    /// Media registry names (no `media_` prefix).
    pub media: Vec<String>,
    /// A pair is reported only with at least this many low-spend weeks (at least 1).
    pub min_low_spend_weeks: u64,
}

impl BaselineParams {
    /// The mart's parameters for a window ending on `as_of_date`: 730 trailing days, truncated
    /// adstock with λ = 0.5, the 7 × 3 pairs, at least 6 low-spend weeks.
    pub fn mart(as_of_date: i32) -> Self {
        Self {
            as_of_date,
            trailing_days: DEFAULT_TRAILING_DAYS,
            form: AdstockForm::default(),
            default_lambda: DEFAULT_LAMBDA,
            lambda_by_media: BTreeMap::new(),
            kpis: MART_KPIS.iter().map(|s| (*s).to_owned()).collect(),
            media: MART_MEDIA.iter().map(|s| (*s).to_owned()).collect(),
            min_low_spend_weeks: DEFAULT_MIN_LOW_SPEND_WEEKS,
        }
    }

    /// The retention rate used for `media`.
    pub fn lambda_of(&self, media: &str) -> f64 {
        self.lambda_by_media
            .get(media)
            .copied()
            .unwrap_or(self.default_lambda)
    }

    fn validate(&self) -> Result<()> {
        check_lambda(self.default_lambda)?;
        for (media, &lambda) in &self.lambda_by_media {
            check_lambda(lambda).map_err(|_| {
                Error::param(
                    "lambda_by_media",
                    format!("λ of `{media}` must be in [0, 1), got {lambda}"),
                )
            })?;
        }
        if let AdstockForm::Truncated { frame_rows: 0 } = self.form {
            return Err(Error::param(
                "frame_rows",
                "the adstock frame must hold at least the current row",
            ));
        }
        if self.min_low_spend_weeks == 0 {
            return Err(Error::param("min_low_spend_weeks", "must be at least 1"));
        }
        Ok(())
    }
}

/// One row of the baseline mart: the KPI's level in the media's low-spend weeks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BaselineRow {
    /// KPI registry name, without the `kpi_` prefix.
    pub kpi_name: String,
    /// Media registry name, without the `media_` prefix.
    pub media_name: String,
    /// Median KPI over the low-spend weeks.
    pub baseline_kpi_median: f64,
    /// 5 % quantile of the KPI over the low-spend weeks.
    pub baseline_kpi_q05: f64,
    /// 95 % quantile of the KPI over the low-spend weeks.
    pub baseline_kpi_q95: f64,
    /// `quantile(0.1)` of the adstock over the pair's weeks with a KPI value.
    pub bottom_decile_threshold: f64,
    /// Weeks with a KPI value and `adstock ≤ bottom_decile_threshold`.
    pub n_low_spend_weeks: u64,
}

/// One source week of a pair, for charting the low-spend band.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BandWeek {
    /// Monday, days since 1970-01-01.
    pub week: i32,
    /// The media's adstock in that week (never missing).
    pub adstock: f64,
    /// The KPI value, `None` when missing (the week is then not part of the pair).
    pub kpi_value: Option<f64>,
    /// The KPI is present and `adstock ≤ bottom_decile_threshold`.
    pub is_low_spend: bool,
}

/// The adstock and low-spend weeks of one (KPI, media) pair over the source weeks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LowSpendBand {
    pub kpi_name: String,
    pub media_name: String,
    /// `None` when no source week has a KPI value.
    pub bottom_decile_threshold: Option<f64>,
    pub n_low_spend_weeks: u64,
    /// Whether [`baseline`] reports the pair (`n_low_spend_weeks ≥ min_low_spend_weeks`).
    pub is_reported: bool,
    /// Every source week, oldest first.
    pub weeks: Vec<BandWeek>,
}

/// The baseline mart over `spine`: one row per (KPI, media) pair with enough low-spend weeks,
/// sorted by `(kpi_name, media_name)`.
///
/// Errors on invalid parameters and when a requested KPI or media has no spine column.
pub fn baseline(spine: &Spine, params: &BaselineParams) -> Result<Vec<BaselineRow>> {
    params.validate()?;
    let start = source_start(spine, params.as_of_date, params.trailing_days)?;
    let kpis: BTreeSet<&str> = params.kpis.iter().map(String::as_str).collect();
    let media: BTreeSet<&str> = params.media.iter().map(String::as_str).collect();
    let kpi_values = kpis
        .iter()
        .map(|&k| Ok((k, source_values(spine, "kpi", "kpis", k, start)?)))
        .collect::<Result<Vec<_>>>()?;
    let adstocks = media
        .iter()
        .map(|&m| Ok((m, media_adstock(spine, params, m, start)?)))
        .collect::<Result<Vec<_>>>()?;
    let mut rows = Vec::new();
    for (kpi_name, kpi) in &kpi_values {
        for (media_name, adstock) in &adstocks {
            let pair = Pair::new(kpi, adstock);
            if pair.n_low_spend_weeks < params.min_low_spend_weeks {
                continue;
            }
            let (Some(threshold), Some(median), Some(q05), Some(q95)) = (
                pair.threshold,
                quantile_of_sorted(&pair.low_kpi_sorted, 0.5),
                quantile_of_sorted(&pair.low_kpi_sorted, 0.05),
                quantile_of_sorted(&pair.low_kpi_sorted, 0.95),
            ) else {
                // Unreachable: at least one low-spend week exists (min_low_spend_weeks ≥ 1).
                continue;
            };
            rows.push(BaselineRow {
                kpi_name: (*kpi_name).to_owned(),
                media_name: (*media_name).to_owned(),
                baseline_kpi_median: median,
                baseline_kpi_q05: q05,
                baseline_kpi_q95: q95,
                bottom_decile_threshold: threshold,
                n_low_spend_weeks: pair.n_low_spend_weeks,
            });
        }
    }
    // The BTreeSets already iterate in byte order; the sort states the contract.
    rows.sort_by(|a, b| (&a.kpi_name, &a.media_name).cmp(&(&b.kpi_name, &b.media_name)));
    Ok(rows)
}

/// The per-week adstock and low-spend flags of one pair, for a chart. `kpi_name` and `media_name`
/// are registry names; `params.kpis` and `params.media` are not consulted.
pub fn low_spend_band(
    spine: &Spine,
    kpi_name: &str,
    media_name: &str,
    params: &BaselineParams,
) -> Result<LowSpendBand> {
    params.validate()?;
    let start = source_start(spine, params.as_of_date, params.trailing_days)?;
    let kpi = source_values(spine, "kpi", "kpi_name", kpi_name, start)?;
    let adstock = media_adstock(spine, params, media_name, start)?;
    let pair = Pair::new(&kpi, &adstock);
    let weeks = spine.week[start..]
        .iter()
        .zip(&kpi)
        .zip(&adstock)
        .map(|((&week, &kpi_value), &adstock)| BandWeek {
            week,
            adstock,
            kpi_value,
            is_low_spend: kpi_value.is_some() && pair.threshold.is_some_and(|t| adstock <= t),
        })
        .collect();
    Ok(LowSpendBand {
        kpi_name: kpi_name.to_owned(),
        media_name: media_name.to_owned(),
        bottom_decile_threshold: pair.threshold,
        n_low_spend_weeks: pair.n_low_spend_weeks,
        is_reported: pair.n_low_spend_weeks >= params.min_low_spend_weeks,
        weeks,
    })
}

/// The threshold and low-spend weeks of one pair.
struct Pair {
    threshold: Option<f64>,
    n_low_spend_weeks: u64,
    /// KPI values of the low-spend weeks, sorted.
    low_kpi_sorted: Vec<f64>,
}

impl Pair {
    fn new(kpi: &[Option<f64>], adstock: &[f64]) -> Self {
        let joined: Vec<(f64, f64)> = kpi
            .iter()
            .zip(adstock)
            .filter_map(|(k, &a)| k.map(|k| (k, a)))
            .collect();
        let adstock_sorted = sorted_finite(&joined.iter().map(|&(_, a)| a).collect::<Vec<_>>());
        let threshold = quantile_of_sorted(&adstock_sorted, THRESHOLD_LEVEL);
        let low_kpi: Vec<f64> = match threshold {
            Some(t) => joined
                .iter()
                .filter(|&&(_, a)| a <= t)
                .map(|&(k, _)| k)
                .collect(),
            None => Vec::new(),
        };
        Self {
            threshold,
            n_low_spend_weeks: low_kpi.len() as u64,
            low_kpi_sorted: sorted_finite(&low_kpi),
        }
    }
}

/// The source-row values of the spine column `<prefix>_<name>`, non-finite values as missing.
fn source_values(
    spine: &Spine,
    prefix: &str,
    what: &'static str,
    name: &str,
    start: usize,
) -> Result<Vec<Option<f64>>> {
    let column = format!("{prefix}_{name}");
    let col = spine.column(&column).ok_or_else(|| {
        Error::param(
            what,
            format!("the spine has no column `{column}` for `{name}`"),
        )
    })?;
    Ok(col.values[start..].iter().map(|v| finite(*v)).collect())
}

/// The adstock of media `name` over the source rows.
fn media_adstock(
    spine: &Spine,
    params: &BaselineParams,
    name: &str,
    start: usize,
) -> Result<Vec<f64>> {
    let values = source_values(spine, "media", "media", name, start)?;
    params.form.apply(&values, params.lambda_of(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Family, SpineColumn};

    fn column(name: &str, values: Vec<Option<f64>>) -> SpineColumn {
        SpineColumn {
            name: name.into(),
            family: Family::of(name).expect("prefixed name"),
            values,
        }
    }

    /// A spine of `n` consecutive Mondays from day 4 (1970-01-05).
    fn spine(n: usize, columns: Vec<SpineColumn>) -> Spine {
        Spine {
            week: (0..n as i32).map(|i| 4 + 7 * i).collect(),
            columns,
        }
    }

    fn params(as_of_date: i32, kpis: &[&str], media: &[&str]) -> BaselineParams {
        BaselineParams {
            kpis: kpis.iter().map(|s| (*s).to_owned()).collect(),
            media: media.iter().map(|s| (*s).to_owned()).collect(),
            ..BaselineParams::mart(as_of_date)
        }
    }

    #[test]
    fn tie_heavy_zero_series_has_a_zero_threshold() {
        // 12 zero-spend weeks then 8 spend weeks; λ = 0 so the adstock is the spend itself.
        let spend: Vec<Option<f64>> = (0..20)
            .map(|i| Some(if i < 12 { 0.0 } else { 10.0 }))
            .collect();
        let kpi: Vec<Option<f64>> = (0..20).map(|i| Some(100.0 + f64::from(i))).collect();
        let s = spine(20, vec![column("kpi_k", kpi), column("media_m", spend)]);
        let p = BaselineParams {
            default_lambda: 0.0,
            ..params(4 + 7 * 19, &["k"], &["m"])
        };
        let rows = baseline(&s, &p).expect("valid");
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert_eq!((r.kpi_name.as_str(), r.media_name.as_str()), ("k", "m"));
        assert_eq!(r.bottom_decile_threshold.to_bits(), 0.0f64.to_bits());
        assert_eq!(r.n_low_spend_weeks, 12);
        // KPI 100..=111 over the 12 zero-spend weeks.
        for (got, want) in [
            (r.baseline_kpi_median, 105.5),
            (r.baseline_kpi_q05, 100.55),
            (r.baseline_kpi_q95, 110.45),
        ] {
            assert!((got - want).abs() < 1e-12, "{got} != {want}");
        }
    }

    #[test]
    fn pairs_with_fewer_than_six_low_spend_weeks_are_dropped() {
        // Strictly increasing spend: the bottom decile of 40 weeks holds 4 weeks (threshold 4.9).
        let spend: Vec<Option<f64>> = (0..40).map(|i| Some(f64::from(i + 1))).collect();
        let kpi: Vec<Option<f64>> = (0..40).map(|i| Some(f64::from(i))).collect();
        let s = spine(40, vec![column("kpi_k", kpi), column("media_m", spend)]);
        let p = BaselineParams {
            default_lambda: 0.0,
            ..params(4 + 7 * 39, &["k"], &["m"])
        };
        assert_eq!(baseline(&s, &p), Ok(vec![]));
        let band = low_spend_band(&s, "k", "m", &p).expect("valid");
        assert_eq!(band.n_low_spend_weeks, 4);
        assert!(!band.is_reported);
        assert!(
            band.bottom_decile_threshold
                .is_some_and(|t| (t - 4.9).abs() < 1e-12)
        );
        // The minimum is configurable.
        let p4 = BaselineParams {
            min_low_spend_weeks: 4,
            ..p
        };
        let rows = baseline(&s, &p4).expect("valid");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].n_low_spend_weeks, 4);
        assert_eq!(rows[0].baseline_kpi_median.to_bits(), 1.5f64.to_bits());
    }

    #[test]
    fn kpi_nulls_shape_the_threshold_and_the_trailing_bound_drops_old_weeks() {
        // Spend 1..=12 with λ = 0; the KPI is NULL in the four cheapest weeks.
        let spend: Vec<Option<f64>> = (1..=12).map(|i| Some(f64::from(i))).collect();
        let kpi: Vec<Option<f64>> = (1..=12)
            .map(|i| (i > 4).then_some(f64::from(i) * 10.0))
            .collect();
        let s = spine(12, vec![column("kpi_k", kpi), column("media_m", spend)]);
        let base = BaselineParams {
            default_lambda: 0.0,
            min_low_spend_weeks: 1,
            ..params(4 + 7 * 11, &["k"], &["m"])
        };
        let band = low_spend_band(&s, "k", "m", &base).expect("valid");
        // Joined adstock = 5..=12: quantile(0.1) = 5 + 0.7 = 5.7, one low-spend week.
        assert!(
            band.bottom_decile_threshold
                .is_some_and(|t| (t - 5.7).abs() < 1e-12)
        );
        assert_eq!(band.n_low_spend_weeks, 1);
        let flagged: Vec<bool> = band.weeks.iter().map(|w| w.is_low_spend).collect();
        assert_eq!(flagged.iter().filter(|&&f| f).count(), 1);
        assert!(flagged[4]);
        // A 14-day window keeps the weeks on or after as_of − 14: the last three Mondays.
        let short = BaselineParams {
            trailing_days: 14,
            ..base
        };
        let band = low_spend_band(&s, "k", "m", &short).expect("valid");
        assert_eq!(band.weeks.len(), 3);
        assert_eq!(band.weeks[0].week, 4 + 7 * 9);
    }

    #[test]
    fn lambda_per_media_and_forms_change_the_adstock() {
        let spend = vec![Some(4.0), None, Some(2.0)];
        let kpi = vec![Some(1.0); 3];
        let s = spine(3, vec![column("kpi_k", kpi), column("media_m", spend)]);
        let mut p = params(100, &["k"], &["m"]);
        p.lambda_by_media.insert("m".into(), 0.25);
        p.lambda_by_media.insert("unused".into(), 0.9);
        let band = low_spend_band(&s, "k", "m", &p).expect("valid");
        let adstock: Vec<f64> = band.weeks.iter().map(|w| w.adstock).collect();
        assert_eq!(adstock, vec![4.0, 4.0, 3.0]);
        p.form = AdstockForm::Geometric;
        let band = low_spend_band(&s, "k", "m", &p).expect("valid");
        let adstock: Vec<f64> = band.weeks.iter().map(|w| w.adstock).collect();
        assert_eq!(adstock, vec![4.0, 1.0, 2.25]);
    }

    #[test]
    fn output_is_sorted_and_missing_columns_are_errors() {
        let flat = vec![Some(0.0); 10];
        let s = spine(
            10,
            vec![
                column("kpi_b", flat.clone()),
                column("kpi_a", flat.clone()),
                column("media_z", flat.clone()),
                column("media_y", flat),
            ],
        );
        let p = params(67, &["b", "a", "b"], &["z", "y"]);
        let keys: Vec<(String, String)> = baseline(&s, &p)
            .expect("valid")
            .into_iter()
            .map(|r| (r.kpi_name, r.media_name))
            .collect();
        let want: Vec<(String, String)> = [("a", "y"), ("a", "z"), ("b", "y"), ("b", "z")]
            .iter()
            .map(|(k, m)| ((*k).to_owned(), (*m).to_owned()))
            .collect();
        assert_eq!(keys, want);
        assert!(matches!(
            baseline(&s, &params(67, &["a"], &["nope"])),
            Err(Error::InvalidParameter { name: "media", .. })
        ));
        assert!(matches!(
            baseline(&s, &params(67, &["kpi_a"], &["y"])),
            Err(Error::InvalidParameter { name: "kpis", .. })
        ));
    }

    #[test]
    fn bad_parameters_are_errors() {
        let s = spine(
            1,
            vec![
                column("kpi_k", vec![Some(1.0)]),
                column("media_m", vec![Some(1.0)]),
            ],
        );
        let p = params(100, &["k"], &["m"]);
        let cases = [
            BaselineParams {
                default_lambda: 1.0,
                ..p.clone()
            },
            BaselineParams {
                lambda_by_media: [("m".to_owned(), -0.5)].into(),
                ..p.clone()
            },
            BaselineParams {
                form: AdstockForm::Truncated { frame_rows: 0 },
                ..p.clone()
            },
            BaselineParams {
                min_low_spend_weeks: 0,
                ..p.clone()
            },
        ];
        for bad in cases {
            assert!(
                matches!(baseline(&s, &bad), Err(Error::InvalidParameter { .. })),
                "{bad:?}"
            );
            assert!(low_spend_band(&s, "k", "m", &bad).is_err());
        }
    }

    #[test]
    fn the_default_pair_set_is_the_marts() {
        let p = BaselineParams::mart(20_000);
        assert_eq!(p.kpis.len() * p.media.len(), 21);
        assert_eq!(p.trailing_days, 730);
        assert_eq!(p.form, AdstockForm::Truncated { frame_rows: 9 });
        assert_eq!(p.lambda_of("anything").to_bits(), 0.5f64.to_bits());
    }
}
