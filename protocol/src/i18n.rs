//! One translation catalogue for everything a person reads: wall, phone, API errors.
//!
//! Each text is a variant of [`Msg`] and its `vi`/`en` strings sit next to each other in one
//! `match`, so a missing translation is a compile error, not a blank on the wall. The server's
//! error responses use the same catalogue (both languages are sent; see `ApiErrorDetail`).
//! Vietnamese is the default language everywhere.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    /// Reads a `lang` query value or cookie; anything unknown falls back to Vietnamese.
    pub fn parse(s: &str) -> Lang {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" | "en-us" | "en-gb" | "english" => Lang::En,
            _ => Lang::Vi,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Vi => Lang::En,
            Lang::En => Lang::Vi,
        }
    }
}

/// Every user-facing text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Msg {
    AppTitle,
    WallTitle,
    DemoBadge,
    DemoExplain,
    Live,
    Offline,
    Connecting,
    NoData,
    UpdatedAt,
    SwitchLanguage,
    NotFound,
    // API errors
    CheckFailed,
    WarningNeedsNote,
    InvalidPeriod,
    InvalidTransition,
    ReturnCommentRequired,
    EmptyEntries,
    BadSpreadsheet,
    DuplicateEntry,
    NotReportingUnit,
    IndicatorNotReported,
    MalformedJson,
    NotJson,
    UnknownSeries,
    UnknownUnit,
    NonFiniteValue,
    TimestampOutOfRange,
    EmptyBatch,
    BatchTooLarge,
    BodyTooLarge,
    MissingToken,
    LoginRequired,
    Forbidden,
    ForbiddenUnit,
    InvalidCredentials,
    AccountLocked,
    TooManyAttempts,
    CsrfFailed,
    WeakPassword,
    LoginTitle,
    Username,
    PasswordLabel,
    LoginButton,
    Logout,
    DeviceTitle,
    DeviceExplain,
    DeviceToken,
    PairButton,
    BadDeviceToken,
    SetupTitle,
    SetupExplain,
    SetupCode,
    DisplayName,
    CreateAdmin,
    SetupClosed,
    AccountTitle,
    CurrentPassword,
    NewPassword,
    RepeatPassword,
    ChangePassword,
    PasswordChanged,
    PasswordsDiffer,
    BackToWall,
    BadToken,
    BadField,
    Internal,
    DatabaseUnavailable,
    TooManyConnections,
    UnknownTopic,
    BadFrame,
    NulCharacter,
    MethodNotAllowed,
    UnsupportedMediaType,
    BadRequest,
    FrameTooLarge,
    BadPosition,
}

