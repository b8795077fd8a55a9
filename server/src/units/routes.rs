//! HTTP handlers for units: the list every signed-in principal may search (pickers, forms), and
//! the administrator's creation and changes, each written with its audit entry in one transaction.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use ioc_protocol::{NewUnitRequest, UnitUpdate, UnitView};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{UnitChanges, UnitFilter, UnitKind, UnitRecord};
use crate::audit::{self, Entry};
use crate::auth::{Principal, Who};
use crate::http::extract::ApiJson;
use crate::http::ApiError;
use crate::AppState;

/// The units' routes and their OpenAPI entries, from the handlers' annotations.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_units))
        .routes(routes!(create_unit))
        .routes(routes!(update_unit))
}

/// Filters of `GET /api/v1/units`, all optional. Read as text and checked here, so a bad value
/// gets the API's bilingual 422 rather than a bare 400.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitsQuery {
    /// Words to find in the Vietnamese or English name (case, accents and punctuation ignored).
    pub q: Option<String>,
    /// `province`, `commune`, `department`, `historic_province`, `historic_district`, `historic_commune`.
    pub kind: Option<String>,
    /// Code of the parent unit.
    pub parent: Option<String>,
    /// `true` or `false`.
    pub active: Option<String>,
    /// At most this many units (default 200, at most 5000).
    pub limit: Option<String>,
}

fn blank_to_none(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

impl UnitsQuery {
    fn filter(self) -> Result<UnitFilter, ApiError> {
        let kind = blank_to_none(self.kind)
            .map(|k| {
                k.parse::<UnitKind>()
                    .map_err(|e| ApiError::InvalidBody(format!("kind: {e}")))
            })
            .transpose()?;
        let active = match blank_to_none(self.active).as_deref() {
            None => None,
            Some("true") => Some(true),
            Some("false") => Some(false),
            Some(other) => {
                return Err(ApiError::InvalidBody(format!(
                    "active: {other:?} is not true or false"
                )))
            }
        };
        let limit = blank_to_none(self.limit)
            .map(|l| {
                l.parse::<i64>()
                    .map_err(|_| ApiError::InvalidBody(format!("limit: {l:?} is not a number")))
            })
            .transpose()?;
        Ok(UnitFilter {
            kind,
            parent_code: blank_to_none(self.parent),
            active,
            q: blank_to_none(self.q),
            limit,
        })
    }
}

pub fn view(r: UnitRecord) -> UnitView {
    UnitView {
        code: r.unit.code.to_string(),
        name_vi: r.unit.name_vi,
        name_en: r.unit.name_en,
        kind: r.unit.kind.as_str().to_string(),
        subtype: r.unit.subtype,
        parent_code: r.unit.parent_code,
        active: r.unit.active,
        sort_order: r.sort_order,
    }
}

/// Search the units. Any signed-in person or machine may (forms and pickers need it).
#[utoipa::path(get, path = "/api/v1/units", tag = "units", params(UnitsQuery),
    responses((status = 200, body = [UnitView]), (status = 401, body = ioc_protocol::ApiErrorBody),
              (status = 422, body = ioc_protocol::ApiErrorBody)))]
pub async fn list_units(
    State(state): State<AppState>,
    p: Principal,
    query: Result<Query<UnitsQuery>, QueryRejection>,
) -> Result<Json<Vec<UnitView>>, ApiError> {
    if matches!(p.who, Who::Anonymous) {
        return Err(ApiError::LoginRequired);
    }
    let Query(query) = query.map_err(|e| ApiError::InvalidBody(e.body_text()))?;
    let filter = query.filter()?;
    let units = super::list_records(&state.db, &filter).await?;
    Ok(Json(units.into_iter().map(view).collect()))
}

/// Department codes: `dept-` and lower-case letters, digits and dashes (32 characters at most).
fn valid_department_code(code: &str) -> bool {
    code.strip_prefix("dept-").is_some_and(|rest| {
        !rest.is_empty()
            && code.len() <= 32
            && rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    })
}

/// Commune codes: the five digits of the national list.
fn valid_commune_code(code: &str) -> bool {
    code.len() == 5 && code.bytes().all(|b| b.is_ascii_digit())
}

