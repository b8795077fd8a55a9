//! Import of the catalogue from the file the national procedures database exports (CSV or
//! Excel .xlsx, first sheet), with its Vietnamese headers ("Mã thủ tục", "Cấp thực hiện", …) or
//! the table's column names (`code`, `level`, …).
//!
//! All or nothing: a file with any bad row writes nothing, and the answer lists every bad row
//! with its reasons. A valid file is written in one transaction, each procedure inserted or
//! replaced by its code, with one audit entry for the import. A column the file does not have
//! keeps what is stored (the national export has no English names; an administrator's edit of
//! the transparency flags survives a re-import).

use std::collections::{HashMap, HashSet};
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use ioc_protocol::{OnlineLevel, ProcedureImportReceipt, ProcedureInput, ProcedureLevel, RowError};
use sqlx::PgPool;

use super::store::{self, ProcedureError};
use crate::audit::Actor;
use crate::http::ApiError;

/// Largest number of rows one import takes (a province's catalogue has about 2,000).
pub const MAX_ROWS: usize = 20_000;

/// The columns the import reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Col {
    Code,
    NameVi,
    NameEn,
    Field,
    Level,
    Unit,
    Days,
    Online,
    Fee,
    Payment,
    Population,
    Published,
    Updated,
    Complete,
    Active,
}

/// A header cell → its column: the national export's Vietnamese header or the table's name.
fn column(header: &str) -> Option<Col> {
    let h = header.trim().trim_start_matches('\u{feff}').to_lowercase();
    let h = h.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(match h.as_str() {
        "mã thủ tục" | "code" => Col::Code,
        "tên thủ tục" | "name_vi" => Col::NameVi,
        "tên tiếng anh" | "name_en" => Col::NameEn,
        "lĩnh vực" | "field_vi" => Col::Field,
        "cấp thực hiện" | "level" => Col::Level,
        "cơ quan thực hiện" | "unit_code" => Col::Unit,
        "thời hạn giải quyết" | "processing_days" => Col::Days,
        "mức độ dvc" | "mức độ dịch vụ công" | "online_level" => Col::Online,
        "phí, lệ phí" | "phí lệ phí" | "has_fee" => Col::Fee,
        "thanh toán trực tuyến" | "online_payment" => Col::Payment,
        "kết nối csdl dân cư" | "population_db" => Col::Population,
        "published_on_time" => Col::Published,
        "updated_on_time" => Col::Updated,
        "content_complete" => Col::Complete,
        "active" => Col::Active,
        _ => return None,
    })
}

/// A row as read from the file: the fields of the columns the file has (`None`: no column).
#[derive(Debug, Default)]
pub struct FileRow {
    /// The spreadsheet's row number (the header is row 1).
    pub row: u32,
    pub code: String,
    pub name_vi: Option<String>,
    pub name_en: Option<String>,
    pub field_vi: Option<String>,
    pub level: Option<ProcedureLevel>,
    pub unit_code: Option<Option<String>>,
    pub processing_days: Option<i32>,
    pub online_level: Option<OnlineLevel>,
    pub has_fee: Option<bool>,
    pub online_payment: Option<bool>,
    pub population_db: Option<bool>,
    pub published_on_time: Option<bool>,
    pub updated_on_time: Option<bool>,
    pub content_complete: Option<bool>,
    pub active: Option<bool>,
    /// What could not be read in the row's cells.
    pub faults: Vec<ProcedureError>,
}

/// "15 ngày làm việc" → 15, "15" → 15, "Trong ngày" → 0.
pub fn parse_days(s: &str) -> Result<i32, ProcedureError> {
    let t = s.trim().to_lowercase();
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return match t.as_str() {
            "trong ngày" | "ngay trong ngày" | "giải quyết ngay" | "ngay" => Ok(0),
            _ => Err(ProcedureError::BadDays(s.trim().into())),
        };
    }
    let rest = t[digits.len()..].trim();
    if !(rest.is_empty() || rest.starts_with("ngày")) {
        return Err(ProcedureError::BadDays(s.trim().into()));
    }
    digits
        .parse::<i32>()
        .ok()
        .filter(|d| (0..=store::MAX_DAYS).contains(d))
        .ok_or_else(|| ProcedureError::BadDays(s.trim().into()))
}

/// "Cấp Tỉnh" / "Cấp Xã" (or `province` / `commune`).
pub fn parse_level(s: &str) -> Result<ProcedureLevel, ProcedureError> {
    match s.trim().to_lowercase().as_str() {
        "cấp tỉnh" | "tỉnh" | "province" => Ok(ProcedureLevel::Province),
        "cấp xã" | "xã" | "commune" => Ok(ProcedureLevel::Commune),
        _ => Err(ProcedureError::UnknownLevel(s.trim().into())),
    }
}

