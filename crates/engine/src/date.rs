//! Calendar dates as days since 1970-01-01 (Arrow `Date32`, ClickHouse `Date`), proleptic
//! Gregorian, UTC. Conversions follow Howard Hinnant's `days_from_civil` / `civil_from_days`.

use crate::{Error, Result};

/// Days since 1970-01-01 of a civil date.
pub fn days_from_civil(year: i32, month: u32, day: u32) -> i32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = month as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date `(year, month, day)` of a day number.
pub fn civil_from_days(days: i32) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i32::from(month <= 2);
    (year, month, day)
}

/// Formats a day number as `YYYY-MM-DD`.
pub fn format_date(days: i32) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Parses `YYYY-MM-DD` into a day number; `what` names the value in the error.
pub fn parse_date(what: &'static str, s: &str) -> Result<i32> {
    let bad = || Error::param(what, format!("`{s}` is not a date of the form YYYY-MM-DD"));
    let mut parts = s.trim().splitn(3, '-');
    let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return Err(bad());
    }
    let year: i32 = y.parse().map_err(|_| bad())?;
    let month: u32 = m.parse().map_err(|_| bad())?;
    let day: u32 = d.parse().map_err(|_| bad())?;
    if !(1..=12).contains(&month) || day == 0 {
        return Err(bad());
    }
    let days = days_from_civil(year, month, day);
    // Reject 2025-02-30 and the like: the round trip must give back the same date.
    if civil_from_days(days) != (year, month, day) {
        return Err(bad());
    }
    Ok(days)
}

/// The Monday on or before `days` (ClickHouse `toStartOfWeek(d, 1)`).
pub fn monday_on_or_before(days: i32) -> i32 {
    // 1970-01-01 was a Thursday: (days + 3) mod 7 is 0 on Mondays.
    days - (days + 3).rem_euclid(7)
}

/// The UTC day number of a Unix timestamp in seconds (ClickHouse `toDate(ts)` in UTC).
pub fn date_of_ts(ts_s: i64) -> i32 {
    ts_s.div_euclid(86_400) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2026, 3, 10), 20_522);
        assert_eq!(format_date(20_522), "2026-03-10");
        assert_eq!(parse_date("d", "2024-02-29"), Ok(19_782));
        assert!(parse_date("d", "2025-02-29").is_err());
        assert!(parse_date("d", "2025-2-1").is_err());
        assert!(parse_date("d", "yesterday").is_err());
    }

    #[test]
    fn mondays() {
        // 2026-03-10 is a Tuesday; its Monday is 2026-03-09.
        assert_eq!(format_date(monday_on_or_before(20_522)), "2026-03-09");
        assert_eq!(monday_on_or_before(20_521), 20_521);
        assert_eq!(format_date(monday_on_or_before(0)), "1969-12-29");
    }

    #[test]
    fn ts_dates_are_utc_days() {
        assert_eq!(date_of_ts(0), 0);
        assert_eq!(date_of_ts(86_399), 0);
        assert_eq!(date_of_ts(86_400), 1);
        assert_eq!(date_of_ts(-1), -1);
    }
}

/// ClickHouse `toWeek(d)` in mode 0: weeks start on Sunday, week 1 is the week of the year's first
/// Sunday and the days before it are week 0 (spec §2.5).
pub fn week_of_year_mode0(days: i32) -> u32 {
    let (year, _, _) = civil_from_days(days);
    let jan1 = days_from_civil(year, 1, 1);
    // 1970-01-04 was a Sunday: (d − 3) mod 7 is 0 on Sundays.
    let first_sunday = jan1 + (7 - (jan1 - 3).rem_euclid(7)) % 7;
    if days < first_sunday {
        0
    } else {
        1 + ((days - first_sunday) / 7) as u32
    }
}

#[cfg(test)]
mod week_tests {
    use super::*;

    #[test]
    fn to_week_mode0_matches_clickhouse() {
        // The Mondays checked in chDB (spec §2.5).
        for (date, week) in [
            ("2024-01-01", 0),
            ("2024-06-17", 24),
            ("2024-12-23", 51),
            ("2024-12-30", 52),
            ("2025-01-06", 1),
            ("2025-04-21", 16),
            ("2025-12-29", 52),
            ("2026-01-05", 1),
            ("2026-06-01", 22),
        ] {
            let d = parse_date("date", date).expect("valid date");
            assert_eq!(week_of_year_mode0(d), week, "{date}");
        }
    }
}
