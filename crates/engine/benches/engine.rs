//! Engine benchmarks on deterministic sample data (run: `cargo bench -p mensura-engine --features synth`).
//!
//! Sizes follow the issue: 1 M and 10 M touches (≈5 per conversion, skewed kinds, same-second
//! ties) and 10 M funnel events. Set `MENSURA_BENCH_SMALL=1` to run only the 1 M sizes.
//! Results are recorded in `docs/performance.md`.

use std::hint::black_box;

use bytes::Bytes;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use mensura_engine::attribution::{
    AttributionParams, DecayKernel, Journeys, Rule, SweepParams, attribute, sweep,
};
use mensura_engine::extract::{TouchExtract, WriteOptions, read_touches, write_touches};
use mensura_engine::synth::{self, JourneySpec};
use mensura_engine::table::Sector;

fn sizes() -> Vec<usize> {
    if std::env::var_os("MENSURA_BENCH_SMALL").is_some() {
        vec![1_000_000]
    } else {
        vec![1_000_000, 10_000_000]
    }
}

/// Journeys with about `touches` touches.
fn journeys(touches: usize) -> Journeys {
    let (conversions, t) = synth::journeys(&JourneySpec {
        seed: 11,
        sector: Sector::Ga,
        conversions: touches * 100 / 420,
        ..JourneySpec::default()
    });
    Journeys::new(
        &conversions,
        &TouchExtract {
            touches: t,
            max_lookback_days: 60,
        },
        "bench",
    )
    .expect("valid sample")
}

fn bench_attribution(c: &mut Criterion) {
    let mut group = c.benchmark_group("attribution");
    group.sample_size(10);
    for size in sizes() {
        let j = journeys(size);
        group.throughput(Throughput::Elements(j.touches() as u64));
        let params = AttributionParams {
            lookback_days: 30,
            kernel: DecayKernel::HalfLife {
                half_life_days: 7.0,
            },
            ..AttributionParams::default()
        };
        group.bench_with_input(BenchmarkId::new("all_rules_30d", size), &j, |b, j| {
            b.iter(|| black_box(attribute(j, &params).expect("valid")));
        });
        let grid = SweepParams {
            lookbacks_days: vec![7, 14, 30, 60],
            kernels: [1.0, 3.0, 7.0, 14.0, 30.0]
                .map(|h| DecayKernel::HalfLife { half_life_days: h })
                .to_vec(),
            window_days: 180,
            as_of: None,
            lag: Default::default(),
            position: Default::default(),
            by_role: false,
            rank_by: Rule::TimeDecay,
            reference_cell: 0,
        };
        group.bench_with_input(BenchmarkId::new("sweep_4x5", size), &j, |b, j| {
            b.iter(|| black_box(sweep(j, &grid).expect("valid")));
        });
    }
    group.finish();
}

fn bench_decode(c: &mut Criterion) {
    let mut group = c.benchmark_group("decode");
    group.sample_size(10);
    let (conversions, touches) = synth::journeys(&JourneySpec {
        seed: 11,
        conversions: 1_000_000 * 100 / 420,
        ..JourneySpec::default()
    });
    let bytes = Bytes::from(write_touches(&touches, 60, &WriteOptions::default()));
    group.throughput(Throughput::Elements(touches.len() as u64));
    group.bench_function("touches_1m", |b| {
        b.iter(|| black_box(read_touches("bench", bytes.clone()).expect("valid")))
    });
    let extract = TouchExtract {
        touches,
        max_lookback_days: 60,
    };
    group.bench_function("journeys_new_1m", |b| {
        b.iter(|| black_box(Journeys::new(&conversions, &extract, "bench").expect("valid")))
    });
    group.finish();
}

fn bench_funnel(c: &mut Criterion) {
    use mensura_engine::funnel::{FunnelModes, FunnelParams, Grouping, funnel};
    let mut group = c.benchmark_group("funnel");
    group.sample_size(10);
    let start = mensura_engine::date::days_from_civil(2026, 1, 1);
    for target in sizes() {
        // About 5.2 events per user over 90 days.
        let events = synth::funnel_events(5, (target / 5) as u32, start, 90);
        group.throughput(Throughput::Elements(events.len() as u64));
        for (name, grouping) in [
            ("per_day", Grouping::PerDay),
            (
                "range",
                Grouping::Range {
                    from_date: start,
                    to_date: start + 89,
                },
            ),
        ] {
            let params = FunnelParams {
                steps: [
                    "chain.onboard",
                    "mp.pageview",
                    "chain.swap_filled",
                    "chain.topup",
                ]
                .map(String::from)
                .to_vec(),
                window_s: 2_592_000,
                modes: FunnelModes::default(),
                grouping,
                with_rows: false,
            };
            group.bench_with_input(BenchmarkId::new(name, target), &events, |b, e| {
                b.iter(|| black_box(funnel(e, &params).expect("valid")))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_attribution, bench_decode, bench_funnel);
criterion_main!(benches);
