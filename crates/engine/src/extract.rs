//! The Parquet boundary: schema-v1 extracts in, typed [`crate::table`] values out, and back.
//!
//! Every extract is read from bytes (the browser's `fetch` and the native `std::fs::read` alike),
//! validated once against the contract of `docs/extracts.md`, and handed to the math as typed
//! columns. A file that is not Parquet, is truncated, was written with a codec this build cannot
//! decode, carries another schema version, lacks a column, has a column of the wrong type or a
//! null where none is allowed, yields an [`Error`] that names the file, the column and what was
//! expected. Unknown extra columns are ignored (they are not even decoded).
//!
//! The writers produce the same contract (snappy, dictionary-encoded strings, the version entry)
//! and are used by the sample generator and the tests; the server publishes through ClickHouse.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, TimestampMicrosecondType,
    TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType, UInt8Type, UInt16Type,
    UInt32Type, UInt64Type,
};
use arrow_array::{
    Array, ArrayRef, ArrowPrimitiveType, Date32Array, DictionaryArray, Float64Array,
    PrimitiveArray, RecordBatch, StringArray, TimestampSecondArray, UInt16Array, UInt32Array,
};
use arrow_buffer::ArrowNativeType;
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use bytes::Bytes;
use parquet::arrow::ArrowWriter;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::Compression;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;

use crate::table::{Conversions, Dict, Family, FunnelEvents, Spine, SpineColumn, Touches};
use crate::{Error, Result};

/// The extract schema version this engine reads and writes.
pub const SCHEMA_VERSION: &str = "1";
/// File-level key/value metadata entry holding the schema version.
pub const SCHEMA_VERSION_KEY: &str = "mensura.schema_version";
/// File-level entry on touch extracts: the longest lookback (days) the publisher included.
pub const MAX_LOOKBACK_KEY: &str = "mensura.max_lookback_days";

/// Column names of schema v1, shared with the SQL that publishes them.
pub mod col {
    pub const CONVERSION_ID: &str = "conversion_id";
    pub const CONVERSION_KIND: &str = "conversion_kind";
    pub const IDENTITY_ROLE: &str = "identity_role";
    pub const CONVERSION_TS: &str = "conversion_ts";
    pub const CONVERSION_DATE: &str = "conversion_date";
    pub const CONVERSION_AMOUNT_USD: &str = "conversion_amount_usd";
    pub const SOURCE_ROWS: &str = "source_rows";
    pub const EVENT_KIND: &str = "event_kind";
    pub const EVENT_SOURCE: &str = "event_source";
    pub const TOUCH_OFFSET_S: &str = "touch_offset_s";
    pub const LAG_DAYS: &str = "lag_days";
    pub const USER_ID: &str = "user_id";
    pub const EVENT_TS: &str = "event_ts";
    pub const WEEK: &str = "week";
}

/// Rows per decoded batch: large batches amortise per-batch work.
const BATCH_ROWS: usize = 64 * 1024;

/// A Parquet file read and checked at the file level, with the columns we asked for decoded.
struct Decoded {
    file: String,
    metadata: HashMap<String, String>,
    schema: Arc<Schema>,
    batches: Vec<RecordBatch>,
}

