//! HTTP handlers of tasks: the Office enters a letter with its tasks (all stored or none); units
//! see their own tasks (owned or shared), leaders and the Office all; "what is late and who owns
//! it" grouped by owner; an owner reports a task done.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use chrono::NaiveDate;
use ioc_protocol::{
    ApiErrorBody, DirectiveCreated, DirectiveInput, ExtensionCreated, ExtensionDecision,
    ExtensionRequest, OwnerTasks, TaskDoneInput, TaskStatus, TaskView,
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::store;
use crate::audit::{self, Entry};
use crate::auth::Principal;
use crate::calendar::periods::Period;
use crate::calendar::Calendar;
use crate::http::extract::ApiJson;
use crate::http::ApiError;
use crate::indicators::excel;
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tasks))
        .routes(routes!(export_tasks))
        .routes(routes!(late_tasks))
        .routes(routes!(create_directive))
        .routes(routes!(task_done))
        .routes(routes!(request_extension))
        .routes(routes!(decide_extension))
        .merge(super::progress::router())
}

/// The audit entry of a step on a letter or a task: what was sent.
fn audit_entry(
    action: &'static str,
    entity: &'static str,
    id: i64,
    input: &impl serde::Serialize,
) -> Entry<'static> {
    Entry {
        action,
        entity,
        entity_id: Some(id.to_string()),
        before: None,
        after: serde_json::to_value(input).ok(),
    }
}

/// Filters of the task list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskFilter {
    /// `overdue`, `due_soon`, `on_track`, `ongoing`, `done_late`, `done_on_time`.
    pub status: Option<String>,
    /// Owner unit code.
    pub owner: Option<String>,
}

/// The tasks this principal may see, as views on `today`: every task for whoever reads the
/// whole province; a unit's editors, the tasks their units own or share.
async fn visible(
    state: &AppState,
    p: &Principal,
    today: NaiveDate,
) -> Result<Vec<TaskView>, ApiError> {
    let units = if p.reads_all_indicators() {
        None
    } else {
        let own = p.edited_units();
        p.require(!own.is_empty())?;
        Some(own)
    };
    let calendar = Calendar::load(&state.db).await?;
    Ok(super::views(&state.db, units.as_deref(), &calendar, today).await?)
}

/// Tasks, oldest first (a unit's editors: their units' own and shared tasks).
#[utoipa::path(get, path = "/api/v1/tasks", tag = "tasks", params(TaskFilter),
    responses((status = 200, body = Vec<TaskView>), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn list_tasks(
    State(state): State<AppState>,
    p: Principal,
    Query(f): Query<TaskFilter>,
) -> Result<Json<Vec<TaskView>>, ApiError> {
    Ok(Json(filtered(&state, &p, &f).await?))
}

/// The same list as an Excel workbook.
#[utoipa::path(get, path = "/api/v1/tasks.xlsx", tag = "tasks", params(TaskFilter),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               description = "Excel attachment"), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn export_tasks(
    State(state): State<AppState>,
    p: Principal,
    Query(f): Query<TaskFilter>,
) -> Result<Response, ApiError> {
    let tasks = filtered(&state, &p, &f).await?;
    let today = crate::dossiers::today();
    let title = format!("Danh sách nhiệm vụ — ngày {}", today.format("%d/%m/%Y"));
    let body = excel::blocking(move || super::export::tasks_xlsx(&title, &tasks))
        .await?
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok(excel::attachment(&format!("nhiem-vu-{today}.xlsx"), body))
}

