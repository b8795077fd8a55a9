//! The HTML-form side of signing in: `/auth/login`, `/auth/logout`, `/auth/device` (pairing a
//! wall display) and `/auth/setup` (the first administrator). Each answers with a redirect, so
//! the pages work without JavaScript; errors come back as `?error=<code>`.

use std::path::Path;

use axum::extract::{Query, State};
use axum::http::header::{HOST, LOCATION, ORIGIN, SET_COOKIE, USER_AGENT};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Router};
use ioc_protocol::{NewUserRequest, Role, RoleGrant, TokenKind};
use rand::distr::{Alphanumeric, SampleString};
use serde::Deserialize;
use subtle::ConstantTimeEq;

use super::password::Password;
use super::principal::Unchecked;
use super::principal::{cookie_value, DEVICE_COOKIE};
use super::{sessions, tokens, Who};
use crate::audit::Actor;
use crate::http::ApiError;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/auth/device", post(pair_device))
        .route("/auth/setup", post(setup))
        .route("/auth/password", post(change_password))
}

#[derive(Deserialize)]
pub struct LangQuery {
    #[serde(default)]
    lang: Option<String>,
}

impl LangQuery {
    fn suffix(&self) -> String {
        match self.lang.as_deref() {
            Some("en") => "&lang=en".into(),
            _ => String::new(),
        }
    }
}

fn redirect(to: &str, cookies: &[String]) -> Response {
    let mut res = (StatusCode::SEE_OTHER, [(LOCATION, to.to_string())]).into_response();
    for c in cookies {
        if let Ok(v) = c.parse() {
            res.headers_mut().append(SET_COOKIE, v);
        }
    }
    res
}

/// Only same-site paths: never `//host` or `https://…` (no open redirect). Control characters
/// are refused too: browsers drop tabs and newlines from URLs, so `/\t/evil.example` would be
/// followed as `//evil.example`.
pub fn safe_next(next: &str) -> &str {
    if next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
    {
        next
    } else {
        "/wall"
    }
}

/// Login CSRF: a form post must come from our own pages. Browsers send `Origin` on POST.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) else {
        // Non-browser clients send no Origin; they cannot be tricked by another site.
        return true;
    };
    let host = headers
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    origin.split_once("://").map(|(_, h)| h) == Some(host)
}

fn secure(state: &AppState) -> bool {
    state
        .config
        .public_url
        .as_deref()
        .is_some_and(|u| u.starts_with("https://"))
}

fn error_code(e: &ApiError) -> &'static str {
    match e {
        ApiError::AccountLocked => "account_locked",
        ApiError::TooManyAttempts(_) => "too_many_attempts",
        ApiError::CsrfFailed => "csrf_failed",
        ApiError::WeakPassword => "weak_password",
        _ => "invalid_credentials",
    }
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    next: String,
}

