//! The embedded engine: chDB behind a loopback ClickHouse-HTTP endpoint, supervised.
//!
//! [`Embedded::start`] finds Python (the explicit option, else `MENSURA_PYTHON`, else `python3`),
//! writes `chdb_http.py` (compiled into this binary) into the data directory, and starts it on a
//! free loopback port over that directory. The process announces its port on stdout once the chDB
//! session is open; the engine is ready when `GET /ping` answers `Ok.`.
//!
//! A supervisor thread owns the child process. When the child exits unexpectedly (a crash, an
//! OOM kill), it is started again on the same data directory and, when possible, the same port;
//! requests that were in flight fail with [`Error::EngineCrashed`], and later requests wait for the
//! new process. Five crashes within a minute make the supervisor give up
//! ([`Error::EngineUnavailable`]). A plain thread, not a tokio task, so that supervision and a
//! clean stop do not depend on a runtime still being alive (tests share nothing but the process).
//!
//! Stopping ([`Embedded::shutdown`], or dropping the [`Embedded`]) closes the child's stdin and
//! sends SIGTERM, waits, then kills it. The child also exits on its own when its stdin reaches EOF,
//! which happens when this process dies in any way: no orphan outlives Mensura.
//!
//! When Python or chDB is missing, the error says so and gives the exact install command
//! ([`install_command`]).

use std::collections::VecDeque;
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use tokio::sync::{oneshot, watch};

use super::{Error, Result, Warehouse};

/// The PyPI `chdb-core` version Mensura is tested with (ClickHouse 26.9).
pub const CHDB_CORE_VERSION: &str = "26.9.0";

/// The environment variable naming the Python interpreter for the embedded engine.
pub const PYTHON_ENV: &str = "MENSURA_PYTHON";

/// The Python side, compiled in so that the binary is self-contained.
const SCRIPT: &str = include_str!("../../embedded/chdb_http.py");
const SCRIPT_NAME: &str = "mensura_chdb_http.py";
const READY_LINE: &str = "MENSURA_CHDB_LISTENING";
const MAX_CRASHES: usize = 5;
const CRASH_WINDOW: Duration = Duration::from_secs(60);
const LOG_TAIL_LINES: usize = 30;
const POLL: Duration = Duration::from_millis(50);

/// How to run the embedded engine.
#[derive(Debug, Clone)]
pub struct EmbeddedOptions {
    /// chDB's persistent data directory (created if missing). The CLI's default is
    /// `.mensura/clickhouse`.
    pub data_dir: PathBuf,
    /// The Python interpreter; `None` means `MENSURA_PYTHON`, else `python3` on the `PATH`.
    pub python: Option<PathBuf>,
    /// How long one start may take until `/ping` answers (importing chDB takes a second or two).
    pub startup_timeout: Duration,
    /// How long a stop waits after SIGTERM before killing.
    pub shutdown_timeout: Duration,
}

impl EmbeddedOptions {
    /// Options with the defaults: Python from the environment, 60 s to start, 10 s to stop.
    pub fn new(data_dir: impl Into<PathBuf>) -> EmbeddedOptions {
        EmbeddedOptions {
            data_dir: data_dir.into(),
            python: None,
            startup_timeout: Duration::from_secs(60),
            shutdown_timeout: Duration::from_secs(10),
        }
    }
}

/// The command that installs chDB for `python`.
pub fn install_command(python: &str) -> String {
    format!("{python} -m pip install chdb-core=={CHDB_CORE_VERSION}")
}

/// The Python interpreter to use: `explicit`, else `MENSURA_PYTHON`, else `python3`.
pub fn resolve_python(explicit: Option<&Path>) -> PathBuf {
    resolve_python_from(explicit, std::env::var_os(PYTHON_ENV))
}

fn resolve_python_from(explicit: Option<&Path>, env: Option<OsString>) -> PathBuf {
    explicit
        .map(Path::to_path_buf)
        .or_else(|| env.filter(|value| !value.is_empty()).map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("python3"))
}

/// Where the engine is in its life, as seen by clients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum State {
    Starting { generation: u64 },
    Ready { generation: u64, port: u16 },
    Failed(String),
    Stopped,
}

#[derive(Debug)]
struct Shared {
    state: watch::Sender<State>,
    pid: Mutex<Option<u32>>,
    restarts: AtomicU64,
}

/// What a [`Warehouse`] holds to find the engine: cheap to clone, and it does not keep the
/// process alive.
#[derive(Debug, Clone)]
pub(crate) struct EngineHandle {
    shared: Arc<Shared>,
}

