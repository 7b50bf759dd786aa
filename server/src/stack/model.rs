//! One model file: its header (`-- key: value` lines) and its `SELECT`, and the instantiation of
//! lookback templates. The conventions are in `server/models/README.md`; this module is their
//! single implementation.

use std::collections::BTreeMap;
use std::fmt;

use thiserror::Error;

/// The token a lookback template uses for the lookback in days.
pub const LOOKBACK_TOKEN: &str = "{N}";

/// How a model is materialized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Materialized {
    /// Rebuilt in full on every run, then swapped in atomically.
    Table,
    /// Month partitions, rebuilt by whole months (insert_overwrite).
    Incremental,
    /// A view; nothing is stored.
    View,
}

impl fmt::Display for Materialized {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Materialized::Table => "table",
            Materialized::Incremental => "incremental",
            Materialized::View => "view",
        })
    }
}

/// A model file as written: possibly a lookback template.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelFile {
    /// The path inside `server/models/`, for messages (`gnosis_app/x.sql`).
    pub path: String,
    /// The sector folder (`gnosis_app`, `gpay`, `mmm`).
    pub sector: String,
    pub header: Header,
    /// The `SELECT`, without the header.
    pub sql: String,
}

/// The parsed header of a model file.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub model: String,
    pub grain: String,
    pub inputs: Vec<String>,
    pub materialized: Materialized,
    /// `MergeTree` or `ReplacingMergeTree` (tables and incremental models).
    pub engine: Option<String>,
    pub order_by: Option<String>,
    /// The Date column partitioned by month (incremental models).
    pub partition_date: Option<String>,
    /// Per-query settings, in file order.
    pub settings: Vec<(String, String)>,
    /// Identity bridges: never published, never served.
    pub internal_only: bool,
    /// Months per batch when a full refresh rebuilds this incremental model (overrides the
    /// build's `--batch-months`; upstream's `meta.full_refresh`).
    pub batch_months: Option<u32>,
}

/// A model ready to run: templates instantiated for one lookback.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub name: String,
    pub sector: String,
    pub path: String,
    pub grain: String,
    pub inputs: Vec<String>,
    pub materialized: Materialized,
    pub engine: Option<String>,
    pub order_by: Option<String>,
    pub partition_date: Option<String>,
    pub settings: Vec<(String, String)>,
    pub internal_only: bool,
    pub batch_months: Option<u32>,
    /// The lookback this instance was made for, if it is a template instance.
    pub lookback: Option<u32>,
    pub sql: String,
}

/// A model file that does not follow the conventions.
#[derive(Debug, Error, PartialEq)]
#[error("{path}: {problem}")]
pub struct ModelError {
    pub path: String,
    pub problem: String,
}

impl ModelFile {
    /// Parses `text`, the contents of `path` (`<sector>/<model>.sql`).
    pub fn parse(path: &str, text: &str) -> Result<ModelFile, ModelError> {
        let err = |problem: String| ModelError {
            path: path.to_string(),
            problem,
        };
        let (sector, file) = path
            .rsplit_once('/')
            .ok_or_else(|| err("a model lives in a sector folder: <sector>/<model>.sql".into()))?;
        let stem = file
            .strip_suffix(".sql")
            .ok_or_else(|| err("a model file name ends in .sql".into()))?;

        let (mut fields, sql) = split_header(text).map_err(err)?;
        if sql.is_empty() {
            return Err(err("no SELECT after the header".into()));
        }
        if sql.ends_with(';') {
            return Err(err(
                "the SELECT must not end with `;` (one statement per file)".into(),
            ));
        }

        let mut take = |key: &str| fields.remove(key);
        let model = take("model").ok_or_else(|| err("missing header `-- model: <name>`".into()))?;
        if model != stem {
            return Err(err(format!(
                "header names the model `{model}` but the file is `{file}`"
            )));
        }
        let grain = take("grain").ok_or_else(|| err("missing header `-- grain:`".into()))?;
        let inputs = take("inputs")
            .ok_or_else(|| err("missing header `-- inputs:` (use `-- inputs: none`)".into()))?;
        let inputs: Vec<String> = if inputs.trim() == "none" {
            Vec::new()
        } else {
            inputs
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        };
        let materialized = match take("materialized").as_deref() {
            Some("table") => Materialized::Table,
            Some("incremental") => Materialized::Incremental,
            Some("view") => Materialized::View,
            Some(other) => {
                return Err(err(format!(
                    "materialized is `{other}`; expected table, incremental or view"
                )));
            }
            None => return Err(err("missing header `-- materialized:`".into())),
        };
        let engine = take("engine");
        let order_by = take("order_by");
        let partition_date = take("partition_date");
        let settings = match take("settings") {
            None => Vec::new(),
            Some(list) => parse_settings(&list).map_err(err)?,
        };
        let internal_only = match take("internal_only").as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(other) => {
                return Err(err(format!(
                    "internal_only is `{other}`; expected true or false"
                )));
            }
        };
        let batch_months = match take("batch_months") {
            None => None,
            Some(v) => match v.parse::<u32>() {
                Ok(n) if n >= 1 && materialized == Materialized::Incremental => Some(n),
                Ok(_) | Err(_) => {
                    return Err(err(format!(
                        "batch_months is `{v}`; expected a whole number of months ≥ 1, on an incremental model"
                    )));
                }
            },
        };
        // Unknown keys are documentation (`source:` notes and the like): allowed.

