//! The hand-checked scenarios of `server/tests/scenarios/` (layout in its README): upstream rows
//! in, the whole stack built by the real runner on the embedded ClickHouse, exact tables out.
//! Each scenario gets its own database in one engine; every mismatch of every scenario is
//! reported before the test fails. `MENSURA_SCENARIO=x` runs only the scenarios whose folder name
//! contains `x`. A scenario's `seeds/<seed>.csv` replace built-in seeds (`Project::override_seeds`,
//! the code path of `mensura build --seeds-dir`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use mensura::stack::{BuildOptions, DEFAULT_LOOKBACKS, Project, RetryPolicy, Runner, run_tests};
use mensura::warehouse::{Embedded, EmbeddedOptions, Params, Salt, Warehouse};
use mensura_engine::date::parse_date;
use serde::Deserialize;

const TEST_SALT: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
/// A fixed build timestamp, so nothing depends on the clock.
const BUILT_AT: i64 = 1_782_604_800; // 2026-06-28 00:00:00 UTC

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioToml {
    as_of: String,
    lookbacks: Option<Vec<u32>>,
    #[allow(dead_code)]
    description: String,
    /// The sectors to build (default: from the name's prefix `ga_`, `gp_`, `mmm_`; all otherwise).
    sectors: Option<Vec<String>>,
    /// Data tests this scenario is expected to fail (by name); every other error test must pass.
    #[serde(default)]
    expect_test_failures: Vec<String>,
}

fn scenario_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("server/tests/scenarios exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("scenario.toml").is_file())
        .collect();
    dirs.sort();
    dirs
}

/// Splits `upstream.sql` into statements at lines holding only `;`.
fn statements(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        if line.trim() == ";" {
            if !current.trim().is_empty() {
                out.push(current.trim().to_string());
            }
            current.clear();
        } else {
            current.push_str(line);
            current.push('\n');
        }
    }
    if !current.trim().is_empty() {
        out.push(current.trim().trim_end_matches(';').to_string());
    }
    out
}

