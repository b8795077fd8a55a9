//! The `directives`, `tasks`, `task_cooperators`, `task_periods_done`, `task_updates` and
//! `task_evidence` tables.

use std::collections::HashMap;

use chrono::NaiveDate;
use ioc_protocol::{DirectiveView, TaskUnit};
use sqlx::{PgConnection, PgPool};

use super::deadline::Deadline;
use crate::calendar::periods::{DeadlineMonth, Frequency};
use crate::calendar::{Bound, Counting, MonthDeadline};

/// A task as stored, with its letter, owner and co-operating units.
#[derive(Clone, Debug)]
pub struct TaskRow {
    pub id: i64,
    pub directive: DirectiveView,
    pub owner: TaskUnit,
    pub owner_as_written: String,
    pub cooperators: Vec<TaskUnit>,
    pub content: String,
    pub deadline_wording: String,
    pub deadline: Deadline,
    /// An approved extension: its wording and the new last day (as worded).
    pub extended: Option<(String, NaiveDate)>,
    pub extension_pending: bool,
    pub starts_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
    /// A recurring task's periods reported done, by key (`2026-Q3`).
    pub periods_done: HashMap<String, NaiveDate>,
}

/// A task to store: its deadline already read.
pub struct NewTask<'a> {
    pub owner: &'a str,
    pub owner_as_written: &'a str,
    pub cooperators: &'a [String],
    pub content: &'a str,
    pub deadline_wording: &'a str,
    pub deadline: Deadline,
}

/// A letter to store.
pub struct NewDirective<'a> {
    pub number: &'a str,
    pub issued_on: Option<NaiveDate>,
    pub issuer: &'a str,
    pub title: &'a str,
    pub seed: Option<&'a str>,
    pub created_by: &'a str,
}

/// The recurrence columns of a deadline: (every, due_month, due_day, due_before).
type Recurrence = (Option<String>, Option<String>, Option<i16>, Option<bool>);

fn columns(d: &Deadline) -> (Option<NaiveDate>, Recurrence) {
    match d {
        Deadline::Ongoing => (None, (None, None, None, None)),
        Deadline::Once(day) => (Some(*day), (None, None, None, None)),
        Deadline::Recurring { every, month, rule } => (
            None,
            (
                Some(every.as_str().to_string()),
                Some(month.as_str().to_string()),
                i16::try_from(rule.day).ok(),
                Some(rule.bound == Bound::Before),
            ),
        ),
    }
}

fn decode(what: String) -> sqlx::Error {
    sqlx::Error::Decode(what.into())
}

/// The deadline the columns hold; a value this build does not know is an error.
fn deadline_of(id: i64, due_on: Option<NaiveDate>, r: Recurrence) -> Result<Deadline, sqlx::Error> {
    if let Some(day) = due_on {
        return Ok(Deadline::Once(day));
    }
    let (Some(every), Some(month), Some(day), Some(before)) = r else {
        return Ok(Deadline::Ongoing);
    };
    let every = Frequency::parse(&every)
        .ok_or_else(|| decode(format!("task {id}: frequency {every:?}")))?;
    let month = DeadlineMonth::parse(&month)
        .ok_or_else(|| decode(format!("task {id}: month {month:?}")))?;
    Ok(Deadline::Recurring {
        every,
        month,
        rule: MonthDeadline {
            day: u32::try_from(day).unwrap_or(1),
            bound: if before { Bound::Before } else { Bound::By },
            counting: Counting::CalendarDays,
        },
    })
}

