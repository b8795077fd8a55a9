//! The life of a report: draft → submitted → approved → sent, or submitted → returned → …
//! Owns the tables `submissions` and `indicator_entries`.

/// Records that the Government system acknowledged revision `revision` of a report. Called by
/// the delivery worker in the transaction that marks the message delivered. A report edited
/// since (a newer revision in progress) keeps its status: only the revision that was sent is.
/// Returns whether the report changed.
pub async fn mark_sent(tx: &mut sqlx::PgConnection, submission_id: i64, revision: i32) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE submissions SET status = 'sent', sent_at = now(), updated_at = now()
         WHERE id = $1 AND revision = $2 AND status = 'approved'",
    )
    .bind(submission_id)
    .bind(revision)
    .execute(&mut *tx)
    .await?;
    Ok(done.rows_affected() == 1)
}
