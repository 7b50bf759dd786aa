//! The world every table shares: the calendar, marketing campaigns, prices and who owns what.
//!
//! It is computed once per configuration in O(days) and holds no rows:
//!
//! - **Campaigns.** Each week a token-offer campaign is on (intensity 0.4–1) or off (0), a
//!   two-state Markov chain (about 45 % of weeks off). Campaigns drive token-offer claims (the MMM
//!   media `ga_token_offer_emissions_usd`, all-zero in off weeks: a tie-heavy series) and, through
//!   a geometric adstock, the GA onboarding rate (the KPI `ga_new_users`), so the MMM has a real
//!   effect to find.
//! - **Onboarding.** Each GA user's first day is drawn from a density that grows over the range,
//!   follows campaigns, dips at weekends and in the seed's holiday weeks.
//! - **Activity.** The chance that a planned active day happens: lower at weekends and in holiday
//!   weeks (the `is_holiday_week` control).
//! - **Prices.** Daily USD prices: GNO and WETH (correlated log random walks), EUR and GBP
//!   (mean-reverting), WXDAI and USDC (pegged, with noise), sDAI (accruing), COW.
//! - **Ownership.** The first `ga_owned_safes` GP Safes are owned by every `stride`-th GA user,
//!   so a GA user's topups have a receiving Safe and a Safe knows its GA owner, both in O(1).
//! - **Fixed dates.** A migration window (the last fifth of the range, ten days long) and the
//!   Monday of the week whose pool `fee_apr_7d` is NULL everywhere.

use crate::config::SynthConfig;
use crate::random::{Random, Stream};
use crate::time::{DAY_S, is_holiday_week, monday_on_or_before, weekday};

/// Daily USD prices, indexed by day − the market's first day.
#[derive(Debug)]
pub(crate) struct Prices {
    pub(crate) gno: Vec<f64>,
    pub(crate) weth: Vec<f64>,
    pub(crate) eur: Vec<f64>,
    pub(crate) gbp: Vec<f64>,
    pub(crate) wxdai: Vec<f64>,
    pub(crate) usdc: Vec<f64>,
    pub(crate) sdai: Vec<f64>,
    pub(crate) cow: Vec<f64>,
}

#[derive(Debug)]
pub(crate) struct World {
    pub(crate) seed: u64,
    pub(crate) users: u32,
    pub(crate) gp_safes: u32,
    /// The first day of the range (day number).
    pub(crate) first_day: i32,
    /// The first day after the range (the natural `as_of`).
    pub(crate) end_day: i32,
    /// The first day of the market tables (`first_day` − the configured network history).
    pub(crate) market_first_day: i32,
    /// GP Safes `0..ga_owned_safes` are owned by GA users `0, stride, 2·stride, …`.
    pub(crate) ga_owned_safes: u32,
    stride: u32,
    /// The Monday on or before the first day; campaign weeks are counted from it.
    pub(crate) first_monday: i32,
    /// Campaign intensity per week (0 = no campaign).
    pub(crate) campaign: Vec<f64>,
    onboarding_cdf: Vec<f64>,
    activity: Vec<f64>,
    pub(crate) prices: Prices,
    /// The first day of the Safe migration window and its length in days.
    pub(crate) migration_day: i32,
    pub(crate) migration_days: i32,
    /// The Monday of the week in which every pool's `fee_apr_7d` is NULL.
    pub(crate) null_fee_monday: i32,
    /// The delegate EOA shared by almost every Safe.
    pub(crate) delegate: String,
}

impl World {
    pub(crate) fn new(config: &SynthConfig) -> Self {
        let seed = config.seed;
        let first_day = config.start.days_since_epoch();
        let days = config.days as i32;
        let end_day = first_day + days;
        let mut rng = Random::stream(seed, Stream::World, 0);

        let first_monday = monday_on_or_before(first_day);
        let weeks = ((end_day - first_monday) as usize).div_ceil(7);
        let mut campaign = Vec::with_capacity(weeks);
        let mut on = false;
        for _ in 0..weeks {
            on = if on {
                rng.chance(0.75)
            } else {
                rng.chance(0.3)
            };
            campaign.push(if on { 0.4 + 0.6 * rng.unit() } else { 0.0 });
        }

        let mut onboarding_cdf = Vec::with_capacity(days as usize);
        let mut activity = Vec::with_capacity(days as usize);
        let mut adstock = 0.0;
        let mut total = 0.0;
        for i in 0..days {
            let day = first_day + i;
            let week = ((day - first_monday) / 7) as usize;
            if weekday(day) == 0 || i == 0 {
                adstock = campaign[week] + 0.5 * adstock;
            }
            let weekend = if weekday(day) >= 5 { 0.85 } else { 1.0 };
            let holiday = if is_holiday_week(day) { 0.6 } else { 1.0 };
            let trend = 1.0 + 1.5 * f64::from(i) / f64::from(days);
            total += trend * (1.0 + 1.2 * adstock) * weekend * holiday;
            onboarding_cdf.push(total);
            activity.push(weekend * if is_holiday_week(day) { 0.65 } else { 1.0 });
        }

        // Drawn last from this stream: a longer market history changes only the market tables.
        let market_first_day = first_day - config.market_history_days as i32;
        let prices = Prices::new(&mut rng, (end_day - market_first_day) as usize);
        let ga_owned_safes = ((f64::from(config.gp_safes) * 0.45).round() as u32)
            .clamp(1, config.users.min(config.gp_safes));
        let stride = (config.users / ga_owned_safes).max(1);
        let migration_day = (first_day + days * 4 / 5).min(end_day - 1);
        let migration_days = 10.min(end_day - migration_day);
        let null_fee_monday = monday_on_or_before(first_day + days * 2 / 5 + 6);
        let delegate = Random::stream(seed, Stream::GpDelegate, 0).address();

        Self {
            seed,
            users: config.users,
            gp_safes: config.gp_safes,
            first_day,
            end_day,
            market_first_day,
            ga_owned_safes,
            stride,
            first_monday,
            campaign,
            onboarding_cdf,
            activity,
            prices,
            migration_day,
            migration_days,
            null_fee_monday,
            delegate,
        }
    }

