//! HTTP handlers of reporting regimes: an administrator of the receiving unit (or of the province)
//! sets a regime up; each reporting unit's editors prepare and hand in their report per period;
//! the receiving unit (its editors, approvers, administrators) returns or approves it and reads
//! the summary; leaders read everything.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use ioc_protocol::{
    ApiErrorBody, DocumentMeta, RegimeFiguresInput, RegimeInput, RegimeSubmission, RegimeSummary,
    RegimeView, ReturnRequest, UnitLateReports, UnitRecord,
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::submissions::{self, Edit, Target};
use super::{store, Regime};
use crate::audit::{self, Entry};
use crate::auth::{Principal, Who};
use crate::calendar::Calendar;
use crate::documents;
use crate::http::extract::ApiJson;
use crate::http::ApiError;
use crate::indicators::excel;
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    let uploads = OpenApiRouter::new()
        .routes(routes!(put_outline))
        .routes(routes!(put_document))
        .layer(DefaultBodyLimit::max(documents::BODY_LIMIT));
    OpenApiRouter::new()
        .routes(routes!(list_regimes, create_regime))
        .routes(routes!(get_outline))
        .routes(routes!(summary))
        .routes(routes!(summary_xlsx))
        .routes(routes!(get_submission))
        .routes(routes!(get_document))
        .routes(routes!(put_figures))
        .routes(routes!(submit))
        .routes(routes!(approve))
        .routes(routes!(return_submission))
        .routes(routes!(records))
        .routes(routes!(records_xlsx))
        .routes(routes!(late))
        .routes(routes!(late_xlsx))
        .merge(uploads)
}

/// Sets up regimes for `unit`: an administrator working for that unit or for the province (the
/// rights decentralised as seed 003 asks).
fn administers(p: &Principal, state: &AppState, unit: &str) -> bool {
    match &p.who {
        Who::User(u) if p.is_admin() => u
            .unit_code
            .as_deref()
            .is_none_or(|own| own == unit || own == state.config.province),
        _ => false,
    }
}

/// Has any part in the reporting regimes: people who read the province, approvers, units'
/// editors (a wall display reads like a leader). Asked before any regime is looked up, so
/// machines and the Government's viewers are refused without learning which ids exist.
fn takes_part(p: &Principal) -> bool {
    p.reads_all_indicators() || p.is_approver() || p.is_admin() || !p.edited_units().is_empty()
}

/// Reads the submissions a regime receives: its receiving unit's staff and whoever reads the
/// whole province.
fn receives(p: &Principal, r: &Regime) -> bool {
    p.reads_all_indicators() || p.is_approver() || p.edits_unit(&r.receiving_unit)
}

/// Approves or returns them: the receiving unit's editors, approvers, administrators.
fn decides(p: &Principal, r: &Regime) -> bool {
    p.is_admin() || p.is_approver() || p.edits_unit(&r.receiving_unit)
}

async fn regime(state: &AppState, id: i64) -> Result<Regime, ApiError> {
    store::get(&state.db, id).await?.ok_or(ApiError::NotFound)
}

/// The target of a unit's submission: the unit must report in the regime, the period must be
/// one of the regime's.
async fn target<'a>(
    state: &AppState,
    regime: &'a Regime,
    unit: &'a str,
    period: &str,
) -> Result<(Target<'a>, chrono::NaiveDate), ApiError> {
    if !regime.reporting_units.iter().any(|u| u == unit) {
        return Err(ApiError::Rejected {
            code: "not_a_reporting_unit",
            vi: format!("Đơn vị {unit} không báo cáo theo chế độ «{}»", regime.code),
            en: format!("Unit {unit} does not report under regime «{}»", regime.code),
        });
    }
    let calendar = Calendar::load(&state.db).await?;
    let today = crate::dossiers::today();
    let period = regime.period(period, &calendar, today)?;
    let unit_name = crate::units::get(&state.db, unit)
        .await?
        .map_or_else(|| unit.to_string(), |u| u.name_vi);
    Ok((
        Target {
            regime,
            unit,
            unit_name,
            period,
            deadline: regime.deadline(&calendar, &period),
        },
        today,
    ))
}

