//! Excel in and out: the report template departments fill (read back with calamine), and
//! workbooks of the views (written with rust_xlsxwriter). Pure functions over bytes and wire
//! types; the handlers run them on the blocking pool.

use std::io::Cursor;

use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use calamine::{Data, Reader, Xlsx};
use ioc_protocol::i18n::parse_number;
use ioc_protocol::{
    change, format_period, months_before, parse_period, Against, EntryInput, FigureKind,
    MonthFigure, SeriesView, SubmissionSummary, SubmissionView, ValueKind,
};
use rust_xlsxwriter::{Format, Workbook};

use crate::http::ApiError;

pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Runs spreadsheet work (CPU-bound, synchronous) off the async workers.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::Internal(e.into()))
}

pub fn attachment(filename: &str, body: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{filename}\"");
    (
        [
            (CONTENT_TYPE, XLSX_TYPE.to_string()),
            (CONTENT_DISPOSITION, disposition),
            (CACHE_CONTROL, "no-store".into()),
        ],
        body,
    )
        .into_response()
}

/// Header row of the template; the importer finds the data by the codes in column A, so people
/// may add rows of their own above or below.
const TEMPLATE_HEADINGS: [&str; 8] = [
    "Mã chỉ tiêu\n(code)",
    "Chỉ tiêu\n(indicator)",
    "Đơn vị tính\n(measure)",
    "Tháng trước\n(previous month)",
    "Cùng kỳ năm trước\n(same month last year)",
    "Giá trị tháng\n(value)",
    "Lũy kế từ đầu năm\n(year to date)",
    "Ghi chú giải trình\n(note)",
];
const COL_CODE: usize = 0;
const COL_VALUE: usize = 5;
const COL_YTD: usize = 6;
const COL_NOTE: usize = 7;

/// The report template: one row per indicator, the current figures (official, else estimate)
/// filled in, references for the checks shown next to them.
pub fn template_workbook(view: &SubmissionView) -> anyhow::Result<Vec<u8>> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Bao cao")?;
    let bold = Format::new().set_bold();
    let heading = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color("#DDEBF7");
    let input = Format::new()
        .set_background_color("#FFF2CC")
        .set_num_format("#,##0.0##");
    let number = Format::new().set_num_format("#,##0.0##");
    sheet.write_string_with_format(
        0,
        0,
        format!(
            "Báo cáo số liệu kinh tế - xã hội tháng {} — {}",
            view.period, view.unit_name_vi
        ),
        &bold,
    )?;
    // The unit as people know it (its name), the code only as a reference.
    sheet.write_string(
        1,
        0,
        format!("Đơn vị / Unit: {} ({})", view.unit_name_vi, view.unit),
    )?;
    sheet.write_string(1, 2, format!("Kỳ / Period: {}", view.period))?;
    sheet.write_string(1, 5, "Nhập vào các ô màu vàng / Fill in the yellow cells")?;
    for (col, h) in TEMPLATE_HEADINGS.iter().enumerate() {
        sheet.write_string_with_format(3, col as u16, *h, &heading)?;
    }
    for (col, width) in [18.0, 48.0, 14.0, 16.0, 18.0, 18.0, 18.0, 40.0]
        .into_iter()
        .enumerate()
    {
        sheet.set_column_width(col as u16, width)?;
    }
    for (i, row) in view.rows.iter().enumerate() {
        let r = 4 + i as u32;
        let current = row.official.as_ref().or(row.estimate.as_ref());
        sheet.write_string(r, 0, &row.indicator.code)?;
        sheet.write_string(r, 1, &row.indicator.name_vi)?;
        sheet.write_string(r, 2, &row.indicator.measure_vi)?;
        if let Some(v) = row.previous_month {
            sheet.write_number_with_format(r, 3, v, &number)?;
        }
        if let Some(v) = row.same_month_last_year {
            sheet.write_number_with_format(r, 4, v, &number)?;
        }
        match current {
            Some(c) => sheet.write_number_with_format(r, COL_VALUE as u16, c.value, &input)?,
            None => sheet.write_blank(r, COL_VALUE as u16, &input)?,
        };
        match current
            .and_then(|c| c.ytd)
            .filter(|_| row.indicator.cumulative)
        {
            Some(y) => sheet.write_number_with_format(r, COL_YTD as u16, y, &input)?,
            None if row.indicator.cumulative => sheet.write_blank(r, COL_YTD as u16, &input)?,
            None => sheet,
        };
        match current.and_then(|c| c.note.as_deref()) {
            Some(n) => sheet.write_string_with_format(r, COL_NOTE as u16, n, &input)?,
            None => sheet.write_blank(r, COL_NOTE as u16, &input)?,
        };
    }
    sheet.set_freeze_panes(4, 2)?;
    Ok(book.save_to_buffer()?)
}

