//! The engine's one error type.
//!
//! Bad user data (a file that is not a valid schema-v1 extract, a parameter out of range) is an
//! [`Error`]; a broken internal invariant is an `assert!`. Every variant names what is wrong and
//! where: the file, the column, the row or the parameter, and what was expected.

/// Everything that can go wrong when reading extracts or computing over them.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// The bytes are not a readable Parquet file (truncated, not Parquet, corrupt).
    #[error("{file}: not a readable Parquet file ({detail})")]
    NotParquet { file: String, detail: String },

    /// The file was compressed with a codec this build cannot decode.
    #[error(
        "{file}: compressed with {codec}, which this build of the engine cannot decode; \
         publish extracts with snappy, lz4, brotli or gzip"
    )]
    UnsupportedCodec { file: String, codec: String },

    /// The file-level `mensura.schema_version` entry is missing or names a version we do not read.
    #[error(
        "{file}: schema version {found} is not supported (this engine reads version {supported})"
    )]
    SchemaVersion {
        file: String,
        found: String,
        supported: &'static str,
    },

    /// A required column is absent.
    #[error("{file}: required column `{column}` is missing (expected {expected})")]
    MissingColumn {
        file: String,
        column: String,
        expected: String,
    },

    /// A column has an Arrow type other than the contract's.
    #[error("{file}: column `{column}` has type {found}, expected {expected}")]
    WrongType {
        file: String,
        column: String,
        found: String,
        expected: String,
    },

    /// A non-nullable column holds a null.
    #[error("{file}: column `{column}` has a null at row {row}; it must not be null")]
    UnexpectedNull {
        file: String,
        column: String,
        row: usize,
    },

    /// A value breaks the contract (out of range, inconsistent with another column or file).
    #[error("{file}: column `{column}`, row {row}: {detail}")]
    InvalidValue {
        file: String,
        column: String,
        row: usize,
        detail: String,
    },

    /// A computation parameter is out of its domain.
    #[error("invalid parameter `{name}`: {detail}")]
    InvalidParameter { name: &'static str, detail: String },
}

/// The engine's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Shorthand for [`Error::InvalidParameter`].
    pub fn param(name: &'static str, detail: impl Into<String>) -> Self {
        Self::InvalidParameter {
            name,
            detail: detail.into(),
        }
    }
}
