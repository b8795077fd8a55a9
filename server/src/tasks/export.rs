//! A task list as an Excel workbook (rust_xlsxwriter), Vietnamese headers: what the Office
//! prints for the leaders' meeting.

use chrono::Datelike;
use ioc_protocol::{TaskStatus, TaskView};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

/// The status as the Office writes it.
pub fn status_vi(s: TaskStatus) -> &'static str {
    match s {
        TaskStatus::Overdue => "Quá hạn",
        TaskStatus::DueSoon => "Sắp đến hạn",
        TaskStatus::OnTrack => "Trong hạn",
        TaskStatus::Ongoing => "Thường xuyên",
        TaskStatus::DoneLate => "Hoàn thành quá hạn",
        TaskStatus::DoneOnTime => "Hoàn thành đúng hạn",
    }
}

const HEADINGS: [&str; 12] = [
    "STT",
    "Văn bản",
    "Cơ quan ban hành",
    "Đơn vị chủ trì",
    "Chủ trì (theo văn bản)",
    "Đơn vị phối hợp",
    "Nội dung nhiệm vụ",
    "Thời hạn (theo văn bản)",
    "Kỳ",
    "Hạn",
    "Trạng thái",
    "Ngày làm việc còn lại (âm: quá hạn)",
];

pub fn tasks_xlsx(title: &str, tasks: &[TaskView]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Nhiệm vụ")?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    sheet.write_string_with_format(0, 0, title, &bold)?;
    for (c, h) in HEADINGS.iter().enumerate() {
        sheet.write_string_with_format(2, c as u16, *h, &bold)?;
    }
    for (i, t) in tasks.iter().enumerate() {
        let row = 3 + i as u32;
        let letter = match t.directive.issued_on {
            Some(d) => format!("{} ngày {}", t.directive.number, d.format("%d/%m/%Y")),
            None => t.directive.number.clone(),
        };
        let cooperators: Vec<&str> = t.cooperators.iter().map(|c| c.name_vi.as_str()).collect();
        sheet.write_number(row, 0, (i + 1) as f64)?;
        sheet.write_string(row, 1, letter.trim())?;
        sheet.write_string(row, 2, &t.directive.issuer)?;
        sheet.write_string(row, 3, &t.owner.name_vi)?;
        sheet.write_string(row, 4, &t.owner_as_written)?;
        sheet.write_string(row, 5, cooperators.join("; "))?;
        sheet.write_string_with_format(row, 6, &t.content, &wrap)?;
        sheet.write_string(row, 7, &t.deadline)?;
        sheet.write_string(row, 8, t.period_label_vi.as_deref().unwrap_or(""))?;
        if let Some(due) = t.due_on {
            let day =
                ExcelDateTime::from_ymd(due.year() as u16, due.month() as u8, due.day() as u8)?;
            sheet.write_datetime_with_format(row, 9, day, &date)?;
        }
        sheet.write_string(row, 10, status_vi(t.status))?;
        if t.due_on.is_some() && !t.status.is_done() {
            sheet.write_number(row, 11, t.working_days_left as f64)?;
        }
    }
    sheet.set_column_width(3, 30)?;
    sheet.set_column_width(6, 60)?;
    sheet.set_column_width(7, 30)?;
    book.save_to_buffer()
}
