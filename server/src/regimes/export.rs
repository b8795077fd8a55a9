//! A regime period's summary as an Excel workbook: one row per reporting unit (status, when it
//! was handed in, late or not, the document's name and checksum, every figure of the form) and
//! the totals — what the receiving unit files and forwards.

use ioc_protocol::{RegimeSummary, SubmissionStatus, UnitLateReports, UnitRecord};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

fn status_vi(s: SubmissionStatus) -> &'static str {
    match s {
        SubmissionStatus::Draft => "Chưa gửi",
        SubmissionStatus::Submitted => "Đã gửi, chờ duyệt",
        SubmissionStatus::Returned => "Bị trả lại",
        SubmissionStatus::Approved => "Đã duyệt",
        SubmissionStatus::Sent => "Đã chuyển",
    }
}

pub fn summary_xlsx(s: &RegimeSummary) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Tổng hợp")?;
    let bold = Format::new().set_bold();
    sheet.write_string_with_format(0, 0, &s.regime.name, &bold)?;
    sheet.write_string(
        1,
        0,
        format!(
            "{} — hạn {} — đã gửi {}/{} — trễ hạn {}",
            s.period_label_vi,
            s.deadline.format("%d/%m/%Y"),
            s.submitted,
            s.rows.len(),
            s.late
        ),
    )?;
    let fixed = [
        "STT",
        "Đơn vị",
        "Trạng thái",
        "Ngày gửi",
        "Trễ hạn",
        "Tệp báo cáo",
        "SHA-256",
    ];
    let fields = &s.regime.form_fields;
    for (c, h) in fixed
        .iter()
        .map(|h| h.to_string())
        .chain(fields.iter().map(|f| match f.unit.as_str() {
            "" => f.label_vi.clone(),
            u => format!("{} ({u})", f.label_vi),
        }))
        .enumerate()
    {
        sheet.write_string_with_format(3, c as u16, h, &bold)?;
    }
    let first_field = fixed.len() as u16;
    for (i, r) in s.rows.iter().enumerate() {
        let row = 4 + i as u32;
        sheet.write_number(row, 0, (i + 1) as f64)?;
        sheet.write_string(row, 1, &r.unit_name)?;
        sheet.write_string(row, 2, status_vi(r.status))?;
        if let Some(at) = r.first_submitted_at {
            let local = at.naive_utc() + crate::dossiers::UTC_OFFSET;
            sheet.write_string(row, 3, local.format("%d/%m/%Y %H:%M").to_string())?;
        }
        sheet.write_string(row, 4, if r.late { "Trễ hạn" } else { "" })?;
        if let Some(d) = &r.document {
            sheet.write_string(row, 5, &d.file_name)?;
            sheet.write_string(row, 6, &d.sha256)?;
        }
        for (j, f) in fields.iter().enumerate() {
            if let Some(v) = r.figures.iter().find(|v| v.code == f.code) {
                sheet.write_number(row, first_field + j as u16, v.value)?;
            }
        }
    }
    let total_row = 4 + s.rows.len() as u32;
    sheet.write_string_with_format(total_row, 1, "Tổng cộng (đơn vị đã gửi)", &bold)?;
    for (j, f) in fields.iter().enumerate() {
        if let Some(v) = s.totals.iter().find(|v| v.code == f.code) {
            sheet.write_number_with_format(total_row, first_field + j as u16, v.value, &bold)?;
        }
    }
    sheet.set_column_width(1, 40)?;
    sheet.set_column_width(5, 30)?;
    book.save_to_buffer()
}

/// The units' records over a year.
pub fn records_xlsx(year: i32, records: &[UnitRecord]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Kết quả báo cáo")?;
    let bold = Format::new().set_bold();
    sheet.write_string_with_format(
        0,
        0,
        format!("Kết quả thực hiện chế độ báo cáo năm {year}"),
        &bold,
    )?;
    for (c, h) in [
        "STT",
        "Đơn vị",
        "Phải gửi",
        "Đúng hạn",
        "Trễ hạn",
        "Chưa gửi",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string_with_format(2, c as u16, *h, &bold)?;
    }
    for (i, r) in records.iter().enumerate() {
        let row = 3 + i as u32;
        sheet.write_number(row, 0, (i + 1) as f64)?;
        sheet.write_string(row, 1, &r.unit_name)?;
        for (c, v) in [r.due, r.on_time, r.late, r.missing]
            .into_iter()
            .enumerate()
        {
            sheet.write_number(row, 2 + c as u16, f64::from(v))?;
        }
    }
    sheet.set_column_width(1, 45)?;
    book.save_to_buffer()
}

/// The reports past their deadline and not handed in, one row each.
pub fn late_xlsx(late: &[UnitLateReports]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Báo cáo quá hạn")?;
    let bold = Format::new().set_bold();
    sheet.write_string_with_format(0, 0, "Báo cáo quá hạn chưa gửi", &bold)?;
    for (c, h) in ["STT", "Đơn vị", "Chế độ báo cáo", "Kỳ", "Hạn"]
        .iter()
        .enumerate()
    {
        sheet.write_string_with_format(2, c as u16, *h, &bold)?;
    }
    let rows = late
        .iter()
        .flat_map(|u| u.reports.iter().map(move |r| (u, r)));
    for (i, (u, r)) in rows.enumerate() {
        let row = 3 + i as u32;
        sheet.write_number(row, 0, (i + 1) as f64)?;
        sheet.write_string(row, 1, &u.unit.name_vi)?;
        sheet.write_string(row, 2, &r.regime)?;
        sheet.write_string(row, 3, &r.period_label_vi)?;
        sheet.write_string(row, 4, r.deadline.format("%d/%m/%Y").to_string())?;
    }
    sheet.set_column_width(1, 40)?;
    sheet.set_column_width(2, 60)?;
    book.save_to_buffer()
}
