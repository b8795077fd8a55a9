//! HTTP handlers for sign-in, sign-out, password change and the admin's token and user APIs.

use axum::extract::{Path, State};
use axum::http::header::{SET_COOKIE, USER_AGENT};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use ioc_protocol::{
    CreatedToken, LoginRequest, Me, NewTokenRequest, NewUserRequest, PasswordChange, PasswordReset,
    RoleGrant, TokenKind, TokenView, UserUpdate,
};
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::password::{self, Password};
use super::principal::cookie_value;
use super::principal::Unchecked;
use super::tokens::{self, TokenInfo};
use super::users::{self, Grant, Role};
use super::{sessions, Principal, Who};
use crate::audit::{self, Entry};
use crate::http::constraint::OnConstraint;
use crate::http::extract::ApiJson;
use crate::http::ApiError;
use crate::AppState;

/// The accounts' routes and their OpenAPI entries, from the handlers' annotations.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(change_password))
        .routes(routes!(me))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
        .routes(routes!(list_users, create_user))
        .routes(routes!(update_user))
        .routes(routes!(reset_password))
}

fn me_of(user: &users::User, grants: &[Grant], csrf: &str) -> Me {
    Me {
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        unit: user.unit_code.clone(),
        roles: grants
            .iter()
            .map(|g| RoleGrant {
                role: g.role,
                unit: g.unit.clone(),
            })
            .collect(),
        csrf_token: csrf.to_string(),
    }
}

fn secure_cookies(state: &AppState) -> bool {
    state
        .config
        .public_url
        .as_deref()
        .is_some_and(|u| u.starts_with("https://"))
}

/// Sign in; the session cookie comes with the answer.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 422, body = ioc_protocol::ApiErrorBody), (status = 200, body = Me), (status = 401, body = ioc_protocol::ApiErrorBody),
              (status = 403, description = "Account locked"), (status = 429, description = "Too many attempts")))]
pub async fn login(
    State(state): State<AppState>,
    Unchecked(p): Unchecked,
    headers: HeaderMap,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let ua = headers.get(USER_AGENT).and_then(|v| v.to_str().ok());
    let done = super::login(&state, &req.username, Password::new(req.password), p.ip, ua).await?;
    let grants = users::grants(&state.db, done.user.id).await?;
    let cookie = super::session_cookie(Some(&done.session.token), secure_cookies(&state));
    Ok((
        [(SET_COOKIE, cookie)],
        Json(me_of(&done.user, &grants, &done.session.csrf)),
    )
        .into_response())
}

/// Sign out: the session is deleted and the cookie cleared.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", responses((status = 204)))]
pub async fn logout(
    State(state): State<AppState>,
    p: Principal,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    super::sign_out(&state.db, &p, &headers).await?;
    let cookie = super::session_cookie(None, secure_cookies(&state));
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, cookie)]).into_response())
}

#[utoipa::path(get, path = "/api/v1/me", tag = "auth", responses((status = 200, body = Me), (status = 401)))]
pub async fn me(p: Principal) -> Result<Json<Me>, ApiError> {
    match &p.who {
        Who::User(u) => Ok(Json(Me {
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            unit: u.unit_code.clone(),
            roles: u
                .grants
                .iter()
                .map(|g| RoleGrant {
                    role: g.role,
                    unit: g.unit.clone(),
                })
                .collect(),
            csrf_token: u.csrf.clone(),
        })),
        _ => Err(ApiError::LoginRequired),
    }
}

/// Change one's own password; every other session of the account ends.
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "auth", request_body = PasswordChange,
    responses((status = 204), (status = 401), (status = 422, description = "Too weak")))]