        match materialized {
            Materialized::View => {
                if partition_date.is_some() || engine.is_some() || order_by.is_some() {
                    return Err(err(
                        "a view has no engine, order_by or partition_date".into()
                    ));
                }
            }
            Materialized::Table | Materialized::Incremental => {
                match engine.as_deref() {
                    Some("MergeTree" | "ReplacingMergeTree") => {}
                    Some(other) => {
                        return Err(err(format!(
                            "engine is `{other}`; expected MergeTree or ReplacingMergeTree"
                        )));
                    }
                    None => return Err(err("missing header `-- engine:`".into())),
                }
                if order_by.is_none() {
                    return Err(err("missing header `-- order_by:`".into()));
                }
                if materialized == Materialized::Incremental && partition_date.is_none() {
                    return Err(err(
                        "an incremental model needs `-- partition_date: <Date column>`".into(),
                    ));
                }
                if materialized == Materialized::Table && partition_date.is_some() {
                    return Err(err(
                        "partition_date is for incremental models; a table is rebuilt whole".into(),
                    ));
                }
            }
        }
        if materialized != Materialized::Incremental
            && (sql.contains("{batch_start:") || sql.contains("{batch_end:"))
        {
            return Err(err(format!(
                "only incremental models may use {{batch_start:Date}} / {{batch_end:Date}}; this one is a {materialized}"
            )));
        }
        if materialized == Materialized::Incremental
            && !(sql.contains("{batch_start:Date}") && sql.contains("{batch_end:Date}"))
        {
            return Err(err(
                "an incremental model must restrict its rows with {batch_start:Date} and {batch_end:Date}".into(),
            ));
        }
        if materialized == Materialized::View
            && sql.contains(":Date}") | sql.contains(":DateTime}") | sql.contains(":String}")
        {
            return Err(err(
                "a view cannot use bound parameters: it is stored and read later without them"
                    .into(),
            ));
        }
        let is_template = model.contains(LOOKBACK_TOKEN);
        if !is_template && sql.contains(LOOKBACK_TOKEN) {
            return Err(err(format!(
                "uses {LOOKBACK_TOKEN} but its name is not a lookback template"
            )));
        }

        Ok(ModelFile {
            path: path.to_string(),
            sector: sector.to_string(),
            header: Header {
                model,
                grain,
                inputs,
                materialized,
                engine,
                order_by,
                partition_date,
                settings,
                internal_only,
                batch_months,
            },
            sql,
        })
    }

    /// Whether this file is a lookback template.
    pub fn is_template(&self) -> bool {
        self.header.model.contains(LOOKBACK_TOKEN)
    }

    /// The models this file stands for: one, or one per lookback for a template.
    pub fn instantiate(&self, lookbacks: &[u32]) -> Vec<Model> {
        if self.is_template() {
            lookbacks.iter().map(|&n| self.instance(Some(n))).collect()
        } else {
            vec![self.instance(None)]
        }
    }

    fn instance(&self, lookback: Option<u32>) -> Model {
        let fill = |s: &str| match lookback {
            Some(n) => s.replace(LOOKBACK_TOKEN, &n.to_string()),
            None => s.to_string(),
        };
        let h = &self.header;
        Model {
            name: fill(&h.model),
            sector: self.sector.clone(),
            path: self.path.clone(),
            grain: h.grain.clone(),
            inputs: h.inputs.iter().map(|i| fill(i)).collect(),
            materialized: h.materialized,
            engine: h.engine.clone(),
            order_by: h.order_by.as_deref().map(fill),
            partition_date: h.partition_date.clone(),
            settings: h.settings.clone(),
            internal_only: h.internal_only,
            batch_months: h.batch_months,
            lookback,
            sql: fill(&self.sql),
        }
    }
}

/// Splits a file into its header (`-- key: value` lines before the first line of SQL, keys in
/// lowercase) and the SQL after it, trimmed. Other comment lines are free text.
pub fn split_header(text: &str) -> Result<(BTreeMap<String, String>, String), String> {
    let mut fields = BTreeMap::new();
    let mut body_start = text.len();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if let Some(comment) = trimmed.strip_prefix("--") {
            if let Some((key, value)) = comment.split_once(':') {
                let key = key.trim();
                if !key.is_empty()
                    && key.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                    && fields
                        .insert(key.to_string(), value.trim().to_string())
                        .is_some()
                {
                    return Err(format!("header key `{key}` appears twice"));
                }
            }
        } else if !trimmed.is_empty() {
            body_start = offset;
            break;
        }
        offset += line.len();
    }
    Ok((fields, text[body_start..].trim().to_string()))
}

/// Replaces `{N}` in a name (templates of tests and inputs).
pub fn fill_lookback(text: &str, lookback: u32) -> String {
    text.replace(LOOKBACK_TOKEN, &lookback.to_string())
}

