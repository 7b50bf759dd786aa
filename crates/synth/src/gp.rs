//! Gnosis Pay upstreams (spec §13.2): one simulated Safe per `int_execution_gpay_wallets` row.
//!
//! A Safe's **identity** (address, owners, delegates, migration) and its **activity** (ERC-20
//! transfers) come from two streams of its own, so the four identity tables never pay for the
//! activity.
//!
//! - **Owners.** About 45 % of Safes (`World::ga_owned_safes`) are owned by a GA user, set up in
//!   one of that user's app sessions; their GA topups arrive here as `Crypto Deposit`s from the
//!   CoW settlement contract with the same transaction hash and second. The other Safes belong to
//!   fresh EOAs, 4 % of which own the previous Safe too (an owner with two Safes). 15 % of Safes
//!   have a second initial owner. `int_execution_safes_owner_events` has one `safe_setup` row per
//!   initial owner, plus, for 8 % of Safes, later `added_owner`, `removed_owner` (of the second
//!   initial owner) and `changed_threshold` rows (owner NULL) that the bridge must ignore.
//! - **Delegates.** 98 % of Safes list the one shared delegate EOA, 1 % also a second delegate,
//!   1 % none.
//! - **Migration.** 5 % of the Safes alive at the migration window (the last fifth of the range)
//!   move to a NEW Safe: an `int_execution_gpay_safe_canonical` row, the NEW Safe in the wallets
//!   table with its own `safe_setup` rows (same owners), a transfer of the balance (a
//!   `Crypto Withdrawal` from the OLD Safe and a `Crypto Deposit` into the NEW one, one
//!   transaction), and every later transfer on the NEW Safe.
//! - **Activity.** Card payments at a heavy-tailed per-Safe rate (a lognormal with median 0.3 a
//!   day), more in holiday weeks, until the Safe churns. A payment that the balance cannot cover
//!   is preceded by a `Fiat Top Up` (EURe/GBPe minted from the zero address) or a
//!   `Crypto Deposit`, hours before (3 % in the same second: a `gp.deposit` touch at the
//!   conversion second). 1 % of payments have a deposit exactly `N·86400 s` before them (N ∈ {7,
//!   30, 60}, a third one second earlier still). 2 % are reversed days later; off-ramps,
//!   withdrawals and `Other` transfers are rare. Safes opted into cashback (60 %) receive a
//!   weekly GNO `Cashback` (2 % of the previous week's spend), GNO only. Every action of spec
//!   §13.2 appears. Rows are unique on `(wallet_address, block_timestamp, transaction_hash,
//!   token_address, counterparty, direction)`.

use crate::ga::{self, Act, Life};
use crate::random::{Random, Stream, tx_hash};
use crate::table::{Day, Ts, table};
use crate::time::{DAY_S, day_of, is_holiday_week, midnight, monday_on_or_before};
use crate::world::World;

/// The card-spender (merchant) address of spec §6.
pub(crate) const MERCHANT: &str = "0x4822521e6135cd2599199c83ea35179229a172ee";
/// The cashback distributor of spec §6.
pub(crate) const CASHBACK: &str = "0xcdf50be9061086e2ecfe6e4a1bf9164d43568eec";
/// Mints and burns.
pub(crate) const ZERO: &str = "0x0000000000000000000000000000000000000000";
/// The CoW Protocol settlement contract (pays out GA topups).
pub(crate) const COW_SETTLEMENT: &str = "0x9008d19f58aabd9ed0d60971565aa8510560ab41";

/// An ERC-20 token on Gnosis Chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    pub(crate) symbol: &'static str,
    pub(crate) address: &'static str,
}

