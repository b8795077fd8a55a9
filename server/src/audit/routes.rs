//! The administrator's view of the audit trail: JSON for the screen, CSV and Excel for export,
//! with the same filters. Times are shown in Vietnam's time (UTC+7, no daylight saving).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone, Timelike, Utc};
use ioc_protocol::AuditEntryView;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{AuditRecord, Filter};
use crate::auth::Principal;
use crate::http::ApiError;
use crate::AppState;

/// Entries on the screen: newest first, 200 unless asked otherwise.
const SCREEN_DEFAULT: i64 = 200;
const SCREEN_MAX: i64 = 5_000;
/// Entries in an export: 10,000 unless asked otherwise, 100,000 at most.
const EXPORT_DEFAULT: i64 = 10_000;
const EXPORT_MAX: i64 = 100_000;
/// Excel refuses longer texts in a cell.
const XLSX_CELL_MAX: usize = 32_000;

pub const CSV_TYPE: &str = "text/csv; charset=utf-8";
pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The audit's routes and their OpenAPI entries, from the handlers' annotations.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_audit))
        .routes(routes!(export_csv))
        .routes(routes!(export_xlsx))
}

/// Vietnam keeps UTC+7 all year.
fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("valid offset")
}

/// Filters of the audit endpoints, all optional.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// `user:<username>`, `token:<prefix>`, `system:<what>`, or a bare username or token prefix.
    pub actor: Option<String>,
    /// `unit`, `user`, `api_token`, …
    pub entity: Option<String>,
    /// The code or id of the entity.
    pub entity_id: Option<String>,
    /// `create`, `update`, `revoke`, `login`, `login_failed`, `logout`, `password_reset`, `ingest`, …
    pub action: Option<String>,
    /// From this day (`YYYY-MM-DD`, Vietnam time) or instant (RFC 3339), inclusive.
    pub from: Option<String>,
    /// Up to this day (`YYYY-MM-DD`, Vietnam time, the whole day included) or instant (RFC 3339, exclusive).
    pub to: Option<String>,
    /// At most this many entries, newest first (screen: default 200, at most 5,000; exports:
    /// default 10,000, at most 100,000).
    pub limit: Option<String>,
}

fn blank_to_none(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// A day (start of it in Vietnam, or of the next day when `end_of_day`) or an RFC 3339 instant.
fn parse_instant(field: &str, s: &str, end_of_day: bool) -> Result<DateTime<Utc>, ApiError> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    let day = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
        ApiError::InvalidBody(format!(
            "{field}: {s:?} is neither YYYY-MM-DD nor an RFC 3339 time"
        ))
    })?;
    let day = if end_of_day {
        day.succ_opt().unwrap_or(day)
    } else {
        day
    };
    let midnight = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    Ok(vietnam()
        .from_local_datetime(&midnight)
        .single()
        .expect("fixed offsets are unambiguous")
        .with_timezone(&Utc))
}

impl AuditQuery {
    fn filter(self, default_limit: i64, max_limit: i64) -> Result<Filter, ApiError> {
        let from = blank_to_none(self.from)
            .map(|s| parse_instant("from", &s, false))
            .transpose()?;
        let to = blank_to_none(self.to)
            .map(|s| parse_instant("to", &s, true))
            .transpose()?;
        let limit = match blank_to_none(self.limit) {
            None => default_limit,
            Some(l) => l
                .parse::<i64>()
                .map_err(|_| ApiError::InvalidBody(format!("limit: {l:?} is not a number")))?,
        };
        Ok(Filter {
            actor: blank_to_none(self.actor),
            entity: blank_to_none(self.entity),
            entity_id: blank_to_none(self.entity_id),
            action: blank_to_none(self.action),
            from,
            to,
            limit: limit.clamp(1, max_limit),
        })
    }
}

fn view(r: AuditRecord) -> AuditEntryView {
    AuditEntryView {
        id: r.id,
        at: r.at,
        actor: r.actor,
        ip: r.ip,
        action: r.action,
        entity: r.entity,
        entity_id: r.entity_id,
        before: r.before,
        after: r.after,
    }
}

