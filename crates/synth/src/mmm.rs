//! MMM upstreams (spec §13.3): daily sources over the whole range; the market tables (pools, DEX
//! trades, validator rewards, prices, transactions) from `World::market_first_day`, the product
//! aggregates from the range's first day.
//!
//! - `fct_execution_pools_daily` and `int_execution_pools_metrics_daily`: 24 pools over seven
//!   protocols, some created during the range. TVL is a log random walk (GNO pools follow the GNO
//!   price), daily volume a noisy turnover of TVL. The pools table repeats the whole-pool TVL and
//!   volume on one row per qualifying token (1–3), as upstream. `fee_apr_7d` (percent) is the
//!   fee on the trailing 7-day volume over TVL (pools existing at the start have a week of history);
//!   it is NULL for the first six days of a pool created during the range, when TVL is 0, and for
//!   **every pool in one whole week** (`World::null_fee_monday`, 40 % into the range), so the
//!   media `pools_lp_fee_apr_avg` has a NULL week. One pool is drained two thirds into the range:
//!   TVL and volume 0 from then on (the weighted mean must skip it).
//! - `fct_execution_trades_by_protocol_daily`: per protocol, its pools' volume × 1.3 (multi-hop
//!   double counting) with noise.
//! - `fct_execution_gnosis_app_users_daily` and `fct_execution_gnosis_app_gpay_topups_weekly`:
//!   aggregated from the generated GA lives (the hand-placed edge rows are not counted), one row
//!   per day, and one per Monday with at least one topup (`volume_usd` NULL when no topup of the
//!   week has an amount).
//! - `int_consensus_validators_proposer_rewards_daily`: about 40 proposals a day by random
//!   validators; rewards step up at Pectra. `date` is a DateTime64 at midnight.
//! - `int_execution_token_prices_daily`: GNO, WETH, WXDAI, EURe, USDC, sDAI, COW, with the case
//!   of production (`EURe`, `sDAI`), so controls must compare `upper(symbol)`; EURe misses 5 %
//!   of days (fewer rows than WXDAI, as in production).
//! - `int_execution_transactions_info_daily`: per (day, transaction type, success). Blob
//!   transactions exist from Cancun on and set-code transactions from Pectra on, and the gas
//!   price steps at Pectra, so `hardfork_step` has a visible effect when the range covers it.
//!
//! Placeholder media (`validator_income_gno`, `lm_rewards_outlay_usd`, …) have no upstream in
//! §13.3: they are all-zero by the models' fill rule, not by anything generated here.

use crate::ga;
use crate::random::{Random, Stream};
use crate::table::{Day, Ts, table};
use crate::time::{
    CANCUN, PECTRA, day_of, is_holiday_week, midnight, monday_on_or_before, weekday,
};
use crate::world::World;

table! {
    /// `fct_execution_pools_daily`: one row per (date, protocol, pool, token).
    PoolDaily => "fct_execution_pools_daily" {
        date: Day,
        protocol: &'static str,
        pool_address: String,
        token_address: &'static str,
        tvl_usd: f64,
        volume_usd_daily: f64,
    }
}

table! {
    /// `fct_execution_trades_by_protocol_daily`: one row per (date, protocol).
    TradesDaily => "fct_execution_trades_by_protocol_daily" {
        date: Day,
        protocol: &'static str,
        volume_usd: f64,
    }
}

table! {
    /// `fct_execution_gnosis_app_users_daily`: one row per date.
    UsersDaily => "fct_execution_gnosis_app_users_daily" {
        date: Day,
        active_users: u64,
        new_users: u64,
    }
}

table! {
    /// `fct_execution_gnosis_app_gpay_topups_weekly`: one row per week (Monday).
    TopupsWeekly => "fct_execution_gnosis_app_gpay_topups_weekly" {
        week: Day,
        n_topups: u64,
        volume_usd: Option<f64>,
    }
}

table! {
    /// `int_consensus_validators_proposer_rewards_daily`: one row per (date, validator).
    ProposerReward => "int_consensus_validators_proposer_rewards_daily" {
        date: Ts,
        validator_index: u64,
        proposer_reward_total_gno: f64,
    }
}

