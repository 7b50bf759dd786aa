//! The whole pipeline on the real embedded ClickHouse, as a user runs it: synthetic upstream data
//! → build → data tests → publish; then the proofs that matter:
//!
//! - **parity**: the engine on the published extracts (upstream kernel `EFolding(7)`, calendar lag)
//!   gives the ClickHouse attribution marts for every sector, role and lookback to 1e-9, and the
//!   daily funnel levels, baselines and correlations of the marts; the coverage marts' conversion
//!   counts follow exactly from the published conversions and touches;
//! - **privacy**: no published byte or decoded value is an address, a pseudonym or the salt;
//! - **another reader** (pyarrow) reads every extract with the manifest's row counts;
//! - **reruns**: an incremental rebuild leaves every table as it was, and a build interrupted at
//!   several points (the build dropped mid-query, the engine killed) and run again ends with
//!   exactly the tables of the uninterrupted build.
//!
//! One engine and one dataset serve every check (a build takes a while).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

use arrow_array::ArrayRef;
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Float64Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_schema::DataType;
use bytes::Bytes;
use mensura::fixtures;
use mensura::manifest::Manifest;
use mensura::publish::publish;
use mensura::stack::{BuildOptions, DEFAULT_LOOKBACKS, Project, RetryPolicy, Runner, run_tests};
use mensura::synth_cmd;
use mensura::warehouse::{Embedded, EmbeddedOptions, Params, Salt, Warehouse};
use mensura_engine::attribution::{AttributionParams, DecayKernel, Journeys, LagMode, attribute};
use mensura_engine::date::format_date;
use mensura_engine::extract::{read_conversions, read_funnel_events, read_spine, read_touches};
use mensura_engine::funnel::{FunnelModes, FunnelParams, Grouping, funnel};
use mensura_engine::mmm::baseline::{BaselineParams, baseline};
use mensura_engine::mmm::collinearity::{CollinearityParams, pairs};
use mensura_synth::SynthConfig;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde::Deserialize;

const TEST_SALT: &str = fixtures::FIXTURE_SALT;
const TOL: f64 = 1e-9;

fn config() -> SynthConfig {
    fixtures::synth_config()
}

/// The build date: the day after the synthetic range.
fn as_of() -> i32 {
    fixtures::as_of()
}

fn options() -> BuildOptions {
    let mut o = fixtures::build_options();
    o.retry = RetryPolicy {
        transient_backoff: vec![Duration::from_millis(500); 5],
        memory_retries: 1,
    };
    o
}

