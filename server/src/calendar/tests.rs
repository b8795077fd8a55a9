//! The working calendar against the real schedules 2024–2026 (the seed migration, read here as
//! data) and the rules for 2027.

use chrono::NaiveDate;
use ioc_protocol::{CalendarDay, DayKind};

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// The announced days of the seed migration, parsed from its `VALUES` rows.
fn seeded() -> Vec<CalendarDay> {
    let sql = include_str!("../../../migrations/20261203004000_calendar.sql");
    let quoted = |line: &str| -> Vec<String> {
        line.split('\'')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    };
    sql.lines()
        .map(str::trim)
        .filter(|l| l.starts_with("('20"))
        .map(|l| {
            let q = quoted(&l.replace("''", ""));
            CalendarDay {
                day: q[0].parse().unwrap(),
                kind: DayKind::parse(&q[1]).unwrap(),
                name_vi: q[2].clone(),
                name_en: q[3].clone(),
                source: q[4].clone(),
                announced: true,
                repaid_on: (!l.ends_with("NULL),") && !l.ends_with("NULL);"))
                    .then(|| q.last().unwrap().parse().unwrap()),
            }
        })
        .collect()
}

/// The calendar with the announced 2024–2026 schedules (for other modules' tests too).
pub(crate) fn cal() -> Calendar {
    Calendar::new(seeded())
}

#[test]
fn the_seed_is_read_whole() {
    let days = seeded();
    assert_eq!(days.len(), 40);
    assert!(days.iter().all(|x| !x.source.is_empty()));
    let swaps: Vec<_> = days.iter().filter(|x| x.kind == DayKind::Swap).collect();
    assert_eq!(swaps.len(), 3);
    for s in swaps {
        let r = s.repaid_on.expect("a swap is repaid");
        assert!(days
            .iter()
            .any(|x| x.day == r && x.kind == DayKind::Working));
    }
}

#[test]
fn new_year_2026_swap() {
    let c = cal();
    assert!(!c.is_working_day(d(2026, 1, 1)), "Thursday 1 Jan: holiday");
    assert!(
        !c.is_working_day(d(2026, 1, 2)),
        "Friday 2 Jan: swap day off"
    );
    assert!(
        c.is_working_day(d(2026, 1, 10)),
        "Saturday 10 Jan: repays it"
    );
    assert!(!c.is_working_day(d(2026, 1, 11)), "Sunday 11 Jan");
    assert_eq!(c.next_working_day(d(2026, 1, 1)), d(2026, 1, 5));
    // Between Friday 9 and Monday 12 Jan: Saturday 10 and Monday 12.
    assert_eq!(c.working_days_between(d(2026, 1, 9), d(2026, 1, 12)), 2);
}

#[test]
fn tet_2026_is_off_from_14_to_22_february() {
    let c = cal();
    for x in 14..=22 {
        assert!(!c.is_working_day(d(2026, 2, x)), "{x} Feb 2026");
    }
    assert!(c.is_working_day(d(2026, 2, 13)));
    assert!(c.is_working_day(d(2026, 2, 23)));
    assert_eq!(c.add_working_days(d(2026, 2, 13), 1), d(2026, 2, 23));
    assert_eq!(c.add_working_days(d(2026, 2, 23), -1), d(2026, 2, 13));
    assert_eq!(c.working_days_between(d(2026, 2, 23), d(2026, 2, 13)), -1);
}

#[test]
fn may_swaps_2024_and_2025() {
    let c = cal();
    assert!(
        !c.is_working_day(d(2024, 4, 29)),
        "Monday 29 Apr 2024 swapped"
    );
    assert!(
        c.is_working_day(d(2024, 5, 4)),
        "Saturday 4 May 2024 worked"
    );
    assert!(
        !c.is_working_day(d(2025, 5, 2)),
        "Friday 2 May 2025 swapped"
    );
    assert!(
        c.is_working_day(d(2025, 4, 26)),
        "Saturday 26 Apr 2025 worked"
    );
    // May 2024: Thu 2, Fri 3, Sat 4 are the first three working days.
    assert_eq!(c.nth_working_day(2024, 5, 3), Some(d(2024, 5, 4)));
    assert_eq!(c.nth_working_day(2024, 5, 40), None);
}

