//! Small shared components: the page frame, the chart canvas, messages, progress, the copy-link
//! button.

use leptos::html;
use leptos::prelude::*;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;

use super::{Payload, Slot, Store, now_ms};
use crate::charts::{self, DrawResult};
use crate::data::LoadError;
use crate::format;

/// Any chart of [`crate::charts`].
#[derive(Debug, Clone, PartialEq)]
pub enum ChartSpec {
    Bars(charts::Bars),
    Heatmap(charts::Heatmap),
    Lines(charts::Lines),
    Curve(charts::Curve),
}

impl ChartSpec {
    fn title(&self) -> &str {
        match self {
            Self::Bars(c) => &c.title,
            Self::Heatmap(c) => &c.title,
            Self::Lines(c) => &c.title,
            Self::Curve(c) => &c.title,
        }
    }

    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, plotters::coord::Shift>,
    ) -> DrawResult {
        match self {
            Self::Bars(c) => charts::bars(area, c),
            Self::Heatmap(c) => charts::heatmap(area, c),
            Self::Lines(c) => charts::lines(area, c),
            Self::Curve(c) => charts::curve(area, c),
        }
    }
}

/// A `<canvas>` redrawn whenever `spec` changes; `id` names its timing (`redraw:<id>`) and the
/// element. The canvas is an image with the chart's title as its accessible name.
#[component]
pub fn Chart(
    #[prop(into)] spec: Signal<Option<ChartSpec>>,
    id: &'static str,
    #[prop(default = 760)] width: u32,
    #[prop(default = 320)] height: u32,
) -> impl IntoView {
    let canvas = NodeRef::<html::Canvas>::new();
    let store = expect_context::<Store>();
    let problem = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let Some(spec) = spec.get() else {
            return;
        };
        let Some(el) = canvas.get() else {
            return;
        };
        let t0 = now_ms();
        let el: web_sys::HtmlCanvasElement = el.unchecked_into();
        let result = match CanvasBackend::with_canvas_object(el) {
            Some(backend) => spec.draw(&backend.into_drawing_area()),
            None => Err("this browser cannot draw on a canvas".into()),
        };
        store.time(&format!("redraw:{id}"), now_ms() - t0);
        problem.set(result.err());
    });
    let label = move || spec.with(|s| s.as_ref().map(|s| s.title().to_owned()).unwrap_or_default());
    view! {
        <figure class="chart">
            <canvas
                node_ref=canvas
                id=id
                width=width
                height=height
                role="img"
                aria-label=label
            ></canvas>
            {move || problem.get().map(|p| view! { <p class="error-inline">{p}</p> })}
        </figure>
    }
}

/// The message shown instead of a feature that cannot be loaded: what, which file, what to do.
/// A page: its title and lede, then its body once the page's main extract is ready (a loading note
/// or the error box until then). `body` returns `None` for a payload of the wrong kind.
#[component]
pub fn PageFrame(
    id: &'static str,
    title: &'static str,
    lede: &'static str,
    #[prop(into)] extract: Signal<Slot<Payload>>,
    /// What is loading, for the loading note.
    #[prop(into)]
    what: Signal<String>,
    body: fn(Payload) -> Option<AnyView>,
) -> impl IntoView {
    view! {
        <section class="page" aria-labelledby=format!("{id}-title")>
            <h2 id=format!("{id}-title")>{title}</h2>
            <p class="lede">{lede}</p>
            {move || match extract.get() {
                Slot::Loading => view! { <Loading what=what.get()/> }.into_any(),
                Slot::Failed(e) => view! { <ErrorBox error=e/> }.into_any(),
                Slot::Ready(p) => {
                    body(p).unwrap_or_else(|| view! { <p>"Unexpected extract."</p> }.into_any())
                }
            }}
        </section>
    }
}

/// One labelled radio button of the group `name`.
#[component]
pub fn Radio(
    name: &'static str,
    id: &'static str,
    label: &'static str,
    #[prop(into)] checked: Signal<bool>,
    pick: Callback<()>,
) -> impl IntoView {
    view! {
        <label class="check">
            <input
                type="radio"
                name=name
                id=id
                prop:checked=move || checked.get()
                on:change=move |_| pick.run(())
            />
            {label}
        </label>
    }
}

#[component]
pub fn ErrorBox(error: LoadError) -> impl IntoView {
    view! {
        <section class="error-box" role="alert">
            <h2>{error.title()}</h2>
            <p class="what">{error.to_string()}</p>
            <p class="todo">
                <strong>"What to do: "</strong>
                {error.advice()}
            </p>
        </section>
    }
}

/// A short note for an optional extract that is not published or cannot be read.
#[component]
pub fn Unavailable(what: &'static str, error: LoadError) -> impl IntoView {
    let quiet = matches!(error, LoadError::NotPublished { .. });
    view! {
        <p class=if quiet { "unavailable" } else { "unavailable error-inline" } role="status">
            <strong>{format!("{what} unavailable: ")}</strong>
            {error.to_string()}
            " "
            {error.advice()}
        </p>
    }
}

/// A loading note.
#[component]
pub fn Loading(#[prop(into)] what: String) -> impl IntoView {
    view! { <p class="loading" role="status" aria-live="polite">{format!("Loading {what}…")}</p> }
}

/// The download progress of every file in flight.
#[component]
pub fn ProgressBar() -> impl IntoView {
    let store = expect_context::<Store>();
    view! {
        <div class="progress" id="progress" aria-live="polite">
            {move || {
                store
                    .progress
                    .get()
                    .into_iter()
                    .map(|(name, p)| {
                        let text = if p.total > 0 {
                            format!(
                                "Downloading {name}: {} of {}",
                                format::bytes(p.loaded),
                                format::bytes(p.total),
                            )
                        } else {
                            format!("Downloading {name}: {}", format::bytes(p.loaded))
                        };
                        view! {
                            <div class="progress-row">
                                <label>
                                    {text}
                                    <progress
                                        max=p.total.max(1).to_string()
                                        value=p.loaded.min(p.total.max(1)).to_string()
                                    ></progress>
                                </label>
                            </div>
                        }
                    })
                    .collect_view()
            }}
        </div>
    }
}

/// "Copy link": the page's URL (every control and the manifest hash) to the clipboard.
#[component]
pub fn CopyLink() -> impl IntoView {
    let copied = RwSignal::new(false);
    let on_click = move |_| {
        let Some(w) = web_sys::window() else {
            return;
        };
        let href = w.location().href().unwrap_or_default();
        let _ = w.navigator().clipboard().write_text(&href);
        copied.set(true);
        set_timeout(
            move || copied.set(false),
            std::time::Duration::from_millis(1500),
        );
    };
    view! {
        <button id="copy-link" class="copy" on:click=on_click title="Copy a link to exactly this view">
            {move || if copied.get() { "Link copied ✓" } else { "Copy link" }}
        </button>
    }
}

/// Offers `text` as a file download called `name`.
pub fn download_text(name: &str, text: &str, mime: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(a) = document.create_element("a") {
        let a: web_sys::HtmlAnchorElement = a.unchecked_into();
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}
