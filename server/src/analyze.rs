//! The engine subcommands: `attribute`, `sweep`, `funnel`, `baseline`, `collinearity`.
//!
//! Each reads extracts from disk, runs `mensura-engine` natively and prints a [`Table`]. The
//! numbers are the same ones the notebook computes in the browser from the same files.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use mensura_engine::attribution::{
    self, AttributionParams, DecayKernel, Journeys, LagMode, PositionWeights, Rule, SweepParams,
};
use mensura_engine::date::{format_date, parse_date};
use mensura_engine::extract;

use crate::output::{Cell, Format, Table};

/// Reads a file into bytes, naming it in errors.
pub fn read_bytes(path: &Path) -> Result<Bytes> {
    std::fs::read(path)
        .map(Bytes::from)
        .with_context(|| format!("cannot read {}", path.display()))
}

/// The decay kernel, lag and window options shared by `attribute` and `sweep`.
#[derive(Debug, Clone, clap::Args)]
pub struct JourneyArgs {
    /// Conversions extract (`conversions_ga.parquet` / `conversions_gp.parquet`).
    #[arg(long)]
    pub conversions: PathBuf,
    /// Touch extract (`journeys_touches_ga.parquet` / `journeys_touches_gp.parquet`).
    #[arg(long)]
    pub touches: PathBuf,
    /// Lag in whole calendar days (as upstream) or exact fractional days.
    #[arg(long, value_enum, default_value = "calendar")]
    pub lag: LagArg,
    /// Conversions dated within this many days before --as-of count.
    #[arg(long, default_value_t = 180)]
    pub window_days: u32,
    /// End of the conversion window, YYYY-MM-DD (default: the latest conversion date).
    #[arg(long)]
    pub as_of: Option<String>,
    /// Gnosis Pay: group by identity role too.
    #[arg(long)]
    pub by_role: bool,
    /// Position-based weights first,middle,last (summing to 1).
    #[arg(long, default_value = "0.4,0.2,0.4")]
    pub position_weights: String,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LagArg {
    Calendar,
    Exact,
}

impl JourneyArgs {
    fn load(&self) -> Result<Journeys> {
        let conversions = extract::read_conversions(
            &self.conversions.display().to_string(),
            read_bytes(&self.conversions)?,
        )?;
        let touches_name = self.touches.display().to_string();
        let touches = extract::read_touches(&touches_name, read_bytes(&self.touches)?)?;
        Ok(Journeys::new(&conversions, &touches, &touches_name)?)
    }

    fn lag(&self) -> LagMode {
        match self.lag {
            LagArg::Calendar => LagMode::Calendar,
            LagArg::Exact => LagMode::Exact,
        }
    }

    fn as_of(&self) -> Result<Option<i32>> {
        Ok(self
            .as_of
            .as_deref()
            .map(|d| parse_date("as_of", d))
            .transpose()?)
    }

