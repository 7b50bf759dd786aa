//! The project: every model, source, seed and data test, compiled into the binary from
//! `server/models/` and `server/seeds/`, checked, and put in dependency order.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use bytes::Bytes;
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

/// A seed: a small CSV loaded as a table of the same name. Built in (`server/seeds/`), or replaced
/// by a user's file ([`Project::override_seeds`]); either way validated when read.
#[derive(Debug, Clone)]
pub struct Seed {
    pub name: String,
    /// Column names and ClickHouse types, in the built-in file's order (the table's columns).
    pub columns: Vec<(String, String)>,
    /// The CSV with its header row (`CSVWithNames`), as validated: a UTF-8 byte order mark and
    /// trailing empty lines removed, otherwise the file's bytes.
    pub csv: Bytes,
    /// Where it comes from, for messages: `server/seeds/<name>.csv` or the user's path.
    pub origin: String,
    /// Its data rows (records after the header); the runner checks the table has exactly these.
    pub rows: u64,
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

/// The seeds compiled in, with their column types from `seeds/schema.toml`, each validated like a
/// user's file (so the validator provably accepts every built-in seed).
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
        let origin = format!("server/seeds/{name}.csv");
        let text = std::str::from_utf8(file.contents())
            .map_err(|_| ProjectError::Invalid(format!("{origin} is not UTF-8")))?;
        let csv = parse_csv(&origin, text).map_err(ProjectError::Invalid)?;
        let header = csv.header(&origin).map_err(ProjectError::Invalid)?;
        let declared = types.get(&name);
        if let Some(unknown) = declared
            .into_iter()
            .flat_map(|t| t.keys())
            .find(|c| !header.iter().any(|h| h == *c))
        {
            return Err(ProjectError::Invalid(format!(
                "seeds/schema.toml: [{name}] types column `{unknown}`, which {origin} does not have"
            )));
        }
        let columns: Vec<(String, String)> = header
            .iter()
            .map(|c| {
                let ty = declared
                    .and_then(|t| t.get(c))
                    .cloned()
                    .unwrap_or_else(|| "String".to_string());
                (c.clone(), ty)
            })
            .collect();
        let mut seed = Seed {
            name,
            columns,
            csv: Bytes::new(),
            origin,
            rows: 0,
        };
        seed.rows = validate_rows(&seed, &csv).map_err(ProjectError::Invalid)?;
        seed.csv = Bytes::from(csv.text.into_bytes());
        seeds.push(seed);
    }
    if let Some(name) = types.keys().find(|t| !seeds.iter().any(|s| &s.name == *t)) {
        return Err(ProjectError::Invalid(format!(
            "seeds/schema.toml: [{name}] is not a seed (no seeds/{name}.csv)"
        )));
    }
    Ok(seeds)
}

impl Project {
    /// Replaces built-in seeds by the user's CSVs in `dir` (`mensura build --seeds-dir`, and a
    /// scenario's `seeds/`): `dir/<seed>.csv` replaces the seed `<seed>` whole. Returns the names
    /// replaced, sorted.
    ///
    /// Every `*.csv` file in `dir` must be named after a built-in seed (other files, hidden files
    /// and folders are ignored; a folder without any `.csv` is an error). Each file is checked
    /// here, before anything reaches ClickHouse, with errors naming the file, line and column:
    /// UTF-8; a header row with exactly the seed's columns, each once, in any order (the table
    /// keeps the built-in column order; ClickHouse maps the file's columns by name); the same
    /// number of fields on every row; and every value of a typed column (`seeds/schema.toml`)
    /// parseable as that type with nothing lost: no empty values, no `\N`, no out-of-range numbers
    /// or impossible dates, which ClickHouse would otherwise turn into 0, '' or 1970-01-01 without
    /// a word. String columns take any text (ClickHouse trims spaces around unquoted values).
    pub fn override_seeds(&mut self, dir: &Path) -> Result<Vec<String>, ProjectError> {
        let shown = dir.display();
        let entries = std::fs::read_dir(dir)
            .map_err(|e| ProjectError::Invalid(format!("seeds directory {shown}: {e}")))?;
        let mut files = Vec::new();
        for entry in entries {
            let entry = entry
                .map_err(|e| ProjectError::Invalid(format!("seeds directory {shown}: {e}")))?;
            let path = entry.path();
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            let csv = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
            if csv && !hidden && path.is_file() {
                files.push(path);
            }
        }
        files.sort();
        if files.is_empty() {
            return Err(ProjectError::Invalid(format!(
                "seeds directory {shown} holds no .csv file; name each file after the seed it \
                 replaces: {}",
                self.seed_names()
            )));
        }
        let mut replaced = Vec::new();
        for path in files {
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let origin = path.display().to_string();
            let Some(i) = self.seeds.iter().position(|s| s.name == name) else {
                return Err(ProjectError::Invalid(format!(
                    "{origin}: there is no seed called `{name}`; a seeds directory may only \
                     replace these: {}",
                    self.seed_names()
                )));
            };
            let bytes = std::fs::read(&path)
                .map_err(|e| ProjectError::Invalid(format!("{origin}: {e}")))?;
            self.seeds[i] =
                seed_from_csv(&self.seeds[i], origin, &bytes).map_err(ProjectError::Invalid)?;
            replaced.push(name);
        }
        Ok(replaced)
    }

