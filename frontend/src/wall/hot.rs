//! The rule of the "hot issues" panel (Vấn đề nổi bật): what a leader must see first. One pure
//! function over the tiles' months and the province's deadline board, so the server-rendered
//! wall and the live page list exactly the same issues, and the rule is tested on its own.

use ioc_protocol::{DeadlineBoard, DeadlineStatus, IndicatorDef, MonthFigure};

use super::model::{breach, progress, year_on_year, Breach};

/// One issue, in data; the panel words it in the page's language.
#[derive(Clone, Debug, PartialEq)]
pub enum HotIssue {
    /// The latest month is outside the indicator's warning thresholds.
    Breach {
        code: String,
        name_vi: String,
        name_en: String,
        period: String,
        value: f64,
        decimals: u8,
        breach: Breach,
    },
    /// The latest month is behind the annual target's pace (or on the wrong side of its level).
    BehindTarget {
        code: String,
        name_vi: String,
        name_en: String,
        period: String,
        pct: f64,
        pace_pct: Option<f64>,
        /// For an index relative to last year: the month's change ("+4,5 %") and the target's
        /// ("+4,0 %"), which is how the issue is worded instead of a meaningless ratio.
        change: Option<f64>,
        target_change: Option<f64>,
        /// Public investment: the year to date is worded as disbursement of the plan.
        disbursement: bool,
    },
    /// The province is late to the Government (trễ hạn gửi Chính phủ): after the send deadline,
    /// `count` reports of the group and period are not sent — approved but not sent, awaiting
    /// approval, or still missing at the province. The province's own lateness, distinct from
    /// the units' ([`HotIssue::Late`]).
    LateToGovernment {
        group: String,
        period: String,
        send_deadline: String,
        count: usize,
    },
    /// A reporting unit has not submitted after its deadline.
    Late {
        unit: String,
        unit_name_vi: String,
        unit_name_en: String,
        group: String,
        period: String,
        deadline: String,
    },
}

impl HotIssue {
    /// A stable key for keyed lists and test selectors.
    pub fn key(&self) -> String {
        match self {
            HotIssue::Breach { code, .. } => format!("breach:{code}"),
            HotIssue::BehindTarget { code, .. } => format!("behind:{code}"),
            HotIssue::LateToGovernment { group, period, .. } => {
                format!("late-gov:{group}:{period}")
            }
            HotIssue::Late {
                unit,
                group,
                period,
                ..
            } => format!("late:{group}:{unit}:{period}"),
        }
    }
}

