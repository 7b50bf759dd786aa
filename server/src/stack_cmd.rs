//! The ClickHouse commands of the CLI: `build` and `test` (and the connection options every
//! warehouse command shares).

use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use clap::Args;
use mensura_engine::date::{format_date, parse_date};
use serde::Deserialize;

use crate::analyze::parse_list;
use crate::output::{Cell, Format, Table};
use crate::stack::{
    BuildOptions, BuildReport, DEFAULT_LOOKBACKS, Month, Project, Runner, TestReport, run_tests,
};
use crate::warehouse::{Embedded, EmbeddedOptions, Params, Salt, Warehouse};

/// Where the stack lives: the embedded ClickHouse (default) or a server by URL.
#[derive(Debug, Clone, Args)]
pub struct WarehouseArgs {
    /// A ClickHouse server: http[s]://user:password@host:8123[/database]. Without it, Mensura
    /// runs the embedded ClickHouse (chDB) on --data-dir.
    #[arg(long, env = "CLICKHOUSE_URL", hide_env_values = true)]
    pub clickhouse_url: Option<String>,
    /// The embedded ClickHouse's data directory.
    #[arg(long, default_value = ".mensura/clickhouse")]
    pub data_dir: PathBuf,
    /// The database holding the stack (default: the URL's database, else `mensura`).
    #[arg(long)]
    pub database: Option<String>,
}

/// An open connection; stop it with [`Connection::close`].
#[derive(Debug)]
pub struct Connection {
    pub wh: Warehouse,
    embedded: Option<Embedded>,
}

impl WarehouseArgs {
    /// Connects (starting the embedded engine if no URL is given) and selects the database,
    /// creating it if needed.
    pub async fn connect(&self) -> Result<Connection> {
        let (base, embedded, url_db) = match &self.clickhouse_url {
            Some(url) => {
                let wh = Warehouse::remote(url)?;
                let db = url::Url::parse(url)
                    .ok()
                    .map(|u| u.path().trim_matches('/').to_string())
                    .filter(|p| !p.is_empty());
                (wh, None, db)
            }
            None => {
                let engine = Embedded::start(EmbeddedOptions::new(&self.data_dir)).await?;
                (engine.warehouse(), Some(engine), None)
            }
        };
        let database = self
            .database
            .clone()
            .or(url_db)
            .unwrap_or_else(|| "mensura".to_string());
        if !database
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
            || database.is_empty()
        {
            bail!("--database {database:?}: expected letters, digits and underscores");
        }
        // The URL's database may not exist yet: create it from `default`.
        base.clone()
            .with_database("default")
            .execute(&format!("CREATE DATABASE IF NOT EXISTS {database}"))
            .await
            .with_context(|| format!("creating database {database} on {}", base.endpoint()))?;
        Ok(Connection {
            wh: base.with_database(&database),
            embedded,
        })
    }
}

impl Connection {
    /// Stops the embedded engine, if any.
    pub async fn close(self) -> Result<()> {
        if let Some(engine) = self.embedded {
            engine.shutdown().await?;
        }
        Ok(())
    }
}

/// Options of `mensura build`.
#[derive(Debug, Clone, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub warehouse: WarehouseArgs,
    /// The build date, YYYY-MM-DD (the models' "today"; default: today, UTC).
    #[arg(long)]
    pub as_of: Option<String>,
    /// Rebuild the incremental models from scratch.
    #[arg(long)]
    pub full_refresh: bool,
    /// Rebuild only the months from this one (YYYY-MM) of the incremental models.
    #[arg(long, requires = "end_month")]
    pub start_month: Option<String>,
    /// ... through this one (YYYY-MM), inclusive.
    #[arg(long, requires = "start_month")]
    pub end_month: Option<String>,
    /// Build only these models and everything downstream (repeat, or comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// The journey/attribution lookbacks in days.
    #[arg(long, default_value = "7,14,30,60")]
    pub lookbacks: String,
    /// Months per batch when a full refresh rebuilds an incremental model (0: one batch).
    #[arg(long, default_value_t = 0)]
    pub batch_months: u32,
    /// The first month of a batched full refresh (default: 25 months before --as-of).
    #[arg(long)]
    pub history_start: Option<String>,
    /// ClickHouse's memory cap per query, e.g. 2G or 500M (batches are split to stay under it).
    #[arg(long)]
    pub max_memory: Option<String>,
    /// Your own seeds: DIR/<seed>.csv replaces the built-in seed <seed> (e.g. mta_funnels.csv
    /// for your funnels); same columns as the built-in one, header row first, in any order.
    /// Pass it on every build: a build without it loads the built-in seeds again.
    #[arg(long, value_name = "DIR")]
    pub seeds_dir: Option<PathBuf>,
    /// How to print the summary.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Options of `mensura test`.
