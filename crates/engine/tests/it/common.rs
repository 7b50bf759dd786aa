//! Shared builders: raw events and conversions in, schema-v1 tables out, applying the journey
//! guards of spec §3.3 the way the warehouse does (strict upper bound, inclusive lookback lower
//! bound to the second, self-exclusion by mapped kind, calendar-day lag).

use mensura_engine::attribution::Journeys;
use mensura_engine::date::{date_of_ts, days_from_civil};
use mensura_engine::extract::TouchExtract;
use mensura_engine::table::{Conversions, Dict, Touches};

/// Seconds since the epoch of a UTC civil time.
pub fn ts(y: i32, mo: u32, d: u32, h: i64, mi: i64, s: i64) -> i64 {
    i64::from(days_from_civil(y, mo, d)) * 86_400 + h * 3600 + mi * 60 + s
}

/// One raw conversion row.
#[derive(Debug, Clone, Copy)]
pub struct RawConversion {
    pub user: u64,
    pub role: Option<&'static str>,
    pub kind: &'static str,
    pub ts: i64,
}

/// One raw touch-point event.
#[derive(Debug, Clone, Copy)]
pub struct RawEvent {
    pub user: u64,
    pub role: Option<&'static str>,
    pub kind: &'static str,
    pub ts: i64,
}

/// The conversion → same-action event kind mapping of the seeds (spec §3.2).
pub fn mapped_kind(conversion_kind: &str) -> &'static str {
    match conversion_kind {
        "topup" => "chain.topup",
        "swap_filled" => "chain.swap_filled",
        "token_offer_claim" => "chain.token_offer_claim",
        "marketplace_buy" => "chain.marketplace_buy",
        "gpay_payment" => "gp.payment",
        "gpay_funded" => "gp.deposit",
        "gpay_cashback_claim" => "gp.cashback_claim",
        _ => "unknown",
    }
}

/// Builds the conversions and touch tables the publisher would, merging same-key conversions.
pub fn build(
    conversions: &[RawConversion],
    events: &[RawEvent],
    max_lookback_days: u32,
) -> (Conversions, TouchExtract) {
    let mut keys: Vec<(u64, Option<&str>, &str, i64)> = Vec::new();
    let mut rows: Vec<u32> = Vec::new();
    for c in conversions {
        let key = (c.user, c.role, c.kind, c.ts);
        match keys.iter().position(|k| *k == key) {
            Some(i) => rows[i] += 1,
            None => {
                keys.push(key);
                rows.push(1);
            }
        }
    }
    let gp = conversions.iter().any(|c| c.role.is_some());
    let out = Conversions {
        conversion_id: (0..keys.len() as u32).collect(),
        conversion_kind: Dict::from_strs(keys.iter().map(|k| k.2)),
        identity_role: gp.then(|| Dict::from_strs(keys.iter().map(|k| k.1.unwrap_or_default()))),
        conversion_ts: keys.iter().map(|k| k.3).collect(),
        conversion_date: keys.iter().map(|k| date_of_ts(k.3)).collect(),
        conversion_amount_usd: keys.iter().map(|_| None).collect(),
        source_rows: rows,
    };
    let mut ids = Vec::new();
    let mut kinds = Vec::new();
    let mut offsets = Vec::new();
    let mut lags = Vec::new();
    for (id, k) in keys.iter().enumerate() {
        for e in events {
            let offset = k.3 - e.ts;
            let inside = offset >= 1 && offset <= i64::from(max_lookback_days) * 86_400;
            if e.user == k.0 && e.role == k.1 && inside && e.kind != mapped_kind(k.2) {
                ids.push(id as u32);
                kinds.push(e.kind);
                offsets.push(offset as u32);
                lags.push((date_of_ts(k.3) - date_of_ts(e.ts)) as u16);
            }
        }
    }
    let touches = Touches {
        conversion_id: ids,
        event_source: Dict::from_strs(kinds.iter().map(|k| {
            if k.starts_with("mp.") {
                "mixpanel"
            } else {
                "chain"
            }
        })),
        event_kind: Dict::from_strs(kinds.iter().copied()),
        touch_offset_s: offsets,
        lag_days: lags,
    };
    (
        out,
        TouchExtract {
            touches,
            max_lookback_days,
        },
    )
}

/// Joins the tables, panicking on invalid test data.
pub fn journeys(c: &Conversions, t: &TouchExtract) -> Journeys {
    Journeys::new(c, t, "touches").expect("test journeys are valid")
}

/// `|l − r| ≤ max(rel·max(|l|,|r|), abs)`.
pub fn close(l: f64, r: f64, tol: f64) -> bool {
    (l - r).abs() <= (tol * l.abs().max(r.abs())).max(tol)
}
