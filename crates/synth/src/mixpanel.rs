//! `stg_mixpanel_ga__events` (spec §13.1): the Mixpanel events of GA users' sessions.
//!
//! Each session of a [`Life`] becomes a handful of events. `event_category` is derived from
//! `event_name` with the staging rules of spec §5.3 (first match wins), so every `mp.*` kind
//! appears: pageview, modal, login, feature, navigation, system (`$…` names, including the
//! autocaptured `$mp_click`, which the `$` rule claims first), action (other autocaptured
//! events) and other.
//!
//! Identity and the rows the models must drop:
//! - An identified event has `distinct_id` = the user's address, so `user_id_hash` is the
//!   address's pseudonym and joins the GA bridge; `device_id_hash` is the pseudonym of the
//!   device's `$device_id` (a 32-hex uuid). Users have one or two devices.
//! - **Anonymous** events (`is_identified = 0`) have `distinct_id = "$device:<uuid>"`: the
//!   browsing before the first login, a quarter of later sessions before "Login with Passkey",
//!   and 2 % of sessions that never log in.
//! - **Non-production** events (`is_production = 0`): 5 % of users are testers whose sessions
//!   also send staging events, identified, one second before each of their conversions and at
//!   the conversion second itself. Kept, they would be touches.
//!
//! Journeys: a pageview and a modal or bottom sheet lead into each swap, topup and claim
//! (seconds to minutes before), "Marketplace Purchase" lands at the buy's second or just after,
//! "Success - Circles mint" at the mint's second. 3 % of conversions get a feature event at
//! exactly the conversion second (excluded by the strict guard), and 3 % a pageview exactly
//! `N·86400 s` before (N ∈ {7, 14, 30, 60}), half of them with a modal one second earlier.

use crate::ga::{Act, Heuristic, Life, date};
use crate::random::{Random, Stream, hex_id};
use crate::table::{Day, Ts, table};
use crate::time::DAY_S;
use crate::world::World;

table! {
    /// `stg_mixpanel_ga__events`: one row per Mixpanel event.
    MixpanelEvent => "stg_mixpanel_ga__events" {
        event_time: Ts,
        event_date: Day,
        user_id_hash: u64,
        device_id_hash: u64,
        event_name: &'static str,
        event_category: &'static str,
        insert_id: String,
        is_production: u8,
        is_identified: u8,
        device_type: &'static str,
        country_code: &'static str,
        page_path: &'static str,
        bottom_sheet: &'static str,
    }
}

/// Event names sent by autocapture (the staging model's `is_autocapture = 1`).
const AUTOCAPTURE: [&str; 3] = ["$mp_click", "Click Button", "Submit Form"];

/// The staging macro `mixpanel_ga_event_category` (spec §5.3): the first matching rule wins.
pub(crate) fn category(event_name: &str) -> &'static str {
    match event_name {
        "$mp_web_page_view" => "pageview",
        "Open Modal" | "Open Bottom Sheet" => "modal",
        "Login with Passkey" => "login",
        "Success - Circles mint"
        | "Marketplace Purchase"
        | "Request QR Scanner"
        | "Close QR Scanner"
        | "QR Scan"
        | "QR Scan Passkey Validation URL"
        | "QR Scan Transaction URL" => "feature",
        "back" | "Back" | "Close" => "navigation",
        name if name.starts_with('$') => "system",
        name if AUTOCAPTURE.contains(&name) => "action",
        _ => "other",
    }
}

const PAGES: [&str; 10] = [
    "/",
    "/wallet",
    "/swap",
    "/circles",
    "/marketplace",
    "/card",
    "/offers",
    "/invite",
    "/settings",
    "/activity",
];
const SHEETS: [&str; 7] = ["swap", "receive", "send", "topup", "offer", "trust", "qr"];

/// What users do between actions, with weights.
const BROWSING: [(&str, f64); 21] = [
    ("$mp_web_page_view", 30.0),
    ("Open Modal", 4.0),
    ("Open Bottom Sheet", 4.0),
    ("back", 4.0),
    ("Back", 3.0),
    ("Close", 5.0),
    ("$mp_page_leave", 6.0),
    ("$mp_session_record", 3.0),
    ("$mp_click", 4.0),
    ("Click Button", 10.0),
    ("Submit Form", 3.0),
    ("Copy Address", 3.0),
    ("Share Invite Link", 2.0),
    ("Swap Quote Requested", 4.0),
    ("Offer Viewed", 3.0),
    ("Request QR Scanner", 2.0),
    ("Close QR Scanner", 1.0),
    ("QR Scan", 1.0),
    ("QR Scan Passkey Validation URL", 0.3),
    ("QR Scan Transaction URL", 0.5),
    ("Login with Passkey", 1.0),
];

