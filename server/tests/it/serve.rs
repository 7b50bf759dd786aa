//! `mensura serve` over real HTTP: a server on 127.0.0.1:0 per test, real files in a temporary
//! directory, requests with reqwest (or raw bytes on a socket, for paths an HTTP client would
//! normalize). The rebuild job is a fake the test controls: the job is a unit boundary here.

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use mensura::manifest::{Manifest, ManifestFile, sha256_hex};
use mensura::serve::{
    JobState, RebuildJob, Rebuilt, ServeConfig, ServeHandle, Server, rebuild_job, swap_symlink,
};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;
use tokio::sync::{Notify, oneshot};

const SECRET: &str = "TOP-SECRET: outside the served roots";
const TOKEN: &str = "correct-horse-battery-staple";

/// A site tree: `tmp/www` (the site) and `tmp/www/data` (the data directory), plus files outside
/// both roots that must never be served.
struct Tree {
    tmp: tempfile::TempDir,
}

impl Tree {
    fn new() -> Tree {
        let tmp = tempfile::tempdir().expect("a temporary directory");
        let root = tmp.path();
        write(&root.join("secret.txt"), SECRET.as_bytes());
        write(&root.join("outside/secret.parquet"), SECRET.as_bytes());
        let www = root.join("www");
        write(
            &www.join("index.html"),
            b"<!doctype html><title>Mensura</title>",
        );
        write(&www.join("app.js"), script().as_bytes());
        write(&www.join("style.css"), b"body { margin: 0 }\n");
        write(&www.join("config.json"), b"{\"a\": 1}");
        write(&www.join("pkg/engine_bg.wasm"), &wasm());
        write(&www.join("index-0123456789abcdef.js"), b"export {};\n");
        write(
            &www.join("bench/index.html"),
            b"<!doctype html><title>bench</title>",
        );
        write(&www.join(".env"), SECRET.as_bytes());
        write(&www.join(".git/config"), SECRET.as_bytes());
        let tree = Tree { tmp };
        tree.publish(&tree.data(), "v1");
        tree
    }

    fn root(&self) -> &Path {
        self.tmp.path()
    }

    fn www(&self) -> PathBuf {
        self.root().join("www")
    }

    fn data(&self) -> PathBuf {
        self.www().join("data")
    }

    fn config(&self) -> ServeConfig {
        let mut config = ServeConfig::new(self.www());
        config.addr = SocketAddr::from(([127, 0, 0, 1], 0));
        config
    }

    /// A complete publish of `version` into `dir`: two extracts and the manifest listing them.
    fn publish(&self, dir: &Path, version: &str) {
        let files = [
            ("journeys_touches_ga.parquet", extract(version, 1)),
            ("conversions_ga.parquet", extract(version, 2)),
        ];
        for (name, bytes) in &files {
            write(&dir.join(name), bytes);
        }
        manifest(dir, version, &files.map(|(n, b)| (n, b)));
    }
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("a directory");
    std::fs::write(path, bytes).expect("a file");
}

/// A JavaScript file large enough to be compressed.
fn script() -> String {
    (0..100)
        .map(|i| format!("export const value{i} = {i};\n"))
        .collect()
}

fn wasm() -> Vec<u8> {
    let mut bytes = b"\0asm\x01\0\0\0".to_vec();
    bytes.extend(std::iter::repeat_n(0u8, 1000));
    bytes
}

/// Bytes that say which publish and which file they belong to (Parquet magic around them).
fn extract(version: &str, file: u8) -> Vec<u8> {
    let mut bytes = b"PAR1".to_vec();
    bytes.extend(format!("{version}:{file}:").as_bytes());
    bytes.extend(std::iter::repeat_n(b'x', 600));
    bytes.extend(b"PAR1");
    bytes
}

const BUILT_AT: &str = "2026-03-01T12:00:00Z";

/// Writes `dir/manifest.json` listing `files` (name, bytes), with `source` naming the version.
fn manifest(dir: &Path, version: &str, files: &[(&str, Vec<u8>)]) {
    let built_at = BUILT_AT.to_owned();
    let manifest = Manifest {
        stack_version: "0.1.0".into(),
        schema_version: "1".into(),
        source: version.into(),
        built_at: built_at.clone(),
        as_of_date: "2026-02-28".into(),
        min_cell: None,
        files: files
            .iter()
            .map(|(name, bytes)| ManifestFile {
                name: (*name).into(),
                extract: "test".into(),
                schema_version: "1".into(),
                sector: "ga".into(),
                rows: 1,
                bytes: bytes.len() as u64,
                sha256: sha256_hex(bytes),
                lookbacks: vec![],
                as_of_date: "2026-02-28".into(),
                built_at: built_at.clone(),
                suppressed_rows: None,
            })
            .collect(),
    };
    std::fs::create_dir_all(dir).expect("the data directory");
    manifest.write(dir).expect("the manifest");
}

/// A server running on its own task until dropped (or [`Running::stop`]).
struct Running {
    addr: SocketAddr,
    handle: ServeHandle,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

async fn start(config: ServeConfig, job: Option<RebuildJob>) -> Running {
    let server = Server::bind(config, job).await.expect("the server binds");
    let addr = server.local_addr();
    assert_ne!(addr.port(), 0);
    let handle = server.handle();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    Running {
        addr,
        handle,
        stop: Some(stop),
        task,
    }
}

impl Running {
    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut request = client().get(self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.expect("the request is answered")
    }

