//! The delivery worker: takes due messages from `central_outbox` and POSTs them to the
//! Government reporting system until it acknowledges them.
//!
//! Each message is claimed with `FOR UPDATE SKIP LOCKED` in a transaction that stays open for the
//! HTTP attempt and records its outcome before committing. So several server instances never
//! send the same message at once, and an attempt cut short (shutdown, crash, lost database)
//! leaves the row exactly as it was: pending, to be sent again under the same idempotency key,
//! which the receiver uses to drop the duplicate. At-least-once on the wire, exactly-once at the
//! receiver.

use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use chrono::Utc;
use hmac::{Hmac, Mac};
use reqwest::header::{HeaderMap, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{StatusCode, Url};
use serde_json::Value;
use sha2::Sha256;

use crate::config::{Secret, ServeConfig};
use crate::AppState;

/// Longest wait between two looks at the queue: covers messages queued by another server
/// instance (whose wake-up this one does not hear) and retries falling due.
const POLL: Duration = Duration::from_secs(2);
/// No backoff grows beyond this: a receiver back after an outage gets everything within 15 min.
const MAX_BACKOFF: Duration = Duration::from_secs(15 * 60);
/// A `Retry-After` beyond this is taken as this (a misconfigured receiver must not park the
/// province's figures for days).
const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);
/// Receipts larger than this are not stored (a receipt is a small JSON object).
const MAX_RECEIPT_BYTES: usize = 64 * 1024;

/// How to reach the Government system, from `--central-*`.
#[derive(Clone, Debug)]
pub struct Settings {
    pub url: Url,
    pub key_id: String,
    secret: Secret,
    pub timeout: Duration,
    pub max_attempts: i32,
    pub backoff_base: Duration,
}

impl Settings {
    /// `None` when no endpoint is configured (messages then wait in the queue). An endpoint
    /// without its key id or secret is a start-up error rather than a stream of 401s.
    pub fn from_config(c: &ServeConfig) -> anyhow::Result<Option<Settings>> {
        let Some(url) = c
            .central_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        else {
            return Ok(None);
        };
        let url = Url::parse(url).context("--central-url is not a valid URL")?;
        if !matches!(url.scheme(), "http" | "https") {
            bail!("--central-url must be an http:// or https:// URL");
        }
        let key_id = c.central_key_id.as_deref().map(str::trim).unwrap_or("");
        if key_id.is_empty() {
            bail!("--central-url is set but --central-key-id (IOC_CENTRAL_KEY_ID) is not");
        }
        let secret = match &c.central_secret {
            Some(s) if !s.expose().is_empty() => s.clone(),
            _ => bail!("--central-url is set but --central-secret (IOC_CENTRAL_SECRET) is not"),
        };
        Ok(Some(Settings {
            url,
            key_id: key_id.to_string(),
            secret,
            timeout: Duration::from_millis(c.central_timeout_ms.max(1)),
            max_attempts: i32::try_from(c.central_max_attempts.max(1)).unwrap_or(i32::MAX),
            backoff_base: Duration::from_millis(c.central_backoff_ms.max(1)),
        }))
    }
}

/// The configured endpoint as the status page may show it: without user, password or query,
/// where credentials could hide.
pub fn display_endpoint(c: &ServeConfig) -> Option<String> {
    let raw = c
        .central_url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())?;
    let mut url = Url::parse(raw).ok()?;
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_query(None);
    url.set_fragment(None);
    Some(url.to_string())
}

/// `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`: the receiver recomputes it from the
/// headers and the raw body, so neither the body nor the time can be changed or replayed late.
pub fn signature(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC accepts keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256=");
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Wait after failed attempt number `attempt` (1-based): `base · 2^(attempt-1)`, at most
/// [`MAX_BACKOFF`], of which a random part (`jitter` in [0, 1)) of the upper half is used. The
/// lower half is guaranteed, so a struggling receiver is never hit sooner; the random half spreads
/// the retries of many messages (and provinces) instead of sending them in waves.
pub fn backoff(base: Duration, attempt: u32, jitter: f64) -> Duration {
    let doubled = base.saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1).min(31)));
    let capped = doubled.min(MAX_BACKOFF);
    capped.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
}

/// `Retry-After` in seconds (the HTTP-date form is not used by API servers in practice and is
/// ignored: the backoff applies).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let secs: u64 = headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(secs).min(MAX_RETRY_AFTER))
}

