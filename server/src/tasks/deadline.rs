//! Deadlines as directives word them, read into dates: "trước ngày 20/10/2020", "chậm nhất ngày
//! 30/4/2021", "trong tháng 12/2022", "quý I/2023", "trước tháng 6/2023", "năm 2024", and the
//! recurring "định kỳ trước ngày 20 tháng cuối quý" or "chậm nhất vào ngày 02 của tháng sau
//! tháng báo cáo". The wording is kept beside what it was read as; what cannot be read is
//! refused with the reason, never guessed.
//!
//! How the law counts (the calendar's rules, shared): "trước ngày N" ends on day N − 1,
//! "chậm nhất ngày N" includes day N, and a last day that is a day off moves to the next working
//! day (Civil Code 2015, art. 148(2)). A month, quarter or year given as the deadline ends on its
//! last day; "trước tháng 6/2023" on the last day of May.

use std::sync::LazyLock;

use chrono::{Datelike, Duration, NaiveDate};
use regex::Regex;
use unicode_normalization::UnicodeNormalization;

use crate::calendar::periods::{DeadlineMonth, Frequency, Period, PeriodDeadline};
use crate::calendar::{Bound, Calendar, Counting, MonthDeadline};

/// What a deadline's wording says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deadline {
    /// No date: an ongoing task ("thường xuyên"), never late.
    Ongoing,
    /// One day: the last day allowed as worded (before any move past days off).
    Once(NaiveDate),
    /// Every period of `every`, due by day `rule.day` of the period's last month or of the
    /// month after it.
    Recurring {
        every: Frequency,
        month: DeadlineMonth,
        rule: MonthDeadline,
    },
}

impl Deadline {
    /// The last day allowed, days off counted: for a recurring deadline, that of `period`'s
    /// instance (`None` for a period of another frequency).
    pub fn due(&self, calendar: &Calendar, period: Option<&Period>) -> Option<NaiveDate> {
        match self {
            Deadline::Ongoing => None,
            Deadline::Once(day) => Some(calendar.next_working_day(*day)),
            Deadline::Recurring { every, month, rule } => {
                period.filter(|p| p.frequency == *every).map(|p| {
                    calendar.period_deadline(
                        p,
                        PeriodDeadline::DayOfMonth {
                            month: *month,
                            rule: *rule,
                        },
                    )
                })
            }
        }
    }
}

/// Why a wording was not read. Each names the wording, so that the user sees it back.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    #[error("no deadline recognised in {0:?}")]
    Unrecognised(String),
    #[error("{found:?} is not a date, in {wording:?}")]
    NoSuchDate { found: String, wording: String },
    #[error("several deadlines in {0:?}: one task per deadline")]
    Several(String),
}

impl DeadlineError {
    /// The message in Vietnamese and in English.
    pub fn messages(&self) -> (String, String) {
        match self {
            DeadlineError::Unrecognised(w) => (
                format!(
                    "Không đọc được thời hạn trong «{w}». Viết ví dụ: «trước ngày 20/10/2026», \
                     «chậm nhất ngày 30/4/2027», «trong tháng 12/2026», «quý I/2027», «định kỳ \
                     trước ngày 20 tháng cuối quý»"
                ),
                format!(
                    "No deadline could be read in «{w}». Write e.g. «trước ngày 20/10/2026», \
                     «chậm nhất ngày 30/4/2027», «trong tháng 12/2026», «quý I/2027», «định kỳ \
                     trước ngày 20 tháng cuối quý»"
                ),
            ),
            DeadlineError::NoSuchDate { found, wording } => (
                format!("«{found}» không phải là một ngày có thật (trong «{wording}»)"),
                format!("«{found}» is not a real date (in «{wording}»)"),
            ),
            DeadlineError::Several(w) => (
                format!("«{w}» có nhiều thời hạn: mỗi nhiệm vụ một thời hạn"),
                format!("«{w}» holds several deadlines: one task per deadline"),
            ),
        }
    }
}

/// A date: `20/10/2020`, `20-10-2020`, `20.10.2020` or `ngày 20 tháng 10 năm 2020`.
const DATE: &str = r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})|(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})";
/// A month: `12/2022` or `12 năm 2022`.
const MONTH: &str = r"(\d{1,2})\s*(?:/|năm)\s*(\d{4})";
/// How the day is bounded: before it, or by it.
const BOUND: &str = r"(trước|chậm nhất(?:\s+(?:là|vào))?(?:\s+trước)?|muộn nhất|hạn chót|đến|hết)";

