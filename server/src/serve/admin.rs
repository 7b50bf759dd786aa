//! The admin API: trigger a rebuild, read its status, read the last data-test report.
//!
//! Every route sits behind one bearer token ([`super::ADMIN_TOKEN_ENV`]). Without a configured
//! token the routes answer 404 with a message saying how to enable them, and no token is checked
//! (there is nothing to guess). With one, a missing or wrong `Authorization: Bearer …` is 401.
//! Tokens are compared as SHA-256 digests with a branch-free fold, so the time taken says
//! nothing about how much of a guess was right, or about the token's length.
//!
//! One rebuild runs at a time, on its own task: the server keeps answering while it runs, and a
//! second trigger is 409. A job that fails (or panics) leaves the data pointer alone, so the last
//! good data stays served; a job that succeeds with a new directory switches to it.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{ADMIN_TOKEN_ENV, RebuildJob, Shared};

/// Where a rebuild stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    Running,
    Succeeded,
    Failed,
}

/// The current or last rebuild, as `GET /admin/status` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobStatus {
    /// Unique per server run: `<start, unix seconds>-<sequence>`.
    pub id: String,
    pub state: JobState,
    /// RFC 3339, UTC.
    pub started_at: String,
    pub finished_at: Option<String>,
    /// The job's own summary on success, the error chain on failure (0x-addresses redacted).
    pub message: Option<String>,
}

/// The admin routes, with the token check on each.
pub(super) fn routes(shared: Arc<Shared>) -> Router<Arc<Shared>> {
    Router::new()
        .route("/admin/rebuild", post(rebuild))
        .route("/admin/status", get(status))
        .route("/admin/tests", get(tests))
        .route_layer(middleware::from_fn_with_state(shared, authorize))
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    let mut response = (status, Json(json!({ "error": message.into() }))).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn no_store(body: impl IntoResponse) -> Response {
    let mut response = body.into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The SHA-256 digest a token is kept and compared as.
pub(super) fn token_digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Constant-time equality of two digests: no early exit, whatever the bytes.
fn digests_equal(a: &[u8; 32], b: &[u8; 32]) -> bool {
    let diff = a
        .iter()
        .zip(b)
        .fold(0u8, |acc, (x, y)| std::hint::black_box(acc | (x ^ y)));
    diff == 0
}

/// `Bearer <token>` (scheme case-insensitive) → the token.
fn bearer(value: &HeaderValue) -> Option<&str> {
    let (scheme, token) = value.to_str().ok()?.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

async fn authorize(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let Some(expected) = &shared.admin_token else {
        return error(
            StatusCode::NOT_FOUND,
            format!(
                "the admin routes are disabled: start `mensura serve` with {ADMIN_TOKEN_ENV} set \
                 to enable them"
            ),
        );
    };
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(bearer);
    let challenge = match given {
        Some(token) if digests_equal(expected, &token_digest(token)) => {
            return no_store(next.run(request).await);
        }
        Some(_) => "Bearer realm=\"mensura-admin\", error=\"invalid_token\"",
        None => "Bearer realm=\"mensura-admin\"",
    };
    let mut response = error(
        StatusCode::UNAUTHORIZED,
        "a valid `Authorization: Bearer <token>` header is required",
    );
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(challenge),
    );
    response
}

/// `POST /admin/rebuild`: 202 with the new job, 409 while one runs, 501 without a job.
async fn rebuild(State(shared): State<Arc<Shared>>) -> Response {
    let Some(job) = shared.rebuild.clone() else {
        return error(
            StatusCode::NOT_IMPLEMENTED,
            "this server has no rebuild job configured",
        );
    };
    let started = {
        let mut slot = shared.job_slot();
        if let Some(current) = slot.as_ref().filter(|j| j.state == JobState::Running) {
            return (
                StatusCode::CONFLICT,
                Json(json!({ "error": "a rebuild is already running", "job": current })),
            )
                .into_response();
        }
        let sequence = shared.jobs_started.fetch_add(1, Ordering::Relaxed) + 1;
        let status = JobStatus {
            id: format!("{}-{sequence}", unix_seconds()),
            state: JobState::Running,
            started_at: now_rfc3339(),
            finished_at: None,
            message: None,
        };
        *slot = Some(status.clone());
        status
    };
    tracing::info!(job = %started.id, "rebuild started");
    tokio::spawn(run_job(shared, job, started.id.clone()));
    (
        StatusCode::ACCEPTED,
        [(header::LOCATION, "/admin/status")],
        Json(started),
    )
        .into_response()
}

async fn run_job(shared: Arc<Shared>, job: RebuildJob, id: String) {
    // The job runs on a task of its own, so that a panic ends as a failed job, not a stuck one.
    let outcome = tokio::spawn(async move { job().await }).await;
    let (state, message) = match outcome {
        Ok(Ok(rebuilt)) => match rebuilt.data_dir {
            Some(dir) => match shared.switch_data_dir(dir.clone()) {
                Ok(()) => (JobState::Succeeded, rebuilt.message),
                Err(e) => (
                    JobState::Failed,
                    format!("the rebuild succeeded but switching to its data failed: {e:#}"),
                ),
            },
            None => (JobState::Succeeded, rebuilt.message),
        },
        Ok(Err(e)) => (JobState::Failed, format!("{e:#}")),
        Err(e) if e.is_panic() => (JobState::Failed, "the rebuild job panicked".to_owned()),
        Err(_) => (JobState::Failed, "the rebuild job was cancelled".to_owned()),
    };
    let message = redact_addresses(&message);
    match state {
        JobState::Failed => tracing::warn!(job = %id, "rebuild failed: {message}"),
        _ => tracing::info!(job = %id, "rebuild succeeded: {message}"),
    }
    let mut slot = shared.job_slot();
    if let Some(current) = slot.as_mut().filter(|j| j.id == id) {
        current.state = state;
        current.finished_at = Some(now_rfc3339());
        current.message = Some(message);
    }
}

/// `GET /admin/status`: the current or last job, or `state: "idle"` before the first.
async fn status(State(shared): State<Arc<Shared>>) -> Response {
    let job = shared.job_slot().clone();
    match job {
        Some(job) => Json(job).into_response(),
        None => Json(json!({
            "id": null, "state": "idle", "started_at": null, "finished_at": null, "message": null
        }))
        .into_response(),
    }
}

/// `GET /admin/tests`: the last data-test report, with failing-row samples withheld.
async fn tests(State(shared): State<Arc<Shared>>) -> Response {
    let Some(path) = shared.tests_report.clone() else {
        return error(
            StatusCode::NOT_FOUND,
            "this server has no data-test report configured",
        );
    };
    let read = tokio::task::spawn_blocking({
        let path = path.clone();
        move || std::fs::read(path)
    })
    .await;
    let bytes = match read {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            return error(
                StatusCode::NOT_FOUND,
                format!(
                    "no data-test report yet: `mensura test --report {}` writes it",
                    path.display()
                ),
            );
        }
        Ok(Err(e)) => {
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("reading the data-test report failed: {e}"),
            );
        }
        Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    };
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(mut report) => {
            redact_report(&mut report);
            Json(report).into_response()
        }
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the data-test report is not valid JSON: {e}"),
        ),
    }
}