pub async fn change_password(
    State(state): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    ApiJson(req): ApiJson<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    let Who::User(u) = &p.who else {
        return Err(ApiError::LoginRequired);
    };
    let keep = cookie_value(&headers, sessions::COOKIE);
    super::change_password(
        &state.db,
        &p.actor(),
        u,
        Password::new(req.current),
        Password::new(req.new),
        keep,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

fn view(t: TokenInfo) -> TokenView {
    TokenView {
        id: t.id,
        name: t.name,
        kind: t.kind,
        prefix: t.prefix,
        unit: t.unit_code,
        scopes: t.scopes,
        screens: t.screens,
        created_at: t.created_at,
        last_used_at: t.last_used_at,
        expires_at: t.expires_at,
        revoked_at: t.revoked_at,
    }
}

#[utoipa::path(get, path = "/api/v1/admin/tokens", tag = "admin", responses((status = 401, body = ioc_protocol::ApiErrorBody), (status = 403, body = ioc_protocol::ApiErrorBody), (status = 200, body = [TokenView])))]
pub async fn list_tokens(
    State(state): State<AppState>,
    p: Principal,
) -> Result<Json<Vec<TokenView>>, ApiError> {
    p.require_admin()?;
    Ok(Json(
        tokens::list(&state.db)
            .await?
            .into_iter()
            .map(view)
            .collect(),
    ))
}

/// Issue a token. The answer is the only place its secret ever appears.
#[utoipa::path(post, path = "/api/v1/admin/tokens", tag = "admin", request_body = NewTokenRequest,
    responses((status = 401, body = ioc_protocol::ApiErrorBody), (status = 201, body = CreatedToken), (status = 403), (status = 422)))]
pub async fn create_token(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<NewTokenRequest>,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    p.require_admin()?;
    let valid_scopes = req
        .scopes
        .iter()
        .all(|s| s == tokens::SCOPE_POINTS_WRITE || s == tokens::SCOPE_DOSSIERS_WRITE);
    if !valid_scopes
        || req.name.trim().is_empty()
        || (req.kind == TokenKind::WallDisplay && req.screens.is_empty())
    {
        return Err(ApiError::InvalidBody("kind must be integration or wall_display; wall displays need screens; scopes: points:write, dossiers:write".into()));
    }
    if crate::units::get(&state.db, &req.unit).await?.is_none() {
        return Err(ApiError::UnknownUnit(vec![req.unit]));
    }
    let mut tx = state.db.begin().await?;
    let actor = p.actor();
    let new = tokens::NewToken {
        name: req.name.trim(),
        kind: req.kind,
        unit_code: &req.unit,
        scopes: &req.scopes,
        screens: &req.screens,
        created_by: actor.user,
        expires_at: req.expires_at,
    };
    let (plain, info) = tokens::create(&mut *tx, &new).await?;
    let after = serde_json::to_value(view(info.clone())).ok();
    let entry = Entry {
        action: "create",
        entity: "api_token",
        entity_id: Some(info.id.to_string()),
        before: None,
        after,
    };
    audit::record(&mut *tx, &actor, entry).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            token: plain,
            info: view(info),
        }),
    ))
}

#[utoipa::path(post, path = "/api/v1/admin/tokens/{id}/revoke", tag = "admin",
    params(("id" = i64, Path)),
    responses((status = 401, body = ioc_protocol::ApiErrorBody), (status = 403, body = ioc_protocol::ApiErrorBody), (status = 200, body = TokenView), (status = 404)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
) -> Result<Json<TokenView>, ApiError> {
    p.require_admin()?;
    let mut tx = state.db.begin().await?;
    let before = tokens::get(&mut *tx, id).await?.ok_or(ApiError::NotFound)?;
    let after = tokens::revoke(&mut *tx, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let entry = Entry {
        action: "revoke",
        entity: "api_token",
        entity_id: Some(id.to_string()),
        before: serde_json::to_value(view(before)).ok(),
        after: serde_json::to_value(view(after.clone())).ok(),
    };
    audit::record(&mut *tx, &p.actor(), entry).await?;
    tx.commit().await?;
    Ok(Json(view(after)))
}

#[utoipa::path(get, path = "/api/v1/admin/users", tag = "admin", responses((status = 401, body = ioc_protocol::ApiErrorBody), (status = 403, body = ioc_protocol::ApiErrorBody), (status = 200)))]
pub async fn list_users(State(state): State<AppState>, p: Principal) -> Result<Response, ApiError> {
    p.require_admin()?;
    let mut out = Vec::new();
    for u in users::list(&state.db).await? {
        let grants = users::grants(&state.db, u.id).await?;
        out.push(json!({ "user": u, "roles": grants }));
    }
    Ok(Json(out).into_response())
}

/// Create an account with its roles (audited, password hashed with argon2id).
#[utoipa::path(post, path = "/api/v1/admin/users", tag = "admin", request_body = NewUserRequest,
    responses((status = 401, body = ioc_protocol::ApiErrorBody), (status = 201), (status = 403), (status = 422)))]
