//! Readers for the published marts the engine does not type: `attribution_{ga,gp}_{N}d`,
//! `coverage_daily_{ga,gp}`, `funnel_daily_ga` and `mmm_registry` (`docs/extracts.md`, "Files
//! published from the warehouse only"; their columns are the marts' columns of the spec).
//!
//! Columns are found by their published names; any integer, float, string, dictionary-string, date
//! or timestamp type is accepted for them (a publisher may widen a type), and unknown columns are
//! ignored. The schema version entry
//! (`mensura.schema_version = "1"`) is required, as on every extract. A missing required column
//! is a [`LoadError::Mart`] naming the file and the column.
//!
//! Decoding matches on the Arrow type and reads typed slices (no `arrow::compute::cast`, which
//! would double the WebAssembly module).

use std::collections::BTreeMap;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type,
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef};
use arrow_schema::{DataType, TimeUnit};
use bytes::Bytes;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::data::LoadError;

/// One decoded column: strings, or numbers (integers, floats, booleans, dates as day numbers and
/// timestamps as seconds all become `f64`).
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    Str(Vec<Option<String>>),
    Num(Vec<Option<f64>>),
}

/// A mart as named columns.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub file: String,
    pub rows: usize,
    pub columns: BTreeMap<String, Column>,
}

impl Table {
    /// Reads every column of a Parquet file.
    pub fn read(file: &str, bytes: Bytes) -> Result<Self, LoadError> {
        let err = |detail: String| LoadError::Mart {
            file: file.to_owned(),
            detail,
        };
        let builder = ParquetRecordBatchReaderBuilder::try_new(bytes)
            .map_err(|e| err(format!("not a readable Parquet file ({e})")))?;
        let version = builder
            .metadata()
            .file_metadata()
            .key_value_metadata()
            .into_iter()
            .flatten()
            .find(|kv| kv.key == mensura_engine::extract::SCHEMA_VERSION_KEY)
            .and_then(|kv| kv.value.clone());
        if version.as_deref() != Some(crate::data::SCHEMA_VERSION) {
            return Err(LoadError::Extract(mensura_engine::Error::SchemaVersion {
                file: file.to_owned(),
                found: version.map_or_else(
                    || "(no `mensura.schema_version` entry)".to_owned(),
                    |v| format!("{v:?}"),
                ),
                supported: crate::data::SCHEMA_VERSION,
            }));
        }
        let reader = builder
            .build()
            .map_err(|e| err(format!("cannot decode ({e})")))?;
        let mut table = Self {
            file: file.to_owned(),
            ..Self::default()
        };
        for batch in reader {
            let batch = batch.map_err(|e| err(format!("cannot decode ({e})")))?;
            table.rows += batch.num_rows();
            for (field, array) in batch.schema().fields().iter().zip(batch.columns()) {
                let Some(decoded) = decode(array) else {
                    continue;
                };
                match (table.columns.get_mut(field.name()), decoded) {
                    (Some(Column::Str(a)), Column::Str(b)) => a.extend(b),
                    (Some(Column::Num(a)), Column::Num(b)) => a.extend(b),
                    (None, c) => {
                        table.columns.insert(field.name().clone(), c);
                    }
                    _ => return Err(err(format!("column `{}` changes type", field.name()))),
                }
            }
        }
        Ok(table)
    }

    /// A NULL where the published contract has none: an error naming the file, column and row.
    fn required<T: Copy>(
        &self,
        column: &[Option<T>],
        name: &str,
        row: usize,
    ) -> Result<T, LoadError> {
        column[row].ok_or_else(|| LoadError::Mart {
            file: self.file.clone(),
            detail: format!("column `{name}` is NULL in row {row}, where a value is required"),
        })
    }

    fn missing(&self, name: &str, expected: &str) -> LoadError {
        LoadError::Mart {
            file: self.file.clone(),
            detail: format!("required column `{name}` ({expected}) is missing"),
        }
    }

    /// A string column (numbers are formatted).
    pub fn strings(&self, name: &str) -> Result<Vec<String>, LoadError> {
        match self.columns.get(name) {
            Some(Column::Str(v)) => Ok(v.iter().map(|s| s.clone().unwrap_or_default()).collect()),
            Some(Column::Num(v)) => Ok(v
                .iter()
                .map(|x| x.map(|x| x.to_string()).unwrap_or_default())
                .collect()),
            None => Err(self.missing(name, "text")),
        }
    }