/// Stores a letter and its tasks (in the caller's transaction); the new ids.
pub async fn insert(
    tx: &mut PgConnection,
    d: &NewDirective<'_>,
    tasks: &[NewTask<'_>],
) -> Result<(i64, Vec<i64>), sqlx::Error> {
    let id = sqlx::query_scalar!(
        "INSERT INTO directives (number, issued_on, issuer, title, seed, created_by)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        d.number,
        d.issued_on,
        d.issuer,
        d.title,
        d.seed,
        d.created_by
    )
    .fetch_one(&mut *tx)
    .await?;
    let starts_on = d.issued_on.unwrap_or_else(crate::dossiers::today);
    let mut ids = Vec::with_capacity(tasks.len());
    for t in tasks {
        let (due_on, (every, due_month, due_day, due_before)) = columns(&t.deadline);
        let task = sqlx::query_scalar!(
            "INSERT INTO tasks (directive_id, owner_unit, owner_as_written, content, deadline,
                                due_on, every, due_month, due_day, due_before, starts_on)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            id,
            t.owner,
            t.owner_as_written,
            t.content,
            t.deadline_wording,
            due_on,
            every,
            due_month,
            due_day,
            due_before,
            starts_on
        )
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query!(
            "INSERT INTO task_cooperators (task_id, unit_code)
             SELECT $1, u FROM unnest($2::text[]) AS u ON CONFLICT DO NOTHING",
            task,
            t.cooperators
        )
        .execute(&mut *tx)
        .await?;
        ids.push(task);
    }
    Ok((id, ids))
}

/// Whether a demo letter was imported already.
pub async fn seed_imported(db: &PgPool, seed: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM directives WHERE seed = $1) AS "found!""#,
        seed
    )
    .fetch_one(db)
    .await
}

/// The tasks owned by, or shared with, one of `units` (every task when `None`), oldest first.
pub async fn list(db: &PgPool, units: Option<&[String]>) -> Result<Vec<TaskRow>, sqlx::Error> {
    select(db, units, None).await
}

/// One task (`None`: no such task).
pub async fn get(db: &PgPool, id: i64) -> Result<Option<TaskRow>, sqlx::Error> {
    Ok(select(db, None, Some(id)).await?.pop())
}

/// The tasks of `units` (all when `None`), or only task `id`.
async fn select(
    db: &PgPool,
    units: Option<&[String]>,
    id: Option<i64>,
) -> Result<Vec<TaskRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT t.id, d.id AS directive_id, d.number, d.issued_on, d.issuer, d.title,
                  t.owner_unit, u.name_vi AS owner_vi, u.name_en AS owner_en,
                  t.owner_as_written, t.content, t.deadline, t.due_on, t.every, t.due_month,
                  t.due_day, t.due_before, t.starts_on, t.done_on, t.extended_wording,
                  t.extended_to,
                  EXISTS (SELECT 1 FROM task_extensions x WHERE x.task_id = t.id
                          AND x.approved IS NULL) AS "extension_pending!",
                  COALESCE((SELECT jsonb_agg(jsonb_build_object('code', c.unit_code,
                                'name_vi', cu.name_vi, 'name_en', cu.name_en)
                                ORDER BY cu.sort_order, c.unit_code)
                            FROM task_cooperators c JOIN units cu ON cu.code = c.unit_code
                            WHERE c.task_id = t.id), '[]') AS "cooperators!",
                  COALESCE((SELECT jsonb_object_agg(p.period, p.done_on)
                            FROM task_periods_done p WHERE p.task_id = t.id), '{}')
                      AS "periods_done!"
           FROM tasks t
           JOIN directives d ON d.id = t.directive_id
           JOIN units u ON u.code = t.owner_unit
           WHERE ($2::bigint IS NULL OR t.id = $2)
             AND ($1::text[] IS NULL OR t.owner_unit = ANY($1)
                  OR EXISTS (SELECT 1 FROM task_cooperators c
                             WHERE c.task_id = t.id AND c.unit_code = ANY($1)))
           ORDER BY t.id"#,
        units as Option<&[String]>,
        id
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            let deadline = deadline_of(
                r.id,
                r.due_on,
                (r.every, r.due_month, r.due_day, r.due_before),
            )?;
            let cooperators: Vec<TaskUnit> = serde_json::from_value(r.cooperators)
                .map_err(|e| decode(format!("task {}: cooperators: {e}", r.id)))?;
            let periods_done: HashMap<String, NaiveDate> =
                serde_json::from_value(r.periods_done)
                    .map_err(|e| decode(format!("task {}: periods: {e}", r.id)))?;
            Ok(TaskRow {
                id: r.id,
                directive: DirectiveView {
                    id: r.directive_id,
                    number: r.number,
                    issued_on: r.issued_on,
                    issuer: r.issuer,
                    title: r.title,
                },
                owner: TaskUnit {
                    code: r.owner_unit,
                    name_vi: r.owner_vi,
                    name_en: r.owner_en,
                },
                owner_as_written: r.owner_as_written,
                cooperators,
                content: r.content,
                deadline_wording: r.deadline,
                deadline,
                extended: r.extended_wording.zip(r.extended_to),
                extension_pending: r.extension_pending,
                starts_on: r.starts_on,
                done_on: r.done_on,
                periods_done,
            })
        })
        .collect()
}

