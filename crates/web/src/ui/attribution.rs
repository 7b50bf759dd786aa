//! The attribution page: controls, credit bars, coverage, the sensitivity heatmap, the table with
//! CSV download, and the published-mart check.

use std::sync::Arc;

use leptos::prelude::*;
use mensura_engine::attribution::{self, Journeys, LagMode, Rule};

use super::widgets::{Chart, ChartSpec, Loading, PageFrame, Radio, download_text};
use super::{Payload, Slot, Store, Unavailable, now_ms};
use crate::analysis::{self, MartMatch};
use crate::charts::{Bars, Heatmap};
use crate::format;
use crate::marts;
use crate::state::{AttrState, KernelKind, SectorChoice, State};

/// Slider positions of the half-life slider: `0.5 · 120^(v/STEPS)` days, 0.5 to 60, log scale.
const STEPS: f64 = 240.0;

/// Days of a slider position, rounded to 3 significant digits (short links, exact numbers).
pub fn slider_days(v: f64) -> f64 {
    let d = 0.5 * 120f64.powf(v / STEPS);
    let mag = 10f64.powf(d.log10().floor() - 2.0);
    (d / mag).round() * mag
}

/// The slider position of a day count.
pub fn days_slider(d: f64) -> f64 {
    ((d / 0.5).ln() / 120f64.ln() * STEPS).clamp(0.0, STEPS)
}

#[component]
pub fn AttributionPage() -> impl IntoView {
    let state = expect_context::<RwSignal<State>>();
    let store = expect_context::<Store>();
    let sector = Memo::new(move |_| state.with(|s| s.attr.sector));
    let file = move || format!("journeys_touches_{}.parquet", sector.get().code());
    let slot = Memo::new(move |_| store.extract(&file()));
    view! {
        <PageFrame
            id="attr"
            title="Attribution"
            lede="Which touches earn the credit for a conversion: split one unit of credit per tracked conversion over the event kinds of its touches, by one of five rules, with a decay kernel and a lookback you choose. Computed live in this page from the journey extracts."
            extract=slot
            what=Signal::derive(move || format!("the journeys of {}", sector.get().title()))
            body=|p| match p {
                Payload::Journeys(j) => Some(view! { <AttributionBody j=j/> }.into_any()),
                _ => None,
            }
        />
    }
}

fn rule_code(r: Rule) -> &'static str {
    r.column()
}