    fn seed_names(&self) -> String {
        self.seeds
            .iter()
            .map(|s| format!("{}.csv", s.name))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// `builtin` replaced by the CSV `bytes` read from `origin`, validated against its columns.
fn seed_from_csv(builtin: &Seed, origin: String, bytes: &[u8]) -> Result<Seed, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count();
        format!(
            "{origin}:{line}: not UTF-8 (byte {} of the file); save the file as UTF-8",
            at + 1
        )
    })?;
    let csv = parse_csv(&origin, text)?;
    let header = csv.header(&origin)?;
    let expected = || {
        builtin
            .columns
            .iter()
            .map(|(c, _)| c.as_str())
            .collect::<Vec<_>>()
            .join(",")
    };
    for (i, h) in header.iter().enumerate() {
        if header[..i].contains(h) {
            return Err(format!(
                "{origin}:{}: column {} of the header, `{h}`, appears twice; the header must be \
                 the columns of seed {} (in any order): {}",
                csv.records[0].line,
                i + 1,
                builtin.name,
                expected()
            ));
        }
        if !builtin.columns.iter().any(|(c, _)| c == h) {
            return Err(format!(
                "{origin}:{}: column {} of the header, `{h}`, is not a column of seed {}; the \
                 header must be its columns (in any order): {}",
                csv.records[0].line,
                i + 1,
                builtin.name,
                expected()
            ));
        }
    }
    let missing: Vec<&str> = builtin
        .columns
        .iter()
        .map(|(c, _)| c.as_str())
        .filter(|c| !header.iter().any(|h| h == c))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "{origin}:{}: the header lacks column(s) {} of seed {}; it must be its columns (in any \
             order): {}",
            csv.records[0].line,
            missing.join(", "),
            builtin.name,
            expected()
        ));
    }
    let columns: Vec<(String, String)> = header
        .iter()
        .map(|h| {
            let ty = builtin
                .columns
                .iter()
                .find(|(c, _)| c == h)
                .map(|(_, t)| t.clone())
                .unwrap_or_default();
            (h.clone(), ty)
        })
        .collect();
    // Validate against the file's own column order, then keep the table's (built-in) order.
    let in_file_order = Seed {
        name: builtin.name.clone(),
        columns,
        csv: Bytes::new(),
        origin: origin.clone(),
        rows: 0,
    };
    let rows = validate_rows(&in_file_order, &csv)?;
    Ok(Seed {
        name: builtin.name.clone(),
        columns: builtin.columns.clone(),
        csv: Bytes::from(csv.text.into_bytes()),
        origin,
        rows,
    })
}

/// A parsed CSV file: its records (header first) and the text to load.
#[derive(Debug)]
struct Csv {
    records: Vec<Record>,
    /// The input without a byte order mark and without trailing empty lines.
    text: String,
}

/// One CSV record: the line it starts on (1-based) and its fields.
#[derive(Debug)]
struct Record {
    line: usize,
    fields: Vec<Field>,
}

#[derive(Debug)]
struct Field {
    text: String,
    quoted: bool,
}

