//! The `mensura` engine commands as a user runs them: over the committed sample extracts, over
//! the golden example of spec §8.2 written as extracts, and with bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use mensura_engine::date::{date_of_ts, days_from_civil};
use mensura_engine::extract::{WriteOptions, write_conversions, write_touches};
use mensura_engine::table::{Conversions, Dict, Touches};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/sample")
}

fn mensura(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mensura"))
        .args(args)
        .output()
        .expect("mensura runs")
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "mensura failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).expect("utf-8 output")
}

fn fixture(name: &str) -> String {
    fixtures().join(name).display().to_string()
}

/// Parses CSV output into header + rows.
fn csv_rows(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut lines = text.lines();
    let header = lines
        .next()
        .unwrap_or_default()
        .split(',')
        .map(str::to_owned)
        .collect();
    (
        header,
        lines
            .map(|l| l.split(',').map(str::to_owned).collect())
            .collect(),
    )
}

fn ts(y: i32, m: u32, d: u32, h: i64, mi: i64, s: i64) -> i64 {
    i64::from(days_from_civil(y, m, d)) * 86_400 + h * 3600 + mi * 60 + s
}

/// The journeys of spec §8.2 (after the guards) as schema-v1 extracts in `dir`.
fn write_golden(dir: &Path) -> (String, String) {
    let conv_ts = [
        ts(2026, 3, 10, 12, 0, 0),
        ts(2026, 3, 12, 0, 0, 0),
        ts(2026, 3, 11, 0, 0, 0),
    ];
    let conversions = Conversions {
        conversion_id: vec![0, 1, 2],
        conversion_kind: Dict::from_strs(["topup", "swap_filled", "topup"]),
        identity_role: None,
        conversion_ts: conv_ts.to_vec(),
        conversion_date: conv_ts.iter().map(|&t| date_of_ts(t)).collect(),
        conversion_amount_usd: vec![Some(25.0), None, Some(10.0)],
        source_rows: vec![1, 1, 1],
    };
    let touches_raw = [
        (0, "chain.onboard", ts(2026, 2, 20, 8, 0, 0)),
        (0, "mp.pageview", ts(2026, 3, 5, 9, 0, 0)),
        (0, "mp.pageview", ts(2026, 3, 9, 23, 59, 59)),
        (0, "chain.swap_signed", ts(2026, 3, 10, 11, 0, 0)),
        (0, "chain.swap_filled", ts(2026, 3, 10, 11, 0, 0)),
        (1, "chain.swap_signed", ts(2026, 3, 11, 23, 0, 0)),
        (1, "mp.pageview", ts(2026, 3, 11, 23, 0, 0)),
    ];
    let touches = Touches {
        conversion_id: touches_raw.iter().map(|t| t.0).collect(),
        event_kind: Dict::from_strs(touches_raw.iter().map(|t| t.1)),
        event_source: Dict::from_strs(touches_raw.iter().map(|t| {
            if t.1.starts_with("mp.") {
                "mixpanel"
            } else {
                "chain"
            }
        })),
        touch_offset_s: touches_raw
            .iter()
            .map(|t| (conv_ts[t.0 as usize] - t.2) as u32)
            .collect(),
        lag_days: touches_raw
            .iter()
            .map(|t| (date_of_ts(conv_ts[t.0 as usize]) - date_of_ts(t.2)) as u16)
            .collect(),
    };
    let c = dir.join("conversions_ga.parquet");
    let t = dir.join("journeys_touches_ga.parquet");
    std::fs::write(
        &c,
        write_conversions(&conversions, &WriteOptions::default()),
    )
    .expect("write");
    std::fs::write(&t, write_touches(&touches, 60, &WriteOptions::default())).expect("write");
    (c.display().to_string(), t.display().to_string())
}

#[test]
fn attribute_reproduces_the_golden_example() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (c, t) = write_golden(dir.path());
    let out = mensura(&[
        "attribute",
        "--conversions",
        &c,
        "--touches",
        &t,
        "--lookback-days",
        "30",
        "--efold-days",
        "7",
        "--as-of",
        "2026-03-20",
        "--format",
        "csv",
    ]);
    let (header, rows) = csv_rows(&stdout(&out));
    assert_eq!(
        header,
        [
            "conversion_kind",
            "event_kind",
            "conversions_with_touch",
            "first_touch",
            "last_touch",
            "linear",
            "time_decay",
            "position_based",
            "total_conversions"
        ]
    );
    let e = |d: f64| (-d / 7.0f64).exp();
    let td = e(18.0) + 2.0 + e(5.0) + e(1.0);
    let expected = [
        (
            "swap_filled",
            "chain.swap_signed",
            [0.5, 0.5, 0.5, 0.5],
            "1",
        ),
        ("swap_filled", "mp.pageview", [0.5, 0.5, 0.5, 0.5], "1"),
        ("topup", "chain.onboard", [1.0, 0.0, 0.2, e(18.0) / td], "2"),
        ("topup", "chain.swap_filled", [0.0, 0.5, 0.2, 1.0 / td], "2"),
        ("topup", "chain.swap_signed", [0.0, 0.5, 0.2, 1.0 / td], "2"),
        (
            "topup",
            "mp.pageview",
            [0.0, 0.0, 0.4, (e(5.0) + e(1.0)) / td],
            "2",
        ),
    ];
    assert_eq!(rows.len(), expected.len());
    for (row, (ck, ek, credits, total)) in rows.iter().zip(expected) {
        assert_eq!(
            (
                row[0].as_str(),
                row[1].as_str(),
                row[2].as_str(),
                row[8].as_str()
            ),
            (ck, ek, "1", total)
        );
        for (text, want) in row[3..7].iter().zip(credits) {
            let got: f64 = text.parse().expect("a float");
            assert!((got - want).abs() <= 1e-12, "{ck}/{ek}: {got} vs {want}");
        }
    }
    // The spec's rounded 7-day table, through JSON this time.
    let out = mensura(&[
        "attribute",
        "--conversions",
        &c,
        "--touches",
        &t,
        "--lookback-days",
        "7",
        "--efold-days",
        "7",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let pageview = json
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["conversion_kind"] == "topup" && r["event_kind"] == "mp.pageview")
        .expect("row");
    assert!((pageview["time_decay"].as_f64().expect("number") - 0.404127).abs() < 5e-7);
    assert_eq!(pageview["first_touch"], 1.0);
}

