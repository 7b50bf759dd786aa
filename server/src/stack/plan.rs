//! Month batches and the retry policy: the pure decisions of the runner.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use mensura_engine::date::{civil_from_days, days_from_civil, format_date};

use crate::warehouse::Error as WhError;

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    /// Months since year 0 (`year * 12 + month − 1`).
    index: i32,
}

impl Month {
    pub fn new(year: i32, month: u32) -> Month {
        Month {
            index: year * 12 + month as i32 - 1,
        }
    }

    /// The month containing `days` (days since 1970-01-01).
    pub fn of_day(days: i32) -> Month {
        let (y, m, _) = civil_from_days(days);
        Month::new(y, m)
    }

    pub fn year(self) -> i32 {
        self.index.div_euclid(12)
    }

    pub fn month(self) -> u32 {
        (self.index.rem_euclid(12) + 1) as u32
    }

    pub fn plus(self, months: i32) -> Month {
        Month {
            index: self.index + months,
        }
    }

    /// Months from `self` to `later`, inclusive (0 if `later` is earlier).
    pub fn count_to(self, later: Month) -> i32 {
        (later.index - self.index + 1).max(0)
    }

    /// Its first day (days since 1970-01-01).
    pub fn first_day(self) -> i32 {
        days_from_civil(self.year(), self.month(), 1)
    }

    /// Its last day.
    pub fn last_day(self) -> i32 {
        self.plus(1).first_day() - 1
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

impl FromStr for Month {
    type Err = String;

    /// `YYYY-MM` (or a full date `YYYY-MM-DD`, whose month is taken).
    fn from_str(s: &str) -> Result<Month, String> {
        let bad = || format!("`{s}` is not a month: expected YYYY-MM, e.g. 2025-03");
        let mut parts = s.trim().split('-');
        let year: i32 = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let month: u32 = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        if !(1970..=2148).contains(&year) || !(1..=12).contains(&month) {
            return Err(bad());
        }
        Ok(Month::new(year, month))
    }
}

/// The earliest and latest dates a ClickHouse `Date` holds: an open batch bound.
pub const OPEN_START: &str = "1970-01-01";
pub const OPEN_END: &str = "2149-06-06";

/// A range of whole months to (re)build. `None` bounds are unknown and open; a batch of a full
/// refresh also keeps its nominal first and last months when it is open below or above (the
/// first batch takes every older row, the last every newer one), so it can still be split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Batch {
    pub first: Option<Month>,
    pub last: Option<Month>,
    /// Rows before `first` belong to this batch too.
    pub open_below: bool,
    /// Rows after `last` belong to this batch too.
    pub open_above: bool,
}

impl Batch {
    /// Every month, open at both ends.
    pub const ALL: Batch = Batch {
        first: None,
        last: None,
        open_below: true,
        open_above: true,
    };

    /// The months `first..=last`, closed at both ends.
    pub fn months(first: Month, last: Month) -> Batch {
        Batch {
            first: Some(first),
            last: Some(last),
            open_below: false,
            open_above: false,
        }
    }

    /// From `first` to the open end.
    pub fn from(first: Month) -> Batch {
        Batch {
            first: Some(first),
            last: None,
            open_below: false,
            open_above: true,
        }
    }

    /// `{batch_start:Date}`.
    pub fn start(&self) -> String {
        match self.first {
            Some(m) if !self.open_below => format_date(m.first_day()),
            _ => OPEN_START.to_string(),
        }
    }

    /// `{batch_end:Date}`.
    pub fn end(&self) -> String {
        match self.last {
            Some(m) if !self.open_above => format_date(m.last_day()),
            _ => OPEN_END.to_string(),
        }
    }

    /// Two halves, when the batch spans at least two known months.
    pub fn splittable(&self) -> Option<(Batch, Batch)> {
        let (first, last) = (self.first?, self.last?);
        let n = first.count_to(last);
        if n < 2 {
            return None;
        }
        let mid = first.plus(n / 2 - 1);
        Some((
            Batch {
                first: Some(first),
                last: Some(mid),
                open_below: self.open_below,
                open_above: false,
            },
            Batch {
                first: Some(mid.plus(1)),
                last: Some(last),
                open_below: false,
                open_above: self.open_above,
            },
        ))
    }
}

impl fmt::Display for Batch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lo = match self.first {
            Some(m) if !self.open_below => m.to_string(),
            _ => "start".to_string(),
        };
        let hi = match self.last {
            Some(m) if !self.open_above => m.to_string(),
            _ => "end".to_string(),
        };
        match (lo.as_str(), hi.as_str()) {
            ("start", "end") => f.write_str("all months"),
            (a, b) if a == b => f.write_str(a),
            (a, b) => write!(f, "{a}..{b}"),
        }
    }
}

/// The batches of a full refresh from `history_start` to `through` (inclusive), `size` months
/// each. The first batch is open below (older data lands in it) and the last open above, so no
/// row is ever outside every batch.
pub fn full_refresh_batches(history_start: Month, through: Month, size: u32) -> Vec<Batch> {
    let size = size.max(1) as i32;
    let mut out = Vec::new();
    let mut first = history_start;
    loop {
        let last = first.plus(size - 1);
        out.push(Batch::months(first, last));
        if last >= through {
            break;
        }
        first = last.plus(1);
    }
    if let Some(b) = out.first_mut() {
        b.open_below = true;
    }
    if let Some(b) = out.last_mut() {
        b.open_above = true;
    }
    out
}

