//! Texts of the admin screens (the style and the common words: [`crate::i18n`]). Texts shared
//! with other pages (sign out, language switch, API errors) stay in `Msg`.

use crate::i18n::{texts, Common};

texts! {
    pub enum AdminMsg {
        // Frame and shared words
        AdminArea => "Quản trị hệ thống", "Administration";
        Overview => "Tổng quan", "Overview";
        OverviewLead => "Chọn một mục để quản lý.", "Choose what to manage.";
        Hello => "Xin chào", "Hello";
        OpenWall => Common::Wall;
        Units => "Đơn vị", "Units";
        Users => "Tài khoản và vai trò", "Accounts and roles";
        Tokens => "Mã truy cập API", "API tokens";
        Audit => "Nhật ký hệ thống", "Audit trail";
        Indicators => Common::IndicatorCatalogue;
        IndicatorsExplain => "Chỉ tiêu kinh tế – xã hội mà các sở, ngành nhập hằng tháng: tên, đơn vị tính, cách tính lũy kế, đơn vị báo cáo, ngưỡng kiểm tra và kế hoạch năm.", "The socio-economic indicators departments enter each month: names, measure, year-to-date rule, reporting unit, entry checks and the annual target.";
        Calendar => "Lịch làm việc", "Working calendar";
        CalendarExplain => "Ngày nghỉ lễ, Tết, nghỉ bù, ngày nghỉ hoán đổi và thứ Bảy làm bù của từng năm, kèm văn bản công bố: hạn báo cáo tính theo lịch này.", "Each year's public holidays, Tết, substitute days, swap days off and working Saturdays, with the notice that announced them: report deadlines count on this calendar.";
        UnitsExplain => "Tỉnh, xã/phường, sở, ban, ngành và các đơn vị hành chính cũ (trước 01/7/2025). Thêm sở, ban, ngành hoặc xã; đổi tên, sắp xếp, ngừng hoạt động.", "Provinces, communes and wards, departments and agencies, and the former administrative units (before 1 July 2025). Add a department or commune; rename, reorder or deactivate one.";
        UsersExplain => "Tài khoản cán bộ và vai trò của từng người: quản trị, lãnh đạo, người duyệt, theo dõi Trung ương, cán bộ nhập liệu của một đơn vị.", "Staff accounts and each person's roles: administrator, leader, approver, central viewer, data entry officer of one unit.";
        TokensExplain => "Mã cho các hệ thống kết nối (một cửa, thống kê) gửi số liệu của một đơn vị, và mã ghép nối màn hình giám sát. Mã chỉ hiển thị một lần khi tạo.", "Tokens for connected systems (one-stop shop, statistics) that send one unit's figures, and pairing codes for monitoring walls. A token is shown only once, when it is created.";
        AuditExplain => "Mọi thao tác ghi dữ liệu, đăng nhập và thay đổi quyền, không thể sửa hoặc xóa. Lọc theo người thực hiện, đối tượng, hành động, thời gian; xuất ra CSV hoặc Excel.", "Every write, sign-in and permission change; it cannot be edited or deleted. Filter by actor, entity, action and time; export to CSV or Excel.";
        Loading => Common::Loading;
        Other => "Khác", "Other";
        Actions => "Thao tác", "Actions";
        Edit => Common::Edit;
        Save => Common::Save;
        Saved => "Đã lưu", "Saved";
        Cancel => Common::Cancel;
        Search => "Tìm", "Search";
        Status => Common::Status;
        Active => Common::Active;
        Inactive => "Ngừng hoạt động", "Inactive";
        Historic => "Trước 01/7/2025", "Before 1 July 2025";
        Code => Common::Code;
        Name => Common::Name;
        Kind => "Loại", "Kind";
        Parent => "Trực thuộc", "Belongs to";
        Unit => Common::Unit;
        Never => "Chưa dùng", "Never";
        BadNumber => "Thứ tự phải là một số nguyên", "The order must be a whole number";
        BadDate => "Ngày không hợp lệ", "Invalid date";
        // Units
        AddUnit => "Thêm sở, ban, ngành hoặc xã", "Add a department or commune";
        SearchByName => "Tìm theo tên", "Search by name";
        SearchUnitsHint => "VD: anh son, tai chinh", "e.g. anh son, finance";
        AllKinds => "Tất cả các loại", "All kinds";
        AnyStatus => "Mọi trạng thái", "Any status";
        NoUnitsFound => "Không có đơn vị nào phù hợp", "No unit matches";
        UnitsCount => "đơn vị", "units";
        NarrowSearch => "chỉ hiển thị phần đầu, hãy thu hẹp tìm kiếm", "only the first are shown, narrow the search";
        NameVi => Common::NameVi;
        NameEn => Common::NameEn;
        NameViExample => "VD: Sở Khoa học và Công nghệ", "e.g. Sở Khoa học và Công nghệ";
        NameEnExample => "VD: Department of Science and Technology", "e.g. Department of Science and Technology";
        Subtype => "Loại hình", "Type";
        SubtypeHint => "sở, ban, xã, phường…", "sở, ban, xã, phường…";
        SortOrder => "Thứ tự hiển thị", "Display order";
        ActiveUnit => Common::Active;
        HistoricCannotActivate => "Đơn vị hành chính cũ (trước 01/7/2025) được giữ để tra cứu và không thể hoạt động lại.", "Former administrative units (before 1 July 2025) are kept for reference and cannot be made active again.";
        DepartmentCodeHint => "Bắt đầu bằng dept-, chỉ gồm chữ thường không dấu, số và dấu gạch ngang", "Starts with dept-; lower-case letters without accents, digits and dashes only";
        CommuneCodeHint => "Mã thống kê 5 chữ số của xã/phường", "The commune's five-digit statistical code";
        ParentDefault => "Để trống: thuộc tỉnh", "Blank: the province";
        UnitCreated => "Đã thêm đơn vị", "Unit added";
        KindProvince => "Tỉnh, thành phố", "Province, city";
        KindCommune => "Xã, phường, đặc khu", "Commune, ward, special zone";
        KindDepartment => "Sở, ban, ngành", "Department, agency";
        KindHistoricProvince => "Tỉnh cũ", "Former province";
        KindHistoricDistrict => "Huyện cũ", "Former district";
        KindHistoricCommune => "Xã cũ", "Former commune";
        // Accounts
        AddUser => "Thêm tài khoản", "Add an account";
        NoUsers => "Chưa có tài khoản nào", "No accounts yet";
        Username => "Tên đăng nhập", "Username";
        UsernameHint => "3–64 ký tự: chữ thường không dấu, số, dấu chấm, gạch dưới, gạch ngang", "3–64 characters: lower-case letters, digits, dot, underscore, dash";
        DisplayName => "Họ và tên", "Full name";
        Password => "Mật khẩu", "Password";
        PasswordHint => "Ít nhất 10 ký tự; người dùng nên đổi sau lần đăng nhập đầu", "At least 10 characters; the person should change it after the first sign-in";
        PasswordTooShort => "Mật khẩu phải có ít nhất 10 ký tự", "The password must have at least 10 characters";
        NewPassword => "Mật khẩu mới", "New password";
        ResetPassword => "Đặt lại mật khẩu", "Reset password";
        ResetPasswordHint => "Mở khóa tài khoản và đăng xuất mọi phiên của người này", "Unlocks the account and ends all of this person's sessions";
        PasswordWasReset => "Đã đặt lại mật khẩu", "Password reset";
        Roles => "Vai trò", "Roles";
        RoleAdmin => "Quản trị hệ thống", "Administrator";
        RoleLeader => "Lãnh đạo", "Leader";
        RoleUnitEditor => "Cán bộ nhập liệu", "Data entry officer";
        RoleApprover => "Người duyệt", "Approver";
        RoleCentralViewer => "Theo dõi (Trung ương)", "Central viewer";
        EditorUnits => "Đơn vị nhập liệu", "Units entered for";
        EditorUnitsHint => "Mã đơn vị; nhiều đơn vị cách nhau bằng dấu phẩy", "Unit code; several separated by commas";
        EditorNeedsUnit => "Vai trò cán bộ nhập liệu cần chọn đơn vị", "The data entry officer role needs a unit";
        NeedsRole => "Chọn ít nhất một vai trò", "Choose at least one role";
        DisableAccount => "Khóa tài khoản (đăng xuất ngay mọi phiên)", "Disable the account (ends all its sessions now)";
        Disabled => "Đã khóa", "Disabled";
        LockedUntil => "Tạm khóa đến", "Locked until";
        UnitHint => "Gõ tên hoặc mã đơn vị", "Type a unit's name or code";
        Email => "E-mail", "E-mail";
        EmailHint => "Cán bộ nhập liệu nhận nhắc hạn nhiệm vụ của đơn vị qua địa chỉ này (để trống: không nhận)", "Unit editors get their unit's task reminders at this address (empty: none)";
        UserCreated => "Đã tạo tài khoản", "Account created";
        // Tokens
        AddToken => "Tạo mã truy cập", "Create a token";
        NoTokens => "Chưa có mã truy cập nào", "No tokens yet";
        TokenName => Common::Name;
        TokenNameHint => "VD: Hệ thống một cửa – Xã Anh Sơn", "e.g. One-stop system – Anh Son Commune";
        TokenKind => "Loại mã", "Token kind";
        KindIntegration => "Hệ thống kết nối", "Connected system";
        KindWallDisplay => Common::Wall;
        TokenUnitHint => "Đơn vị mà mã được gửi số liệu", "The unit whose figures the token sends";
        Permissions => "Quyền", "Permissions";
        ScopePointsWrite => "Gửi số liệu chỉ tiêu (points:write)", "Send indicator figures (points:write)";
        Screens => "Màn hình được hiển thị", "Screens shown";
        ScreensHint => "Tên màn hình, cách nhau bằng dấu phẩy (VD: main)", "Screen names separated by commas (e.g. main)";
        WallNeedsScreen => "Màn hình giám sát cần ít nhất một màn hình", "A monitoring wall needs at least one screen";
        ExpiresOn => "Hết hạn sau ngày", "Expires after";
        ExpiresHint => "Để trống nếu không hết hạn", "Leave blank for no expiry";
        LastUsed => "Dùng lần cuối", "Last used";
        Revoke => "Thu hồi", "Revoke";
        Revoked => "Đã thu hồi", "Revoked";
        TokenRevoked => "Đã thu hồi mã", "Token revoked";
        ConfirmRevoke => "Thu hồi mã truy cập", "Revoke the API token";
        Expired => "Hết hạn", "Expired";
        Until => "đến", "until";
        NewTokenTitle => "Mã truy cập mới", "New API token";
        ShownOnce => "Hãy sao chép và lưu mã này ngay: đây là lần duy nhất mã được hiển thị. Máy chủ chỉ lưu bản băm nên không thể xem lại.", "Copy and store this token now: this is the only time it is shown. The server keeps only a hash and cannot show it again.";
        TokenSecret => "Mã truy cập", "API token";
        Copy => "Sao chép", "Copy";
        Copied => "Đã sao chép vào bộ nhớ tạm.", "Copied to the clipboard.";
        CopyByHand => "Trình duyệt không cho sao chép tự động: mã đã được chọn, hãy nhấn Ctrl+C (hoặc nhấn giữ để sao chép).", "The browser does not allow copying automatically: the token is selected, press Ctrl+C (or long-press to copy).";
        CopyHint => "Nhấn Sao chép, hoặc chọn mã và nhấn Ctrl+C.", "Press Copy, or select the token and press Ctrl+C.";
        SecretSaved => "Tôi đã lưu mã, ẩn đi", "I have stored it, hide it";
        // Audit trail
        Actor => "Người thực hiện", "Actor";
        ActorHint => "VD: lan.nt", "e.g. lan.nt";
        Entity => "Đối tượng", "Entity";
        EntityId => "Mã đối tượng", "Entity ID";
        Action => "Hành động", "Action";
        AllEntities => "Mọi đối tượng", "All entities";
        AllActions => "Mọi hành động", "All actions";
        EntityUnit => Common::Unit;
        EntityUser => "Tài khoản", "Account";
        EntityToken => "Mã truy cập", "API token";
        EntityPoints => "Số liệu", "Figures";
        ActionCreate => "Tạo mới", "Create";
        ActionUpdate => "Cập nhật", "Update";
        ActionRevoke => "Thu hồi", "Revoke";
        ActionLogin => "Đăng nhập", "Sign-in";
        ActionLoginFailed => "Đăng nhập thất bại", "Failed sign-in";
        ActionLogout => "Đăng xuất", "Sign-out";
        ActionPasswordChange => "Đổi mật khẩu", "Password change";
        ActionPasswordReset => "Đặt lại mật khẩu", "Password reset";
        ActionIngest => "Nhận số liệu", "Figures received";
        From => "Từ ngày", "From";
        To => "Đến ngày", "To";
        Filter => Common::Filter;
        ClearFilters => "Bỏ lọc", "Clear filters";
        ExportSelection => "Xuất các bản ghi đang lọc:", "Export the filtered entries:";
        NoEntries => "Không có bản ghi nào phù hợp", "No entry matches";
        EntriesCount => "bản ghi mới nhất", "most recent entries";
        EntriesLimited => "bản xuất CSV/Excel có đến 10.000 bản ghi", "the CSV/Excel export holds up to 10,000 entries";
        Time => Common::Time;
        IpAddress => "Địa chỉ IP", "IP address";
        Details => "Chi tiết", "Details";
        ShowChange => "Xem thay đổi", "Show the change";
        Before => "Trước", "Before";
        After => "Sau", "After";
        // Procedures catalogue
        Procedures => "Thủ tục hành chính", "Administrative procedures";
        // Wall screens
        WallScreens => "Màn hình lớn", "Wall screens";
        ScreensExplain => "Mỗi màn hình (mã như main, sanh-tang-1) có giao diện, thời gian mỗi trang và danh sách trang xoay vòng; màn hình đã ghép nối tự nhận thay đổi, không cần tải lại. Ghép nối: tạo mã truy cập loại màn hình giám sát ghi mã màn hình, nhập mã đó trên trang đăng nhập của máy trình chiếu, rồi mở /wall/<mã màn hình>.", "Each screen (a code such as main or lobby-1) has a theme, a time per page and pages it rotates through; paired screens take a change at once, without a reload. Pairing: issue a wall-display token naming the screen's code, enter it on the kiosk's sign-in page, then open /wall/<screen code>.";
        RunningScreens => "Màn hình đang chạy", "Screens running";
        NoRunningScreens => "Chưa có màn hình nào báo trang đang chiếu.", "No screen has reported its page yet.";
        ScreenCode => "Mã màn hình", "Screen code";
        ScreenCodeHint => "chữ thường không dấu, số, dấu gạch ngang", "lower-case letters, digits, dashes";
        ScreenName => "Tên màn hình", "Screen name";
        Theme => "Giao diện", "Theme";
        ThemeDark => "Nền tối", "Dark";
        ThemeLight => "Nền sáng", "Light";
        IntervalS => "Mỗi trang (giây)", "Per page (seconds)";
        Pages => "Các trang", "Pages";
        PageKindLabel => "Loại trang", "Kind of page";
        PageIndicators => "Chỉ tiêu kinh tế – xã hội", "Socio-economic indicators";
        PageDossierProvince => "Hồ sơ TTHC toàn tỉnh", "Province's dossiers";
        PageDossierUnit => "Hồ sơ TTHC của một đơn vị", "One unit's dossiers";
        PageTasks => "Nhiệm vụ, báo cáo chậm", "Late tasks and reports";
        PageDuration => "Thời gian riêng (giây)", "Own duration (seconds)";
        PageUnitHint => "mã đơn vị, chỉ với trang của một đơn vị", "unit code, only for a unit's page";
        AddPage => "Thêm trang", "Add a page";
        RemovePage => "Bỏ trang", "Remove page";
        MoveUp => "Lên", "Up";
        AddScreen => "Thêm màn hình", "Add a screen";
        NoScreens => "Chưa có màn hình nào.", "No screens yet.";
        ScreenSaved => "Đã lưu màn hình", "Screen saved";
        ScreenDeleted => "Đã xóa màn hình", "Screen deleted";
        DeleteScreen => "Xóa màn hình", "Delete screen";
        ConfirmDeleteScreen => "Xóa màn hình", "Delete screen";
        OpenScreen => "Mở", "Open";
        Device => "Thiết bị", "Device";
        CurrentPage => "Trang đang chiếu", "Page shown";
        LastContact => "Liên lạc gần nhất", "Last contact";
        Online => "Đang chạy", "Online";
        OfflineNow => "Mất liên lạc", "Offline";
        ProceduresExplain => "Danh mục thủ tục hành chính của tỉnh theo Cơ sở dữ liệu quốc gia: cấp thực hiện, cơ quan giải quyết, thời hạn, mức độ dịch vụ công trực tuyến, phí và thanh toán trực tuyến. Nhập tệp xuất từ Cơ sở dữ liệu quốc gia để cập nhật.", "The province's administrative procedures as the national procedures database lists them: level, handling agency, processing time, online service level, fees and online payment. Import the national database's export to update it.";
        SearchProceduresHint => "Mã, tên hoặc lĩnh vực: khai sinh, 1.001193", "Code, name or field: khai sinh, 1.001193";
        Level => "Cấp thực hiện", "Level";
        AllLevels => "Mọi cấp", "All levels";
        LevelProvince => "Cấp tỉnh", "Province level";
        LevelCommune => "Cấp xã", "Commune level";
        EveryCommune => "Mọi xã, phường", "Every commune";
        ProcessingTime => "Thời hạn giải quyết", "Processing time";
        WorkingDays => "ngày làm việc", "working days";
        OnTheSpot => "Trong ngày", "Same day";
        OnlineService => "Dịch vụ công trực tuyến", "Online service";
        OnlineFull => "Toàn trình", "Fully online";
        OnlinePartial => "Một phần", "Partly online";
        OnlineNone => "Không trực tuyến", "Not online";
        WithFee => "Có phí, lệ phí", "Fee";
        PaysOnline => "Thanh toán trực tuyến", "Online payment";
        PopulationDb => "Kết nối CSDL dân cư", "Population database";
        NoProceduresFound => "Không có thủ tục nào phù hợp", "No procedure matches";
        ProceduresCount => "thủ tục", "procedures";
        ImportProcedures => "Nhập danh mục từ tệp", "Import the catalogue from a file";
        ImportProceduresExplain => "Tệp CSV hoặc Excel (.xlsx) xuất từ Cơ sở dữ liệu quốc gia về thủ tục hành chính, dòng đầu là tên cột (Mã thủ tục, Tên thủ tục, Lĩnh vực, Cấp thực hiện, Cơ quan thực hiện, Thời hạn giải quyết, Mức độ DVC, Phí, lệ phí, Thanh toán trực tuyến, Kết nối CSDL dân cư). Có dòng sai thì không ghi dòng nào.", "A CSV or Excel (.xlsx) file exported from the national procedures database, column names in the first row (Mã thủ tục, Tên thủ tục, Lĩnh vực, Cấp thực hiện, Cơ quan thực hiện, Thời hạn giải quyết, Mức độ DVC, Phí, lệ phí, Thanh toán trực tuyến, Kết nối CSDL dân cư). If any row is wrong, nothing is written.";
        ChooseFile => "Chọn tệp CSV hoặc Excel", "Choose a CSV or Excel file";
        Imported => "Đã nhập danh mục", "Catalogue imported";
        ShapesTitle => "Ranh giới xã, phường (bản đồ)", "Commune boundaries (map)";
        ShapesExplain => "Tệp GeoJSON (FeatureCollection): mỗi đối tượng có mã xã (thuộc tính code, ma_xa hoặc ward_code) và hình Polygon/MultiPolygon theo [kinh độ, vĩ độ]. Tệp thay toàn bộ ranh giới đang lưu; có đối tượng sai thì không ghi gì.", "A GeoJSON FeatureCollection: every feature has a commune code (property code, ma_xa or ward_code) and a Polygon/MultiPolygon in [longitude, latitude]. The file replaces every stored boundary; if any feature is wrong, nothing is written.";
        ChooseShapes => "Chọn tệp GeoJSON", "Choose a GeoJSON file";
        ShapesImported => "Đã nhập ranh giới của", "Boundaries imported for";
        ShapesCommunes => "xã, phường", "communes";
        ShapesMissing => "chưa có ranh giới", "without a boundary";
        CreatedCount => "thêm mới", "added";
        UpdatedCount => "cập nhật", "updated";
        UnchangedCount => "không đổi", "unchanged";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ioc_protocol::i18n::Lang;

    #[test]
    fn both_languages_are_there() {
        for m in [
            AdminMsg::AdminArea,
            AdminMsg::ShownOnce,
            AdminMsg::HistoricCannotActivate,
            AdminMsg::After,
        ] {
            assert!(!m.vi().is_empty() && !m.en().is_empty());
            assert_ne!(m.vi(), m.en(), "{m:?}");
        }
        assert_eq!(AdminMsg::Tokens.get(Lang::Vi), "Mã truy cập API");
        assert_eq!(AdminMsg::Tokens.get(Lang::En), "API tokens");
    }
}
