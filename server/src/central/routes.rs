//! HTTP handlers of the delivery status page: what went to the Government system, what waits,
//! what failed, and the manual retry of a failed message.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};

use axum::Json;
use ioc_protocol::{DeliveryList, DeliveryStatus, DeliveryView};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::RetryError;
use crate::auth::{Principal, Who};
use crate::http::ApiError;
use crate::AppState;

const LIST_DEFAULT: i64 = 100;
const LIST_MAX: i64 = 1_000;

/// The deliveries' routes and their OpenAPI entries, from the handlers' annotations.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_deliveries))
        .routes(routes!(retry_delivery))
}

/// Filters of `GET /api/v1/central/deliveries`. Read as text and checked here, so a bad value
/// gets the API's bilingual 422 rather than a bare 400.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveriesQuery {
    /// `pending`, `delivered` or `failed`; all when absent.
    pub status: Option<String>,
    /// At most this many messages, newest first (default 100, at most 1,000).
    pub limit: Option<String>,
}

impl DeliveriesQuery {
    fn parse(self) -> Result<(Option<DeliveryStatus>, i64), ApiError> {
        let status = self
            .status
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                DeliveryStatus::parse(s).ok_or_else(|| {
                    ApiError::InvalidBody(format!(
                        "status: {s:?} is not pending, delivered or failed"
                    ))
                })
            })
            .transpose()?;
        let limit = match self
            .limit
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => LIST_DEFAULT,
            Some(l) => l
                .parse::<i64>()
                .map_err(|_| ApiError::InvalidBody(format!("limit: {l:?} is not a number")))?,
        };
        Ok((status, limit.clamp(1, LIST_MAX)))
    }
}

/// People who answer for the province's figures (admin, leader, approver) see the queue;
/// machines do not (a wall reads indicators, not the delivery log).
fn require_reader(p: &Principal) -> Result<(), ApiError> {
    p.require(matches!(p.who, Who::User(_)) && p.reads_all_indicators())
}

/// The messages to the Government reporting system, newest first, with counts per state.
#[utoipa::path(get, path = "/api/v1/central/deliveries", tag = "central", params(DeliveriesQuery),
    responses((status = 200, body = DeliveryList), (status = 401), (status = 403),
              (status = 422, body = ioc_protocol::ApiErrorBody)))]
pub async fn list_deliveries(
    State(state): State<AppState>,
    p: Principal,
    query: Result<Query<DeliveriesQuery>, QueryRejection>,
) -> Result<Json<DeliveryList>, ApiError> {
    require_reader(&p)?;
    let Query(query) = query.map_err(|e| ApiError::InvalidBody(e.body_text()))?;
    let (status, limit) = query.parse()?;
    let counts = super::counts(&state.db).await?;
    let items = super::list(&state.db, status, limit).await?;
    let endpoint = super::worker::display_endpoint(&state.config);
    Ok(Json(DeliveryList {
        configured: endpoint.is_some(),
        endpoint,
        pending: counts.pending,
        delivered: counts.delivered,
        failed: counts.failed,
        items,
    }))
}

/// Queues a failed message again (after the cause was fixed on either side). Admin or approver;
/// 409 unless the message is failed.
#[utoipa::path(post, path = "/api/v1/central/deliveries/{id}/retry", tag = "central",
    params(("id" = i64, Path, description = "The message")),
    responses((status = 200, body = DeliveryView), (status = 401), (status = 403), (status = 404),
              (status = 409, body = ioc_protocol::ApiErrorBody)))]
pub async fn retry_delivery(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> Result<Json<DeliveryView>, ApiError> {
    p.require(matches!(p.who, Who::User(_)) && (p.is_admin() || p.is_approver()))?;
    // Any id that is not a number names no message.
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let view = super::retry(&state.db, &p.actor(), id)
        .await
        .map_err(|e| match e {
            RetryError::NotFound => ApiError::NotFound,
            RetryError::NotFailed(from) => ApiError::InvalidTransition {
                action: "retry",
                from,
            },
            RetryError::Database(e) => ApiError::Database(e),
        })?;
    state.outbox.notify_one();
    Ok(Json(view))
}
