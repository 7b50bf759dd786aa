//! Rows, columns and the chunked table stream.
//!
//! Each upstream table is declared once with [`table!`]: a row struct whose field names are the
//! column names of spec §13 and whose field types fix the Arrow types through [`Column`]:
//!
//! | Rust field type | Arrow type | ClickHouse type (spec §13) |
//! |---|---|---|
//! | `String`, `&'static str` | `Utf8` | `String` |
//! | `Option<String>`, `Option<&'static str>` | nullable `Utf8` | `Nullable(String)` |
//! | [`Ts`] | `Timestamp(Second, "UTC")` | `DateTime`, `DateTime64(0,'UTC')` |
//! | `Option<Ts>` | nullable `Timestamp(Second, "UTC")` | `Nullable(DateTime)` |
//! | [`Day`] | `Date32` | `Date` |
//! | `u64`, `u8`, `i32`, `f64`, `bool` | `UInt64`, `UInt8`, `Int32`, `Float64`, `Boolean` | same |
//! | `Option<f64>` | nullable `Float64` | `Nullable(Float64)` |
//! | `Vec<&'static str>` | `List<Utf8>` (item non-nullable) | `Array(String)` |
//!
//! A table's rows come from a plain iterator (user by user, Safe by Safe, day by day) and are cut
//! into record batches of at most `batch_rows` rows, so no table is ever held whole in memory.

use std::fmt;
use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, Float64Array, Int32Array, RecordBatch, StringArray,
    TimestampSecondArray, UInt8Array, UInt64Array,
};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};

/// A UTC timestamp in seconds since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Ts(pub(crate) i64);

/// A UTC date as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Day(pub(crate) i32);

/// A Rust field type that is one Arrow column type.
pub(crate) trait Column: Sized {
    fn data_type() -> DataType;
    fn nullable() -> bool {
        false
    }
    fn array<'r>(values: impl Iterator<Item = &'r Self>) -> ArrayRef
    where
        Self: 'r;
    fn field(name: &str) -> Field {
        Field::new(name, Self::data_type(), Self::nullable())
    }
}

fn utc_seconds() -> DataType {
    DataType::Timestamp(TimeUnit::Second, Some("UTC".into()))
}

fn list_item() -> Arc<Field> {
    Arc::new(Field::new("item", DataType::Utf8, false))
}

impl Column for String {
    fn data_type() -> DataType {
        DataType::Utf8
    }
    fn array<'r>(values: impl Iterator<Item = &'r Self>) -> ArrayRef {
        Arc::new(StringArray::from_iter_values(values))
    }
}

impl Column for &'static str {
    fn data_type() -> DataType {
        DataType::Utf8
    }
    fn array<'r>(values: impl Iterator<Item = &'r Self>) -> ArrayRef {
        Arc::new(StringArray::from_iter_values(values.copied()))
    }
}

impl Column for Option<String> {
    fn data_type() -> DataType {
        DataType::Utf8
    }
    fn nullable() -> bool {
        true
    }
    fn array<'r>(values: impl Iterator<Item = &'r Self>) -> ArrayRef {
        Arc::new(values.map(Option::as_deref).collect::<StringArray>())
    }
}

impl Column for Option<&'static str> {
    fn data_type() -> DataType {
        DataType::Utf8
    }
    fn nullable() -> bool {
        true
    }
    fn array<'r>(values: impl Iterator<Item = &'r Self>) -> ArrayRef {
        Arc::new(values.copied().collect::<StringArray>())
    }
}

impl Column for Ts {
    fn data_type() -> DataType {
        utc_seconds()
    }
    fn array<'r>(values: impl Iterator<Item = &'r Self>) -> ArrayRef {
        Arc::new(TimestampSecondArray::from_iter_values(values.map(|t| t.0)).with_timezone("UTC"))
    }
}

impl Column for Option<Ts> {
    fn data_type() -> DataType {
        utc_seconds()
    }
    fn nullable() -> bool {
        true
    }
    fn array<'r>(values: impl Iterator<Item = &'r Self>) -> ArrayRef {
        let array: TimestampSecondArray = values.map(|t| t.map(|t| t.0)).collect();
        Arc::new(array.with_timezone("UTC"))
    }
}

impl Column for Day {
    fn data_type() -> DataType {
        DataType::Date32
    }
    fn array<'r>(values: impl Iterator<Item = &'r Self>) -> ArrayRef {
        Arc::new(Date32Array::from_iter_values(values.map(|d| d.0)))
    }
}

impl Column for u64 {
    fn data_type() -> DataType {
        DataType::UInt64
    }
    fn array<'r>(values: impl Iterator<Item = &'r Self>) -> ArrayRef {
        Arc::new(UInt64Array::from_iter_values(values.copied()))
    }
}

impl Column for u8 {
    fn data_type() -> DataType {
        DataType::UInt8
    }
    fn array<'r>(values: impl Iterator<Item = &'r Self>) -> ArrayRef {
        Arc::new(UInt8Array::from_iter_values(values.copied()))
    }
}