impl Csv {
    /// The header row's column names.
    fn header(&self, origin: &str) -> Result<Vec<String>, String> {
        let first = self
            .records
            .first()
            .ok_or_else(|| format!("{origin}: empty; the first line must be the header row"))?;
        first
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| {
                if f.text.is_empty() {
                    Err(format!(
                        "{origin}:{}: column {} of the header is empty",
                        first.line,
                        i + 1
                    ))
                } else {
                    Ok(f.text.clone())
                }
            })
            .collect()
    }
}

/// Parses CSV as ClickHouse reads it (RFC 4180): fields separated by commas, records by `\n` or
/// `\r\n`; a field in double quotes may hold commas, line breaks and `""` (one quote). Stricter
/// than ClickHouse where it would guess: a quote inside an unquoted field, text after a closing
/// quote, an unclosed quote and an empty line before the end are errors naming the line.
fn parse_csv(origin: &str, text: &str) -> Result<Csv, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let b = text.as_bytes();
    let mut records: Vec<Record> = Vec::new();
    // Byte offset where the last non-empty record ends (after its line break).
    let mut end = 0;
    let mut blank_line: Option<usize> = None;
    let (mut i, mut line) = (0, 1);
    while i < b.len() {
        let start_line = line;
        let mut fields = Vec::new();
        loop {
            let column = fields.len() + 1;
            let field = if b[i..].first() == Some(&b'"') {
                i += 1;
                let mut value = Vec::new();
                loop {
                    match b.get(i) {
                        None => {
                            return Err(format!(
                                "{origin}:{start_line}: column {column}: the quote opened here is \
                                 never closed"
                            ));
                        }
                        Some(b'"') if b.get(i + 1) == Some(&b'"') => {
                            value.push(b'"');
                            i += 2;
                        }
                        Some(b'"') => {
                            i += 1;
                            break;
                        }
                        Some(&c) => {
                            if c == b'\n' {
                                line += 1;
                            }
                            value.push(c);
                            i += 1;
                        }
                    }
                }
                Field {
                    text: String::from_utf8_lossy(&value).into_owned(),
                    quoted: true,
                }
            } else {
                let s = i;
                while let Some(&c) = b.get(i) {
                    if matches!(c, b',' | b'\n' | b'\r') {
                        break;
                    }
                    if c == b'"' {
                        return Err(format!(
                            "{origin}:{line}: column {column}: a double quote inside an unquoted \
                             value; quote the whole value and double the quote (\"a\"\"b\")"
                        ));
                    }
                    i += 1;
                }
                Field {
                    text: text[s..i].to_string(),
                    quoted: false,
                }
            };
            fields.push(field);
            match (b.get(i), b.get(i + 1)) {
                (None, _) => break,
                (Some(b','), _) => i += 1,
                (Some(b'\n'), _) | (Some(b'\r'), Some(b'\n')) => {
                    i += if b[i] == b'\r' { 2 } else { 1 };
                    line += 1;
                    break;
                }
                (Some(b'\r'), None) => {
                    i += 1;
                    break;
                }
                _ => {
                    return Err(format!(
                        "{origin}:{line}: column {column}: expected a comma or the end of the line \
                         after the closing quote"
                    ));
                }
            }
        }
        let blank = fields.len() == 1 && !fields[0].quoted && fields[0].text.is_empty();
        if blank {
            blank_line.get_or_insert(start_line);
            continue;
        }
        if let Some(empty) = blank_line {
            return Err(format!(
                "{origin}:{empty}: an empty line (only the end of the file may have them)"
            ));
        }
        records.push(Record {
            line: start_line,
            fields,
        });
        end = i;
    }
    Ok(Csv {
        records,
        text: text[..end].to_string(),
    })
}

/// What the values of a column must look like (beyond String, which takes anything).
#[derive(Debug, Clone, Copy, PartialEq)]
enum ValueCheck {
    Any,
    Unsigned(u64),
    Signed(i64, i64),
    Float,
    /// Days since 1970-01-01, inclusive bounds.
    Date(i32, i32),
}

