//! # `mensura serve`: the notebook and its data over HTTP
//!
//! Two roots: the static site (`www/`) at `/` and the published data directory (`www/data/` by
//! default) at `/data/`. Beside them, `/healthz` and the token-guarded admin API (`/admin/…`,
//! module `admin`). `docs/serving.md` is the user's view of the same; this is the implementer's.
//!
//! ## The data pointer and the atomic switch
//! The data root is a pointer ([`ServeHandle::switch_data_dir`]) that every request resolves
//! once, following symlinks, to a real directory; every file of that request comes from that
//! directory. A publish therefore writes a *new* directory and then switches, either
//!
//! - on disk: `www/data` is a symlink that [`swap_symlink`] repoints with one `rename` (this
//!   survives restarts and works for a publish run by another process), or
//! - in memory: a rebuild job returns [`Rebuilt::data_dir`] and the server switches to it.
//!
//! A request never sees half of one publish and half of another, and a failed rebuild switches
//! nothing: the last good data stays served. Old directories are the publisher's to delete
//! (later, so that responses in flight can finish).
//!
//! ## What is never served
//! Hostile paths (dot segments, encoded or not; backslashes; encoded separators; NUL; `//`) are
//! 400. Dotfiles, any name containing `bridge` or `user_identities` (the identity-bridge tables),
//! files whose real path (after symlinks) leaves the root, and — under `/data/` — any file that
//! no `manifest.json` lists, are 404, indistinguishable from a missing file. The site root never
//! serves a data directory (any directory with a manifest, or the current data root), nor the
//! data-test report. See the modules `paths` and `files`.
//!
//! ## Shutdown
//! [`Server::run`] stops accepting on its shutdown future and lets responses in flight finish; a
//! running rebuild is dropped with the runtime. The CLI wires the future to Ctrl-C and SIGTERM
//! ([`ShutdownSignals`]).

mod admin;
mod files;
mod paths;
mod signal;

use std::fmt;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};

use anyhow::{Context, Result, bail};
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use clap::Args;
use serde_json::json;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use admin::{JobState, JobStatus};
pub use signal::ShutdownSignals;

/// The environment variable holding the admin token (read by the CLI, never logged).
pub const ADMIN_TOKEN_ENV: &str = "MENSURA_ADMIN_TOKEN";

/// The default listening address.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// What to serve, and where.
#[derive(Clone)]
pub struct ServeConfig {
    /// Where to listen; port 0 picks a free port ([`Server::local_addr`] tells which).
    pub addr: SocketAddr,
    /// The static site root, served at `/`. Must exist.
    pub www: PathBuf,
    /// The data directory (or a symlink to it), served at `/data/`. May not exist yet.
    pub data: PathBuf,
    /// The admin bearer token; `None` disables the admin routes. Must not be empty.
    pub admin_token: Option<String>,
    /// The last data-test report (JSON), served at `/admin/tests`. Keep it outside the site root.
    pub tests_report: Option<PathBuf>,
}

impl ServeConfig {
    /// Serves `www` on [`DEFAULT_ADDR`], with `www/data` as the data directory, no admin token and
    /// no test report.
    pub fn new(www: impl Into<PathBuf>) -> Self {
        let www = www.into();
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data: www.join("data"),
            www,
            admin_token: None,
            tests_report: None,
        }
    }
}

impl fmt::Debug for ServeConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServeConfig")
            .field("addr", &self.addr)
            .field("www", &self.www)
            .field("data", &self.data)
            .field(
                "admin_token",
                &self.admin_token.as_ref().map(|_| "<redacted>"),
            )
            .field("tests_report", &self.tests_report)
            .finish()
    }
}

/// What a successful rebuild reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rebuilt {
    /// A one-line summary for `/admin/status`.
    pub message: String,
    /// The new data directory to switch to, if the job published into one (`None` when it
    /// switched a symlink itself, or published nothing).
    pub data_dir: Option<PathBuf>,
}