async fn login(
    State(state): State<AppState>,
    Query(q): Query<LangQuery>,
    Unchecked(p): Unchecked,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, ApiError> {
    let next = safe_next(&form.next).to_string();
    let back = |code: &str| {
        format!(
            "/login?error={code}&next={}{}",
            form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>(),
            q.suffix()
        )
    };
    if !same_origin(&headers) {
        return Ok(redirect(&back("csrf_failed"), &[]));
    }
    let ua = headers.get(USER_AGENT).and_then(|v| v.to_str().ok());
    match super::login(
        &state,
        &form.username,
        Password::new(form.password),
        p.ip,
        ua,
    )
    .await
    {
        Ok(done) => {
            // Without a page to return to, go where the role leads: the wall for those who read
            // the province's figures, the account page for the others (their own pages come with
            // data entry).
            // A refused `next` (another site, control characters) counts as none.
            let to = if safe_next(&form.next) != form.next || form.next.is_empty() {
                landing(&state, done.user.id).await?
            } else {
                next.clone()
            };
            Ok(redirect(
                &to,
                &[super::session_cookie(
                    Some(&done.session.token),
                    secure(&state),
                )],
            ))
        }
        Err(
            e @ (ApiError::InvalidCredentials
            | ApiError::AccountLocked
            | ApiError::TooManyAttempts(_)),
        ) => Ok(redirect(&back(error_code(&e)), &[])),
        Err(other) => Err(other),
    }
}

async fn landing(state: &AppState, user_id: i64) -> Result<String, ApiError> {
    let grants = super::users::grants(&state.db, user_id).await?;
    let reads_all = grants.iter().any(|g| g.role.reads_every_report());
    Ok(if reads_all { "/wall" } else { "/account" }.to_string())
}

#[derive(Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

async fn logout(
    State(state): State<AppState>,
    Unchecked(p): Unchecked,
    headers: HeaderMap,
    Form(form): Form<LogoutForm>,
) -> Result<Response, ApiError> {
    if let Who::User(u) = &p.who {
        if !u.csrf_matches(&form.csrf) {
            return Err(ApiError::CsrfFailed);
        }
        super::sign_out(&state.db, &p, &headers).await?;
    }
    Ok(redirect(
        "/login",
        &[super::session_cookie(None, secure(&state))],
    ))
}

#[derive(Deserialize)]
pub struct DeviceForm {
    token: String,
}

/// Binds this browser to a wall-display token: the token goes into a long-lived HttpOnly cookie.
async fn pair_device(
    State(state): State<AppState>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
    Form(form): Form<DeviceForm>,
) -> Result<Response, ApiError> {
    let token = form.token.trim();
    let valid = same_origin(&headers)
        && tokens::authenticate(&state.db, token)
            .await?
            .is_some_and(|t| t.kind == TokenKind::WallDisplay);
    if !valid {
        return Ok(redirect(
            &format!("/login?error=bad_device{}", q.suffix()),
            &[],
        ));
    }
    let cookie = cookie::Cookie::build((DEVICE_COOKIE, token.to_string()))
        .path("/")
        .http_only(true)
        .same_site(cookie::SameSite::Lax)
        .secure(secure(&state))
        .max_age(cookie::time::Duration::days(400))
        .build()
        .to_string();
    Ok(redirect("/wall", &[cookie]))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
    repeat: String,
}

/// Changes the signed-in person's password; the other sessions end, this one stays.
async fn change_password(
    State(state): State<AppState>,
    Query(q): Query<LangQuery>,
    Unchecked(p): Unchecked,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> Result<Response, ApiError> {
    let back = |query: &str| format!("/account?{query}{}", q.suffix());
    let Who::User(u) = &p.who else {
        return Ok(redirect("/login?next=/account", &[]));
    };
    if !same_origin(&headers) {
        return Ok(redirect(&back("error=csrf_failed"), &[]));
    }
    if form.new != form.repeat {
        return Ok(redirect(&back("error=passwords_differ"), &[]));
    }
    let keep = cookie_value(&headers, sessions::COOKIE);
    match super::change_password(
        &state.db,
        &p.actor(),
        u,
        Password::new(form.current),
        Password::new(form.new),
        keep,
    )
    .await
    {
        Ok(()) => Ok(redirect(&back("done=1"), &[])),
        Err(e @ (ApiError::InvalidCredentials | ApiError::WeakPassword)) => {
            Ok(redirect(&back(&format!("error={}", error_code(&e))), &[]))
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct SetupForm {
    code: String,
    username: String,
    display_name: String,
    password: String,
}

/// Creates the first administrator, once: only while there is no account at all, and only with
/// the setup code the server printed at start-up.
async fn setup(
    State(state): State<AppState>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
    Form(form): Form<SetupForm>,
) -> Result<Response, ApiError> {
    let back = |code: &str| format!("/setup?error={code}{}", q.suffix());
    let Some(expected) = state.setup_code.as_deref() else {
        return Ok(redirect(&back("setup_closed"), &[]));
    };
    if !same_origin(&headers) || !bool::from(form.code.trim().as_bytes().ct_eq(expected.as_bytes()))
    {
        return Ok(redirect(&back("invalid_credentials"), &[]));
    }
    let req = NewUserRequest {
        username: form.username,
        display_name: form.display_name,
        password: form.password,
        unit: Some(state.config.province.clone()),
        email: None,
        roles: vec![
            RoleGrant {
                role: Role::Admin,
                unit: None,
            },
            RoleGrant {
                role: Role::Leader,
                unit: None,
            },
        ],
    };
    match super::routes::create_first_account(&state.db, &Actor::system("setup"), req).await {
        Ok(true) => Ok(redirect(&format!("/login?next=/wall{}", q.suffix()), &[])),
        Ok(false) => Ok(redirect(&back("setup_closed"), &[])),
        Err(ApiError::WeakPassword) => Ok(redirect(&back("weak_password"), &[])),
        Err(e) => Err(e),
    }
}

/// The one-time code for `/setup`, when the database has no account yet: read from
/// `<data-dir>/setup-code` or generated there (mode 0600), and logged with the URL to open.
pub async fn setup_code(
    db: &sqlx::PgPool,
    data_dir: &Path,
    addr: std::net::SocketAddr,
) -> anyhow::Result<Option<String>> {
    let path = data_dir.join("setup-code");
    if super::users::any_exists(db).await? {
        let _ = std::fs::remove_file(&path);
        return Ok(None);
    }
    let code = match std::fs::read_to_string(&path) {
        Ok(c) if !c.trim().is_empty() => c.trim().to_string(),
        _ => {
            let c = Alphanumeric.sample_string(&mut rand::rng(), 24);
            std::fs::create_dir_all(data_dir)?;
            super::bootstrap::write_private_file(&path, &c)?;
            c
        }
    };
    // The code is a secret: the log says where it is, not what it is.
    tracing::warn!(file = %path.display(), "no account yet: open http://{addr}/setup and enter the code from the file");
    Ok(Some(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next("/wall?lang=en"), "/wall?lang=en");
        assert_eq!(safe_next("//evil.example/x"), "/wall");
        assert_eq!(safe_next("https://evil.example"), "/wall");
        assert_eq!(safe_next("/\\evil.example"), "/wall");
        assert_eq!(safe_next(""), "/wall");
        assert_eq!(safe_next("/\t/evil.example"), "/wall");
        assert_eq!(safe_next("/\n/evil.example"), "/wall");
    }
}
