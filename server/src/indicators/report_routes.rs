//! HTTP handlers of the reports: entry, submission, approval, deadlines, Excel in and out.
//! Parse, check who asks, call the workflow, publish after commit, answer.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Json;
use ioc_protocol::i18n::Msg;
use ioc_protocol::{
    format_period, parse_period, ApiErrorBody, DeadlineBoard, EntryRevision, FigureKind,
    ReturnRequest, SaveEntries, SubmissionSummary, SubmissionView,
};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::deadlines::{self, Calendar};
use super::excel;
use super::workflow::{self, Ctx, Done, EntrySource, Report};
use crate::auth::{Principal, Who};
use crate::http::extract::ApiJson;
use crate::http::ApiError;
use crate::AppState;

/// The reports' routes and their OpenAPI entries, from the handlers' annotations.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_submissions))
        .routes(routes!(export_submissions))
        .routes(routes!(get_deadlines))
        .routes(routes!(get_submission))
        .routes(routes!(put_entries))
        .routes(routes!(submit))
        .routes(routes!(approve))
        .routes(routes!(return_report))
        .routes(routes!(history))
        .routes(routes!(template))
        .routes(routes!(import))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// `YYYY-MM`; the current reporting period when absent.
    pub period: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Which figures the sheet holds: `estimate` (default) or `official`.
    pub kind: Option<String>,
}

fn user_id(p: &Principal) -> Option<i64> {
    match &p.who {
        Who::User(u) => Some(u.id),
        _ => None,
    }
}

fn ctx<'a>(state: &'a AppState, actor: &'a crate::audit::Actor) -> Ctx<'a> {
    Ctx {
        db: &state.db,
        epoch: &state.epoch,
        province: &state.config.province,
        actor,
    }
}

/// Sends what a committed step published and wakes the delivery worker when it queued messages.
fn finish(state: &AppState, done: Done) -> Json<SubmissionView> {
    for p in done.publications {
        state.hub.publish(p);
    }
    if done.queued {
        state.outbox.notify_one();
    }
    if done.province_board {
        state.province_board.notify_one();
    }
    Json(done.view)
}

/// The reports of one period: every reporting unit for readers of the province, a unit editor's
/// own units otherwise.
async fn summaries_for(
    state: &AppState,
    p: &Principal,
    period: Option<&str>,
) -> Result<Vec<SubmissionSummary>, ApiError> {
    let everyone = p.reads_all_indicators();
    let own = p.edited_units();
    p.require(everyone || !own.is_empty())?;
    let cal = Calendar::load(&state.db).await?;
    let today = deadlines::today();
    let mut out = Vec::new();
    for rule in deadlines::rules(&state.db).await? {
        let month = match period {
            Some(s) => parse_period(s).ok_or_else(|| ApiError::InvalidPeriod(s.to_string()))?,
            None => deadlines::current_period(&rule, &cal, today),
        };
        let rows = deadlines::summaries(&state.db, &rule, &cal, month, None, today).await?;
        out.extend(
            rows.into_iter()
                .filter(|r| everyone || own.contains(&r.unit)),
        );
    }
    Ok(out)
}

/// Reports of a period with their status and deadlines.
#[utoipa::path(get, path = "/api/v1/submissions", tag = "reports", params(PeriodQuery),
    responses((status = 200, body = [SubmissionSummary]), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
              (status = 422, body = ApiErrorBody)))]
pub async fn list_submissions(
    State(state): State<AppState>,
    p: Principal,
    Query(q): Query<PeriodQuery>,
) -> Result<Json<Vec<SubmissionSummary>>, ApiError> {
    Ok(Json(summaries_for(&state, &p, q.period.as_deref()).await?))
}

/// The same list as an Excel workbook.
#[utoipa::path(get, path = "/api/v1/submissions.xlsx", tag = "reports", params(PeriodQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 401), (status = 403)))]
pub async fn export_submissions(
    State(state): State<AppState>,
    p: Principal,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, ApiError> {
    let rows = summaries_for(&state, &p, q.period.as_deref()).await?;
    let period = rows.first().map(|r| r.period.clone()).unwrap_or_default();
    let body = excel::blocking(move || excel::submissions_workbook(&rows)).await??;
    Ok(excel::attachment(&format!("bao-cao-{period}.xlsx"), body))
}

/// The deadline board: the current period (or `period`) with the previous period's open reports.
#[utoipa::path(get, path = "/api/v1/deadlines", tag = "reports", params(PeriodQuery),
    responses((status = 200, body = DeadlineBoard), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)))]
