//! One translation catalogue for everything a person reads: wall, phone, API errors.
//!
//! Each text is a variant of [`Msg`] with its `vi` and `en` strings side by side on one line
//! ([`texts!`](crate::texts), the same macro every screen's catalogue uses), so a missing
//! translation is a compile error, not a blank on the wall. The server's
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

/// Declares a catalogue of texts with both languages side by side, one line per text:
/// `Name => "tiếng Việt", "English";`, or `Name => Common::Save;` to reuse a common word (any
/// value with `vi()`/`en()`). Used by the server's catalogue ([`Msg`]) and every screen's, so
/// there is one way to write a translation and a missing one does not compile.
#[macro_export]
macro_rules! texts {
    (@vi $vi:expr, $en:expr) => { $vi };
    (@vi $common:expr) => { $common.vi() };
    (@en $vi:expr, $en:expr) => { $en };
    (@en $common:expr) => { $common.en() };
    (
        $(#[$meta:meta])*
        $vis:vis enum $enum:ident {
            $( $(#[$vmeta:meta])* $name:ident => $($text:expr),+ ; )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        $vis enum $enum { $( $(#[$vmeta])* $name, )* }

        impl $enum {
            pub fn vi(self) -> &'static str {
                match self { $( $enum::$name => $crate::texts!(@vi $($text),+), )* }
            }
            pub fn en(self) -> &'static str {
                match self { $( $enum::$name => $crate::texts!(@en $($text),+), )* }
            }
            pub fn get(self, lang: $crate::i18n::Lang) -> &'static str {
                match lang {
                    $crate::i18n::Lang::Vi => self.vi(),
                    $crate::i18n::Lang::En => self.en(),
                }
            }
        }
    };
}

texts! {
    /// Every user-facing text, both languages side by side (a missing translation does not compile).
    pub enum Msg {
        AppTitle => "Trung tâm điều hành thông minh", "Intelligent Operations Center";
        WallTitle => "Chỉ tiêu kinh tế – xã hội", "Socio-economic indicators";
        DemoBadge => "DỮ LIỆU MẪU", "DEMO DATA";
        DemoExplain => "Số liệu minh họa, không phải số liệu chính thức", "Illustrative figures, not official statistics";
        Live => "Trực tuyến", "Live";
        Offline => "Mất kết nối – đang thử lại", "Disconnected – retrying";
        Connecting => "Đang kết nối", "Connecting";
        NoData => "Chưa có số liệu", "No data yet";
        UpdatedAt => "Cập nhật", "Updated";
        SwitchLanguage => "English", "Tiếng Việt";
        NotFound => "Không tìm thấy trang", "Page not found";
        // API errors
        CheckFailed => "Số liệu không qua được kiểm tra", "The figures failed the checks";
        WarningNeedsNote => "Có cảnh báo cần ghi chú giải trình", "Some warnings need an explanatory note";
        InvalidPeriod => "Kỳ báo cáo không hợp lệ (dạng YYYY-MM, từ 2019-01 đến tháng hiện tại)", "Invalid reporting period (YYYY-MM, from 2019-01 to the current month)";
        InvalidTransition => "Thao tác không hợp lệ ở trạng thái hiện tại của báo cáo", "This action is not allowed in the report's current state";
        ReturnCommentRequired => "Cần ghi rõ lý do trả lại", "A comment explaining the return is required";
        EmptyEntries => "Báo cáo chưa có số liệu", "The report has no figures";
        BadSpreadsheet => "Tệp Excel/CSV không đọc được hoặc sai mẫu", "The Excel/CSV file cannot be read or does not follow the template";
        DuplicateEntry => "Một chỉ tiêu xuất hiện nhiều lần", "An indicator appears more than once";
        NotReportingUnit => "Đơn vị này không báo cáo chỉ tiêu nào của nhóm", "This unit reports no indicator of the group";
        IndicatorNotReported => "Chỉ tiêu không thuộc báo cáo của đơn vị này", "The indicator is not part of this unit's report";
        MalformedJson => "Nội dung gửi lên không phải JSON hợp lệ", "The request body is not valid JSON";
        NotJson => "Nội dung phải là JSON (Content-Type: application/json)", "The body must be JSON (Content-Type: application/json)";
        UnknownSeries => "Mã chỉ tiêu không có trong danh mục", "Series code is not in the catalogue";
        UnknownUnit => "Mã đơn vị hành chính không tồn tại", "Administrative unit code does not exist";
        NonFiniteValue => "Giá trị phải là một số hữu hạn", "Value must be a finite number";
        TimestampOutOfRange => "Thời điểm nằm ngoài khoảng cho phép (từ 01/01/2000 đến 1 ngày sau hiện tại)", "Timestamp out of range (2000-01-01 to one day after now)";
        EmptyBatch => "Lô dữ liệu không có điểm nào", "The batch contains no points";
        BatchTooLarge => "Lô dữ liệu có quá nhiều điểm", "The batch contains too many points";
        BodyTooLarge => "Nội dung gửi lên quá lớn", "The request body is too large";
        MissingToken => "Thiếu mã truy cập (Authorization: Bearer …)", "Missing access token (Authorization: Bearer …)";
        LoginRequired => "Cần đăng nhập", "Login required";
        Forbidden => "Không có quyền truy cập", "Access denied";
        ForbiddenUnit => "Không có quyền ghi số liệu cho đơn vị", "Not allowed to write figures for unit";
        InvalidCredentials => "Tên đăng nhập hoặc mật khẩu không đúng", "Wrong username or password";
        AccountLocked => "Tài khoản tạm khóa do đăng nhập sai nhiều lần, vui lòng thử lại sau 15 phút", "Account temporarily locked after repeated failed logins, try again in 15 minutes";
        TooManyAttempts => "Quá nhiều lần thử, vui lòng đợi một phút", "Too many attempts, please wait a minute";
        CsrfFailed => "Phiên làm việc không hợp lệ, vui lòng tải lại trang", "Invalid session state, please reload the page";
        WeakPassword => "Mật khẩu phải có ít nhất 10 ký tự", "The password must have at least 10 characters";
        LoginTitle => "Đăng nhập", "Sign in";
        Username => "Tên đăng nhập", "Username";
        PasswordLabel => "Mật khẩu", "Password";
        LoginButton => "Đăng nhập", "Sign in";
        Logout => "Đăng xuất", "Sign out";
        DeviceTitle => "Màn hình giám sát", "Monitoring wall";
        DeviceExplain => "Nhập mã thiết bị do quản trị viên cấp để ghép nối màn hình này với Trung tâm.", "Enter the device code issued by an administrator to pair this screen with the center.";
        DeviceToken => "Mã thiết bị", "Device code";
        PairButton => "Ghép nối màn hình", "Pair this screen";
        BadDeviceToken => "Mã thiết bị không hợp lệ hoặc đã bị thu hồi", "Invalid or revoked device code";
        SetupTitle => "Khởi tạo hệ thống", "First-time setup";
        SetupExplain => "Tạo tài khoản quản trị đầu tiên. Mã khởi tạo được in ra trong nhật ký máy chủ và lưu trong thư mục dữ liệu.", "Create the first administrator account. The setup code is printed in the server log and kept in the data directory.";
        SetupCode => "Mã khởi tạo", "Setup code";
        DisplayName => "Họ và tên", "Full name";
        CreateAdmin => "Tạo tài khoản quản trị", "Create administrator";
        SetupClosed => "Hệ thống đã có tài khoản quản trị; hãy đăng nhập", "An administrator exists already; please sign in";
        AccountTitle => "Tài khoản", "Account";
        CurrentPassword => "Mật khẩu hiện tại", "Current password";
        NewPassword => "Mật khẩu mới (ít nhất 10 ký tự)", "New password (at least 10 characters)";
        RepeatPassword => "Nhập lại mật khẩu mới", "Repeat the new password";
        ChangePassword => "Đổi mật khẩu", "Change password";
        PasswordChanged => "Đã đổi mật khẩu; các phiên đăng nhập khác đã kết thúc", "Password changed; your other sessions have ended";
        PasswordsDiffer => "Hai lần nhập mật khẩu mới không khớp", "The two new passwords differ";
        BackToWall => "Về màn hình giám sát", "Back to the monitoring wall";
        BadToken => "Mã truy cập không hợp lệ", "Invalid access token";
        BadField => "Trường dữ liệu không hợp lệ", "Invalid field";
        Internal => "Lỗi hệ thống, vui lòng thử lại sau", "Internal error, please try again later";
        DatabaseUnavailable => "Cơ sở dữ liệu tạm thời không truy cập được", "The database is temporarily unavailable";
        TooManyConnections => "Máy chủ đang quá tải kết nối, vui lòng thử lại sau", "Too many connections, please try again later";
        UnknownTopic => "Chủ đề không tồn tại", "Unknown topic";
        BadFrame => "Khung tin không hợp lệ", "Invalid frame";
        NulCharacter => "Dữ liệu chứa ký tự NUL (mã 0), không được chấp nhận", "The data contains a NUL character (code 0), which is not accepted";
        MethodNotAllowed => "Phương thức HTTP không được hỗ trợ cho địa chỉ này", "This HTTP method is not supported at this address";
        UnsupportedMediaType => "Kiểu nội dung gửi lên không được hỗ trợ", "The content type of the request is not supported";
        BadRequest => "Yêu cầu không hợp lệ", "Bad request";
        FrameTooLarge => "Khung tin quá lớn", "Frame too large";
        BadPosition => "Vị trí luồng không hợp lệ (offset âm)", "Invalid stream position (negative offset)";
        TooManySubscriptions => "Kết nối đã theo dõi quá nhiều chủ đề", "This connection follows too many topics";
        TooManyRequests => "Gửi yêu cầu quá nhanh, vui lòng chậm lại", "Requests sent too fast, please slow down";
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