impl Decoded {
    /// Reads `bytes`, checks the schema version and codecs, and decodes the columns named in
    /// `wanted` that exist (absent ones are reported by [`Decoded::column`]). `None` decodes every
    /// column.
    fn read(file: &str, bytes: Bytes, wanted: Option<&dyn Fn(&str) -> bool>) -> Result<Self> {
        let not_parquet = |e: parquet::errors::ParquetError| Error::NotParquet {
            file: file.to_owned(),
            detail: e.to_string(),
        };
        let builder = ParquetRecordBatchReaderBuilder::try_new(bytes).map_err(not_parquet)?;
        let meta = builder.metadata().clone();
        let metadata: HashMap<String, String> = meta
            .file_metadata()
            .key_value_metadata()
            .into_iter()
            .flatten()
            .filter_map(|kv| Some((kv.key.clone(), kv.value.clone()?)))
            .collect();
        for rg in meta.row_groups() {
            for column in rg.columns() {
                let codec = column.compression();
                if !codec_supported(codec) {
                    return Err(Error::UnsupportedCodec {
                        file: file.to_owned(),
                        codec: format!("{codec:?}"),
                    });
                }
            }
        }
        match metadata.get(SCHEMA_VERSION_KEY) {
            Some(v) if v == SCHEMA_VERSION => {}
            other => {
                return Err(Error::SchemaVersion {
                    file: file.to_owned(),
                    found: other.map_or_else(
                        || format!("(no `{SCHEMA_VERSION_KEY}` metadata entry)"),
                        |v| format!("{v:?}"),
                    ),
                    supported: SCHEMA_VERSION,
                });
            }
        }
        let schema = builder.schema().clone();
        let roots: Vec<usize> = schema
            .fields()
            .iter()
            .enumerate()
            .filter(|(_, f)| wanted.is_none_or(|w| w(f.name())))
            .map(|(i, _)| i)
            .collect();
        let mask = ProjectionMask::roots(builder.parquet_schema(), roots);
        let reader = builder
            .with_projection(mask)
            .with_batch_size(BATCH_ROWS)
            .build()
            .map_err(not_parquet)?;
        let mut batches = Vec::new();
        for batch in reader {
            batches.push(batch.map_err(|e| Error::NotParquet {
                file: file.to_owned(),
                detail: e.to_string(),
            })?);
        }
        Ok(Self {
            file: file.to_owned(),
            metadata,
            schema,
            batches,
        })
    }

    fn rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    /// The chunks of column `name`, one per batch, or a [`Error::MissingColumn`].
    fn column(&self, name: &str, expected: &str) -> Result<Vec<ArrayRef>> {
        if self.schema.field_with_name(name).is_err() {
            return Err(Error::MissingColumn {
                file: self.file.clone(),
                column: name.to_owned(),
                expected: expected.to_owned(),
            });
        }
        self.batches
            .iter()
            .map(|b| {
                b.column_by_name(name)
                    .cloned()
                    .ok_or_else(|| Error::MissingColumn {
                        file: self.file.clone(),
                        column: name.to_owned(),
                        expected: expected.to_owned(),
                    })
            })
            .collect()
    }

    fn data_type(&self, name: &str) -> Option<&DataType> {
        self.schema.field_with_name(name).ok().map(Field::data_type)
    }

    fn wrong_type(&self, name: &str, expected: &str) -> Error {
        Error::WrongType {
            file: self.file.clone(),
            column: name.to_owned(),
            found: self
                .data_type(name)
                .map_or_else(|| "?".to_owned(), ToString::to_string),
            expected: expected.to_owned(),
        }
    }

    fn null_error(&self, name: &str, chunks: &[ArrayRef]) -> Error {
        let mut offset = 0;
        for chunk in chunks {
            if let Some(i) = (0..chunk.len()).find(|&i| chunk.is_null(i)) {
                return Error::UnexpectedNull {
                    file: self.file.clone(),
                    column: name.to_owned(),
                    row: offset + i,
                };
            }
            offset += chunk.len();
        }
        unreachable!("null_error called on a column without nulls")
    }

    /// A non-null primitive column of exactly type `T`.
    fn primitive<T: ArrowPrimitiveType>(
        &self,
        name: &str,
        expected: &str,
    ) -> Result<Vec<T::Native>> {
        let chunks = self.column(name, expected)?;
        if self.data_type(name) != Some(&T::DATA_TYPE) {
            return Err(self.wrong_type(name, expected));
        }
        if chunks.iter().any(|c| c.null_count() > 0) {
            return Err(self.null_error(name, &chunks));
        }
        let mut out = Vec::with_capacity(self.rows());
        for c in &chunks {
            out.extend_from_slice(c.as_primitive::<T>().values());
        }
        Ok(out)
    }

