//! HTTP handlers of the dossiers domain: parse, call the domain, map the result.

use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use ioc_protocol::{
    ApiErrorBody, ApologyInput, ApologySlip, ApologyView, CommuneShapeReceipt, DossierBoard,
    DossierEventBatch, DossierIngestReceipt, DossierView, IndexSummary, IndexTrend, IndexView,
    MetricScore, Payload, RankRow,
};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::index::PeriodKind;
use super::ingest::{self, Batch, Scope};
use super::views::{self, ApologyError, ListFilter, Which};
use crate::auth::{Principal, Who};
use crate::http::extract::ApiJson;
use crate::http::ApiError;
use crate::live::stored;
use crate::AppState;

/// A full batch of 5,000 events with every field stays under this.
const MAX_EVENTS_BYTES: usize = 16 * 1024 * 1024;
/// A province's commune shapes, drawn in detail, stay under this.
const MAX_SHAPES_BYTES: usize = 32 * 1024 * 1024;
/// The longest trend asked for, in months.
const MAX_TREND_MONTHS: u32 = 36;
const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub fn router() -> OpenApiRouter<AppState> {
    let events = OpenApiRouter::new()
        .routes(routes!(post_events))
        .layer(DefaultBodyLimit::max(MAX_EVENTS_BYTES));
    let shapes = OpenApiRouter::new()
        .routes(routes!(get_shapes, post_shapes))
        .layer(DefaultBodyLimit::max(MAX_SHAPES_BYTES));
    OpenApiRouter::new()
        .routes(routes!(list_dossiers))
        .routes(routes!(get_dossier))
        .routes(routes!(list_apologies, post_apology))
        .routes(routes!(get_apology))
        .routes(routes!(get_trend))
        .routes(routes!(get_board))
        .routes(routes!(get_index))
        .routes(routes!(get_ranking))
        .routes(routes!(export_ranking))
        .merge(events)
        .merge(shapes)
}

/// `DossierEventBatch` as read: each event kept as the text it was sent as, read on its own by
/// the ingest (no intermediate JSON tree: a 5,000-event batch is read once).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEventBatch {
    events: Vec<Box<serde_json::value::RawValue>>,
}