const DEVICE_TYPES: [(&str, f64); 3] = [("mobile", 0.7), ("desktop", 0.25), ("tablet", 0.05)];
const COUNTRIES: [(&str, f64); 12] = [
    ("DE", 20.0),
    ("FR", 10.0),
    ("ES", 9.0),
    ("NL", 7.0),
    ("GB", 9.0),
    ("IT", 8.0),
    ("PT", 4.0),
    ("AT", 4.0),
    ("CH", 3.0),
    ("AR", 6.0),
    ("BR", 6.0),
    ("NG", 4.0),
];

#[derive(Debug, Clone, Copy)]
struct Device {
    anonymous_hash: u64,
    device_id_hash: u64,
    kind: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Identified,
    Anonymous,
    Staging,
}

/// Collects one user's events.
struct Sink {
    rng: Random,
    identified_hash: u64,
    country: &'static str,
    device: Device,
    out: Vec<MixpanelEvent>,
}

impl Sink {
    fn emit(
        &mut self,
        ts: i64,
        name: &'static str,
        page: &'static str,
        sheet: &'static str,
        who: Who,
    ) {
        let user_id_hash = match who {
            Who::Anonymous => self.device.anonymous_hash,
            Who::Identified | Who::Staging => self.identified_hash,
        };
        self.out.push(MixpanelEvent {
            event_time: Ts(ts),
            event_date: date(ts),
            user_id_hash,
            device_id_hash: self.device.device_id_hash,
            event_name: name,
            event_category: category(name),
            insert_id: hex_id(self.rng.key(), 32),
            is_production: u8::from(who != Who::Staging),
            is_identified: u8::from(who != Who::Anonymous),
            device_type: self.device.kind,
            country_code: self.country,
            page_path: page,
            bottom_sheet: sheet,
        });
    }

    fn pageview(&mut self, ts: i64, page: &'static str, who: Who) {
        self.emit(ts, "$mp_web_page_view", page, "", who);
    }

    /// A browsing event at `ts`.
    fn browse(&mut self, ts: i64, who: Who) {
        let name = self.rng.weighted(&BROWSING);
        let page = self.rng.pick(&PAGES);
        let sheet = if category(name) == "modal" {
            self.rng.pick(&SHEETS)
        } else {
            ""
        };
        self.emit(ts, name, page, sheet, who);
    }
}

/// The Mixpanel events of one life, in time order.
pub(crate) fn events(
    world: &World,
    pseudonymize: &(dyn Fn(&str) -> u64 + Sync),
    life: &Life,
) -> Vec<MixpanelEvent> {
    let mut rng = Random::stream(world.seed, Stream::Mixpanel, u64::from(life.user));
    let n_devices = 1 + usize::from(rng.chance(0.3));
    let devices: Vec<Device> = (0..n_devices)
        .map(|_| {
            let uuid = hex_id(rng.key(), 32);
            Device {
                anonymous_hash: pseudonymize(&format!("$device:{uuid}")),
                device_id_hash: pseudonymize(&uuid),
                kind: rng.weighted(&DEVICE_TYPES),
            }
        })
        .collect();
    let country = rng.weighted(&COUNTRIES);
    let tester = rng.chance(0.05);
    let mut sink = Sink {
        rng,
        identified_hash: pseudonymize(&life.address),
        country,
        device: devices[0],
        out: Vec::new(),
    };

    // Sessions may overlap within a day, so group the actions by session rather than by time.
    let mut by_session: Vec<Vec<usize>> = vec![Vec::new(); life.sessions.len()];
    for (k, a) in life.actions.iter().enumerate() {
        if let Some(i) = a.session {
            by_session[i].push(k);
        }
    }
    for (i, s) in life.sessions.iter().enumerate() {
        sink.device = devices[sink.rng.below(n_devices as u64) as usize];
        // The first identified second of the session.
        let mut from = s.start;
        if i == 0 {
            // Browsing before onboarding is anonymous; `$identify` follows the first hit.
            for k in 0..1 + sink.rng.below(3) as i64 {
                let ts = (s.start + 5 * k).min(life.first_seen);
                sink.pageview(ts, if k == 0 { "/" } else { "/invite" }, Who::Anonymous);
            }
            from = life.first_seen + sink.rng.between(1, 10);
            sink.emit(from, "$identify", "/", "", Who::Identified);
        } else if sink.rng.chance(0.02) {
            for _ in 0..1 + sink.rng.below(4) {
                let ts = sink.rng.between(s.start, s.end);
                sink.browse(ts, Who::Anonymous);
            }
            continue;
        } else if sink.rng.chance(0.25) {
            sink.pageview(s.start, "/", Who::Anonymous);
            from = s.start + sink.rng.between(5, 30);
            sink.emit(from, "Login with Passkey", "/", "", Who::Identified);
        }
        let n_browse = 1 + sink.rng.exponential(5.0) as usize;
        for _ in 0..n_browse {
            let ts = sink.rng.between(from, s.end.max(from));
            sink.browse(ts, Who::Identified);
        }

        for &k in &by_session[i] {
            let a = &life.actions[k];
            lead_in(&mut sink, &a.act, a.ts, from);
            if let Some(c) = a.conversion_ts() {
                conversion_extras(&mut sink, c, life.first_seen, tester);
            }
        }
    }
    sink.out.sort_by_key(|e| e.event_time.0);
    sink.out
}