struct Patterns {
    recurring: Regex,
    day: Regex,
    month: Regex,
    quarter: Regex,
    half: Regex,
    year: Regex,
}

static PATTERNS: LazyLock<Patterns> = LazyLock::new(|| {
    let re = |s: &str| Regex::new(s).unwrap_or_else(|e| panic!("pattern {s}: {e}"));
    Patterns {
        // "… trước ngày 20 tháng cuối quý", "… ngày 02 của tháng sau tháng báo cáo",
        // "hằng tháng, trước ngày 25" (the month itself).
        recurring: re(&format!(
            r"{BOUND}\s+(?:ngày\s+)?(\d{{1,2}})(?:\s+hằng\s+tháng|\s+hàng\s+tháng)?(?:\s+(?:của\s+)?(tháng\s+cuối\s+(?:quý|kỳ|năm|6\s+tháng)|tháng\s+sau(?:\s+tháng\s+báo\s+cáo|\s+kỳ\s+báo\s+cáo)?|tháng\s+đầu\s+quý\s+sau))?(?:$|[^/\d.-])"
        )),
        day: re(&format!(r"{BOUND}?\s*(?:ngày\s+)?(?:{DATE})")),
        month: re(&format!(
            r"(trong|trước|chậm nhất(?:\s+(?:là|vào))?(?:\s+trước)?|hết|đến hết|cuối)?\s*tháng\s+{MONTH}"
        )),
        quarter: re(
            r"(trước|trong|hết|đến hết|cuối)?\s*quý\s+(iv|iii|ii|i|1|2|3|4)\s*(?:/|năm)\s*(\d{4})",
        ),
        half: re(r"6\s+tháng\s+(đầu|cuối)\s+năm\s+(\d{4})"),
        year: re(r"(trước|trong|hết|đến hết|cuối)?\s*năm\s+(\d{4})"),
    }
});

