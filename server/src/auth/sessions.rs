//! Server-side sessions in PostgreSQL. Owns the table `sessions`.
//!
//! The browser holds a random token in an HttpOnly, SameSite=Lax cookie (Secure behind TLS);
//! the table holds its SHA-256, the user, a CSRF token and an expiry that slides with use.

use chrono::{DateTime, Duration, Utc};
use rand::distr::{Alphanumeric, SampleString};
use sqlx::PgPool;

use super::tokens::sha256;

pub const COOKIE: &str = "ioc_session";
/// A session ends after this long without use…
pub const IDLE_TIMEOUT_HOURS: i64 = 12;
/// …and in any case after this long.
pub const ABSOLUTE_TIMEOUT_DAYS: i64 = 7;

pub struct NewSession {
    /// Goes into the cookie; not stored.
    pub token: String,
    pub csrf: String,
    pub expires_at: DateTime<Utc>,
}

pub struct SessionRow {
    pub user_id: i64,
    pub csrf: String,
    pub created_at: DateTime<Utc>,
}

pub async fn create(
    db: &PgPool,
    user_id: i64,
    ip: Option<std::net::IpAddr>,
    user_agent: Option<&str>,
) -> Result<NewSession, sqlx::Error> {
    let (token, csrf) = {
        let mut rng = rand::rng();
        (
            Alphanumeric.sample_string(&mut rng, 43),
            Alphanumeric.sample_string(&mut rng, 32),
        )
    };
    let expires_at = Utc::now() + Duration::hours(IDLE_TIMEOUT_HOURS);
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at, ip, user_agent)
         VALUES ($1, $2, $3, $4, $5::inet, $6)",
    )
    .bind(&sha256(&token)[..])
    .bind(user_id)
    .bind(&csrf)
    .bind(expires_at)
    .bind(ip.map(|i| i.to_string()))
    .bind(user_agent.map(|u| u.chars().take(300).collect::<String>()))
    .execute(db)
    .await?;
    Ok(NewSession {
        token,
        csrf,
        expires_at,
    })
}

/// The live session behind a cookie token, its expiry pushed forward. Expired sessions and
/// sessions of disabled users are not found.
pub async fn lookup(db: &PgPool, token: &str) -> Result<Option<SessionRow>, sqlx::Error> {
    let row: Option<(i64, String, DateTime<Utc>)> = sqlx::query_as(
        "UPDATE sessions s SET last_seen_at = now(),
                expires_at = least(now() + make_interval(hours => $2), s.created_at + make_interval(days => $3))
         FROM users u
         WHERE s.token_hash = $1 AND s.expires_at > now() AND u.id = s.user_id AND NOT u.disabled
         RETURNING s.user_id, s.csrf_token, s.created_at",
    )
    .bind(&sha256(token)[..])
    .bind(IDLE_TIMEOUT_HOURS as i32)
    .bind(ABSOLUTE_TIMEOUT_DAYS as i32)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(user_id, csrf, created_at)| SessionRow {
        user_id,
        csrf,
        created_at,
    }))
}

pub async fn delete(db: &PgPool, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(&sha256(token)[..])
        .execute(db)
        .await?;
    Ok(())
}

/// Ends every session of a user but one (after a password change, the others must log in again).
pub async fn delete_others(
    db: &PgPool,
    user_id: i64,
    keep_token: Option<&str>,
) -> Result<(), sqlx::Error> {
    let keep = keep_token.map(|t| sha256(t).to_vec()).unwrap_or_default();
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user_id)
        .bind(keep)
        .execute(db)
        .await?;
    Ok(())
}

/// Ends every session of a user (disabled account, password reset).
pub async fn delete_all(db: impl sqlx::PgExecutor<'_>, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn purge_expired(db: &PgPool) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM sessions WHERE expires_at <= now()")
            .execute(db)
            .await?
            .rows_affected(),
    )
}