/// Reads the figures of a filled template. Rows whose column A is the code of one of the
/// report's `indicators` (code, decimals) are data rows; an empty value cell skips the row.
/// Text cells are read as the entry form reads them, in the indicator's precision. Errors name
/// the row (as Excel numbers it) and say what is wrong, in English and Vietnamese.
pub fn read_template(bytes: &[u8], indicators: &[(String, u8)]) -> Result<Vec<EntryInput>, String> {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| format!("không đọc được tệp .xlsx / not a readable .xlsx file ({e})"))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or("tệp không có trang tính / the workbook has no sheet")?
        .map_err(|e| format!("không đọc được trang tính / unreadable sheet ({e})"))?;
    let mut out: Vec<EntryInput> = Vec::new();
    let start = range.start().map_or(0, |(r, _)| r);
    for (i, row) in range.rows().enumerate() {
        let excel_row = start as usize + i + 1;
        let Some(code) = row.get(COL_CODE).map(|c| c.to_string().trim().to_string()) else {
            continue;
        };
        let Some(&(_, decimals)) = indicators.iter().find(|(c, _)| *c == code) else {
            continue;
        };
        let value = match number(row.get(COL_VALUE), decimals) {
            Ok(Some(v)) => v,
            Ok(None) => continue,
            Err(text) => return Err(format!("dòng {excel_row}: giá trị {text:?} không phải là số / row {excel_row}: value {text:?} is not a number")),
        };
        let ytd = number(row.get(COL_YTD), decimals).map_err(|text| {
            format!("dòng {excel_row}: lũy kế {text:?} không phải là số / row {excel_row}: year to date {text:?} is not a number")
        })?;
        let note = row
            .get(COL_NOTE)
            .map(|c| c.to_string().trim().to_string())
            .filter(|n| !n.is_empty());
        if out.iter().any(|e| e.series == code) {
            return Err(format!("dòng {excel_row}: chỉ tiêu {code} lặp lại / row {excel_row}: indicator {code} appears twice"));
        }
        out.push(EntryInput {
            series: code,
            value,
            ytd,
            note,
        });
    }
    if out.is_empty() {
        return Err("không có số liệu nào trong mẫu / the template holds no figures".into());
    }
    Ok(out)
}

/// A cell as a number: numeric cells as they are, text in Vietnamese ("1.234,5") or English
/// ("1,234.5" / "1234.5") notation ([`parse_number`]). `Ok(None)` for an empty cell,
/// `Err(text)` for anything else.
fn number(cell: Option<&Data>, decimals: u8) -> Result<Option<f64>, String> {
    match cell {
        None | Some(Data::Empty) => Ok(None),
        Some(Data::Float(f)) if f.is_finite() => Ok(Some(*f)),
        Some(Data::Int(i)) => Ok(Some(*i as f64)),
        Some(Data::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Data::String(s)) => parse_number(s, decimals).map(Some).ok_or_else(|| s.clone()),
        Some(other) => Err(other.to_string()),
    }
}

