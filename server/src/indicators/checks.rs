//! The entry checks: what a figure is compared with before it is accepted.
//!
//! Errors (outside the indicator's possible range) block the entry. Warnings (outside the
//! warning band, a sudden jump against the previous month or the same month last year, a
//! year-to-date value that is not the sum of the published months) pass only with a note that
//! explains them, so an approver reading the report sees why the number is what it is. A
//! year to date that differs from the months is a warning, not an error: statistics offices
//! revise earlier months and report the revised year to date before the months are republished.
//! Pure functions: the caller loads the comparison figures.

use ioc_protocol::i18n::{format_number, Lang};
use ioc_protocol::{Aggregation, FigureKind, Finding, IndicatorDef, Severity};

/// One figure and what it is compared with.
pub struct Candidate<'a> {
    pub def: &'a IndicatorDef,
    pub kind: FigureKind,
    pub value: f64,
    pub ytd: Option<f64>,
    /// Published figure of the previous month.
    pub previous_month: Option<f64>,
    /// Published figure of the same month last year.
    pub same_month_last_year: Option<f64>,
    /// Sum of the published months of this year before this one; `Some(0.0)` in January.
    pub ytd_before: Option<f64>,
}

pub fn check(c: &Candidate<'_>) -> Vec<Finding> {
    let d = c.def;
    let mut out = Vec::new();
    let vi = |v: f64| format_number(v, d.decimals, Lang::Vi);
    let en = |v: f64| format_number(v, d.decimals, Lang::En);
    // Percentages as each language writes them: "+35,7" / "+35.7".
    let pct_vi = |p: f64| {
        format!(
            "{}{}",
            if p >= 0.0 { "+" } else { "-" },
            format_number(p.abs(), 1, Lang::Vi)
        )
    };
    let pct_en = |p: f64| format!("{p:+.1}");
    let mut push = |severity, code: &str, vi: String, en: String| {
        out.push(Finding {
            series: d.code.clone(),
            kind: c.kind,
            severity,
            code: code.to_string(),
            message_vi: format!("{}: {vi}", d.name_vi),
            message_en: format!("{}: {en}", d.name_en),
        })
    };
    let v = c.value;
    if let Some(min) = d.min_value.filter(|m| v < *m) {
        push(
            Severity::Error,
            "below_min",
            format!("{} nhỏ hơn mức tối thiểu {}", vi(v), vi(min)),
            format!("{} is below the minimum {}", en(v), en(min)),
        );
    }
    if let Some(max) = d.max_value.filter(|m| v > *m) {
        push(
            Severity::Error,
            "above_max",
            format!("{} lớn hơn mức tối đa {}", vi(v), vi(max)),
            format!("{} is above the maximum {}", en(v), en(max)),
        );
    }
    if let Some(low) = d.warn_low.filter(|l| v < *l) {
        push(
            Severity::Warning,
            "below_warn",
            format!("{} thấp hơn ngưỡng cảnh báo {}", vi(v), vi(low)),
            format!("{} is below the warning threshold {}", en(v), en(low)),
        );
    }
    if let Some(high) = d.warn_high.filter(|h| v > *h) {
        push(
            Severity::Warning,
            "above_warn",
            format!("{} cao hơn ngưỡng cảnh báo {}", vi(v), vi(high)),
            format!("{} is above the warning threshold {}", en(v), en(high)),
        );
    }
    if let Some(pct) = jump(c.previous_month, v, d.jump_pct) {
        let prev = c.previous_month.unwrap_or_default();
        push(
            Severity::Warning,
            "jump_prev_month",
            format!(
                "thay đổi {}% so với tháng trước ({}), vượt ngưỡng {}%",
                pct_vi(pct),
                vi(prev),
                format_number(d.jump_pct, 0, Lang::Vi)
            ),
            format!(
                "changed {}% against the previous month ({}), beyond {}%",
                pct_en(pct),
                en(prev),
                d.jump_pct
            ),
        );
    }
    if let Some(pct) = jump(c.same_month_last_year, v, d.jump_pct) {
        let last = c.same_month_last_year.unwrap_or_default();
        push(
            Severity::Warning,
            "jump_same_month_last_year",
            format!(
                "thay đổi {}% so với cùng kỳ năm trước ({}), vượt ngưỡng {}%",
                pct_vi(pct),
                vi(last),
                format_number(d.jump_pct, 0, Lang::Vi)
            ),
            format!(
                "changed {}% against the same month last year ({}), beyond {}%",
                pct_en(pct),
                en(last),
                d.jump_pct
            ),
        );
    }
    if d.cumulative && d.aggregation == Aggregation::Sum {
        if let (Some(ytd), Some(before)) = (c.ytd, c.ytd_before) {
            let expected = before + v;
            // Each of up to twelve months may be rounded by half a unit of the last shown
            // decimal: rounding in the sources must not trip the check, a real gap must.
            let tolerance = 12.0 * 0.5 * 10f64.powi(-(d.decimals as i32));
            // A warning: a revised earlier month makes the reported year to date right and the
            // published months stale; the note says which month was revised.
            if (ytd - expected).abs() > tolerance {
                push(
                    Severity::Warning,
                    "ytd_mismatch",
                    format!("lũy kế {} khác tổng các tháng đã công bố {} (các tháng trước {} + tháng này {}); nếu số liệu các tháng trước đã được điều chỉnh, ghi rõ trong phần giải trình", vi(ytd), vi(expected), vi(before), vi(v)),
                    format!("year to date {} differs from the sum of the published months {} (earlier months {} + this month {}); if earlier months were revised, say so in the note", en(ytd), en(expected), en(before), en(v)),
                );
            }
        }
    }
    out
}

