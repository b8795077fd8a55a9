//! Texts of the dossier office screens and of the printed apology slip (the style and the common
//! words: [`crate::i18n`]). The slip's sentences carry `{…}` slots filled by `slip.rs`; the
//! Vietnamese ones follow Decree 61/2018/NĐ-CP, Mẫu số 04 (as amended by Decree 107/2021).

use crate::i18n::{texts, Common};

texts! {
    pub enum DossierMsg {
        // The list
        Title => "Hồ sơ thủ tục hành chính", "Public-service dossiers";
        Area => "Giải quyết thủ tục hành chính", "Administrative procedures";
        Lead => "Hồ sơ quá hạn và đang giải quyết của đơn vị. Với hồ sơ trễ hoặc sắp trễ hạn, lập phiếu xin lỗi và hẹn lại ngày trả kết quả rồi in phiếu gửi người dân.", "The unit's overdue and open dossiers. For a dossier that is late or about to be, issue an apology slip with a new return date, then print it for the applicant.";
        Unit => Common::Unit;
        AllUnits => "Tất cả đơn vị", "All units";
        Show => "Xem", "Show";
        Loading => Common::Loading;
        NoUnits => "Tài khoản của bạn chưa được giao đơn vị nào.", "Your account has no unit.";
        Overdue => "Quá hạn", "Overdue";
        Open => "Đang giải quyết", "In progress";
        NoOverdue => "Không có hồ sơ quá hạn.", "No overdue dossiers.";
        NoOpen => "Không có hồ sơ đang giải quyết.", "No dossiers in progress.";
        Procedure => "Thủ tục", "Procedure";
        Commune => "Xã, phường", "Commune";
        Received => "Tiếp nhận", "Received";
        DueFirst => "Hẹn trả ban đầu", "First promised";
        DueNow => "Hẹn trả hiện tại", "Promised now";
        WorkingDaysLate => "ngày làm việc trễ hạn", "working days late";
        Postponed => "Đã hẹn lại", "Postponed";
        Times => "lần", "times";
        DueSoon => "Sắp đến hạn", "Due soon";
        InTime => "Trong hạn", "In time";
        Paused => "Tạm dừng", "Paused";
        // The slip form
        IssueSlip => "Lập phiếu xin lỗi", "Issue apology slip";
        Reason => "Lý do trễ hạn", "Reason for the delay";
        ReasonHint => "In trên phiếu gửi người dân", "Printed on the slip for the applicant";
        NewDue => "Ngày hẹn trả mới", "New return date";
        Issue => "Lập phiếu", "Issue the slip";
        Cancel => Common::Cancel;
        NeedReason => "Hãy ghi lý do trễ hạn", "Write the reason for the delay";
        NeedDate => "Hãy chọn ngày hẹn trả mới", "Choose the new return date";
        Issued => "Đã lập phiếu xin lỗi lần", "Apology slip issued, no.";
        PrintSlip => "In phiếu", "Print the slip";
        Slip => "Phiếu lần", "Slip no.";
        // The printable slip
        Back => "Về danh sách hồ sơ", "Back to the dossiers";
        Print => "In phiếu", "Print";
        PrintHint => "Khổ A4; điền tên người nhận và ký trước khi gửi.", "A4 paper; write the addressee's name and sign before sending.";
        SlipTitle => "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", "LETTER OF APOLOGY AND NEW DATE FOR THE RESULT";
        Republic => "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIET NAM";
        Motto => "Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness";
        PeoplesCommittee => "ỦY BAN NHÂN DÂN", "PEOPLE'S COMMITTEE";
        ProvinceCommittee => "UBND {province}", "PEOPLE'S COMMITTEE OF {province}";
        Number => "Số: ……/PXL", "No.: ……/PXL";
        Occurrence => "(Lần {n})", "(No. {n})";
        DateLine => "{place}, ngày {d} tháng {m} năm {y}", "{place}, {date}";
        To => "Kính gửi:", "To:";
        BodyReceived => "Ngày {received}, {agency} tiếp nhận hồ sơ đề nghị giải quyết thủ tục hành chính “{procedure}” của Ông/Bà/Cơ quan/Tổ chức ……………………………………………………", "On {received}, {agency} received the application for the administrative procedure “{procedure}” of Mr/Ms/Agency/Organisation ……………………………………………………";
        BodyCode => "Mã số hồ sơ: {code}.", "Dossier code: {code}.";
        BodyDue => "Thời hẹn trả kết quả giải quyết hồ sơ: ngày {due}.", "Promised date for the result: {due}.";
        BodyDueAgain => "Thời hẹn trả kết quả giải quyết hồ sơ: ngày {due}, đã hẹn lại đến ngày {previous}.", "Promised date for the result: {due}, postponed to {previous}.";
        BodyLate => "Tuy nhiên đến nay, {agency} chưa trả kết quả giải quyết hồ sơ của Ông/Bà/Cơ quan/Tổ chức đúng thời hạn đã hẹn ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả.", "However, {agency} has not returned the result of the application by the date promised on the receipt.";
        BodyReason => "Lý do:", "Reason:";
        BodyApology => "Sự chậm trễ này đã gây phiền hà cho Ông/Bà/Cơ quan/Tổ chức. {agency} xin lỗi Ông/Bà/Cơ quan/Tổ chức và hẹn lại ngày trả kết quả giải quyết hồ sơ vào ngày {new_due}.", "{agency} apologises for the inconvenience this delay has caused and will return the result of the application on {new_due}.";
        BodyThanks => "Xin trân trọng cảm ơn sự hợp tác của Ông/Bà/Cơ quan/Tổ chức./.", "Thank you for your cooperation.";
        Preparer => "NGƯỜI LẬP PHIẾU", "PREPARED BY";
        PreparerSign => "(Ký, ghi rõ họ tên)", "(Signature, full name)";
        Head => "THỦ TRƯỞNG CƠ QUAN", "HEAD OF THE AGENCY";
        HeadSign => "(Ký, ghi rõ họ tên, đóng dấu)", "(Signature, full name, seal)";
        FormNote => "Mẫu số 04, Nghị định 61/2018/NĐ-CP (sửa đổi tại Nghị định 107/2021/NĐ-CP)", "Form 04, Decree 61/2018/ND-CP (as amended by Decree 107/2021/ND-CP)";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slip_sentences_keep_their_slots_in_both_languages() {
        for m in [
            DossierMsg::BodyReceived,
            DossierMsg::BodyLate,
            DossierMsg::BodyApology,
        ] {
            assert!(
                m.vi().contains("{agency}") && m.en().contains("{agency}"),
                "{m:?}"
            );
        }
        assert!(DossierMsg::BodyApology.vi().contains("{new_due}"));
        assert!(DossierMsg::BodyApology.en().contains("{new_due}"));
    }
}
