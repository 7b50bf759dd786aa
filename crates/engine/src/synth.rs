//! Deterministic sample extracts (feature `synth`): the inputs of the CLI, the benchmarks and the
//! tests before a warehouse exists.
//!
//! The same seed always gives the same tables (PCG-64 MCG, whose output is stable across
//! versions). The shapes imitate production: conversion kinds and event kinds are skewed (a few
//! kinds dominate), journeys average about five touches with a share of untracked conversions,
//! touches crowd near the conversion with a long tail to the lookback, some touches share a second
//! (ties), a few conversion keys merge several upstream rows, and the MMM spine has the quirks of
//! spec §13.4 (a NULL week, all-zero placeholder media, an all-NULL media, a tie-heavy zero series).
//!
//! This is not the warehouse's synthetic upstream data (`mensura synth`); it produces extracts
//! directly, already in schema v1.

use rand_pcg::Pcg64Mcg;
use rand_pcg::rand_core::{Rng, SeedableRng};

use crate::date::{date_of_ts, monday_on_or_before, week_of_year_mode0};
use crate::table::{Conversions, Dict, Family, FunnelEvents, Sector, Spine, SpineColumn, Touches};

/// A seeded random source with the few distributions the generator needs.
struct Random(Pcg64Mcg);

impl Random {
    fn new(seed: u64) -> Self {
        Self(Pcg64Mcg::seed_from_u64(seed))
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform integer in [0, n).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.0.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Exponential with the given mean.
    fn exponential(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.unit()).ln()
    }

    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let u = 1.0 - self.unit();
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// An index drawn with the given (unnormalised) weights.
    fn weighted(&mut self, cumulative: &[f64]) -> usize {
        let x = self.unit() * cumulative.last().copied().unwrap_or(0.0);
        cumulative
            .partition_point(|&c| c <= x)
            .min(cumulative.len() - 1)
    }
}

fn cumulative(weights: impl IntoIterator<Item = f64>) -> Vec<f64> {
    weights
        .into_iter()
        .scan(0.0, |acc, w| {
            *acc += w;
            Some(*acc)
        })
        .collect()
}

/// Gnosis App event kinds (seed `mta_event_kinds` with the emitted-kind fixes of DESIGN §4.17).
pub const GA_EVENT_KINDS: &[&str] = &[
    "mp.pageview",
    "mp.action",
    "mp.modal",
    "mp.navigation",
    "chain.swap_signed",
    "mp.feature",
    "chain.swap_filled",
    "mp.system",
    "chain.circles_trust",
    "mp.login",
    "chain.topup",
    "chain.circles_personal_mint",
    "chain.onboard",
    "mp.other",
    "chain.token_offer_claim",
    "chain.circles_fee",
    "chain.circles_register_human",
    "chain.circles_invite_human",
    "chain.marketplace_buy",
    "chain.circles_profile_update",
    "chain.safe_invitation_module",
];

/// Gnosis Pay event kinds actually emitted (chain only in v1).
pub const GP_EVENT_KINDS: &[&str] = &[
    "gp.payment",
    "gp.deposit",
    "gp.withdrawal",
    "gp.cashback_claim",
    "gp.action_other",
];

/// `(conversion_kind, same-action event kind, share)` per sector.
const GA_CONVERSIONS: &[(&str, &str, f64)] = &[
    ("swap_filled", "chain.swap_filled", 0.45),
    ("topup", "chain.topup", 0.35),
    ("token_offer_claim", "chain.token_offer_claim", 0.12),
    ("marketplace_buy", "chain.marketplace_buy", 0.08),
];
const GP_CONVERSIONS: &[(&str, &str, f64)] = &[
    ("gpay_payment", "gp.payment", 0.8),
    ("gpay_funded", "gp.deposit", 0.08),
    ("gpay_cashback_claim", "gp.cashback_claim", 0.12),
];
const GP_ROLES: &[&str] = &["initial_owner", "safe_self"];

/// What journeys to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct JourneySpec {
    pub seed: u64,
    pub sector: Sector,
    pub conversions: usize,
    /// Mean touches per tracked conversion.
    pub mean_touches: f64,
    /// First conversion date (days since 1970-01-01).
    pub start: i32,
    pub days: u32,
    pub max_lookback_days: u32,
}

impl Default for JourneySpec {
    fn default() -> Self {
        Self {
            seed: 7,
            sector: Sector::Ga,
            conversions: 2_000,
            mean_touches: 5.0,
            start: crate::date::days_from_civil(2026, 1, 1),
            days: 180,
            max_lookback_days: 60,
        }
    }
}

