//! The stored catalogue (`procedures`): reading, checking and writing procedures.
//!
//! Every write opens its own transaction and records its audit entry (before and after) in it,
//! so no caller can change a procedure without a trace. The checks the table's constraints make
//! are made here first, so a refusal names the rule in both languages instead of a constraint.

use std::collections::HashSet;

use ioc_protocol::{OnlineLevel, ProcedureInput, ProcedureLevel, ProcedureView};
use serde_json::json;
use sqlx::{PgConnection, PgPool};

use crate::audit::{self, Actor, Entry};

/// Longest processing time the table accepts (working days).
pub const MAX_DAYS: i32 = 365;

/// Why a procedure (from the API or a row of an imported file) was refused. Every variant but
/// `Db` is the client's input: 422 with a bilingual message (404 for `NotFound`), nothing written.
#[derive(Debug, thiserror::Error)]
pub enum ProcedureError {
    #[error("invalid procedure code {0:?}")]
    InvalidCode(String),
    #[error("the Vietnamese name is required")]
    NameRequired,
    #[error("processing days {0} out of range")]
    DaysOutOfRange(i32),
    #[error("unreadable processing time {0:?}")]
    BadDays(String),
    #[error("unknown level {0:?}")]
    UnknownLevel(String),
    #[error("unknown online level {0:?}")]
    UnknownOnlineLevel(String),
    #[error("{column}: not a yes/no value: {value:?}")]
    NotYesNo { column: &'static str, value: String },
    #[error("a province-level procedure needs its department")]
    ProvinceWithoutUnit,
    #[error("a commune-level procedure names no unit (got {0:?})")]
    CommuneWithUnit(String),
    #[error("{0:?} is not an active department of the province")]
    UnknownUnit(String),
    #[error("online payment without a fee")]
    PaymentWithoutFee,
    #[error("procedure {0:?} already exists")]
    Duplicate(String),
    #[error("procedure {0:?} appears more than once in the file")]
    DuplicateInFile(String),
    #[error("the body's code {0:?} is not the path's")]
    CodeMismatch(String),
    #[error("no such procedure")]
    NotFound,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl ProcedureError {
    /// Stable code, Vietnamese and English message.
    pub fn messages(&self) -> (&'static str, String, String) {
        use ProcedureError::*;
        match self {
            InvalidCode(c) => (
                "invalid_code",
                format!("Mã thủ tục {c:?} không hợp lệ (1–40 ký tự: chữ, số, dấu . _ -)"),
                format!("Procedure code {c:?} is invalid (1–40 letters, digits, . _ -)"),
            ),
            NameRequired => (
                "name_required",
                "Cần tên thủ tục".into(),
                "The procedure's name is required".into(),
            ),
            DaysOutOfRange(d) => (
                "days_out_of_range",
                format!("Thời hạn giải quyết {d} ngày nằm ngoài khoảng 0–{MAX_DAYS} ngày làm việc"),
                format!("Processing time {d} days is outside 0–{MAX_DAYS} working days"),
            ),
            BadDays(s) => (
                "bad_days",
                format!("Không đọc được thời hạn giải quyết {s:?} (ví dụ: \"15 ngày làm việc\")"),
                format!("Cannot read the processing time {s:?} (e.g. \"15 ngày làm việc\")"),
            ),
            UnknownLevel(s) => (
                "unknown_level",
                format!("Cấp thực hiện {s:?} không hợp lệ (Cấp Tỉnh hoặc Cấp Xã)"),
                format!("Unknown level {s:?} (Cấp Tỉnh / province or Cấp Xã / commune)"),
            ),
            UnknownOnlineLevel(s) => (
                "unknown_online_level",
                format!("Mức độ DVC {s:?} không hợp lệ (Toàn trình, Một phần hoặc để trống)"),
                format!(
                    "Unknown online level {s:?} (Toàn trình / full, Một phần / partial or empty)"
                ),
            ),
            NotYesNo { column, value } => (
                "not_yes_no",
                format!("Cột {column}: {value:?} không phải Có/Không"),
                format!("Column {column}: {value:?} is not yes/no (Có/Không)"),
            ),
            ProvinceWithoutUnit => (
                "province_without_unit",
                "Thủ tục cấp tỉnh phải có cơ quan thực hiện (mã sở, ngành)".into(),
                "A province-level procedure needs its handling department (unit code)".into(),
            ),
            CommuneWithUnit(u) => (
                "commune_with_unit",
                format!("Thủ tục cấp xã do mọi xã thực hiện: không ghi cơ quan thực hiện ({u:?})"),
                format!("A commune-level procedure is handled by every commune: no unit ({u:?})"),
            ),
            UnknownUnit(u) => (
                "unknown_unit",
                format!("Cơ quan thực hiện {u:?} không phải sở, ngành đang hoạt động của tỉnh"),
                format!("{u:?} is not an active department of the province"),
            ),
            PaymentWithoutFee => (
                "payment_without_fee",
                "Thủ tục không thu phí, lệ phí thì không có thanh toán trực tuyến".into(),
                "Online payment needs a fee".into(),
            ),
            Duplicate(c) => (
                "duplicate_procedure",
                format!("Thủ tục {c} đã có trong danh mục: hãy sửa thủ tục đó"),
                format!("Procedure {c} is already in the catalogue: edit it instead"),
            ),
            DuplicateInFile(c) => (
                "duplicate_in_file",
                format!("Mã thủ tục {c} xuất hiện nhiều lần trong tệp"),
                format!("Procedure code {c} appears more than once in the file"),
            ),
            CodeMismatch(c) => (
                "code_mismatch",
                format!("Mã {c:?} trong nội dung khác mã trong đường dẫn"),
                format!("The code {c:?} in the body is not the one in the path"),
            ),
            NotFound => (
                "not_found",
                "Không có thủ tục này trong danh mục".into(),
                "No such procedure in the catalogue".into(),
            ),
            Db(_) => ("internal", "Lỗi máy chủ".into(), "Server error".into()),
        }
    }
}

/// Which procedures [`list`] returns; the conditions that are given all apply.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Procedures handled by this unit: a department's own, or a commune's (all commune-level).
    pub unit: Option<String>,
    pub level: Option<ProcedureLevel>,
    /// Part of the code, or words of a name or the field as the units' search folds them (any
    /// case, with or without diacritics: "dang ky khai sinh" finds "Đăng ký khai sinh").
    pub search: Option<String>,
    pub active: Option<bool>,
}

/// Checks a procedure on its own (the units are checked against the database by the caller,
/// see [`departments`]). Every fault, not only the first: an import lists them all.
pub fn faults(input: &ProcedureInput) -> Vec<ProcedureError> {
    let mut out = Vec::new();
    if !valid_code(&input.code) {
        out.push(ProcedureError::InvalidCode(input.code.clone()));
    }
    if input.name_vi.trim().is_empty() {
        out.push(ProcedureError::NameRequired);
    }
    if !(0..=MAX_DAYS).contains(&input.processing_days) {
        out.push(ProcedureError::DaysOutOfRange(input.processing_days));
    }
    let unit = input
        .unit_code
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty());
    match (input.level, unit) {
        (ProcedureLevel::Province, None) => out.push(ProcedureError::ProvinceWithoutUnit),
        (ProcedureLevel::Commune, Some(u)) => out.push(ProcedureError::CommuneWithUnit(u.into())),
        _ => {}
    }
    if input.online_payment && !input.has_fee {
        out.push(ProcedureError::PaymentWithoutFee);
    }
    out
}