/// A boxed, sendable future.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// The rebuild+publish job that `POST /admin/rebuild` starts: called once per trigger, on a task
/// of its own. Build one with [`rebuild_job`].
pub type RebuildJob = Arc<dyn Fn() -> BoxFuture<Result<Rebuilt>> + Send + Sync>;

/// Wraps an async closure as a [`RebuildJob`].
pub fn rebuild_job<F, Fut>(job: F) -> RebuildJob
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Rebuilt>> + Send + 'static,
{
    Arc::new(move || Box::pin(job()))
}

/// The state every request shares.
struct Shared {
    www: PathBuf,
    data: RwLock<PathBuf>,
    /// The SHA-256 of the admin token.
    admin_token: Option<[u8; 32]>,
    tests_report: Option<PathBuf>,
    rebuild: Option<RebuildJob>,
    job: Mutex<Option<JobStatus>>,
    jobs_started: AtomicU64,
}

impl Shared {
    /// The data directory as configured or last switched to (maybe a symlink).
    fn data_dir(&self) -> PathBuf {
        self.data
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The real data directory for one request: the pointer, resolved once.
    fn data_root(&self) -> Option<PathBuf> {
        self.data_dir().canonicalize().ok()
    }

    fn site_root(&self) -> Option<PathBuf> {
        self.www.canonicalize().ok()
    }

    fn tests_report_real(&self) -> Option<PathBuf> {
        self.tests_report.as_ref()?.canonicalize().ok()
    }

    fn switch_data_dir(&self, new: PathBuf) -> Result<()> {
        if !new.is_dir() {
            bail!("cannot serve {}: not a directory", new.display());
        }
        tracing::info!("serving data from {}", new.display());
        *self.data.write().unwrap_or_else(PoisonError::into_inner) = new;
        Ok(())
    }

    fn job_slot(&self) -> MutexGuard<'_, Option<JobStatus>> {
        self.job.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A server bound to its address, not yet answering: [`Server::bind`], then [`Server::run`].
pub struct Server {
    listener: TcpListener,
    addr: SocketAddr,
    shared: Arc<Shared>,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("addr", &self.addr)
            .field("www", &self.shared.www)
            .field("data", &self.shared.data_dir())
            .finish_non_exhaustive()
    }
}

impl Server {
    /// Checks the configuration and binds the listening socket.
    pub async fn bind(config: ServeConfig, rebuild: Option<RebuildJob>) -> Result<Server> {
        if !config.www.is_dir() {
            bail!(
                "the site root {} is not a directory (pass --www DIR)",
                config.www.display()
            );
        }
        if !config.data.is_dir() {
            tracing::warn!(
                "the data directory {} does not exist yet: /data/ answers 404 until it does",
                config.data.display()
            );
        }
        let admin_token = match config.admin_token.as_deref() {
            Some("") => bail!(
                "the admin token is empty: unset {ADMIN_TOKEN_ENV} to disable the admin routes, \
                 or set it to a secret"
            ),
            Some(token) => Some(admin::token_digest(token)),
            None => None,
        };
        let listener = TcpListener::bind(config.addr).await.with_context(|| {
            format!(
                "listening on {} (is another server using it? pass --addr)",
                config.addr
            )
        })?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            www: config.www,
            data: RwLock::new(config.data),
            admin_token,
            tests_report: config.tests_report,
            rebuild,
            job: Mutex::new(None),
            jobs_started: AtomicU64::new(0),
        });
        Ok(Server {
            listener,
            addr,
            shared,
        })
    }

    /// The address actually bound (the port chosen for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<addr>/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// A handle on the running server's state (data pointer, rebuild status).
    pub fn handle(&self) -> ServeHandle {
        ServeHandle(self.shared.clone())
    }

    /// Answers requests until `shutdown` resolves, then lets responses in flight finish.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<()> {
        axum::serve(self.listener, router(self.shared))
            .with_graceful_shutdown(shutdown)
            .await
            .context("serving HTTP")
    }
}