pub async fn create_user(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<NewUserRequest>,
) -> Result<(StatusCode, Response), ApiError> {
    p.require_admin()?;
    let created = create_account(&state.db, &p.actor(), req).await?;
    Ok((StatusCode::CREATED, Json(created).into_response()))
}

/// Change an account: name, unit, roles, disabled. Disabling ends its sessions at once.
#[utoipa::path(patch, path = "/api/v1/admin/users/{id}", tag = "admin",
    params(("id" = i64, Path)), request_body = UserUpdate,
    responses((status = 401, body = ioc_protocol::ApiErrorBody), (status = 200), (status = 403), (status = 404), (status = 422)))]
pub async fn update_user(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<UserUpdate>,
) -> Result<Json<serde_json::Value>, ApiError> {
    p.require_admin()?;
    let grants = req.roles.as_deref().map(parse_grants).transpose()?;
    if let (Who::User(me), Some(g)) = (&p.who, &grants) {
        // An administrator cannot take the admin role from themself: someone must remain.
        if me.id == id && !g.iter().any(|g| g.role == Role::Admin) {
            return Err(ApiError::InvalidBody(
                "you cannot remove your own admin role".into(),
            ));
        }
    }
    let mut tx = state.db.begin().await?;
    let before_user = users::get(&mut *tx, id).await?.ok_or(ApiError::NotFound)?;
    let before = json!({ "user": before_user, "roles": users::grants(&mut *tx, id).await? });
    let unit = req
        .unit
        .as_deref()
        .map(|u| if u.is_empty() { None } else { Some(u) });
    users::update(
        &mut *tx,
        id,
        req.display_name.as_deref().map(str::trim),
        unit,
        req.disabled,
        email_of(req.email.as_deref())?,
    )
    .await
    .map_err(map_user_error(req.unit.clone()))?;
    if let Some(g) = &grants {
        users::set_grants(&mut tx, id, g)
            .await
            .map_err(map_user_error(None))?;
    }
    if req.disabled == Some(true) {
        sessions::delete_all(&mut *tx, id).await?;
    }
    let after_user = users::get(&mut *tx, id).await?.ok_or(ApiError::NotFound)?;
    let after = json!({ "user": after_user, "roles": users::grants(&mut *tx, id).await? });
    let entry = Entry {
        action: "update",
        entity: "user",
        entity_id: Some(id.to_string()),
        before: Some(before),
        after: Some(after.clone()),
    };
    audit::record(&mut *tx, &p.actor(), entry).await?;
    tx.commit().await?;
    Ok(Json(after))
}

/// Set a new password for an account (forgotten password): unlocks it and ends its sessions.
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/password", tag = "admin",
    params(("id" = i64, Path)), request_body = PasswordReset,
    responses((status = 401, body = ioc_protocol::ApiErrorBody), (status = 204), (status = 403), (status = 404), (status = 422)))]