/// "Toàn trình" / "Một phần" / empty (or `full` / `partial` / `none`).
pub fn parse_online(s: &str) -> Result<OnlineLevel, ProcedureError> {
    match s.trim().to_lowercase().as_str() {
        "toàn trình" | "full" => Ok(OnlineLevel::Full),
        "một phần" | "partial" => Ok(OnlineLevel::Partial),
        "" | "không" | "none" => Ok(OnlineLevel::None),
        _ => Err(ProcedureError::UnknownOnlineLevel(s.trim().into())),
    }
}

/// "Có" / "Không" (or `true` / `false`, `x` / empty).
pub fn parse_yes_no(column: &'static str, s: &str) -> Result<bool, ProcedureError> {
    match s.trim().to_lowercase().as_str() {
        "có" | "co" | "x" | "true" | "yes" | "1" => Ok(true),
        "" | "không" | "khong" | "false" | "no" | "0" => Ok(false),
        _ => Err(ProcedureError::NotYesNo {
            column,
            value: s.trim().into(),
        }),
    }
}

/// "Phí, lệ phí" is free text ("50.000 đồng/bản", "Không"): a fee unless empty or a no.
pub fn parse_fee(s: &str) -> bool {
    let t = s.trim().to_lowercase();
    !(t.is_empty()
        || t.starts_with("không")
        || t.starts_with("miễn")
        || matches!(t.as_str(), "0" | "false" | "no"))
}

/// The value, or none with the fault kept for the row's report.
fn keep<T>(faults: &mut Vec<ProcedureError>, r: Result<T, ProcedureError>) -> Option<T> {
    r.map_err(|e| faults.push(e)).ok()
}

/// Builds the rows from a header and text cells (shared by CSV and Excel). A file-level fault
/// (no header, a required column missing, too many rows) is the error.
fn rows_from(
    mut records: impl Iterator<Item = (u32, Vec<String>)>,
) -> Result<Vec<FileRow>, String> {
    let Some((_, header)) = records.next() else {
        return Err("tệp rỗng / empty file".into());
    };
    let cols: Vec<Option<Col>> = header.iter().map(|h| column(h)).collect();
    let at = |c: Col| cols.iter().position(|x| *x == Some(c));
    let (Some(code_at), Some(name_at), Some(level_at), Some(days_at)) = (
        at(Col::Code),
        at(Col::NameVi),
        at(Col::Level),
        at(Col::Days),
    ) else {
        return Err(
            "thiếu cột: cần \"Mã thủ tục\", \"Tên thủ tục\", \"Cấp thực hiện\", \"Thời hạn giải quyết\" / \
             missing columns: code, name_vi, level and processing_days are required"
                .into(),
        );
    };
    let mut out = Vec::new();
    for (row, cells) in records {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if out.len() >= MAX_ROWS {
            return Err(format!("quá {MAX_ROWS} dòng / more than {MAX_ROWS} rows"));
        }
        let cell = |i: usize| cells.get(i).map(|s| s.trim()).unwrap_or("");
        let opt = |c: Col| at(c).map(cell);
        let mut faults = Vec::new();
        let level = keep(&mut faults, parse_level(cell(level_at)));
        let processing_days = keep(&mut faults, parse_days(cell(days_at)));
        let online_level = opt(Col::Online).and_then(|s| keep(&mut faults, parse_online(s)));
        let mut yes_no = |c: Col, name: &'static str| {
            opt(c).and_then(|s| keep(&mut faults, parse_yes_no(name, s)))
        };
        let online_payment = yes_no(Col::Payment, "Thanh toán trực tuyến");
        let population_db = yes_no(Col::Population, "Kết nối CSDL dân cư");
        let published_on_time = yes_no(Col::Published, "published_on_time");
        let updated_on_time = yes_no(Col::Updated, "updated_on_time");
        let content_complete = yes_no(Col::Complete, "content_complete");
        let active = yes_no(Col::Active, "active");
        out.push(FileRow {
            row,
            code: cell(code_at).to_string(),
            name_vi: Some(cell(name_at).to_string()),
            name_en: opt(Col::NameEn).map(String::from),
            field_vi: opt(Col::Field).map(String::from),
            level,
            unit_code: opt(Col::Unit).map(|u| (!u.is_empty()).then(|| u.to_string())),
            processing_days,
            online_level,
            has_fee: opt(Col::Fee).map(parse_fee),
            online_payment,
            population_db,
            published_on_time,
            updated_on_time,
            content_complete,
            active,
            faults,
        });
    }
    if out.is_empty() {
        return Err("tệp không có dòng thủ tục nào / the file has no procedure rows".into());
    }
    Ok(out)
}

