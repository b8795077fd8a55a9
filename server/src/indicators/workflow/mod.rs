//! The life of a monthly report: draft → submitted → approved → sent, or submitted → returned →
//! …, on the shared lifecycle ([`crate::lifecycle`]: the transition table and the four-eyes rule).
//! Owns the table `indicator_entries`; the `submissions` rows belong to the lifecycle.
//!
//! Every step is one transaction holding the report's row lock: the change, its audit entry,
//! and what follows from it (on approval: the published figures, the points the walls follow
//! and the message to the Government system) commit together or not at all. The live
//! publications are returned to the caller to send after the commit.
//!
//! - this module: resolving a report, its row and entries, submit / return / delivered, history;
//! - [`read`]: the read model (the report with what each figure is compared with);
//! - [`entries`]: saving figures from the form or a sheet, with the checks;
//! - [`approval`]: publishing the figures and queueing the Government message.

mod approval;
mod entries;
mod read;

pub use approval::approve;
pub use entries::save_entries;
pub use read::view;

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use ioc_protocol::i18n::Msg;
use ioc_protocol::{EntryRevision, FigureKind, Period, Publication, SubmissionView};
use serde_json::json;
use sqlx::{PgConnection, PgPool};

use super::catalogue::{self, Indicator};
use super::deadlines::{self, Rule};
use crate::audit::{Actor, Entry};
use crate::http::ApiError;
use crate::lifecycle::{self, Action, Form, Key};
use crate::units::{self, UnitKind};

/// Where an entry came from (`indicator_entries.source`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntrySource {
    Form,
    Excel,
}

impl EntrySource {
    fn as_str(self) -> &'static str {
        match self {
            EntrySource::Form => "form",
            EntrySource::Excel => "excel",
        }
    }
}

/// Who acts and on which installation.
pub struct Ctx<'a> {
    pub db: &'a PgPool,
    pub epoch: &'a str,
    pub province: &'a str,
    pub actor: &'a Actor,
}

/// A step's result: the report as it now stands, and the publications to send.
pub struct Done {
    pub view: SubmissionView,
    pub publications: Vec<Publication>,
    /// Messages for the Government system were queued (wake the delivery worker).
    pub queued: bool,
    /// The step changed a report: the province's deadline board is to be recomputed.
    pub province_board: bool,
}

/// A report's identity: which group, unit and month, and the area its figures describe.
pub struct Report {
    pub rule: Rule,
    pub unit: units::Unit,
    pub area: String,
    pub period: Period,
    pub indicators: Vec<Indicator>,
}

impl Report {
    /// The report's row in the shared lifecycle.
    pub fn key(&self) -> Key<'_> {
        Key {
            form: Form::Indicators(&self.rule.code),
            unit: &self.unit.code,
            period: self.period.first_day(),
        }
    }
}

/// Resolves `unit` × `period` into a report: the unit must report indicators (of `group`, or of
/// its one group), the period must be a month from 2019-01 to the current month.
pub async fn report(
    db: &PgPool,
    unit: &str,
    period: &str,
    group: Option<&str>,
) -> Result<Report, ApiError> {
    let month = Period::parse(period).ok_or_else(|| ApiError::InvalidPeriod(period.to_string()))?;
    let first = Period::parse("2019-01").expect("a month");
    if month < first || month > Period::containing(deadlines::today()) {
        return Err(ApiError::InvalidPeriod(period.to_string()));
    }
    let Some(u) = units::get(db, unit).await? else {
        return Err(ApiError::NotFound);
    };
    let group: Option<String> = match group {
        Some(g) => Some(g.to_string()),
        None => {
            sqlx::query_scalar!(
                r#"SELECT group_code AS "group_code!" FROM series
               WHERE owner_unit = $1 AND group_code IS NOT NULL AND active
               ORDER BY group_code LIMIT 1"#,
                unit
            )
            .fetch_optional(db)
            .await?
        }
    };
    let Some(group) = group else {
        return Err(ApiError::Unprocessable(
            Msg::NotReportingUnit,
            unit.to_string(),
        ));
    };
    let rule = deadlines::rule(db, &group)
        .await?
        .ok_or(ApiError::NotFound)?;
    let indicators = catalogue::reported_by(db, &group, unit).await?;
    if indicators.is_empty() {
        return Err(ApiError::Unprocessable(
            Msg::NotReportingUnit,
            unit.to_string(),
        ));
    }
    // A department reports the province's figures; a commune its own.
    let area = match (u.kind, &u.parent_code) {
        (UnitKind::Department, Some(parent)) => parent.clone(),
        _ => u.code.to_string(),
    };
    Ok(Report {
        rule,
        unit: u,
        area,
        period: month,
        indicators,
    })
}

/// The latest entry of one figure of a report.
struct CurrentEntry {
    series_id: i32,
    kind: FigureKind,
    value: f64,
    ytd: Option<f64>,
    note: Option<String>,
    warnings: serde_json::Value,
    entered_at: DateTime<Utc>,
    entered_by: Option<String>,
    versions: i64,
}

