//! [`Warehouse`]: the one way Mensura talks to ClickHouse, embedded or remote.
//!
//! A thin layer over the official `clickhouse` crate that fixes Mensura's conventions:
//!
//! - every request carries `session_timezone=UTC`;
//! - values are bound ([`Params`], `{name:Type}` placeholders, sent as `param_<name>`), never
//!   spliced into SQL text;
//! - rows come back as `JSONEachRow` into any `serde` type (64-bit integers unquoted), bytes in any
//!   format (`Parquet` for publishing), and inserts take pre-formatted bytes;
//! - per-query settings (`max_memory_usage`, `join_algorithm`, ...) ride on a cheap clone
//!   ([`Warehouse::with_setting`]);
//! - a ClickHouse exception becomes [`Error::ClickHouse`] with its code, and bound values of eight
//!   characters or more are redacted from every error message;
//! - against the embedded engine, requests wait through a restart, and a request cut short by the
//!   process dying fails with [`Error::EngineCrashed`].

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::io::{AsyncWrite, AsyncWriteExt};

use super::embedded::{Embedded, EngineHandle};
use super::{Error, Result};

/// How long a request waits for the embedded engine to (re)start.
const READY_TIMEOUT: Duration = Duration::from_secs(120);
/// Bound values at least this long are scrubbed from error messages (shorter ones are too
/// likely to be ordinary words of the message, and are not secrets).
const REDACT_MIN_LEN: usize = 8;

/// Bound query parameters, for `{name:Type}` placeholders in the SQL.
///
/// Values are anything `serde` can turn into JSON: strings, numbers, booleans, `None` (NULL) and
/// sequences of those (for `Array(...)`). `Debug` shows the names only.
#[derive(Clone, Default)]
pub struct Params {
    values: Vec<(String, serde_json::Value)>,
    /// The first bad binding, reported when the query runs.
    invalid: Option<Invalid>,
}

#[derive(Clone)]
enum Invalid {
    Name(String),
    Value { name: String, detail: String },
}

impl Params {
    /// No parameters.
    pub fn new() -> Params {
        Params::default()
    }

    /// Binds `value` to `{name:Type}`.
    pub fn bind(mut self, name: &str, value: impl Serialize) -> Params {
        if self.invalid.is_some() {
            return self;
        }
        if !is_identifier(name) {
            self.invalid = Some(Invalid::Name(name.into()));
            return self;
        }
        match serde_json::to_value(value) {
            Ok(value) => self.values.push((name.to_string(), value)),
            Err(e) => {
                self.invalid = Some(Invalid::Value {
                    name: name.into(),
                    detail: e.to_string(),
                })
            }
        }
        self
    }

    /// Whether nothing is bound.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    fn check(&self) -> Result<()> {
        match &self.invalid {
            None => Ok(()),
            Some(Invalid::Name(name)) => Err(Error::InvalidName {
                what: "query parameter name",
                name: name.clone(),
            }),
            Some(Invalid::Value { name, detail }) => Err(Error::InvalidParam {
                name: name.clone(),
                detail: detail.clone(),
            }),
        }
    }

    fn apply(&self, mut query: clickhouse::query::Query) -> clickhouse::query::Query {
        for (name, value) in &self.values {
            query = query.param(name, value);
        }
        query
    }

    /// The bound strings worth scrubbing from error messages.
    fn secrets(&self) -> Vec<&str> {
        fn collect<'a>(value: &'a serde_json::Value, out: &mut Vec<&'a str>) {
            match value {
                serde_json::Value::String(s) if s.len() >= REDACT_MIN_LEN => out.push(s),
                serde_json::Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
                _ => {}
            }
        }
        let mut out = Vec::new();
        for (_, value) in &self.values {
            collect(value, &mut out);
        }
        out.sort_by_key(|s| std::cmp::Reverse(s.len()));
        out
    }
}

impl fmt::Debug for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.values.iter().map(|(name, _)| name))
            .finish()
    }
}

#[derive(Clone)]
enum Target {
    Remote,
    Embedded(EngineHandle),
}

/// A ClickHouse connection: the embedded engine or a server by URL. Cheap to clone.
#[derive(Clone)]
pub struct Warehouse {
    client: clickhouse::Client,
    target: Target,
    /// The server, for messages: `http://user@host:port/database`, never the password.
    endpoint: String,
}