/// Dossier events from a one-stop system. Every item is answered on its own (stored, stored
/// out of order, duplicate, or rejected with a reason in both languages); the stored ones are
/// durable when the answer comes, and on the wall within a second.
#[utoipa::path(post, path = "/api/v1/dossier-events", tag = "dossiers", request_body = DossierEventBatch,
    security(("ingest_token" = [])),
    responses((status = 200, body = DossierIngestReceipt), (status = 400, body = ApiErrorBody),
              (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
              (status = 413, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn post_events(
    State(state): State<AppState>,
    who: Principal,
    ApiJson(batch): ApiJson<RawEventBatch>,
) -> Result<Json<DossierIngestReceipt>, ApiError> {
    let unit = match (&who.who, who.dossier_writer_unit()) {
        (Who::Anonymous, _) => return Err(ApiError::MissingToken),
        (_, None) => return Err(ApiError::Forbidden),
        (_, Some(unit)) => unit.to_string(),
    };
    if batch.events.is_empty() {
        return Err(ApiError::EmptyBatch);
    }
    let scope = if unit == state.config.province {
        Scope::Province(unit)
    } else {
        Scope::Unit(unit)
    };
    let source = who.actor().label;
    let stored = ingest::ingest(
        &state.db,
        batch.events,
        &Batch {
            source: &source,
            scope,
            keep_personal: state.config.keep_personal_data,
            cursor: None,
            writer: &state.dossier_writer,
        },
    )
    .await?;
    state.dossier_live.touched(&stored.touched);
    Ok(Json(stored.receipt))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// The handling unit (required unless the reader reads every unit).
    pub unit: Option<String>,
    pub commune: Option<String>,
    /// `open` (default), `overdue` or `all`.
    pub state: Option<String>,
    /// At most this many (default 200, at most 1,000).
    pub limit: Option<i64>,
}

/// Dossiers of a unit or commune: open ones soonest due first, overdue ones oldest first (with
/// their age in working days), or all, newest first.
#[utoipa::path(get, path = "/api/v1/dossiers", tag = "dossiers", params(ListQuery),
    responses((status = 200, body = [DossierView]), (status = 401, body = ApiErrorBody),
              (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn list_dossiers(
    State(state): State<AppState>,
    p: Principal,
    Query(q): Query<ListQuery>,
) -> Result<Json<Vec<DossierView>>, ApiError> {
    let unit = q.unit.filter(|u| !u.is_empty());
    let commune = q.commune.filter(|c| !c.is_empty());
    let allowed = match (&unit, &commune) {
        _ if p.reads_all_indicators() => true,
        (Some(u), _) => p.reads_unit_dossiers(u),
        (None, Some(c)) => p.reads_unit_dossiers(c),
        (None, None) => false,
    };
    p.require(allowed)?;
    for u in unit.iter().chain(commune.iter()) {
        p.require_unit_in_scope(&state.db, u).await?;
    }
    let which = match q.state.as_deref().unwrap_or("open") {
        "open" => Which::Open,
        "overdue" => Which::Overdue,
        "all" => Which::All,
        other => {
            return Err(ApiError::Rejected {
                code: "bad_state",
                vi: format!("Trạng thái danh sách {other:?} không hợp lệ (open, overdue, all)"),
                en: format!("List state {other:?} is not valid (open, overdue, all)"),
            })
        }
    };
    let filter = ListFilter {
        unit,
        commune,
        which,
        limit: q.limit.unwrap_or(200).clamp(1, 1000),
    };
    Ok(Json(views::list(&state.db, &filter).await?))
}

/// One dossier (no personal data).
#[utoipa::path(get, path = "/api/v1/dossiers/{id}", tag = "dossiers", params(("id" = String, Path)),
    responses((status = 200, body = DossierView), (status = 401, body = ApiErrorBody),
              (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn get_dossier(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> Result<Json<DossierView>, ApiError> {
    let view = readable(&state, &p, &id).await?;
    Ok(Json(view))
}

/// The dossier if `p` may read it: 404 for nobody's and for others' (no probing of codes).
async fn readable(state: &AppState, p: &Principal, id: &str) -> Result<DossierView, ApiError> {
    p.require(p.reads_all_indicators() || !p.edited_units().is_empty())?;
    let view = views::get(&state.db, id).await?.ok_or(ApiError::NotFound)?;
    if !p.reads_unit_dossiers(&view.unit) {
        return Err(ApiError::NotFound);
    }
    p.require_unit_in_scope(&state.db, &view.unit).await?;
    Ok(view)
}

/// The apology slips of a dossier.
#[utoipa::path(get, path = "/api/v1/dossiers/{id}/apologies", tag = "dossiers", params(("id" = String, Path)),
    responses((status = 200, body = [ApologyView]), (status = 401, body = ApiErrorBody),
              (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn list_apologies(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> Result<Json<Vec<ApologyView>>, ApiError> {
    readable(&state, &p, &id).await?;
    Ok(Json(views::apologies(&state.db, &id).await?))
}

/// One apology slip with what its printed form names (Decree 61/2018, Mẫu số 04): the issuing
/// unit, the province, the procedure, the dates. Read by whoever reads the dossier.
#[utoipa::path(get, path = "/api/v1/dossiers/{id}/apologies/{n}", tag = "dossiers",
    params(("id" = String, Path), ("n" = i16, Path, description = "The slip's number: 1 for the first postponement")),
    responses((status = 200, body = ApologySlip), (status = 401, body = ApiErrorBody),
              (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn get_apology(
    State(state): State<AppState>,
    p: Principal,
    Path((id, n)): Path<(String, String)>,
) -> Result<Json<ApologySlip>, ApiError> {
    readable(&state, &p, &id).await?;
    // A number that is no slip's is "no such slip", like a slip that was never issued.
    let n: i16 = n.parse().map_err(|_| ApiError::NotFound)?;
    super::slips::slip(&state.db, &state.config.province, &id, n)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}

/// Issues an apology slip with a new return date (staff of the handling unit). The first
/// promised date is kept; the postponement is counted.
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/apologies", tag = "dossiers", params(("id" = String, Path)),
    request_body = ApologyInput,
    responses((status = 201, body = ApologyView), (status = 401, body = ApiErrorBody),
              (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
              (status = 422, body = ApiErrorBody)))]
pub async fn post_apology(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ApologyInput>,
) -> Result<(axum::http::StatusCode, Json<ApologyView>), ApiError> {
    let view = readable(&state, &p, &id).await?;
    p.require(p.edits_unit(&view.unit))?;
    let actor = p.actor();
    let (slip, unit) = views::apologise(&state.db, &id, &input.reason, input.new_due, &actor.label)
        .await
        .map_err(|e| match e {
            ApologyError::Db(e) => ApiError::Database(e),
            ApologyError::NotFound => ApiError::NotFound,
            other => {
                let (code, vi, en) = other.messages();
                ApiError::Rejected {
                    code,
                    vi: vi.into(),
                    en: en.into(),
                }
            }
        })?;
    let mut touched = std::collections::BTreeMap::new();
    touched.insert(unit, std::collections::HashSet::new());
    state.dossier_live.touched(&touched);
    Ok((axum::http::StatusCode::CREATED, Json(slip)))
}

/// The live board of a unit (or the province), as the topic `dossiers/{unit}` last published it.
#[utoipa::path(get, path = "/api/v1/dossier-boards/{unit}", tag = "dossiers", params(("unit" = String, Path)),
    responses((status = 200, body = DossierBoard), (status = 401, body = ApiErrorBody),
              (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn get_board(
    State(state): State<AppState>,
    p: Principal,
    Path(unit): Path<String>,
) -> Result<Json<DossierBoard>, ApiError> {
    p.require(p.reads_unit_dossiers(&unit))?;
    p.require_unit_in_scope(&state.db, &unit).await?;
    match stored::state(&state.db, &super::live::topic(&unit)).await? {
        Some((_, Payload::Dossiers(board))) => Ok(Json(*board)),
        _ => super::live::empty_board(&state.db, &unit, state.config.demo)
            .await?
            .map(Json)
            .ok_or(ApiError::NotFound),
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IndexQuery {
    /// `month`, `quarter`, `year` or `rolling30` (default).
    pub period: Option<String>,
    /// A day inside the period (`YYYY-MM-DD`); default today.
    pub day: Option<NaiveDate>,
    /// For the ranking: `department` (default) or `commune`.
    pub kind: Option<String>,
}

fn period_of(q: &IndexQuery) -> Result<super::index::IndexPeriod, ApiError> {
    let kind = match q.period.as_deref() {
        None => PeriodKind::Rolling30,
        Some(s) => PeriodKind::parse(s).ok_or_else(|| ApiError::Rejected {
            code: "bad_period_kind",
            vi: format!("Kỳ {s:?} không hợp lệ (month, quarter, year, rolling30)"),
            en: format!("Period {s:?} is not valid (month, quarter, year, rolling30)"),
        })?,
    };
    Ok(kind.containing(q.day.unwrap_or_else(super::today)))
}

/// The 766 index of a unit for a period, every metric explained (numerator, denominator, points).
#[utoipa::path(get, path = "/api/v1/index766/{unit}", tag = "dossiers", params(("unit" = String, Path), IndexQuery),
    responses((status = 200, body = IndexView), (status = 401, body = ApiErrorBody),
              (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
              (status = 422, body = ApiErrorBody)))]
pub async fn get_index(
    State(state): State<AppState>,
    p: Principal,
    Path(unit): Path<String>,
    Query(q): Query<IndexQuery>,
) -> Result<Json<IndexView>, ApiError> {
    p.require(p.reads_unit_dossiers(&unit))?;
    p.require_unit_in_scope(&state.db, &unit).await?;
    let period = period_of(&q)?;
    if !crate::units::unit_topic_exists("dossiers/")(&state.db, super::live::topic(&unit)).await? {
        return Err(ApiError::NotFound);
    }
    if !computed(&state, period).await? {
        super::live::compute_period(&state.db, &state.config.province, period).await?;
    }
    let row = sqlx::query!(
        r#"SELECT i.detail, i.computed_at, u.name_vi, u.name_en
           FROM dossier_index i JOIN units u ON u.code = i.unit_code
           WHERE i.unit_code = $1 AND i.period_kind = $2 AND i.period_start = $3"#,
        unit,
        period.kind.as_str(),
        period.start
    )
    .fetch_optional(&state.db)
    .await?
    .ok_or(ApiError::NotFound)?;
    #[derive(Deserialize)]
    struct Detail {
        summary: IndexSummary,
        metrics: Vec<MetricScore>,
    }
    let detail: Detail =
        serde_json::from_value(row.detail).map_err(|e| ApiError::Internal(e.into()))?;
    Ok(Json(IndexView {
        unit,
        unit_name_vi: row.name_vi,
        unit_name_en: row.name_en,
        period_kind: period.kind.as_str().to_string(),
        period_start: period.start,
        period_end: period.end,
        summary: detail.summary,
        metrics: detail.metrics,
        computed_at: row.computed_at,
    }))
}

/// Whether the index of `period` was ever computed.
async fn computed(state: &AppState, period: super::index::IndexPeriod) -> Result<bool, ApiError> {
    Ok(sqlx::query_scalar!(
        "SELECT EXISTS (SELECT 1 FROM dossier_index WHERE period_kind = $1 AND period_start = $2 AND unit_code = $3)",
        period.kind.as_str(),
        period.start,
        state.config.province
    )
    .fetch_one(&state.db)
    .await?
    .unwrap_or(false))
}

async fn ranking_rows(
    state: &AppState,
    q: &IndexQuery,
) -> Result<(super::index::IndexPeriod, Vec<RankRow>), ApiError> {
    let period = period_of(q)?;
    let kind = q.kind.as_deref().unwrap_or("department");
    if kind != "department" && kind != "commune" {
        return Err(ApiError::Rejected {
            code: "bad_peer_group",
            vi: "Nhóm xếp hạng phải là department hoặc commune".into(),
            en: "The peer group must be department or commune".into(),
        });
    }
    if !computed(state, period).await? {
        super::live::compute_period(&state.db, &state.config.province, period).await?;
    }
    let rows = sqlx::query!(
        r#"SELECT i.unit_code, u.name_vi, u.name_en, i.total::float8 AS "total!", i.groups
           FROM dossier_index i JOIN units u ON u.code = i.unit_code
           WHERE i.period_kind = $1 AND i.period_start = $2 AND u.kind = $3 AND u.parent_code = $4
             -- Ranked: units that received or finished dossiers in the period (catalogue points
             -- alone say nothing of how a unit serves people).
             AND EXISTS (SELECT 1 FROM dossier_daily d WHERE d.unit_code = i.unit_code
                         AND d.day BETWEEN $2 AND $5 AND (d.received > 0 OR d.finished > 0))
           ORDER BY i.total DESC, i.unit_code"#,
        period.kind.as_str(),
        period.start,
        kind,
        state.config.province,
        period.end
    )
    .fetch_all(&state.db)
    .await?;
    let rows = rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let groups = r.groups;
            RankRow {
                rank: i + 1,
                unit: r.unit_code,
                name_vi: r.name_vi,
                name_en: r.name_en,
                kind: kind.to_string(),
                total: r.total,
                groups,
                overdue: 0,
            }
        })
        .collect();
    Ok((period, rows))
}

/// The ranking of a peer group (departments or communes) by their 766 index for a period.
#[utoipa::path(get, path = "/api/v1/index766-ranking", tag = "dossiers", params(IndexQuery),
    responses((status = 200, body = [RankRow]), (status = 401, body = ApiErrorBody),
              (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn get_ranking(
    State(state): State<AppState>,
    p: Principal,
    Query(q): Query<IndexQuery>,
) -> Result<Json<Vec<RankRow>>, ApiError> {
    p.require(p.reads_all_indicators())?;
    Ok(Json(ranking_rows(&state, &q).await?.1))
}

/// The ranking as an Excel workbook (one row per unit: rank, total, the six groups).
#[utoipa::path(get, path = "/api/v1/index766-ranking.xlsx", tag = "dossiers", params(IndexQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               description = "Excel attachment"), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)))]
pub async fn export_ranking(
    State(state): State<AppState>,
    p: Principal,
    Query(q): Query<IndexQuery>,
) -> Result<Response, ApiError> {
    p.require(p.reads_all_indicators())?;
    let (period, rows) = ranking_rows(&state, &q).await?;
    let body = tokio::task::spawn_blocking(move || super::export::ranking_xlsx(period, &rows))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(|e| ApiError::Internal(e.into()))?;
    let name = format!(
        "attachment; filename=\"chi-so-766-{}-{}.xlsx\"",
        period.kind.as_str(),
        period.start
    );
    Ok((
        [
            (CONTENT_TYPE, XLSX_TYPE.to_string()),
            (CONTENT_DISPOSITION, name),
            (CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response())
}

/// The communes' shapes for the wall's map: a GeoJSON FeatureCollection, each feature's
/// properties `code`, `name` and `name_en`; no features when none were imported.
#[utoipa::path(get, path = "/api/v1/commune-shapes", tag = "dossiers",
    responses((status = 200, content_type = "application/geo+json", body = Object,
               description = "GeoJSON FeatureCollection"),
              (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)))]
pub async fn get_shapes(State(state): State<AppState>, p: Principal) -> Result<Response, ApiError> {
    p.require(p.reads_all_indicators())?;
    let body = super::shapes::collection(&state.db).await?;
    Ok(([(CONTENT_TYPE, "application/geo+json")], Json(body)).into_response())
}

/// Replaces the communes' shapes (administrators): the body is a GeoJSON FeatureCollection whose
/// every feature names an active commune of the province (`code`, `ma_xa` or `ward_code`) and
/// draws a Polygon or MultiPolygon inside Vietnam. All or nothing: a file with a bad feature is
/// answered 422 `invalid_features`, every bad feature listed in the error's `rows`.
#[utoipa::path(post, path = "/api/v1/commune-shapes", tag = "dossiers",
    request_body(content = Object, content_type = "application/json",
                 description = "GeoJSON FeatureCollection"),
    responses((status = 200, body = CommuneShapeReceipt), (status = 401, body = ApiErrorBody),
              (status = 403, body = ApiErrorBody), (status = 413, body = ApiErrorBody),
              (status = 415, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn post_shapes(
    State(state): State<AppState>,
    p: Principal,
    body: Result<ApiJson<serde_json::Value>, ApiError>,
) -> Result<Json<CommuneShapeReceipt>, ApiError> {
    // Rights before content: a body is read only for someone allowed to send it.
    p.require_admin()?;
    let ApiJson(body) = body?;
    let receipt =
        super::shapes::import(&state.db, &state.config.province, &p.actor(), &body).await?;
    tracing::info!(
        imported = receipt.imported,
        missing = receipt.missing.len(),
        "commune shapes imported"
    );
    Ok(Json(receipt))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrendQuery {
    /// How many months, ending with the current one (default 12, at most 36).
    pub months: Option<u32>,
}

/// A unit's 766 index month by month (total, band and the six groups), oldest first; the
/// current month is the month so far.
#[utoipa::path(get, path = "/api/v1/index766/{unit}/trend", tag = "dossiers",
    params(("unit" = String, Path), TrendQuery),
    responses((status = 200, body = IndexTrend), (status = 401, body = ApiErrorBody),
              (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
              (status = 422, body = ApiErrorBody)))]
pub async fn get_trend(
    State(state): State<AppState>,
    p: Principal,
    Path(unit): Path<String>,
    Query(q): Query<TrendQuery>,
) -> Result<Json<IndexTrend>, ApiError> {
    p.require(p.reads_unit_dossiers(&unit))?;
    p.require_unit_in_scope(&state.db, &unit).await?;
    let months = q.months.unwrap_or(12);
    if !(1..=MAX_TREND_MONTHS).contains(&months) {
        return Err(ApiError::Rejected {
            code: "bad_months",
            vi: format!("Số tháng phải từ 1 đến {MAX_TREND_MONTHS}"),
            en: format!("The number of months must be 1 to {MAX_TREND_MONTHS}"),
        });
    }
    let Some(board) = super::live::empty_board(&state.db, &unit, state.config.demo).await? else {
        return Err(ApiError::NotFound);
    };
    let periods = super::trend::months(super::today(), months);
    let months = super::trend::trend(&state.db, &state.config.province, &unit, &periods).await?;
    Ok(Json(IndexTrend {
        unit,
        unit_name_vi: board.unit_name_vi,
        unit_name_en: board.unit_name_en,
        months,
    }))
}