table! {
    /// `int_execution_pools_metrics_daily`: one row per (date, protocol, pool).
    PoolMetrics => "int_execution_pools_metrics_daily" {
        date: Day,
        protocol: &'static str,
        pool_address: String,
        fee_apr_7d: Option<f64>,
        tvl_usd: f64,
    }
}

table! {
    /// `int_execution_token_prices_daily`: one row per (date, symbol).
    TokenPrice => "int_execution_token_prices_daily" {
        date: Day,
        symbol: &'static str,
        price: f64,
    }
}

table! {
    /// `int_execution_transactions_info_daily`: one row per (date, transaction type, success).
    TransactionsDaily => "int_execution_transactions_info_daily" {
        date: Day,
        transaction_type: &'static str,
        success: u8,
        gas_price_median: i32,
        n_txs: u64,
    }
}

const PROTOCOLS: [&str; 7] = [
    "Balancer V2",
    "Balancer V3",
    "Uniswap V3",
    "Swapr V3",
    "SushiSwap V2",
    "Curve",
    "CoW AMM",
];

/// Token addresses that qualify a pool row (GNO, WETH, WXDAI, EURe, sDAI, USDC.e).
const POOL_TOKENS: [&str; 6] = [
    "0x9c58bacc331c9aa871afd802db6379a98e80cedb",
    "0x6a023ccd1ff6f2045c3309768ead9e68f978f6e1",
    "0xe91d153e0b41518a2ce8dd3d7944fa863463a97d",
    "0xcb444e90d8198415266c6a2724b7900fb12fc56e",
    "0xaf204776c7245bf4147c2612bf6e5972ee483701",
    "0x2a22f9c3b484c3629090feed35f17ff8f88f76f0",
];

const POOLS: usize = 24;
/// The pool drained two thirds into the range.
const DRAINED_POOL: usize = 5;
/// Days of history before the range for the pools that exist at its start.
const WARM_UP: usize = 6;

/// One pool's daily series over the range.
struct Pool {
    protocol: &'static str,
    address: String,
    tokens: Vec<&'static str>,
    /// Index of the first day the pool exists.
    created: usize,
    tvl: Vec<f64>,
    volume: Vec<f64>,
    fee_apr: Vec<Option<f64>>,
}

fn pools(world: &World) -> Vec<Pool> {
    let days = (world.end_day - world.market_first_day) as usize;
    let mut rng = Random::stream(world.seed, Stream::Mmm, 1);
    (0..POOLS)
        .map(|p| {
            let protocol = PROTOCOLS[p % PROTOCOLS.len()];
            let address = rng.address();
            let n_tokens = 1 + rng.below(3) as usize;
            let first = rng.below(POOL_TOKENS.len() as u64) as usize;
            let tokens: Vec<&str> = (0..n_tokens)
                .map(|i| POOL_TOKENS[(first + i) % POOL_TOKENS.len()])
                .collect();
            let gno_pool = tokens.contains(&POOL_TOKENS[0]);
            let created = if rng.chance(0.25) {
                rng.below(days as u64 * 3 / 4) as usize
            } else {
                0
            };
            let fee = rng.pick(&[0.0001, 0.0005, 0.001, 0.003, 0.01]);
            let mut tvl = rng.lognormal(250_000.0, 1.0);
            let turnover = rng.lognormal(0.05, 0.6);
            // A pool existing at the start has a week of history, so its fee APR is known from
            // the first day; a pool created later has none for its first six days.
            let warm_up = if created == 0 { WARM_UP } else { 0 };
            let (mut tvls, mut volumes, mut fee_aprs) = (Vec::new(), Vec::new(), Vec::new());
            let mut history: Vec<f64> = Vec::new();
            for i in -(warm_up as i64)..days as i64 {
                let day = world.market_first_day + i as i32;
                let j = i.max(0) as usize;
                let gno_return = if i > 0 {
                    (world.prices.gno[j] / world.prices.gno[j - 1]).ln()
                } else {
                    0.0
                };
                tvl *= (0.015 * rng.normal() + if gno_pool { 0.5 * gno_return } else { 0.0 }).exp();
                let weekend = if weekday(day) >= 5 { 0.7 } else { 1.0 };
                let mut volume = tvl * turnover * weekend * rng.lognormal(1.0, 0.35);
                let mut t = tvl;
                if p == DRAINED_POOL && i >= (days * 2 / 3) as i64 {
                    t = 0.0;
                    volume = 0.0;
                }
                history.push(volume);
                if i < 0 {
                    continue;
                }
                tvls.push(t);
                volumes.push(volume);
                let known = created == 0 || i as usize >= created + 6;
                let in_null_week = monday_on_or_before(day) == world.null_fee_monday;
                let apr = (known && t > 0.0 && !in_null_week).then(|| {
                    let week: f64 = history[history.len() - 7..].iter().sum::<f64>() / 7.0;
                    100.0 * fee * 365.0 * week / t
                });
                fee_aprs.push(apr);
            }
            Pool {
                protocol,
                address,
                tokens,
                created,
                tvl: tvls,
                volume: volumes,
                fee_apr: fee_aprs,
            }
        })
        .collect()
}