/// Explains the table's constraints as 422s.
fn map_unit_error(code: String, parent: Option<String>) -> impl Fn(sqlx::Error) -> ApiError {
    move |e| {
        ApiError::from(e)
            .on_constraint("units_pkey", || {
                ApiError::invalid(
                    format!("Mã đơn vị {code} đã được dùng"),
                    format!("unit code {code} is taken"),
                )
            })
            .on_constraint("units_parent_code_fkey", || {
                ApiError::UnknownUnit(parent.clone().into_iter().collect())
            })
            .on_violation(super::CONSTRAINTS)
    }
}

/// Checks that `parent` may hold a unit of `kind`: it exists, is active, and is a province (or,
/// for a department, a province or another department).
async fn check_parent(state: &AppState, kind: UnitKind, parent: &str) -> Result<(), ApiError> {
    let Some(p) = super::get(&state.db, parent).await? else {
        return Err(ApiError::UnknownUnit(vec![parent.to_string()]));
    };
    let fits = match kind {
        UnitKind::Commune => p.kind == UnitKind::Province,
        UnitKind::Department => matches!(p.kind, UnitKind::Province | UnitKind::Department),
        _ => false,
    };
    if !fits {
        return Err(ApiError::InvalidBody(format!(
            "a {kind} cannot belong to the {} {parent}",
            p.kind
        )));
    }
    if !p.active {
        return Err(ApiError::InvalidBody(format!(
            "parent unit {parent} is not active"
        )));
    }
    Ok(())
}

fn trimmed(s: &str) -> Option<&str> {
    Some(s.trim()).filter(|s| !s.is_empty())
}

/// Add a department or a commune (audited).
#[utoipa::path(post, path = "/api/v1/admin/units", tag = "admin", request_body = NewUnitRequest,
    responses((status = 201, body = UnitView), (status = 401), (status = 403),
              (status = 422, body = ioc_protocol::ApiErrorBody)))]
pub async fn create_unit(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<NewUnitRequest>,
) -> Result<(StatusCode, Json<UnitView>), ApiError> {
    p.require_admin()?;
    let kind = match req.kind.parse::<UnitKind>() {
        Ok(k @ (UnitKind::Department | UnitKind::Commune)) => k,
        _ => {
            return Err(ApiError::InvalidBody(
                "kind must be department or commune".into(),
            ))
        }
    };
    let code = req.code.trim();
    let code_ok = match kind {
        UnitKind::Department => valid_department_code(code),
        _ => valid_commune_code(code),
    };
    if !code_ok {
        return Err(ApiError::InvalidBody(match kind {
            UnitKind::Department => "department codes read dept-… (a-z, 0-9, -)".into(),
            _ => "commune codes are five digits".into(),
        }));
    }
    let (Some(name_vi), Some(name_en)) = (trimmed(&req.name_vi), trimmed(&req.name_en)) else {
        return Err(ApiError::InvalidBody("names must not be blank".into()));
    };
    let parent = req
        .parent_code
        .as_deref()
        .and_then(trimmed)
        .unwrap_or(&state.config.province)
        .to_string();
    check_parent(&state, kind, &parent).await?;
    let new = super::NewUnit {
        code,
        name_vi,
        name_en,
        kind,
        subtype: req.subtype.as_deref().and_then(trimmed),
        parent_code: &parent,
    };
    let mut tx = state.db.begin().await?;
    let created = super::create(&mut *tx, &new)
        .await
        .map_err(map_unit_error(code.to_string(), Some(parent.clone())))?;
    let created = view(created);
    let entry = Entry {
        action: "create",
        entity: "unit",
        entity_id: Some(created.code.clone()),
        before: None,
        after: serde_json::to_value(&created).ok(),
    };
    audit::record(&mut *tx, &p.actor(), entry).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Rename, move, reorder, deactivate or reactivate a unit (audited with before and after).
/// Historic units cannot be made active.
#[utoipa::path(patch, path = "/api/v1/admin/units/{code}", tag = "admin", request_body = UnitUpdate,
    params(("code" = String, Path, description = "Code of the unit")),
    responses((status = 200, body = UnitView), (status = 401), (status = 403), (status = 404),
              (status = 422, body = ioc_protocol::ApiErrorBody)))]