/// Generates conversions and their touches, sorted by `(conversion_id, touch_offset_s, event_kind)`.
pub fn journeys(spec: &JourneySpec) -> (Conversions, Touches) {
    let mut rng = Random::new(spec.seed);
    let (kinds, event_kinds) = match spec.sector {
        Sector::Ga => (GA_CONVERSIONS, GA_EVENT_KINDS),
        Sector::Gp => (GP_CONVERSIONS, GP_EVENT_KINDS),
    };
    let kind_cum = cumulative(kinds.iter().map(|k| k.2));
    // Zipf-like skew over event kinds: weight 1/(rank+1)^1.1.
    let event_cum = cumulative((0..event_kinds.len()).map(|r| 1.0 / ((r + 1) as f64).powf(1.1)));
    let span_s = i64::from(spec.days) * 86_400;
    let start_s = i64::from(spec.start) * 86_400;
    let mut ts: Vec<i64> = (0..spec.conversions)
        .map(|_| start_s + rng.below(span_s as u64) as i64)
        .collect();
    ts.sort_unstable();
    let mut conv_kind = Vec::with_capacity(ts.len());
    let mut role = Vec::with_capacity(ts.len());
    let mut amount = Vec::with_capacity(ts.len());
    let mut rows = Vec::with_capacity(ts.len());
    let mut t_id = Vec::new();
    let mut t_kind: Vec<&str> = Vec::new();
    let mut t_off = Vec::new();
    let mut t_lag = Vec::new();
    let max_off = spec.max_lookback_days * 86_400;
    for (id, &conversion_ts) in ts.iter().enumerate() {
        let k = rng.weighted(&kind_cum);
        let (kind, self_kind, _) = kinds[k];
        conv_kind.push(kind);
        role.push(GP_ROLES[rng.below(GP_ROLES.len() as u64) as usize]);
        amount.push(
            (kind != "marketplace_buy").then(|| (rng.normal() * 1.2 + 3.5).exp().round_to(2)),
        );
        rows.push(if rng.unit() < 0.01 { 2 } else { 1 });
        // About one conversion in six is untracked; the rest get a geometric number of touches.
        let n = if rng.unit() < 0.16 {
            0
        } else {
            1 + rng.exponential(spec.mean_touches - 1.0).floor() as usize
        };
        let mut touches: Vec<(u32, &str)> = Vec::with_capacity(n);
        for _ in 0..n {
            let offset = match touches.last() {
                // Same-second ties: another kind at the previous touch's second.
                Some(&(prev, _)) if rng.unit() < 0.12 => prev,
                _ if rng.unit() < 0.6 => {
                    1 + rng.exponential(2.5 * 86_400.0).min(f64::from(max_off - 1)) as u32
                }
                _ => 1 + rng.below(u64::from(max_off)) as u32,
            };
            let mut event = event_kinds[rng.weighted(&event_cum)];
            while event == self_kind {
                event = event_kinds[rng.weighted(&event_cum)];
            }
            touches.push((offset, event));
        }
        touches.sort_unstable();
        touches.dedup();
        for (offset, event) in touches {
            t_id.push(id as u32);
            t_kind.push(event);
            t_off.push(offset);
            t_lag.push(
                (date_of_ts(conversion_ts) - date_of_ts(conversion_ts - i64::from(offset))) as u16,
            );
        }
    }
    let conversions = Conversions {
        conversion_id: (0..ts.len() as u32).collect(),
        conversion_kind: Dict::from_strs(conv_kind.iter().copied()),
        identity_role: (spec.sector == Sector::Gp).then(|| Dict::from_strs(role.iter().copied())),
        conversion_date: ts.iter().map(|&t| date_of_ts(t)).collect(),
        conversion_ts: ts,
        conversion_amount_usd: amount,
        source_rows: rows,
    };
    let touches = Touches {
        conversion_id: t_id,
        event_source: Dict::from_strs(t_kind.iter().map(|k| {
            if k.starts_with("mp.") {
                "mixpanel"
            } else {
                "chain"
            }
        })),
        event_kind: Dict::from_strs(t_kind.iter().copied()),
        touch_offset_s: t_off,
        lag_days: t_lag,
    };
    (conversions, touches)
}

trait RoundTo {
    fn round_to(self, decimals: i32) -> f64;
}

impl RoundTo for f64 {
    fn round_to(self, decimals: i32) -> f64 {
        let f = 10f64.powi(decimals);
        (self * f).round() / f
    }
}

