//! HTTP handlers of the indicators domain: parse, call the domain, map the result.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use chrono::{NaiveDate, Utc};
use ioc_protocol::i18n::Msg;
use ioc_protocol::{
    format_period, parse_period, ApiErrorBody, BackfillReceipt, IndicatorDef, IndicatorGroup,
    IndicatorGroupPatch, IndicatorPatch, IndicatorUnits, IngestReceipt, PointBatch, SeriesView,
    WallState,
};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{backfill, catalogue, deadlines, excel, figures, streams, workflow};
use crate::audit::{self, Entry};
use crate::auth::{Principal, Who};
use crate::http::extract::ApiJson;
use crate::http::ApiError;
use crate::series::points;
use crate::AppState;

/// Largest history file: 50,000 rows of CSV stay well under this.
const MAX_BACKFILL_BYTES: usize = 16 * 1024 * 1024;

/// The indicators' routes and their OpenAPI entries, from the handlers' annotations.
pub fn router() -> OpenApiRouter<AppState> {
    // History files are larger than any other body: their limit is raised for that route only.
    let backfill = OpenApiRouter::new()
        .routes(routes!(post_backfill))
        .layer(DefaultBodyLimit::max(MAX_BACKFILL_BYTES));
    OpenApiRouter::new()
        .routes(routes!(post_points))
        .routes(routes!(get_wall))
        .routes(routes!(list_indicators))
        .routes(routes!(patch_indicator))
        .routes(routes!(get_series))
        .routes(routes!(export_series))
        .routes(routes!(get_indicator_units))
        .routes(routes!(list_groups))
        .routes(routes!(patch_group))
        .merge(backfill)
}

/// Ingest a batch of points. All or nothing: the answer comes after the commit, then the points
/// are broadcast to live followers.
#[utoipa::path(
    post, path = "/api/v1/points", tag = "indicators",
    request_body = PointBatch,
    security(("ingest_token" = [])),
    responses(
        (status = 200, description = "Stored durably", body = IngestReceipt),
        (status = 400, description = "Malformed JSON", body = ApiErrorBody),
        (status = 401, description = "Missing or bad token", body = ApiErrorBody),
        (status = 403, description = "The token may not write points, or not for these units", body = ApiErrorBody),
        (status = 413, description = "Body or batch too large", body = ApiErrorBody),
        (status = 422, description = "Unknown series or unit, non-finite value, timestamp out of range", body = ApiErrorBody),
    )
)]
pub async fn post_points(
    State(state): State<AppState>,
    who: Principal,
    ApiJson(batch): ApiJson<PointBatch>,
) -> Result<(StatusCode, Json<IngestReceipt>), ApiError> {
    let writer = match (&who.who, who.points_writer_unit()) {
        (Who::Anonymous, _) => return Err(ApiError::MissingToken),
        (_, None) => return Err(ApiError::Forbidden),
        (_, Some(unit)) => unit.to_string(),
    };
    points::validate(&batch.points, Utc::now())?;
    let actor = who.actor();
    let writer = points::Writer {
        unit: &writer,
        actor: &actor,
    };
    let done = points::ingest(&state.db, &state.epoch, &batch.points, Some(writer)).await?;
    for p in done.publications {
        state.hub.publish(p);
    }
    Ok((StatusCode::OK, Json(done.receipt)))
}

/// The wall's current state (what the page renders before it goes live).
#[utoipa::path(get, path = "/api/v1/wall", tag = "indicators",
    responses((status = 200, body = WallState), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)))]
pub async fn get_wall(
    State(state): State<AppState>,
    who: Principal,
) -> Result<Json<WallState>, ApiError> {
    who.require_indicator_reader()?;
    streams::wall_state(
        &state.db,
        &state.epoch,
        &state.config.province,
        state.config.demo,
        who.viewer(),
    )
    .await?
    .map(Json)
    .ok_or_else(|| ApiError::UnknownUnit(vec![state.config.province.clone()]))
}

/// The indicator catalogue, for everyone who reads or enters figures.
#[utoipa::path(get, path = "/api/v1/indicators", tag = "indicators",
    responses((status = 200, body = [IndicatorDef]), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)))]
pub async fn list_indicators(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<Vec<IndicatorDef>>, ApiError> {
    p.require(p.reads_all_indicators() || !p.edited_units().is_empty())?;
    Ok(Json(
        catalogue::list(&state.db)
            .await?
            .into_iter()
            .map(|i| i.def)
            .collect(),
    ))
}

/// Changes an indicator (administrators); audited with before and after.
#[utoipa::path(patch, path = "/api/v1/indicators/{code}", tag = "indicators", request_body = IndicatorPatch,
    params(("code" = String, Path)),
    responses((status = 401, body = ioc_protocol::ApiErrorBody), (status = 200, body = IndicatorDef), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
              (status = 422, body = ApiErrorBody)))]