/// The table's rule for codes: `^[0-9A-Za-z_.-]{1,40}$`.
pub fn valid_code(code: &str) -> bool {
    (1..=40).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// The input as it is stored: names trimmed, an empty unit as none.
fn normalised(mut input: ProcedureInput) -> ProcedureInput {
    input.code = input.code.trim().to_string();
    input.name_vi = input.name_vi.trim().to_string();
    input.name_en = input.name_en.trim().to_string();
    input.field_vi = input.field_vi.trim().to_string();
    input.unit_code = input
        .unit_code
        .map(|u| u.trim().to_string())
        .filter(|u| !u.is_empty());
    input
}

/// Among `codes`, the active departments of `province`: the units a province-level procedure
/// may name.
pub async fn departments(
    db: impl sqlx::PgExecutor<'_>,
    province: &str,
    codes: &[String],
) -> Result<HashSet<String>, sqlx::Error> {
    Ok(sqlx::query_scalar!(
        "SELECT code FROM units
         WHERE code = ANY($1) AND kind = 'department' AND active AND parent_code = $2",
        codes,
        province
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .collect())
}

/// Checks `input` completely (its own rules and its department): the first fault.
async fn check(
    db: &mut PgConnection,
    province: &str,
    input: &ProcedureInput,
) -> Result<(), ProcedureError> {
    if let Some(f) = faults(input).into_iter().next() {
        return Err(f);
    }
    if let Some(u) = &input.unit_code {
        if departments(&mut *db, province, std::slice::from_ref(u))
            .await?
            .is_empty()
        {
            return Err(ProcedureError::UnknownUnit(u.clone()));
        }
    }
    Ok(())
}

/// The procedures the filter selects, by code.
pub async fn list(db: &PgPool, filter: &Filter) -> Result<Vec<ProcedureView>, sqlx::Error> {
    let search = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    sqlx::query_as!(
        ProcedureView,
        r#"SELECT code, name_vi, name_en, field_vi, level AS "level: ProcedureLevel", unit_code,
                  processing_days, online_level AS "online_level: OnlineLevel", has_fee,
                  online_payment, population_db, published_on_time, updated_on_time,
                  content_complete, active, updated_at
           FROM procedures p
           WHERE ($1::text IS NULL OR p.unit_code = $1
                  OR (p.level = 'commune'
                      AND EXISTS (SELECT 1 FROM units u WHERE u.code = $1 AND u.kind = 'commune')))
             AND ($2::text IS NULL OR p.level = $2)
             AND ($3::text IS NULL OR strpos(p.code, $3) > 0
                  OR ioc_search_key(p.name_vi || ' ' || p.name_en || ' ' || p.field_vi)
                     LIKE '%' || rtrim(ioc_search_key($3)) || '%')
             AND ($4::bool IS NULL OR p.active = $4)
           ORDER BY p.code"#,
        filter.unit.as_deref(),
        filter.level.map(|l| l.as_str()),
        search,
        filter.active,
    )
    .fetch_all(db)
    .await
}

/// One procedure.
pub async fn get(
    db: impl sqlx::PgExecutor<'_>,
    code: &str,
) -> Result<Option<ProcedureView>, sqlx::Error> {
    sqlx::query_as!(
        ProcedureView,
        r#"SELECT code, name_vi, name_en, field_vi, level AS "level: ProcedureLevel", unit_code,
                  processing_days, online_level AS "online_level: OnlineLevel", has_fee,
                  online_payment, population_db, published_on_time, updated_on_time,
                  content_complete, active, updated_at
           FROM procedures WHERE code = $1"#,
        code
    )
    .fetch_optional(db)
    .await
}

/// Every stored procedure among `codes` (the import compares with them).
pub async fn get_many(
    db: impl sqlx::PgExecutor<'_>,
    codes: &[String],
) -> Result<Vec<ProcedureView>, sqlx::Error> {
    sqlx::query_as!(
        ProcedureView,
        r#"SELECT code, name_vi, name_en, field_vi, level AS "level: ProcedureLevel", unit_code,
                  processing_days, online_level AS "online_level: OnlineLevel", has_fee,
                  online_payment, population_db, published_on_time, updated_on_time,
                  content_complete, active, updated_at
           FROM procedures WHERE code = ANY($1) FOR UPDATE"#,
        codes
    )
    .fetch_all(db)
    .await
}

/// Inserts or replaces a procedure (checked by the caller) and returns it as stored.
pub async fn upsert(
    db: &mut PgConnection,
    p: &ProcedureInput,
) -> Result<ProcedureView, sqlx::Error> {
    sqlx::query_as!(
        ProcedureView,
        r#"INSERT INTO procedures (code, name_vi, name_en, field_vi, level, unit_code,
                processing_days, online_level, has_fee, online_payment, population_db,
                published_on_time, updated_on_time, content_complete, active)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
           ON CONFLICT (code) DO UPDATE SET name_vi = $2, name_en = $3, field_vi = $4, level = $5,
                unit_code = $6, processing_days = $7, online_level = $8, has_fee = $9,
                online_payment = $10, population_db = $11, published_on_time = $12,
                updated_on_time = $13, content_complete = $14, active = $15, updated_at = now()
           RETURNING code, name_vi, name_en, field_vi, level AS "level: ProcedureLevel",
                unit_code, processing_days, online_level AS "online_level: OnlineLevel", has_fee,
                online_payment, population_db, published_on_time, updated_on_time,
                content_complete, active, updated_at"#,
        p.code,
        p.name_vi,
        p.name_en,
        p.field_vi,
        p.level.as_str(),
        p.unit_code,
        p.processing_days,
        p.online_level.as_str(),
        p.has_fee,
        p.online_payment,
        p.population_db,
        p.published_on_time,
        p.updated_on_time,
        p.content_complete,
        p.active,
    )
    .fetch_one(&mut *db)
    .await
}

/// Serialises catalogue writes: an import compares with what is stored before it writes.
pub async fn lock(db: &mut PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query!("SELECT pg_advisory_xact_lock(hashtext('ioc:procedures'))")
        .execute(&mut *db)
        .await?;
    Ok(())
}

fn audit_value(p: &ProcedureView) -> Option<serde_json::Value> {
    serde_json::to_value(p).ok()
}

/// Adds a procedure that is not in the catalogue yet (a duplicate code is refused).
pub async fn create(
    db: &PgPool,
    province: &str,
    actor: &Actor,
    input: ProcedureInput,
) -> Result<ProcedureView, ProcedureError> {
    let input = normalised(input);
    let mut tx = db.begin().await?;
    lock(&mut tx).await?;
    check(&mut tx, province, &input).await?;
    if get(&mut *tx, &input.code).await?.is_some() {
        return Err(ProcedureError::Duplicate(input.code));
    }
    let after = upsert(&mut tx, &input).await?;
    audit::record(
        &mut *tx,
        actor,
        Entry {
            action: "create",
            entity: "procedure",
            entity_id: Some(after.code.clone()),
            before: None,
            after: audit_value(&after),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Replaces the procedure `code` (it must exist). Returns it before and after.
pub async fn update(
    db: &PgPool,
    province: &str,
    actor: &Actor,
    code: &str,
    input: ProcedureInput,
) -> Result<(ProcedureView, ProcedureView), ProcedureError> {
    let mut input = normalised(input);
    if input.code.is_empty() {
        input.code = code.to_string();
    } else if input.code != code {
        return Err(ProcedureError::CodeMismatch(input.code));
    }
    let mut tx = db.begin().await?;
    lock(&mut tx).await?;
    let before = get(&mut *tx, code).await?.ok_or(ProcedureError::NotFound)?;
    check(&mut tx, province, &input).await?;
    if ProcedureInput::from(before.clone()) == input {
        return Ok((before.clone(), before));
    }
    let after = upsert(&mut tx, &input).await?;
    audit::record(
        &mut *tx,
        actor,
        Entry {
            action: "update",
            entity: "procedure",
            entity_id: Some(code.to_string()),
            before: audit_value(&before),
            after: audit_value(&after),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((before, after))
}

/// Withdraws a procedure from the catalogue. It stays stored (dossiers refer to it) and is
/// listed with `active = false`.
pub async fn deactivate(
    db: &PgPool,
    province: &str,
    actor: &Actor,
    code: &str,
) -> Result<ProcedureView, ProcedureError> {
    let current = get(db, code).await?.ok_or(ProcedureError::NotFound)?;
    let input = ProcedureInput {
        active: false,
        ..ProcedureInput::from(current)
    };
    Ok(update(db, province, actor, code, input).await?.1)
}

/// The import's one audit entry: what it changed, counted.
pub async fn record_import(
    db: &mut PgConnection,
    actor: &Actor,
    counts: &ioc_protocol::ProcedureImportReceipt,
    created: &[String],
    updated: &[String],
) -> Result<(), sqlx::Error> {
    audit::record(
        &mut *db,
        actor,
        Entry {
            action: "import",
            entity: "procedure",
            entity_id: None,
            before: None,
            after: Some(json!({
                "created": counts.created,
                "updated": counts.updated,
                "unchanged": counts.unchanged,
                "created_codes": created,
                "updated_codes": updated,
            })),
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(level: ProcedureLevel, unit: Option<&str>) -> ProcedureInput {
        ProcedureInput {
            code: "1.001193".into(),
            name_vi: "Đăng ký khai sinh".into(),
            name_en: String::new(),
            field_vi: "Hộ tịch".into(),
            level,
            unit_code: unit.map(String::from),
            processing_days: 0,
            online_level: OnlineLevel::Full,
            has_fee: false,
            online_payment: false,
            population_db: true,
            published_on_time: true,
            updated_on_time: true,
            content_complete: true,
            active: true,
        }
    }

    #[test]
    fn the_level_decides_the_unit() {
        assert!(faults(&input(ProcedureLevel::Commune, None)).is_empty());
        assert!(faults(&input(ProcedureLevel::Province, Some("dept-stp"))).is_empty());
        assert!(matches!(
            faults(&input(ProcedureLevel::Province, Some("  ")))[..],
            [ProcedureError::ProvinceWithoutUnit]
        ));
        assert!(matches!(
            faults(&input(ProcedureLevel::Commune, Some("dept-stp")))[..],
            [ProcedureError::CommuneWithUnit(_)]
        ));
    }

    #[test]
    fn every_fault_is_listed() {
        let mut bad = input(ProcedureLevel::Province, None);
        bad.code = "1 001".into();
        bad.name_vi = " ".into();
        bad.processing_days = 400;
        bad.online_payment = true;
        assert_eq!(faults(&bad).len(), 5, "{:?}", faults(&bad));
        assert!(valid_code("1.001193") && valid_code("DVC_2-x"));
        assert!(!valid_code("") && !valid_code(&"9".repeat(41)));
    }
}
