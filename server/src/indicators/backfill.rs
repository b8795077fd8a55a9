//! History import: published figures since 2019-01 from a CSV or Excel file, written as
//! `indicator_figures` with source `backfill` (never sent to the Government system: they came
//! from it or from the statistics office). Figures may name historic units (provinces,
//! districts and communes before the 2025 reorganisation); the series readers roll them up into
//! their successors.
//!
//! Re-importing the same file changes nothing: a row equal to the figure already stored is
//! skipped, a different one is appended as a new revision (the earlier one stays).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::{Datelike, NaiveDate};
use ioc_protocol::i18n::{parse_number, Msg};
use ioc_protocol::{
    format_period, parse_period, period_ts, BackfillReceipt, FigureKind, Publication,
};
use serde_json::json;
use sqlx::PgPool;

use super::deadlines;
use crate::audit::{self, Actor, Entry};
use crate::http::ApiError;
use crate::series::points;

/// Precision numbers in a history file are read with: a file names no indicator's precision
/// before its rows are checked, so a lone dot is always a decimal point ("1.234" is 1.234).
const FILE_DECIMALS: u8 = 6;

/// Largest number of rows one import takes (ten years × 3,321 communes × a few indicators would
/// be split into several files).
pub const MAX_ROWS: usize = 50_000;

/// A stored figure's identity: series, area, period, kind.
type FigureKey<'a> = (i32, &'a str, NaiveDate, &'a str);

/// One row as read from the file, before the database checks.
#[derive(Clone, Debug, PartialEq)]
pub struct RawRow {
    /// Line (CSV, 1-based with the header as line 1) or Excel row number, for error messages.
    pub line: usize,
    pub indicator: String,
    pub area: String,
    pub period: NaiveDate,
    pub kind: FigureKind,
    pub value: f64,
    pub ytd: Option<f64>,
}

/// Column names accepted in the header (English or Vietnamese without accents).
fn column(name: &str) -> Option<&'static str> {
    match name
        .trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .as_str()
    {
        "indicator" | "series" | "chi_tieu" | "ma_chi_tieu" => Some("indicator"),
        "area" | "unit" | "don_vi" | "ma_don_vi" => Some("area"),
        "period" | "ky" | "thang" => Some("period"),
        "kind" | "loai" => Some("kind"),
        "value" | "gia_tri" => Some("value"),
        "ytd" | "luy_ke" => Some("ytd"),
        _ => None,
    }
}

fn err(line: usize, vi: &str, en: &str) -> String {
    format!("dòng {line}: {vi} / line {line}: {en}")
}

/// Builds rows from a header and text cells (shared by CSV and Excel).
fn rows_from(records: impl Iterator<Item = (usize, Vec<String>)>) -> Result<Vec<RawRow>, String> {
    let mut records = records.peekable();
    let Some((_, header)) = records.next() else {
        return Err("tệp rỗng / empty file".into());
    };
    let cols: Vec<Option<&str>> = header.iter().map(|h| column(h)).collect();
    let at = |name: &str| cols.iter().position(|c| *c == Some(name));
    let (Some(ci), Some(ca), Some(cp), Some(cv)) =
        (at("indicator"), at("area"), at("period"), at("value"))
    else {
        return Err("thiếu cột: cần indicator, area, period, value (kind, ytd tùy chọn) / \
                    missing columns: indicator, area, period, value are required (kind, ytd optional)"
            .into());
    };
    let (ck, cy) = (at("kind"), at("ytd"));
    let mut out = Vec::new();
    for (line, cells) in records {
        let cell = |i: usize| cells.get(i).map(|s| s.trim()).unwrap_or("");
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if out.len() >= MAX_ROWS {
            return Err(format!("quá {MAX_ROWS} dòng / more than {MAX_ROWS} rows"));
        }
        let period = parse_period(cell(cp))
            .ok_or_else(|| err(line, "kỳ phải có dạng YYYY-MM", "period must be YYYY-MM"))?;
        let value = parse_number(cell(cv), FILE_DECIMALS)
            .ok_or_else(|| err(line, "giá trị không phải là số", "value is not a number"))?;
        let ytd = match cy.map(cell).filter(|s| !s.is_empty()) {
            Some(s) => Some(
                parse_number(s, FILE_DECIMALS)
                    .ok_or_else(|| err(line, "lũy kế không phải là số", "ytd is not a number"))?,
            ),
            None => None,
        };
        let kind = match ck.map(cell).filter(|s| !s.is_empty()) {
            None => FigureKind::Official,
            Some("official" | "chinh_thuc" | "chính thức") => FigureKind::Official,
            Some("estimate" | "uoc" | "ước") => FigureKind::Estimate,
            Some(_) => {
                return Err(err(
                    line,
                    "loại phải là official hoặc estimate",
                    "kind must be official or estimate",
                ))
            }
        };
        out.push(RawRow {
            line,
            indicator: cell(ci).to_string(),
            area: cell(ca).to_string(),
            period,
            kind,
            value,
            ytd,
        });
    }
    if out.is_empty() {
        return Err("tệp không có dòng số liệu / the file has no data rows".into());
    }
    Ok(out)
}

