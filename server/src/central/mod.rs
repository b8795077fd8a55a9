//! Delivery to the Government reporting system (Hệ thống thông tin báo cáo Chính phủ).
//!
//! Owns the tables `central_outbox` and `central_attempts`. Approved figures are queued by
//! [`enqueue`] inside the transaction that approves them (the outbox pattern: a message exists
//! exactly when the approval committed); a background worker delivers them.

use std::collections::HashMap;
use std::sync::Arc;

use futures::future::BoxFuture;

/// A message for the Government system, as the domain that queues it defines it: its kind
/// (stored with the message, it picks the [`MessageKind`] that handles the acknowledgement) and
/// its serialised body.
pub trait OutboxPayload: serde::Serialize {
    const KIND: &'static str;
}

/// Queues one message. The idempotency key names one revision of one report, so approving the
/// same revision twice cannot queue it twice (the unique key makes the second insert a no-op).
pub async fn enqueue<P: OutboxPayload>(
    tx: &mut sqlx::PgConnection,
    idempotency_key: &str,
    submission_id: Option<i64>,
    payload: &P,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO central_outbox (kind, idempotency_key, submission_id, payload) VALUES ($1, $2, $3, $4)
         ON CONFLICT (idempotency_key) DO NOTHING",
        P::KIND,
        idempotency_key,
        submission_id,
        sqlx::types::Json(payload) as _
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// A message the Government system acknowledged, as the worker hands it to its kind.
#[derive(Debug)]
pub struct Delivered {
    pub id: i64,
    pub submission_id: Option<i64>,
    /// The body exactly as it was sent.
    pub body: String,
}

/// What runs once the delivery's transaction committed (publishing what changed, waking tasks).
pub type AfterCommit = Box<dyn FnOnce() + Send>;

/// What a domain does when one of its messages is acknowledged: runs in the transaction that
/// marks the message delivered (so "sent" on the report and "delivered" on the message commit
/// together), and returns what to do after the commit.
pub trait MessageKind: Send + Sync {
    fn delivered<'a>(
        &'a self,
        state: &'a crate::AppState,
        tx: &'a mut sqlx::PgConnection,
        message: &'a Delivered,
    ) -> BoxFuture<'a, Result<AfterCommit, sqlx::Error>>;
}

/// The kinds of message this server sends, each with its delivery hook; registered at start-up
/// by the domains (as live topics are).
#[derive(Clone, Default)]
pub struct MessageKinds(HashMap<&'static str, Arc<dyn MessageKind>>);

impl MessageKinds {
    pub fn register<P: OutboxPayload>(mut self, kind: Arc<dyn MessageKind>) -> Self {
        self.0.insert(P::KIND, kind);
        self
    }

    pub fn get(&self, kind: &str) -> Option<&Arc<dyn MessageKind>> {
        self.0.get(kind)
    }
}

pub mod routes;
pub mod worker;

use chrono::{DateTime, NaiveDate, Utc};
use ioc_protocol::{format_period, DeliveryStatus, DeliveryView};
use sqlx::{PgExecutor, PgPool};

use crate::audit::{self, Actor, Entry};

/// Longest error text kept per attempt: enough for a status line and a server's message,
/// bounded so a misbehaving receiver cannot fill the table.
pub const ERROR_TEXT_MAX: usize = 500;

/// Cuts `text` to at most [`ERROR_TEXT_MAX`] bytes on a character boundary.
pub fn truncate(text: &str) -> String {
    if text.len() <= ERROR_TEXT_MAX {
        return text.to_string();
    }
    let mut end = ERROR_TEXT_MAX;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// One outbox row with what the status page shows of its report.
#[derive(Debug)]
struct DeliveryRow {
    id: i64,
    idempotency_key: String,
    unit_code: Option<String>,
    unit_name_vi: Option<String>,
    period: Option<NaiveDate>,
    revision: Option<i32>,
    status: DeliveryStatus,
    attempts: i32,
    next_attempt_at: DateTime<Utc>,
    last_error: Option<String>,
    last_http_status: Option<i32>,
    created_at: DateTime<Utc>,
    delivered_at: Option<DateTime<Utc>>,
    receipt_id: Option<String>,
}

impl DeliveryRow {
    fn view(self) -> DeliveryView {
        let status = self.status;
        DeliveryView {
            id: self.id,
            idempotency_key: self.idempotency_key,
            unit: self.unit_code,
            unit_name_vi: self.unit_name_vi,
            period: self.period.map(format_period),
            revision: self.revision,
            // Only a pending message has a next attempt.
            next_attempt_at: (status == DeliveryStatus::Pending).then_some(self.next_attempt_at),
            status,
            attempts: self.attempts,
            last_error: self.last_error,
            last_http_status: self.last_http_status,
            created_at: self.created_at,
            delivered_at: self.delivered_at,
            receipt_id: self.receipt_id,
        }
    }
}

/// Messages by number in each state, for the status page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub pending: i64,
    pub delivered: i64,
    pub failed: i64,
}

pub async fn counts(db: impl PgExecutor<'_>) -> Result<Counts, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT status AS "status: DeliveryStatus", count(*) AS "n!" FROM central_outbox GROUP BY status"#
    )
    .fetch_all(db)
    .await?;
    let mut c = Counts::default();
    for row in rows {
        let (status, n) = (row.status, row.n);
        match status {
            DeliveryStatus::Pending => c.pending = n,
            DeliveryStatus::Delivered => c.delivered = n,
            DeliveryStatus::Failed => c.failed = n,
        }
    }
    Ok(c)
}