/// What to do after a failed query (spec §9.3, extended as the stack issue asks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Network, timeout or a restarting engine: wait and retry.
    Transient,
    /// ClickHouse's memory limit: retry, then split the batch.
    Memory,
    /// Anything else: stop with the error.
    Fatal,
}

/// Classifies a warehouse error.
pub fn classify(error: &WhError) -> Failure {
    match error {
        WhError::Transport(_) | WhError::EngineCrashed => Failure::Transient,
        WhError::ClickHouse { code, message, .. } => match code {
            241 => Failure::Memory,
            // SOCKET_TIMEOUT, NETWORK_ERROR, TIMEOUT_EXCEEDED, TOO_MANY_SIMULTANEOUS_QUERIES,
            // ALL_CONNECTION_TRIES_FAILED, KEEPER_EXCEPTION
            159 | 209 | 210 | 202 | 279 | 999 => Failure::Transient,
            _ if message.contains("MEMORY_LIMIT_EXCEEDED") => Failure::Memory,
            _ => Failure::Fatal,
        },
        _ => Failure::Fatal,
    }
}

/// Retry limits and backoff.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Waits before each retry of a transient failure (spec §9.3: 30/60/120/240/480 s).
    pub transient_backoff: Vec<Duration>,
    /// Retries of a memory failure before the batch is split (or, at one month, the build fails).
    pub memory_retries: u32,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            transient_backoff: [30, 60, 120, 240, 480]
                .into_iter()
                .map(Duration::from_secs)
                .collect(),
            memory_retries: 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Month {
        s.parse().expect("a value")
    }

    #[test]
    fn months_parse_format_and_count() {
        assert_eq!(m("2024-02").to_string(), "2024-02");
        assert_eq!(m("2024-12-31"), m("2024-12"));
        assert_eq!(m("2024-12").plus(1), m("2025-01"));
        assert_eq!(format_date(m("2024-02").last_day()), "2024-02-29");
        assert_eq!(m("2024-11").count_to(m("2025-02")), 4);
        assert!("2024-13".parse::<Month>().is_err());
        assert!("24-1x".parse::<Month>().is_err());
    }

    #[test]
    fn full_refresh_batches_cover_everything_once() {
        let b = full_refresh_batches(m("2024-01"), m("2024-07"), 3);
        let shown: Vec<String> = b.iter().map(|b| b.to_string()).collect();
        assert_eq!(
            shown,
            ["start..2024-03", "2024-04..2024-06", "2024-07..end"]
        );
        assert_eq!(b[0].start(), OPEN_START);
        assert_eq!(b[1].start(), "2024-04-01");
        assert_eq!(b[1].end(), "2024-06-30");
        assert_eq!(b[2].end(), OPEN_END);
        let one = full_refresh_batches(m("2024-01"), m("2023-01"), 6);
        assert_eq!(one.len(), 1);
        assert_eq!(
            (one[0].start(), one[0].end()),
            (OPEN_START.into(), OPEN_END.into())
        );
        assert_eq!(one[0].to_string(), "all months");
    }

    #[test]
    fn batches_split_in_halves_down_to_one_month() {
        let b = Batch::months(m("2024-01"), m("2024-05"));
        let (a, c) = b.splittable().expect("a value");
        assert_eq!(
            (a.to_string(), c.to_string()),
            ("2024-01..2024-02".into(), "2024-03..2024-05".into())
        );
        let single = Batch::months(m("2024-01"), m("2024-01"));
        assert!(single.splittable().is_none());
        assert!(Batch::ALL.splittable().is_none());
        // The open first and last batches of a full refresh split too, keeping their open ends.
        let batches = full_refresh_batches(m("2024-01"), m("2025-12"), 24);
        assert_eq!(batches.len(), 1);
        let (a, c) = batches[0].splittable().expect("splits");
        assert_eq!(
            (a.to_string(), c.to_string()),
            ("start..2024-12".into(), "2025-01..end".into())
        );
        assert_eq!((a.start(), c.end()), (OPEN_START.into(), OPEN_END.into()));
        let (a1, a2) = a.splittable().expect("splits again");
        assert_eq!(
            (a1.to_string(), a2.to_string()),
            ("start..2024-06".into(), "2024-07..2024-12".into())
        );
    }

    #[test]
    fn errors_are_classified_as_the_policy_says() {
        let ch = |code: u32, message: &str| WhError::ClickHouse {
            code,
            name: None,
            message: message.into(),
        };
        assert_eq!(
            classify(&WhError::Transport("reset".into())),
            Failure::Transient
        );
        assert_eq!(classify(&WhError::EngineCrashed), Failure::Transient);
        assert_eq!(classify(&ch(209, "socket timeout")), Failure::Transient);
        assert_eq!(
            classify(&ch(241, "memory limit (for query) exceeded")),
            Failure::Memory
        );
        assert_eq!(classify(&ch(60, "UNKNOWN_TABLE")), Failure::Fatal);
        assert_eq!(classify(&ch(62, "syntax error")), Failure::Fatal);
    }
}
