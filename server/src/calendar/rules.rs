//! The expected schedule of any year, from the rules of the Labour Code 2019 (art. 112).
//!
//! Used for every year without a stored schedule (the Government announces each year's around
//! the end of the previous one). Every day produced here is marked expected (`announced =
//! false`). The rules:
//! - 1 January; 30 April and 1 May; Hùng Kings' day (10th day of the 3rd lunar month);
//! - Tết: 5 days, taken here as the last day of the old lunar year and the 1st–4th of the new
//!   one (the pattern of 2026 and 2027; the Government often shifts it by a day, which the
//!   announced schedule then records);
//! - National Day: 2 September and one adjacent day "as the Government sets". Rule chosen: the
//!   adjacent weekday that joins a weekend (Monday 1 Sep or Friday 3 Sep) when there is one,
//!   else 1 September if it is a weekday, else 3 September. It reproduces 2022–2026.
//! - A holiday on a Saturday or Sunday gives the next working day off (nghỉ bù, art. 111(3)).
//!
//! Swap days are never expected: they are decisions of each year.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use ioc_protocol::{CalendarDay, DayKind};

use super::lunar;

const SOURCE: &str =
    "Bộ luật Lao động 2019, Điều 112 (dự kiến theo quy tắc, chưa có thông báo của Chính phủ)";

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The expected days off of `year`, in date order (holidays and their compensatory days).
/// Empty for a year out of the calendar's range.
pub fn expected_year(year: i32) -> Vec<CalendarDay> {
    let Some(days) = expected_holidays(year) else {
        return Vec::new();
    };
    let mut out: Vec<CalendarDay> = days
        .iter()
        .map(|(day, vi, en)| day_off(*day, DayKind::Holiday, vi, en))
        .collect();
    // Compensation: each holiday on a weekend → the next day that is neither a weekend nor
    // already off (two weekend holidays in a row give two compensatory days).
    for (day, vi, en) in &days {
        if !is_weekend(*day) {
            continue;
        }
        let mut c = *day + Duration::days(1);
        while is_weekend(c) || out.iter().any(|o| o.day == c) {
            c += Duration::days(1);
        }
        out.push(day_off(
            c,
            DayKind::Compensatory,
            &format!("{vi} (nghỉ bù)"),
            &format!("{en} (substitute day off)"),
        ));
    }
    out.sort_by_key(|d| d.day);
    out
}

fn day_off(day: NaiveDate, kind: DayKind, vi: &str, en: &str) -> CalendarDay {
    CalendarDay {
        day,
        kind,
        name_vi: vi.to_string(),
        name_en: en.to_string(),
        source: SOURCE.to_string(),
        announced: false,
        repaid_on: None,
    }
}

type Named = (NaiveDate, &'static str, &'static str);

fn expected_holidays(year: i32) -> Option<Vec<Named>> {
    let ymd = |m, d| NaiveDate::from_ymd_opt(year, m, d);
    let tet = lunar::tet(year)?;
    let mut out: Vec<Named> = vec![(ymd(1, 1)?, "Tết Dương lịch", "New Year's Day")];
    for i in -1..=3 {
        out.push((
            tet + Duration::days(i),
            "Tết Nguyên đán",
            "Lunar New Year (Tết)",
        ));
    }
    out.push((
        lunar::hung_kings(year)?,
        "Giỗ Tổ Hùng Vương",
        "Hung Kings' Commemoration",
    ));
    out.push((ymd(4, 30)?, "Ngày Chiến thắng", "Reunification Day"));
    out.push((ymd(5, 1)?, "Quốc tế Lao động", "International Labour Day"));
    let national = ymd(9, 2)?;
    out.push((national, "Quốc khánh", "National Day"));
    out.push((national_day_adjacent(year)?, "Quốc khánh", "National Day"));
    out.sort_by_key(|d| d.0);
    Some(out)
}

/// The day next to 2 September that is off with it (see the module documentation).
pub fn national_day_adjacent(year: i32) -> Option<NaiveDate> {
    let before = NaiveDate::from_ymd_opt(year, 9, 1)?;
    let after = NaiveDate::from_ymd_opt(year, 9, 3)?;
    let joins_weekend = |d: NaiveDate, outer: NaiveDate| !is_weekend(d) && is_weekend(outer);
    Some(if joins_weekend(before, before - Duration::days(1)) {
        before
    } else if joins_weekend(after, after + Duration::days(1)) {
        after
    } else if !is_weekend(before) {
        before
    } else {
        after
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn off(year: i32) -> Vec<NaiveDate> {
        expected_year(year).into_iter().map(|d| d.day).collect()
    }

    #[test]
    fn national_day_adjacent_reproduces_recent_years() {
        assert_eq!(national_day_adjacent(2022), Some(d(2022, 9, 1))); // Fri 2 → Thu 1
        assert_eq!(national_day_adjacent(2023), Some(d(2023, 9, 1))); // Sat 2 → Fri 1
        assert_eq!(national_day_adjacent(2024), Some(d(2024, 9, 3))); // Mon 2 → Tue 3
        assert_eq!(national_day_adjacent(2025), Some(d(2025, 9, 1))); // Tue 2 → Mon 1
        assert_eq!(national_day_adjacent(2026), Some(d(2026, 9, 1))); // Wed 2 → Tue 1
        assert_eq!(national_day_adjacent(2027), Some(d(2027, 9, 3))); // Thu 2 → Fri 3
    }

    #[test]
    fn year_2027_from_the_rules() {
        let days = off(2027);
        // 1 Jan 2027 is a Friday.
        assert!(days.contains(&d(2027, 1, 1)));
        // Tết 6 Feb 2027 (Saturday): 5 Feb (last day of the year), 6–9 Feb; the weekend days
        // 6 and 7 give 10 and 11 Feb.
        for x in [5, 8, 9, 10, 11] {
            assert!(days.contains(&d(2027, 2, x)), "{x} Feb 2027");
        }
        assert!(days.contains(&d(2027, 2, 6)));
        assert!(days.contains(&d(2027, 4, 16)), "Hùng Kings, a Friday");
        assert!(days.contains(&d(2027, 4, 30)) && days.contains(&d(2027, 5, 1)));
        // 1 May 2027 is a Saturday: Monday 3 May off.
        assert!(days.contains(&d(2027, 5, 3)));
        assert!(days.contains(&d(2027, 9, 2)) && days.contains(&d(2027, 9, 3)));
        assert!(expected_year(2027).iter().all(|d| !d.announced));
    }

    #[test]
    fn hung_kings_on_a_sunday_gives_monday_off() {
        // 26 Apr 2026 is a Sunday.
        let days = expected_year(2026);
        let comp = days.iter().find(|x| x.day == d(2026, 4, 27)).unwrap();
        assert_eq!(comp.kind, DayKind::Compensatory);
    }

    #[test]
    fn any_year_has_its_eleven_holidays() {
        for y in [2030, 2040, 2050, 2080] {
            let holidays = expected_year(y)
                .into_iter()
                .filter(|x| x.kind == DayKind::Holiday)
                .count();
            assert_eq!(holidays, 11, "{y}");
        }
    }
}
