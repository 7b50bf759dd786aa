//! The funnel page: steps built from the event kinds (or a seed preset), the window, the five
//! `windowFunnel` modes, per-day or date-range grouping; step bars with drop-off, time to convert,
//! and the published daily trend.

use std::sync::Arc;

use leptos::prelude::*;
use mensura_engine::funnel;
use mensura_engine::table::FunnelEvents;

use super::widgets::{Chart, ChartSpec, Loading, PageFrame, Radio};
use super::{Payload, Slot, Store, Unavailable, now_ms};
use crate::analysis::{self, FUNNEL_PRESETS};
use crate::charts::{Bars, Line, Lines};
use crate::format;
use crate::marts;
use crate::state::{FunnelGrouping, FunnelState, ModeField, State};

#[component]
pub fn FunnelsPage() -> impl IntoView {
    let store = expect_context::<Store>();
    let slot = Memo::new(move |_| store.extract("funnel_events_ga.parquet"));
    view! {
        <PageFrame
            id="funnel"
            title="Funnels"
            lede="How far users get through ordered steps within a time window, with ClickHouse windowFunnel semantics, evaluated in this page over the funnel events of Gnosis App."
            extract=slot
            what="the funnel events".to_owned()
            body=|p| match p {
                Payload::FunnelEvents(ev) => Some(view! { <FunnelBody events=ev/> }.into_any()),
                _ => None,
            }
        />
    }
}

const MODES: [(&str, &str, ModeField); 5] = [
    (
        "strict_order",
        "strict order: a started funnel may not be interrupted",
        |m| &mut m.strict_order,
    ),
    (
        "strict_deduplication",
        "strict deduplication: a repeated step ends it",
        |m| &mut m.strict_deduplication,
    ),
    (
        "strict_increase",
        "strict increase: steps strictly later in time",
        |m| &mut m.strict_increase,
    ),
    (
        "strict_once",
        "strict once: one event serves one step",
        |m| &mut m.strict_once,
    ),
    ("allow_reentry", "allow reentry (with strict order)", |m| {
        &mut m.allow_reentry
    }),
];