    async fn admin(&self, method: reqwest::Method, path: &str, token: Option<&str>) -> Response {
        let mut request = client().request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        Response::of(request.send().await.expect("the request is answered")).await
    }

    /// Polls `/admin/status` until the job is no longer running.
    async fn finished_job(&self) -> Value {
        for _ in 0..400 {
            let status = self
                .admin(reqwest::Method::GET, "/admin/status", Some(TOKEN))
                .await
                .json();
            if status["state"] != "running" {
                return status;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the rebuild did not finish");
    }

    async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.task).await.expect("the server task ends")
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client")
}

/// A response read to the end.
#[derive(Debug)]
struct Response {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Response {
    async fn of(response: reqwest::Response) -> Response {
        Response {
            status: response.status(),
            headers: response.headers().clone(),
            body: response.bytes().await.expect("a body").to_vec(),
        }
    }

    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .map(|v| v.to_str().expect("an ASCII header"))
            .unwrap_or("")
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.text()))
    }
}

async fn fetch(server: &Running, path: &str, headers: &[(&str, &str)]) -> Response {
    Response::of(server.get_with(path, headers).await).await
}

/// Sends `GET <target>` as raw bytes (no client-side normalization of `..` or `%2e`), returns the
/// status and the whole response text.
async fn raw_get(addr: SocketAddr, target: &str) -> (u16, String) {
    let request = format!("GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).expect("a connection");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("a timeout");
        stream.write_all(request.as_bytes()).expect("the request");
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        let text = String::from_utf8_lossy(&response).into_owned();
        let status = text
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status line in {text:?}"));
        (status, text)
    })
    .await
    .expect("the raw request")
}

