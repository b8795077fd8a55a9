//! The mail worker: sends the queued mails through the configured SMTP server and marks them
//! sent.
//!
//! The shape of the delivery worker (`central::worker`): each mail is claimed with
//! `FOR UPDATE SKIP LOCKED` in a transaction that stays open for the SMTP exchange and records
//! its outcome before committing, so two server processes never send one mail at once and a
//! send cut short (shutdown, crash) leaves the mail queued. That makes sending *at least once*:
//! a mail the SMTP server accepted just before a crash is sent again — a duplicate reminder is
//! better than a lost one.

use std::sync::Arc;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{AsyncTransport, Message};
use sqlx::PgPool;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::Settings;

/// Longest wait between two looks at the queue: covers a lost notification (the listening
/// connection was down) and retries falling due.
const POLL: Duration = Duration::from_secs(30);
/// Attempts before a mail the SMTP server keeps refusing for now (4xx, no connection) is given
/// up: with the backoff capped at 15 minutes, about two hours of outage.
const MAX_ATTEMPTS: i32 = 12;

/// Why one attempt failed.
#[derive(Debug)]
enum Failure {
    /// Worth repeating: a 4xx answer, no connection, a timeout.
    Transient(String),
    /// The same mail would be refused again: a 5xx answer, an address that is no address.
    Permanent(String),
}

/// A mail taken for sending.
struct Claimed {
    id: i64,
    recipient: String,
    subject: String,
    body: String,
    attempts: i32,
}

/// One SMTP exchange for one mail.
async fn send(s: &Settings, m: &Claimed) -> Result<(), Failure> {
    let to: Mailbox = m
        .recipient
        .parse()
        .map_err(|e| Failure::Permanent(format!("address {:?}: {e}", m.recipient)))?;
    let message = Message::builder()
        .from(s.from.clone())
        .to(to)
        .subject(m.subject.clone())
        .header(ContentType::TEXT_PLAIN)
        .body(m.body.clone())
        .map_err(|e| Failure::Permanent(format!("message not built: {e}")))?;
    match s.transport.send(message).await {
        Ok(_) => Ok(()),
        Err(e) => {
            let text = crate::central::truncate(&error_text(&e));
            if e.is_permanent() {
                Err(Failure::Permanent(text))
            } else {
                Err(Failure::Transient(text))
            }
        }
    }
}

/// lettre's error with its causes (its own text omits them).
fn error_text(e: &lettre::transport::smtp::Error) -> String {
    let mut text = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// Sends the mail whose turn it is, if one is due and not taken by another process. Returns
/// whether there was one (then the caller looks again at once).
async fn send_one(
    db: &PgPool,
    s: &Settings,
    shutdown: &CancellationToken,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    let claimed = sqlx::query_as!(
        Claimed,
        "SELECT id, recipient, subject, body, attempts FROM mail_outbox
         WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
         ORDER BY next_attempt_at, id
         LIMIT 1
         FOR UPDATE SKIP LOCKED"
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(m) = claimed else { return Ok(false) };
    let outcome = tokio::select! {
        o = send(s, &m) => o,
        _ = shutdown.cancelled() => {
            // Dropping the transaction rolls it back: the mail stays queued.
            tracing::info!(mail = m.id, "shutting down: the mail being sent stays queued");
            return Ok(false);
        }
    };
    let attempts = m.attempts.saturating_add(1);
    match outcome {
        Ok(()) => {
            sqlx::query!(
                "UPDATE mail_outbox SET sent_at = clock_timestamp(), attempts = $2, last_error = NULL
                 WHERE id = $1",
                m.id,
                attempts
            )
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            metrics::counter!("ioc_mail_sent_total").increment(1);
            tracing::info!(mail = m.id, attempts, "mail sent");
        }
        Err(Failure::Transient(error)) if attempts < MAX_ATTEMPTS => {
            let wait = crate::central::worker::backoff(
                s.backoff_base,
                attempts as u32,
                rand::random::<f64>(),
            );
            // clock_timestamp(), not now(): the transaction began before the SMTP exchange.
            sqlx::query!(
                "UPDATE mail_outbox SET attempts = $2, last_error = $3,
                        next_attempt_at = clock_timestamp() + $4 * interval '1 millisecond'
                 WHERE id = $1",
                m.id,
                attempts,
                error,
                wait.as_millis() as f64
            )
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            metrics::counter!("ioc_mail_retried_total").increment(1);
            tracing::warn!(mail = m.id, attempts, %error, retry_in_ms = wait.as_millis() as u64,
                "mail not sent, will retry");
        }
        Err(Failure::Transient(error) | Failure::Permanent(error)) => {
            sqlx::query!(
                "UPDATE mail_outbox SET failed_at = clock_timestamp(), attempts = $2, last_error = $3
                 WHERE id = $1",
                m.id,
                attempts,
                error
            )
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            metrics::counter!("ioc_mail_failed_total").increment(1);
            tracing::error!(mail = m.id, attempts, %error, "mail given up");
        }
    }
    Ok(true)
}

/// Time until the next unsent mail falls due (those due already are being sent elsewhere).
async fn next_due(db: &PgPool) -> Result<Option<Duration>, sqlx::Error> {
    let ms = sqlx::query_scalar!(
        "SELECT (extract(epoch FROM min(next_attempt_at) - clock_timestamp()) * 1000)::float8
         FROM mail_outbox
         WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at > now()"
    )
    .fetch_one(db)
    .await?;
    Ok(ms.map(|ms| Duration::from_millis(ms.max(0.0) as u64 + 1)))
}

/// Sends until shutdown. `wake` is notified when a mail is queued (the `NOTIFY` of
/// [`super::queue`], heard by `live::notify`); a periodic look covers the rest.
pub async fn run(db: PgPool, settings: Settings, wake: Arc<Notify>, shutdown: CancellationToken) {
    tracing::info!(server = %settings.server, "sending e-mail through the configured SMTP server");
    loop {
        loop {
            if shutdown.is_cancelled() {
                return;
            }
            match send_one(&db, &settings, &shutdown).await {
                Ok(true) => continue,
                Ok(false) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "mail worker: database error, trying again shortly");
                    break;
                }
            }
        }
        let wait = match next_due(&db).await {
            Ok(Some(d)) => d.min(POLL),
            Ok(None) | Err(_) => POLL,
        };
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = wake.notified() => {}
            _ = tokio::time::sleep(wait) => {}
        }
    }
}