impl fmt::Debug for Warehouse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Warehouse")
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

impl Warehouse {
    /// A server by URL: `http[s]://[user[:password]@]host[:port][/database]`. The user, password
    /// and database are taken out of the URL (percent-decoded) and sent the way ClickHouse
    /// expects; the default port is the scheme's (80/443), as in any URL.
    pub fn remote(url: &str) -> Result<Warehouse> {
        let parsed = url::Url::parse(url).map_err(|e| Error::InvalidUrl(format!("{e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(Error::InvalidUrl(format!(
                "the scheme must be http or https, not {:?}",
                parsed.scheme()
            )));
        }
        if parsed.host_str().is_none_or(str::is_empty) {
            return Err(Error::InvalidUrl("no host".into()));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(Error::InvalidUrl(
                "query strings and fragments are not supported; pass settings separately".into(),
            ));
        }
        let user = percent_decode(parsed.username())?;
        let password = parsed.password().map(percent_decode).transpose()?;
        let path = percent_decode(parsed.path().trim_matches('/'))?;
        if path.contains('/') {
            return Err(Error::InvalidUrl(
                "the path must be at most one database name".into(),
            ));
        }
        let mut base = parsed.clone();
        base.set_query(None);
        base.set_path("");
        // Both setters fail only for URLs that cannot have credentials, excluded above.
        let _ = base.set_username("");
        let _ = base.set_password(None);
        let mut endpoint = base.clone();
        let _ = endpoint.set_username(&user);
        endpoint.set_path(&path);

