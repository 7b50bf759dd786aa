//! # The warehouse: ClickHouse, embedded or remote
//!
//! Mensura builds its models in ClickHouse and speaks to it over one code path, the ClickHouse
//! HTTP interface, through [`Warehouse`]. The server behind it is either
//!
//! - a real ClickHouse server or cluster, named by a URL such as
//!   `http://user:password@host:8123/database` ([`Warehouse::remote`]), or
//! - the **embedded** engine ([`Embedded`]): chDB (PyPI `chdb-core`, ClickHouse 26.x as an
//!   in-process library) inside a small Python process that Mensura starts, supervises and stops,
//!   exposing the same HTTP interface on loopback over a persistent data directory. Same SQL,
//!   same functions, no mock. The Python side is `server/embedded/chdb_http.py`; its header lists
//!   the exact HTTP subset it speaks.
//!
//! Every request sets `session_timezone = 'UTC'`. Values reach ClickHouse as bound parameters
//! (`{name:Type}` in the SQL, [`Params`] beside it), never spliced into SQL text: the salt
//! ([`Salt`]) above all, which is also never logged or shown.
//!
//! ## Dependencies, and why
//! - `clickhouse` (the official crate, 0.15): the HTTP protocol, bound parameters (sent as a
//!   multipart form), streamed results (`fetch_bytes`) and formatted inserts
//!   (`insert_formatted_with`). Its `lz4` feature is off, so requests and responses are plain
//!   HTTP bodies, which is all the embedded engine understands. TLS is on (`rustls` with `ring`
//!   and the webpki roots, the smallest sane choice: no OpenSSL, no cmake) so that an `https://`
//!   URL to a hosted ClickHouse works; loopback never uses it.
//! - `tokio` (the crate's runtime), `url` (parsing the server URL), `nix` (SIGTERM to the child:
//!   the workspace forbids `unsafe`), `siphasher` (the pseudonymizer), `thiserror`.
//!
//! ## Errors
//! One [`Error`] enum. A ClickHouse exception keeps its code ([`Error::code`]) and text; messages
//! never contain the salt or any bound parameter value of eight characters or more.

mod client;
mod embedded;
mod salt;

use std::fmt;

pub use client::{Params, Warehouse};
pub use embedded::{
    CHDB_CORE_VERSION, Embedded, EmbeddedOptions, PYTHON_ENV, install_command, resolve_python,
};
pub use salt::{SALT_ENV, Salt, pseudonym};

/// The warehouse module's result.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can go wrong talking to ClickHouse, starting the embedded engine, or reading the salt.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The Python interpreter for the embedded engine could not be run.
    #[error(
        "the embedded ClickHouse needs Python 3 with chDB, and `{python}` could not be run ({detail}). \
         Install Python 3, then run `{install}`; or set {env} to a Python that has chDB; or use a \
         ClickHouse server with --clickhouse-url / CLICKHOUSE_URL"
    )]
    PythonMissing {
        python: String,
        detail: String,
        install: String,
        env: &'static str,
    },

    /// Python runs but cannot import chDB.
    #[error(
        "the embedded ClickHouse needs chDB, which `{python}` cannot import ({detail}). Install it \
         with `{install}`; or set {env} to a Python that has it; or use a ClickHouse server with \
         --clickhouse-url / CLICKHOUSE_URL"
    )]
    ChdbMissing {
        python: String,
        detail: String,
        install: String,
        env: &'static str,
    },

    /// The embedded engine did not become ready.
    #[error("the embedded ClickHouse did not start: {reason}{}", log_suffix(.log))]
    EngineStart { reason: String, log: Vec<String> },

    /// The embedded engine's process died while this request was running.
    #[error(
        "the embedded ClickHouse stopped while this query ran; it is being restarted on the same \
         data directory, and the next query will run there (this one was not completed)"
    )]
    EngineCrashed,

    /// The embedded engine is stopped, or gave up after repeated crashes.
    #[error("the embedded ClickHouse is not available: {0}")]
    EngineUnavailable(String),

    /// ClickHouse answered with an exception.
    #[error("ClickHouse error {code}{}: {message}", name_suffix(.name))]
    ClickHouse {
        /// ClickHouse's error code (`Code: N.`), e.g. 60 for `UNKNOWN_TABLE`.
        code: u32,
        /// The symbolic name when the message carries one, e.g. `UNKNOWN_TABLE`.
        name: Option<String>,
        /// The exception text as ClickHouse sent it (bound values redacted).
        message: String,
    },

    /// The HTTP exchange failed (network, timeout, a response without a ClickHouse code).
    #[error("ClickHouse request failed: {0}")]
    Transport(String),

    /// A result row did not deserialize into the requested type.
    #[error("cannot read ClickHouse row {row} as {target}: {detail}")]
    Decode {
        row: usize,
        target: &'static str,
        detail: String,
    },

    /// A ClickHouse URL that Mensura cannot use.
    #[error("invalid ClickHouse URL: {0}")]
    InvalidUrl(String),

    /// A table, format or parameter name that is not a plain identifier.
    #[error("invalid {what} {name:?}: expected letters, digits and underscores")]
    InvalidName { what: &'static str, name: String },

    /// A bound parameter value that cannot be sent.
    #[error("cannot bind query parameter {name:?}: {detail}")]
    InvalidParam { name: String, detail: String },

    /// The salt variable is not set.
    #[error(
        "{var} is not set: Mensura refuses to pseudonymize without a salt. Generate one with \
         `openssl rand -hex 32`, keep it secret, and never change it (changing it orphans every \
         stored pseudonym)"
    )]
    SaltMissing { var: &'static str },

    /// The salt variable is set but empty.
    #[error("{var} is empty: an unkeyed hash of an address is reversible; set it to the hex salt")]
    SaltEmpty { var: &'static str },

    /// The salt has an odd number of hex digits.
    #[error("{var} has an odd number of hex digits ({len}): it must be whole bytes in hex")]
    SaltOddLength { var: &'static str, len: usize },

    /// The salt contains a character that is not a hex digit.
    #[error("{var} is not hex{}: only 0-9, a-f and A-F are allowed", position_suffix(.position))]
    SaltNotHex {
        var: &'static str,
        position: Option<usize>,
    },

    /// A local I/O failure (data directory, helper script).
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// ClickHouse's exception code, when the error is a ClickHouse exception.
    pub fn code(&self) -> Option<u32> {
        match self {
            Error::ClickHouse { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// ClickHouse's symbolic error name (`UNKNOWN_TABLE`, `MEMORY_LIMIT_EXCEEDED`, ...), if any.
    pub fn code_name(&self) -> Option<&str> {
        match self {
            Error::ClickHouse { name, .. } => name.as_deref(),
            _ => None,
        }
    }

    pub(crate) fn io(context: impl fmt::Display, source: std::io::Error) -> Error {
        Error::Io {
            context: context.to_string(),
            source,
        }
    }
}

fn log_suffix(log: &[String]) -> String {
    if log.is_empty() {
        String::new()
    } else {
        format!("\n--- last lines of its stderr ---\n{}", log.join("\n"))
    }
}

fn name_suffix(name: &Option<String>) -> String {
    name.as_ref().map(|n| format!(" ({n})")).unwrap_or_default()
}

fn position_suffix(position: &Option<usize>) -> String {
    position
        .map(|p| format!(" (character {})", p + 1))
        .unwrap_or_default()
}
