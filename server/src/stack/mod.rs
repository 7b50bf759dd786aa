//! # The measurement stack in ClickHouse
//!
//! The models (`server/models/`, one `.sql` file each, conventions in `server/models/README.md`),
//! the seeds (`server/seeds/`) and the data tests (`server/models/<sector>/tests.toml`) are
//! compiled into the binary and assembled into a [`Project`]: every model instantiated for the
//! configured lookbacks and put in dependency order. The [`Runner`] materializes them in a
//! ClickHouse database (embedded chDB or a server: the same [`Warehouse`](crate::warehouse::Warehouse));
//! [`run_tests`] runs the data tests.
//!
//! - [`model`]: one model file (header + SELECT) and template instantiation;
//! - [`project`]: loading, checking and ordering everything;
//! - [`plan`]: months, batches and the retry policy (pure);
//! - [`runner`]: materialization with batches, retries and resumption;
//! - [`datatest`]: the data tests, compiled to failing-row queries, and their runner.

pub mod datatest;
pub mod model;
pub mod plan;
pub mod project;
pub mod runner;

pub use datatest::{DataTest, Severity, TestOutcome, TestReport, run_tests};
pub use model::{Materialized, Model};
pub use plan::{Batch, Month, RetryPolicy};
pub use project::{DEFAULT_LOOKBACKS, Project};
pub use runner::{BuildOptions, BuildReport, ModelReport, Runner};
