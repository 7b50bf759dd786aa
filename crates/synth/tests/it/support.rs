//! Shared helpers: a stand-in pseudonymizer, generated data held per table, typed column access.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Float64Type, Int32Type, TimestampSecondType, UInt8Type, UInt64Type,
};
use arrow_array::{Array, RecordBatch};
use mensura_synth::{SynthConfig, generate};

/// FNV-1a: a stand-in for the server's keyed SipHash (any function will do).
pub fn pseudo(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

pub const DAY: i64 = 86_400;

/// Every table's batches for one configuration.
pub struct Data {
    pub config: SynthConfig,
    pub tables: BTreeMap<&'static str, Vec<RecordBatch>>,
}

pub fn collect(config: &SynthConfig) -> Data {
    let tables = generate(config, &pseudo)
        .expect("valid config")
        .into_iter()
        .map(|t| (t.name, t.batches.collect()))
        .collect();
    Data {
        config: config.clone(),
        tables,
    }
}

/// The default configuration's data, generated once per test binary.
pub fn default_data() -> &'static Data {
    static DATA: OnceLock<Data> = OnceLock::new();
    DATA.get_or_init(|| collect(&SynthConfig::default()))
}

impl Data {
    pub fn batches(&self, table: &str) -> &[RecordBatch] {
        self.tables
            .get(table)
            .unwrap_or_else(|| panic!("no table {table}"))
    }

    pub fn rows(&self, table: &str) -> usize {
        self.batches(table).iter().map(RecordBatch::num_rows).sum()
    }

    fn columns<'a>(&'a self, table: &str, col: &str) -> impl Iterator<Item = &'a dyn Array> + 'a {
        let col = col.to_owned();
        let table = table.to_owned();
        self.batches(&table).iter().map(move |b| {
            b.column_by_name(&col)
                .unwrap_or_else(|| panic!("no column {table}.{col}"))
                .as_ref()
        })
    }

    pub fn str(&self, table: &str, col: &str) -> Vec<Option<String>> {
        self.columns(table, col)
            .flat_map(|a| {
                a.as_string::<i32>()
                    .iter()
                    .map(|v| v.map(str::to_owned))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// A non-nullable string column.
    pub fn strs(&self, table: &str, col: &str) -> Vec<String> {
        self.str(table, col)
            .into_iter()
            .map(|v| v.unwrap_or_else(|| panic!("NULL in {table}.{col}")))
            .collect()
    }

    pub fn ts(&self, table: &str, col: &str) -> Vec<Option<i64>> {
        self.columns(table, col)
            .flat_map(|a| {
                a.as_primitive::<TimestampSecondType>()
                    .iter()
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    pub fn tss(&self, table: &str, col: &str) -> Vec<i64> {
        self.ts(table, col)
            .into_iter()
            .map(|v| v.unwrap_or_else(|| panic!("NULL in {table}.{col}")))
            .collect()
    }

    pub fn dates(&self, table: &str, col: &str) -> Vec<i32> {
        self.columns(table, col)
            .flat_map(|a| a.as_primitive::<Date32Type>().values().to_vec())
            .collect()
    }

    pub fn u64s(&self, table: &str, col: &str) -> Vec<u64> {
        self.columns(table, col)
            .flat_map(|a| a.as_primitive::<UInt64Type>().values().to_vec())
            .collect()
    }

    pub fn u8s(&self, table: &str, col: &str) -> Vec<u8> {
        self.columns(table, col)
            .flat_map(|a| a.as_primitive::<UInt8Type>().values().to_vec())
            .collect()
    }

    pub fn i32s(&self, table: &str, col: &str) -> Vec<i32> {
        self.columns(table, col)
            .flat_map(|a| a.as_primitive::<Int32Type>().values().to_vec())
            .collect()
    }

    pub fn f64(&self, table: &str, col: &str) -> Vec<Option<f64>> {
        self.columns(table, col)
            .flat_map(|a| a.as_primitive::<Float64Type>().iter().collect::<Vec<_>>())
            .collect()
    }

    pub fn bools(&self, table: &str, col: &str) -> Vec<bool> {
        self.columns(table, col)
            .flat_map(|a| {
                a.as_boolean()
                    .iter()
                    .map(|v| v.expect("non-null"))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    pub fn lists(&self, table: &str, col: &str) -> Vec<Vec<String>> {
        self.columns(table, col)
            .flat_map(|a| {
                a.as_list::<i32>()
                    .iter()
                    .map(|l| {
                        let l = l.expect("non-null list");
                        l.as_string::<i32>()
                            .iter()
                            .map(|s| s.expect("non-null item").to_owned())
                            .collect()
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// The first day of the range and the first day after it, as day numbers.
    pub fn range_days(&self) -> (i32, i32) {
        let start = self.config.start.days_since_epoch();
        (start, start + self.config.days as i32)
    }

    /// The range as timestamps `[start, end)`.
    pub fn range_ts(&self) -> (i64, i64) {
        let (s, e) = self.range_days();
        (i64::from(s) * DAY, i64::from(e) * DAY)
    }
}

/// `0x` followed by 40 lowercase hex digits.
pub fn is_address(s: &str) -> bool {
    s.len() == 42 && s.starts_with("0x") && is_hex(&s[2..])
}

pub fn is_hex(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Monday = 0 (1970-01-01 was a Thursday).
pub fn weekday(day: i32) -> i32 {
    (day + 3).rem_euclid(7)
}
