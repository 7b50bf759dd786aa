//! # mensura-synth
//!
//! Deterministic synthetic upstream data for the measurement stack: every table of spec §13
//! (13.1 Gnosis App, 13.2 Gnosis Pay, 13.3 MMM), as Arrow record batches that the server loads
//! into ClickHouse (`INSERT INTO <table> FORMAT Parquet`, columns matched by name) for demos,
//! tests and performance builds.
//!
//! ```
//! use mensura_synth::{SynthConfig, generate, parquet_bytes};
//!
//! let config = SynthConfig { users: 50, gp_safes: 20, ..SynthConfig::default() };
//! let pseudonymize = |s: &str| s.len() as u64; // the server passes its keyed SipHash
//! for table in generate(&config, &pseudonymize)? {
//!     let schema = table.schema.clone();
//!     let bytes = parquet_bytes(&schema, table.batches)?;
//!     assert!(!bytes.is_empty(), "{}", table.name);
//! }
//! # Ok::<(), mensura_synth::Error>(())
//! ```
//!
//! ## What the data looks like, and why
//!
//! The generator simulates a population rather than drawing each table on its own, so the tables
//! agree with each other the way production does and every rule of the models has something to
//! bite on:
//!
//! - **Gnosis App** (module `ga`, `mixpanel`): each user has a life of sessions with heavy-tailed
//!   activity (many one-off users, a few daily power users). Inside sessions, Mixpanel events
//!   and signed swaps precede conversions (filled swaps, topups, token-offer claims, marketplace
//!   buys) by seconds to minutes, earlier sessions by days or weeks; some touches sit exactly on
//!   the conversion second or exactly `N·86400 s` before it, so the leakage guards matter.
//!   Every heuristic kind of §5.2 and every Mixpanel category of §5.3 appears, as do anonymous
//!   (`$device:`) and non-production Mixpanel rows the models must drop. About 73 % of CoW orders
//!   fill, at or after their signature.
//! - **Gnosis Pay** (module `gp`): Safes with one or two owners and one shared delegate EOA;
//!   about 45 % are owned by GA users, whose GA topups arrive in the Safe's activity in the same
//!   transaction; migrated Safes; card payments, reversals, GNO cashback, fiat top ups and
//!   off-ramps, crypto deposits and withdrawals, and `Other`.
//! - **MMM** (module `mmm`): daily sources over the whole range: pools (with a week of NULL
//!   `fee_apr_7d` and a drained pool), DEX volume, GA users and topups aggregated from the GA
//!   lives, proposer rewards, token prices (GNO, WETH, WXDAI, EURe… in production's mixed case),
//!   transaction counts and gas. Token-offer campaigns drive both claims (a media) and
//!   onboarding (a KPI); holiday weeks and the Pectra fork leave visible marks. The market
//!   tables can start [`SynthConfig::market_history_days`] before the products (a chain is older
//!   than its apps), so the spine's two-year window has market data over a short product range.
//! - **Edge scenarios** (module `edge`): the hand-placed rows of spec §13.4 (self-exclusion,
//!   the strict upper bound, the inclusive lookback bound, first-touch ties, untracked and
//!   out-of-window conversions, GP fan-out, `gpay_funded`, a migrated Safe, same-key merges,
//!   funnels), appended to the generated tables when [`SynthConfig::edge_cases`] is set. The
//!   module's documentation lists each scenario with its expected outcome.
//!
//! ## Determinism and memory
//!
//! The API is pure: no I/O, clock, threads or globals. The same configuration gives the same
//! rows, batches and Parquet bytes; each entity draws from its own seeded stream (module
//! `random`), so a table is generated user by user (or Safe by Safe, day by day) without
//! holding the others. Tables are produced lazily, in batches of at most
//! [`SynthConfig::batch_rows`] rows; GP tables regenerate the lives of the GA users owning
//! Safes, and the MMM GA aggregates regenerate every life once, which is cheap next to the rows.
//!
//! ## Loading into ClickHouse
//!
//! Columns carry the names of spec §13 and the Arrow types of its ClickHouse types (see
//! `table`). Parquet has no second-resolution timestamp: `Timestamp(Second, "UTC")` columns are
//! stored as `INT64 TIMESTAMP(MILLIS, UTC)` (Arrow readers get seconds back from the embedded
//! Arrow schema), which ClickHouse converts to `DateTime`/`DateTime64(0, 'UTC')` on insert.
//! `stg_mixpanel_ga__events` also has `device_id_hash` (UInt64, the pseudonym of `$device_id`),
//! which spec §13 does not list.