/// The change in percent from `reference` to `value` when it is beyond `limit_pct`.
fn jump(reference: Option<f64>, value: f64, limit_pct: f64) -> Option<f64> {
    let r = reference.filter(|r| *r != 0.0)?;
    let pct = (value - r) / r.abs() * 100.0;
    (pct.abs() > limit_pct).then_some(pct)
}

/// Whether every warning among `findings` of one figure is covered by a note.
pub fn needs_note(findings: &[Finding], note: Option<&str>) -> bool {
    findings.iter().any(|f| f.severity == Severity::Warning)
        && note.is_none_or(|n| n.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def() -> IndicatorDef {
        IndicatorDef {
            code: "retail_sales".into(),
            name_vi: "Bán lẻ".into(),
            name_en: "Retail".into(),
            measure_vi: "tỷ đồng".into(),
            measure_en: "bn VND".into(),
            decimals: 1,
            group: Some("monthly-gov".into()),
            periodicity: "monthly".into(),
            aggregation: Aggregation::Sum,
            value_kind: ioc_protocol::ValueKind::Flow,
            disbursement: false,
            cumulative: true,
            owner_unit: Some("dept-sct".into()),
            owner_name_vi: None,
            higher_is_better: true,
            min_value: Some(0.0),
            max_value: None,
            warn_low: Some(1000.0),
            warn_high: None,
            jump_pct: 30.0,
            annual_target: None,
            active: true,
            on_wall: true,
            sort_order: 0,
        }
    }

    fn candidate(d: &IndicatorDef, value: f64) -> Candidate<'_> {
        Candidate {
            def: d,
            kind: FigureKind::Estimate,
            value,
            ytd: None,
            previous_month: Some(7000.0),
            same_month_last_year: Some(6800.0),
            ytd_before: Some(63000.0),
        }
    }

    fn codes(f: &[Finding]) -> Vec<(&str, Severity)> {
        f.iter().map(|f| (f.code.as_str(), f.severity)).collect()
    }

    #[test]
    fn a_plausible_figure_passes() {
        let d = def();
        assert!(check(&candidate(&d, 7400.0)).is_empty());
    }

    #[test]
    fn range_errors_block_and_bands_warn() {
        let d = def();
        let f = check(&candidate(&d, -5.0));
        assert!(codes(&f).contains(&("below_min", Severity::Error)), "{f:?}");
        assert!(codes(&f).contains(&("below_warn", Severity::Warning)));
        assert!(f[0].message_vi.contains("Bán lẻ") && f[0].message_en.contains("Retail"));
    }

    #[test]
    fn jumps_against_previous_month_and_last_year_warn() {
        let d = def();
        let f = check(&candidate(&d, 9500.0));
        assert_eq!(
            codes(&f),
            vec![
                ("jump_prev_month", Severity::Warning),
                ("jump_same_month_last_year", Severity::Warning)
            ]
        );
        assert!(
            f[0].message_en.contains("+35.7%") && f[0].message_en.contains("7,000.0"),
            "{}",
            f[0].message_en
        );
        assert!(
            f[0].message_vi.contains("+35,7%") && f[0].message_vi.contains("7.000,0"),
            "{}",
            f[0].message_vi
        );
        let mut c = candidate(&d, 7400.0);
        c.previous_month = None;
        c.same_month_last_year = Some(0.0);
        assert!(check(&c).is_empty(), "no reference, no jump");
    }

    #[test]
    fn a_year_to_date_off_the_sum_of_months_warns() {
        let d = def();
        let mut c = candidate(&d, 7400.0);
        c.ytd = Some(70400.0);
        assert!(check(&c).is_empty());
        c.ytd = Some(70420.0);
        c.ytd_before = Some(63000.0);
        // Revised earlier months: a warning that needs a note, not a refusal.
        let f = check(&c);
        assert_eq!(codes(&f), vec![("ytd_mismatch", Severity::Warning)]);
        assert!(needs_note(&f, None));
        assert!(!needs_note(&f, Some("Tháng 1 đã được điều chỉnh")));
        c.ytd = Some(70430.0);
        c.ytd_before = None;
        assert!(
            check(&c).is_empty(),
            "unknown earlier months: nothing to compare"
        );
    }

    #[test]
    fn warnings_need_a_note() {
        let d = def();
        let f = check(&candidate(&d, 9500.0));
        assert!(needs_note(&f, None));
        assert!(needs_note(&f, Some("  ")));
        assert!(!needs_note(&f, Some("Tết shopping")));
        assert!(!needs_note(&[], None));
    }
}