/// The hot issues, most serious first: threshold breaches, then the province late to the
/// Government (oldest period first), then late units (oldest deadline first), then indicators
/// behind their target. An indicator without published months raises
/// nothing: an empty tile is visible on its own and is not an alarm about the economy.
pub fn hot_issues<'a>(
    tiles: impl IntoIterator<Item = (&'a IndicatorDef, &'a [MonthFigure])>,
    board: Option<&DeadlineBoard>,
) -> Vec<HotIssue> {
    let mut breaches = Vec::new();
    let mut behind = Vec::new();
    for (def, history) in tiles {
        let Some(last) = history.last() else { continue };
        if let Some(b) = breach(def, last.value) {
            breaches.push(HotIssue::Breach {
                code: def.code.clone(),
                name_vi: def.name_vi.clone(),
                name_en: def.name_en.clone(),
                period: last.period.clone(),
                value: last.value,
                decimals: def.decimals,
                breach: b,
            });
        }
        if let Some(p) = progress(def, history).filter(|p| p.behind) {
            behind.push(HotIssue::BehindTarget {
                code: def.code.clone(),
                name_vi: def.name_vi.clone(),
                name_en: def.name_en.clone(),
                period: last.period.clone(),
                pct: p.pct,
                pace_pct: p.pace_pct,
                change: p
                    .target_change
                    .and(year_on_year(def.value_kind, history))
                    .map(|c| c.amount()),
                target_change: p.target_change,
                disbursement: p.disbursement,
            });
        }
    }
    // One issue per group × period: the province sends the group's reports together.
    let mut late_gov: Vec<HotIssue> = Vec::new();
    for r in board
        .iter()
        .flat_map(|b| b.rows.iter())
        .filter(|r| r.late_to_government)
    {
        match late_gov.iter_mut().find(|i| {
            matches!(i, HotIssue::LateToGovernment { group, period, .. }
                if *group == r.group && *period == r.period)
        }) {
            Some(HotIssue::LateToGovernment { count, .. }) => *count += 1,
            _ => late_gov.push(HotIssue::LateToGovernment {
                group: r.group.clone(),
                period: r.period.clone(),
                send_deadline: r.send_deadline.clone(),
                count: 1,
            }),
        }
    }
    late_gov.sort_by_key(|i| match i {
        HotIssue::LateToGovernment {
            send_deadline,
            group,
            ..
        } => (send_deadline.clone(), group.clone()),
        _ => Default::default(),
    });
    let mut late: Vec<_> = board
        .map(|b| {
            b.rows
                .iter()
                .filter(|r| r.deadline_status == DeadlineStatus::Late)
                .collect()
        })
        .unwrap_or_default();
    // ISO dates sort as text; the unit name breaks ties so the order does not flicker.
    late.sort_by(|a, b| (&a.deadline, &a.unit_name_vi).cmp(&(&b.deadline, &b.unit_name_vi)));
    let late = late.into_iter().map(|r| HotIssue::Late {
        unit: r.unit.clone(),
        unit_name_vi: r.unit_name_vi.clone(),
        unit_name_en: r.unit_name_en.clone(),
        group: r.group.clone(),
        period: r.period.clone(),
        deadline: r.deadline.clone(),
    });
    breaches
        .into_iter()
        .chain(late_gov)
        .chain(late)
        .chain(behind)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wall::model::tests::{def, fig};
    use ioc_protocol::{Aggregation, FigureKind, SubmissionSummary};

    fn row(unit: &str, status: DeadlineStatus, deadline: &str) -> SubmissionSummary {
        SubmissionSummary {
            id: None,
            group: "monthly-gov".into(),
            unit: unit.into(),
            unit_name_vi: format!("Sở {unit}"),
            unit_name_en: format!("Dept {unit}"),
            period: "2026-10".into(),
            status: None,
            revision: 0,
            deadline: deadline.into(),
            send_deadline: "2026-11-03".into(),
            deadline_status: status,
            late_to_government: false,
            submitted_at: None,
            decided_at: None,
            sent_at: None,
            expected: 3,
            entered: 0,
        }
    }

    #[test]
    fn breaches_late_units_and_lagging_targets_in_that_order() {
        let mut iip = def("iip", Aggregation::Rate, false);
        iip.warn_low = Some(100.0);
        let mut retail = def("retail_sales", Aggregation::Sum, true);
        retail.annual_target = Some(1200.0);
        let mut cpi = def("cpi", Aggregation::Average, false);
        cpi.warn_high = Some(104.0);
        let iip_h = vec![fig("2026-10", 98.5, FigureKind::Official)];
        let retail_h = vec![
            fig("2026-01", 50.0, FigureKind::Official),
            fig("2026-02", 50.0, FigureKind::Estimate),
        ];
        let cpi_h = vec![fig("2026-10", 103.0, FigureKind::Official)];
        let board = DeadlineBoard {
            period: "2026-10".into(),
            today: "2026-11-05".into(),
            rows: vec![
                row("dept-hq", DeadlineStatus::Late, "2026-11-04"),
                row("dept-stc", DeadlineStatus::Approved, "2026-11-02"),
                row("dept-sct", DeadlineStatus::Late, "2026-11-02"),
                row("dept-tk", DeadlineStatus::DueSoon, "2026-11-06"),
            ],
        };
        let issues = hot_issues(
            [
                (&iip, iip_h.as_slice()),
                (&retail, retail_h.as_slice()),
                (&cpi, cpi_h.as_slice()),
            ],
            Some(&board),
        );
        let keys: Vec<String> = issues.iter().map(HotIssue::key).collect();
        assert_eq!(
            keys,
            [
                "breach:iip",
                "late:monthly-gov:dept-sct:2026-10",
                "late:monthly-gov:dept-hq:2026-10",
                "behind:retail_sales"
            ]
        );
        match &issues[0] {
            HotIssue::Breach { breach, value, .. } => {
                assert_eq!((*breach, *value), (Breach::Low(100.0), 98.5))
            }
            other => panic!("{other:?}"),
        }
    }

    /// Trễ hạn gửi Chính phủ: after the send deadline, approved-but-not-sent and missing reports
    /// make one issue for the province, ahead of the units' lateness; sent reports make none.
    #[test]
    fn the_province_late_to_the_government_is_its_own_issue() {
        let mut approved = row("dept-stc", DeadlineStatus::Approved, "2026-11-02");
        approved.late_to_government = true;
        let mut missing = row("dept-sct", DeadlineStatus::Late, "2026-11-02");
        missing.late_to_government = true;
        let mut sent = row("dept-tk", DeadlineStatus::Sent, "2026-11-02");
        sent.late_to_government = false;
        let board = DeadlineBoard {
            period: "2026-11".into(),
            today: "2026-11-05".into(),
            rows: vec![approved, missing, sent],
        };
        let issues = hot_issues([], Some(&board));
        let keys: Vec<String> = issues.iter().map(HotIssue::key).collect();
        assert_eq!(
            keys,
            [
                "late-gov:monthly-gov:2026-10",
                "late:monthly-gov:dept-sct:2026-10"
            ]
        );
        assert!(matches!(
            issues[0],
            HotIssue::LateToGovernment { count: 2, .. }
        ));
    }

    #[test]
    fn a_yoy_index_behind_its_target_is_worded_as_changes() {
        let mut cpi = def("cpi", Aggregation::Rate, false);
        cpi.value_kind = ioc_protocol::ValueKind::IndexYoy;
        cpi.higher_is_better = false;
        cpi.annual_target = Some(104.0);
        let h = vec![fig("2026-10", 104.5, FigureKind::Official)];
        match hot_issues([(&cpi, h.as_slice())], None).as_slice() {
            [HotIssue::BehindTarget {
                change: Some(c),
                target_change: Some(t),
                ..
            }] => assert!((c - 4.5).abs() < 1e-9 && (t - 4.0).abs() < 1e-9),
            other => panic!("{other:?}"),
        }
        let ok = vec![fig("2026-10", 103.2, FigureKind::Official)];
        assert!(hot_issues([(&cpi, ok.as_slice())], None).is_empty());
    }

    #[test]
    fn nothing_to_report_is_an_empty_panel() {
        let mut d = def("exports", Aggregation::Sum, true);
        d.annual_target = Some(1200.0);
        d.warn_low = Some(1.0);
        assert!(
            hot_issues([(&d, &[][..])], None).is_empty(),
            "no months, no issue"
        );
        let h = vec![fig("2026-01", 150.0, FigureKind::Official)];
        assert!(
            hot_issues([(&d, h.as_slice())], None).is_empty(),
            "ahead of the pace, inside the band"
        );
    }
}
