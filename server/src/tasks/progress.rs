//! Progress on a task: the owner or a co-operating unit says where the task stands (a note, how
//! far along) and attaches evidence files — the same checked, checksummed documents as a
//! regime's reports. Everyone who sees the task reads its updates; each arrives live on the
//! boards of the task's units.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use ioc_protocol::{ApiErrorBody, DocumentMeta, TaskProgressInput, TaskUpdateView};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::store;
use crate::audit::{self, Entry};
use crate::auth::Principal;
use crate::documents;
use crate::http::extract::ApiJson;
use crate::http::ApiError;
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(report_progress))
        .routes(routes!(list_updates))
        .routes(routes!(get_evidence))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(put_evidence))
                .layer(DefaultBodyLimit::max(documents::BODY_LIMIT)),
        )
}

/// The unit a person reports for on a task: the owner when they edit it, else the first
/// co-operating unit they edit.
fn reporting_unit(p: &Principal, owner: &str, cooperators: &[String]) -> Option<String> {
    std::iter::once(owner)
        .chain(cooperators.iter().map(String::as_str))
        .find(|u| p.edits_unit(u))
        .map(str::to_string)
}

/// Reads a task's updates: whoever reads every task, and the editors of its units.
async fn may_read(state: &AppState, p: &Principal, task: i64) -> Result<(), ApiError> {
    p.require(p.reads_all_indicators() || !p.edited_units().is_empty())?;
    let t = store::get(&state.db, task)
        .await?
        .ok_or(ApiError::NotFound)?;
    let cooperators: Vec<String> = t.cooperators.into_iter().map(|c| c.code).collect();
    p.require(p.reads_all_indicators() || reporting_unit(p, &t.owner.code, &cooperators).is_some())
}

/// Reports progress on a task (editors of its owner or of a co-operating unit).
#[utoipa::path(post, path = "/api/v1/tasks/{id}/progress", tag = "tasks", request_body = TaskProgressInput,
    params(("id" = i64, Path, description = "task id")),
    responses((status = 201, body = TaskUpdateView), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)))]
pub async fn report_progress(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
    input: Result<ApiJson<TaskProgressInput>, ApiError>,
) -> Result<(StatusCode, Json<TaskUpdateView>), ApiError> {
    p.require(!p.edited_units().is_empty())?;
    let ApiJson(input) = input?;
    let note = input.note.trim();
    if note.is_empty() || note.chars().count() > 4000 {
        return Err(ApiError::Rejected {
            code: "invalid_note",
            vi: "Báo cáo tiến độ cần nội dung (tối đa 4000 ký tự)".into(),
            en: "A progress report needs a note (at most 4000 characters)".into(),
        });
    }
    if input.percent.is_some_and(|p| p > 100) {
        return Err(ApiError::Rejected {
            code: "invalid_percent",
            vi: "Tỷ lệ hoàn thành từ 0 đến 100".into(),
            en: "Percent done is between 0 and 100".into(),
        });
    }
    let actor = p.actor();
    let mut tx = state.db.begin().await?;
    let task = store::lock(&mut tx, id).await?.ok_or(ApiError::NotFound)?;
    let unit = reporting_unit(&p, &task.owner, &task.cooperators).ok_or(ApiError::Forbidden)?;
    let update = store::add_progress(
        &mut tx,
        id,
        &unit,
        note,
        input.percent.map(i16::from),
        &actor.label,
    )
    .await?;
    audit::record(
        &mut *tx,
        &actor,
        Entry {
            action: "task.progress",
            entity: "tasks",
            entity_id: Some(id.to_string()),
            before: None,
            after: serde_json::to_value(&input).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    super::live::publish_after(&state, &task.units()).await;
    let view = views(&state, id)
        .await?
        .into_iter()
        .find(|u| u.id == update)
        .ok_or(ApiError::NotFound)?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Attaches an evidence file to an update (the file is the request body; PDF, DOCX, XLSX or
/// ODT by its content; at most 20 MiB). Editors of the unit that reported it.
#[utoipa::path(put, path = "/api/v1/task-updates/{id}/evidence", tag = "tasks",
    params(("id" = i64, Path, description = "update id"), documents::FileName),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = DocumentMeta), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 413, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn put_evidence(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
    Query(q): Query<documents::FileName>,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<DocumentMeta>, ApiError> {
    p.require(!p.edited_units().is_empty())?;
    let actor = p.actor();
    let mut tx = state.db.begin().await?;
    let (task, unit) = store::lock_update(&mut tx, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    p.require(unit.as_deref().is_some_and(|u| p.edits_unit(u)))?;
    let up = documents::check(q.name.as_deref(), documents::body(bytes)?)?;
    let meta = documents::store_audited(
        &mut tx,
        &actor,
        &up,
        Entry {
            action: "task.evidence",
            entity: "tasks",
            entity_id: Some(task.to_string()),
            before: None,
            after: Some(serde_json::json!({"update": id})),
        },
    )
    .await?;
    store::add_evidence(&mut tx, id, meta.id).await?;
    tx.commit().await?;
    Ok(Json(meta))
}

async fn views(state: &AppState, task: i64) -> Result<Vec<TaskUpdateView>, ApiError> {
    let mut out = Vec::new();
    let mut c = state.db.acquire().await?;
    for u in store::updates(&state.db, task).await? {
        let mut evidence = Vec::new();
        for doc in u.evidence {
            evidence.extend(documents::meta(&mut c, doc).await?);
        }
        out.push(TaskUpdateView {
            id: u.id,
            period: u.period,
            note: u.note,
            percent: u.percent.and_then(|p| u8::try_from(p).ok()),
            done: u.done,
            unit: u.unit_code,
            author: u.author,
            at: u.at,
            evidence,
        });
    }
    Ok(out)
}

/// A task's updates (progress and done), newest first, with their evidence.
#[utoipa::path(get, path = "/api/v1/tasks/{id}/updates", tag = "tasks",
    params(("id" = i64, Path, description = "task id")),
    responses((status = 200, body = Vec<TaskUpdateView>), (status = 401, body = ApiErrorBody),
        (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn list_updates(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
) -> Result<Json<Vec<TaskUpdateView>>, ApiError> {
    may_read(&state, &p, id).await?;
    Ok(Json(views(&state, id).await?))
}

/// Downloads an evidence file of a task, with its SHA-256 in `X-Checksum-Sha256`.
#[utoipa::path(get, path = "/api/v1/tasks/{id}/evidence/{document}", tag = "tasks",
    params(("id" = i64, Path, description = "task id"), ("document" = i64, Path)),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
        (status = 404, body = ApiErrorBody)))]
pub async fn get_evidence(
    State(state): State<AppState>,
    p: Principal,
    Path((id, document)): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    may_read(&state, &p, id).await?;
    if !store::is_evidence(&state.db, id, document).await? {
        return Err(ApiError::NotFound);
    }
    documents::download(&mut *state.db.acquire().await?, document).await
}