pub async fn reset_password(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<PasswordReset>,
) -> Result<StatusCode, ApiError> {
    p.require_admin()?;
    let new = Password::new(req.password);
    if !new.is_acceptable() {
        return Err(ApiError::WeakPassword);
    }
    let hash = password::hash(new).await?;
    let mut tx = state.db.begin().await?;
    users::get(&mut *tx, id).await?.ok_or(ApiError::NotFound)?;
    users::set_password(&mut *tx, id, &hash).await?;
    users::unlock(&mut *tx, id).await?;
    sessions::delete_all(&mut *tx, id).await?;
    let entry = Entry {
        action: "password_reset",
        entity: "user",
        entity_id: Some(id.to_string()),
        before: None,
        after: None,
    };
    audit::record(&mut *tx, &p.actor(), entry).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Constraint violations on `users`/`user_roles` as clear 422s.
fn map_user_error(unit: Option<String>) -> impl Fn(sqlx::Error) -> ApiError {
    move |e| {
        let unknown = || ApiError::UnknownUnit(unit.clone().into_iter().collect());
        ApiError::from(e)
            .on_constraint("users_unit_code_fkey", unknown)
            .on_constraint("user_roles_unit_code_fkey", unknown)
            .on_violation(users::CONSTRAINTS)
    }
}

/// Creates the first account, unless one exists already (then `Ok(false)`). The table lock makes
/// two simultaneous setups impossible.
pub async fn create_first_account(
    db: &sqlx::PgPool,
    actor: &audit::Actor,
    req: NewUserRequest,
) -> Result<bool, ApiError> {
    let mut tx = db.begin().await?;
    sqlx::query("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await?;
    if users::any_exists(&mut *tx).await? {
        return Ok(false);
    }
    insert_account(&mut tx, actor, req).await?;
    tx.commit().await?;
    Ok(true)
}

/// Shared by the admin API and `ioc admin create-user`.
pub async fn create_account(
    db: &sqlx::PgPool,
    actor: &audit::Actor,
    req: NewUserRequest,
) -> Result<serde_json::Value, ApiError> {
    let mut tx = db.begin().await?;
    let created = insert_account(&mut tx, actor, req).await?;
    tx.commit().await?;
    Ok(created)
}

async fn insert_account(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    actor: &audit::Actor,
    req: NewUserRequest,
) -> Result<serde_json::Value, ApiError> {
    let grants = parse_grants(&req.roles)?;
    let password = Password::new(req.password);
    if !password.is_acceptable() {
        return Err(ApiError::WeakPassword);
    }
    let username = req.username.trim().to_lowercase();
    let email = email_of(req.email.as_deref())?.flatten();
    let hash = password::hash(password).await?;
    let user = users::create(
        &mut **tx,
        &username,
        req.display_name.trim(),
        &hash,
        req.unit.as_deref(),
        email,
    )
    .await
    .on_constraint("users_username_key", || {
        ApiError::invalid(
            format!("Tên đăng nhập {username} đã có người dùng"),
            format!("username {username} is taken"),
        )
    })
    .on_constraint("users_unit_code_fkey", || {
        ApiError::UnknownUnit(req.unit.clone().into_iter().collect())
    })
    .on_violation(users::CONSTRAINTS)?;
    users::set_grants(tx, user.id, &grants)
        .await
        .on_constraint("user_roles_unit_code_fkey", || {
            ApiError::UnknownUnit(grants.iter().filter_map(|g| g.unit.clone()).collect())
        })
        .on_violation(users::CONSTRAINTS)?;
    let after = json!({ "user": user, "roles": grants });
    let entry = Entry {
        action: "create",
        entity: "user",
        entity_id: Some(user.id.to_string()),
        before: None,
        after: Some(after.clone()),
    };
    audit::record(&mut **tx, actor, entry).await?;
    Ok(after)
}

/// An e-mail address as given (`Some(None)`: `""`, no address), checked by the rules the mail
/// worker sends by: a typing slip is refused now, naming the address, not a failed mail later.
fn email_of(given: Option<&str>) -> Result<Option<Option<&str>>, ApiError> {
    let Some(email) = given.map(str::trim) else {
        return Ok(None);
    };
    if email.is_empty() {
        return Ok(Some(None));
    }
    if !crate::mail::is_address(email) || email.len() > 254 {
        return Err(ApiError::Rejected {
            code: "invalid_email",
            vi: format!("«{email}» không phải địa chỉ e-mail (dạng ten@co-quan.gov.vn)"),
            en: format!("«{email}» is not an e-mail address (like name@agency.gov.vn)"),
        });
    }
    Ok(Some(Some(email)))
}

fn parse_grants(roles: &[RoleGrant]) -> Result<Vec<Grant>, ApiError> {
    roles
        .iter()
        .map(|r| {
            let role = r.role;
            match (role, &r.unit) {
                (Role::UnitEditor, Some(_)) => Ok(Grant {
                    role,
                    unit: r.unit.clone(),
                }),
                (Role::UnitEditor, None) => {
                    Err(ApiError::InvalidBody("unit_editor needs a unit".into()))
                }
                (_, None) => Ok(Grant { role, unit: None }),
                (_, Some(_)) => Err(ApiError::InvalidBody(format!(
                    "{} takes no unit",
                    role.as_str()
                ))),
            }
        })
        .collect()
}