/// The funnel step kinds of the seed funnels, in a plausible journey order.
const FUNNEL_KINDS: &[&str] = &[
    "chain.onboard",
    "mp.pageview",
    "mp.modal",
    "chain.token_offer_claim",
    "chain.swap_filled",
    "chain.topup",
];

/// Generates funnel-step events for `users` users over `days` days from `start`, sorted by
/// `(user_id, event_ts)`. Users tend to walk the kinds in order within a day, with drop-off and
/// occasional same-second steps.
pub fn funnel_events(seed: u64, users: u32, start: i32, days: u32) -> FunnelEvents {
    let mut rng = Random::new(seed);
    let mut user_id = Vec::new();
    let mut event_ts = Vec::new();
    let mut kinds: Vec<&str> = Vec::new();
    for user in 0..users {
        let active_days = 1 + rng.exponential(2.0) as u32;
        let mut days_used: Vec<u32> = (0..active_days)
            .map(|_| rng.below(u64::from(days)) as u32)
            .collect();
        days_used.sort_unstable();
        days_used.dedup();
        let mut events: Vec<(i64, &str)> = Vec::new();
        for d in days_used {
            let mut t = i64::from(start + d as i32) * 86_400 + rng.below(20 * 3600) as i64;
            let mut step = rng.below(3) as usize;
            while step < FUNNEL_KINDS.len() && t < i64::from(start + d as i32 + 1) * 86_400 {
                events.push((t, FUNNEL_KINDS[step]));
                if rng.unit() < 0.35 {
                    break;
                }
                step += 1 + usize::from(rng.unit() < 0.2);
                if rng.unit() > 0.1 {
                    t += 1 + rng.exponential(1800.0) as i64;
                }
            }
        }
        events.sort_unstable();
        for (t, k) in events {
            user_id.push(user);
            event_ts.push(t);
            kinds.push(k);
        }
    }
    FunnelEvents {
        user_id,
        event_ts,
        event_kind: Dict::from_strs(kinds.iter().copied()),
    }
}

/// The spine's value columns, in the mart's order (spec §7.5).
pub const SPINE_COLUMNS: &[&str] = &[
    "kpi_pools_tvl_usd",
    "kpi_pools_volume_usd",
    "kpi_dex_volume_usd_dedup",
    "kpi_gpay_active_users",
    "kpi_gpay_payment_volume_usd",
    "kpi_ga_active_users",
    "kpi_ga_new_users",
    "kpi_chain_tx_count",
    "kpi_gpay_topups_count",
    "kpi_gpay_topups_volume_usd",
    "kpi_gno_staked",
    "kpi_bridge_inflow_usd",
    "kpi_bridge_outflow_usd",
    "media_validator_proposer_rewards_gno",
    "media_validator_income_gno",
    "media_validator_apr_proxy",
    "media_ga_token_offer_emissions_usd",
    "media_gpay_cashback_outlay_usd",
    "media_pools_lp_fee_apr_avg",
    "media_lm_rewards_outlay_usd",
    "media_bridge_incentive_outlay_usd",
    "ctrl_gno_usd_price_avg",
    "ctrl_eth_usd_price_avg",
    "ctrl_wxdai_eur_proxy_avg",
    "ctrl_chain_gas_price_gwei_avg",
    "ctrl_chain_block_count",
    "ctrl_week_of_year",
    "ctrl_is_holiday_week",
    "ctrl_week_index",
    "ctrl_hardfork_step",
];