#[test]
fn sample_commands_run_and_agree_across_formats() {
    let (c, t) = (
        fixture("conversions_gp.parquet"),
        fixture("journeys_touches_gp.parquet"),
    );
    let csv = stdout(&mensura(&[
        "attribute",
        "--conversions",
        &c,
        "--touches",
        &t,
        "--by-role",
        "--format",
        "csv",
    ]));
    let (header, rows) = csv_rows(&csv);
    assert_eq!(
        header[..3],
        ["conversion_kind", "identity_role", "event_kind"]
    );
    assert!(rows.len() > 10);
    let json: serde_json::Value = serde_json::from_str(&stdout(&mensura(&[
        "attribute",
        "--conversions",
        &c,
        "--touches",
        &t,
        "--by-role",
        "--format",
        "json",
    ])))
    .expect("json");
    let first = &json.as_array().expect("rows")[0];
    assert_eq!(
        first["linear"].as_f64().expect("number").to_string(),
        rows[0][6],
        "shortest round-trip floats agree"
    );
    let sweep = stdout(&mensura(&[
        "sweep",
        "--conversions",
        &c,
        "--touches",
        &t,
        "--lookbacks",
        "7,30",
        "--half-lives",
        "1,7",
        "--flips",
        "--format",
        "csv",
    ]));
    assert!(sweep.starts_with("lookback_days,half_life_days,conversion_kind,identity_role,leader,reference_leader,leader_changed,inversions\n"));
    let funnel = stdout(&mensura(&[
        "funnel",
        "--events",
        &fixture("funnel_events_ga.parquet"),
        "--steps",
        "mp.pageview,chain.swap_filled,chain.topup",
        "--summary",
        "--format",
        "csv",
    ]));
    let (header, levels) = csv_rows(&funnel);
    assert_eq!(header[0], "level");
    assert_eq!(levels.len(), 4, "levels 0 to 3");
    let baseline = stdout(&mensura(&[
        "baseline",
        "--spine",
        &fixture("mmm_spine_weekly.parquet"),
        "--format",
        "csv",
    ]));
    assert!(baseline.lines().count() > 1);
    let vif = stdout(&mensura(&[
        "collinearity",
        "--spine",
        &fixture("mmm_spine_weekly.parquet"),
        "--vif",
        "--format",
        "json",
    ]));
    let vif: serde_json::Value = serde_json::from_str(&vif).expect("json");
    let placeholder = vif
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["column"] == "media_lm_rewards_outlay_usd")
        .expect("row");
    assert_eq!(placeholder["status"], "insufficient_variance");
    assert!(placeholder["vif"].is_null());
    stdout(&mensura(&[
        "sample",
        "--out",
        &fixtures().display().to_string(),
        "--check",
    ]));
}

#[test]
fn bad_input_is_a_clear_error() {
    let cases: [(&[&str], &str); 4] = [
        (
            &[
                "attribute",
                "--conversions",
                "missing.parquet",
                "--touches",
                "x",
            ],
            "error: cannot read missing.parquet",
        ),
        (
            &[
                "attribute",
                "--conversions",
                &fixture("conversions_ga.parquet"),
                "--touches",
                &fixture("journeys_touches_ga.parquet"),
                "--lookback-days",
                "61",
            ],
            "error: invalid parameter `lookback_days`: 61 is outside 1..=60",
        ),
        (
            &[
                "attribute",
                "--conversions",
                &fixture("mmm_spine_weekly.parquet"),
                "--touches",
                &fixture("journeys_touches_ga.parquet"),
            ],
            "required column `conversion_id` is missing",
        ),
        (
            &[
                "funnel",
                "--events",
                &fixture("funnel_events_ga.parquet"),
                "--steps",
                "a,b",
                "--mode",
                "strict_sideways",
            ],
            "strict_sideways",
        ),
    ];
    for (args, message) in cases {
        let out = mensura(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty());
    }
    // Conflicting options are a usage error (exit code 2).
    let out = mensura(&[
        "attribute",
        "--conversions",
        "c",
        "--touches",
        "t",
        "--half-life-days",
        "3",
        "--efold-days",
        "7",
    ]);
    assert_eq!(out.status.code(), Some(2));
}