/// The change of each month against the same month last year and the month before, by the
/// shared rule ([`change`]) and the indicator's kind: what the wall shows, in the export too.
pub fn month_changes(kind: ValueKind, months: &[MonthFigure]) -> Vec<(Option<f64>, Option<f64>)> {
    let at = |p: String| months.iter().find(|m| m.period == p).map(|m| m.value);
    months
        .iter()
        .map(|m| {
            let Some(d) = parse_period(&m.period) else {
                return (None, None);
            };
            let yoy = change(
                kind,
                Against::SameMonthLastYear,
                m.value,
                at(format_period(months_before(d, 12))),
            );
            let mom = change(
                kind,
                Against::PreviousMonth,
                m.value,
                at(format_period(months_before(d, 1))),
            );
            (yoy.map(|c| c.amount()), mom.map(|c| c.amount()))
        })
        .collect()
}

/// One indicator's months as a workbook (the chart page's export).
pub fn series_workbook(view: &SeriesView) -> anyhow::Result<Vec<u8>> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Chuoi so lieu")?;
    let bold = Format::new().set_bold();
    let heading = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color("#DDEBF7");
    let number = Format::new().set_num_format("#,##0.0##");
    let change_fmt = Format::new().set_num_format("+0.0;-0.0;0.0");
    sheet.write_string_with_format(
        0,
        0,
        format!(
            "{} ({}) — {}",
            view.indicator.name_vi, view.indicator.measure_vi, view.area_name_vi
        ),
        &bold,
    )?;
    // A rate changes in percentage points, everything else in percent.
    let (yoy_head, mom_head) = if view.indicator.value_kind == ValueKind::Rate {
        (
            "So cùng kỳ, điểm % (vs same month last year, pp)",
            "So tháng trước, điểm % (vs previous month, pp)",
        )
    } else {
        (
            "So cùng kỳ, % (vs same month last year, %)",
            "So tháng trước, % (vs previous month, %)",
        )
    };
    let headings = [
        "Kỳ (period)",
        "Giá trị tháng (value)",
        "Lũy kế (year to date)",
        yoy_head,
        mom_head,
        "Loại (kind)",
        "Cộng từ đơn vị cũ (rolled up)",
        "Chưa đủ đơn vị cũ (incomplete roll-up)",
        "Dữ liệu mẫu (demo)",
    ];
    for (col, h) in headings.iter().enumerate() {
        sheet.write_string_with_format(2, col as u16, *h, &heading)?;
    }
    for (col, width) in [12.0, 18.0, 18.0, 18.0, 18.0, 16.0, 16.0, 16.0, 12.0]
        .into_iter()
        .enumerate()
    {
        sheet.set_column_width(col as u16, width)?;
    }
    let changes = month_changes(view.indicator.value_kind, &view.months);
    for (i, (m, (yoy, mom))) in view.months.iter().zip(changes).enumerate() {
        let r = 3 + i as u32;
        sheet.write_string(r, 0, &m.period)?;
        sheet.write_number_with_format(r, 1, m.value, &number)?;
        if let Some(y) = m.ytd {
            sheet.write_number_with_format(r, 2, y, &number)?;
        }
        if let Some(c) = yoy {
            sheet.write_number_with_format(r, 3, c, &change_fmt)?;
        }
        if let Some(c) = mom {
            sheet.write_number_with_format(r, 4, c, &change_fmt)?;
        }
        sheet.write_string(
            r,
            5,
            if m.kind == FigureKind::Official {
                "chính thức"
            } else {
                "ước"
            },
        )?;
        sheet.write_string(r, 6, if m.rolled_up { "có" } else { "" })?;
        sheet.write_string(r, 7, if m.partial { "có" } else { "" })?;
        sheet.write_string(r, 8, if m.demo { "có" } else { "" })?;
    }
    sheet.set_freeze_panes(3, 1)?;
    sheet.autofilter(2, 0, 2 + view.months.len() as u32, 8)?;
    Ok(book.save_to_buffer()?)
}

