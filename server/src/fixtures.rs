//! The committed warehouse fixtures (`fixtures/warehouse/`): a small publish made by the real
//! pipeline (synthetic data → build → publish on the embedded ClickHouse) from a fixed seed: the
//! extracts a deployment publishes, usable with no ClickHouse at all (`mensura tour` reads them;
//! the notebook is to move to them from `fixtures/sample`). `mensura fixtures` rewrites them; the
//! pipeline test fails when what the pipeline produces no longer matches them ([`differences`]).
//!
//! Bytes may legitimately differ between runs (ClickHouse sums floats in parallel, so the last bit
//! of a sum can change), so the comparison is by value: the same files, rows, columns and types,
//! strings and integers equal, floats within 1e-9 (relative to magnitudes above 1).

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Context, Result};
use arrow_array::cast::AsArray;
use arrow_array::types::Float64Type;
use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;
use bytes::Bytes;
use clap::Args;
use mensura_engine::date::{days_from_civil, format_date};
use mensura_synth::{CivilDate, SynthConfig};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::manifest::Manifest;
use crate::publish::{PublishOptions, publish};
use crate::stack::runner::format_timestamp;
use crate::stack::{BuildOptions, DEFAULT_LOOKBACKS, Project, Runner};
use crate::warehouse::{Embedded, EmbeddedOptions, Salt};

/// The salt of the fixtures (public on purpose: the fixtures are synthetic).
pub const FIXTURE_SALT: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

/// The synthetic data behind the fixtures.
pub fn synth_config() -> SynthConfig {
    SynthConfig {
        seed: 11,
        users: 160,
        gp_safes: 60,
        start: CivilDate::new(2025, 10, 1),
        days: 240,
        // The market tables cover the spine's two-year window (730 days before the build date).
        market_history_days: 500,
        ..SynthConfig::default()
    }
}

/// The build date of the fixtures: the day after the synthetic range.
pub fn as_of() -> i32 {
    let c = synth_config();
    days_from_civil(c.start.year, c.start.month, c.start.day) + c.days as i32
}

/// The fixed build time of the fixtures: midnight of [`as_of`], UTC.
pub fn built_at() -> i64 {
    i64::from(as_of()) * 86_400
}

/// Options of `mensura fixtures`.
#[derive(Debug, Clone, Args)]
pub struct FixturesArgs {
    /// Where to write them.
    #[arg(long, default_value = "fixtures/warehouse")]
    pub out: std::path::PathBuf,
}

/// The build options of the fixtures (and of the pipeline test that checks them).
pub fn build_options() -> BuildOptions {
    BuildOptions::new(as_of(), built_at())
}

/// The publish options of the fixtures into `out`.
pub fn publish_options(out: &Path) -> PublishOptions {
    PublishOptions {
        out: out.to_path_buf(),
        as_of: format_date(as_of()),
        built_at: format_timestamp(built_at()).replace(' ', "T") + "Z",
        min_cell: None,
        only: None,
    }
}

/// `mensura fixtures`: the whole pipeline in a temporary embedded ClickHouse, published to `out`.
pub async fn run(args: &FixturesArgs) -> Result<Manifest> {
    let tmp = std::env::temp_dir().join(format!("mensura-fixtures-{}", std::process::id()));
    let engine = Embedded::start(EmbeddedOptions::new(tmp.join("clickhouse"))).await?;
    let result = async {
        let wh = engine.warehouse();
        let salt = Salt::from_hex(FIXTURE_SALT)?;
        let project = Project::load(&DEFAULT_LOOKBACKS)?;
        crate::synth_cmd::load(&wh, &synth_config(), &salt, false).await?;
        Runner::new(wh.clone(), &project, Some(salt))
            .build(&build_options())
            .await?;
        publish(&wh, &project, &publish_options(&args.out)).await
    }
    .await;
    engine.shutdown().await?;
    let _ = std::fs::remove_dir_all(&tmp);
    result
}

