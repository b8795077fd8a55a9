//! The `screens` table.

use chrono::{DateTime, Utc};
use ioc_protocol::{ScreenInput, ScreenPage, ScreenTheme, ScreenView};
use sqlx::{PgConnection, PgPool};

struct Row {
    code: String,
    name: String,
    theme: String,
    interval_s: i32,
    pages: serde_json::Value,
    version: i64,
    updated_at: DateTime<Utc>,
}

fn decode_error(what: String) -> sqlx::Error {
    sqlx::Error::Decode(what.into())
}

impl Row {
    /// The stored row as published; a theme or page this build does not know is an error, never
    /// a silent default.
    fn view(self, province: &str) -> Result<ScreenView, sqlx::Error> {
        let theme = match self.theme.as_str() {
            "dark" => ScreenTheme::Dark,
            "light" => ScreenTheme::Light,
            other => return Err(decode_error(format!("screen theme {other:?}"))),
        };
        let pages: Vec<ScreenPage> = serde_json::from_value(self.pages)
            .map_err(|e| decode_error(format!("pages of screen {}: {e}", self.code)))?;
        Ok(ScreenView {
            code: self.code,
            name: self.name,
            theme,
            interval_s: u32::try_from(self.interval_s).unwrap_or_default(),
            pages,
            version: self.version,
            updated_at: self.updated_at,
            province: province.to_string(),
        })
    }
}

fn pages_json(input: &ScreenInput) -> Result<serde_json::Value, sqlx::Error> {
    serde_json::to_value(&input.pages).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

pub async fn list(db: &PgPool, province: &str) -> Result<Vec<ScreenView>, sqlx::Error> {
    let rows = sqlx::query_as!(
        Row,
        "SELECT code, name, theme, interval_s, pages, version, updated_at FROM screens ORDER BY code"
    )
    .fetch_all(db)
    .await?;
    rows.into_iter().map(|r| r.view(province)).collect()
}

pub async fn get(
    db: impl sqlx::PgExecutor<'_>,
    code: &str,
    province: &str,
) -> Result<Option<ScreenView>, sqlx::Error> {
    sqlx::query_as!(
        Row,
        "SELECT code, name, theme, interval_s, pages, version, updated_at FROM screens WHERE code = $1",
        code
    )
    .fetch_optional(db)
    .await?
    .map(|r| r.view(province))
    .transpose()
}

/// Inserts a new screen (a taken code fails on `screens_pkey`).
pub async fn insert(
    tx: &mut PgConnection,
    code: &str,
    input: &ScreenInput,
    province: &str,
) -> Result<ScreenView, sqlx::Error> {
    sqlx::query_as!(
        Row,
        "INSERT INTO screens (code, name, theme, interval_s, pages) VALUES ($1, $2, $3, $4, $5)
         RETURNING code, name, theme, interval_s, pages, version, updated_at",
        code,
        input.name.trim(),
        input.theme.as_str(),
        input.interval_s as i32,
        pages_json(input)?
    )
    .fetch_one(&mut *tx)
    .await?
    .view(province)
}

/// Replaces a screen's configuration, moving its version on. `None` when there is no such
/// screen; otherwise the configuration before and after.
pub async fn update(
    tx: &mut PgConnection,
    code: &str,
    input: &ScreenInput,
    province: &str,
) -> Result<Option<(ScreenView, ScreenView)>, sqlx::Error> {
    let before = sqlx::query_as!(
        Row,
        "SELECT code, name, theme, interval_s, pages, version, updated_at FROM screens WHERE code = $1 FOR UPDATE",
        code
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(before) = before else {
        return Ok(None);
    };
    let after = sqlx::query_as!(
        Row,
        "UPDATE screens SET name = $2, theme = $3, interval_s = $4, pages = $5,
                version = version + 1, updated_at = now()
         WHERE code = $1
         RETURNING code, name, theme, interval_s, pages, version, updated_at",
        code,
        input.name.trim(),
        input.theme.as_str(),
        input.interval_s as i32,
        pages_json(input)?
    )
    .fetch_one(&mut *tx)
    .await?;
    let topic = ioc_protocol::screen_topic(code);
    crate::live::notify::announce(&mut *tx, &[(&topic, after.version)]).await?;
    Ok(Some((before.view(province)?, after.view(province)?)))
}

/// Deletes a screen; returns what it was.
pub async fn delete(
    tx: &mut PgConnection,
    code: &str,
    province: &str,
) -> Result<Option<ScreenView>, sqlx::Error> {
    let deleted = sqlx::query_as!(
        Row,
        "DELETE FROM screens WHERE code = $1
         RETURNING code, name, theme, interval_s, pages, version, updated_at",
        code
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(d) = &deleted {
        // Past the last version: the other processes read the topic and find it gone.
        let topic = ioc_protocol::screen_topic(code);
        crate::live::notify::announce(&mut *tx, &[(&topic, d.version + 1)]).await?;
    }
    deleted.map(|r| r.view(province)).transpose()
}
