//! What a tile derives from an indicator's published months: the latest month, change against
//! the same month last year and the month before, progress against the annual target, threshold
//! breaches, and the sparkline's geometry. Pure functions, so the server's render, the hydrated
//! page and the hot-issues rule agree to the digit, and so they are unit-tested without a browser.

use chrono::{Datelike, NaiveDate};

use ioc_protocol::{
    change, format_period, months_before, parse_period, shown_ytd, ts_period, year_to_date,
    Against, Aggregation, Change, FigureKind, IndicatorDef, LivePoint, MonthFigure, ValueKind,
};

/// Months a tile keeps: two years and the month before, like the server's
/// `TILE_HISTORY_MONTHS`, so the same month of last year is always there for the latest month.
pub const HISTORY_MONTHS: i32 = 25;

/// Puts a live point into a tile's months. The month (`ts_period`) of a point replaces the same
/// month, a newer month is appended, an older one (backfill) is inserted in order. An estimate
/// never replaces an official figure of the same month (the official figure is the published
/// one). Year-to-date values that the change makes stale are derived again by the indicator's
/// aggregation. Returns whether the months changed.
pub fn merge_point(
    history: &mut Vec<MonthFigure>,
    aggregation: Aggregation,
    point: &LivePoint,
) -> bool {
    if !point.value.is_finite() {
        return false;
    }
    let period = ts_period(point.ts);
    let key = format_period(period);
    let kind = if point.estimate {
        FigureKind::Estimate
    } else {
        FigureKind::Official
    };
    let fresh = MonthFigure {
        period: key.clone(),
        value: point.value,
        ytd: None,
        kind,
        rolled_up: false,
        partial: false,
        demo: point.demo,
    };
    match history.binary_search_by(|m| m.period.cmp(&key)) {
        Ok(i) => {
            let cur = &history[i];
            if cur.kind == FigureKind::Official && kind == FigureKind::Estimate {
                return false;
            }
            if cur.value == fresh.value
                && cur.kind == fresh.kind
                && cur.demo == fresh.demo
                && !cur.rolled_up
            {
                return false;
            }
            history[i] = fresh;
        }
        Err(i) => history.insert(i, fresh),
    }
    // Keep the window that ends at the newest month.
    if let Some(last) = history.last().and_then(|m| parse_period(&m.period)) {
        let first = format_period(months_before(last, HISTORY_MONTHS - 1));
        history.retain(|m| m.period >= first);
    }
    rederive_ytd(history, aggregation, period);
    true
}

/// Derives the year to date again from `changed` to the end of its year; earlier months keep
/// what the server sent (possibly reported by the source, which a tile cannot re-derive).
fn rederive_ytd(history: &mut [MonthFigure], aggregation: Aggregation, changed: NaiveDate) {
    let keyed: Vec<(NaiveDate, f64, Option<f64>)> = history
        .iter()
        .filter_map(|m| {
            let p = parse_period(&m.period)?;
            let stale = p.year() == changed.year() && p >= changed;
            Some((p, m.value, if stale { None } else { m.ytd }))
        })
        .collect();
    if keyed.len() != history.len() {
        return;
    }
    for (m, ytd) in history.iter_mut().zip(year_to_date(aggregation, &keyed)) {
        m.ytd = ytd;
    }
}

/// The figure `n` months before the latest month of `history`, if published.
fn months_back(history: &[MonthFigure], n: i32) -> Option<&MonthFigure> {
    let last = parse_period(&history.last()?.period)?;
    let want = format_period(months_before(last, n));
    history.iter().rev().find(|m| m.period == want)
}

/// Change of the latest month against the same month last year, read by the indicator's kind
/// ([`change`]: a year-on-year index is its own change, a rate changes in points).
pub fn year_on_year(kind: ValueKind, history: &[MonthFigure]) -> Option<Change> {
    let last = history.last()?;
    let base = months_back(history, 12).map(|m| m.value);
    change(kind, Against::SameMonthLastYear, last.value, base)
}

/// Change of the latest month against the month before, read by the indicator's kind (none
/// for a year-on-year index: that needs the separately published month-on-month index).
pub fn month_on_month(kind: ValueKind, history: &[MonthFigure]) -> Option<Change> {
    let last = history.last()?;
    let base = months_back(history, 1).map(|m| m.value);
    change(kind, Against::PreviousMonth, last.value, base)
}

