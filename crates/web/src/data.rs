//! The published data as the page sees it: the manifest, the checks every downloaded file passes,
//! and the errors a reader gets when something is wrong.
//!
//! Loading goes manifest first (small, fetched at start), then each extract when a page needs it.
//! A downloaded file is checked against its manifest entry (byte size, then SHA-256) before the
//! engine decodes it; the engine then checks the schema version, the columns and the values. Each
//! failure becomes a [`LoadError`] that says what went wrong, with which file, and what to do:
//! the page shows it instead of the feature, never a blank page.

use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The extract schema version this page reads (the engine's).
pub const SCHEMA_VERSION: &str = mensura_engine::extract::SCHEMA_VERSION;

/// `manifest.json`: the index of a data directory (`docs/extracts.md`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Manifest {
    #[serde(default)]
    pub stack_version: String,
    pub schema_version: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub built_at: String,
    #[serde(default)]
    pub as_of_date: String,
    pub files: Vec<FileEntry>,
}

/// One published file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FileEntry {
    pub name: String,
    #[serde(default)]
    pub extract: String,
    #[serde(default)]
    pub schema_version: String,
    #[serde(default)]
    pub sector: String,
    #[serde(default)]
    pub rows: u64,
    pub bytes: u64,
    pub sha256: String,
    #[serde(default)]
    pub lookbacks: Vec<u32>,
    #[serde(default)]
    pub as_of_date: String,
    #[serde(default)]
    pub built_at: String,
}

impl Manifest {
    /// Parses and checks a manifest.
    pub fn parse(url: &str, bytes: &[u8]) -> Result<Self, LoadError> {
        let m: Self = serde_json::from_slice(bytes).map_err(|e| LoadError::ManifestInvalid {
            url: url.to_owned(),
            detail: e.to_string(),
        })?;
        if m.schema_version != SCHEMA_VERSION {
            return Err(LoadError::ManifestVersion {
                url: url.to_owned(),
                found: m.schema_version,
            });
        }
        Ok(m)
    }

    /// The entry of the file called `name`.
    pub fn file(&self, name: &str) -> Option<&FileEntry> {
        self.files.iter().find(|f| f.name == name)
    }

    /// The entry of the extract `extract` (e.g. `journeys_touches`) for `sector`, if published.
    pub fn extract(&self, extract: &str, sector: &str) -> Option<&FileEntry> {
        self.files
            .iter()
            .find(|f| f.extract == extract && (sector.is_empty() || f.sector == sector))
            .or_else(|| {
                // Publishers that leave `extract` empty still name files by the convention.
                let name = if sector.is_empty() || sector == "mmm" {
                    format!("{extract}.parquet")
                } else {
                    format!("{extract}_{sector}.parquet")
                };
                self.file(&name)
            })
    }
}

/// The content hash a link records: the first 12 hex digits of the SHA-256 of `manifest.json`.
pub fn manifest_hash(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))[..12].to_owned()
}

/// Lowercase hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks downloaded bytes against their manifest entry: size first (cheap), then SHA-256.
pub fn verify(entry: &FileEntry, bytes: &[u8]) -> Result<(), LoadError> {
    if bytes.len() as u64 != entry.bytes {
        return Err(LoadError::Size {
            file: entry.name.clone(),
            expected: entry.bytes,
            found: bytes.len() as u64,
        });
    }
    let found = hex(&Sha256::digest(bytes));
    if !found.eq_ignore_ascii_case(&entry.sha256) {
        return Err(LoadError::Checksum {
            file: entry.name.clone(),
            expected: entry.sha256.clone(),
            found,
        });
    }
    Ok(())
}

/// Why the page cannot show something. Every variant names the file or URL.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LoadError {
    #[error("No data index at {url} ({detail}).")]
    ManifestMissing { url: String, detail: String },
    #[error("The data index {url} is not a valid manifest: {detail}.")]
    ManifestInvalid { url: String, detail: String },
    #[error(
        "The data index {url} is for extract schema version {found:?}; this page reads version {SCHEMA_VERSION}."
    )]
    ManifestVersion { url: String, found: String },
    #[error("{file} is not listed in the data index, so this feature is unavailable.")]
    NotPublished { file: String },
    #[error("Downloading {file} failed: {detail}.")]
    Download { file: String, detail: String },
    #[error(
        "{file} has {found} bytes but the data index says {expected}: the download is incomplete or the file was replaced."
    )]
    Size {
        file: String,
        expected: u64,
        found: u64,
    },
    #[error(
        "{file} does not match the data index (SHA-256 {found}, expected {expected}): the file is corrupt or was replaced after publishing."
    )]
    Checksum {
        file: String,
        expected: String,
        found: String,
    },
    #[error("{0}")]
    Extract(#[from] mensura_engine::Error),
    #[error("{file}: {detail}")]
    Mart { file: String, detail: String },
}