/// What one attempt came to.
#[derive(Debug)]
enum Outcome {
    /// 2xx: the message is the receiver's now.
    Delivered { status: u16, receipt: Option<Value> },
    /// Worth repeating: 408, 429, 5xx, timeouts, connection errors, a cut-off answer.
    Retry {
        status: Option<u16>,
        error: String,
        retry_after: Option<Duration>,
    },
    /// Any other answer (400, 401, 403, 422, a redirect…): the same body would be refused again.
    Reject { status: u16, error: String },
}

fn is_retryable(status: StatusCode) -> bool {
    status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS
        || status.is_server_error()
}

/// One POST of a stored message.
async fn attempt(client: &reqwest::Client, s: &Settings, key: &str, body: &str) -> Outcome {
    let timestamp = Utc::now().timestamp();
    let sent = client
        .post(s.url.clone())
        .header(CONTENT_TYPE, "application/json")
        .header("Idempotency-Key", key)
        .header("X-IOC-Key-Id", &s.key_id)
        .header("X-IOC-Timestamp", timestamp.to_string())
        .header(
            "X-IOC-Signature",
            signature(s.secret.expose().as_bytes(), timestamp, body.as_bytes()),
        )
        .body(body.to_owned())
        .send()
        .await;
    let response = match sent {
        Ok(r) => r,
        Err(e) => {
            return Outcome::Retry {
                status: None,
                error: error_text(e, s.timeout),
                retry_after: None,
            }
        }
    };
    let status = response.status();
    let wait = retry_after(response.headers());
    let answer = response.bytes().await;
    if status.is_success() {
        return match answer {
            Ok(bytes) => {
                let receipt = (bytes.len() <= MAX_RECEIPT_BYTES)
                    .then(|| serde_json::from_slice::<Value>(&bytes).ok())
                    .flatten()
                    .filter(Value::is_object);
                Outcome::Delivered {
                    status: status.as_u16(),
                    receipt,
                }
            }
            // Accepted, but the receipt was cut off: asking again under the same key gets it.
            Err(e) => Outcome::Retry {
                status: Some(status.as_u16()),
                error: format!("answer cut off: {}", error_text(e, s.timeout)),
                retry_after: None,
            },
        };
    }
    let text = answer
        .map(|b| String::from_utf8_lossy(&b[..b.len().min(1024)]).into_owned())
        .unwrap_or_default();
    let error = super::truncate(&format!("HTTP {}: {}", status.as_u16(), text.trim()));
    if is_retryable(status) {
        Outcome::Retry {
            status: Some(status.as_u16()),
            error,
            retry_after: wait,
        }
    } else {
        Outcome::Reject {
            status: status.as_u16(),
            error,
        }
    }
}

/// A reqwest error with its causes (reqwest's own text omits them), without the URL.
fn error_text(e: reqwest::Error, timeout: Duration) -> String {
    if e.is_timeout() {
        return format!("no answer within {} ms", timeout.as_millis());
    }
    let kind = if e.is_connect() {
        "connection failed"
    } else {
        "request failed"
    };
    let e = e.without_url();
    let mut text = format!("{kind}: {e}");
    let mut cause = std::error::Error::source(&e);
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    super::truncate(&text)
}

/// The message taken for delivery.
struct Claimed {
    id: i64,
    kind: String,
    idempotency_key: String,
    submission_id: Option<i64>,
    body: String,
    attempts: i32,
}