fn parse_settings(list: &str) -> Result<Vec<(String, String)>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|item| {
            let (name, value) = item
                .split_once('=')
                .ok_or_else(|| format!("setting `{item}` is not `name = value`"))?;
            let name = name.trim();
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(format!("setting name `{name}` is not an identifier"));
            }
            let value = value.trim().trim_matches('\'').to_string();
            Ok((name.to_string(), value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const JOURNEYS: &str = "\
-- model: fct_x_journeys_{N}d
-- grain: one row per conversion x event kind
-- inputs: int_conversions, int_events
-- materialized: incremental
-- engine: ReplacingMergeTree
-- order_by: (conversion_date, event_kind)
-- partition_date: conversion_date
-- settings: join_algorithm = 'grace_hash', grace_hash_join_initial_buckets = 64
-- note: free text is allowed
SELECT c.conversion_date, e.event_kind
FROM int_conversions AS c JOIN int_events AS e USING (user)
WHERE e.ts >= c.ts - INTERVAL {N} DAY
  AND c.conversion_date BETWEEN {batch_start:Date} AND {batch_end:Date}
";

    #[test]
    fn parses_a_template_and_instantiates_each_lookback() {
        let file =
            ModelFile::parse("gnosis_app/fct_x_journeys_{N}d.sql", JOURNEYS).expect("a value");
        assert!(file.is_template());
        assert_eq!(file.header.inputs, ["int_conversions", "int_events"]);
        assert_eq!(
            file.header.settings,
            [
                ("join_algorithm".to_string(), "grace_hash".to_string()),
                ("grace_hash_join_initial_buckets".into(), "64".into())
            ]
        );
        let models = file.instantiate(&[7, 30]);
        assert_eq!(models.len(), 2);
        assert_eq!(models[0].name, "fct_x_journeys_7d");
        assert_eq!(models[1].lookback, Some(30));
        assert!(models[1].sql.contains("INTERVAL 30 DAY"));
        assert!(!models[1].sql.contains("{N}"));
        assert!(models[0].sql.starts_with("SELECT"));
    }

    #[test]
    fn batch_months_is_read_for_incremental_models_only() {
        let with = |b: &str| {
            JOURNEYS.replace(
                "-- partition_date:",
                &format!("-- batch_months: {b}\n-- partition_date:"),
            )
        };
        let file =
            ModelFile::parse("gnosis_app/fct_x_journeys_{N}d.sql", &with("2")).expect("parses");
        assert_eq!(file.instantiate(&[7])[0].batch_months, Some(2));
        let e = ModelFile::parse("gnosis_app/fct_x_journeys_{N}d.sql", &with("0"))
            .expect_err("0 months");
        assert!(e.problem.contains("batch_months"), "{e}");
    }

    #[test]
    fn a_plain_model_is_one_instance() {
        let text = "-- model: m\n-- grain: g\n-- inputs: none\n-- materialized: view\nSELECT 1";
        let file = ModelFile::parse("mmm/m.sql", text).expect("a value");
        let models = file.instantiate(&[7, 30]);
        assert_eq!(models.len(), 1);
        assert!(models[0].inputs.is_empty());
        assert_eq!(models[0].lookback, None);
    }

    fn problem(path: &str, text: &str) -> String {
        ModelFile::parse(path, text).expect_err("an error").problem
    }

    #[test]
    fn rejects_files_that_break_the_conventions() {
        let base = "-- model: m\n-- grain: g\n-- inputs: a\n";
        assert!(problem("mmm/m.sql", &format!("{base}SELECT 1")).contains("materialized"));
        assert!(
            problem(
                "mmm/other.sql",
                &format!("{base}-- materialized: view\nSELECT 1")
            )
            .contains("the file is `other.sql`")
        );
        assert!(
            problem(
                "mmm/m.sql",
                &format!("{base}-- materialized: table\n-- engine: Log\n-- order_by: x\nSELECT 1")
            )
            .contains("expected MergeTree")
        );
        assert!(
            problem(
                "mmm/m.sql",
                &format!(
                    "{base}-- materialized: incremental\n-- engine: MergeTree\n-- order_by: x\nSELECT 1"
                )
            )
            .contains("partition_date")
        );
        assert!(
            problem(
                "mmm/m.sql",
                &format!(
                    "{base}-- materialized: incremental\n-- engine: MergeTree\n-- order_by: x\n-- partition_date: d\nSELECT 1"
                )
            )
            .contains("batch_start")
        );
        assert!(
            problem(
                "mmm/m.sql",
                &format!("{base}-- materialized: view\nSELECT {{batch_start:Date}}")
            )
            .contains("only incremental")
        );
        assert!(
            problem(
                "mmm/m.sql",
                &format!("{base}-- materialized: view\nSELECT 1;")
            )
            .contains(";")
        );
        assert!(
            problem("mmm/m.sql", &format!("{base}-- materialized: view\n")).contains("no SELECT")
        );
        assert!(
            problem(
                "mmm/m.sql",
                &format!("{base}-- materialized: view\nSELECT {{N}}")
            )
            .contains("not a lookback template")
        );
        assert!(problem("m.sql", "").contains("sector folder"));
    }
}