mod config;
mod edge;
mod ga;
mod gp;
mod mixpanel;
mod mmm;
mod random;
mod table;
mod time;
mod world;

use std::io::Write;
use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

pub use config::{
    MAX_BATCH_ROWS, MAX_DAYS, MAX_USERS, MIN_DAYS, MIN_DAYS_WITH_EDGE_CASES, START_YEARS,
    SynthConfig,
};
pub use table::{Batches, Sector, Table};
pub use time::CivilDate;

use crate::ga::Life;
use crate::gp::Safe;
use crate::table::{Row, from_rows};
use crate::world::World;

/// Everything that can go wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `users` is out of range.
    #[error("users must be between 1 and {max}, got {got}")]
    Users { got: u32, max: u32 },
    /// `gp_safes` is out of range.
    #[error("gp_safes must be between 1 and {max}, got {got}")]
    GpSafes { got: u32, max: u32 },
    /// `days` is out of range (the minimum depends on `edge_cases`).
    #[error(
        "days must be between {min} and {max}, got {got} \
         (edge cases need at least {MIN_DAYS_WITH_EDGE_CASES}, without them {MIN_DAYS})"
    )]
    Days { got: u32, min: u32, max: u32 },
    /// `start` is not a valid date in the allowed years.
    #[error("start must be a valid date in the years {}..={}, got {got}", START_YEARS.0, START_YEARS.1)]
    Start { got: String },
    /// `market_history_days` is out of range.
    #[error(
        "market_history_days must be at most {max} and start no earlier than {}-01-01, got {got}",
        START_YEARS.0
    )]
    MarketHistory { got: u32, max: u32 },
    /// `batch_rows` is out of range.
    #[error("batch_rows must be between 1 and {max}, got {got}")]
    BatchRows { got: usize, max: usize },
    /// A string that is not a `YYYY-MM-DD` date.
    #[error("not a date (expected YYYY-MM-DD): {0:?}")]
    Date(String),
    /// Encoding Parquet failed (in practice only when the output writer fails).
    #[error("writing Parquet: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The pseudonymizer the caller injects: the server's keyed SipHash of spec §3.1, or any
/// function in tests. It maps a Mixpanel `distinct_id` (an address or `$device:<uuid>`) to
/// `user_id_hash`, and a `$device_id` to `device_id_hash`.
pub type Pseudonymizer = dyn Fn(&str) -> u64 + Sync;

/// Every table, in the order [`generate`] returns them, with its sector.
pub const TABLES: [(&str, Sector); 20] = [
    ("int_execution_gnosis_app_users_current", Sector::GnosisApp),
    ("int_execution_gnosis_app_user_events", Sector::GnosisApp),
    ("int_execution_gnosis_app_swaps", Sector::GnosisApp),
    ("int_execution_gnosis_app_gpay_topups", Sector::GnosisApp),
    (
        "int_execution_gnosis_app_marketplace_payments",
        Sector::GnosisApp,
    ),
    (
        "int_execution_gnosis_app_token_offer_claims",
        Sector::GnosisApp,
    ),
    ("stg_mixpanel_ga__events", Sector::GnosisApp),
    ("int_execution_gpay_wallets", Sector::GnosisPay),
    ("int_execution_safes_owner_events", Sector::GnosisPay),
    (
        "int_execution_gpay_spender_delegates_current",
        Sector::GnosisPay,
    ),
    ("int_execution_gpay_safe_canonical", Sector::GnosisPay),
    ("int_execution_gpay_activity", Sector::GnosisPay),
    ("fct_execution_pools_daily", Sector::Mmm),
    ("fct_execution_trades_by_protocol_daily", Sector::Mmm),
    ("fct_execution_gnosis_app_users_daily", Sector::Mmm),
    ("fct_execution_gnosis_app_gpay_topups_weekly", Sector::Mmm),
    (
        "int_consensus_validators_proposer_rewards_daily",
        Sector::Mmm,
    ),
    ("int_execution_pools_metrics_daily", Sector::Mmm),
    ("int_execution_token_prices_daily", Sector::Mmm),
    ("int_execution_transactions_info_daily", Sector::Mmm),
];

