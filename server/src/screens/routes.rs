//! HTTP handlers of the wall screens: administrators list, create, change and delete screens
//! (audited in the same transaction, published on `screen/{code}` after the commit); a running
//! screen reports the page it shows; administrators read the presence list.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use ioc_protocol::{
    screen_topic, ApiErrorBody, NewScreen, Payload, PresenceReport, Publication, ScreenInput,
    ScreenPresence, ScreenView,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::store;
use crate::audit::{self, Entry};
use crate::auth::principal::Unchecked;
use crate::auth::{Principal, Who};
use crate::http::constraint::OnConstraint;
use crate::http::extract::ApiJson;
use crate::http::ApiError;
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_screens, create_screen))
        .routes(routes!(get_screen, put_screen, delete_screen))
        .routes(routes!(report_presence))
        .routes(routes!(list_presence))
}

fn audit_entry(
    action: &'static str,
    code: &str,
    before: Option<&ScreenView>,
    after: Option<&ScreenView>,
) -> Entry<'static> {
    Entry {
        action,
        entity: "screens",
        entity_id: Some(code.to_string()),
        before: before.and_then(|b| serde_json::to_value(b).ok()),
        after: after.and_then(|a| serde_json::to_value(a).ok()),
    }
}

/// Sends a screen's new configuration to the screens showing it (after the commit).
fn publish(state: &AppState, screen: &ScreenView) {
    state.hub.publish(Publication {
        topic: screen_topic(&screen.code),
        epoch: state.epoch.to_string(),
        offset: screen.version,
        data: Payload::Screen(Box::new(screen.clone())),
    });
}

/// Every screen (administrators).
#[utoipa::path(get, path = "/api/v1/screens", tag = "screens",
    responses((status = 200, body = Vec<ScreenView>), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody)))]
pub async fn list_screens(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<Vec<ScreenView>>, ApiError> {
    p.require_admin()?;
    Ok(Json(store::list(&state.db, &state.config.province).await?))
}

/// Creates a screen (a taken code is refused).
#[utoipa::path(post, path = "/api/v1/screens", tag = "screens", request_body = NewScreen,
    responses((status = 201, body = ScreenView), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create_screen(
    State(state): State<AppState>,
    p: Principal,
    input: Result<ApiJson<NewScreen>, ApiError>,
) -> Result<(StatusCode, Json<ScreenView>), ApiError> {
    p.require_admin()?;
    let ApiJson(new) = input?;
    super::check_code(&new.code)?;
    let input = new.input();
    super::check_input(&state.db, &state.config.province, &input).await?;
    let mut tx = state.db.begin().await?;
    let code = new.code.clone();
    let after = store::insert(&mut tx, &new.code, &input, &state.config.province)
        .await
        .on_constraint("screens_pkey", || ApiError::Rejected {
            code: "screen_exists",
            vi: format!("Đã có màn hình mã {code:?}"),
            en: format!("A screen with code {code:?} exists already"),
        })?;
    audit::record(
        &mut *tx,
        &p.actor(),
        audit_entry("screen.create", &after.code, None, Some(&after)),
    )
    .await?;
    tx.commit().await?;
    publish(&state, &after);
    Ok((StatusCode::CREATED, Json(after)))
}

/// A screen's configuration: administrators, people who read the wall, and wall displays whose
/// token names the screen.
#[utoipa::path(get, path = "/api/v1/screens/{code}", tag = "screens",
    params(("code" = String, Path, description = "screen code, e.g. main")),
    responses((status = 200, body = ScreenView), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn get_screen(
    State(state): State<AppState>,
    p: Principal,
    Path(code): Path<String>,
) -> Result<Json<ScreenView>, ApiError> {
    p.require(p.shows_screen(&code))?;
    store::get(&state.db, &code, &state.config.province)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}

/// Replaces a screen's configuration; the screens showing it follow at once.
#[utoipa::path(put, path = "/api/v1/screens/{code}", tag = "screens", request_body = ScreenInput,
    params(("code" = String, Path, description = "screen code")),
    responses((status = 200, body = ScreenView), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)))]
