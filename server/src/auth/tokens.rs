//! API tokens for machines: integration clients and wall displays.
//!
//! A token reads `ioc_<prefix>_<secret>`: the prefix finds the row (and is safe to show in
//! lists), the whole token's SHA-256 is what is stored and compared. The plain token exists only
//! in the answer that creates it.

use chrono::{DateTime, Utc};
use ioc_protocol::TokenKind;
use rand::distr::{Alphanumeric, SampleString};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::PgPool;

/// What a token may do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub kind: TokenKind,
    pub prefix: String,
    pub unit_code: String,
    pub scopes: Vec<String>,
    pub screens: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Scope that allows `POST /api/v1/points` for the token's unit.
pub const SCOPE_POINTS_WRITE: &str = "points:write";
/// Sends dossier events (`POST /api/v1/dossier-events`): a one-stop system.
pub const SCOPE_DOSSIERS_WRITE: &str = "dossiers:write";

pub fn sha256(s: &str) -> [u8; 32] {
    Sha256::digest(s.as_bytes()).into()
}

/// A new random token: (plain token, prefix).
pub fn generate() -> (String, String) {
    let mut rng = rand::rng();
    let prefix = Alphanumeric
        .sample_string(&mut rng, 10)
        .to_ascii_lowercase();
    let secret = Alphanumeric.sample_string(&mut rng, 32);
    (format!("ioc_{prefix}_{secret}"), prefix)
}

fn prefix_of(token: &str) -> Option<&str> {
    let rest = token.strip_prefix("ioc_")?;
    let (prefix, secret) = rest.split_once('_')?;
    (!secret.is_empty() && (8..=16).contains(&prefix.len())).then_some(prefix)
}

pub struct NewToken<'a> {
    pub name: &'a str,
    pub kind: TokenKind,
    pub unit_code: &'a str,
    pub scopes: &'a [String],
    pub screens: &'a [String],
    pub created_by: Option<i64>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Stores a token and returns it in plain text, once.
pub async fn create(
    db: impl sqlx::PgExecutor<'_>,
    new: &NewToken<'_>,
) -> Result<(String, TokenInfo), sqlx::Error> {
    let (plain, prefix) = generate();
    let info = insert(db, new, &plain, &prefix).await?;
    Ok((plain, info))
}

async fn insert(
    db: impl sqlx::PgExecutor<'_>,
    new: &NewToken<'_>,
    plain: &str,
    prefix: &str,
) -> Result<TokenInfo, sqlx::Error> {
    sqlx::query_as(
        "INSERT INTO api_tokens (name, kind, prefix, secret_hash, unit_code, scopes, screens, created_by, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         RETURNING id, name, kind, prefix, unit_code, scopes, screens, created_at, last_used_at, expires_at, revoked_at",
    )
    .bind(new.name)
    .bind(new.kind)
    .bind(prefix)
    .bind(&sha256(plain)[..])
    .bind(new.unit_code)
    .bind(new.scopes)
    .bind(new.screens)
    .bind(new.created_by)
    .bind(new.expires_at)
    .fetch_one(db)
    .await
}

/// The token's row if `presented` is a valid, unrevoked, unexpired token. Records its use.
///
/// Looked up by the SHA-256 of the whole token (unique): comparing hashes of high-entropy
/// secrets in the index reveals nothing usable through timing.
pub async fn authenticate(db: &PgPool, presented: &str) -> Result<Option<TokenInfo>, sqlx::Error> {
    let info: Option<TokenInfo> = sqlx::query_as(
        "SELECT id, name, kind, prefix, unit_code, scopes, screens, created_at, last_used_at, expires_at, revoked_at
         FROM api_tokens WHERE secret_hash = $1",
    )
    .bind(&sha256(presented)[..])
    .fetch_optional(db)
    .await?;
    let Some(info) = info else { return Ok(None) };
    if info.revoked_at.is_some() || info.expires_at.is_some_and(|e| e <= Utc::now()) {
        return Ok(None);
    }
    // Last use is informative: at most one update a minute per token keeps writes cheap.
    sqlx::query(
        "UPDATE api_tokens SET last_used_at = now()
         WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')",
    )
    .bind(info.id)
    .execute(db)
    .await?;
    Ok(Some(info))
}

pub async fn get(db: impl sqlx::PgExecutor<'_>, id: i64) -> Result<Option<TokenInfo>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, name, kind, prefix, unit_code, scopes, screens, created_at, last_used_at, expires_at, revoked_at
         FROM api_tokens WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn list(db: &PgPool) -> Result<Vec<TokenInfo>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, name, kind, prefix, unit_code, scopes, screens, created_at, last_used_at, expires_at, revoked_at
         FROM api_tokens ORDER BY revoked_at IS NOT NULL, created_at DESC",
    )
    .fetch_all(db)
    .await
}

/// Revokes a token; returns its state before, or `None` if there is no such token.
pub async fn revoke(
    db: impl sqlx::PgExecutor<'_>,
    id: i64,
) -> Result<Option<TokenInfo>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1
         RETURNING id, name, kind, prefix, unit_code, scopes, screens, created_at, last_used_at, expires_at, revoked_at",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Makes sure a token configured by the operator (`--ingest-token`) exists as an integration
/// token of the province, so that configuration and the token table agree. The plain value is
/// only hashed, never stored or logged.
pub async fn ensure_configured(
    db: &PgPool,
    plain: &str,
    province: &str,
) -> Result<(), sqlx::Error> {
    let hash = sha256(plain);
    if configured_exists(db, &hash).await? {
        return Ok(());
    }
    // Configured tokens need not follow our format: give them a prefix of their own hash.
    let prefix = match prefix_of(plain) {
        Some(p) => p.to_string(),
        None => hex_prefix(&hash),
    };
    let new = NewToken {
        name: "Mã nạp số liệu từ cấu hình (ingest token from configuration)",
        kind: TokenKind::Integration,
        unit_code: province,
        scopes: &[SCOPE_POINTS_WRITE.to_string()],
        screens: &[],
        created_by: None,
        expires_at: None,
    };
    match insert(db, &new, plain, &prefix).await {
        Ok(_) => Ok(()),
        // Another server process on this database, started with the same configuration at the
        // same moment, registered it first.
        Err(sqlx::Error::Database(e))
            if e.is_unique_violation() && configured_exists(db, &hash).await? =>
        {
            Ok(())
        }
        Err(e) => Err(e),
    }
}

async fn configured_exists(db: &PgPool, hash: &[u8; 32]) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM api_tokens WHERE secret_hash = $1 AND revoked_at IS NULL)",
    )
    .bind(&hash[..])
    .fetch_one(db)
    .await
}

fn hex_prefix(hash: &[u8; 32]) -> String {
    hash[..6].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_have_a_findable_prefix() {
        let (token, prefix) = generate();
        assert_eq!(prefix_of(&token), Some(prefix.as_str()));
        assert!(token.len() > 40);
        assert_eq!(prefix_of("ioc_short_x"), None);
        assert_eq!(prefix_of("Bearer something"), None);
    }
}