    /// A string column that may be absent.
    pub fn opt_strings(&self, name: &str) -> Option<Vec<String>> {
        self.strings(name).ok()
    }

    /// A numeric column (NULL as `None`).
    pub fn numbers(&self, name: &str) -> Result<Vec<Option<f64>>, LoadError> {
        match self.columns.get(name) {
            Some(Column::Num(v)) => Ok(v.clone()),
            Some(Column::Str(_)) => Err(LoadError::Mart {
                file: self.file.clone(),
                detail: format!("column `{name}` holds text, expected numbers"),
            }),
            None => Err(self.missing(name, "numbers")),
        }
    }
}

fn prim<T: arrow_array::ArrowPrimitiveType>(a: &ArrayRef, f: impl Fn(T::Native) -> f64) -> Column {
    let p = a.as_primitive::<T>();
    Column::Num(
        (0..p.len())
            .map(|i| p.is_valid(i).then(|| f(p.value(i))))
            .collect(),
    )
}

fn decode(a: &ArrayRef) -> Option<Column> {
    Some(match a.data_type() {
        DataType::Utf8 => {
            let s = a.as_string::<i32>();
            Column::Str(s.iter().map(|v| v.map(str::to_owned)).collect())
        }
        DataType::LargeUtf8 => {
            let s = a.as_string::<i64>();
            Column::Str(s.iter().map(|v| v.map(str::to_owned)).collect())
        }
        DataType::Dictionary(_, value) if matches!(**value, DataType::Utf8) => {
            let d = a.as_any_dictionary();
            let values = d.values().as_string::<i32>();
            let keys = d.normalized_keys();
            Column::Str(
                keys.iter()
                    .enumerate()
                    .map(|(i, &k)| a.is_valid(i).then(|| values.value(k).to_owned()))
                    .collect(),
            )
        }
        DataType::Boolean => {
            let b = a.as_boolean();
            Column::Num(
                (0..b.len())
                    .map(|i| b.is_valid(i).then(|| f64::from(u8::from(b.value(i)))))
                    .collect(),
            )
        }
        DataType::Int8 => prim::<Int8Type>(a, f64::from),
        DataType::Int16 => prim::<Int16Type>(a, f64::from),
        DataType::Int32 => prim::<Int32Type>(a, f64::from),
        DataType::Int64 => prim::<Int64Type>(a, |v| v as f64),
        DataType::UInt8 => prim::<UInt8Type>(a, f64::from),
        DataType::UInt16 => prim::<UInt16Type>(a, f64::from),
        DataType::UInt32 => prim::<UInt32Type>(a, f64::from),
        DataType::UInt64 => prim::<UInt64Type>(a, |v| v as f64),
        DataType::Float32 => prim::<Float32Type>(a, f64::from),
        DataType::Float64 => prim::<Float64Type>(a, |v| v),
        DataType::Date32 => prim::<Date32Type>(a, f64::from),
        DataType::Timestamp(unit, _) => match unit {
            TimeUnit::Second => prim::<TimestampSecondType>(a, |v| v as f64),
            TimeUnit::Millisecond => prim::<TimestampMillisecondType>(a, |v| (v / 1_000) as f64),
            TimeUnit::Microsecond => {
                prim::<TimestampMicrosecondType>(a, |v| (v / 1_000_000) as f64)
            }
            TimeUnit::Nanosecond => {
                prim::<TimestampNanosecondType>(a, |v| (v / 1_000_000_000) as f64)
            }
        },
        _ => return None,
    })
}

/// One row of a published attribution mart.
#[derive(Debug, Clone, PartialEq)]
pub struct MartRow {
    pub conversion_kind: String,
    pub identity_role: Option<String>,
    pub event_kind: String,
    pub conversions_with_touch: f64,
    pub first_touch: f64,
    pub last_touch: f64,
    pub linear: f64,
    pub time_decay: f64,
    pub total_conversions: f64,
}

