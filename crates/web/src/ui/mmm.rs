//! The marketing-mix page: the spine explorer with caveats, adstock λ sliders with the live
//! bottom-decile baseline, the collinearity heatmap with VIF, and the what-if model.

use std::sync::Arc;

use leptos::prelude::*;
use mensura_engine::mmm::adstock::AdstockForm;
use mensura_engine::mmm::baseline::{self, BaselineParams};
use mensura_engine::mmm::collinearity::{self, CollinearityParams, VifStatus};
use mensura_engine::mmm::stats::quantile_linear;
use mensura_engine::table::{Family, Spine};

use super::widgets::{Chart, ChartSpec, PageFrame};
use super::{Payload, Slot, Store, Unavailable, now_ms};
use crate::analysis;
use crate::charts::{Band, Curve, Heatmap, Line, Lines};
use crate::format;
use crate::marts;
use crate::model::{self, ModelSpec};
use crate::state::{MmmState, State};

#[component]
pub fn MmmPage() -> impl IntoView {
    let store = expect_context::<Store>();
    let slot = Memo::new(move |_| store.extract("mmm_spine_weekly.parquet"));
    view! {
        <PageFrame
            id="mmm"
            title="Marketing mix"
            lede="The weekly spine of KPIs, media outlays and controls: explore any series, set each medium's adstock, see the low-spend baseline, check collinearity, and ask what a budget change would do under a transparent observational model."
            extract=slot
            what="the weekly spine".to_owned()
            body=|p| match p {
                Payload::Spine(s) => Some(view! { <MmmBody spine=s/> }.into_any()),
                _ => None,
            }
        />
    }
}

fn bare(name: &str) -> &str {
    ["kpi_", "media_", "ctrl_"]
        .iter()
        .find_map(|p| name.strip_prefix(p))
        .unwrap_or(name)
}

fn lines(title: String, y_label: String, x: Vec<i32>, lines: Vec<Line>) -> Lines {
    Lines {
        title,
        y_label,
        x,
        lines,
        band: None,
        shaded: Vec::new(),
        shaded_label: String::new(),
        holidays: Vec::new(),
        markers: Vec::new(),
    }
}

/// A `<select>` of spine columns bound to one field of the MMM state.
#[component]
fn SeriesSelect(
    id: &'static str,
    label: &'static str,
    options: Vec<String>,
    value: Signal<String>,
    set: fn(&mut MmmState, String),
) -> impl IntoView {
    let state = expect_context::<RwSignal<State>>();
    view! {
        <label for=id>{label}</label>
        <select
            id=id
            on:change=move |ev| {
                let v = event_target_value(&ev);
                state.update(|s| set(&mut s.mmm, v));
            }
        >
            {options
                .into_iter()
                .map(|o| {
                    let (o2, label) = (o.clone(), o.clone());
                    view! { <option value=o selected=move || value.get() == o2>{label}</option> }
                })
                .collect_view()}
        </select>
    }
}