/// The year to date of the latest month against the same period last year, for indices
/// relative to last year only ("CPI bình quân … so cùng kỳ"): shown only when the source
/// reported it ([`shown_ytd`]), never derived from the monthly indices.
pub fn ytd_year_on_year(kind: ValueKind, history: &[MonthFigure]) -> Option<Change> {
    if kind != ValueKind::IndexYoy {
        return None;
    }
    let ytd = shown_ytd(kind, history.last()?.ytd, None)?;
    change(kind, Against::SameMonthLastYear, ytd, None)
}

/// Direction of a change as shown (rounded to one decimal), so a change that reads "0,0 %" is flat.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
    Flat,
}

pub fn direction(pct: f64) -> Direction {
    let shown = (pct * 10.0).round() / 10.0;
    if shown > 0.0 {
        Direction::Up
    } else if shown < 0.0 {
        Direction::Down
    } else {
        Direction::Flat
    }
}

/// How the latest month stands against the annual target.
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    /// Year to date ÷ target (cumulative indicators) or value ÷ target, in percent.
    pub pct: f64,
    /// For cumulative indicators: the share of the year elapsed at the latest month (the pace a
    /// plan spread evenly over twelve months would be at), in percent.
    pub pace_pct: Option<f64>,
    /// True for year-to-date progress.
    pub cumulative: bool,
    /// Behind the pace (cumulative) or on the wrong side of the target level.
    pub behind: bool,
    /// For an index relative to last year or last month: the target as a change ("CPI under
    /// 104" is "at most +4,0 %"), which is how the tile words it.
    pub target_change: Option<f64>,
    /// The target is a budget plan read as disbursement ("giải ngân x% kế hoạch").
    pub disbursement: bool,
    /// Whether reaching past the target is good (IIP) or bad (CPI).
    pub higher_is_better: bool,
}

/// Progress of the latest month against `annual_target`. For cumulative indicators it is the
/// year to date (derived with [`year_to_date`] over the tile's months) against the year's
/// total, compared with the pace; for the others, the month's level against the level to
/// reach (above it is behind when lower is better, e.g. CPI). For an index relative to last
/// year or last month the bar is the share of the targeted change used up (CPI 103,2 against a
/// target of 104: 80 % of the allowed rise), since the ratio of two indices says nothing.
pub fn progress(def: &IndicatorDef, history: &[MonthFigure]) -> Option<Progress> {
    let target = def.annual_target.filter(|t| *t != 0.0 && t.is_finite())?;
    let last = history.last()?;
    let period = parse_period(&last.period)?;
    if def.cumulative {
        let keyed: Vec<(NaiveDate, f64, Option<f64>)> = history
            .iter()
            .filter_map(|m| Some((parse_period(&m.period)?, m.value, m.ytd)))
            .collect();
        let ytd = (*year_to_date(def.aggregation, &keyed).last()?)?;
        let pct = ytd / target * 100.0;
        let pace = period.month() as f64 / 12.0 * 100.0;
        let behind = if def.higher_is_better {
            pct < pace
        } else {
            pct > pace
        };
        Some(Progress {
            pct,
            pace_pct: Some(pace),
            cumulative: true,
            behind,
            target_change: None,
            disbursement: def.disbursement,
            higher_is_better: def.higher_is_better,
        })
    } else {
        let relative = def.value_kind.is_relative_index();
        let target_change = relative.then_some(target - 100.0);
        let pct = match target_change {
            Some(t) if t != 0.0 => (last.value - 100.0) / t * 100.0,
            Some(_) => return None,
            None => last.value / target * 100.0,
        };
        let behind = if def.higher_is_better {
            last.value < target
        } else {
            last.value > target
        };
        Some(Progress {
            pct,
            pace_pct: None,
            cumulative: false,
            behind,
            target_change,
            disbursement: false,
            higher_is_better: def.higher_is_better,
        })
    }
}

/// A value outside the indicator's warning thresholds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Breach {
    /// Below `warn_low` (the bound).
    Low(f64),
    /// Above `warn_high` (the bound).
    High(f64),
}

pub fn breach(def: &IndicatorDef, value: f64) -> Option<Breach> {
    if let Some(low) = def.warn_low.filter(|l| value < *l) {
        return Some(Breach::Low(low));
    }
    def.warn_high.filter(|h| value > *h).map(Breach::High)
}

/// One point of a sparkline in its 0‥100 × 0‥100 drawing box (y grows downwards, as in SVG).
#[derive(Clone, Debug, PartialEq)]
pub struct SparkPoint {
    pub x: f64,
    pub y: f64,
    pub estimate: bool,
    pub period: String,
}

/// Height of the sparkline's drawing box; the width is 100. The box is stretched to the tile by
/// CSS (`preserveAspectRatio="none"`), so only lines with non-scaling strokes are drawn in it.
pub const SPARK_H: f64 = 100.0;

