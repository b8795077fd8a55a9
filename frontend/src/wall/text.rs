//! Texts of the wall and the indicator page (the style and the common words: [`crate::i18n`]).
//! Texts shared with the server (title, connection state, language switch) stay in `Msg`.

use crate::i18n::{texts, Common};
use ioc_protocol::i18n::Lang;
use ioc_protocol::{DeadlineStatus, SubmissionStatus};

texts! {
    pub enum WallMsg {
        HotIssues => "Vấn đề nổi bật", "Hot issues";
        /// The link to the dossier wall (`/wall/dossiers`).
        DossiersLink => "Hồ sơ TTHC", "Dossiers";
        NoHotIssues => "Không có vấn đề cần lưu ý", "Nothing needs attention";
        EstimateShort => "ước", "est.";
        EstimateLong => Common::Estimate;
        Official => "Chính thức", "Official";
        VsLastYear => "so cùng kỳ", "vs last year";
        VsLastMonth => "so tháng trước", "vs last month";
        YtdOfPlan => "Lũy kế đạt", "Year to date";
        LevelOfPlan => "So kế hoạch", "Against plan";
        Pace => "tiến độ", "pace";
        BehindTarget => "Chậm so kế hoạch", "Behind plan";
        BelowWarn => "Dưới ngưỡng cảnh báo", "Below warning level";
        AboveWarn => "Vượt ngưỡng cảnh báo", "Above warning level";
        LateUnit => "Chậm nộp báo cáo", "Report overdue";
        LateToGovernment => Common::LateToGovernment;
        NotSent => "báo cáo chưa gửi", "reports not sent";
        SendDeadline => "hạn gửi chậm nhất", "to be sent by";
        Deadline => Common::DueBy;
        DeadlineCol => "Hạn nộp (chậm nhất)", "Due by (inclusive)";
        OpenChart => "Xem chi tiết", "Details";
        Threshold => "ngưỡng", "threshold";
        // Indicator page
        MonthView => "Theo tháng", "Monthly";
        YtdView => "Lũy kế", "Year to date";
        Range1y => "1 năm", "1 year";
        Range5y => "5 năm", "5 years";
        RangeAll => "Từ 2019", "Since 2019";
        AnnualTarget => "Kế hoạch năm", "Annual plan";
        ExportExcel => "Tải Excel", "Download Excel";
        UnitsOfMonth => "Đơn vị báo cáo", "Reporting units";
        PickMonth => Common::Month;
        Loading => Common::Loading;
        LoadFailed => "Không tải được số liệu", "The figures could not be loaded";
        NoSubmissions => "Chưa có đơn vị nào báo cáo chỉ tiêu này trong tháng", "No unit has reported this indicator for the month";
        Unit => Common::Unit;
        Status => Common::Status;
        EnteredBy => Common::EnteredBy;
        EnteredAt => "Thời điểm", "Entered at";
        Revision => "Lần", "Rev.";
        Note => "Ghi chú", "Note";
        RolledUp => "cộng từ đơn vị cũ", "rolled up from former units";
        Value => Common::Value;
        Ytd => "Lũy kế", "Year to date";
        Legend => "Cột nhạt viền đứt: số ước tính; cột tím: cộng từ các đơn vị hành chính cũ (viền chấm: chưa đủ đơn vị)", "Pale dashed bars: estimates; violet bars: rolled up from former units (dotted edge: incomplete)";
        ChartHint => "Chọn một cột để xem các đơn vị báo cáo tháng đó", "Pick a bar to see the units that reported that month";
        // Reading a number by its kind (issue 10)
        /// Unit of a change of a rate: percentage points.
        Points => "điểm %", "pp";
        /// "CPI bình quân" and the like: the reported year to date of an index against last year.
        YtdVsLastYear => "bình quân từ đầu năm so cùng kỳ", "year to date vs last year";
        /// Public investment: year to date against the year's plan.
        Disbursed => "Giải ngân", "Disbursed";
        OfPlan => "kế hoạch", "of plan";
        /// A target of an index relative to last year, as a change to stay under / reach.
        TargetAtMost => "Mục tiêu: không quá", "Target: at most";
        TargetAtLeast => "Mục tiêu: đạt", "Target: at least";
        /// A rolled-up month that misses some of the former units.
        Partial => "chưa đủ đơn vị", "incomplete";
        PartialLong => "Cộng từ đơn vị cũ nhưng thiếu số liệu của một số đơn vị: thấp hơn thực tế", "Rolled up from former units, some of which sent nothing: below the real total";
        /// The chart's third mode: the change against the same month last year.
        YoyView => "So cùng kỳ (%)", "Vs last year (%)";
        // A report's workflow and deadline states
        ReportNotSubmitted => "Chưa nộp", "Not submitted";
        ReportSubmitted => "Đã nộp, chờ duyệt", "Submitted";
        ReportReturned => "Bị trả lại", "Returned";
        ReportApproved => Common::Approved;
        ReportSent => "Đã gửi Chính phủ", "Sent to the Government";
        DueNotDue => "Chưa đến hạn", "Not due";
        DueSoon => "Sắp đến hạn", "Due soon";
        DueLate => "Quá hạn", "Overdue";
        DueSubmitted => "Đã nộp", "Submitted";
        DueApproved => Common::Approved;
        DueSent => "Đã gửi", "Sent";
    }
}

/// A report's workflow state in words.
pub fn submission_status(s: Option<SubmissionStatus>, lang: Lang) -> &'static str {
    match s {
        None | Some(SubmissionStatus::Draft) => WallMsg::ReportNotSubmitted,
        Some(SubmissionStatus::Submitted) => WallMsg::ReportSubmitted,
        Some(SubmissionStatus::Returned) => WallMsg::ReportReturned,
        Some(SubmissionStatus::Approved) => WallMsg::ReportApproved,
        Some(SubmissionStatus::Sent) => WallMsg::ReportSent,
    }
    .get(lang)
}

/// A report's deadline state in words.
pub fn deadline_status(s: DeadlineStatus, lang: Lang) -> &'static str {
    match s {
        DeadlineStatus::NotDue => WallMsg::DueNotDue,
        DeadlineStatus::DueSoon => WallMsg::DueSoon,
        DeadlineStatus::Late => WallMsg::DueLate,
        DeadlineStatus::Submitted => WallMsg::DueSubmitted,
        DeadlineStatus::Approved => WallMsg::DueApproved,
        DeadlineStatus::Sent => WallMsg::DueSent,
    }
    .get(lang)
}

/// `YYYY-MM-DD` as the language writes a date ("04/11/2026"; ISO stays ISO in English).
pub fn date_label(iso: &str, lang: Lang) -> String {
    match (lang, iso.split('-').collect::<Vec<_>>().as_slice()) {
        (Lang::Vi, [y, m, d]) => format!("{d}/{m}/{y}"),
        _ => iso.to_string(),
    }
}
