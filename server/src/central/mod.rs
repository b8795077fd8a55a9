//! Delivery to the Government reporting system (Hệ thống thông tin báo cáo Chính phủ).
//!
//! Owns the tables `central_outbox` and `central_attempts`. Approved figures are queued by
//! [`enqueue`] inside the transaction that approves them (the outbox pattern: a message exists
//! exactly when the approval committed); a background worker delivers them.

use serde_json::Value;

/// Queues one message. The idempotency key names one revision of one report, so approving the
/// same revision twice cannot queue it twice (the unique key makes the second insert a no-op).
pub async fn enqueue(
    tx: &mut sqlx::PgConnection,
    idempotency_key: &str,
    submission_id: Option<i64>,
    payload: &Value,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO central_outbox (idempotency_key, submission_id, payload) VALUES ($1, $2, $3)
         ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(idempotency_key)
    .bind(submission_id)
    .bind(payload)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
