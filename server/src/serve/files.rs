//! Static files: the site root at `/` and the published data directory at `/data/`.
//!
//! Each request is located on a blocking thread ([`locate`]: path checks, canonicalization, the
//! data allowlist, `stat`), then answered here: `If-None-Match` (304), `Range` (206 or 416),
//! content type and caching headers. The bytes themselves are streamed by tower-http's
//! [`ServeFile`], which gets a request reduced to what has already been decided (the method, one
//! validated range, the date conditionals), so every rule lives in this module.
//!
//! - **ETag**: strong, a digest of (device, inode, size, mtime): it changes whenever the file is
//!   rewritten or replaced, and a publish into a new directory gives every file a new tag. A
//!   compressed response carries the tag with the coding appended (`"…-gzip"`, `"…-br"`; another
//!   representation, another strong tag), and `If-None-Match` accepts either form.
//! - **Range**: one `bytes=` range (`a-b`, `a-`, `-n`) → 206; an unsatisfiable or malformed one →
//!   416 with `Content-Range: bytes */len`; several ranges → the whole file (200), which the RFC
//!   allows. `If-Range` must equal the current strong ETag, else the whole file is sent.
//! - **Compression**: gzip or brotli as negotiated, for text, JSON, JavaScript, SVG and wasm of
//!   256 bytes or more, never for ranges; Parquet is compressed already and is sent as is.
//!   Compressible types always carry `Vary: Accept-Encoding`.
//! - **Cache-Control**: `public, max-age=31536000, immutable` for names with a content hash (a
//!   run of 16+ hex digits, as bundlers write them); `no-cache` (revalidate with the ETag) for
//!   everything else, `manifest.json` and the extracts included, whose names do not change
//!   between publishes.

use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::{Body, HttpBody};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use tower_http::compression::Predicate;
use tower_http::compression::predicate::SizeAbove;
use tower_http::services::ServeFile;

use super::Shared;
use super::paths::{self, Refusal};

/// The name of a data directory's index.
pub(super) const MANIFEST: &str = "manifest.json";

/// Which root a request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Root {
    /// The static site, at `/`.
    Site,
    /// The current data directory, at `/data/`, limited to what its manifests list.
    Data,
}

/// A file that may be served.
#[derive(Debug)]
struct Found {
    path: PathBuf,
    etag: String,
    len: u64,
    content_type: &'static str,
    cache_control: &'static str,
}

#[derive(Debug)]
enum Located {
    File(Found),
    /// A directory asked for without its trailing slash.
    Redirect(String),
}

/// `GET /…`: the static site.
pub(super) async fn site(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    serve(shared, Root::Site, request).await
}

/// `GET /data/…`: the current data directory.
pub(super) async fn data(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    serve(shared, Root::Data, request).await
}

async fn serve(shared: Arc<Shared>, root: Root, request: Request) -> Response {
    let method = request.method().clone();
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
            "only GET and HEAD are served here\n",
        )
            .into_response();
    }
    let uri = request.uri().clone();
    let located = tokio::task::spawn_blocking(move || match root {
        Root::Site => locate_site(&shared, uri.path(), uri.query()),
        Root::Data => locate_data(&shared, uri.path()),
    })
    .await;
    match located {
        Ok(Ok(Located::File(found))) => respond(found, method, request.headers()).await,
        Ok(Ok(Located::Redirect(to))) => match HeaderValue::from_str(&to) {
            Ok(location) => (
                StatusCode::PERMANENT_REDIRECT,
                [(header::LOCATION, location)],
            )
                .into_response(),
            Err(_) => not_found(),
        },
        Ok(Err(Refusal::NotFound)) => not_found(),
        Ok(Err(Refusal::BadRequest(why))) => {
            (StatusCode::BAD_REQUEST, format!("bad request: {why}\n")).into_response()
        }
        Err(e) => {
            tracing::error!("locating a file failed: {e}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The same answer for missing, hidden, internal-only and out-of-root files.
pub(super) fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CACHE_CONTROL, "no-store")],
        "not found\n",
    )
        .into_response()
}