/// The events around one action at `ts` (never before `from`).
fn lead_in(sink: &mut Sink, act: &Act, ts: i64, from: i64) {
    let before =
        |sink: &mut Sink, lo: i64, hi: i64| (ts - sink.rng.between(lo, hi)).max(from).min(ts);
    match act {
        Act::Swap { .. } => {
            let t = before(sink, 30, 600);
            sink.pageview(t, "/swap", Who::Identified);
            let t = before(sink, 5, 29);
            sink.emit(t, "Open Bottom Sheet", "/swap", "swap", Who::Identified);
        }
        Act::Topup { log_index: 0, .. } => {
            let t = before(sink, 60, 900);
            sink.pageview(t, "/card", Who::Identified);
            let t = before(sink, 5, 59);
            sink.emit(t, "Open Modal", "/card", "topup", Who::Identified);
        }
        Act::Claim { .. } => {
            let t = before(sink, 60, 900);
            sink.pageview(t, "/offers", Who::Identified);
            let t = before(sink, 5, 59);
            sink.emit(t, "Open Bottom Sheet", "/offers", "offer", Who::Identified);
        }
        Act::Buy { .. } => {
            let t = before(sink, 60, 900);
            sink.pageview(t, "/marketplace", Who::Identified);
            let t = ts
                + if sink.rng.chance(0.5) {
                    0
                } else {
                    sink.rng.between(1, 10)
                };
            sink.emit(
                t,
                "Marketplace Purchase",
                "/marketplace",
                "",
                Who::Identified,
            );
        }
        Act::Hit(Heuristic::PersonalMint) => {
            let t = ts
                + if sink.rng.chance(0.5) {
                    0
                } else {
                    sink.rng.between(1, 3)
                };
            sink.emit(t, "Success - Circles mint", "/circles", "", Who::Identified);
        }
        Act::Hit(Heuristic::Trust) => {
            let t = before(sink, 5, 60);
            sink.emit(t, "Open Bottom Sheet", "/circles", "trust", Who::Identified);
        }
        Act::Hit(Heuristic::InviteHuman) => {
            let t = before(sink, 10, 120);
            sink.pageview(t, "/invite", Who::Identified);
        }
        Act::Topup { .. } | Act::Hit(_) => {}
    }
}

/// The touches placed on the leakage guards of conversion `c`.
fn conversion_extras(sink: &mut Sink, c: i64, first_seen: i64, tester: bool) {
    if sink.rng.chance(0.03) {
        sink.emit(c, "QR Scan Transaction URL", "/wallet", "", Who::Identified);
    }
    if sink.rng.chance(0.03) {
        let n: i64 = sink.rng.pick(&[7, 14, 30, 60]);
        let t = c - n * DAY_S;
        if t - 1 > first_seen {
            sink.pageview(t, "/", Who::Identified);
            if sink.rng.chance(0.5) {
                sink.emit(t - 1, "Open Modal", "/", "swap", Who::Identified);
            }
        }
    }
    if tester {
        sink.pageview(c - 1, "/", Who::Staging);
        sink.emit(c, "Click Button", "/", "", Who::Staging);
    }
}
