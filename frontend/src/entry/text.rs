//! Texts of the entry, approval and delivery screens and of the catalogue editor (the style and
//! the common words: [`crate::i18n`]).

use crate::i18n::{texts, Common};

texts! {
    pub enum EntryMsg {
        // Frame
        Area => "Số liệu kinh tế – xã hội", "Socio-economic figures";
        MyReports => "Báo cáo của tôi", "My reports";
        ApproveTitle => "Duyệt số liệu", "Approval";
        DeliveryTitle => "Gửi Hệ thống báo cáo Chính phủ", "Delivery to the Government system";
        Dossiers => "Hồ sơ TTHC", "Dossiers";
        Catalogue => Common::IndicatorCatalogue;
        OpenWall => Common::Wall;
        Loading => Common::Loading;
        NeedsScript => "Trang nhập liệu cần JavaScript; nếu trang vẫn trống, hãy tải lại.", "The entry form needs JavaScript; if it stays empty, reload the page.";
        // Statuses
        StatusNew => "Chưa nhập", "Not started";
        StatusDraft => "Đang nhập", "Draft";
        StatusSubmitted => "Chờ duyệt", "Awaiting approval";
        StatusReturned => "Bị trả lại", "Returned";
        StatusApproved => Common::Approved;
        StatusSent => "Đã gửi Chính phủ", "Sent to the Government";
        DueNotDue => "Chưa đến hạn", "Not due";
        DueSoon => "Sắp đến hạn", "Due soon";
        DueLate => "Quá hạn", "Late";
        DueSubmitted => "Đã nộp", "Submitted";
        DueApproved => Common::Approved;
        DueSent => "Đã gửi", "Sent";
        // Lists
        Period => "Kỳ báo cáo", "Period";
        PeriodMonth => Common::Month;
        CurrentPeriod => "Kỳ hiện tại", "Current period";
        EarlierPeriods => "Các kỳ trước", "Earlier periods";
        LoadEarlier => "Xem thêm các kỳ trước", "Show earlier periods";
        Unit => Common::Unit;
        Status => Common::Status;
        Deadline => "Hạn nộp (chậm nhất)", "Submit by (inclusive)";
        SendDeadline => "Hạn gửi Chính phủ (chậm nhất)", "Send to the Government by (inclusive)";
        LateToGovernment => Common::LateToGovernment;
        DeadlineStatus => "Tình trạng hạn", "Deadline status";
        Entered => "Đã nhập", "Entered";
        Revision => "Lần", "Revision";
        SubmittedAt => "Nộp lúc", "Submitted";
        Open => "Mở", "Open";
        OpenToEnter => "Nhập số liệu", "Enter figures";
        NoReports => "Chưa có báo cáo nào cho kỳ này", "No reports for this period";
        NoUnits => "Tài khoản của bạn chưa được giao đơn vị nào để nhập số liệu.", "Your account has no unit to enter figures for.";
        ReminderSoon => "Sắp đến hạn nộp", "Due soon";
        ReminderLate => "Đã quá hạn nộp", "Overdue";
        ReminderText => "báo cáo tháng", "report for";
        DueOn => Common::DueBy;
        LiveOn => "Trực tuyến", "Live";
        LiveOff => "Mất kết nối, đang thử lại…", "Disconnected, retrying…";
        // Entry form
        Estimate => Common::Estimate;
        Official => "Số chính thức", "Official";
        Indicator => "Chỉ tiêu", "Indicator";
        Measure => "Đơn vị tính", "Measure";
        ThisMonth => "Tháng này", "This month";
        PreviousMonth => "Tháng trước", "Previous month";
        SameMonthLastYear => "Cùng kỳ năm trước", "Same month last year";
        Ytd => "Lũy kế từ đầu năm", "Year to date";
        YtdBefore => "Lũy kế đến tháng trước", "Year to date before";
        YtdExpected => "Tháng này cộng lũy kế trước", "This month plus the year before";
        Note => "Giải trình", "Explanation";
        NoteHint => "Vì sao số liệu khác thường (bắt buộc khi có cảnh báo)", "Why the figure is unusual (required with a warning)";
        NoteNeeded => "Cần giải trình cho cảnh báo này", "This warning needs an explanation";
        NotANumber => "Không đọc được số; ví dụ: 1.234,5 hoặc 1234.5", "Not a number; e.g. 1.234,5 or 1234.5";
        ReadAs => "Đọc là", "Read as";
        Save => "Lưu nháp", "Save draft";
        Saved => "Đã lưu số liệu", "Figures saved";
        Submit => "Gửi duyệt", "Submit for approval";
        Submitted => "Đã nộp báo cáo", "Report submitted";
        NothingToSave => "Chưa nhập số liệu nào", "No figures entered";
        FixErrors => "Hãy sửa các ô được đánh dấu", "Fix the marked fields";
        FixFindings => "Số liệu chưa được lưu: xem các lưu ý bên cạnh từng ô.", "The figures were not saved: see the notes by each field.";
        AddNotes => "Số liệu có cảnh báo: hãy nhập giải trình ở các ô được đánh dấu rồi lưu lại.", "Some figures raise warnings: add an explanation to each marked field, then save again.";
        ReturnedBecause => "Báo cáo bị trả lại", "Report returned";
        EnteredBy => Common::EnteredBy;
        DecidedBy => "Người quyết định", "Decided by";
        ReadOnly => "Chỉ xem", "Read only";
        AcceptedWarning => "Cảnh báo đã giải trình", "Explained warning";
        Versions => "lần sửa", "edits";
        // History
        History => "Lịch sử nhập liệu", "Entry history";
        HistoryEmpty => "Chưa có lần nhập nào", "Nothing entered yet";
        Time => Common::Time;
        Kind => "Loại số", "Kind";
        Value => Common::Value;
        Source => "Nguồn", "Source";
        SourceForm => "Biểu mẫu", "Form";
        SourceExcel => "Tệp Excel", "Excel file";
        // Excel
        Excel => "Excel", "Excel";
        Template => "Tải mẫu Excel", "Download the Excel template";
        Import => "Nhập từ tệp Excel", "Import an Excel file";
        ImportHint => "Tệp theo mẫu; số liệu đi vào thẻ đang mở", "A file made from the template; figures go into the open tab";
        Imported => "Đã nhập số liệu từ tệp", "Figures imported from the file";
        ExportList => "Xuất Excel danh sách", "Export the list to Excel";
        // Approval
        Approve => "Duyệt", "Approve";
        Approved => "Đã duyệt báo cáo", "Report approved";
        Return => "Trả lại", "Return";
        ReturnComment => "Lý do trả lại", "Why it is returned";
        ReturnCommentHint => "Đơn vị sẽ thấy nội dung này", "The unit will see this";
        CommentRequired => "Hãy nhập lý do trả lại", "Write why it is returned";
        ReturnedDone => "Đã trả lại báo cáo", "Report returned";
        ShowPeriod => "Xem", "Show";
        BackToBoard => "Về bảng duyệt số liệu", "Back to the approval board";
        BackToList => "Về danh sách báo cáo", "Back to my reports";
        Summary => "Tổng hợp", "Summary";
        Late => "quá hạn", "late";
        Waiting => "chờ duyệt", "awaiting approval";
        ApprovedCount => "đã duyệt", "approved";
        // Delivery
        NotConfigured => "Chưa cấu hình địa chỉ Hệ thống báo cáo Chính phủ: các gói tin được giữ trong hàng đợi và sẽ gửi khi có cấu hình.", "No Government reporting system endpoint is configured: messages wait in the queue and go out once it is.";
        Endpoint => "Địa chỉ nhận", "Endpoint";
        Pending => "Đang chờ gửi", "Pending";
        Delivered => "Đã gửi thành công", "Delivered";
        Failed => "Gửi lỗi", "Failed";
        AllStatuses => "Mọi trạng thái", "All statuses";
        Attempts => "Số lần gửi", "Attempts";
        LastError => "Lỗi gần nhất", "Last error";
        Receipt => "Mã tiếp nhận", "Receipt";
        NextAttempt => "Gửi lại lúc", "Next attempt";
        Created => "Tạo lúc", "Created";
        Message => "Gói tin", "Message";
        Retry => "Gửi lại", "Retry";
        RetryQueued => "Đã xếp lịch gửi lại", "Retry scheduled";
        Refresh => "Làm mới", "Refresh";
        NoDeliveries => "Chưa có gói tin nào", "No messages yet";
        Filter => Common::Filter;
        // Deadline rules (catalogue page)
        RulesTitle => "Hạn nộp và hạn gửi", "Deadlines";
        RulesExplain => "Đơn vị nộp chậm nhất ngày N của tháng sau (ngày N vẫn trong hạn); tỉnh gửi Chính phủ trước ngày M, tức chậm nhất ngày M − 1 (Công văn 6758/UBND-KSTT: chậm nhất ngày 02, trước ngày 03). Hạn rơi vào ngày nghỉ thì kết thúc vào ngày làm việc tiếp theo (Bộ luật Dân sự 2015, Điều 148). Khi tính theo ngày làm việc, thứ Bảy, Chủ nhật, ngày lễ, Tết và ngày nghỉ hoán đổi không được tính; thứ Bảy làm bù được tính (xem Lịch làm việc).", "Units submit by day N of the next month (day N included); the province sends to the Government before day M, i.e. by day M − 1 (letter 6758/UBND-KSTT: by the 2nd, before the 3rd). A deadline that falls on a day off ends on the next working day (Civil Code 2015, art. 148). Counted in working days, Saturdays, Sundays, holidays, Tết and swap days off are skipped; a working Saturday counts (see the working calendar).";
        SubmitDay => "Hạn nộp (ngày)", "Submit by (day)";
        SendDay => "Hạn gửi (ngày)", "Send by (day)";
        WorkingDays => "Tính theo ngày làm việc", "Count working days";
        SubmitBefore => "Nộp “trước ngày N” (ngày N đã trễ)", "Submit “before day N” (day N is late)";
        SendBefore => "Gửi “trước ngày M” (ngày M đã trễ)", "Send “before day M” (day M is late)";
        DueSoonDays => "Nhắc trước (ngày làm việc)", "Remind ahead (working days)";
        RulesSaved => "Đã lưu hạn", "Deadlines saved";
        // History import (catalogue page)
        HistoryTitle => "Nhập số liệu lịch sử", "Import history";
        HistoryExplain => "Tệp CSV hoặc Excel với các cột indicator, area, period (YYYY-MM), value và tùy chọn kind (official/estimate), ytd — số liệu đã công bố từ 01/2019, kể cả của đơn vị hành chính cũ. Nhập lại cùng một tệp không thay đổi gì.", "A CSV or Excel file with the columns indicator, area, period (YYYY-MM), value and optionally kind (official/estimate), ytd — published figures since 01/2019, former administrative units included. Importing the same file again changes nothing.";
        HistoryChoose => "Chọn tệp CSV/Excel", "Choose a CSV/Excel file";
        HistoryDone => "Đã nhập", "Imported";
        HistoryRows => "dòng", "rows";
        HistoryUnchanged => "không đổi", "unchanged";
        // Catalogue editor
        CatalogueExplain => "Các chỉ tiêu mà sở, ngành nhập hằng tháng: tên, đơn vị tính, cách cộng dồn, đơn vị chịu trách nhiệm và các ngưỡng kiểm tra khi nhập.", "The indicators departments enter each month: names, measure, how months add up, the responsible unit and the checks applied on entry.";
        Code => Common::Code;
        Name => Common::Name;
        NameVi => Common::NameVi;
        NameEn => Common::NameEn;
        MeasureVi => "Đơn vị tính (tiếng Việt)", "Measure (Vietnamese)";
        MeasureEn => "Đơn vị tính (tiếng Anh)", "Measure (English)";
        Decimals => "Số chữ số thập phân", "Decimals";
        Aggregation => "Cách tính lũy kế", "Year-to-date rule";
        AggSum => "Cộng các tháng", "Sum of months";
        AggAverage => "Bình quân các tháng", "Average of months";
        AggLast => "Số tháng gần nhất", "Latest month";
        AggRate => "Chỉ số do nguồn báo cáo", "Index reported by the source";
        Cumulative => "Cộng dồn theo tháng", "Months add up";
        ValueKind => "Loại số liệu", "Kind of number";
        KindLevel => "Số tuyệt đối cuối kỳ (tồn)", "Level at the end of the month";
        KindFlow => "Số phát sinh trong tháng", "Amount over the month";
        KindIndexYoy => "Chỉ số, cùng kỳ năm trước = 100", "Index, same period last year = 100";
        KindIndexMom => "Chỉ số, tháng trước = 100", "Index, previous month = 100";
        KindIndexBase => "Chỉ số, năm gốc = 100", "Index, base year = 100";
        KindRate => "Tỷ lệ (%)", "Rate (%)";
        Disbursement => "Kế hoạch là vốn giao (hiện tỷ lệ giải ngân)", "Target is a budget plan (show disbursement)";
        OwnerUnit => "Đơn vị báo cáo", "Reporting unit";
        HigherIsBetter => "Càng cao càng tốt", "Higher is better";
        Checks => "Ngưỡng kiểm tra", "Checks";
        MinValue => "Nhỏ nhất (lỗi)", "Minimum (error)";
        MaxValue => "Lớn nhất (lỗi)", "Maximum (error)";
        WarnLow => "Cảnh báo dưới", "Warn below";
        WarnHigh => "Cảnh báo trên", "Warn above";
        JumpPct => "Cảnh báo khi thay đổi quá (%)", "Warn on a change above (%)";
        AnnualTarget => "Kế hoạch năm", "Annual target";
        Active => "Đang dùng", "Active";
        Inactive => "Ngừng dùng", "Inactive";
        OnWall => "Hiện trên màn hình giám sát", "On the monitoring wall";
        SortOrder => "Thứ tự", "Order";
        Edit => Common::Edit;
        Cancel => Common::Cancel;
        SaveIndicator => Common::Save;
        IndicatorSaved => "Đã lưu chỉ tiêu", "Indicator saved";
        BlankClears => "Để trống: không kiểm tra", "Blank: no check";
        BadNumberField => "Có ô số không hợp lệ", "A number field is not valid";
        NoIndicators => "Chưa có chỉ tiêu nào", "No indicators yet";
        Group => "Nhóm", "Group";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ioc_protocol::i18n::Lang;

    #[test]
    fn both_languages_are_there_and_differ_where_words_do() {
        for m in [
            EntryMsg::Area,
            EntryMsg::NotConfigured,
            EntryMsg::AddNotes,
            EntryMsg::Approve,
        ] {
            assert!(!m.vi().is_empty() && !m.en().is_empty());
            assert_ne!(m.vi(), m.en(), "{m:?}");
        }
        assert_eq!(EntryMsg::Estimate.get(Lang::Vi), "Số ước tính");
        assert_eq!(EntryMsg::Estimate.get(Lang::En), "Estimate");
    }
}