/// Every regime (everyone who takes part: the obligations are public within the province).
#[utoipa::path(get, path = "/api/v1/regimes", tag = "regimes",
    responses((status = 200, body = Vec<RegimeView>), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody)))]
pub async fn list_regimes(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<Vec<RegimeView>>, ApiError> {
    p.require(takes_part(&p))?;
    let calendar = Calendar::load(&state.db).await?;
    let today = crate::dossiers::today();
    let mut out = Vec::new();
    for r in store::select(&state.db, None).await? {
        let mut v = r.view(&calendar, today);
        if let Some(doc) = r.outline_document {
            v.outline = documents::meta(&mut *state.db.acquire().await?, doc).await?;
        }
        out.push(v);
    }
    Ok(Json(out))
}

/// Sets up a regime (an administrator of its receiving unit or of the province).
#[utoipa::path(post, path = "/api/v1/regimes", tag = "regimes", request_body = RegimeInput,
    responses((status = 201, body = RegimeView), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create_regime(
    State(state): State<AppState>,
    p: Principal,
    input: Result<ApiJson<RegimeInput>, ApiError>,
) -> Result<(StatusCode, Json<RegimeView>), ApiError> {
    p.require(p.is_admin())?;
    let ApiJson(input) = input?;
    p.require(administers(&p, &state, &input.receiving_unit))?;
    let today = crate::dossiers::today();
    let read = super::read_regime(&state.db, &state.config.province, &input, today).await?;
    let actor = p.actor();
    let mut tx = state.db.begin().await?;
    let id = store::insert(&mut tx, &read.row(&input, &actor.label))
        .await?
        .ok_or_else(|| ApiError::Rejected {
            code: "duplicate_code",
            vi: format!("Mã chế độ «{}» đã có", input.code),
            en: format!("Regime code «{}» already exists", input.code),
        })?;
    audit::record(
        &mut *tx,
        &actor,
        Entry {
            action: "regime.create",
            entity: "report_regimes",
            entity_id: Some(id.to_string()),
            before: None,
            after: serde_json::to_value(&input).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    let calendar = Calendar::load(&state.db).await?;
    Ok((
        StatusCode::CREATED,
        Json(regime(&state, id).await?.view(&calendar, today)),
    ))
}

/// Uploads the regime's outline template (the file is the request body).
#[utoipa::path(put, path = "/api/v1/regimes/{id}/outline", tag = "regimes",
    params(("id" = i64, Path), documents::FileName), request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = DocumentMeta), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 413, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn put_outline(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
    Query(q): Query<documents::FileName>,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<DocumentMeta>, ApiError> {
    p.require(p.is_admin())?;
    let r = regime(&state, id).await?;
    p.require(administers(&p, &state, &r.receiving_unit))?;
    let up = documents::check(q.name.as_deref(), documents::body(bytes)?)?;
    let actor = p.actor();
    let mut tx = state.db.begin().await?;
    let meta = documents::store_audited(
        &mut tx,
        &actor,
        &up,
        Entry {
            action: "regime.outline",
            entity: "report_regimes",
            entity_id: Some(id.to_string()),
            before: None,
            after: None,
        },
    )
    .await?;
    store::set_outline(&mut tx, id, meta.id).await?;
    tx.commit().await?;
    Ok(Json(meta))
}

/// Downloads the outline template.
#[utoipa::path(get, path = "/api/v1/regimes/{id}/outline", tag = "regimes", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody)))]
pub async fn get_outline(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    p.require(takes_part(&p))?;
    let doc = regime(&state, id)
        .await?
        .outline_document
        .ok_or(ApiError::NotFound)?;
    documents::download(&mut *state.db.acquire().await?, doc).await
}

async fn build_summary(
    state: &AppState,
    p: &Principal,
    id: i64,
    period: &str,
) -> Result<RegimeSummary, ApiError> {
    p.require(takes_part(p))?;
    let r = regime(state, id).await?;
    p.require(receives(p, &r))?;
    super::summary(state, &r, period).await
}

/// Who handed in, who is late, the figures summed (the receiving unit, leaders).
#[utoipa::path(get, path = "/api/v1/regimes/{id}/periods/{period}", tag = "regimes",
    params(("id" = i64, Path), ("period" = String, Path, description = "2026-03, 2026-Q1, 2026-H1, 2026-9M, 2026")),
    responses((status = 200, body = RegimeSummary), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)))]
pub async fn summary(
    State(state): State<AppState>,
    p: Principal,
    Path((id, period)): Path<(i64, String)>,
) -> Result<Json<RegimeSummary>, ApiError> {
    Ok(Json(build_summary(&state, &p, id, &period).await?))
}

/// The same summary as an Excel workbook.
#[utoipa::path(get, path = "/api/v1/regimes/{id}/periods/{period}/summary.xlsx", tag = "regimes",
    params(("id" = i64, Path), ("period" = String, Path)),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn summary_xlsx(
    State(state): State<AppState>,
    p: Principal,
    Path((id, period)): Path<(i64, String)>,
) -> Result<Response, ApiError> {
    let s = build_summary(&state, &p, id, &period).await?;
    let name = format!("{}-{}.xlsx", s.regime.code, s.period);
    let bytes = excel::blocking(move || super::export::summary_xlsx(&s))
        .await?
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok(excel::attachment(&name, bytes))
}

/// Reads a unit's submission: the unit's editors, the receiving unit, leaders.
async fn readable<'a>(
    state: &AppState,
    p: &Principal,
    r: &'a Regime,
    unit: &'a str,
    period: &str,
) -> Result<(Target<'a>, chrono::NaiveDate), ApiError> {
    p.require(p.edits_unit(unit) || receives(p, r))?;
    target(state, r, unit, period).await
}