    fn position(&self) -> Result<PositionWeights> {
        let parts = parse_list::<f64>("--position-weights", &self.position_weights)?;
        let [first, middle, last] = parts[..] else {
            bail!(
                "--position-weights needs three numbers first,middle,last; got `{}`",
                self.position_weights
            );
        };
        Ok(PositionWeights {
            first,
            middle,
            last,
        })
    }
}

/// The columns of an attribution row after its conversion kind (and role).
const ROW_COLUMNS: [&str; 8] = [
    "event_kind",
    "conversions_with_touch",
    "first_touch",
    "last_touch",
    "linear",
    "time_decay",
    "position_based",
    "total_conversions",
];

/// The cells of [`ROW_COLUMNS`] for one row.
fn row_cells(r: &attribution::AttributionRow) -> [Cell; 8] {
    [
        r.event_kind.as_str().into(),
        r.conversions_with_touch.into(),
        r.first_touch.into(),
        r.last_touch.into(),
        r.linear.into(),
        r.time_decay.into(),
        r.position_based.into(),
        r.total_conversions.into(),
    ]
}

/// Parses a comma-separated list, naming the option in errors.
pub fn parse_list<T: std::str::FromStr>(option: &str, text: &str) -> Result<Vec<T>> {
    text.split(',')
        .map(|p| {
            p.trim()
                .parse::<T>()
                .map_err(|_| anyhow::anyhow!("{option}: `{p}` is not a valid value"))
        })
        .collect()
}

#[derive(Debug, Clone, clap::Args)]
pub struct AttributeArgs {
    #[command(flatten)]
    pub journeys: JourneyArgs,
    /// Touches up to this many days (to the second) before the conversion count.
    #[arg(long, default_value_t = 30)]
    pub lookback_days: u32,
    /// True half-life of the time-decay kernel, in days: weight 2^(−lag/H). The default (7).
    #[arg(long, conflicts_with = "efold_days")]
    pub half_life_days: Option<f64>,
    /// E-folding time of the upstream kernel, in days: weight exp(−lag/T); 7 reproduces the marts.
    #[arg(long)]
    pub efold_days: Option<f64>,
    /// Print each conversion's credit per event kind instead of the group sums.
    #[arg(long)]
    pub per_conversion: bool,
}

pub fn attribute(args: &AttributeArgs, out: &mut impl std::io::Write) -> Result<()> {
    let j = args.journeys.load()?;
    let kernel = match (args.half_life_days, args.efold_days) {
        (_, Some(efold_days)) => DecayKernel::EFolding { efold_days },
        (h, None) => DecayKernel::HalfLife {
            half_life_days: h.unwrap_or(7.0),
        },
    };
    let params = AttributionParams {
        lookback_days: args.lookback_days,
        window_days: args.journeys.window_days,
        as_of: args.journeys.as_of()?,
        kernel,
        lag: args.journeys.lag(),
        position: args.journeys.position()?,
        by_role: args.journeys.by_role,
        per_conversion: args.per_conversion,
    };
    let result = attribution::attribute(&j, &params)?;
    tracing::info!(
        conversions = j.conversions(),
        touches = j.touches(),
        window = %format!("{}..={}", format_date(result.window_start), format_date(result.as_of)),
        "attributed"
    );
    let table = if let Some(per) = &result.per_conversion {
        let mut t = Table::new(vec![
            "conversion_id",
            "event_kind",
            "n_touches",
            "first_touch",
            "last_touch",
            "linear",
            "time_decay",
            "position_based",
        ]);
        for p in per {
            t.push(vec![
                p.conversion_id.into(),
                p.event_kind.as_str().into(),
                p.n_touches.into(),
                p.first_touch.into(),
                p.last_touch.into(),
                p.linear.into(),
                p.time_decay.into(),
                p.position_based.into(),
            ]);
        }
        t
    } else {
        let by_role = result.rows.iter().any(|r| r.identity_role.is_some());
        let mut cols = vec!["conversion_kind"];
        if by_role {
            cols.push("identity_role");
        }
        cols.extend(ROW_COLUMNS);
        let mut t = Table::new(cols);
        for r in &result.rows {
            let mut row: Vec<Cell> = vec![r.conversion_kind.as_str().into()];
            if by_role {
                row.push(r.identity_role.clone().into());
            }
            row.extend(row_cells(r));
            t.push(row);
        }
        t
    };
    table.write(args.journeys.format, out)
}

#[derive(Debug, Clone, clap::Args)]
pub struct SweepArgs {
    #[command(flatten)]
    pub journeys: JourneyArgs,
    /// Lookbacks in days, increasing.
    #[arg(long, default_value = "7,14,30,60")]
    pub lookbacks: String,
    /// Half-lives in days (or e-folding times with --efold).
    #[arg(long, default_value = "1,3,7,14,30")]
    pub half_lives: String,
    /// Treat --half-lives as e-folding times (the upstream kernel).
    #[arg(long)]
    pub efold: bool,
    /// Rule whose ranking of event kinds is compared across the grid.
    #[arg(long, value_enum, default_value = "time-decay")]
    pub rank_by: RuleArg,
    /// Print the rank flips against the first cell instead of the credits.
    #[arg(long)]
    pub flips: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RuleArg {
    FirstTouch,
    LastTouch,
    Linear,
    TimeDecay,
    PositionBased,
}

impl From<RuleArg> for Rule {
    fn from(r: RuleArg) -> Self {
        match r {
            RuleArg::FirstTouch => Self::FirstTouch,
            RuleArg::LastTouch => Self::LastTouch,
            RuleArg::Linear => Self::Linear,
            RuleArg::TimeDecay => Self::TimeDecay,
            RuleArg::PositionBased => Self::PositionBased,
        }
    }
}

pub fn sweep(args: &SweepArgs, out: &mut impl std::io::Write) -> Result<()> {
    let j = args.journeys.load()?;
    let kernels: Vec<DecayKernel> = parse_list::<f64>("--half-lives", &args.half_lives)?
        .into_iter()
        .map(|d| {
            if args.efold {
                DecayKernel::EFolding { efold_days: d }
            } else {
                DecayKernel::HalfLife { half_life_days: d }
            }
        })
        .collect();
    let params = SweepParams {
        lookbacks_days: parse_list("--lookbacks", &args.lookbacks)?,
        kernels,
        window_days: args.journeys.window_days,
        as_of: args.journeys.as_of()?,
        lag: args.journeys.lag(),
        position: args.journeys.position()?,
        by_role: args.journeys.by_role,
        rank_by: args.rank_by.into(),
        reference_cell: 0,
    };
    let result = attribution::sweep(&j, &params)?;
    let kernel_col = if args.efold {
        "efold_days"
    } else {
        "half_life_days"
    };
    let mut t;
    if args.flips {
        t = Table::new(vec![
            "lookback_days",
            kernel_col,
            "conversion_kind",
            "identity_role",
            "leader",
            "reference_leader",
            "leader_changed",
            "inversions",
        ]);
        for f in &result.rank_flips {
            let cell = &result.cells[f.cell];
            t.push(vec![
                cell.lookback_days.into(),
                cell.kernel.days().into(),
                f.conversion_kind.as_str().into(),
                f.identity_role.clone().into(),
                f.leader.as_str().into(),
                f.reference_leader.as_str().into(),
                f.leader_changed.into(),
                f.inversions.into(),
            ]);
        }
    } else {
        let mut cols = vec![
            "lookback_days",
            kernel_col,
            "conversion_kind",
            "identity_role",
        ];
        cols.extend(ROW_COLUMNS);
        t = Table::new(cols);
        for cell in &result.cells {
            for r in &cell.rows {
                let mut row: Vec<Cell> = vec![
                    cell.lookback_days.into(),
                    cell.kernel.days().into(),
                    r.conversion_kind.as_str().into(),
                    r.identity_role.clone().into(),
                ];
                row.extend(row_cells(r));
                t.push(row);
            }
        }
    }
    t.write(args.journeys.format, out)
}

#[derive(Debug, Clone, clap::Args)]
pub struct FunnelArgs {
    /// Funnel-events extract (`funnel_events_ga.parquet`).
    #[arg(long)]
    pub events: PathBuf,
    /// Ordered step event kinds, e.g. `mp.pageview,chain.swap_filled,chain.topup`.
    #[arg(long)]
    pub steps: String,
    /// Window in seconds from a chain's first step, inclusive.
    #[arg(long, default_value_t = 2_592_000)]
    pub window_s: u64,
    /// ClickHouse windowFunnel modes: strict_order, strict_deduplication, strict_increase,
    /// strict_once, allow_reentry (comma-separated).
    #[arg(long)]
    pub mode: Option<String>,
    /// Group per user per UTC day (as the daily mart) or per user over --from..=--to.
    #[arg(long, value_enum, default_value = "day")]
    pub per: PerArg,
    /// First date of a range funnel, YYYY-MM-DD (default: the first event's date).
    #[arg(long)]
    pub from: Option<String>,
    /// Last date of a range funnel, YYYY-MM-DD (default: the last event's date).
    #[arg(long)]
    pub to: Option<String>,
    /// Print level counts, step conversion and time to convert instead of one row per group.
    #[arg(long)]
    pub summary: bool,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PerArg {
    Day,
    Range,
}

pub fn funnel(args: &FunnelArgs, out: &mut impl std::io::Write) -> Result<()> {
    use mensura_engine::funnel::{FunnelModes, FunnelParams, Grouping};
    let events = extract::read_funnel_events(
        &args.events.display().to_string(),
        read_bytes(&args.events)?,
    )?;
    let steps: Vec<String> = args
        .steps
        .split(',')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    let modes = match &args.mode {
        Some(m) => {
            FunnelModes::from_options(m.split(',').map(str::trim).filter(|s| !s.is_empty()))?
        }
        None => FunnelModes::default(),
    };
    let grouping = match args.per {
        PerArg::Day => Grouping::PerDay,
        PerArg::Range => {
            let dates = events
                .event_ts
                .iter()
                .map(|&t| mensura_engine::date::date_of_ts(t));
            let first = dates.clone().min().unwrap_or(0);
            let last = dates.max().unwrap_or(0);
            Grouping::Range {
                from_date: args
                    .from
                    .as_deref()
                    .map(|d| parse_date("from", d))
                    .transpose()?
                    .unwrap_or(first),
                to_date: args
                    .to
                    .as_deref()
                    .map(|d| parse_date("to", d))
                    .transpose()?
                    .unwrap_or(last),
            }
        }
    };
    let params = FunnelParams {
        steps,
        window_s: args.window_s,
        modes,
        grouping,
        with_rows: !args.summary,
    };
    let report = mensura_engine::funnel::funnel(&events, &params)?;
    for w in &report.warnings {
        let mensura_engine::funnel::FunnelWarning::StepKindAbsent { step, event_kind } = w;
        eprintln!(
            "warning: step {step} (`{event_kind}`) never occurs in {}",
            args.events.display()
        );
    }
    let mut t;
    if args.summary {
        t = Table::new(vec![
            "level",
            "groups",
            "reached",
            "step_conversion",
            "ttc_median_s",
            "ttc_p90_s",
        ]);
        for (level, &groups) in report.users_per_level.iter().enumerate() {
            let reached = level
                .checked_sub(1)
                .and_then(|k| report.reached.get(k))
                .copied();
            let conversion = level
                .checked_sub(2)
                .and_then(|k| report.step_conversion.get(k))
                .copied()
                .flatten();
            let ttc = level
                .checked_sub(2)
                .and_then(|k| report.time_to_convert.get(k));
            t.push(vec![
                (level as u64).into(),
                groups.into(),
                reached.into(),
                conversion.into(),
                ttc.and_then(|x| x.median_s).into(),
                ttc.and_then(|x| x.p90_s).into(),
            ]);
        }
    } else {
        t = Table::new(vec!["date", "user_id", "level"]);
        for r in report.rows.iter().flatten() {
            t.push(vec![
                r.date.map(format_date).into(),
                r.user_id.into(),
                r.level.into(),
            ]);
        }
    }
    t.write(args.format, out)
}

/// Options shared by the MMM commands.
#[derive(Debug, Clone, clap::Args)]
pub struct SpineArgs {
    /// MMM spine extract (`mmm_spine_weekly.parquet`).
    #[arg(long)]
    pub spine: PathBuf,
    /// The mart's `today()`, YYYY-MM-DD (default: the Monday after the last spine week).
    #[arg(long)]
    pub as_of: Option<String>,
    /// Source weeks are those on or after --as-of minus this many days.
    #[arg(long, default_value_t = 730)]
    pub trailing_days: u32,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

impl SpineArgs {
    fn load(&self) -> Result<(mensura_engine::table::Spine, i32)> {
        let spine =
            extract::read_spine(&self.spine.display().to_string(), read_bytes(&self.spine)?)?;
        let as_of = match &self.as_of {
            Some(d) => parse_date("as_of", d)?,
            None => spine.week.last().map_or(0, |w| w + 7),
        };
        Ok((spine, as_of))
    }
}

#[derive(Debug, Clone, clap::Args)]
pub struct BaselineArgs {
    #[command(flatten)]
    pub spine: SpineArgs,
    /// Adstock retention rate λ of every media (0 ≤ λ < 1).
    #[arg(long, default_value_t = 0.5)]
    pub lambda: f64,
    /// Per-media λ overrides, e.g. `ga_token_offer_emissions_usd=0.3,pools_lp_fee_apr_avg=0.7`.
    #[arg(long)]
    pub lambda_by_media: Option<String>,
    /// Adstock form: the mart's 9-row truncated NULL-skipping window, or the infinite recursion.
    #[arg(long, value_enum, default_value = "truncated")]
    pub form: FormArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormArg {
    Truncated,
    Recursive,
}

pub fn baseline(args: &BaselineArgs, out: &mut impl std::io::Write) -> Result<()> {
    use mensura_engine::mmm::adstock::AdstockForm;
    use mensura_engine::mmm::baseline::{BaselineParams, baseline};
    let (spine, as_of) = args.spine.load()?;
    let mut params = BaselineParams::mart(as_of);
    params.trailing_days = args.spine.trailing_days;
    params.default_lambda = args.lambda;
    if args.form == FormArg::Recursive {
        params.form = AdstockForm::Geometric;
    }
    for pair in args.lambda_by_media.iter().flat_map(|s| s.split(',')) {
        let Some((name, value)) = pair.split_once('=') else {
            bail!("--lambda-by-media: `{pair}` is not of the form media=λ");
        };
        let value: f64 = value
            .trim()
            .parse()
            .with_context(|| format!("--lambda-by-media: `{value}` is not a number"))?;
        params.lambda_by_media.insert(name.trim().to_owned(), value);
    }
    let rows = baseline(&spine, &params)?;
    let mut t = Table::new(vec![
        "kpi_name",
        "media_name",
        "baseline_kpi_median",
        "baseline_kpi_q05",
        "baseline_kpi_q95",
        "bottom_decile_threshold",
        "n_low_spend_weeks",
    ]);
    for r in rows {
        t.push(vec![
            r.kpi_name.into(),
            r.media_name.into(),
            r.baseline_kpi_median.into(),
            r.baseline_kpi_q05.into(),
            r.baseline_kpi_q95.into(),
            r.bottom_decile_threshold.into(),
            r.n_low_spend_weeks.into(),
        ]);
    }
    t.write(args.spine.format, out)
}

#[derive(Debug, Clone, clap::Args)]
pub struct CollinearityArgs {
    #[command(flatten)]
    pub spine: SpineArgs,
    /// Flag pairs with |r| strictly above this.
    #[arg(long, default_value_t = 0.9)]
    pub threshold: f64,
    /// Print the variance inflation factor of each media column instead of the pairs.
    #[arg(long)]
    pub vif: bool,
}

pub fn collinearity(args: &CollinearityArgs, out: &mut impl std::io::Write) -> Result<()> {
    use mensura_engine::mmm::collinearity::{CollinearityParams, pairs, vif};
    let (spine, as_of) = args.spine.load()?;
    let params = CollinearityParams {
        as_of_date: as_of,
        trailing_days: args.spine.trailing_days,
        high_corr_threshold: args.threshold,
    };
    let mut t;
    if args.vif {
        t = Table::new(vec!["column", "vif", "n_weeks", "status"]);
        for r in vif(&spine, &params)? {
            t.push(vec![
                r.column.as_str().into(),
                r.vif.into(),
                r.n_weeks.into(),
                snake_name(&r.status).into(),
            ]);
        }
    } else {
        t = Table::new(vec![
            "col_a",
            "col_b",
            "pearson_corr",
            "n_weeks",
            "is_high_collinearity",
            "status",
        ]);
        for r in pairs(&spine, &params)? {
            t.push(vec![
                r.col_a.as_str().into(),
                r.col_b.as_str().into(),
                r.pearson_corr.into(),
                r.n_weeks.into(),
                r.is_high_collinearity.into(),
                snake_name(&r.status).into(),
            ]);
        }
    }
    t.write(args.spine.format, out)
}

/// The serde (snake_case) name of a unit enum value, e.g. `insufficient_variance`.
fn snake_name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}
