//! Tabular output of the engine commands: CSV, JSON (an array of objects) or an aligned text table.
//!
//! Floats are printed in their shortest round-trip form (`0.1`, `1`, `0.022263...`), so a value read
//! back from any format is bit-for-bit the value computed.

use std::io::Write;

use anyhow::Result;
use serde_json::{Map, Value};

/// Output format of a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Json,
    Table,
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Str(String),
    Int(i64),
    UInt(u64),
    Float(f64),
    Null,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Self::Str(s.to_owned())
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Self {
        Self::Str(s)
    }
}
impl From<u64> for Cell {
    fn from(v: u64) -> Self {
        Self::UInt(v)
    }
}
impl From<u32> for Cell {
    fn from(v: u32) -> Self {
        Self::UInt(u64::from(v))
    }
}
impl From<i64> for Cell {
    fn from(v: i64) -> Self {
        Self::Int(v)
    }
}
impl From<f64> for Cell {
    fn from(v: f64) -> Self {
        if v.is_finite() {
            Self::Float(v)
        } else {
            Self::Null
        }
    }
}
impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Self {
        v.map_or(Self::Null, Into::into)
    }
}
impl From<bool> for Cell {
    fn from(v: bool) -> Self {
        Self::UInt(u64::from(v))
    }
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Self::Str(s) => s.clone(),
            Self::Int(v) => v.to_string(),
            Self::UInt(v) => v.to_string(),
            Self::Float(v) => v.to_string(),
            Self::Null => String::new(),
        }
    }

    fn json(&self) -> Value {
        match self {
            Self::Str(s) => Value::String(s.clone()),
            Self::Int(v) => Value::from(*v),
            Self::UInt(v) => Value::from(*v),
            Self::Float(v) => serde_json::Number::from_f64(*v).map_or(Value::Null, Value::Number),
            Self::Null => Value::Null,
        }
    }
}

/// A table: column names and rows of cells.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(columns: Vec<&'static str>) -> Self {
        Self {
            columns,
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.rows.push(row);
    }

    /// Writes the table in `format`.
    pub fn write(&self, format: Format, out: &mut impl Write) -> Result<()> {
        match format {
            Format::Csv => {
                let mut w = csv::Writer::from_writer(out);
                w.write_record(&self.columns)?;
                for row in &self.rows {
                    w.write_record(row.iter().map(Cell::text))?;
                }
                w.flush()?;
            }
            Format::Json => {
                let rows: Vec<Value> = self
                    .rows
                    .iter()
                    .map(|row| {
                        let obj: Map<String, Value> = self
                            .columns
                            .iter()
                            .zip(row)
                            .map(|(c, v)| ((*c).to_owned(), v.json()))
                            .collect();
                        Value::Object(obj)
                    })
                    .collect();
                serde_json::to_writer_pretty(&mut *out, &rows)?;
                writeln!(out)?;
            }
            Format::Table => {
                let texts: Vec<Vec<String>> = self
                    .rows
                    .iter()
                    .map(|r| r.iter().map(Cell::text).collect())
                    .collect();
                let widths: Vec<usize> = (0..self.columns.len())
                    .map(|i| {
                        texts
                            .iter()
                            .map(|r| r[i].chars().count())
                            .chain([self.columns[i].len()])
                            .max()
                            .unwrap_or(0)
                    })
                    .collect();
                let numeric: Vec<bool> = (0..self.columns.len())
                    .map(|i| self.rows.iter().all(|r| !matches!(r[i], Cell::Str(_))))
                    .collect();
                let line = |cells: &[String]| {
                    cells
                        .iter()
                        .enumerate()
                        .map(|(i, c)| {
                            if numeric[i] {
                                format!("{c:>w$}", w = widths[i])
                            } else {
                                format!("{c:<w$}", w = widths[i])
                            }
                        })
                        .collect::<Vec<_>>()
                        .join("  ")
                };
                let header: Vec<String> = self.columns.iter().map(|c| (*c).to_owned()).collect();
                writeln!(out, "{}", line(&header).trim_end())?;
                writeln!(
                    out,
                    "{}",
                    widths
                        .iter()
                        .map(|w| "-".repeat(*w))
                        .collect::<Vec<_>>()
                        .join("  ")
                )?;
                for row in &texts {
                    writeln!(out, "{}", line(row).trim_end())?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        let mut t = Table::new(vec!["kind", "credit", "n"]);
        t.push(vec!["topup".into(), 0.1.into(), 3u64.into()]);
        t.push(vec!["a,b".into(), Cell::Null, 10u64.into()]);
        t
    }

    fn render(t: &Table, f: Format) -> String {
        let mut out = Vec::new();
        t.write(f, &mut out).expect("in-memory write");
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn formats() {
        let t = sample();
        assert_eq!(
            render(&t, Format::Csv),
            "kind,credit,n\ntopup,0.1,3\n\"a,b\",,10\n"
        );
        assert_eq!(
            render(&t, Format::Json),
            "[\n  {\n    \"kind\": \"topup\",\n    \"credit\": 0.1,\n    \"n\": 3\n  },\n  {\n    \"kind\": \"a,b\",\n    \"credit\": null,\n    \"n\": 10\n  }\n]\n"
        );
        assert_eq!(
            render(&t, Format::Table),
            "kind   credit   n\n-----  ------  --\ntopup     0.1   3\na,b            10\n"
        );
    }
}
