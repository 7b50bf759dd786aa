//! Gnosis App upstreams (spec §13.1): one simulated life per GA user.
//!
//! A user's **life** is drawn from their own random stream and is the skeleton every GA table
//! (and the GP side, for the Safes GA users own) reads from:
//!
//! - **Onboarding.** The first day follows the world's onboarding density. The first session
//!   holds the first heuristic hit (`circles_register_human` mostly, else
//!   `safe_invitation_module` or `circles_trust`), which is `first_seen_at`, so `chain.onboard`
//!   and that hit share a second: a natural first-touch tie. A third of them also update the
//!   profile in the same transaction, at the same second.
//! - **Heavy-tailed activity.** The number of active days has `P(n ≥ k) = k^−0.8` (about 43 %
//!   one-off users, a few daily power users), spread with a per-user gap; each active day has 1–3
//!   sessions of one to forty minutes, mostly in daytime UTC. Weekends and holiday weeks thin out.
//! - **Actions in sessions.** Circles actions (the seven heuristic kinds of spec §5.2), CoW
//!   swaps (`int_execution_gnosis_app_swaps`: 73 % filled, the fill seconds to hours after the
//!   PreSignature, 3 % in the same second), GA→GP topups (only for users owning a GP Safe, after
//!   it is set up; 4 % are two transfers in one transaction, log_index 0 and 1: same-key
//!   conversions), token-offer claims (only in campaign weeks) and marketplace buys.
//! - **Journeys.** The Mixpanel events and the signed swaps of a session come before its
//!   conversions (filled swaps, topups, claims, buys), minutes before; earlier sessions are days
//!   or weeks before. 2 % of conversions also get a `circles_trust` hit exactly `N·86400 s`
//!   (N ∈ {7, 14, 30, 60}) before them, a third of those one second earlier still, so the
//!   inclusive lookback bound is exercised.
//!
//! `int_execution_gnosis_app_users_current` is the aggregate of the user's heuristic hits, as
//! upstream: `first_seen_at` (never NULL), `last_seen_at`, the sorted distinct kinds, the hit
//! count. `int_execution_gnosis_app_user_events.transaction_hash` is 64 hex digits without `0x`
//! (spec §13.1); every other transaction hash has the prefix.

use crate::random::{Random, Stream, hex_id, tx_hash};
use crate::table::{Day, Ts, table};
use crate::time::{DAY_S, day_of, midnight};
use crate::world::World;

/// The seven heuristic kinds of spec §5.2 (they become `chain.<kind>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Heuristic {
    RegisterHuman,
    InviteHuman,
    Trust,
    ProfileUpdate,
    Fee,
    PersonalMint,
    SafeInvitationModule,
}

impl Heuristic {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Heuristic::RegisterHuman => "circles_register_human",
            Heuristic::InviteHuman => "circles_invite_human",
            Heuristic::Trust => "circles_trust",
            Heuristic::ProfileUpdate => "circles_profile_update",
            Heuristic::Fee => "circles_fee",
            Heuristic::PersonalMint => "circles_personal_mint",
            Heuristic::SafeInvitationModule => "safe_invitation_module",
        }
    }
}

/// Marketplace offers (`offer_name`).
pub(crate) const OFFERS: [&str; 6] = [
    "Circles Backer Badge",
    "Coffee Voucher",
    "Metri Premium Month",
    "Gnosis Merch Hoodie",
    "Event Ticket",
    "Plant a Tree",
];

/// One on-chain action of a user.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Act {
    Hit(Heuristic),
    Swap {
        filled_at: Option<i64>,
        amount_usd: Option<f64>,
    },
    Topup {
        log_index: u64,
        amount_usd: Option<f64>,
        symbol: Option<&'static str>,
    },
    Claim {
        log_index: u64,
        amount_usd: f64,
        symbol: Option<&'static str>,
    },
    Buy {
        log_index: u64,
        offer: &'static str,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Action {
    pub(crate) ts: i64,
    /// The session it happened in (`None` for the extra hits placed N days before a conversion).
    pub(crate) session: Option<usize>,
    /// The key of its transaction hash (or CoW order uid).
    pub(crate) key: u64,
    pub(crate) act: Act,
}

