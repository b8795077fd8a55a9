//! HTTP handlers of the working calendar: read a year, add / edit / delete a day (administrators,
//! audited in the same transaction), readiness warnings.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::Datelike;
use ioc_protocol::{ApiErrorBody, CalendarDay, CalendarDayInput, CalendarWarning, CalendarYear};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::store::{self, CalendarError};
use crate::audit::{self, Entry};
use crate::auth::{Principal, Who};
use crate::http::extract::ApiJson;
use crate::http::ApiError;
use crate::AppState;

/// Years the lunar computation is trusted for.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

/// The calendar's routes and their OpenAPI entries, from the handlers' annotations.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_year))
        .routes(routes!(create_day, put_day, delete_day))
}

impl From<CalendarError> for ApiError {
    fn from(e: CalendarError) -> Self {
        match e {
            CalendarError::Db(e) => ApiError::Database(e),
            CalendarError::NotFound => ApiError::NotFound,
            e => {
                let (code, vi, en) = e.messages();
                ApiError::Rejected { code, vi, en }
            }
        }
    }
}

/// Warnings for the current and the next year when the Government's schedule is not entered.
pub async fn warnings(db: impl sqlx::PgExecutor<'_>) -> Result<Vec<CalendarWarning>, sqlx::Error> {
    let this = crate::indicators::deadlines::today().year();
    Ok(store::years_not_announced(db, &[this, this + 1])
        .await?
        .into_iter()
        .map(CalendarWarning::not_announced)
        .collect())
}

fn parse_year(s: &str) -> Result<i32, ApiError> {
    s.parse::<i32>()
        .ok()
        .filter(|y| YEARS.contains(y))
        .ok_or_else(|| ApiError::Rejected {
            code: "invalid_year",
            vi: format!("Năm {s:?} không hợp lệ (từ 1900 đến 2199)"),
            en: format!("{s:?} is not a year between 1900 and 2199"),
        })
}

/// A year of the working calendar: the stored (announced or edited) days, or the days the rules
/// expect when nothing is stored.
#[utoipa::path(get, path = "/api/v1/calendar/{year}", tag = "calendar",
    params(("year" = String, Path, description = "YYYY")),
    responses((status = 200, body = CalendarYear), (status = 401, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)))]
pub async fn get_year(
    State(state): State<AppState>,
    p: Principal,
    Path(year): Path<String>,
) -> Result<Json<CalendarYear>, ApiError> {
    p.require(!matches!(p.who, Who::Anonymous))?;
    let year = parse_year(&year)?;
    let (stored, days) = super::year_days(store::stored_year(&state.db, year).await?, year);
    Ok(Json(CalendarYear {
        year,
        stored,
        announced: stored && days.iter().all(|d| d.announced),
        days,
        warnings: warnings(&state.db).await?,
    }))
}

/// Adds a day that is not yet in the calendar (a duplicate is refused).
#[utoipa::path(post, path = "/api/v1/calendar/days/{day}", tag = "calendar",
    request_body = CalendarDayInput, params(("day" = String, Path, description = "YYYY-MM-DD")),
    responses((status = 401, body = ioc_protocol::ApiErrorBody), (status = 201, body = CalendarDay), (status = 403, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)))]
pub async fn create_day(
    state: State<AppState>,
    p: Principal,
    day: Path<String>,
    input: Result<ApiJson<CalendarDayInput>, ApiError>,
) -> Result<(StatusCode, Json<CalendarDay>), ApiError> {
    write(state, p, day, input, true)
        .await
        .map(|d| (StatusCode::CREATED, d))
}

/// Adds or replaces a day. A swap day writes its repayment day too.
#[utoipa::path(put, path = "/api/v1/calendar/days/{day}", tag = "calendar",
    request_body = CalendarDayInput, params(("day" = String, Path, description = "YYYY-MM-DD")),
    responses((status = 401, body = ioc_protocol::ApiErrorBody), (status = 200, body = CalendarDay), (status = 403, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)))]
pub async fn put_day(
    state: State<AppState>,
    p: Principal,
    day: Path<String>,
    input: Result<ApiJson<CalendarDayInput>, ApiError>,
) -> Result<Json<CalendarDay>, ApiError> {
    write(state, p, day, input, false).await
}

async fn write(
    State(state): State<AppState>,
    p: Principal,
    Path(day): Path<String>,
    input: Result<ApiJson<CalendarDayInput>, ApiError>,
    create: bool,
) -> Result<Json<CalendarDay>, ApiError> {
    // Rights before content: a body is read only for someone allowed to send it.
    p.require_admin()?;
    let ApiJson(input) = input?;
    let date = store::parse_day(&day)?;
    parse_year(&date.year().to_string())?;
    let mut tx = state.db.begin().await?;
    let (before, after) = store::put(&mut tx, date, &input, create).await?;
    audit::record(
        &mut *tx,
        &p.actor(),
        Entry {
            action: if create {
                "calendar.day.create"
            } else {
                "calendar.day.put"
            },
            entity: "calendar_days",
            entity_id: Some(date.to_string()),
            before: before.and_then(|b| serde_json::to_value(b).ok()),
            after: serde_json::to_value(&after).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    crate::indicators::publish_boards(&state, crate::indicators::deadlines::Boards::Every).await?;
    Ok(Json(after))
}

/// Removes a day (a swap day with its repayment day).
#[utoipa::path(delete, path = "/api/v1/calendar/days/{day}", tag = "calendar",
    params(("day" = String, Path, description = "YYYY-MM-DD")),
    responses((status = 401, body = ioc_protocol::ApiErrorBody), (status = 204), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)))]
pub async fn delete_day(
    State(state): State<AppState>,
    p: Principal,
    Path(day): Path<String>,
) -> Result<StatusCode, ApiError> {
    p.require_admin()?;
    let date = store::parse_day(&day)?;
    let mut tx = state.db.begin().await?;
    let before = store::delete(&mut tx, date).await?;
    audit::record(
        &mut *tx,
        &p.actor(),
        Entry {
            action: "calendar.day.delete",
            entity: "calendar_days",
            entity_id: Some(date.to_string()),
            before: serde_json::to_value(&before).ok(),
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    crate::indicators::publish_boards(&state, crate::indicators::deadlines::Boards::Every).await?;
    Ok(StatusCode::NO_CONTENT)
}