    /// A nullable Float64 column.
    fn nullable_f64(&self, name: &str) -> Result<Vec<Option<f64>>> {
        let expected = "Float64 (nullable)";
        let chunks = self.column(name, expected)?;
        if self.data_type(name) != Some(&DataType::Float64) {
            return Err(self.wrong_type(name, expected));
        }
        let mut out = Vec::with_capacity(self.rows());
        for c in &chunks {
            out.extend(c.as_primitive::<Float64Type>().iter());
        }
        Ok(out)
    }

    /// A non-null UTC timestamp column, as whole seconds. Parquet cannot store second-unit
    /// timestamps natively, so any unit is accepted as long as the values are whole seconds.
    fn timestamp_s(&self, name: &str) -> Result<Vec<i64>> {
        let expected = "Timestamp(Second, \"UTC\") (any unit, UTC, whole seconds)";
        let chunks = self.column(name, expected)?;
        let Some(DataType::Timestamp(unit, Some(tz))) = self.data_type(name) else {
            return Err(self.wrong_type(name, expected));
        };
        if !matches!(tz.as_ref(), "UTC" | "+00:00" | "Etc/UTC" | "Z" | "+0000") {
            return Err(self.wrong_type(name, expected));
        }
        if chunks.iter().any(|c| c.null_count() > 0) {
            return Err(self.null_error(name, &chunks));
        }
        let per_s: i64 = match unit {
            TimeUnit::Second => 1,
            TimeUnit::Millisecond => 1_000,
            TimeUnit::Microsecond => 1_000_000,
            TimeUnit::Nanosecond => 1_000_000_000,
        };
        let mut out = Vec::with_capacity(self.rows());
        for c in &chunks {
            match unit {
                TimeUnit::Second => {
                    out.extend_from_slice(c.as_primitive::<TimestampSecondType>().values())
                }
                TimeUnit::Millisecond => {
                    out.extend_from_slice(c.as_primitive::<TimestampMillisecondType>().values())
                }
                TimeUnit::Microsecond => {
                    out.extend_from_slice(c.as_primitive::<TimestampMicrosecondType>().values())
                }
                TimeUnit::Nanosecond => {
                    out.extend_from_slice(c.as_primitive::<TimestampNanosecondType>().values())
                }
            }
        }
        if per_s != 1 {
            for (row, v) in out.iter_mut().enumerate() {
                if v.rem_euclid(per_s) != 0 {
                    return Err(Error::InvalidValue {
                        file: self.file.clone(),
                        column: name.to_owned(),
                        row,
                        detail: "timestamp has a fractional second; extracts carry whole seconds"
                            .into(),
                    });
                }
                *v = v.div_euclid(per_s);
            }
        }
        Ok(out)
    }

    /// A non-null string column (Utf8, LargeUtf8, Utf8View, or a dictionary of Utf8).
    fn strings(&self, name: &str) -> Result<Dict> {
        let expected = "Utf8 (or a dictionary of Utf8)";
        let chunks = self.column(name, expected)?;
        let ok = match self.data_type(name) {
            Some(DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View) => true,
            Some(DataType::Dictionary(key, value)) => {
                key.is_dictionary_key_type()
                    && matches!(
                        value.as_ref(),
                        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
                    )
            }
            _ => false,
        };
        if !ok {
            return Err(self.wrong_type(name, expected));
        }
        if chunks.iter().any(|c| c.null_count() > 0) {
            return Err(self.null_error(name, &chunks));
        }
        let mut builder = DictBuilder::default();
        for c in &chunks {
            builder.push_array(c);
        }
        Ok(builder.finish())
    }

    fn rows_invalid(&self, column: &str, row: usize, detail: impl Into<String>) -> Error {
        Error::InvalidValue {
            file: self.file.clone(),
            column: column.to_owned(),
            row,
            detail: detail.into(),
        }
    }
}

fn codec_supported(codec: Compression) -> bool {
    matches!(
        codec,
        Compression::UNCOMPRESSED
            | Compression::SNAPPY
            | Compression::LZ4
            | Compression::LZ4_RAW
            | Compression::BROTLI(_)
            | Compression::GZIP(_)
    )
}

