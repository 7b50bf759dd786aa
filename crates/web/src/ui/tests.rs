//! Component tests in headless Chromium (wasm-bindgen-test): components mounted on a real DOM
//! with the committed fixtures embedded, so no network is involved.

use std::collections::BTreeMap;
use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

use super::*;
use crate::data::{self, LoadError, Manifest};
use crate::state::State;
use crate::testdata;

wasm_bindgen_test_configure!(run_in_browser);

/// Lets effects and rendering run (a macrotask).
async fn tick() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 10);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

fn container() -> web_sys::HtmlElement {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("document");
    let div = document.create_element("div").expect("div");
    document
        .body()
        .expect("body")
        .append_child(&div)
        .expect("append");
    div.unchecked_into()
}

fn text(root: &web_sys::HtmlElement, selector: &str) -> String {
    root.query_selector(selector)
        .ok()
        .flatten()
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

/// A store with the manifest and the given extracts already loaded.
fn store_with(extracts: Vec<(&str, Payload)>) -> Store {
    let store = Store::new();
    let manifest =
        Manifest::parse("data/fixtures/manifest.json", testdata::MANIFEST).expect("manifest");
    store.manifest.set(Slot::Ready(Loaded {
        base: "data/fixtures/".into(),
        manifest: Arc::new(manifest),
        hash: data::manifest_hash(testdata::MANIFEST),
    }));
    let mut map = BTreeMap::new();
    for (k, v) in extracts {
        map.insert(k.to_owned(), Slot::Ready(v));
    }
    // Optional extracts: answered as "not published" so no fetch is attempted.
    for k in [
        "coverage_daily_ga.parquet",
        "funnel_daily_ga.parquet",
        "mmm_registry.parquet",
    ] {
        map.entry(k.to_owned())
            .or_insert(Slot::Failed(LoadError::NotPublished { file: k.into() }));
    }
    store.extracts.set(map);
    store
}

#[wasm_bindgen_test]
async fn the_error_box_says_what_which_file_and_what_to_do() {
    let root = container();
    let error = LoadError::Checksum {
        file: "journeys_touches_ga.parquet".into(),
        expected: "aa".into(),
        found: "bb".into(),
    };
    let handle = mount_to(
        root.clone(),
        move || view! { <ErrorBox error=error.clone()/> },
    );
    tick().await;
    let t = text(&root, ".error-box");
    assert!(t.contains("journeys_touches_ga.parquet"), "{t}");
    assert!(t.contains("What to do"), "{t}");
    drop(handle);
}

#[wasm_bindgen_test]
async fn the_attribution_page_recomputes_when_the_lookback_moves() {
    let root = container();
    let journeys = Arc::new(testdata::journeys_ga());
    let store = store_with(vec![(
        "journeys_touches_ga.parquet",
        Payload::Journeys(journeys),
    )]);
    let state = RwSignal::new(State::default());
    let handle = mount_to(root.clone(), move || {
        provide_context(store);
        provide_context(state);
        view! { <attribution::AttributionPage/> }
    });
    tick().await;
    let rows = root
        .query_selector_all("#attr-table tbody tr")
        .expect("rows")
        .length();
    assert!(rows > 3, "{rows} rows");
    let before = text(&root, "#attr-summary");
    assert!(before.contains("within 30 days"), "{before}");
    state.update(|s| s.attr.lookback_days = 7);
    tick().await;
    let after = text(&root, "#attr-summary");
    assert!(after.contains("within 7 days"), "{after}");
    assert_ne!(before, after);
    assert!(store.perf.with_untracked(|p| p.contains_key("attribute")));
    // The canvas was drawn.
    assert!(
        store
            .perf
            .with_untracked(|p| p.contains_key("redraw:attr-bars"))
    );
    drop(handle);
}

#[wasm_bindgen_test]
async fn a_failed_extract_shows_its_message_instead_of_the_page() {
    let root = container();
    let store = store_with(vec![]);
    store.extracts.update(|m| {
        m.insert(
            "funnel_events_ga.parquet".into(),
            Slot::Failed(LoadError::Download {
                file: "funnel_events_ga.parquet".into(),
                detail: "HTTP 500".into(),
            }),
        );
    });
    let state = RwSignal::new(State::default());
    let handle = mount_to(root.clone(), move || {
        provide_context(store);
        provide_context(state);
        view! { <funnels::FunnelsPage/> }
    });
    tick().await;
    let t = text(&root, "[role=alert]");
    assert!(
        t.contains("funnel_events_ga.parquet") && t.contains("HTTP 500"),
        "{t}"
    );
    drop(handle);
}

#[wasm_bindgen_test]
async fn the_mmm_page_fits_and_predicts() {
    let root = container();
    let spine = Arc::new(testdata::spine());
    let store = store_with(vec![("mmm_spine_weekly.parquet", Payload::Spine(spine))]);
    let state = RwSignal::new(State::default());
    let handle = mount_to(root.clone(), move || {
        provide_context(store);
        provide_context(state);
        view! { <mmm::MmmPage/> }
    });
    tick().await;
    assert!(text(&root, "#mmm-fit").contains("R²"));
    let zero: f64 = text(&root, "#mmm-prediction-value")
        .parse()
        .expect("number");
    assert!(
        zero.abs() < 1e-9,
        "no budget change, no predicted change: {zero}"
    );
    state.update(|s| {
        s.mmm
            .budget_pct
            .insert("media_ga_token_offer_emissions_usd".into(), 50);
    });
    tick().await;
    let changed: f64 = text(&root, "#mmm-prediction-value")
        .parse()
        .expect("number");
    assert!(changed != 0.0);
    drop(handle);
}