impl Msg {
    pub fn vi(self) -> &'static str {
        match self {
            Msg::AppTitle => "Trung tâm điều hành thông minh",
            Msg::WallTitle => "Chỉ tiêu kinh tế – xã hội",
            Msg::DemoBadge => "DỮ LIỆU MẪU",
            Msg::DemoExplain => "Số liệu minh họa, không phải số liệu chính thức",
            Msg::Live => "Trực tuyến",
            Msg::Offline => "Mất kết nối – đang thử lại",
            Msg::Connecting => "Đang kết nối",
            Msg::NoData => "Chưa có số liệu",
            Msg::UpdatedAt => "Cập nhật",
            Msg::SwitchLanguage => "English",
            Msg::NotFound => "Không tìm thấy trang",
            Msg::CheckFailed => "Số liệu không qua được kiểm tra",
            Msg::WarningNeedsNote => "Có cảnh báo cần ghi chú giải trình",
            Msg::InvalidPeriod => "Kỳ báo cáo không hợp lệ (dạng YYYY-MM, từ 2019-01 đến tháng hiện tại)",
            Msg::InvalidTransition => "Thao tác không hợp lệ ở trạng thái hiện tại của báo cáo",
            Msg::ReturnCommentRequired => "Cần ghi rõ lý do trả lại",
            Msg::EmptyEntries => "Báo cáo chưa có số liệu",
            Msg::BadSpreadsheet => "Tệp Excel/CSV không đọc được hoặc sai mẫu",
            Msg::DuplicateEntry => "Một chỉ tiêu xuất hiện nhiều lần",
            Msg::NotReportingUnit => "Đơn vị này không báo cáo chỉ tiêu nào của nhóm",
            Msg::IndicatorNotReported => "Chỉ tiêu không thuộc báo cáo của đơn vị này",
            Msg::MalformedJson => "Nội dung gửi lên không phải JSON hợp lệ",
            Msg::NotJson => "Nội dung phải là JSON (Content-Type: application/json)",
            Msg::UnknownSeries => "Mã chỉ tiêu không có trong danh mục",
            Msg::UnknownUnit => "Mã đơn vị hành chính không tồn tại",
            Msg::NonFiniteValue => "Giá trị phải là một số hữu hạn",
            Msg::TimestampOutOfRange => "Thời điểm nằm ngoài khoảng cho phép (từ 01/01/2000 đến 1 ngày sau hiện tại)",
            Msg::EmptyBatch => "Lô dữ liệu không có điểm nào",
            Msg::BatchTooLarge => "Lô dữ liệu có quá nhiều điểm",
            Msg::BodyTooLarge => "Nội dung gửi lên quá lớn",
            Msg::MissingToken => "Thiếu mã truy cập (Authorization: Bearer …)",
            Msg::BadToken => "Mã truy cập không hợp lệ",
            Msg::LoginRequired => "Cần đăng nhập",
            Msg::Forbidden => "Không có quyền truy cập",
            Msg::ForbiddenUnit => "Không có quyền ghi số liệu cho đơn vị",
            Msg::InvalidCredentials => "Tên đăng nhập hoặc mật khẩu không đúng",
            Msg::AccountLocked => "Tài khoản tạm khóa do đăng nhập sai nhiều lần, vui lòng thử lại sau 15 phút",
            Msg::TooManyAttempts => "Quá nhiều lần thử, vui lòng đợi một phút",
            Msg::CsrfFailed => "Phiên làm việc không hợp lệ, vui lòng tải lại trang",
            Msg::WeakPassword => "Mật khẩu phải có ít nhất 10 ký tự",
            Msg::LoginTitle => "Đăng nhập",
            Msg::Username => "Tên đăng nhập",
            Msg::PasswordLabel => "Mật khẩu",
            Msg::LoginButton => "Đăng nhập",
            Msg::Logout => "Đăng xuất",
            Msg::DeviceTitle => "Màn hình giám sát",
            Msg::DeviceExplain => "Nhập mã thiết bị do quản trị viên cấp để ghép nối màn hình này với Trung tâm.",
            Msg::DeviceToken => "Mã thiết bị",
            Msg::PairButton => "Ghép nối màn hình",
            Msg::BadDeviceToken => "Mã thiết bị không hợp lệ hoặc đã bị thu hồi",
            Msg::SetupTitle => "Khởi tạo hệ thống",
            Msg::SetupExplain => "Tạo tài khoản quản trị đầu tiên. Mã khởi tạo được in ra trong nhật ký máy chủ và lưu trong thư mục dữ liệu.",
            Msg::SetupCode => "Mã khởi tạo",
            Msg::DisplayName => "Họ và tên",
            Msg::CreateAdmin => "Tạo tài khoản quản trị",
            Msg::SetupClosed => "Hệ thống đã có tài khoản quản trị; hãy đăng nhập",
            Msg::AccountTitle => "Tài khoản",
            Msg::CurrentPassword => "Mật khẩu hiện tại",
            Msg::NewPassword => "Mật khẩu mới (ít nhất 10 ký tự)",
            Msg::RepeatPassword => "Nhập lại mật khẩu mới",
            Msg::ChangePassword => "Đổi mật khẩu",
            Msg::PasswordChanged => "Đã đổi mật khẩu; các phiên đăng nhập khác đã kết thúc",
            Msg::PasswordsDiffer => "Hai lần nhập mật khẩu mới không khớp",
            Msg::BackToWall => "Về màn hình giám sát",
            Msg::BadField => "Trường dữ liệu không hợp lệ",
            Msg::Internal => "Lỗi hệ thống, vui lòng thử lại sau",
            Msg::DatabaseUnavailable => "Cơ sở dữ liệu tạm thời không truy cập được",
            Msg::TooManyConnections => "Máy chủ đang quá tải kết nối, vui lòng thử lại sau",
            Msg::UnknownTopic => "Chủ đề không tồn tại",
            Msg::BadFrame => "Khung tin không hợp lệ",
            Msg::NulCharacter => "Dữ liệu chứa ký tự NUL (mã 0), không được chấp nhận",
            Msg::MethodNotAllowed => "Phương thức HTTP không được hỗ trợ cho địa chỉ này",
            Msg::UnsupportedMediaType => "Kiểu nội dung gửi lên không được hỗ trợ",
            Msg::BadRequest => "Yêu cầu không hợp lệ",
            Msg::FrameTooLarge => "Khung tin quá lớn",
            Msg::BadPosition => "Vị trí luồng không hợp lệ (offset âm)",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Msg::AppTitle => "Intelligent Operations Center",
            Msg::WallTitle => "Socio-economic indicators",
            Msg::DemoBadge => "DEMO DATA",
            Msg::DemoExplain => "Illustrative figures, not official statistics",
            Msg::Live => "Live",
            Msg::Offline => "Disconnected – retrying",
            Msg::Connecting => "Connecting",
            Msg::NoData => "No data yet",
            Msg::UpdatedAt => "Updated",
            Msg::SwitchLanguage => "Tiếng Việt",
            Msg::NotFound => "Page not found",
            Msg::CheckFailed => "The figures failed the checks",
            Msg::WarningNeedsNote => "Some warnings need an explanatory note",
            Msg::InvalidPeriod => "Invalid reporting period (YYYY-MM, from 2019-01 to the current month)",
            Msg::InvalidTransition => "This action is not allowed in the report's current state",
            Msg::ReturnCommentRequired => "A comment explaining the return is required",
            Msg::EmptyEntries => "The report has no figures",
            Msg::BadSpreadsheet => "The Excel/CSV file cannot be read or does not follow the template",
            Msg::DuplicateEntry => "An indicator appears more than once",
            Msg::NotReportingUnit => "This unit reports no indicator of the group",
            Msg::IndicatorNotReported => "The indicator is not part of this unit's report",
            Msg::MalformedJson => "The request body is not valid JSON",
            Msg::NotJson => "The body must be JSON (Content-Type: application/json)",
            Msg::UnknownSeries => "Series code is not in the catalogue",
            Msg::UnknownUnit => "Administrative unit code does not exist",
            Msg::NonFiniteValue => "Value must be a finite number",
            Msg::TimestampOutOfRange => "Timestamp out of range (2000-01-01 to one day after now)",
            Msg::EmptyBatch => "The batch contains no points",
            Msg::BatchTooLarge => "The batch contains too many points",
            Msg::BodyTooLarge => "The request body is too large",
            Msg::MissingToken => "Missing access token (Authorization: Bearer …)",
            Msg::BadToken => "Invalid access token",
            Msg::LoginRequired => "Login required",
            Msg::Forbidden => "Access denied",
            Msg::ForbiddenUnit => "Not allowed to write figures for unit",
            Msg::InvalidCredentials => "Wrong username or password",
            Msg::AccountLocked => "Account temporarily locked after repeated failed logins, try again in 15 minutes",
            Msg::TooManyAttempts => "Too many attempts, please wait a minute",
            Msg::CsrfFailed => "Invalid session state, please reload the page",
            Msg::WeakPassword => "The password must have at least 10 characters",
            Msg::LoginTitle => "Sign in",
            Msg::Username => "Username",
            Msg::PasswordLabel => "Password",
            Msg::LoginButton => "Sign in",
            Msg::Logout => "Sign out",
            Msg::DeviceTitle => "Monitoring wall",
            Msg::DeviceExplain => "Enter the device code issued by an administrator to pair this screen with the center.",
            Msg::DeviceToken => "Device code",
            Msg::PairButton => "Pair this screen",
            Msg::BadDeviceToken => "Invalid or revoked device code",
            Msg::SetupTitle => "First-time setup",
            Msg::SetupExplain => "Create the first administrator account. The setup code is printed in the server log and kept in the data directory.",
            Msg::SetupCode => "Setup code",
            Msg::DisplayName => "Full name",
            Msg::CreateAdmin => "Create administrator",
            Msg::SetupClosed => "An administrator exists already; please sign in",
            Msg::AccountTitle => "Account",
            Msg::CurrentPassword => "Current password",
            Msg::NewPassword => "New password (at least 10 characters)",
            Msg::RepeatPassword => "Repeat the new password",
            Msg::ChangePassword => "Change password",
            Msg::PasswordChanged => "Password changed; your other sessions have ended",
            Msg::PasswordsDiffer => "The two new passwords differ",
            Msg::BackToWall => "Back to the monitoring wall",
            Msg::BadField => "Invalid field",
            Msg::Internal => "Internal error, please try again later",
            Msg::DatabaseUnavailable => "The database is temporarily unavailable",
            Msg::TooManyConnections => "Too many connections, please try again later",
            Msg::UnknownTopic => "Unknown topic",
            Msg::BadFrame => "Invalid frame",
            Msg::NulCharacter => "The data contains a NUL character (code 0), which is not accepted",
            Msg::MethodNotAllowed => "This HTTP method is not supported at this address",
            Msg::UnsupportedMediaType => "The content type of the request is not supported",
            Msg::BadRequest => "Bad request",
            Msg::FrameTooLarge => "Frame too large",
            Msg::BadPosition => "Invalid stream position (negative offset)",
        }
    }

    pub fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Vi => self.vi(),
            Lang::En => self.en(),
        }
    }
}

