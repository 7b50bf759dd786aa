//! # mensura (server)
//!
//! The `mensura` binary's library: the engine commands over extracts (`analyze`), the sample
//! extracts (`sample`), the published-data manifest (`manifest`), tabular output (`output`), and the
//! ClickHouse side (`warehouse`). `main.rs` only parses the command line and dispatches here.

pub mod analyze;
pub mod demo;
pub mod fixtures;
pub mod manifest;
pub mod output;
pub mod publish;
pub mod sample;
pub mod serve;
pub mod stack;
pub mod stack_cmd;
pub mod synth_cmd;
pub mod tour;
pub mod warehouse;
