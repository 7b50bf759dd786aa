//! The hand-placed rows of spec §13.4: a fixed set of scenarios appended to the generated tables.
//!
//! They are the same for every seed (but for the shared delegate's address). Their addresses
//! are recognisable, `0x5ce0` followed by the scenario's number (`0x5ce0…0001`), and so are their
//! transaction hashes, order uids and insert ids (`0x5ce0…`, `5ce0…`); a scenario user's device
//! id is their address's last 32 hex digits. Times are placed against the end of the range, the
//! natural `as_of` (`A` below is noon ten days before it, `D` a day of 86 400 s); the window
//! boundaries of scenario 7 hold only when the models are built with `as_of =
//! SynthConfig::end()`. Every GA scenario user is in `users_current`, onboarded
//! (`circles_register_human`) at `A − 90 D` unless stated, outside every lookback.
//!
//! | # | scenario | GA user / Safe | rows | expected |
//! |---|---|---|---|---|
//! | 1 | self-exclusion | user 1, Safe 101 | topups at `A − 2 D` and `A`; pageview at `A − 1 h` | the topup at `A` has one touch, `mp.pageview`; the earlier topup is not a touch |
//! | 2 | strict upper bound, dropped Mixpanel rows | user 2 | marketplace buy at `A`; "Marketplace Purchase" at `A`; `circles_trust` at `A − 10 min`; an anonymous pageview (`A − 5 min`), a non-production one (`A − 4 min`), and a pageview of a non-GA address (`0x5ce0…0063`, `A − 200 s`) | one touch, `chain.circles_trust` |
//! | 3 | lookback bounds | user 3 | claim at `A`; trust at `A − 7 D`, profile update at `A − 7 D − 1 s`, pageview at `A − 30 D`, modal at `A − 30 D − 1 s`, invite at `A − 60 D`, fee at `A − 60 D − 1 s` | 7 d: trust; 14 d: + profile update; 30 d: + pageview; 60 d: + modal, invite; never fee |
//! | 4 | first-touch tie | user 4 | swap signed `A − 2 h`, filled `A`; trust and pageview both at `A − 3 h`; modal at `A − 1 h` | first touch 0.5 trust, 0.5 pageview; last touch modal |
//! | 5 | several touches of a kind | user 5, Safe 105 | topup at `A`; pageviews at `A − 5 h`, `− 3 h`, `− 1 h`; personal mints at `A − 2 D`, `A − 1 D` | `n_touches` 3 and 2 |
//! | 6 | untracked conversion | user 6 | marketplace buy at `A`, nothing else within 60 d | in the totals only |
//! | 7 | 180-day window | user 7, onboarded at `end − 205 D` | buys at `end − 200 D + 12 h` (pageview 1 h before), at `end − 180 D` 00:00:00 (trust 1 h before) and one second earlier (fee 1 h before) | only the buy dated `as_of − 180` is in the attribution window and totals |
//! | 8 | GP fan-out | Safe 111 (owners `…00c9`, `…00ca`, the shared delegate); Safe 112 (owner `…00c9`) | 111: Fiat Top Up `A − 10 D`, Payment `A`; 112: Crypto Deposits at `A − 15 D + 1 h`, `A − 2 h` | the payment makes 4 event and 4 conversion rows; the delegate's is not journeyed; owner `…00c9` has the deposits of Safe 112 as touches |
//! | 9 | `gpay_funded` | Safe 121; Safe 122 | 121: Other (COW in) `A − 6 D`, Crypto Deposit `A − 5 D`, Fiat Top Up `A − 3 D`, Payment `A − 2 D`; 122: a GBPe Crypto Deposit and an EURe Fiat Top Up in one second at `A − 4 D`, the deposit with the smaller transaction hash | 121 is funded at `A − 5 D` with one touch, `gp.action_other`; 122 is funded by the deposit (tie broken by hash) |
//! | 10 | migrated Safe | Safe 131 → NEW Safe 132 at `A − 30 D` | 131: Fiat Top Up `A − 59 D`, Payment `A − 50 D`; the balance transfer; 132: Payment `A − 20 D`, Cashback (GNO) `A − 13 D` | a `migrated_old_safe` bridge row; both Safes share the `safe_self` pseudonym |
//! | 11 | same-key merges | user 11, Safe 141; Safes 142 and 143 (one owner, `…00f1`) | two topups in one transaction at `A` (log_index 0 and 1), pageview at `A − 30 min`; payments from 142 and 143 in the same second `A + 1 h` | one GA conversion key with `n_touches` doubled, two rows in the totals; one GP owner key for both payments |
//! | 12 | funnels | users 12–15, Safes 151, 155; day `d = end − 5 D` | 12: pageview 10:00, swap 10:20/10:30, topup 11:00 on `d`; 13: pageview on `d`, pageview + swap fill on `d + 1`; 14: only a swap fill on `d`; 15: pageview, swap fill and topup all at `d` 15:00:00 | `pageview_swap_topup` levels 3; 1 and 2; 0; 3 |
//!
//! The MMM scenarios of §13.4 come from the generator itself (see `mmm`): the NULL `fee_apr_7d`
//! week, the zero-claim weeks, the drained pool. The registry KPIs and media without a feed have
//! no upstream to place.

