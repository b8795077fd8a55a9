//! Reporting periods as Decree 09/2019/NĐ-CP cuts them, and the deadlines counted from them:
//! shared by the reporting regimes and by recurring tasks ("định kỳ trước ngày 20 tháng cuối
//! quý").
//!
//! A periodic report's figures are cut off in a window that is not the calendar period (art.
//! 12): the month of March runs from 15 February to 14 March; a quarter from the 15th of the
//! month before it to the 14th of its last month; the first half-year from 15 December to 14 June,
//! the second from 15 June to 14 December; the year from 15 December to 14 December. Provinces
//! add their own; the 9-month report (15 December → 14 September) is the usual one.
//!
//! A deadline is either a day of a month tied to the period (its last month, or the month after
//! it), by or before that day, counted in calendar or working days ([`MonthDeadline`], so the
//! days-off rules are the calendar's), or a number of days after the cut-off.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
pub use ioc_protocol::{DeadlineMonth, Frequency};

use super::{Calendar, Counting, MonthDeadline};

/// One reporting period: its frequency, year, and number within the year (month 1–12, quarter
/// 1–4, half 1–2; 1 for the year and the 9 months).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    pub year: i32,
    pub frequency: Frequency,
    pub number: u32,
}

/// Why a period key was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a reporting period: {0:?} (2026-03, 2026-Q1, 2026-H1, 2026-9M, 2026)")]
pub struct BadPeriod(pub String);

impl Period {
    /// The period numbered `number` of `year`; `None` when it does not exist (month 13,
    /// quarter 5, a year before the calendar's range).
    pub fn new(frequency: Frequency, year: i32, number: u32) -> Option<Period> {
        ((1..=frequency.per_year()).contains(&number) && (1900..=9999).contains(&year)).then_some(
            Period {
                year,
                frequency,
                number,
            },
        )
    }

    /// The month (1–12) the period's window ends in: the month itself, the quarter's or
    /// half-year's last month, September, December.
    pub fn last_month(&self) -> u32 {
        match self.frequency {
            Frequency::Monthly => self.number,
            Frequency::Quarterly => self.number * 3,
            Frequency::HalfYearly => self.number * 6,
            Frequency::NineMonths => 9,
            Frequency::Yearly => 12,
        }
    }

    /// The first month the period is named for (January for a year, April for Q2).
    fn named_first_month(&self) -> u32 {
        let months = match self.frequency {
            Frequency::Monthly => 1,
            Frequency::Quarterly => 3,
            Frequency::HalfYearly => 6,
            Frequency::NineMonths => 9,
            Frequency::Yearly => 12,
        };
        self.last_month() + 1 - months
    }

    /// The month its window starts in, as (year, month): the 15th of the month before its first.
    fn first_month(&self) -> (i32, u32) {
        month_before(self.year, self.named_first_month())
    }

    /// The first day of the months it is named for (1 April 2026 for 2026-Q2): how a
    /// submission row keys its period.
    pub fn first_day(&self) -> NaiveDate {
        day(self.year, self.named_first_month(), 1)
    }

    /// The data cut-off window, both days included (Decree 09, art. 12).
    pub fn window(&self) -> (NaiveDate, NaiveDate) {
        let (y, m) = self.first_month();
        (day(y, m, 15), day(self.year, self.last_month(), 14))
    }

    /// The period of `frequency` whose window holds `d`; `None` for the days no 9-month
    /// period holds (15 September → 14 December).
    pub fn containing(frequency: Frequency, d: NaiveDate) -> Option<Period> {
        // The monthly period first: from the 15th on, a day belongs to the next month's.
        let (year, month) = if d.day() >= 15 {
            month_after(d.year(), d.month())
        } else {
            (d.year(), d.month())
        };
        let number = match frequency {
            Frequency::Monthly => month,
            Frequency::Quarterly => month.div_ceil(3),
            Frequency::HalfYearly => month.div_ceil(6),
            Frequency::NineMonths if month <= 9 => 1,
            Frequency::NineMonths => return None,
            Frequency::Yearly => 1,
        };
        Period::new(frequency, year, number)
    }

