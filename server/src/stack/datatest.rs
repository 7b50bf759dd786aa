//! Data tests (spec §11 and the added ones): declared in `server/models/<sector>/tests.toml`, each
//! compiled to one query whose rows are the failures.

use serde::Deserialize;
use thiserror::Error;

use super::model::{LOOKBACK_TOKEN, fill_lookback};

/// How bad a failure is: `error` fails `mensura test`, `warn` is reported only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warn,
}

/// One test, instantiated (a template model's test exists once per lookback).
#[derive(Debug, Clone, PartialEq)]
pub struct DataTest {
    /// A readable unique name, e.g. `not_null:int_x_conversions.conversion_ts`.
    pub name: String,
    pub model: String,
    pub severity: Severity,
    /// Where it comes from (spec section or "added").
    pub source: String,
    /// The query returning the failing rows.
    pub sql: String,
    /// The `tests.toml` it was declared in.
    pub file: String,
}

/// A `tests.toml` that cannot be used.
#[derive(Debug, Error)]
#[error("{file}: {problem}")]
pub struct TestFileError {
    pub file: String,
    pub problem: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TestFile {
    #[serde(default)]
    test: Vec<Decl>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Decl {
    name: Option<String>,
    model: String,
    kind: Kind,
    #[serde(default)]
    columns: Vec<String>,
    column: Option<String>,
    to: Option<String>,
    field: Option<String>,
    min: Option<f64>,
    max: Option<f64>,
    expression: Option<String>,
    sql: Option<String>,
    #[serde(rename = "where")]
    filter: Option<String>,
    severity: Option<Severity>,
    source: Option<String>,
    /// Free text: why the test exists.
    #[allow(dead_code)]
    description: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum Kind {
    NotNull,
    Unique,
    Relationships,
    AcceptedRange,
    Expression,
    Sql,
}

impl DataTest {
    /// Parses one `tests.toml`; tests on a template model are instantiated for each lookback.
    pub fn parse_file(
        file: &str,
        text: &str,
        lookbacks: &[u32],
    ) -> Result<Vec<DataTest>, TestFileError> {
        let err = |problem: String| TestFileError {
            file: file.to_string(),
            problem,
        };
        let parsed: TestFile = toml::from_str(text).map_err(|e| err(e.to_string()))?;
        let mut out = Vec::new();
        for (i, decl) in parsed.test.iter().enumerate() {
            let tests = compile(decl)
                .map_err(|p| err(format!("test #{} on `{}`: {p}", i + 1, decl.model)))?;
            for (name, sql) in tests {
                let severity = decl.severity.unwrap_or(Severity::Error);
                let source = decl.source.clone().unwrap_or_else(|| "spec §11".into());
                let instances: Vec<Option<u32>> = if decl.model.contains(LOOKBACK_TOKEN) {
                    lookbacks.iter().map(|&n| Some(n)).collect()
                } else {
                    vec![None]
                };
                for n in instances {
                    let fill = |s: &str| n.map_or_else(|| s.to_string(), |n| fill_lookback(s, n));
                    out.push(DataTest {
                        name: fill(&name),
                        model: fill(&decl.model),
                        severity,
                        source: source.clone(),
                        sql: fill(&sql),
                        file: file.to_string(),
                    });
                }
            }
        }
        Ok(out)
    }
}

/// The (name, failing-rows query) pairs of one declaration.
fn compile(d: &Decl) -> Result<Vec<(String, String)>, String> {
    let m = &d.model;
    check_ident(m)?;
    let filter = |extra: &str| -> String {
        match &d.filter {
            Some(w) => format!("({w}) AND ({extra})"),
            None => extra.to_string(),
        }
    };
    let name = |default: String| d.name.clone().unwrap_or(default);
    let needs = |what: &str, v: &Option<String>| -> Result<String, String> {
        v.clone()
            .ok_or_else(|| format!("a {:?} test needs `{what}`", d.kind))
    };
    Ok(match d.kind {
        Kind::NotNull => {
            if d.columns.is_empty() {
                return Err("a not_null test needs `columns`".into());
            }
            let mut out = Vec::new();
            for c in &d.columns {
                check_ident(c)?;
                out.push((
                    match (&d.name, d.columns.len()) {
                        (Some(n), 1) => n.clone(),
                        (Some(n), _) => format!("{n}:{c}"),
                        (None, _) => format!("not_null:{m}.{c}"),
                    },
                    format!(
                        "SELECT * FROM {m} WHERE {}",
                        filter(&format!("{c} IS NULL"))
                    ),
                ));
            }
            out
        }
        Kind::Unique => {
            if d.columns.is_empty() {
                return Err("a unique test needs `columns`".into());
            }
            for c in &d.columns {
                check_ident(c)?;
            }
            let cols = d.columns.join(", ");
            let filter = d
                .filter
                .as_ref()
                .map(|w| format!(" WHERE {w}"))
                .unwrap_or_default();
            vec![(
                name(format!("unique:{m}({cols})")),
                format!(
                    "SELECT {cols}, count() AS n_rows FROM {m}{filter} GROUP BY {cols} HAVING n_rows > 1"
                ),
            )]
        }
        Kind::Relationships => {
            let c = needs("column", &d.column)?;
            let to = needs("to", &d.to)?;
            let field = needs("field", &d.field)?;
            for i in [&c, &to, &field] {
                check_ident(i)?;
            }
            vec![(
                name(format!("relationships:{m}.{c}->{to}.{field}")),
                format!(
                    "SELECT {c}, count() AS n_rows FROM {m} WHERE {} GROUP BY {c}",
                    filter(&format!(
                        "{c} IS NOT NULL AND toString({c}) NOT IN (SELECT toString({field}) FROM {to})"
                    ))
                ),
            )]
        }
        Kind::AcceptedRange => {
            let c = needs("column", &d.column)?;
            check_ident(&c)?;
            let mut bounds = Vec::new();
            if let Some(min) = d.min {
                bounds.push(format!("{c} >= {min:?}"));
            }
            if let Some(max) = d.max {
                bounds.push(format!("{c} <= {max:?}"));
            }
            if bounds.is_empty() {
                return Err("an accepted_range test needs `min` or `max`".into());
            }
            // NULL is accepted (as dbt's accepted_range); NaN is not: it fails every comparison.
            vec![(
                name(format!("accepted_range:{m}.{c}")),
                format!(
                    "SELECT * FROM {m} WHERE {}",
                    filter(&format!(
                        "{c} IS NOT NULL AND NOT ({})",
                        bounds.join(" AND ")
                    ))
                ),
            )]
        }
        Kind::Expression => {
            let e = needs("expression", &d.expression)?;
            vec![(
                name(format!("expression:{m}[{e}]")),
                format!(
                    "SELECT * FROM {m} WHERE {}",
                    filter(&format!("NOT coalesce(({e}), 0)"))
                ),
            )]
        }
        Kind::Sql => {
            let sql = needs("sql", &d.sql)?;
            let n = d
                .name
                .clone()
                .ok_or_else(|| "an sql test needs a `name`".to_string())?;
            vec![(n, sql.trim().trim_end_matches(';').to_string())]
        }
    })
}

fn check_ident(s: &str) -> Result<(), String> {
    let ok = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '{' || c == '}');
    if ok {
        Ok(())
    } else {
        Err(format!("`{s}` is not a plain column or table name"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
[[test]]
model = "m_{N}d"
kind = "not_null"
columns = ["a", "b"]

[[test]]
model = "m_{N}d"
kind = "unique"
columns = ["a", "b"]
where = "d >= {as_of:Date} - 7"
severity = "warn"

[[test]]
model = "c"
kind = "relationships"
column = "k"
to = "seed"
field = "k"

[[test]]
model = "c"
kind = "accepted_range"
column = "r"
min = -1.0001
max = 1.0001

[[test]]
model = "c"
kind = "expression"
expression = "n > 5"

[[test]]
name = "custom_{N}"
model = "m_{N}d"
kind = "sql"
sql = "SELECT 1 FROM m_{N}d WHERE 0;"
source = "added"
"#;

    #[test]
    fn compiles_each_kind_and_instantiates_templates() {
        let tests = DataTest::parse_file("x/tests.toml", FILE, &[7, 30]).expect("a value");
        let names: Vec<&str> = tests.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "not_null:m_7d.a",
                "not_null:m_30d.a",
                "not_null:m_7d.b",
                "not_null:m_30d.b",
                "unique:m_7d(a, b)",
                "unique:m_30d(a, b)",
                "relationships:c.k->seed.k",
                "accepted_range:c.r",
                "expression:c[n > 5]",
                "custom_7",
                "custom_30",
            ]
        );
        assert_eq!(tests[0].sql, "SELECT * FROM m_7d WHERE a IS NULL");
        assert_eq!(tests[4].severity, Severity::Warn);
        assert!(
            tests[4]
                .sql
                .contains("WHERE d >= {as_of:Date} - 7 GROUP BY a, b HAVING n_rows > 1")
        );
        assert!(tests[7].sql.contains("NOT (r >= -1.0001 AND r <= 1.0001)"));
        assert!(tests[8].sql.ends_with("WHERE NOT coalesce((n > 5), 0)"));
        assert_eq!(tests[10].sql, "SELECT 1 FROM m_30d WHERE 0");
        assert_eq!(tests[10].source, "added");
    }

    #[test]
    fn samples_never_show_identities() {
        let row: serde_json::Map<String, serde_json::Value> = serde_json::from_str(
            r#"{"user_pseudonym": 123, "address": "0xabc", "gp_safe": 9, "kind": "topup",
                "note": "from 0x00000000000000000000000000000000000000aa", "n_rows": 2}"#,
        )
        .expect("json");
        let text = redacted_sample(&[row]);
        assert_eq!(
            text,
            "kind\tnote\tn_rows\ntopup\t<address>\t2\n(3 identity columns not shown)\n"
        );
    }

    #[test]
    fn rejects_incomplete_declarations() {
        let bad = [
            (
                "[[test]]\nmodel = \"m\"\nkind = \"unique\"",
                "needs `columns`",
            ),
            (
                "[[test]]\nmodel = \"m\"\nkind = \"relationships\"\ncolumn = \"a\"",
                "needs `to`",
            ),
            (
                "[[test]]\nmodel = \"m\"\nkind = \"sql\"\nsql = \"SELECT 1\"",
                "needs a `name`",
            ),
            (
                "[[test]]\nmodel = \"m; DROP\"\nkind = \"not_null\"\ncolumns=[\"a\"]",
                "not a plain",
            ),
            (
                "[[test]]\nmodel = \"m\"\nkind = \"bogus\"",
                "unknown variant",
            ),
            (
                "[[test]]\nmodel = \"m\"\nkind = \"not_null\"\ncolumn = \"a\"\ncolums = []",
                "unknown field",
            ),
        ];
        for (text, want) in bad {
            let e = DataTest::parse_file("t.toml", text, &[7])
                .expect_err("an error")
                .to_string();
            assert!(e.contains(want), "{text}: {e}");
        }
    }
}

/// The outcome of one data test.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TestOutcome {
    pub name: String,
    pub model: String,
    pub severity: Severity,
    pub source: String,
    /// Failing rows (0: passed).
    pub failures: u64,
    /// Up to five failing rows (tab-separated, with a header line), without identity columns
    /// (pseudonyms, addresses, Safes) and with address-like values replaced.
    pub sample: String,
    /// Set when the test query itself could not run (counts as a failure of its severity).
    pub error: Option<String>,
}

impl TestOutcome {
    pub fn passed(&self) -> bool {
        self.failures == 0 && self.error.is_none()
    }
}

/// Every data test's outcome.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TestReport {
    pub as_of: String,
    pub outcomes: Vec<TestOutcome>,
}