#[component]
fn MmmBody(spine: Arc<Spine>) -> impl IntoView {
    let state = expect_context::<RwSignal<State>>();
    let store = expect_context::<Store>();
    let mmm = Memo::new(move |_| state.with(|s| s.mmm.clone()));
    let registry_slot = Memo::new(move |_| store.extract("mmm_registry.parquet"));
    let registry = Memo::new(move |_| match registry_slot.get() {
        Slot::Ready(Payload::Table(t)) => Some(marts::registry(&t)),
        Slot::Failed(e) => Some(Err(e)),
        _ => None,
    });

    let all: Vec<String> = spine.columns.iter().map(|c| c.name.clone()).collect();
    let kpis = analysis::spine_names(&spine, Family::Kpi);
    let media_all = analysis::spine_names(&spine, Family::Media);
    let media: Vec<String> = media_all
        .iter()
        .filter(|m| !analysis::is_constant(&spine, m))
        .cloned()
        .collect();
    let default_kpi = analysis::default_series(&spine, Family::Kpi);
    let default_media = media.first().cloned().unwrap_or_default();
    let weeks = spine.week.clone();
    let as_of = spine.week.last().copied().unwrap_or(0) + 7;
    let week_marks = analysis::week_marks(&spine);

    let series = {
        let d = default_kpi.clone();
        Memo::new(move |_| {
            let s = mmm.get().series;
            if s.is_empty() { d.clone() } else { s }
        })
    };
    let kpi = {
        let d = default_kpi.clone();
        Memo::new(move |_| {
            let s = mmm.get().kpi;
            if s.is_empty() { d.clone() } else { s }
        })
    };
    let band_media = {
        let d = default_media.clone();
        Memo::new(move |_| {
            let s = mmm.get().band_media;
            if s.is_empty() { d.clone() } else { s }
        })
    };

    // 1. Spine explorer.
    let sp = spine.clone();
    let w1 = weeks.clone();
    let marks1 = week_marks.clone();
    let explorer = Signal::derive(move || {
        let name = series.get();
        let col = sp.column(&name)?;
        let marks = &marks1;
        let mut l = lines(
            format!("{} by week", format::series_label(&name)),
            format!("{} (weekly value)", format::series_label(&name)),
            w1.clone(),
            vec![Line {
                name: name.clone(),
                values: col.values.clone(),
                dashed: false,
            }],
        );
        l.holidays = marks.holidays.clone();
        l.markers = marks.hardforks.clone();
        Some(ChartSpec::Lines(l))
    });
    let sp_badges = spine.clone();
    let badges = move || {
        let name = series.get();
        let mut out: Vec<(&'static str, String)> = Vec::new();
        if analysis::is_constant(&sp_badges, &name) {
            out.push((
                "badge warn",
                "constant series: a placeholder with no information".into(),
            ));
        }
        if let Some(c) = sp_badges.column(&name) {
            let nulls = c.values.iter().filter(|v| v.is_none()).count();
            if nulls > 0 {
                out.push(("badge", format!("{nulls} weeks without a value")));
            }
        }
        if let Some(Ok(r)) = registry.get()
            && let Some(info) = r.get(&name)
        {
            if info.is_dedup_safe == Some(false) {
                out.push((
                    "badge warn",
                    "not dedup-safe (is_dedup_safe = 0): the weekly value may double count across sources".into(),
                ));
            }
            if info.is_outlay == Some(true) {
                out.push(("badge", "outlay (money paid out)".into()));
            }
            let units = if info.units.is_empty() {
                String::new()
            } else {
                format!(", {}", info.units)
            };
            out.push((
                "badge",
                format!("weekly {}{units} of {}", info.method, info.source_model),
            ));
        }
        out.into_iter()
            .map(|(class, text)| view! { <span class=class>{text}</span> })
            .collect_view()
    };

    // 2. Adstock and the bottom-decile baseline, live.
    let sp2 = spine.clone();
    let band = Memo::new(move |_| {
        let m = mmm.get();
        let (k, md) = (kpi.get(), band_media.get());
        let params = BaselineParams {
            form: AdstockForm::Geometric,
            lambda_by_media: m
                .lambdas
                .iter()
                .map(|(n, l)| (bare(n).to_owned(), *l))
                .collect(),
            ..BaselineParams::mart(as_of)
        };
        let t0 = now_ms();
        let r =
            baseline::low_spend_band(&sp2, bare(&k), bare(&md), &params).map_err(|e| e.to_string());
        store.time("baseline", now_ms() - t0);
        r
    });
    let band_stats = Memo::new(move |_| {
        let b = band.get().ok()?;
        let low: Vec<f64> = b
            .weeks
            .iter()
            .filter(|w| w.is_low_spend)
            .filter_map(|w| w.kpi_value)
            .collect();
        let q = |p| quantile_linear(&low, p).ok().flatten();
        Some((
            q(0.05)?,
            q(0.5)?,
            q(0.95)?,
            b.n_low_spend_weeks,
            b.is_reported,
            b.bottom_decile_threshold,
        ))
    });
    let band_chart = Signal::derive(move || {
        let b = band.get().ok()?;
        let (k, md) = (kpi.get(), band_media.get());
        let marks = &week_marks;
        let mut l = lines(
            format!(
                "{} with the low-spend weeks of {}",
                format::series_label(&k),
                format::series_label(&md)
            ),
            format!("{} (weekly)", format::series_label(&k)),
            b.weeks.iter().map(|w| w.week).collect(),
            vec![Line {
                name: format::series_label(&k),
                values: b.weeks.iter().map(|w| w.kpi_value).collect(),
                dashed: false,
            }],
        );
        l.shaded = b.weeks.iter().map(|w| w.is_low_spend).collect();
        l.shaded_label = "bottom-decile adstock week".into();
        l.band = band_stats.get().map(|(lo, mid, hi, ..)| Band {
            lo,
            mid,
            hi,
            label: "baseline: median, 5–95 %".into(),
        });
        l.holidays = marks.holidays.clone();
        Some(ChartSpec::Lines(l))
    });
    let sp3 = spine.clone();
    let adstock_chart = Signal::derive(move || {
        let b = band.get().ok()?;
        let md = band_media.get();
        let col = sp3.column(&md)?;
        let start = sp3.week.len() - b.weeks.len();
        let mut l = lines(
            format!(
                "{}: spend and adstock (λ = {})",
                format::series_label(&md),
                format::trim_float(mmm.get().lambda(&md), 2)
            ),
            format!("{} (weekly)", format::series_label(&md)),
            b.weeks.iter().map(|w| w.week).collect(),
            vec![
                Line {
                    name: "spend".into(),
                    values: col.values[start..].to_vec(),
                    dashed: true,
                },
                Line {
                    name: "adstock".into(),
                    values: b.weeks.iter().map(|w| Some(w.adstock)).collect(),
                    dashed: false,
                },
            ],
        );
        l.band = b.bottom_decile_threshold.map(|t| Band {
            lo: t,
            mid: t,
            hi: t,
            label: "bottom-decile threshold".into(),
        });
        l.shaded = b.weeks.iter().map(|w| w.is_low_spend).collect();
        l.shaded_label = "low-spend week".into();
        Some(ChartSpec::Lines(l))
    });

    // 3. Collinearity.
    let sp4 = spine.clone();
    let media_all2 = media_all.clone();
    let collin = Memo::new(move |_| {
        let p = CollinearityParams::mart(as_of);
        let pairs = collinearity::pairs(&sp4, &p).map_err(|e| e.to_string())?;
        let vif = collinearity::vif(&sp4, &p).map_err(|e| e.to_string())?;
        Ok::<_, String>((pairs, vif))
    });
    let sp5 = spine.clone();
    let heat = Signal::derive(move || {
        let (pairs, _) = collin.get().ok()?;
        let names = media_all2.clone();
        let n = names.len();
        let mut values = vec![vec![None; n]; n];
        let mut text = vec![vec![String::new(); n]; n];
        let mut marked = vec![vec![false; n]; n];
        for (i, a) in names.iter().enumerate() {
            if analysis::is_constant(&sp5, a) {
                text[i][i] = "const".into();
            } else {
                values[i][i] = Some(1.0);
                text[i][i] = "1".into();
            }
        }
        for p in &pairs {
            let (Some(i), Some(j)) = (
                names.iter().position(|x| *x == p.col_a),
                names.iter().position(|x| *x == p.col_b),
            ) else {
                continue;
            };
            for (r, c) in [(i, j), (j, i)] {
                values[r][c] = p.pearson_corr;
                text[r][c] = p.pearson_corr.map_or("const".into(), |v| format!("{v:.2}"));
                marked[r][c] = p.is_high_collinearity == Some(true);
            }
        }
        // Columns are numbered; rows carry the number and the name.
        let ticks: Vec<String> = names
            .iter()
            .enumerate()
            .map(|(i, s)| format!("{} {}", i + 1, bare(s)))
            .collect();
        Some(ChartSpec::Heatmap(Heatmap {
            title: "Media collinearity: Pearson r over the trailing 730 days".into(),
            x_label: "media (numbered as the rows)".into(),
            y_label: "media".into(),
            x_ticks: (1..=n).map(|i| i.to_string()).collect(),
            y_ticks: ticks,
            values,
            range: (-1.0, 1.0),
            diverging: true,
            text,
            marked,
            highlight: None,
            legend: "r (red frame: |r| > 0.9)".into(),
        }))
    });

    // 4. What-if.
    let sp6 = spine.clone();
    let fit = Memo::new(move |_| {
        let m = mmm.get();
        let spec = ModelSpec {
            kpi: kpi.get(),
            lambdas: m.lambdas.clone(),
            alpha: m.alpha,
        };
        let t0 = now_ms();
        let r = model::fit(&sp6, &spec).map_err(|e| e.to_string());
        store.time("fit", now_ms() - t0);
        r
    });
    let what_if = Memo::new(move |_| {
        let f = fit.get().ok()?;
        let m = mmm.get();
        Some(f.what_if(m.horizon_weeks as usize, |name| {
            f64::from(m.budget_pct.get(name).copied().unwrap_or(0))
        }))
    });
    let w7 = weeks.clone();
    let fit_chart = Signal::derive(move || {
        let f = fit.get().ok()?;
        let w = what_if.get()?;
        let start = w7.len() - w.horizon_weeks;
        let k = kpi.get();
        let mut l = lines(
            format!(
                "{}: actual, model fit and what-if",
                format::series_label(&k)
            ),
            format!("{} (weekly)", format::series_label(&k)),
            w7.clone(),
            vec![
                Line {
                    name: "actual".into(),
                    values: f.actual.clone(),
                    dashed: false,
                },
                Line {
                    name: "model fit".into(),
                    values: f.fitted.iter().map(|v| Some(*v)).collect(),
                    dashed: true,
                },
                Line {
                    name: "what-if".into(),
                    values: w
                        .scenario
                        .iter()
                        .enumerate()
                        .map(|(t, v)| (t >= start).then_some(*v))
                        .collect(),
                    dashed: false,
                },
            ],
        );
        l.shaded = (0..w7.len()).map(|t| t >= start).collect();
        l.shaded_label = "what-if horizon".into();
        Some(ChartSpec::Lines(l))
    });

    let kpis_opts = kpis.clone();
    let media_opts = media.clone();
    let media_sliders = media.clone();
    let media_budget = StoredValue::new(media.clone());
    let lambda_of = move |name: &str| mmm.with(|m| m.lambda(name));

    view! {
        <h3 id="mmm-explorer">"Spine explorer"</h3>
        <div class="row">
            <SeriesSelect
                id="mmm-series"
                label="Series"
                options=all
                value=series.into()
                set=|s, v| s.series = v
            />
            <span class="badges" id="mmm-badges">{badges}</span>
        </div>
        <Chart spec=explorer id="mmm-explorer-chart" height=300/>
        {move || match registry_slot.get() {
            Slot::Failed(e) => view! { <Unavailable what="Registry caveats (is_dedup_safe)" error=e/> }.into_any(),
            _ => match registry.get() {
                Some(Err(e)) => view! { <Unavailable what="Registry caveats" error=e/> }.into_any(),
                _ => ().into_any(),
            },
        }}
        <p class="caption">
            "Shaded: holiday weeks (ctrl_is_holiday_week); dashed red: hard-fork weeks (ctrl_hardfork_step steps up)."
        </p>

        <h3>"Adstock and the low-spend baseline"</h3>
        <div class="layout">
            <form class="controls" aria-label="Adstock controls" on:submit=|ev| ev.prevent_default()>
                <SeriesSelect id="mmm-kpi" label="KPI" options=kpis_opts value=kpi.into() set=|s, v| s.kpi = v/>
                <SeriesSelect
                    id="mmm-band-media"
                    label="Media for the baseline"
                    options=media_opts
                    value=band_media.into()
                    set=|s, v| s.band_media = v
                />
                <fieldset>
                    <legend>"Adstock retention λ per media (geometric: A = x + λ·A previous week)"</legend>
                    {media_sliders
                        .into_iter()
                        .map(|m| {
                            let id = format!("mmm-lambda-{}", bare(&m));
                            let m1 = m.clone();
                            let m2 = m.clone();
                            let m3 = m.clone();
                            view! {
                                <label for=id.clone()>
                                    {format!("{}: λ = ", format::series_label(&m))}
                                    <output>{move || format::trim_float(lambda_of(&m1), 2)}</output>
                                </label>
                                <input
                                    id=id
                                    type="range"
                                    min="0"
                                    max="0.95"
                                    step="0.05"
                                    prop:value=move || lambda_of(&m2).to_string()
                                    on:input=move |ev| {
                                        if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                                            let v = (v * 100.0).round() / 100.0;
                                            state.update(|s| {
                                                if (v - 0.5).abs() < 1e-9 {
                                                    s.mmm.lambdas.remove(&m3);
                                                } else {
                                                    s.mmm.lambdas.insert(m3.clone(), v);
                                                }
                                            });
                                        }
                                    }
                                />
                            }
                        })
                        .collect_view()}
                </fieldset>
            </form>
            <div class="results">
                <p class="summary" id="mmm-baseline">
                    {move || match (band.get(), band_stats.get()) {
                        (Err(e), _) => e,
                        (Ok(_), Some((lo, mid, hi, n, reported, threshold))) => format!(
                            "Baseline {} (5–95 %: {} – {}) over {} low-spend weeks (adstock ≤ {}){}.",
                            format::number(mid),
                            format::number(lo),
                            format::number(hi),
                            n,
                            format::opt_number(threshold),
                            if reported { "" } else { "; the mart would not report it (6 weeks needed)" },
                        ),
                        (Ok(_), None) => "No low-spend weeks with a KPI value.".into(),
                    }}
                </p>
                <Chart spec=band_chart id="mmm-band" height=300/>
                <Chart spec=adstock_chart id="mmm-adstock" height=260/>
            </div>
        </div>

        <h3>"Collinearity"</h3>
        <Chart spec=heat id="mmm-collinearity" height=420/>
        <table id="mmm-vif">
            <thead>
                <tr>
                    <th scope="col">"Media"</th>
                    <th scope="col" class="num">"VIF"</th>
                    <th scope="col" class="num">"Weeks"</th>
                    <th scope="col">"Status"</th>
                </tr>
            </thead>
            <tbody>
                {move || match collin.get() {
                    Err(e) => view! { <tr><td colspan="4">{e}</td></tr> }.into_any(),
                    Ok((_, vif)) => vif
                        .into_iter()
                        .map(|v| {
                            let flag = match (v.status, v.vif) {
                                (VifStatus::Ok, Some(x)) if x > 10.0 => "high (> 10): coefficients unreliable",
                                (VifStatus::Ok, Some(x)) if x > 5.0 => "elevated (> 5)",
                                (VifStatus::Ok, _) => "ok",
                                (VifStatus::InsufficientVariance, _) => "constant series: no variance",
                                (VifStatus::TooFewWeeks, _) => "too few common weeks",
                                (VifStatus::PerfectCollinearity, _) => "perfectly collinear with the others",
                            };
                            let class = if flag.starts_with("ok") { "" } else { "flag" };
                            view! {
                                <tr class=class>
                                    <th scope="row">{bare(&v.column).to_owned()}</th>
                                    <td class="num">{format::opt_number(v.vif)}</td>
                                    <td class="num">{v.n_weeks}</td>
                                    <td>{flag}</td>
                                </tr>
                            }
                        })
                        .collect_view()
                        .into_any(),
                }}
            </tbody>
        </table>

        <h3 id="mmm-whatif">"What-if"</h3>
        <p class="observational" role="note">
            <strong>"Observational model. "</strong>
            "A ridge regression of the KPI on adstocked, saturated media (a/(a+K), K = the medium's mean adstock) plus controls, fit on the past weeks. Its coefficients describe how the KPI moved with spend, not what spend caused: budgets were not randomised. See docs/notebook.md."
        </p>
        <div class="layout">
            <form class="controls" aria-label="What-if controls" on:submit=|ev| ev.prevent_default()>
                <label for="mmm-alpha">"Ridge penalty α: " <output>{move || format::trim_float(mmm.get().alpha, 3)}</output></label>
                <input
                    id="mmm-alpha"
                    type="range"
                    min="-3"
                    max="1"
                    step="0.25"
                    prop:value=move || mmm.get().alpha.max(1e-3).log10().to_string()
                    on:input=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                            let a = (10f64.powf(v) * 1000.0).round() / 1000.0;
                            state.update(|s| s.mmm.alpha = a);
                        }
                    }
                />
                <label for="mmm-horizon">"Horizon"</label>
                <select
                    id="mmm-horizon"
                    on:change=move |ev| {
                        if let Ok(h) = event_target_value(&ev).parse::<u32>() {
                            state.update(|s| s.mmm.horizon_weeks = h);
                        }
                    }
                >
                    {[4u32, 8, 13, 26, 52]
                        .into_iter()
                        .map(|h| view! { <option value=h.to_string() selected=move || mmm.get().horizon_weeks == h>{format!("last {h} weeks")}</option> })
                        .collect_view()}
                </select>
                <fieldset>
                    <legend>"Budget change over the horizon"</legend>
                    {move || {
                        media_budget
                            .get_value()
                            .into_iter()
                            .map(|m| {
                                let id = format!("mmm-budget-{}", bare(&m));
                                let m1 = m.clone();
                                let m2 = m.clone();
                                let pct = move || mmm.with(|s| s.budget_pct.get(&m1).copied().unwrap_or(0));
                                let pct2 = pct.clone();
                                view! {
                                    <label for=id.clone()>
                                        {format!("{}: ", format::series_label(&m))}
                                        <output>{move || format::signed_percent(f64::from(pct()) / 100.0)}</output>
                                    </label>
                                    <input
                                        id=id
                                        type="range"
                                        min="-100"
                                        max="200"
                                        step="5"
                                        prop:value=move || pct2().to_string()
                                        on:input=move |ev| {
                                            if let Ok(v) = event_target_value(&ev).parse::<i32>() {
                                                state.update(|s| {
                                                    if v == 0 {
                                                        s.mmm.budget_pct.remove(&m2);
                                                    } else {
                                                        s.mmm.budget_pct.insert(m2.clone(), v);
                                                    }
                                                });
                                            }
                                        }
                                    />
                                }
                            })
                            .collect_view()
                    }}
                </fieldset>
            </form>
            <div class="results">
                {move || match fit.get() {
                    Err(e) => view! { <p class="error-inline" role="alert">{format!("The model cannot be fit: {e}")}</p> }.into_any(),
                    Ok(f) => {
                        let s = &f.stats;
                        view! {
                            <dl class="fit-stats" id="mmm-fit">
                                <dt>"R²"</dt><dd data-value=s.r2.to_string()>{format!("{:.3}", s.r2)}</dd>
                                <dt>"Adjusted R²"</dt><dd>{format!("{:.3}", s.adj_r2)}</dd>
                                <dt>"RMSE"</dt><dd>{format::number(s.rmse)}</dd>
                                <dt>"MAPE"</dt><dd>{s.mape.map_or("—".into(), format::percent)}</dd>
                                <dt>"Weeks"</dt><dd>{s.n_weeks}</dd>
                                <dt>"Predictors (effective df)"</dt><dd>{format!("{} ({:.1})", s.n_predictors, s.effective_df)}</dd>
                            </dl>
                            {(!f.excluded.is_empty()).then(|| view! {
                                <p class="hint">
                                    {format!(
                                        "Left out: {}.",
                                        f.excluded.iter().map(|(n, why)| format!("{} ({why})", bare(n))).collect::<Vec<_>>().join(", "),
                                    )}
                                </p>
                            })}
                        }
                            .into_any()
                    }
                }}
                <p class="prediction" id="mmm-prediction">
                    {move || what_if.get().map(|w| {
                        let k = kpi.get();
                        format!(
                            "Predicted change of {} over the last {} weeks: {} ({}), from {} to {}.",
                            format::series_label(&k),
                            w.horizon_weeks,
                            format::signed_number(w.change()),
                            w.relative_change().map_or("—".into(), format::signed_percent),
                            format::number(w.current_kpi),
                            format::number(w.scenario_kpi),
                        )
                    })}
                </p>
                <span id="mmm-prediction-value" hidden=true>
                    {move || what_if.get().map(|w| w.change().to_string())}
                </span>
                <Chart spec=fit_chart id="mmm-fit-chart" height=300/>
                <h4>"Response curves"</h4>
                <div class="curves">
                    {move || {
                        let Ok(f) = fit.get() else {
                            return ().into_any();
                        };
                        let m = mmm.get();
                        let Some(w) = what_if.get() else {
                            return ().into_any();
                        };
                        let h = m.horizon_weeks as usize;
                        f.media
                            .iter()
                            .zip(&w.by_media)
                            .enumerate()
                            .map(|(i, (term, change))| {
                                let spec = ChartSpec::Curve(Curve {
                                    title: format::series_label(&term.name),
                                    x_label: format!("spend over {} weeks", w.horizon_weeks),
                                    y_label: "KPI change".into(),
                                    points: f.response_curve(&term.name, h, 3.0),
                                    current: (change.spend_now, 0.0),
                                    what_if: (change.spend_scenario, change.kpi_change),
                                });
                                let id: &'static str = CURVE_IDS.get(i).copied().unwrap_or("mmm-curve");
                                view! { <Chart spec=Signal::derive(move || Some(spec.clone())) id=id width=360 height=240/> }
                            })
                            .collect_view()
                            .into_any()
                    }}
                </div>
            </div>
        </div>
    }
}

const CURVE_IDS: [&str; 8] = [
    "mmm-curve-1",
    "mmm-curve-2",
    "mmm-curve-3",
    "mmm-curve-4",
    "mmm-curve-5",
    "mmm-curve-6",
    "mmm-curve-7",
    "mmm-curve-8",
];