/// Reads a CSV file (UTF-8, comma or semicolon separated, with a header row).
pub fn parse_csv(bytes: &[u8]) -> Result<Vec<FileRow>, String> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| "tệp CSV phải là UTF-8 / the CSV file must be UTF-8".to_string())?;
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| format!("CSV không hợp lệ / invalid CSV ({e})"))?;
        // The row number a spreadsheet shows, even when a quoted cell spans several lines.
        let row = rec.position().map_or(0, |p| p.record() as u32 + 1);
        records.push((row, rec.iter().map(str::to_string).collect()));
    }
    rows_from(records.into_iter())
}

/// Reads the first sheet of an .xlsx file with a header row.
pub fn parse_xlsx(bytes: &[u8]) -> Result<Vec<FileRow>, String> {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| format!("không đọc được tệp .xlsx / not a readable .xlsx file ({e})"))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or("tệp không có trang tính / the workbook has no sheet")?
        .map_err(|e| format!("không đọc được trang tính / unreadable sheet ({e})"))?;
    let start = range.start().map_or(0, |(r, _)| r);
    let records = range.rows().enumerate().map(move |(i, row)| {
        let cells = row
            .iter()
            .map(|c| match c {
                Data::Float(f) => f.to_string(),
                other => other.to_string(),
            })
            .collect();
        (start + i as u32 + 1, cells)
    });
    rows_from(records)
}

/// A new procedure before the file's columns are applied.
fn blank(code: &str) -> ProcedureInput {
    ProcedureInput {
        code: code.to_string(),
        name_vi: String::new(),
        name_en: String::new(),
        field_vi: String::new(),
        level: ProcedureLevel::Commune,
        unit_code: None,
        processing_days: 0,
        online_level: OnlineLevel::None,
        has_fee: false,
        online_payment: false,
        population_db: false,
        published_on_time: true,
        updated_on_time: true,
        content_complete: true,
        active: true,
    }
}

/// The stored procedure (or a blank one) with the file's columns applied.
fn merged(base: ProcedureInput, r: &FileRow) -> ProcedureInput {
    fn set<T: Clone>(field: &mut T, v: &Option<T>) {
        if let Some(v) = v {
            *field = v.clone();
        }
    }
    let mut p = base;
    set(&mut p.name_vi, &r.name_vi);
    set(&mut p.name_en, &r.name_en);
    set(&mut p.field_vi, &r.field_vi);
    set(&mut p.level, &r.level);
    set(&mut p.unit_code, &r.unit_code);
    set(&mut p.processing_days, &r.processing_days);
    set(&mut p.online_level, &r.online_level);
    set(&mut p.has_fee, &r.has_fee);
    set(&mut p.online_payment, &r.online_payment);
    set(&mut p.population_db, &r.population_db);
    set(&mut p.published_on_time, &r.published_on_time);
    set(&mut p.updated_on_time, &r.updated_on_time);
    set(&mut p.content_complete, &r.content_complete);
    set(&mut p.active, &r.active);
    p
}

fn row_error(row: u32, e: &ProcedureError) -> RowError {
    let (code, vi, en) = e.messages();
    RowError {
        row,
        code: code.to_string(),
        message_vi: format!("Dòng {row}: {vi}"),
        message_en: format!("Row {row}: {en}"),
        key: None,
    }
}

