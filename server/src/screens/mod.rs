//! Wall screens (issue 12, part 4): a named screen (`main`) that wall-display tokens name, with
//! its theme, rotation interval and ordered pages. Owns the table `screens`.
//!
//! The configuration is kept on the server so that a kiosk with no keyboard needs nothing but
//! its device cookie and the address `/wall/{code}`: the page follows the topic `screen/{code}`
//! through the one live hub, and an administrator's change reaches every running screen without
//! a reload. Each screen reports the page it shows (`presence`), which the operator page
//! follows on `screen-presence`.

pub mod presence;
pub mod routes;
pub mod store;

use futures::future::BoxFuture;
use futures::FutureExt;
use ioc_protocol::{
    Payload, Publication, ScreenInput, SCREEN_INTERVAL_MAX_S, SCREEN_INTERVAL_MIN_S,
    SCREEN_MAX_PAGES,
};
use std::sync::Arc;

use crate::http::ApiError;
use crate::live::{Snapshot, TopicSource};

/// Codes a screen cannot have: they are pages of their own under `/wall/`.
const RESERVED: [&str; 3] = ["dossiers", "indicator", "tasks"];
/// Longest screen name, in characters.
const NAME_MAX: usize = 100;

fn rejected(code: &'static str, vi: String, en: String) -> ApiError {
    ApiError::Rejected { code, vi, en }
}

/// A screen code: 1 to 32 lower-case letters, digits and dashes, not starting with a dash, and
/// not the name of another wall page.
pub fn check_code(code: &str) -> Result<(), ApiError> {
    let shape = !code.is_empty()
        && code.len() <= 32
        && !code.starts_with('-')
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !shape {
        return Err(rejected(
            "invalid_screen_code",
            format!("Mã màn hình {code:?} không hợp lệ: 1–32 chữ thường không dấu, chữ số hoặc dấu gạch ngang"),
            format!("Screen code {code:?} is invalid: 1–32 lower-case letters, digits or dashes"),
        ));
    }
    if RESERVED.contains(&code) {
        return Err(rejected(
            "invalid_screen_code",
            format!("Mã màn hình {code:?} trùng với một trang của màn hình lớn"),
            format!("Screen code {code:?} is the name of another wall page"),
        ));
    }
    Ok(())
}

/// Checks a screen's configuration; a unit's page must name a unit of the province.
pub async fn check_input(
    db: &sqlx::PgPool,
    province: &str,
    input: &ScreenInput,
) -> Result<(), ApiError> {
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX {
        return Err(rejected(
            "invalid_name",
            format!("Tên màn hình phải có từ 1 đến {NAME_MAX} ký tự"),
            format!("The screen's name must have 1 to {NAME_MAX} characters"),
        ));
    }
    let seconds = SCREEN_INTERVAL_MIN_S..=SCREEN_INTERVAL_MAX_S;
    if !seconds.contains(&input.interval_s) {
        return Err(rejected(
            "invalid_interval",
            format!(
                "Thời gian mỗi trang phải từ {SCREEN_INTERVAL_MIN_S} đến {SCREEN_INTERVAL_MAX_S} giây (nhận {})",
                input.interval_s
            ),
            format!(
                "Each page must stay {SCREEN_INTERVAL_MIN_S} to {SCREEN_INTERVAL_MAX_S} seconds (got {})",
                input.interval_s
            ),
        ));
    }
    if input.pages.is_empty() || input.pages.len() > SCREEN_MAX_PAGES {
        return Err(rejected(
            "invalid_pages",
            format!("Màn hình cần từ 1 đến {SCREEN_MAX_PAGES} trang"),
            format!("A screen needs 1 to {SCREEN_MAX_PAGES} pages"),
        ));
    }
    for (i, page) in input.pages.iter().enumerate() {
        let n = i + 1;
        if let Some(d) = page.duration_s.filter(|d| !seconds.contains(d)) {
            return Err(rejected(
                "invalid_pages",
                format!("Trang {n}: thời gian phải từ {SCREEN_INTERVAL_MIN_S} đến {SCREEN_INTERVAL_MAX_S} giây (nhận {d})"),
                format!("Page {n}: its duration must be {SCREEN_INTERVAL_MIN_S} to {SCREEN_INTERVAL_MAX_S} seconds (got {d})"),
            ));
        }
        match (&page.unit, page.kind.needs_unit()) {
            (None, true) => {
                return Err(rejected(
                    "invalid_pages",
                    format!("Trang {n}: cần mã đơn vị"),
                    format!("Page {n}: a unit code is needed"),
                ))
            }
            (Some(_), false) => {
                return Err(rejected(
                    "invalid_pages",
                    format!("Trang {n}: loại trang này không nhận mã đơn vị"),
                    format!("Page {n}: this kind of page takes no unit"),
                ))
            }
            (Some(unit), true) => match crate::units::within(db, unit, province).await? {
                None => {
                    return Err(rejected(
                        "unknown_unit",
                        format!("Trang {n}: không có đơn vị {unit:?}"),
                        format!("Page {n}: there is no unit {unit:?}"),
                    ))
                }
                Some(false) => {
                    return Err(rejected(
                        "unknown_unit",
                        format!("Trang {n}: đơn vị {unit:?} không thuộc tỉnh {province}"),
                        format!("Page {n}: unit {unit:?} is not in province {province}"),
                    ))
                }
                Some(true) => {}
            },
            (None, false) => {}
        }
    }
    Ok(())
}

/// Serves `screen/{code}`: the whole configuration as the state, the screen's version as the
/// offset. Nothing is kept to replay (a configuration is small; a client that missed a version
/// simply takes the current one as the truth).
pub struct ScreenTopics {
    pub db: sqlx::PgPool,
    pub epoch: Arc<str>,
    pub province: String,
}

impl TopicSource for ScreenTopics {
    fn snapshot<'a>(
        &'a self,
        topic: &'a str,
    ) -> BoxFuture<'a, Result<Option<Snapshot>, sqlx::Error>> {
        async move {
            let Some(code) = topic.strip_prefix("screen/") else {
                return Ok(None);
            };
            Ok(store::get(&self.db, code, &self.province)
                .await?
                .map(|s| Snapshot {
                    epoch: self.epoch.to_string(),
                    offset: s.version,
                    state: Some(Payload::Screen(Box::new(s))),
                }))
        }
        .boxed()
    }

    fn since<'a>(
        &'a self,
        _topic: &'a str,
        _after: i64,
        _limit: i64,
    ) -> BoxFuture<'a, Result<Vec<Publication>, sqlx::Error>> {
        async { Ok(Vec::new()) }.boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::check_code;

    #[test]
    fn screen_codes() {
        for ok in ["main", "lobby-2", "p1"] {
            assert!(check_code(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "Main",
            "-x",
            "a b",
            "dossiers",
            "tasks",
            "indicator",
            &"x".repeat(33),
        ] {
            assert!(check_code(bad).is_err(), "{bad}");
        }
    }
}