#[component]
fn FunnelBody(events: Arc<FunnelEvents>) -> impl IntoView {
    let state = expect_context::<RwSignal<State>>();
    let store = expect_context::<Store>();
    let f = Memo::new(move |_| state.with(|s| s.funnel.clone()));
    let set = move |g: &dyn Fn(&mut FunnelState)| state.update(|s| g(&mut s.funnel));
    let mut kinds = events.event_kind.values.clone();
    kinds.sort();
    let (first_day, last_day) = {
        let lo = events.event_ts.iter().min().copied().unwrap_or(0);
        let hi = events.event_ts.iter().max().copied().unwrap_or(0);
        (
            mensura_engine::date::date_of_ts(lo),
            mensura_engine::date::date_of_ts(hi),
        )
    };
    let ev = events.clone();
    let report = Memo::new(move |_| {
        let s = f.get();
        let t0 = now_ms();
        let r = funnel::funnel(&ev, &analysis::funnel_params(&s)).map_err(|e| e.to_string());
        store.time("funnel", now_ms() - t0);
        r
    });
    let steps_view = Memo::new(move |_| {
        let s = f.get();
        report.get().map(|r| analysis::funnel_view(&r, &s.steps))
    });
    let bars = Signal::derive(move || {
        let v = steps_view.get().ok()?;
        Some(ChartSpec::Bars(Bars {
            title: "Groups reaching each step".into(),
            value_label: match f.get().grouping {
                FunnelGrouping::PerDay => "user-days".into(),
                FunnelGrouping::Range { .. } => "users".into(),
            },
            categories: v
                .iter()
                .map(|s| format!("{}. {}", s.step, s.event_kind))
                .collect(),
            series: vec![(
                "reached".into(),
                v.iter().map(|s| s.reached as f64).collect(),
            )],
            notes: v
                .iter()
                .map(|s| match (s.of_first, s.drop_off) {
                    (Some(of), Some(drop)) => {
                        format!(
                            "{} of step 1 · {} drop-off",
                            format::percent(of),
                            format::percent(drop)
                        )
                    }
                    (Some(of), None) => format::percent(of),
                    _ => String::new(),
                })
                .collect(),
        }))
    });
    // The daily mart covers the seed funnels only.
    let daily = Memo::new(move |_| store.extract("funnel_daily_ga.parquet"));
    let trend = Signal::derive(move || {
        let s = f.get();
        let preset = analysis::funnel_preset(&s)?;
        let Slot::Ready(Payload::Table(t)) = daily.get() else {
            return None;
        };
        let d = marts::funnel_daily(&t).ok()?;
        let days = d.get(preset.name)?;
        let x: Vec<i32> = days.keys().copied().collect();
        let n = preset.steps.len();
        let lines = (1..=n)
            .map(|k| Line {
                name: format!("reached step {k}"),
                values: days
                    .values()
                    .map(|c| Some(c.iter().skip(k).sum::<u64>() as f64))
                    .collect(),
                dashed: false,
            })
            .collect();
        Some(ChartSpec::Lines(Lines {
            title: format!(
                "Daily trend of {} (published mart, per user-day)",
                preset.name
            ),
            y_label: "user-days".into(),
            x,
            lines,
            band: None,
            shaded: Vec::new(),
            shaded_label: String::new(),
            holidays: Vec::new(),
            markers: Vec::new(),
        }))
    });

    let kinds_list = StoredValue::new(kinds);
    view! {
        <div class="layout">
            <form class="controls" aria-label="Funnel controls" on:submit=|ev| ev.prevent_default()>
                <label for="funnel-preset">"Seed funnel"</label>
                <select
                    id="funnel-preset"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if let Some(p) = FUNNEL_PRESETS.iter().find(|p| p.name == v) {
                            set(&|s| {
                                s.steps = p.steps.iter().map(|x| (*x).to_owned()).collect();
                                s.window_s = p.window_s;
                            });
                        }
                    }
                >
                    <option value="" selected=move || analysis::funnel_preset(&f.get()).is_none()>"(custom)"</option>
                    {FUNNEL_PRESETS
                        .iter()
                        .map(|p| {
                            let name = p.name;
                            view! {
                                <option
                                    value=name
                                    selected=move || analysis::funnel_preset(&f.get()).map(|x| x.name) == Some(name)
                                >
                                    {name}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <fieldset>
                    <legend>"Steps, in order"</legend>
                    <ol class="steps">
                        {move || {
                            let steps = f.get().steps;
                            let n = steps.len();
                            steps
                                .into_iter()
                                .enumerate()
                                .map(|(i, step)| {
                                    let id = format!("funnel-step-{}", i + 1);
                                    view! {
                                        <li>
                                            <label for=id.clone() class="sr-only">{format!("Step {}", i + 1)}</label>
                                            <select
                                                id=id
                                                on:change=move |ev| {
                                                    let v = event_target_value(&ev);
                                                    set(&|s| s.steps[i] = v.clone());
                                                }
                                            >
                                                {kinds_list
                                                    .get_value()
                                                    .into_iter()
                                                    .chain((!kinds_list.get_value().contains(&step)).then(|| step.clone()))
                                                    .map(|k| {
                                                        let sel = k == step;
                                                        view! { <option value=k.clone() selected=sel>{k.clone()}</option> }
                                                    })
                                                    .collect_view()}
                                            </select>
                                            <button
                                                type="button"
                                                aria-label=format!("Move step {} up", i + 1)
                                                disabled=i == 0
                                                on:click=move |_| set(&|s| s.steps.swap(i, i - 1))
                                            >
                                                "↑"
                                            </button>
                                            <button
                                                type="button"
                                                aria-label=format!("Move step {} down", i + 1)
                                                disabled=i + 1 == n
                                                on:click=move |_| set(&|s| s.steps.swap(i, i + 1))
                                            >
                                                "↓"
                                            </button>
                                            <button
                                                type="button"
                                                aria-label=format!("Remove step {}", i + 1)
                                                disabled=n == 1
                                                on:click=move |_| set(&|s| {
                                                    s.steps.remove(i);
                                                })
                                            >
                                                "✕"
                                            </button>
                                        </li>
                                    }
                                })
                                .collect_view()
                        }}
                    </ol>
                    <button
                        type="button"
                        id="funnel-add"
                        on:click=move |_| {
                            let first = kinds_list.get_value().first().cloned().unwrap_or_default();
                            set(&|s| s.steps.push(first.clone()));
                        }
                    >
                        "+ Add step"
                    </button>
                </fieldset>
                <label for="funnel-window">"Window (days from step 1)"</label>
                <input
                    id="funnel-window"
                    type="number"
                    min="0"
                    step="any"
                    prop:value=move || format::trim_float(f.get().window_s as f64 / 86_400.0, 4)
                    on:change=move |ev| {
                        if let Ok(d) = event_target_value(&ev).parse::<f64>()
                            && d.is_finite()
                            && d >= 0.0
                        {
                            set(&|s| s.window_s = (d * 86_400.0).round() as u64);
                        }
                    }
                />
                <fieldset>
                    <legend>"Modes"</legend>
                    {MODES
                        .iter()
                        .map(|(code, label, field)| {
                            let field = *field;
                            view! {
                                <label class="check">
                                    <input
                                        type="checkbox"
                                        id=format!("funnel-mode-{code}")
                                        prop:checked=move || {
                                            let mut m = f.get().modes;
                                            *field(&mut m)
                                        }
                                        // allow_reentry only applies with strict_order.
                                        disabled=move || {
                                            *code == "allow_reentry" && !f.get().modes.strict_order
                                        }
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            set(&|s| {
                                                *field(&mut s.modes) = on;
                                                if !s.modes.strict_order {
                                                    s.modes.allow_reentry = false;
                                                }
                                            });
                                        }
                                    />
                                    {*label}
                                </label>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <fieldset>
                    <legend>"Grouping"</legend>
                    <Radio
                        name="funnel-grouping"
                        id="funnel-per-day"
                        label="Per user per UTC day (the daily mart's grain)"
                        checked=Signal::derive(move || f.get().grouping == FunnelGrouping::PerDay)
                        pick=Callback::new(move |()| set(&|s| s.grouping = FunnelGrouping::PerDay))
                    />
                    <Radio
                        name="funnel-grouping"
                        id="funnel-range"
                        label="Per user over a date range"
                        checked=Signal::derive(move || matches!(f.get().grouping, FunnelGrouping::Range { .. }))
                        pick=Callback::new(move |()| set(&|s| s.grouping = FunnelGrouping::Range { from: first_day, to: last_day }))
                    />
                    {move || match f.get().grouping {
                        FunnelGrouping::PerDay => ().into_any(),
                        FunnelGrouping::Range { from, to } => view! {
                            <label for="funnel-from">"From"</label>
                            <input
                                id="funnel-from"
                                type="date"
                                prop:value=mensura_engine::date::format_date(from)
                                on:change=move |ev| {
                                    if let Ok(d) = mensura_engine::date::parse_date("from", &event_target_value(&ev)) {
                                        set(&|s| s.grouping = FunnelGrouping::Range { from: d, to });
                                    }
                                }
                            />
                            <label for="funnel-to">"To"</label>
                            <input
                                id="funnel-to"
                                type="date"
                                prop:value=mensura_engine::date::format_date(to)
                                on:change=move |ev| {
                                    if let Ok(d) = mensura_engine::date::parse_date("to", &event_target_value(&ev)) {
                                        set(&|s| s.grouping = FunnelGrouping::Range { from, to: d });
                                    }
                                }
                            />
                        }
                            .into_any(),
                    }}
                </fieldset>
            </form>
            <div class="results">
                {move || match report.get() {
                    Err(e) => view! { <p class="error-inline" role="alert">{format!("The funnel cannot be evaluated: {e}")}</p> }.into_any(),
                    Ok(r) => view! {
                        <p class="summary" id="funnel-summary">
                            {format!(
                                "{} groups with a step event; {} reach the last step.",
                                format::count(r.n_groups),
                                format::count(r.reached.last().copied().unwrap_or(0)),
                            )}
                        </p>
                        {r.warnings
                            .iter()
                            .map(|w| match w {
                                funnel::FunnelWarning::StepKindAbsent { step, event_kind } => view! {
                                    <p class="hint">{format!("Step {step} ({event_kind}) never occurs in these events.")}</p>
                                },
                            })
                            .collect_view()}
                    }
                        .into_any(),
                }}
                <Chart spec=bars id="funnel-bars" height=280/>
                <table id="funnel-table">
                    <thead>
                        <tr>
                            <th scope="col">"Step"</th>
                            <th scope="col" class="num">"Reached"</th>
                            <th scope="col" class="num">"Of step 1"</th>
                            <th scope="col" class="num">"Drop-off from previous"</th>
                            <th scope="col" class="num">"Median time to convert"</th>
                            <th scope="col" class="num">"90th percentile"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            steps_view
                                .get()
                                .unwrap_or_default()
                                .into_iter()
                                .map(|s| {
                                    view! {
                                        <tr>
                                            <th scope="row">{format!("{}. {}", s.step, s.event_kind)}</th>
                                            <td class="num" data-value=s.reached.to_string()>{format::count(s.reached)}</td>
                                            <td class="num">{s.of_first.map_or("—".into(), format::percent)}</td>
                                            <td class="num">{s.drop_off.map_or("—".into(), format::percent)}</td>
                                            <td class="num">{s.median_s.map_or("—".into(), format::duration_s)}</td>
                                            <td class="num">{s.p90_s.map_or("—".into(), format::duration_s)}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()
                        }}
                    </tbody>
                </table>
                <h3>"Daily trend"</h3>
                {move || match daily.get() {
                    Slot::Loading => view! { <Loading what="the daily funnel mart"/> }.into_any(),
                    Slot::Failed(e) => view! { <Unavailable what="The daily trend" error=e/> }.into_any(),
                    Slot::Ready(_) if analysis::funnel_preset(&f.get()).is_none() => view! {
                        <p class="hint">"The published daily funnel covers the four seed funnels: choose one as a preset to see its trend."</p>
                    }
                        .into_any(),
                    Slot::Ready(_) => view! { <Chart spec=trend id="funnel-trend" height=280/> }.into_any(),
                }}
            </div>
        </div>
    }
}
