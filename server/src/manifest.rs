//! `manifest.json`: the index of a published data directory (see `docs/extracts.md`).
//!
//! The browser reads the manifest first, then fetches each extract lazily and checks its sha256;
//! the manifest's own hash identifies the data a shared link was made on.

use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The whole manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Version of the stack that produced the data (the `mensura` package version).
    pub stack_version: String,
    /// Extract schema version of every file.
    pub schema_version: String,
    /// Where the data came from: `sample` (the deterministic generator) or `warehouse`.
    pub source: String,
    /// RFC 3339 UTC time of the publish.
    pub built_at: String,
    /// The date the data is "as of" (the latest conversion date), `YYYY-MM-DD`.
    pub as_of_date: String,
    /// `--min-cell K`: aggregate rows describing fewer than K users were left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_cell: Option<u64>,
    pub files: Vec<ManifestFile>,
}

/// One extract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestFile {
    /// File name inside the data directory, e.g. `journeys_touches_ga.parquet`.
    pub name: String,
    /// What the file holds, e.g. `journeys_touches`, `conversions`, `mmm_spine_weekly`.
    pub extract: String,
    pub schema_version: String,
    /// `ga`, `gp` or `mmm`.
    pub sector: String,
    pub rows: u64,
    pub bytes: u64,
    /// Lowercase hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// Lookbacks (days) the file supports; empty when not applicable.
    pub lookbacks: Vec<u32>,
    pub as_of_date: String,
    pub built_at: String,
    /// Rows left out by `--min-cell` (absent when no suppression applied to this file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed_rows: Option<u64>,
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Manifest {
    /// Reads and parses `dir/manifest.json`.
    pub fn read(dir: &Path) -> Result<Self> {
        let path = dir.join("manifest.json");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
    }

    /// Writes `dir/manifest.json` (pretty, trailing newline).
    pub fn write(&self, dir: &Path) -> Result<()> {
        let path = dir.join("manifest.json");
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))
    }

    /// The entry for `name`, if listed.
    pub fn file(&self, name: &str) -> Option<&ManifestFile> {
        self.files.iter().find(|f| f.name == name)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sha256_of_known_input() {
        assert_eq!(
            super::sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
