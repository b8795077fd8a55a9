//! The working calendar as the law counts it, shared by every domain that counts days
//! (indicator deadlines now; dossiers, reporting regimes and tasks next).
//!
//! A day is a working day unless it is a Saturday or Sunday, or a day off of the year's
//! schedule (holiday, compensatory day, swap day) — and a weekend day the schedule marks as a
//! working day (the Saturday that repays a swap) is one. A year's schedule is the one stored in
//! `calendar_days` (the Government's announced schedule, seeded for 2024–2026 and edited by
//! administrators) or, for a year with nothing stored, the one the rules expect
//! ([`rules::expected_year`], lunar dates from [`lunar`]).
//!
//! Deadlines: a time limit in days whose last day is a day off ends at the end of the next
//! working day (Civil Code 2015, art. 148(2)); "chậm nhất ngày N" (by day N) includes day N,
//! "trước ngày N" (before day N) ends on day N − 1. See [`MonthDeadline`].

pub mod lunar;
pub mod periods;
pub mod routes;
pub mod rules;
pub mod store;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use ioc_protocol::CalendarDay;

/// The days off and working weekend days of one year, as bits by day of the year: the dossier
/// feed asks "is this a working day?" millions of times.
#[derive(Debug, Default)]
struct YearDays {
    off: [u64; 6],
    working: [u64; 6],
}

fn bit(d: NaiveDate) -> (usize, u64) {
    let i = d.ordinal0() as usize;
    (i / 64, 1u64 << (i % 64))
}

impl YearDays {
    fn of(days: &[CalendarDay]) -> YearDays {
        let mut y = YearDays::default();
        for d in days {
            let (w, b) = bit(d.day);
            if d.kind.is_off() {
                y.off[w] |= b;
            } else {
                y.working[w] |= b;
            }
        }
        y
    }

    fn is_off(&self, d: NaiveDate) -> bool {
        let (w, b) = bit(d);
        self.off[w] & b != 0
    }

    fn is_working(&self, d: NaiveDate) -> bool {
        let (w, b) = bit(d);
        self.working[w] & b != 0
    }
}

/// The years whose expected schedule is computed once and read without a lock (the history the
/// province keeps and the years ahead); others are computed and cached on demand.
const PRECOMPUTED: std::ops::RangeInclusive<i32> = 2015..=2050;

/// Expected years, computed once per process (the rules are a pure function of the year).
fn expected(year: i32) -> Arc<YearDays> {
    static TABLE: OnceLock<Vec<Arc<YearDays>>> = OnceLock::new();
    if PRECOMPUTED.contains(&year) {
        let table = TABLE.get_or_init(|| {
            PRECOMPUTED
                .map(|y| Arc::new(YearDays::of(&rules::expected_year(y))))
                .collect()
        });
        return table[(year - PRECOMPUTED.start()) as usize].clone();
    }
    static CACHE: OnceLock<Mutex<HashMap<i32, Arc<YearDays>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
    cache
        .entry(year)
        .or_insert_with(|| Arc::new(YearDays::of(&rules::expected_year(year))))
        .clone()
}

/// The working calendar: stored years, and the rules for every other year. Cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct Calendar {
    stored: Arc<BTreeMap<i32, Arc<YearDays>>>,
}

impl Calendar {
    /// A calendar from stored days: each year that has any day here uses exactly these days;
    /// the other years use the rules. `Calendar::default()` is the rules alone.
    pub fn new(days: impl IntoIterator<Item = CalendarDay>) -> Calendar {
        let mut by_year: BTreeMap<i32, Vec<CalendarDay>> = BTreeMap::new();
        for d in days {
            by_year.entry(d.day.year()).or_default().push(d);
        }
        Calendar {
            stored: Arc::new(
                by_year
                    .into_iter()
                    .map(|(y, days)| (y, Arc::new(YearDays::of(&days))))
                    .collect(),
            ),
        }
    }

    /// The calendar as stored in the database.
    pub async fn load(db: impl sqlx::PgExecutor<'_>) -> Result<Calendar, sqlx::Error> {
        Ok(Calendar::new(store::all(db).await?))
    }

    fn year(&self, y: i32) -> Arc<YearDays> {
        match self.stored.get(&y) {
            Some(days) => days.clone(),
            None => expected(y),
        }
    }

