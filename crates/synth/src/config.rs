//! The generator's configuration and its validation.

use crate::time::CivilDate;
use crate::{Error, Result};

/// The most GA users (or GP Safes) a configuration may ask for.
pub const MAX_USERS: u32 = 5_000_000;
/// The shortest range without the edge scenarios: four weeks, so MMM sources have whole weeks.
pub const MIN_DAYS: u32 = 28;
/// The shortest range with the edge scenarios: one of them places a conversion 200 days before
/// the end (outside the 180-day attribution window) after an onboarding 205 days before it.
pub const MIN_DAYS_WITH_EDGE_CASES: u32 = 210;
/// The longest range: ten years.
pub const MAX_DAYS: u32 = 3_660;
/// The largest record batch a table may yield.
pub const MAX_BATCH_ROWS: usize = 1_048_576;
/// The first and last allowed start years (every timestamp stays within ClickHouse `DateTime`).
pub const START_YEARS: (i32, i32) = (2000, 2090);

/// What to generate. The same configuration always gives the same rows, batches and bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthConfig {
    /// The seed of every random stream.
    pub seed: u64,
    /// Gnosis App users (addresses in `int_execution_gnosis_app_users_current`).
    pub users: u32,
    /// Gnosis Pay Safes (rows of `int_execution_gpay_wallets`, not counting the NEW Safes of
    /// migrations). About 45 % of them are owned by a GA user, who tops them up from the app.
    pub gp_safes: u32,
    /// The first day of the range (UTC).
    pub start: CivilDate,
    /// The number of days in the range: every timestamp lies in `[start, start + days)`.
    pub days: u32,
    /// The most rows in one record batch (the bound on memory per table).
    pub batch_rows: usize,
    /// Whether to inject the hand-placed rows of spec §13.4 (see the crate docs).
    pub edge_cases: bool,
    /// Days of network history before `start`: the market tables (token prices, pools, DEX
    /// trades, validator rewards, transactions) begin this many days earlier, as a chain is
    /// older than the products on it, so the MMM spine can cover its two-year window while the
    /// product tables (Gnosis App, Gnosis Pay, Mixpanel) stay short. 0: everything starts at
    /// `start`.
    pub market_history_days: u32,
}

impl Default for SynthConfig {
    /// 2 000 GA users and 1 000 GP Safes over 400 days from 2025-04-01 (to 2026-05-05), a range
    /// holding the Pectra fork and four of the seed's holiday weeks.
    fn default() -> Self {
        Self {
            seed: 7,
            users: 2_000,
            gp_safes: 1_000,
            start: CivilDate::new(2025, 4, 1),
            days: 400,
            batch_rows: 100_000,
            edge_cases: true,
            market_history_days: 0,
        }
    }
}

impl SynthConfig {
    /// Checks every field; the generator runs only on a valid configuration.
    pub fn validate(&self) -> Result<()> {
        if !(1..=MAX_USERS).contains(&self.users) {
            return Err(Error::Users {
                got: self.users,
                max: MAX_USERS,
            });
        }
        if !(1..=MAX_USERS).contains(&self.gp_safes) {
            return Err(Error::GpSafes {
                got: self.gp_safes,
                max: MAX_USERS,
            });
        }
        let min_days = if self.edge_cases {
            MIN_DAYS_WITH_EDGE_CASES
        } else {
            MIN_DAYS
        };
        if !(min_days..=MAX_DAYS).contains(&self.days) {
            return Err(Error::Days {
                got: self.days,
                min: min_days,
                max: MAX_DAYS,
            });
        }
        if !self.start.is_valid() || !(START_YEARS.0..=START_YEARS.1).contains(&self.start.year) {
            return Err(Error::Start {
                got: self.start.to_string(),
            });
        }
        let market_start =
            CivilDate::from_days(self.start.days_since_epoch() - self.market_history_days as i32);
        if self.market_history_days > MAX_DAYS || market_start.year < START_YEARS.0 {
            return Err(Error::MarketHistory {
                got: self.market_history_days,
                max: MAX_DAYS,
            });
        }
        if !(1..=MAX_BATCH_ROWS).contains(&self.batch_rows) {
            return Err(Error::BatchRows {
                got: self.batch_rows,
                max: MAX_BATCH_ROWS,
            });
        }
        Ok(())
    }

    /// The first day after the range. It is the natural build date (`as_of`): every generated
    /// timestamp is before it, and the edge scenarios' window boundaries are placed against it.
    pub fn end(&self) -> CivilDate {
        CivilDate::from_days(self.start.days_since_epoch() + self.days as i32)
    }

    /// The configuration whose range is the `days` days before `end` (so `end()` is `end`).
    pub fn ending(end: CivilDate, days: u32) -> Self {
        Self {
            start: CivilDate::from_days(end.days_since_epoch() - days as i32),
            days,
            ..Self::default()
        }
    }
}