impl EngineHandle {
    /// The engine's URL and generation once it is ready (waiting through a restart).
    pub(crate) async fn ready(&self, timeout: Duration) -> Result<(String, u64)> {
        let mut rx = self.shared.state.subscribe();
        let waited = tokio::time::timeout(
            timeout,
            rx.wait_for(|s| !matches!(s, State::Starting { .. })),
        )
        .await;
        let state = match waited {
            Ok(Ok(state)) => state.clone(),
            Ok(Err(_)) => State::Stopped,
            Err(_) => {
                return Err(Error::EngineUnavailable(format!(
                    "it did not become ready within {} s",
                    timeout.as_secs()
                )));
            }
        };
        match state {
            State::Ready { generation, port } => Ok((url_for(port), generation)),
            State::Failed(reason) => Err(Error::EngineUnavailable(reason)),
            State::Stopped | State::Starting { .. } => {
                Err(Error::EngineUnavailable("it has been stopped".into()))
            }
        }
    }

    /// Whether the process that served `generation` has died (waiting briefly for the
    /// supervisor to notice, since a dropped connection usually arrives first).
    pub(crate) async fn crashed_since(&self, generation: u64) -> bool {
        let mut rx = self.shared.state.subscribe();
        let changed = tokio::time::timeout(
            Duration::from_secs(2),
            rx.wait_for(|s| !matches!(s, State::Ready { generation: g, .. } if *g == generation)),
        )
        .await;
        matches!(changed, Ok(Ok(_)))
    }
}

fn url_for(port: u16) -> String {
    format!("http://127.0.0.1:{port}")
}

enum Control {
    Shutdown,
}

/// The running embedded engine. Dropping it stops the process (see [`Embedded::shutdown`]).
#[derive(Debug)]
pub struct Embedded {
    handle: EngineHandle,
    control: mpsc::Sender<Control>,
    thread: Option<JoinHandle<()>>,
    data_dir: PathBuf,
}

impl Embedded {
    /// Starts the engine and waits until it answers `/ping`.
    ///
    /// Fails with [`Error::PythonMissing`] or [`Error::ChdbMissing`] (with the install command)
    /// when the interpreter or chDB is missing, and [`Error::EngineStart`] (with the end of the
    /// process's stderr) when it does not come up in time.
    pub async fn start(options: EmbeddedOptions) -> Result<Embedded> {
        let python = resolve_python(options.python.as_deref());
        std::fs::create_dir_all(&options.data_dir)
            .map_err(|e| Error::io(format!("cannot create {}", options.data_dir.display()), e))?;
        let data_dir = options
            .data_dir
            .canonicalize()
            .map_err(|e| Error::io(format!("cannot resolve {}", options.data_dir.display()), e))?;
        let script = write_script(&data_dir)?;
        let (state, _) = watch::channel(State::Starting { generation: 0 });
        let shared = Arc::new(Shared {
            state,
            pid: Mutex::new(None),
            restarts: AtomicU64::new(0),
        });
        let (control, control_rx) = mpsc::channel();
        let (first_tx, first_rx) = oneshot::channel();
        let supervisor = Supervisor {
            python,
            script,
            data_dir: data_dir.clone(),
            startup_timeout: options.startup_timeout,
            shutdown_timeout: options.shutdown_timeout,
            shared: shared.clone(),
            control: control_rx,
        };
        let thread = std::thread::Builder::new()
            .name("mensura-chdb-supervisor".into())
            .spawn(move || supervisor.run(first_tx))
            .map_err(|e| Error::io("cannot start the engine's supervisor thread", e))?;
        let mut engine = Embedded {
            handle: EngineHandle { shared },
            control,
            thread: Some(thread),
            data_dir,
        };
        match first_rx.await {
            Ok(Ok(())) => Ok(engine),
            Ok(Err(error)) => {
                engine.stop_blocking();
                Err(error)
            }
            Err(_) => {
                engine.stop_blocking();
                Err(Error::EngineStart {
                    reason: "its supervisor thread ended unexpectedly".into(),
                    log: Vec::new(),
                })
            }
        }
    }

    /// A client for this engine. It follows restarts; it fails once the engine is stopped.
    pub fn warehouse(&self) -> Warehouse {
        Warehouse::embedded(self)
    }

    pub(crate) fn handle(&self) -> EngineHandle {
        self.handle.clone()
    }

    /// The engine's HTTP URL while it is ready (`http://127.0.0.1:<port>`).
    pub fn url(&self) -> Option<String> {
        match &*self.handle.shared.state.borrow() {
            State::Ready { port, .. } => Some(url_for(*port)),
            _ => None,
        }
    }

