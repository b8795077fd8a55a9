//! Texts of the dossier wall and its drill-down (the style: [`crate::i18n`]).

use crate::i18n::{texts, Common};
use ioc_protocol::i18n::Lang;
use ioc_protocol::{DossierStatus, Timeliness};

texts! {
    pub enum DossierMsg {
        Title => "Hồ sơ thủ tục hành chính", "Public-service dossiers";
        ReceivedToday => "Tiếp nhận hôm nay", "Received today";
        FinishedToday => "giải quyết xong hôm nay", "finished today";
        InProgress => "Đang giải quyết", "In progress";
        Paused => "tạm dừng, chờ bổ sung", "paused, waiting on the applicant";
        Overdue => "Quá hạn", "Overdue";
        OverdueHint => "hồ sơ đang mở đã quá hạn trả kết quả", "open dossiers past their return date";
        LateNoApology => "Trễ hạn chưa xin lỗi", "Late without apology";
        LateNoApologyHint => "quá hạn hoặc trả trễ, chưa có phiếu xin lỗi", "overdue or late, no apology slip";
        OnTimeMonth => "Đúng hạn trong tháng", "On time this month";
        OnTimeHint => "hồ sơ đã giải quyết trước và đúng hạn", "of finished dossiers early or on time";
        OnlineMonth => "Nộp trực tuyến trong tháng", "Submitted online this month";
        OnlineHint => "hồ sơ tiếp nhận qua dịch vụ công trực tuyến", "of received dossiers came online";
        Index766 => "Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766)", "Service index for citizens and businesses (Decision 766)";
        Index766Short => "Chỉ số 766", "766 index";
        Rolling30 => "30 ngày gần nhất", "last 30 days";
        OutOf100 => "/ 100 điểm", "/ 100 points";
        NoIndex => "Chưa đủ hồ sơ để tính chỉ số", "Not enough dossiers for the index yet";
        Departments => "Xếp hạng sở, ban, ngành", "Ranking of departments";
        CommunesBest => "Xã, phường dẫn đầu", "Leading communes";
        CommunesWorst => "Xã, phường cuối bảng", "Trailing communes";
        CommuneGrid => "Hồ sơ quá hạn theo xã, phường", "Overdue dossiers by commune";
        CommuneGridHint => "số hồ sơ quá hạn; chọn một ô để xem chi tiết", "overdue dossiers; pick a tile for details";
        NoneOverdue => "không quá hạn", "none overdue";
        Open => "đang mở", "open";
        Rank => "Hạng", "Rank";
        Points => "Điểm", "Points";
        Unit => Common::Unit;
        NoRanking => "Chưa có đơn vị nào được xếp hạng", "No unit ranked yet";
        IndicatorsLink => "Chỉ tiêu kinh tế – xã hội", "Socio-economic indicators";
        BackToDossiers => "Về màn hình hồ sơ", "Back to the dossier wall";
        UnknownUnit => "Không có đơn vị này trong tỉnh", "No such unit in the province";
        // Drill-down
        Explain => "Cách tính chỉ số 766", "How the 766 index is computed";
        Group => "Nhóm", "Group";
        Metric => "Tiêu chí", "Criterion";
        Numerator => "Tử số", "Numerator";
        Denominator => "Mẫu số", "Denominator";
        Ratio => "Tỷ lệ", "Ratio";
        PeriodMonth => "Tháng này", "This month";
        PeriodQuarter => "Quý này", "This quarter";
        PeriodYear => "Năm nay", "This year";
        PeriodRolling => "30 ngày", "30 days";
        Loading => Common::Loading;
        LoadFailed => "Không tải được số liệu", "The figures could not be loaded";
        ListOverdue => "Hồ sơ quá hạn", "Overdue dossiers";
        ListOpen => "Hồ sơ đang giải quyết", "Open dossiers";
        ConcerningCommune => "liên quan đến xã, phường này (mọi cơ quan giải quyết)", "concerning this commune (any handling agency)";
        HandledByUnit => "do đơn vị này giải quyết", "handled by this unit";
        NoDossiers => "Không có hồ sơ nào", "No dossiers";
        DossierCode => "Mã hồ sơ", "Dossier code";
        Procedure => "Thủ tục", "Procedure";
        HandledBy => "Cơ quan giải quyết", "Handled by";
        Received => "Ngày nhận", "Received";
        DueDate => "Hạn trả", "Due";
        Age => "Trễ (ngày làm việc)", "Late (working days)";
        Postponed => "Gia hạn", "Postponed";
        StatusCol => Common::Status;
        WorkingDays => "ngày làm việc", "working days";
        // A dossier's state
        StRegistered => "Đăng ký trực tuyến", "Registered online";
        StReceived => "Đã tiếp nhận", "Received";
        StNotAccepted => "Không tiếp nhận", "Not accepted";
        StProcessing => "Đang xử lý", "Processing";
        StSupplement => "Chờ bổ sung", "Supplement requested";
        StFees => "Chờ nghĩa vụ tài chính", "Fees due";
        StWithdrawn => "Rút hồ sơ", "Withdrawn";
        StStopped => "Dừng xử lý", "Stopped";
        StProcessed => "Đã xử lý xong", "Processed";
        StReturned => "Đã trả kết quả", "Returned";
    }
}

/// A dossier's state in words.
pub fn status_label(s: DossierStatus, lang: Lang) -> &'static str {
    match s {
        DossierStatus::RegisteredOnline => DossierMsg::StRegistered,
        DossierStatus::Received => DossierMsg::StReceived,
        DossierStatus::NotAccepted => DossierMsg::StNotAccepted,
        DossierStatus::Processing => DossierMsg::StProcessing,
        DossierStatus::SupplementRequested => DossierMsg::StSupplement,
        DossierStatus::FinancialObligation => DossierMsg::StFees,
        DossierStatus::Withdrawn => DossierMsg::StWithdrawn,
        DossierStatus::Stopped => DossierMsg::StStopped,
        DossierStatus::Processed => DossierMsg::StProcessed,
        DossierStatus::Returned => DossierMsg::StReturned,
    }
    .get(lang)
}

/// The class of a dossier's on-time state (its colour in the list).
pub fn timeliness_class(t: Timeliness) -> &'static str {
    match t {
        Timeliness::Overdue | Timeliness::Late => "overdue",
        Timeliness::Paused => "paused",
        _ => "in-time",
    }
}
