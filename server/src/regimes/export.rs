//! A regime period's summary as an Excel workbook: one row per reporting unit (status, when it
//! was handed in, late or not, the document's name and checksum, every figure of the form) and
//! the totals — what the receiving unit files and forwards.

use ioc_protocol::{RegimeSummary, SubmissionStatus};
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