/// How `got` (a fresh publish) differs from `want` (the committed fixtures), by value.
pub fn differences(want: &Path, got: &Path) -> Result<Vec<String>> {
    let mw = Manifest::read(want)?;
    let mg = Manifest::read(got)?;
    let mut out = Vec::new();
    for (what, a, b) in [
        ("schema_version", &mw.schema_version, &mg.schema_version),
        ("as_of_date", &mw.as_of_date, &mg.as_of_date),
        ("built_at", &mw.built_at, &mg.built_at),
    ] {
        if a != b {
            out.push(format!("manifest {what}: {a} vs {b}"));
        }
    }
    let names = |m: &Manifest| {
        m.files
            .iter()
            .map(|f| f.name.clone())
            .collect::<BTreeSet<_>>()
    };
    if names(&mw) != names(&mg) {
        out.push(format!(
            "files differ: {:?} vs {:?}",
            names(&mw),
            names(&mg)
        ));
    }
    for f in &mw.files {
        let Some(g) = mg.file(&f.name) else { continue };
        if (f.rows, &f.extract, &f.sector, &f.lookbacks)
            != (g.rows, &g.extract, &g.sector, &g.lookbacks)
        {
            out.push(format!("{}: manifest entry differs", f.name));
            continue;
        }
        let a = read(&want.join(&f.name))?;
        let b = read(&got.join(&f.name))?;
        out.extend(compare(&f.name, &a, &b));
    }
    Ok(out)
}

fn read(path: &Path) -> Result<Vec<RecordBatch>> {
    let bytes =
        Bytes::from(std::fs::read(path).with_context(|| format!("reading {}", path.display()))?);
    ParquetRecordBatchReaderBuilder::try_new(bytes)?
        .build()?
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("decoding {}", path.display()))
}

/// One batch holding every row (the fixtures are small).
fn concat(batches: &[RecordBatch]) -> Option<RecordBatch> {
    let schema = batches.first()?.schema();
    arrow_select::concat::concat_batches(&schema, batches).ok()
}

fn compare(name: &str, a: &[RecordBatch], b: &[RecordBatch]) -> Vec<String> {
    let (Some(a), Some(b)) = (concat(a), concat(b)) else {
        return if a.iter().map(RecordBatch::num_rows).sum::<usize>()
            == b.iter().map(RecordBatch::num_rows).sum::<usize>()
        {
            Vec::new()
        } else {
            vec![format!("{name}: row counts differ")]
        };
    };
    if a.schema().fields() != b.schema().fields() {
        return vec![format!(
            "{name}: schemas differ: {:?} vs {:?}",
            a.schema(),
            b.schema()
        )];
    }
    let mut out = Vec::new();
    for (i, field) in a.schema().fields().iter().enumerate() {
        let (x, y) = (a.column(i), b.column(i));
        let same = match field.data_type() {
            DataType::Float64 => {
                let (x, y) = (
                    x.as_primitive::<Float64Type>(),
                    y.as_primitive::<Float64Type>(),
                );
                (0..x.len()).all(|r| match (x.is_null(r), y.is_null(r)) {
                    (true, true) => true,
                    (false, false) => {
                        let (p, q) = (x.value(r), y.value(r));
                        (p.is_nan() && q.is_nan())
                            || (p - q).abs() <= 1e-9 * p.abs().max(q.abs()).max(1.0)
                    }
                    _ => false,
                })
            }
            _ => x.to_data() == y.to_data(),
        };
        if !same {
            out.push(format!("{name}.{}: values differ", field.name()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn committed() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/warehouse")
    }

    #[test]
    fn the_fixtures_equal_themselves_and_a_changed_copy_differs() {
        assert_eq!(
            differences(&committed(), &committed()).expect("compares"),
            Vec::<String>::new()
        );
        let tmp = tempfile::tempdir().expect("a temporary directory");
        for entry in std::fs::read_dir(committed()).expect("fixtures").flatten() {
            std::fs::copy(entry.path(), tmp.path().join(entry.file_name())).expect("copy");
        }
        // Another lookback's mart in place of the 30-day one: same schema and rows, other values.
        std::fs::copy(
            committed().join("attribution_ga_14d.parquet"),
            tmp.path().join("attribution_ga_30d.parquet"),
        )
        .expect("copy");
        let d = differences(&committed(), tmp.path()).expect("compares");
        assert!(
            d.iter()
                .any(|d| d.starts_with("attribution_ga_30d.parquet.")),
            "{d:?}"
        );
    }
}
