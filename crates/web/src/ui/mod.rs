//! The Leptos app (WebAssembly only): the shell, the URL sync, and the data store.
//!
//! State lives in one `RwSignal<State>` (the URL is its mirror: every change replaces the
//! fragment, and a pasted link's `hashchange` sets it). Pages read it through memos of their own
//! part, so moving a slider recomputes only what depends on it. Data lives in a [`Store`]: the
//! manifest, fetched first, and the extracts, fetched when a page first asks for them, each a
//! [`Slot`] that is loading, ready or failed with a [`LoadError`] the page shows.

mod attribution;
mod funnels;
mod load;
mod mmm;
#[cfg(test)]
mod tests;
mod widgets;

use std::collections::BTreeMap;
use std::sync::Arc;

use leptos::prelude::*;
use mensura_engine::attribution::Journeys;
use mensura_engine::table::{FunnelEvents, Spine};

use crate::data::{LoadError, Manifest};
use crate::marts::Table;
use crate::state::{self, Page};

pub use load::{load_manifest, request};
pub use widgets::{ErrorBox, Unavailable};

/// Mounts the app on the page's `<body>`; `index.html` calls it after loading the module.
///
/// Not a `#[wasm_bindgen(start)]` function: the engine's JavaScript surface (`engine::wasm`,
/// compiled into every wasm32 build of the engine) already claims the start slot.
#[cfg(not(test))]
#[wasm_bindgen::prelude::wasm_bindgen(js_name = mountNotebook)]
pub fn mount_notebook() {
    console_error_panic_hook::set_once();
    mount_to_body(App);
}

/// Something loaded once and shared.
#[derive(Debug, Clone)]
pub enum Slot<T> {
    Loading,
    Ready(T),
    Failed(LoadError),
}

impl<T> Slot<T> {
    pub fn is_loading(&self) -> bool {
        matches!(self, Self::Loading)
    }
}

/// A decoded extract.
#[derive(Debug, Clone)]
pub enum Payload {
    Journeys(Arc<Journeys>),
    FunnelEvents(Arc<FunnelEvents>),
    Spine(Arc<Spine>),
    Table(Arc<Table>),
}

impl PartialEq for Payload {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Journeys(a), Self::Journeys(b)) => Arc::ptr_eq(a, b),
            (Self::FunnelEvents(a), Self::FunnelEvents(b)) => Arc::ptr_eq(a, b),
            (Self::Spine(a), Self::Spine(b)) => Arc::ptr_eq(a, b),
            (Self::Table(a), Self::Table(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl<T: PartialEq> PartialEq for Slot<T> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Loading, Self::Loading) => true,
            (Self::Ready(a), Self::Ready(b)) => a == b,
            (Self::Failed(a), Self::Failed(b)) => a == b,
            _ => false,
        }
    }
}

/// The loaded manifest with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    /// The data directory URL, ending in `/`.
    pub base: String,
    pub manifest: Arc<Manifest>,
    /// First 12 hex digits of the manifest's SHA-256.
    pub hash: String,
}

/// A file being downloaded: bytes so far and expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub loaded: u64,
    pub total: u64,
}

/// All data of the page.
#[derive(Debug, Clone, Copy)]
pub struct Store {
    pub manifest: RwSignal<Slot<Loaded>>,
    /// Keyed by file name (`journeys_touches_ga.parquet` holds the joined journeys).
    pub extracts: RwSignal<BTreeMap<String, Slot<Payload>>>,
    pub progress: RwSignal<BTreeMap<String, Progress>>,
    /// Timings in milliseconds (`decode:<file>`, `attribute`, `redraw:<chart>`, …), for the
    /// performance notes and the tests.
    pub perf: RwSignal<BTreeMap<String, f64>>,
    /// `(link's hash, current hash)` when a link was made on other data.
    pub changed: RwSignal<Option<(String, String)>>,
}

impl Store {
    pub fn new() -> Self {
        Self {
            manifest: RwSignal::new(Slot::Loading),
            extracts: RwSignal::new(BTreeMap::new()),
            progress: RwSignal::new(BTreeMap::new()),
            perf: RwSignal::new(BTreeMap::new()),
            changed: RwSignal::new(None),
        }
    }

    /// Records a timing.
    pub fn time(&self, key: &str, ms: f64) {
        self.perf.update(|p| {
            p.insert(key.to_owned(), ms);
        });
    }