async fn load(
    state: &AppState,
    p: &Principal,
    query: Result<Query<AuditQuery>, QueryRejection>,
    default_limit: i64,
    max_limit: i64,
) -> Result<Vec<AuditRecord>, ApiError> {
    p.require_admin()?;
    let Query(query) = query.map_err(|e| ApiError::InvalidBody(e.body_text()))?;
    let filter = query.filter(default_limit, max_limit)?;
    Ok(super::list(&state.db, &filter).await?)
}

/// The audit trail, newest first.
#[utoipa::path(get, path = "/api/v1/admin/audit", tag = "admin", params(AuditQuery),
    responses((status = 200, body = [AuditEntryView]), (status = 401), (status = 403),
              (status = 422, body = ioc_protocol::ApiErrorBody)))]
pub async fn list_audit(
    State(state): State<AppState>,
    p: Principal,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Json<Vec<AuditEntryView>>, ApiError> {
    let rows = load(&state, &p, query, SCREEN_DEFAULT, SCREEN_MAX).await?;
    Ok(Json(rows.into_iter().map(view).collect()))
}

/// Column headings of the exports: Vietnamese, English in parentheses.
pub const HEADINGS: [&str; 9] = [
    "Số thứ tự (ID)",
    "Thời điểm – giờ Việt Nam (Time – UTC+7)",
    "Người thực hiện (Actor)",
    "Địa chỉ IP (IP address)",
    "Hành động (Action)",
    "Đối tượng (Entity)",
    "Mã đối tượng (Entity ID)",
    "Trước thay đổi (Before)",
    "Sau thay đổi (After)",
];

/// A spreadsheet must not read a cell as a formula: texts that start like one get a quote.
fn neutralise(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

fn json_text(v: &Option<serde_json::Value>) -> String {
    v.as_ref().map(|v| v.to_string()).unwrap_or_default()
}

/// The text cells of a row, after the id and the time.
fn text_cells(r: &AuditRecord) -> [String; 7] {
    [
        neutralise(&r.actor),
        r.ip.clone().unwrap_or_default(),
        neutralise(&r.action),
        neutralise(&r.entity),
        neutralise(r.entity_id.as_deref().unwrap_or("")),
        json_text(&r.before),
        json_text(&r.after),
    ]
}

fn attachment(kind: &str, ext: &str, body: Vec<u8>) -> Response {
    let stamp = Utc::now().with_timezone(&vietnam()).format("%Y%m%d-%H%M");
    let disposition = format!("attachment; filename=\"nhat-ky-he-thong-{stamp}.{ext}\"");
    (
        [
            (CONTENT_TYPE, kind.to_string()),
            (CONTENT_DISPOSITION, disposition),
            (CACHE_CONTROL, "no-store".into()),
        ],
        body,
    )
        .into_response()
}

/// The rows as CSV (UTF-8 with a byte-order mark, so that Excel reads the Vietnamese right).
pub fn to_csv(rows: &[AuditRecord]) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer("\u{feff}".as_bytes().to_vec());
    out.write_record(HEADINGS)?;
    for r in rows {
        let mut record = vec![
            r.id.to_string(),
            r.at.with_timezone(&vietnam())
                .format("%Y-%m-%d %H:%M:%S")
                .to_string(),
        ];
        record.extend(text_cells(r));
        out.write_record(&record)?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

/// The rows as an Excel workbook: one sheet, bold frozen headings, a filter on every column,
/// times as real Excel dates.
pub fn to_xlsx(rows: &[AuditRecord]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Nhật ký hệ thống")?;
    let heading = Format::new().set_bold().set_text_wrap();
    let time = Format::new().set_num_format("dd/mm/yyyy hh:mm:ss");
    for (col, h) in HEADINGS.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *h, &heading)?;
    }
    for (col, width) in [10.0, 20.0, 22.0, 16.0, 16.0, 14.0, 18.0, 50.0, 50.0]
        .into_iter()
        .enumerate()
    {
        sheet.set_column_width(col as u16, width)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        let t = r.at.with_timezone(&vietnam());
        let when = ExcelDateTime::from_ymd(t.year() as u16, t.month() as u8, t.day() as u8)?
            .and_hms(t.hour() as u16, t.minute() as u8, t.second() as f64)?;
        sheet.write_number(row, 0, r.id as f64)?;
        sheet.write_datetime_with_format(row, 1, &when, &time)?;
        for (j, cell) in text_cells(r).into_iter().enumerate() {
            let cell = match cell.char_indices().nth(XLSX_CELL_MAX) {
                Some((cut, _)) => format!("{}…", &cell[..cut]),
                None => cell,
            };
            sheet.write_string(row, j as u16 + 2, cell)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, rows.len() as u32, HEADINGS.len() as u16 - 1)?;
    book.save_to_buffer()
}

/// The audit trail as CSV, with the same filters (up to 100,000 entries).
#[utoipa::path(get, path = "/api/v1/admin/audit.csv", tag = "admin", params(AuditQuery),
    responses((status = 200, content_type = "text/csv", description = "CSV attachment"), (status = 401), (status = 403)))]
