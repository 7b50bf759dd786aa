//! Batches are bounded by `batch_rows`, and the batch size never changes the rows.

use arrow_array::RecordBatch;
use bytes::Bytes;
use mensura_synth::{SynthConfig, generate, parquet_bytes};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::support::pseudo;

/// Every table's rows as one batch (through Parquet, whatever the input batching).
fn whole_tables(config: &SynthConfig) -> Vec<(&'static str, Vec<usize>, Option<RecordBatch>)> {
    generate(config, &pseudo)
        .expect("valid config")
        .into_iter()
        .map(|t| {
            let schema = t.schema.clone();
            let batches: Vec<RecordBatch> = t.batches.collect();
            let sizes = batches.iter().map(RecordBatch::num_rows).collect();
            let bytes = parquet_bytes(&schema, batches).expect("encode");
            let mut reader = ParquetRecordBatchReaderBuilder::try_new(Bytes::from(bytes))
                .expect("parquet")
                .with_batch_size(usize::MAX >> 8)
                .build()
                .expect("reader");
            let whole = reader.next().map(|b| b.expect("decode"));
            assert!(reader.next().is_none());
            (t.name, sizes, whole)
        })
        .collect()
}

#[test]
fn batches_are_bounded_and_the_bound_does_not_change_the_rows() {
    let big = SynthConfig {
        users: 200,
        gp_safes: 100,
        days: 220,
        ..SynthConfig::default()
    };
    let small = SynthConfig {
        batch_rows: 97,
        ..big.clone()
    };
    let a = whole_tables(&big);
    let b = whole_tables(&small);
    for ((name, sizes, whole), (_, small_sizes, small_whole)) in a.iter().zip(&b) {
        assert!(
            sizes.iter().all(|&n| (1..=big.batch_rows).contains(&n)),
            "{name}"
        );
        let (last, full) = small_sizes.split_last().expect("non-empty table");
        assert!(full.iter().all(|&n| n == 97), "{name}: {small_sizes:?}");
        assert!((1..=97).contains(last), "{name}");
        assert_eq!(
            sizes.iter().sum::<usize>(),
            small_sizes.iter().sum::<usize>(),
            "{name}"
        );
        assert!(
            whole == small_whole,
            "{name}: rows differ with the batch size"
        );
    }
    assert!(
        b.iter().any(|(_, sizes, _)| sizes.len() > 10),
        "some table spans many batches"
    );
}
