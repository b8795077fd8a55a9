//! The working calendar on the wire: days off, swap days and working weekend days of a year,
//! each with its legal source and whether the Government has announced it or the rules expect it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// What a day of the calendar is.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A public holiday of the Labour Code (art. 112): 1 Jan, Tết, Hùng Kings, 30 Apr, 1 May,
    /// 2 Sep and its adjacent day.
    Holiday,
    /// Nghỉ bù: a holiday fell on a weekend, this next working day is off instead.
    Compensatory,
    /// Hoán đổi: a weekday off, repaid by working the weekend day `repaid_on`.
    Swap,
    /// Làm bù: a Saturday or Sunday that is a working day (the repayment of a swap).
    Working,
}

impl DayKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Compensatory => "compensatory",
            DayKind::Swap => "swap",
            DayKind::Working => "working",
        }
    }

    pub fn parse(s: &str) -> Option<DayKind> {
        [
            DayKind::Holiday,
            DayKind::Compensatory,
            DayKind::Swap,
            DayKind::Working,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    /// Whether the day is off (all kinds but `Working`).
    pub fn is_off(self) -> bool {
        self != DayKind::Working
    }
}

/// One day of the working calendar.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CalendarDay {
    /// `YYYY-MM-DD`.
    pub day: NaiveDate,
    pub kind: DayKind,
    pub name_vi: String,
    pub name_en: String,
    /// The legal source, e.g. "Công văn số 2450/VPCP-KGVX ngày 12/4/2024 của Văn phòng Chính phủ".
    pub source: String,
    /// Announced by the Government (true) or expected from the rules (false).
    pub announced: bool,
    /// For a swap day: the weekend day worked instead.
    #[serde(default)]
    pub repaid_on: Option<NaiveDate>,
}

/// Body of `PUT /api/v1/calendar/days/{day}`: the day itself is in the path. A swap day writes
/// its repayment day (a `Working` day) in the same request.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CalendarDayInput {
    pub kind: DayKind,
    pub name_vi: String,
    pub name_en: String,
    #[serde(default)]
    pub source: String,
    #[serde(default = "yes")]
    pub announced: bool,
    #[serde(default)]
    pub repaid_on: Option<NaiveDate>,
}

fn yes() -> bool {
    true
}

/// A year of the working calendar (`GET /api/v1/calendar/{year}`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CalendarYear {
    pub year: i32,
    /// The year's days are kept in the database (edited or seeded); otherwise they are computed
    /// from the rules and every one is expected.
    pub stored: bool,
    /// Every day of the year is as the Government announced it (none expected).
    pub announced: bool,
    /// Days off, swap days and working weekend days in date order.
    pub days: Vec<CalendarDay>,
    /// Warnings about the current and next year (no announced schedule yet).
    #[serde(default)]
    pub warnings: Vec<CalendarWarning>,
}

/// "Year Y's schedule is not (wholly) announced": deadlines of that year use expected days.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CalendarWarning {
    pub year: i32,
    pub message_vi: String,
    pub message_en: String,
}

impl CalendarWarning {
    pub fn not_announced(year: i32) -> CalendarWarning {
        CalendarWarning {
            year,
            message_vi: format!(
                "Chưa nhập đủ lịch nghỉ lễ, Tết năm {year} do Chính phủ công bố: hạn báo cáo năm {year} đang tính theo ngày nghỉ dự kiến từ quy định."
            ),
            message_en: format!(
                "The Government's holiday schedule for {year} has not been entered in full: deadlines in {year} use days off expected from the rules."
            ),
        }
    }
}

/// How often a regime reports (and how a recurring task recurs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    Monthly,
    Quarterly,
    HalfYearly,
    /// The provincial 9-month report (15 December → 14 September).
    NineMonths,
    Yearly,
}

impl Frequency {
    /// Periods in a year (the 9-month period: one).
    pub fn per_year(self) -> u32 {
        match self {
            Frequency::Monthly => 12,
            Frequency::Quarterly => 4,
            Frequency::HalfYearly => 2,
            Frequency::NineMonths | Frequency::Yearly => 1,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Monthly => "monthly",
            Frequency::Quarterly => "quarterly",
            Frequency::HalfYearly => "half_yearly",
            Frequency::NineMonths => "nine_months",
            Frequency::Yearly => "yearly",
        }
    }

    pub fn parse(s: &str) -> Option<Frequency> {
        Frequency::ALL.into_iter().find(|f| f.as_str() == s)
    }

    pub const ALL: [Frequency; 5] = [
        Frequency::Monthly,
        Frequency::Quarterly,
        Frequency::HalfYearly,
        Frequency::NineMonths,
        Frequency::Yearly,
    ];
}

/// Which month a "day N" deadline falls in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeadlineMonth {
    /// The period's last month ("trước ngày 20 tháng cuối quý").
    LastOfPeriod,
    /// The month after it ("chậm nhất ngày 02 của tháng sau tháng báo cáo").
    AfterPeriod,
}

impl DeadlineMonth {
    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineMonth::LastOfPeriod => "last_of_period",
            DeadlineMonth::AfterPeriod => "after_period",
        }
    }

    pub fn parse(s: &str) -> Option<DeadlineMonth> {
        [DeadlineMonth::LastOfPeriod, DeadlineMonth::AfterPeriod]
            .into_iter()
            .find(|m| m.as_str() == s)
    }
}
