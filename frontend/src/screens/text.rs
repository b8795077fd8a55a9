//! Texts of the wall screens (the rotation page and its badge).

use crate::i18n::texts;

texts! {
    pub enum ScreenMsg {
        /// Followed by the time (hh:mm) the screen was last confirmed live.
        StaleSince => "Số liệu chưa cập nhật từ", "Data stale since";
        StaleExplain => "Mất kết nối máy chủ, đang tự kết nối lại", "Server connection lost, reconnecting";
        UnknownScreen => "Không có màn hình này", "There is no such screen";
        PageOf => "Trang", "Page";
    }
}