    /// Whether `d` is a working day.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        let y = self.year(d.year());
        if y.is_working(d) {
            return true;
        }
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !y.is_off(d)
    }

    /// `d` if it is a working day, else the first working day after it.
    pub fn next_working_day(&self, d: NaiveDate) -> NaiveDate {
        let mut d = d;
        // A year has at most a couple of weeks off in a row; the bound only guards the loop.
        for _ in 0..366 {
            if self.is_working_day(d) {
                return d;
            }
            d += Duration::days(1);
        }
        d
    }

    /// The day `n` working days after `from` (`n` < 0: before). Counting starts the day after
    /// `from` ("within N working days of receipt"); `n` = 0 gives `from` itself.
    pub fn add_working_days(&self, from: NaiveDate, n: i32) -> NaiveDate {
        let step = Duration::days(if n < 0 { -1 } else { 1 });
        let mut d = from;
        let mut left = n.unsigned_abs();
        while left > 0 {
            d += step;
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// Working days after `from` up to and including `to`; negative when `to` is before `from`
    /// (the working days after `to` up to and including `from`). Lateness "by N working days"
    /// and "due within N working days" both read this.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let count = |a: NaiveDate, b: NaiveDate| {
            a.iter_days()
                .skip(1)
                .take_while(|d| *d <= b)
                .filter(|d| self.is_working_day(*d))
                .count() as i64
        };
        if to >= from {
            count(from, to)
        } else {
            -count(to, from)
        }
    }

    /// The `n`-th working day (1-based) of `year`-`month`; `None` when the month has fewer (or
    /// for an impossible month).
    pub fn nth_working_day(&self, year: i32, month: u32, n: u32) -> Option<NaiveDate> {
        let first = NaiveDate::from_ymd_opt(year, month, 1)?;
        first
            .iter_days()
            .take_while(|d| d.month() == month)
            .filter(|d| self.is_working_day(*d))
            .nth(usize::try_from(n).ok()?.checked_sub(1)?)
    }

    /// The last working day strictly before `d`.
    pub fn previous_working_day(&self, d: NaiveDate) -> NaiveDate {
        self.add_working_days(d, -1)
    }

    /// The day a monthly deadline of `year`-`month` ends, as the law counts it.
    pub fn deadline(&self, year: i32, month: u32, rule: MonthDeadline) -> Option<NaiveDate> {
        let first = NaiveDate::from_ymd_opt(year, month, 1)?;
        let last_of_month = (first + Duration::days(31)).with_day(1)? - Duration::days(1);
        let n = rule.day.max(1);
        Some(match (rule.counting, rule.bound) {
            (Counting::CalendarDays, bound) => {
                let day = first
                    .with_day(n)
                    .unwrap_or(last_of_month)
                    .min(last_of_month);
                let last = match bound {
                    Bound::By => day,
                    Bound::Before => day - Duration::days(1),
                };
                // Art. 148(2): a time limit whose last day is off ends on the next working day.
                self.next_working_day(last)
            }
            (Counting::WorkingDays, Bound::By) => self
                .nth_working_day(year, month, n)
                .unwrap_or_else(|| self.next_working_day(last_of_month)),
            (Counting::WorkingDays, Bound::Before) => match self.nth_working_day(year, month, n) {
                Some(nth) => self.previous_working_day(nth),
                None => self.next_working_day(last_of_month),
            },
        })
    }
}

/// Whether day N is the last allowed day ("chậm nhất ngày N", by day N) or the first day too
/// late ("trước ngày N", before day N).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    /// Day N inclusive.
    By,
    /// Strictly before day N: the last allowed day is day N − 1.
    Before,
}

/// Whether N counts calendar days or working days of the month.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counting {
    /// The N-th calendar day, moved to the next working day when it is off (art. 148(2)).
    CalendarDays,
    /// The N-th working day of the month.
    WorkingDays,
}

/// A deadline "by / before day N of a month".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MonthDeadline {
    pub day: u32,
    pub bound: Bound,
    pub counting: Counting,
}

/// Every stored day of `year` or, if none is stored, the expected ones.
pub fn year_days(stored: Vec<CalendarDay>, year: i32) -> (bool, Vec<CalendarDay>) {
    if stored.is_empty() {
        (false, rules::expected_year(year))
    } else {
        (true, stored)
    }
}

#[cfg(test)]
pub(crate) mod tests;