async fn run_scenario(base: &Warehouse, dir: &Path) -> Vec<String> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut problems = Vec::new();
    let cfg: ScenarioToml = match std::fs::read_to_string(dir.join("scenario.toml"))
        .map_err(|e| e.to_string())
        .and_then(|t| toml::from_str(&t).map_err(|e| e.to_string()))
    {
        Ok(c) => c,
        Err(e) => return vec![format!("{name}: scenario.toml: {e}")],
    };
    let lookbacks = cfg.lookbacks.clone().unwrap_or(DEFAULT_LOOKBACKS.to_vec());
    let mut project = Project::load(&lookbacks).expect("the project loads");
    // A scenario's own seeds replace the built-in ones, exactly as `mensura build --seeds-dir`.
    let seeds = dir.join("seeds");
    if seeds.is_dir()
        && let Err(e) = project.override_seeds(&seeds)
    {
        return vec![format!("{name}: seeds/: {e}")];
    }
    let db = format!("scn_{}", name.replace('-', "_"));
    base.execute(&format!("DROP DATABASE IF EXISTS {db}"))
        .await
        .expect("drop db");
    base.execute(&format!("CREATE DATABASE {db}"))
        .await
        .expect("create db");
    let wh = base.clone().with_database(&db);
    let salt = Salt::from_hex(TEST_SALT).expect("the test salt is valid");
    let runner = Runner::new(wh.clone(), &project, Some(salt));
    runner.ensure_sources().await.expect("sources are created");

    let upstream = std::fs::read_to_string(dir.join("upstream.sql")).unwrap_or_default();
    for (i, stmt) in statements(&upstream).iter().enumerate() {
        let params = if stmt.contains("{salt:String}") {
            Params::new().bind("salt", TEST_SALT)
        } else {
            Params::new()
        };
        if let Err(e) = wh.execute_with(stmt, &params).await {
            return vec![format!("{name}: upstream.sql statement {}: {e}", i + 1)];
        }
    }

    let sectors: Vec<String> = cfg.sectors.clone().unwrap_or_else(|| {
        let prefix = name.split('_').next().unwrap_or_default();
        match prefix {
            "ga" => vec!["gnosis_app".into()],
            "gp" => vec!["gpay".into()],
            "mmm" => vec!["mmm".into()],
            _ => Vec::new(),
        }
    });
    let as_of = parse_date("as_of", &cfg.as_of).expect("as_of is a date");
    let mut opts = BuildOptions::new(as_of, BUILT_AT);
    if !sectors.is_empty() {
        opts.select = Some(
            project
                .models
                .iter()
                .filter(|m| sectors.contains(&m.sector))
                .map(|m| m.name.clone())
                .collect(),
        );
    }
    opts.retry = RetryPolicy {
        transient_backoff: vec![std::time::Duration::from_millis(200); 3],
        memory_retries: 0,
    };
    if let Err(e) = runner.build(&opts).await {
        return vec![format!("{name}: build failed: {e:#}")];
    }

    let expect = dir.join("expect");
    let mut checks: Vec<PathBuf> = std::fs::read_dir(&expect)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    checks.retain(|p| p.extension().is_some_and(|e| e == "sql"));
    checks.sort();
    if checks.is_empty() {
        problems.push(format!("{name}: no expect/*.sql checks"));
    }
    for check in checks {
        let sql = std::fs::read_to_string(&check).expect("check readable");
        let want = std::fs::read_to_string(check.with_extension("tsv")).unwrap_or_else(|_| {
            problems.push(format!("{name}: {} has no .tsv", check.display()));
            String::new()
        });
        let params = if sql.contains("{as_of:Date}") {
            Params::new().bind("as_of", cfg.as_of.clone())
        } else {
            Params::new()
        };
        match wh
            .query_bytes(sql.trim().trim_end_matches(';'), &params, "TabSeparated")
            .await
        {
            Ok(got) => {
                let got = String::from_utf8_lossy(&got);
                if got != want {
                    problems.push(format!(
                        "{name}/{}: output differs\n--- expected\n{want}--- got\n{got}",
                        check
                            .file_name()
                            .map(|f| f.to_string_lossy().into_owned())
                            .unwrap_or_default()
                    ));
                }
            }
            Err(e) => problems.push(format!("{name}/{}: {e}", check.display())),
        }
    }

    let built: BTreeSet<String> = match &opts.select {
        Some(roots) => project.downstream(roots).into_iter().collect(),
        None => project.models.iter().map(|m| m.name.clone()).collect(),
    };
    let tests: Vec<_> = project
        .tests
        .iter()
        .filter(|t| built.contains(&t.model))
        .cloned()
        .collect();
    let report = run_tests(&wh, &tests, &cfg.as_of).await;
    let expected: BTreeSet<&str> = cfg
        .expect_test_failures
        .iter()
        .map(String::as_str)
        .collect();
    for o in &report.outcomes {
        let failed = !o.passed() && o.severity == mensura::stack::Severity::Error;
        match (failed, expected.contains(o.name.as_str())) {
            (true, false) => problems.push(format!(
                "{name}: data test {} failed ({} rows){}\n{}",
                o.name,
                o.failures,
                o.error
                    .as_deref()
                    .map(|e| format!(": {e}"))
                    .unwrap_or_default(),
                o.sample
            )),
            (false, true) => problems.push(format!(
                "{name}: data test {} was expected to fail but passed",
                o.name
            )),
            _ => {}
        }
    }
    base.execute(&format!("DROP DATABASE IF EXISTS {db}"))
        .await
        .ok();
    problems
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenarios_build_exactly_the_expected_tables() {
    let dirs = scenario_dirs();
    assert!(!dirs.is_empty(), "no scenarios found");
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let engine = Embedded::start(EmbeddedOptions::new(tmp.path().join("clickhouse")))
        .await
        .expect("the embedded ClickHouse starts (chDB installed? see scripts/setup)");
    let base = engine.warehouse();
    let only = std::env::var("MENSURA_SCENARIO").ok();
    let mut problems = Vec::new();
    let mut ran = 0;
    for dir in &dirs {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if only.as_deref().is_some_and(|o| !name.contains(o)) {
            continue;
        }
        ran += 1;
        problems.extend(run_scenario(&base, dir).await);
    }
    engine.shutdown().await.expect("the engine stops");
    assert!(ran > 0, "MENSURA_SCENARIO matched no scenario");
    assert!(
        problems.is_empty(),
        "{} problems:\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}

/// Seeds reach ClickHouse whole or not at all, with the file named: a changed seed is reported
/// (for the stale-month warning), a value only ClickHouse rejects names the file, and a table that
/// ends up with another row count than the file is an error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenarios_seed_overrides_load_exactly_or_fail_naming_the_file() {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let engine = Embedded::start(EmbeddedOptions::new(tmp.path().join("clickhouse")))
        .await
        .expect("the embedded ClickHouse starts (chDB installed? see scripts/setup)");
    let base = engine.warehouse();
    base.execute("CREATE DATABASE IF NOT EXISTS seeds_load")
        .await
        .expect("create db");
    let wh = base.clone().with_database("seeds_load");
    let mut project = Project::load(&DEFAULT_LOOKBACKS).expect("the project loads");

    let first = Runner::new(wh.clone(), &project, None).load_seeds().await;
    let again = Runner::new(wh.clone(), &project, None).load_seeds().await;

    let dir = tmp.path().join("my_seeds");
    std::fs::create_dir(&dir).expect("a seeds directory");
    std::fs::write(
        dir.join("mta_funnels.csv"),
        "window_seconds,funnel_name,step_1_event_kind,step_2_event_kind,step_3_event_kind\n\
         100,\"short, quoted\",mp.pageview,chain.swap_filled,\n",
    )
    .expect("a seed file");
    let replaced = project.override_seeds(&dir).expect("a valid override");
    let changed = Runner::new(wh.clone(), &project, None).load_seeds().await;
    #[derive(Deserialize)]
    struct Funnel {
        funnel_name: String,
        step_3_event_kind: String,
        window_seconds: u32,
    }
    let funnels: Vec<Funnel> = wh
        .query_rows(
            "SELECT funnel_name, step_3_event_kind, window_seconds FROM mta_funnels",
            &Params::new(),
        )
        .await
        .expect("the seed table");

    let i = project
        .seeds
        .iter()
        .position(|s| s.name == "mta_funnels")
        .expect("the funnel seed");
    let mut unparsable = project.clone();
    unparsable.seeds[i].origin = "my/mta_funnels.csv".into();
    unparsable.seeds[i].csv = bytes::Bytes::from_static(
        b"funnel_name,step_1_event_kind,step_2_event_kind,step_3_event_kind,window_seconds\n\
          f,a,b,c,one hundred\n",
    );
    let bad_value = Runner::new(wh.clone(), &unparsable, None)
        .load_seeds()
        .await;
    let mut miscounted = project.clone();
    miscounted.seeds[i].rows = 2;
    let bad_count = Runner::new(wh.clone(), &miscounted, None)
        .load_seeds()
        .await;
    let after_failures: Vec<Funnel> = wh
        .query_rows(
            "SELECT funnel_name, step_3_event_kind, window_seconds FROM mta_funnels",
            &Params::new(),
        )
        .await
        .expect("the seed table");
    engine.shutdown().await.expect("the engine stops");

    assert_eq!(first.expect("built-in seeds load"), Vec::<String>::new());
    assert_eq!(again.expect("built-in seeds reload"), Vec::<String>::new());
    assert_eq!(replaced, ["mta_funnels"]);
    assert_eq!(changed.expect("the override loads"), ["mta_funnels"]);
    assert_eq!(funnels.len(), 1);
    assert_eq!(funnels[0].funnel_name, "short, quoted");
    assert_eq!(funnels[0].step_3_event_kind, "");
    assert_eq!(funnels[0].window_seconds, 100);
    let e = format!("{:#}", bad_value.expect_err("ClickHouse rejects the value"));
    assert!(
        e.contains("loading seed mta_funnels from my/mta_funnels.csv") && e.contains("UInt32"),
        "{e}"
    );
    let e = format!("{:#}", bad_count.expect_err("the row count is checked"));
    assert!(
        e.contains(&format!(
            "loading seed mta_funnels from {}: the file has 2 rows but ClickHouse read 1",
            dir.join("mta_funnels.csv").display()
        )),
        "{e}"
    );
    assert_eq!(
        after_failures.len(),
        1,
        "a failed load leaves the table as it was"
    );
    assert_eq!(after_failures[0].funnel_name, "short, quoted");
}