pub async fn get_deadlines(
    State(state): State<AppState>,
    p: Principal,
    Query(q): Query<PeriodQuery>,
) -> Result<Json<DeadlineBoard>, ApiError> {
    let everyone = p.reads_all_indicators();
    let own = p.edited_units();
    p.require(everyone || !own.is_empty())?;
    let cal = Calendar::load(&state.db).await?;
    let today = deadlines::today();
    let mut rows = Vec::new();
    let mut shown = None;
    let mut conn = state.db.acquire().await?;
    for rule in deadlines::rules(&mut *conn).await? {
        match q.period.as_deref() {
            Some(s) => {
                let month =
                    parse_period(s).ok_or_else(|| ApiError::InvalidPeriod(s.to_string()))?;
                shown.get_or_insert(format_period(month));
                rows.extend(
                    deadlines::summaries(&mut *conn, &rule, &cal, month, None, today).await?,
                );
            }
            None => {
                let b = deadlines::board(&mut conn, &rule, &cal, today, None).await?;
                shown.get_or_insert(b.period);
                rows.extend(b.rows);
            }
        }
    }
    rows.retain(|r| everyone || own.contains(&r.unit));
    Ok(Json(DeadlineBoard {
        period: shown.unwrap_or_default(),
        today: today.to_string(),
        rows,
    }))
}

/// Loads the report and checks that `p` may read it.
async fn readable(
    state: &AppState,
    p: &Principal,
    unit: &str,
    period: &str,
) -> Result<Report, ApiError> {
    p.require(p.reads_unit_reports(unit))?;
    p.require_unit_in_scope(&state.db, unit).await?;
    workflow::report(&state.db, unit, period, None).await
}

/// Loads the report and checks that `p` enters its figures.
async fn editable(
    state: &AppState,
    p: &Principal,
    unit: &str,
    period: &str,
) -> Result<Report, ApiError> {
    p.require(p.edits_unit(unit))?;
    workflow::report(&state.db, unit, period, None).await
}

/// Loads the report and checks that `p` approves reports.
async fn decidable(
    state: &AppState,
    p: &Principal,
    unit: &str,
    period: &str,
) -> Result<Report, ApiError> {
    p.require(p.is_approver())?;
    workflow::report(&state.db, unit, period, None).await
}

/// One report with its figures and what they are compared with.
#[utoipa::path(get, path = "/api/v1/submissions/{unit}/{period}", tag = "reports",
    params(("unit" = String, Path), ("period" = String, Path, description = "YYYY-MM")),
    responses((status = 200, body = SubmissionView), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
              (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn get_submission(
    State(state): State<AppState>,
    p: Principal,
    Path((unit, period)): Path<(String, String)>,
) -> Result<Json<SubmissionView>, ApiError> {
    let r = readable(&state, &p, &unit, &period).await?;
    Ok(Json(workflow::view(&state.db, &r).await?))
}

/// Saves figures (a new revision of each changed figure). 422 `check_failed` / `warning_needs_note`
/// carry the findings.
#[utoipa::path(put, path = "/api/v1/submissions/{unit}/{period}/entries", tag = "reports", request_body = SaveEntries,
    params(("unit" = String, Path), ("period" = String, Path)),
    responses((status = 200, body = SubmissionView), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
              (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn put_entries(
    State(state): State<AppState>,
    p: Principal,
    Path((unit, period)): Path<(String, String)>,
    ApiJson(save): ApiJson<SaveEntries>,
) -> Result<Json<SubmissionView>, ApiError> {
    let r = editable(&state, &p, &unit, &period).await?;
    let actor = p.actor();
    let done = workflow::save_entries(
        &ctx(&state, &actor),
        &r,
        &save,
        EntrySource::Form,
        user_id(&p),
    )
    .await?;
    Ok(finish(&state, done))
}

/// Submits the report for approval.
#[utoipa::path(post, path = "/api/v1/submissions/{unit}/{period}/submit", tag = "reports",
    params(("unit" = String, Path), ("period" = String, Path)),
    responses((status = 401, body = ioc_protocol::ApiErrorBody), (status = 200, body = SubmissionView), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody),
              (status = 422, body = ApiErrorBody)))]
pub async fn submit(
    State(state): State<AppState>,
    p: Principal,
    Path((unit, period)): Path<(String, String)>,
) -> Result<Json<SubmissionView>, ApiError> {
    let r = editable(&state, &p, &unit, &period).await?;
    let actor = p.actor();
    Ok(finish(
        &state,
        workflow::submit(&ctx(&state, &actor), &r, user_id(&p)).await?,
    ))
}

/// Approves a submitted report: publishes its figures and queues them for the Government system.
#[utoipa::path(post, path = "/api/v1/submissions/{unit}/{period}/approve", tag = "reports",
    params(("unit" = String, Path), ("period" = String, Path)),
    responses((status = 401, body = ioc_protocol::ApiErrorBody), (status = 200, body = SubmissionView), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub async fn approve(
    State(state): State<AppState>,
    p: Principal,
    Path((unit, period)): Path<(String, String)>,
) -> Result<Json<SubmissionView>, ApiError> {
    let r = decidable(&state, &p, &unit, &period).await?;
    let actor = p.actor();
    Ok(finish(
        &state,
        workflow::approve(&ctx(&state, &actor), &r, user_id(&p)).await?,
    ))
}

/// Returns a submitted report to its unit with a comment.
#[utoipa::path(post, path = "/api/v1/submissions/{unit}/{period}/return", tag = "reports", request_body = ReturnRequest,
    params(("unit" = String, Path), ("period" = String, Path)),
    responses((status = 401, body = ioc_protocol::ApiErrorBody), (status = 200, body = SubmissionView), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody),
              (status = 422, body = ApiErrorBody)))]
