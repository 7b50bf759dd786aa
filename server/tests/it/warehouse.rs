//! The warehouse against the real embedded ClickHouse (chDB): protocol, pseudonyms bit for bit,
//! errors, persistence, crash recovery, and the missing-chDB message.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use bytes::Bytes;
use mensura::warehouse::{
    CHDB_CORE_VERSION, Embedded, EmbeddedOptions, Error, Params, Salt, Warehouse, pseudonym,
};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use serde::Deserialize;

const TEST_SALT: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

async fn start(data_dir: &Path) -> Embedded {
    Embedded::start(EmbeddedOptions::new(data_dir))
        .await
        .expect("the embedded ClickHouse starts (chDB installed? see scripts/setup)")
}

fn alive(pid: u32) -> bool {
    kill(
        Pid::from_raw(i32::try_from(pid).expect("a pid fits i32")),
        None,
    )
    .is_ok()
}

fn sigkill(pid: u32) {
    kill(
        Pid::from_raw(i32::try_from(pid).expect("a pid fits i32")),
        Signal::SIGKILL,
    )
    .expect("the engine's process can be killed");
}

#[derive(Debug, Deserialize)]
struct Hash {
    h: u64,
}

/// One engine for the protocol checks, run in sequence (each start costs a second or two). The
/// engine is stopped by `shutdown` at the end, or by `Drop` if a check panics.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_engine_speaks_clickhouse() {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let engine = start(&tmp.path().join("clickhouse")).await;
    let wh = engine.warehouse();

    select_one_in_utc(&wh).await;
    spec_vectors_in_clickhouse(&wh).await;
    rust_pseudonymizer_equals_clickhouse(&wh).await;
    errors_keep_their_code(&wh).await;
    inserts_and_extracts_round_trip(&wh).await;
    settings_and_database_are_per_request(&wh).await;
    concurrent_queries_are_serialised(&wh).await;
    remote_url_reaches_the_same_server(&engine).await;

    engine.shutdown().await.expect("the engine stops");
}

async fn select_one_in_utc(wh: &Warehouse) {
    wh.ping().await.expect("ping");
    #[derive(Debug, Deserialize, PartialEq)]
    struct Row {
        one: u8,
        tz: String,
        epoch: String,
        day: String,
    }
    let rows: Vec<Row> = wh
        .query_rows(
            "SELECT 1 AS one, timezone() AS tz, toString(toDateTime(0)) AS epoch, \
             toString(toDate(toDateTime(1704153599))) AS day",
            &Params::new(),
        )
        .await
        .expect("SELECT 1");
    assert_eq!(
        rows,
        [Row {
            one: 1,
            tz: "UTC".into(),
            epoch: "1970-01-01 00:00:00".into(),
            day: "2024-01-01".into(),
        }]
    );
}

/// Spec §3.1, with the salt passed only as a bound parameter.
async fn spec_vectors_in_clickhouse(wh: &Warehouse) {
    let cases = [
        (
            "0x0000000000000000000000000000000000000001",
            15850171989438505234,
        ),
        (
            "0xAbCdEf0123456789aBcDeF0123456789AbCdEf01",
            17726388520735018759,
        ),
        (
            "0xabcdef0123456789abcdef0123456789abcdef01",
            17726388520735018759,
        ),
        ("$device:1234", 13104846475835061982),
    ];
    let salt = Salt::from_hex(TEST_SALT).expect("the spec's salt");
    for (address, expected) in cases {
        let params = Params::new().bind("salt", salt.hex()).bind("addr", address);
        let rows: Vec<Hash> = wh
            .query_rows(
                "SELECT sipHash64(concat(unhex({salt:String}), lower({addr:String}))) AS h",
                &params,
            )
            .await
            .expect("the pseudonym query");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].h, expected, "ClickHouse, {address}");
        assert_eq!(salt.pseudonym(address), expected, "Rust, {address}");
    }
}

/// SplitMix64: a tiny deterministic generator for the random addresses.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

fn random_addresses(n: usize, seed: u64) -> Vec<String> {
    const HEX: &[u8] = b"0123456789abcdefABCDEF";
    let mut rng = SplitMix(seed);
    let mut out: Vec<String> = (0..n)
        .map(|_| {
            let mut address = String::from(if rng.next().is_multiple_of(2) {
                "0x"
            } else {
                "0X"
            });
            for _ in 0..40 {
                address.push(char::from(HEX[(rng.next() % HEX.len() as u64) as usize]));
            }
            address
        })
        .collect();
    // Beyond addresses: Mixpanel ids, empty, non-ASCII (ClickHouse's `lower` is ASCII-only),
    // quotes and backslashes (escaping of bound values), a long one.
    out.extend(
        [
            "",
            "$device:18c2f7a1-b3",
            "ÄÖÜ-Straße-0xAB",
            "it's \\ a \"test\"\t\n",
            &"Ab".repeat(500),
        ]
        .map(String::from),
    );
    out
}