#[derive(Debug, Clone, Args)]
pub struct TestArgs {
    #[command(flatten)]
    pub warehouse: WarehouseArgs,
    /// The build date the tests' windows use (default: the last build's).
    #[arg(long)]
    pub as_of: Option<String>,
    /// The lookbacks that were built.
    #[arg(long, default_value = "7,14,30,60")]
    pub lookbacks: String,
    /// Also write the full report as JSON here.
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// How to print the results.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Today (UTC) in days since 1970-01-01, and now in seconds.
pub fn today_and_now() -> (i32, i64) {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    (secs.div_euclid(86_400) as i32, secs)
}

/// Parses `2G`, `512M`, `100K` or plain bytes.
pub fn parse_bytes(text: &str) -> Result<u64> {
    let t = text.trim();
    let (digits, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => t.split_at(i),
        None => (t, ""),
    };
    let n: u64 = digits.parse().with_context(|| {
        format!("--max-memory {text:?}: expected a size like 2G, 512M or bytes")
    })?;
    let mult: u64 = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1 << 10,
        "M" | "MB" | "MIB" => 1 << 20,
        "G" | "GB" | "GIB" => 1 << 30,
        other => bail!("--max-memory {text:?}: unknown unit {other:?} (use K, M or G)"),
    };
    Ok(n * mult)
}

fn lookbacks(text: &str) -> Result<Vec<u32>> {
    let list = parse_list::<u32>("--lookbacks", text)?;
    if list.is_empty() {
        return Ok(DEFAULT_LOOKBACKS.to_vec());
    }
    Ok(list)
}

fn month(option: &str, text: &Option<String>) -> Result<Option<Month>> {
    text.as_deref()
        .map(|t| {
            t.parse::<Month>()
                .map_err(|e| anyhow::anyhow!("{option}: {e}"))
        })
        .transpose()
}

/// The table remembering the last build (its as_of), for `test` and `publish`.
const LAST_BUILD: &str = "_mensura_last_build";

/// `mensura build`.
pub async fn build(args: &BuildArgs, out: &mut impl Write) -> Result<BuildReport> {
    let mut project = Project::load(&lookbacks(&args.lookbacks)?)?;
    if let Some(dir) = &args.seeds_dir {
        let replaced = project.override_seeds(dir)?;
        tracing::info!(dir = %dir.display(), seeds = %replaced.join(", "), "seeds replaced");
    }
    let (today, now) = today_and_now();
    let as_of = match &args.as_of {
        Some(d) => parse_date("--as-of", d)?,
        None => today,
    };
    let mut opts = BuildOptions::new(as_of, now);
    opts.full_refresh = args.full_refresh;
    opts.months = match (
        month("--start-month", &args.start_month)?,
        month("--end-month", &args.end_month)?,
    ) {
        (Some(a), Some(b)) if a <= b => Some((a, b)),
        (Some(a), Some(b)) => bail!("--start-month {a} is after --end-month {b}"),
        _ => None,
    };
    if !args.select.is_empty() {
        opts.select = Some(args.select.iter().cloned().collect::<BTreeSet<_>>());
    }
    opts.batch_months = args.batch_months;
    opts.history_start = month("--history-start", &args.history_start)?;
    opts.max_memory = args.max_memory.as_deref().map(parse_bytes).transpose()?;
    opts.progress = std::io::IsTerminal::is_terminal(&std::io::stderr());

    // Only the models that pseudonymize need the salt; the runner refuses to start without it
    // when any of them is selected, with the reason (missing, empty, odd length, not hex).
    let salt = match Salt::from_env() {
        Ok(salt) => Some(salt),
        Err(e) => {
            let needs = project.select(opts.select.as_ref())?;
            if let Some(m) = needs.iter().find(|m| m.sql.contains("{salt:String}")) {
                bail!(
                    "the build cannot start: model {} pseudonymizes addresses: {e}",
                    m.name
                );
            }
            None
        }
    };
    let conn = args.warehouse.connect().await?;
    let result = async {
        let report = Runner::new(conn.wh.clone(), &project, salt)
            .build(&opts)
            .await?;
        conn.wh
            .execute(&format!(
                "CREATE TABLE IF NOT EXISTS {LAST_BUILD} (as_of Date, built_at DateTime, \
                 lookbacks String) ENGINE = MergeTree ORDER BY built_at"
            ))
            .await?;
        conn.wh
            .execute_with(
                &format!(
                    "INSERT INTO {LAST_BUILD} SELECT {{a:Date}}, {{b:DateTime}}, {{l:String}}"
                ),
                &Params::new()
                    .bind("a", format_date(as_of))
                    .bind("b", crate::stack::runner::format_timestamp(now))
                    .bind(
                        "l",
                        project
                            .lookbacks
                            .iter()
                            .map(u32::to_string)
                            .collect::<Vec<_>>()
                            .join(","),
                    ),
            )
            .await?;
        Ok::<_, anyhow::Error>(report)
    }
    .await;
    conn.close().await?;
    let report = result?;
    write_build_report(&report, args.format, out)?;
    Ok(report)
}