/// Departments copy figures from Vietnamese spreadsheets ("1.234,5") as often as from English
/// ones ("1234.5"), so the form, the Excel template and the history import accept both.
/// Reads a typed figure. The separator that comes last is the decimal point when both appear;
/// a lone comma is the Vietnamese decimal comma; a lone dot is a decimal point unless it groups
/// thousands (several dots, or exactly three digits after it while the indicator has fewer
/// decimals — "1.234" for a count means one thousand two hundred thirty-four). Spaces
/// (including non-breaking ones) group digits too. `None` for anything else.
pub fn parse_number(text: &str, decimals: u8) -> Option<f64> {
    let s: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}')
        .collect();
    if s.is_empty() {
        return None;
    }
    let (sign, body) = match s.strip_prefix('-').or_else(|| s.strip_prefix('−')) {
        Some(rest) => ("-", rest),
        None => ("", s.strip_prefix('+').unwrap_or(&s)),
    };
    if body.is_empty()
        || !body
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return None;
    }
    let dots = body.matches('.').count();
    let commas = body.matches(',').count();
    let (group, point) = match (dots, commas) {
        (0, 0) => (None, None),
        (_, 0) if dots > 1 => (Some('.'), None),
        (1, 0) => {
            let after = body.len() - body.find('.').unwrap_or(0) - 1;
            if after == 3 && decimals < 3 {
                (Some('.'), None)
            } else {
                (None, Some('.'))
            }
        }
        (0, 1) => (None, Some(',')),
        (0, _) => (Some(','), None),
        _ => {
            // Both: the last one is the decimal separator, and it appears once.
            let last_dot = body.rfind('.').unwrap_or(0);
            let last_comma = body.rfind(',').unwrap_or(0);
            if last_comma > last_dot {
                (Some('.'), Some(','))
            } else {
                (Some(','), Some('.'))
            }
        }
    };
    if let Some(p) = point {
        if body.matches(p).count() != 1 {
            return None;
        }
    }
    let (int_part, frac_part) = match point {
        Some(p) => body
            .split_once(p)
            .map(|(i, f)| (i, Some(f)))
            .unwrap_or((body, None)),
        None => (body, None),
    };
    if let Some(g) = group {
        // Groups of three after the first: "1.234.567", never "12.34".
        let mut parts = int_part.split(g);
        let first = parts.next().unwrap_or_default();
        if first.is_empty() || first.len() > 3 || parts.any(|p| p.len() != 3) {
            return None;
        }
    }
    let digits: String = int_part.chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.is_empty() && frac_part.is_none_or(str::is_empty) {
        return None;
    }
    let plain = match frac_part {
        Some(f) if f.chars().all(|c| c.is_ascii_digit()) && !f.is_empty() => format!(
            "{sign}{}.{f}",
            if digits.is_empty() { "0" } else { &digits }
        ),
        Some(_) => return None,
        None => format!("{sign}{digits}"),
    };
    plain.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Formats a number the way each language writes it: `12.345,6` in Vietnamese, `12,345.6` in English.