/// Accumulates string chunks into one [`Dict`], deduplicating values across chunks.
#[derive(Default)]
struct DictBuilder {
    index: HashMap<String, u32>,
    dict: Dict,
}

impl DictBuilder {
    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&code) = self.index.get(s) {
            return code;
        }
        let code = self.dict.values.len() as u32;
        self.dict.values.push(s.to_owned());
        self.index.insert(s.to_owned(), code);
        code
    }

    fn push_strs<'a>(&mut self, rows: impl Iterator<Item = Option<&'a str>>) {
        // Extracts are sorted, so runs of one value are common: remember the last one.
        let mut last: Option<(&str, u32)> = None;
        for s in rows {
            let s = s.unwrap_or_default();
            let code = match last {
                Some((prev, code)) if prev == s => code,
                _ => self.intern(s),
            };
            last = Some((s, code));
            self.dict.codes.push(code);
        }
    }

    fn push_array(&mut self, array: &ArrayRef) {
        match array.data_type() {
            DataType::Utf8 => self.push_strs(array.as_string::<i32>().iter()),
            DataType::LargeUtf8 => self.push_strs(array.as_string::<i64>().iter()),
            DataType::Utf8View => self.push_strs(array.as_string_view().iter()),
            DataType::Dictionary(key, _) => match key.as_ref() {
                DataType::Int8 => self.push_dictionary(array.as_dictionary::<Int8Type>()),
                DataType::Int16 => self.push_dictionary(array.as_dictionary::<Int16Type>()),
                DataType::Int32 => self.push_dictionary(array.as_dictionary::<Int32Type>()),
                DataType::Int64 => self.push_dictionary(array.as_dictionary::<Int64Type>()),
                DataType::UInt8 => self.push_dictionary(array.as_dictionary::<UInt8Type>()),
                DataType::UInt16 => self.push_dictionary(array.as_dictionary::<UInt16Type>()),
                DataType::UInt32 => self.push_dictionary(array.as_dictionary::<UInt32Type>()),
                DataType::UInt64 => self.push_dictionary(array.as_dictionary::<UInt64Type>()),
                other => unreachable!("checked dictionary key type, got {other}"),
            },
            other => unreachable!("checked string type, got {other}"),
        }
    }

    fn push_dictionary<K: arrow_array::types::ArrowDictionaryKeyType>(
        &mut self,
        array: &DictionaryArray<K>,
    ) {
        // Map the chunk's own dictionary to global codes once, then translate the keys.
        let values = array.values();
        let mut local = DictBuilder::default();
        local.push_array(values);
        let map: Vec<u32> = local
            .dict
            .codes
            .iter()
            .map(|&c| self.intern(&local.dict.values[c as usize]))
            .collect();
        for key in array.keys().values() {
            self.dict.codes.push(map[key.as_usize()]);
        }
    }

    fn finish(self) -> Dict {
        self.dict
    }
}

// ---------------------------------------------------------------------------------------------
// Readers
// ---------------------------------------------------------------------------------------------

fn among(names: &'static [&'static str]) -> impl Fn(&str) -> bool {
    move |n| names.contains(&n)
}