/// Generates a weekly spine of `weeks` Mondays from the Monday on or before `start`.
/// `holiday_weeks` are Mondays; `fork_dates` are any dates (their Monday starts the step).
pub fn spine(
    seed: u64,
    start: i32,
    weeks: usize,
    holiday_weeks: &[i32],
    fork_dates: &[i32],
) -> Spine {
    let mut rng = Random::new(seed);
    let first = monday_on_or_before(start);
    let week: Vec<i32> = (0..weeks).map(|i| first + 7 * i as i32).collect();
    let n = weeks;
    let adstock = |x: &[f64], lambda: f64| {
        let mut a = 0.0;
        x.iter()
            .map(|v| {
                a = v + lambda * a;
                a
            })
            .collect::<Vec<f64>>()
    };
    // Media: proposer rewards (smooth), token-offer emissions (campaign bursts, zero otherwise),
    // LP fee APR (percent), the rest placeholders.
    let rewards: Vec<f64> = (0..n)
        .map(|i| 40.0 + 8.0 * (i as f64 / 8.0).sin() + 3.0 * rng.normal())
        .collect();
    let emissions: Vec<f64> = (0..n)
        .map(|i| {
            if i % 13 < 4 && i > 6 {
                2_000.0 + 800.0 * rng.unit()
            } else {
                0.0
            }
        })
        .collect();
    let apr: Vec<f64> = (0..n).map(|_| 6.0 + 2.0 * rng.normal().abs()).collect();
    let a_emis = adstock(&emissions, 0.5);
    let a_rew = adstock(&rewards, 0.5);
    let mut gno = 120.0;
    let mut columns = Vec::new();
    let mut values: Vec<Vec<Option<f64>>> = vec![Vec::with_capacity(n); SPINE_COLUMNS.len()];
    for i in 0..n {
        gno *= (0.02 * rng.normal()).exp();
        let noise = |rng: &mut Random, scale: f64| 1.0 + scale * rng.normal();
        let topups = 300.0 + 0.04 * a_emis[i] + 2.0 * a_rew[i] + 25.0 * rng.normal();
        let row: [Option<f64>; 30] = [
            (i != n / 3).then(|| 2.5e7 * noise(&mut rng, 0.05) + 1e4 * a_rew[i]),
            Some(4e6 * noise(&mut rng, 0.1)),
            Some(1.1e7 * noise(&mut rng, 0.1)),
            None,
            Some(0.0),
            (i + 31 >= n).then(|| 900.0 + 0.05 * a_emis[i] + 40.0 * rng.normal()),
            Some(
                (150.0 + 0.02 * a_emis[i] + 15.0 * rng.normal())
                    .max(0.0)
                    .round(),
            ),
            Some(0.0),
            Some(topups.max(0.0).round()),
            Some(topups.max(0.0) * 85.0 * noise(&mut rng, 0.1)),
            None,
            Some(0.0),
            Some(0.0),
            Some(rewards[i]),
            Some(0.0),
            None,
            Some(emissions[i]),
            Some(0.0),
            (i != n / 2).then_some(apr[i]),
            Some(0.0),
            Some(0.0),
            Some(gno),
            Some(3_000.0 * noise(&mut rng, 0.03)),
            Some(1.0 + 0.002 * rng.normal()),
            Some((1.0 + 0.3 * rng.unit()).floor()),
            Some(4.5e6 * noise(&mut rng, 0.05)),
            Some(f64::from(week_of_year_mode0(week[i]))),
            Some(if holiday_weeks.contains(&week[i]) {
                1.0
            } else {
                0.0
            }),
            Some(i as f64),
            Some(
                if fork_dates
                    .iter()
                    .any(|&f| monday_on_or_before(f) <= week[i])
                {
                    1.0
                } else {
                    0.0
                },
            ),
        ];
        for (c, v) in row.into_iter().enumerate() {
            values[c].push(v);
        }
    }
    for (name, values) in SPINE_COLUMNS.iter().zip(values) {
        columns.push(SpineColumn {
            name: (*name).to_owned(),
            family: Family::of(name).unwrap_or(Family::Ctrl),
            values,
        });
    }
    Spine { week, columns }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_tables() {
        let spec = JourneySpec::default();
        assert_eq!(journeys(&spec), journeys(&spec));
        let other = journeys(&JourneySpec {
            seed: 8,
            ..spec.clone()
        });
        assert_ne!(journeys(&spec), other);
    }

    #[test]
    fn journeys_have_the_promised_shape() {
        let (c, t) = journeys(&JourneySpec::default());
        let per = t.len() as f64 / c.len() as f64;
        assert!((3.0..6.0).contains(&per), "{per} touches per conversion");
        assert!(
            t.touch_offset_s
                .iter()
                .all(|&o| (1..=60 * 86_400).contains(&o))
        );
        // Sorted by conversion then offset, with ties present.
        let keys: Vec<_> = (0..t.len())
            .map(|i| (t.conversion_id[i], t.touch_offset_s[i]))
            .collect();
        assert!(keys.windows(2).all(|w| w[0] <= w[1]));
        assert!(
            keys.windows(2).any(|w| w[0] == w[1]),
            "some same-second ties"
        );
        assert!(c.source_rows.iter().any(|&r| r > 1), "some merged keys");
    }

    #[test]
    fn spine_has_every_mart_column() {
        let s = spine(1, crate::date::days_from_civil(2024, 6, 17), 105, &[], &[]);
        assert_eq!(s.columns.len(), 30);
        assert_eq!(s.week.len(), 105);
        assert!(
            s.column("media_validator_apr_proxy")
                .is_some_and(|c| c.values.iter().all(Option::is_none))
        );
        assert!(
            s.column("kpi_pools_tvl_usd")
                .is_some_and(|c| c.values.iter().any(Option::is_none))
        );
    }
}