impl TestReport {
    /// Failed tests of severity `error`.
    pub fn errors(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| !o.passed() && o.severity == Severity::Error)
            .count()
    }

    /// Failed tests of severity `warn`.
    pub fn warnings(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| !o.passed() && o.severity == Severity::Warn)
            .count()
    }
}

/// Whether a column holds identities that must not reach logs or reports.
fn is_identity_column(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("pseudonym") || n.contains("address") || n.contains("safe") || n == "salt"
}

/// Whether a value looks like a 0x address.
fn looks_like_address(s: &str) -> bool {
    let b = s.as_bytes();
    b.windows(42)
        .any(|w| w[0] == b'0' && (w[1] | 0x20) == b'x' && w[2..].iter().all(u8::is_ascii_hexdigit))
}

/// Failing rows as tab-separated text with a header, identity columns left out and anything that
/// looks like an address replaced: samples go to terminals, logs and the admin API.
fn redacted_sample(rows: &[serde_json::Map<String, serde_json::Value>]) -> String {
    let Some(first) = rows.first() else {
        return String::new();
    };
    let columns: Vec<&String> = first.keys().filter(|k| !is_identity_column(k)).collect();
    let mut out = columns
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join("\t");
    out.push('\n');
    for row in rows {
        let cells: Vec<String> = columns
            .iter()
            .map(|c| match row.get(*c) {
                Some(serde_json::Value::String(s)) if looks_like_address(s) => "<address>".into(),
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(v) => v.to_string(),
                None => String::new(),
            })
            .collect();
        out.push_str(&cells.join("\t"));
        out.push('\n');
    }
    let hidden = first.len() - columns.len();
    if hidden > 0 {
        out.push_str(&format!("({hidden} identity columns not shown)\n"));
    }
    out
}

