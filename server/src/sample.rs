//! `mensura sample`: writes the deterministic sample extracts and their manifest.
//!
//! The committed `fixtures/sample/` is this command's output for the default seed; a test
//! regenerates it and fails if a byte differs.

use std::path::Path;

use anyhow::{Context, Result};
use mensura_engine::date::{days_from_civil, format_date};
use mensura_engine::extract::{
    WriteOptions, write_conversions, write_funnel_events, write_spine, write_touches,
};
use mensura_engine::synth::{self, JourneySpec};
use mensura_engine::table::Sector;

use crate::manifest::{Manifest, ManifestFile, sha256_hex};

/// What to generate.
#[derive(Debug, Clone, clap::Args)]
pub struct SampleArgs {
    /// Directory to write into (created if missing).
    #[arg(long)]
    pub out: std::path::PathBuf,
    /// Random seed: the same seed always gives the same bytes.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Conversions per sector.
    #[arg(long, default_value_t = 2_000)]
    pub conversions: usize,
    /// Users with funnel events.
    #[arg(long, default_value_t = 1_500)]
    pub funnel_users: u32,
    /// Write nothing; fail unless `--out` already holds exactly what this command would write.
    #[arg(long)]
    pub check: bool,
}

/// Holiday Mondays of the seed `mmm_holiday_weeks`.
const HOLIDAY_WEEKS: &[(i32, u32, u32)] = &[
    (2024, 12, 23),
    (2024, 12, 30),
    (2025, 4, 21),
    (2025, 12, 22),
    (2025, 12, 29),
    (2026, 4, 6),
];
/// Fork dates of the seed `mmm_hardfork_steps`.
const FORKS: &[(i32, u32, u32)] = &[(2024, 3, 13), (2025, 5, 7)];
/// Lookbacks the sample touch extracts support (the longest bounds the offsets).
const LOOKBACKS: &[u32] = &[7, 14, 30, 60];

/// Generates every sample extract into `args.out`.
pub fn run(args: &SampleArgs) -> Result<Manifest> {
    let out = &args.out;
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let start = days_from_civil(2026, 1, 1);
    let days = 180;
    // A fixed build time keeps the sample byte-for-byte reproducible.
    let built_at = "2026-07-01T00:00:00Z".to_owned();
    let max_lookback = *LOOKBACKS.last().unwrap_or(&60);
    let mut files = Vec::new();
    let mut as_of = start;
    for (sector, tag, seed_offset) in [(Sector::Ga, "ga", 0), (Sector::Gp, "gp", 1)] {
        let (conversions, touches) = synth::journeys(&JourneySpec {
            seed: args.seed + seed_offset,
            sector,
            conversions: args.conversions,
            start,
            days,
            max_lookback_days: max_lookback,
            ..JourneySpec::default()
        });
        as_of = as_of.max(
            conversions
                .conversion_date
                .iter()
                .copied()
                .max()
                .unwrap_or(start),
        );
        files.push((
            format!("conversions_{tag}.parquet"),
            "conversions",
            tag,
            conversions.len(),
            Vec::new(),
            write_conversions(&conversions, &WriteOptions::default()),
        ));
        files.push((
            format!("journeys_touches_{tag}.parquet"),
            "journeys_touches",
            tag,
            touches.len(),
            LOOKBACKS.to_vec(),
            write_touches(&touches, max_lookback, &WriteOptions::default()),
        ));
    }
    let events = synth::funnel_events(args.seed + 2, args.funnel_users, start, days);
    files.push((
        "funnel_events_ga.parquet".into(),
        "funnel_events",
        "ga",
        events.len(),
        Vec::new(),
        write_funnel_events(&events, &WriteOptions::default()),
    ));
    let holidays: Vec<i32> = HOLIDAY_WEEKS
        .iter()
        .map(|&(y, m, d)| days_from_civil(y, m, d))
        .collect();
    let forks: Vec<i32> = FORKS
        .iter()
        .map(|&(y, m, d)| days_from_civil(y, m, d))
        .collect();
    let spine = synth::spine(
        args.seed + 3,
        days_from_civil(2024, 6, 17),
        105,
        &holidays,
        &forks,
    );
    files.push((
        "mmm_spine_weekly.parquet".into(),
        "mmm_spine_weekly",
        "mmm",
        spine.week.len(),
        Vec::new(),
        write_spine(&spine, &WriteOptions::default()),
    ));

    let as_of_date = format_date(as_of);
    let mut manifest = Manifest {
        stack_version: env!("CARGO_PKG_VERSION").to_owned(),
        schema_version: mensura_engine::extract::SCHEMA_VERSION.to_owned(),
        source: "sample".to_owned(),
        built_at: built_at.clone(),
        as_of_date: as_of_date.clone(),
        min_cell: None,
        files: Vec::new(),
    };
    for (name, extract, sector, rows, lookbacks, bytes) in files {
        let path = out.join(&name);
        std::fs::write(&path, &bytes).with_context(|| format!("writing {}", path.display()))?;
        manifest.files.push(ManifestFile {
            name,
            extract: extract.to_owned(),
            schema_version: manifest.schema_version.clone(),
            sector: sector.to_owned(),
            rows: rows as u64,
            bytes: bytes.len() as u64,
            sha256: sha256_hex(&bytes),
            lookbacks,
            as_of_date: as_of_date.clone(),
            built_at: built_at.clone(),
            suppressed_rows: None,
        });
    }
    manifest.write(out)?;
    Ok(manifest)
}

/// The differences between `dir` and what [`run`] would write for `args` (names and bytes).
pub fn differences(dir: &Path, args: &SampleArgs) -> Result<Vec<String>> {
    static CHECKS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = CHECKS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = std::env::temp_dir().join(format!("mensura-sample-check-{}-{n}", std::process::id()));
    let fresh = run(&SampleArgs {
        out: tmp.clone(),
        check: false,
        ..args.clone()
    })?;
    let mut differences = Vec::new();
    for f in fresh
        .files
        .iter()
        .map(|f| f.name.as_str())
        .chain(["manifest.json"])
    {
        let a = std::fs::read(tmp.join(f))?;
        match std::fs::read(dir.join(f)) {
            Ok(b) if a == b => {}
            Ok(_) => differences.push(format!("{f} differs")),
            Err(_) => differences.push(format!("{f} is missing")),
        }
    }
    std::fs::remove_dir_all(&tmp).ok();
    Ok(differences)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed fixtures are exactly what the generator writes for the default arguments.
    #[test]
    fn committed_fixtures_match_the_generator() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/sample");
        let args = SampleArgs {
            out: dir.clone(),
            seed: 7,
            conversions: 2_000,
            funnel_users: 1_500,
            check: true,
        };
        let differences = differences(&dir, &args).expect("generator runs");
        assert!(
            differences.is_empty(),
            "fixtures/sample is stale; rerun `mensura sample --out fixtures/sample`: {differences:?}"
        );
    }

    #[test]
    fn another_seed_differs() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/sample");
        let args = SampleArgs {
            out: dir.clone(),
            seed: 8,
            conversions: 2_000,
            funnel_users: 1_500,
            check: true,
        };
        assert!(!differences(&dir, &args).expect("generator runs").is_empty());
    }
}
