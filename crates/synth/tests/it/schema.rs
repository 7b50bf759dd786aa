//! Every table of spec §13 is present, in order, with exactly the names, types and nullability
//! transcribed below from the spec (independently of the crate's declarations), before and after
//! a Parquet round trip.

use std::sync::Arc;

use arrow_schema::{DataType, Field, Schema, TimeUnit};
use bytes::Bytes;
use mensura_synth::{SynthConfig, TABLES, generate, parquet_bytes, schemas};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::support::pseudo;

/// Spec §13 (plus `device_id_hash`), one table per line: `name: col Type[?]; …` (`?` = Nullable).
const EXPECTED: &str = "
int_execution_gnosis_app_users_current: address Utf8; first_seen_at Ts; last_seen_at Ts; heuristic_kinds List; heuristic_hits UInt64; n_distinct_heuristics UInt8
int_execution_gnosis_app_user_events: address Utf8; heuristic_kind Utf8; block_timestamp Ts; transaction_hash Utf8
int_execution_gnosis_app_swaps: taker Utf8; block_timestamp Ts; order_uid Utf8; was_filled Boolean; first_fill_at Ts?; amount_usd Float64?
int_execution_gnosis_app_gpay_topups: ga_user Utf8; block_timestamp Ts; transaction_hash Utf8; log_index UInt64; amount_usd Float64?; token_bought_symbol Utf8?
int_execution_gnosis_app_marketplace_payments: payer Utf8; block_timestamp Ts; transaction_hash Utf8; log_index UInt64; offer_name Utf8
int_execution_gnosis_app_token_offer_claims: ga_user Utf8; block_timestamp Ts; transaction_hash Utf8; log_index UInt64; amount_received_usd Float64; offer_token_symbol Utf8?
stg_mixpanel_ga__events: event_time Ts; event_date Date32; user_id_hash UInt64; device_id_hash UInt64; event_name Utf8; event_category Utf8; insert_id Utf8; is_production UInt8; is_identified UInt8; device_type Utf8; country_code Utf8; page_path Utf8; bottom_sheet Utf8
int_execution_gpay_wallets: address Utf8
int_execution_safes_owner_events: safe_address Utf8; owner Utf8?; event_kind Utf8; block_timestamp Ts
int_execution_gpay_spender_delegates_current: gp_safe Utf8; delegate_address Utf8?
int_execution_gpay_safe_canonical: address Utf8; canonical_address Utf8; migrated_at Ts
int_execution_gpay_activity: wallet_address Utf8; block_timestamp Ts; date Date32; transaction_hash Utf8; token_address Utf8; counterparty Utf8; direction Utf8; action Utf8; symbol Utf8; amount Float64; amount_usd Float64
fct_execution_pools_daily: date Date32; protocol Utf8; pool_address Utf8; token_address Utf8; tvl_usd Float64; volume_usd_daily Float64
fct_execution_trades_by_protocol_daily: date Date32; protocol Utf8; volume_usd Float64
fct_execution_gnosis_app_users_daily: date Date32; active_users UInt64; new_users UInt64
fct_execution_gnosis_app_gpay_topups_weekly: week Date32; n_topups UInt64; volume_usd Float64?
int_consensus_validators_proposer_rewards_daily: date Ts; validator_index UInt64; proposer_reward_total_gno Float64
int_execution_pools_metrics_daily: date Date32; protocol Utf8; pool_address Utf8; fee_apr_7d Float64?; tvl_usd Float64
int_execution_token_prices_daily: date Date32; symbol Utf8; price Float64
int_execution_transactions_info_daily: date Date32; transaction_type Utf8; success UInt8; gas_price_median Int32; n_txs UInt64
";

fn expected() -> Vec<(String, Schema)> {
    EXPECTED
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let (name, cols) = line.split_once(": ").expect("name: columns");
            let fields: Vec<Field> = cols
                .split("; ")
                .map(|col| {
                    let (col, ty) = col.split_once(' ').expect("col Type");
                    let (ty, nullable) = match ty.strip_suffix('?') {
                        Some(t) => (t, true),
                        None => (ty, false),
                    };
                    let dt = match ty {
                        "Utf8" => DataType::Utf8,
                        "Ts" => DataType::Timestamp(TimeUnit::Second, Some("UTC".into())),
                        "Date32" => DataType::Date32,
                        "UInt64" => DataType::UInt64,
                        "UInt8" => DataType::UInt8,
                        "Int32" => DataType::Int32,
                        "Float64" => DataType::Float64,
                        "Boolean" => DataType::Boolean,
                        "List" => {
                            DataType::List(Arc::new(Field::new("item", DataType::Utf8, false)))
                        }
                        other => panic!("unknown type {other}"),
                    };
                    Field::new(col, dt, nullable)
                })
                .collect();
            (name.to_owned(), Schema::new(fields))
        })
        .collect()
}

#[test]
fn every_table_is_declared_with_the_spec_schema() {
    let expected = expected();
    assert_eq!(expected.len(), 20);
    let actual = schemas();
    let names: Vec<&str> = actual.iter().map(|(n, _)| *n).collect();
    let expected_names: Vec<&str> = expected.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, expected_names);
    assert_eq!(TABLES.map(|(n, _)| n).to_vec(), expected_names);
    for ((name, schema), (_, want)) in actual.iter().zip(&expected) {
        assert_eq!(schema.as_ref(), want, "{name}");
    }
}

#[test]
fn generated_batches_and_parquet_keep_the_schema() {
    let config = SynthConfig {
        users: 60,
        gp_safes: 30,
        ..SynthConfig::default()
    };
    let expected = expected();
    let tables = generate(&config, &pseudo).expect("valid config");
    assert_eq!(tables.len(), expected.len());
    for (table, (name, want)) in tables.into_iter().zip(&expected) {
        assert_eq!(table.name, name);
        assert_eq!(table.schema.as_ref(), want, "{name}");
        let sector = TABLES
            .iter()
            .find(|(n, _)| *n == table.name)
            .map(|(_, s)| *s);
        assert_eq!(Some(table.sector), sector);
        let schema = table.schema.clone();
        let batches: Vec<_> = table.batches.collect();
        assert!(!batches.is_empty(), "{name} is empty");
        for b in &batches {
            assert_eq!(b.schema().as_ref(), want, "{name}");
        }
        let bytes = parquet_bytes(&schema, batches.clone()).expect("encode");
        let reader = ParquetRecordBatchReaderBuilder::try_new(Bytes::from(bytes))
            .expect("parquet")
            .build()
            .expect("reader");
        let mut rows = 0;
        for b in reader {
            let b = b.expect("decode");
            assert_eq!(b.schema().as_ref(), want, "{name} after Parquet");
            rows += b.num_rows();
        }
        assert_eq!(
            rows,
            batches.iter().map(|b| b.num_rows()).sum::<usize>(),
            "{name}"
        );
    }
}

#[test]
fn parquet_of_no_batches_is_a_valid_empty_file() {
    let (_, schema) = schemas().remove(10);
    let bytes = parquet_bytes(&schema, Vec::new()).expect("encode");
    let builder = ParquetRecordBatchReaderBuilder::try_new(Bytes::from(bytes)).expect("parquet");
    assert_eq!(builder.schema().as_ref(), schema.as_ref());
    assert_eq!(builder.metadata().file_metadata().num_rows(), 0);
}