pub async fn export_csv(
    State(state): State<AppState>,
    p: Principal,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let rows = load(&state, &p, query, EXPORT_DEFAULT, EXPORT_MAX).await?;
    let body = tokio::task::spawn_blocking(move || to_csv(&rows))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok(attachment(CSV_TYPE, "csv", body))
}

/// The audit trail as an Excel workbook, with the same filters (up to 100,000 entries).
#[utoipa::path(get, path = "/api/v1/admin/audit.xlsx", tag = "admin", params(AuditQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               description = "Excel attachment"), (status = 401), (status = 403)))]
pub async fn export_xlsx(
    State(state): State<AppState>,
    p: Principal,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let rows = load(&state, &p, query, EXPORT_DEFAULT, EXPORT_MAX).await?;
    let body = tokio::task::spawn_blocking(move || to_xlsx(&rows))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok(attachment(XLSX_TYPE, "xlsx", body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(actor: &str, entity_id: Option<&str>) -> AuditRecord {
        AuditRecord {
            id: 7,
            at: "2026-11-24T17:30:00Z".parse().unwrap(),
            actor: actor.into(),
            ip: Some("127.0.0.1".into()),
            action: "update".into(),
            entity: "unit".into(),
            entity_id: entity_id.map(String::from),
            before: Some(serde_json::json!({"name_vi": "Sở A"})),
            after: Some(serde_json::json!({"name_vi": "Sở B"})),
        }
    }

    #[test]
    fn days_are_read_in_vietnam_time() {
        let from = parse_instant("from", "2026-11-25", false).unwrap();
        assert_eq!(
            from,
            "2026-11-24T17:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        let to = parse_instant("to", "2026-11-25", true).unwrap();
        assert_eq!(
            to,
            "2026-11-25T17:00:00Z".parse::<DateTime<Utc>>().unwrap(),
            "the whole day is included"
        );
        let exact = parse_instant("to", "2026-11-25T08:00:00+07:00", true).unwrap();
        assert_eq!(
            exact,
            "2026-11-25T01:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        assert!(parse_instant("from", "25/11/2026", false).is_err());
    }

    #[test]
    fn csv_has_headings_local_times_and_no_formulas() {
        let csv =
            String::from_utf8(to_csv(&[record("user:admin", Some("=cmd()"))]).unwrap()).unwrap();
        let mut lines = csv.lines();
        assert!(lines
            .next()
            .unwrap()
            .starts_with("\u{feff}Số thứ tự (ID),Thời điểm"));
        let row = lines.next().unwrap();
        assert!(
            row.starts_with("7,2026-11-25 00:30:00,user:admin,127.0.0.1,update,unit,'=cmd(),"),
            "{row}"
        );
        assert!(row.contains(r#""{""name_vi"":""Sở A""}""#), "{row}");
    }

    #[test]
    fn xlsx_is_a_zip() {
        let long = "x".repeat(40_000);
        let mut r = record("user:admin", Some("dept-a"));
        r.after = Some(serde_json::json!({ "note": long }));
        let bytes = to_xlsx(&[r]).unwrap();
        assert!(bytes.starts_with(b"PK"));
    }
}