pub async fn update_unit(
    State(state): State<AppState>,
    p: Principal,
    Path(code): Path<String>,
    ApiJson(req): ApiJson<UnitUpdate>,
) -> Result<Json<UnitView>, ApiError> {
    p.require_admin()?;
    let blank = |v: &Option<String>| v.as_deref().is_some_and(|s| s.trim().is_empty());
    if blank(&req.name_vi) || blank(&req.name_en) {
        return Err(ApiError::InvalidBody("names must not be blank".into()));
    }
    if blank(&req.parent_code) {
        return Err(ApiError::InvalidBody(
            "parent_code must not be blank".into(),
        ));
    }
    let mut tx = state.db.begin().await?;
    let before = super::get_record(&mut *tx, &code, true)
        .await?
        .ok_or(ApiError::NotFound)?;
    if req.active == Some(true) && before.unit.kind.is_historic() {
        return Err(ApiError::InvalidBody(
            "historic units cannot be made active".into(),
        ));
    }
    let parent = req.parent_code.as_deref().map(str::trim);
    if let Some(parent) = parent.filter(|p| before.unit.parent_code.as_deref() != Some(*p)) {
        check_parent(&state, before.unit.kind, parent).await?;
        if super::would_cycle(&mut *tx, &code, parent).await? {
            return Err(ApiError::InvalidBody(format!(
                "{parent} is {code} or one of its units"
            )));
        }
    }
    let changes = UnitChanges {
        name_vi: req.name_vi.as_deref().map(str::trim),
        name_en: req.name_en.as_deref().map(str::trim),
        subtype: req.subtype.as_deref().map(trimmed),
        parent_code: parent,
        active: req.active,
        sort_order: req.sort_order,
    };
    let before = view(before);
    let unchanged = changes.name_vi.is_none_or(|v| v == before.name_vi)
        && changes.name_en.is_none_or(|v| v == before.name_en)
        && changes
            .subtype
            .is_none_or(|v| v == before.subtype.as_deref())
        && changes
            .parent_code
            .is_none_or(|v| Some(v) == before.parent_code.as_deref())
        && changes.active.is_none_or(|v| v == before.active)
        && changes.sort_order.is_none_or(|v| v == before.sort_order);
    if unchanged {
        return Ok(Json(before));
    }
    let after = super::update(&mut *tx, &code, &changes)
        .await
        .map_err(map_unit_error(code.clone(), parent.map(String::from)))?
        .ok_or(ApiError::NotFound)?;
    let after = view(after);
    let entry = Entry {
        action: "update",
        entity: "unit",
        entity_id: Some(code.clone()),
        before: serde_json::to_value(&before).ok(),
        after: serde_json::to_value(&after).ok(),
    };
    audit::record(&mut *tx, &p.actor(), entry).await?;
    tx.commit().await?;
    Ok(Json(after))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_the_conventions() {
        assert!(valid_department_code("dept-skhcn"));
        assert!(valid_department_code("dept-ban-qlda-2"));
        assert!(!valid_department_code("dept-"));
        assert!(!valid_department_code("dept-Sở"));
        assert!(!valid_department_code("skhcn"));
        assert!(valid_commune_code("17329"));
        assert!(!valid_commune_code("1732"));
        assert!(!valid_commune_code("1732a"));
    }

    #[test]
    fn query_values_are_checked() {
        let q = UnitsQuery {
            kind: Some("commune".into()),
            active: Some("true".into()),
            limit: Some("5".into()),
            ..Default::default()
        };
        let f = q.filter().unwrap();
        assert_eq!(
            (f.kind, f.active, f.limit),
            (Some(UnitKind::Commune), Some(true), Some(5))
        );
        assert!(UnitsQuery {
            kind: Some("district".into()),
            ..Default::default()
        }
        .filter()
        .is_err());
        assert!(UnitsQuery {
            active: Some("yes".into()),
            ..Default::default()
        }
        .filter()
        .is_err());
        assert!(UnitsQuery {
            limit: Some("many".into()),
            ..Default::default()
        }
        .filter()
        .is_err());
        let blank = UnitsQuery {
            q: Some("  ".into()),
            kind: Some(String::new()),
            ..Default::default()
        }
        .filter()
        .unwrap();
        assert_eq!(blank, UnitFilter::default());
    }
}