/// Reads `attribution_{ga,gp}_{N}d` (spec §3.4: the time-decay column is `time_decay_hl_7d`).
pub fn attribution_mart(t: &Table) -> Result<Vec<MartRow>, LoadError> {
    let n = t.rows;
    let kinds = t.strings("conversion_kind")?;
    let roles = t.opt_strings("identity_role");
    let events = t.strings("event_kind")?;
    let num = |name: &str| t.numbers(name);
    let with = num("conversions_with_touch")?;
    let first = num("first_touch")?;
    let last = num("last_touch")?;
    let linear = num("linear")?;
    let decay = num("time_decay_hl_7d")?;
    let total = num("total_conversions")?;
    let v = |c: &[Option<f64>], i: usize| c[i].unwrap_or(0.0);
    let mut rows: Vec<MartRow> = (0..n)
        .map(|i| MartRow {
            conversion_kind: kinds[i].clone(),
            identity_role: roles.as_ref().map(|r| r[i].clone()),
            event_kind: events[i].clone(),
            conversions_with_touch: v(&with, i),
            first_touch: v(&first, i),
            last_touch: v(&last, i),
            linear: v(&linear, i),
            time_decay: v(&decay, i),
            total_conversions: v(&total, i),
        })
        .collect();
    rows.sort_by(|a, b| {
        (&a.conversion_kind, &a.identity_role, &a.event_kind).cmp(&(
            &b.conversion_kind,
            &b.identity_role,
            &b.event_kind,
        ))
    });
    Ok(rows)
}

/// One row of `coverage_daily_{ga,gp}` (spec §5.6, §6.4).
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageRow {
    pub date: i32,
    pub conversion_kind: String,
    pub identity_role: Option<String>,
    pub total_conversions: f64,
    pub tracked_conversions: f64,
}

/// Reads a coverage mart.
pub fn coverage(t: &Table) -> Result<Vec<CoverageRow>, LoadError> {
    let dates = t.numbers("conversion_date")?;
    let kinds = t.strings("conversion_kind")?;
    let roles = t.opt_strings("identity_role");
    let total = t.numbers("total_conversions")?;
    let tracked = t.numbers("tracked_conversions")?;
    (0..t.rows)
        .map(|i| {
            Ok(CoverageRow {
                date: t.required(&dates, "conversion_date", i)? as i32,
                conversion_kind: kinds[i].clone(),
                identity_role: roles.as_ref().map(|r| r[i].clone()),
                total_conversions: total[i].unwrap_or(0.0),
                tracked_conversions: tracked[i].unwrap_or(0.0),
            })
        })
        .collect()
}

/// `funnel_daily_ga` summed to `(funnel_name, date) → users per level`.
pub type FunnelDaily = BTreeMap<String, BTreeMap<i32, Vec<u64>>>;

/// Reads the daily funnel mart (spec §5.8: one row per user-day and funnel, with its level).
pub fn funnel_daily(t: &Table) -> Result<FunnelDaily, LoadError> {
    let dates = t.numbers("date")?;
    let names = t.strings("funnel_name")?;
    let levels = t.numbers("level")?;
    let mut out: FunnelDaily = BTreeMap::new();
    for (i, name) in names.into_iter().enumerate() {
        let date = t.required(&dates, "date", i)?;
        let level = t.required(&levels, "level", i)?.max(0.0) as usize;
        let counts = out.entry(name).or_default().entry(date as i32).or_default();
        if counts.len() <= level {
            counts.resize(level + 1, 0);
        }
        counts[level] += 1;
    }
    Ok(out)
}

/// One series of `mmm_registry` (`docs/extracts.md`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SeriesInfo {
    /// The spine column, e.g. `kpi_pools_tvl_usd`.
    pub series: String,
    /// How the weekly value is made from the daily source (`sum`, `avg`, `last`, …).
    pub method: String,
    pub units: String,
    pub source_model: String,
    /// KPIs only: whether the weekly value is safe from double counting across sources.
    pub is_dedup_safe: Option<bool>,
    /// Media only: whether the series is money paid out (spend), as opposed to a rate or a count.
    pub is_outlay: Option<bool>,
}

/// What the MMM registry says about the spine's series.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Registry {
    pub series: Vec<SeriesInfo>,
}

impl Registry {
    /// The registry entry of a spine column.
    pub fn get(&self, series: &str) -> Option<&SeriesInfo> {
        self.series.iter().find(|s| s.series == series)
    }
}

