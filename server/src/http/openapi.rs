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
        crate::indicators::routes::list_indicators,
        crate::indicators::routes::patch_indicator,
        crate::indicators::routes::get_series,
        crate::indicators::routes::export_series,
        crate::indicators::routes::get_indicator_units,
        crate::indicators::routes::post_backfill,
        crate::indicators::routes::list_groups,
        crate::indicators::routes::patch_group,
        crate::calendar::routes::get_year,
        crate::calendar::routes::create_day,
        crate::calendar::routes::put_day,
        crate::calendar::routes::delete_day,
        crate::indicators::report_routes::list_submissions,
        crate::indicators::report_routes::export_submissions,
        crate::indicators::report_routes::get_deadlines,
        crate::indicators::report_routes::get_submission,
        crate::indicators::report_routes::put_entries,
        crate::indicators::report_routes::submit,
        crate::indicators::report_routes::approve,
        crate::indicators::report_routes::return_report,
        crate::indicators::report_routes::history,
        crate::indicators::report_routes::template,
        crate::indicators::report_routes::import,
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
        protocol::IndicatorDef,
        protocol::IndicatorPatch,
        protocol::IndicatorGroup,
        protocol::BoardSnapshot,
        protocol::IndicatorGroupPatch,
        protocol::CalendarDay,
        protocol::CalendarDayInput,
        protocol::CalendarYear,
        protocol::CalendarWarning,
        protocol::DayKind,
        protocol::DayBound,
        protocol::Aggregation,
        protocol::FigureKind,
        protocol::SubmissionStatus,
        protocol::DeadlineStatus,
        protocol::Severity,
        protocol::Finding,
        protocol::EntryValue,
        protocol::EntryRow,
        protocol::SubmissionView,
        protocol::EntryInput,
        protocol::SaveEntries,
        protocol::ReturnRequest,
        protocol::SubmissionSummary,
        protocol::DeadlineBoard,
        protocol::EntryRevision,
        protocol::MonthFigure,
        protocol::SeriesView,
        protocol::IndicatorUnits,
        protocol::BackfillReceipt,
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
