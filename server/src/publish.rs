//! `mensura publish`: the privacy-safe Parquet extracts of the built stack, and their manifest.
//!
//! Each extract is one `.sql` file in `server/models/extracts/` (header + SELECT, like a model).
//! The publisher runs it in ClickHouse (`FORMAT Parquet`, snappy), re-encodes the result in Rust
//! to add the file metadata ClickHouse cannot write (`mensura.schema_version`, and
//! `mensura.max_lookback_days` on touch files) with row groups sized for the browser, checks it
//! with the engine's own reader where one exists (so the browser can read what is published), and
//! writes it with its entry in `manifest.json`. The whole directory is written beside the target
//! and moved into place at the end, so a failed publish leaves the previous one intact.
//!
//! The privacy boundary is enforced here as well as in the SQL: a column whose name says it holds
//! an identity (`user_pseudonym`, `address`, `*_address`, `gp_safe`, `salt`) stops the publish;
//! internal-only models (the identity bridges) cannot be asked for; and `--min-cell K` drops the
//! aggregate rows describing fewer than K users, recording how many in the manifest.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use bytes::Bytes;
use include_dir::{Dir, include_dir};
use mensura_engine::extract::{
    MAX_LOOKBACK_KEY, SCHEMA_VERSION, SCHEMA_VERSION_KEY, read_conversions, read_funnel_events,
    read_spine, read_touches,
};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::Compression;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use serde::Deserialize;

use crate::manifest::{Manifest, ManifestFile, sha256_hex};
use crate::stack::Project;
use crate::stack::model::{LOOKBACK_TOKEN, fill_lookback, split_header};
use crate::warehouse::{Params, Warehouse};

static EXTRACTS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/models/extracts");

/// Rows per row group of a published file (DESIGN §3: 100 k – 1 M).
pub const ROW_GROUP_ROWS: usize = 256 * 1024;

/// Column names that must never leave ClickHouse.
const FORBIDDEN_COLUMNS: [&str; 4] = ["user_pseudonym", "address", "gp_safe", "salt"];

/// Which engine reader checks a published file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    Conversions,
    Touches,
    FunnelEvents,
    Spine,
    /// A mart published as built: any columns (still checked for identities).
    Table,
}

/// One extract definition (a template is instantiated per lookback).
#[derive(Debug, Clone)]
pub struct Extract {
    /// File stem, e.g. `journeys_touches_ga` or `attribution_ga_30d`.
    pub name: String,
    /// The manifest's `extract`, e.g. `journeys_touches`.
    pub kind: String,
    /// `ga`, `gp` or `mmm`.
    pub sector: String,
    pub check: Check,
    /// The ORDER BY of the file (the reader's sort order).
    pub order_by: String,
    /// Binds `{max_lookback:UInt32}` and writes `mensura.max_lookback_days`.
    pub max_lookback: bool,
    /// The column counting distinct users of an aggregate row, for `--min-cell`.
    pub min_cell: Option<String>,
    /// The lookback of a template instance.
    pub lookback: Option<u32>,
    pub sql: String,
}

impl Extract {
    /// Parses `text` (the file `name.sql`) and instantiates it for `lookbacks` if it is a template.
    pub fn parse(file: &str, text: &str, lookbacks: &[u32]) -> Result<Vec<Extract>> {
        let (mut h, sql) = split_header(text).map_err(|e| anyhow!("extracts/{file}: {e}"))?;
        let mut need = |key: &str| {
            h.remove(key)
                .ok_or_else(|| anyhow!("extracts/{file}: missing header `-- {key}:`"))
        };
        let name = need("extract")?;
        let kind = need("kind")?;
        let sector = need("sector")?;
        let order_by = need("order_by")?;
        let check = match need("check")?.as_str() {
            "conversions" => Check::Conversions,
            "touches" => Check::Touches,
            "funnel_events" => Check::FunnelEvents,
            "spine" => Check::Spine,
            "table" => Check::Table,
            other => bail!(
                "extracts/{file}: check `{other}`: expected conversions, touches, funnel_events, spine or table"
            ),
        };
        let max_lookback = h.remove("max_lookback").as_deref() == Some("true");
        let min_cell = h.remove("min_cell");
        if format!("{name}.sql") != file {
            bail!("extracts/{file}: header names the extract `{name}`");
        }
        if sql.is_empty() || sql.ends_with(';') {
            bail!("extracts/{file}: expected one SELECT without a trailing `;`");
        }
        let base = Extract {
            name: name.clone(),
            kind,
            sector,
            check,
            order_by,
            max_lookback,
            min_cell,
            lookback: None,
            sql,
        };
        if !name.contains(LOOKBACK_TOKEN) {
            return Ok(vec![base]);
        }
        Ok(lookbacks
            .iter()
            .map(|&n| Extract {
                name: fill_lookback(&base.name, n),
                lookback: Some(n),
                sql: fill_lookback(&base.sql, n),
                ..base.clone()
            })
            .collect())
    }

