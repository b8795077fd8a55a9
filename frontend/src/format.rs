//! How the screens write times, dates and periods (the same in both languages, as official
//! reports do).

use chrono::{DateTime, FixedOffset, Utc};

/// Vietnam keeps UTC+7 all year (no daylight saving), so a fixed offset is exact.
pub fn vietnam_time(ts: DateTime<Utc>) -> DateTime<FixedOffset> {
    ts.with_timezone(&FixedOffset::east_opt(7 * 3600).expect("valid offset"))
}

/// `24/11/2026 15:30` in Vietnam's time.
pub fn format_time(ts: DateTime<Utc>) -> String {
    vietnam_time(ts).format("%d/%m/%Y %H:%M").to_string()
}

/// [`format_time`], or nothing.
pub fn time_label(ts: Option<DateTime<Utc>>) -> String {
    ts.map(format_time).unwrap_or_default()
}

/// `2026-10` → `10/2026` (both languages write months this way in official reports).
pub fn period_label(period: &str) -> String {
    match period.split_once('-') {
        Some((y, m)) => format!("{m}/{y}"),
        None => period.to_string(),
    }
}

/// `2026-11-02` → `02/11/2026`.
pub fn date_label(date: &str) -> String {
    let parts: Vec<&str> = date.split('-').collect();
    match parts.as_slice() {
        [y, m, d] => format!("{d}/{m}/{y}"),
        _ => date.to_string(),
    }
}
