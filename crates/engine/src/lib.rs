//! # mensura-engine
//!
//! The measurement math of Mensura, over the published Parquet extracts (schema v1,
//! `docs/extracts.md`): multi-touch attribution, ClickHouse-exact funnels, and the MMM pieces
//! (adstock, bottom-decile baselines, collinearity).
//!
//! The engine is pure: it takes bytes or typed columns and returns values. It does no I/O, reads no
//! clock, starts no threads and keeps no globals, so the same code runs natively (the `mensura`
//! CLI, the parity tests) and in the browser (WebAssembly; the `js` feature adds the JavaScript
//! surface, `wasm` module).

pub mod attribution;
pub mod date;
pub mod error;
pub mod extract;
pub mod funnel;
pub mod mmm;
#[cfg(feature = "synth")]
pub mod synth;
pub mod table;
#[cfg(all(target_arch = "wasm32", feature = "js"))]
pub mod wasm;

pub use error::{Error, Result};