pub async fn patch_indicator(
    State(state): State<AppState>,
    p: Principal,
    Path(code): Path<String>,
    ApiJson(patch): ApiJson<IndicatorPatch>,
) -> Result<Json<IndicatorDef>, ApiError> {
    p.require_admin()?;
    let finite = |v: Option<Option<f64>>| v.flatten().is_none_or(f64::is_finite);
    if ![
        patch.min_value,
        patch.max_value,
        patch.warn_low,
        patch.warn_high,
        patch.annual_target,
    ]
    .into_iter()
    .all(finite)
        || patch.jump_pct.is_some_and(|j| !j.is_finite() || j <= 0.0)
        || patch.decimals.is_some_and(|d| d > 6)
    {
        return Err(ApiError::InvalidBody(
            "numbers must be finite, jump_pct > 0, decimals ≤ 6".into(),
        ));
    }
    if let Some(owner) = &patch.owner_unit {
        if crate::units::get(&state.db, owner).await?.is_none() {
            return Err(ApiError::UnknownUnit(vec![owner.clone()]));
        }
    }
    let mut tx = state.db.begin().await?;
    let before = catalogue::get(&mut *tx, &code)
        .await?
        .ok_or(ApiError::NotFound)?;
    let after = catalogue::update(&mut tx, &code, &patch)
        .await
        .map_err(constraint_to_422)?
        .ok_or(ApiError::NotFound)?;
    audit::record(
        &mut *tx,
        &p.actor(),
        Entry {
            action: "indicators.catalogue.update",
            entity: "series",
            entity_id: Some(code.clone()),
            before: serde_json::to_value(&before.def).ok(),
            after: serde_json::to_value(&after.def).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Json(after.def))
}

/// A CHECK constraint of the catalogue (min above max, cumulative but not a sum) is the client's
/// mistake, not ours.
fn constraint_to_422(e: sqlx::Error) -> ApiError {
    ApiError::from(e)
        .on_violation(catalogue::CONSTRAINTS)
        .on_violation(deadlines::CONSTRAINTS)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SeriesQuery {
    /// Unit code of the area; the configured province when absent.
    pub area: Option<String>,
    /// First month, `YYYY-MM` (default 2019-01).
    pub from: Option<String>,
    /// Last month, `YYYY-MM` (default: this month).
    pub to: Option<String>,
}

async fn load_series(
    state: &AppState,
    p: &Principal,
    code: &str,
    q: &SeriesQuery,
) -> Result<SeriesView, ApiError> {
    p.require_indicator_reader()?;
    let ind = catalogue::get(&state.db, code)
        .await?
        .ok_or(ApiError::NotFound)?;
    let area_code = q
        .area
        .clone()
        .unwrap_or_else(|| state.config.province.clone());
    p.require_unit_in_scope(&state.db, &area_code).await?;
    let area = crate::units::get(&state.db, &area_code)
        .await?
        .ok_or_else(|| ApiError::UnknownUnit(vec![area_code.clone()]))?;
    let month = |s: &Option<String>, default: NaiveDate| match s {
        Some(s) => parse_period(s).ok_or_else(|| ApiError::InvalidPeriod(s.clone())),
        None => Ok(default),
    };
    let from = month(&q.from, NaiveDate::from_ymd_opt(2019, 1, 1).expect("valid"))?;
    let to = month(&q.to, ioc_protocol::ts_period(Utc::now()))?;
    if from > to {
        return Err(ApiError::InvalidPeriod(format!(
            "{} > {}",
            format_period(from),
            format_period(to)
        )));
    }
    let months =
        figures::months(&state.db, ind.id, ind.def.aggregation, &area.code, from, to).await?;
    Ok(SeriesView {
        indicator: ind.def,
        area: area.code.to_string(),
        area_name_vi: area.name_vi,
        area_name_en: area.name_en,
        months,
    })
}

/// One indicator for one area, month by month, with the year to date and merged units rolled up.
#[utoipa::path(get, path = "/api/v1/indicators/{code}/series", tag = "indicators", params(("code" = String, Path), SeriesQuery),
    responses((status = 200, body = SeriesView), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
              (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn get_series(
    State(state): State<AppState>,
    p: Principal,
    Path(code): Path<String>,
    Query(q): Query<SeriesQuery>,
) -> Result<Json<SeriesView>, ApiError> {
    Ok(Json(load_series(&state, &p, &code, &q).await?))
}

/// The same series as an Excel workbook.
#[utoipa::path(get, path = "/api/v1/indicators/{code}/series.xlsx", tag = "indicators", params(("code" = String, Path), SeriesQuery),
    responses((status = 401, body = ioc_protocol::ApiErrorBody), (status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 403, body = ApiErrorBody)))]
pub async fn export_series(
    State(state): State<AppState>,
    p: Principal,
    Path(code): Path<String>,
    Query(q): Query<SeriesQuery>,
) -> Result<Response, ApiError> {
    let view = load_series(&state, &p, &code, &q).await?;
    let name = format!("{code}-{}.xlsx", view.area);
    let body = excel::blocking(move || excel::series_workbook(&view)).await??;
    Ok(excel::attachment(&name, body))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitsQuery {
    /// `YYYY-MM`; the current reporting period when absent.
    pub period: Option<String>,
}

/// Drill-down: who reports this indicator, how their report for the month stands, and every
/// entry of the figure (estimates and official figures, each revision).
#[utoipa::path(get, path = "/api/v1/indicators/{code}/units", tag = "indicators", params(("code" = String, Path), UnitsQuery),
    responses((status = 401, body = ioc_protocol::ApiErrorBody), (status = 200, body = IndicatorUnits), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn get_indicator_units(
    State(state): State<AppState>,
    p: Principal,
    Path(code): Path<String>,
    Query(q): Query<UnitsQuery>,
) -> Result<Json<IndicatorUnits>, ApiError> {
    p.require_indicator_reader()?;
    let ind = catalogue::get(&state.db, &code)
        .await?
        .ok_or(ApiError::NotFound)?;
    let cal = deadlines::Calendar::load(&state.db).await?;
    let today = deadlines::today();
    let (Some(group), Some(owner)) = (ind.def.group.clone(), ind.def.owner_unit.clone()) else {
        let period = q.period.unwrap_or_else(|| format_period(today));
        return Ok(Json(IndicatorUnits {
            indicator: ind.def,
            period,
            submissions: Vec::new(),
            revisions: Vec::new(),
        }));
    };
    let rule = deadlines::rule(&state.db, &group)
        .await?
        .ok_or(ApiError::NotFound)?;
    let month = match &q.period {
        Some(s) => parse_period(s).ok_or_else(|| ApiError::InvalidPeriod(s.clone()))?,
        None => deadlines::current_period(&rule, &cal, today),
    };
    let submissions =
        deadlines::summaries(&state.db, &rule, &cal, month, Some(&owner), today).await?;
    let report = workflow::report(&state.db, &owner, &format_period(month), Some(&group)).await?;
    let revisions = workflow::history(&state.db, &report, Some(&code)).await?;
    Ok(Json(IndicatorUnits {
        indicator: ind.def,
        period: format_period(month),
        submissions,
        revisions,
    }))
}

/// History import (administrators): a CSV (`text/csv`) or Excel file with columns indicator,
/// area, period, value and optionally kind and ytd. All rows or none.
#[utoipa::path(post, path = "/api/v1/figures/backfill", tag = "indicators",
    request_body(content = String, content_type = "text/csv"),
    responses((status = 401, body = ioc_protocol::ApiErrorBody), (status = 200, body = BackfillReceipt), (status = 403, body = ApiErrorBody), (status = 413, body = ApiErrorBody),
              (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn post_backfill(
    State(state): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<BackfillReceipt>, ApiError> {
    p.require_admin()?;
    let kind = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let rows = if kind.starts_with("text/csv") {
        excel::blocking(move || backfill::parse_csv(&body)).await?
    } else if kind.starts_with(excel::XLSX_TYPE) {
        excel::blocking(move || backfill::parse_xlsx(&body)).await?
    } else {
        return Err(ApiError::UnsupportedSpreadsheet);
    }
    .map_err(|e| ApiError::Unprocessable(Msg::BadSpreadsheet, e))?;
    let (receipt, publications) =
        backfill::import(&state.db, &state.epoch, &rows, &p.actor()).await?;
    for pub_ in publications {
        state.hub.publish(pub_);
    }
    tracing::info!(
        rows = receipt.rows,
        unchanged = receipt.unchanged,
        "history imported"
    );
    Ok(Json(receipt))
}

/// Indicator groups and their deadline rules.
#[utoipa::path(get, path = "/api/v1/indicator-groups", tag = "indicators",
    responses((status = 200, body = [IndicatorGroup]), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)))]
pub async fn list_groups(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<Vec<IndicatorGroup>>, ApiError> {
    p.require(p.reads_all_indicators() || !p.edited_units().is_empty())?;
    Ok(Json(deadlines::groups(&state.db).await?))
}

/// Changes a group's deadline rule (administrators); the deadline boards follow at once.
#[utoipa::path(patch, path = "/api/v1/indicator-groups/{code}", tag = "indicators", request_body = IndicatorGroupPatch,
    params(("code" = String, Path)),
    responses((status = 401, body = ioc_protocol::ApiErrorBody), (status = 200, body = IndicatorGroup), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
              (status = 422, body = ApiErrorBody)))]
pub async fn patch_group(
    State(state): State<AppState>,
    p: Principal,
    Path(code): Path<String>,
    ApiJson(patch): ApiJson<IndicatorGroupPatch>,
) -> Result<Json<IndicatorGroup>, ApiError> {
    p.require_admin()?;
    let mut tx = state.db.begin().await?;
    let before = deadlines::groups(&mut *tx)
        .await?
        .into_iter()
        .find(|g| g.code == code)
        .ok_or(ApiError::NotFound)?;
    let after = deadlines::update_group(&mut *tx, &code, &patch)
        .await
        .map_err(constraint_to_422)?
        .ok_or(ApiError::NotFound)?;
    audit::record(
        &mut *tx,
        &p.actor(),
        Entry {
            action: "indicators.group.update",
            entity: "indicator_groups",
            entity_id: Some(code),
            before: serde_json::to_value(&before).ok(),
            after: serde_json::to_value(&after).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    super::publish_boards(&state, deadlines::Boards::Every).await?;
    Ok(Json(after))
}