/// Failing-row samples (`sample`) can quote any column of any model, bridge tables included, so
/// they stay in the file; every other string loses its 0x-addresses.
pub(super) fn redact_report(value: &mut Value) {
    match value {
        Value::String(s) => *s = redact_addresses(s),
        Value::Array(items) => items.iter_mut().for_each(redact_report),
        Value::Object(fields) => {
            for (key, field) in fields.iter_mut() {
                match field {
                    Value::String(s) if key == "sample" && !s.is_empty() => {
                        *s = "[withheld: failing rows are not served over HTTP; see the report \
                              file on the server]"
                            .to_owned();
                    }
                    _ => redact_report(field),
                }
            }
        }
        _ => {}
    }
}

/// Replaces `0x` followed by 40 or more hex digits (an address, or longer) with `0x[redacted]`.
pub(super) fn redact_addresses(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut i, mut copied) = (0, 0);
    while i + 1 < bytes.len() {
        if bytes[i] == b'0' && (bytes[i + 1] | 0x20) == b'x' {
            let digits = bytes[i + 2..]
                .iter()
                .take_while(|b| b.is_ascii_hexdigit())
                .count();
            if digits >= 40 {
                out.push_str(&text[copied..i]);
                out.push_str("0x[redacted]");
                i += 2 + digits;
                copied = i;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    out
}

fn unix_seconds() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Now, as `YYYY-MM-DDTHH:MM:SSZ`.
pub(super) fn now_rfc3339() -> String {
    let secs = unix_seconds();
    let day = mensura_engine::date::date_of_ts(secs);
    let second_of_day = secs.rem_euclid(86_400);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        mensura_engine::date::format_date(day),
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{digests_equal, redact_addresses, redact_report, token_digest};

    #[test]
    fn tokens_compare_by_digest() {
        let a = token_digest("s3cret-token");
        assert!(digests_equal(&a, &token_digest("s3cret-token")));
        assert!(!digests_equal(&a, &token_digest("s3cret-tokeN")));
        assert!(!digests_equal(&a, &token_digest("")));
    }

    #[test]
    fn addresses_are_redacted() {
        let addr = "0xAbCdEf0123456789abcdef0123456789ABCDEF01";
        assert_eq!(
            redact_addresses(&format!("user {addr}, again {addr}.")),
            "user 0x[redacted], again 0x[redacted]."
        );
        assert_eq!(redact_addresses("0x1234 and 0x"), "0x1234 and 0x");
        assert_eq!(redact_addresses("é0x"), "é0x");
    }

    #[test]
    fn reports_lose_samples_and_addresses() {
        let mut report = json!({
            "as_of": "2026-03-01",
            "outcomes": [{
                "name": "unique", "sample": "address\n0x00000000000000000000000000000000000000aa",
                "error": "bad 0x00000000000000000000000000000000000000bb"
            }, { "name": "ok", "sample": "" }]
        });
        redact_report(&mut report);
        let text = report.to_string();
        assert!(!text.contains("00aa") && !text.contains("00bb"), "{text}");
        assert!(text.contains("withheld"), "{text}");
    }
}