pub(crate) fn pool_daily_rows(world: &World) -> impl Iterator<Item = PoolDaily> + use<> {
    let first_day = world.market_first_day;
    pools(world).into_iter().flat_map(move |pool| {
        (pool.created..pool.tvl.len()).flat_map(move |i| {
            let (tvl, volume, protocol) = (pool.tvl[i], pool.volume[i], pool.protocol);
            let address = pool.address.clone();
            pool.tokens.clone().into_iter().map(move |token| PoolDaily {
                date: Day(first_day + i as i32),
                protocol,
                pool_address: address.clone(),
                token_address: token,
                tvl_usd: tvl,
                volume_usd_daily: volume,
            })
        })
    })
}

pub(crate) fn pool_metrics_rows(world: &World) -> impl Iterator<Item = PoolMetrics> + use<> {
    let first_day = world.market_first_day;
    pools(world).into_iter().flat_map(move |pool| {
        (pool.created..pool.tvl.len())
            .map(|i| PoolMetrics {
                date: Day(first_day + i as i32),
                protocol: pool.protocol,
                pool_address: pool.address.clone(),
                fee_apr_7d: pool.fee_apr[i],
                tvl_usd: pool.tvl[i],
            })
            .collect::<Vec<_>>()
    })
}

pub(crate) fn trades_rows(world: &World) -> Vec<TradesDaily> {
    let pools = pools(world);
    let mut rng = Random::stream(world.seed, Stream::Mmm, 2);
    let days = (world.end_day - world.market_first_day) as usize;
    let mut rows = Vec::with_capacity(days * PROTOCOLS.len());
    for i in 0..days {
        for protocol in PROTOCOLS {
            let volume: f64 = pools
                .iter()
                .filter(|p| p.protocol == protocol && i >= p.created)
                .map(|p| p.volume[i])
                .sum();
            rows.push(TradesDaily {
                date: Day(world.market_first_day + i as i32),
                protocol,
                volume_usd: 1.3 * volume * rng.lognormal(1.0, 0.1),
            });
        }
    }
    rows
}