pub(crate) const EURE: Token = Token {
    symbol: "EURe",
    address: "0xcb444e90d8198415266c6a2724b7900fb12fc56e",
};
pub(crate) const GBPE: Token = Token {
    symbol: "GBPe",
    address: "0x5cb9073902f2035222b9749f8fb0c9bfe5527108",
};
pub(crate) const USDCE: Token = Token {
    symbol: "USDC.e",
    address: "0x2a22f9c3b484c3629090feed35f17ff8f88f76f0",
};
pub(crate) const GNO: Token = Token {
    symbol: "GNO",
    address: "0x9c58bacc331c9aa871afd802db6379a98e80cedb",
};
pub(crate) const COW: Token = Token {
    symbol: "COW",
    address: "0x177127622c4a00f3d409b75571e12cb3c8973d3c",
};

/// The token a GA topup of `symbol` delivers (unknown symbols were EURe).
pub(crate) fn topup_token(symbol: Option<&str>) -> Token {
    match symbol {
        Some("GBPe") => GBPE,
        Some("USDC.e") => USDCE,
        _ => EURE,
    }
}

/// The actions of `int_execution_gpay_activity` (spec §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    Payment,
    Reversal,
    Cashback,
    FiatTopUp,
    FiatOffRamp,
    CryptoDeposit,
    CryptoWithdrawal,
    /// Anything else, in either direction.
    Other {
        incoming: bool,
    },
}

impl Action {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Action::Payment => "Payment",
            Action::Reversal => "Reversal",
            Action::Cashback => "Cashback",
            Action::FiatTopUp => "Fiat Top Up",
            Action::FiatOffRamp => "Fiat Off-ramp",
            Action::CryptoDeposit => "Crypto Deposit",
            Action::CryptoWithdrawal => "Crypto Withdrawal",
            Action::Other { .. } => "Other",
        }
    }

    /// `in` or `out`.
    fn direction(self) -> &'static str {
        match self {
            Action::Reversal
            | Action::Cashback
            | Action::FiatTopUp
            | Action::CryptoDeposit
            | Action::Other { incoming: true } => "in",
            Action::Payment
            | Action::FiatOffRamp
            | Action::CryptoWithdrawal
            | Action::Other { incoming: false } => "out",
        }
    }
}

table! {
    /// `int_execution_gpay_wallets`: one row per GP Safe, migrated NEW Safes included.
    Wallet => "int_execution_gpay_wallets" {
        address: String,
    }
}

table! {
    /// `int_execution_safes_owner_events`: Safe owner lifecycle events.
    OwnerEvent => "int_execution_safes_owner_events" {
        safe_address: String,
        owner: Option<String>,
        event_kind: &'static str,
        block_timestamp: Ts,
    }
}

table! {
    /// `int_execution_gpay_spender_delegates_current`: one row per (Safe, delegate).
    Delegate => "int_execution_gpay_spender_delegates_current" {
        gp_safe: String,
        delegate_address: Option<String>,
    }
}

table! {
    /// `int_execution_gpay_safe_canonical`: one row per migrated OLD Safe.
    Canonical => "int_execution_gpay_safe_canonical" {
        address: String,
        canonical_address: String,
        migrated_at: Ts,
    }
}

table! {
    /// `int_execution_gpay_activity`: one row per ERC-20 transfer touching a GP Safe.
    Activity => "int_execution_gpay_activity" {
        wallet_address: String,
        block_timestamp: Ts,
        date: Day,
        transaction_hash: String,
        token_address: &'static str,
        counterparty: String,
        direction: &'static str,
        action: &'static str,
        symbol: &'static str,
        amount: f64,
        amount_usd: f64,
    }
}

/// One ERC-20 transfer touching a Safe, before it is priced and written as a row.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Transfer<'a> {
    pub(crate) ts: i64,
    pub(crate) action: Action,
    pub(crate) token: Token,
    pub(crate) counterparty: &'a str,
    pub(crate) usd: f64,
}

