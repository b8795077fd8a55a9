//! The 766 ranking as an Excel workbook (rust_xlsxwriter), Vietnamese headers.

use ioc_protocol::RankRow;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::index::IndexPeriod;

const GROUPS: [&str; 6] = [
    "Công khai, minh bạch (18)",
    "Tiến độ giải quyết (20)",
    "Dịch vụ công trực tuyến (12)",
    "Số hóa hồ sơ (22)",
    "Thanh toán trực tuyến (10)",
    "Mức độ hài lòng (18)",
];

pub fn ranking_xlsx(period: IndexPeriod, rows: &[RankRow]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Chỉ số 766")?;
    let bold = Format::new().set_bold();
    let points = Format::new().set_num_format("0.00");
    sheet.write_string_with_format(
        0,
        0,
        format!(
            "Bộ chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg) — kỳ {} từ {} đến {}",
            period.kind.as_str(),
            period.start.format("%d/%m/%Y"),
            period.end.format("%d/%m/%Y")
        ),
        &bold,
    )?;
    let headers = ["Hạng", "Mã đơn vị", "Đơn vị", "Tổng điểm (100)"];
    for (c, h) in headers.iter().chain(GROUPS.iter()).enumerate() {
        sheet.write_string_with_format(2, c as u16, *h, &bold)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = 3 + i as u32;
        sheet.write_number(row, 0, r.rank as f64)?;
        sheet.write_string(row, 1, &r.unit)?;
        sheet.write_string(row, 2, &r.name_vi)?;
        sheet.write_number_with_format(row, 3, r.total, &points)?;
        for (g, p) in r.groups.iter().enumerate() {
            sheet.write_number_with_format(row, 4 + g as u16, *p, &points)?;
        }
    }
    sheet.set_column_width(2, 40)?;
    book.save_to_buffer()
}
