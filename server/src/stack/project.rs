//! The project: every model, source, seed and data test, compiled into the binary from
//! `server/models/` and `server/seeds/`, checked, and put in dependency order.

use std::collections::{BTreeMap, BTreeSet};

use include_dir::{Dir, include_dir};
use thiserror::Error;

use super::datatest::{DataTest, TestFileError};
use super::model::{Model, ModelError, ModelFile};

static MODELS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/models");
static SEEDS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/seeds");

/// The sector folders, in build order when nothing else decides.
pub const SECTORS: [&str; 4] = ["gnosis_app", "gpay", "mmm", "publish"];

/// The lookbacks built when none are configured (DESIGN §4.14).
pub const DEFAULT_LOOKBACKS: [u32; 4] = [7, 14, 30, 60];

/// An upstream table: its `CREATE TABLE IF NOT EXISTS` statement.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub ddl: String,
}

/// A seed: a small CSV loaded as a table of the same name.
#[derive(Debug, Clone)]
pub struct Seed {
    pub name: String,
    /// Column names and ClickHouse types, in file order.
    pub columns: Vec<(String, String)>,
    pub csv: &'static [u8],
}

/// Everything the runner needs, in dependency order.
#[derive(Debug, Clone)]
pub struct Project {
    pub lookbacks: Vec<u32>,
    pub sources: Vec<Source>,
    pub seeds: Vec<Seed>,
    /// Every model instance, each after all of its inputs.
    pub models: Vec<Model>,
    pub tests: Vec<DataTest>,
}

/// Why the project cannot be used.
#[derive(Debug, Error)]
pub enum ProjectError {
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error(transparent)]
    Tests(#[from] TestFileError),
    #[error("{0}")]
    Invalid(String),
}