/// Lower case, composed accents (text pasted from Word is often decomposed), no Markdown
/// emphasis, single spaces.
fn normalise(wording: &str) -> String {
    let composed: String = wording.nfc().collect::<String>().to_lowercase();
    composed
        .replace(['*', '_'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Wordings of a task without a date ("thường xuyên": ongoing).
const ONGOING: [&str; 4] = ["", "thường xuyên", "thường xuyên, liên tục", "liên tục"];

/// Reads a deadline's wording. A date, month, quarter or year counts as the deadline only with
/// the word that makes it one ("trước", "chậm nhất", "trong", "hết"…) or standing alone: the
/// "ngày 12/7/2018" of a cited decision is not a deadline.
pub fn parse(wording: &str) -> Result<Deadline, DeadlineError> {
    let text = normalise(wording);
    let text = text.trim_end_matches(['.', ';', ',']).trim().to_string();
    if ONGOING.contains(&text.as_str()) {
        return Ok(Deadline::Ongoing);
    }
    // The phrase is the whole wording (after "ngày", "thời hạn", "hoàn thành"…).
    let alone = |r: &std::ops::Range<usize>| {
        let before = text[..r.start].trim().trim_end_matches(':').trim();
        let lead = [
            "",
            "ngày",
            "thời hạn",
            "hạn",
            "hoàn thành",
            "thời gian hoàn thành",
            "thời hạn hoàn thành",
        ];
        lead.contains(&before) && text[r.end..].trim().is_empty()
    };
    let no_date = |found: &str| DeadlineError::NoSuchDate {
        found: found.trim().to_string(),
        wording: wording.trim().to_string(),
    };
    let p = &*PATTERNS;
    // Found deadlines with the byte range they were read from (a day inside a found month
    // phrase is not a second deadline).
    let mut found: Vec<(std::ops::Range<usize>, Deadline)> = Vec::new();
    let mut add = |range: std::ops::Range<usize>, d: Deadline| {
        if !found
            .iter()
            .any(|(r, _)| r.start < range.end && range.start < r.end)
        {
            found.push((range, d));
        }
    };

    for c in p.day.captures_iter(&text) {
        let whole = c.get(0).map_or(0..0, |m| m.range());
        // Day, month, year: groups 2–4 (`20/10/2020`) or 5–7 (`20 tháng 10 năm 2020`).
        let at = if c.get(2).is_some() { 2 } else { 5 };
        let (Some(day), Some(month), Some(year)) =
            (num_at(&c, at), num_at(&c, at + 1), num_at(&c, at + 2))
        else {
            continue;
        };
        if c.get(1).is_none() && !alone(&whole) {
            continue;
        }
        let date = NaiveDate::from_ymd_opt(year as i32, month, day)
            .ok_or_else(|| no_date(&text[whole.clone()]))?;
        let bound = bound_of(c.get(1).map(|m| m.as_str()));
        add(whole, Deadline::Once(last_day(date, bound)));
    }
    for c in p.month.captures_iter(&text) {
        let whole = c.get(0).map_or(0..0, |m| m.range());
        let (Some(month), Some(year)) = (num_at(&c, 2), num_at(&c, 3)) else {
            continue;
        };
        if c.get(1).is_none() && !alone(&whole) {
            continue;
        }
        let first = NaiveDate::from_ymd_opt(year as i32, month, 1)
            .ok_or_else(|| no_date(&text[whole.clone()]))?;
        let day = match bound_of(c.get(1).map(|m| m.as_str())) {
            Bound::Before => first - Duration::days(1),
            Bound::By => end_of_month(first),
        };
        add(whole, Deadline::Once(day));
    }
    for c in p.quarter.captures_iter(&text) {
        let whole = c.get(0).map_or(0..0, |m| m.range());
        let q = match c.get(2).map(|m| m.as_str()) {
            Some("i" | "1") => 1,
            Some("ii" | "2") => 2,
            Some("iii" | "3") => 3,
            _ => 4,
        };
        let Some(year) = num_at(&c, 3) else { continue };
        if c.get(1).is_none() && !alone(&whole) {
            continue;
        }
        let first = NaiveDate::from_ymd_opt(year as i32, q * 3 - 2, 1)
            .ok_or_else(|| no_date(&text[whole.clone()]))?;
        let day = match bound_of(c.get(1).map(|m| m.as_str())) {
            Bound::Before => first - Duration::days(1),
            Bound::By => end_of_month(first + Duration::days(62)),
        };
        add(whole, Deadline::Once(day));
    }
    for c in p.half.captures_iter(&text) {
        let whole = c.get(0).map_or(0..0, |m| m.range());
        let Some(year) = num_at(&c, 2) else { continue };
        let month = if c.get(1).is_some_and(|m| m.as_str() == "đầu") {
            6
        } else {
            12
        };
        let day = NaiveDate::from_ymd_opt(year as i32, month, 30 + u32::from(month == 12))
            .ok_or_else(|| no_date(&text[whole.clone()]))?;
        add(whole, Deadline::Once(day));
    }
    for c in p.recurring.captures_iter(&text) {
        let whole = c.get(0).map_or(0..0, |m| m.range());
        let Some(day) = num_at(&c, 2).filter(|d| (1..=31).contains(d)) else {
            continue;
        };
        let rule = MonthDeadline {
            day,
            bound: bound_of(c.get(1).map(|m| m.as_str())),
            counting: Counting::CalendarDays,
        };
        let which = c.get(3).map(|m| m.as_str()).unwrap_or("");
        let (every, month) = if which.contains("cuối quý") {
            (Frequency::Quarterly, DeadlineMonth::LastOfPeriod)
        } else if which.contains("cuối năm") {
            (Frequency::Yearly, DeadlineMonth::LastOfPeriod)
        } else if which.contains("cuối 6 tháng") {
            (Frequency::HalfYearly, DeadlineMonth::LastOfPeriod)
        } else if which.contains("đầu quý sau") {
            (Frequency::Quarterly, DeadlineMonth::AfterPeriod)
        } else if which.contains("tháng sau") {
            (frequency_named(&text), DeadlineMonth::AfterPeriod)
        } else if which.contains("cuối kỳ") {
            (frequency_named(&text), DeadlineMonth::LastOfPeriod)
        } else if text.contains("hằng tháng") || text.contains("hàng tháng") {
            (Frequency::Monthly, DeadlineMonth::LastOfPeriod)
        } else {
            // "trước ngày 20" alone: not a deadline without its month.
            continue;
        };
        add(whole, Deadline::Recurring { every, month, rule });
    }
    // A month's or a year's name inside a date already read is not a deadline of its own.
    for c in p.year.captures_iter(&text) {
        let whole = c.get(0).map_or(0..0, |m| m.range());
        let Some(year) = num_at(&c, 2) else { continue };
        if c.get(1).is_none() && !alone(&whole) {
            continue;
        }
        let day = match bound_of(c.get(1).map(|m| m.as_str())) {
            Bound::Before => NaiveDate::from_ymd_opt(year as i32 - 1, 12, 31),
            Bound::By => NaiveDate::from_ymd_opt(year as i32, 12, 31),
        }
        .ok_or_else(|| no_date(&text[whole.clone()]))?;
        add(whole, Deadline::Once(day));
    }
    if found.is_empty() {
        return Err(DeadlineError::Unrecognised(wording.trim().to_string()));
    }
    let first = found[0].1;
    if found.iter().any(|(_, d)| *d != first) {
        return Err(DeadlineError::Several(wording.trim().to_string()));
    }
    Ok(first)
}

fn num_at(c: &regex::Captures, i: usize) -> Option<u32> {
    c.get(i).and_then(|m| m.as_str().parse().ok())
}

/// "trước" (before) excludes the day named; "chậm nhất" (at the latest), "đến", "hết", "trong"
/// include it. "chậm nhất trước" is before.
fn bound_of(word: Option<&str>) -> Bound {
    match word {
        Some(w) if w.contains("trước") => Bound::Before,
        _ => Bound::By,
    }
}

/// The last day allowed by a date worded with `bound`.
fn last_day(date: NaiveDate, bound: Bound) -> NaiveDate {
    match bound {
        Bound::By => date,
        Bound::Before => date - Duration::days(1),
    }
}

fn end_of_month(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).map_or(d, |next| next - Duration::days(1))
}

/// The reporting frequency a recurring wording names ("báo cáo quý", "hằng quý"…); monthly
/// when it names none ("tháng sau tháng báo cáo").
fn frequency_named(text: &str) -> Frequency {
    if text.contains("quý") {
        Frequency::Quarterly
    } else if text.contains("6 tháng") {
        Frequency::HalfYearly
    } else if text.contains("hằng năm") || text.contains("hàng năm") {
        Frequency::Yearly
    } else {
        Frequency::Monthly
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn once(s: &str) -> Deadline {
        Deadline::Once(d(s))
    }

    fn every(every: Frequency, month: DeadlineMonth, day: u32, bound: Bound) -> Deadline {
        Deadline::Recurring {
            every,
            month,
            rule: MonthDeadline {
                day,
                bound,
                counting: Counting::CalendarDays,
            },
        }
    }

    /// The wordings of the five seed letters, as they stand there.
    #[test]
    fn the_seed_letters_wordings() {
        let cases = [
            (
                "thời hạn hoàn thành trước ngày 20/10/2020.",
                once("2020-10-19"),
            ),
            ("trước ngày 25/10/2020", once("2020-10-24")),
            (
                "Thời gian hoàn thành trong tháng **12/2022**.",
                once("2022-12-31"),
            ),
            ("chậm nhất trước tháng **12/2023**", once("2023-11-30")),
            (
                "Thời gian hoàn thành trong **quý I/2023**.",
                once("2023-03-31"),
            ),
            (
                "Thời gian hoàn thành trước tháng 6/2023.",
                once("2023-05-31"),
            ),
            ("hoàn thành trước 30/6/2020.", once("2020-06-29")),
            ("trình Chính phủ trước 31/12/2020.", once("2020-12-30")),
            (
                "thời hạn hoàn thành **chậm nhất ngày 20/4/2021**.",
                once("2021-04-20"),
            ),
            ("chậm nhất ngày 30/4/2021", once("2021-04-30")),
            (
                "định kỳ trước ngày 20 tháng cuối quý báo cáo Văn phòng Chính Phủ",
                every(
                    Frequency::Quarterly,
                    DeadlineMonth::LastOfPeriod,
                    20,
                    Bound::Before,
                ),
            ),
            (
                "thực hiện cung cấp chậm nhất vào ngày 02 của tháng sau tháng báo cáo.",
                every(Frequency::Monthly, DeadlineMonth::AfterPeriod, 2, Bound::By),
            ),
            (
                "trước ngày 03 của tháng sau tháng báo cáo",
                every(
                    Frequency::Monthly,
                    DeadlineMonth::AfterPeriod,
                    3,
                    Bound::Before,
                ),
            ),
        ];
        for (wording, want) in cases {
            assert_eq!(parse(wording), Ok(want), "{wording}");
        }
    }

    #[test]
    fn other_forms_directives_use() {
        let cases = [
            ("chậm nhất ngày 30 tháng 4 năm 2021", once("2021-04-30")),
            ("trước ngày 05.01.2027", once("2027-01-04")),
            ("trong năm 2024", once("2024-12-31")),
            ("trước năm 2025", once("2024-12-31")),
            ("quý IV/2026", once("2026-12-31")),
            ("trong quý 2 năm 2026", once("2026-06-30")),
            ("trước quý III/2026", once("2026-06-30")),
            ("6 tháng đầu năm 2026", once("2026-06-30")),
            ("trong tháng 2/2024", once("2024-02-29")),
            ("hết tháng 12 năm 2026", once("2026-12-31")),
            (
                "Hằng tháng, trước ngày 25",
                every(
                    Frequency::Monthly,
                    DeadlineMonth::LastOfPeriod,
                    25,
                    Bound::Before,
                ),
            ),
            (
                "báo cáo quý, chậm nhất ngày 10 của tháng sau kỳ báo cáo",
                every(
                    Frequency::Quarterly,
                    DeadlineMonth::AfterPeriod,
                    10,
                    Bound::By,
                ),
            ),
            // Decomposed accents (as pasted from some editors) read the same.
            (
                "tr\u{1b0}\u{1a1}\u{301}c nga\u{300}y 20/10/2020",
                once("2020-10-19"),
            ),
        ];
        for (wording, want) in cases {
            assert_eq!(parse(wording), Ok(want), "{wording}");
        }
    }

    #[test]
    fn what_cannot_be_read_is_refused_with_the_wording() {
        let w = "đảm bảo theo thời hạn yêu cầu của Văn phòng Chính phủ";
        assert_eq!(parse(w), Err(DeadlineError::Unrecognised(w.into())));
        // A date the wording cites is not its deadline; a condition is not a date.
        for w in [
            "sau khi Thủ tướng Chính phủ ban hành Quyết định thay thế Quyết định số 28/2018/QĐ-TTg ngày 12/7/2018",
            "khi Thông tư có hiệu lực thi hành",
            "theo Nghị quyết số 131/NQ-CP năm 2022",
            "định kỳ hàng quý",
        ] {
            assert_eq!(parse(w), Err(DeadlineError::Unrecognised(w.into())), "{w}");
        }
        assert_eq!(parse("Thường xuyên."), Ok(Deadline::Ongoing));
        assert_eq!(parse(""), Ok(Deadline::Ongoing));
        assert_eq!(parse("30/6/2026"), Ok(Deadline::Once(d("2026-06-30"))));
        assert_eq!(
            parse("Thời hạn: quý I/2027"),
            Ok(Deadline::Once(d("2027-03-31")))
        );
        assert!(
            matches!(parse("trước ngày 31/2/2021"), Err(DeadlineError::NoSuchDate { found, .. }) if found.contains("31/2/2021"))
        );
        assert!(matches!(
            parse("trong tháng 13/2022"),
            Err(DeadlineError::NoSuchDate { .. })
        ));
        assert!(matches!(
            parse("trước ngày 20"),
            Err(DeadlineError::Unrecognised(_))
        ));
        let both = "trước ngày 25/10/2020 đối với số liệu từ ngày 01/01/2019 đến hết ngày 30/9/2020; trước ngày 03 của tháng sau tháng báo cáo";
        assert!(
            matches!(parse(both), Err(DeadlineError::Several(_))),
            "{:?}",
            parse(both)
        );
        let (vi, en) = DeadlineError::Unrecognised(w.into()).messages();
        assert!(vi.contains(w) && en.contains(w));
    }

    #[test]
    fn the_due_day_moves_past_days_off() {
        let cal = crate::calendar::tests::cal();
        // "trước ngày 20/9/2026": the last day is Saturday 19 → Monday 21.
        let once = parse("trước ngày 20/9/2026").unwrap();
        assert_eq!(once.due(&cal, None), Some(d("2026-09-21")));
        // "trước ngày 20 tháng cuối quý", Q1 2026: Thursday 19 March.
        let q = parse("định kỳ trước ngày 20 tháng cuối quý").unwrap();
        let q1: Period = "2026-Q1".parse().unwrap();
        assert_eq!(q.due(&cal, Some(&q1)), Some(d("2026-03-19")));
        let march: Period = "2026-03".parse().unwrap();
        assert_eq!(
            q.due(&cal, Some(&march)),
            None,
            "a quarterly task has no monthly instance"
        );
    }
}