/// Reads `conversions_ga` or `conversions_gp` (the latter has `identity_role`).
pub fn read_conversions(file: &str, bytes: Bytes) -> Result<Conversions> {
    const COLS: &[&str] = &[
        col::CONVERSION_ID,
        col::CONVERSION_KIND,
        col::IDENTITY_ROLE,
        col::CONVERSION_TS,
        col::CONVERSION_DATE,
        col::CONVERSION_AMOUNT_USD,
        col::SOURCE_ROWS,
    ];
    let d = Decoded::read(file, bytes, Some(&among(COLS)))?;
    let conversion_id = d.primitive::<UInt32Type>(col::CONVERSION_ID, "UInt32")?;
    let conversion_kind = d.strings(col::CONVERSION_KIND)?;
    let identity_role = match d.data_type(col::IDENTITY_ROLE) {
        Some(_) => Some(d.strings(col::IDENTITY_ROLE)?),
        None => None,
    };
    let conversion_ts = d.timestamp_s(col::CONVERSION_TS)?;
    let conversion_date = d.primitive::<Date32Type>(col::CONVERSION_DATE, "Date32")?;
    let conversion_amount_usd = d.nullable_f64(col::CONVERSION_AMOUNT_USD)?;
    let source_rows = d.primitive::<UInt32Type>(col::SOURCE_ROWS, "UInt32")?;
    for (row, (&ts, &date)) in conversion_ts.iter().zip(&conversion_date).enumerate() {
        if crate::date::date_of_ts(ts) != date {
            return Err(d.rows_invalid(
                col::CONVERSION_DATE,
                row,
                format!(
                    "{} is not the UTC date of conversion_ts {ts}",
                    crate::date::format_date(date)
                ),
            ));
        }
    }
    if let Some(row) = source_rows.iter().position(|&n| n == 0) {
        return Err(d.rows_invalid(col::SOURCE_ROWS, row, "must be ≥ 1"));
    }
    let mut seen = conversion_id.clone();
    seen.sort_unstable();
    if let Some(w) = seen.windows(2).find(|w| w[0] == w[1]) {
        let row = conversion_id.iter().position(|&id| id == w[0]).unwrap_or(0);
        return Err(d.rows_invalid(
            col::CONVERSION_ID,
            row,
            format!("conversion_id {} is not unique", w[0]),
        ));
    }
    Ok(Conversions {
        conversion_id,
        conversion_kind,
        identity_role,
        conversion_ts,
        conversion_date,
        conversion_amount_usd,
        source_rows,
    })
}

/// A touch extract with its file-level lookback bound.
#[derive(Debug, Clone, PartialEq)]
pub struct TouchExtract {
    pub touches: Touches,
    /// The longest lookback the publisher included (`mensura.max_lookback_days`).
    pub max_lookback_days: u32,
}

/// Reads `journeys_touches_ga` or `journeys_touches_gp`.
pub fn read_touches(file: &str, bytes: Bytes) -> Result<TouchExtract> {
    const COLS: &[&str] = &[
        col::CONVERSION_ID,
        col::EVENT_KIND,
        col::EVENT_SOURCE,
        col::TOUCH_OFFSET_S,
        col::LAG_DAYS,
    ];
    let d = Decoded::read(file, bytes, Some(&among(COLS)))?;
    let max_lookback_days = d
        .metadata
        .get(MAX_LOOKBACK_KEY)
        .and_then(|v| v.parse::<u32>().ok())
        .ok_or_else(|| Error::InvalidValue {
            file: d.file.clone(),
            column: "(file metadata)".into(),
            row: 0,
            detail: format!("missing or non-numeric `{MAX_LOOKBACK_KEY}` entry"),
        })?;
    let touches = Touches {
        conversion_id: d.primitive::<UInt32Type>(col::CONVERSION_ID, "UInt32")?,
        event_kind: d.strings(col::EVENT_KIND)?,
        event_source: d.strings(col::EVENT_SOURCE)?,
        touch_offset_s: d.primitive::<UInt32Type>(col::TOUCH_OFFSET_S, "UInt32")?,
        lag_days: d.primitive::<UInt16Type>(col::LAG_DAYS, "UInt16")?,
    };
    let max_offset = u64::from(max_lookback_days) * 86_400;
    for (row, &off) in touches.touch_offset_s.iter().enumerate() {
        if off == 0 || u64::from(off) > max_offset {
            return Err(d.rows_invalid(
                col::TOUCH_OFFSET_S,
                row,
                format!("{off} is outside [1, {max_offset}] (1 s to the {max_lookback_days}-day lookback)"),
            ));
        }
    }
    Ok(TouchExtract {
        touches,
        max_lookback_days,
    })
}

