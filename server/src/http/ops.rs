//! Operational endpoints: liveness, readiness, Prometheus metrics.

use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use ioc_protocol::CalendarWarning;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;

/// Liveness, readiness and metrics, documented like every other route.
pub fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .routes(routes!(metrics))
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    pub status: &'static str,
    /// Things an operator should fix that do not stop the server (still 200), e.g. the
    /// Government's holiday schedule of the current or next year not entered yet.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<CalendarWarning>,
    /// The e-mail queue (readiness only): whether SMTP is configured, what waits, the last error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mail: Option<ioc_protocol::MailStatus>,
}

/// The process is up — and, with the embedded cluster, its postmaster too: while the supervisor
/// restarts a postmaster that died, this answers 503 `database restarting`, so a monitor sees the
/// outage the server is already repairing.
#[utoipa::path(get, path = "/healthz", tag = "ops",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn healthz(State(state): State<AppState>) -> Response {
    if state.database_health.is_up() {
        Json(Health {
            status: "ok",
            warnings: Vec::new(),
            mail: None,
        })
        .into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(Health {
                status: "database restarting",
                warnings: Vec::new(),
                mail: None,
            }),
        )
            .into_response()
    }
}

/// The database answers: the server can take writes.
#[utoipa::path(get, path = "/readyz", tag = "ops",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn readyz(State(state): State<AppState>) -> Response {
    let ping = tokio::time::timeout(
        Duration::from_secs(2),
        sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(&state.db),
    )
    .await;
    match ping {
        Ok(Ok(_)) => {
            // A warning, never a failure: deadlines still compute from the expected schedule.
            let warnings = crate::calendar::routes::warnings(&state.db)
                .await
                .unwrap_or_default();
            // Shown, never a failure: reminders not going out does not stop the server. Without
            // the error text, which may name an address: administrators read it at
            // `GET /api/v1/mail/status`.
            let mail = crate::mail::status(&state.db, crate::mail::configured(&state.config))
                .await
                .ok()
                .map(|m| ioc_protocol::MailStatus {
                    last_error: None,
                    ..m
                });
            Json(Health {
                status: "ready",
                warnings,
                mail,
            })
            .into_response()
        }
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(Health {
                status: "database unavailable",
                warnings: Vec::new(),
                mail: None,
            }),
        )
            .into_response(),
    }
}

/// Prometheus text exposition.
#[utoipa::path(get, path = "/metrics", tag = "ops", responses((status = 200, content_type = "text/plain")))]
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        state.metrics.render(),
    )
}

/// Counts requests and their latency by route template (never by raw path: bounded labels).
pub async fn track_requests(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let response = next.run(req).await;
    let labels = [
        ("method", method.to_string()),
        ("route", route),
        ("status", response.status().as_u16().to_string()),
    ];
    metrics::counter!("ioc_http_requests_total", &labels).increment(1);
    metrics::histogram!("ioc_http_request_duration_seconds", &labels)
        .record(start.elapsed().as_secs_f64());
    response
}