/// Newest messages first, optionally of one state only.
pub async fn list(
    db: &PgPool,
    status: Option<DeliveryStatus>,
    limit: i64,
) -> Result<Vec<DeliveryView>, sqlx::Error> {
    select(db, None, status, limit).await
}

async fn get(db: impl PgExecutor<'_>, id: i64) -> Result<Option<DeliveryView>, sqlx::Error> {
    Ok(select(db, Some(id), None, 1).await?.pop())
}

/// Messages with what the status page shows of their report, newest first: one message, or the
/// newest of one state, or of all. The receipt id may be a string or a number in the receipt,
/// shown as text either way.
async fn select(
    db: impl PgExecutor<'_>,
    id: Option<i64>,
    status: Option<DeliveryStatus>,
    limit: i64,
) -> Result<Vec<DeliveryView>, sqlx::Error> {
    let rows = sqlx::query_as!(
        DeliveryRow,
        r#"SELECT o.id, o.idempotency_key, s.unit_code AS "unit_code?", u.name_vi AS "unit_name_vi?",
                  s.period AS "period?", s.revision AS "revision?", o.status AS "status: DeliveryStatus",
                  o.attempts, o.next_attempt_at, o.last_error, o.last_http_status, o.created_at,
                  o.delivered_at, o.receipt ->> 'receipt_id' AS receipt_id
           FROM central_outbox o
           LEFT JOIN submissions s ON s.id = o.submission_id
           LEFT JOIN units u ON u.code = s.unit_code
           WHERE ($1::int8 IS NULL OR o.id = $1) AND ($2::text IS NULL OR o.status = $2)
           ORDER BY o.id DESC LIMIT $3"#,
        id,
        status.map(DeliveryStatus::as_str),
        limit
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(DeliveryRow::view).collect())
}

/// Why a manual retry was refused.
#[derive(Debug, thiserror::Error)]
pub enum RetryError {
    #[error("no such message")]
    NotFound,
    #[error("message is {0}, only failed messages are retried")]
    NotFailed(&'static str),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Puts a failed message back in the queue, due now. Its attempts are kept (the history of what
/// happened stays true); the audit entry is written in the same transaction. Only failed
/// messages qualify: a pending one is already queued and a delivered one must not be sent again
/// under the same key.
pub async fn retry(db: &PgPool, actor: &Actor, id: i64) -> Result<DeliveryView, RetryError> {
    let mut tx = db.begin().await?;
    let row = sqlx::query!(
        r#"SELECT status AS "status: DeliveryStatus", attempts, last_error, last_http_status
           FROM central_outbox WHERE id = $1 FOR UPDATE"#,
        id
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Err(RetryError::NotFound);
    };
    let (status, attempts, last_error, last_http_status) = (
        row.status,
        row.attempts,
        row.last_error,
        row.last_http_status,
    );
    if status != DeliveryStatus::Failed {
        return Err(RetryError::NotFailed(status.as_str()));
    }
    sqlx::query!(
        "UPDATE central_outbox SET status = 'pending', next_attempt_at = now() WHERE id = $1",
        id
    )
    .execute(&mut *tx)
    .await?;
    let entry = Entry {
        action: "retry",
        entity: "central_delivery",
        entity_id: Some(id.to_string()),
        before: Some(serde_json::json!({
            "status": "failed", "attempts": attempts, "last_error": last_error, "last_http_status": last_http_status,
        })),
        after: Some(serde_json::json!({"status": "pending", "attempts": attempts})),
    };
    audit::record(&mut *tx, actor, entry).await?;
    let view = get(&mut *tx, id).await?.ok_or(RetryError::NotFound)?;
    tx.commit().await?;
    Ok(view)
}