/// Runs `tests` against `wh` (the built database); `as_of` binds `{as_of:Date}`.
pub async fn run_tests(
    wh: &crate::warehouse::Warehouse,
    tests: &[DataTest],
    as_of: &str,
) -> TestReport {
    #[derive(Deserialize)]
    struct Count {
        n: u64,
    }
    let mut outcomes = Vec::with_capacity(tests.len());
    for t in tests {
        let params = if t.sql.contains("{as_of:Date}") {
            crate::warehouse::Params::new().bind("as_of", as_of)
        } else {
            crate::warehouse::Params::new()
        };
        let counted = wh
            .query_rows::<Count>(&format!("SELECT count() AS n FROM ({})", t.sql), &params)
            .await;
        let (failures, error) = match counted {
            Ok(rows) => (rows.first().map_or(0, |c| c.n), None),
            Err(e) => (0, Some(e.to_string())),
        };
        let sample = if failures > 0 {
            wh.query_rows::<serde_json::Map<String, serde_json::Value>>(
                &format!("SELECT * FROM ({}) LIMIT 5", t.sql),
                &params,
            )
            .await
            .map(|rows| redacted_sample(&rows))
            .unwrap_or_default()
        } else {
            String::new()
        };
        outcomes.push(TestOutcome {
            name: t.name.clone(),
            model: t.model.clone(),
            severity: t.severity,
            source: t.source.clone(),
            failures,
            sample,
            error,
        });
    }
    TestReport {
        as_of: as_of.to_string(),
        outcomes,
    }
}
