//! The runner: creates the sources, loads the seeds, and materializes every model in dependency
//! order, with month batches, retries and resumption.
//!
//! Every write is either atomic or idempotent, so a build interrupted anywhere (the process
//! killed, the engine killed, the server gone) and run again ends with exactly the tables an
//! uninterrupted build gives:
//! - a `table` model is built whole into `<m>__new`, then swapped in with `EXCHANGE TABLES`;
//! - an incremental batch is computed into `<m>__stage`, then each of its months replaces the
//!   target's partition (`REPLACE PARTITION`, atomic per partition) and a month the batch no longer
//!   has is dropped; redoing a batch gives the same partitions;
//! - a full refresh builds `<m>__new` batch by batch (same batch step) and records each finished
//!   batch in `_mensura_batches`; a rerun with the same plan skips the finished ones, then the
//!   table is swapped in.

use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use indicatif::{ProgressBar, ProgressStyle};
use mensura_engine::date::format_date;
use serde::Deserialize;
use tracing::{info, warn};

use super::model::{Materialized, Model};
use super::plan::{Batch, Failure, Month, RetryPolicy, classify, full_refresh_batches};
use super::project::Project;
use crate::warehouse::{Params, Salt, Warehouse};

/// The table recording the finished batches of full refreshes in progress.
const STATE_TABLE: &str = "_mensura_batches";

/// What to build and how.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The build date (`{as_of:Date}`), days since 1970-01-01.
    pub as_of: i32,
    /// The build timestamp (`{built_at:DateTime}`), seconds since the epoch.
    pub built_at: i64,
    /// Rebuild incremental models from scratch.
    pub full_refresh: bool,
    /// Rebuild only these months of the incremental models (and every table downstream).
    pub months: Option<(Month, Month)>,
    /// Only these models and everything downstream of them (`None`: all).
    pub select: Option<BTreeSet<String>>,
    /// Months per batch of a full refresh (0: one batch).
    pub batch_months: u32,
    /// The first month of the first batch of a batched full refresh (older rows go in it too).
    pub history_start: Option<Month>,
    /// ClickHouse's per-query memory cap (`max_memory_usage`, bytes).
    pub max_memory: Option<u64>,
    pub retry: RetryPolicy,
    /// Draw progress bars (a terminal) or not (tests, logs).
    pub progress: bool,
}

impl BuildOptions {
    /// Defaults for a build on `as_of` at `built_at`: incremental, unbatched, every model.
    pub fn new(as_of: i32, built_at: i64) -> BuildOptions {
        BuildOptions {
            as_of,
            built_at,
            full_refresh: false,
            months: None,
            select: None,
            batch_months: 0,
            history_start: None,
            max_memory: None,
            retry: RetryPolicy::default(),
            progress: false,
        }
    }
}

/// What happened to one model.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ModelReport {
    pub model: String,
    pub materialized: String,
    /// `created`, `replaced`, `full refresh`, `incremental 2025-03..end`, ...
    pub action: String,
    /// Batches run by this build (more than planned after memory splits; resumed ones not counted).
    pub batches: usize,
    /// Rows in the table afterwards (views: 0).
    pub rows: u64,
    pub seconds: f64,
}

/// The summary of a build.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BuildReport {
    pub as_of: String,
    pub models: Vec<ModelReport>,
    pub seconds: f64,
}

/// Runs the project's models against one ClickHouse database.
#[derive(Debug)]
pub struct Runner<'a> {
    wh: Warehouse,
    project: &'a Project,
    salt: Option<Salt>,
    retry: RetryPolicy,
}

#[derive(Debug, Deserialize)]
struct Count {
    n: u64,
}

#[derive(Debug, Deserialize)]
struct Part {
    partition_id: String,
    partition: String,
}

#[derive(Debug, Deserialize)]
struct MaxDate {
    d: String,
}

