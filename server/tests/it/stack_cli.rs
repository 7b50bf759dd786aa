//! The warehouse commands as a user runs them, against a ClickHouse named by URL (the embedded
//! engine's loopback endpoint, so the remote code path is the one exercised): synth → build →
//! test → publish, and the errors a user meets first (salt, no build yet, bad options).

use std::path::Path;
use std::process::{Command, Output};

use mensura::warehouse::{Embedded, EmbeddedOptions};

const SALT: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

fn mensura(args: &[String], salt: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mensura"));
    cmd.args(args)
        .env_remove("CEREBRO_PII_SALT")
        .env_remove("CLICKHOUSE_URL");
    if let Some(s) = salt {
        cmd.env("CEREBRO_PII_SALT", s);
    }
    cmd.output().expect("mensura runs")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "mensura failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn fails(out: &Output, code: i32, message: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "stderr: {stderr}");
    assert!(
        stderr.contains(message),
        "expected {message:?} in: {stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn synth_build_test_publish_through_a_url() {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let engine = Embedded::start(EmbeddedOptions::new(tmp.path().join("clickhouse")))
        .await
        .expect("the embedded ClickHouse starts");
    let url = format!("{}/clidb", engine.url().expect("the engine has a URL"));
    let out_dir = tmp.path().join("data");
    let out_dir_s = out_dir.display().to_string();

    let result = tokio::task::spawn_blocking(move || {
        let with = |rest: &[&str]| -> Vec<String> {
            let mut v = vec![rest[0].to_string(), "--clickhouse-url".into(), url.clone()];
            v.extend(rest[1..].iter().map(|s| s.to_string()));
            v
        };

        // Nothing built yet: test and publish say what to do.
        fails(
            &mensura(&with(&["test"]), None),
            1,
            "run `mensura build` first",
        );
        fails(
            &mensura(&with(&["publish", "--out", &out_dir_s]), None),
            1,
            "run `mensura build` first",
        );
        // The salt is checked before anything runs, naming the problem but never the value.
        fails(
            &mensura(&with(&["build"]), None),
            1,
            "CEREBRO_PII_SALT is not set",
        );
        fails(
            &mensura(&with(&["build"]), Some("abc")),
            1,
            "odd number of hex digits",
        );
        fails(&mensura(&with(&["build"]), Some("")), 1, "is empty");
        fails(
            &mensura(
                &with(&[
                    "build",
                    "--start-month",
                    "2026-13",
                    "--end-month",
                    "2026-12",
                ]),
                Some(SALT),
            ),
            1,
            "not a month",
        );
        fails(
            &mensura(&with(&["build", "--select", "no_such_model"]), Some(SALT)),
            1,
            "no model called no_such_model",
        );

        let synth = ok(&mensura(
            &with(&[
                "synth",
                "--users",
                "60",
                "--gp-safes",
                "30",
                "--days",
                "220",
                "--start",
                "2025-10-01",
            ]),
            Some(SALT),
        ));
        assert!(synth.contains("loaded 20 tables"), "{synth}");
        let build = ok(&mensura(
            &with(&["build", "--as-of", "2026-05-09", "--format", "json"]),
            Some(SALT),
        ));
        let report: serde_json::Value = serde_json::from_str(&build).expect("a JSON build report");
        assert_eq!(report["as_of"], "2026-05-09");
        let models = report["models"].as_array().expect("models");
        assert!(models.len() >= 45, "{} models", models.len());
        assert!(
            models
                .iter()
                .any(|m| m["model"] == "fct_execution_gnosis_app_attribution_30d"
                    && m["rows"].as_u64().unwrap_or(0) > 0)
        );

        // An incremental rerun touches only the latest month of each incremental model.
        let again = ok(&mensura(
            &with(&["build", "--as-of", "2026-05-09"]),
            Some(SALT),
        ));
        assert!(again.contains("incremental 2026-05..end"), "{again}");
        // A month range rebuilds just those months.
        let range = ok(&mensura(
            &with(&[
                "build",
                "--as-of",
                "2026-05-09",
                "--start-month",
                "2026-01",
                "--end-month",
                "2026-02",
                "--select",
                "int_execution_gnosis_app_conversions",
            ]),
            Some(SALT),
        ));
        assert!(range.contains("incremental 2026-01..2026-02"), "{range}");

        let report_path = Path::new(&out_dir_s).with_file_name("report.json");
        let tests = ok(&mensura(
            &with(&["test", "--report", &report_path.display().to_string()]),
            None,
        ));
        assert!(tests.contains(" 0 errors"), "{tests}");
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&report_path).expect("report written"))
                .expect("json");
        assert!(json["outcomes"].as_array().is_some_and(|o| o.len() > 200));

        // Publishing a bridge is refused; publishing works and writes the manifest.
        fails(
            &mensura(
                &with(&[
                    "publish",
                    "--out",
                    &out_dir_s,
                    "--only",
                    "int_execution_gpay_user_identity_bridge",
                ]),
                None,
            ),
            1,
            "internal-only",
        );
        let published = ok(&mensura(
            &with(&["publish", "--out", &out_dir_s, "--min-cell", "3"]),
            None,
        ));
        assert!(
            published.contains("published 20 extracts as of 2026-05-09"),
            "{published}"
        );
        let manifest: serde_json::Value = serde_json::from_slice(
            &std::fs::read(Path::new(&out_dir_s).join("manifest.json")).expect("manifest"),
        )
        .expect("json");
        assert_eq!(manifest["min_cell"], 3);
        let suppressed: u64 = manifest["files"]
            .as_array()
            .expect("files")
            .iter()
            .filter_map(|f| f["suppressed_rows"].as_u64())
            .sum();
        assert!(suppressed > 0, "a small dataset has cells under 3 users");
    })
    .await;
    engine.shutdown().await.expect("the engine stops");
    if let Err(e) = result {
        std::panic::resume_unwind(e.into_panic());
    }
}
