//! `mensura tour`: a guided tour of the engine over a data directory (by default the committed
//! warehouse fixtures), natively, with no ClickHouse. Each stage says what it computes, then prints
//! the numbers.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::analyze::{
    self, AttributeArgs, BaselineArgs, CollinearityArgs, FunnelArgs, JourneyArgs, SpineArgs,
};
use crate::manifest::Manifest;
use crate::output::Format;

#[derive(Debug, Clone, clap::Args)]
pub struct TourArgs {
    /// Data directory with manifest.json and the extracts.
    #[arg(long, default_value = "fixtures/warehouse")]
    pub data: PathBuf,
}

pub fn run(args: &TourArgs, out: &mut impl Write) -> Result<()> {
    let dir = &args.data;
    let manifest = Manifest::read(dir)
        .with_context(|| format!("{} is not a Mensura data directory", dir.display()))?;
    writeln!(
        out,
        "Mensura tour over {} ({} data, as of {}, schema v{})\n",
        dir.display(),
        manifest.source,
        manifest.as_of_date,
        manifest.schema_version
    )?;
    for f in &manifest.files {
        writeln!(
            out,
            "  {:<32} {:>8} rows  {:>8} bytes  sector {}",
            f.name, f.rows, f.bytes, f.sector
        )?;
    }
    let file = |name: &str| dir.join(name);
    let journeys = |sector: &str| JourneyArgs {
        conversions: file(&format!("conversions_{sector}.parquet")),
        touches: file(&format!("journeys_touches_{sector}.parquet")),
        lag: analyze::LagArg::Calendar,
        window_days: 180,
        as_of: None,
        by_role: sector == "gp",
        position_weights: "0.4,0.2,0.4".into(),
        format: Format::Table,
    };
    stage(
        out,
        "Gnosis App attribution, 30-day lookback, upstream kernel exp(−lag/7) (the marts' numbers)",
    )?;
    analyze::attribute(
        &AttributeArgs {
            journeys: journeys("ga"),
            lookback_days: 30,
            half_life_days: None,
            efold_days: Some(7.0),
            per_conversion: false,
        },
        out,
    )?;
    stage(
        out,
        "Gnosis Pay attribution by identity role, 7-day lookback, true 3-day half-life",
    )?;
    analyze::attribute(
        &AttributeArgs {
            journeys: journeys("gp"),
            lookback_days: 7,
            half_life_days: Some(3.0),
            efold_days: None,
            per_conversion: false,
        },
        out,
    )?;
    stage(
        out,
        "Funnel pageview → swap_filled → topup, per user per UTC day (ClickHouse windowFunnel semantics)",
    )?;
    analyze::funnel(
        &FunnelArgs {
            events: file("funnel_events_ga.parquet"),
            steps: "mp.pageview,chain.swap_filled,chain.topup".into(),
            window_s: 2_592_000,
            mode: None,
            per: analyze::PerArg::Day,
            from: None,
            to: None,
            summary: true,
            format: Format::Table,
        },
        out,
    )?;
    let spine = || SpineArgs {
        spine: file("mmm_spine_weekly.parquet"),
        as_of: None,
        trailing_days: 730,
        format: Format::Table,
    };
    stage(
        out,
        "MMM bottom-decile baselines (adstock λ = 0.5, the mart's 9-week truncated form)",
    )?;
    analyze::baseline(
        &BaselineArgs {
            spine: spine(),
            lambda: 0.5,
            lambda_by_media: None,
            form: analyze::FormArg::Truncated,
        },
        out,
    )?;
    stage(out, "MMM media collinearity: variance inflation factors")?;
    analyze::collinearity(
        &CollinearityArgs {
            spine: spine(),
            threshold: 0.9,
            vif: true,
        },
        out,
    )?;
    writeln!(
        out,
        "\nEvery number above can be recomputed with `mensura attribute|funnel|baseline|collinearity --help`."
    )?;
    Ok(())
}

fn stage(out: &mut impl Write, title: &str) -> Result<()> {
    writeln!(out, "\n== {title}\n")?;
    Ok(())
}
