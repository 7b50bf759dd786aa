#![cfg(not(target_arch = "wasm32"))]
//! Integration tests of the engine through its public API (one binary, one module per area).

mod attribution;
mod common;
mod extract;
#[cfg(feature = "synth")]
mod reference;