    /// The slot of `file`, asking for it if nobody has yet.
    pub fn extract(&self, file: &str) -> Slot<Payload> {
        let slot = self.extracts.with(|m| m.get(file).cloned());
        match slot {
            Some(s) => s,
            None => {
                request(*self, file.to_owned());
                Slot::Loading
            }
        }
    }
}

impl Default for Store {
    fn default() -> Self {
        Self::new()
    }
}

/// Milliseconds since the page started (`performance.now()`).
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// The notebook.
#[component]
pub fn App() -> impl IntoView {
    let (initial, issues) = state::decode(&location_hash());
    let data_dir = initial.data.clone();
    let state = RwSignal::new(initial);
    let url_issues = RwSignal::new(issues);
    let store = Store::new();
    provide_context(state);
    provide_context(store);
    leptos::task::spawn_local(load_manifest(store, state, data_dir));

    // The URL mirrors the state.
    Effect::new(move |_| {
        let link = format!("#{}", state::encode(&state.get()));
        if location_hash() != link
            && let Some(w) = web_sys::window()
        {
            let _ = w.history().and_then(|h| {
                h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&link))
            });
        }
    });
    // A link pasted into this tab.
    let listener = window_event_listener(leptos::ev::hashchange, move |_| {
        let (s, issues) = state::decode(&location_hash());
        if s.data != state.with_untracked(|cur| cur.data.clone()) {
            // Another data directory: start over with its manifest.
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
            return;
        }
        if s != state.get_untracked() {
            url_issues.set(issues);
            state.set(s);
        }
    });
    on_cleanup(move || listener.remove());

    let page = Memo::new(move |_| state.with(|s| s.page));
    view! {
        <header class="top">
            <h1>"Mensura"</h1>
            <nav class="tabs" aria-label="Pages">
                {Page::ALL
                    .into_iter()
                    .map(|p| {
                        view! {
                            <button
                                class="tab"
                                id=format!("tab-{}", p.code())
                                aria-current=move || (page.get() == p).then_some("page")
                                on:click=move |_| state.update(|s| s.page = p)
                            >
                                {p.title()}
                            </button>
                        }
                    })
                    .collect_view()}
            </nav>
            <widgets::CopyLink/>
        </header>
        <widgets::ProgressBar/>
        <div class="banners">
            {move || {
                url_issues
                    .get()
                    .into_iter()
                    .map(|i| view! { <p class="banner warn" role="status">{i.to_string()}</p> })
                    .collect_view()
            }}
            {move || {
                store
                    .changed
                    .get()
                    .map(|(then, now)| {
                        view! {
                            <p class="banner warn" id="data-changed" role="status">
                                {format!(
                                    "This link was made on other data (manifest {then}); the published data has changed since (now {now}). The controls are restored, but the numbers may differ from what the sender saw.",
                                )}
                            </p>
                        }
                    })
            }}
        </div>
        <main id="main">
            {move || match store.manifest.get() {
                Slot::Loading => view! { <widgets::Loading what="the data index (manifest.json)"/> }.into_any(),
                Slot::Failed(e) => view! { <ErrorBox error=e/> }.into_any(),
                Slot::Ready(_) => match page.get() {
                    Page::Attribution => view! { <attribution::AttributionPage/> }.into_any(),
                    Page::Funnels => view! { <funnels::FunnelsPage/> }.into_any(),
                    Page::Mmm => view! { <mmm::MmmPage/> }.into_any(),
                },
            }}
        </main>
        <footer>
            <span id="data-source">{move || match store.manifest.get() {
                Slot::Ready(l) => {
                    format!(
                        "Data: {} ({} source), as of {}, built {}, manifest {} · extract schema v{} · engine in WebAssembly, computed in this page",
                        l.base,
                        l.manifest.source,
                        l.manifest.as_of_date,
                        l.manifest.built_at,
                        l.hash,
                        l.manifest.schema_version,
                    )
                }
                _ => String::new(),
            }}</span>
            <pre id="perf" hidden=true>
                {move || {
                    store
                        .perf
                        .get()
                        .iter()
                        .map(|(k, v)| format!("{k}={v:.3}\n"))
                        .collect::<String>()
                }}
            </pre>
        </footer>
    }
}