    /// The period before this one (the 9-month period of the year before).
    pub fn previous(&self) -> Period {
        if self.number <= 1 {
            Period {
                year: self.year - 1,
                number: self.frequency.per_year(),
                ..*self
            }
        } else {
            Period {
                number: self.number - 1,
                ..*self
            }
        }
    }

    /// The period after this one.
    pub fn next(&self) -> Period {
        if self.number >= self.frequency.per_year() {
            Period {
                year: self.year + 1,
                number: 1,
                ..*self
            }
        } else {
            Period {
                number: self.number + 1,
                ..*self
            }
        }
    }

    /// Its name as reports title it: "Tháng 3/2026", "Quý I/2026", "6 tháng đầu năm 2026",
    /// "9 tháng năm 2026", "Năm 2026".
    pub fn label_vi(&self) -> String {
        match self.frequency {
            Frequency::Monthly => format!("Tháng {}/{}", self.number, self.year),
            Frequency::Quarterly => format!("Quý {}/{}", roman(self.number), self.year),
            Frequency::HalfYearly if self.number == 1 => format!("6 tháng đầu năm {}", self.year),
            Frequency::HalfYearly => format!("6 tháng cuối năm {}", self.year),
            Frequency::NineMonths => format!("9 tháng năm {}", self.year),
            Frequency::Yearly => format!("Năm {}", self.year),
        }
    }

    /// "March 2026", "Q1 2026", "First half of 2026", "9 months of 2026", "Year 2026".
    pub fn label_en(&self) -> String {
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        match self.frequency {
            Frequency::Monthly => format!("{} {}", MONTHS[self.number as usize - 1], self.year),
            Frequency::Quarterly => format!("Q{} {}", self.number, self.year),
            Frequency::HalfYearly if self.number == 1 => format!("First half of {}", self.year),
            Frequency::HalfYearly => format!("Second half of {}", self.year),
            Frequency::NineMonths => format!("9 months of {}", self.year),
            Frequency::Yearly => format!("Year {}", self.year),
        }
    }
}

/// The key of a period in URLs and storage: `2026-03`, `2026-Q1`, `2026-H1`, `2026-9M`, `2026`.
impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.frequency {
            Frequency::Monthly => write!(f, "{}-{:02}", self.year, self.number),
            Frequency::Quarterly => write!(f, "{}-Q{}", self.year, self.number),
            Frequency::HalfYearly => write!(f, "{}-H{}", self.year, self.number),
            Frequency::NineMonths => write!(f, "{}-9M", self.year),
            Frequency::Yearly => write!(f, "{}", self.year),
        }
    }
}

impl FromStr for Period {
    type Err = BadPeriod;

    fn from_str(s: &str) -> Result<Period, BadPeriod> {
        let bad = || BadPeriod(s.to_string());
        let (year, rest) = match s.split_once('-') {
            Some((y, rest)) => (y, Some(rest)),
            None => (s, None),
        };
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let number = |digits: &str| -> Result<u32, BadPeriod> {
            if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(bad());
            }
            digits.parse().map_err(|_| bad())
        };
        let (frequency, n) = match rest {
            None => (Frequency::Yearly, 1),
            Some("9M") => (Frequency::NineMonths, 1),
            Some(r) if r.starts_with('Q') => (Frequency::Quarterly, number(&r[1..])?),
            Some(r) if r.starts_with('H') => (Frequency::HalfYearly, number(&r[1..])?),
            Some(r) if r.len() == 2 => (Frequency::Monthly, number(r)?),
            Some(_) => return Err(bad()),
        };
        Period::new(frequency, year, n).ok_or_else(bad)
    }
}

/// When a period's report (or a recurring task's instance) is due.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodDeadline {
    /// Day N of a month tied to the period, by or before it, in calendar or working days.
    DayOfMonth {
        month: DeadlineMonth,
        rule: MonthDeadline,
    },
    /// N days after the cut-off day (the window's last), calendar or working days; a
    /// calendar-day limit ending on a day off moves to the next working day.
    AfterCutoff { days: u32, counting: Counting },
}