/// A unit's submission for a period, with every revision.
#[utoipa::path(get, path = "/api/v1/regimes/{id}/periods/{period}/units/{unit}", tag = "regimes",
    params(("id" = i64, Path), ("period" = String, Path), ("unit" = String, Path)),
    responses((status = 200, body = RegimeSubmission), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)))]
pub async fn get_submission(
    State(state): State<AppState>,
    p: Principal,
    Path((id, period, unit)): Path<(i64, String, String)>,
) -> Result<Json<RegimeSubmission>, ApiError> {
    p.require(takes_part(&p))?;
    let r = regime(&state, id).await?;
    let (t, today) = readable(&state, &p, &r, &unit, &period).await?;
    Ok(Json(submissions::view(&state.db, &t, today).await?))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RevisionQuery {
    /// Which revision's document; the newest handed in (or the draft) when absent.
    pub revision: Option<i32>,
}

/// Downloads the report document of a revision, with its SHA-256 in `X-Checksum-Sha256`.
#[utoipa::path(get, path = "/api/v1/regimes/{id}/periods/{period}/units/{unit}/document", tag = "regimes",
    params(("id" = i64, Path), ("period" = String, Path), ("unit" = String, Path), RevisionQuery),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody)))]
pub async fn get_document(
    State(state): State<AppState>,
    p: Principal,
    Path((id, period, unit)): Path<(i64, String, String)>,
    Query(q): Query<RevisionQuery>,
) -> Result<Response, ApiError> {
    p.require(takes_part(&p))?;
    let r = regime(&state, id).await?;
    let (t, _) = readable(&state, &p, &r, &unit, &period).await?;
    let doc = submissions::document_of(&state.db, &t, q.revision)
        .await?
        .ok_or(ApiError::NotFound)?;
    documents::download(&mut *state.db.acquire().await?, doc).await
}

/// The unit's editors prepare the report.
async fn editable<'a>(
    state: &AppState,
    p: &Principal,
    r: &'a Regime,
    unit: &'a str,
    period: &str,
) -> Result<(Target<'a>, chrono::NaiveDate), ApiError> {
    p.require(p.edits_unit(unit))?;
    target(state, r, unit, period).await
}

/// Uploads the narrative report (the file is the request body; PDF, DOCX, XLSX or ODT by its
/// content; at most 20 MiB).
#[utoipa::path(put, path = "/api/v1/regimes/{id}/periods/{period}/units/{unit}/document", tag = "regimes",
    params(("id" = i64, Path), ("period" = String, Path), ("unit" = String, Path), documents::FileName),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = RegimeSubmission), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 409, body = ApiErrorBody), (status = 413, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)))]
