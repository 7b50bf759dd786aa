//! The engine in WebAssembly, in headless Chromium (`wasm-bindgen-test`): reading the committed
//! sample extracts from bytes and computing over them gives the same numbers as natively, and bad
//! bytes give the engine's error, not a panic.
//!
//! Run with `cargo test -p mensura-engine --target wasm32-unknown-unknown --test wasm` (see
//! TESTING.md). On native targets this file is empty.
#![cfg(target_arch = "wasm32")]

use mensura_engine::attribution::{AttributionParams, DecayKernel, Journeys, Rule, attribute};
use mensura_engine::extract::{read_conversions, read_touches};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const CONVERSIONS: &[u8] = include_bytes!("../../../fixtures/sample/conversions_ga.parquet");
const TOUCHES: &[u8] = include_bytes!("../../../fixtures/sample/journeys_touches_ga.parquet");

fn journeys() -> Journeys {
    let c = read_conversions(
        "conversions_ga.parquet",
        bytes::Bytes::from_static(CONVERSIONS),
    )
    .expect("valid fixture");
    let t = read_touches(
        "journeys_touches_ga.parquet",
        bytes::Bytes::from_static(TOUCHES),
    )
    .expect("valid fixture");
    Journeys::new(&c, &t, "journeys_touches_ga.parquet").expect("valid fixture")
}

#[wasm_bindgen_test]
fn decodes_fixtures_and_credits_sum_to_tracked_conversions() {
    let j = journeys();
    assert!(j.touches() > 1_000);
    let out = attribute(
        &j,
        &AttributionParams {
            kernel: DecayKernel::EFolding { efold_days: 7.0 },
            ..AttributionParams::default()
        },
    )
    .expect("valid");
    let tracked: u64 = out.totals.iter().map(|t| t.tracked_conversions).sum();
    for rule in Rule::ALL {
        let total: f64 = out.rows.iter().map(|r| r.credit(rule)).sum();
        assert!(
            (total - tracked as f64).abs() < 1e-6,
            "{rule:?}: {total} vs {tracked}"
        );
    }
}

#[wasm_bindgen_test]
fn js_surface_round_trips_parameters_and_errors() {
    let j = mensura_engine::wasm::Journeys::new(
        "conversions_ga.parquet",
        CONVERSIONS,
        "journeys_touches_ga.parquet",
        TOUCHES,
    )
    .expect("valid fixture");
    let params = serde_wasm_bindgen::to_value(&AttributionParams {
        lookback_days: 7,
        ..AttributionParams::default()
    })
    .expect("serialisable");
    let out = j.attribute(params).expect("valid parameters");
    let rows = js_sys::Reflect::get(&out, &JsValue::from_str("rows")).expect("rows field");
    assert!(js_sys::Array::from(&rows).length() > 0);
    // A lookback beyond the extract is the engine's parameter error.
    let bad = serde_wasm_bindgen::to_value(&AttributionParams {
        lookback_days: 61,
        ..AttributionParams::default()
    })
    .expect("serialisable");
    assert!(j.attribute(bad).is_err());
    // Garbage bytes are an error naming the file.
    let err = mensura_engine::wasm::Journeys::new("broken.parquet", b"not parquet", "t", TOUCHES)
        .expect_err("garbage");
    let message =
        js_sys::Reflect::get(&JsValue::from(err), &JsValue::from_str("message")).expect("message");
    assert!(
        message
            .as_string()
            .unwrap_or_default()
            .starts_with("broken.parquet: not a readable Parquet file")
    );
}