/// Binds and serves until `shutdown` resolves.
pub async fn serve(
    config: ServeConfig,
    rebuild: Option<RebuildJob>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    Server::bind(config, rebuild).await?.run(shutdown).await
}

/// A handle on a server's state, usable while it runs.
#[derive(Clone)]
pub struct ServeHandle(Arc<Shared>);

impl fmt::Debug for ServeHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServeHandle")
            .field("data", &self.0.data_dir())
            .finish_non_exhaustive()
    }
}

impl ServeHandle {
    /// Serves `new` at `/data/` from the next request on (it must be a directory; it may be a
    /// symlink, resolved per request).
    pub fn switch_data_dir(&self, new: PathBuf) -> Result<()> {
        self.0.switch_data_dir(new)
    }

    /// The data directory currently pointed at (as given, before resolving symlinks).
    pub fn data_dir(&self) -> PathBuf {
        self.0.data_dir()
    }

    /// The current or last rebuild.
    pub fn job(&self) -> Option<JobStatus> {
        self.0.job_slot().clone()
    }
}

/// Atomically points the symlink `link` at `target` (created if absent): a new symlink under a
/// hidden temporary name, renamed over `link`. A relative `target` is relative to `link`'s
/// directory. `link` must not be a real directory.
pub fn swap_symlink(link: &Path, target: &Path) -> Result<()> {
    let name = link
        .file_name()
        .with_context(|| format!("{} has no file name", link.display()))?;
    let parent = link.parent().unwrap_or(Path::new("."));
    let temporary = parent.join(format!(
        ".{}.swap-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let _ = std::fs::remove_file(&temporary);
    std::os::unix::fs::symlink(target, &temporary)
        .with_context(|| format!("creating the symlink {}", temporary.display()))?;
    if let Err(e) = std::fs::rename(&temporary, link) {
        let _ = std::fs::remove_file(&temporary);
        if link.is_dir() && !link.is_symlink() {
            bail!(
                "{} is a directory, not a symlink: move it aside (e.g. to a hidden sibling) and \
                 link to it instead",
                link.display()
            );
        }
        return Err(e).with_context(|| format!("replacing {}", link.display()));
    }
    Ok(())
}

/// `GET /healthz`: always 200 while the server runs; says whether data is published and which.
async fn healthz(State(shared): State<Arc<Shared>>) -> Response {
    let dir = shared.data_dir();
    let read = tokio::task::spawn_blocking(move || std::fs::read(dir.join(files::MANIFEST))).await;
    let (data, built_at, as_of_date, manifest) = match read {
        Ok(Ok(bytes)) => match serde_json::from_slice::<serde_json::Value>(&bytes) {
            Ok(m) => (
                "ok",
                m.get("built_at").cloned(),
                m.get("as_of_date").cloned(),
                // The short hash the notebook records in shared links.
                Some(crate::manifest::sha256_hex(&bytes)[..12].to_owned()),
            ),
            Err(_) => ("invalid_manifest", None, None, None),
        },
        _ => ("missing", None, None, None),
    };
    let body = json!({
        "status": "ok",
        "data": data,
        "built_at": built_at,
        "as_of_date": as_of_date,
        "manifest": manifest,
    });
    ([(header::CACHE_CONTROL, "no-store")], axum::Json(body)).into_response()
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .merge(admin::routes(shared.clone()))
        .route("/data", any(files::data))
        .route("/data/", any(files::data))
        .route("/data/{*path}", any(files::data))
        .fallback(files::site)
        .with_state(shared)
        .layer(CompressionLayer::new().compress_when(files::Compressible))
        .layer(axum::middleware::map_response(files::tag_compressed))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("x-content-type-options"),
            HeaderValue::from_static("nosniff"),
        ))
        .layer(TraceLayer::new_for_http())
}