/// The tasks this principal sees, with the filter's status and owner.
async fn filtered(
    state: &AppState,
    p: &Principal,
    f: &TaskFilter,
) -> Result<Vec<TaskView>, ApiError> {
    let wanted = match f.status.as_deref() {
        None | Some("") => None,
        Some(s) => Some(TaskStatus::parse(s).ok_or_else(|| ApiError::Rejected {
            code: "invalid_status",
            vi: format!("Trạng thái «{s}» không có; dùng overdue, due_soon, on_track, ongoing, done_late, done_on_time"),
            en: format!("No status «{s}»; use overdue, due_soon, on_track, ongoing, done_late, done_on_time"),
        })?),
    };
    let mut tasks = visible(state, p, crate::dossiers::today()).await?;
    tasks.retain(|t| {
        wanted.is_none_or(|s| t.status == s)
            && f.owner
                .as_deref()
                .is_none_or(|o| o.is_empty() || t.owner.code == o)
    });
    Ok(tasks)
}

/// What is late and who owns it: the overdue and due-soon tasks by owner, the owners with the
/// most overdue first; within an owner, the longest late first.
#[utoipa::path(get, path = "/api/v1/tasks/late", tag = "tasks",
    responses((status = 200, body = Vec<OwnerTasks>), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody)))]
pub async fn late_tasks(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<Vec<OwnerTasks>>, ApiError> {
    let tasks = visible(&state, &p, crate::dossiers::today()).await?;
    Ok(Json(super::by_owner(tasks)))
}

/// A letter and the tasks it assigns (the Office of the People's Committee: administrators
/// and approvers). Every deadline is read from its wording; one that cannot be read refuses
/// the whole letter, naming the task and showing the wording back.
#[utoipa::path(post, path = "/api/v1/directives", tag = "tasks", request_body = DirectiveInput,
    responses((status = 201, body = DirectiveCreated), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create_directive(
    State(state): State<AppState>,
    p: Principal,
    input: Result<ApiJson<DirectiveInput>, ApiError>,
) -> Result<(StatusCode, Json<DirectiveCreated>), ApiError> {
    p.require(p.is_admin() || p.is_approver())?;
    let ApiJson(input) = input?;
    let actor = p.actor();
    let read = super::read_directive(&state.db, &input).await?;
    let tasks: Vec<store::NewTask> = read.iter().map(|r| r.as_new()).collect();
    let mut tx = state.db.begin().await?;
    let (id, task_ids) = store::insert(
        &mut tx,
        &store::NewDirective {
            number: input.number.trim(),
            issued_on: input.issued_on,
            issuer: input.issuer.trim(),
            title: input.title.trim(),
            seed: None,
            created_by: &actor.label,
        },
        &tasks,
    )
    .await?;
    audit::record(
        &mut *tx,
        &actor,
        audit_entry("directive.create", "directives", id, &input),
    )
    .await?;
    tx.commit().await?;
    let touched: Vec<String> = read
        .iter()
        .flat_map(|t| std::iter::once(&t.owner).chain(&t.cooperators))
        .cloned()
        .collect();
    super::live::publish_after(&state, &touched).await;
    Ok((
        StatusCode::CREATED,
        Json(DirectiveCreated {
            id,
            tasks: task_ids,
        }),
    ))
}

/// The owner reports a task done (a recurring task: one period, by default the one its view
/// shows). Editors of the owning unit, and administrators.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/done", tag = "tasks", request_body = TaskDoneInput,
    params(("id" = i64, Path, description = "task id")),
    responses((status = 204), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn task_done(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
    input: Result<ApiJson<TaskDoneInput>, ApiError>,
) -> Result<StatusCode, ApiError> {
    // Who can report nothing is told so before any task is looked up.
    p.require(p.is_admin() || !p.edited_units().is_empty())?;
    let ApiJson(input) = input?;
    let today = crate::dossiers::today();
    let mut tx = state.db.begin().await?;
    let task = store::lock(&mut tx, id).await?.ok_or(ApiError::NotFound)?;
    p.require(p.is_admin() || p.edits_unit(&task.owner))?;
    let period = if task.recurring {
        let row = store::get(&state.db, id).await?.ok_or(ApiError::NotFound)?;
        let calendar = Calendar::load(&state.db).await?;
        Some(super::period_to_report(
            &row,
            input.period.as_deref(),
            &calendar,
            today,
        )?)
    } else if let Some(p) = input.period.as_deref().filter(|p| !p.is_empty()) {
        return Err(ApiError::Rejected {
            code: "invalid_period",
            vi: format!("Nhiệm vụ {id} không định kỳ: không có kỳ «{p}»"),
            en: format!("Task {id} does not recur: it has no period «{p}»"),
        });
    } else {
        None
    };
    let actor = p.actor();
    store::mark_done(
        &mut tx,
        id,
        period.as_ref().map(Period::to_string).as_deref(),
        today,
        input.note.trim(),
        &actor.label,
    )
    .await?;
    audit::record(
        &mut *tx,
        &actor,
        audit_entry("task.done", "tasks", id, &input),
    )
    .await?;
    tx.commit().await?;
    super::live::publish_after(&state, &task.units()).await;
    Ok(StatusCode::NO_CONTENT)
}

/// The owner asks for a later deadline, worded like a letter's, with a reason (the owner's
/// editors). One request waits at a time; a recurring or ongoing task, or one done, has none.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/extensions", tag = "tasks", request_body = ExtensionRequest,
    params(("id" = i64, Path, description = "task id")),
    responses((status = 201, body = ExtensionCreated), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)))]
