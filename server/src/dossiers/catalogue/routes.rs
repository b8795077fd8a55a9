//! HTTP handlers of the procedures catalogue: read (readers of the whole province, and a unit's
//! editors for their unit), add / edit / import (administrators; audited by the store).

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use ioc_protocol::i18n::Msg;
use ioc_protocol::{
    ApiErrorBody, ProcedureImportReceipt, ProcedureInput, ProcedureLevel, ProcedureView,
};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::import;
use super::store::{self, Filter, ProcedureError};
use crate::auth::Principal;
use crate::http::extract::ApiJson;
use crate::http::ApiError;
use crate::indicators::excel;
use crate::AppState;

/// Largest catalogue file (20,000 rows of CSV stay well under this).
const MAX_IMPORT_BYTES: usize = 16 * 1024 * 1024;

/// The catalogue's routes and their OpenAPI entries, from the handlers' annotations.
pub fn router() -> OpenApiRouter<AppState> {
    let import = OpenApiRouter::new()
        .routes(routes!(import_procedures))
        .layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES));
    OpenApiRouter::new()
        .routes(routes!(list_procedures, create_procedure))
        .routes(routes!(get_procedure, put_procedure))
        .merge(import)
}

impl From<ProcedureError> for ApiError {
    fn from(e: ProcedureError) -> Self {
        match e {
            ProcedureError::Db(e) => ApiError::Database(e),
            ProcedureError::NotFound => ApiError::NotFound,
            e => {
                let (code, vi, en) = e.messages();
                ApiError::Rejected { code, vi, en }
            }
        }
    }
}

/// Filters of `GET /api/v1/procedures`, all optional.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProcedureQuery {
    /// The procedures a unit handles: a department's own, or for a commune every commune-level
    /// one. Required for a unit editor (their unit).
    pub unit: Option<String>,
    /// `province` or `commune`.
    pub level: Option<String>,
    /// Part of the code, a name or the field, any case.
    pub q: Option<String>,
    /// `true`: only procedures in force; `false`: only withdrawn ones.
    pub active: Option<bool>,
}

/// The catalogue, filtered.
#[utoipa::path(get, path = "/api/v1/procedures", tag = "dossiers", params(ProcedureQuery),
    responses((status = 200, body = [ProcedureView]), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn list_procedures(
    State(state): State<AppState>,
    p: Principal,
    Query(q): Query<ProcedureQuery>,
) -> Result<Json<Vec<ProcedureView>>, ApiError> {
    let unit = q
        .unit
        .map(|u| u.trim().to_string())
        .filter(|u| !u.is_empty());
    p.require(p.reads_all_indicators() || unit.as_deref().is_some_and(|u| p.edits_unit(u)))?;
    let level = match q.level.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
        None => None,
        Some(l) => Some(
            ProcedureLevel::parse(l)
                .ok_or_else(|| ApiError::from(ProcedureError::UnknownLevel(l.to_string())))?,
        ),
    };
    let filter = Filter {
        unit,
        level,
        search: q.q,
        active: q.active,
    };
    Ok(Json(store::list(&state.db, &filter).await?))
}

/// One procedure.
#[utoipa::path(get, path = "/api/v1/procedures/{code}", tag = "dossiers",
    params(("code" = String, Path, description = "National code, e.g. 1.001193")),
    responses((status = 200, body = ProcedureView), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn get_procedure(
    State(state): State<AppState>,
    p: Principal,
    Path(code): Path<String>,
) -> Result<Json<ProcedureView>, ApiError> {
    p.require(p.reads_all_indicators() || !p.edited_units().is_empty())?;
    let found = store::get(&state.db, &code)
        .await?
        .ok_or(ApiError::NotFound)?;
    // A unit editor reads the procedures of a unit they edit (every commune-level one for a
    // commune's editor; refusing those would only hide the national catalogue).
    let readable = p.reads_all_indicators()
        || match &found.unit_code {
            Some(u) => p.edits_unit(u),
            None => true,
        };
    p.require(readable)?;
    Ok(Json(found))
}

/// Adds a procedure (administrators).
#[utoipa::path(post, path = "/api/v1/procedures", tag = "dossiers", request_body = ProcedureInput,
    responses((status = 201, body = ProcedureView), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create_procedure(
    State(state): State<AppState>,
    p: Principal,
    input: Result<ApiJson<ProcedureInput>, ApiError>,
) -> Result<(StatusCode, Json<ProcedureView>), ApiError> {
    // Rights before content: a body is read only for someone allowed to send it.
    p.require_admin()?;
    let ApiJson(input) = input?;
    let created = store::create(&state.db, &state.config.province, &p.actor(), input).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Replaces a procedure (administrators); `active: false` withdraws it.
#[utoipa::path(put, path = "/api/v1/procedures/{code}", tag = "dossiers", request_body = ProcedureInput,
    params(("code" = String, Path)),
    responses((status = 200, body = ProcedureView), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)))]
pub async fn put_procedure(
    State(state): State<AppState>,
    p: Principal,
    Path(code): Path<String>,
    input: Result<ApiJson<ProcedureInput>, ApiError>,
) -> Result<Json<ProcedureView>, ApiError> {
    p.require_admin()?;
    let ApiJson(input) = input?;
    let (_, after) =
        store::update(&state.db, &state.config.province, &p.actor(), &code, input).await?;
    Ok(Json(after))
}

/// Imports the catalogue from the national procedures database's export (administrators): the
/// body is the file, `text/csv` or Excel .xlsx. All rows or none: a bad file is answered 422
/// `invalid_rows` with every bad row and its reason.
#[utoipa::path(post, path = "/api/v1/procedures/import", tag = "dossiers",
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = ProcedureImportReceipt), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 413, body = ApiErrorBody),
        (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn import_procedures(
    State(state): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ProcedureImportReceipt>, ApiError> {
    p.require_admin()?;
    let kind = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let rows = if kind.starts_with("text/csv") {
        excel::blocking(move || import::parse_csv(&body)).await?
    } else if kind.starts_with(excel::XLSX_TYPE) {
        excel::blocking(move || import::parse_xlsx(&body)).await?
    } else {
        return Err(ApiError::UnsupportedSpreadsheet);
    }
    .map_err(|e| ApiError::Unprocessable(Msg::BadSpreadsheet, e))?;
    let receipt = import::import(&state.db, &state.config.province, &p.actor(), rows).await?;
    tracing::info!(
        created = receipt.created,
        updated = receipt.updated,
        unchanged = receipt.unchanged,
        "procedures imported"
    );
    Ok(Json(receipt))
}