#[component]
fn AttributionBody(j: Arc<Journeys>) -> impl IntoView {
    let state = expect_context::<RwSignal<State>>();
    let store = expect_context::<Store>();
    let max = j.max_lookback_days();
    let attr = Memo::new(move |_| {
        state.with(|s| {
            let mut a = s.attr.clone();
            a.lookback_days = a.lookback_days.clamp(1, max);
            a.kernel_days = a.kernel_days.clamp(0.5, 60.0);
            a
        })
    });
    let set = move |f: &dyn Fn(&mut AttrState)| state.update(|s| f(&mut s.attr));

    // The live attribution: recomputed on every control change.
    let j1 = j.clone();
    let result = Memo::new(move |_| {
        let a = attr.get();
        let t0 = now_ms();
        let r = attribution::attribute(&j1, &analysis::attribution_params(&a))
            .map(|r| analysis::attribution_view(&r, &a))
            .map_err(|e| e.to_string());
        store.time("attribute", now_ms() - t0);
        r
    });
    // The sensitivity sweep: its grid is fixed, so it reruns only when the reference cell moves
    // or a control other than the sliders changes.
    let sweep_params = Memo::new(move |_| analysis::sweep_params(&attr.get(), max));
    // While a slider is being dragged, the sweep waits until the value has settled for 250 ms,
    // so that crossing into another reference cell never stalls the drag.
    let settled = RwSignal::new(sweep_params.get_untracked());
    Effect::new(move |_| {
        let p = sweep_params.get();
        set_timeout(
            move || {
                if sweep_params.get_untracked() == p && settled.get_untracked() != p {
                    settled.set(p);
                }
            },
            std::time::Duration::from_millis(250),
        );
    });
    let j2 = j.clone();
    let sensitivity = Memo::new(move |_| {
        let p = settled.get();
        let a = attr.get_untracked();
        let t0 = now_ms();
        let r = attribution::sweep(&j2, &p)
            .map(|sw| analysis::sensitivity(&sw, &p, &a))
            .map_err(|e| e.to_string());
        store.time("sweep", now_ms() - t0);
        r
    });

    let kinds: Vec<String> = {
        let mut k = j.conversion_kinds().to_vec();
        k.sort();
        k
    };
    let roles: Vec<String> = j.identity_roles().to_vec();
    let is_gp = j.sector() == mensura_engine::table::Sector::Gp;

    let bars = Signal::derive(move || {
        let a = attr.get();
        let v = result.get().ok()?;
        let cats: Vec<String> = v.kinds.iter().map(|k| k.event_kind.clone()).collect();
        let series = if a.compare {
            Rule::ALL
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    (
                        analysis::rule_label(*r).to_owned(),
                        v.kinds.iter().map(|k| k.credit[i]).collect(),
                    )
                })
                .collect()
        } else {
            let ri = Rule::ALL.iter().position(|r| *r == a.rule).unwrap_or(0);
            vec![(
                analysis::rule_label(a.rule).to_owned(),
                v.kinds.iter().map(|k| k.credit[ri]).collect(),
            )]
        };
        let notes = if a.compare {
            Vec::new()
        } else {
            v.kinds
                .iter()
                .map(|k| {
                    format!(
                        "{} of {} with a touch",
                        format::count(k.conversions_with_touch),
                        format::count(v.total_conversions)
                    )
                })
                .collect()
        };
        Some(ChartSpec::Bars(Bars {
            title: if a.compare {
                "Credit per event kind, all rules".into()
            } else {
                format!("Credit per event kind — {}", analysis::rule_label(a.rule))
            },
            value_label: "credit (conversion-equivalents)".into(),
            categories: cats,
            series,
            notes,
        }))
    });

    let heat = Signal::derive(move || {
        let h = sensitivity.get().ok()?;
        let a = attr.get();
        let cur = (
            h.lookbacks.iter().position(|l| *l == a.lookback_days),
            h.kernel_days
                .iter()
                .position(|d| (d - a.kernel_days).abs() < 1e-12),
        );
        let short = |k: &str| k.rsplit('.').next().unwrap_or(k).to_owned();
        Some(ChartSpec::Heatmap(Heatmap {
            title: format!(
                "Sensitivity: leading event kind by lookback × {} ({})",
                kernel_word(a.kernel),
                analysis::rule_label(a.rule)
            ),
            x_label: format!("{} (days)", kernel_word(a.kernel)),
            y_label: "lookback (days)".into(),
            x_ticks: h
                .kernel_days
                .iter()
                .map(|d| format::trim_float(*d, 1))
                .collect(),
            y_ticks: h.lookbacks.iter().map(|l| l.to_string()).collect(),
            values: h
                .cells
                .iter()
                .map(|r| r.iter().map(|c| Some(c.leader_share)).collect())
                .collect(),
            range: (0.0, 1.0),
            diverging: false,
            text: h
                .cells
                .iter()
                .map(|r| r.iter().map(|c| short(&c.leader)).collect())
                .collect(),
            marked: h
                .cells
                .iter()
                .map(|r| r.iter().map(|c| c.flipped).collect())
                .collect(),
            highlight: match cur {
                (Some(r), Some(c)) => Some((r, c)),
                _ => Some(h.reference),
            },
            legend: "leader's share".into(),
        }))
    });

    // Coverage (published) beside the numbers.
    let coverage_file = move || format!("coverage_daily_{}.parquet", attr.get().sector.code());
    let coverage = Memo::new(move |_| store.extract(&coverage_file()));
    // The published mart, when the controls reproduce one.
    let mart_file = Memo::new(move |_| analysis::mart_name(&attr.get()));
    let j3 = j.clone();
    let mart_check = Memo::new(move |_| {
        let name = mart_file.get()?;
        let listed = match store.manifest.get() {
            Slot::Ready(l) => l.manifest.file(&name).is_some(),
            _ => false,
        };
        if !listed {
            return Some(Err(format!(
                "These parameters reproduce the published mart {name}, but it is not in this data directory."
            )));
        }
        let slot = store.extract(&name);
        Some(match slot {
            Slot::Loading => Err(format!("Loading {name} to compare…")),
            Slot::Failed(e) => Err(e.to_string()),
            Slot::Ready(Payload::Table(t)) => {
                let a = attr.get();
                let params = attribution::AttributionParams {
                    by_role: a.sector == SectorChoice::Gp,
                    ..analysis::attribution_params(&AttrState {
                        role: None,
                        ..a.clone()
                    })
                };
                match (
                    marts::attribution_mart(&t),
                    attribution::attribute(&j3, &params),
                ) {
                    (Ok(mart), Ok(live)) => Ok((name, analysis::compare_mart(&live.rows, &mart))),
                    (Err(e), _) => Err(e.to_string()),
                    (_, Err(e)) => Err(e.to_string()),
                }
            }
            Slot::Ready(_) => Err("unexpected extract".into()),
        })
    });

    let kinds_for_view = kinds.clone();
    // Room for every event kind's bar (and its label) at a readable size.
    let bars_height = (j.event_kinds().len() as u32 * 26 + 110).clamp(240, 900);
    view! {
        <div class="layout">
            <form class="controls" aria-label="Attribution controls" on:submit=|ev| ev.prevent_default()>
                <label for="attr-sector">"Sector"</label>
                <select
                    id="attr-sector"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        set(&|a| {
                            a.sector = if v == "gp" { SectorChoice::Gp } else { SectorChoice::Ga };
                            a.role = None;
                            a.kinds.clear();
                        });
                    }
                >
                    <option value="ga" selected=move || attr.get().sector == SectorChoice::Ga>"Gnosis App"</option>
                    <option value="gp" selected=move || attr.get().sector == SectorChoice::Gp>"Gnosis Pay"</option>
                </select>
                {is_gp.then(|| {
                    let roles = roles.clone();
                    view! {
                        <label for="attr-role">"Identity role"</label>
                        <select
                            id="attr-role"
                            on:change=move |ev| {
                                let v = event_target_value(&ev);
                                set(&|a| a.role = (!v.is_empty()).then(|| v.clone()));
                            }
                        >
                            <option value="" selected=move || attr.get().role.is_none()>"All roles"</option>
                            {roles
                                .into_iter()
                                .map(|r| {
                                    let r2 = r.clone();
                                    view! {
                                        <option value=r.clone() selected=move || attr.get().role.as_deref() == Some(r2.as_str())>
                                            {r.clone()}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    }
                })}
                <fieldset>
                    <legend>"Conversion kinds"</legend>
                    {kinds_for_view
                        .into_iter()
                        .map(|k| {
                            let k2 = k.clone();
                            let k3 = k.clone();
                            let all = kinds.clone();
                            view! {
                                <label class="check">
                                    <input
                                        type="checkbox"
                                        name="attr-kind"
                                        value=k.clone()
                                        prop:checked=move || {
                                            let a = attr.get();
                                            a.kinds.is_empty() || a.kinds.contains(&k2)
                                        }
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            let all = all.clone();
                                            let k = k3.clone();
                                            set(&move |a| {
                                                let mut chosen: Vec<String> = if a.kinds.is_empty() {
                                                    all.clone()
                                                } else {
                                                    a.kinds.clone()
                                                };
                                                chosen.retain(|c| *c != k);
                                                if on {
                                                    chosen.push(k.clone());
                                                }
                                                chosen.sort();
                                                a.kinds = if chosen.len() == all.len() || chosen.is_empty() {
                                                    Vec::new()
                                                } else {
                                                    chosen
                                                };
                                            });
                                        }
                                    />
                                    {k}
                                </label>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <label for="attr-lookback">
                    "Lookback: " <output id="attr-lookback-out">{move || format::days(f64::from(attr.get().lookback_days))}</output>
                    {format!(" (extract covers up to {max} days)")}
                </label>
                <input
                    id="attr-lookback"
                    type="range"
                    min="1"
                    max=max.to_string()
                    step="1"
                    prop:value=move || attr.get().lookback_days.to_string()
                    on:input=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<u32>() {
                            set(&|a| a.lookback_days = v);
                        }
                    }
                />
                <label for="attr-halflife">
                    {move || format!("{} (log scale): ", capital(kernel_word(attr.get().kernel)))}
                    <output id="attr-halflife-out">{move || format::days(attr.get().kernel_days)}</output>
                </label>
                <input
                    id="attr-halflife"
                    type="range"
                    min="0"
                    max=STEPS.to_string()
                    step="1"
                    aria-valuetext=move || format::days(attr.get().kernel_days)
                    prop:value=move || format!("{:.0}", days_slider(attr.get().kernel_days))
                    on:input=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                            let d = slider_days(v);
                            set(&|a| a.kernel_days = d);
                        }
                    }
                />
                <label for="attr-halflife-num">"Exact value (days, 0.5–60)"</label>
                <input
                    id="attr-halflife-num"
                    type="number"
                    min="0.5"
                    max="60"
                    step="any"
                    prop:value=move || attr.get().kernel_days.to_string()
                    on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<f64>()
                            && v.is_finite()
                        {
                            set(&|a| a.kernel_days = v.clamp(0.5, 60.0));
                        }
                    }
                />
                <fieldset>
                    <legend>"Decay kernel"</legend>
                    <Radio
                        name="attr-kernel"
                        id="attr-kernel-h"
                        label="True half-life: weight 2^(−lag/h)"
                        checked=Signal::derive(move || attr.get().kernel == KernelKind::HalfLife)
                        pick=Callback::new(move |()| set(&|a| a.kernel = KernelKind::HalfLife))
                    />
                    <Radio
                        name="attr-kernel"
                        id="attr-kernel-e"
                        label="Upstream e-folding: weight exp(−lag/τ) (τ = 7 reproduces the marts)"
                        checked=Signal::derive(move || attr.get().kernel == KernelKind::EFolding)
                        pick=Callback::new(move |()| set(&|a| a.kernel = KernelKind::EFolding))
                    />
                </fieldset>
                <label for="attr-lag">"Lag"</label>
                <select
                    id="attr-lag"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        set(&|a| a.lag = if v == "exact" { LagMode::Exact } else { LagMode::Calendar });
                    }
                >
                    <option value="calendar" selected=move || attr.get().lag == LagMode::Calendar>"Calendar days (as upstream)"</option>
                    <option value="exact" selected=move || attr.get().lag == LagMode::Exact>"Exact (fractional days)"</option>
                </select>
                <label for="attr-rule">"Rule"</label>
                <select
                    id="attr-rule"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if let Some(r) = Rule::ALL.into_iter().find(|r| rule_code(*r) == v) {
                            set(&|a| a.rule = r);
                        }
                    }
                >
                    {Rule::ALL
                        .into_iter()
                        .map(|r| {
                            view! {
                                <option value=rule_code(r) selected=move || attr.get().rule == r>
                                    {analysis::rule_label(r)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <label class="check">
                    <input
                        type="checkbox"
                        id="attr-compare"
                        prop:checked=move || attr.get().compare
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            set(&|a| a.compare = on);
                        }
                    />
                    "Compare all rules side by side"
                </label>
            </form>
            <div class="results">
                {move || match result.get() {
                    Err(e) => view! { <p class="error-inline" role="alert">{e}</p> }.into_any(),
                    Ok(v) => {
                        let a = attr.get();
                        let share = if v.conversions > 0 { v.tracked as f64 / v.conversions as f64 } else { 0.0 };
                        view! {
                            <p class="summary" id="attr-summary">
                                {format!(
                                    "{} conversions ({} upstream rows) from {} to {}; {} ({}) have a touch within {}.",
                                    format::count(v.conversions),
                                    format::count(v.total_conversions),
                                    mensura_engine::date::format_date(v.window_start),
                                    mensura_engine::date::format_date(v.as_of),
                                    format::count(v.tracked),
                                    format::percent(share),
                                    format::days(f64::from(a.lookback_days)),
                                )}
                            </p>
                        }
                            .into_any()
                    }
                }}
                <div class="coverage" id="attr-coverage">
                    {move || match coverage.get() {
                        Slot::Loading => view! { <Loading what="coverage"/> }.into_any(),
                        Slot::Failed(e) => view! { <Unavailable what="Published coverage" error=e/> }.into_any(),
                        Slot::Ready(Payload::Table(t)) => {
                            let a = attr.get();
                            let window = result.get().ok().map(|v| (v.window_start, v.as_of));
                            match (marts::coverage(&t), window) {
                                (Ok(rows), Some((from, to))) => match analysis::coverage_summary(&rows, &a, from, to) {
                                    Some((total, tracked)) => view! {
                                        <p>
                                            {format!(
                                                "Published coverage (30-day journeys, {}): {} of {} conversions tracked ({}).",
                                                t.file,
                                                format::number(tracked),
                                                format::number(total),
                                                format::percent(if total > 0.0 { tracked / total } else { 0.0 }),
                                            )}
                                        </p>
                                    }
                                        .into_any(),
                                    None => view! { <p>"Published coverage has no rows for this selection."</p> }.into_any(),
                                },
                                (Err(e), _) => view! { <Unavailable what="Published coverage" error=e/> }.into_any(),
                                _ => ().into_any(),
                            }
                        }
                        Slot::Ready(_) => ().into_any(),
                    }}
                </div>
                <div class="mart-check" id="attr-mart">
                    {move || match mart_check.get() {
                        None => view! {
                            <p class="hint">
                                "To compare with the published marts, choose the upstream e-folding kernel with τ = 7 days, calendar lag and a published lookback (7, 30 or 60 days)."
                            </p>
                        }
                            .into_any(),
                        Some(Err(msg)) => view! { <p class="hint">{msg}</p> }.into_any(),
                        Some(Ok((name, MartMatch::Equal { rows }))) => view! {
                            <p class="match ok" role="status">
                                {format!("✓ The live numbers equal the published mart {name} ({rows} rows, within 1e-9).")}
                            </p>
                        }
                            .into_any(),
                        Some(Ok((name, MartMatch::Differs(d)))) => view! {
                            <p class="match differs" role="status">
                                {format!("≠ The live numbers differ from the published mart {name}: {d}.")}
                            </p>
                        }
                            .into_any(),
                    }}
                </div>
                <Chart spec=bars id="attr-bars" height=bars_height/>
                <AttrTable result=result attr=attr/>
                <h3>"Sensitivity"</h3>
                <Chart spec=heat id="attr-heatmap" height=340/>
                <p class="caption" id="attr-flips">
                    {move || match sensitivity.get() {
                        Ok(h) => {
                            let flips: usize = h.cells.iter().flatten().filter(|c| c.flipped).count();
                            let inversions: u32 = h.cells.iter().flatten().map(|c| c.inversions).sum();
                            format!(
                                "Each cell names the event kind with the most credit; the colour is its share. A red frame marks a rank flip: a different leader than at the reference cell (nearest the current settings, dark frame, leader {}). {} of {} cells flip; {} pairwise rank inversions in all (engine sweep).",
                                h.reference_leader,
                                flips,
                                h.cells.iter().map(Vec::len).sum::<usize>(),
                                inversions,
                            )
                        }
                        Err(e) => e,
                    }}
                </p>
            </div>
        </div>
    }
}

fn kernel_word(k: KernelKind) -> &'static str {
    match k {
        KernelKind::HalfLife => "half-life",
        KernelKind::EFolding => "e-folding time",
    }
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

#[component]
fn AttrTable(
    result: Memo<Result<analysis::AttrView, String>>,
    attr: Memo<AttrState>,
) -> impl IntoView {
    let csv = move |_| {
        if let Ok(v) = result.get_untracked() {
            let a = attr.get_untracked();
            download_text(
                &format!("attribution_{}_{}d.csv", a.sector.code(), a.lookback_days),
                &analysis::attribution_csv(&v.rows),
                "text/csv",
            );
        }
    };
    view! {
        <div class="table-head">
            <h3>"Numbers"</h3>
            <button id="attr-csv" on:click=csv>"Download CSV"</button>
        </div>
        <table id="attr-table">
            <thead>
                <tr>
                    <th scope="col">"Event kind"</th>
                    <th scope="col" class="num">"Conversions with touch"</th>
                    <th scope="col" class="num">"Total conversions"</th>
                    {move || {
                        let a = attr.get();
                        if a.compare {
                            Rule::ALL
                                .iter()
                                .map(|r| view! { <th scope="col" class="num">{analysis::rule_label(*r)}</th> })
                                .collect_view()
                                .into_any()
                        } else {
                            view! {
                                <th scope="col" class="num">{format!("Credit ({})", analysis::rule_label(a.rule))}</th>
                                <th scope="col" class="num">"Share"</th>
                            }
                                .into_any()
                        }
                    }}
                </tr>
            </thead>
            <tbody>
                {move || {
                    let a = attr.get();
                    let Ok(v) = result.get() else {
                        return ().into_any();
                    };
                    let ri = Rule::ALL.iter().position(|r| *r == a.rule).unwrap_or(0);
                    let total: f64 = v.kinds.iter().map(|k| k.credit[ri]).sum();
                    v.kinds
                        .iter()
                        .map(|k| {
                            let cells = if a.compare {
                                k.credit
                                    .iter()
                                    .enumerate()
                                    .map(|(i, c)| {
                                        view! {
                                            <td class="num" data-rule=rule_code(Rule::ALL[i]) data-value=c.to_string()>
                                                {format::number(*c)}
                                            </td>
                                        }
                                    })
                                    .collect_view()
                                    .into_any()
                            } else {
                                let c = k.credit[ri];
                                view! {
                                    <td class="num credit" data-rule=rule_code(a.rule) data-value=c.to_string()>
                                        {format::number(c)}
                                    </td>
                                    <td class="num">{format::percent(if total > 0.0 { c / total } else { 0.0 })}</td>
                                }
                                    .into_any()
                            };
                            view! {
                                <tr data-kind=k.event_kind.clone()>
                                    <th scope="row">{k.event_kind.clone()}</th>
                                    <td class="num" data-value=k.conversions_with_touch.to_string()>
                                        {format::count(k.conversions_with_touch)}
                                    </td>
                                    <td class="num">{format::count(v.total_conversions)}</td>
                                    {cells}
                                </tr>
                            }
                        })
                        .collect_view()
                        .into_any()
                }}
            </tbody>
        </table>
    }
}