pub fn format_number(value: f64, decimals: u8, lang: Lang) -> String {
    if !value.is_finite() {
        return "—".to_string();
    }
    let s = format!("{:.*}", decimals as usize, value.abs());
    let (int_part, frac_part) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s.as_str(), None),
    };
    let (group, point) = match lang {
        Lang::Vi => ('.', ','),
        Lang::En => (',', '.'),
    };
    let mut out = String::with_capacity(s.len() + s.len() / 3 + 1);
    if value < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.push('-');
    }
    let digits = int_part.len();
    for (i, c) in int_part.chars().enumerate() {
        if i > 0 && (digits - i) % 3 == 0 {
            out.push(group);
        }
        out.push(c);
    }
    if let Some(f) = frac_part {
        out.push(point);
        out.push_str(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_language() {
        assert_eq!(format_number(12345.67, 1, Lang::Vi), "12.345,7");
        assert_eq!(format_number(12345.67, 1, Lang::En), "12,345.7");
        assert_eq!(format_number(-1234567.0, 0, Lang::Vi), "-1.234.567");
        assert_eq!(format_number(999.0, 0, Lang::En), "999");
        assert_eq!(format_number(-0.01, 1, Lang::En), "0.0");
        assert_eq!(format_number(f64::NAN, 1, Lang::En), "—");
    }

    #[test]
    fn unknown_languages_fall_back_to_vietnamese() {
        assert_eq!(Lang::parse("EN"), Lang::En);
        assert_eq!(Lang::parse("fr"), Lang::Vi);
        assert_eq!(Lang::default(), Lang::Vi);
    }
    #[test]
    fn vietnamese_and_plain_numbers_are_both_read() {
        assert_eq!(parse_number("1.234,5", 1), Some(1234.5));
        assert_eq!(parse_number("1234.5", 1), Some(1234.5));
        assert_eq!(parse_number("1234,5", 1), Some(1234.5));
        assert_eq!(parse_number("1,234.5", 1), Some(1234.5));
        assert_eq!(parse_number("1 234 567,25", 2), Some(1234567.25));
        assert_eq!(parse_number("1.234.567", 0), Some(1234567.0));
        assert_eq!(parse_number("-12,5", 1), Some(-12.5));
        assert_eq!(parse_number(" 7450 ", 1), Some(7450.0));
        assert_eq!(parse_number("0,75", 2), Some(0.75));
    }

    #[test]
    fn a_lone_dot_with_three_digits_groups_thousands_unless_the_indicator_keeps_three_decimals() {
        assert_eq!(parse_number("1.234", 1), Some(1234.0));
        assert_eq!(parse_number("1.234", 3), Some(1.234));
        assert_eq!(parse_number("101.25", 2), Some(101.25));
    }

    #[test]
    fn nonsense_is_refused() {
        for bad in [
            "",
            "abc",
            "1,2,3.4.5",
            "12.34.56",
            "1..2",
            "1.2,3,4",
            "-",
            ",",
            "1e5",
            "12,34,5",
        ] {
            assert_eq!(parse_number(bad, 1), None, "{bad}");
        }
    }

    #[test]
    fn file_numbers_without_a_known_precision_read_a_lone_dot_as_a_decimal_point() {
        // Imports of history files pass the largest precision (6): "1.234" is then 1.234.
        for (text, want) in [
            ("1.234,5", 1234.5),
            ("1,234.5", 1234.5),
            ("1234,5", 1234.5),
            ("1234.5", 1234.5),
            ("1.234.567", 1234567.0),
            ("1,234,567", 1234567.0),
            (" 42 ", 42.0),
            ("-3,2", -3.2),
            ("12 345,6", 12345.6),
            ("1.234", 1.234),
        ] {
            assert_eq!(parse_number(text, 6), Some(want), "{text}");
        }
        for bad in ["", "abc", "1,2,3.4.5x", "NaN", "inf"] {
            assert_eq!(parse_number(bad, 6), None, "{bad}");
        }
    }
}