use std::collections::BTreeMap;

use crate::ga::{
    BuyRow, ClaimRow, Heuristic, SwapRow, TopupRow, UserCurrent, UserEvent, date, user_current,
};
use crate::gp::{
    self, Action, Activity, COW, COW_SETTLEMENT, Canonical, Delegate, EURE, GBPE, GNO, OwnerEvent,
    Token, Transfer, Wallet,
};
use crate::mixpanel::{MixpanelEvent, category};
use crate::table::Ts;
use crate::time::{DAY_S, midnight};
use crate::world::World;

const H: i64 = 3_600;

/// The rows of every scenario, per table.
#[derive(Debug, Default)]
pub(crate) struct EdgeRows {
    pub(crate) users_current: Vec<UserCurrent>,
    pub(crate) user_events: Vec<UserEvent>,
    pub(crate) swaps: Vec<SwapRow>,
    pub(crate) topups: Vec<TopupRow>,
    pub(crate) buys: Vec<BuyRow>,
    pub(crate) claims: Vec<ClaimRow>,
    pub(crate) mixpanel: Vec<MixpanelEvent>,
    pub(crate) wallets: Vec<Wallet>,
    pub(crate) owner_events: Vec<OwnerEvent>,
    pub(crate) delegates: Vec<Delegate>,
    pub(crate) canonical: Vec<Canonical>,
    pub(crate) activity: Vec<Activity>,
}

/// A scenario address: `0x5ce0` + the number in 36 hex digits.
pub(crate) fn address(n: u32) -> String {
    format!("0x5ce0{n:036x}")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mp {
    Identified,
    Anonymous,
    Staging,
}

struct Builder<'a> {
    world: &'a World,
    pseudonymize: &'a (dyn Fn(&str) -> u64 + Sync),
    rows: EdgeRows,
    hits: BTreeMap<String, Vec<(Heuristic, i64)>>,
    serial: u64,
}