/// Daily active and new GA users, and weekly topups, from every generated life.
pub(crate) fn ga_aggregates(world: &World) -> (Vec<UsersDaily>, Vec<TopupsWeekly>) {
    let days = (world.end_day - world.first_day) as usize;
    let (mut active, mut new) = (vec![0u64; days], vec![0u64; days]);
    let weeks = (world.end_day - world.first_monday) as usize / 7 + 1;
    let mut topups = vec![(0u64, None::<f64>); weeks];
    for user in 0..world.users {
        let life = ga::life(world, user);
        new[world.index(day_of(life.first_seen))] += 1;
        for day in ga::active_days(&life) {
            active[world.index(day)] += 1;
        }
        for a in &life.actions {
            if let ga::Act::Topup { amount_usd, .. } = a.act {
                let w = ((monday_on_or_before(day_of(a.ts)) - world.first_monday) / 7) as usize;
                topups[w].0 += 1;
                if let Some(x) = amount_usd {
                    topups[w].1 = Some(topups[w].1.unwrap_or(0.0) + x);
                }
            }
        }
    }
    let daily = (0..days)
        .map(|i| UsersDaily {
            date: Day(world.first_day + i as i32),
            active_users: active[i],
            new_users: new[i],
        })
        .collect();
    let weekly = topups
        .into_iter()
        .enumerate()
        .filter(|(_, (n, _))| *n > 0)
        .map(|(w, (n, volume))| TopupsWeekly {
            week: Day(world.first_monday + 7 * w as i32),
            n_topups: n,
            volume_usd: volume.map(|v| (v * 100.0).round() / 100.0),
        })
        .collect();
    (daily, weekly)
}

pub(crate) fn proposer_rows(world: &World) -> Vec<ProposerReward> {
    let mut rng = Random::stream(world.seed, Stream::Mmm, 3);
    let pectra = PECTRA.days_since_epoch();
    let mut rows = Vec::new();
    for day in world.market_first_day..world.end_day {
        let base = if day >= pectra { 0.025 } else { 0.02 };
        let mut validators: Vec<u64> = (0..30 + rng.below(21))
            .map(|_| rng.below(400_000))
            .collect();
        validators.sort_unstable();
        validators.dedup();
        for validator_index in validators {
            rows.push(ProposerReward {
                date: Ts(midnight(day)),
                validator_index,
                proposer_reward_total_gno: base * rng.lognormal(1.0, 0.3),
            });
        }
    }
    rows
}

pub(crate) fn price_rows(world: &World) -> Vec<TokenPrice> {
    let mut rng = Random::stream(world.seed, Stream::Mmm, 4);
    let p = &world.prices;
    let mut rows = Vec::new();
    for i in 0..(world.end_day - world.market_first_day) as usize {
        let date = Day(world.market_first_day + i as i32);
        let eure_missing = rng.chance(0.05);
        let prices = [
            ("GNO", p.gno[i]),
            ("WETH", p.weth[i]),
            ("WXDAI", p.wxdai[i]),
            ("EURe", p.eur[i]),
            ("USDC", p.usdc[i]),
            ("sDAI", p.sdai[i]),
            ("COW", p.cow[i]),
        ];
        for (symbol, price) in prices {
            if symbol == "EURe" && eure_missing {
                continue;
            }
            rows.push(TokenPrice {
                date,
                symbol,
                price,
            });
        }
    }
    rows
}

pub(crate) fn transactions_rows(world: &World) -> Vec<TransactionsDaily> {
    let mut rng = Random::stream(world.seed, Stream::Mmm, 5);
    let (cancun, pectra) = (CANCUN.days_since_epoch(), PECTRA.days_since_epoch());
    let mut rows = Vec::new();
    for day in world.market_first_day..world.end_day {
        let activity = if is_holiday_week(day) { 0.85 } else { 1.0 }
            * if weekday(day) >= 5 { 0.9 } else { 1.0 };
        let types: [(&str, f64, bool); 5] = [
            ("legacy", 120_000.0, true),
            ("access_list", 4_000.0, true),
            ("eip1559", 300_000.0, true),
            ("blob", 800.0, day >= cancun),
            ("set_code", 1_500.0, day >= pectra),
        ];
        for (transaction_type, volume, exists) in types {
            if !exists {
                continue;
            }
            let gas = if day >= pectra { 2.4 } else { 1.5 } * rng.lognormal(1.0, 0.35);
            for success in [1u8, 0] {
                let share = if success == 1 { 0.97 } else { 0.03 };
                rows.push(TransactionsDaily {
                    date: Day(day),
                    transaction_type,
                    success,
                    gas_price_median: (gas.round() as i32).max(1),
                    n_txs: (volume * share * activity * rng.lognormal(1.0, 0.1)) as u64,
                });
            }
        }
    }
    rows
}