impl Column for i32 {
    fn data_type() -> DataType {
        DataType::Int32
    }
    fn array<'r>(values: impl Iterator<Item = &'r Self>) -> ArrayRef {
        Arc::new(Int32Array::from_iter_values(values.copied()))
    }
}

impl Column for f64 {
    fn data_type() -> DataType {
        DataType::Float64
    }
    fn array<'r>(values: impl Iterator<Item = &'r Self>) -> ArrayRef {
        Arc::new(Float64Array::from_iter_values(values.copied()))
    }
}

impl Column for Option<f64> {
    fn data_type() -> DataType {
        DataType::Float64
    }
    fn nullable() -> bool {
        true
    }
    fn array<'r>(values: impl Iterator<Item = &'r Self>) -> ArrayRef {
        Arc::new(values.copied().collect::<Float64Array>())
    }
}

impl Column for bool {
    fn data_type() -> DataType {
        DataType::Boolean
    }
    fn array<'r>(values: impl Iterator<Item = &'r Self>) -> ArrayRef {
        Arc::new(values.map(|&b| Some(b)).collect::<BooleanArray>())
    }
}

impl Column for Vec<&'static str> {
    fn data_type() -> DataType {
        DataType::List(list_item())
    }
    fn array<'r>(values: impl Iterator<Item = &'r Self>) -> ArrayRef {
        let mut builder = ListBuilder::new(StringBuilder::new()).with_field(list_item());
        for list in values {
            for item in list {
                builder.values().append_value(item);
            }
            builder.append(true);
        }
        Arc::new(builder.finish())
    }
}

/// One row of an upstream table (implemented by [`table!`]).
pub(crate) trait Row: Sized + Send + 'static {
    /// The table's name, exactly as in spec §13.
    const TABLE: &'static str;
    fn fields() -> Vec<Field>;
    fn columns(rows: &[Self]) -> Vec<ArrayRef>;
    fn schema() -> SchemaRef {
        Arc::new(Schema::new(Self::fields()))
    }
}

/// Declares a table's row struct: `table! { /// doc  Name => "table_name" { col: Type, … } }`.
macro_rules! table {
    (
        $(#[$meta:meta])*
        $row:ident => $name:literal { $($col:ident : $ty:ty),* $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        pub(crate) struct $row {
            $(pub(crate) $col: $ty,)*
        }

        impl $crate::table::Row for $row {
            const TABLE: &'static str = $name;
            fn fields() -> Vec<arrow_schema::Field> {
                vec![$(<$ty as $crate::table::Column>::field(stringify!($col)),)*]
            }
            fn columns(rows: &[Self]) -> Vec<arrow_array::ArrayRef> {
                vec![$(<$ty as $crate::table::Column>::array(rows.iter().map(|r| &r.$col)),)*]
            }
        }
    };
}
pub(crate) use table;

/// Which part of the stack a table feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Sector {
    /// Gnosis App upstreams (spec §13.1).
    GnosisApp,
    /// Gnosis Pay upstreams (spec §13.2).
    GnosisPay,
    /// MMM upstreams (spec §13.3).
    Mmm,
}

/// A lazily generated sequence of record batches, each of at most `batch_rows` rows.
pub type Batches<'a> = Box<dyn Iterator<Item = RecordBatch> + Send + 'a>;

/// One upstream table: its name, its schema and its rows, generated as they are pulled.
pub struct Table<'a> {
    /// The table's name, exactly as in spec §13 (the ClickHouse table to `INSERT INTO`).
    pub name: &'static str,
    /// The sector it belongs to.
    pub sector: Sector,
    /// The Arrow schema every batch has.
    pub schema: SchemaRef,
    /// The rows, in batches of at most `batch_rows` rows; possibly none (then the table is empty).
    pub batches: Batches<'a>,
}

impl fmt::Debug for Table<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Table")
            .field("name", &self.name)
            .field("sector", &self.sector)
            .field("schema", &self.schema)
            .finish_non_exhaustive()
    }
}

/// Cuts a row iterator into record batches.
struct Chunked<R, I> {
    rows: I,
    batch_rows: usize,
    schema: SchemaRef,
    _row: std::marker::PhantomData<fn() -> R>,
}

impl<R: Row, I: Iterator<Item = R>> Iterator for Chunked<R, I> {
    type Item = RecordBatch;

    fn next(&mut self) -> Option<RecordBatch> {
        let chunk: Vec<R> = self.rows.by_ref().take(self.batch_rows).collect();
        if chunk.is_empty() {
            return None;
        }
        let batch = RecordBatch::try_new(self.schema.clone(), R::columns(&chunk))
            .expect("the columns of a table! row match its schema by construction");
        Some(batch)
    }
}

/// The table of row type `R` whose rows `rows` yields.
pub(crate) fn from_rows<'a, R: Row>(
    sector: Sector,
    batch_rows: usize,
    rows: impl Iterator<Item = R> + Send + 'a,
) -> Table<'a> {
    let schema = R::schema();
    Table {
        name: R::TABLE,
        sector,
        schema: schema.clone(),
        batches: Box::new(Chunked {
            rows,
            batch_rows,
            schema,
            _row: std::marker::PhantomData,
        }),
    }
}
