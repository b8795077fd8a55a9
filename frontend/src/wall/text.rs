//! Texts of the wall and the indicator page, in the pattern of [`ioc_protocol::i18n::Msg`]: one variant
//! per text, Vietnamese and English side by side, so a missing translation is a compile error.
//! Texts shared with other pages (title, connection state, language switch) stay in `Msg`.

use ioc_protocol::i18n::Lang;
use ioc_protocol::{DeadlineStatus, SubmissionStatus};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WallMsg {
    HotIssues,
    NoHotIssues,
    EstimateShort,
    EstimateLong,
    Official,
    VsLastYear,
    VsLastMonth,
    YtdOfPlan,
    LevelOfPlan,
    Pace,
    BehindTarget,
    BelowWarn,
    AboveWarn,
    LateUnit,
    LateToGovernment,
    NotSent,
    SendDeadline,
    Deadline,
    DeadlineCol,
    OpenChart,
    Threshold,
    // Indicator page
    MonthView,
    YtdView,
    Range1y,
    Range5y,
    RangeAll,
    AnnualTarget,
    ExportExcel,
    UnitsOfMonth,
    PickMonth,
    Loading,
    LoadFailed,
    NoSubmissions,
    Unit,
    Status,
    EnteredBy,
    EnteredAt,
    Revision,
    Note,
    RolledUp,
    Value,
    Ytd,
    Legend,
    ChartHint,
    // Reading a number by its kind (issue 10)
    /// Unit of a change of a rate: percentage points.
    Points,
    /// "CPI bình quân" and the like: the reported year to date of an index against last year.
    YtdVsLastYear,
    /// Public investment: year to date against the year's plan.
    Disbursed,
    OfPlan,
    /// A target of an index relative to last year, as a change to stay under / reach.
    TargetAtMost,
    TargetAtLeast,
    /// A rolled-up month that misses some of the former units.
    Partial,
    PartialLong,
    /// The chart's third mode: the change against the same month last year.
    YoyView,
}

