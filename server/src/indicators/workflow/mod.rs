//! The life of a report: draft → submitted → approved → sent, or submitted → returned → …
//! Owns the tables `submissions` and `indicator_entries`.
//!
//! Every step is one transaction holding the report's row lock: the change, its audit entry,
//! and what follows from it (on approval: the published figures, the points the walls follow
//! and the message to the Government system) commit together or not at all. The live
//! publications are returned to the caller to send after the commit.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use ioc_protocol::i18n::Msg;
use ioc_protocol::{
    format_period, months_before, parse_period, period_ts, EntryRevision, EntryRow, EntryValue,
    FigureKind, Finding, Publication, ReportMessage, ReportMessageFigure, SaveEntries, Severity,
    SubmissionStatus, SubmissionView,
};
use serde_json::json;
use sqlx::{PgConnection, PgPool};

use super::catalogue::{self, Indicator};
use super::deadlines::{self, Calendar, Rule};
use super::{checks, figures, points};
use crate::audit::{self, Actor, Entry};
use crate::http::ApiError;
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
    pub period: NaiveDate,
    pub indicators: Vec<Indicator>,
}

/// Resolves `unit` × `period` into a report: the unit must report indicators (of `group`, or of
/// its one group), the period must be a month from 2019-01 to the current month.
pub async fn report(
    db: &PgPool,
    unit: &str,
    period: &str,
    group: Option<&str>,
) -> Result<Report, ApiError> {
    let month = parse_period(period).ok_or_else(|| ApiError::InvalidPeriod(period.to_string()))?;
    let this_month = deadlines::today().with_day(1).expect("day 1");
    if month < NaiveDate::from_ymd_opt(2019, 1, 1).expect("valid") || month > this_month {
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
        _ => u.code.clone(),
    };
    Ok(Report {
        rule,
        unit: u,
        area,
        period: month,
        indicators,
    })
}

/// A report's row with the names of who submitted and decided it.
struct SubmissionRow {
    id: i64,
    status: SubmissionStatus,
    revision: i32,
    submitted_at: Option<DateTime<Utc>>,
    submitted_by: Option<i64>,
    submitted_by_name: Option<String>,
    decided_at: Option<DateTime<Utc>>,
    decided_by_name: Option<String>,
    return_comment: Option<String>,
    sent_at: Option<DateTime<Utc>>,
}

impl SubmissionRow {
    fn status(&self) -> SubmissionStatus {
        self.status
    }
}

/// The report's row, locked (`FOR UPDATE OF s`) when `lock`. The two statements differ only in
/// the lock: checked queries are literals.
async fn load_submission(
    db: &mut PgConnection,
    r: &Report,
    lock: bool,
) -> Result<Option<SubmissionRow>, sqlx::Error> {
    if lock {
        sqlx::query_as!(
            SubmissionRow,
            r#"SELECT s.id, s.status AS "status: SubmissionStatus", s.revision, s.submitted_at, s.submitted_by,
                    su.username AS "submitted_by_name?", s.decided_at, du.username AS "decided_by_name?",
                    s.return_comment, s.sent_at
               FROM submissions s
               LEFT JOIN users su ON su.id = s.submitted_by
               LEFT JOIN users du ON du.id = s.decided_by
               WHERE s.group_code = $1 AND s.unit_code = $2 AND s.period = $3
               FOR UPDATE OF s"#,
            r.rule.code,
            r.unit.code,
            r.period
        )
        .fetch_optional(db)
        .await
    } else {
        sqlx::query_as!(
            SubmissionRow,
            r#"SELECT s.id, s.status AS "status: SubmissionStatus", s.revision, s.submitted_at, s.submitted_by,
                    su.username AS "submitted_by_name?", s.decided_at, du.username AS "decided_by_name?",
                    s.return_comment, s.sent_at
               FROM submissions s
               LEFT JOIN users su ON su.id = s.submitted_by
               LEFT JOIN users du ON du.id = s.decided_by
               WHERE s.group_code = $1 AND s.unit_code = $2 AND s.period = $3"#,
            r.rule.code,
            r.unit.code,
            r.period
        )
        .fetch_optional(db)
        .await
    }
}