pub async fn request_extension(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
    input: Result<ApiJson<ExtensionRequest>, ApiError>,
) -> Result<(StatusCode, Json<ExtensionCreated>), ApiError> {
    p.require(!p.edited_units().is_empty())?;
    let ApiJson(input) = input?;
    let mut tx = state.db.begin().await?;
    let task = store::lock(&mut tx, id).await?.ok_or(ApiError::NotFound)?;
    p.require(p.edits_unit(&task.owner))?;
    let due_on = super::read_extension(id, &task, &input)?;
    let actor = p.actor();
    let created = store::request_extension(
        &mut tx,
        id,
        input.deadline.trim(),
        due_on,
        input.reason.trim(),
        &actor.label,
    )
    .await?
    .ok_or_else(|| ApiError::Rejected {
        code: "extension_pending",
        vi: format!("Nhiệm vụ {id} đã có một đề nghị gia hạn đang chờ quyết định"),
        en: format!("Task {id} already has an extension request waiting for a decision"),
    })?;
    audit::record(
        &mut *tx,
        &actor,
        audit_entry("task.extension_request", "tasks", id, &input),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(ExtensionCreated { id: created })))
}

/// The issuer's office (approvers, administrators) approves or refuses an extension request;
/// an approval makes the requested deadline the task's.
#[utoipa::path(post, path = "/api/v1/task-extensions/{id}/decision", tag = "tasks",
    request_body = ExtensionDecision, params(("id" = i64, Path, description = "request id")),
    responses((status = 204), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn decide_extension(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
    input: Result<ApiJson<ExtensionDecision>, ApiError>,
) -> Result<StatusCode, ApiError> {
    p.require(p.is_admin() || p.is_approver())?;
    let ApiJson(input) = input?;
    let mut tx = state.db.begin().await?;
    let (task_id, decided) = store::lock_extension(&mut tx, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if decided {
        return Err(ApiError::Rejected {
            code: "already_decided",
            vi: format!("Đề nghị gia hạn {id} đã được quyết định"),
            en: format!("Extension request {id} was decided already"),
        });
    }
    let task = store::lock(&mut tx, task_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let actor = p.actor();
    store::decide_extension(&mut tx, id, input.approve, input.note.trim(), &actor.label).await?;
    audit::record(
        &mut *tx,
        &actor,
        audit_entry("task.extension_decision", "tasks", task_id, &input),
    )
    .await?;
    tx.commit().await?;
    super::live::publish_after(&state, &task.units()).await;
    Ok(StatusCode::NO_CONTENT)
}