#[test]
fn hung_kings_days() {
    let c = cal();
    for day in [
        d(2024, 4, 18),
        d(2025, 4, 7),
        d(2026, 4, 27),
        d(2027, 4, 16),
    ] {
        assert!(!c.is_working_day(day), "{day}");
    }
    assert_eq!(lunar::hung_kings(2026), Some(d(2026, 4, 26)), "a Sunday");
    for (y, tet) in [
        (2024, d(2024, 2, 10)),
        (2025, d(2025, 1, 29)),
        (2026, d(2026, 2, 17)),
        (2027, d(2027, 2, 6)),
    ] {
        assert_eq!(lunar::tet(y), Some(tet));
    }
}

#[test]
fn years_after_the_seed_follow_the_rules() {
    let c = cal();
    // 2027 has nothing stored: Tết 2027 from the lunar calendar.
    for x in [5, 8, 9, 10, 11] {
        assert!(!c.is_working_day(d(2027, 2, x)), "{x} Feb 2027");
    }
    assert!(c.is_working_day(d(2027, 2, 12)));
    // And any later year: Tết 2040 (12 Feb, a Sunday).
    assert_eq!(lunar::tet(2040), Some(d(2040, 2, 12)));
    assert!(!c.is_working_day(d(2040, 2, 13)));
    // A stored year overrides the rules whole: a calendar with only 2027-01-01 stored has no Tết.
    let only = Calendar::new(seeded().into_iter().take(1).map(|mut x| {
        x.day = d(2027, 1, 1);
        x
    }));
    assert!(only.is_working_day(d(2027, 2, 8)));
}

const BY: Bound = Bound::By;
const BEFORE: Bound = Bound::Before;

fn rule(day: u32, bound: Bound, counting: Counting) -> MonthDeadline {
    MonthDeadline {
        day,
        bound,
        counting,
    }
}

#[test]
fn art_148_moves_a_deadline_off_a_day_off() {
    let c = cal();
    let cd = Counting::CalendarDays;
    // December 2026's report, "by 2 January 2027": Friday 1 Jan is a holiday, 2–3 Jan a weekend.
    assert_eq!(c.deadline(2027, 1, rule(2, BY, cd)), Some(d(2027, 1, 4)));
    // "Before 3 January": the last day is the 2nd, a Saturday → Monday the 4th.
    assert_eq!(
        c.deadline(2027, 1, rule(3, BEFORE, cd)),
        Some(d(2027, 1, 4))
    );
    // August 2026's report: 2 September is National Day (1–2 Sep off) → Thursday 3 Sep.
    assert_eq!(c.deadline(2026, 9, rule(2, BY, cd)), Some(d(2026, 9, 3)));
    // A plain working day stays: "by 2 November 2026" is a Monday.
    assert_eq!(c.deadline(2026, 11, rule(2, BY, cd)), Some(d(2026, 11, 2)));
    // "Before 3 November" ends on Monday 2 November, inclusive/exclusive made explicit.
    assert_eq!(
        c.deadline(2026, 11, rule(3, BEFORE, cd)),
        Some(d(2026, 11, 2))
    );
    // Day 31 of a 30-day month is its last day.
    assert_eq!(c.deadline(2026, 6, rule(31, BY, cd)), Some(d(2026, 6, 30)));
}

#[test]
fn working_day_deadlines() {
    let c = cal();
    let wd = Counting::WorkingDays;
    // January 2027: Mon 4, Tue 5 are the first working days.
    assert_eq!(c.deadline(2027, 1, rule(2, BY, wd)), Some(d(2027, 1, 5)));
    assert_eq!(
        c.deadline(2027, 1, rule(2, BEFORE, wd)),
        Some(d(2027, 1, 4))
    );
    // January 2026: Mon 5 is the 1st working day (1–4 off); the 2nd is Tue 6.
    assert_eq!(c.deadline(2026, 1, rule(2, BY, wd)), Some(d(2026, 1, 6)));
    // "Before the 1st working day" is the last working day of the month before.
    assert_eq!(
        c.deadline(2026, 1, rule(1, BEFORE, wd)),
        Some(d(2025, 12, 31))
    );
}