fn write_build_report(report: &BuildReport, format: Format, out: &mut impl Write) -> Result<()> {
    if format == Format::Json {
        serde_json::to_writer_pretty(&mut *out, report)?;
        writeln!(out)?;
        return Ok(());
    }
    let mut t = Table::new(vec![
        "model",
        "materialized",
        "action",
        "batches",
        "rows",
        "seconds",
    ]);
    for m in &report.models {
        t.push(vec![
            Cell::from(m.model.as_str()),
            Cell::from(m.materialized.as_str()),
            Cell::from(m.action.as_str()),
            Cell::from(m.batches as u64),
            Cell::from(m.rows),
            Cell::from((m.seconds * 10.0).round() / 10.0),
        ]);
    }
    t.write(format, out)?;
    if format == Format::Table {
        writeln!(
            out,
            "built {} models as of {} in {:.1} s",
            report.models.len(),
            report.as_of,
            report.seconds
        )?;
    }
    Ok(())
}

/// The last build recorded in a database.
#[derive(Debug, Clone, Deserialize)]
pub struct LastBuild {
    /// `YYYY-MM-DD`.
    pub as_of: String,
    /// `YYYY-MM-DDThh:mm:ssZ`.
    pub built_at: String,
    /// Comma-separated lookbacks.
    pub lookbacks: String,
}

/// The last build in this database, if any.
pub async fn last_build(wh: &Warehouse) -> Result<Option<LastBuild>> {
    #[derive(Deserialize)]
    struct Count {
        n: u64,
    }
    let exists: Vec<Count> = wh
        .query_rows(
            "SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = {t:String}",
            &Params::new().bind("t", LAST_BUILD),
        )
        .await?;
    if exists.first().is_none_or(|r| r.n == 0) {
        return Ok(None);
    }
    let rows: Vec<LastBuild> = wh
        .query_rows(
            &format!(
                "SELECT toString(b.as_of) AS as_of, \
                 formatDateTime(b.built_at, '%Y-%m-%dT%H:%i:%SZ', 'UTC') AS built_at, \
                 b.lookbacks AS lookbacks \
                 FROM (SELECT * FROM {LAST_BUILD} ORDER BY built_at DESC LIMIT 1) AS b"
            ),
            &Params::new(),
        )
        .await?;
    Ok(rows.into_iter().next())
}

fn no_build() -> anyhow::Error {
    anyhow::anyhow!("this database has no build yet: run `mensura build` first")
}

