//! The OpenAPI document, generated from the handlers' annotations.

use axum::Json;
use utoipa::OpenApi;

use ioc_frontend::protocol;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "IOC – Trung tâm điều hành thông minh tỉnh",
        description = "API of the provincial operations center. Live updates: WebSocket /ws (see protocol)."
    ),
    paths(
        crate::indicators::routes::post_points,
        crate::indicators::routes::get_wall,
        crate::auth::routes::login,
        crate::auth::routes::logout,
        crate::auth::routes::me,
        crate::auth::routes::change_password,
        crate::auth::routes::list_tokens,
        crate::auth::routes::create_token,
        crate::auth::routes::revoke_token,
        crate::auth::routes::list_users,
        crate::auth::routes::create_user,
        crate::auth::routes::update_user,
        crate::auth::routes::reset_password,
        crate::http::ops::healthz,
        crate::http::ops::readyz,
        crate::http::ops::metrics,
        crate::units::routes::list_units,
        crate::units::routes::create_unit,
        crate::units::routes::update_unit,
        crate::audit::routes::list_audit,
        crate::audit::routes::export_csv,
        crate::audit::routes::export_xlsx,
        crate::central::routes::list_deliveries,
        crate::central::routes::retry_delivery,
    ),
    components(schemas(
        protocol::PointIn,
        protocol::PointBatch,
        protocol::IngestReceipt,
        protocol::StreamHead,
        protocol::ApiErrorBody,
        protocol::ApiErrorDetail,
        protocol::WallState,
        protocol::TileState,
        protocol::LivePoint,
        protocol::Payload,
        protocol::Publication,
        protocol::StreamPosition,
        protocol::LoginRequest,
        protocol::Me,
        protocol::RoleGrant,
        protocol::PasswordChange,
        protocol::PasswordReset,
        protocol::NewTokenRequest,
        protocol::TokenView,
        protocol::CreatedToken,
        protocol::NewUserRequest,
        protocol::UserUpdate,
        protocol::Viewer,
        protocol::UnitView,
        protocol::NewUnitRequest,
        protocol::UnitUpdate,
        protocol::UserView,
        protocol::UserEntry,
        protocol::AuditEntryView,
        protocol::DeliveryStatus,
        protocol::DeliveryView,
        protocol::DeliveryList,
    )),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "ingest_token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