async fn database(base: &Warehouse, name: &str) -> Warehouse {
    base.execute(&format!("DROP DATABASE IF EXISTS {name}"))
        .await
        .expect("drop");
    base.execute(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create");
    base.clone().with_database(name)
}

#[derive(Debug, Deserialize)]
struct Column {
    name: String,
    #[serde(rename = "type")]
    ty: String,
}

#[derive(Debug, Deserialize)]
struct Fingerprint {
    n: u64,
    h: u64,
}

/// Every stored table's row count and an order-independent hash of its rows (floats rounded to six
/// decimals, since parallel float sums may differ in the last bit between runs).
async fn fingerprints(wh: &Warehouse, project: &Project) -> BTreeMap<String, (u64, u64)> {
    let mut out = BTreeMap::new();
    for m in project
        .models
        .iter()
        .filter(|m| m.materialized != mensura::stack::Materialized::View)
    {
        let cols: Vec<Column> = wh
            .query_rows(
                "SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = {t:String} ORDER BY position",
                &Params::new().bind("t", &m.name),
            )
            .await
            .expect("columns");
        let exprs: Vec<String> = cols
            .iter()
            .map(|c| {
                if c.ty.contains("Float") {
                    format!("ifNull(toString(round({}, 6)), '<null>')", c.name)
                } else {
                    format!("ifNull(toString({}), '<null>')", c.name)
                }
            })
            .collect();
        let rows: Vec<Fingerprint> = wh
            .query_rows(
                &format!(
                    "SELECT count() AS n, sum(cityHash64({})) AS h FROM {}",
                    exprs.join(", "),
                    m.name
                ),
                &Params::new(),
            )
            .await
            .unwrap_or_else(|e| panic!("fingerprint of {}: {e}", m.name));
        let f = &rows[0];
        out.insert(m.name.clone(), (f.n, f.h));
    }
    out
}

/// A generic value of a published column.
#[derive(Debug, Clone, PartialEq)]
enum V {
    S(String),
    F(f64),
    U(u64),
    I(i64),
    Null,
}

impl V {
    fn f(&self) -> f64 {
        match self {
            V::F(x) => *x,
            V::U(x) => *x as f64,
            V::I(x) => *x as f64,
            _ => f64::NAN,
        }
    }
    fn s(&self) -> String {
        match self {
            V::S(s) => s.clone(),
            other => format!("{other:?}"),
        }
    }
}

fn values(a: &ArrayRef) -> Vec<V> {
    let a = a.as_ref();
    (0..a.len())
        .map(|i| {
            if a.is_null(i) {
                return V::Null;
            }
            match a.data_type() {
                DataType::Utf8 => V::S(a.as_string::<i32>().value(i).to_string()),
                DataType::LargeUtf8 => V::S(a.as_string::<i64>().value(i).to_string()),
                DataType::Binary => {
                    V::S(String::from_utf8_lossy(a.as_binary::<i32>().value(i)).into_owned())
                }
                DataType::Dictionary(_, _) => {
                    let d = a.as_any_dictionary();
                    let key = d.normalized_keys()[i];
                    match values(d.values()).get(key) {
                        Some(v) => v.clone(),
                        None => V::Null,
                    }
                }
                DataType::Float64 => V::F(a.as_primitive::<Float64Type>().value(i)),
                DataType::UInt8 => V::U(a.as_primitive::<UInt8Type>().value(i).into()),
                DataType::UInt16 => V::U(a.as_primitive::<UInt16Type>().value(i).into()),
                DataType::UInt32 => V::U(a.as_primitive::<UInt32Type>().value(i).into()),
                DataType::UInt64 => V::U(a.as_primitive::<UInt64Type>().value(i)),
                DataType::Int32 => V::I(a.as_primitive::<Int32Type>().value(i).into()),
                DataType::Int64 => V::I(a.as_primitive::<Int64Type>().value(i)),
                DataType::Date32 => V::I(a.as_primitive::<Date32Type>().value(i).into()),
                DataType::Timestamp(_, _) => V::I(
                    arrow_array::cast::as_primitive_array::<
                        arrow_array::types::TimestampMillisecondType,
                    >(a)
                    .value(i),
                ),
                other => panic!("unexpected published type {other}"),
            }
        })
        .collect()
}

/// A published file as rows of named values.
fn table(path: &Path) -> Vec<BTreeMap<String, V>> {
    let bytes = Bytes::from(std::fs::read(path).expect("published file"));
    let reader = ParquetRecordBatchReaderBuilder::try_new(bytes)
        .expect("parquet")
        .build()
        .expect("reader");
    let mut rows = Vec::new();
    for batch in reader {
        let batch = batch.expect("batch");
        let cols: Vec<(String, Vec<V>)> = batch
            .schema()
            .fields()
            .iter()
            .zip(batch.columns())
            .map(|(f, c)| (f.name().clone(), values(c)))
            .collect();
        for i in 0..batch.num_rows() {
            rows.push(
                cols.iter()
                    .map(|(n, v)| (n.clone(), v[i].clone()))
                    .collect(),
            );
        }
    }
    rows
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= TOL * a.abs().max(b.abs()).max(1.0)
}

fn check_attribution_parity(dir: &Path, lookbacks: &[u32], problems: &mut Vec<String>) {
    for (sector, gp) in [("ga", false), ("gp", true)] {
        let conv = read_conversions(
            &format!("conversions_{sector}"),
            Bytes::from(
                std::fs::read(dir.join(format!("conversions_{sector}.parquet")))
                    .expect("conversions"),
            ),
        )
        .expect("engine reads conversions");
        let touches = read_touches(
            &format!("journeys_touches_{sector}"),
            Bytes::from(
                std::fs::read(dir.join(format!("journeys_touches_{sector}.parquet")))
                    .expect("touches"),
            ),
        )
        .expect("engine reads touches");
        let journeys = Journeys::new(&conv, &touches, "touches").expect("journeys");
        for &n in lookbacks {
            let result = attribute(
                &journeys,
                &AttributionParams {
                    lookback_days: n,
                    window_days: 180,
                    as_of: Some(as_of()),
                    kernel: DecayKernel::EFolding { efold_days: 7.0 },
                    lag: LagMode::Calendar,
                    by_role: gp,
                    ..AttributionParams::default()
                },
            )
            .expect("attribution");
            let mart = table(&dir.join(format!("attribution_{sector}_{n}d.parquet")));
            let key = |k: &str, r: &str, e: &str| format!("{k}/{r}/{e}");
            let engine: BTreeMap<String, _> = result
                .rows
                .iter()
                .map(|r| {
                    (
                        key(
                            &r.conversion_kind,
                            r.identity_role.as_deref().unwrap_or(""),
                            &r.event_kind,
                        ),
                        r,
                    )
                })
                .collect();
            let published: BTreeMap<String, _> = mart
                .iter()
                .map(|r| {
                    let role = r.get("identity_role").map(V::s).unwrap_or_default();
                    (
                        key(&r["conversion_kind"].s(), &role, &r["event_kind"].s()),
                        r,
                    )
                })
                .collect();
            let ek: BTreeSet<_> = engine.keys().collect();
            let pk: BTreeSet<_> = published.keys().collect();
            if ek != pk {
                problems.push(format!(
                    "{sector} {n}d: groups differ: engine only {:?}, mart only {:?}",
                    ek.difference(&pk).collect::<Vec<_>>(),
                    pk.difference(&ek).collect::<Vec<_>>()
                ));
            }
            for (k, e) in &engine {
                let Some(m) = published.get(k) else { continue };
                let pairs = [
                    ("first_touch", e.first_touch, m["first_touch"].f()),
                    ("last_touch", e.last_touch, m["last_touch"].f()),
                    ("linear", e.linear, m["linear"].f()),
                    ("time_decay_hl_7d", e.time_decay, m["time_decay_hl_7d"].f()),
                    (
                        "conversions_with_touch",
                        e.conversions_with_touch as f64,
                        m["conversions_with_touch"].f(),
                    ),
                    (
                        "total_conversions",
                        e.total_conversions as f64,
                        m["total_conversions"].f(),
                    ),
                ];
                for (what, a, b) in pairs {
                    if !close(a, b) {
                        problems.push(format!("{sector} {n}d {k} {what}: engine {a} mart {b}"));
                    }
                }
            }
            if engine.is_empty() {
                problems.push(format!("{sector} {n}d: no attribution rows at all"));
            }
        }
    }
}

fn check_funnel_parity(dir: &Path, project: &Project, problems: &mut Vec<String>) {
    let events = read_funnel_events(
        "funnel_events_ga",
        Bytes::from(std::fs::read(dir.join("funnel_events_ga.parquet")).expect("funnel events")),
    )
    .expect("engine reads funnel events");
    let daily = table(&dir.join("funnel_daily_ga.parquet"));
    let seed = project
        .seeds
        .iter()
        .find(|s| s.name == "mta_funnels")
        .expect("seed");
    let text = std::str::from_utf8(&seed.csv).expect("utf-8 seed");
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let steps: Vec<String> = f[1..4]
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.to_string())
            .collect();
        let report = funnel(
            &events,
            &FunnelParams {
                steps,
                window_s: f[4].parse().expect("window"),
                modes: FunnelModes::default(),
                grouping: Grouping::PerDay,
                with_rows: true,
            },
        )
        .expect("funnel");
        let engine: BTreeSet<(i64, u64, u64)> = report
            .rows
            .unwrap_or_default()
            .iter()
            .map(|r| {
                (
                    i64::from(r.date.unwrap_or_default()),
                    u64::from(r.user_id),
                    u64::from(r.level),
                )
            })
            .collect();
        let mart: BTreeSet<(i64, u64, u64)> = daily
            .iter()
            .filter(|r| r["funnel_name"].s() == f[0])
            .map(|r| match (&r["date"], &r["user_id"], &r["level"]) {
                (V::I(d), V::U(u), V::U(l)) => (*d, *u, *l),
                other => panic!("funnel_daily row {other:?}"),
            })
            .collect();
        if engine != mart {
            problems.push(format!(
                "funnel {}: {} engine rows, {} mart rows, {} differ",
                f[0],
                engine.len(),
                mart.len(),
                engine.symmetric_difference(&mart).count()
            ));
        }
        if mart.is_empty() {
            problems.push(format!("funnel {}: the mart has no rows", f[0]));
        }
    }
}

