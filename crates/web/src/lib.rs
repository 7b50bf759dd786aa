//! # mensura-web
//!
//! The notebook: the page marketers use to explore the published extracts. It loads
//! `manifest.json` and the Parquet extracts it lists, runs `mensura-engine` in the page (compiled
//! to WebAssembly together with this crate, as a plain Rust dependency), and draws with plotters
//! on `<canvas>`. Three pages: Attribution, Funnels and Marketing mix (MMM) with a what-if model.
//!
//! The crate is split so that everything but the DOM is plain Rust, tested natively:
//! - [`state`]: every control of every page, and its versioned URL encoding;
//! - [`data`]: the manifest, the checks of downloaded files, the errors a reader sees;
//! - [`marts`]: readers of the published marts the engine does not type;
//! - [`analysis`]: from engine results and controls to the numbers a page shows;
//! - [`model`]: the what-if ridge regression on adstocked, saturated media;
//! - [`charts`]: plotters drawing functions, generic over the backend;
//! - [`format`]: numbers for people;
//! - `ui` (WebAssembly only): the Leptos components, data loading with `fetch`, the canvas.

pub mod analysis;
pub mod charts;
pub mod data;
pub mod format;
pub mod marts;
pub mod model;
pub mod state;
#[cfg(test)]
mod testdata;
#[cfg(target_arch = "wasm32")]
pub mod ui;