impl Project {
    /// The project compiled into this binary, with `lookbacks` (each 1..=365 days).
    pub fn load(lookbacks: &[u32]) -> Result<Project, ProjectError> {
        let mut files = Vec::new();
        let mut test_files = Vec::new();
        for sector in SECTORS {
            let Some(dir) = MODELS.get_dir(sector) else {
                continue;
            };
            for file in dir.files() {
                let path = file.path().to_string_lossy().replace('\\', "/");
                let text = file
                    .contents_utf8()
                    .ok_or_else(|| ProjectError::Invalid(format!("models/{path} is not UTF-8")))?;
                if path.ends_with(".sql") {
                    files.push((path, text));
                } else if path.ends_with("tests.toml") {
                    test_files.push((path, text));
                }
            }
        }
        let sources = MODELS
            .get_dir("sources")
            .map(|dir| {
                dir.files()
                    .filter(|f| f.path().extension().is_some_and(|e| e == "sql"))
                    .map(|f| {
                        let name = f
                            .path()
                            .file_stem()
                            .map(|s| s.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        let ddl = f.contents_utf8().ok_or_else(|| {
                            ProjectError::Invalid(format!("models/sources/{name}.sql is not UTF-8"))
                        })?;
                        Ok(Source {
                            name,
                            ddl: ddl.trim().to_string(),
                        })
                    })
                    .collect::<Result<Vec<_>, ProjectError>>()
            })
            .transpose()?
            .unwrap_or_default();
        let seeds = load_seeds()?;
        Project::assemble(lookbacks, &files, &test_files, sources, seeds)
    }

    /// Builds a project from file texts (`files` are `(sector/name.sql, text)`).
    pub fn assemble(
        lookbacks: &[u32],
        files: &[(String, &str)],
        test_files: &[(String, &str)],
        mut sources: Vec<Source>,
        mut seeds: Vec<Seed>,
    ) -> Result<Project, ProjectError> {
        let mut lookbacks = lookbacks.to_vec();
        lookbacks.sort_unstable();
        lookbacks.dedup();
        if lookbacks.is_empty() || lookbacks.iter().any(|&n| n == 0 || n > 365) {
            return Err(ProjectError::Invalid(format!(
                "lookbacks must be 1 to 365 days, at least one; got {lookbacks:?}"
            )));
        }
        sources.sort_by(|a, b| a.name.cmp(&b.name));
        seeds.sort_by(|a, b| a.name.cmp(&b.name));

        let mut models = Vec::new();
        for (path, text) in files {
            models.extend(ModelFile::parse(path, text)?.instantiate(&lookbacks));
        }
        let ordered = order(models, &sources, &seeds)?;

        let mut tests = Vec::new();
        for (path, text) in test_files {
            tests.extend(DataTest::parse_file(path, text, &lookbacks)?);
        }
        let known: BTreeSet<&str> = ordered.iter().map(|m| m.name.as_str()).collect();
        for test in &tests {
            if !known.contains(test.model.as_str()) {
                return Err(ProjectError::Invalid(format!(
                    "{}: test `{}` is on `{}`, which is not a model",
                    test.file, test.name, test.model
                )));
            }
        }
        Ok(Project {
            lookbacks,
            sources,
            seeds,
            models: ordered,
            tests,
        })
    }

    /// The model called `name`.
    pub fn model(&self, name: &str) -> Option<&Model> {
        self.models.iter().find(|m| m.name == name)
    }

    /// The models a build runs: all, or `roots` and everything downstream of them, in order.
    pub fn select(&self, roots: Option<&BTreeSet<String>>) -> Result<Vec<&Model>, ProjectError> {
        let Some(roots) = roots else {
            return Ok(self.models.iter().collect());
        };
        if let Some(unknown) = roots.iter().find(|r| self.model(r).is_none()) {
            return Err(ProjectError::Invalid(format!(
                "there is no model called {unknown}"
            )));
        }
        let names: BTreeSet<String> = self.downstream(roots).into_iter().collect();
        Ok(self
            .models
            .iter()
            .filter(|m| names.contains(&m.name))
            .collect())
    }

    /// The names of `roots` and of every model downstream of them, in build order.
    pub fn downstream(&self, roots: &BTreeSet<String>) -> Vec<String> {
        let mut selected: BTreeSet<&str> = roots.iter().map(String::as_str).collect();
        for m in &self.models {
            if m.inputs.iter().any(|i| selected.contains(i.as_str())) {
                selected.insert(&m.name);
            }
        }
        self.models
            .iter()
            .filter(|m| selected.contains(m.name.as_str()))
            .map(|m| m.name.clone())
            .collect()
    }
}

/// Orders models so each comes after its inputs (Kahn's algorithm; ties by sector, then name,
/// so the order is stable). Unknown inputs and cycles are errors naming the models.
fn order(
    models: Vec<Model>,
    sources: &[Source],
    seeds: &[Seed],
) -> Result<Vec<Model>, ProjectError> {
    let external: BTreeSet<&str> = sources
        .iter()
        .map(|s| s.name.as_str())
        .chain(seeds.iter().map(|s| s.name.as_str()))
        .collect();
    let mut by_name: BTreeMap<String, Model> = BTreeMap::new();
    for m in models {
        if external.contains(m.name.as_str()) {
            return Err(ProjectError::Invalid(format!(
                "{}: model `{}` has the name of a source or seed",
                m.path, m.name
            )));
        }
        if let Some(previous) = by_name.get(&m.name) {
            return Err(ProjectError::Invalid(format!(
                "model `{}` is defined twice ({} and {})",
                m.name, previous.path, m.path
            )));
        }
        by_name.insert(m.name.clone(), m);
    }
    for m in by_name.values() {
        for input in &m.inputs {
            if !by_name.contains_key(input) && !external.contains(input.as_str()) {
                return Err(ProjectError::Invalid(format!(
                    "{}: input `{input}` of `{}` is not a model, seed or source",
                    m.path, m.name
                )));
            }
        }
    }
    let rank = |m: &Model| {
        (
            SECTORS
                .iter()
                .position(|s| *s == m.sector)
                .unwrap_or(SECTORS.len()),
            m.lookback.unwrap_or(0),
            m.name.clone(),
        )
    };
    let mut pending: BTreeMap<String, BTreeSet<String>> = by_name
        .values()
        .map(|m| {
            let deps = m
                .inputs
                .iter()
                .filter(|i| by_name.contains_key(*i))
                .cloned()
                .collect();
            (m.name.clone(), deps)
        })
        .collect();
    let mut out = Vec::with_capacity(by_name.len());
    while !pending.is_empty() {
        let next = pending
            .iter()
            .filter(|(_, deps)| deps.is_empty())
            .map(|(name, _)| name.clone())
            .min_by_key(|name| by_name.get(name).map(rank));
        let Some(next) = next else {
            let stuck: Vec<&String> = pending.keys().collect();
            return Err(ProjectError::Invalid(format!(
                "the models' inputs form a cycle among: {stuck:?}"
            )));
        };
        pending.remove(&next);
        for deps in pending.values_mut() {
            deps.remove(&next);
        }
        if let Some(m) = by_name.remove(&next) {
            out.push(m);
        }
    }
    Ok(out)
}

/// The seeds compiled in, with their column types from `seeds/schema.toml`.
fn load_seeds() -> Result<Vec<Seed>, ProjectError> {
    let types: BTreeMap<String, BTreeMap<String, String>> = match SEEDS.get_file("schema.toml") {
        Some(file) => toml::from_str(file.contents_utf8().unwrap_or_default())
            .map_err(|e| ProjectError::Invalid(format!("seeds/schema.toml: {e}")))?,
        None => BTreeMap::new(),
    };
    let mut seeds = Vec::new();
    for file in SEEDS.files() {
        if file.path().extension().is_none_or(|e| e != "csv") {
            continue;
        }
        let name = file
            .path()
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let header = file
            .contents_utf8()
            .and_then(|t| t.lines().next())
            .ok_or_else(|| ProjectError::Invalid(format!("seeds/{name}.csv has no header row")))?;
        let declared = types.get(&name);
        let columns = header
            .split(',')
            .map(|c| {
                let c = c.trim().to_string();
                let ty = declared
                    .and_then(|t| t.get(&c))
                    .cloned()
                    .unwrap_or_else(|| "String".to_string());
                (c, ty)
            })
            .collect();
        seeds.push(Seed {
            name,
            columns,
            csv: file.contents(),
        });
    }
    Ok(seeds)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(name: &str, inputs: &str) -> (String, String) {
        (
            format!("mmm/{name}.sql"),
            format!(
                "-- model: {name}\n-- grain: g\n-- inputs: {inputs}\n-- materialized: view\nSELECT 1"
            ),
        )
    }

    fn assemble(files: &[(String, String)]) -> Result<Project, ProjectError> {
        let files: Vec<(String, &str)> =
            files.iter().map(|(p, t)| (p.clone(), t.as_str())).collect();
        let sources = vec![Source {
            name: "raw".into(),
            ddl: String::new(),
        }];
        Project::assemble(&[7, 30], &files, &[], sources, Vec::new())
    }

    #[test]
    fn orders_models_after_their_inputs() {
        let p = assemble(&[view("c", "b, a"), view("b", "a"), view("a", "raw")]).expect("a value");
        let names: Vec<&str> = p.models.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
        let down = p.downstream(&BTreeSet::from(["b".to_string()]));
        assert_eq!(down, ["b", "c"]);
    }

    #[test]
    fn reports_unknown_inputs_cycles_and_duplicates() {
        let e = assemble(&[view("a", "nope")])
            .expect_err("an error")
            .to_string();
        assert!(e.contains("input `nope`"), "{e}");
        let e = assemble(&[view("a", "b"), view("b", "a")])
            .expect_err("an error")
            .to_string();
        assert!(e.contains("cycle"), "{e}");
        let e = assemble(&[view("raw", "none")])
            .expect_err("an error")
            .to_string();
        assert!(e.contains("name of a source"), "{e}");
    }

    #[test]
    fn the_compiled_project_loads() {
        let p = Project::load(&DEFAULT_LOOKBACKS).expect("the committed models are valid");
        assert_eq!(p.seeds.len(), 13);
        for seed in &p.seeds {
            assert!(!seed.columns.is_empty());
        }
        let funnels = p
            .seeds
            .iter()
            .find(|s| s.name == "mta_funnels")
            .expect("a value");
        assert!(
            funnels
                .columns
                .contains(&("window_seconds".into(), "UInt32".into()))
        );
    }
}
