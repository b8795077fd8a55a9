//! Authentication and authorisation: people (argon2id passwords, server-side sessions), machines
//! (API tokens, wall-display devices), roles, and the login flow with its protections
//! (per-address rate limit, temporary lockout, CSRF tokens). Owns `users`, `user_roles`,
//! `sessions` and `api_tokens`.

pub mod bootstrap;
pub mod cli;
pub mod forms;
pub mod password;
pub mod principal;
pub mod routes;
pub mod sessions;
pub mod throttle;
pub mod tokens;
pub mod users;

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

pub use principal::{Principal, Who};

use crate::audit::{self, Actor, Entry};
use crate::http::ApiError;
use crate::AppState;
use password::Password;

/// Login attempts per minute from one address, whatever the usernames.
const LOGIN_ATTEMPTS_PER_MINUTE: u32 = 20;

/// The two brakes on sign-in: a quota per address over all names, and increasing delays per
/// (name, address) after repeated failures ([`throttle`]).
#[derive(Clone)]
pub struct LoginLimiter {
    per_address: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    failures: Arc<throttle::LoginThrottle>,
}

pub fn login_limiter() -> LoginLimiter {
    let quota = Quota::per_minute(NonZeroU32::new(LOGIN_ATTEMPTS_PER_MINUTE).expect("non-zero"));
    LoginLimiter {
        per_address: Arc::new(RateLimiter::keyed(quota)),
        failures: Arc::default(),
    }
}

/// Whole seconds to announce in `Retry-After` (rounded up, at least 1).
fn retry_secs(wait: std::time::Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

/// A successful login: the user and the new session (whose token goes into the cookie).
pub struct LoggedIn {
    pub user: users::User,
    pub session: sessions::NewSession,
}

/// Checks credentials and opens a session. Unknown users, wrong passwords and disabled accounts
/// all get the same answer, in about the same time, and are throttled alike (a 429 with
/// `Retry-After`): no answer tells whether a name exists.
pub async fn login(
    state: &AppState,
    username: &str,
    password: Password,
    ip: Option<IpAddr>,
    user_agent: Option<&str>,
) -> Result<LoggedIn, ApiError> {
    use governor::clock::{Clock, DefaultClock};
    let limits = &state.login_limiter;
    if let Some(ip) = ip {
        limits.per_address.check_key(&ip).map_err(|not_until| {
            ApiError::TooManyAttempts(retry_secs(
                not_until.wait_time_from(DefaultClock::default().now()),
            ))
        })?;
    }
    let username = username.trim().to_lowercase();
    limits
        .failures
        .check(&username, ip)
        .map_err(|wait| ApiError::TooManyAttempts(retry_secs(wait)))?;
    let Some(candidate) = users::find_for_login(&state.db, &username).await? else {
        password::verify(password, password::dummy_hash().to_string()).await;
        limits.failures.failed(&username, ip);
        return Err(ApiError::InvalidCredentials);
    };
    let user = candidate.user;
    let actor = Actor {
        user: Some(user.id),
        token: None,
        label: format!("user:{}", user.username),
        ip,
    };
    // An account locked by the former rule (`locked_until`) is no longer refused: the throttle
    // above decides, per address.
    let ok = password::verify(password, candidate.password_hash).await;
    if !ok || user.disabled {
        limits.failures.failed(&username, ip);
        users::record_failed_login(&state.db, user.id).await?;
        let entry = Entry {
            action: "login_failed",
            entity: "user",
            entity_id: Some(user.id.to_string()),
            before: None,
            after: None,
        };
        audit::record(&state.db, &actor, entry).await?;
        return Err(ApiError::InvalidCredentials);
    }
    limits.failures.succeeded(&username, ip);
    users::record_successful_login(&state.db, user.id).await?;
    let session = sessions::create(&state.db, user.id, ip, user_agent).await?;
    let entry = Entry {
        action: "login",
        entity: "user",
        entity_id: Some(user.id.to_string()),
        before: None,
        after: None,
    };
    audit::record(&state.db, &actor, entry).await?;
    Ok(LoggedIn { user, session })
}

/// Changes a person's own password after checking the current one; ends their other sessions
/// (`keep_session` is the cookie token of the session making the change).
pub async fn change_password(
    db: &sqlx::PgPool,
    actor: &Actor,
    user: &principal::SessionUser,
    current: Password,
    new: Password,
    keep_session: Option<&str>,
) -> Result<(), ApiError> {
    let candidate = users::find_for_login(db, &user.username)
        .await?
        .ok_or(ApiError::LoginRequired)?;
    if !password::verify(current, candidate.password_hash).await {
        return Err(ApiError::InvalidCredentials);
    }
    if !new.is_acceptable() {
        return Err(ApiError::WeakPassword);
    }
    let hash = password::hash(new).await?;
    let mut tx = db.begin().await?;
    users::set_password(&mut *tx, user.id, &hash).await?;
    let entry = Entry {
        action: "password_change",
        entity: "user",
        entity_id: Some(user.id.to_string()),
        before: None,
        after: None,
    };
    audit::record(&mut *tx, actor, entry).await?;
    tx.commit().await?;
    sessions::delete_others(db, user.id, keep_session).await?;
    Ok(())
}

/// The `Set-Cookie` value for a session cookie (or its removal when `token` is `None`).
/// Ends the session the request's cookie names (the API's and the form's sign-out alike) and
/// records it for the person it belonged to.
pub async fn sign_out(
    db: &sqlx::PgPool,
    p: &Principal,
    headers: &axum::http::HeaderMap,
) -> Result<(), crate::http::ApiError> {
    let Some(token) = principal::cookie_value(headers, sessions::COOKIE) else {
        return Ok(());
    };
    sessions::delete(db, token).await?;
    if let Who::User(u) = &p.who {
        let entry = crate::audit::Entry {
            action: "logout",
            entity: "user",
            entity_id: Some(u.id.to_string()),
            before: None,
            after: None,
        };
        crate::audit::record(db, &p.actor(), entry).await?;
    }
    Ok(())
}

pub fn session_cookie(token: Option<&str>, secure: bool) -> String {
    let mut c = cookie::Cookie::build((sessions::COOKIE, token.unwrap_or("").to_string()))
        .path("/")
        .http_only(true)
        .same_site(cookie::SameSite::Lax)
        .secure(secure);
    c = match token {
        Some(_) => c.max_age(cookie::time::Duration::days(
            sessions::ABSOLUTE_TIMEOUT_DAYS,
        )),
        None => c.max_age(cookie::time::Duration::ZERO),
    };
    c.build().to_string()
}