fn locate_site(shared: &Shared, raw: &str, query: Option<&str>) -> Result<Located, Refusal> {
    let path = paths::parse(raw)?;
    // `/data/` belongs to the data root (the router sends it there); never look for it here.
    if path.segments.first().is_some_and(|s| s == "data") {
        return Err(Refusal::NotFound);
    }
    let root = shared.site_root().ok_or(Refusal::NotFound)?;
    let mut segments = path.segments;
    let mut real = paths::resolve_within(&root, &segments)?;
    if real.is_dir() {
        if !path.trailing_slash {
            let query = query.map(|q| format!("?{q}")).unwrap_or_default();
            return Ok(Located::Redirect(format!("{raw}/{query}")));
        }
        segments.push("index.html".to_owned());
        real = paths::resolve_within(&root, &segments)?;
    } else if path.trailing_slash {
        return Err(Refusal::NotFound);
    }
    // Data directories (the current one, an older or half-written publish, any directory with a
    // manifest) are served only through `/data/`, where the manifest allowlist applies.
    if shared.data_root().is_some_and(|d| real.starts_with(d))
        || in_data_directory(&root, &real)
        || shared.tests_report_real().is_some_and(|r| r == real)
    {
        return Err(Refusal::NotFound);
    }
    found(real)
}

/// True when a directory between the site root (exclusive) and `file` holds a manifest.
fn in_data_directory(root: &Path, file: &Path) -> bool {
    file.ancestors()
        .skip(1)
        .take_while(|dir| *dir != root && dir.starts_with(root))
        .any(|dir| dir.join(MANIFEST).exists())
}

fn locate_data(shared: &Shared, raw: &str) -> Result<Located, Refusal> {
    let rest = raw.strip_prefix("/data").unwrap_or(raw);
    let path = paths::parse(if rest.is_empty() { "/" } else { rest })?;
    // No directory listings.
    if path.trailing_slash || path.segments.is_empty() {
        return Err(Refusal::NotFound);
    }
    let root = shared.data_root().ok_or(Refusal::NotFound)?;
    let real = paths::resolve_within(&root, &path.segments)?;
    if !listed(&root, &path.segments) {
        return Err(Refusal::NotFound);
    }
    found(real)
}

/// The data allowlist: a manifest itself, or a file that the manifest of its directory (or of a
/// directory above it, by relative path) lists.
fn listed(root: &Path, segments: &[String]) -> bool {
    if segments.last().is_some_and(|name| name == MANIFEST) {
        return true;
    }
    (0..segments.len()).any(|i| {
        let dir: PathBuf = root.join(segments[..i].iter().collect::<PathBuf>());
        let relative = segments[i..].join("/");
        manifest_names(&dir).is_some_and(|names| names.contains(&relative))
    })
}

/// The `files[].name` of `dir/manifest.json`, read leniently (only the names matter here).
fn manifest_names(dir: &Path) -> Option<Vec<String>> {
    let mut text = String::new();
    std::fs::File::open(dir.join(MANIFEST))
        .ok()?
        .take(64 << 20)
        .read_to_string(&mut text)
        .ok()?;
    let manifest: serde_json::Value = serde_json::from_str(&text).ok()?;
    Some(
        manifest
            .get("files")?
            .as_array()?
            .iter()
            .filter_map(|f| f.get("name")?.as_str().map(str::to_owned))
            .collect(),
    )
}

fn found(real: PathBuf) -> Result<Located, Refusal> {
    let meta = std::fs::metadata(&real).map_err(|_| Refusal::NotFound)?;
    if !meta.is_file() {
        return Err(Refusal::NotFound);
    }
    let name = real
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Located::File(Found {
        etag: etag(&meta),
        len: meta.len(),
        content_type: content_type(&name),
        cache_control: cache_control(&name),
        path: real,
    }))
}

/// A strong entity tag from the file's identity and version (no read of its bytes).
fn etag(meta: &std::fs::Metadata) -> String {
    let mut hasher = Sha256::new();
    for part in [
        meta.dev(),
        meta.ino(),
        meta.size(),
        meta.mtime() as u64,
        meta.mtime_nsec() as u64,
    ] {
        hasher.update(part.to_le_bytes());
    }
    let digest = hasher.finalize();
    let hex: String = digest[..10].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// The media type by extension.
pub(super) fn content_type(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "wasm" => "application/wasm",
        "parquet" => "application/vnd.apache.parquet",
        "csv" => "text/csv; charset=utf-8",
        "txt" | "md" | "ts" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => "application/octet-stream",
    }
}

/// Worth compressing on the fly: text-like types (Parquet, images and fonts are compressed).
pub(super) fn compressible(content_type: &str) -> bool {
    content_type.starts_with("text/")
        || content_type.starts_with("application/json")
        || content_type.starts_with("application/wasm")
        || content_type.starts_with("image/svg+xml")
}

