//! `mensura`: Mensura's command line.
//!
//! Today it runs the engine on extracts (`attribute`, `sweep`, `funnel`, `baseline`,
//! `collinearity`), writes the deterministic sample extracts (`sample`), and runs the demo on
//! them (`demo`). The ClickHouse side (`build`, `test`, `publish`, `serve`, `synth`) grows here.

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use mensura::{analyze, demo, fixtures, sample, stack_cmd, synth_cmd, tour};

/// Mensura: multi-touch attribution and marketing mix modelling over ClickHouse and Parquet.
#[derive(Debug, Parser)]
#[command(name = "mensura", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The whole product in one command: embedded ClickHouse, synthetic data, build, data tests,
    /// publish, and the notebook served on http://127.0.0.1:8080.
    Demo(demo::DemoArgs),
    /// Tour the engine natively over a data directory (default: the committed fixtures).
    Tour(tour::TourArgs),
    /// Attribute conversions to event kinds (first, last, linear, time-decay, position-based).
    Attribute(analyze::AttributeArgs),
    /// Attribution over a grid of lookbacks × half-lives, with rank flips.
    Sweep(analyze::SweepArgs),
    /// ClickHouse windowFunnel over funnel events, per user-day or per user over a date range.
    Funnel(analyze::FunnelArgs),
    /// Bottom-decile KPI baselines per (KPI, media) pair from the MMM spine.
    Baseline(analyze::BaselineArgs),
    /// Pearson correlation of every media pair (and VIF) from the MMM spine.
    Collinearity(analyze::CollinearityArgs),
    /// Write the deterministic sample extracts and their manifest.
    Sample(sample::SampleArgs),
    /// Rewrite the committed warehouse fixtures (the whole pipeline from a fixed seed).
    #[command(hide = true)]
    Fixtures(fixtures::FixturesArgs),
    /// Generate synthetic upstream data (every source table of the stack) into ClickHouse.
    Synth(synth_cmd::SynthArgs),
    /// Build the measurement stack in ClickHouse (embedded chDB, or a server by URL).
    Build(stack_cmd::BuildArgs),
    /// Run the data tests on the built stack; exits with 1 when an error-severity test fails.
    Test(stack_cmd::TestArgs),
    /// Publish the privacy-safe Parquet extracts of the built stack, with their manifest.
    Publish(stack_cmd::PublishArgs),
    /// Serve the notebook (www/) and the published data over HTTP, with admin routes.
    Serve(mensura::serve::ServeArgs),
}

/// Runs an async command on a fresh runtime.
fn block_on<T>(future: impl Future<Output = anyhow::Result<T>>) -> anyhow::Result<T> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?
        .block_on(future)
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("MENSURA_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let result = match &cli.command {
        Command::Demo(args) => demo::run(args, &mut out),
        Command::Tour(args) => tour::run(args, &mut out),
        Command::Attribute(args) => analyze::attribute(args, &mut out),
        Command::Sweep(args) => analyze::sweep(args, &mut out),
        Command::Funnel(args) => analyze::funnel(args, &mut out),
        Command::Baseline(args) => analyze::baseline(args, &mut out),
        Command::Collinearity(args) => analyze::collinearity(args, &mut out),
        Command::Sample(args) if args.check => sample::differences(&args.out, args).and_then(|d| {
            if d.is_empty() {
                eprintln!("{} matches the generator", args.out.display());
                Ok(())
            } else {
                anyhow::bail!(
                    "{} does not match the generator (rerun `mensura sample --out {}`): {}",
                    args.out.display(),
                    args.out.display(),
                    d.join(", ")
                )
            }
        }),
        Command::Fixtures(args) => block_on(fixtures::run(args)).map(|m| {
            eprintln!("wrote {} extracts to {}", m.files.len(), args.out.display());
        }),
        Command::Synth(args) => block_on(synth_cmd::run(args, &mut out)).map(|_| ()),
        Command::Build(args) => block_on(stack_cmd::build(args, &mut out)).map(|_| ()),
        Command::Test(args) => block_on(stack_cmd::test(args, &mut out)).and_then(|r| {
            if r.errors() > 0 {
                anyhow::bail!("{} data tests failed (severity error)", r.errors())
            }
            Ok(())
        }),
        Command::Publish(args) => block_on(stack_cmd::publish(args, &mut out)).map(|_| ()),
        Command::Serve(args) => mensura::serve::run(args, &mut out),
        Command::Sample(args) => sample::run(args).map(|m| {
            eprintln!(
                "wrote {} extracts and manifest.json to {}",
                m.files.len(),
                args.out.display()
            );
        }),
    };
    let _ = out.flush();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that stops early (`mensura … | head`) is not an error.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