    /// The first second after the range.
    pub(crate) fn end_ts(&self) -> i64 {
        i64::from(self.end_day) * DAY_S
    }

    /// Index of a day in the daily vectors, clamped to the range.
    pub(crate) fn index(&self, day: i32) -> usize {
        (day - self.first_day).clamp(0, self.end_day - self.first_day - 1) as usize
    }

    /// Campaign intensity of the week holding `day`.
    pub(crate) fn campaign(&self, day: i32) -> f64 {
        let week = ((day - self.first_monday).max(0) / 7) as usize;
        self.campaign[week.min(self.campaign.len() - 1)]
    }

    /// The onboarding day at quantile `u ∈ [0, 1)` of the onboarding density.
    pub(crate) fn onboarding_day(&self, u: f64) -> i32 {
        let total = self.onboarding_cdf.last().copied().unwrap_or(0.0);
        let i = self.onboarding_cdf.partition_point(|&c| c <= u * total);
        self.first_day + i.min(self.onboarding_cdf.len() - 1) as i32
    }

    /// The chance that a planned active day happens.
    pub(crate) fn activity(&self, day: i32) -> f64 {
        self.activity[self.index(day)]
    }

    /// The GP Safe owned by GA user `user`, if any.
    pub(crate) fn ga_safe(&self, user: u32) -> Option<u32> {
        (user.is_multiple_of(self.stride) && user / self.stride < self.ga_owned_safes)
            .then_some(user / self.stride)
    }

    /// The GA user owning GP Safe `safe`, if any.
    pub(crate) fn safe_ga_owner(&self, safe: u32) -> Option<u32> {
        (safe < self.ga_owned_safes).then_some(safe * self.stride)
    }

    /// USD price of a token symbol on a day (1.0 for unknown symbols).
    pub(crate) fn usd_price(&self, symbol: &str, day: i32) -> f64 {
        let i = self.index(day);
        let p = &self.prices;
        match symbol {
            "GNO" => p.gno[i],
            "WETH" => p.weth[i],
            "EURe" => p.eur[i],
            "GBPe" => p.gbp[i],
            "WXDAI" => p.wxdai[i],
            "USDC" | "USDC.e" => p.usdc[i],
            "sDAI" => p.sdai[i],
            "COW" => p.cow[i],
            _ => 1.0,
        }
    }
}

impl Prices {
    fn new(rng: &mut Random, days: usize) -> Self {
        let mut p = Self {
            gno: Vec::with_capacity(days),
            weth: Vec::with_capacity(days),
            eur: Vec::with_capacity(days),
            gbp: Vec::with_capacity(days),
            wxdai: Vec::with_capacity(days),
            usdc: Vec::with_capacity(days),
            sdai: Vec::with_capacity(days),
            cow: Vec::with_capacity(days),
        };
        let (mut gno, mut weth, mut eur, mut gbp, mut cow) =
            (130.0_f64, 2600.0_f64, 1.08, 1.27, 0.35);
        for i in 0..days {
            let common = rng.normal();
            gno *= (0.028 * (0.6 * common + 0.8 * rng.normal())).exp();
            weth *= (0.030 * (0.8 * common + 0.6 * rng.normal())).exp();
            cow *= (0.040 * (0.5 * common + 0.87 * rng.normal())).exp();
            eur += 0.05 * (1.10 - eur) + 0.003 * rng.normal();
            gbp += 0.05 * (1.28 - gbp) + 0.003 * rng.normal();
            p.gno.push(gno);
            p.weth.push(weth);
            p.cow.push(cow);
            p.eur.push(eur);
            p.gbp.push(gbp);
            p.wxdai.push(1.0 + 0.0008 * rng.normal());
            p.usdc.push(1.0 + 0.0003 * rng.normal());
            p.sdai.push(1.12 * (1.0 + 0.05 / 365.0_f64).powi(i as i32));
        }
        p
    }
}
