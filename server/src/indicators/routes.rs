//! HTTP handlers of the indicators domain: parse, call the domain, map the result.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use ioc_frontend::protocol::{ApiErrorBody, IngestReceipt, PointBatch, WallState};

use super::{points, streams};
use crate::auth::{Principal, Who};
use crate::http::extract::ApiJson;
use crate::http::ApiError;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/points", post(post_points)).route("/api/v1/wall", get(get_wall))
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
    let writer = points::Writer { unit: &writer, actor: &actor };
    let done = points::ingest(&state.db, &state.epoch, &batch.points, Some(writer)).await?;
    for p in done.publications {
        state.hub.publish(p);
    }
    Ok((StatusCode::OK, Json(done.receipt)))
}

/// The wall's current state (what the page renders before it goes live).
#[utoipa::path(get, path = "/api/v1/wall", tag = "indicators",
    responses((status = 200, body = WallState), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)))]
pub async fn get_wall(State(state): State<AppState>, who: Principal) -> Result<Json<WallState>, ApiError> {
    who.require_indicator_reader()?;
    streams::wall_state(&state.db, &state.epoch, &state.config.province, state.config.demo, who.viewer())
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::UnknownUnit(vec![state.config.province.clone()]))
}