    /// Every extract compiled into the binary, for `lookbacks`.
    pub fn all(lookbacks: &[u32]) -> Result<Vec<Extract>> {
        let mut files: Vec<_> = EXTRACTS
            .files()
            .filter(|f| f.path().extension().is_some_and(|e| e == "sql"))
            .collect();
        files.sort_by_key(|f| f.path().to_path_buf());
        let mut out = Vec::new();
        for f in files {
            let file = f.path().to_string_lossy().into_owned();
            let text = f
                .contents_utf8()
                .ok_or_else(|| anyhow!("extracts/{file} is not UTF-8"))?;
            out.extend(Extract::parse(&file, text, lookbacks)?);
        }
        Ok(out)
    }
}

/// What to publish and how.
#[derive(Debug, Clone)]
pub struct PublishOptions {
    pub out: PathBuf,
    /// `YYYY-MM-DD`: the build's as_of (binds `{as_of:Date}`).
    pub as_of: String,
    /// RFC 3339 time written in the manifest.
    pub built_at: String,
    /// Drop aggregate rows with fewer than this many distinct users.
    pub min_cell: Option<u64>,
    /// Publish only these extracts (by name); `None`: all.
    pub only: Option<Vec<String>>,
}

/// Publishes the extracts of `project`'s built stack from `wh` into `opts.out`.
pub async fn publish(wh: &Warehouse, project: &Project, opts: &PublishOptions) -> Result<Manifest> {
    let max_lookback = *project
        .lookbacks
        .iter()
        .max()
        .ok_or_else(|| anyhow!("no lookbacks configured"))?;
    let mut extracts = Extract::all(&project.lookbacks)?;
    if let Some(only) = &opts.only {
        for name in only {
            if let Some(m) = project.model(name) {
                if m.internal_only {
                    bail!(
                        "{name} is internal-only (it holds raw addresses): it is never published"
                    );
                }
                bail!(
                    "{name} is a model, not an extract; extracts are: {}",
                    names(&extracts)
                );
            }
            if !extracts.iter().any(|e| &e.name == name) {
                bail!(
                    "there is no extract called {name}; extracts are: {}",
                    names(&extracts)
                );
            }
        }
        extracts.retain(|e| only.contains(&e.name));
    }
    for e in &extracts {
        for m in project.models.iter().filter(|m| m.internal_only) {
            if e.sql.contains(&m.name) {
                bail!("extract {} reads internal-only {}: refused", e.name, m.name);
            }
        }
    }

    let staging = sibling(&opts.out, "publishing")?;
    if staging.exists() {
        std::fs::remove_dir_all(&staging)
            .with_context(|| format!("removing {}", staging.display()))?;
    }
    std::fs::create_dir_all(&staging).with_context(|| format!("creating {}", staging.display()))?;

    let mut files = Vec::new();
    for e in &extracts {
        let entry = publish_one(wh, e, opts, max_lookback, &project.lookbacks, &staging)
            .await
            .with_context(|| format!("publishing {}", e.name))?;
        files.push(entry);
    }
    let manifest = Manifest {
        stack_version: env!("CARGO_PKG_VERSION").to_string(),
        schema_version: SCHEMA_VERSION.to_string(),
        source: "warehouse".to_string(),
        built_at: opts.built_at.clone(),
        as_of_date: opts.as_of.clone(),
        min_cell: opts.min_cell,
        files,
    };
    manifest.write(&staging)?;
    replace_dir(&staging, &opts.out)?;
    Ok(manifest)
}

