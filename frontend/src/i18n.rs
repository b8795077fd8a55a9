//! The screens' text catalogues, one style everywhere: one enum per audience (`WallMsg`,
//! `EntryMsg`, `AdminMsg`), each text with its Vietnamese and English side by side, so a missing
//! translation is a compile error; words every screen repeats (Lưu/Save, Hủy/Cancel, …) once in
//! [`Common`], which the page catalogues name instead of spelling them again. Texts the server
//! shares (errors, sign-in, connection state) are `ioc_protocol::i18n::Msg`.

/// The catalogue macro, shared with the server's catalogue (`ioc_protocol::i18n::Msg`).
pub(crate) use ioc_protocol::texts;

texts! {
    /// Words every kind of screen uses.
    pub enum Common {
        Loading => "Đang tải…", "Loading…";
        Save => "Lưu", "Save";
        Cancel => "Hủy", "Cancel";
        Edit => "Sửa", "Edit";
        Filter => "Lọc", "Filter";
        Status => "Trạng thái", "Status";
        Active => "Đang hoạt động", "Active";
        Approved => "Đã duyệt", "Approved";
        Code => "Mã", "Code";
        Name => "Tên", "Name";
        NameVi => "Tên tiếng Việt", "Vietnamese name";
        NameEn => "Tên tiếng Anh", "English name";
        Unit => "Đơn vị", "Unit";
        Month => "Tháng", "Month";
        Time => "Thời điểm", "Time";
        Value => "Giá trị", "Value";
        Estimate => "Số ước tính", "Estimate";
        EnteredBy => "Người nhập", "Entered by";
        DueBy => "hạn chậm nhất", "due by";
        LateToGovernment => "Trễ hạn gửi Chính phủ", "Late to the Government";
        Wall => "Màn hình giám sát", "Monitoring wall";
        IndicatorCatalogue => "Danh mục chỉ tiêu", "Indicator catalogue";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ioc_protocol::i18n::Lang;

    texts! {
        enum Sample {
            Own => "Riêng", "Own";
            Shared => Common::Save;
        }
    }

    #[test]
    fn a_catalogue_has_its_own_texts_and_names_the_common_ones() {
        assert_eq!(Sample::Own.get(Lang::Vi), "Riêng");
        assert_eq!(Sample::Own.get(Lang::En), "Own");
        assert_eq!(Sample::Shared.get(Lang::Vi), "Lưu");
        assert_eq!(Sample::Shared.get(Lang::En), "Save");
        assert_eq!(Common::Cancel.get(Lang::Vi), "Hủy");
    }
}