/// The coverage marts (spec §5.6 GA, §6.4 GP), recomputed from the published conversions and
/// touches, per (conversion_date, conversion_kind[, identity_role]):
///
/// - `total_conversions` is the mart's `count()` of conversion rows: a published conversion is one
///   key (user, kind[, role], conversion_ts) merging `source_rows` upstream rows, so the total is
///   the sum of `source_rows`;
/// - `tracked_conversions` is the mart's `uniqExact(user_pseudonym, conversion_ts)` over the
///   conversions with a qualifying touch: within a group (one kind, one role) that is the number of
///   published keys with one, i.e. conversions with a touch of `touch_offset_s <= 30 * 86400`.
///   The touch extract already applies the other §5.6 guards, the same as the mart's: same user
///   (and role for GP), `event_ts < conversion_ts` strictly (so every offset is >= 1 s), and
///   `event_kind !=` the conversion's mapped kind (both read the seed mapping, `'unknown'` when
///   unmapped, so nothing is excluded then); its lower bound is the longest lookback (60 days, to
///   the second), and `offset <= 30 d` is exactly the mart's inclusive lower bound
///   `event_ts >= conversion_ts - INTERVAL 30 DAY`. (With a seed mapping one conversion kind to
///   several event kinds they would differ: the publisher and the GP mart exclude only the least
///   mapped kind, while the GA mart joins every mapping and so excludes no touch at all. The data
///   test `ga_conversion_mapping_seed_complete` makes such a seed an error.)
/// - the marts count only conversions dated before `as_of` (§5.6 `conversion_date < today()`),
///   while the publisher keeps every conversion of the 180-day window (GA topups have no `< today()`
///   filter upstream, §5.5), so the same filter is applied here.
/// - `tracked_conversion_coverage` = tracked / total (to 1e-9).
///
/// Both sides cover the same 180-day window and roles (GP: delegate and migrated_old_safe are
/// excluded from the publisher's conversions and from the mart). `total_users` and
/// `tracked_users` cannot be derived: the extracts carry no user id (a conversion is published
/// without its user, by design), so they are not checked here.
fn check_coverage_parity(dir: &Path, problems: &mut Vec<String>) {
    const LOOKBACK_S: u64 = 30 * 86_400;
    for (sector, gp) in [("ga", false), ("gp", true)] {
        let conversions = table(&dir.join(format!("conversions_{sector}.parquet")));
        let touches = table(&dir.join(format!("journeys_touches_{sector}.parquet")));
        let coverage = table(&dir.join(format!("coverage_daily_{sector}.parquet")));
        let tracked: BTreeSet<u64> = touches
            .iter()
            .filter(|t| matches!(t["touch_offset_s"], V::U(o) if (1..=LOOKBACK_S).contains(&o)))
            .map(|t| match t["conversion_id"] {
                V::U(id) => id,
                ref other => panic!("journeys_touches_{sector}.conversion_id {other:?}"),
            })
            .collect();
        if touches
            .iter()
            .any(|t| !matches!(t["touch_offset_s"], V::U(o) if o >= 1))
        {
            problems.push(format!(
                "journeys_touches_{sector}: a touch at or after its conversion (touch_offset_s < 1)"
            ));
        }
        let key = |r: &BTreeMap<String, V>| {
            let date = match r["conversion_date"] {
                V::I(d) => d,
                ref other => panic!("{sector} conversion_date {other:?}"),
            };
            let role = if gp {
                r["identity_role"].s()
            } else {
                String::new()
            };
            (date, r["conversion_kind"].s(), role)
        };
        // (total_conversions, tracked_conversions) per key.
        let mut reference: BTreeMap<(i64, String, String), (u64, u64)> = BTreeMap::new();
        for c in &conversions {
            let k = key(c);
            if k.0 >= i64::from(as_of()) {
                continue;
            }
            let (V::U(id), V::U(rows)) = (&c["conversion_id"], &c["source_rows"]) else {
                panic!("conversions_{sector} row {c:?}");
            };
            let e = reference.entry(k).or_default();
            e.0 += rows;
            e.1 += u64::from(tracked.contains(id));
        }
        let mut published: BTreeMap<(i64, String, String), (u64, u64, V)> = BTreeMap::new();
        for r in &coverage {
            let (V::U(total), V::U(tracked)) = (&r["total_conversions"], &r["tracked_conversions"])
            else {
                panic!("coverage_daily_{sector} row {r:?}");
            };
            if published
                .insert(
                    key(r),
                    (*total, *tracked, r["tracked_conversion_coverage"].clone()),
                )
                .is_some()
            {
                problems.push(format!("coverage_daily_{sector}: key {:?} twice", key(r)));
            }
        }
        let rk: BTreeSet<_> = reference.keys().collect();
        let pk: BTreeSet<_> = published.keys().collect();
        if rk != pk {
            problems.push(format!(
                "coverage {sector}: groups differ: from the extracts only {:?}, mart only {:?}",
                rk.difference(&pk).collect::<Vec<_>>(),
                pk.difference(&rk).collect::<Vec<_>>()
            ));
        }
        for (k, &(total, tracked)) in &reference {
            let Some((m_total, m_tracked, m_cov)) = published.get(k) else {
                continue;
            };
            if (total, tracked) != (*m_total, *m_tracked) {
                problems.push(format!(
                    "coverage {sector} {k:?}: from the extracts total {total} tracked {tracked}, \
                     mart total {m_total} tracked {m_tracked}"
                ));
            }
            let want = tracked as f64 / total as f64;
            let same = match m_cov {
                V::F(c) => total > 0 && close(want, *c),
                V::Null => total == 0,
                _ => false,
            };
            if !same {
                problems.push(format!(
                    "coverage {sector} {k:?}: tracked_conversion_coverage from the extracts {want}, \
                     mart {m_cov:?}"
                ));
            }
        }
        if reference.is_empty() {
            problems.push(format!("coverage {sector}: no conversions before as_of"));
        }
        if !reference.values().any(|&(_, t)| t > 0) || reference.values().all(|&(n, t)| n == t) {
            problems.push(format!(
                "coverage {sector}: the data has no mix of tracked and untracked conversions, so \
                 the check proves little"
            ));
        }
    }
}