        let mut client = base_client().with_url(base.as_str().trim_end_matches('/'));
        if !user.is_empty() {
            client = client.with_user(user);
        }
        if let Some(password) = password {
            client = client.with_password(password);
        }
        if !path.is_empty() {
            client = client.with_database(path);
        }
        Ok(Warehouse {
            client,
            target: Target::Remote,
            endpoint: endpoint.to_string(),
        })
    }

    /// A client for the embedded engine (same as [`Embedded::warehouse`]).
    pub fn embedded(engine: &Embedded) -> Warehouse {
        Warehouse {
            client: base_client(),
            target: Target::Embedded(engine.handle()),
            endpoint: format!("embedded chDB in {}", engine.data_dir().display()),
        }
    }

    /// Where this client points, for messages (never includes a password).
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The same connection with a ClickHouse setting for every request made through it, e.g.
    /// `("max_memory_usage", "4000000000")` or `("join_algorithm", "grace_hash")`.
    pub fn with_setting(mut self, name: &str, value: impl Into<String>) -> Warehouse {
        self.client = self.client.with_setting(name, value);
        self
    }

    /// The same connection with another current database.
    pub fn with_database(mut self, database: &str) -> Warehouse {
        self.client = self.client.with_database(database);
        self
    }

    /// Checks that the server answers `SELECT 1`.
    pub async fn ping(&self) -> Result<()> {
        self.execute("SELECT 1").await
    }

    /// Runs a statement, discarding any result.
    pub async fn execute(&self, sql: &str) -> Result<()> {
        self.execute_with(sql, &Params::new()).await
    }

    /// Runs a statement with bound parameters, discarding any result.
    pub async fn execute_with(&self, sql: &str, params: &Params) -> Result<()> {
        params.check()?;
        let (client, generation) = self.client().await?;
        let query = params.apply(client.query_raw(sql));
        let result = query.execute().await;
        self.finish(result, generation, params).await
    }

    /// Runs a query and deserializes each `JSONEachRow` line into `T`.
    ///
    /// 64-bit integers arrive as JSON numbers (`output_format_json_quote_64bit_integers=0`);
    /// NaN and infinities arrive as `null`, so read floats that may be NaN as `Option<f64>`.
    pub async fn query_rows<T: DeserializeOwned>(
        &self,
        sql: &str,
        params: &Params,
    ) -> Result<Vec<T>> {
        let body = self
            .clone()
            .with_setting("output_format_json_quote_64bit_integers", "0")
            .query_bytes(sql, params, "JSONEachRow")
            .await?;
        body.split(|&b| b == b'\n')
            .filter(|line| !line.is_empty())
            .enumerate()
            .map(|(row, line)| {
                serde_json::from_slice(line).map_err(|e| Error::Decode {
                    row,
                    target: std::any::type_name::<T>(),
                    detail: e.to_string(),
                })
            })
            .collect()
    }

    /// Runs a query and returns its whole result in `format` (e.g. `Parquet`, `CSVWithNames`).
    /// The SQL must not have its own `FORMAT` clause.
    pub async fn query_bytes(&self, sql: &str, params: &Params, format: &str) -> Result<Bytes> {
        let mut out = Vec::new();
        self.query_to_writer(sql, params, format, &mut out).await?;
        Ok(Bytes::from(out))
    }

    /// Runs a query and streams its result in `format` into `writer` (a file, say), returning the
    /// number of bytes written. The SQL must not have its own `FORMAT` clause. On error, `writer`
    /// may hold part of the result: write to a temporary file and rename it on success.
    pub async fn query_to_writer<W: AsyncWrite + Unpin>(
        &self,
        sql: &str,
        params: &Params,
        format: &str,
        writer: &mut W,
    ) -> Result<u64> {
        params.check()?;
        check_name("format", format)?;
        let (client, generation) = self.client().await?;
        let result = async {
            let mut cursor = params.apply(client.query_raw(sql)).fetch_bytes(format)?;
            let mut written = 0u64;
            while let Some(chunk) = cursor.next().await? {
                writer.write_all(&chunk).await.map_err(|e| {
                    clickhouse::error::Error::Custom(format!("writing the result failed: {e}"))
                })?;
                written += chunk.len() as u64;
            }
            writer.flush().await.map_err(|e| {
                clickhouse::error::Error::Custom(format!("writing the result failed: {e}"))
            })?;
            Ok(written)
        }
        .await;
        self.finish(result, generation, params).await
    }

    /// Inserts pre-formatted `body` (in `format`: `RowBinary`, `TSV`, `CSV`, `JSONEachRow`,
    /// `Parquet`, ...) into `table` (`name` or `database.name`).
    pub async fn insert_bytes(&self, table: &str, format: &str, body: Bytes) -> Result<()> {
        check_table(table)?;
        check_name("format", format)?;
        let (client, generation) = self.client().await?;
        let result = async {
            let mut insert =
                client.insert_formatted_with(format!("INSERT INTO {table} FORMAT {format}"));
            insert.send(body).await?;
            insert.end().await
        }
        .await;
        self.finish(result, generation, &Params::new()).await
    }

    /// The client for one request, and the engine generation it targets (embedded only).
    async fn client(&self) -> Result<(clickhouse::Client, Option<u64>)> {
        match &self.target {
            Target::Remote => Ok((self.client.clone(), None)),
            Target::Embedded(handle) => {
                let (url, generation) = handle.ready(READY_TIMEOUT).await?;
                Ok((self.client.clone().with_url(url), Some(generation)))
            }
        }
    }

    /// Maps the crate's error, redacting bound values and recognising an engine crash.
    async fn finish<T>(
        &self,
        result: std::result::Result<T, clickhouse::error::Error>,
        generation: Option<u64>,
        params: &Params,
    ) -> Result<T> {
        let error = match result {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        if let (Target::Embedded(handle), Some(generation)) = (&self.target, generation)
            && matches!(
                error,
                clickhouse::error::Error::Network(_) | clickhouse::error::Error::TimedOut
            )
            && handle.crashed_since(generation).await
        {
            return Err(Error::EngineCrashed);
        }
        Err(map_error(error, &params.secrets()))
    }
}

/// The settings every request carries.
fn base_client() -> clickhouse::Client {
    clickhouse::Client::default().with_setting("session_timezone", "UTC")
}

/// Turns the crate's error into ours: a ClickHouse exception keeps its code and name.
fn map_error(error: clickhouse::error::Error, secrets: &[&str]) -> Error {
    let text = match &error {
        clickhouse::error::Error::BadResponse(text) => text.clone(),
        other => other.to_string(),
    };
    let text = redact(&text, secrets);
    match parse_exception(&text) {
        Some((code, name)) => Error::ClickHouse {
            code,
            name,
            message: text,
        },
        None => Error::Transport(text),
    }
}

fn redact(text: &str, secrets: &[&str]) -> String {
    let mut text = text.to_string();
    for secret in secrets {
        if text.contains(secret) {
            text = text.replace(secret, "<bound value>");
        }
    }
    text
}

