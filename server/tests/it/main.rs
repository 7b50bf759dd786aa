//! The server's integration tests: one binary (`cargo test -p mensura --test it`), one module per
//! area. Tests that need ClickHouse start their own embedded engine (chDB, see `scripts/setup`) in
//! a temporary directory and stop it when they end, even on failure.

mod cli;
mod pipeline;
mod scenarios;
mod serve;
mod stack_cli;
mod warehouse;