#[tokio::test]
async fn files_have_their_types_and_cache_headers() {
    let tree = Tree::new();
    let server = start(tree.config(), None).await;
    let cases = [
        ("/", "text/html; charset=utf-8", "no-cache"),
        ("/index.html", "text/html; charset=utf-8", "no-cache"),
        ("/app.js", "text/javascript; charset=utf-8", "no-cache"),
        ("/style.css", "text/css; charset=utf-8", "no-cache"),
        ("/config.json", "application/json", "no-cache"),
        ("/pkg/engine_bg.wasm", "application/wasm", "no-cache"),
        (
            "/index-0123456789abcdef.js",
            "text/javascript; charset=utf-8",
            "public, max-age=31536000, immutable",
        ),
        ("/bench/", "text/html; charset=utf-8", "no-cache"),
        ("/data/manifest.json", "application/json", "no-cache"),
        (
            "/data/journeys_touches_ga.parquet",
            "application/vnd.apache.parquet",
            "no-cache",
        ),
    ];
    for (path, content_type, cache_control) in cases {
        let r = fetch(&server, path, &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_eq!(r.header("content-type"), content_type, "{path}");
        assert_eq!(r.header("cache-control"), cache_control, "{path}");
        assert_eq!(r.header("x-content-type-options"), "nosniff", "{path}");
        assert!(r.header("etag").starts_with('"'), "{path}: a strong ETag");
    }
    let wasm = fetch(&server, "/pkg/engine_bg.wasm", &[]).await;
    assert_eq!(wasm.body, self::wasm());
    let parquet = fetch(&server, "/data/conversions_ga.parquet", &[]).await;
    assert_eq!(parquet.body, extract("v1", 2));

    // A directory without its slash is redirected, query kept; POST is not a file method.
    let r = fetch(&server, "/bench?x=1", &[]).await;
    assert_eq!(r.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(r.header("location"), "/bench/?x=1");
    let r = client()
        .post(server.url("/index.html"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    let r = fetch(&server, "/missing.js", &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn etags_revalidate_to_304() {
    let tree = Tree::new();
    let server = start(tree.config(), None).await;
    for path in ["/app.js", "/data/journeys_touches_ga.parquet"] {
        let first = fetch(&server, path, &[]).await;
        let etag = first.header("etag").to_owned();
        assert!(etag.len() > 2, "{path}");

        let again = fetch(&server, path, &[("if-none-match", &etag)]).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{path}");
        assert!(again.body.is_empty());
        assert_eq!(again.header("etag"), etag);
        assert_eq!(again.header("cache-control"), "no-cache");

        for (sent, status) in [
            (format!("W/{etag}"), StatusCode::NOT_MODIFIED),
            (format!("\"nope\", {etag}"), StatusCode::NOT_MODIFIED),
            ("*".to_owned(), StatusCode::NOT_MODIFIED),
            ("\"nope\"".to_owned(), StatusCode::OK),
        ] {
            let r = fetch(&server, path, &[("if-none-match", &sent)]).await;
            assert_eq!(r.status, status, "{path} with If-None-Match {sent}");
        }

        let head = Response::of(
            client()
                .head(server.url(path))
                .send()
                .await
                .expect("an answer"),
        )
        .await;
        assert_eq!(head.status, StatusCode::OK);
        assert_eq!(head.header("etag"), etag);
        assert_eq!(
            head.header("content-length"),
            first.body.len().to_string(),
            "{path}"
        );
        assert!(head.body.is_empty());
    }

    // A changed file has a new tag; the old one no longer matches.
    let old = fetch(&server, "/app.js", &[])
        .await
        .header("etag")
        .to_owned();
    write(
        &tree.www().join("app.js"),
        b"export const changed = true;\n",
    );
    let r = fetch(&server, "/app.js", &[("if-none-match", &old)]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_ne!(r.header("etag"), old);
    assert_eq!(r.text(), "export const changed = true;\n");
}

#[tokio::test]
async fn ranges_are_206_and_bad_ones_416() {
    let tree = Tree::new();
    let server = start(tree.config(), None).await;
    let path = "/data/journeys_touches_ga.parquet";
    let full = extract("v1", 1);
    let len = full.len();

    for (range, start, end) in [
        ("bytes=0-3", 0, 3),
        ("bytes=4-9", 4, 9),
        ("bytes=-4", len - 4, len - 1),
        (&format!("bytes={}-", len - 10), len - 10, len - 1),
        (&format!("bytes=10-{}", len + 100), 10, len - 1),
    ] {
        let r = fetch(&server, path, &[("range", range)]).await;
        assert_eq!(r.status, StatusCode::PARTIAL_CONTENT, "{range}");
        assert_eq!(r.body, &full[start..=end], "{range}");
        assert_eq!(
            r.header("content-range"),
            format!("bytes {start}-{end}/{len}"),
            "{range}"
        );
        assert_eq!(r.header("content-length"), (end - start + 1).to_string());
        assert!(!r.header("etag").is_empty());
    }
    assert_eq!(
        fetch(&server, path, &[("range", "bytes=0-3")]).await.body,
        b"PAR1"
    );

    for range in [
        format!("bytes={len}-"),
        format!("bytes={}-{}", len + 5, len + 9),
        "bytes=9-2".to_owned(),
        "bytes=-0".to_owned(),
        "bytes=x-y".to_owned(),
    ] {
        let r = fetch(&server, path, &[("range", &range)]).await;
        assert_eq!(r.status, StatusCode::RANGE_NOT_SATISFIABLE, "{range}");
        assert_eq!(
            r.header("content-range"),
            format!("bytes */{len}"),
            "{range}"
        );
    }

    // Several ranges: the whole file. If-Range: the range only while the tag still holds.
    let r = fetch(&server, path, &[("range", "bytes=0-1,5-6")]).await;
    assert_eq!((r.status, r.body.len()), (StatusCode::OK, len));
    let etag = fetch(&server, path, &[]).await.header("etag").to_owned();
    let r = fetch(
        &server,
        path,
        &[("range", "bytes=0-3"), ("if-range", &etag)],
    )
    .await;
    assert_eq!(r.status, StatusCode::PARTIAL_CONTENT);
    let r = fetch(
        &server,
        path,
        &[("range", "bytes=0-3"), ("if-range", "\"old\"")],
    )
    .await;
    assert_eq!((r.status, r.body.len()), (StatusCode::OK, len));

    // A range of a compressible file is sent as is, whatever the client accepts.
    let r = fetch(
        &server,
        "/app.js",
        &[("range", "bytes=0-5"), ("accept-encoding", "gzip, br")],
    )
    .await;
    assert_eq!(r.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(r.header("content-encoding"), "");
    assert_eq!(r.body, &script().as_bytes()[..6]);
}

#[tokio::test]
async fn compression_is_negotiated() {
    let tree = Tree::new();
    let server = start(tree.config(), None).await;
    let plain = fetch(&server, "/app.js", &[]).await;
    assert_eq!(plain.header("content-encoding"), "");
    assert_eq!(plain.header("content-length"), script().len().to_string());
    assert_eq!(plain.header("vary"), "accept-encoding");
    assert_eq!(plain.text(), script());
    let identity_tag = plain.header("etag").to_owned();

    let gzip = fetch(&server, "/app.js", &[("accept-encoding", "gzip")]).await;
    assert_eq!(gzip.status, StatusCode::OK);
    assert_eq!(gzip.header("content-encoding"), "gzip");
    assert_eq!(&gzip.body[..2], &[0x1f, 0x8b], "a gzip stream");
    assert!(gzip.body.len() < script().len());
    assert_eq!(gzip.header("content-length"), "", "no identity length");
    assert!(gzip.header("vary").contains("accept-encoding"));
    let gzip_tag = gzip.header("etag").to_owned();
    assert_eq!(
        gzip_tag,
        format!("{}-gzip\"", identity_tag.trim_end_matches('"'))
    );
    let r = fetch(
        &server,
        "/app.js",
        &[("accept-encoding", "gzip"), ("if-none-match", &gzip_tag)],
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_MODIFIED);

    let br = fetch(
        &server,
        "/app.js",
        &[("accept-encoding", "br;q=1, gzip;q=0.5")],
    )
    .await;
    assert_eq!(br.header("content-encoding"), "br");
    assert!(br.body.len() < script().len());

    // The wasm bundle compresses too; Parquet (compressed already) and tiny files do not.
    let wasm = fetch(
        &server,
        "/pkg/engine_bg.wasm",
        &[("accept-encoding", "gzip")],
    )
    .await;
    assert_eq!(wasm.header("content-encoding"), "gzip");
    let parquet = fetch(
        &server,
        "/data/journeys_touches_ga.parquet",
        &[("accept-encoding", "gzip, br")],
    )
    .await;
    assert_eq!(parquet.header("content-encoding"), "");
    assert_eq!(
        parquet.header("content-length"),
        extract("v1", 1).len().to_string()
    );
    assert_eq!(parquet.body, extract("v1", 1));
    let tiny = fetch(&server, "/style.css", &[("accept-encoding", "gzip")]).await;
    assert_eq!(tiny.header("content-encoding"), "");
    assert_eq!(tiny.header("vary"), "accept-encoding");
}

#[tokio::test]
async fn healthz_reports_the_published_data() {
    let tree = Tree::new();
    let server = start(tree.config(), None).await;
    let r = fetch(&server, "/healthz", &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    let health = r.json();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["data"], "ok");
    assert_eq!(health["built_at"], BUILT_AT);
    assert_eq!(health["as_of_date"], "2026-02-28");
    let manifest = std::fs::read(tree.data().join("manifest.json")).expect("the manifest");
    assert_eq!(health["manifest"], sha256_hex(&manifest)[..12]);

    std::fs::remove_dir_all(tree.data()).expect("removing the data");
    let health = fetch(&server, "/healthz", &[]).await.json();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["data"], "missing");
    assert_eq!(health["built_at"], Value::Null);
    assert_eq!(health["as_of_date"], Value::Null);
}

#[tokio::test]
async fn admin_routes_are_disabled_without_a_token() {
    let tree = Tree::new();
    let server = start(tree.config(), Some(job_ok())).await;
    for (method, path) in [
        (reqwest::Method::POST, "/admin/rebuild"),
        (reqwest::Method::GET, "/admin/status"),
        (reqwest::Method::GET, "/admin/tests"),
    ] {
        for token in [None, Some(TOKEN)] {
            let r = server.admin(method.clone(), path, token).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
            assert!(
                r.json()["error"]
                    .as_str()
                    .is_some_and(|e| e.contains("disabled") && e.contains("MENSURA_ADMIN_TOKEN")),
                "{path}: {}",
                r.text()
            );
        }
    }
    assert!(server.handle.job().is_none(), "nothing was started");
}

#[tokio::test]
async fn admin_routes_need_the_bearer_token() {
    let tree = Tree::new();
    let mut config = tree.config();
    config.admin_token = Some(TOKEN.to_owned());
    let server = start(config, None).await;
    let wrong = [
        None,
        Some(""),
        Some("wrong"),
        Some("correct-horse-battery-stapl"),
        Some("correct-horse-battery-staple!"),
        Some("CORRECT-HORSE-BATTERY-STAPLE"),
    ];
    for token in wrong {
        let r = server
            .admin(reqwest::Method::GET, "/admin/status", token)
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{token:?}");
        assert!(r.header("www-authenticate").starts_with("Bearer"));
        assert!(!r.text().contains(TOKEN));
    }
    let basic = client()
        .get(server.url("/admin/status"))
        .basic_auth("admin", Some(TOKEN))
        .send()
        .await
        .expect("an answer");
    assert_eq!(basic.status(), StatusCode::UNAUTHORIZED);

    let r = server
        .admin(reqwest::Method::GET, "/admin/status", Some(TOKEN))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("cache-control"), "no-store");
    assert_eq!(r.json()["state"], "idle");
    // Without a job, a trigger says so.
    let r = server
        .admin(reqwest::Method::POST, "/admin/rebuild", Some(TOKEN))
        .await;
    assert_eq!(r.status, StatusCode::NOT_IMPLEMENTED);
}

#[test]
fn an_empty_admin_token_is_refused() {
    let tree = Tree::new();
    let mut config = tree.config();
    config.admin_token = Some(String::new());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let e = runtime
        .block_on(Server::bind(config, None))
        .expect_err("an empty token");
    assert!(e.to_string().contains("empty"), "{e}");
    assert!(format!("{:?}", tree.config()).contains("admin_token: None"));
    let mut config = tree.config();
    config.admin_token = Some(TOKEN.to_owned());
    assert!(
        !format!("{config:?}").contains(TOKEN),
        "Debug hides the token"
    );
}

fn job_ok() -> RebuildJob {
    rebuild_job(|| async {
        Ok(Rebuilt {
            message: "built and published".into(),
            data_dir: None,
        })
    })
}

/// A job that waits for the test's go, then succeeds.
fn gated_job(gate: Arc<Notify>) -> RebuildJob {
    rebuild_job(move || {
        let gate = gate.clone();
        async move {
            gate.notified().await;
            Ok(Rebuilt {
                message: "built and published".into(),
                data_dir: None,
            })
        }
    })
}

fn admin_config(tree: &Tree) -> ServeConfig {
    let mut config = tree.config();
    config.admin_token = Some(TOKEN.to_owned());
    config
}

#[tokio::test]
async fn one_rebuild_at_a_time_while_the_server_keeps_answering() {
    let tree = Tree::new();
    let gate = Arc::new(Notify::new());
    let server = start(admin_config(&tree), Some(gated_job(gate.clone()))).await;

    let r = server
        .admin(reqwest::Method::POST, "/admin/rebuild", Some(TOKEN))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text());
    assert_eq!(r.header("location"), "/admin/status");
    let job = r.json();
    let id = job["id"].as_str().expect("a job id").to_owned();
    assert_eq!(job["state"], "running");
    assert!(job["started_at"].as_str().is_some_and(|t| t.ends_with('Z')));

    // Running: a second trigger conflicts; status, files and health still answer.
    let r = server
        .admin(reqwest::Method::POST, "/admin/rebuild", Some(TOKEN))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["job"]["id"], id.as_str());
    let status = server
        .admin(reqwest::Method::GET, "/admin/status", Some(TOKEN))
        .await
        .json();
    assert_eq!(
        (status["state"].as_str(), status["id"].as_str()),
        (Some("running"), Some(id.as_str()))
    );
    assert_eq!(status["finished_at"], Value::Null);
    assert_eq!(fetch(&server, "/healthz", &[]).await.status, StatusCode::OK);
    assert_eq!(
        fetch(&server, "/data/journeys_touches_ga.parquet", &[])
            .await
            .body,
        extract("v1", 1)
    );

    gate.notify_one();
    let status = server.finished_job().await;
    assert_eq!(status["state"], "succeeded", "{status}");
    assert_eq!(status["id"], id.as_str());
    assert_eq!(status["message"], "built and published");
    assert!(
        status["finished_at"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z'))
    );
    let job = server.handle.job().expect("a job");
    assert_eq!(job.state, JobState::Succeeded);

    // Once finished, a new trigger starts a new job.
    let r = server
        .admin(reqwest::Method::POST, "/admin/rebuild", Some(TOKEN))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    assert_ne!(r.json()["id"], id.as_str());
    gate.notify_one();
    assert_eq!(server.finished_job().await["state"], "succeeded");
}

#[tokio::test]
async fn a_failed_rebuild_keeps_the_last_good_data() {
    let tree = Tree::new();
    let staging = tree.www().join(".data/v2");
    let job = rebuild_job({
        let staging = staging.clone();
        move || {
            let staging = staging.clone();
            async move {
                // Half a publish, then a failure.
                write(
                    &staging.join("journeys_touches_ga.parquet"),
                    &extract("v2", 1),
                );
                anyhow::bail!(
                    "publishing conversions_ga failed for 0x00000000000000000000000000000000deadbeef"
                )
            }
        }
    });
    let server = start(admin_config(&tree), Some(job)).await;
    let before = fetch(&server, "/data/journeys_touches_ga.parquet", &[]).await;

    let r = server
        .admin(reqwest::Method::POST, "/admin/rebuild", Some(TOKEN))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let status = server.finished_job().await;
    assert_eq!(status["state"], "failed", "{status}");
    let message = status["message"].as_str().expect("a message");
    assert!(
        message.contains("publishing conversions_ga failed"),
        "{message}"
    );
    assert!(
        !message.contains("deadbeef"),
        "addresses are redacted: {message}"
    );

    let after = fetch(&server, "/data/journeys_touches_ga.parquet", &[]).await;
    assert_eq!(after.body, extract("v1", 1));
    assert_eq!(after.header("etag"), before.header("etag"));
    assert_eq!(server.handle.data_dir(), tree.data());
    assert_eq!(
        fetch(&server, "/healthz", &[]).await.json()["built_at"],
        BUILT_AT
    );
    assert_eq!(
        fetch(&server, "/data/manifest.json", &[]).await.json()["source"],
        "v1"
    );
}

#[tokio::test]
async fn a_panicking_rebuild_fails_and_frees_the_slot() {
    let tree = Tree::new();
    let job = rebuild_job(|| async {
        if std::hint::black_box(true) {
            panic!("the fake job panics");
        }
        Ok(Rebuilt::default())
    });
    let server = start(admin_config(&tree), Some(job)).await;
    for _ in 0..2 {
        let r = server
            .admin(reqwest::Method::POST, "/admin/rebuild", Some(TOKEN))
            .await;
        assert_eq!(r.status, StatusCode::ACCEPTED);
        let status = server.finished_job().await;
        assert_eq!(status["state"], "failed");
        assert_eq!(status["message"], "the rebuild job panicked");
    }
    assert_eq!(
        fetch(&server, "/data/conversions_ga.parquet", &[])
            .await
            .body,
        extract("v1", 2)
    );
}

#[tokio::test]
async fn a_successful_rebuild_switches_to_its_new_directory() {
    let tree = Tree::new();
    let next = tree.www().join(".data/v2");
    let job = rebuild_job({
        let next = next.clone();
        move || {
            let next = next.clone();
            async move {
                let files = [
                    ("journeys_touches_ga.parquet", extract("v2", 1)),
                    ("conversions_ga.parquet", extract("v2", 2)),
                ];
                for (name, bytes) in &files {
                    write(&next.join(name), bytes);
                }
                manifest(&next, "v2", &files);
                Ok(Rebuilt {
                    message: "published v2".into(),
                    data_dir: Some(next),
                })
            }
        }
    });
    let server = start(admin_config(&tree), Some(job)).await;
    let old_tag = fetch(&server, "/data/conversions_ga.parquet", &[])
        .await
        .header("etag")
        .to_owned();
    let r = server
        .admin(reqwest::Method::POST, "/admin/rebuild", Some(TOKEN))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    assert_eq!(server.finished_job().await["state"], "succeeded");
    assert_eq!(server.handle.data_dir(), next);
    let r = fetch(
        &server,
        "/data/conversions_ga.parquet",
        &[("if-none-match", &old_tag)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "a new publish, a new tag");
    assert_eq!(r.body, extract("v2", 2));
    assert_eq!(
        fetch(&server, "/data/manifest.json", &[]).await.json()["source"],
        "v2"
    );
    // The staging directory's other route, through the site root, stays closed.
    assert_eq!(
        fetch(&server, "/.data/v2/conversions_ga.parquet", &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn switching_the_data_pointer_never_serves_a_mix() {
    // `www/data` is a symlink into hidden publish directories, swapped with one rename.
    let tree = Tree::new();
    std::fs::remove_dir_all(tree.data()).expect("removing the plain data directory");
    let v1 = tree.www().join(".data/v1");
    let v2 = tree.www().join(".data/v2");
    tree.publish(&v1, "v1");
    tree.publish(&v2, "v2");
    swap_symlink(&tree.data(), Path::new(".data/v1")).expect("the first link");
    let server = start(tree.config(), None).await;
    assert_eq!(
        fetch(&server, "/data/journeys_touches_ga.parquet", &[])
            .await
            .body,
        extract("v1", 1)
    );

    // Readers hammer both files while the link flips between versions: every answer is one
    // whole file of one version, never a 404 or a torn body.
    let addr = server.addr;
    let readers: Vec<_> = (0..4)
        .map(|i| {
            tokio::spawn(async move {
                let path = if i % 2 == 0 {
                    "/data/journeys_touches_ga.parquet"
                } else {
                    "/data/conversions_ga.parquet"
                };
                let file = if i % 2 == 0 { 1 } else { 2 };
                // The ETag and the body of one response come from the same directory: one tag
                // never names two bodies.
                let mut tags = std::collections::HashMap::new();
                for _ in 0..60 {
                    let r = client()
                        .get(format!("http://{addr}{path}"))
                        .send()
                        .await
                        .expect("an answer");
                    assert_eq!(r.status(), StatusCode::OK);
                    let etag = r.headers()["etag"].to_str().expect("an ETag").to_owned();
                    let body = r.bytes().await.expect("a body");
                    let version = if body == extract("v1", file) {
                        "v1"
                    } else if body == extract("v2", file) {
                        "v2"
                    } else {
                        panic!("a torn or unknown body: {body:?}");
                    };
                    assert_eq!(*tags.entry(etag).or_insert(version), version);
                }
                tags.len()
            })
        })
        .collect();
    for n in 0..60 {
        let target = if n % 2 == 0 { ".data/v2" } else { ".data/v1" };
        swap_symlink(&tree.data(), Path::new(target)).expect("a swap");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    for reader in readers {
        reader.await.expect("a reader");
    }

    swap_symlink(&tree.data(), Path::new(".data/v2")).expect("the last swap");
    assert_eq!(
        fetch(&server, "/data/conversions_ga.parquet", &[])
            .await
            .body,
        extract("v2", 2)
    );
    let manifest_v2 = std::fs::read(v2.join("manifest.json")).expect("the manifest");
    assert_eq!(
        fetch(&server, "/healthz", &[]).await.json()["manifest"],
        sha256_hex(&manifest_v2)[..12]
    );

    // The in-memory pointer works the same way, and refuses what is not a directory.
    let v3 = tree.root().join("elsewhere/v3");
    tree.publish(&v3, "v3");
    server.handle.switch_data_dir(v3.clone()).expect("a switch");
    assert_eq!(
        fetch(&server, "/data/conversions_ga.parquet", &[])
            .await
            .body,
        extract("v3", 2)
    );
    assert!(
        server
            .handle
            .switch_data_dir(tree.root().join("missing"))
            .is_err()
    );
    assert_eq!(server.handle.data_dir(), v3);
    // A real directory cannot be swapped for a link by accident.
    let e = swap_symlink(&v3, Path::new("../v1")).expect_err("a directory");
    assert!(e.to_string().contains("is a directory"), "{e}");
}

#[tokio::test]
async fn traversal_is_refused() {
    let tree = Tree::new();
    let server = start(tree.config(), None).await;
    let attempts = [
        "/../secret.txt",
        "/../../secret.txt",
        "/bench/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/.%2e/secret.txt",
        "/%2e%2e%2fsecret.txt",
        "/..%2fsecret.txt",
        "/..%2F..%2Fsecret.txt",
        "/..%5csecret.txt",
        "/..%5c..%5csecret.txt",
        "/%2fsecret.txt",
        "//secret.txt",
        "/%00/../secret.txt",
        "/data/../../secret.txt",
        "/data/%2e%2e/%2e%2e/secret.txt",
        "/data/..%2f..%2fsecret.txt",
        "/data/%2e%2e%2f%2e%2e%2foutside/secret.parquet",
        "/data//../../secret.txt",
        "http://localhost/../secret.txt",
        "/..\\secret.txt",
        "/%5c..%5c..%5csecret.txt",
    ];
    let root = tree.root().display().to_string();
    let absolute = [
        format!("/{root}/secret.txt"),
        format!("//{root}/secret.txt"),
        format!("/data/{root}/secret.txt"),
        format!("/%2f{}", root.trim_start_matches('/').replace('/', "%2f")),
    ];
    for target in attempts.iter().map(|s| s.to_string()).chain(absolute) {
        let (status, text) = raw_get(server.addr, &target).await;
        assert!(
            status == 400 || status == 404,
            "{target}: status {status}: {text}"
        );
        assert!(!text.contains("TOP-SECRET"), "{target}: {text}");
    }
    // The same server still serves the site.
    assert_eq!(raw_get(server.addr, "/app.js").await.0, 200);
}

#[tokio::test]
async fn symlinks_out_of_the_roots_are_refused() {
    use std::os::unix::fs::symlink;
    let tree = Tree::new();
    let www = tree.www();
    symlink("../secret.txt", www.join("leak.txt")).expect("a link");
    symlink(tree.root().join("outside"), www.join("outside")).expect("a link");
    symlink(
        tree.root().join("outside/secret.parquet"),
        tree.data().join("leak.parquet"),
    )
    .expect("a link");
    // Listed in the manifest: the allowlist does not override the root.
    let mut files: Vec<(&str, Vec<u8>)> = vec![
        ("journeys_touches_ga.parquet", extract("v1", 1)),
        ("conversions_ga.parquet", extract("v1", 2)),
        ("leak.parquet", SECRET.as_bytes().to_vec()),
    ];
    manifest(&tree.data(), "v1", &files);
    // A link that stays inside the root is fine.
    symlink("app.js", www.join("alias.js")).expect("a link");
    symlink("conversions_ga.parquet", tree.data().join("alias.parquet")).expect("a link");
    files.push(("alias.parquet", extract("v1", 2)));
    manifest(&tree.data(), "v1", &files);

    let server = start(tree.config(), None).await;
    for path in ["/leak.txt", "/outside/secret.parquet", "/data/leak.parquet"] {
        let r = fetch(&server, path, &[]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!r.text().contains("TOP-SECRET"), "{path}");
    }
    assert_eq!(fetch(&server, "/alias.js", &[]).await.text(), script());
    assert_eq!(
        fetch(&server, "/data/alias.parquet", &[]).await.body,
        extract("v1", 2)
    );
}

#[tokio::test]
async fn bridge_tables_are_unreachable() {
    use std::os::unix::fs::symlink;
    let tree = Tree::new();
    let www = tree.www();
    let data = tree.data();
    write(&www.join("identity_bridge.parquet"), SECRET.as_bytes());
    write(&www.join("gp/user_identities.csv"), SECRET.as_bytes());
    write(&www.join("Bridge/index.html"), SECRET.as_bytes());
    let bridge_names = [
        "int_ga_identity_bridge.parquet",
        "gp_BRIDGE.parquet",
        "user_identities.parquet",
    ];
    let mut files: Vec<(&str, Vec<u8>)> = vec![("journeys_touches_ga.parquet", extract("v1", 1))];
    for name in bridge_names {
        write(&data.join(name), SECRET.as_bytes());
        files.push((name, SECRET.as_bytes().to_vec()));
    }
    // An innocent name linking to a bridge file inside the root.
    symlink(
        "int_ga_identity_bridge.parquet",
        data.join("innocent.parquet"),
    )
    .expect("a link");
    files.push(("innocent.parquet", SECRET.as_bytes().to_vec()));
    manifest(&data, "v1", &files);

    let server = start(tree.config(), None).await;
    for path in [
        "/identity_bridge.parquet",
        "/gp/user_identities.csv",
        "/Bridge/",
        "/Bridge/index.html",
        "/%62ridge/index.html",
        "/data/int_ga_identity_bridge.parquet",
        "/data/int_ga_identity_%62ridge.parquet",
        "/data/gp_BRIDGE.parquet",
        "/data/user_identities.parquet",
        "/data/innocent.parquet",
    ] {
        let (status, text) = raw_get(server.addr, path).await;
        assert_eq!(status, 404, "{path}: {text}");
        assert!(!text.contains("TOP-SECRET"), "{path}");
    }
    assert_eq!(
        fetch(&server, "/data/journeys_touches_ga.parquet", &[])
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn dotfiles_and_unlisted_data_are_unreachable() {
    let tree = Tree::new();
    let data = tree.data();
    write(&data.join(".hidden.parquet"), SECRET.as_bytes());
    write(&data.join("unlisted.parquet"), SECRET.as_bytes());
    write(&data.join("sub/deep.parquet"), SECRET.as_bytes());
    let files = vec![
        ("journeys_touches_ga.parquet", extract("v1", 1)),
        (".hidden.parquet", SECRET.as_bytes().to_vec()),
    ];
    manifest(&data, "v1", &files);
    // A nested data directory with its own manifest (the benchmark data) is served as listed.
    let bench = data.join("bench");
    write(&bench.join("conversions_ga.parquet"), &extract("bench", 2));
    manifest(
        &bench,
        "bench",
        &[("conversions_ga.parquet", extract("bench", 2))],
    );
    // A data directory elsewhere in the site, and a test report inside it: not through `/`.
    let old = tree.www().join("old_data");
    tree.publish(&old, "old");
    let report = tree.www().join("report.json");
    write(&report, b"{\"outcomes\": []}");
    let mut config = tree.config();
    config.tests_report = Some(report);

    let server = start(config, None).await;
    for path in [
        "/.env",
        "/.git/config",
        "/%2eenv",
        "/%2Egit/config",
        "/data/.hidden.parquet",
        "/data/unlisted.parquet",
        "/data/sub/deep.parquet",
        "/data/",
        "/data",
        "/data/sub/",
        "/old_data/journeys_touches_ga.parquet",
        "/old_data/manifest.json",
        "/report.json",
    ] {
        let (status, text) = raw_get(server.addr, path).await;
        assert_eq!(status, 404, "{path}: {text}");
        assert!(!text.contains("TOP-SECRET"), "{path}");
    }
    assert_eq!(
        fetch(&server, "/data/bench/conversions_ga.parquet", &[])
            .await
            .body,
        extract("bench", 2)
    );
    assert_eq!(
        fetch(&server, "/data/bench/manifest.json", &[])
            .await
            .json()["source"],
        "bench"
    );
}

#[tokio::test]
async fn the_test_report_is_served_to_admins_without_failing_rows() {
    let tree = Tree::new();
    let report = tree.root().join("state/test_report.json");
    let mut config = admin_config(&tree);
    config.tests_report = Some(report.clone());
    let server = start(config, None).await;

    let r = server
        .admin(reqwest::Method::GET, "/admin/tests", Some(TOKEN))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.text().contains("mensura test --report"), "{}", r.text());

    let address = "0x1111111111111111111111111111111111111111";
    let written = serde_json::json!({
        "as_of": "2026-02-28",
        "outcomes": [
            { "name": "not_null_address", "model": "int_gp_identity_bridge", "severity": "error",
              "failures": 1, "sample": format!("address\n{address}\n"), "error": null },
            { "name": "unique_kind", "model": "seed_kinds", "severity": "warn",
              "failures": 0, "sample": "", "error": format!("near {address}") },
        ]
    });
    write(
        &report,
        serde_json::to_string_pretty(&written)
            .expect("json")
            .as_bytes(),
    );
    let r = server
        .admin(reqwest::Method::GET, "/admin/tests", Some(TOKEN))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.text().contains("1111111111"), "{}", r.text());
    let served = r.json();
    assert_eq!(served["as_of"], "2026-02-28");
    assert_eq!(served["outcomes"][0]["failures"], 1);
    assert!(
        served["outcomes"][0]["sample"]
            .as_str()
            .is_some_and(|s| s.contains("withheld"))
    );
    assert_eq!(served["outcomes"][1]["sample"], "");
    assert_eq!(served["outcomes"][1]["error"], "near 0x[redacted]");

    let r = server
        .admin(reqwest::Method::GET, "/admin/tests", None)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_server_shuts_down_gracefully() {
    let tree = Tree::new();
    let server = start(tree.config(), None).await;
    let addr = server.addr;
    assert_eq!(fetch(&server, "/healthz", &[]).await.status, StatusCode::OK);
    server.stop().await.expect("a clean stop");
    assert!(
        client()
            .get(format!("http://{addr}/healthz"))
            .send()
            .await
            .is_err(),
        "nothing listens any more"
    );
}

/// The command as a user runs it: prints its URL, serves, stops on SIGTERM with status 0.
#[tokio::test]
async fn mensura_serve_prints_its_url_and_stops_on_sigterm() {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    use std::io::BufRead;
    use std::process::{Command, Stdio};

    let tree = Tree::new();
    for token in [None, Some(TOKEN)] {
        let mut command = Command::new(env!("CARGO_BIN_EXE_mensura"));
        command
            .args(["serve", "--addr", "127.0.0.1:0", "--www"])
            .arg(tree.www())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .env_remove("MENSURA_ADMIN_TOKEN");
        if let Some(token) = token {
            command.env("MENSURA_ADMIN_TOKEN", token);
        }
        let mut child = command.spawn().expect("mensura serve starts");
        let stdout = child.stdout.take().expect("stdout");
        let line = tokio::task::spawn_blocking(move || {
            let mut line = String::new();
            std::io::BufReader::new(stdout)
                .read_line(&mut line)
                .expect("a line");
            line
        })
        .await
        .expect("the first line");
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://127.0.0.1:"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"))
            .to_owned();
        assert!(!url.contains(":0/"), "the real port: {url}");
        let health = client()
            .get(format!("{url}healthz"))
            .send()
            .await
            .expect("an answer");
        assert_eq!(health.status(), StatusCode::OK);
        let status = client()
            .get(format!("{url}admin/status"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .expect("an answer")
            .status();
        let expected = match token {
            Some(_) => StatusCode::OK,
            None => StatusCode::NOT_FOUND,
        };
        assert_eq!(status, expected, "admin with token {token:?}");

        let pid = Pid::from_raw(i32::try_from(child.id()).expect("a pid"));
        kill(pid, Signal::SIGTERM).expect("SIGTERM");
        let exit = tokio::task::spawn_blocking(move || child.wait().expect("an exit"))
            .await
            .expect("the wait");
        assert!(exit.success(), "a graceful exit: {exit:?}");
    }
}