/// The sparkline of the months: x by month (so gaps stay gaps), y scaled to the range of the
/// values with a margin, so the line never touches the edges.
pub fn sparkline(history: &[MonthFigure]) -> Vec<SparkPoint> {
    let months: Vec<(i32, &MonthFigure)> = history
        .iter()
        .filter_map(|m| parse_period(&m.period).map(|p| (p.year() * 12 + p.month0() as i32, m)))
        .filter(|(_, m)| m.value.is_finite())
        .collect();
    let (Some(first), Some(last)) = (months.first(), months.last()) else {
        return Vec::new();
    };
    let span = (last.0 - first.0).max(1) as f64;
    let lo = months
        .iter()
        .map(|(_, m)| m.value)
        .fold(f64::INFINITY, f64::min);
    let hi = months
        .iter()
        .map(|(_, m)| m.value)
        .fold(f64::NEG_INFINITY, f64::max);
    let range = if hi > lo { hi - lo } else { 1.0 };
    months
        .iter()
        .map(|(idx, m)| SparkPoint {
            x: if months.len() == 1 {
                100.0
            } else {
                (idx - first.0) as f64 / span * 100.0
            },
            y: if hi > lo {
                8.0 + (hi - m.value) / range * (SPARK_H - 16.0)
            } else {
                SPARK_H / 2.0
            },
            estimate: m.kind == FigureKind::Estimate,
            period: m.period.clone(),
        })
        .collect()
}