/// `Code: 60. DB::Exception: ... (UNKNOWN_TABLE) (version ...)` → `(60, Some("UNKNOWN_TABLE"))`.
fn parse_exception(text: &str) -> Option<(u32, Option<String>)> {
    let start = text.find("Code: ")? + "Code: ".len();
    let digits: String = text[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let code = digits.parse().ok()?;
    let name = text
        .match_indices('(')
        .filter_map(|(i, _)| {
            let rest = &text[i + 1..];
            let end = rest.find(')')?;
            let candidate = &rest[..end];
            let is_name = candidate.len() > 2
                && candidate
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
                && candidate
                    .bytes()
                    .next()
                    .is_some_and(|b| b.is_ascii_uppercase());
            is_name.then(|| candidate.to_string())
        })
        .next_back();
    Some((code, name))
}

fn is_identifier(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn check_name(what: &'static str, name: &str) -> Result<()> {
    if is_identifier(name) {
        Ok(())
    } else {
        Err(Error::InvalidName {
            what,
            name: name.into(),
        })
    }
}

fn check_table(table: &str) -> Result<()> {
    let parts: Vec<&str> = table.split('.').collect();
    if parts.len() <= 2 && parts.iter().all(|part| is_identifier(part)) {
        Ok(())
    } else {
        Err(Error::InvalidName {
            what: "table name",
            name: table.into(),
        })
    }
}

fn percent_decode(text: &str) -> Result<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| Error::InvalidUrl("a malformed %-escape".into()))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| Error::InvalidUrl("a %-escape that is not UTF-8".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_url_takes_credentials_and_database_out() {
        let wh =
            Warehouse::remote("http://mensura:p%40ss@ch.example:8123/marts").expect("a valid URL");
        assert_eq!(wh.endpoint(), "http://mensura@ch.example:8123/marts");
        assert!(!format!("{wh:?}").contains("p@ss"));
        let wh = Warehouse::remote("https://ch.example").expect("a valid URL");
        assert_eq!(wh.endpoint(), "https://ch.example/");
        for bad in [
            "ftp://host/db",
            "http://host/a/b",
            "http://host:8123/db?max_threads=1",
            "not a url",
        ] {
            assert!(
                matches!(Warehouse::remote(bad), Err(Error::InvalidUrl(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn exceptions_keep_code_and_name() {
        let cases = [
            (
                "Code: 60. DB::Exception: Unknown table expression identifier 'x'. (UNKNOWN_TABLE)",
                Some((60, Some("UNKNOWN_TABLE"))),
            ),
            (
                "Code: 159. DB::Exception: Timeout exceeded: elapsed 1.2 seconds. (TIMEOUT_EXCEEDED) \
                 (version 24.10.1.2812 (official build))",
                Some((159, Some("TIMEOUT_EXCEEDED"))),
            ),
            ("Code: 241", Some((241, None))),
            ("connection refused", None),
        ];
        for (text, expected) in cases {
            let got = parse_exception(text);
            let got = got.as_ref().map(|(c, n)| (*c, n.as_deref()));
            assert_eq!(got, expected, "{text}");
        }
    }

    #[test]
    fn bound_values_are_redacted_and_hidden_from_debug() {
        let params = Params::new()
            .bind("salt", "00112233445566778899aabbccddeeff")
            .bind("addrs", ["0xabcdef0123", "x"])
            .bind("n", 7);
        let text =
            "Code: 26. DB::Exception: bad 00112233445566778899aabbccddeeff and 0xabcdef0123 x";
        let error = map_error(
            clickhouse::error::Error::BadResponse(text.into()),
            &params.secrets(),
        );
        let message = error.to_string();
        assert!(!message.contains("0011223344"), "{message}");
        assert!(!message.contains("0xabcdef0123"), "{message}");
        assert_eq!(error.code(), Some(26));
        assert_eq!(format!("{params:?}"), r#"["salt", "addrs", "n"]"#);
    }

    #[test]
    fn names_are_checked() {
        assert!(check_table("raw.events").is_ok());
        assert!(check_table("events_2").is_ok());
        for bad in ["a.b.c", "t; DROP TABLE x", "", "1t", "t`"] {
            assert!(check_table(bad).is_err(), "{bad}");
        }
        assert!(check_name("format", "Parquet").is_ok());
        assert!(check_name("format", "Parquet SETTINGS x=1").is_err());
        assert!(matches!(
            Params::new().bind("bad name", 1).check(),
            Err(Error::InvalidName { .. })
        ));
    }
}