impl<'a> Runner<'a> {
    /// A runner over `wh` (already pointed at the target database). `salt` is needed only by the
    /// models that pseudonymize; [`Runner::build`] refuses to start without it when they run.
    pub fn new(wh: Warehouse, project: &'a Project, salt: Option<Salt>) -> Runner<'a> {
        Runner {
            wh,
            project,
            salt,
            retry: RetryPolicy::default(),
        }
    }

    /// Creates every source table that does not exist yet (empty).
    pub async fn ensure_sources(&self) -> Result<()> {
        for source in &self.project.sources {
            self.wh
                .execute(&source.ddl)
                .await
                .with_context(|| format!("creating source table {}", source.name))?;
        }
        Ok(())
    }

    /// (Re)loads every seed table from the project's seeds (built in, or the user's replacements,
    /// validated when read: [`Project::override_seeds`]). Each table is filled under a temporary
    /// name, checked to hold exactly the CSV's rows, and swapped in. Returns the seeds whose
    /// contents differ from the table they replaced (not the ones created by this build).
    pub async fn load_seeds(&self) -> Result<Vec<String>> {
        // ClickHouse's defaults are what the validation assumes; a server profile must not turn
        // them into silent skipping.
        let wh = self
            .wh
            .clone()
            .with_setting("input_format_with_names_use_header", "1")
            .with_setting("input_format_skip_unknown_fields", "0")
            .with_setting("input_format_allow_errors_num", "0")
            .with_setting("input_format_allow_errors_ratio", "0");
        let mut changed = Vec::new();
        for seed in &self.project.seeds {
            let columns: Vec<String> = seed
                .columns
                .iter()
                .map(|(name, ty)| format!("`{name}` {ty}"))
                .collect();
            let first = &seed.columns[0].0;
            let new = format!("{}__new", seed.name);
            self.wh
                .execute(&format!("DROP TABLE IF EXISTS {new}"))
                .await?;
            self.wh
                .execute(&format!(
                    "CREATE TABLE {new} ({}) ENGINE = MergeTree ORDER BY `{first}`",
                    columns.join(", ")
                ))
                .await?;
            wh.insert_bytes(&new, "CSVWithNames", seed.csv.clone())
                .await
                .with_context(|| format!("loading seed {} from {}", seed.name, seed.origin))?;
            let loaded = self.count(&new).await?;
            if loaded != seed.rows {
                bail!(
                    "loading seed {} from {}: the file has {} rows but ClickHouse read {loaded}",
                    seed.name,
                    seed.origin,
                    seed.rows
                );
            }
            if self.exists(&seed.name).await?
                && self.contents_hash(&seed.name).await? != self.contents_hash(&new).await?
            {
                changed.push(seed.name.clone());
            }
            self.swap_in(&seed.name, &new).await?;
        }
        Ok(changed)
    }

    /// An order-independent hash of a table's rows and its column names and types (`None` when
    /// it cannot be computed, e.g. a table left by an older version: treated as different).
    async fn contents_hash(&self, table: &str) -> Result<Option<(u64, u64, String)>> {
        #[derive(Deserialize)]
        struct Row {
            n: u64,
            h: u64,
        }
        #[derive(Deserialize)]
        struct Col {
            c: String,
        }
        let rows: Vec<Row> = match self
            .wh
            .query_rows(
                &format!("SELECT count() AS n, groupBitXor(cityHash64(*)) AS h FROM {table}"),
                &Params::new(),
            )
            .await
        {
            Ok(rows) => rows,
            Err(_) => return Ok(None),
        };
        let cols: Vec<Col> = self
            .wh
            .query_rows(
                "SELECT concat(name, ' ', type) AS c FROM system.columns \
                 WHERE database = currentDatabase() AND table = {t:String} ORDER BY position",
                &Params::new().bind("t", table),
            )
            .await?;
        let cols: Vec<String> = cols.into_iter().map(|c| c.c).collect();
        Ok(rows.first().map(|r| (r.n, r.h, cols.join(", "))))
    }

    /// Builds the selected models (sources ensured, seeds loaded first).
    pub async fn build(&self, opts: &BuildOptions) -> Result<BuildReport> {
        let start = Instant::now();
        let models = self.project.select(opts.select.as_ref())?;
        if self.salt.is_none()
            && let Some(m) = models.iter().find(|m| m.sql.contains("{salt:String}"))
        {
            bail!(
                "model {} pseudonymizes addresses and needs the salt ({})",
                m.name,
                crate::warehouse::SALT_ENV
            );
        }
        let wh = match opts.max_memory {
            Some(bytes) => self
                .wh
                .clone()
                .with_setting("max_memory_usage", bytes.to_string()),
            None => self.wh.clone(),
        };
        let runner = Runner {
            wh,
            project: self.project,
            salt: self.salt.clone(),
            retry: opts.retry.clone(),
        };
        runner.ensure_sources().await?;
        let changed = runner.load_seeds().await?;
        if !opts.full_refresh && opts.months.is_none() {
            runner.warn_stale(&models, &changed).await?;
        }
        runner
            .wh
            .execute(&format!(
                "CREATE TABLE IF NOT EXISTS {STATE_TABLE} (model String, plan String, batch String, \
                 done_at DateTime) ENGINE = MergeTree ORDER BY (model, plan)"
            ))
            .await?;

        let bar = if opts.progress {
            let bar = ProgressBar::new(models.len() as u64);
            bar.set_style(
                ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            bar
        } else {
            ProgressBar::hidden()
        };
        let mut reports = Vec::new();
        for model in models {
            bar.set_message(model.name.clone());
            let t = Instant::now();
            let (action, batches) = runner
                .materialize(model, opts, &bar)
                .await
                .with_context(|| format!("building {} ({})", model.name, model.path))?;
            let rows = match model.materialized {
                Materialized::View => 0,
                _ => runner.count(&model.name).await?,
            };
            let seconds = t.elapsed().as_secs_f64();
            info!(model = %model.name, %action, rows, seconds, "built");
            reports.push(ModelReport {
                model: model.name.clone(),
                materialized: model.materialized.to_string(),
                action,
                batches,
                rows,
                seconds,
            });
            bar.inc(1);
        }
        bar.finish_and_clear();
        Ok(BuildReport {
            as_of: format_date(opts.as_of),
            models: reports,
            seconds: start.elapsed().as_secs_f64(),
        })
    }

    /// Warns when a seed changed since the last build and an incremental model built before reads
    /// it (directly or through other models): a plain build recomputes only its latest month, so
    /// its older months keep the old seed's results until a full refresh.
    async fn warn_stale(&self, models: &[&Model], changed: &[String]) -> Result<()> {
        for seed in changed {
            let roots: BTreeSet<String> = self
                .project
                .models
                .iter()
                .filter(|m| m.inputs.iter().any(|i| i == seed))
                .map(|m| m.name.clone())
                .collect();
            let downstream: BTreeSet<String> =
                self.project.downstream(&roots).into_iter().collect();
            let mut stale = Vec::new();
            for m in models {
                if m.materialized == Materialized::Incremental
                    && downstream.contains(&m.name)
                    && self.exists(&m.name).await?
                {
                    stale.push(m.name.as_str());
                }
            }
            if !stale.is_empty() {
                warn!(
                    seed = %seed,
                    models = %stale.join(", "),
                    "the seed changed since the last build; these incremental models recompute \
                     only their latest month and keep older months as built with the previous \
                     seed: rebuild them with --full-refresh"
                );
            }
        }
        Ok(())
    }

    async fn materialize(
        &self,
        model: &Model,
        opts: &BuildOptions,
        bar: &ProgressBar,
    ) -> Result<(String, usize)> {
        match model.materialized {
            Materialized::View => {
                self.wh
                    .execute(&format!(
                        "CREATE OR REPLACE VIEW {} AS {}",
                        model.name, model.sql
                    ))
                    .await?;
                Ok(("view".into(), 0))
            }
            Materialized::Table => {
                let new = format!("{}__new", model.name);
                self.wh
                    .execute(&format!("DROP TABLE IF EXISTS {new}"))
                    .await?;
                let sql = format!(
                    "CREATE TABLE {new} ENGINE = {} ORDER BY {} SETTINGS allow_nullable_key = 1 AS {}",
                    engine(model),
                    order_by(model),
                    model.sql
                );
                self.retrying(model, &sql, &self.params(model, opts, Batch::ALL)?)
                    .await?;
                let existed = self.swap_in(&model.name, &new).await?;
                Ok((if existed { "replaced" } else { "created" }.into(), 1))
            }
            Materialized::Incremental => self.incremental(model, opts, bar).await,
        }
    }

    async fn incremental(
        &self,
        model: &Model,
        opts: &BuildOptions,
        bar: &ProgressBar,
    ) -> Result<(String, usize)> {
        let exists = self.exists(&model.name).await?;
        if exists && !opts.full_refresh {
            let batch = match opts.months {
                Some((first, last)) => Batch::months(first, last),
                None => {
                    let max = self.max_partition_date(model).await?;
                    match max {
                        Some(d) => Batch::from(d.parse::<Month>().map_err(|e| anyhow!(e))?),
                        None => Batch::ALL,
                    }
                }
            };
            let n = self.run_batch(model, &model.name, batch, opts).await?;
            return Ok((format!("incremental {batch}"), n));
        }

        // Full refresh (or first build): into <m>__new, batch by batch, resumable.
        let through = Month::of_day(opts.as_of);
        let batch_months = model.batch_months.unwrap_or(opts.batch_months);
        let batches = if batch_months > 0 {
            let start = opts
                .history_start
                .unwrap_or_else(|| through.plus(-(2 * 12 + 1)));
            full_refresh_batches(start, through, batch_months)
        } else {
            vec![Batch::ALL]
        };
        let new = format!("{}__new", model.name);
        let plan = plan_key(model, self.project, opts, &batches);
        let done = self.finished_batches(&model.name, &plan).await?;
        let resuming = !done.is_empty() && self.exists(&new).await?;
        if !resuming {
            self.clear_state(&model.name).await?;
            self.wh
                .execute(&format!("DROP TABLE IF EXISTS {new}"))
                .await?;
            let sql = format!(
                "CREATE TABLE {new} ENGINE = {} PARTITION BY toStartOfMonth({}) ORDER BY {} \
                 SETTINGS allow_nullable_key = 1 EMPTY AS SELECT * FROM ({}) LIMIT 0",
                engine(model),
                partition_date(model)?,
                order_by(model),
                model.sql
            );
            self.retrying(model, &sql, &self.params(model, opts, Batch::ALL)?)
                .await?;
        } else {
            info!(model = %model.name, finished = done.len(), "resuming a full refresh");
        }
        let mut count = 0;
        for (i, batch) in batches.iter().enumerate() {
            let key = batch.to_string();
            if resuming && done.contains(&key) {
                continue;
            }
            bar.set_message(format!(
                "{} [{}/{}] {batch}",
                model.name,
                i + 1,
                batches.len()
            ));
            count += self.run_batch(model, &new, *batch, opts).await?;
            self.wh
                .execute_with(
                    &format!(
                        "INSERT INTO {STATE_TABLE} (model, plan, batch, done_at) \
                         SELECT {{m:String}}, {{p:String}}, {{b:String}}, now()"
                    ),
                    &Params::new()
                        .bind("m", &model.name)
                        .bind("p", &plan)
                        .bind("b", &key),
                )
                .await?;
        }
        self.swap_in(&model.name, &new).await?;
        self.clear_state(&model.name).await?;
        let action = if resuming {
            "full refresh (resumed)"
        } else {
            "full refresh"
        };
        Ok((action.into(), count))
    }

    /// Computes `batch` of `model` and puts its months into `target`. Retries transient and
    /// memory failures; splits a batch that keeps running out of memory. Returns the number of
    /// batches run (more than one after splits).
    async fn run_batch(
        &self,
        model: &Model,
        target: &str,
        batch: Batch,
        opts: &BuildOptions,
    ) -> Result<usize> {
        let mut queue = vec![batch];
        let mut runs = 0;
        while let Some(batch) = queue.pop() {
            match self.try_batch(model, target, batch, opts).await {
                Ok(()) => runs += 1,
                Err(BatchError::Memory(e)) => match batch.splittable() {
                    Some((a, b)) => {
                        warn!(model = %model.name, %batch, "out of memory; splitting the batch");
                        queue.push(b);
                        queue.push(a);
                    }
                    None => {
                        return Err(e.context(format!(
                            "batch {batch} keeps exceeding ClickHouse's memory limit even as one \
                             month; raise --max-memory or the server's limit"
                        )));
                    }
                },
                Err(BatchError::Other(e)) => return Err(e.context(format!("batch {batch}"))),
            }
        }
        Ok(runs)
    }

    async fn try_batch(
        &self,
        model: &Model,
        target: &str,
        batch: Batch,
        opts: &BuildOptions,
    ) -> Result<(), BatchError> {
        let stage = format!("{}__stage", model.name);
        let params = self.params(model, opts, batch).map_err(BatchError::Other)?;
        self.wh
            .execute(&format!("DROP TABLE IF EXISTS {stage}"))
            .await
            .map_err(|e| BatchError::Other(e.into()))?;
        self.wh
            .execute(&format!("CREATE TABLE {stage} AS {target}"))
            .await
            .map_err(|e| BatchError::Other(e.into()))?;
        let insert = format!("INSERT INTO {stage} SELECT * FROM ({})", model.sql);
        self.retrying_classified(model, &insert, &params).await?;

        let other = |e: crate::warehouse::Error| BatchError::Other(e.into());
        let staged = self.partitions(&stage).await.map_err(other)?;
        let (lo, hi) = (batch.start(), batch.end());
        for p in &staged {
            if p.partition < lo || p.partition > hi {
                return Err(BatchError::Other(anyhow!(
                    "the model returned rows of month {} outside the batch {batch} \
                     ({{batch_start:Date}} = {lo}, {{batch_end:Date}} = {hi}): its SELECT must \
                     filter {} to the batch",
                    &p.partition,
                    model
                        .partition_date
                        .as_deref()
                        .unwrap_or("its partition date")
                )));
            }
        }
        let existing = self.partitions(target).await.map_err(other)?;
        let staged_ids: BTreeSet<&str> = staged.iter().map(|p| p.partition_id.as_str()).collect();
        for p in &staged {
            self.wh
                .execute(&format!(
                    "ALTER TABLE {target} REPLACE PARTITION ID '{}' FROM {stage}",
                    p.partition_id
                ))
                .await
                .map_err(other)?;
        }
        for p in existing {
            if p.partition >= lo
                && p.partition <= hi
                && !staged_ids.contains(p.partition_id.as_str())
            {
                self.wh
                    .execute(&format!(
                        "ALTER TABLE {target} DROP PARTITION ID '{}'",
                        p.partition_id
                    ))
                    .await
                    .map_err(other)?;
            }
        }
        self.wh
            .execute(&format!("DROP TABLE IF EXISTS {stage}"))
            .await
            .map_err(other)?;
        Ok(())
    }

    /// Runs `sql` with the retry policy; a memory failure is an error here (nothing to split).
    async fn retrying(&self, model: &Model, sql: &str, params: &Params) -> Result<()> {
        self.retrying_classified(model, sql, params)
            .await
            .map_err(|e| match e {
                BatchError::Memory(e) | BatchError::Other(e) => e,
            })
    }

    async fn retrying_classified(
        &self,
        model: &Model,
        sql: &str,
        params: &Params,
    ) -> Result<(), BatchError> {
        let wh = model
            .settings
            .iter()
            .fold(self.wh.clone(), |wh, (k, v)| wh.with_setting(k, v.clone()));
        let retry = &self.retry;
        let mut transient = 0usize;
        let mut memory = 0u32;
        loop {
            match wh.execute_with(sql, params).await {
                Ok(()) => return Ok(()),
                Err(e) => match classify(&e) {
                    Failure::Transient if transient < retry.transient_backoff.len() => {
                        let wait = retry.transient_backoff[transient];
                        transient += 1;
                        warn!(model = %model.name, error = %e, ?wait, "transient failure; retrying");
                        tokio::time::sleep(wait).await;
                    }
                    Failure::Memory if memory < retry.memory_retries => {
                        memory += 1;
                        warn!(model = %model.name, error = %e, "memory limit; retrying");
                    }
                    Failure::Memory => return Err(BatchError::Memory(e.into())),
                    _ => return Err(BatchError::Other(e.into())),
                },
            }
        }
    }

    fn params(&self, model: &Model, opts: &BuildOptions, batch: Batch) -> Result<Params> {
        let sql = &model.sql;
        let mut p = Params::new();
        if sql.contains("{as_of:Date}") {
            p = p.bind("as_of", format_date(opts.as_of));
        }
        if sql.contains("{built_at:DateTime}") {
            p = p.bind("built_at", format_timestamp(opts.built_at));
        }
        if sql.contains("{batch_start:Date}") {
            p = p.bind("batch_start", batch.start());
        }
        if sql.contains("{batch_end:Date}") {
            p = p.bind("batch_end", batch.end());
        }
        if sql.contains("{salt:String}") {
            let salt = self
                .salt
                .as_ref()
                .ok_or_else(|| anyhow!("model {} needs the salt", model.name))?;
            p = p.bind("salt", salt.hex());
        }
        Ok(p)
    }

    async fn exists(&self, table: &str) -> Result<bool> {
        let rows: Vec<Count> = self
            .wh
            .query_rows(
                "SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = {t:String}",
                &Params::new().bind("t", table),
            )
            .await?;
        Ok(rows.first().is_some_and(|c| c.n > 0))
    }

    async fn count(&self, table: &str) -> Result<u64> {
        let rows: Vec<Count> = self
            .wh
            .query_rows(&format!("SELECT count() AS n FROM {table}"), &Params::new())
            .await?;
        Ok(rows.first().map_or(0, |c| c.n))
    }

    async fn max_partition_date(&self, model: &Model) -> Result<Option<String>> {
        let column = partition_date(model)?;
        let rows: Vec<MaxDate> = self
            .wh
            .query_rows(
                &format!(
                    "SELECT toString(max({column})) AS d FROM {} HAVING count() > 0",
                    model.name
                ),
                &Params::new(),
            )
            .await?;
        Ok(rows.into_iter().next().map(|r| r.d))
    }

    async fn partitions(&self, table: &str) -> crate::warehouse::Result<Vec<Part>> {
        let mut parts: Vec<Part> = self
            .wh
            .query_rows(
                "SELECT DISTINCT partition_id, replaceAll(partition, '''', '') AS partition \
                 FROM system.parts WHERE database = currentDatabase() AND table = {t:String} AND active",
                &Params::new().bind("t", table),
            )
            .await?;
        parts.sort_by(|a, b| a.partition.cmp(&b.partition));
        Ok(parts)
    }

    /// Puts `new` in place of `name` atomically; returns whether `name` existed.
    async fn swap_in(&self, name: &str, new: &str) -> Result<bool> {
        if self.exists(name).await? {
            self.wh
                .execute(&format!("EXCHANGE TABLES {name} AND {new}"))
                .await?;
            self.wh
                .execute(&format!("DROP TABLE IF EXISTS {new}"))
                .await?;
            Ok(true)
        } else {
            self.wh
                .execute(&format!("RENAME TABLE {new} TO {name}"))
                .await?;
            Ok(false)
        }
    }

    async fn finished_batches(&self, model: &str, plan: &str) -> Result<BTreeSet<String>> {
        #[derive(Deserialize)]
        struct Row {
            batch: String,
        }
        let rows: Vec<Row> = self
            .wh
            .query_rows(
                &format!("SELECT batch FROM {STATE_TABLE} WHERE model = {{m:String}} AND plan = {{p:String}}"),
                &Params::new().bind("m", model).bind("p", plan),
            )
            .await?;
        Ok(rows.into_iter().map(|r| r.batch).collect())
    }

    async fn clear_state(&self, model: &str) -> Result<()> {
        self.wh
            .execute_with(
                &format!("DELETE FROM {STATE_TABLE} WHERE model = {{m:String}}"),
                &Params::new().bind("m", model),
            )
            .await?;
        Ok(())
    }
}

enum BatchError {
    Memory(anyhow::Error),
    Other(anyhow::Error),
}

fn engine(model: &Model) -> &str {
    model.engine.as_deref().unwrap_or("MergeTree")
}

fn order_by(model: &Model) -> &str {
    model.order_by.as_deref().unwrap_or("tuple()")
}

fn partition_date(model: &Model) -> Result<&str> {
    model
        .partition_date
        .as_deref()
        .ok_or_else(|| anyhow!("{} has no partition_date", model.name))
}

/// Identifies a full refresh's plan: the same SQL, seeds read, build date and batches resume;
/// anything else starts over.
fn plan_key(model: &Model, project: &Project, opts: &BuildOptions, batches: &[Batch]) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    model.sql.hash(&mut h);
    for seed in project
        .seeds
        .iter()
        .filter(|s| model.inputs.contains(&s.name))
    {
        seed.name.hash(&mut h);
        seed.csv.hash(&mut h);
    }
    opts.as_of.hash(&mut h);
    for b in batches {
        b.to_string().hash(&mut h);
    }
    format!("{:016x}", h.finish())
}

/// `YYYY-MM-DD hh:mm:ss` (UTC) of a Unix timestamp.
pub fn format_timestamp(ts: i64) -> String {
    let days = ts.div_euclid(86_400);
    let secs = ts.rem_euclid(86_400);
    format!(
        "{} {:02}:{:02}:{:02}",
        format_date(days as i32),
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}
