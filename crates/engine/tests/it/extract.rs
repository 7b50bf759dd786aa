//! The Parquet boundary: round trips, and every kind of bad file gives an error naming the file,
//! the column and what was expected.

use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch, UInt32Array};
use arrow_schema::{DataType, Field, Schema};
use bytes::Bytes;
use mensura_engine::Error;
use mensura_engine::extract::{
    WriteOptions, read_conversions, read_funnel_events, read_spine, read_touches,
    write_conversions, write_funnel_events, write_spine, write_touches,
};
use mensura_engine::table::{Dict, Family, FunnelEvents, Spine, SpineColumn};
use parquet::arrow::ArrowWriter;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;

use crate::common::{RawConversion, RawEvent, build, ts};

fn sample() -> (
    mensura_engine::table::Conversions,
    mensura_engine::extract::TouchExtract,
) {
    let c = ts(2026, 3, 10, 12, 0, 0);
    build(
        &[
            RawConversion {
                user: 1,
                role: Some("safe_self"),
                kind: "gpay_payment",
                ts: c,
            },
            RawConversion {
                user: 1,
                role: Some("initial_owner"),
                kind: "gpay_payment",
                ts: c,
            },
        ],
        &[
            RawEvent {
                user: 1,
                role: Some("safe_self"),
                kind: "gp.deposit",
                ts: c - 100,
            },
            RawEvent {
                user: 1,
                role: Some("initial_owner"),
                kind: "gp.deposit",
                ts: c - 86_400 * 3,
            },
        ],
        60,
    )
}

#[test]
fn round_trips() {
    let (c, t) = sample();
    let bytes = write_conversions(&c, &WriteOptions::default());
    assert_eq!(
        read_conversions("conversions_gp.parquet", Bytes::from(bytes)).expect("valid"),
        c
    );
    let bytes = write_touches(&t.touches, t.max_lookback_days, &WriteOptions::default());
    assert_eq!(
        read_touches("journeys_touches_gp.parquet", Bytes::from(bytes)).expect("valid"),
        t
    );
    let events = FunnelEvents {
        user_id: vec![3, 1],
        event_ts: vec![10, 20],
        event_kind: Dict::from_strs(["mp.pageview", "chain.topup"]),
    };
    let bytes = write_funnel_events(&events, &WriteOptions::default());
    assert_eq!(
        read_funnel_events("funnel_events_ga.parquet", Bytes::from(bytes)).expect("valid"),
        events
    );
    let spine = Spine {
        week: vec![20_521, 20_528],
        columns: vec![
            SpineColumn {
                name: "kpi_a".into(),
                family: Family::Kpi,
                values: vec![Some(1.0), None],
            },
            SpineColumn {
                name: "media_b".into(),
                family: Family::Media,
                values: vec![None, Some(2.5)],
            },
        ],
    };
    let bytes = write_spine(&spine, &WriteOptions::default());
    assert_eq!(
        read_spine("mmm_spine_weekly.parquet", Bytes::from(bytes)).expect("valid"),
        spine
    );
}

/// Writes an arbitrary batch with the given metadata (`None`: no version entry).
fn raw(fields: Vec<Field>, columns: Vec<ArrayRef>, version: Option<&str>) -> Bytes {
    let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).expect("consistent");
    let kv = version.map(|v| vec![KeyValue::new("mensura.schema_version".into(), v.to_owned())]);
    let props = WriterProperties::builder()
        .set_key_value_metadata(kv)
        .build();
    let mut out = Vec::new();
    let mut w = ArrowWriter::try_new(&mut out, batch.schema(), Some(props)).expect("writer");
    w.write(&batch).expect("write");
    w.close().expect("close");
    Bytes::from(out)
}

#[test]
fn missing_column_is_named() {
    let bytes = raw(
        vec![Field::new("user_id", DataType::UInt32, false)],
        vec![Arc::new(UInt32Array::from(vec![1]))],
        Some("1"),
    );
    let err =
        read_funnel_events("funnel_events_ga.parquet", bytes).expect_err("event_ts is missing");
    assert!(
        matches!(&err, Error::MissingColumn { column, .. } if column == "event_ts"),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "funnel_events_ga.parquet: required column `event_ts` is missing (expected Timestamp(Second, \"UTC\") (any unit, UTC, whole seconds))"
    );
}

