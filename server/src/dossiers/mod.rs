//! Public-service dossiers (hồ sơ thủ tục hành chính): events from the one-stop systems, each
//! dossier's current state and on-time outcome, apology slips, the rollups the wall reads and the
//! Decision 766 index. Owns the tables of migration `…010000_dossiers`.
//!
//! The path of an event: [`ingest`] (push route, pull connector and simulator alike) → one
//! transaction (events, dossiers, rollup differences) → commit → the live worker recomputes the
//! boards and indexes of the units touched and publishes them on `dossiers/{unit}`.

pub mod catalogue;
pub mod connector;
pub mod event;
pub mod export;
pub mod index;
pub mod ingest;
pub mod live;
pub mod rollup;
pub mod routes;
pub mod shapes;
pub mod simulate;
pub mod slips;
pub mod state;
pub mod store;
pub mod trend;
pub mod views;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

use crate::calendar::Calendar;

/// Vietnam's time (UTC+7, no daylight saving): days of receipt, results and deadlines are local.
pub const UTC_OFFSET: Duration = Duration::hours(7);

/// The local (Vietnamese) day of an instant.
pub fn local_day(t: DateTime<Utc>) -> NaiveDate {
    (t.naive_utc() + UTC_OFFSET).date()
}

/// Today in Vietnam.
pub fn today() -> NaiveDate {
    local_day(Utc::now())
}

/// End of the office day: a dossier received later (online, at night) counts as received on
/// the next working day (Decree 45/2020 on online public services; 17:00 is the usual closing
/// hour of the one-stop desks).
const OFFICE_CLOSES: NaiveTime = NaiveTime::from_hms_opt(17, 0, 0).unwrap();
/// Procedures settled "trong ngày" (the same day) carry the clause "hồ sơ nhận sau 15 giờ thì
/// trả kết quả trong ngày làm việc tiếp theo" (e.g. the Civil Status Law, art. 16, 18).
const SAME_DAY_CUTOFF: NaiveTime = NaiveTime::from_hms_opt(15, 0, 0).unwrap();

/// The promised return date of a dossier received at `received` for a procedure settled in
/// `processing_days` working days: counted from the day of receipt, or from the next working
/// day when it arrived on a day off or after hours — a birth registration filed online at
/// 23:00 is due the next working day, not overdue at midnight.
pub fn due_date(calendar: &Calendar, received: DateTime<Utc>, processing_days: i32) -> NaiveDate {
    let local = received.naive_utc() + UTC_OFFSET;
    let cutoff = if processing_days <= 0 {
        SAME_DAY_CUTOFF
    } else {
        OFFICE_CLOSES
    };
    let day = local.date();
    let counted = if calendar.is_working_day(day) && local.time() < cutoff {
        day
    } else {
        calendar.next_working_day(day + Duration::days(1))
    };
    calendar.add_working_days(counted, processing_days.max(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipt_after_hours_or_on_a_day_off_counts_from_the_next_working_day() {
        let cal = Calendar::default();
        // (received, UTC; processing days; due). Thursday 3 December 2026, local = UTC+7.
        let cases = [
            // Same-day procedure: 14:59 → today; 15:00 → Friday; 23:35 → Friday.
            ("2026-12-03T07:59:00Z", 0, "2026-12-03"),
            ("2026-12-03T08:00:00Z", 0, "2026-12-04"),
            ("2026-12-03T16:35:00Z", 0, "2026-12-04"),
            // Three working days: from Thursday 16:59 → Tuesday 8; 17:00 → Wednesday 9.
            ("2026-12-03T09:59:00Z", 3, "2026-12-08"),
            ("2026-12-03T10:00:00Z", 3, "2026-12-09"),
            // Saturday 5 December, morning: counted from Monday 7.
            ("2026-12-05T02:00:00Z", 3, "2026-12-10"),
            ("2026-12-05T02:00:00Z", 0, "2026-12-07"),
            // Thursday 31 December after hours: 1 January off, then the weekend.
            ("2026-12-31T12:00:00Z", 0, "2027-01-04"),
        ];
        for (received, days, due) in cases {
            let received: DateTime<Utc> = received.parse().unwrap();
            let due: NaiveDate = due.parse().unwrap();
            assert_eq!(due_date(&cal, received, days), due, "{received} + {days}");
        }
    }
}
