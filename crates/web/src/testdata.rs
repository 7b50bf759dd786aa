//! The committed fixtures (a real publish of the pipeline, `fixtures/warehouse/`), embedded for tests (natively and in the browser).

use bytes::Bytes;
use mensura_engine::attribution::Journeys;
use mensura_engine::extract;
use mensura_engine::table::{FunnelEvents, Spine};

#[cfg_attr(
    not(target_arch = "wasm32"),
    expect(dead_code, reason = "used by the component tests in the browser")
)]
pub const MANIFEST: &[u8] = include_bytes!("../../../fixtures/warehouse/manifest.json");
pub const CONVERSIONS_GA: &[u8] =
    include_bytes!("../../../fixtures/warehouse/conversions_ga.parquet");
pub const TOUCHES_GA: &[u8] =
    include_bytes!("../../../fixtures/warehouse/journeys_touches_ga.parquet");
pub const FUNNEL_EVENTS: &[u8] =
    include_bytes!("../../../fixtures/warehouse/funnel_events_ga.parquet");
pub const SPINE: &[u8] = include_bytes!("../../../fixtures/warehouse/mmm_spine_weekly.parquet");

pub fn journeys_ga() -> Journeys {
    let c = extract::read_conversions("conversions_ga.parquet", Bytes::from_static(CONVERSIONS_GA))
        .expect("conversions");
    let t = extract::read_touches(
        "journeys_touches_ga.parquet",
        Bytes::from_static(TOUCHES_GA),
    )
    .expect("touches");
    Journeys::new(&c, &t, "journeys_touches_ga.parquet").expect("journeys")
}

pub fn funnel_events() -> FunnelEvents {
    extract::read_funnel_events(
        "funnel_events_ga.parquet",
        Bytes::from_static(FUNNEL_EVENTS),
    )
    .expect("events")
}

pub fn spine() -> Spine {
    extract::read_spine("mmm_spine_weekly.parquet", Bytes::from_static(SPINE)).expect("spine")
}