/// The check of a ClickHouse type, and whether it is Nullable. Types without a check here (none
/// of the built-in seeds has one) are left to ClickHouse, whose error names the seed's file.
fn value_check(ty: &str) -> (ValueCheck, bool) {
    let unwrap = |t: &str, f: &str| {
        t.strip_prefix(f)
            .and_then(|r| r.strip_prefix('('))
            .and_then(|r| r.strip_suffix(')'))
            .map(str::to_string)
    };
    let mut t = ty.trim().to_string();
    if let Some(inner) = unwrap(&t, "LowCardinality") {
        t = inner;
    }
    let nullable = match unwrap(&t, "Nullable") {
        Some(inner) => {
            t = inner;
            true
        }
        None => false,
    };
    let check = match t.as_str() {
        "UInt8" => ValueCheck::Unsigned(u8::MAX.into()),
        "UInt16" => ValueCheck::Unsigned(u16::MAX.into()),
        "UInt32" => ValueCheck::Unsigned(u32::MAX.into()),
        "UInt64" => ValueCheck::Unsigned(u64::MAX),
        "Int8" => ValueCheck::Signed(i8::MIN.into(), i8::MAX.into()),
        "Int16" => ValueCheck::Signed(i16::MIN.into(), i16::MAX.into()),
        "Int32" => ValueCheck::Signed(i32::MIN.into(), i32::MAX.into()),
        "Int64" => ValueCheck::Signed(i64::MIN, i64::MAX),
        "Float32" | "Float64" => ValueCheck::Float,
        // Date: 1970-01-01 to 2149-06-06; Date32: 1900-01-01 to 2299-12-31.
        "Date" => ValueCheck::Date(0, 65_535),
        "Date32" => ValueCheck::Date(-25_567, 120_529),
        _ => ValueCheck::Any,
    };
    (check, nullable)
}