/// Names carrying a content hash may be cached for good; the rest revalidate every time.
fn cache_control(name: &str) -> &'static str {
    let hashed = name
        .split(['-', '.', '_'])
        .any(|part| part.len() >= 16 && part.bytes().all(|b| b.is_ascii_hexdigit()));
    if hashed {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

/// A `Range` header against a file of `len` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ranged {
    /// No range (absent, another unit, several ranges): the whole file.
    Full,
    /// One inclusive byte range.
    Part(u64, u64),
    /// Malformed or outside the file: 416.
    Unsatisfiable,
}

fn parse_range(value: &HeaderValue, len: u64) -> Ranged {
    let Ok(text) = value.to_str() else {
        return Ranged::Unsatisfiable;
    };
    let Some((unit, specs)) = text.trim().split_once('=') else {
        return Ranged::Unsatisfiable;
    };
    if !unit.trim().eq_ignore_ascii_case("bytes") {
        return Ranged::Full;
    }
    let specs: Vec<&str> = specs
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let spec = match specs.as_slice() {
        [one] => *one,
        [] => return Ranged::Unsatisfiable,
        _ => return Ranged::Full,
    };
    let number = |t: &str| -> Option<u64> {
        let t = t.trim();
        if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        t.parse().ok()
    };
    let Some((first, last)) = spec.split_once('-') else {
        return Ranged::Unsatisfiable;
    };
    if first.trim().is_empty() {
        // A suffix: the last n bytes.
        return match number(last) {
            Some(n) if n > 0 && len > 0 => Ranged::Part(len.saturating_sub(n), len - 1),
            _ => Ranged::Unsatisfiable,
        };
    }
    let Some(start) = number(first) else {
        return Ranged::Unsatisfiable;
    };
    let end = if last.trim().is_empty() {
        Some(u64::MAX)
    } else {
        number(last)
    };
    match end {
        Some(end) if end >= start && start < len => Ranged::Part(start, end.min(len - 1)),
        _ => Ranged::Unsatisfiable,
    }
}

/// Codings the compression layer may append to an ETag.
const CODINGS: [&str; 4] = ["gzip", "br", "zstd", "deflate"];

/// The tag of `If-None-Match` that matches `etag` (weak comparison, any coding suffix), as the
/// client sent it, for the 304 to echo.
fn if_none_match(headers: &HeaderMap, etag: &str) -> Option<String> {
    let bare = etag.trim_matches('"');
    for value in headers.get_all(header::IF_NONE_MATCH) {
        let Ok(text) = value.to_str() else { continue };
        for tag in text.split(',').map(str::trim) {
            if tag == "*" {
                return Some(etag.to_owned());
            }
            let opaque = tag.strip_prefix("W/").unwrap_or(tag);
            let Some(inner) = opaque.strip_prefix('"').and_then(|t| t.strip_suffix('"')) else {
                continue;
            };
            let matches = inner == bare
                || CODINGS.iter().any(|c| {
                    inner
                        .strip_suffix(c)
                        .and_then(|t| t.strip_suffix('-'))
                        .is_some_and(|t| t == bare)
                });
            if matches {
                return Some(opaque.to_owned());
            }
        }
    }
    None
}

fn header_value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The headers every answer about a file carries (200, 206, 304, 416).
fn set_file_headers(headers: &mut HeaderMap, found: &Found, etag: &str) {
    headers.insert(header::ETAG, header_value(etag));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(found.cache_control),
    );
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if compressible(found.content_type) {
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
}

