//! `mensura demo`: the whole product on one machine, in one command. It starts the embedded
//! ClickHouse, generates synthetic upstream data, builds the stack, runs the data tests, publishes
//! the extracts, and serves the notebook on http://127.0.0.1:8080 until Ctrl-C, saying what each
//! stage does as it goes.
//!
//! The demo needs a pseudonymization salt like any build. Without `CEREBRO_PII_SALT` it makes a
//! random one for this demo directory and keeps it in `<state>/demo_salt` (mode 0600), so reruns
//! keep their pseudonyms; a real deployment sets its own salt and never loses it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::Args;

use crate::publish::publish;
use crate::serve::{Rebuilt, ServeConfig, Server, ShutdownSignals, rebuild_job};
use crate::stack::runner::format_timestamp;
use crate::stack::{BuildOptions, DEFAULT_LOOKBACKS, Project, Runner, run_tests};
use crate::stack_cmd::today_and_now;
use crate::synth_cmd::SynthOptions;
use crate::warehouse::{Embedded, EmbeddedOptions, SALT_ENV, Salt, Warehouse};

/// Options of `mensura demo`.
#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// Where the demo keeps its state: the embedded ClickHouse, the salt, the published data.
    #[arg(long, default_value = ".mensura/demo")]
    pub state: PathBuf,
    /// The static site to serve (the notebook, built by scripts/build-web).
    #[arg(long, default_value = "www")]
    pub www: PathBuf,
    /// Address to serve on.
    #[arg(long, default_value = crate::serve::DEFAULT_ADDR)]
    pub addr: std::net::SocketAddr,
    /// Gnosis App users to generate.
    #[arg(long, default_value_t = 2_000)]
    pub users: u32,
    /// Days of history to generate (ending yesterday).
    #[arg(long, default_value_t = 400)]
    pub days: u32,
    /// Stop after publishing instead of serving.
    #[arg(long)]
    pub no_serve: bool,
}

fn stage(out: &mut impl Write, n: usize, what: &str) -> Result<Instant> {
    writeln!(out, "[{n}/6] {what}")?;
    out.flush()?;
    Ok(Instant::now())
}

fn done(out: &mut impl Write, started: Instant, summary: &str) -> Result<()> {
    writeln!(
        out,
        "      {summary} ({:.1} s)",
        started.elapsed().as_secs_f64()
    )?;
    out.flush()?;
    Ok(())
}

/// The salt: `CEREBRO_PII_SALT` if set (validated), else the demo's own.
fn demo_salt(state: &Path) -> Result<(Salt, &'static str)> {
    if std::env::var_os(SALT_ENV).is_some() {
        return Ok((Salt::from_env()?, "from CEREBRO_PII_SALT"));
    }
    let path = state.join("demo_salt");
    if let Ok(hex) = std::fs::read_to_string(&path) {
        return Ok((
            Salt::from_hex(hex.trim())?,
            "the demo's own, kept in the state directory",
        ));
    }
    let mut bytes = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes))
        .context("reading /dev/urandom for the demo salt")?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    std::fs::create_dir_all(state)?;
    write_private(&path, &hex)?;
    Ok((
        Salt::from_hex(&hex)?,
        "new, random, kept in the state directory",
    ))
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    f.write_all(text.as_bytes())?;
    Ok(())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

/// Builds, tests (writing the report to `report_path`) and publishes into a fresh directory
/// `<parent>/data.<unix time>`; returns it. Stops before publishing if a data test fails.
pub async fn build_test_publish(
    wh: &Warehouse,
    salt: &Salt,
    parent: &Path,
    report_path: &Path,
    out: &mut impl Write,
    numbered: bool,
) -> Result<PathBuf> {
    let project = Project::load(&DEFAULT_LOOKBACKS)?;
    let (today, now) = today_and_now();
    let mut opts = BuildOptions::new(today, now);
    opts.progress = std::io::IsTerminal::is_terminal(&std::io::stderr());

    let t = if numbered {
        Some(stage(
            out,
            3,
            &format!("building the stack ({} models)", project.models.len()),
        )?)
    } else {
        None
    };
    let report = Runner::new(wh.clone(), &project, Some(salt.clone()))
        .build(&opts)
        .await?;
    if let Some(t) = t {
        let rows: u64 = report.models.iter().map(|m| m.rows).sum();
        done(
            out,
            t,
            &format!("{} models, {rows} rows", report.models.len()),
        )?;
    }

    let t = if numbered {
        Some(stage(out, 4, "running the data tests")?)
    } else {
        None
    };
    let tests = run_tests(wh, &project.tests, &report.as_of).await;
    std::fs::write(report_path, serde_json::to_vec_pretty(&tests)?)
        .with_context(|| format!("writing {}", report_path.display()))?;
    if tests.errors() > 0 {
        let failed: Vec<&str> = tests
            .outcomes
            .iter()
            .filter(|o| !o.passed() && o.severity == crate::stack::Severity::Error)
            .map(|o| o.name.as_str())
            .collect();
        bail!("{} data tests failed: {}", failed.len(), failed.join(", "));
    }
    if let Some(t) = t {
        done(
            out,
            t,
            &format!(
                "{} tests passed, {} warnings",
                tests.outcomes.len() - tests.warnings(),
                tests.warnings()
            ),
        )?;
    }

    let t = if numbered {
        Some(stage(out, 5, "publishing the extracts")?)
    } else {
        None
    };
    let dir = parent.join(format!("data.{now}"));
    let manifest = publish(
        wh,
        &project,
        &crate::publish::PublishOptions {
            out: dir.clone(),
            as_of: report.as_of.clone(),
            built_at: format_timestamp(now).replace(' ', "T") + "Z",
            min_cell: None,
            only: None,
        },
    )
    .await?;
    if let Some(t) = t {
        let bytes: u64 = manifest.files.iter().map(|f| f.bytes).sum();
        done(
            out,
            t,
            &format!(
                "{} extracts, {:.1} MB, as of {}",
                manifest.files.len(),
                bytes as f64 / 1e6,
                manifest.as_of_date
            ),
        )?;
    }
    Ok(dir)
}