pub async fn put_screen(
    State(state): State<AppState>,
    p: Principal,
    Path(code): Path<String>,
    input: Result<ApiJson<ScreenInput>, ApiError>,
) -> Result<Json<ScreenView>, ApiError> {
    p.require_admin()?;
    let ApiJson(input) = input?;
    super::check_input(&state.db, &state.config.province, &input).await?;
    let mut tx = state.db.begin().await?;
    let (before, after) = store::update(&mut tx, &code, &input, &state.config.province)
        .await?
        .ok_or(ApiError::NotFound)?;
    audit::record(
        &mut *tx,
        &p.actor(),
        audit_entry("screen.update", &code, Some(&before), Some(&after)),
    )
    .await?;
    tx.commit().await?;
    publish(&state, &after);
    Ok(Json(after))
}

/// Deletes a screen. Kiosks showing it keep their last configuration until they are reloaded
/// (then they say the screen does not exist).
#[utoipa::path(delete, path = "/api/v1/screens/{code}", tag = "screens",
    params(("code" = String, Path, description = "screen code")),
    responses((status = 204), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn delete_screen(
    State(state): State<AppState>,
    p: Principal,
    Path(code): Path<String>,
) -> Result<StatusCode, ApiError> {
    p.require_admin()?;
    let mut tx = state.db.begin().await?;
    let before = store::delete(&mut tx, &code, &state.config.province)
        .await?
        .ok_or(ApiError::NotFound)?;
    audit::record(
        &mut *tx,
        &p.actor(),
        audit_entry("screen.delete", &code, Some(&before), None),
    )
    .await?;
    tx.commit().await?;
    state
        .screen_presence
        .forget_screen(&state.db, &state.hub, &state.epoch, &code)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A running screen says which page it shows (on every page change and every 20 s). Only a wall
/// display whose token names the screen reports. Its device cookie carries no CSRF token, so the
/// request must come from one of our pages (`Origin`, as for the WebSocket); a person's session
/// is CSRF-checked as everywhere.
#[utoipa::path(post, path = "/api/v1/screens/{code}/presence", tag = "screens",
    request_body = PresenceReport, params(("code" = String, Path, description = "screen code")),
    responses((status = 204), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)))]
pub async fn report_presence(
    State(state): State<AppState>,
    Unchecked(p): Unchecked,
    headers: HeaderMap,
    Path(code): Path<String>,
    input: Result<ApiJson<PresenceReport>, ApiError>,
) -> Result<StatusCode, ApiError> {
    let token = match &p.who {
        Who::Anonymous => return Err(ApiError::LoginRequired),
        Who::User(_) => {
            p.check_csrf(&headers)?;
            return Err(ApiError::Forbidden);
        }
        Who::Token(t) if p.shows_screen(&code) => t.clone(),
        Who::Token(_) => return Err(ApiError::Forbidden),
    };
    if p.by_cookie
        && !crate::http::security::origin_allowed(&headers, state.config.public_url.as_deref())
    {
        return Err(ApiError::CsrfFailed);
    }
    let ApiJson(report) = input?;
    let screen = store::get(&state.db, &code, &state.config.province)
        .await?
        .ok_or(ApiError::NotFound)?;
    let page = screen.pages.get(report.page as usize);
    if page.is_none_or(|pg| pg.kind != report.kind) {
        return Err(ApiError::Rejected {
            code: "invalid_page",
            vi: format!(
                "Màn hình {code} không có trang {} loại {}",
                report.page,
                report.kind.as_str()
            ),
            en: format!(
                "Screen {code} has no page {} of kind {}",
                report.page,
                report.kind.as_str()
            ),
        });
    }
    state
        .screen_presence
        .report(
            &state.db,
            &state.hub,
            &state.epoch,
            token.id,
            ScreenPresence {
                screen: code,
                device: token.name,
                device_prefix: token.prefix,
                page: report.page,
                kind: report.kind,
                unit: page.and_then(|pg| pg.unit.clone()),
                last_contact: chrono::Utc::now(),
            },
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The running screens' last reports (administrators; live on `screen-presence`).
#[utoipa::path(get, path = "/api/v1/screen-presence", tag = "screens",
    responses((status = 200, body = Vec<ScreenPresence>), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody)))]
pub async fn list_presence(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<Vec<ScreenPresence>>, ApiError> {
    p.require_admin()?;
    Ok(Json(state.screen_presence.list().1))
}
