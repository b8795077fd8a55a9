//! The `submissions` table: one row per form (an indicator group or a reporting regime) × unit ×
//! period, with its state, revision and who moved it. Every step locks the row first
//! ([`lock`]); the domain asks the transition table ([`super::step`]), writes its content and
//! consequences, then applies the state change here — all in its own transaction.

use chrono::{DateTime, NaiveDate, Utc};
use ioc_protocol::SubmissionStatus;
use sqlx::PgConnection;

/// What a submission answers: an indicator group's monthly report or a reporting regime's.
#[derive(Clone, Copy, Debug)]
pub enum Form<'a> {
    Indicators(&'a str),
    Regime(i64),
}

impl<'a> Form<'a> {
    fn group(&self) -> Option<&'a str> {
        match *self {
            Form::Indicators(group) => Some(group),
            Form::Regime(_) => None,
        }
    }

    fn regime(&self) -> Option<i64> {
        match *self {
            Form::Regime(id) => Some(id),
            Form::Indicators(_) => None,
        }
    }

    /// The table's generated `form` column: the group's code, or `regime:<id>` (a group code
    /// cannot hold a colon).
    fn key(&self) -> String {
        match self {
            Form::Indicators(group) => (*group).to_string(),
            Form::Regime(id) => format!("regime:{id}"),
        }
    }
}

/// Which submission: the form, the unit and the period (its first day: the month of an
/// indicator report, the first month of a regime's period).
#[derive(Clone, Copy, Debug)]
pub struct Key<'a> {
    pub form: Form<'a>,
    pub unit: &'a str,
    pub period: NaiveDate,
}

/// A submission's row with the names of who submitted and decided it.
pub struct Submission {
    pub id: i64,
    pub status: SubmissionStatus,
    pub revision: i32,
    pub submitted_at: Option<DateTime<Utc>>,
    /// When it was first handed in (lateness counts from here).
    pub first_submitted_at: Option<DateTime<Utc>>,
    pub submitted_by: Option<i64>,
    pub submitted_by_name: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by_name: Option<String>,
    pub return_comment: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// The submission's row, locked (`FOR UPDATE OF s`) when `lock`. The two statements differ only in
/// the lock: checked queries are literals.
pub async fn load(
    db: &mut PgConnection,
    key: &Key<'_>,
    lock: bool,
) -> Result<Option<Submission>, sqlx::Error> {
    if lock {
        sqlx::query_as!(
            Submission,
            r#"SELECT s.id, s.status AS "status: SubmissionStatus", s.revision, s.submitted_at, s.first_submitted_at, s.submitted_by,
                    su.username AS "submitted_by_name?", s.decided_at, du.username AS "decided_by_name?",
                    s.return_comment, s.sent_at
               FROM submissions s
               LEFT JOIN users su ON su.id = s.submitted_by
               LEFT JOIN users du ON du.id = s.decided_by
               WHERE s.form = $1 AND s.unit_code = $2 AND s.period = $3
               FOR UPDATE OF s"#,
            key.form.key(),
            key.unit,
            key.period
        )
        .fetch_optional(db)
        .await
    } else {
        sqlx::query_as!(
            Submission,
            r#"SELECT s.id, s.status AS "status: SubmissionStatus", s.revision, s.submitted_at, s.first_submitted_at, s.submitted_by,
                    su.username AS "submitted_by_name?", s.decided_at, du.username AS "decided_by_name?",
                    s.return_comment, s.sent_at
               FROM submissions s
               LEFT JOIN users su ON su.id = s.submitted_by
               LEFT JOIN users du ON du.id = s.decided_by
               WHERE s.form = $1 AND s.unit_code = $2 AND s.period = $3"#,
            key.form.key(),
            key.unit,
            key.period
        )
        .fetch_optional(db)
        .await
    }
}

/// Creates the submission's row if needed and locks it (the first step of every transition).
pub async fn lock(tx: &mut PgConnection, key: &Key<'_>) -> Result<Submission, sqlx::Error> {
    sqlx::query!(
        "INSERT INTO submissions (group_code, regime_id, unit_code, period) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING",
        key.form.group(),
        key.form.regime(),
        key.unit,
        key.period
    )
    .execute(&mut *tx)
    .await?;
    Ok(load(tx, key, true)
        .await?
        .expect("row exists after the insert"))
}

/// Demo history only: a submission handed in at `at` (revision 1, waiting for a decision)
/// unless one exists. Real submissions go through [`lock`] and [`submit`].
pub async fn seed_handed_in(
    tx: &mut PgConnection,
    key: &Key<'_>,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO submissions (group_code, regime_id, unit_code, period, status, revision, submitted_at,
                first_submitted_at)
         VALUES ($1, $2, $3, $4, 'submitted', 1, $5, $5) ON CONFLICT DO NOTHING",
        key.form.group(),
        key.form.regime(),
        key.unit,
        key.period,
        at
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// Submitted for approval: the next revision, by `user`.
pub async fn submit(
    tx: &mut PgConnection,
    sub: &Submission,
    user: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE submissions SET status = 'submitted', revision = revision + 1, submitted_at = now(),
                first_submitted_at = coalesce(first_submitted_at, now()), submitted_by = $2, return_comment = NULL, updated_at = now()
         WHERE id = $1",
        sub.id,
        user
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Returned to its unit with `comment` (required by the table's CHECK as well).
pub async fn return_to_unit(
    tx: &mut PgConnection,
    sub: &Submission,
    user: Option<i64>,
    comment: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE submissions SET status = 'returned', decided_at = now(), decided_by = $2, return_comment = $3,
                updated_at = now()
         WHERE id = $1",
        sub.id,
        user,
        comment
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Approved by `user` at `at`.
pub async fn approve(
    tx: &mut PgConnection,
    sub: &Submission,
    user: Option<i64>,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE submissions SET status = 'approved', decided_at = $3, decided_by = $2, return_comment = NULL,
                updated_at = now()
         WHERE id = $1",
        sub.id,
        user,
        at
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Its content changed; a published submission (`reopened`) becomes a draft of the next
/// revision.
pub async fn edited(
    tx: &mut PgConnection,
    sub: &Submission,
    reopened: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE submissions SET status = CASE WHEN $2 THEN 'draft' ELSE status END, updated_at = now() WHERE id = $1",
        sub.id,
        reopened
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Records that the receiving system acknowledged revision `revision` of a submission. Called by
/// the delivery worker in the transaction that marks the message delivered. A report edited
/// since (a newer revision in progress) keeps its status: only the revision that was sent is.
/// Returns the unit whose report changed, if it did.
pub async fn delivered(
    tx: &mut sqlx::PgConnection,
    submission_id: i64,
    revision: i32,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "UPDATE submissions SET status = 'sent', sent_at = now(), updated_at = now()
         WHERE id = $1 AND revision = $2 AND status = 'approved'
         RETURNING unit_code",
        submission_id,
        revision
    )
    .fetch_optional(&mut *tx)
    .await
}