/// Creates the report's row if needed and locks it.
async fn lock_submission(tx: &mut PgConnection, r: &Report) -> Result<SubmissionRow, sqlx::Error> {
    sqlx::query!(
        "INSERT INTO submissions (group_code, unit_code, period) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        r.rule.code,
        r.unit.code,
        r.period
    )
    .execute(&mut *tx)
    .await?;
    Ok(load_submission(tx, r, true)
        .await?
        .expect("row exists after the insert"))
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

/// What a figure is compared with: previous month, same month last year, and the sum of this
/// year's earlier months (for cumulative indicators; `None` when a month is missing).
struct References {
    previous_month: Option<f64>,
    same_month_last_year: Option<f64>,
    ytd_before: Option<f64>,
}

async fn references(
    db: &mut PgConnection,
    ind: &Indicator,
    area: &str,
    period: NaiveDate,
) -> Result<References, sqlx::Error> {
    let previous_month =
        figures::value_at(&mut *db, ind.id, area, months_before(period, 1)).await?;
    let same_month_last_year =
        figures::value_at(&mut *db, ind.id, area, months_before(period, 12)).await?;
    let ytd_before = if !ind.def.cumulative {
        None
    } else if period.month() == 1 {
        Some(0.0)
    } else {
        let january = period.with_month(1).expect("January");
        let months = figures::months(
            &mut *db,
            ind.id,
            ind.def.aggregation,
            area,
            january,
            months_before(period, 1),
        )
        .await?;
        (months.len() as u32 == period.month0()).then(|| months.iter().map(|m| m.value).sum())
    };
    Ok(References {
        previous_month,
        same_month_last_year,
        ytd_before,
    })
}

/// The report as its editor, its approver and the wall's drill-down see it.
pub async fn view(db: &PgPool, r: &Report) -> Result<SubmissionView, sqlx::Error> {
    let mut conn = db.acquire().await?;
    view_in(&mut conn, r).await
}

async fn view_in(db: &mut PgConnection, r: &Report) -> Result<SubmissionView, sqlx::Error> {
    let sub = load_submission(db, r, false).await?;
    let entries = match &sub {
        Some(s) => current_entries(db, s.id).await?,
        None => Vec::new(),
    };
    let cal = Calendar::load(&mut *db).await?;
    let (deadline, send_deadline) = deadlines::deadlines(&r.rule, &cal, r.period);
    let status = sub.as_ref().map(|s| s.status());
    let mut rows = Vec::with_capacity(r.indicators.len());
    for ind in &r.indicators {
        let refs = references(db, ind, &r.area, r.period).await?;
        let value_of = |kind: FigureKind| {
            entries
                .iter()
                .find(|e| e.series_id == ind.id && e.kind == kind)
                .map(|e| EntryValue {
                    value: e.value,
                    ytd: e.ytd,
                    note: e.note.clone(),
                    warnings: serde_json::from_value(e.warnings.clone()).unwrap_or_default(),
                    entered_at: e.entered_at,
                    entered_by: e.entered_by.clone(),
                    versions: e.versions,
                })
        };
        rows.push(EntryRow {
            indicator: ind.def.clone(),
            estimate: value_of(FigureKind::Estimate),
            official: value_of(FigureKind::Official),
            previous_month: refs.previous_month,
            same_month_last_year: refs.same_month_last_year,
            ytd_before: refs.ytd_before,
        });
    }
    Ok(SubmissionView {
        id: sub.as_ref().map(|s| s.id),
        group: r.rule.code.clone(),
        unit: r.unit.code.clone(),
        unit_name_vi: r.unit.name_vi.clone(),
        unit_name_en: r.unit.name_en.clone(),
        area: r.area.clone(),
        period: format_period(r.period),
        status: status.unwrap_or(SubmissionStatus::Draft),
        revision: sub.as_ref().map_or(0, |s| s.revision),
        submitted_at: sub.as_ref().and_then(|s| s.submitted_at),
        submitted_by: sub.as_ref().and_then(|s| s.submitted_by_name.clone()),
        decided_at: sub.as_ref().and_then(|s| s.decided_at),
        decided_by: sub.as_ref().and_then(|s| s.decided_by_name.clone()),
        return_comment: sub.as_ref().and_then(|s| s.return_comment.clone()),
        sent_at: sub.as_ref().and_then(|s| s.sent_at),
        deadline: deadline.to_string(),
        send_deadline: send_deadline.to_string(),
        deadline_status: deadlines::status(&r.rule, &cal, status, deadline, deadlines::today()),
        late_to_government: deadlines::late_to_government(
            status,
            send_deadline,
            deadlines::today(),
        ),
        rows,
    })
}

/// Checks a batch of figures without touching the database: finite numbers, each indicator
/// once and part of this report.
fn validate(r: &Report, save: &SaveEntries) -> Result<(), ApiError> {
    if save.values.is_empty() {
        return Err(ApiError::Unprocessable(Msg::EmptyEntries, String::new()));
    }
    let mut seen = HashSet::new();
    for v in &save.values {
        if !v.value.is_finite() || v.ytd.is_some_and(|y| !y.is_finite()) {
            return Err(ApiError::InvalidBody(format!(
                "{}: value must be a finite number",
                v.series
            )));
        }
        if !seen.insert(v.series.as_str()) {
            return Err(ApiError::Unprocessable(
                Msg::DuplicateEntry,
                v.series.clone(),
            ));
        }
        if !r.indicators.iter().any(|i| i.def.code == v.series) {
            return Err(ApiError::Unprocessable(
                Msg::IndicatorNotReported,
                v.series.clone(),
            ));
        }
        if v.note.as_ref().is_some_and(|n| n.chars().count() > 2000) {
            return Err(ApiError::InvalidBody(format!(
                "{}: note longer than 2000 characters",
                v.series
            )));
        }
    }
    Ok(())
}

/// Saves figures typed in the form or read from a sheet. Each changed figure becomes a new entry
/// (the earlier ones stay); an unchanged figure is not written again. Errors refuse the whole
/// batch; warnings refuse it unless their figure carries a note. Editing an approved or sent
/// report reopens it as a draft of the next revision; the published figures stay until that
/// revision is approved.
pub async fn save_entries(
    ctx: &Ctx<'_>,
    r: &Report,
    save: &SaveEntries,
    source: EntrySource,
    user: Option<i64>,
) -> Result<Done, ApiError> {
    validate(r, save)?;
    let mut tx = ctx.db.begin().await?;
    let sub = lock_submission(&mut tx, r).await?;
    let status = sub.status();
    if status == SubmissionStatus::Submitted {
        return Err(ApiError::InvalidTransition {
            action: "edit",
            from: "submitted",
        });
    }
    let current = current_entries(&mut tx, sub.id).await?;
    let mut findings: Vec<Finding> = Vec::new();
    let mut missing_notes: Vec<Finding> = Vec::new();
    let mut changed = Vec::new();
    for v in &save.values {
        let ind = r
            .indicators
            .iter()
            .find(|i| i.def.code == v.series)
            .expect("validated");
        let refs = references(&mut tx, ind, &r.area, r.period).await?;
        let found = checks::check(&checks::Candidate {
            def: &ind.def,
            kind: save.kind,
            value: v.value,
            ytd: v.ytd,
            previous_month: refs.previous_month,
            same_month_last_year: refs.same_month_last_year,
            ytd_before: refs.ytd_before,
        });
        let note = v.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
        if checks::needs_note(&found, note) {
            missing_notes.extend(
                found
                    .iter()
                    .filter(|f| f.severity == Severity::Warning)
                    .cloned(),
            );
        }
        let same = current.iter().any(|c| {
            c.series_id == ind.id
                && c.kind == save.kind
                && c.value == v.value
                && c.ytd == v.ytd
                && c.note.as_deref() == note
        });
        if !same {
            changed.push((ind, v, note, found.clone()));
        }
        findings.extend(found);
    }
    if findings.iter().any(|f| f.severity == Severity::Error) {
        return Err(ApiError::CheckFailed(findings));
    }
    if !missing_notes.is_empty() {
        return Err(ApiError::WarningNeedsNote(missing_notes));
    }
    let mut entry = None;
    if !changed.is_empty() {
        let revision = sub.revision + 1;
        for (ind, v, note, found) in &changed {
            sqlx::query!(
                "INSERT INTO indicator_entries
                    (submission_id, series_id, area_code, period, kind, revision, value, ytd_value, note, warnings,
                     source, entered_by)
                 VALUES ($1, $2, $3, $4, $5, $6, $7::float8::numeric, $8::float8::numeric, $9, $10, $11, $12)",
                sub.id,
                ind.id,
                r.area,
                r.period,
                save.kind.as_str(),
                revision,
                v.value,
                v.ytd,
                *note,
                serde_json::to_value(found).unwrap_or_default(),
                source.as_str(),
                user
            )
            .execute(&mut *tx)
            .await?;
        }
        let reopened = matches!(status, SubmissionStatus::Approved | SubmissionStatus::Sent);
        sqlx::query!(
            "UPDATE submissions SET status = CASE WHEN $2 THEN 'draft' ELSE status END, updated_at = now() WHERE id = $1",
            sub.id,
            reopened
        )
        .execute(&mut *tx)
        .await?;
        let after = json!({
            "kind": save.kind.as_str(),
            "source": source.as_str(),
            "revision": revision,
            "values": changed.iter().map(|(i, v, note, _)| json!({"series": i.def.code, "value": v.value, "ytd": v.ytd, "note": note})).collect::<Vec<_>>(),
            "reopened": reopened,
        });
        entry = Some(Entry {
            action: "indicators.entries.save",
            entity: "submission",
            entity_id: Some(sub.id.to_string()),
            before: Some(json!({"status": status.as_str()})),
            after: Some(after),
        });
    }
    conclude(tx, ctx, r, entry, Vec::new(), false).await
}

/// Ends a workflow step inside its transaction: the audit entry of the change with the deadline
/// boards it moved (nothing when the step changed nothing), the report as it now stands, then the
/// commit. `publications` are what the step itself wrote (the points of an approval).
async fn conclude(
    mut tx: sqlx::Transaction<'_, sqlx::Postgres>,
    ctx: &Ctx<'_>,
    r: &Report,
    change: Option<Entry<'_>>,
    mut publications: Vec<Publication>,
    queued: bool,
) -> Result<Done, ApiError> {
    let changed = change.is_some();
    if let Some(entry) = change {
        audit::record(&mut *tx, ctx.actor, entry).await?;
        // The unit's own board in this transaction; the province's after the commit.
        publications.extend(
            deadlines::refresh_unit_boards(&mut tx, ctx.epoch, &[r.unit.code.as_str()]).await?,
        );
    }
    let view = view_in(&mut tx, r).await?;
    tx.commit().await?;
    Ok(Done {
        view,
        publications,
        queued,
        province_board: changed,
    })
}

/// Submits the report for approval: every indicator of the report needs a figure.
pub async fn submit(ctx: &Ctx<'_>, r: &Report, user: Option<i64>) -> Result<Done, ApiError> {
    let mut tx = ctx.db.begin().await?;
    let sub = lock_submission(&mut tx, r).await?;
    let status = sub.status();
    if !matches!(status, SubmissionStatus::Draft | SubmissionStatus::Returned) {
        return Err(ApiError::InvalidTransition {
            action: "submit",
            from: status.as_str(),
        });
    }
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
    sqlx::query!(
        "UPDATE submissions SET status = 'submitted', revision = revision + 1, submitted_at = now(),
                submitted_by = $2, return_comment = NULL, updated_at = now()
         WHERE id = $1",
        sub.id,
        user
    )
    .execute(&mut *tx)
    .await?;
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
    let sub = lock_submission(&mut tx, r).await?;
    let status = sub.status();
    if status != SubmissionStatus::Submitted {
        return Err(ApiError::InvalidTransition {
            action: "return",
            from: status.as_str(),
        });
    }
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
    let entry = Entry {
        action: "indicators.return",
        entity: "submission",
        entity_id: Some(sub.id.to_string()),
        before: Some(json!({"status": status.as_str(), "revision": sub.revision})),
        after: Some(json!({"status": "returned", "comment": comment})),
    };
    conclude(tx, ctx, r, Some(entry), Vec::new(), false).await
}

/// Approves a submitted report: its current figures become the province's published figures
/// (appended, the earlier ones stay), the walls' streams get them as points, and one message for
/// the Government system is queued — all in this transaction. Nobody approves their own
/// submission.
pub async fn approve(ctx: &Ctx<'_>, r: &Report, user: Option<i64>) -> Result<Done, ApiError> {
    let mut tx = ctx.db.begin().await?;
    let sub = lock_submission(&mut tx, r).await?;
    let status = sub.status();
    if status != SubmissionStatus::Submitted {
        return Err(ApiError::InvalidTransition {
            action: "approve",
            from: status.as_str(),
        });
    }
    if user.is_some() && sub.submitted_by == user {
        return Err(ApiError::Forbidden);
    }
    let entries = current_entries(&mut tx, sub.id).await?;
    let by_id: HashMap<i32, &Indicator> = r.indicators.iter().map(|i| (i.id, i)).collect();
    for e in &entries {
        sqlx::query!(
            "INSERT INTO indicator_figures
                (series_id, area_code, period, kind, value, ytd_value, submission_id, revision, source, recorded_by)
             VALUES ($1, $2, $3, $4, $5::float8::numeric, $6::float8::numeric, $7, $8, 'approved', $9)",
            e.series_id,
            r.area,
            r.period,
            e.kind.as_str(),
            e.value,
            e.ytd,
            sub.id,
            sub.revision,
            ctx.actor.label
        )
        .execute(&mut *tx)
        .await?;
    }
    // One point per indicator on the live stream: the official figure where there is one.
    let mut best: HashMap<i32, &CurrentEntry> = HashMap::new();
    for e in &entries {
        let better = best
            .get(&e.series_id)
            .is_none_or(|b| b.kind == FigureKind::Estimate && e.kind == FigureKind::Official);
        if better {
            best.insert(e.series_id, e);
        }
    }
    let sources: Vec<(i32, String)> = best
        .values()
        .map(|e| (e.series_id, points::figure_source(false, e.kind)))
        .collect();
    let ts = period_ts(r.period);
    let mut new_points = Vec::new();
    for (series_id, source) in &sources {
        let (Some(ind), Some(e)) = (by_id.get(series_id), best.get(series_id)) else {
            continue;
        };
        new_points.push(points::NewPoint {
            series_id: *series_id,
            series: &ind.def.code,
            unit: &r.area,
            ts,
            value: e.value,
            source,
        });
    }
    new_points.sort_by_key(|p| p.series_id);
    let appended = points::append(&mut tx, ctx.epoch, &new_points).await?;

    let approved_at = Utc::now();
    sqlx::query!(
        "UPDATE submissions SET status = 'approved', decided_at = $3, decided_by = $2, return_comment = NULL,
                updated_at = now()
         WHERE id = $1",
        sub.id,
        user,
        approved_at
    )
    .execute(&mut *tx)
    .await?;
    let payload = ReportMessage {
        schema: ReportMessage::SCHEMA.into(),
        province: ctx.province.to_string(),
        group: r.rule.code.clone(),
        reporting_unit: r.unit.code.clone(),
        area: r.area.clone(),
        period: format_period(r.period),
        submission_id: sub.id,
        revision: sub.revision,
        approved_at,
        approved_by: ctx.actor.label.clone(),
        figures: entries
            .iter()
            .filter_map(|e| {
                let ind = by_id.get(&e.series_id)?;
                Some(ReportMessageFigure {
                    indicator: ind.def.code.clone(),
                    name: ind.def.name_vi.clone(),
                    measure: ind.def.measure_vi.clone(),
                    kind: e.kind,
                    value: e.value,
                    ytd: e.ytd,
                })
            })
            .collect(),
    };
    let key = format!(
        "{}:{}:{}:{}:r{}",
        ctx.province,
        r.rule.code,
        r.unit.code,
        format_period(r.period),
        sub.revision
    );
    crate::central::enqueue(&mut tx, &key, Some(sub.id), &payload).await?;
    let entry = Entry {
        action: "indicators.approve",
        entity: "submission",
        entity_id: Some(sub.id.to_string()),
        before: Some(json!({"status": status.as_str(), "revision": sub.revision})),
        after: Some(json!({"status": "approved", "figures": entries.len(), "outbox_key": key})),
    };
    conclude(tx, ctx, r, Some(entry), appended.publications, true).await
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
        r.unit.code,
        r.period,
        series
    )
    .fetch_all(db)
    .await
}

/// Records that the Government system acknowledged revision `revision` of a report. Called by
/// the delivery worker in the transaction that marks the message delivered. A report edited
/// since (a newer revision in progress) keeps its status: only the revision that was sent is.
/// Returns the unit whose report changed, if it did.
pub async fn mark_sent(
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