/// Options of `mensura serve`. The admin token comes from the environment only
/// ([`ADMIN_TOKEN_ENV`]), never from the command line, where other users could read it.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = DEFAULT_ADDR)]
    pub addr: SocketAddr,
    /// The static site root, served at /.
    #[arg(long, default_value = "www")]
    pub www: PathBuf,
    /// The published data directory (or a symlink to it), served at /data/ [default: <WWW>/data].
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// The last data-test report (`mensura test --report FILE`), served at /admin/tests.
    #[arg(long, default_value = ".mensura/test_report.json")]
    pub tests_report: PathBuf,
    /// Enable POST /admin/rebuild: build, test and publish from the warehouse below into a new
    /// directory beside --data, then serve it (needs CEREBRO_PII_SALT and MENSURA_ADMIN_TOKEN).
    #[arg(long)]
    pub rebuild: bool,
    #[command(flatten)]
    pub warehouse: crate::stack_cmd::WarehouseArgs,
}

impl ServeArgs {
    /// The configuration these options and the environment describe.
    pub fn config(&self) -> Result<ServeConfig> {
        let admin_token = match std::env::var(ADMIN_TOKEN_ENV) {
            Ok(token) if token.is_empty() => bail!(
                "{ADMIN_TOKEN_ENV} is set but empty: unset it to disable the admin routes, or set \
                 it to a secret"
            ),
            Ok(token) => Some(token),
            Err(std::env::VarError::NotPresent) => None,
            Err(std::env::VarError::NotUnicode(_)) => bail!("{ADMIN_TOKEN_ENV} is not UTF-8"),
        };
        Ok(ServeConfig {
            addr: self.addr,
            data: self.data.clone().unwrap_or_else(|| self.www.join("data")),
            www: self.www.clone(),
            admin_token,
            tests_report: Some(self.tests_report.clone()),
        })
    }
}

/// The rebuild job of `mensura serve --rebuild`: build → data tests → publish into a new directory
/// beside the served data, which the server then switches to (the old one keeps serving until
/// then, and after a failure).
fn warehouse_rebuild(args: &ServeArgs, config: &ServeConfig) -> Result<RebuildJob> {
    let salt = crate::warehouse::Salt::from_env()?;
    let warehouse = args.warehouse.clone();
    let parent = config
        .data
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let report = args.tests_report.clone();
    Ok(rebuild_job(move || {
        let (warehouse, salt, parent, report) = (
            warehouse.clone(),
            salt.clone(),
            parent.clone(),
            report.clone(),
        );
        async move {
            if let Some(dir) = report.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            let conn = warehouse.connect().await?;
            let mut sink = std::io::sink();
            let result = crate::demo::build_test_publish(
                &conn.wh, &salt, &parent, &report, &mut sink, false,
            )
            .await;
            conn.close().await?;
            let dir = result?;
            Ok(Rebuilt {
                message: format!("built, tested and published {}", dir.display()),
                data_dir: Some(dir),
            })
        }
    }))
}

/// `mensura serve`: serves until Ctrl-C or SIGTERM. Starts its own runtime, after blocking the
/// signals (see [`ShutdownSignals`]), so call it from a thread with no runtime.
pub fn run(args: &ServeArgs, out: &mut impl Write) -> Result<()> {
    let config = args.config()?;
    let signals = ShutdownSignals::install()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let admin = if config.admin_token.is_some() {
            "enabled"
        } else {
            "disabled (set MENSURA_ADMIN_TOKEN to enable)"
        };
        let (www, data) = (config.www.clone(), config.data.clone());
        let job = if args.rebuild {
            Some(warehouse_rebuild(args, &config)?)
        } else {
            None
        };
        let server = Server::bind(config, job).await?;
        writeln!(
            out,
            "Mensura is serving {} (site {}, data {}; admin routes {admin}). Ctrl-C stops it.",
            server.url(),
            www.display(),
            data.display(),
        )?;
        out.flush()?;
        server.run(signals.recv()).await
    })
}