/// ≥ 10 000 random addresses, one query: Rust and ClickHouse agree bit for bit.
async fn rust_pseudonymizer_equals_clickhouse(wh: &Warehouse) {
    #[derive(Deserialize)]
    struct Hashes {
        h: Vec<u64>,
    }
    let salt = Salt::from_hex("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
        .expect("a valid salt");
    let addresses = random_addresses(10_000, 20_261_126);
    let params = Params::new()
        .bind("salt", salt.hex())
        .bind("addrs", &addresses);
    let rows: Vec<Hashes> = wh
        .query_rows(
            "SELECT arrayMap(a -> sipHash64(concat(unhex({salt:String}), lower(a))), \
             {addrs:Array(String)}) AS h",
            &params,
        )
        .await
        .expect("the pseudonym query");
    let clickhouse = &rows[0].h;
    assert_eq!(clickhouse.len(), addresses.len());
    let mismatches: Vec<&String> = addresses
        .iter()
        .zip(clickhouse)
        .filter(|(address, h)| pseudonym(salt.bytes(), address) != **h)
        .map(|(address, _)| address)
        .collect();
    assert!(
        mismatches.is_empty(),
        "{} mismatches, e.g. {:?}",
        mismatches.len(),
        &mismatches[..1]
    );
}

async fn errors_keep_their_code(wh: &Warehouse) {
    let error = wh
        .execute("SELECT * FROM no_such_table")
        .await
        .expect_err("unknown table");
    assert_eq!(error.code(), Some(60), "{error}");
    assert_eq!(error.code_name(), Some("UNKNOWN_TABLE"), "{error}");
    assert!(error.to_string().contains("no_such_table"), "{error}");

    let error = wh
        .execute("SELECT FROM WHERE")
        .await
        .expect_err("a syntax error");
    assert_eq!(error.code(), Some(62), "{error}");

    // A bad bound value: the error has its code, and never the value.
    let secret = "deadbeefdeadbeefdeadbeef";
    let error = wh
        .query_rows::<Hash>("SELECT {h:UInt64} AS h", &Params::new().bind("h", secret))
        .await
        .expect_err("not a number");
    assert!(error.code().is_some(), "{error}");
    assert!(!error.to_string().contains(secret), "{error}");

    // An error after the result started streaming (one thread: earlier blocks go out first).
    let error = wh
        .clone()
        .with_setting("max_threads", "1")
        .query_rows::<serde_json::Value>(
            "SELECT throwIf(number = 1000000) AS x FROM numbers(2000000)",
            &Params::new(),
        )
        .await
        .expect_err("throwIf");
    assert_eq!(error.code(), Some(395), "{error}");

    // The session is fine afterwards.
    wh.ping().await.expect("ping after errors");
}

async fn inserts_and_extracts_round_trip(wh: &Warehouse) {
    wh.execute(
        "CREATE TABLE events (id UInt32, addr String, ts DateTime) ENGINE = MergeTree ORDER BY id",
    )
    .await
    .expect("create");
    wh.insert_bytes(
        "default.events",
        "TSV",
        Bytes::from_static(b"1\t0xAB\t2024-01-01 00:00:00\n2\tit\\'s\t2024-01-01 23:59:59\n"),
    )
    .await
    .expect("insert TSV");
    wh.insert_bytes(
        "events",
        "JSONEachRow",
        Bytes::from_static(b"{\"id\":3,\"addr\":\"x\",\"ts\":0}\n"),
    )
    .await
    .expect("insert JSONEachRow");
    #[derive(Debug, Deserialize, PartialEq)]
    struct Event {
        id: u32,
        addr: String,
        unix: u32,
    }
    let rows: Vec<Event> = wh
        .query_rows(
            "SELECT id, addr, toUnixTimestamp(ts) AS unix FROM events WHERE id <= {max:UInt32} ORDER BY id",
            &Params::new().bind("max", 2),
        )
        .await
        .expect("read back");
    assert_eq!(
        rows,
        [
            Event {
                id: 1,
                addr: "0xAB".into(),
                unix: 1_704_067_200
            },
            Event {
                id: 2,
                addr: "it's".into(),
                unix: 1_704_153_599
            },
        ]
    );

    // Parquet out, Parquet in.
    let parquet = wh
        .query_bytes(
            "SELECT * FROM events ORDER BY id",
            &Params::new(),
            "Parquet",
        )
        .await
        .expect("extract");
    assert!(parquet.starts_with(b"PAR1") && parquet.ends_with(b"PAR1"));
    wh.execute("CREATE TABLE events_copy AS events")
        .await
        .expect("create copy");
    wh.insert_bytes("events_copy", "Parquet", parquet)
        .await
        .expect("insert Parquet");
    #[derive(Deserialize)]
    struct Same {
        same: u8,
    }
    let same: Vec<Same> = wh
        .query_rows(
            "SELECT (SELECT groupArray((id, addr, ts)) FROM (SELECT * FROM events ORDER BY id)) = \
             (SELECT groupArray((id, addr, ts)) FROM (SELECT * FROM events_copy ORDER BY id)) AS same",
            &Params::new(),
        )
        .await
        .expect("compare");
    assert_eq!(same[0].same, 1);

    // A large streamed result arrives whole.
    let mut out = Vec::new();
    let written = wh
        .query_to_writer(
            "SELECT number FROM numbers(1000000)",
            &Params::new(),
            "RowBinary",
            &mut out,
        )
        .await
        .expect("stream");
    assert_eq!(written, 8_000_000);
    assert_eq!(&out[8 * 999_999..], &999_999u64.to_le_bytes());

    let error = wh
        .insert_bytes("events", "TSV", Bytes::from_static(b"not a number\tx\t0\n"))
        .await
        .expect_err("a bad row");
    assert!(error.code().is_some(), "{error}");
    wh.ping().await.expect("ping after a failed insert");
}

async fn settings_and_database_are_per_request(wh: &Warehouse) {
    #[derive(Deserialize)]
    struct Setting {
        v: String,
    }
    let get = |wh: Warehouse, name: &'static str| async move {
        let rows: Vec<Setting> = wh
            .query_rows(
                "SELECT toString(getSetting({name:String})) AS v",
                &Params::new().bind("name", name),
            )
            .await
            .expect("getSetting");
        rows.into_iter().next().expect("one row").v
    };
    let capped = wh.clone().with_setting("max_memory_usage", "123456789");
    assert_eq!(get(capped, "max_memory_usage").await, "123456789");
    assert_eq!(get(wh.clone(), "max_memory_usage").await, "0");
    let paris = wh.clone().with_setting("session_timezone", "Europe/Paris");
    assert_eq!(get(paris, "session_timezone").await, "Europe/Paris");
    assert_eq!(get(wh.clone(), "session_timezone").await, "UTC");

    wh.execute("CREATE DATABASE marts")
        .await
        .expect("create database");
    #[derive(Deserialize)]
    struct Db {
        db: String,
    }
    let in_marts: Vec<Db> = wh
        .clone()
        .with_database("marts")
        .query_rows("SELECT currentDatabase() AS db", &Params::new())
        .await
        .expect("currentDatabase");
    assert_eq!(in_marts[0].db, "marts");
    let back: Vec<Db> = wh
        .query_rows("SELECT currentDatabase() AS db", &Params::new())
        .await
        .expect("back");
    assert_eq!(back[0].db, "default");

    let error = wh
        .clone()
        .with_setting("no_such_setting", "1")
        .ping()
        .await
        .expect_err("unknown");
    assert_eq!(error.code(), Some(115), "{error}");
    wh.ping().await.expect("ping after a bad setting");
}

