//! Integration tests of mensura-synth through its public API.

mod chunks;
mod config;
mod determinism;
mod edge;
mod props;
mod schema;
mod shapes;
mod support;