impl Activity {
    /// The row of `transfer` on `wallet`, in transaction `transaction_hash`, with the token
    /// amount priced on its day.
    pub(crate) fn new(
        world: &World,
        wallet: &str,
        transaction_hash: String,
        t: Transfer<'_>,
    ) -> Self {
        let amount_usd = (t.usd * 100.0).round() / 100.0;
        Activity {
            wallet_address: wallet.to_owned(),
            block_timestamp: Ts(t.ts),
            date: Day(day_of(t.ts)),
            transaction_hash,
            token_address: t.token.address,
            counterparty: t.counterparty.to_owned(),
            direction: t.action.direction(),
            action: t.action.name(),
            symbol: t.token.symbol,
            amount: amount_usd / world.usd_price(t.token.symbol, day_of(t.ts)),
            amount_usd,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Migration {
    pub(crate) new_address: String,
    pub(crate) at: i64,
}

/// A Safe's identity and spending habits.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Safe {
    pub(crate) index: u32,
    pub(crate) address: String,
    pub(crate) setup: i64,
    pub(crate) owners: Vec<String>,
    /// The life of the GA user owning it, if any (for the topups).
    pub(crate) ga_owner: Option<Life>,
    pub(crate) delegates: Vec<String>,
    /// A later owner change: `(ts, added owner, whether the second initial owner is removed)`.
    pub(crate) owner_change: Option<(i64, String, bool)>,
    pub(crate) churn: i64,
    pub(crate) migration: Option<Migration>,
    pub(crate) currency: Token,
    pub(crate) cashback: bool,
    /// Card payments per day.
    pub(crate) rate: f64,
}

/// Whether the owner of (non-GA) Safe `k` also owns Safe `k − 1`.
fn shares_owner_with_previous(world: &World, k: u32) -> bool {
    k > world.ga_owned_safes
        && Random::stream(world.seed, Stream::GpSharedOwner, u64::from(k)).chance(0.04)
}

/// The first owner of a Safe no GA user owns.
fn fresh_owner(world: &World, mut k: u32) -> String {
    while shares_owner_with_previous(world, k) {
        k -= 1;
    }
    Random::stream(world.seed, Stream::GpOwner, u64::from(k)).address()
}

/// The identity of GP Safe `k`.
pub(crate) fn safe(world: &World, k: u32) -> Safe {
    let mut rng = Random::stream(world.seed, Stream::GpSafe, u64::from(k));
    let address = rng.address();
    let (first_owner, setup, ga_owner) = match world.safe_ga_owner(k) {
        Some(user) => {
            let life = ga::life(world, user);
            let (_, setup) = life
                .safe
                .expect("the GA owner of a Safe sets it up in their life");
            (life.address.clone(), setup, Some(life))
        }
        None => {
            let day = world.onboarding_day(rng.unit());
            (
                fresh_owner(world, k),
                midnight(day) + rng.time_of_day(DAY_S - 1),
                None,
            )
        }
    };
    let mut owners = vec![first_owner];
    if rng.chance(0.15) {
        owners.push(rng.address());
    }
    let delegates = if rng.chance(0.01) {
        Vec::new()
    } else if rng.chance(0.01) {
        vec![world.delegate.clone(), rng.address()]
    } else {
        vec![world.delegate.clone()]
    };
    let owner_change = rng.chance(0.08).then(|| {
        let ts = setup + (rng.exponential(60.0) * DAY_S as f64) as i64;
        (ts, rng.address(), owners.len() == 2 && rng.chance(0.5))
    });
    let owner_change = owner_change.filter(|(ts, _, _)| *ts < world.end_ts());
    let churn = setup + (rng.exponential(500.0) * DAY_S as f64) as i64;
    let window = midnight(world.migration_day);
    let migration = (setup < window && churn > window && rng.chance(0.05)).then(|| Migration {
        at: midnight(world.migration_day + rng.below(world.migration_days as u64) as i32)
            + rng.time_of_day(DAY_S - 1),
        new_address: rng.address(),
    });
    Safe {
        index: k,
        address,
        setup,
        owners,
        ga_owner,
        delegates,
        owner_change,
        churn,
        migration,
        currency: rng.weighted(&[(EURE, 0.85), (GBPE, 0.10), (USDCE, 0.05)]),
        cashback: rng.chance(0.6),
        rate: rng.lognormal(0.3, 1.0).min(8.0),
    }
}

impl Safe {
    /// The Safe holding the funds at `ts` (the NEW Safe from the migration on).
    fn wallet_at(&self, ts: i64) -> &str {
        match &self.migration {
            Some(m) if ts >= m.at => &m.new_address,
            _ => &self.address,
        }
    }
}

pub(crate) fn wallet_rows(safe: &Safe) -> Vec<Wallet> {
    let mut rows = vec![Wallet {
        address: safe.address.clone(),
    }];
    if let Some(m) = &safe.migration {
        rows.push(Wallet {
            address: m.new_address.clone(),
        });
    }
    rows
}

pub(crate) fn setup_rows(safe_address: &str, owners: &[String], ts: i64) -> Vec<OwnerEvent> {
    owners
        .iter()
        .map(|o| OwnerEvent {
            safe_address: safe_address.to_owned(),
            owner: Some(o.clone()),
            event_kind: "safe_setup",
            block_timestamp: Ts(ts),
        })
        .collect()
}

pub(crate) fn owner_event_rows(safe: &Safe) -> Vec<OwnerEvent> {
    let mut rows = setup_rows(&safe.address, &safe.owners, safe.setup);
    if let Some((ts, added, remove_second)) = &safe.owner_change {
        let event = |owner: Option<&String>, kind| OwnerEvent {
            safe_address: safe.wallet_at(*ts).to_owned(),
            owner: owner.cloned(),
            event_kind: kind,
            block_timestamp: Ts(*ts),
        };
        rows.push(event(Some(added), "added_owner"));
        if *remove_second {
            rows.push(event(safe.owners.get(1), "removed_owner"));
        }
        rows.push(event(None, "changed_threshold"));
    }
    if let Some(m) = &safe.migration {
        rows.extend(setup_rows(&m.new_address, &safe.owners, m.at - 120));
    }
    rows
}

pub(crate) fn delegate_rows(safe: &Safe) -> Vec<Delegate> {
    let mut rows: Vec<Delegate> = safe
        .delegates
        .iter()
        .map(|d| Delegate {
            gp_safe: safe.address.clone(),
            delegate_address: Some(d.clone()),
        })
        .collect();
    if let Some(m) = &safe.migration {
        rows.extend(safe.delegates.iter().map(|d| Delegate {
            gp_safe: m.new_address.clone(),
            delegate_address: Some(d.clone()),
        }));
    }
    rows
}

pub(crate) fn canonical_rows(safe: &Safe) -> Vec<Canonical> {
    safe.migration
        .iter()
        .map(|m| Canonical {
            address: safe.address.clone(),
            canonical_address: m.new_address.clone(),
            migrated_at: Ts(m.at),
        })
        .collect()
}

/// The transfers of one Safe as they are drawn, in any order, and its running balance (USD).
struct Ledger<'a> {
    world: &'a World,
    safe: &'a Safe,
    rows: Vec<Activity>,
    balance: f64,
}

impl Ledger<'_> {
    /// Records `t` in transaction `key` on the Safe holding the funds at `t.ts`.
    fn push(&mut self, key: u64, t: Transfer<'_>) {
        let wallet = self.safe.wallet_at(t.ts);
        self.rows
            .push(Activity::new(self.world, wallet, tx_hash(key, true), t));
        match t.action.direction() {
            "in" => self.balance += t.usd,
            _ => self.balance -= t.usd,
        }
    }
}