/// `mensura test`: returns the report; the caller exits non-zero when it has errors.
pub async fn test(args: &TestArgs, out: &mut impl Write) -> Result<TestReport> {
    let project = Project::load(&lookbacks(&args.lookbacks)?)?;
    let conn = args.warehouse.connect().await?;
    let result = async {
        let as_of = match &args.as_of {
            Some(d) => format_date(parse_date("--as-of", d)?),
            None => last_build(&conn.wh).await?.ok_or_else(no_build)?.as_of,
        };
        Ok::<_, anyhow::Error>(run_tests(&conn.wh, &project.tests, &as_of).await)
    }
    .await;
    conn.close().await?;
    let report = result?;
    if let Some(path) = &args.report {
        std::fs::write(path, serde_json::to_vec_pretty(&report)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    write_test_report(&report, args.format, out)?;
    Ok(report)
}

fn write_test_report(report: &TestReport, format: Format, out: &mut impl Write) -> Result<()> {
    if format == Format::Json {
        serde_json::to_writer_pretty(&mut *out, report)?;
        writeln!(out)?;
        return Ok(());
    }
    let mut t = Table::new(vec!["status", "severity", "test", "failing_rows"]);
    for o in &report.outcomes {
        let status = match (o.passed(), o.severity) {
            (true, _) => "pass",
            (false, crate::stack::Severity::Error) => "FAIL",
            (false, crate::stack::Severity::Warn) => "warn",
        };
        t.push(vec![
            Cell::from(status),
            Cell::from(format!("{:?}", o.severity).to_lowercase().as_str()),
            Cell::from(o.name.as_str()),
            Cell::from(o.failures),
        ]);
    }
    t.write(format, out)?;
    if format == Format::Table {
        for o in report.outcomes.iter().filter(|o| !o.passed()) {
            writeln!(
                out,
                "\n{} ({}): {} failing rows",
                o.name, o.source, o.failures
            )?;
            if let Some(e) = &o.error {
                writeln!(out, "  the test query failed: {e}")?;
            }
            for line in o.sample.lines() {
                writeln!(out, "  {line}")?;
            }
        }
        writeln!(
            out,
            "\n{} tests: {} passed, {} errors, {} warnings (as of {})",
            report.outcomes.len(),
            report.outcomes.iter().filter(|o| o.passed()).count(),
            report.errors(),
            report.warnings(),
            report.as_of
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(parse_bytes("2G").expect("a value"), 2 << 30);
        assert_eq!(parse_bytes("512M").expect("a value"), 512 << 20);
        assert_eq!(parse_bytes("1000").expect("a value"), 1000);
        assert!(
            parse_bytes("2T")
                .expect_err("an error")
                .to_string()
                .contains("unknown unit")
        );
        assert!(parse_bytes("lots").is_err());
    }
}

/// Options of `mensura publish`.
#[derive(Debug, Clone, Args)]
pub struct PublishArgs {
    #[command(flatten)]
    pub warehouse: WarehouseArgs,
    /// The data directory to (re)write: extracts + manifest.json.
    #[arg(long, default_value = "www/data")]
    pub out: PathBuf,
    /// Leave out aggregate rows describing fewer than K distinct users (recorded in the manifest).
    #[arg(long, value_name = "K")]
    pub min_cell: Option<u64>,
    /// Publish only these extracts (comma-separated names, e.g. conversions_ga).
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
}

/// `mensura publish`.
pub async fn publish(
    args: &PublishArgs,
    out: &mut impl Write,
) -> Result<crate::manifest::Manifest> {
    let conn = args.warehouse.connect().await?;
    let result = async {
        let last = last_build(&conn.wh).await?.ok_or_else(no_build)?;
        let project = Project::load(&lookbacks(&last.lookbacks)?)?;
        let opts = crate::publish::PublishOptions {
            out: args.out.clone(),
            as_of: last.as_of,
            built_at: last.built_at,
            min_cell: args.min_cell,
            only: (!args.only.is_empty()).then(|| args.only.clone()),
        };
        crate::publish::publish(&conn.wh, &project, &opts).await
    }
    .await;
    conn.close().await?;
    let manifest = result?;
    let mut t = Table::new(vec!["file", "rows", "bytes", "suppressed_rows"]);
    for f in &manifest.files {
        t.push(vec![
            Cell::from(f.name.as_str()),
            Cell::from(f.rows),
            Cell::from(f.bytes),
            f.suppressed_rows.map_or(Cell::Null, Cell::from),
        ]);
    }
    t.write(Format::Table, out)?;
    writeln!(
        out,
        "published {} extracts as of {} to {}",
        manifest.files.len(),
        manifest.as_of_date,
        args.out.display()
    )?;
    Ok(manifest)
}