    /// The Python process's id while it runs.
    pub fn pid(&self) -> Option<u32> {
        *self
            .handle
            .shared
            .pid
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// How many times the process was restarted after dying.
    pub fn restarts(&self) -> u64 {
        self.handle.shared.restarts.load(Ordering::SeqCst)
    }

    /// The (canonical) data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Waits until the engine is ready (after a restart, say).
    pub async fn wait_ready(&self, timeout: Duration) -> Result<()> {
        self.handle.ready(timeout).await.map(|_| ())
    }

    /// Stops the engine: closes its stdin and sends SIGTERM, waits, then kills it.
    pub async fn shutdown(mut self) -> Result<()> {
        let thread = self.thread.take();
        let _ = self.control.send(Control::Shutdown);
        if let Some(thread) = thread {
            tokio::task::spawn_blocking(move || thread.join())
                .await
                .map_err(|e| Error::EngineUnavailable(format!("stopping failed: {e}")))?
                .map_err(|_| Error::EngineUnavailable("its supervisor panicked".into()))?;
        }
        Ok(())
    }

    fn stop_blocking(&mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = self.control.send(Control::Shutdown);
            let _ = thread.join();
        }
    }
}

impl Drop for Embedded {
    fn drop(&mut self) {
        self.stop_blocking();
    }
}

/// Writes the Python side into the data directory (only when it changed) and returns its path.
fn write_script(data_dir: &Path) -> Result<PathBuf> {
    let path = data_dir.join(SCRIPT_NAME);
    if std::fs::read(&path).is_ok_and(|current| current == SCRIPT.as_bytes()) {
        return Ok(path);
    }
    let digest = Sha256::digest(SCRIPT.as_bytes());
    let tmp = data_dir.join(format!(
        ".{SCRIPT_NAME}.{:02x}{:02x}{:02x}{:02x}.{}",
        digest[0],
        digest[1],
        digest[2],
        digest[3],
        std::process::id()
    ));
    std::fs::write(&tmp, SCRIPT)
        .map_err(|e| Error::io(format!("cannot write {}", tmp.display()), e))?;
    std::fs::rename(&tmp, &path)
        .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))?;
    Ok(path)
}

/// The supervisor thread's state.
struct Supervisor {
    python: PathBuf,
    script: PathBuf,
    data_dir: PathBuf,
    startup_timeout: Duration,
    shutdown_timeout: Duration,
    shared: Arc<Shared>,
    control: mpsc::Receiver<Control>,
}

/// One running child process.
struct Running {
    child: Child,
    stdin: Option<ChildStdin>,
    port: u16,
    log: Arc<Mutex<VecDeque<String>>>,
}

enum StartFailure {
    Shutdown,
    Failed(Error),
}

enum Event {
    Shutdown,
    Exited(ExitStatus),
}

