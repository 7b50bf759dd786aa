//! `mensura synth`: deterministic synthetic upstream data (`mensura-synth`) loaded straight into
//! the source tables of ClickHouse.

use std::io::Write;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use mensura_engine::date::{civil_from_days, parse_date};
use mensura_synth::{CivilDate, SynthConfig, generate, parquet_bytes};

use crate::output::{Cell, Format, Table};
use crate::stack::{DEFAULT_LOOKBACKS, Project, Runner};
use crate::stack_cmd::{WarehouseArgs, today_and_now};
use crate::warehouse::{Salt, Warehouse};

/// Options of `mensura synth`.
#[derive(Debug, Clone, Args)]
pub struct SynthArgs {
    #[command(flatten)]
    pub warehouse: WarehouseArgs,
    #[command(flatten)]
    pub data: SynthOptions,
}

/// A year of market history before the products' range (`--market-history-days`).
pub const DEFAULT_MARKET_HISTORY_DAYS: u32 = 365;

/// What to generate (shared by `mensura synth` and `mensura demo`).
#[derive(Debug, Clone, Args)]
pub struct SynthOptions {
    /// The seed: the same options give the same rows.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Gnosis App users.
    #[arg(long, default_value_t = 2_000)]
    pub users: u32,
    /// Gnosis Pay Safes (default: half the users).
    #[arg(long)]
    pub gp_safes: Option<u32>,
    /// Days of history.
    #[arg(long, default_value_t = 400)]
    pub days: u32,
    /// The first day, YYYY-MM-DD (default: so that the last day is yesterday, UTC).
    #[arg(long)]
    pub start: Option<String>,
    /// Leave out the hand-placed edge scenarios of spec §13.4.
    #[arg(long)]
    pub no_edge_cases: bool,
    /// Days of network history before --start for the market tables (prices, pools, DEX trades,
    /// validator rewards, transactions), so the MMM spine's two-year window has market data while
    /// the products' history is shorter.
    #[arg(long, default_value_t = DEFAULT_MARKET_HISTORY_DAYS)]
    pub market_history_days: u32,
}

impl SynthOptions {
    /// The generator's configuration; `today` (days since 1970-01-01) anchors the default range.
    pub fn config(&self, today: i32) -> Result<SynthConfig> {
        let start = match &self.start {
            Some(s) => parse_date("--start", s)?,
            None => today - self.days as i32,
        };
        let (year, month, day) = civil_from_days(start);
        let config = SynthConfig {
            seed: self.seed,
            users: self.users,
            gp_safes: self.gp_safes.unwrap_or((self.users / 2).max(1)),
            start: CivilDate { year, month, day },
            days: self.days,
            edge_cases: !self.no_edge_cases,
            market_history_days: self.market_history_days,
            ..SynthConfig::default()
        };
        config.validate()?;
        Ok(config)
    }
}

/// Rows loaded per table.
pub type Loaded = Vec<(String, u64)>;

/// Replaces every source table's rows with the synthetic data of `config` (pseudonymized with
/// `salt` where the upstream data already is, i.e. Mixpanel).
pub async fn load(
    wh: &Warehouse,
    config: &SynthConfig,
    salt: &Salt,
    progress: bool,
) -> Result<Loaded> {
    let project = Project::load(&DEFAULT_LOOKBACKS)?;
    Runner::new(wh.clone(), &project, None)
        .ensure_sources()
        .await?;
    let salt = salt.clone();
    let pseudonymize = move |s: &str| salt.pseudonym(s);
    let tables = generate(config, &pseudonymize)?;
    for t in &tables {
        if !project.sources.iter().any(|s| s.name == t.name) {
            bail!(
                "the generator makes {} but there is no source table of that name",
                t.name
            );
        }
    }
    let bar = if progress {
        let bar = ProgressBar::new(tables.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let mut loaded = Vec::new();
    for table in tables {
        bar.set_message(table.name);
        wh.execute(&format!("TRUNCATE TABLE {}", table.name))
            .await?;
        let mut rows = 0u64;
        for batch in table.batches {
            rows += batch.num_rows() as u64;
            let bytes = parquet_bytes(&table.schema, [batch])?;
            wh.clone()
                .with_setting("input_format_parquet_allow_missing_columns", "1")
                .insert_bytes(table.name, "Parquet", Bytes::from(bytes))
                .await
                .with_context(|| format!("loading {}", table.name))?;
            bar.set_message(format!("{} ({rows} rows)", table.name));
        }
        tracing::info!(table = table.name, rows, "loaded");
        loaded.push((table.name.to_string(), rows));
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(loaded)
}

/// `mensura synth`.
pub async fn run(args: &SynthArgs, out: &mut impl Write) -> Result<Loaded> {
    let salt =
        Salt::from_env().context("mensura synth pseudonymizes Mixpanel ids as upstream does")?;
    let (today, _) = today_and_now();
    let config = args.data.config(today)?;
    let started = Instant::now();
    let conn = args.warehouse.connect().await?;
    let progress = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let result = load(&conn.wh, &config, &salt, progress).await;
    conn.close().await?;
    let loaded = result?;
    let mut t = Table::new(vec!["table", "rows"]);
    for (name, rows) in &loaded {
        t.push(vec![Cell::from(name.as_str()), Cell::from(*rows)]);
    }
    t.write(Format::Table, out)?;
    writeln!(
        out,
        "loaded {} tables ({} users, {} Safes, {} days from {}) in {:.1} s",
        loaded.len(),
        config.users,
        config.gp_safes,
        config.days,
        config.start,
        started.elapsed().as_secs_f64()
    )?;
    Ok(loaded)
}
