//! The OpenAPI document. Its paths come from the routers themselves: every domain declares its
//! routes with `utoipa_axum::routes!`, which registers the handler with axum and its annotation
//! with the document in one step, so a route cannot exist undocumented (and the access-table
//! test checks that it covers every path documented here).

use axum::body::Bytes;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "IOC – Trung tâm điều hành thông minh tỉnh",
        description = "API of the provincial operations center. Live updates: WebSocket /ws (see protocol)."
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
        ioc_protocol::MailStatus,
        ioc_protocol::ProcedureLevel,
        ioc_protocol::OnlineLevel,
        ioc_protocol::ProcedureView,
        ioc_protocol::ProcedureInput,
        ioc_protocol::ProcedureImportReceipt,
        ioc_protocol::RowError,
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

/// Every documented route of the server: the domains' routers merged, with the document's
/// header, shared schemas and security schemes.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(crate::http::ops::router())
        .merge(crate::indicators::routes::router())
        .merge(crate::indicators::report_routes::router())
        .merge(crate::calendar::routes::router())
        .merge(crate::auth::routes::router())
        .merge(crate::units::routes::router())
        .merge(crate::audit::routes::router())
        .merge(crate::central::routes::router())
        .merge(crate::mail::routes::router())
        .merge(crate::dossiers::routes::router())
        .merge(crate::screens::routes::router())
        .merge(crate::tasks::routes::router())
        .merge(crate::regimes::routes::router())
        .merge(crate::dossiers::catalogue::routes::router())
}

/// Facts true of every operation, written into the document once rather than into 50
/// annotations that could drift: every error answer of the API is the JSON error shape (the
/// `json_errors` layer guarantees it), and every unsafe operation can answer 403 `csrf_failed`
/// (the principal extractor checks the token of cookie sessions).
pub fn uniform_errors(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let error_body = || {
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("ApiErrorBody")))
            .build()
    };
    for item in doc.paths.paths.values_mut() {
        let unsafe_ops = [
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ];
        for op in unsafe_ops.into_iter().flatten() {
            op.responses
                .responses
                .entry("403".into())
                .or_insert_with(|| {
                    RefOr::T(
                        ResponseBuilder::new()
                            .description(
                                "Not allowed, or the CSRF token of a cookie session missing",
                            )
                            .build(),
                    )
                });
        }
        let ops = [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ];
        for op in ops.into_iter().flatten() {
            for (status, response) in op.responses.responses.iter_mut() {
                let RefOr::T(response) = response else {
                    continue;
                };
                if status.as_str() >= "400" && response.content.is_empty() {
                    response
                        .content
                        .insert("application/json".into(), error_body());
                }
            }
        }
    }
}

/// The handler of `/api/openapi.json`: the document is serialised once, when the router is built.
pub fn document(
    doc: &utoipa::openapi::OpenApi,
) -> impl Fn() -> std::future::Ready<Response> + Clone + Send + Sync + 'static {
    let body = Bytes::from(serde_json::to_vec(doc).expect("the OpenAPI document serialises"));
    move || std::future::ready(([(CONTENT_TYPE, "application/json")], body.clone()).into_response())
}