impl WallMsg {
    pub fn vi(self) -> &'static str {
        use WallMsg::*;
        match self {
            HotIssues => "Vấn đề nổi bật",
            NoHotIssues => "Không có vấn đề cần lưu ý",
            EstimateShort => "ước",
            EstimateLong => "Số ước tính",
            Official => "Chính thức",
            VsLastYear => "so cùng kỳ",
            VsLastMonth => "so tháng trước",
            YtdOfPlan => "Lũy kế đạt",
            LevelOfPlan => "So kế hoạch",
            Pace => "tiến độ",
            BehindTarget => "Chậm so kế hoạch",
            BelowWarn => "Dưới ngưỡng cảnh báo",
            AboveWarn => "Vượt ngưỡng cảnh báo",
            LateUnit => "Chậm nộp báo cáo",
            LateToGovernment => "Trễ hạn gửi Chính phủ",
            NotSent => "báo cáo chưa gửi",
            SendDeadline => "hạn gửi chậm nhất",
            Deadline => "hạn chậm nhất",
            DeadlineCol => "Hạn nộp (chậm nhất)",
            OpenChart => "Xem chi tiết",
            Threshold => "ngưỡng",
            MonthView => "Theo tháng",
            YtdView => "Lũy kế",
            Range1y => "1 năm",
            Range5y => "5 năm",
            RangeAll => "Từ 2019",
            AnnualTarget => "Kế hoạch năm",
            ExportExcel => "Tải Excel",
            UnitsOfMonth => "Đơn vị báo cáo",
            PickMonth => "Tháng",
            Loading => "Đang tải…",
            LoadFailed => "Không tải được số liệu",
            NoSubmissions => "Chưa có đơn vị nào báo cáo chỉ tiêu này trong tháng",
            Unit => "Đơn vị",
            Status => "Trạng thái",
            EnteredBy => "Người nhập",
            EnteredAt => "Thời điểm",
            Revision => "Lần",
            Note => "Ghi chú",
            RolledUp => "cộng từ đơn vị cũ",
            Value => "Giá trị",
            Ytd => "Lũy kế",
            Legend => "Cột nhạt viền đứt: số ước tính; cột tím: cộng từ các đơn vị hành chính cũ (viền chấm: chưa đủ đơn vị)",
            ChartHint => "Chọn một cột để xem các đơn vị báo cáo tháng đó",
            Points => "điểm %",
            YtdVsLastYear => "bình quân từ đầu năm so cùng kỳ",
            Disbursed => "Giải ngân",
            OfPlan => "kế hoạch",
            TargetAtMost => "Mục tiêu: không quá",
            TargetAtLeast => "Mục tiêu: đạt",
            Partial => "chưa đủ đơn vị",
            PartialLong => "Cộng từ đơn vị cũ nhưng thiếu số liệu của một số đơn vị: thấp hơn thực tế",
            YoyView => "So cùng kỳ (%)",
        }
    }

    pub fn en(self) -> &'static str {
        use WallMsg::*;
        match self {
            HotIssues => "Hot issues",
            NoHotIssues => "Nothing needs attention",
            EstimateShort => "est.",
            EstimateLong => "Estimate",
            Official => "Official",
            VsLastYear => "vs last year",
            VsLastMonth => "vs last month",
            YtdOfPlan => "Year to date",
            LevelOfPlan => "Against plan",
            Pace => "pace",
            BehindTarget => "Behind plan",
            BelowWarn => "Below warning level",
            AboveWarn => "Above warning level",
            LateUnit => "Report overdue",
            LateToGovernment => "Late to the Government",
            NotSent => "reports not sent",
            SendDeadline => "to be sent by",
            Deadline => "due by",
            DeadlineCol => "Due by (inclusive)",
            OpenChart => "Details",
            Threshold => "threshold",
            MonthView => "Monthly",
            YtdView => "Year to date",
            Range1y => "1 year",
            Range5y => "5 years",
            RangeAll => "Since 2019",
            AnnualTarget => "Annual plan",
            ExportExcel => "Download Excel",
            UnitsOfMonth => "Reporting units",
            PickMonth => "Month",
            Loading => "Loading…",
            LoadFailed => "The figures could not be loaded",
            NoSubmissions => "No unit has reported this indicator for the month",
            Unit => "Unit",
            Status => "Status",
            EnteredBy => "Entered by",
            EnteredAt => "Entered at",
            Revision => "Rev.",
            Note => "Note",
            RolledUp => "rolled up from former units",
            Value => "Value",
            Ytd => "Year to date",
            Legend => "Pale dashed bars: estimates; violet bars: rolled up from former units (dotted edge: incomplete)",
            ChartHint => "Pick a bar to see the units that reported that month",
            Points => "pp",
            YtdVsLastYear => "year to date vs last year",
            Disbursed => "Disbursed",
            OfPlan => "of plan",
            TargetAtMost => "Target: at most",
            TargetAtLeast => "Target: at least",
            Partial => "incomplete",
            PartialLong => "Rolled up from former units, some of which sent nothing: below the real total",
            YoyView => "Vs last year (%)",
        }
    }

    pub fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Vi => self.vi(),
            Lang::En => self.en(),
        }
    }
}

/// A report's workflow state in words.
pub fn submission_status(s: Option<SubmissionStatus>, lang: Lang) -> &'static str {
    let (vi, en) = match s {
        None | Some(SubmissionStatus::Draft) => ("Chưa nộp", "Not submitted"),
        Some(SubmissionStatus::Submitted) => ("Đã nộp, chờ duyệt", "Submitted"),
        Some(SubmissionStatus::Returned) => ("Bị trả lại", "Returned"),
        Some(SubmissionStatus::Approved) => ("Đã duyệt", "Approved"),
        Some(SubmissionStatus::Sent) => ("Đã gửi Chính phủ", "Sent to the Government"),
    };
    if lang == Lang::En {
        en
    } else {
        vi
    }
}

/// A report's deadline state in words.
pub fn deadline_status(s: DeadlineStatus, lang: Lang) -> &'static str {
    let (vi, en) = match s {
        DeadlineStatus::NotDue => ("Chưa đến hạn", "Not due"),
        DeadlineStatus::DueSoon => ("Sắp đến hạn", "Due soon"),
        DeadlineStatus::Late => ("Quá hạn", "Overdue"),
        DeadlineStatus::Submitted => ("Đã nộp", "Submitted"),
        DeadlineStatus::Approved => ("Đã duyệt", "Approved"),
        DeadlineStatus::Sent => ("Đã gửi", "Sent"),
    };
    if lang == Lang::En {
        en
    } else {
        vi
    }
}

/// `YYYY-MM-DD` as the language writes a date ("04/11/2026"; ISO stays ISO in English).
pub fn date_label(iso: &str, lang: Lang) -> String {
    match (lang, iso.split('-').collect::<Vec<_>>().as_slice()) {
        (Lang::Vi, [y, m, d]) => format!("{d}/{m}/{y}"),
        _ => iso.to_string(),
    }
}
