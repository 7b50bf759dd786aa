//! Generates every table, encodes it as Parquet and prints rows, bytes and time per table.
//!
//! `cargo run --release -p mensura-synth --example synth_stats -- [users] [days] [gp_safes] [out_dir]`
//! (defaults: the default configuration). With `out_dir`, writes `<table>.parquet` files there.

use std::time::Instant;

use mensura_synth::{CivilDate, SynthConfig, generate, write_parquet};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut config = SynthConfig::default();
    if let Some(users) = args.first() {
        config.users = users.parse()?;
        config.gp_safes = config.users / 2;
    }
    if let Some(days) = args.get(1) {
        config = SynthConfig {
            users: config.users,
            gp_safes: config.gp_safes,
            ..SynthConfig::ending(CivilDate::new(2026, 6, 28), days.parse()?)
        };
    }
    if let Some(safes) = args.get(2) {
        config.gp_safes = safes.parse()?;
    }
    let out_dir = args.get(3);
    println!(
        "users {} gp_safes {} start {} days {} (end {})",
        config.users,
        config.gp_safes,
        config.start,
        config.days,
        config.end()
    );
    let pseudonymize = |s: &str| {
        // FNV-1a, a stand-in for the server's keyed SipHash.
        s.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        })
    };
    let all = Instant::now();
    let (mut total_rows, mut total_bytes) = (0usize, 0usize);
    for table in generate(&config, &pseudonymize)? {
        let started = Instant::now();
        let mut rows = 0;
        let schema = table.schema.clone();
        let batches = table.batches.inspect(|b| rows += b.num_rows());
        let bytes = write_parquet(Vec::new(), &schema, batches)?;
        if let Some(dir) = out_dir {
            std::fs::write(format!("{dir}/{}.parquet", table.name), &bytes)?;
        }
        println!(
            "{:<50} {:>10} rows {:>10} bytes {:>8.2} s",
            table.name,
            rows,
            bytes.len(),
            started.elapsed().as_secs_f64()
        );
        total_rows += rows;
        total_bytes += bytes.len();
    }
    println!(
        "{:<50} {:>10} rows {:>10} bytes {:>8.2} s",
        "total",
        total_rows,
        total_bytes,
        all.elapsed().as_secs_f64()
    );
    Ok(())
}