/// Points `state/data` (a symlink) at `dir` atomically and removes older published directories.
fn switch(state: &Path, dir: &Path) -> Result<PathBuf> {
    let link = state.join("data");
    let target = dir
        .file_name()
        .map(PathBuf::from)
        .unwrap_or_else(|| dir.to_path_buf());
    crate::serve::swap_symlink(&link, &target)?;
    for entry in std::fs::read_dir(state)?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("data.") && entry.path() != dir {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    Ok(link)
}

/// `mensura demo`.
pub fn run(args: &DemoArgs, out: &mut impl Write) -> Result<()> {
    if !args.no_serve && !args.www.join("index.html").is_file() {
        bail!(
            "{} has no index.html: build the notebook first (scripts/build-web), or run scripts/demo",
            args.www.display()
        );
    }
    let signals = ShutdownSignals::install()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        std::fs::create_dir_all(&args.state)?;
        let state = std::fs::canonicalize(&args.state)?;
        let (salt, origin) = demo_salt(&state)?;

        let t = stage(out, 1, "starting the embedded ClickHouse (chDB)")?;
        let engine = Embedded::start(EmbeddedOptions::new(state.join("clickhouse"))).await?;
        let wh = engine.warehouse();
        done(out, t, &format!("{}; salt {origin}", wh.endpoint()))?;

        let result = async {
            let t = stage(out, 2, "generating synthetic upstream data")?;
            let config = SynthOptions {
                seed: 7,
                users: args.users,
                gp_safes: None,
                days: args.days,
                start: None,
                no_edge_cases: false,
                market_history_days: crate::synth_cmd::DEFAULT_MARKET_HISTORY_DAYS,
            }
            .config(today_and_now().0)?;
            let wh = wh.clone();
            wh.clone()
                .with_database("default")
                .execute("CREATE DATABASE IF NOT EXISTS mensura")
                .await?;
            let wh = wh.with_database("mensura");
            let loaded = crate::synth_cmd::load(&wh, &config, &salt, false).await?;
            let rows: u64 = loaded.iter().map(|(_, r)| r).sum();
            done(
                out,
                t,
                &format!(
                    "{} tables, {rows} rows ({} users, {} days)",
                    loaded.len(),
                    config.users,
                    config.days
                ),
            )?;

            let report = state.join("test_report.json");
            let dir = build_test_publish(&wh, &salt, &state, &report, out, true).await?;
            let link = switch(&state, &dir)?;
            if args.no_serve {
                writeln!(
                    out,
                    "[6/6] not serving (--no-serve); the data is in {}",
                    link.display()
                )?;
                return Ok(());
            }

            let t = stage(out, 6, "serving the notebook")?;
            let rebuild = {
                let (wh, salt, state) = (wh.clone(), salt.clone(), state.clone());
                rebuild_job(move || {
                    let (wh, salt, state) = (wh.clone(), salt.clone(), state.clone());
                    async move {
                        let mut sink = std::io::sink();
                        let report = state.join("test_report.json");
                        let dir = build_test_publish(&wh, &salt, &state, &report, &mut sink, false)
                            .await?;
                        switch(&state, &dir)?;
                        Ok(Rebuilt {
                            message: format!("rebuilt and published {}", dir.display()),
                            data_dir: None,
                        })
                    }
                })
            };
            let config = ServeConfig {
                addr: args.addr,
                www: args.www.clone(),
                data: link,
                admin_token: std::env::var(crate::serve::ADMIN_TOKEN_ENV)
                    .ok()
                    .filter(|t| !t.is_empty()),
                tests_report: Some(state.join("test_report.json")),
            };
            let server = Server::bind(config, Some(rebuild)).await?;
            done(out, t, "ready")?;
            writeln!(
                out,
                "\nOpen {} in a browser. Ctrl-C stops the demo.",
                server.url()
            )?;
            out.flush()?;
            server.run(signals.recv()).await
        }
        .await;
        engine.shutdown().await?;
        result
    })
}