impl Builder<'_> {
    /// A fresh scenario id (transaction hashes, order uids, insert ids).
    fn next(&mut self) -> u64 {
        self.serial += 1;
        self.serial
    }

    fn tx(&mut self) -> String {
        format!("0x5ce0{:060x}", self.next())
    }

    /// A GA user onboarded at `onboarding`.
    fn ga_user(&mut self, n: u32, onboarding: i64) -> String {
        let user = address(n);
        self.hit(&user, Heuristic::RegisterHuman, onboarding);
        user
    }

    fn hit(&mut self, user: &str, kind: Heuristic, ts: i64) {
        self.hits
            .entry(user.to_owned())
            .or_default()
            .push((kind, ts));
        let tx = self.tx();
        self.rows.user_events.push(UserEvent {
            address: user.to_owned(),
            heuristic_kind: kind.name(),
            block_timestamp: Ts(ts),
            transaction_hash: tx[2..].to_owned(),
        });
    }

    fn mp(&mut self, user: &str, ts: i64, name: &'static str, who: Mp) {
        // The device id is the address's last 32 hex digits.
        let device = user[10..].to_owned();
        let distinct_id = match who {
            Mp::Anonymous => format!("$device:{device}"),
            Mp::Identified | Mp::Staging => user.to_owned(),
        };
        let page = match category(name) {
            "pageview" => "/",
            _ => "/wallet",
        };
        let insert_id = format!("5ce0{:028x}", self.next());
        self.rows.mixpanel.push(MixpanelEvent {
            event_time: Ts(ts),
            event_date: date(ts),
            user_id_hash: (self.pseudonymize)(&distinct_id),
            device_id_hash: (self.pseudonymize)(&device),
            event_name: name,
            event_category: category(name),
            insert_id,
            is_production: u8::from(who != Mp::Staging),
            is_identified: u8::from(who != Mp::Anonymous),
            device_type: "desktop",
            country_code: "DE",
            page_path: page,
            bottom_sheet: if category(name) == "modal" {
                "swap"
            } else {
                ""
            },
        });
    }

    fn pageview(&mut self, user: &str, ts: i64) {
        self.mp(user, ts, "$mp_web_page_view", Mp::Identified);
    }

    fn swap(&mut self, user: &str, signed: i64, filled: i64) {
        let uid = format!("0x5ce0{:0108x}", self.next());
        self.rows.swaps.push(SwapRow {
            taker: user.to_owned(),
            block_timestamp: Ts(signed),
            order_uid: uid,
            was_filled: true,
            first_fill_at: Some(Ts(filled)),
            amount_usd: Some(100.0),
        });
    }

    fn buy(&mut self, user: &str, ts: i64) {
        let tx = self.tx();
        self.rows.buys.push(BuyRow {
            payer: user.to_owned(),
            block_timestamp: Ts(ts),
            transaction_hash: tx,
            log_index: 3,
            offer_name: "Coffee Voucher",
        });
    }

    fn claim(&mut self, user: &str, ts: i64) {
        let tx = self.tx();
        self.rows.claims.push(ClaimRow {
            ga_user: user.to_owned(),
            block_timestamp: Ts(ts),
            transaction_hash: tx,
            log_index: 1,
            amount_received_usd: 20.0,
            offer_token_symbol: Some("GNO"),
        });
    }

    /// A GP Safe with the shared delegate, set up at `setup`.
    fn safe(&mut self, n: u32, owners: &[String], setup: i64) -> String {
        let safe = address(n);
        self.rows.wallets.push(Wallet {
            address: safe.clone(),
        });
        self.rows
            .owner_events
            .extend(gp::setup_rows(&safe, owners, setup));
        self.rows.delegates.push(Delegate {
            gp_safe: safe.clone(),
            delegate_address: Some(self.world.delegate.clone()),
        });
        safe
    }

    /// A transfer touching `safe`; the counterparty follows the action (spec §6).
    fn gp(&mut self, safe: &str, ts: i64, action: Action, token: Token, usd: f64) {
        let other = address(0xee);
        let counterparty = match action {
            Action::Payment | Action::Reversal => gp::MERCHANT,
            Action::Cashback => gp::CASHBACK,
            Action::FiatTopUp | Action::FiatOffRamp => gp::ZERO,
            Action::CryptoDeposit | Action::CryptoWithdrawal | Action::Other { .. } => &other,
        };
        let tx = self.tx();
        self.transfer(
            safe,
            tx,
            Transfer {
                ts,
                action,
                token,
                counterparty,
                usd,
            },
        );
    }

    /// A transfer in transaction `tx`.
    fn transfer(&mut self, safe: &str, tx: String, t: Transfer<'_>) {
        self.rows
            .activity
            .push(Activity::new(self.world, safe, tx, t));
    }

    /// GA topups into `safe`, one per leg `(token, usd)`, all in one transaction (log_index =
    /// the leg's position), each with its CoW payout in the GP activity.
    fn topup(&mut self, user: &str, safe: &str, ts: i64, legs: &[(Token, f64)]) {
        let tx = self.tx();
        for (log_index, &(token, usd)) in legs.iter().enumerate() {
            self.rows.topups.push(TopupRow {
                ga_user: user.to_owned(),
                block_timestamp: Ts(ts),
                transaction_hash: tx.clone(),
                log_index: log_index as u64,
                amount_usd: Some(usd),
                token_bought_symbol: Some(token.symbol),
            });
            let cp = COW_SETTLEMENT;
            let action = Action::CryptoDeposit;
            self.transfer(
                safe,
                tx.clone(),
                Transfer {
                    ts,
                    action,
                    token,
                    counterparty: cp,
                    usd,
                },
            );
        }
    }
}