/// Reads `mmm_registry` (columns `series`, `method`, `units`, `source_model`, `is_dedup_safe`,
/// `is_outlay`; the family is the series' prefix, as in the spine).
pub fn registry(t: &Table) -> Result<Registry, LoadError> {
    let series = t.strings("series")?;
    let method = t.strings("method")?;
    let units = t.strings("units")?;
    let source = t.strings("source_model")?;
    let dedup = t.numbers("is_dedup_safe")?;
    let outlay = t.numbers("is_outlay")?;
    let flag = |v: Option<f64>| v.map(|v| v != 0.0);
    Ok(Registry {
        series: (0..t.rows)
            .map(|i| SeriesInfo {
                series: series[i].clone(),
                method: method[i].clone(),
                units: units[i].clone(),
                source_model: source[i].clone(),
                is_dedup_safe: flag(dedup[i]),
                is_outlay: flag(outlay[i]),
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_engine_extract_reads_generically() {
        let bytes = include_bytes!("../../../fixtures/sample/conversions_ga.parquet");
        let t = Table::read("conversions_ga.parquet", Bytes::from_static(bytes)).expect("read");
        assert_eq!(t.rows, 2000);
        assert!(matches!(
            t.columns.get("conversion_kind"),
            Some(Column::Str(_))
        ));
        assert!(matches!(
            t.columns.get("conversion_date"),
            Some(Column::Num(_))
        ));
        let err = attribution_mart(&t).expect_err("not a mart");
        assert!(err.to_string().contains("event_kind"), "{err}");
    }

    /// Writes an attribution mart (the columns of spec §3.4) from engine rows, as the warehouse
    /// would publish it.
    fn write_mart(rows: &[mensura_engine::attribution::AttributionRow], version: &str) -> Bytes {
        use std::sync::Arc;

        use arrow_array::{Float64Array, RecordBatch, StringArray, UInt64Array};

        let s = |f: fn(&mensura_engine::attribution::AttributionRow) -> &str| {
            Arc::new(StringArray::from(rows.iter().map(f).collect::<Vec<_>>())) as ArrayRef
        };
        let f = |f: fn(&mensura_engine::attribution::AttributionRow) -> f64| {
            Arc::new(Float64Array::from(rows.iter().map(f).collect::<Vec<_>>())) as ArrayRef
        };
        let u = |f: fn(&mensura_engine::attribution::AttributionRow) -> u64| {
            Arc::new(UInt64Array::from(rows.iter().map(f).collect::<Vec<_>>())) as ArrayRef
        };
        let batch = RecordBatch::try_from_iter([
            ("conversion_kind", s(|r| &r.conversion_kind)),
            ("event_kind", s(|r| &r.event_kind)),
            ("conversions_with_touch", u(|r| r.conversions_with_touch)),
            ("first_touch", f(|r| r.first_touch)),
            ("last_touch", f(|r| r.last_touch)),
            ("linear", f(|r| r.linear)),
            ("time_decay_hl_7d", f(|r| r.time_decay)),
            ("total_conversions", u(|r| r.total_conversions)),
        ])
        .expect("batch");
        write(&batch, version)
    }

    /// Writes one batch as a Parquet file with the schema version entry.
    fn write(batch: &arrow_array::RecordBatch, version: &str) -> Bytes {
        use parquet::arrow::ArrowWriter;
        use parquet::file::metadata::KeyValue;
        use parquet::file::properties::WriterProperties;

        let props = WriterProperties::builder()
            .set_key_value_metadata(Some(vec![KeyValue::new(
                mensura_engine::extract::SCHEMA_VERSION_KEY.to_owned(),
                version.to_owned(),
            )]))
            .build();
        let mut out = Vec::new();
        let mut w = ArrowWriter::try_new(&mut out, batch.schema(), Some(props)).expect("writer");
        w.write(batch).expect("write");
        w.close().expect("close");
        Bytes::from(out)
    }

    #[test]
    fn a_published_mart_reads_back_and_matches_the_live_numbers() {
        use crate::analysis::{MartMatch, attribution_params, compare_mart};
        use crate::state::{AttrState, KernelKind};
        let j = crate::testdata::journeys_ga();
        let s = AttrState {
            kernel: KernelKind::EFolding,
            ..AttrState::default()
        };
        let live =
            mensura_engine::attribution::attribute(&j, &attribution_params(&s)).expect("run");
        let t =
            Table::read("attribution_ga_30d.parquet", write_mart(&live.rows, "1")).expect("read");
        let mart = attribution_mart(&t).expect("mart");
        assert_eq!(mart.len(), live.rows.len());
        assert_eq!(
            compare_mart(&live.rows, &mart),
            MartMatch::Equal { rows: mart.len() }
        );
        let other = AttrState {
            lookback_days: 7,
            ..s
        };
        let live7 =
            mensura_engine::attribution::attribute(&j, &attribution_params(&other)).expect("run");
        assert!(matches!(
            compare_mart(&live7.rows, &mart),
            MartMatch::Differs(_)
        ));
        let err =
            Table::read("attribution_ga_30d.parquet", write_mart(&live.rows, "2")).expect_err("v2");
        assert!(err.to_string().contains("schema version"), "{err}");
    }

    /// The committed publish (`fixtures/warehouse/`, made by the pipeline): the engine on its
    /// extracts, with the marts' kernel, equals every published attribution mart, and its
    /// coverage, daily funnel and registry marts read.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn the_committed_publish_reads_and_its_marts_equal_the_live_engine() {
        use mensura_engine::attribution::{AttributionParams, DecayKernel, Journeys, attribute};
        use mensura_engine::extract;

        use crate::analysis::{MartMatch, compare_mart};

        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/warehouse");
        let read = |name: &str| {
            Bytes::from(std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}")))
        };
        let mut compared = 0;
        for sector in ["ga", "gp"] {
            let conversions = format!("conversions_{sector}.parquet");
            let touches = format!("journeys_touches_{sector}.parquet");
            let c = extract::read_conversions(&conversions, read(&conversions)).expect("conv");
            let t = extract::read_touches(&touches, read(&touches)).expect("touches");
            let j = Journeys::new(&c, &t, &touches).expect("journeys");
            for lookback_days in [7, 14, 30, 60] {
                let params = AttributionParams {
                    lookback_days,
                    kernel: DecayKernel::EFolding { efold_days: 7.0 },
                    by_role: sector == "gp",
                    ..AttributionParams::default()
                };
                let live = attribute(&j, &params).expect("attribute");
                let name = format!("attribution_{sector}_{lookback_days}d.parquet");
                let mart = attribution_mart(&Table::read(&name, read(&name)).expect("read"))
                    .expect("mart");
                assert!(!mart.is_empty(), "{name} is empty");
                assert_eq!(
                    compare_mart(&live.rows, &mart),
                    MartMatch::Equal { rows: mart.len() },
                    "{name}"
                );
                compared += mart.len();
            }
            let name = format!("coverage_daily_{sector}.parquet");
            let rows = coverage(&Table::read(&name, read(&name)).expect("read")).expect("cov");
            assert!(rows.iter().any(|r| r.tracked_conversions > 0.0), "{name}");
            assert!(
                rows.iter()
                    .all(|r| r.tracked_conversions <= r.total_conversions)
            );
            assert_eq!(
                rows.iter().any(|r| r.identity_role.is_some()),
                sector == "gp",
                "{name}: identity_role only in Gnosis Pay"
            );
        }
        assert!(compared > 100, "{compared} mart rows compared");
        let daily = funnel_daily(
            &Table::read("funnel_daily_ga.parquet", read("funnel_daily_ga.parquet")).expect("r"),
        )
        .expect("daily");
        assert!(daily.len() >= 4, "the seed funnels: {:?}", daily.keys());
        let registry = registry(
            &Table::read("mmm_registry.parquet", read("mmm_registry.parquet")).expect("r"),
        )
        .expect("registry");
        let not_safe: Vec<&str> = registry
            .series
            .iter()
            .filter(|s| s.is_dedup_safe == Some(false))
            .map(|s| s.series.as_str())
            .collect();
        assert_eq!(not_safe, ["kpi_dex_volume_usd_dedup"]);
        let spine =
            extract::read_spine("mmm_spine_weekly.parquet", read("mmm_spine_weekly.parquet"))
                .expect("spine");
        let spine_series: Vec<&str> = spine.columns.iter().map(|c| c.name.as_str()).collect();
        let mut registered: Vec<&str> = registry.series.iter().map(|s| s.series.as_str()).collect();
        let mut expected = spine_series.clone();
        registered.sort_unstable();
        expected.sort_unstable();
        assert_eq!(registered, expected, "one registry entry per spine series");
    }

    #[test]
    fn coverage_daily_funnel_and_registry_marts_read_back() {
        use std::sync::Arc;

        use arrow_array::{
            Date32Array, DictionaryArray, Float64Array, RecordBatch, StringArray, UInt8Array,
            UInt64Array, types::Int32Type,
        };
        let d = |v: Vec<i32>| Arc::new(Date32Array::from(v)) as ArrayRef;
        let s = |v: Vec<&str>| Arc::new(StringArray::from(v)) as ArrayRef;
        let u = |v: Vec<u64>| Arc::new(UInt64Array::from(v)) as ArrayRef;
        let coverage_batch = RecordBatch::try_from_iter([
            ("conversion_date", d(vec![20_000, 20_001, 20_001])),
            ("conversion_kind", s(vec!["topup", "topup", "swap_filled"])),
            ("total_conversions", u(vec![10, 20, 5])),
            ("tracked_conversions", u(vec![7, 15, 5])),
            (
                "tracked_conversion_coverage",
                Arc::new(Float64Array::from(vec![Some(0.7), Some(0.75), None])) as ArrayRef,
            ),
        ])
        .expect("batch");
        let t =
            Table::read("coverage_daily_ga.parquet", write(&coverage_batch, "1")).expect("read");
        let rows = coverage(&t).expect("coverage");
        let null_date = RecordBatch::try_from_iter([
            (
                "conversion_date",
                Arc::new(Date32Array::from(vec![Some(20_000), None])) as ArrayRef,
            ),
            ("conversion_kind", s(vec!["topup", "topup"])),
            ("total_conversions", u(vec![1, 1])),
            ("tracked_conversions", u(vec![1, 0])),
        ])
        .expect("batch");
        let err = coverage(
            &Table::read("coverage_daily_ga.parquet", write(&null_date, "1")).expect("read"),
        )
        .expect_err("a NULL date is refused, not dropped");
        assert!(err.to_string().contains("NULL in row 1"), "{err}");
        assert_eq!(rows.len(), 3);
        let topup = crate::state::AttrState {
            kinds: vec!["topup".into()],
            ..Default::default()
        };
        assert_eq!(
            crate::analysis::coverage_summary(&rows, &topup, 20_000, 20_001),
            Some((30.0, 22.0))
        );
        assert_eq!(
            crate::analysis::coverage_summary(&rows, &topup, 20_002, 20_009),
            None
        );

        let names: DictionaryArray<Int32Type> = vec![
            "onboard_swap_topup",
            "onboard_swap_topup",
            "onboard_swap_topup",
        ]
        .into_iter()
        .collect();
        let funnel_batch = RecordBatch::try_from_iter([
            ("date", d(vec![20_000, 20_000, 20_001])),
            ("funnel_name", Arc::new(names) as ArrayRef),
            ("user_id", u(vec![1, 2, 1])),
            (
                "level",
                Arc::new(UInt8Array::from(vec![0, 3, 1])) as ArrayRef,
            ),
        ])
        .expect("batch");
        let t = Table::read("funnel_daily_ga.parquet", write(&funnel_batch, "1")).expect("read");
        let daily = funnel_daily(&t).expect("daily");
        assert_eq!(daily["onboard_swap_topup"][&20_000], vec![1, 0, 0, 1]);
        assert_eq!(daily["onboard_swap_topup"][&20_001], vec![0, 1]);

        let registry_batch = RecordBatch::try_from_iter([
            (
                "series",
                s(vec![
                    "kpi_pools_tvl_usd",
                    "kpi_dex_volume_usd_dedup",
                    "media_x",
                ]),
            ),
            ("family", s(vec!["kpi", "kpi", "media"])),
            (
                "name",
                s(vec!["pools_tvl_usd", "dex_volume_usd_dedup", "x"]),
            ),
            ("method", s(vec!["last", "sum", "sum"])),
            ("units", s(vec!["USD", "USD", "USD"])),
            ("source_model", s(vec!["a", "b", "c"])),
            (
                "is_dedup_safe",
                Arc::new(UInt8Array::from(vec![Some(1), Some(0), None])) as ArrayRef,
            ),
            (
                "is_outlay",
                Arc::new(UInt8Array::from(vec![None, None, Some(1)])) as ArrayRef,
            ),
        ])
        .expect("batch");
        let t = Table::read("mmm_registry.parquet", write(&registry_batch, "1")).expect("read");
        let r = registry(&t).expect("registry");
        assert_eq!(r.series.len(), 3);
        let dex = r.get("kpi_dex_volume_usd_dedup").expect("dex");
        assert_eq!((dex.is_dedup_safe, dex.is_outlay), (Some(false), None));
        assert_eq!(r.get("media_x").and_then(|m| m.is_outlay), Some(true));
        assert_eq!(
            r.get("kpi_pools_tvl_usd").map(|k| k.method.as_str()),
            Some("last")
        );
        let t =
            Table::read("coverage_daily_ga.parquet", write(&coverage_batch, "1")).expect("read");
        let err = registry(&t).expect_err("a table without registry columns is refused");
        assert!(err.to_string().contains("`series`"), "{err}");
    }

    #[test]
    fn garbage_is_an_error_naming_the_file() {
        let err = Table::read("x.parquet", Bytes::from_static(b"PAR1 nope")).expect_err("bad");
        assert!(err.to_string().starts_with("x.parquet"), "{err}");
    }
}