/// Delivers the most overdue pending message, if one is due and not taken by another instance.
/// Returns whether there was one (then the caller looks again at once).
async fn deliver_one(
    state: &AppState,
    s: &Settings,
    client: &reqwest::Client,
) -> Result<bool, sqlx::Error> {
    let mut tx = state.db.begin().await?;
    // `payload::text` is the stored jsonb's canonical text: the same bytes on every attempt, so
    // the receiver sees one message however often it is repeated.
    let claimed = sqlx::query_as!(
        Claimed,
        r#"SELECT o.id, o.kind, o.idempotency_key, o.submission_id, o.payload::text AS "body!", o.attempts
         FROM central_outbox o
         WHERE o.status = 'pending' AND o.next_attempt_at <= now()
         ORDER BY o.next_attempt_at, o.id
         LIMIT 1
         FOR UPDATE OF o SKIP LOCKED"#
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(m) = claimed else { return Ok(false) };
    let started = Instant::now();
    let outcome = tokio::select! {
        o = attempt(client, s, &m.idempotency_key, &m.body) => o,
        _ = state.shutdown.cancelled() => {
            // Dropping the transaction rolls it back: the row is pending as before.
            tracing::info!(key = %m.idempotency_key, "shutting down: the delivery in progress stays queued");
            return Ok(false);
        }
    };
    let duration_ms = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
    let attempts = m.attempts.saturating_add(1);
    let (http_status, error) = match &outcome {
        Outcome::Delivered { status, .. } => (Some(i32::from(*status)), None),
        Outcome::Retry { status, error, .. } => (status.map(i32::from), Some(error.clone())),
        Outcome::Reject { status, error } => (Some(i32::from(*status)), Some(error.clone())),
    };
    sqlx::query!(
        "INSERT INTO central_attempts (outbox_id, http_status, error, duration_ms) VALUES ($1, $2, $3, $4)",
        m.id,
        http_status,
        error,
        duration_ms
    )
    .execute(&mut *tx)
    .await?;
    match outcome {
        Outcome::Delivered { receipt, .. } => {
            sqlx::query!(
                "UPDATE central_outbox SET status = 'delivered', attempts = $2, delivered_at = now(), receipt = $3,
                        last_http_status = $4, last_error = NULL
                 WHERE id = $1",
                m.id,
                attempts,
                receipt,
                http_status
            )
            .execute(&mut *tx)
            .await?;
            // The domain that queued the message records what the acknowledgement means to it
            // (a report becomes "sent") in the same transaction.
            let delivered = super::Delivered {
                id: m.id,
                submission_id: m.submission_id,
                body: m.body.clone(),
            };
            let after = match state.message_kinds.get(&m.kind) {
                Some(kind) => Some(kind.delivered(state, &mut tx, &delivered).await?),
                None => {
                    tracing::error!(kind = %m.kind, key = %m.idempotency_key, "delivered a message of a kind no domain registered");
                    None
                }
            };
            tx.commit().await?;
            metrics::counter!("ioc_central_delivered_total").increment(1);
            tracing::info!(key = %m.idempotency_key, kind = %m.kind, attempts, "delivered to the Government system");
            if let Some(after) = after {
                after();
            }
        }
        Outcome::Retry {
            error, retry_after, ..
        } if attempts < s.max_attempts => {
            let wait = backoff(s.backoff_base, attempts as u32, rand::random::<f64>())
                .max(retry_after.unwrap_or_default());
            // clock_timestamp(), not now(): the transaction began before the attempt.
            sqlx::query!(
                "UPDATE central_outbox SET attempts = $2, last_error = $3, last_http_status = $4,
                        next_attempt_at = clock_timestamp() + $5 * interval '1 millisecond'
                 WHERE id = $1",
                m.id,
                attempts,
                error,
                http_status,
                wait.as_millis() as f64
            )
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            metrics::counter!("ioc_central_retried_total").increment(1);
            tracing::warn!(key = %m.idempotency_key, attempts, %error, retry_in_ms = wait.as_millis() as u64,
                "delivery failed, will retry");
        }
        Outcome::Retry { error, .. } | Outcome::Reject { error, .. } => {
            let error = if attempts >= s.max_attempts && http_status.is_none_or(is_retryable_code) {
                super::truncate(&format!("{error} (gave up after {attempts} attempts)"))
            } else {
                error
            };
            sqlx::query!(
                "UPDATE central_outbox SET status = 'failed', attempts = $2, last_error = $3, last_http_status = $4
                 WHERE id = $1",
                m.id,
                attempts,
                error,
                http_status
            )
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            metrics::counter!("ioc_central_failed_total").increment(1);
            tracing::error!(key = %m.idempotency_key, attempts, %error, "delivery failed for good; an administrator may retry it");
        }
    }
    Ok(true)
}

fn is_retryable_code(status: i32) -> bool {
    u16::try_from(status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .is_some_and(is_retryable)
}

/// Time until the next pending message falls due, not counting those due already (they are
/// being sent by another instance, or were just found locked).
async fn next_due(db: &sqlx::PgPool) -> Result<Option<Duration>, sqlx::Error> {
    let ms = sqlx::query_scalar!(
        "SELECT (extract(epoch FROM min(next_attempt_at) - clock_timestamp()) * 1000)::float8
         FROM central_outbox WHERE status = 'pending' AND next_attempt_at > now()"
    )
    .fetch_one(db)
    .await?;
    Ok(ms.map(|ms| Duration::from_millis(ms.max(0.0) as u64 + 1)))
}

/// Runs until the shutdown token is cancelled. Spawned on the server's background tracker, so
/// the server's stop waits for the attempt in progress to be rolled back.
pub async fn run(state: AppState, settings: Settings) {
    let client = match reqwest::Client::builder()
        .timeout(settings.timeout)
        // A redirect would re-send the figures somewhere not configured: treat it as an error.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("ioc-server/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "cannot build the HTTP client for the Government system; nothing is delivered");
            return;
        }
    };
    tracing::info!(endpoint = %settings.url.origin().ascii_serialization(), key_id = %settings.key_id,
        "delivering approved figures to the Government reporting system");
    loop {
        loop {
            if state.shutdown.is_cancelled() {
                return;
            }
            match deliver_one(&state, &settings, &client).await {
                Ok(true) => continue,
                Ok(false) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "delivery worker: database error, trying again shortly");
                    break;
                }
            }
        }
        match super::counts(&state.db).await {
            Ok(c) => metrics::gauge!("ioc_central_pending").set(c.pending as f64),
            Err(e) => tracing::debug!(error = %e, "counting pending deliveries"),
        }
        let wait = match next_due(&state.db).await {
            Ok(Some(d)) => d.min(POLL),
            Ok(None) => POLL,
            Err(_) => POLL,
        };
        tokio::select! {
            _ = state.shutdown.cancelled() => return,
            // A permit stored by an approval while we were busy wakes this at once.
            _ = state.outbox.notified() => {}
            _ = tokio::time::sleep(wait) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_hmac_of_timestamp_dot_body() {
        // RFC 4231 style check against an independent computation of the same construction.
        let sig = signature(b"key", 1_700_000_000, br#"{"a":1}"#);
        let mut mac = Hmac::<Sha256>::new_from_slice(b"key").unwrap();
        mac.update(br#"1700000000.{"a":1}"#);
        let expected: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(sig, format!("sha256={expected}"));
        assert_ne!(sig, signature(b"key", 1_700_000_001, br#"{"a":1}"#));
        assert_ne!(sig, signature(b"other", 1_700_000_000, br#"{"a":1}"#));
    }

    #[test]
    fn backoff_doubles_keeps_its_lower_half_and_is_capped() {
        let base = Duration::from_secs(2);
        assert_eq!(backoff(base, 1, 0.0), Duration::from_secs(1));
        assert_eq!(backoff(base, 1, 1.0), Duration::from_secs(2));
        assert_eq!(backoff(base, 3, 0.0), Duration::from_secs(4));
        assert_eq!(backoff(base, 3, 0.999).as_millis(), 7_996);
        assert_eq!(backoff(base, 40, 1.0), MAX_BACKOFF);
        assert_eq!(backoff(base, 40, 0.0), MAX_BACKOFF / 2);
    }

    #[test]
    fn retry_after_in_seconds_only() {
        let mut h = HeaderMap::new();
        assert_eq!(retry_after(&h), None);
        h.insert(RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        h.insert(
            RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&h), None);
        h.insert(RETRY_AFTER, "999999".parse().unwrap());
        assert_eq!(retry_after(&h), Some(MAX_RETRY_AFTER));
    }

    #[test]
    fn which_answers_are_retried() {
        for s in [408, 429, 500, 502, 503, 504] {
            assert!(is_retryable(StatusCode::from_u16(s).unwrap()), "{s}");
        }
        for s in [301, 400, 401, 403, 404, 409, 422] {
            assert!(!is_retryable(StatusCode::from_u16(s).unwrap()), "{s}");
        }
    }

    #[test]
    fn endpoint_is_shown_without_credentials() {
        use clap::Parser;
        let cli = crate::config::Cli::try_parse_from([
            "ioc",
            "serve",
            "--central-url=https://user:pw@bc.chinhphu.vn/api/receive?token=abc",
        ])
        .unwrap();
        let crate::config::Command::Serve(c) = cli.command else {
            unreachable!()
        };
        assert_eq!(
            display_endpoint(&c).as_deref(),
            Some("https://bc.chinhphu.vn/api/receive")
        );
        assert!(
            Settings::from_config(&c).is_err(),
            "an endpoint needs its key id and secret"
        );
    }
}