/// The reports of a period as a workbook (the approvers' export).
pub fn submissions_workbook(rows: &[SubmissionSummary]) -> anyhow::Result<Vec<u8>> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Bao cao")?;
    let heading = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color("#DDEBF7");
    let headings = [
        "Đơn vị (unit)",
        "Kỳ (period)",
        "Trạng thái (status)",
        "Lần nộp (revision)",
        "Hạn nộp, chậm nhất ngày (submit by, inclusive)",
        "Tình trạng hạn (deadline status)",
        "Nộp lúc (submitted)",
        "Duyệt lúc (decided)",
        "Gửi lúc (sent)",
        "Đã nhập / yêu cầu (entered / expected)",
        "Hạn gửi Chính phủ, chậm nhất ngày (send to the Government by, inclusive)",
        "Trễ hạn gửi Chính phủ (late to the Government)",
    ];
    for (col, h) in headings.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *h, &heading)?;
    }
    for (col, width) in [
        40.0, 10.0, 14.0, 10.0, 16.0, 16.0, 20.0, 20.0, 20.0, 14.0, 20.0, 16.0,
    ]
    .into_iter()
    .enumerate()
    {
        sheet.set_column_width(col as u16, width)?;
    }
    let when = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map(|t| {
            t.with_timezone(&ioc_protocol::province_offset())
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
    };
    for (i, s) in rows.iter().enumerate() {
        let r = 1 + i as u32;
        sheet.write_string(r, 0, &s.unit_name_vi)?;
        sheet.write_string(r, 1, &s.period)?;
        sheet.write_string(r, 2, s.status.map_or("—", |x| x.as_str()))?;
        sheet.write_number(r, 3, f64::from(s.revision))?;
        sheet.write_string(r, 4, &s.deadline)?;
        sheet.write_string(r, 5, s.deadline_status.as_str())?;
        sheet.write_string(r, 6, when(s.submitted_at))?;
        sheet.write_string(r, 7, when(s.decided_at))?;
        sheet.write_string(r, 8, when(s.sent_at))?;
        sheet.write_string(r, 9, format!("{} / {}", s.entered, s.expected))?;
        sheet.write_string(r, 10, &s.send_deadline)?;
        sheet.write_string(r, 11, if s.late_to_government { "x" } else { "" })?;
    }
    sheet.set_freeze_panes(1, 1)?;
    Ok(book.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fig(period: &str, value: f64) -> MonthFigure {
        MonthFigure {
            period: period.into(),
            value,
            ytd: None,
            kind: FigureKind::Official,
            rolled_up: false,
            partial: false,
            demo: false,
        }
    }

    #[test]
    fn exported_changes_follow_the_kind_of_number() {
        let months = [
            fig("2025-10", 102.9),
            fig("2026-09", 103.0),
            fig("2026-10", 103.2),
        ];
        // CPI with the same period last year = 100: +3,2 % a year, no monthly change.
        let cpi = month_changes(ValueKind::IndexYoy, &months);
        assert!((cpi[2].0.unwrap() - 3.2).abs() < 1e-9);
        assert_eq!(cpi[2].1, None);
        // The same numbers as a flow: ratios.
        let flow = month_changes(ValueKind::Flow, &months);
        assert!((flow[2].0.unwrap() - (103.2 / 102.9 - 1.0) * 100.0).abs() < 1e-9);
        assert!((flow[2].1.unwrap() - (103.2 / 103.0 - 1.0) * 100.0).abs() < 1e-9);
        assert_eq!(flow[0], (None, None), "nothing to compare with");
        // A rate: points.
        let rate = month_changes(ValueKind::Rate, &months);
        assert!((rate[2].1.unwrap() - 0.2).abs() < 1e-9);
    }
}