impl LoadError {
    /// A short headline for the message box.
    pub fn title(&self) -> &'static str {
        match self {
            Self::ManifestMissing { .. } => "No published data found",
            Self::ManifestInvalid { .. } | Self::ManifestVersion { .. } => {
                "The data index cannot be read"
            }
            Self::NotPublished { .. } => "Not published",
            Self::Download { .. } => "Download failed",
            Self::Size { .. } | Self::Checksum { .. } => "File does not match the data index",
            Self::Extract(mensura_engine::Error::SchemaVersion { .. }) => {
                "Extract of another schema version"
            }
            Self::Extract(_) | Self::Mart { .. } => "Extract cannot be read",
        }
    }

    /// What the reader can do about it.
    pub fn advice(&self) -> &'static str {
        match self {
            Self::ManifestMissing { .. } => {
                "Publish extracts with `mensura publish`, or build the page with scripts/build-web, \
                 which copies the committed fixtures to www/data/fixtures/. A link can name another \
                 data directory with `d=` in its fragment."
            }
            Self::ManifestInvalid { .. } => {
                "Republish the data directory (`mensura publish`); the manifest is written last."
            }
            Self::ManifestVersion { .. } => {
                "Open the data with the notebook of the same Mensura version, or republish it with this one."
            }
            Self::NotPublished { .. } => {
                "Ask whoever publishes the data to include this extract; the rest of the page works without it."
            }
            Self::Download { .. } => {
                "Check that the server is running and reachable, then reload the page."
            }
            Self::Size { .. } | Self::Checksum { .. } => {
                "Reload the page (a cache may hold an old copy); if it persists, republish the data \
                 directory so that files and manifest agree."
            }
            Self::Extract(mensura_engine::Error::SchemaVersion { .. }) => {
                "Republish the extract with this version of Mensura, or open it with the matching notebook."
            }
            Self::Extract(_) | Self::Mart { .. } => {
                "The file is damaged or was not written by `mensura publish`: republish it."
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &[u8] = include_bytes!("../../../fixtures/sample/manifest.json");

    #[test]
    fn the_sample_manifest_parses() {
        let m = Manifest::parse("data/manifest.json", SAMPLE).expect("manifest");
        assert_eq!(m.files.len(), 6);
        assert_eq!(
            m.extract("journeys_touches", "gp").map(|f| f.name.as_str()),
            Some("journeys_touches_gp.parquet")
        );
        assert_eq!(
            m.extract("mmm_spine_weekly", "mmm").map(|f| f.rows),
            Some(105)
        );
        assert!(m.extract("coverage_daily", "ga").is_none());
        assert_eq!(manifest_hash(SAMPLE).len(), 12);
    }

    #[test]
    fn files_are_checked_against_the_manifest() {
        let m = Manifest::parse("m", SAMPLE).expect("manifest");
        let entry = m.file("mmm_spine_weekly.parquet").expect("entry");
        let bytes = include_bytes!("../../../fixtures/sample/mmm_spine_weekly.parquet");
        assert_eq!(verify(entry, bytes), Ok(()));
        let mut bad = bytes.to_vec();
        bad[100] ^= 1;
        let err = verify(entry, &bad).expect_err("corrupt");
        assert!(matches!(err, LoadError::Checksum { .. }), "{err}");
        assert!(err.to_string().contains("mmm_spine_weekly.parquet"));
        assert!(matches!(
            verify(entry, &bytes[..10]),
            Err(LoadError::Size { .. })
        ));
    }

    #[test]
    fn a_manifest_of_another_version_is_refused() {
        let text = String::from_utf8_lossy(SAMPLE).replacen(
            "\"schema_version\": \"1\"",
            "\"schema_version\": \"2\"",
            1,
        );
        let err = Manifest::parse("x/manifest.json", text.as_bytes()).expect_err("v2");
        assert!(matches!(err, LoadError::ManifestVersion { .. }));
        assert!(Manifest::parse("x", b"{").is_err());
    }
}