/// Reads `funnel_events_ga`.
pub fn read_funnel_events(file: &str, bytes: Bytes) -> Result<FunnelEvents> {
    const COLS: &[&str] = &[col::USER_ID, col::EVENT_TS, col::EVENT_KIND];
    let d = Decoded::read(file, bytes, Some(&among(COLS)))?;
    Ok(FunnelEvents {
        user_id: d.primitive::<UInt32Type>(col::USER_ID, "UInt32")?,
        event_ts: d.timestamp_s(col::EVENT_TS)?,
        event_kind: d.strings(col::EVENT_KIND)?,
    })
}

/// Reads `mmm_spine_weekly`: `week`, then every `kpi_*`, `media_*` and `ctrl_*` column.
pub fn read_spine(file: &str, bytes: Bytes) -> Result<Spine> {
    let keep = |n: &str| n == col::WEEK || Family::of(n).is_some();
    let d = Decoded::read(file, bytes, Some(&keep))?;
    let week = d.primitive::<Date32Type>(col::WEEK, "Date32")?;
    for (row, w) in week.windows(2).enumerate() {
        if w[1] <= w[0] {
            return Err(d.rows_invalid(col::WEEK, row + 1, "weeks must be strictly increasing"));
        }
    }
    if let Some(row) = week
        .iter()
        .position(|&w| crate::date::monday_on_or_before(w) != w)
    {
        return Err(d.rows_invalid(
            col::WEEK,
            row,
            format!("{} is not a Monday", crate::date::format_date(week[row])),
        ));
    }
    let mut columns = Vec::new();
    for field in d.schema.fields() {
        let Some(family) = Family::of(field.name()) else {
            continue;
        };
        columns.push(SpineColumn {
            name: field.name().clone(),
            family,
            values: d.nullable_f64(field.name())?,
        });
    }
    Ok(Spine { week, columns })
}

// ---------------------------------------------------------------------------------------------
// Writers
// ---------------------------------------------------------------------------------------------

/// How to write an extract.
#[derive(Debug, Clone)]
pub struct WriteOptions {
    /// Rows per row group.
    pub row_group_rows: usize,
    /// Extra file-level metadata entries (the schema version is always added).
    pub metadata: Vec<(String, String)>,
}

impl Default for WriteOptions {
    fn default() -> Self {
        Self {
            row_group_rows: 256 * 1024,
            metadata: Vec::new(),
        }
    }
}

fn write_batch(batch: &RecordBatch, options: &WriteOptions) -> Vec<u8> {
    let mut kv = vec![KeyValue::new(
        SCHEMA_VERSION_KEY.to_owned(),
        SCHEMA_VERSION.to_owned(),
    )];
    kv.extend(
        options
            .metadata
            .iter()
            .map(|(k, v)| KeyValue::new(k.clone(), v.clone())),
    );
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(options.row_group_rows.max(1)))
        .set_key_value_metadata(Some(kv))
        .build();
    let mut out = Vec::new();
    // Writing into a Vec cannot fail for I/O reasons, and the batch matches its own schema.
    let mut writer = ArrowWriter::try_new(&mut out, batch.schema(), Some(props))
        .expect("valid writer properties");
    writer
        .write(batch)
        .expect("in-memory write of a consistent batch");
    writer.close().expect("in-memory close");
    out
}

fn dict_array(d: &Dict) -> ArrayRef {
    let keys = UInt32Array::from(d.codes.clone());
    let values = Arc::new(StringArray::from_iter_values(d.values.iter()));
    Arc::new(DictionaryArray::<UInt32Type>::try_new(keys, values).expect("codes index the values"))
}

fn dict_field(name: &str) -> Field {
    Field::new(
        name,
        DataType::Dictionary(Box::new(DataType::UInt32), Box::new(DataType::Utf8)),
        false,
    )
}

fn utc_seconds() -> DataType {
    DataType::Timestamp(TimeUnit::Second, Some("UTC".into()))
}

