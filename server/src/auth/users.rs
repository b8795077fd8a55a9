//! People and their roles. Owns the tables `users` and `user_roles`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{PgExecutor, PgPool};

use crate::http::constraint::Violation;

/// What the CHECK constraints of `users` and `user_roles` tell a client whose write breaks one
/// (a 422; a taken username and unknown units are answered by the handler, naming them).
pub const CONSTRAINTS: &[Violation] = &[
    Violation {
        constraint: "users_username_check",
        vi: "Tên đăng nhập: 3–64 ký tự a-z 0-9 . _ -",
        en: "username: 3–64 of a-z 0-9 . _ -",
    },
    Violation {
        constraint: "users_display_name_check",
        vi: "Cần có tên hiển thị",
        en: "display name required",
    },
    Violation {
        constraint: "users_email_check",
        vi: "Địa chỉ e-mail không hợp lệ (dạng ten@co-quan.gov.vn, tối đa 254 ký tự)",
        en: "invalid e-mail address (like name@agency.gov.vn, at most 254 characters)",
    },
    Violation {
        constraint: "user_roles_check",
        vi: "Chỉ vai trò nhập liệu (unit_editor) gắn với một đơn vị",
        en: "a unit goes with the unit_editor role, and only with it",
    },
];

pub use ioc_protocol::Role;

/// A role held by a person; a unit editor's names its unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub role: Role,
    pub unit: Option<String>,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub unit_code: Option<String>,
    pub email: Option<String>,
    pub disabled: bool,
    #[serde(skip)]
    pub failed_logins: i32,
    pub locked_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

const USER_COLUMNS: &str =
    "id, username, display_name, unit_code, email, disabled, failed_logins, locked_until, created_at";

/// A user with the hash needed to check a login.
pub struct LoginCandidate {
    pub user: User,
    pub password_hash: String,
}

pub async fn find_for_login(
    db: &PgPool,
    username: &str,
) -> Result<Option<LoginCandidate>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        user: User,
        password_hash: String,
    }
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS}, password_hash FROM users WHERE username = $1"
    ))
    .bind(username)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| LoginCandidate {
        user: r.user,
        password_hash: r.password_hash,
    }))
}

pub async fn get(db: impl PgExecutor<'_>, id: i64) -> Result<Option<User>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

pub async fn list(db: &PgPool) -> Result<Vec<User>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM users ORDER BY username"
    ))
    .fetch_all(db)
    .await
}

pub async fn grants(db: impl PgExecutor<'_>, user_id: i64) -> Result<Vec<Grant>, sqlx::Error> {
    let rows: Vec<(Role, Option<String>)> = sqlx::query_as(
        "SELECT role, unit_code FROM user_roles WHERE user_id = $1 ORDER BY role, unit_code",
    )
    .bind(user_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(role, unit)| Grant { role, unit })
        .collect())
}

pub async fn create(
    db: impl PgExecutor<'_>,
    username: &str,
    display_name: &str,
    password_hash: &str,
    unit_code: Option<&str>,
    email: Option<&str>,
) -> Result<User, sqlx::Error> {
    sqlx::query_as(&format!(
        "INSERT INTO users (username, display_name, password_hash, unit_code, email) VALUES ($1, $2, $3, $4, $5) RETURNING {USER_COLUMNS}"
    ))
    .bind(username)
    .bind(display_name)
    .bind(password_hash)
    .bind(unit_code)
    .bind(email)
    .fetch_one(db)
    .await
}

pub async fn set_grants(
    tx: &mut sqlx::PgConnection,
    user_id: i64,
    grants: &[Grant],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM user_roles WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    for g in grants {
        sqlx::query("INSERT INTO user_roles (user_id, role, unit_code) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(user_id)
            .bind(g.role.as_str())
            .bind(g.unit.as_deref())
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// Counts a failed login (shown to administrators). It no longer locks the account: a lock that
/// anyone could trigger with five requests was itself an attack; see `auth::throttle`.
pub async fn record_failed_login(db: &PgPool, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1")
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn record_successful_login(db: &PgPool, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn set_password(
    db: impl PgExecutor<'_>,
    user_id: i64,
    password_hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET password_hash = $2, password_changed_at = now() WHERE id = $1")
        .bind(user_id)
        .bind(password_hash)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn any_exists(db: impl PgExecutor<'_>) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users)")
        .fetch_one(db)
        .await
}

/// Changes the given fields; `unit: Some(None)` clears the unit, `email: Some(None)` the address.
pub async fn update(
    db: impl PgExecutor<'_>,
    id: i64,
    display_name: Option<&str>,
    unit: Option<Option<&str>>,
    disabled: Option<bool>,
    email: Option<Option<&str>>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET display_name = coalesce($2, display_name),
                unit_code = CASE WHEN $3 THEN $4 ELSE unit_code END,
                disabled = coalesce($5, disabled),
                email = CASE WHEN $6 THEN $7 ELSE email END
         WHERE id = $1",
    )
    .bind(id)
    .bind(display_name)
    .bind(unit.is_some())
    .bind(unit.flatten())
    .bind(disabled)
    .bind(email.is_some())
    .bind(email.flatten())
    .execute(db)
    .await?;
    Ok(())
}

pub async fn unlock(db: impl PgExecutor<'_>, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// The addresses of the enabled people who edit one of `units`, as (unit, address): whom a
/// unit's e-mail reminders reach.
pub async fn unit_editor_addresses(
    db: &PgPool,
    units: &[String],
) -> Result<Vec<(String, String)>, sqlx::Error> {
    Ok(sqlx::query!(
        r#"SELECT DISTINCT r.unit_code AS "unit!", u.email AS "email!"
           FROM user_roles r JOIN users u ON u.id = r.user_id
           WHERE r.role = 'unit_editor' AND r.unit_code = ANY($1)
             AND NOT u.disabled AND u.email IS NOT NULL
           ORDER BY 1, 2"#,
        units
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| (r.unit, r.email))
    .collect())
}