/// Every scenario's rows for a world.
pub(crate) fn rows(world: &World, pseudonymize: &(dyn Fn(&str) -> u64 + Sync)) -> EdgeRows {
    let mut b = Builder {
        world,
        pseudonymize,
        rows: EdgeRows::default(),
        hits: BTreeMap::new(),
        serial: 0,
    };
    let end = world.end_ts();
    let a = midnight(world.end_day - 10) + 12 * H;
    let d = DAY_S;
    let onboarded = a - 90 * d;

    // 1. Self-exclusion.
    let u1 = b.ga_user(1, onboarded);
    let s101 = b.safe(101, std::slice::from_ref(&u1), a - 80 * d);
    b.topup(&u1, &s101, a - 2 * d, &[(EURE, 50.0)]);
    b.topup(&u1, &s101, a, &[(EURE, 60.0)]);
    b.pageview(&u1, a - H);

    // 2. Strict upper bound, and the Mixpanel rows the models must drop.
    let u2 = b.ga_user(2, onboarded);
    b.buy(&u2, a);
    b.mp(&u2, a, "Marketplace Purchase", Mp::Identified);
    b.hit(&u2, Heuristic::Trust, a - 600);
    b.mp(&u2, a - 300, "$mp_web_page_view", Mp::Anonymous);
    b.mp(&u2, a - 240, "$mp_web_page_view", Mp::Staging);
    b.pageview(&address(99), a - 200);

    // 3. Lookback bounds, to the second.
    let u3 = b.ga_user(3, onboarded);
    b.claim(&u3, a);
    b.hit(&u3, Heuristic::Trust, a - 7 * d);
    b.hit(&u3, Heuristic::ProfileUpdate, a - 7 * d - 1);
    b.pageview(&u3, a - 30 * d);
    b.mp(&u3, a - 30 * d - 1, "Open Modal", Mp::Identified);
    b.hit(&u3, Heuristic::InviteHuman, a - 60 * d);
    b.hit(&u3, Heuristic::Fee, a - 60 * d - 1);

    // 4. First-touch tie.
    let u4 = b.ga_user(4, onboarded);
    b.swap(&u4, a - 2 * H, a);
    b.hit(&u4, Heuristic::Trust, a - 3 * H);
    b.pageview(&u4, a - 3 * H);
    b.mp(&u4, a - H, "Open Modal", Mp::Identified);

    // 5. Several touches of one kind.
    let u5 = b.ga_user(5, onboarded);
    let s105 = b.safe(105, std::slice::from_ref(&u5), a - 80 * d);
    b.topup(&u5, &s105, a, &[(EURE, 75.0)]);
    for h in [5, 3, 1] {
        b.pageview(&u5, a - h * H);
    }
    b.hit(&u5, Heuristic::PersonalMint, a - 2 * d);
    b.hit(&u5, Heuristic::PersonalMint, a - d);

    // 6. Untracked conversion.
    let u6 = b.ga_user(6, onboarded);
    b.buy(&u6, a);

    // 7. The 180-day attribution window.
    let u7 = b.ga_user(7, end - 205 * d + 12 * H);
    let old = end - 200 * d + 12 * H;
    b.buy(&u7, old);
    b.pageview(&u7, old - H);
    let edge = midnight(world.end_day - 180);
    b.buy(&u7, edge);
    b.hit(&u7, Heuristic::Trust, edge - H);
    b.buy(&u7, edge - 1);
    b.hit(&u7, Heuristic::Fee, edge - 1 - H);

    // 8. GP fan-out: a 2-owner Safe with the shared delegate; owner 201 has a second Safe.
    let (o1, o2) = (address(201), address(202));
    let s111 = b.safe(111, &[o1.clone(), o2], a - 20 * d);
    b.gp(&s111, a - 10 * d, Action::FiatTopUp, EURE, 300.0);
    b.gp(&s111, a, Action::Payment, EURE, 42.0);
    let s112 = b.safe(112, &[o1], a - 15 * d);
    b.gp(&s112, a - 15 * d + H, Action::CryptoDeposit, EURE, 100.0);
    b.gp(&s112, a - 2 * H, Action::CryptoDeposit, EURE, 50.0);

    // 9. gpay_funded: the first inflow only; a same-second tie broken by transaction hash.
    let s121 = b.safe(121, &[address(221)], a - 8 * d);
    b.gp(&s121, a - 6 * d, Action::Other { incoming: true }, COW, 5.0);
    b.gp(&s121, a - 5 * d, Action::CryptoDeposit, EURE, 120.0);
    b.gp(&s121, a - 3 * d, Action::FiatTopUp, EURE, 200.0);
    b.gp(&s121, a - 2 * d, Action::Payment, EURE, 35.0);
    let s122 = b.safe(122, &[address(222)], a - 8 * d);
    b.gp(&s122, a - 4 * d, Action::CryptoDeposit, GBPE, 80.0);
    b.gp(&s122, a - 4 * d, Action::FiatTopUp, EURE, 90.0);

    // 10. A migrated Safe.
    let owner = vec![address(231)];
    let (s131, s132) = (b.safe(131, &owner, a - 60 * d), address(132));
    b.gp(&s131, a - 59 * d, Action::FiatTopUp, EURE, 200.0);
    b.gp(&s131, a - 50 * d, Action::Payment, EURE, 30.0);
    let at = a - 30 * d;
    b.rows.canonical.push(Canonical {
        address: s131.clone(),
        canonical_address: s132.clone(),
        migrated_at: Ts(at),
    });
    b.rows.wallets.push(Wallet {
        address: s132.clone(),
    });
    b.rows
        .owner_events
        .extend(gp::setup_rows(&s132, &owner, at - 120));
    b.rows.delegates.push(Delegate {
        gp_safe: s132.clone(),
        delegate_address: Some(world.delegate.clone()),
    });
    let tx = b.tx();
    let (action, counterparty) = (Action::CryptoWithdrawal, s132.as_str());
    let out = Transfer {
        ts: at,
        action,
        token: EURE,
        counterparty,
        usd: 150.0,
    };
    b.transfer(&s131, tx.clone(), out);
    let into = Transfer {
        action: Action::CryptoDeposit,
        counterparty: &s131,
        ..out
    };
    b.transfer(&s132, tx, into);
    b.gp(&s132, a - 20 * d, Action::Payment, EURE, 25.0);
    b.gp(&s132, a - 13 * d, Action::Cashback, GNO, 0.5);

    // 11. Same-key merges: two topups in one transaction; one owner's two Safes paying together.
    let u11 = b.ga_user(11, onboarded);
    let s141 = b.safe(141, std::slice::from_ref(&u11), a - 80 * d);
    b.topup(&u11, &s141, a, &[(EURE, 30.0), (GBPE, 20.0)]);
    b.pageview(&u11, a - 1_800);
    let o3 = vec![address(241)];
    for n in [142, 143] {
        let safe = b.safe(n, &o3, a - 30 * d);
        b.gp(&safe, a - 29 * d, Action::FiatTopUp, EURE, 100.0);
        b.gp(&safe, a + H, Action::Payment, EURE, 12.5);
    }

    // 12. Funnels on day d (pageview → swap_filled → topup, per user and UTC day).
    let day = midnight(world.end_day - 5);
    let u12 = b.ga_user(12, onboarded);
    let s151 = b.safe(151, std::slice::from_ref(&u12), a - 80 * d);
    b.pageview(&u12, day + 10 * H);
    b.swap(&u12, day + 10 * H + 1_200, day + 10 * H + 1_800);
    b.topup(&u12, &s151, day + 11 * H, &[(EURE, 40.0)]);
    let u13 = b.ga_user(13, onboarded);
    b.pageview(&u13, day + 10 * H);
    b.pageview(&u13, day + d + 9 * H);
    b.swap(&u13, day + d + 9 * H + 600, day + d + 9 * H + 1_800);
    let u14 = b.ga_user(14, onboarded);
    b.swap(&u14, day + 10 * H - 600, day + 10 * H);
    let u15 = b.ga_user(15, onboarded);
    let s155 = b.safe(155, std::slice::from_ref(&u15), a - 80 * d);
    b.swap(&u15, day + 15 * H - 600, day + 15 * H);
    b.pageview(&u15, day + 15 * H);
    b.topup(&u15, &s155, day + 15 * H, &[(EURE, 40.0)]);

    let Builder { mut rows, hits, .. } = b;
    rows.users_current = hits
        .iter()
        .map(|(user, hits)| user_current(user, hits.iter().copied()))
        .collect();
    rows
}