pub async fn put_document(
    State(state): State<AppState>,
    p: Principal,
    Path((id, period, unit)): Path<(i64, String, String)>,
    Query(q): Query<documents::FileName>,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<RegimeSubmission>, ApiError> {
    p.require(!p.edited_units().is_empty())?;
    let r = regime(&state, id).await?;
    let (t, today) = editable(&state, &p, &r, &unit, &period).await?;
    let up = documents::check(q.name.as_deref(), documents::body(bytes)?)?;
    let view = submissions::edit(&state.db, &p.actor(), &t, Edit::Document(&up), today).await?;
    Ok(Json(view))
}

/// Saves figures of the data form.
#[utoipa::path(put, path = "/api/v1/regimes/{id}/periods/{period}/units/{unit}/figures", tag = "regimes",
    params(("id" = i64, Path), ("period" = String, Path), ("unit" = String, Path)),
    request_body = RegimeFiguresInput,
    responses((status = 200, body = RegimeSubmission), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn put_figures(
    State(state): State<AppState>,
    p: Principal,
    Path((id, period, unit)): Path<(i64, String, String)>,
    input: Result<ApiJson<RegimeFiguresInput>, ApiError>,
) -> Result<Json<RegimeSubmission>, ApiError> {
    p.require(!p.edited_units().is_empty())?;
    let ApiJson(input) = input?;
    let r = regime(&state, id).await?;
    let (t, today) = editable(&state, &p, &r, &unit, &period).await?;
    let values = r.read_figures(&input.values)?;
    let view = submissions::edit(&state.db, &p.actor(), &t, Edit::Figures(values), today).await?;
    Ok(Json(view))
}

/// Hands the report in (its document and every figure of the form are needed).
#[utoipa::path(post, path = "/api/v1/regimes/{id}/periods/{period}/units/{unit}/submit", tag = "regimes",
    params(("id" = i64, Path), ("period" = String, Path), ("unit" = String, Path)),
    responses((status = 200, body = RegimeSubmission), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn submit(
    State(state): State<AppState>,
    p: Principal,
    Path((id, period, unit)): Path<(i64, String, String)>,
) -> Result<Json<RegimeSubmission>, ApiError> {
    p.require(!p.edited_units().is_empty())?;
    let r = regime(&state, id).await?;
    let (t, today) = editable(&state, &p, &r, &unit, &period).await?;
    let view = submissions::submit(&state.db, &p.actor(), &t, today).await?;
    // A report handed in leaves the late boards (of its unit, of the province).
    crate::tasks::live::publish_after(&state, std::slice::from_ref(&unit)).await;
    Ok(Json(view))
}

/// Approves a handed-in report (the receiving unit).
#[utoipa::path(post, path = "/api/v1/regimes/{id}/periods/{period}/units/{unit}/approve", tag = "regimes",
    params(("id" = i64, Path), ("period" = String, Path), ("unit" = String, Path)),
    responses((status = 200, body = RegimeSubmission), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn approve(
    State(state): State<AppState>,
    p: Principal,
    Path((id, period, unit)): Path<(i64, String, String)>,
) -> Result<Json<RegimeSubmission>, ApiError> {
    p.require(p.is_admin() || p.is_approver() || !p.edited_units().is_empty())?;
    let r = regime(&state, id).await?;
    p.require(decides(&p, &r))?;
    let (t, today) = target(&state, &r, &unit, &period).await?;
    Ok(Json(
        submissions::decide(&state.db, &p.actor(), &t, None, today).await?,
    ))
}

/// Returns a handed-in report to its unit with a comment (the receiving unit).
#[utoipa::path(post, path = "/api/v1/regimes/{id}/periods/{period}/units/{unit}/return", tag = "regimes",
    params(("id" = i64, Path), ("period" = String, Path), ("unit" = String, Path)),
    request_body = ReturnRequest,
    responses((status = 200, body = RegimeSubmission), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn return_submission(
    State(state): State<AppState>,
    p: Principal,
    Path((id, period, unit)): Path<(i64, String, String)>,
    input: Result<ApiJson<ReturnRequest>, ApiError>,
) -> Result<Json<RegimeSubmission>, ApiError> {
    p.require(p.is_admin() || p.is_approver() || !p.edited_units().is_empty())?;
    let r = regime(&state, id).await?;
    p.require(decides(&p, &r))?;
    let ApiJson(input) = input?;
    let (t, today) = target(&state, &r, &unit, &period).await?;
    let view = submissions::decide(&state.db, &p.actor(), &t, Some(&input.comment), today).await?;
    Ok(Json(view))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// The year; the current one when absent.
    pub year: Option<i32>,
}

/// The units whose records and late reports `p` reads: every unit (`None`) for leaders, the
/// receiving units' approvers and administrators; their own for units' editors.
fn units_read(p: &Principal) -> Result<Option<Vec<String>>, ApiError> {
    if p.reads_all_indicators() || p.is_approver() {
        return Ok(None);
    }
    let own = p.edited_units();
    p.require(!own.is_empty())?;
    Ok(Some(own))
}

async fn visible_records(
    state: &AppState,
    p: &Principal,
    year: Option<i32>,
) -> Result<Vec<UnitRecord>, ApiError> {
    let units = units_read(p)?;
    let (_, mut out) = super::standing(&state.db, crate::dossiers::today(), year).await?;
    if let Some(own) = units {
        out.retain(|r| own.contains(&r.unit));
    }
    Ok(out)
}

/// Each unit's record over a year: reports due, handed in on time, late, missing (leaders and
/// the receiving units see every unit; a unit's editors their own).
#[utoipa::path(get, path = "/api/v1/regimes/records", tag = "regimes", params(YearQuery),
    responses((status = 200, body = Vec<UnitRecord>), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody)))]
pub async fn records(
    State(state): State<AppState>,
    p: Principal,
    Query(q): Query<YearQuery>,
) -> Result<Json<Vec<UnitRecord>>, ApiError> {
    Ok(Json(visible_records(&state, &p, q.year).await?))
}

/// The same records as an Excel workbook.
#[utoipa::path(get, path = "/api/v1/regimes/records.xlsx", tag = "regimes", params(YearQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)))]
pub async fn records_xlsx(
    State(state): State<AppState>,
    p: Principal,
    Query(q): Query<YearQuery>,
) -> Result<Response, ApiError> {
    let year = q
        .year
        .unwrap_or(chrono::Datelike::year(&crate::dossiers::today()));
    let rows = visible_records(&state, &p, Some(year)).await?;
    let bytes = excel::blocking(move || super::export::records_xlsx(year, &rows))
        .await?
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok(excel::attachment(
        &format!("ket-qua-bao-cao-{year}.xlsx"),
        bytes,
    ))
}

async fn visible_late(state: &AppState, p: &Principal) -> Result<Vec<UnitLateReports>, ApiError> {
    let units = units_read(p)?;
    let (mut out, _) = super::standing(&state.db, crate::dossiers::today(), None).await?;
    if let Some(own) = units {
        out.retain(|l| own.contains(&l.unit.code));
    }
    Ok(out)
}

/// Reports past their deadline and not handed in, by unit (the most first; every report, where
/// the live board shows each unit's latest).
#[utoipa::path(get, path = "/api/v1/regimes/late", tag = "regimes",
    responses((status = 200, body = Vec<UnitLateReports>), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody)))]
pub async fn late(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<Vec<UnitLateReports>>, ApiError> {
    Ok(Json(visible_late(&state, &p).await?))
}

/// The same list as an Excel workbook.
#[utoipa::path(get, path = "/api/v1/regimes/late.xlsx", tag = "regimes",
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)))]
pub async fn late_xlsx(State(state): State<AppState>, p: Principal) -> Result<Response, ApiError> {
    let rows = visible_late(&state, &p).await?;
    let today = crate::dossiers::today();
    let bytes = excel::blocking(move || super::export::late_xlsx(&rows))
        .await?
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok(excel::attachment(
        &format!("bao-cao-qua-han-{today}.xlsx"),
        bytes,
    ))
}
