//! The JavaScript surface of the engine (wasm32 only): DTOs in and out, one error conversion, a
//! panic hook. No logic lives here; every function forwards to the engine.
//!
//! Parameters and results cross the boundary as plain JavaScript objects through
//! `serde-wasm-bindgen`, with the same field names as the Rust types (`lookback_days`,
//! `kernel: { kind: "half_life", half_life_days: 7 }`, …). Errors become `Error` objects whose
//! message is the engine's error text (file, column and what was expected).

use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;

use crate::attribution::{self, AttributionParams, Journeys as EngineJourneys, SweepParams};
use crate::extract;

/// Installs the panic hook so that a bug shows a readable message in the console.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("cannot convert the result for JavaScript: {e}")))
}

fn from_js<T: DeserializeOwned>(what: &str, value: JsValue) -> Result<T, JsError> {
    serde_wasm_bindgen::from_value(value).map_err(|e| JsError::new(&format!("invalid {what}: {e}")))
}

fn engine(e: crate::Error) -> JsError {
    JsError::new(&e.to_string())
}

/// Conversions and touches of one sector, joined and ready for attribution.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Journeys(EngineJourneys);

#[wasm_bindgen]
impl Journeys {
    /// Reads and joins a conversions extract and a touch extract (bytes as fetched).
    #[wasm_bindgen(constructor)]
    pub fn new(
        conversions_name: &str,
        conversions: &[u8],
        touches_name: &str,
        touches: &[u8],
    ) -> Result<Journeys, JsError> {
        let c =
            extract::read_conversions(conversions_name, bytes::Bytes::copy_from_slice(conversions))
                .map_err(engine)?;
        let t = extract::read_touches(touches_name, bytes::Bytes::copy_from_slice(touches))
            .map_err(engine)?;
        EngineJourneys::new(&c, &t, touches_name)
            .map(Self)
            .map_err(engine)
    }

    /// Number of conversion keys.
    pub fn conversions(&self) -> usize {
        self.0.conversions()
    }

    /// Number of touches.
    pub fn touches(&self) -> usize {
        self.0.touches()
    }

    /// The longest lookback the extract supports, in days.
    #[wasm_bindgen(js_name = maxLookbackDays)]
    pub fn max_lookback_days(&self) -> u32 {
        self.0.max_lookback_days()
    }

    /// Attribution with the given parameters (an `AttributionParams` object; missing fields take
    /// their defaults).
    pub fn attribute(&self, params: JsValue) -> Result<JsValue, JsError> {
        let params: AttributionParams = from_js("attribution parameters", params)?;
        to_js(&attribution::attribute(&self.0, &params).map_err(engine)?)
    }

    /// A sensitivity sweep (a `SweepParams` object).
    pub fn sweep(&self, params: JsValue) -> Result<JsValue, JsError> {
        let params: SweepParams = from_js("sweep parameters", params)?;
        to_js(&attribution::sweep(&self.0, &params).map_err(engine)?)
    }
}

/// Funnel-step events, decoded once.
#[wasm_bindgen]
#[derive(Debug)]
pub struct FunnelEvents(crate::table::FunnelEvents);

#[wasm_bindgen]
impl FunnelEvents {
    /// Reads a `funnel_events_ga` extract.
    #[wasm_bindgen(constructor)]
    pub fn new(name: &str, bytes: &[u8]) -> Result<FunnelEvents, JsError> {
        extract::read_funnel_events(name, bytes::Bytes::copy_from_slice(bytes))
            .map(Self)
            .map_err(engine)
    }

    /// Number of events.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are no events.
    #[wasm_bindgen(js_name = isEmpty)]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Distinct event kinds, sorted.
    #[wasm_bindgen(js_name = eventKinds)]
    pub fn event_kinds(&self) -> Vec<String> {
        let mut kinds = self.0.event_kind.values.clone();
        kinds.sort();
        kinds
    }