/// Writes the file's procedures in one transaction, or nothing when a row is bad (then every
/// bad row is in the `InvalidRows` error).
pub async fn import(
    db: &PgPool,
    province: &str,
    actor: &Actor,
    rows: Vec<FileRow>,
) -> Result<ProcedureImportReceipt, ApiError> {
    let mut errors: Vec<RowError> = Vec::new();
    let mut seen = HashSet::new();
    for r in &rows {
        errors.extend(r.faults.iter().map(|e| row_error(r.row, e)));
        if !seen.insert(r.code.as_str()) && !r.code.is_empty() {
            errors.push(row_error(
                r.row,
                &ProcedureError::DuplicateInFile(r.code.clone()),
            ));
        }
    }
    let codes: Vec<String> = seen.iter().map(|c| c.to_string()).collect();
    let units: Vec<String> = rows
        .iter()
        .filter_map(|r| r.unit_code.clone().flatten())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();

    let mut tx = db.begin().await?;
    store::lock(&mut tx).await?;
    let departments = store::departments(&mut *tx, province, &units).await?;
    let mut stored: HashMap<String, ProcedureInput> = store::get_many(&mut *tx, &codes)
        .await?
        .into_iter()
        .map(|p| (p.code.clone(), ProcedureInput::from(p)))
        .collect();
    let mut planned = Vec::with_capacity(rows.len());
    for r in &rows {
        let before = stored.remove(&r.code);
        let after = merged(before.clone().unwrap_or_else(|| blank(&r.code)), r);
        if r.faults.is_empty() {
            errors.extend(store::faults(&after).iter().map(|e| row_error(r.row, e)));
        }
        if let Some(u) = after
            .unit_code
            .as_ref()
            .filter(|u| !departments.contains(*u))
        {
            errors.push(row_error(r.row, &ProcedureError::UnknownUnit(u.clone())));
        }
        planned.push((before, after));
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.row);
        return Err(ApiError::InvalidRows(errors));
    }

    let mut receipt = ProcedureImportReceipt::default();
    let (mut created, mut updated) = (Vec::new(), Vec::new());
    for (before, after) in planned {
        match before {
            Some(b) if b == after => receipt.unchanged += 1,
            Some(_) => {
                store::upsert(&mut tx, &after).await?;
                receipt.updated += 1;
                updated.push(after.code);
            }
            None => {
                store::upsert(&mut tx, &after).await?;
                receipt.created += 1;
                created.push(after.code);
            }
        }
    }
    store::record_import(&mut tx, actor, &receipt, &created, &updated).await?;
    tx.commit().await?;
    Ok(receipt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_of_the_national_export() {
        assert_eq!(parse_days("15 ngày làm việc").unwrap(), 15);
        assert_eq!(parse_days("03 Ngày làm việc").unwrap(), 3);
        assert_eq!(parse_days("20").unwrap(), 20);
        assert_eq!(parse_days("Trong ngày").unwrap(), 0);
        assert!(parse_days("mười lăm ngày").is_err());
        assert!(parse_days("4 giờ").is_err());
        assert!(parse_days("400").is_err());
        assert!(parse_days("").is_err());
        assert_eq!(parse_level("Cấp Tỉnh").unwrap(), ProcedureLevel::Province);
        assert_eq!(parse_level("cấp xã").unwrap(), ProcedureLevel::Commune);
        assert!(parse_level("Cấp Huyện").is_err());
        assert_eq!(parse_online("Toàn trình").unwrap(), OnlineLevel::Full);
        assert_eq!(parse_online("Một phần").unwrap(), OnlineLevel::Partial);
        assert_eq!(parse_online("").unwrap(), OnlineLevel::None);
        assert!(parse_online("Mức độ 4").is_err());
        assert!(parse_fee("50.000 đồng/bản"));
        assert!(!parse_fee("Không"));
        assert!(!parse_fee("Miễn lệ phí"));
        assert!(!parse_fee(""));
        assert!(parse_yes_no("x", "Có").unwrap());
        assert!(!parse_yes_no("x", "Không").unwrap());
        assert!(parse_yes_no("x", "Có thể").is_err());
    }

    #[test]
    fn both_headers_are_read_and_faults_kept_per_row() {
        let vi = "Mã thủ tục;Tên thủ tục;Cấp thực hiện;Thời hạn giải quyết;Mức độ DVC\n\
                  1.001193;Đăng ký khai sinh;Cấp Xã;Trong ngày;Toàn trình\n\
                  1.000656;Đăng ký kết hôn;Cấp Huyện;ba ngày;\n";
        let rows = parse_csv(vi.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].row, 2);
        assert_eq!(rows[0].level, Some(ProcedureLevel::Commune));
        assert_eq!(rows[0].processing_days, Some(0));
        assert_eq!(
            rows[0].unit_code, None,
            "no unit column: keep what is stored"
        );
        assert_eq!(rows[1].faults.len(), 2, "{:?}", rows[1].faults);
        let en =
            "code,name_vi,level,unit_code,processing_days\n2.001,Cấp phép,province,dept-sxd,20\n";
        let rows = parse_csv(en.as_bytes()).unwrap();
        assert_eq!(rows[0].unit_code, Some(Some("dept-sxd".into())));
        assert!(parse_csv(b"code,name_vi\n1,x\n").is_err());
    }

    #[test]
    fn the_demo_catalogue_reads_without_a_fault() {
        let rows = parse_csv(super::super::DEMO_CATALOGUE.as_bytes()).unwrap();
        assert!(rows.len() >= 40, "{}", rows.len());
        for r in &rows {
            assert!(r.faults.is_empty(), "row {}: {:?}", r.row, r.faults);
            let p = merged(blank(&r.code), r);
            assert!(
                store::faults(&p).is_empty(),
                "row {}: {:?}",
                r.row,
                store::faults(&p)
            );
        }
        let commune = rows
            .iter()
            .filter(|r| r.level == Some(ProcedureLevel::Commune))
            .count();
        assert!(commune >= 10 && commune < rows.len(), "{commune}");
    }
}