/// Checks every data record of `csv` against `seed.columns` (in the file's column order) and
/// returns the number of data rows.
fn validate_rows(seed: &Seed, csv: &Csv) -> Result<u64, String> {
    let origin = &seed.origin;
    let checks: Vec<(ValueCheck, bool)> =
        seed.columns.iter().map(|(_, t)| value_check(t)).collect();
    for record in csv.records.iter().skip(1) {
        if record.fields.len() != seed.columns.len() {
            return Err(format!(
                "{origin}:{}: {} values, but the header has {} columns ({})",
                record.line,
                record.fields.len(),
                seed.columns.len(),
                seed.columns
                    .iter()
                    .map(|(c, _)| c.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            ));
        }
        for (k, (field, ((name, ty), (check, nullable)))) in record
            .fields
            .iter()
            .zip(seed.columns.iter().zip(&checks))
            .enumerate()
        {
            if let Err(why) = check_value(field, *check, *nullable) {
                return Err(format!(
                    "{origin}:{}: column {} (`{name}`, {ty}): {why}",
                    record.line,
                    k + 1
                ));
            }
        }
    }
    Ok(csv.records.len().saturating_sub(1) as u64)
}

/// Whether one value parses as its column's type, as ClickHouse reads it (spaces and tabs around
/// an unquoted value are trimmed).
fn check_value(field: &Field, check: ValueCheck, nullable: bool) -> Result<(), String> {
    let value = if field.quoted {
        field.text.as_str()
    } else {
        field.text.trim_matches([' ', '\t'])
    };
    if !field.quoted && value == "\\N" {
        return if nullable {
            Ok(())
        } else {
            Err("`\\N` (NULL), but the column is not Nullable".into())
        };
    }
    if check == ValueCheck::Any || (nullable && value.is_empty()) {
        return Ok(());
    }
    let ok = match check {
        ValueCheck::Any => true,
        ValueCheck::Unsigned(max) => {
            value.bytes().all(|c| c.is_ascii_digit())
                && value.parse::<u64>().is_ok_and(|v| v <= max)
        }
        ValueCheck::Signed(min, max) => {
            let digits = value.strip_prefix('-').unwrap_or(value);
            digits.bytes().all(|c| c.is_ascii_digit())
                && value.parse::<i64>().is_ok_and(|v| (min..=max).contains(&v))
        }
        ValueCheck::Float => value.parse::<f64>().is_ok(),
        ValueCheck::Date(lo, hi) => {
            mensura_engine::date::parse_date("date", value).is_ok_and(|d| (lo..=hi).contains(&d))
        }
    };
    if ok {
        return Ok(());
    }
    let expected = match check {
        ValueCheck::Any => String::new(),
        ValueCheck::Unsigned(max) => format!("a whole number from 0 to {max}"),
        ValueCheck::Signed(min, max) => format!("a whole number from {min} to {max}"),
        ValueCheck::Float => "a number".into(),
        ValueCheck::Date(lo, hi) => format!(
            "a date YYYY-MM-DD from {} to {}",
            mensura_engine::date::format_date(lo),
            mensura_engine::date::format_date(hi)
        ),
    };
    if value.is_empty() {
        Err(format!("an empty value; expected {expected}"))
    } else {
        Err(format!("`{value}` is not {expected}"))
    }
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

    /// A seeds directory holding `files`, and the project with them applied.
    fn with_seeds(files: &[(&str, &str)]) -> (tempfile::TempDir, Result<Project, String>) {
        let dir = tempfile::tempdir().expect("a temporary directory");
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).expect("a seed file");
        }
        let mut p = Project::load(&DEFAULT_LOOKBACKS).expect("the committed models are valid");
        let result = p
            .override_seeds(dir.path())
            .map(|_| p)
            .map_err(|e| e.to_string());
        (dir, result)
    }

    fn seed_error(files: &[(&str, &str)]) -> String {
        with_seeds(files).1.expect_err("an error")
    }

    const FUNNELS: &str =
        "funnel_name,step_1_event_kind,step_2_event_kind,step_3_event_kind,window_seconds\n";

    #[test]
    fn a_seeds_directory_replaces_seeds_by_name() {
        // Columns in another order, CRLF, a quoted value with a comma, a line break and a quote,
        // a byte order mark, trailing empty lines; a README next to it is ignored.
        let text = "\u{feff}window_seconds,funnel_name,step_1_event_kind,step_2_event_kind,step_3_event_kind\r\n\
                    100,short,mp.pageview,chain.swap_filled,chain.topup\r\n\
                    \" 2592000\",\"odd, \"\"quoted\"\"\nname\",mp.modal,chain.swap_filled,\r\n\r\n\n";
        let (dir, p) = with_seeds(&[("mta_funnels.csv", text), ("README.md", "notes")]);
        let err = p
            .as_ref()
            .expect_err("a quoted number with a space is refused");
        assert!(
            err.contains("mta_funnels.csv:3: column 1 (`window_seconds`, UInt32): ` 2592000` is not a whole number"),
            "{err}"
        );
        drop(dir);

        let text = text.replace("\" 2592000\"", "  2592000 ");
        let (dir, p) = with_seeds(&[("mta_funnels.csv", &text), ("README.md", "notes")]);
        let p = p.expect("a valid override");
        let seed = p
            .seeds
            .iter()
            .find(|s| s.name == "mta_funnels")
            .expect("a value");
        assert_eq!(seed.rows, 2);
        assert_eq!(
            seed.origin,
            dir.path().join("mta_funnels.csv").display().to_string()
        );
        assert_eq!(
            seed.columns[0].0, "funnel_name",
            "the table keeps the built-in order"
        );
        let body = std::str::from_utf8(&seed.csv).expect("UTF-8");
        assert!(
            body.starts_with("window_seconds,"),
            "no byte order mark: {body:?}"
        );
        assert!(
            body.ends_with("chain.swap_filled,\r\n"),
            "no trailing empty lines: {body:?}"
        );
        // The other seeds stay built in.
        let kinds = p
            .seeds
            .iter()
            .find(|s| s.name == "mta_event_kinds")
            .expect("a value");
        assert_eq!(kinds.origin, "server/seeds/mta_event_kinds.csv");
    }

    #[test]
    fn seed_files_must_name_a_seed() {
        let e = seed_error(&[("mta_funnel.csv", FUNNELS)]);
        assert!(
            e.contains("mta_funnel.csv: there is no seed called `mta_funnel`"),
            "{e}"
        );
        assert!(
            e.contains("mta_funnels.csv, mta_gp_conversion_kinds.csv"),
            "lists the seeds: {e}"
        );
        let e = seed_error(&[("notes.txt", "x")]);
        assert!(e.contains("holds no .csv file"), "{e}");
        let mut p = Project::load(&DEFAULT_LOOKBACKS).expect("a value");
        let e = p
            .override_seeds(Path::new("/nonexistent/seeds"))
            .expect_err("an error")
            .to_string();
        assert!(e.contains("seeds directory /nonexistent/seeds"), "{e}");
    }

    #[test]
    fn the_header_must_be_the_seed_columns() {
        let e = seed_error(&[("mta_funnels.csv", "funnel_name,window_seconds\nf,100\n")]);
        assert!(e.contains("mta_funnels.csv:1: the header lacks column(s) step_1_event_kind, step_2_event_kind, step_3_event_kind"), "{e}");
        assert!(
            e.contains(
                "funnel_name,step_1_event_kind,step_2_event_kind,step_3_event_kind,window_seconds"
            ),
            "{e}"
        );
        let e = seed_error(&[(
            "mta_funnels.csv",
            "funnel_name,step_1_event_kind,step_2_event_kind,step_3_event_kind,window,window_seconds\n",
        )]);
        assert!(
            e.contains(":1: column 5 of the header, `window`, is not a column of seed mta_funnels"),
            "{e}"
        );
        let e = seed_error(&[(
            "mta_funnels.csv",
            "funnel_name,step_1_event_kind,funnel_name,step_2_event_kind,step_3_event_kind,window_seconds\n",
        )]);
        assert!(
            e.contains("column 3 of the header, `funnel_name`, appears twice"),
            "{e}"
        );
        let e = seed_error(&[("mta_funnels.csv", "")]);
        assert!(e.contains("mta_funnels.csv: empty"), "{e}");
        let e = seed_error(&[("mta_event_kinds.csv", "event_kind,,description\n")]);
        assert!(e.contains(":1: column 2 of the header is empty"), "{e}");
    }

    #[test]
    fn every_row_has_every_column() {
        let e = seed_error(&[(
            "mta_funnels.csv",
            &format!(
                "{FUNNELS}a,mp.pageview,chain.swap_filled,chain.topup,100\nb,mp.pageview,chain.topup,100\n"
            ),
        )]);
        assert!(
            e.contains("mta_funnels.csv:3: 4 values, but the header has 5 columns"),
            "{e}"
        );
        // A quoted line break continues the record: the error is on the line the record starts.
        let e = seed_error(&[(
            "mta_event_kinds.csv",
            "event_kind,domain,description\nk,\"two\nlines\",d\nk2,d\n",
        )]);
        assert!(e.contains("mta_event_kinds.csv:4: 2 values"), "{e}");
        let e = seed_error(&[(
            "mta_event_kinds.csv",
            "event_kind,domain,description\nk,g,d\n\nk2,g,d\n",
        )]);
        assert!(e.contains("mta_event_kinds.csv:3: an empty line"), "{e}");
        let e = seed_error(&[(
            "mta_event_kinds.csv",
            "event_kind,domain,description\nk,g,\"d\n",
        )]);
        assert!(
            e.contains(":2: column 3: the quote opened here is never closed"),
            "{e}"
        );
        let e = seed_error(&[(
            "mta_event_kinds.csv",
            "event_kind,domain,description\nk,g\"x,d\n",
        )]);
        assert!(
            e.contains(":2: column 2: a double quote inside an unquoted value"),
            "{e}"
        );
        let e = seed_error(&[(
            "mta_event_kinds.csv",
            "event_kind,domain,description\nk,\"g\"x,d\n",
        )]);
        assert!(
            e.contains(":2: column 2: expected a comma or the end of the line"),
            "{e}"
        );
        let e = seed_error(&[(
            "mta_event_kinds.csv",
            "event_kind,domain,description\nk,g,\\N\n",
        )]);
        assert!(
            e.contains(":2: column 3 (`description`, String): `\\N` (NULL)"),
            "{e}"
        );
        let mut latin1 = b"event_kind,domain,description\nk,g,caf".to_vec();
        latin1.push(0xe9);
        let dir = tempfile::tempdir().expect("a temporary directory");
        std::fs::write(dir.path().join("mta_event_kinds.csv"), latin1).expect("a file");
        let mut p = Project::load(&DEFAULT_LOOKBACKS).expect("a value");
        let e = p
            .override_seeds(dir.path())
            .expect_err("an error")
            .to_string();
        assert!(
            e.contains("mta_event_kinds.csv:2: not UTF-8 (byte 38 of the file)"),
            "{e}"
        );
    }

    #[test]
    fn typed_values_must_parse_without_loss() {
        // Each of these ClickHouse would load as something else without an error.
        for (window, why) in [
            (
                "",
                "an empty value; expected a whole number from 0 to 4294967295",
            ),
            ("abc", "`abc` is not a whole number from 0 to 4294967295"),
            ("-1", "`-1` is not a whole number"),
            ("99999999999", "`99999999999` is not a whole number"),
            ("1.5", "`1.5` is not"),
            ("\\N", "`\\N` (NULL), but the column is not Nullable"),
        ] {
            let e = seed_error(&[(
                "mta_funnels.csv",
                &format!(
                    "{FUNNELS}f,mp.pageview,chain.swap_filled,,100\ng,mp.pageview,chain.swap_filled,,{window}\n"
                ),
            )]);
            assert!(
                e.contains(&format!(
                    "mta_funnels.csv:3: column 5 (`window_seconds`, UInt32): {why}"
                )),
                "{window:?}: {e}"
            );
        }
        for (week, ok) in [
            ("2025-12-22", true),
            ("2024-13-01", false),
            ("2025-02-30", false),
            ("22/12/2025", false),
            ("1969-12-29", false),
        ] {
            let (_dir, p) = with_seeds(&[(
                "mmm_holiday_weeks.csv",
                &format!("region,week,is_holiday_week\nEU,{week},1\n"),
            )]);
            match p {
                Ok(_) => assert!(ok, "{week} accepted"),
                Err(e) => {
                    assert!(!ok, "{week}: {e}");
                    assert!(
                        e.contains(&format!(":2: column 2 (`week`, Date): `{week}` is not a date YYYY-MM-DD from 1970-01-01 to 2149-06-06")),
                        "{e}"
                    );
                }
            }
        }
        let e = seed_error(&[(
            "mmm_holiday_weeks.csv",
            "week,is_holiday_week,region\n2025-12-22,256,EU\n",
        )]);
        assert!(
            e.contains(
                "column 2 (`is_holiday_week`, UInt8): `256` is not a whole number from 0 to 255"
            ),
            "{e}"
        );
        // A header-only file is a valid (empty) seed.
        let (_dir, p) = with_seeds(&[("mta_funnels.csv", FUNNELS)]);
        let p = p.expect("an empty seed");
        assert_eq!(
            p.seeds
                .iter()
                .find(|s| s.name == "mta_funnels")
                .map(|s| s.rows),
            Some(0)
        );
    }

    #[test]
    fn value_checks_follow_the_type() {
        assert_eq!(
            value_check("UInt32"),
            (ValueCheck::Unsigned(4_294_967_295), false)
        );
        assert_eq!(
            value_check("Nullable(Int8)"),
            (ValueCheck::Signed(-128, 127), true)
        );
        assert_eq!(
            value_check("LowCardinality(Nullable(String))"),
            (ValueCheck::Any, true)
        );
        assert_eq!(value_check("Date"), (ValueCheck::Date(0, 65_535), false));
        let f = |t: &str, q: bool| Field {
            text: t.into(),
            quoted: q,
        };
        assert!(check_value(&f("", false), ValueCheck::Unsigned(9), true).is_ok());
        assert!(check_value(&f("\\N", false), ValueCheck::Float, true).is_ok());
        assert!(check_value(&f(" 7\t", false), ValueCheck::Unsigned(9), false).is_ok());
        assert!(check_value(&f("-3", true), ValueCheck::Signed(-5, 5), false).is_ok());
        assert!(check_value(&f("-6", true), ValueCheck::Signed(-5, 5), false).is_err());
        assert!(check_value(&f("1e3", false), ValueCheck::Float, false).is_ok());
        assert!(check_value(&f("x", false), ValueCheck::Float, false).is_err());
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
        assert_eq!(funnels.rows, 4);
        assert_eq!(funnels.origin, "server/seeds/mta_funnels.csv");
        let forks = p
            .seeds
            .iter()
            .find(|s| s.name == "mmm_hardfork_steps")
            .expect("a value");
        assert_eq!(forks.rows, 2, "a quoted value with commas is one value");
    }
}