/// Reads a CSV file (UTF-8, comma or semicolon separated, with a header row).
pub fn parse_csv(bytes: &[u8]) -> Result<Vec<RawRow>, String> {
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
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| err(i + 1, "CSV không hợp lệ", &format!("invalid CSV ({e})")))?;
        records.push((i + 1, rec.iter().map(str::to_string).collect()));
    }
    rows_from(records.into_iter())
}

/// Reads the first sheet of an .xlsx file with a header row.
pub fn parse_xlsx(bytes: &[u8]) -> Result<Vec<RawRow>, String> {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| format!("không đọc được tệp .xlsx / not a readable .xlsx file ({e})"))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or("tệp không có trang tính / the workbook has no sheet")?
        .map_err(|e| format!("không đọc được trang tính / unreadable sheet ({e})"))?;
    let start = range.start().map_or(0, |(r, _)| r as usize);
    let records = range.rows().enumerate().map(|(i, row)| {
        let cells = row
            .iter()
            .map(|c| match c {
                // Keep numbers exact: Display of a float cell is its shortest round-trip form.
                Data::Float(f) => f.to_string(),
                other => other.to_string(),
            })
            .collect();
        (start + i + 1, cells)
    });
    rows_from(records)
}

/// Writes the rows in one transaction. Every indicator and unit must exist, periods run from
/// 2019-01 to the current month, and a (indicator, unit, period, kind) appears once.
pub async fn import(
    db: &PgPool,
    epoch: &str,
    rows: &[RawRow],
    actor: &Actor,
) -> Result<(BackfillReceipt, Vec<Publication>), ApiError> {
    let bad = |line: usize, vi: &str, en: &str| {
        ApiError::Unprocessable(Msg::BadSpreadsheet, err(line, vi, en))
    };
    let first = NaiveDate::from_ymd_opt(2019, 1, 1).expect("valid");
    let this_month = deadlines::today().with_day(1).expect("day 1");
    let mut seen = HashSet::new();
    for r in rows {
        if r.period < first || r.period > this_month {
            return Err(bad(
                r.line,
                "kỳ ngoài khoảng 2019-01 đến tháng hiện tại",
                "period outside 2019-01 to the current month",
            ));
        }
        if !seen.insert((&r.indicator, &r.area, r.period, r.kind)) {
            return Err(bad(
                r.line,
                "số liệu lặp lại",
                "the same figure appears twice",
            ));
        }
    }
    let codes: Vec<&str> = rows
        .iter()
        .map(|r| r.indicator.as_str())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let ids: HashMap<String, i32> = super::catalogue::ids(db, &codes)
        .await?
        .into_iter()
        .collect();
    if let Some(r) = rows.iter().find(|r| !ids.contains_key(&r.indicator)) {
        return Err(ApiError::Unprocessable(
            Msg::UnknownSeries,
            err(r.line, "không có trong danh mục", &r.indicator),
        ));
    }
    let areas: Vec<&str> = rows
        .iter()
        .map(|r| r.area.as_str())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let known: HashSet<String> = crate::units::existing_codes(db, &areas)
        .await?
        .into_iter()
        .collect();
    if let Some(r) = rows.iter().find(|r| !known.contains(&r.area)) {
        return Err(ApiError::Unprocessable(
            Msg::UnknownUnit,
            err(r.line, "mã đơn vị không tồn tại", &r.area),
        ));
    }

    let mut tx = db.begin().await?;
    // What is stored now, to skip unchanged rows (a re-import is a no-op).
    let series: Vec<i32> = codes.iter().map(|c| ids[*c]).collect();
    let current: Vec<(i32, String, NaiveDate, String, f64, Option<f64>)> = sqlx::query_as(
        "SELECT DISTINCT ON (series_id, area_code, period, kind) series_id, area_code, period, kind,
                value::float8, ytd_value::float8
         FROM indicator_figures WHERE series_id = ANY($1) AND area_code = ANY($2)
         ORDER BY series_id, area_code, period, kind, id DESC",
    )
    .bind(&series)
    .bind(&areas)
    .fetch_all(&mut *tx)
    .await?;
    let stored: HashMap<FigureKey<'_>, (f64, Option<f64>)> = current
        .iter()
        .map(|(s, a, p, k, v, y)| ((*s, a.as_str(), *p, k.as_str()), (*v, *y)))
        .collect();
    let changed: Vec<&RawRow> = rows
        .iter()
        .filter(|r| {
            stored.get(&(
                ids[&r.indicator],
                r.area.as_str(),
                r.period,
                r.kind.as_str(),
            )) != Some(&(r.value, r.ytd))
        })
        .collect();
    if !changed.is_empty() {
        sqlx::query(
            "INSERT INTO indicator_figures (series_id, area_code, period, kind, value, ytd_value, source, recorded_by)
             SELECT s, a, p, k, v::numeric, y::numeric, 'backfill', $7
             FROM UNNEST($1::int[], $2::text[], $3::date[], $4::text[], $5::float8[], $6::float8[]) AS x(s, a, p, k, v, y)",
        )
        .bind(changed.iter().map(|r| ids[&r.indicator]).collect::<Vec<_>>())
        .bind(changed.iter().map(|r| r.area.as_str()).collect::<Vec<_>>())
        .bind(changed.iter().map(|r| r.period).collect::<Vec<_>>())
        .bind(changed.iter().map(|r| r.kind.as_str()).collect::<Vec<_>>())
        .bind(changed.iter().map(|r| r.value).collect::<Vec<_>>())
        .bind(changed.iter().map(|r| r.ytd).collect::<Vec<_>>())
        .bind(&actor.label)
        .execute(&mut *tx)
        .await?;
    }
    // The live streams follow the figure a wall shows: the official one where there is one.
    let has_official: HashSet<(i32, &str, NaiveDate)> = current
        .iter()
        .filter(|c| c.3 == "official")
        .map(|c| (c.0, c.1.as_str(), c.2))
        .chain(
            rows.iter()
                .filter(|r| r.kind == FigureKind::Official)
                .map(|r| (ids[&r.indicator], r.area.as_str(), r.period)),
        )
        .collect();
    let sources = [
        points::figure_source(false, FigureKind::Estimate),
        points::figure_source(false, FigureKind::Official),
    ];
    let mut shown: Vec<&RawRow> = changed
        .iter()
        .copied()
        .filter(|r| {
            r.kind == FigureKind::Official
                || !has_official.contains(&(ids[&r.indicator], r.area.as_str(), r.period))
        })
        .collect();
    shown.sort_by_key(|r| (r.period, r.kind));
    let new_points: Vec<points::NewPoint<'_>> = shown
        .iter()
        .map(|r| points::NewPoint {
            series_id: ids[&r.indicator],
            series: &r.indicator,
            unit: &r.area,
            ts: period_ts(r.period),
            value: r.value,
            source: &sources[usize::from(r.kind == FigureKind::Official)],
        })
        .collect();
    let appended = points::append(&mut tx, epoch, &new_points).await?;
    let first_period = rows.iter().map(|r| r.period).min().map(format_period);
    let last_period = rows.iter().map(|r| r.period).max().map(format_period);
    let receipt = BackfillReceipt {
        rows: rows.len(),
        unchanged: rows.len() - changed.len(),
        series: codes.iter().map(|c| c.to_string()).collect(),
        first_period,
        last_period,
    };
    audit::record(
        &mut *tx,
        actor,
        Entry {
            action: "indicators.backfill",
            entity: "indicator_figures",
            entity_id: None,
            before: None,
            after: Some(json!({
                "rows": receipt.rows, "written": changed.len(), "series": receipt.series,
                "from": receipt.first_period, "to": receipt.last_period,
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((receipt, appended.publications))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_vietnamese_headers_semicolons_and_defaults() {
        let text = "\u{feff}chi_tieu;don_vi;ky;gia_tri;luy_ke\nretail_sales;40;2019-01;6.123,4;\nexports;hp-x;2020-12;124,5;1.500,0\n";
        let rows = parse_csv(text.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].value, 6123.4);
        assert_eq!(rows[0].kind, FigureKind::Official);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[1].ytd, Some(1500.0));
        assert_eq!(
            rows[1].period,
            NaiveDate::from_ymd_opt(2020, 12, 1).unwrap()
        );
    }

    #[test]
    fn csv_errors_name_the_line() {
        let e = parse_csv(b"indicator,area,period,value\niip,40,2019-13,100\n").unwrap_err();
        assert!(e.contains("line 2") && e.contains("YYYY-MM"), "{e}");
        let e = parse_csv(b"indicator,area,value\niip,40,100\n").unwrap_err();
        assert!(e.contains("period"), "{e}");
        let e =
            parse_csv(b"indicator,area,period,value,kind\niip,40,2019-01,100,guess\n").unwrap_err();
        assert!(e.contains("kind"), "{e}");
        assert!(
            parse_csv(b"indicator,area,period,value\n").is_err(),
            "header only"
        );
    }
}
