//! What kind of number an indicator is, and the one rule that turns a figure and its comparison
//! figure into the change a reader sees ("so cùng kỳ", "so tháng trước"). Compiled by the
//! server (SSR, Excel, checks) and the browser (the live tiles), so every screen and export
//! reads a number the same way.
//!
//! Why a rule at all: an index published "with the same period last year = 100" (CPI, IIP in
//! the statistics office's monthly reports) already *is* the year-on-year comparison: a CPI of
//! 103,2 means prices rose 3,2 % in a year. Dividing it by last year's index (102,9) would say
//! "+0,3 %", which is the change of the inflation rate, not inflation.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// What kind of number an indicator's monthly value is.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    /// A stock at the end of the month (enterprises in operation, outstanding loans).
    #[default]
    Level,
    /// An amount over the month (retail sales, exports, budget revenue, realised investment).
    Flow,
    /// An index with the same period last year = 100 (CPI, IIP "so cùng kỳ").
    IndexYoy,
    /// An index with the previous month = 100 (CPI "so tháng trước").
    IndexMom,
    /// An index with a fixed base year = 100 (CPI 2019 = 100): compared like a level.
    IndexBase,
    /// A rate in percent (unemployment, poverty rate): changes are percentage points.
    Rate,
}

impl ValueKind {
    pub const ALL: [ValueKind; 6] = [
        ValueKind::Level,
        ValueKind::Flow,
        ValueKind::IndexYoy,
        ValueKind::IndexMom,
        ValueKind::IndexBase,
        ValueKind::Rate,
    ];

    /// The spelling in the database (`series.value_kind`) and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ValueKind::Level => "level",
            ValueKind::Flow => "flow",
            ValueKind::IndexYoy => "index_yoy",
            ValueKind::IndexMom => "index_mom",
            ValueKind::IndexBase => "index_base",
            ValueKind::Rate => "rate",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// An index whose value is itself a comparison (100 = no change).
    pub fn is_relative_index(self) -> bool {
        matches!(self, ValueKind::IndexYoy | ValueKind::IndexMom)
    }
}

/// What a figure is compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Against {
    /// The same month (or the same months, for a year to date) of the previous year.
    SameMonthLastYear,
    /// The month before.
    PreviousMonth,
}

/// A change as a reader sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Change {
    /// Percent change: "+3,2%".
    Percent(f64),
    /// Difference of two rates, in percentage points: "+0,4 điểm %".
    Points(f64),
}

impl Change {
    /// The number shown, whatever its unit.
    pub fn amount(self) -> f64 {
        match self {
            Change::Percent(x) | Change::Points(x) => x,
        }
    }
}

/// The change of `value` against `against`, read by the indicator's kind.
///
/// - level, flow, index with a base year: `value / comparison − 1`, in percent (no change
///   against a zero or missing comparison);
/// - index with the same period last year = 100: the year-on-year change is `value − 100`
///   (the comparison figure is not needed); the month-on-month change needs the separately
///   published index with the previous month = 100, so it is `None` here;
/// - index with the previous month = 100: the month-on-month change is `value − 100`; the
///   year-on-year change needs the year-on-year index, so `None`;
/// - rate: the difference in percentage points.
///
/// The same rule serves the year to date: pass the year-to-date value and the same period's
/// year to date last year (for a year-on-year index, the reported year-to-date index).
pub fn change(
    kind: ValueKind,
    against: Against,
    value: f64,
    comparison: Option<f64>,
) -> Option<Change> {
    if !value.is_finite() {
        return None;
    }
    let base = comparison.filter(|c| c.is_finite());
    match (kind, against) {
        (ValueKind::Level | ValueKind::Flow | ValueKind::IndexBase, _) => {
            let c = base.filter(|c| *c != 0.0)?;
            // (value − c) / |c| rather than value / c − 1: the same number, with less rounding
            // (7353,5 against 7000 is exactly +5,05 %, shown +5,1 %), and a shrinking deficit
            // (a negative base) is a rise.
            Some(Change::Percent((value - c) / c.abs() * 100.0))
        }
        (ValueKind::IndexYoy, Against::SameMonthLastYear)
        | (ValueKind::IndexMom, Against::PreviousMonth) => Some(Change::Percent(value - 100.0)),
        (ValueKind::IndexYoy, Against::PreviousMonth)
        | (ValueKind::IndexMom, Against::SameMonthLastYear) => None,
        (ValueKind::Rate, _) => Some(Change::Points(value - base?)),
    }
}