fn check_mmm_parity(dir: &Path, problems: &mut Vec<String>) {
    let spine = read_spine(
        "mmm_spine_weekly",
        Bytes::from(std::fs::read(dir.join("mmm_spine_weekly.parquet")).expect("spine")),
    )
    .expect("engine reads the spine");
    let rows = baseline(&spine, &BaselineParams::mart(as_of())).expect("baseline");
    let mart = table(&dir.join("mmm_baseline.parquet"));
    let published: BTreeMap<(String, String), &BTreeMap<String, V>> = mart
        .iter()
        .map(|r| ((r["kpi_name"].s(), r["media_name"].s()), r))
        .collect();
    if rows.len() != published.len() {
        problems.push(format!(
            "baseline: engine {} pairs, mart {}",
            rows.len(),
            published.len()
        ));
    }
    for r in &rows {
        let Some(m) = published.get(&(r.kpi_name.clone(), r.media_name.clone())) else {
            problems.push(format!(
                "baseline {}/{}: not in the mart",
                r.kpi_name, r.media_name
            ));
            continue;
        };
        for (what, a, b) in [
            (
                "baseline_kpi_median",
                r.baseline_kpi_median,
                m["baseline_kpi_median"].f(),
            ),
            (
                "baseline_kpi_q05",
                r.baseline_kpi_q05,
                m["baseline_kpi_q05"].f(),
            ),
            (
                "baseline_kpi_q95",
                r.baseline_kpi_q95,
                m["baseline_kpi_q95"].f(),
            ),
            (
                "bottom_decile_threshold",
                r.bottom_decile_threshold,
                m["bottom_decile_threshold"].f(),
            ),
            (
                "n_low_spend_weeks",
                r.n_low_spend_weeks as f64,
                m["n_low_spend_weeks"].f(),
            ),
        ] {
            if !close(a, b) {
                problems.push(format!(
                    "baseline {}/{} {what}: engine {a} mart {b}",
                    r.kpi_name, r.media_name
                ));
            }
        }
    }
    let corr = pairs(&spine, &CollinearityParams::mart(as_of())).expect("collinearity");
    let strip = |s: &str| s.trim_start_matches("media_").to_string();
    let mart = table(&dir.join("mmm_collinearity.parquet"));
    let published: BTreeMap<(String, String), &BTreeMap<String, V>> = mart
        .iter()
        .map(|r| ((strip(&r["col_a"].s()), strip(&r["col_b"].s())), r))
        .collect();
    if corr.len() != published.len() {
        problems.push(format!(
            "collinearity: engine {} pairs, mart {}",
            corr.len(),
            published.len()
        ));
    }
    for c in &corr {
        let Some(m) = published.get(&(strip(&c.col_a), strip(&c.col_b))) else {
            problems.push(format!(
                "collinearity {}/{}: not in the mart",
                c.col_a, c.col_b
            ));
            continue;
        };
        let same = match (c.pearson_corr, &m["pearson_corr"]) {
            (None, V::Null) => true,
            (Some(a), V::F(b)) => close(a, *b),
            _ => false,
        };
        if !same || m["n_weeks"] != V::U(c.n_weeks) {
            problems.push(format!(
                "collinearity {}/{}: engine {:?} over {} weeks, mart {:?} over {:?}",
                c.col_a, c.col_b, c.pearson_corr, c.n_weeks, m["pearson_corr"], m["n_weeks"]
            ));
        }
    }
}