pub async fn return_report(
    State(state): State<AppState>,
    p: Principal,
    Path((unit, period)): Path<(String, String)>,
    ApiJson(body): ApiJson<ReturnRequest>,
) -> Result<Json<SubmissionView>, ApiError> {
    let r = decidable(&state, &p, &unit, &period).await?;
    let actor = p.actor();
    Ok(finish(
        &state,
        workflow::return_report(&ctx(&state, &actor), &r, &body.comment, user_id(&p)).await?,
    ))
}

/// Every entry of the report, newest first.
#[utoipa::path(get, path = "/api/v1/submissions/{unit}/{period}/history", tag = "reports",
    params(("unit" = String, Path), ("period" = String, Path)),
    responses((status = 401, body = ioc_protocol::ApiErrorBody), (status = 200, body = [EntryRevision]), (status = 403, body = ApiErrorBody)))]
pub async fn history(
    State(state): State<AppState>,
    p: Principal,
    Path((unit, period)): Path<(String, String)>,
) -> Result<Json<Vec<EntryRevision>>, ApiError> {
    let r = readable(&state, &p, &unit, &period).await?;
    Ok(Json(workflow::history(&state.db, &r, None).await?))
}

/// The Excel template of this report, with the current figures filled in.
#[utoipa::path(get, path = "/api/v1/submissions/{unit}/{period}/template.xlsx", tag = "reports",
    params(("unit" = String, Path), ("period" = String, Path)),
    responses((status = 401, body = ioc_protocol::ApiErrorBody), (status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 403, body = ApiErrorBody)))]
pub async fn template(
    State(state): State<AppState>,
    p: Principal,
    Path((unit, period)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let r = readable(&state, &p, &unit, &period).await?;
    let view = workflow::view(&state.db, &r).await?;
    let name = format!("mau-bao-cao-{unit}-{period}.xlsx");
    let body = excel::blocking(move || excel::template_workbook(&view)).await??;
    Ok(excel::attachment(&name, body))
}

/// Imports figures from a filled template (the .xlsx file is the request body). Same checks
/// and answers as the form.
#[utoipa::path(post, path = "/api/v1/submissions/{unit}/{period}/import", tag = "reports", params(
        ("unit" = String, Path), ("period" = String, Path), ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    responses((status = 401, body = ioc_protocol::ApiErrorBody), (status = 200, body = SubmissionView), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody),
              (status = 422, body = ApiErrorBody)))]
pub async fn import(
    State(state): State<AppState>,
    p: Principal,
    Path((unit, period)): Path<(String, String)>,
    Query(q): Query<ImportQuery>,
    body: Bytes,
) -> Result<Json<SubmissionView>, ApiError> {
    let r = editable(&state, &p, &unit, &period).await?;
    let kind = match q.kind.as_deref() {
        None => FigureKind::Estimate,
        Some(k) => {
            FigureKind::parse(k).ok_or_else(|| ApiError::InvalidBody(format!("kind = {k:?}")))?
        }
    };
    let indicators: Vec<(String, u8)> = r
        .indicators
        .iter()
        .map(|i| (i.def.code.clone(), i.def.decimals))
        .collect();
    let values = excel::blocking(move || excel::read_template(&body, &indicators))
        .await?
        .map_err(|e| ApiError::Unprocessable(Msg::BadSpreadsheet, e))?;
    let actor = p.actor();
    let save = SaveEntries { kind, values };
    let done = workflow::save_entries(
        &ctx(&state, &actor),
        &r,
        &save,
        EntrySource::Excel,
        user_id(&p),
    )
    .await?;
    Ok(finish(&state, done))
}