async fn concurrent_queries_are_serialised(wh: &Warehouse) {
    let tasks: Vec<_> = (0..8u64)
        .map(|i| {
            let wh = wh.clone();
            tokio::spawn(async move {
                let rows: Vec<Hash> = wh
                    .query_rows(
                        "SELECT sum(number) AS h FROM numbers({n:UInt64})",
                        &Params::new().bind("n", 100_000 + i),
                    )
                    .await
                    .expect("a concurrent query");
                (i, rows[0].h)
            })
        })
        .collect();
    for task in tasks {
        let (i, sum) = task.await.expect("the task ran");
        let n = 100_000 + i;
        assert_eq!(sum, n * (n - 1) / 2);
    }
}

/// The URL path of `Warehouse::remote` (user, password and database in the URL), pointed at
/// the embedded engine's endpoint, which ignores credentials.
async fn remote_url_reaches_the_same_server(engine: &Embedded) {
    let url = engine.url().expect("ready");
    let with_db = url.replace("http://", "http://mensura:s%3Acret@") + "/marts";
    let wh = Warehouse::remote(&with_db).expect("a valid URL");
    assert!(!format!("{wh:?}").contains("s:cret"));
    #[derive(Deserialize)]
    struct Db {
        db: String,
        tz: String,
    }
    let rows: Vec<Db> = wh
        .query_rows(
            "SELECT currentDatabase() AS db, timezone() AS tz",
            &Params::new(),
        )
        .await
        .expect("a query by URL");
    assert_eq!((rows[0].db.as_str(), rows[0].tz.as_str()), ("marts", "UTC"));
}

#[derive(Debug, Deserialize)]
struct Count {
    n: u64,
}