/// Every 0x-address-looking run of 40 hex digits in `text`.
fn addresses(text: &[u8]) -> usize {
    text.windows(42)
        .filter(|w| {
            w[0] == b'0'
                && (w[1] == b'x' || w[1] == b'X')
                && w[2..].iter().all(u8::is_ascii_hexdigit)
        })
        .count()
}

async fn check_privacy(wh: &Warehouse, dir: &Path, problems: &mut Vec<String>) {
    #[derive(Deserialize)]
    struct P {
        p: u64,
    }
    let pseudonyms: BTreeSet<u64> = wh
        .query_rows::<P>(
            "SELECT DISTINCT user_pseudonym AS p FROM int_execution_gnosis_app_user_identity_bridge \
             UNION DISTINCT SELECT DISTINCT user_pseudonym FROM int_execution_gpay_user_identity_bridge \
             UNION DISTINCT SELECT DISTINCT user_id_hash FROM stg_mixpanel_ga__events",
            &Params::new(),
        )
        .await
        .expect("pseudonyms")
        .into_iter()
        .map(|r| r.p)
        .collect();
    assert!(
        pseudonyms.len() > 100,
        "the dataset has pseudonyms to look for"
    );
    let salt = Salt::from_hex(TEST_SALT).expect("salt");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    for path in files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bytes = std::fs::read(&path).expect("file");
        if addresses(&bytes) > 0 {
            problems.push(format!("{name}: raw bytes hold an address"));
        }
        let text = String::from_utf8_lossy(&bytes).to_ascii_lowercase();
        if text.contains(salt.hex()) || bytes.windows(salt.bytes().len()).any(|w| w == salt.bytes())
        {
            problems.push(format!("{name}: holds the salt"));
        }
        for p in &pseudonyms {
            if text.contains(&p.to_string()) && p.to_string().len() > 12 {
                problems.push(format!("{name}: holds pseudonym {p} as text"));
            }
        }
        if !name.ends_with(".parquet") {
            continue;
        }
        for row in table(&path) {
            for (col, v) in row {
                match v {
                    V::U(x) if pseudonyms.contains(&x) => {
                        problems.push(format!("{name}.{col}: a pseudonym as a value"))
                    }
                    V::I(x) if x >= 0 && pseudonyms.contains(&(x as u64)) => {
                        problems.push(format!("{name}.{col}: a pseudonym as a value"))
                    }
                    V::S(s) if addresses(s.as_bytes()) > 0 || s.contains(salt.hex()) => {
                        problems.push(format!("{name}.{col}: an address or the salt as a value"))
                    }
                    _ => {}
                }
            }
        }
    }
}

