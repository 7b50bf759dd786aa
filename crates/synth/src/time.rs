//! Civil dates and UTC timestamps.
//!
//! Every table of spec §13 is in UTC. Inside the generator a date is a day number (days since
//! 1970-01-01, the Arrow `Date32` value) and a timestamp is seconds since the epoch (the Arrow
//! `Timestamp(Second, "UTC")` value); [`CivilDate`] is only the public face of a day number.
//! Weeks run Monday to Sunday (ClickHouse `toStartOfWeek(d, 1)`).

use std::fmt;
use std::str::FromStr;

use crate::Error;

/// Seconds in a day: `x − INTERVAL N DAY` on a DateTime subtracts exactly `N·86400` s (spec §2.1).
pub(crate) const DAY_S: i64 = 86_400;

/// A proleptic Gregorian calendar date, e.g. the first day of the generated range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CivilDate {
    /// The year, e.g. 2025.
    pub year: i32,
    /// The month, 1–12.
    pub month: u32,
    /// The day of the month, 1–31.
    pub day: u32,
}

impl CivilDate {
    /// The date `year-month-day` (not checked; [`CivilDate::is_valid`] checks).
    pub const fn new(year: i32, month: u32, day: u32) -> Self {
        Self { year, month, day }
    }

    /// Whether the date exists in the calendar (2025-02-29 does not).
    pub fn is_valid(self) -> bool {
        (1..=12).contains(&self.month)
            && self.day >= 1
            && self.day <= days_in_month(self.year, self.month)
    }

    /// Days since 1970-01-01 (the Arrow `Date32` value). Meaningful for valid dates only.
    pub const fn days_since_epoch(self) -> i32 {
        days_from_civil(self.year, self.month, self.day)
    }

    /// The date of a day number.
    pub const fn from_days(days: i32) -> Self {
        let (year, month, day) = civil_from_days(days);
        Self { year, month, day }
    }
}

impl fmt::Display for CivilDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl FromStr for CivilDate {
    type Err = Error;

    /// Parses `YYYY-MM-DD`.
    fn from_str(s: &str) -> Result<Self, Error> {
        let bad = || Error::Date(s.to_owned());
        let mut parts = s.split('-');
        let (Some(y), Some(m), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(bad());
        }
        let date = CivilDate::new(
            y.parse().map_err(|_| bad())?,
            m.parse().map_err(|_| bad())?,
            d.parse().map_err(|_| bad())?,
        );
        if date.is_valid() {
            Ok(date)
        } else {
            Err(bad())
        }
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
pub(crate) const fn days_from_civil(year: i32, month: u32, day: u32) -> i32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = month as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number (inverse of [`days_from_civil`]).
pub(crate) const fn civil_from_days(days: i32) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    (year, month, day)
}

/// Day of the week, 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday).
pub(crate) fn weekday(day: i32) -> i32 {
    (day + 3).rem_euclid(7)
}

/// The Monday on or before `day` (ClickHouse `toStartOfWeek(d, 1)`).
pub(crate) fn monday_on_or_before(day: i32) -> i32 {
    day - weekday(day)
}

/// The UTC day of a timestamp (ClickHouse `toDate(ts)`).
pub(crate) fn day_of(ts: i64) -> i32 {
    ts.div_euclid(DAY_S) as i32
}

/// Midnight UTC of a day number, as a timestamp.
pub(crate) fn midnight(day: i32) -> i64 {
    i64::from(day) * DAY_S
}

/// The Mondays of seed `mmm_holiday_weeks` (spec §4.12). Activity dips in these weeks, so the
/// `is_holiday_week` control has something to explain when the range covers them.
pub(crate) const HOLIDAY_MONDAYS: [CivilDate; 6] = [
    CivilDate::new(2024, 12, 23),
    CivilDate::new(2024, 12, 30),
    CivilDate::new(2025, 4, 21),
    CivilDate::new(2025, 12, 22),
    CivilDate::new(2025, 12, 29),
    CivilDate::new(2026, 4, 6),
];

/// The fork dates of seed `mmm_hardfork_steps` (spec §4.13): Cancun (blob transactions appear)
/// and Pectra (set-code transactions appear, gas and proposer rewards step).
pub(crate) const CANCUN: CivilDate = CivilDate::new(2024, 3, 13);
pub(crate) const PECTRA: CivilDate = CivilDate::new(2025, 5, 7);

/// Whether `day` falls in one of the seed's holiday weeks.
pub(crate) fn is_holiday_week(day: i32) -> bool {
    let monday = monday_on_or_before(day);
    HOLIDAY_MONDAYS
        .iter()
        .any(|h| h.days_since_epoch() == monday)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_and_known_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2024, 3, 1), 19_783);
        for d in [-1000, 0, 59, 60, 19_783, 20_000, 30_000] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
        // 2024-06-17 is a Monday (spec §2.5 table).
        let monday = days_from_civil(2024, 6, 17);
        assert_eq!(weekday(monday), 0);
        assert_eq!(monday_on_or_before(monday + 6), monday);
        assert_eq!(monday_on_or_before(monday + 7), monday + 7);
        assert!(
            HOLIDAY_MONDAYS
                .iter()
                .all(|h| weekday(h.days_since_epoch()) == 0)
        );
    }

    #[test]
    fn parse_dates() {
        assert_eq!(
            "2025-04-01".parse::<CivilDate>().ok(),
            Some(CivilDate::new(2025, 4, 1))
        );
        assert_eq!(CivilDate::new(2025, 4, 1).to_string(), "2025-04-01");
        for bad in [
            "2025-02-29",
            "2025-4-01",
            "2025-13-01",
            "20250401",
            "2025-04-01-01",
            "",
        ] {
            assert!(bad.parse::<CivilDate>().is_err(), "{bad}");
        }
        assert!("2024-02-29".parse::<CivilDate>().is_ok());
    }
}