/// The year-to-date value of a month that may be shown for an indicator: a year-on-year or
/// month-on-month index's year to date is a figure the statistics office computes from data the
/// catalogue does not hold, so only a *reported* one (`reported`) is shown; for the other kinds
/// the derived one is right (`derived`, by the indicator's aggregation).
///
/// Source and assumption for the CPI: the General Statistics Office (Tổng cục Thống kê, since
/// 2025 Cục Thống kê, Ministry of Finance) reports "CPI bình quân" in its monthly press release
/// on consumer prices — e.g. "CPI bình quân 10 tháng năm 2025 tăng 3,27 % so với cùng kỳ năm
/// trước" — and defines it in its CPI methodology as the average price index of the months so
/// far this year (on the base year) divided by the average of the same months of last year.
/// That is a ratio of averages, not the average of the monthly year-on-year indices the
/// catalogue stores, and the base-year indices it needs are not in the catalogue; so the wall
/// and the exports never derive it: it is shown only when the source reported it (the
/// `ytd_value` of the figure). The same holds for the IIP's "tính chung" year to date.
pub fn shown_ytd(kind: ValueKind, reported: Option<f64>, derived: Option<f64>) -> Option<f64> {
    if kind.is_relative_index() {
        reported
    } else {
        reported.or(derived)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Against::*;

    fn pct(c: Option<Change>) -> f64 {
        match c {
            Some(Change::Percent(x)) => (x * 1e9).round() / 1e9,
            other => panic!("not a percent: {other:?}"),
        }
    }

    #[test]
    fn kinds_round_trip_through_their_names() {
        for k in ValueKind::ALL {
            assert_eq!(ValueKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(ValueKind::parse("index"), None);
        assert_eq!(ValueKind::default(), ValueKind::Level);
    }

    #[test]
    fn levels_and_flows_compare_as_ratios() {
        for k in [ValueKind::Level, ValueKind::Flow] {
            assert_eq!(
                pct(change(k, SameMonthLastYear, 7450.0, Some(7000.0))),
                6.428571429
            );
            assert_eq!(pct(change(k, PreviousMonth, 90.0, Some(100.0))), -10.0);
            assert_eq!(change(k, PreviousMonth, 90.0, Some(0.0)), None, "no base");
            assert_eq!(change(k, PreviousMonth, 90.0, None), None);
            assert_eq!(change(k, PreviousMonth, f64::NAN, Some(1.0)), None);
        }
        // A negative base (a deficit) that shrinks is a rise.
        assert_eq!(
            pct(change(ValueKind::Flow, PreviousMonth, -50.0, Some(-100.0))),
            50.0
        );
    }

    #[test]
    fn a_year_on_year_index_is_its_own_change() {
        // CPI 103,2 (same period last year = 100): prices rose 3,2 % — not the +0,3 % of
        // 103,2 against last year's 102,9.
        let cpi = ValueKind::IndexYoy;
        assert_eq!(pct(change(cpi, SameMonthLastYear, 103.2, Some(102.9))), 3.2);
        assert_eq!(pct(change(cpi, SameMonthLastYear, 103.2, None)), 3.2);
        assert_eq!(pct(change(cpi, SameMonthLastYear, 98.5, None)), -1.5);
        assert_eq!(
            change(cpi, PreviousMonth, 103.2, Some(102.9)),
            None,
            "needs the month-on-month index"
        );
    }

    #[test]
    fn a_month_on_month_index_is_its_own_monthly_change() {
        let k = ValueKind::IndexMom;
        assert_eq!(pct(change(k, PreviousMonth, 100.35, Some(100.1))), 0.35);
        assert_eq!(change(k, SameMonthLastYear, 100.35, Some(100.2)), None);
    }

    #[test]
    fn a_base_year_index_compares_like_a_level() {
        let k = ValueKind::IndexBase;
        assert_eq!(pct(change(k, SameMonthLastYear, 115.5, Some(110.0))), 5.0);
        assert_eq!(pct(change(k, PreviousMonth, 110.0, Some(110.0))), 0.0);
    }

    #[test]
    fn rates_change_in_percentage_points() {
        let k = ValueKind::Rate;
        match change(k, SameMonthLastYear, 2.1, Some(2.5)) {
            Some(Change::Points(x)) => assert!((x + 0.4).abs() < 1e-9),
            other => panic!("{other:?}"),
        }
        assert_eq!(change(k, PreviousMonth, 2.1, None), None);
        assert_eq!(Change::Points(-0.4).amount(), -0.4);
    }

    #[test]
    fn a_relative_index_shows_only_a_reported_year_to_date() {
        assert_eq!(shown_ytd(ValueKind::IndexYoy, None, Some(103.1)), None);
        assert_eq!(
            shown_ytd(ValueKind::IndexYoy, Some(103.27), Some(103.1)),
            Some(103.27)
        );
        assert_eq!(shown_ytd(ValueKind::IndexMom, None, Some(100.2)), None);
        assert_eq!(shown_ytd(ValueKind::Flow, None, Some(900.0)), Some(900.0));
        assert_eq!(shown_ytd(ValueKind::Level, Some(5.0), Some(6.0)), Some(5.0));
    }
}
