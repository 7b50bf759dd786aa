//! The engine in WebAssembly, in headless Chromium (`wasm-bindgen-test`): reading the committed
//! sample extracts from bytes and computing over them gives the same numbers as natively, and bad
//! bytes give the engine's error, not a panic.
//!
//! Run with `cargo test -p mensura-engine --features js --target wasm32-unknown-unknown --test wasm` (see
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

const EVENTS: &[u8] = include_bytes!("../../../fixtures/sample/funnel_events_ga.parquet");
const SPINE: &[u8] = include_bytes!("../../../fixtures/sample/mmm_spine_weekly.parquet");

fn get(value: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(value, &JsValue::from_str(key)).expect("field")
}

#[wasm_bindgen_test]
fn funnels_and_mmm_through_the_js_surface() {
    let events = mensura_engine::wasm::FunnelEvents::new("funnel_events_ga.parquet", EVENTS)
        .expect("valid fixture");
    assert!(events.event_kinds().iter().any(|k| k == "chain.topup"));
    let params = js_sys::JSON::parse(
        r#"{"steps":["mp.pageview","chain.swap_filled","chain.topup"],"window_s":2592000,"modes":{},"grouping":{"kind":"per_day"},"with_rows":false}"#,
    )
    .expect("json");
    let report = events.funnel(params).expect("valid funnel");
    assert_eq!(
        js_sys::Array::from(&get(&report, "users_per_level")).length(),
        4
    );

    let spine =
        mensura_engine::wasm::Spine::new("mmm_spine_weekly.parquet", SPINE).expect("valid fixture");
    assert_eq!(spine.weeks().len(), 105);
    let form = js_sys::JSON::parse(r#"{"kind":"geometric"}"#).expect("json");
    let adstock = spine
        .adstock("media_ga_token_offer_emissions_usd", 0.5, form)
        .expect("known column");
    assert_eq!(adstock.len(), 105);
    let params = js_sys::JSON::parse(&format!(
        r#"{{"as_of_date":{},"trailing_days":730,"form":{{"kind":"truncated","frame_rows":9}},"default_lambda":0.5,"lambda_by_media":{{}},"kpis":["gpay_topups_count"],"media":["ga_token_offer_emissions_usd"],"min_low_spend_weeks":6}}"#,
        spine.weeks()[104] + 7
    ))
    .expect("json");
    let rows = spine.baseline(params.clone()).expect("valid baseline");
    assert_eq!(js_sys::Array::from(&rows).length(), 1);
    let band = spine
        .low_spend_band("gpay_topups_count", "ga_token_offer_emissions_usd", params)
        .expect("valid band");
    assert!(js_sys::Array::from(&get(&band, "weeks")).length() > 100);
    let collinearity = js_sys::JSON::parse(&format!(
        r#"{{"as_of_date":{},"trailing_days":730,"high_corr_threshold":0.9}}"#,
        spine.weeks()[104] + 7
    ))
    .expect("json");
    let vif = spine.vif(collinearity).expect("valid");
    assert_eq!(js_sys::Array::from(&vif).length(), 8);
    // An unknown column is the engine's error, not a panic.
    assert!(spine.column("kpi_nope").is_err());
}