impl Action {
    /// The conversion timestamp, if the action is a conversion of spec §5.5.
    pub(crate) fn conversion_ts(&self) -> Option<i64> {
        match self.act {
            Act::Hit(_) => None,
            Act::Swap { filled_at, .. } => filled_at,
            Act::Topup { .. } | Act::Claim { .. } | Act::Buy { .. } => Some(self.ts),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Session {
    pub(crate) start: i64,
    pub(crate) end: i64,
}

/// Everything a GA user does, in time order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Life {
    pub(crate) user: u32,
    pub(crate) address: String,
    /// The first heuristic hit (`first_seen_at`).
    pub(crate) first_seen: i64,
    pub(crate) sessions: Vec<Session>,
    /// Sorted by `ts` (stable).
    pub(crate) actions: Vec<Action>,
    /// The GP Safe the user owns, and when they set it up (in one of their sessions).
    pub(crate) safe: Option<(u32, i64)>,
}

/// A GA user's address (its own stream, so the GP side can name an owner without a whole life).
pub(crate) fn address(seed: u64, user: u32) -> String {
    Random::stream(seed, Stream::GaAddress, u64::from(user)).address()
}

/// The life of GA user `user`.
pub(crate) fn life(world: &World, user: u32) -> Life {
    let mut rng = Random::stream(world.seed, Stream::GaLife, u64::from(user));
    let first_day = world.onboarding_day(rng.unit());
    let remaining = (world.end_day - first_day) as u32;

    // Active days: a heavy-tailed count, spread with a per-user mean gap.
    let n_active = rng.pareto_count(0.8, remaining) as usize;
    let gap_mean = (rng.lognormal(3.0, 0.9))
        .min(f64::from(remaining) / n_active as f64)
        .max(1.0);
    let mut days = vec![first_day];
    let mut day = first_day;
    while days.len() < n_active {
        day += 1 + rng.exponential(gap_mean - 1.0) as i32;
        if day >= world.end_day {
            break;
        }
        if rng.chance(world.activity(day)) {
            days.push(day);
        }
    }

    let mut sessions = Vec::new();
    for &day in &days {
        let n = 1 + usize::from(rng.chance(0.3)) + usize::from(rng.chance(0.1));
        let mut starts: Vec<i64> = (0..n).map(|_| rng.time_of_day(DAY_S - 3_600)).collect();
        starts.sort_unstable();
        for s in starts {
            let start = midnight(day) + s;
            let duration = (60.0 + rng.exponential(420.0)).min(2_400.0) as i64;
            sessions.push(Session {
                start,
                end: start + duration,
            });
        }
    }

    // Per-user propensities.
    let circles = rng.lognormal(1.0, 0.7);
    let swapper = rng.lognormal(1.0, 0.8);
    let buyer = rng.lognormal(1.0, 0.8);

    let mut actions = Vec::new();
    let onboarding =
        sessions[0].start + rng.between(30, 240.min(sessions[0].end - sessions[0].start));
    let kind = rng.weighted(&[
        (Heuristic::RegisterHuman, 0.7),
        (Heuristic::SafeInvitationModule, 0.2),
        (Heuristic::Trust, 0.1),
    ]);
    let key = rng.key();
    actions.push(Action {
        ts: onboarding,
        session: Some(0),
        key,
        act: Act::Hit(kind),
    });
    if rng.chance(0.33) {
        let act = Act::Hit(Heuristic::ProfileUpdate);
        actions.push(Action {
            ts: onboarding,
            session: Some(0),
            key,
            act,
        });
    }

    let safe = world.ga_safe(user).map(|k| {
        let i = rng.below(sessions.len().min(4) as u64) as usize;
        let lo = sessions[i].start.max(onboarding + 1);
        (k, i, rng.between(lo, sessions[i].end.max(lo)))
    });

    for (i, s) in sessions.iter().enumerate() {
        let lo = s.start.max(onboarding + 1);
        let hi = s.end.max(lo);
        let campaign = world.campaign(day_of(s.start));
        let hits = [
            (Heuristic::PersonalMint, 0.30 * circles),
            (Heuristic::Fee, 0.20 * circles),
            (Heuristic::Trust, 0.12 * circles),
            (Heuristic::InviteHuman, 0.04 * circles),
            (Heuristic::ProfileUpdate, 0.03),
            (Heuristic::SafeInvitationModule, 0.01),
        ];
        for (kind, p) in hits {
            if rng.chance(p.min(0.9)) {
                let ts = rng.between(lo, hi);
                actions.push(Action {
                    ts,
                    session: Some(i),
                    key: rng.key(),
                    act: Act::Hit(kind),
                });
            }
        }
        if rng.chance((0.10 * swapper).min(0.8)) {
            let ts = rng.between(lo, hi);
            let act = swap(&mut rng, ts, world.end_ts());
            actions.push(Action {
                ts,
                session: Some(i),
                key: rng.key(),
                act,
            });
        }
        if let Some((_, setup_session, setup_ts)) = safe
            && i >= setup_session
        {
            let p = if i == setup_session { 0.7 } else { 0.2 };
            if rng.chance(p) {
                // Never before the Safe exists (sessions of one day may overlap).
                let from = lo.max(setup_ts + 1);
                let ts = rng.between(from, hi.max(from));
                topups(&mut rng, &mut actions, ts, i);
            }
        }
        if rng.chance(0.25 * campaign) {
            let ts = rng.between(lo, hi);
            let symbol = rng.weighted(&[(Some("GNO"), 0.8), (Some("COW"), 0.1), (None, 0.1)]);
            let amount_usd = round_cents(rng.lognormal(12.0 * (0.5 + campaign), 0.7));
            let act = Act::Claim {
                log_index: rng.below(30),
                amount_usd,
                symbol,
            };
            actions.push(Action {
                ts,
                session: Some(i),
                key: rng.key(),
                act,
            });
        }
        if rng.chance((0.04 * buyer).min(0.5)) {
            let ts = rng.between(lo, hi);
            let act = Act::Buy {
                log_index: rng.below(30),
                offer: rng.pick(&OFFERS),
            };
            actions.push(Action {
                ts,
                session: Some(i),
                key: rng.key(),
                act,
            });
        }
    }

    // Touches exactly N days (or N days and one second) before a conversion.
    let mut extra = Vec::new();
    for a in &actions {
        if let Some(c) = a.conversion_ts()
            && rng.chance(0.02)
        {
            let n: i64 = rng.pick(&[7, 14, 30, 60]);
            let ts = c - n * DAY_S - i64::from(rng.chance(0.33));
            if ts > onboarding {
                let act = Act::Hit(Heuristic::Trust);
                extra.push(Action {
                    ts,
                    session: None,
                    key: rng.key(),
                    act,
                });
            }
        }
    }
    actions.extend(extra);
    actions.sort_by_key(|a| a.ts);

    Life {
        user,
        address: address(world.seed, user),
        first_seen: onboarding,
        sessions,
        actions,
        safe: safe.map(|(k, _, ts)| (k, ts)),
    }
}

fn round_cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// A CoW order signed at `ts`: 73 % filled, seconds to hours later (3 % in the same second);
/// a fill that would land after the range stays unfilled.
fn swap(rng: &mut Random, ts: i64, end_ts: i64) -> Act {
    let amount = round_cents(rng.lognormal(60.0, 1.1));
    let delay = if rng.chance(0.03) {
        0
    } else if rng.chance(0.1) {
        rng.exponential(4.0 * 3600.0) as i64
    } else {
        5 + rng.exponential(90.0) as i64
    };
    if rng.chance(0.73) && ts + delay < end_ts {
        let amount_usd = (!rng.chance(0.02)).then_some(amount);
        Act::Swap {
            filled_at: Some(ts + delay),
            amount_usd,
        }
    } else {
        Act::Swap {
            filled_at: None,
            amount_usd: rng.chance(0.5).then_some(amount),
        }
    }
}

/// One topup, or (4 %) two transfers of different tokens in one transaction.
fn topups(rng: &mut Random, actions: &mut Vec<Action>, ts: i64, session: usize) {
    let key = rng.key();
    let symbol = rng.weighted(&[
        (Some("EURe"), 0.80),
        (Some("GBPe"), 0.08),
        (Some("USDC.e"), 0.07),
        (None, 0.05),
    ]);
    let amount_usd = (!rng.chance(0.03)).then(|| round_cents(rng.lognormal(80.0, 0.9)));
    let act = Act::Topup {
        log_index: 0,
        amount_usd,
        symbol,
    };
    actions.push(Action {
        ts,
        session: Some(session),
        key,
        act,
    });
    if rng.chance(0.04) {
        let symbol = Some(if symbol == Some("GBPe") {
            "EURe"
        } else {
            "GBPe"
        });
        let amount_usd = Some(round_cents(rng.lognormal(40.0, 0.9)));
        let act = Act::Topup {
            log_index: 1,
            amount_usd,
            symbol,
        };
        actions.push(Action {
            ts,
            session: Some(session),
            key,
            act,
        });
    }
}

table! {
    /// `int_execution_gnosis_app_users_current`: one row per GA user address.
    UserCurrent => "int_execution_gnosis_app_users_current" {
        address: String,
        first_seen_at: Ts,
        last_seen_at: Ts,
        heuristic_kinds: Vec<&'static str>,
        heuristic_hits: u64,
        n_distinct_heuristics: u8,
    }
}

table! {
    /// `int_execution_gnosis_app_user_events`: one row per heuristic hit.
    UserEvent => "int_execution_gnosis_app_user_events" {
        address: String,
        heuristic_kind: &'static str,
        block_timestamp: Ts,
        transaction_hash: String,
    }
}

table! {
    /// `int_execution_gnosis_app_swaps`: one row per CoW order (PreSignature).
    SwapRow => "int_execution_gnosis_app_swaps" {
        taker: String,
        block_timestamp: Ts,
        order_uid: String,
        was_filled: bool,
        first_fill_at: Option<Ts>,
        amount_usd: Option<f64>,
    }
}

table! {
    /// `int_execution_gnosis_app_gpay_topups`: one row per GA→GP deposit.
    TopupRow => "int_execution_gnosis_app_gpay_topups" {
        ga_user: String,
        block_timestamp: Ts,
        transaction_hash: String,
        log_index: u64,
        amount_usd: Option<f64>,
        token_bought_symbol: Option<&'static str>,
    }
}

table! {
    /// `int_execution_gnosis_app_marketplace_payments`: one row per payment log.
    BuyRow => "int_execution_gnosis_app_marketplace_payments" {
        payer: String,
        block_timestamp: Ts,
        transaction_hash: String,
        log_index: u64,
        offer_name: &'static str,
    }
}

table! {
    /// `int_execution_gnosis_app_token_offer_claims`: one row per OfferClaimed log.
    ClaimRow => "int_execution_gnosis_app_token_offer_claims" {
        ga_user: String,
        block_timestamp: Ts,
        transaction_hash: String,
        log_index: u64,
        amount_received_usd: f64,
        offer_token_symbol: Option<&'static str>,
    }
}

/// The `users_current` row summarising heuristic hits `(kind, ts)` of `address` (at least one).
pub(crate) fn user_current(
    address: &str,
    hits: impl Iterator<Item = (Heuristic, i64)>,
) -> UserCurrent {
    let (mut first, mut last, mut n) = (i64::MAX, i64::MIN, 0u64);
    let mut kinds: Vec<&'static str> = Vec::new();
    for (kind, ts) in hits {
        first = first.min(ts);
        last = last.max(ts);
        n += 1;
        kinds.push(kind.name());
    }
    kinds.sort_unstable();
    kinds.dedup();
    UserCurrent {
        address: address.to_owned(),
        first_seen_at: Ts(first),
        last_seen_at: Ts(last),
        n_distinct_heuristics: kinds.len() as u8,
        heuristic_kinds: kinds,
        heuristic_hits: n,
    }
}

fn hits(life: &Life) -> impl Iterator<Item = (Heuristic, i64, u64)> + '_ {
    life.actions.iter().filter_map(|a| match a.act {
        Act::Hit(kind) => Some((kind, a.ts, a.key)),
        _ => None,
    })
}

pub(crate) fn users_current_rows(life: &Life) -> Vec<UserCurrent> {
    vec![user_current(
        &life.address,
        hits(life).map(|(k, ts, _)| (k, ts)),
    )]
}

pub(crate) fn user_event_rows(life: &Life) -> Vec<UserEvent> {
    hits(life)
        .map(|(kind, ts, key)| UserEvent {
            address: life.address.clone(),
            heuristic_kind: kind.name(),
            block_timestamp: Ts(ts),
            transaction_hash: tx_hash(key, false),
        })
        .collect()
}

/// A CoW order uid: `0x` + 112 hex digits (56 bytes).
pub(crate) fn order_uid(key: u64) -> String {
    format!("0x{}", hex_id(key, 112))
}

pub(crate) fn swap_rows(life: &Life) -> Vec<SwapRow> {
    life.actions
        .iter()
        .filter_map(|a| match a.act {
            Act::Swap {
                filled_at,
                amount_usd,
            } => Some(SwapRow {
                taker: life.address.clone(),
                block_timestamp: Ts(a.ts),
                order_uid: order_uid(a.key),
                was_filled: filled_at.is_some(),
                first_fill_at: filled_at.map(Ts),
                amount_usd,
            }),
            _ => None,
        })
        .collect()
}

pub(crate) fn topup_rows(life: &Life) -> Vec<TopupRow> {
    life.actions
        .iter()
        .filter_map(|a| match a.act {
            Act::Topup {
                log_index,
                amount_usd,
                symbol,
            } => Some(TopupRow {
                ga_user: life.address.clone(),
                block_timestamp: Ts(a.ts),
                transaction_hash: tx_hash(a.key, true),
                log_index,
                amount_usd,
                token_bought_symbol: symbol,
            }),
            _ => None,
        })
        .collect()
}

pub(crate) fn buy_rows(life: &Life) -> Vec<BuyRow> {
    life.actions
        .iter()
        .filter_map(|a| match a.act {
            Act::Buy { log_index, offer } => Some(BuyRow {
                payer: life.address.clone(),
                block_timestamp: Ts(a.ts),
                transaction_hash: tx_hash(a.key, true),
                log_index,
                offer_name: offer,
            }),
            _ => None,
        })
        .collect()
}

pub(crate) fn claim_rows(life: &Life) -> Vec<ClaimRow> {
    life.actions
        .iter()
        .filter_map(|a| match a.act {
            Act::Claim {
                log_index,
                amount_usd,
                symbol,
            } => Some(ClaimRow {
                ga_user: life.address.clone(),
                block_timestamp: Ts(a.ts),
                transaction_hash: tx_hash(a.key, true),
                log_index,
                amount_received_usd: amount_usd,
                offer_token_symbol: symbol,
            }),
            _ => None,
        })
        .collect()
}

/// The distinct active days of a life (for `fct_execution_gnosis_app_users_daily`).
pub(crate) fn active_days(life: &Life) -> impl Iterator<Item = i32> + '_ {
    let mut last = i32::MIN;
    life.sessions.iter().filter_map(move |s| {
        let d = day_of(s.start);
        (d != last).then(|| {
            last = d;
            d
        })
    })
}

/// `event_date` of a timestamp.
pub(crate) fn date(ts: i64) -> Day {
    Day(day_of(ts))
}