/// The ERC-20 transfers of a Safe (and of its NEW Safe), in time order.
pub(crate) fn activity_rows(world: &World, safe: &Safe) -> Vec<Activity> {
    let mut rng = Random::stream(world.seed, Stream::GpActivity, u64::from(safe.index));
    let end = world.end_ts();
    let mut ledger = Ledger {
        world,
        safe,
        rows: Vec::new(),
        balance: 0.0,
    };
    let currency = safe.currency;

    // GA topups: CoW payouts into the Safe, in the same transaction as the GA row.
    let mut topups: Vec<(u64, Transfer<'_>)> = Vec::new();
    if let Some(life) = &safe.ga_owner {
        for a in &life.actions {
            if let Act::Topup {
                amount_usd, symbol, ..
            } = a.act
            {
                let usd = amount_usd.unwrap_or_else(|| rng.lognormal(80.0, 0.9));
                let (action, token, counterparty) =
                    (Action::CryptoDeposit, topup_token(symbol), COW_SETTLEMENT);
                topups.push((
                    a.key,
                    Transfer {
                        ts: a.ts,
                        action,
                        token,
                        counterparty,
                        usd,
                    },
                ));
            }
        }
    }
    let mut topups = topups.into_iter().peekable();

    // The first inflow, unless a GA topup funds the Safe within a day.
    if topups.peek().is_none_or(|(_, t)| t.ts > safe.setup + DAY_S) {
        let ts = safe.setup + 1 + rng.exponential(3.0 * 3600.0) as i64;
        let usd = rng.lognormal(250.0, 0.6);
        let other = rng.address();
        let (action, counterparty) = if rng.chance(0.65) {
            (Action::FiatTopUp, ZERO)
        } else {
            (Action::CryptoDeposit, other.as_str())
        };
        ledger.push(
            rng.key(),
            Transfer {
                ts,
                action,
                token: currency,
                counterparty,
                usd,
            },
        );
    }

    let mut payments: Vec<(i64, f64)> = Vec::new();
    let stop = safe.churn.min(end);
    let gap = |rng: &mut Random| (rng.exponential(0.8 / safe.rate) * DAY_S as f64) as i64;
    let mut t = safe.setup + 60 + gap(&mut rng);
    let mut last = safe.setup;
    while t < stop {
        while let Some((key, topup)) = topups.next_if(|(_, topup)| topup.ts <= t) {
            ledger.push(key, topup);
        }
        // Holiday weeks keep every drawn payment; other weeks keep 80 %.
        if is_holiday_week(day_of(t)) || rng.chance(0.8) {
            let usd = rng.lognormal(22.0, 1.0).clamp(0.5, 5_000.0);
            if ledger.balance < usd {
                // Fund the payment hours before it (3 %: in the same second).
                let ts = if rng.chance(0.03) {
                    t
                } else {
                    (t - rng.exponential(8.0 * 3600.0) as i64).clamp(last + 1, t)
                };
                let amount = (2.0 * usd).max(rng.lognormal(200.0, 0.6));
                let other = rng.address();
                let (action, counterparty) = if rng.chance(0.8) {
                    (Action::FiatTopUp, ZERO)
                } else {
                    (Action::CryptoDeposit, other.as_str())
                };
                ledger.push(
                    rng.key(),
                    Transfer {
                        ts,
                        action,
                        token: currency,
                        counterparty,
                        usd: amount,
                    },
                );
            }
            let payment = Transfer {
                ts: t,
                action: Action::Payment,
                token: currency,
                counterparty: MERCHANT,
                usd,
            };
            ledger.push(rng.key(), payment);
            payments.push((t, usd));
            extras(&mut ledger, &mut rng, payment);
        }
        last = t;
        t += 1 + gap(&mut rng);
    }
    for (key, topup) in topups {
        ledger.push(key, topup);
    }

    if safe.cashback {
        cashback(&mut ledger, &mut rng, &payments);
    }
    if let Some(m) = &safe.migration {
        // The balance moves to the NEW Safe in one transaction.
        let tx = tx_hash(rng.key(), true);
        let usd = rng.lognormal(150.0, 0.5);
        let (action, token) = (Action::CryptoWithdrawal, currency);
        let out = Transfer {
            ts: m.at,
            action,
            token,
            counterparty: &m.new_address,
            usd,
        };
        let into = Transfer {
            action: Action::CryptoDeposit,
            counterparty: &safe.address,
            ..out
        };
        ledger
            .rows
            .push(Activity::new(world, &safe.address, tx.clone(), out));
        ledger
            .rows
            .push(Activity::new(world, &m.new_address, tx, into));
    }
    let mut rows = ledger.rows;
    rows.retain(|r| r.block_timestamp.0 < end);
    rows.sort_by_key(|r| r.block_timestamp.0);
    rows
}

/// The rarer transfers that may follow a payment.
fn extras(ledger: &mut Ledger<'_>, rng: &mut Random, payment: Transfer<'_>) {
    let safe = ledger.safe;
    let later = |rng: &mut Random, mean_days: f64| {
        payment.ts + 60 + (rng.exponential(mean_days) * DAY_S as f64) as i64
    };
    let other = rng.address();
    let base = Transfer {
        counterparty: &other,
        ..payment
    };
    if rng.chance(0.01) {
        // A deposit exactly N days (or N days and a second) before the payment.
        let n: i64 = rng.pick(&[7, 30, 60]);
        let ts = payment.ts - n * DAY_S - i64::from(rng.chance(0.33));
        if ts > safe.setup {
            let usd = rng.lognormal(50.0, 0.5);
            ledger.push(
                rng.key(),
                Transfer {
                    ts,
                    action: Action::CryptoDeposit,
                    usd,
                    ..base
                },
            );
        }
    }
    if rng.chance(0.02) {
        let ts = later(rng, 2.0);
        ledger.push(
            rng.key(),
            Transfer {
                ts,
                action: Action::Reversal,
                ..payment
            },
        );
    }
    if rng.chance(0.01) && ledger.balance > 50.0 {
        let (ts, usd) = (later(rng, 3.0), ledger.balance * 0.5);
        let t = if safe.currency == USDCE {
            Transfer {
                ts,
                action: Action::CryptoWithdrawal,
                usd,
                ..base
            }
        } else {
            Transfer {
                ts,
                action: Action::FiatOffRamp,
                counterparty: ZERO,
                usd,
                ..base
            }
        };
        ledger.push(rng.key(), t);
    }
    if rng.chance(0.01) && ledger.balance > 20.0 {
        let (ts, usd) = (later(rng, 1.0), ledger.balance * 0.3);
        ledger.push(
            rng.key(),
            Transfer {
                ts,
                action: Action::CryptoWithdrawal,
                usd,
                ..base
            },
        );
    }
    if rng.chance(0.005) {
        let ts = later(rng, 1.0);
        let action = Action::Other {
            incoming: rng.chance(0.5),
        };
        let usd = rng.lognormal(5.0, 1.0);
        ledger.push(
            rng.key(),
            Transfer {
                ts,
                action,
                token: COW,
                usd,
                ..base
            },
        );
    }
}

/// Weekly GNO cashback on the previous week's card spend.
fn cashback(ledger: &mut Ledger<'_>, rng: &mut Random, payments: &[(i64, f64)]) {
    let mut i = 0;
    while i < payments.len() {
        let week = monday_on_or_before(day_of(payments[i].0));
        let mut spend = 0.0;
        while i < payments.len() && monday_on_or_before(day_of(payments[i].0)) == week {
            spend += payments[i].1;
            i += 1;
        }
        let ts = midnight(week + 7) + rng.between(8 * 3600, 20 * 3600);
        let usd = (0.02 * spend).max(0.01);
        let t = Transfer {
            ts,
            action: Action::Cashback,
            token: GNO,
            counterparty: CASHBACK,
            usd,
        };
        ledger.push(rng.key(), t);
    }
}