    /// A funnel report (a `FunnelParams` object).
    pub fn funnel(&self, params: JsValue) -> Result<JsValue, JsError> {
        let params: crate::funnel::FunnelParams = from_js("funnel parameters", params)?;
        to_js(&crate::funnel::funnel(&self.0, &params).map_err(engine)?)
    }
}

/// The MMM weekly spine, decoded once.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Spine(crate::table::Spine);

#[wasm_bindgen]
impl Spine {
    /// Reads an `mmm_spine_weekly` extract.
    #[wasm_bindgen(constructor)]
    pub fn new(name: &str, bytes: &[u8]) -> Result<Spine, JsError> {
        extract::read_spine(name, bytes::Bytes::copy_from_slice(bytes))
            .map(Self)
            .map_err(engine)
    }

    /// Mondays, as days since 1970-01-01.
    pub fn weeks(&self) -> Vec<i32> {
        self.0.week.clone()
    }

    /// Column names, in file order.
    pub fn columns(&self) -> Vec<String> {
        self.0.columns.iter().map(|c| c.name.clone()).collect()
    }

    /// One column's values (`null` for NULL), or an error naming the unknown column.
    pub fn column(&self, name: &str) -> Result<JsValue, JsError> {
        let column = self
            .0
            .column(name)
            .ok_or_else(|| JsError::new(&format!("the spine has no column `{name}`")))?;
        to_js(&column.values)
    }

    /// The adstock of one column with retention `lambda`, in the given form (an `AdstockForm`
    /// object: `{kind: "truncated", frame_rows: 9}` or `{kind: "geometric"}`).
    pub fn adstock(&self, name: &str, lambda: f64, form: JsValue) -> Result<Vec<f64>, JsError> {
        let form: crate::mmm::adstock::AdstockForm = from_js("adstock form", form)?;
        let column = self
            .0
            .column(name)
            .ok_or_else(|| JsError::new(&format!("the spine has no column `{name}`")))?;
        form.apply(&column.values, lambda).map_err(engine)
    }

    /// The weekly adstock and low-spend weeks of one (KPI, media) pair, for the baseline band
    /// (registry names without prefix, and a `BaselineParams` object).
    #[wasm_bindgen(js_name = lowSpendBand)]
    pub fn low_spend_band(
        &self,
        kpi: &str,
        media: &str,
        params: JsValue,
    ) -> Result<JsValue, JsError> {
        let params: crate::mmm::baseline::BaselineParams = from_js("baseline parameters", params)?;
        to_js(&crate::mmm::baseline::low_spend_band(&self.0, kpi, media, &params).map_err(engine)?)
    }

    /// Bottom-decile baselines (a `BaselineParams` object).
    pub fn baseline(&self, params: JsValue) -> Result<JsValue, JsError> {
        let params: crate::mmm::baseline::BaselineParams = from_js("baseline parameters", params)?;
        to_js(&crate::mmm::baseline::baseline(&self.0, &params).map_err(engine)?)
    }

    /// Pairwise Pearson correlations of the media columns (a `CollinearityParams` object).
    pub fn collinearity(&self, params: JsValue) -> Result<JsValue, JsError> {
        let params: crate::mmm::collinearity::CollinearityParams =
            from_js("collinearity parameters", params)?;
        to_js(&crate::mmm::collinearity::pairs(&self.0, &params).map_err(engine)?)
    }

    /// Variance inflation factors of the media columns (a `CollinearityParams` object).
    pub fn vif(&self, params: JsValue) -> Result<JsValue, JsError> {
        let params: crate::mmm::collinearity::CollinearityParams =
            from_js("collinearity parameters", params)?;
        to_js(&crate::mmm::collinearity::vif(&self.0, &params).map_err(engine)?)
    }
}

/// Decodes a touch extract and returns its row count: the decode step alone, for timing pages.
#[wasm_bindgen(js_name = decodeTouches)]
pub fn decode_touches(name: &str, bytes: &[u8]) -> Result<usize, JsError> {
    extract::read_touches(name, bytes::Bytes::copy_from_slice(bytes))
        .map(|t| t.touches.len())
        .map_err(engine)
}