/// Every table's name and Arrow schema, in [`TABLES`] order (e.g. to create the source tables).
pub fn schemas() -> Vec<(&'static str, SchemaRef)> {
    vec![
        (ga::UserCurrent::TABLE, ga::UserCurrent::schema()),
        (ga::UserEvent::TABLE, ga::UserEvent::schema()),
        (ga::SwapRow::TABLE, ga::SwapRow::schema()),
        (ga::TopupRow::TABLE, ga::TopupRow::schema()),
        (ga::BuyRow::TABLE, ga::BuyRow::schema()),
        (ga::ClaimRow::TABLE, ga::ClaimRow::schema()),
        (
            mixpanel::MixpanelEvent::TABLE,
            mixpanel::MixpanelEvent::schema(),
        ),
        (gp::Wallet::TABLE, gp::Wallet::schema()),
        (gp::OwnerEvent::TABLE, gp::OwnerEvent::schema()),
        (gp::Delegate::TABLE, gp::Delegate::schema()),
        (gp::Canonical::TABLE, gp::Canonical::schema()),
        (gp::Activity::TABLE, gp::Activity::schema()),
        (mmm::PoolDaily::TABLE, mmm::PoolDaily::schema()),
        (mmm::TradesDaily::TABLE, mmm::TradesDaily::schema()),
        (mmm::UsersDaily::TABLE, mmm::UsersDaily::schema()),
        (mmm::TopupsWeekly::TABLE, mmm::TopupsWeekly::schema()),
        (mmm::ProposerReward::TABLE, mmm::ProposerReward::schema()),
        (mmm::PoolMetrics::TABLE, mmm::PoolMetrics::schema()),
        (mmm::TokenPrice::TABLE, mmm::TokenPrice::schema()),
        (
            mmm::TransactionsDaily::TABLE,
            mmm::TransactionsDaily::schema(),
        ),
    ]
}

/// The rows of every GA user's life, user by user.
fn per_user<R: Send + 'static>(
    world: &Arc<World>,
    rows: fn(&Life) -> Vec<R>,
) -> impl Iterator<Item = R> + Send + use<R> {
    let world = Arc::clone(world);
    (0..world.users).flat_map(move |u| rows(&ga::life(&world, u)))
}

/// The rows of every GP Safe, Safe by Safe.
fn per_safe<R: Send + 'static>(
    world: &Arc<World>,
    rows: fn(&Safe) -> Vec<R>,
) -> impl Iterator<Item = R> + Send + use<R> {
    let world = Arc::clone(world);
    (0..world.gp_safes).flat_map(move |k| rows(&gp::safe(&world, k)))
}

/// Rows computed in one go when the table is first pulled (the small MMM tables).
fn lazy<R>(
    world: &Arc<World>,
    rows: fn(&World) -> Vec<R>,
) -> impl Iterator<Item = R> + Send + use<R>
where
    R: Send + 'static,
{
    let world = Arc::clone(world);
    std::iter::once_with(move || rows(&world)).flatten()
}