fn batch(fields: Vec<Field>, columns: Vec<ArrayRef>) -> RecordBatch {
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)
        .expect("columns match their fields")
}

/// Writes a conversions extract (GA, or GP when `identity_role` is present).
pub fn write_conversions(c: &Conversions, options: &WriteOptions) -> Vec<u8> {
    let mut fields = vec![
        Field::new(col::CONVERSION_ID, DataType::UInt32, false),
        dict_field(col::CONVERSION_KIND),
    ];
    let mut columns: Vec<ArrayRef> = vec![
        Arc::new(UInt32Array::from(c.conversion_id.clone())),
        dict_array(&c.conversion_kind),
    ];
    if let Some(role) = &c.identity_role {
        fields.push(dict_field(col::IDENTITY_ROLE));
        columns.push(dict_array(role));
    }
    fields.extend([
        Field::new(col::CONVERSION_TS, utc_seconds(), false),
        Field::new(col::CONVERSION_DATE, DataType::Date32, false),
        Field::new(col::CONVERSION_AMOUNT_USD, DataType::Float64, true),
        Field::new(col::SOURCE_ROWS, DataType::UInt32, false),
    ]);
    columns.extend([
        Arc::new(TimestampSecondArray::from(c.conversion_ts.clone()).with_timezone("UTC"))
            as ArrayRef,
        Arc::new(Date32Array::from(c.conversion_date.clone())),
        Arc::new(Float64Array::from(c.conversion_amount_usd.clone())),
        Arc::new(UInt32Array::from(c.source_rows.clone())),
    ]);
    write_batch(&batch(fields, columns), options)
}

/// Writes a touch extract; `max_lookback_days` goes into the file metadata.
pub fn write_touches(t: &Touches, max_lookback_days: u32, options: &WriteOptions) -> Vec<u8> {
    let fields = vec![
        Field::new(col::CONVERSION_ID, DataType::UInt32, false),
        dict_field(col::EVENT_KIND),
        dict_field(col::EVENT_SOURCE),
        Field::new(col::TOUCH_OFFSET_S, DataType::UInt32, false),
        Field::new(col::LAG_DAYS, DataType::UInt16, false),
    ];
    let columns: Vec<ArrayRef> = vec![
        Arc::new(UInt32Array::from(t.conversion_id.clone())),
        dict_array(&t.event_kind),
        dict_array(&t.event_source),
        Arc::new(UInt32Array::from(t.touch_offset_s.clone())),
        Arc::new(UInt16Array::from(t.lag_days.clone())),
    ];
    let mut options = options.clone();
    options
        .metadata
        .push((MAX_LOOKBACK_KEY.to_owned(), max_lookback_days.to_string()));
    write_batch(&batch(fields, columns), &options)
}

/// Writes a funnel-events extract.
pub fn write_funnel_events(e: &FunnelEvents, options: &WriteOptions) -> Vec<u8> {
    let fields = vec![
        Field::new(col::USER_ID, DataType::UInt32, false),
        Field::new(col::EVENT_TS, utc_seconds(), false),
        dict_field(col::EVENT_KIND),
    ];
    let columns: Vec<ArrayRef> = vec![
        Arc::new(UInt32Array::from(e.user_id.clone())),
        Arc::new(TimestampSecondArray::from(e.event_ts.clone()).with_timezone("UTC")),
        dict_array(&e.event_kind),
    ];
    write_batch(&batch(fields, columns), options)
}

/// Writes an MMM spine extract.
pub fn write_spine(s: &Spine, options: &WriteOptions) -> Vec<u8> {
    let mut fields = vec![Field::new(col::WEEK, DataType::Date32, false)];
    let mut columns: Vec<ArrayRef> = vec![Arc::new(Date32Array::from(s.week.clone()))];
    for c in &s.columns {
        fields.push(Field::new(&c.name, DataType::Float64, true));
        columns.push(Arc::new(PrimitiveArray::<Float64Type>::from(
            c.values.clone(),
        )));
    }
    write_batch(&batch(fields, columns), options)
}
