//! Writes a data directory like the one `mensura publish` will produce, for the notebook's
//! end-to-end tests: the sample extracts of `fixtures/sample/` plus the warehouse-only marts the
//! notebook reads when they exist (`attribution_ga_{7,30,60}d`, `coverage_daily_ga`,
//! `funnel_daily_ga`, `mmm_registry`), computed here with the engine with the marts' semantics,
//! and a manifest listing them all.
//!
//! Usage: `cargo run -p mensura-web --example published_fixture -- OUT_DIR`

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use arrow_array::{
    ArrayRef, Date32Array, Float64Array, RecordBatch, StringArray, UInt8Array, UInt32Array,
    UInt64Array,
};
use bytes::Bytes;
use mensura_engine::attribution::{self, AttributionParams, DecayKernel, Journeys};
use mensura_engine::extract;
use mensura_engine::funnel::{self, FunnelModes, FunnelParams, Grouping};
use parquet::arrow::ArrowWriter;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use sha2::{Digest, Sha256};

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/sample");
const KPI_REGISTRY: &str = include_str!("../../../server/seeds/mmm_kpi_registry.csv");

fn write(batch: &RecordBatch) -> Vec<u8> {
    let props = WriterProperties::builder()
        .set_key_value_metadata(Some(vec![KeyValue::new(
            extract::SCHEMA_VERSION_KEY.to_owned(),
            extract::SCHEMA_VERSION.to_owned(),
        )]))
        .build();
    let mut out = Vec::new();
    let mut w = ArrowWriter::try_new(&mut out, batch.schema(), Some(props)).expect("writer");
    w.write(batch).expect("write");
    w.close().expect("close");
    out
}

fn strs(v: Vec<String>) -> ArrayRef {
    Arc::new(StringArray::from(v))
}