#[test]
fn wrong_type_is_named() {
    let bytes = raw(
        vec![Field::new("user_id", DataType::Int64, false)],
        vec![Arc::new(Int64Array::from(vec![1]))],
        Some("1"),
    );
    let err = read_funnel_events("f.parquet", bytes).expect_err("user_id must be UInt32");
    assert_eq!(
        err.to_string(),
        "f.parquet: column `user_id` has type Int64, expected UInt32"
    );
}

#[test]
fn null_where_none_allowed() {
    let bytes = raw(
        vec![Field::new("user_id", DataType::UInt32, true)],
        vec![Arc::new(UInt32Array::from(vec![Some(1), None]))],
        Some("1"),
    );
    let err = read_funnel_events("f.parquet", bytes).expect_err("null user");
    assert_eq!(
        err.to_string(),
        "f.parquet: column `user_id` has a null at row 1; it must not be null"
    );
}

#[test]
fn schema_version_is_checked() {
    let fields = || vec![Field::new("x", DataType::Float64, true)];
    let cols = || vec![Arc::new(Float64Array::from(vec![1.0])) as ArrayRef];
    let err = read_spine("s.parquet", raw(fields(), cols(), Some("2"))).expect_err("version 2");
    assert_eq!(
        err.to_string(),
        "s.parquet: schema version \"2\" is not supported (this engine reads version 1)"
    );
    let err = read_spine("s.parquet", raw(fields(), cols(), None)).expect_err("no version");
    assert!(
        err.to_string()
            .contains("no `mensura.schema_version` metadata entry"),
        "{err}"
    );
}

#[test]
fn truncated_and_foreign_files() {
    let (c, _) = sample();
    let bytes = write_conversions(&c, &WriteOptions::default());
    for cut in [0, 4, bytes.len() / 2, bytes.len() - 1] {
        let err = read_conversions("c.parquet", Bytes::from(bytes[..cut].to_vec()))
            .expect_err("truncated");
        assert!(
            matches!(err, Error::NotParquet { .. }),
            "cut at {cut}: {err}"
        );
        assert!(
            err.to_string()
                .starts_with("c.parquet: not a readable Parquet file"),
            "{err}"
        );
    }
    let err = read_conversions(
        "c.csv",
        Bytes::from_static(b"conversion_id,kind\n1,topup\n"),
    )
    .expect_err("csv");
    assert!(matches!(err, Error::NotParquet { .. }));
}

#[test]
fn touches_need_their_lookback_and_a_known_conversion() {
    let (c, t) = sample();
    let mut bad = t.touches.clone();
    bad.touch_offset_s[0] = 61 * 86_400;
    let err = read_touches(
        "t.parquet",
        Bytes::from(write_touches(&bad, 60, &WriteOptions::default())),
    )
    .expect_err("offset");
    assert!(
        matches!(&err, Error::InvalidValue { column, row: 0, .. } if column == "touch_offset_s"),
        "{err}"
    );
    let mut orphan = t.clone();
    orphan.touches.conversion_id[1] = 99;
    let err =
        mensura_engine::attribution::Journeys::new(&c, &orphan, "t.parquet").expect_err("orphan");
    assert_eq!(
        err.to_string(),
        "t.parquet: column `conversion_id`, row 1: conversion_id 99 is not in the conversions extract"
    );
    let mut lag = t.clone();
    lag.touches.lag_days[0] += 1;
    let err = mensura_engine::attribution::Journeys::new(&c, &lag, "t.parquet").expect_err("lag");
    assert!(
        matches!(&err, Error::InvalidValue { column, .. } if column == "lag_days"),
        "{err}"
    );
}

#[test]
fn conversion_dates_must_match_timestamps() {
    let (mut c, _) = sample();
    c.conversion_date[1] += 1;
    let err = read_conversions(
        "c.parquet",
        Bytes::from(write_conversions(&c, &WriteOptions::default())),
    )
    .expect_err("date");
    assert!(
        matches!(&err, Error::InvalidValue { column, row: 1, .. } if column == "conversion_date"),
        "{err}"
    );
}

#[test]
fn zstd_is_a_clear_error() {
    // Written by ClickHouse 26.9 (chDB) with its default codec, zstd, which this build cannot decode.
    let bytes = Bytes::from_static(include_bytes!("../data/zstd_funnel_events.parquet"));
    let err = read_funnel_events("funnel_events_ga.parquet", bytes).expect_err("zstd");
    assert!(
        matches!(&err, Error::UnsupportedCodec { codec, .. } if codec.starts_with("ZSTD")),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("publish extracts with snappy, lz4, brotli or gzip"),
        "{err}"
    );
}