/// The current entry per (series, kind) of a report: the latest row, and how many there were.
async fn current_entries(
    db: &mut PgConnection,
    submission_id: i64,
) -> Result<Vec<CurrentEntry>, sqlx::Error> {
    sqlx::query_as!(
        CurrentEntry,
        r#"SELECT DISTINCT ON (e.series_id, e.kind) e.series_id, e.kind AS "kind: FigureKind",
                e.value::float8 AS "value!", e.ytd_value::float8 AS ytd, e.note, e.warnings, e.entered_at,
                u.username AS "entered_by?", count(*) OVER (PARTITION BY e.series_id, e.kind) AS "versions!"
         FROM indicator_entries e LEFT JOIN users u ON u.id = e.entered_by
         WHERE e.submission_id = $1
         ORDER BY e.series_id, e.kind, e.id DESC"#,
        submission_id
    )
    .fetch_all(db)
    .await
}

/// Ends a step through the lifecycle: the unit's own deadline board is refreshed in the
/// transaction, the province's after the commit (`Done::province_board`).
async fn conclude(
    tx: sqlx::Transaction<'_, sqlx::Postgres>,
    ctx: &Ctx<'_>,
    r: &Report,
    change: Option<Entry<'_>>,
    publications: Vec<Publication>,
    queued: bool,
) -> Result<Done, ApiError> {
    let unit = r.unit.code.as_str();
    let done = lifecycle::conclude(
        tx,
        ctx.actor,
        change,
        publications,
        async |c: &mut PgConnection| deadlines::refresh_unit_boards(c, ctx.epoch, &[unit]).await,
        async |c: &mut PgConnection| read::view_in(c, r).await,
    )
    .await?;
    Ok(Done {
        view: done.view,
        publications: done.publications,
        queued,
        province_board: done.changed,
    })
}

/// Submits the report for approval: every indicator of the report needs a figure.
pub async fn submit(ctx: &Ctx<'_>, r: &Report, user: Option<i64>) -> Result<Done, ApiError> {
    let mut tx = ctx.db.begin().await?;
    let sub = lifecycle::lock(&mut tx, &r.key()).await?;
    let status = sub.status;
    lifecycle::step(status, Action::Submit)?;
    let entered: HashSet<i32> = current_entries(&mut tx, sub.id)
        .await?
        .iter()
        .map(|e| e.series_id)
        .collect();
    let missing: Vec<&str> = r
        .indicators
        .iter()
        .filter(|i| !entered.contains(&i.id))
        .map(|i| i.def.code.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(ApiError::Unprocessable(
            Msg::EmptyEntries,
            missing.join(", "),
        ));
    }
    lifecycle::submit(&mut tx, &sub, user).await?;
    let entry = Entry {
        action: "indicators.submit",
        entity: "submission",
        entity_id: Some(sub.id.to_string()),
        before: Some(json!({"status": status.as_str(), "revision": sub.revision})),
        after: Some(json!({"status": "submitted", "revision": sub.revision + 1})),
    };
    conclude(tx, ctx, r, Some(entry), Vec::new(), false).await
}

/// Returns a submitted report to its unit with a comment.
pub async fn return_report(
    ctx: &Ctx<'_>,
    r: &Report,
    comment: &str,
    user: Option<i64>,
) -> Result<Done, ApiError> {
    let comment = comment.trim();
    if comment.is_empty() {
        return Err(ApiError::Unprocessable(
            Msg::ReturnCommentRequired,
            String::new(),
        ));
    }
    if comment.chars().count() > 2000 {
        return Err(ApiError::InvalidBody(
            "comment longer than 2000 characters".into(),
        ));
    }
    let mut tx = ctx.db.begin().await?;
    let sub = lifecycle::lock(&mut tx, &r.key()).await?;
    let status = sub.status;
    lifecycle::step(status, Action::Return)?;
    lifecycle::return_to_unit(&mut tx, &sub, user, comment).await?;
    let entry = Entry {
        action: "indicators.return",
        entity: "submission",
        entity_id: Some(sub.id.to_string()),
        before: Some(json!({"status": status.as_str(), "revision": sub.revision})),
        after: Some(json!({"status": "returned", "comment": comment})),
    };
    conclude(tx, ctx, r, Some(entry), Vec::new(), false).await
}

/// Every entry of a report, newest first (the revisions side by side).
pub async fn history(
    db: &PgPool,
    r: &Report,
    series: Option<&str>,
) -> Result<Vec<EntryRevision>, sqlx::Error> {
    sqlx::query_as!(
        EntryRevision,
        r#"SELECT se.code AS series, e.kind AS "kind: FigureKind", e.value::float8 AS "value!",
                e.ytd_value::float8 AS ytd, e.note, e.source, e.entered_at, u.username AS "entered_by?", e.revision
         FROM indicator_entries e
         JOIN submissions s ON s.id = e.submission_id
         JOIN series se ON se.id = e.series_id
         LEFT JOIN users u ON u.id = e.entered_by
         WHERE s.group_code = $1 AND s.unit_code = $2 AND s.period = $3 AND ($4::text IS NULL OR se.code = $4)
         ORDER BY e.id DESC"#,
        r.rule.code,
        r.unit.code.as_str(),
        r.period.first_day(),
        series
    )
    .fetch_all(db)
    .await
}