fn main() {
    let out = std::env::args()
        .nth(1)
        .expect("usage: published_fixture OUT_DIR");
    let out = Path::new(&out);
    std::fs::create_dir_all(out).expect("create the output directory");
    let read = |name: &str| {
        Bytes::from(std::fs::read(Path::new(SAMPLE).join(name)).expect("read the sample"))
    };
    for entry in std::fs::read_dir(SAMPLE).expect("sample") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), out.join(entry.file_name())).expect("copy");
    }
    let conversions =
        extract::read_conversions("conversions_ga.parquet", read("conversions_ga.parquet"))
            .expect("conversions");
    let touches = extract::read_touches(
        "journeys_touches_ga.parquet",
        read("journeys_touches_ga.parquet"),
    )
    .expect("touches");
    let journeys =
        Journeys::new(&conversions, &touches, "journeys_touches_ga.parquet").expect("journeys");
    // (extract name, sector, bytes, rows, lookbacks) of each mart.
    type Published = (String, String, Vec<u8>, usize, Vec<u32>);
    let mut files: Vec<Published> = Vec::new();

    // attribution_ga_{N}d: the upstream kernel exp(−lag/7), calendar lag, 180-day window.
    for lookback_days in [7, 30, 60] {
        let a = attribution::attribute(
            &journeys,
            &AttributionParams {
                lookback_days,
                kernel: DecayKernel::EFolding { efold_days: 7.0 },
                ..AttributionParams::default()
            },
        )
        .expect("attribute");
        let r = &a.rows;
        let batch = RecordBatch::try_from_iter([
            (
                "conversion_kind",
                strs(r.iter().map(|r| r.conversion_kind.clone()).collect()),
            ),
            (
                "event_kind",
                strs(r.iter().map(|r| r.event_kind.clone()).collect()),
            ),
            (
                "conversions_with_touch",
                Arc::new(UInt64Array::from(
                    r.iter()
                        .map(|r| r.conversions_with_touch)
                        .collect::<Vec<_>>(),
                )) as ArrayRef,
            ),
            (
                "first_touch",
                Arc::new(Float64Array::from(
                    r.iter().map(|r| r.first_touch).collect::<Vec<_>>(),
                )) as ArrayRef,
            ),
            (
                "last_touch",
                Arc::new(Float64Array::from(
                    r.iter().map(|r| r.last_touch).collect::<Vec<_>>(),
                )) as ArrayRef,
            ),
            (
                "linear",
                Arc::new(Float64Array::from(
                    r.iter().map(|r| r.linear).collect::<Vec<_>>(),
                )) as ArrayRef,
            ),
            (
                "time_decay_hl_7d",
                Arc::new(Float64Array::from(
                    r.iter().map(|r| r.time_decay).collect::<Vec<_>>(),
                )) as ArrayRef,
            ),
            (
                "total_conversions",
                Arc::new(UInt64Array::from(
                    r.iter().map(|r| r.total_conversions).collect::<Vec<_>>(),
                )) as ArrayRef,
            ),
        ])
        .expect("batch");
        files.push((
            format!("attribution_ga_{lookback_days}d"),
            "ga".into(),
            write(&batch),
            r.len(),
            vec![lookback_days],
        ));
    }

    // coverage_daily_ga: per (date, kind), upstream rows and conversions with a touch within 30 days.
    let tracked: BTreeSet<u32> = attribution::attribute(
        &journeys,
        &AttributionParams {
            lookback_days: 30,
            window_days: 100_000,
            per_conversion: true,
            ..AttributionParams::default()
        },
    )
    .expect("attribute")
    .per_conversion
    .unwrap_or_default()
    .iter()
    .map(|c| c.conversion_id)
    .collect();
    let mut cov: BTreeMap<(i32, String), (u64, u64)> = BTreeMap::new();
    for i in 0..conversions.len() {
        let e = cov
            .entry((
                conversions.conversion_date[i],
                conversions.conversion_kind.get(i).to_owned(),
            ))
            .or_default();
        e.0 += u64::from(conversions.source_rows[i]);
        e.1 += u64::from(tracked.contains(&conversions.conversion_id[i]));
    }
    let batch = RecordBatch::try_from_iter([
        (
            "conversion_date",
            Arc::new(Date32Array::from(
                cov.keys().map(|k| k.0).collect::<Vec<_>>(),
            )) as ArrayRef,
        ),
        (
            "conversion_kind",
            strs(cov.keys().map(|k| k.1.clone()).collect()),
        ),
        (
            "total_conversions",
            Arc::new(UInt64Array::from(
                cov.values().map(|v| v.0).collect::<Vec<_>>(),
            )) as ArrayRef,
        ),
        (
            "tracked_conversions",
            Arc::new(UInt64Array::from(
                cov.values().map(|v| v.1).collect::<Vec<_>>(),
            )) as ArrayRef,
        ),
    ])
    .expect("batch");
    files.push((
        "coverage_daily_ga".into(),
        "ga".into(),
        write(&batch),
        cov.len(),
        vec![],
    ));

    // funnel_daily_ga: the four seed funnels per user-day, default mode.
    let events =
        extract::read_funnel_events("funnel_events_ga.parquet", read("funnel_events_ga.parquet"))
            .expect("events");
    let (mut dates, mut names, mut users, mut levels) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for preset in mensura_web::analysis::FUNNEL_PRESETS {
        let r = funnel::funnel(
            &events,
            &FunnelParams {
                steps: preset.steps.iter().map(|s| (*s).to_owned()).collect(),
                window_s: preset.window_s,
                modes: FunnelModes::default(),
                grouping: Grouping::PerDay,
                with_rows: true,
            },
        )
        .expect("funnel");
        for row in r.rows.unwrap_or_default() {
            dates.push(row.date.unwrap_or_default());
            names.push(preset.name.to_owned());
            users.push(row.user_id);
            levels.push(row.level as u8);
        }
    }
    let n = dates.len();
    let batch = RecordBatch::try_from_iter([
        ("date", Arc::new(Date32Array::from(dates)) as ArrayRef),
        ("funnel_name", strs(names)),
        ("user_id", Arc::new(UInt32Array::from(users)) as ArrayRef),
        ("level", Arc::new(UInt8Array::from(levels)) as ArrayRef),
    ])
    .expect("batch");
    files.push((
        "funnel_daily_ga".into(),
        "ga".into(),
        write(&batch),
        n,
        vec![],
    ));

    // mmm_registry: the KPI registry seed (name and is_dedup_safe).
    let rows: Vec<(String, u8)> = KPI_REGISTRY
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split(',').collect();
            Some((cols.first()?.to_string(), cols.last()?.trim().parse().ok()?))
        })
        .collect();
    let batch = RecordBatch::try_from_iter([
        ("kpi_name", strs(rows.iter().map(|r| r.0.clone()).collect())),
        (
            "is_dedup_safe",
            Arc::new(UInt8Array::from(
                rows.iter().map(|r| r.1).collect::<Vec<_>>(),
            )) as ArrayRef,
        ),
    ])
    .expect("batch");
    files.push((
        "mmm_registry".into(),
        "mmm".into(),
        write(&batch),
        rows.len(),
        vec![],
    ));

    // The manifest: the sample's, with the marts appended.
    let mut manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(Path::new(SAMPLE).join("manifest.json")).expect("manifest"),
    )
    .expect("json");
    let list = manifest["files"].as_array_mut().expect("files");
    for (stem, sector, bytes, rows, lookbacks) in files {
        let name = format!("{stem}.parquet");
        std::fs::write(out.join(&name), &bytes).expect("write");
        let sha: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        list.push(serde_json::json!({
            "name": name, "extract": stem, "schema_version": "1", "sector": sector, "rows": rows,
            "bytes": bytes.len(), "sha256": sha, "lookbacks": lookbacks,
            "as_of_date": "2026-06-29", "built_at": "2026-07-01T00:00:00Z",
        }));
    }
    manifest["source"] = "warehouse".into();
    std::fs::write(
        out.join("manifest.json"),
        serde_json::to_string_pretty(&manifest).expect("json"),
    )
    .expect("write");
    println!("wrote {}", out.display());
}