impl Supervisor {
    fn run(self, first: oneshot::Sender<Result<()>>) {
        let mut generation = 0;
        let mut running = match self.start(generation, 0) {
            Ok(running) => {
                let _ = first.send(Ok(()));
                running
            }
            Err(StartFailure::Shutdown) => {
                self.set_state(State::Stopped);
                let _ = first.send(Err(Error::EngineUnavailable(
                    "stopped while starting".into(),
                )));
                return;
            }
            Err(StartFailure::Failed(error)) => {
                self.set_state(State::Failed(error.to_string()));
                let _ = first.send(Err(error));
                return;
            }
        };
        let mut crashes: VecDeque<Instant> = VecDeque::new();
        loop {
            let status = match self.wait(&mut running) {
                Event::Shutdown => {
                    self.stop(running);
                    self.set_state(State::Stopped);
                    return;
                }
                Event::Exited(status) => status,
            };
            self.set_pid(None);
            tracing::warn!(
                "the embedded ClickHouse exited unexpectedly ({status}); restarting it on {}{}",
                self.data_dir.display(),
                super::log_suffix(&tail(&running.log)),
            );
            generation += 1;
            self.set_state(State::Starting { generation });
            let port = running.port;
            running = loop {
                let now = Instant::now();
                crashes.push_back(now);
                while crashes
                    .front()
                    .is_some_and(|t| now.duration_since(*t) > CRASH_WINDOW)
                {
                    crashes.pop_front();
                }
                if crashes.len() >= MAX_CRASHES {
                    let reason = format!(
                        "it stopped {MAX_CRASHES} times within {} s; giving up (see the log above)",
                        CRASH_WINDOW.as_secs()
                    );
                    tracing::error!("the embedded ClickHouse {reason}");
                    self.set_state(State::Failed(reason));
                    return;
                }
                // The same port first, so that URLs stay valid; any free port if it is taken.
                let attempt = match self.start(generation, port) {
                    Err(StartFailure::Failed(_)) if port != 0 => self.start(generation, 0),
                    other => other,
                };
                match attempt {
                    Ok(running) => break running,
                    Err(StartFailure::Shutdown) => {
                        self.set_state(State::Stopped);
                        return;
                    }
                    Err(StartFailure::Failed(error)) => {
                        tracing::error!("restarting the embedded ClickHouse failed: {error}");
                        if matches!(
                            self.control.recv_timeout(Duration::from_secs(1)),
                            Ok(Control::Shutdown) | Err(mpsc::RecvTimeoutError::Disconnected)
                        ) {
                            self.set_state(State::Stopped);
                            return;
                        }
                    }
                }
            };
            self.shared.restarts.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn set_state(&self, state: State) {
        self.shared.state.send_replace(state);
    }

    fn set_pid(&self, pid: Option<u32>) {
        *self
            .shared
            .pid
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = pid;
    }

    fn shutdown_requested(&self) -> bool {
        matches!(
            self.control.try_recv(),
            Ok(Control::Shutdown) | Err(mpsc::TryRecvError::Disconnected)
        )
    }

    /// Spawns the child and waits until it answers `/ping`.
    fn start(&self, generation: u64, port: u16) -> Result<Running, StartFailure> {
        let python = self.python.display().to_string();
        let mut child = Command::new(&self.python)
            .arg(&self.script)
            .arg("--path")
            .arg(&self.data_dir)
            .arg("--port")
            .arg(port.to_string())
            .current_dir(&self.data_dir)
            .env("PYTHONUNBUFFERED", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                StartFailure::Failed(Error::PythonMissing {
                    install: install_command(&python),
                    python: python.clone(),
                    detail: e.to_string(),
                    env: PYTHON_ENV,
                })
            })?;
        self.set_pid(Some(child.id()));
        let log = Arc::new(Mutex::new(VecDeque::new()));
        let (port_tx, port_rx) = mpsc::channel();
        if let Some(stdout) = child.stdout.take() {
            spawn_reader("mensura-chdb-stdout", stdout, log.clone(), Some(port_tx));
        }
        if let Some(stderr) = child.stderr.take() {
            spawn_reader("mensura-chdb-stderr", stderr, log.clone(), None);
        }
        let mut running = Running {
            stdin: child.stdin.take(),
            child,
            port: 0,
            log,
        };
        let deadline = Instant::now() + self.startup_timeout;
        loop {
            if let Ok(announced) = port_rx.recv_timeout(POLL)
                && ping(announced, deadline)
            {
                running.port = announced;
                self.set_state(State::Ready {
                    generation,
                    port: announced,
                });
                tracing::info!(
                    "embedded ClickHouse ready at {} (data in {})",
                    url_for(announced),
                    self.data_dir.display()
                );
                return Ok(running);
            }
            if let Ok(Some(status)) = running.child.try_wait() {
                self.set_pid(None);
                // Let the readers drain what the process wrote before it died.
                std::thread::sleep(Duration::from_millis(100));
                return Err(StartFailure::Failed(
                    self.diagnose(status, &tail(&running.log)),
                ));
            }
            if self.shutdown_requested() {
                self.stop(running);
                return Err(StartFailure::Shutdown);
            }
            if Instant::now() >= deadline {
                let log = tail(&running.log);
                self.stop(running);
                return Err(StartFailure::Failed(Error::EngineStart {
                    reason: format!(
                        "no answer to /ping within {} s",
                        self.startup_timeout.as_secs()
                    ),
                    log,
                }));
            }
        }
    }

    /// Explains why the process exited before it was ready: chDB missing, or something else.
    fn diagnose(&self, status: ExitStatus, log: &[String]) -> Error {
        let python = self.python.display().to_string();
        let missing = |detail: String| Error::ChdbMissing {
            install: install_command(&python),
            python: python.clone(),
            detail,
            env: PYTHON_ENV,
        };
        if log
            .iter()
            .any(|line| line.contains("No module named 'chdb'"))
        {
            return missing("No module named 'chdb'".into());
        }
        match Command::new(&self.python)
            .args(["-c", "import chdb"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
        {
            Err(e) => Error::PythonMissing {
                install: install_command(&python),
                python: python.clone(),
                detail: e.to_string(),
                env: PYTHON_ENV,
            },
            Ok(out) if !out.status.success() => {
                let stderr = String::from_utf8_lossy(&out.stderr);
                let last = stderr.lines().rev().find(|l| !l.trim().is_empty());
                missing(last.map_or_else(
                    || format!("`import chdb` failed: {}", out.status),
                    |l| l.trim().to_string(),
                ))
            }
            Ok(_)
                if log
                    .iter()
                    .any(|line| line.contains("Failed to create connection")) =>
            {
                Error::EngineStart {
                    reason: format!(
                        "chDB could not open {} (is another Mensura engine using it?)",
                        self.data_dir.display()
                    ),
                    log: log.to_vec(),
                }
            }
            Ok(_) => Error::EngineStart {
                reason: format!("the process exited ({status})"),
                log: log.to_vec(),
            },
        }
    }

    /// Waits for the child to exit or for a shutdown request.
    fn wait(&self, running: &mut Running) -> Event {
        loop {
            match self.control.recv_timeout(POLL) {
                Ok(Control::Shutdown) | Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Event::Shutdown;
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
            }
            match running.child.try_wait() {
                Ok(Some(status)) => return Event::Exited(status),
                Ok(None) => {}
                Err(e) => {
                    tracing::error!("cannot watch the embedded ClickHouse process: {e}");
                    return Event::Shutdown;
                }
            }
        }
    }

    /// Stops the child: EOF on stdin and SIGTERM, then SIGKILL after the timeout.
    fn stop(&self, mut running: Running) {
        drop(running.stdin.take());
        if let Ok(None) = running.child.try_wait() {
            // The child is not reaped yet (we own it), so its pid cannot have been reused.
            if let Ok(pid) = i32::try_from(running.child.id()) {
                let _ = nix::sys::signal::kill(
                    nix::unistd::Pid::from_raw(pid),
                    nix::sys::signal::Signal::SIGTERM,
                );
            }
            let deadline = Instant::now() + self.shutdown_timeout;
            while Instant::now() < deadline {
                if !matches!(running.child.try_wait(), Ok(None)) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            if let Ok(None) = running.child.try_wait() {
                tracing::warn!(
                    "the embedded ClickHouse did not stop within {} s; killing it",
                    self.shutdown_timeout.as_secs()
                );
                let _ = running.child.kill();
                let _ = running.child.wait();
            }
        }
        self.set_pid(None);
    }
}

/// Forwards a child pipe to `tracing` (debug) and keeps its last lines; on stdout, reports the
/// announced port.
fn spawn_reader(
    name: &str,
    pipe: impl Read + Send + 'static,
    log: Arc<Mutex<VecDeque<String>>>,
    port_tx: Option<mpsc::Sender<u16>>,
) {
    let spawned = std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            for line in BufReader::new(pipe).lines() {
                let Ok(line) = line else { break };
                if let Some(tx) = &port_tx
                    && let Some(port) = line.strip_prefix(READY_LINE)
                    && let Ok(port) = port.trim().parse::<u16>()
                {
                    let _ = tx.send(port);
                    continue;
                }
                tracing::debug!(target: "mensura::chdb", "{line}");
                let mut log = log.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                if log.len() == LOG_TAIL_LINES {
                    log.pop_front();
                }
                log.push_back(line);
            }
        });
    if let Err(e) = spawned {
        tracing::warn!("cannot read the embedded ClickHouse's output: {e}");
    }
}

fn tail(log: &Mutex<VecDeque<String>>) -> Vec<String> {
    log.lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .iter()
        .cloned()
        .collect()
}

/// `GET /ping` until it answers `Ok.` or the deadline passes.
fn ping(port: u16, deadline: Instant) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    while Instant::now() < deadline {
        if ping_once(addr).unwrap_or(false) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

fn ping_once(addr: SocketAddr) -> std::io::Result<bool> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(1))?;
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    stream.set_write_timeout(Some(Duration::from_secs(2)))?;
    stream.write_all(b"GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    Ok(response.starts_with(b"HTTP/1.1 200") && response.ends_with(b"Ok.\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_resolution_order() {
        let explicit = Path::new("/opt/py/bin/python3");
        assert_eq!(
            resolve_python_from(Some(explicit), Some("/env/python".into())),
            explicit
        );
        assert_eq!(
            resolve_python_from(None, Some("/env/python".into())),
            Path::new("/env/python")
        );
        assert_eq!(
            resolve_python_from(None, Some("".into())),
            Path::new("python3")
        );
        assert_eq!(resolve_python_from(None, None), Path::new("python3"));
    }

    #[test]
    fn install_command_pins_the_tested_version() {
        assert_eq!(
            install_command("python3"),
            format!("python3 -m pip install chdb-core=={CHDB_CORE_VERSION}")
        );
    }
}
