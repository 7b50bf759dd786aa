//! Typed, validated in-memory forms of the extracts (schema v1, see `docs/extracts.md`).
//!
//! The Parquet boundary ([`crate::extract`]) turns bytes into these tables once; the math takes
//! them by reference. Columns are plain vectors ("struct of arrays"), strings are dictionary
//! encoded, dates are days since 1970-01-01 (Arrow `Date32`) and timestamps are seconds since the
//! Unix epoch, UTC.

use serde::Serialize;

/// A dictionary-encoded string column: row `i` holds `values[codes[i]]`.
///
/// `values` holds no duplicates, so equal strings have equal codes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Dict {
    pub codes: Vec<u32>,
    pub values: Vec<String>,
}

impl Dict {
    /// Builds a dictionary column from strings, in first-seen order.
    pub fn from_strs<'a>(rows: impl IntoIterator<Item = &'a str>) -> Self {
        let mut dict = Self::default();
        let mut index = std::collections::HashMap::<String, u32>::new();
        for s in rows {
            let code = *index.entry(s.to_owned()).or_insert_with(|| {
                dict.values.push(s.to_owned());
                (dict.values.len() - 1) as u32
            });
            dict.codes.push(code);
        }
        dict
    }

    /// The string at row `i`.
    pub fn get(&self, i: usize) -> &str {
        &self.values[self.codes[i] as usize]
    }

    /// The code of `value`, if present.
    pub fn code_of(&self, value: &str) -> Option<u32> {
        self.values
            .iter()
            .position(|v| v == value)
            .map(|p| p as u32)
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }
}

/// Which product a conversion or journey extract belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sector {
    /// Gnosis App (`*_ga`): grouped by conversion kind.
    Ga,
    /// Gnosis Pay (`*_gp`): grouped by conversion kind and identity role.
    Gp,
}

/// `conversions_{ga,gp}`: one row per conversion key in the published window, tracked or not.
///
/// A conversion key is `(user, [identity_role], conversion_kind, conversion_ts)`; upstream rows
/// sharing a key are merged into one row whose `source_rows` says how many there were (the marts
/// count rows in `total_conversions` but keys everywhere else).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Conversions {
    pub conversion_id: Vec<u32>,
    pub conversion_kind: Dict,
    /// Present for Gnosis Pay only.
    pub identity_role: Option<Dict>,
    pub conversion_ts: Vec<i64>,
    pub conversion_date: Vec<i32>,
    pub conversion_amount_usd: Vec<Option<f64>>,
    pub source_rows: Vec<u32>,
}

impl Conversions {
    /// Number of conversion keys.
    pub fn len(&self) -> usize {
        self.conversion_id.len()
    }

    /// True when there are no conversions.
    pub fn is_empty(&self) -> bool {
        self.conversion_id.is_empty()
    }

    /// Gnosis Pay when the table has identity roles, Gnosis App otherwise.
    pub fn sector(&self) -> Sector {
        if self.identity_role.is_some() {
            Sector::Gp
        } else {
            Sector::Ga
        }
    }
}

/// `journeys_touches_{ga,gp}`: one row per qualifying touch of a conversion within the longest
/// published lookback. The leakage guards (strict `touch_ts < conversion_ts`, self-exclusion of the
/// conversion's own event kind, excluded roles) were applied by the publisher.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Touches {
    pub conversion_id: Vec<u32>,
    pub event_kind: Dict,
    pub event_source: Dict,
    /// `conversion_ts − touch_ts` in seconds, ≥ 1.
    pub touch_offset_s: Vec<u32>,
    /// `conversion_date − date(touch_ts)` in whole UTC calendar days.
    pub lag_days: Vec<u16>,
}

impl Touches {
    /// Number of touches.
    pub fn len(&self) -> usize {
        self.conversion_id.len()
    }

    /// True when there are no touches.
    pub fn is_empty(&self) -> bool {
        self.conversion_id.is_empty()
    }
}

/// `funnel_events_ga`: one row per event of a funnel-step kind, per user.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FunnelEvents {
    pub user_id: Vec<u32>,
    /// Seconds since the Unix epoch, UTC.
    pub event_ts: Vec<i64>,
    pub event_kind: Dict,
}

impl FunnelEvents {
    /// Number of events.
    pub fn len(&self) -> usize {
        self.user_id.len()
    }

    /// True when there are no events.
    pub fn is_empty(&self) -> bool {
        self.user_id.is_empty()
    }
}

/// The family of an MMM spine column, from its name prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// `kpi_*`: outcomes.
    Kpi,
    /// `media_*`: spend or incentive outlays.
    Media,
    /// `ctrl_*`: controls.
    Ctrl,
}

impl Family {
    /// The family of a column name (`kpi_`, `media_`, `ctrl_` prefix), if any.
    pub fn of(column: &str) -> Option<Self> {
        if column.starts_with("kpi_") {
            Some(Self::Kpi)
        } else if column.starts_with("media_") {
            Some(Self::Media)
        } else if column.starts_with("ctrl_") {
            Some(Self::Ctrl)
        } else {
            None
        }
    }
}

/// One value column of the MMM spine.
#[derive(Debug, Clone, PartialEq)]
pub struct SpineColumn {
    /// Full column name, prefix included (`media_pools_lp_fee_apr_avg`).
    pub name: String,
    pub family: Family,
    /// One value per spine week; `None` is SQL NULL.
    pub values: Vec<Option<f64>>,
}

/// `mmm_spine_weekly`: one row per Monday, strictly increasing, then the value columns.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Spine {
    /// Mondays, days since 1970-01-01, strictly increasing.
    pub week: Vec<i32>,
    pub columns: Vec<SpineColumn>,
}

impl Spine {
    /// The column named `name`, if present.
    pub fn column(&self, name: &str) -> Option<&SpineColumn> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Columns of one family, in file order.
    pub fn family(&self, family: Family) -> impl Iterator<Item = &SpineColumn> {
        self.columns.iter().filter(move |c| c.family == family)
    }
}
