//! The audit trail: an append-only record of every write. Owns the table `audit_log`
//! (update, delete and truncate are refused by a trigger, see the migration).

pub mod routes;

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use sqlx::PgExecutor;

/// Who did it, from where. Built from the request's principal.
#[derive(Clone, Debug)]
pub struct Actor {
    pub user: Option<i64>,
    pub token: Option<i64>,
    /// Readable name kept even if the user or token is deleted: `user:lan.nt`, `token:ab12cd34`, `system`.
    pub label: String,
    pub ip: Option<IpAddr>,
}

impl Actor {
    pub fn system(what: &str) -> Actor {
        Actor {
            user: None,
            token: None,
            label: format!("system:{what}"),
            ip: None,
        }
    }
}

/// One entry; written in the same transaction as the change it describes.
pub struct Entry<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

pub async fn record(
    db: impl PgExecutor<'_>,
    actor: &Actor,
    e: Entry<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (actor_user, actor_token, actor, ip, action, entity, entity_id, before, after)
         VALUES ($1, $2, $3, $4::inet, $5, $6, $7, $8, $9)",
    )
    .bind(actor.user)
    .bind(actor.token)
    .bind(&actor.label)
    .bind(actor.ip.map(|i| i.to_string()))
    .bind(e.action)
    .bind(e.entity)
    .bind(e.entity_id)
    .bind(e.before)
    .bind(e.after)
    .execute(db)
    .await?;
    Ok(())
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct AuditRecord {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub ip: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Which entries [`list`] returns; the conditions that are given all apply.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// The actor label (`user:lan.nt`, `token:ab12cd34`, `system:setup`); a bare username or token
    /// prefix matches its `user:` or `token:` label too.
    pub actor: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub action: Option<String>,
    /// From this instant on (inclusive).
    pub from: Option<DateTime<Utc>>,
    /// Before this instant (exclusive).
    pub to: Option<DateTime<Utc>>,
    /// At most this many entries, newest first (1 to 100,000).
    pub limit: i64,
}

pub async fn list(db: impl PgExecutor<'_>, f: &Filter) -> Result<Vec<AuditRecord>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, at, actor, host(ip) AS ip, action, entity, entity_id, before, after FROM audit_log
         WHERE ($1::text IS NULL OR actor = $1 OR actor = 'user:' || $1 OR actor = 'token:' || $1)
           AND ($2::text IS NULL OR entity = $2)
           AND ($3::text IS NULL OR action = $3)
           AND ($4::timestamptz IS NULL OR at >= $4) AND ($5::timestamptz IS NULL OR at < $5)
           AND ($7::text IS NULL OR entity_id = $7)
         ORDER BY id DESC LIMIT $6",
    )
    .bind(&f.actor)
    .bind(&f.entity)
    .bind(&f.action)
    .bind(f.from)
    .bind(f.to)
    .bind(f.limit.clamp(1, 100_000))
    .bind(&f.entity_id)
    .fetch_all(db)
    .await
}
