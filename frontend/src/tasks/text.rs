//! Texts of the task pages (the style: [`crate::i18n`]).

use crate::i18n::texts;

texts! {
    pub enum TaskMsg {
        Title => "Nhiệm vụ chậm, ai chịu trách nhiệm", "What is late and who owns it";
        Subtitle => "Nhiệm vụ theo văn bản chỉ đạo", "Tasks from directives";
        Overdue => "Quá hạn", "Overdue";
        DueSoon => "Sắp đến hạn", "Due soon";
        Owners => "Đơn vị chủ trì", "Owning units";
        OverdueBy => "Quá hạn {n} ngày làm việc", "{n} working days late";
        DueToday => "Đến hạn hôm nay", "Due today";
        DaysLeft => "Còn {n} ngày làm việc", "{n} working days left";
        Due => "hạn", "due";
        AsWritten => "văn bản giao", "the letter names";
        Extended => "đã gia hạn", "extended";
        ExtensionPending => "đang xin gia hạn", "extension requested";
        Nothing => "Không có nhiệm vụ quá hạn hay sắp đến hạn", "No task is overdue or due soon";
        More => "và {n} nhiệm vụ khác", "and {n} more";
        ReportsLate => "Báo cáo quá hạn chưa gửi", "Reports past their deadline";
        ReportsMore => "và {n} báo cáo khác", "and {n} more reports";
        Records => "Kết quả báo cáo năm {y}", "Reporting record {y}";
        RecordUnit => "Đơn vị", "Unit";
        RecordDue => "Phải gửi", "Due";
        RecordOnTime => "Đúng hạn", "On time";
        RecordLate => "Trễ hạn", "Late";
        RecordMissing => "Chưa gửi", "Missing";
    }
}