impl Calendar {
    /// The last day a period's report may arrive under `deadline`, days off counted as the law
    /// counts them.
    pub fn period_deadline(&self, period: &Period, deadline: PeriodDeadline) -> NaiveDate {
        match deadline {
            PeriodDeadline::DayOfMonth { month, rule } => {
                let (y, m) = match month {
                    DeadlineMonth::LastOfPeriod => (period.year, period.last_month()),
                    DeadlineMonth::AfterPeriod => month_after(period.year, period.last_month()),
                };
                // Only an impossible month makes `deadline` return None; these are real.
                self.deadline(y, m, rule)
                    .unwrap_or_else(|| period.window().1)
            }
            PeriodDeadline::AfterCutoff { days, counting } => {
                let cutoff = period.window().1;
                let n = i32::try_from(days).unwrap_or(i32::MAX);
                match counting {
                    Counting::WorkingDays => self.add_working_days(cutoff, n),
                    Counting::CalendarDays => {
                        self.next_working_day(cutoff + chrono::Duration::days(i64::from(n)))
                    }
                }
            }
        }
    }
}

fn day(year: i32, month: u32, d: u32) -> NaiveDate {
    // Months 1–12 and days 14–15 always exist.
    NaiveDate::from_ymd_opt(year, month, d).unwrap_or(NaiveDate::MIN)
}

fn month_before(year: i32, month: u32) -> (i32, u32) {
    if month <= 1 {
        (year - 1, 12)
    } else {
        (year, month - 1)
    }
}

fn month_after(year: i32, month: u32) -> (i32, u32) {
    if month >= 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    }
}