async fn count(wh: &Warehouse) -> u64 {
    let rows: Vec<Count> = wh
        .query_rows("SELECT count() AS n FROM kept", &Params::new())
        .await
        .expect("count");
    rows[0].n
}

/// Data survives a crash and a clean restart; a query cut by the crash fails clearly, the next
/// one works; stopping leaves no process behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn engine_recovers_from_a_crash_and_keeps_its_data() {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let data_dir = tmp.path().join("clickhouse");
    let engine = start(&data_dir).await;
    let wh = engine.warehouse();
    wh.execute("CREATE TABLE kept (id UInt64) ENGINE = MergeTree ORDER BY id")
        .await
        .expect("create");
    wh.execute("INSERT INTO kept SELECT number FROM numbers(1000)")
        .await
        .expect("insert");

    // One data directory, one engine.
    let error = Embedded::start(EmbeddedOptions::new(&data_dir))
        .await
        .expect_err("the directory is in use");
    assert!(matches!(error, Error::EngineStart { .. }), "{error}");
    assert!(
        error.to_string().contains("another Mensura engine"),
        "{error}"
    );

    let first_pid = engine.pid().expect("running");
    let in_flight = tokio::spawn({
        let wh = wh.clone();
        async move {
            wh.execute("SELECT sum(sipHash64(number)) FROM numbers(1000000000000)")
                .await
        }
    });
    tokio::time::sleep(Duration::from_millis(800)).await;
    sigkill(first_pid);
    let error = in_flight
        .await
        .expect("the task ran")
        .expect_err("the query was cut");
    assert!(matches!(error, Error::EngineCrashed), "{error}");

    assert_eq!(
        count(&wh).await,
        1000,
        "the next query runs on the restarted engine"
    );
    assert_eq!(engine.restarts(), 1);
    let second_pid = engine.pid().expect("restarted");
    assert_ne!(first_pid, second_pid);
    assert!(!alive(first_pid));

    engine.shutdown().await.expect("the engine stops");
    assert!(!alive(second_pid), "no orphan after shutdown");
    let stopped = wh.ping().await.expect_err("a stopped engine");
    assert!(matches!(stopped, Error::EngineUnavailable(_)), "{stopped}");

    let engine = start(&data_dir).await;
    assert_eq!(
        count(&engine.warehouse()).await,
        1000,
        "the data persists across restarts"
    );
    let pid = engine.pid().expect("running");
    drop(engine);
    assert!(!alive(pid), "no orphan after drop");
}

/// The Python side exits on its own when its parent goes away (stdin EOF).
#[test]
fn python_side_exits_when_its_stdin_closes() {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("embedded/chdb_http.py");
    let python = mensura::warehouse::resolve_python(None);
    let mut child = Command::new(&python)
        .arg(&script)
        .args(["--port", "0", "--path"])
        .arg(tmp.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 runs");
    let stdout = child.stdout.take().expect("piped stdout");
    let line = BufReader::new(stdout)
        .lines()
        .next()
        .expect("a line")
        .expect("readable");
    assert!(line.starts_with("MENSURA_CHDB_LISTENING "), "{line}");
    drop(child.stdin.take());
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if child.try_wait().expect("waitable").is_some() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the Python side did not exit after stdin closed");
}

fn fake_python(dir: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("python-without-chdb");
    std::fs::write(
        &path,
        "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'chdb'\" >&2\nexit 1\n",
    )
    .expect("write the fake python");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    path
}

/// Missing chDB or Python: a clear error with the exact install command.
#[tokio::test]
async fn missing_chdb_or_python_says_how_to_install() {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let install = format!("-m pip install chdb-core=={CHDB_CORE_VERSION}");

    let mut pythons = vec![fake_python(tmp.path())];
    // The system Python, when it lacks chDB (as on a fresh machine).
    let system = Path::new("/usr/bin/python3");
    let has_chdb = Command::new(system)
        .args(["-c", "import chdb"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if system.exists() && !has_chdb {
        pythons.push(system.to_path_buf());
    }
    for python in pythons {
        let mut options = EmbeddedOptions::new(tmp.path().join("clickhouse"));
        options.python = Some(python.clone());
        let error = Embedded::start(options).await.expect_err("no chDB");
        let message = error.to_string();
        assert!(matches!(error, Error::ChdbMissing { .. }), "{message}");
        assert!(
            message.contains(&format!("{} {install}", python.display())),
            "{message}"
        );
        assert!(message.contains("MENSURA_PYTHON"), "{message}");
    }

    let mut options = EmbeddedOptions::new(tmp.path().join("clickhouse"));
    options.python = Some(tmp.path().join("no-such-python3"));
    let error = Embedded::start(options).await.expect_err("no Python");
    let message = error.to_string();
    assert!(matches!(error, Error::PythonMissing { .. }), "{message}");
    assert!(message.contains(&install), "{message}");
}