fn check_pyarrow(dir: &Path, manifest: &Manifest, problems: &mut Vec<String>) {
    let script = r#"
import json, sys, pyarrow.parquet as pq
d = sys.argv[1]
m = json.load(open(d + "/manifest.json"))
out = {}
for f in m["files"]:
    t = pq.read_table(d + "/" + f["name"])
    meta = pq.read_metadata(d + "/" + f["name"]).metadata or {}
    out[f["name"]] = [t.num_rows, meta.get(b"mensura.schema_version", b"").decode()]
a = pq.read_table(d + "/attribution_ga_30d.parquet").to_pydict()
out["sum_first_touch_ga_30d"] = sum(a["first_touch"])
print(json.dumps(out))
"#;
    let output = std::process::Command::new("python3")
        .args(["-c", script, &dir.display().to_string()])
        .output()
        .expect("python3 runs");
    if !output.status.success() {
        problems.push(format!(
            "pyarrow: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
        return;
    }
    let got: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    for f in &manifest.files {
        let want = serde_json::json!([f.rows, "1"]);
        if got[&f.name] != want {
            problems.push(format!(
                "pyarrow reads {} as {}, manifest says {want}",
                f.name, got[&f.name]
            ));
        }
    }
    let total: f64 = table(&dir.join("attribution_ga_30d.parquet"))
        .iter()
        .map(|r| r["first_touch"].f())
        .sum();
    if !close(
        got["sum_first_touch_ga_30d"].as_f64().unwrap_or(f64::NAN),
        total,
    ) {
        problems.push("pyarrow and the engine disagree on attribution_ga_30d.first_touch".into());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn synth_build_test_publish_parity_privacy_and_reruns() {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let engine = Embedded::start(EmbeddedOptions::new(tmp.path().join("clickhouse")))
        .await
        .expect("the embedded ClickHouse starts (chDB installed? see scripts/setup)");
    let base = engine.warehouse();
    let salt = Salt::from_hex(TEST_SALT).expect("salt");
    let project = Project::load(&DEFAULT_LOOKBACKS).expect("project");
    let mut problems = Vec::new();

    // Reference build.
    let wh = database(&base, "pipe").await;
    synth_cmd::load(&wh, &config(), &salt, false)
        .await
        .expect("synthetic data loads");
    let runner = Runner::new(wh.clone(), &project, Some(salt.clone()));
    runner.build(&options()).await.expect("the stack builds");
    let reference = fingerprints(&wh, &project).await;
    for (t, (n, _)) in &reference {
        if *n == 0 && !t.contains("coverage") {
            problems.push(format!("{t} is empty on the synthetic data"));
        }
    }

    let report = run_tests(&wh, &project.tests, &format_date(as_of())).await;
    for o in report
        .outcomes
        .iter()
        .filter(|o| !o.passed() && o.severity == mensura::stack::Severity::Error)
    {
        problems.push(format!(
            "data test {} failed: {} rows {:?}\n{}",
            o.name, o.failures, o.error, o.sample
        ));
    }

    let out = tmp.path().join("data");
    let manifest = publish(&wh, &project, &fixtures::publish_options(&out))
        .await
        .expect("publish");
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/warehouse");
    for d in fixtures::differences(&committed, &out).expect("the fixtures compare") {
        problems.push(format!(
            "fixtures/warehouse no longer matches the pipeline (rerun `mensura fixtures`): {d}"
        ));
    }
    check_attribution_parity(&out, &project.lookbacks, &mut problems);
    check_funnel_parity(&out, &project, &mut problems);
    check_coverage_parity(&out, &mut problems);
    check_mmm_parity(&out, &mut problems);
    check_privacy(&wh, &out, &mut problems).await;
    check_pyarrow(&out, &manifest, &mut problems);

    // An incremental rerun changes nothing.
    runner
        .build(&options())
        .await
        .expect("the incremental rebuild");
    let again = fingerprints(&wh, &project).await;
    for (t, f) in &reference {
        if again.get(t) != Some(f) {
            problems.push(format!(
                "{t} changed on an incremental rerun: {f:?} -> {:?}",
                again.get(t)
            ));
        }
    }

    // Interrupted builds, resumed, end with the same tables.
    let wh2 = database(&base, "interrupted").await;
    synth_cmd::load(&wh2, &config(), &salt, false)
        .await
        .expect("synthetic data loads again");
    let mut batched = options();
    batched.batch_months = 2;
    batched.history_start = Some("2025-10".parse().expect("month"));
    for (i, delay_ms) in [1500u64, 4000, 9000].into_iter().enumerate() {
        let wh2 = wh2.clone();
        let project = project.clone();
        let salt = salt.clone();
        let opts = batched.clone();
        let task = tokio::spawn(async move {
            let runner = Runner::new(wh2, &project, Some(salt));
            runner.build(&opts).await.map(|_| ())
        });
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        if i == 1 {
            // The engine dies mid-build; the supervisor restarts it and the runner retries.
            if let Some(pid) = engine.pid() {
                kill(Pid::from_raw(pid as i32), Signal::SIGKILL).expect("kill the engine");
            }
            tokio::time::sleep(Duration::from_millis(1500)).await;
        }
        task.abort();
        let _ = task.await;
    }
    Runner::new(wh2.clone(), &project, Some(salt.clone()))
        .build(&batched)
        .await
        .expect("the resumed build finishes");
    let resumed = fingerprints(&wh2, &project).await;
    for (t, f) in &reference {
        if resumed.get(t) != Some(f) {
            problems.push(format!(
                "{t} differs after interrupted builds: {f:?} vs {:?}",
                resumed.get(t)
            ));
        }
    }

    engine.shutdown().await.expect("the engine stops");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
