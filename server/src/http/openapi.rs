//! The OpenAPI document, generated from the handlers' annotations.

use axum::Json;
use utoipa::OpenApi;

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
        ioc_protocol::PointIn,
        ioc_protocol::PointBatch,
        ioc_protocol::IngestReceipt,
        ioc_protocol::StreamHead,
        ioc_protocol::ApiErrorBody,
        ioc_protocol::ApiErrorDetail,
        ioc_protocol::WallState,
        ioc_protocol::TileState,
        ioc_protocol::LivePoint,
        ioc_protocol::Payload,
        ioc_protocol::Publication,
        ioc_protocol::StreamPosition,
        ioc_protocol::LoginRequest,
        ioc_protocol::Me,
        ioc_protocol::RoleGrant,
        ioc_protocol::PasswordChange,
        ioc_protocol::PasswordReset,
        ioc_protocol::NewTokenRequest,
        ioc_protocol::TokenView,
        ioc_protocol::CreatedToken,
        ioc_protocol::NewUserRequest,
        ioc_protocol::UserUpdate,
        ioc_protocol::Viewer,
        ioc_protocol::UnitView,
        ioc_protocol::NewUnitRequest,
        ioc_protocol::UnitUpdate,
        ioc_protocol::UserView,
        ioc_protocol::UserEntry,
        ioc_protocol::AuditEntryView,
        ioc_protocol::IndicatorDef,
        ioc_protocol::IndicatorPatch,
        ioc_protocol::IndicatorGroup,
        ioc_protocol::BoardSnapshot,
        ioc_protocol::IndicatorGroupPatch,
        ioc_protocol::CalendarDay,
        ioc_protocol::CalendarDayInput,
        ioc_protocol::CalendarYear,
        ioc_protocol::CalendarWarning,
        ioc_protocol::DayKind,
        ioc_protocol::DayBound,
        ioc_protocol::Aggregation,
        ioc_protocol::FigureKind,
        ioc_protocol::SubmissionStatus,
        ioc_protocol::DeadlineStatus,
        ioc_protocol::Severity,
        ioc_protocol::Finding,
        ioc_protocol::EntryValue,
        ioc_protocol::EntryRow,
        ioc_protocol::SubmissionView,
        ioc_protocol::EntryInput,
        ioc_protocol::SaveEntries,
        ioc_protocol::ReturnRequest,
        ioc_protocol::SubmissionSummary,
        ioc_protocol::DeadlineBoard,
        ioc_protocol::EntryRevision,
        ioc_protocol::MonthFigure,
        ioc_protocol::SeriesView,
        ioc_protocol::IndicatorUnits,
        ioc_protocol::BackfillReceipt,
        ioc_protocol::DeliveryStatus,
        ioc_protocol::DeliveryView,
        ioc_protocol::DeliveryList,
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