/// The `points` attribute of an SVG polyline.
pub fn polyline(points: &[SparkPoint]) -> String {
    points
        .iter()
        .map(|p| format!("{:.2},{:.2}", p.x, p.y))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Month label as the province writes it: "T10/2026" in Vietnamese, "Oct 2026" in English.
pub fn month_label(period: &str, lang: ioc_protocol::i18n::Lang) -> String {
    const EN: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    match parse_period(period) {
        Some(d) => match lang {
            ioc_protocol::i18n::Lang::Vi => format!("T{}/{}", d.month(), d.year()),
            ioc_protocol::i18n::Lang::En => format!("{} {}", EN[d.month0() as usize], d.year()),
        },
        None => period.to_string(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use ioc_protocol::period_ts;

    pub fn def(code: &str, aggregation: Aggregation, cumulative: bool) -> IndicatorDef {
        IndicatorDef {
            code: code.into(),
            name_vi: code.into(),
            name_en: code.into(),
            measure_vi: String::new(),
            measure_en: String::new(),
            decimals: 1,
            group: None,
            periodicity: "monthly".into(),
            aggregation,
            value_kind: if cumulative {
                ValueKind::Flow
            } else {
                ValueKind::Level
            },
            disbursement: false,
            cumulative,
            owner_unit: None,
            owner_name_vi: None,
            higher_is_better: true,
            min_value: None,
            max_value: None,
            warn_low: None,
            warn_high: None,
            jump_pct: 30.0,
            annual_target: None,
            active: true,
            on_wall: true,
            sort_order: 0,
        }
    }

    pub fn fig(period: &str, value: f64, kind: FigureKind) -> MonthFigure {
        MonthFigure {
            period: period.into(),
            value,
            ytd: None,
            kind,
            rolled_up: false,
            partial: false,
            demo: false,
        }
    }

    fn point(period: &str, value: f64, estimate: bool) -> LivePoint {
        LivePoint {
            ts: period_ts(parse_period(period).unwrap()),
            value,
            demo: false,
            estimate,
        }
    }

    #[test]
    fn live_points_replace_their_month_append_newer_and_insert_older() {
        let mut h = vec![
            fig("2026-01", 1.0, FigureKind::Official),
            fig("2026-02", 2.0, FigureKind::Estimate),
        ];
        assert!(
            merge_point(&mut h, Aggregation::Sum, &point("2026-02", 2.5, false)),
            "official replaces estimate"
        );
        assert_eq!((h[1].value, h[1].kind), (2.5, FigureKind::Official));
        assert!(
            !merge_point(&mut h, Aggregation::Sum, &point("2026-02", 9.0, true)),
            "an estimate never replaces the official figure"
        );
        assert!(merge_point(
            &mut h,
            Aggregation::Sum,
            &point("2026-04", 4.0, true)
        ));
        assert!(merge_point(
            &mut h,
            Aggregation::Sum,
            &point("2026-03", 3.0, false)
        ));
        let periods: Vec<&str> = h.iter().map(|m| m.period.as_str()).collect();
        assert_eq!(periods, ["2026-01", "2026-02", "2026-03", "2026-04"]);
        // The year to date follows every change: 1 + 2.5 + 3 + 4.
        assert_eq!(h.last().unwrap().ytd, Some(10.5));
        assert!(
            !merge_point(&mut h, Aggregation::Sum, &point("2026-03", 3.0, false)),
            "the same figure twice is no change"
        );
    }

    #[test]
    fn the_window_keeps_the_last_25_months() {
        let mut h = Vec::new();
        for i in 0..30 {
            let p = format_period(months_before(parse_period("2026-12").unwrap(), 29 - i));
            merge_point(&mut h, Aggregation::Sum, &point(&p, i as f64, false));
        }
        assert_eq!(h.len(), 25);
        assert_eq!(h[0].period, "2024-12");
        assert_eq!(h[24].period, "2026-12");
    }

    fn pct(c: Option<Change>) -> f64 {
        match c {
            Some(Change::Percent(x)) => (x * 1e6).round() / 1e6,
            other => panic!("not a percent change: {other:?}"),
        }
    }

    #[test]
    fn changes_compare_with_the_same_month_last_year_and_the_month_before() {
        let h = vec![
            fig("2025-10", 100.0, FigureKind::Official),
            fig("2026-09", 125.0, FigureKind::Official),
            fig("2026-10", 110.0, FigureKind::Estimate),
        ];
        for kind in [ValueKind::Flow, ValueKind::Level, ValueKind::IndexBase] {
            assert_eq!(pct(year_on_year(kind, &h)), 10.0);
            assert_eq!(pct(month_on_month(kind, &h)), -12.0);
            assert_eq!(year_on_year(kind, &h[1..]), None, "no same month last year");
        }
        assert_eq!(direction(0.04), Direction::Flat);
        assert_eq!(direction(-0.06), Direction::Down);
    }

    #[test]
    fn a_year_on_year_index_reads_as_its_own_change() {
        // CPI 103,2 with the same period last year = 100: +3,2 %, not 103,2 / 102,9 − 1.
        let h = vec![
            fig("2025-10", 102.9, FigureKind::Official),
            fig("2026-09", 103.0, FigureKind::Official),
            fig("2026-10", 103.2, FigureKind::Official),
        ];
        assert_eq!(pct(year_on_year(ValueKind::IndexYoy, &h)), 3.2);
        assert_eq!(
            pct(year_on_year(ValueKind::IndexYoy, &h[2..])),
            3.2,
            "needs no base"
        );
        assert_eq!(month_on_month(ValueKind::IndexYoy, &h), None);
        // A month-on-month index: the other way round.
        let m = vec![fig("2026-10", 100.4, FigureKind::Official)];
        assert_eq!(pct(month_on_month(ValueKind::IndexMom, &m)), 0.4);
        assert_eq!(year_on_year(ValueKind::IndexMom, &m), None);
    }

    #[test]
    fn a_rate_changes_in_points() {
        let h = vec![
            fig("2025-10", 2.5, FigureKind::Official),
            fig("2026-09", 2.0, FigureKind::Official),
            fig("2026-10", 2.1, FigureKind::Official),
        ];
        match year_on_year(ValueKind::Rate, &h) {
            Some(Change::Points(x)) => assert!((x + 0.4).abs() < 1e-9),
            other => panic!("{other:?}"),
        }
        match month_on_month(ValueKind::Rate, &h) {
            Some(Change::Points(x)) => assert!((x - 0.1).abs() < 1e-9),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_year_to_date_of_a_yoy_index_is_shown_only_when_reported() {
        let mut h = vec![fig("2026-10", 103.2, FigureKind::Official)];
        assert_eq!(ytd_year_on_year(ValueKind::IndexYoy, &h), None);
        h[0].ytd = Some(103.27);
        assert_eq!(pct(ytd_year_on_year(ValueKind::IndexYoy, &h)), 3.27);
        assert_eq!(ytd_year_on_year(ValueKind::Flow, &h), None);
    }

    #[test]
    fn cumulative_progress_is_year_to_date_against_target_and_pace() {
        let mut d = def("retail_sales", Aggregation::Sum, true);
        d.annual_target = Some(1200.0);
        // Jan..Mar = 300 of 1200: 25 % at a pace of 25 % is on track.
        let h = vec![
            fig("2026-01", 100.0, FigureKind::Official),
            fig("2026-02", 100.0, FigureKind::Official),
            fig("2026-03", 100.0, FigureKind::Official),
        ];
        let p = progress(&d, &h).unwrap();
        assert_eq!((p.pct, p.pace_pct, p.behind), (25.0, Some(25.0), false));
        // One month less than the pace needs.
        let p = progress(
            &d,
            &h[..2]
                .iter()
                .cloned()
                .chain([fig("2026-03", 50.0, FigureKind::Official)])
                .collect::<Vec<_>>(),
        )
        .unwrap();
        assert!(p.behind && (p.pct - 250.0 / 12.0).abs() < 1e-9);
        // A gap in the year: no year to date, no progress rather than a wrong one.
        assert_eq!(
            progress(
                &d,
                &[
                    fig("2026-01", 100.0, FigureKind::Official),
                    fig("2026-03", 100.0, FigureKind::Official)
                ]
            ),
            None
        );
    }

    #[test]
    fn level_progress_respects_the_direction_of_better() {
        let mut d = def("enterprises", Aggregation::Last, false);
        d.higher_is_better = false;
        d.annual_target = Some(200.0);
        let p = progress(&d, &[fig("2026-10", 210.0, FigureKind::Official)]).unwrap();
        assert!(p.behind && !p.cumulative && p.pace_pct.is_none());
        assert_eq!((p.pct, p.target_change), (105.0, None));
        assert!(
            !progress(&d, &[fig("2026-10", 190.0, FigureKind::Official)])
                .unwrap()
                .behind
        );
    }

    #[test]
    fn a_yoy_index_target_is_a_change_to_stay_under_or_reach() {
        let mut cpi = def("cpi", Aggregation::Rate, false);
        cpi.value_kind = ValueKind::IndexYoy;
        cpi.higher_is_better = false;
        cpi.annual_target = Some(104.0);
        let p = progress(&cpi, &[fig("2026-10", 103.2, FigureKind::Official)]).unwrap();
        assert!(!p.behind);
        assert_eq!(p.target_change, Some(4.0));
        assert!(
            (p.pct - 80.0).abs() < 1e-9,
            "80 % of the allowed rise: {}",
            p.pct
        );
        assert!(
            progress(&cpi, &[fig("2026-10", 105.0, FigureKind::Official)])
                .unwrap()
                .behind
        );
        let mut iip = def("iip", Aggregation::Rate, false);
        iip.value_kind = ValueKind::IndexYoy;
        iip.annual_target = Some(110.0);
        let p = progress(&iip, &[fig("2026-10", 108.0, FigureKind::Official)]).unwrap();
        assert!(p.behind && (p.pct - 80.0).abs() < 1e-9);
        iip.annual_target = Some(100.0);
        assert_eq!(
            progress(&iip, &[fig("2026-10", 108.0, FigureKind::Official)]),
            None
        );
    }

    #[test]
    fn public_investment_reads_as_disbursement_of_the_plan() {
        let mut d = def("public_investment", Aggregation::Sum, true);
        d.disbursement = true;
        d.annual_target = Some(9000.0);
        let h = vec![
            fig("2026-01", 600.0, FigureKind::Official),
            fig("2026-02", 600.0, FigureKind::Official),
        ];
        let p = progress(&d, &h).unwrap();
        assert!(p.disbursement && p.cumulative);
        assert!((p.pct - 1200.0 / 90.0).abs() < 1e-9);
    }

    #[test]
    fn breaches_are_outside_the_warning_band() {
        let mut d = def("iip", Aggregation::Rate, false);
        d.warn_low = Some(100.0);
        d.warn_high = Some(130.0);
        assert_eq!(breach(&d, 99.5), Some(Breach::Low(100.0)));
        assert_eq!(breach(&d, 100.0), None);
        assert_eq!(breach(&d, 131.0), Some(Breach::High(130.0)));
    }

    #[test]
    fn sparkline_spans_the_box_and_keeps_gaps() {
        let h = vec![
            fig("2026-01", 10.0, FigureKind::Official),
            fig("2026-02", 20.0, FigureKind::Official),
            fig("2026-05", 15.0, FigureKind::Estimate),
        ];
        let s = sparkline(&h);
        assert_eq!(
            s.iter().map(|p| p.x.round()).collect::<Vec<_>>(),
            [0.0, 25.0, 100.0]
        );
        assert_eq!(
            (s[0].y, s[1].y),
            (SPARK_H - 8.0, 8.0),
            "lowest at the bottom, highest at the top"
        );
        assert!(s[2].estimate);
        assert_eq!(polyline(&s[..1]), "0.00,92.00");
    }

    #[test]
    fn months_are_labelled_per_language() {
        assert_eq!(
            month_label("2026-10", ioc_protocol::i18n::Lang::Vi),
            "T10/2026"
        );
        assert_eq!(
            month_label("2026-10", ioc_protocol::i18n::Lang::En),
            "Oct 2026"
        );
    }
}