/// Every upstream table of spec §13 for `config`, generated lazily as the batches are pulled.
///
/// The tables come in [`TABLES`] order; each can be consumed on its own, in any order, and
/// consuming one does not generate the others.
pub fn generate<'a>(
    config: &SynthConfig,
    pseudonymize: &'a Pseudonymizer,
) -> Result<Vec<Table<'a>>> {
    config.validate()?;
    let world = Arc::new(World::new(config));
    let edge = if config.edge_cases {
        edge::rows(&world, pseudonymize)
    } else {
        edge::EdgeRows::default()
    };
    let n = config.batch_rows;
    let (ga, gp, mmm) = (Sector::GnosisApp, Sector::GnosisPay, Sector::Mmm);

    let mixpanel = {
        let world = Arc::clone(&world);
        (0..world.users)
            .flat_map(move |u| mixpanel::events(&world, pseudonymize, &ga::life(&world, u)))
    };
    let activity = {
        let world = Arc::clone(&world);
        (0..world.gp_safes).flat_map(move |k| gp::activity_rows(&world, &gp::safe(&world, k)))
    };
    let pools = {
        let world = Arc::clone(&world);
        std::iter::once_with(move || mmm::pool_daily_rows(&world)).flatten()
    };
    let metrics = {
        let world = Arc::clone(&world);
        std::iter::once_with(move || mmm::pool_metrics_rows(&world)).flatten()
    };

    Ok(vec![
        from_rows(
            ga,
            n,
            per_user(&world, ga::users_current_rows).chain(edge.users_current),
        ),
        from_rows(
            ga,
            n,
            per_user(&world, ga::user_event_rows).chain(edge.user_events),
        ),
        from_rows(ga, n, per_user(&world, ga::swap_rows).chain(edge.swaps)),
        from_rows(ga, n, per_user(&world, ga::topup_rows).chain(edge.topups)),
        from_rows(ga, n, per_user(&world, ga::buy_rows).chain(edge.buys)),
        from_rows(ga, n, per_user(&world, ga::claim_rows).chain(edge.claims)),
        from_rows(ga, n, mixpanel.chain(edge.mixpanel)),
        from_rows(gp, n, per_safe(&world, gp::wallet_rows).chain(edge.wallets)),
        from_rows(
            gp,
            n,
            per_safe(&world, gp::owner_event_rows).chain(edge.owner_events),
        ),
        from_rows(
            gp,
            n,
            per_safe(&world, gp::delegate_rows).chain(edge.delegates),
        ),
        from_rows(
            gp,
            n,
            per_safe(&world, gp::canonical_rows).chain(edge.canonical),
        ),
        from_rows(gp, n, activity.chain(edge.activity)),
        from_rows(mmm, n, pools),
        from_rows(mmm, n, lazy(&world, mmm::trades_rows)),
        from_rows(mmm, n, lazy(&world, |w| mmm::ga_aggregates(w).0)),
        from_rows(mmm, n, lazy(&world, |w| mmm::ga_aggregates(w).1)),
        from_rows(mmm, n, lazy(&world, mmm::proposer_rows)),
        from_rows(mmm, n, metrics),
        from_rows(mmm, n, lazy(&world, mmm::price_rows)),
        from_rows(mmm, n, lazy(&world, mmm::transactions_rows)),
    ])
}

/// Rows per Parquet row group (the design's 100k–1M band).
const ROW_GROUP_ROWS: usize = 1_000_000;

/// Encodes record batches of one schema as a Parquet file (snappy) into `out`, returning it.
/// Zero batches give a valid file with the schema and no rows.
pub fn write_parquet<W: Write + Send>(
    out: W,
    schema: &SchemaRef,
    batches: impl IntoIterator<Item = RecordBatch>,
) -> Result<W> {
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .build();
    let mut writer = ArrowWriter::try_new(out, Arc::clone(schema), Some(props))?;
    for batch in batches {
        writer.write(&batch)?;
    }
    Ok(writer.into_inner()?)
}

/// Encodes record batches of one schema as Parquet bytes (snappy).
pub fn parquet_bytes(
    schema: &SchemaRef,
    batches: impl IntoIterator<Item = RecordBatch>,
) -> Result<Vec<u8>> {
    write_parquet(Vec::new(), schema, batches)
}