/// I, II, III, IV (quarters).
pub fn roman(n: u32) -> &'static str {
    ["I", "II", "III", "IV"]
        .get(n.wrapping_sub(1) as usize)
        .copied()
        .unwrap_or("?")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Bound;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn p(s: &str) -> Period {
        s.parse().unwrap()
    }

    #[test]
    fn windows_are_decree_09s() {
        let cases = [
            ("2026-03", "2026-02-15", "2026-03-14"),
            ("2026-01", "2025-12-15", "2026-01-14"),
            ("2026-Q1", "2025-12-15", "2026-03-14"),
            ("2026-Q3", "2026-06-15", "2026-09-14"),
            ("2026-H1", "2025-12-15", "2026-06-14"),
            ("2026-H2", "2026-06-15", "2026-12-14"),
            ("2026-9M", "2025-12-15", "2026-09-14"),
            ("2026", "2025-12-15", "2026-12-14"),
        ];
        for (key, from, to) in cases {
            assert_eq!(p(key).window(), (d(from), d(to)), "{key}");
        }
    }

    #[test]
    fn every_day_is_in_the_period_whose_window_holds_it() {
        let cases = [
            (Frequency::Monthly, "2026-03-14", Some("2026-03")),
            (Frequency::Monthly, "2026-03-15", Some("2026-04")),
            (Frequency::Monthly, "2026-12-20", Some("2027-01")),
            (Frequency::Quarterly, "2026-03-15", Some("2026-Q2")),
            (Frequency::Quarterly, "2025-12-15", Some("2026-Q1")),
            (Frequency::HalfYearly, "2026-06-14", Some("2026-H1")),
            (Frequency::HalfYearly, "2026-06-15", Some("2026-H2")),
            (Frequency::NineMonths, "2026-09-14", Some("2026-9M")),
            (Frequency::NineMonths, "2026-09-15", None),
            (Frequency::Yearly, "2026-12-15", Some("2027")),
        ];
        for (f, day, want) in cases {
            let got = Period::containing(f, d(day));
            assert_eq!(got.map(|p| p.to_string()).as_deref(), want, "{day}");
            if let Some(got) = got {
                let (from, to) = got.window();
                assert!(from <= d(day) && d(day) <= to, "{day} in {got}");
            }
        }
        // Consecutive windows meet: each starts the day after the previous one ends.
        for key in [
            "2026-01", "2026-Q1", "2026-H1", "2026", "2026-9M", "2026-12", "2026-Q4",
        ] {
            assert_eq!(p(key).previous().next(), p(key), "{key}");
            let (from, _) = p(key).window();
            let (_, prev_to) = p(key).previous().window();
            if p(key).frequency != Frequency::NineMonths {
                assert_eq!(prev_to.succ_opt(), Some(from), "{key}");
            }
        }
    }

    #[test]
    fn keys_round_trip_and_bad_ones_are_refused() {
        for key in [
            "2026-03", "2026-12", "2026-Q4", "2026-H2", "2026-9M", "2026",
        ] {
            assert_eq!(p(key).to_string(), key);
        }
        for bad in [
            "2026-13",
            "2026-00",
            "2026-Q5",
            "2026-Q0",
            "2026-H3",
            "2026-3",
            "26",
            "2026-",
            "2026-Q",
            "2026-8M",
            "abcd",
            "2026-03-01",
            "",
            "2026-Q+1",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
        assert_eq!(p("2026-Q1").label_vi(), "Quý I/2026");
        assert_eq!(p("2026-H1").label_vi(), "6 tháng đầu năm 2026");
        assert_eq!(p("2026-03").label_en(), "March 2026");
    }

    #[test]
    fn deadlines_count_days_off_as_the_law_does() {
        // The announced 2026 schedule (Tết off 14–22 February).
        let cal = crate::calendar::tests::cal();
        let by = |day| MonthDeadline {
            day,
            bound: Bound::By,
            counting: Counting::CalendarDays,
        };
        let before = |day| MonthDeadline {
            day,
            bound: Bound::Before,
            counting: Counting::CalendarDays,
        };
        let cases = [
            // March 2026's report "by the 2nd of the month after": Thursday 2 April.
            (
                "2026-03",
                PeriodDeadline::DayOfMonth {
                    month: DeadlineMonth::AfterPeriod,
                    rule: by(2),
                },
                "2026-04-02",
            ),
            // Q1 2026 "before the 20th of the quarter's last month": Thursday 19 March.
            (
                "2026-Q1",
                PeriodDeadline::DayOfMonth {
                    month: DeadlineMonth::LastOfPeriod,
                    rule: before(20),
                },
                "2026-03-19",
            ),
            // Q2 2026: 19 June is a Friday.
            (
                "2026-Q2",
                PeriodDeadline::DayOfMonth {
                    month: DeadlineMonth::LastOfPeriod,
                    rule: before(20),
                },
                "2026-06-19",
            ),
            // Q3 2026: 19 September is a Saturday → Monday 21 September (art. 148(2)).
            (
                "2026-Q3",
                PeriodDeadline::DayOfMonth {
                    month: DeadlineMonth::LastOfPeriod,
                    rule: before(20),
                },
                "2026-09-21",
            ),
            // The 9 months of 2026, 2 working days after the cut-off (Monday 14 September):
            // Wednesday 16 September.
            (
                "2026-9M",
                PeriodDeadline::AfterCutoff {
                    days: 2,
                    counting: Counting::WorkingDays,
                },
                "2026-09-16",
            ),
            // January 2026's report, 2 working days after Wednesday 14 January: Friday 16.
            (
                "2026-01",
                PeriodDeadline::AfterCutoff {
                    days: 2,
                    counting: Counting::WorkingDays,
                },
                "2026-01-16",
            ),
            // Tết 2026 (off 14–22 February): February's report 3 working days after Saturday
            // 14 February → Monday 23, Tuesday 24, Wednesday 25.
            (
                "2026-02",
                PeriodDeadline::AfterCutoff {
                    days: 3,
                    counting: Counting::WorkingDays,
                },
                "2026-02-25",
            ),
            // 5 calendar days after 14 February = 19 February, off → Monday 23.
            (
                "2026-02",
                PeriodDeadline::AfterCutoff {
                    days: 5,
                    counting: Counting::CalendarDays,
                },
                "2026-02-23",
            ),
            // The year 2026 "by the 2nd of the month after" → 2 January 2027, a Saturday →
            // Monday 4 January.
            (
                "2026",
                PeriodDeadline::DayOfMonth {
                    month: DeadlineMonth::AfterPeriod,
                    rule: by(2),
                },
                "2027-01-04",
            ),
        ];
        for (key, rule, want) in cases {
            assert_eq!(
                cal.period_deadline(&p(key), rule),
                d(want),
                "{key} {rule:?}"
            );
        }
    }
}