async fn respond(found: Found, method: Method, headers: &HeaderMap) -> Response {
    if let Some(tag) = if_none_match(headers, &found.etag) {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        set_file_headers(response.headers_mut(), &found, &tag);
        return response;
    }
    let if_range_holds = headers
        .get(header::IF_RANGE)
        .is_none_or(|v| v.as_bytes() == found.etag.as_bytes());
    let ranged = match headers.get(header::RANGE) {
        Some(range) if if_range_holds => parse_range(range, found.len),
        _ => Ranged::Full,
    };
    if ranged == Ranged::Unsatisfiable {
        let mut response = (
            StatusCode::RANGE_NOT_SATISFIABLE,
            [(header::CONTENT_RANGE, format!("bytes */{}", found.len))],
            "range not satisfiable\n",
        )
            .into_response();
        set_file_headers(response.headers_mut(), &found, &found.etag);
        return response;
    }

    let mut request = axum::http::Request::builder().method(method).uri("/");
    if let Ranged::Part(start, end) = ranged {
        request = request.header(header::RANGE, format!("bytes={start}-{end}"));
    }
    // Dates are the fallback validators: ignored when an ETag condition was sent (RFC 9110).
    if !headers.contains_key(header::IF_NONE_MATCH) {
        for name in [header::IF_MODIFIED_SINCE, header::IF_UNMODIFIED_SINCE] {
            if let Some(value) = headers.get(&name) {
                request = request.header(name, value);
            }
        }
    }
    let request = match request.body(Body::empty()) {
        Ok(r) => r,
        Err(e) => {
            tracing::error!("building the file request failed: {e}");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let Ok(response) = ServeFile::new(&found.path).oneshot(request).await;
    let (mut parts, body) = response.into_parts();
    if matches!(
        parts.status,
        StatusCode::OK | StatusCode::PARTIAL_CONTENT | StatusCode::NOT_MODIFIED
    ) {
        parts.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(found.content_type),
        );
        set_file_headers(&mut parts.headers, &found, &found.etag);
    }
    Response::from_parts(parts, Body::new(body))
}

/// The compression layer's rule: a compressible type, and big enough to be worth it.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Compressible;

impl Predicate for Compressible {
    fn should_compress<B>(&self, response: &axum::http::Response<B>) -> bool
    where
        B: HttpBody,
    {
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        compressible(content_type) && SizeAbove::new(256).should_compress(response)
    }
}

/// Runs outside the compression layer: a compressed representation gets its own strong ETag,
/// the identity tag with the coding appended.
pub(super) async fn tag_compressed(mut response: Response) -> Response {
    let coding = response
        .headers()
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let etag = response
        .headers()
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let (Some(coding), Some(etag)) = (coding, etag)
        && let Some(inner) = etag.strip_suffix('"')
        && let Ok(value) = HeaderValue::from_str(&format!("{inner}-{coding}\""))
    {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue, header};

    use super::{Ranged, cache_control, if_none_match, parse_range};

    fn range(text: &str, len: u64) -> Ranged {
        parse_range(&HeaderValue::from_str(text).expect("a header value"), len)
    }

    #[test]
    fn ranges() {
        assert_eq!(range("bytes=0-3", 10), Ranged::Part(0, 3));
        assert_eq!(range("bytes=2-", 10), Ranged::Part(2, 9));
        assert_eq!(range("bytes=-3", 10), Ranged::Part(7, 9));
        assert_eq!(range("bytes=-30", 10), Ranged::Part(0, 9));
        assert_eq!(range("bytes=5-100", 10), Ranged::Part(5, 9));
        assert_eq!(range("Bytes = 1-1", 10), Ranged::Part(1, 1));
        assert_eq!(range("bytes=0-1,4-5", 10), Ranged::Full);
        assert_eq!(range("items=0-1", 10), Ranged::Full);
        for bad in [
            "bytes=10-",
            "bytes=10-20",
            "bytes=5-2",
            "bytes=-0",
            "bytes=a-b",
            "bytes=",
            "bytes=1",
            "bytes=+1-2",
            "0-1",
        ] {
            assert_eq!(range(bad, 10), Ranged::Unsatisfiable, "{bad}");
        }
        assert_eq!(range("bytes=0-", 0), Ranged::Unsatisfiable);
        assert_eq!(range("bytes=-1", 0), Ranged::Unsatisfiable);
    }

    #[test]
    fn etag_conditions() {
        let mut headers = HeaderMap::new();
        let tag = "\"abc\"";
        assert_eq!(if_none_match(&headers, tag), None);
        for (sent, echoed) in [
            ("\"abc\"", "\"abc\""),
            ("W/\"abc\"", "\"abc\""),
            ("\"x\", \"abc-gzip\"", "\"abc-gzip\""),
            ("\"abc-br\"", "\"abc-br\""),
            ("*", "\"abc\""),
        ] {
            headers.insert(header::IF_NONE_MATCH, HeaderValue::from_static(sent));
            assert_eq!(
                if_none_match(&headers, tag).as_deref(),
                Some(echoed),
                "{sent}"
            );
        }
        for sent in ["\"abcd\"", "\"abc-foo\"", "abc", "\"ab\""] {
            headers.insert(header::IF_NONE_MATCH, HeaderValue::from_static(sent));
            assert_eq!(if_none_match(&headers, tag), None, "{sent}");
        }
    }

    #[test]
    fn hashed_names_are_immutable() {
        assert_eq!(
            cache_control("index-7f3a2b1c9d0e4f5a.js"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(
            cache_control("mensura-web-0123456789abcdef_bg.wasm"),
            "public, max-age=31536000, immutable"
        );
        for name in [
            "manifest.json",
            "journeys_touches_ga.parquet",
            "mensura_engine_bg.wasm",
            "index.html",
        ] {
            assert_eq!(cache_control(name), "no-cache", "{name}");
        }
    }
}
