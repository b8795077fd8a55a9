//! The mail queue's state for administrators (the admin overview shows it).

use axum::extract::State;
use axum::Json;
use ioc_protocol::MailStatus;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Principal;
use crate::http::ApiError;
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(status))
}

/// Whether e-mail is configured, what waits, what was given up, and the last error (which
/// `/readyz` leaves out: it may name an address). Administrators.
#[utoipa::path(get, path = "/api/v1/mail/status", tag = "admin",
    responses((status = 200, body = MailStatus), (status = 401, body = ioc_protocol::ApiErrorBody),
              (status = 403, body = ioc_protocol::ApiErrorBody)))]
pub async fn status(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<MailStatus>, ApiError> {
    p.require_admin()?;
    let configured = super::configured(&state.config);
    Ok(Json(super::status(&state.db, configured).await?))
}