fn names(extracts: &[Extract]) -> String {
    extracts
        .iter()
        .map(|e| e.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

async fn publish_one(
    wh: &Warehouse,
    e: &Extract,
    opts: &PublishOptions,
    max_lookback: u32,
    lookbacks: &[u32],
    dir: &Path,
) -> Result<ManifestFile> {
    let mut params = Params::new();
    if e.sql.contains("{as_of:Date}") {
        params = params.bind("as_of", &opts.as_of);
    }
    if e.sql.contains("{max_lookback:UInt32}") {
        params = params.bind("max_lookback", max_lookback);
    }
    let (filter, suppressed) = match (&e.min_cell, opts.min_cell) {
        (Some(col), Some(k)) if k > 1 => {
            #[derive(Deserialize)]
            struct Count {
                n: u64,
            }
            let rows: Vec<Count> = wh
                .query_rows(
                    &format!("SELECT count() AS n FROM ({}) WHERE {col} < {k}", e.sql),
                    &params,
                )
                .await?;
            (
                format!(" WHERE {col} >= {k}"),
                Some(rows.first().map_or(0, |c| c.n)),
            )
        }
        _ => (String::new(), None),
    };
    let sql = format!("SELECT * FROM ({}){filter} ORDER BY {}", e.sql, e.order_by);
    let raw = wh
        .clone()
        .with_setting("output_format_parquet_compression_method", "snappy")
        .with_setting("output_format_parquet_string_as_string", "1")
        .query_bytes(&sql, &params, "Parquet")
        .await?;
    let mut metadata = vec![(SCHEMA_VERSION_KEY.to_string(), SCHEMA_VERSION.to_string())];
    if e.max_lookback {
        metadata.push((MAX_LOOKBACK_KEY.to_string(), max_lookback.to_string()));
    }
    let (bytes, rows) = reencode(&e.name, raw, &metadata)?;
    let bytes = Bytes::from(bytes);
    let file = format!("{}.parquet", e.name);
    check(e, &file, bytes.clone())?;
    std::fs::write(dir.join(&file), &bytes).with_context(|| format!("writing {file}"))?;
    let lookbacks = if e.max_lookback {
        lookbacks.to_vec()
    } else {
        e.lookback.map(|n| vec![n]).unwrap_or_default()
    };
    Ok(ManifestFile {
        name: file,
        extract: e.kind.clone(),
        schema_version: SCHEMA_VERSION.to_string(),
        sector: e.sector.clone(),
        rows,
        bytes: bytes.len() as u64,
        sha256: sha256_hex(&bytes),
        lookbacks,
        as_of_date: opts.as_of.clone(),
        built_at: opts.built_at.clone(),
        suppressed_rows: suppressed,
    })
}

/// Rewrites ClickHouse's Parquet with Mensura's metadata, snappy and browser-sized row groups;
/// refuses identity columns. Returns the bytes and the row count.
pub fn reencode(name: &str, raw: Bytes, metadata: &[(String, String)]) -> Result<(Vec<u8>, u64)> {
    let reader = ParquetRecordBatchReaderBuilder::try_new(raw)
        .with_context(|| format!("{name}: ClickHouse's Parquet output cannot be read"))?
        .with_batch_size(64 * 1024)
        .build()?;
    let schema = arrow_array::RecordBatchReader::schema(&reader);
    for field in schema.fields() {
        let lower = field.name().to_ascii_lowercase();
        if FORBIDDEN_COLUMNS.contains(&lower.as_str())
            || lower.ends_with("_address")
            || lower.contains("pseudonym")
        {
            bail!(
                "{name}: column `{}` would publish an identity; extracts carry surrogate ids only",
                field.name()
            );
        }
    }
    // ClickHouse attaches its own Arrow schema metadata; the published file carries only ours.
    let schema = std::sync::Arc::new(arrow_schema::Schema::new(schema.fields().clone()));
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .set_key_value_metadata(Some(
            metadata
                .iter()
                .map(|(k, v)| KeyValue::new(k.clone(), v.clone()))
                .collect(),
        ))
        .build();
    let mut out = Vec::new();
    let mut writer = ArrowWriter::try_new(&mut out, schema.clone(), Some(props))?;
    let mut rows = 0u64;
    for batch in reader {
        let batch = batch?;
        rows += batch.num_rows() as u64;
        let batch = arrow_array::RecordBatch::try_new(schema.clone(), batch.columns().to_vec())?;
        writer.write(&batch)?;
    }
    writer.close()?;
    Ok((out, rows))
}

/// Reads a published file back with the engine's reader for its kind.
fn check(e: &Extract, file: &str, bytes: Bytes) -> Result<()> {
    match e.check {
        Check::Conversions => read_conversions(file, bytes).map(|_| ())?,
        Check::Touches => read_touches(file, bytes).map(|_| ())?,
        Check::FunnelEvents => read_funnel_events(file, bytes).map(|_| ())?,
        Check::Spine => read_spine(file, bytes).map(|_| ())?,
        Check::Table => {}
    }
    Ok(())
}

/// `<dir>.<what>` beside `dir`.
fn sibling(dir: &Path, what: &str) -> Result<PathBuf> {
    let name = dir
        .file_name()
        .ok_or_else(|| anyhow!("{} is not a directory name", dir.display()))?;
    Ok(dir.with_file_name(format!(".{}.{what}", name.to_string_lossy())))
}

/// Moves `staging` to `target`, replacing what was there.
fn replace_dir(staging: &Path, target: &Path) -> Result<()> {
    if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    if target.exists() {
        let old = sibling(target, "previous")?;
        if old.exists() {
            std::fs::remove_dir_all(&old)?;
        }
        std::fs::rename(target, &old)
            .with_context(|| format!("moving {} aside", target.display()))?;
        std::fs::rename(staging, target)
            .with_context(|| format!("moving the new extracts to {}", target.display()))?;
        std::fs::remove_dir_all(&old)?;
    } else {
        std::fs::rename(staging, target)
            .with_context(|| format!("moving the new extracts to {}", target.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_instantiate_per_lookback() {
        let text = "-- extract: attribution_ga_{N}d\n-- kind: attribution\n-- sector: ga\n-- check: table\n-- order_by: conversion_kind\n-- min_cell: conversions_with_touch\nSELECT * FROM fct_x_{N}d";
        let e = Extract::parse("attribution_ga_{N}d.sql", text, &[7, 30]).expect("a value");
        assert_eq!(e.len(), 2);
        assert_eq!(e[1].name, "attribution_ga_30d");
        assert_eq!(e[1].sql, "SELECT * FROM fct_x_30d");
        assert_eq!(e[0].min_cell.as_deref(), Some("conversions_with_touch"));
    }

    #[test]
    fn the_compiled_extracts_parse() {
        let all = Extract::all(&[7, 14, 30, 60]).expect("a value");
        assert!(all.iter().any(|e| e.name == "journeys_touches_ga"));
    }
}