/// A task locked for a report or an extension.
pub struct Locked {
    pub owner: String,
    pub recurring: bool,
    pub cooperators: Vec<String>,
    /// Its last day as worded now (the letter's, or an approved extension's); `None` for a
    /// recurring or ongoing task.
    pub due_on: Option<NaiveDate>,
    pub done: bool,
}

impl Locked {
    /// The units whose boards the task is on: its owner and co-operating units.
    pub fn units(self) -> Vec<String> {
        let mut units = self.cooperators;
        units.push(self.owner);
        units
    }
}

/// Locks one task's row (`None`: no such task).
pub async fn lock(tx: &mut PgConnection, id: i64) -> Result<Option<Locked>, sqlx::Error> {
    Ok(sqlx::query!(
        r#"SELECT owner_unit, every IS NOT NULL AS "recurring!",
                  ARRAY(SELECT unit_code FROM task_cooperators WHERE task_id = $1) AS "cooperators!",
                  COALESCE(extended_to, due_on) AS due_on, done_on IS NOT NULL AS "done!"
           FROM tasks WHERE id = $1 FOR UPDATE"#,
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .map(|r| Locked {
        owner: r.owner_unit,
        recurring: r.recurring,
        cooperators: r.cooperators,
        due_on: r.due_on,
        done: r.done,
    }))
}

/// Records the owner's report that the task (or a recurring task's `period`) is done on `day`;
/// a second report of the same keeps the first day.
pub async fn mark_done(
    tx: &mut PgConnection,
    id: i64,
    period: Option<&str>,
    day: NaiveDate,
    note: &str,
    author: &str,
) -> Result<(), sqlx::Error> {
    match period {
        Some(period) => {
            sqlx::query!(
                "INSERT INTO task_periods_done (task_id, period, done_on) VALUES ($1, $2, $3)
                 ON CONFLICT (task_id, period) DO NOTHING",
                id,
                period,
                day
            )
            .execute(&mut *tx)
            .await?;
        }
        None => {
            sqlx::query!(
                "UPDATE tasks SET done_on = COALESCE(done_on, $2) WHERE id = $1",
                id,
                day
            )
            .execute(&mut *tx)
            .await?;
        }
    }
    sqlx::query!(
        "INSERT INTO task_updates (task_id, period, note, done, author) VALUES ($1, $2, $3, true, $4)",
        id,
        period,
        note,
        author
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Which of `codes` are active units.
pub async fn known_units(
    db: &PgPool,
    codes: &[String],
) -> Result<std::collections::HashSet<String>, sqlx::Error> {
    Ok(sqlx::query_scalar!(
        "SELECT code FROM units WHERE code = ANY($1) AND active",
        codes
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .collect())
}

/// Stores an extension request; `None` when one is already waiting for this task.
pub async fn request_extension(
    tx: &mut PgConnection,
    task: i64,
    wording: &str,
    due_on: NaiveDate,
    reason: &str,
    by: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO task_extensions (task_id, wording, due_on, reason, requested_by)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (task_id) WHERE approved IS NULL DO NOTHING RETURNING id",
        task,
        wording,
        due_on,
        reason,
        by
    )
    .fetch_optional(&mut *tx)
    .await
}

/// An extension request locked for the decision: its task and whether it was decided already.
pub async fn lock_extension(
    tx: &mut PgConnection,
    id: i64,
) -> Result<Option<(i64, bool)>, sqlx::Error> {
    Ok(sqlx::query!(
        r#"SELECT task_id, approved IS NOT NULL AS "decided!" FROM task_extensions
           WHERE id = $1 FOR UPDATE"#,
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .map(|r| (r.task_id, r.decided)))
}

/// Records the decision; an approval moves the task's deadline to the request's.
pub async fn decide_extension(
    tx: &mut PgConnection,
    id: i64,
    approve: bool,
    note: &str,
    by: &str,
) -> Result<(), sqlx::Error> {
    let x = sqlx::query!(
        "UPDATE task_extensions SET approved = $2, note = $3, decided_by = $4, decided_at = now()
         WHERE id = $1 RETURNING task_id, wording, due_on",
        id,
        approve,
        note,
        by
    )
    .fetch_one(&mut *tx)
    .await?;
    if approve {
        sqlx::query!(
            "UPDATE tasks SET extended_wording = $2, extended_to = $3 WHERE id = $1",
            x.task_id,
            x.wording,
            x.due_on
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// Records a progress report of `unit` on a task; its id.
pub async fn add_progress(
    tx: &mut PgConnection,
    task: i64,
    unit: &str,
    note: &str,
    percent: Option<i16>,
    author: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO task_updates (task_id, unit_code, note, percent, done, author)
         VALUES ($1, $2, $3, $4, false, $5) RETURNING id",
        task,
        unit,
        note,
        percent,
        author
    )
    .fetch_one(tx)
    .await
}

/// An update's task and unit, locked (`None`: no such update).
pub async fn lock_update(
    tx: &mut PgConnection,
    id: i64,
) -> Result<Option<(i64, Option<String>)>, sqlx::Error> {
    Ok(sqlx::query!(
        "SELECT task_id, unit_code FROM task_updates WHERE id = $1 FOR UPDATE",
        id
    )
    .fetch_optional(tx)
    .await?
    .map(|r| (r.task_id, r.unit_code)))
}

/// Attaches a stored document to an update.
pub async fn add_evidence(
    tx: &mut PgConnection,
    update: i64,
    document: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO task_evidence (update_id, document_id) VALUES ($1, $2)",
        update,
        document
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// A task's updates, newest first, each with the ids of its evidence documents.
pub async fn updates(db: &PgPool, task: i64) -> Result<Vec<UpdateRow>, sqlx::Error> {
    sqlx::query_as!(
        UpdateRow,
        r#"SELECT u.id, u.period, u.note, u.percent, u.done, u.unit_code, u.author, u.at,
                  ARRAY(SELECT document_id FROM task_evidence e WHERE e.update_id = u.id
                        ORDER BY document_id) AS "evidence!"
           FROM task_updates u WHERE u.task_id = $1 ORDER BY u.at DESC, u.id DESC"#,
        task
    )
    .fetch_all(db)
    .await
}

/// A row of [`updates`].
pub struct UpdateRow {
    pub id: i64,
    pub period: Option<String>,
    pub note: String,
    pub percent: Option<i16>,
    pub done: bool,
    pub unit_code: Option<String>,
    pub author: String,
    pub at: chrono::DateTime<chrono::Utc>,
    pub evidence: Vec<i64>,
}

/// Whether `document` is evidence of `task` (a download names both).
pub async fn is_evidence(db: &PgPool, task: i64, document: i64) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM task_evidence e JOIN task_updates u ON u.id = e.update_id
                          WHERE u.task_id = $1 AND e.document_id = $2) AS "exists!""#,
        task,
        document
    )
    .fetch_one(db)
    .await
}
