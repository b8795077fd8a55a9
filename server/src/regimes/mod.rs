//! Periodic reporting regimes (Decree 09/2019/NĐ-CP) as data, and each unit's submission per
//! period: a narrative document and the figures of the regime's data form, handed in, returned
//! or approved by the submission lifecycle shared with the indicator reports.
//!
//! A regime names who reports to whom, how often, and by when: its periods are the calendar's
//! Decree-09 periods (figures cut off 15th → 14th) and its deadline is a rule the calendar
//! evaluates, days off included — nothing here counts days itself. A thematic or ad hoc report
//! is asked once: one period (the year of its fixed day).

pub mod demo;
pub mod export;
pub mod reminders;
pub mod routes;
pub mod store;
pub mod submissions;

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};
use ioc_protocol::{
    FieldValue, FormField, Frequency, LateReport, RegimeDeadline, RegimeInput, RegimeKind,
    RegimeSummary, RegimeSummaryRow, RegimeView, SubmissionStatus, TaskUnit, UnitLateReports,
    UnitRecord,
};
use sqlx::PgPool;

pub use store::Regime;

use crate::calendar::periods::{Period, PeriodDeadline};
use crate::calendar::{Bound, Calendar, Counting, MonthDeadline};
use crate::http::ApiError;
use crate::AppState;

/// The rule the calendar evaluates for a period (a fixed day has none: see [`Regime::deadline`]).
fn period_rule(d: RegimeDeadline) -> Option<PeriodDeadline> {
    let counting = |working: bool| {
        if working {
            Counting::WorkingDays
        } else {
            Counting::CalendarDays
        }
    };
    match d {
        RegimeDeadline::DayOfMonth {
            month,
            day,
            before,
            working_days,
        } => Some(PeriodDeadline::DayOfMonth {
            month,
            rule: MonthDeadline {
                day,
                bound: if before { Bound::Before } else { Bound::By },
                counting: counting(working_days),
            },
        }),
        RegimeDeadline::AfterCutoff { days, working_days } => Some(PeriodDeadline::AfterCutoff {
            days,
            counting: counting(working_days),
        }),
        RegimeDeadline::Fixed { .. } => None,
    }
}

impl Regime {
    /// The last day a period's report may arrive. A fixed day that is a day off moves to the next
    /// working day, as a calendar-day deadline does.
    pub fn deadline(&self, calendar: &Calendar, period: &Period) -> NaiveDate {
        match self.deadline {
            RegimeDeadline::Fixed { due_on } => calendar.next_working_day(due_on),
            d => period_rule(d).map_or(period.window().1, |rule| {
                calendar.period_deadline(period, rule)
            }),
        }
    }

    /// The first period the regime asks for.
    pub fn first_period(&self) -> Period {
        Period::containing(self.frequency, self.starts_on).unwrap_or_else(|| {
            Period::containing(Frequency::Yearly, self.starts_on).expect("a year")
        })
    }

    /// The period whose report is due next on `today`: the earliest period not yet past its
    /// deadline (the month of March is reported until early April), never before the first
    /// period; a regime asked once has only its one period.
    pub fn current_period(&self, calendar: &Calendar, today: NaiveDate) -> Period {
        let first = self.first_period();
        if self.kind != RegimeKind::Periodic {
            return first;
        }
        // No 9-month period holds 15 September → 14 December: start from the next year's and
        // step back while this year's is still open.
        let mut p = Period::containing(self.frequency, today)
            .unwrap_or_else(|| Period::new(self.frequency, today.year() + 1, 1).unwrap_or(first));
        while p > first && self.deadline(calendar, &p.previous()) >= today {
            p = p.previous();
        }
        p.max(first)
    }

    /// A period key of this regime: refused when it is not of the regime's frequency, before
    /// its first period, or later than the one after the period open now (the next report may
    /// be prepared; none further ahead).
    pub fn period(
        &self,
        key: &str,
        calendar: &Calendar,
        today: NaiveDate,
    ) -> Result<Period, ApiError> {
        let refused = |why_vi: &str, why_en: &str| ApiError::Rejected {
            code: "invalid_period",
            vi: format!(
                "Kỳ báo cáo «{key}» không có trong chế độ «{}»: {why_vi}",
                self.code
            ),
            en: format!(
                "Period «{key}» does not exist in regime «{}»: {why_en}",
                self.code
            ),
        };
        let period: Period = key
            .parse()
            .map_err(|_| refused("không đọc được kỳ", "not a period key"))?;
        if period.frequency != self.frequency {
            return Err(refused(
                &format!("chế độ báo cáo {}", frequency_vi(self.frequency)),
                &format!("the regime reports {}", self.frequency.as_str()),
            ));
        }
        if period < self.first_period() {
            return Err(refused(
                &format!("chế độ bắt đầu từ kỳ {}", self.first_period()),
                &format!("the regime starts at {}", self.first_period()),
            ));
        }
        if self.kind != RegimeKind::Periodic && period != self.first_period() {
            return Err(refused(
                "báo cáo chỉ có một kỳ",
                "the report has one period",
            ));
        }
        if period > self.current_period(calendar, today).next() {
            return Err(refused("kỳ chưa đến", "the period has not come yet"));
        }
        Ok(period)
    }

    /// The periods due from the first one up to the one open on `today`, excluded: those whose
    /// deadline has come (a unit's record counts these).
    pub fn periods_due(&self, calendar: &Calendar, today: NaiveDate) -> Vec<Period> {
        let mut out = Vec::new();
        let mut p = self.first_period();
        while self.deadline(calendar, &p) < today {
            out.push(p);
            if self.kind != RegimeKind::Periodic {
                break;
            }
            p = p.next();
        }
        out
    }

    pub fn view(&self, calendar: &Calendar, today: NaiveDate) -> RegimeView {
        let current = self.current_period(calendar, today);
        RegimeView {
            id: self.id,
            code: self.code.clone(),
            name: self.name.clone(),
            kind: self.kind,
            legal_basis: self.legal_basis.clone(),
            content: self.content.clone(),
            receiving_unit: self.receiving_unit.clone(),
            reporting_units: self.reporting_units.clone(),
            frequency: self.frequency,
            deadline: self.deadline,
            first_period: self.first_period().to_string(),
            form_fields: self.form_fields.clone(),
            outline: None,
            current_period: current.to_string(),
            current_deadline: self.deadline(calendar, &current),
        }
    }

    /// The figures of the data form, checked: every code one of the form's, every value finite.
    pub fn read_figures(
        &self,
        values: &std::collections::BTreeMap<String, f64>,
    ) -> Result<Vec<FieldValue>, ApiError> {
        let mut out = Vec::new();
        for (code, value) in values {
            if !self.form_fields.iter().any(|f| &f.code == code) {
                return Err(ApiError::Rejected {
                    code: "unknown_field",
                    vi: format!(
                        "Biểu mẫu của chế độ «{}» không có chỉ tiêu «{code}»",
                        self.code
                    ),
                    en: format!(
                        "The data form of regime «{}» has no field «{code}»",
                        self.code
                    ),
                });
            }
            if !value.is_finite() {
                return Err(ApiError::Rejected {
                    code: "invalid_value",
                    vi: format!("Giá trị của «{code}» không phải là số hữu hạn"),
                    en: format!("The value of «{code}» is not a finite number"),
                });
            }
            out.push(FieldValue {
                code: code.clone(),
                value: *value,
            });
        }
        Ok(out)
    }
}

/// "hằng tháng", "hằng quý"… for messages.
pub fn frequency_vi(f: Frequency) -> &'static str {
    match f {
        Frequency::Monthly => "hằng tháng",
        Frequency::Quarterly => "hằng quý",
        Frequency::HalfYearly => "6 tháng",
        Frequency::NineMonths => "9 tháng",
        Frequency::Yearly => "hằng năm",
    }
}

fn invalid(code: &'static str, vi: String, en: String) -> ApiError {
    ApiError::Rejected { code, vi, en }
}

/// A regime input checked against the units and the rules of a regime; what to store.
pub struct ReadRegime {
    pub reporting_units: Vec<String>,
    pub frequency: Frequency,
    pub starts_on: NaiveDate,
}

impl ReadRegime {
    /// The row to store: `input` as read (texts trimmed), set up by `created_by`.
    pub fn row<'a>(&'a self, input: &'a RegimeInput, created_by: &'a str) -> store::NewRegime<'a> {
        store::NewRegime {
            code: &input.code,
            name: input.name.trim(),
            kind: input.kind,
            legal_basis: input.legal_basis.trim(),
            content: input.content.trim(),
            receiving_unit: &input.receiving_unit,
            reporting_units: &self.reporting_units,
            frequency: self.frequency,
            deadline: input.deadline,
            starts_on: self.starts_on,
            form_fields: &input.form_fields,
            created_by,
        }
    }
}

/// Checks a new regime: its code and texts, its units (`departments` / `communes` expanded to
/// the province's), a frequency for a periodic regime and a fixed day for the others, a
/// deadline rule that can be, and a data form whose codes are unique.
pub async fn read_regime(
    db: &PgPool,
    province: &str,
    input: &RegimeInput,
    today: NaiveDate,
) -> Result<ReadRegime, ApiError> {
    let code_ok = {
        let mut chars = input.code.chars();
        chars.next().is_some_and(|c| c.is_ascii_lowercase())
            && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
            && input.code.len() <= 64
    };
    if !code_ok {
        return Err(invalid(
            "invalid_code",
            format!(
                "Mã chế độ «{}» không hợp lệ (chữ thường, số, '-', '_')",
                input.code
            ),
            format!(
                "Regime code «{}» is not valid (lower case, digits, '-', '_')",
                input.code
            ),
        ));
    }
    for (value, vi, en) in [
        (&input.name, "tên", "name"),
        (&input.legal_basis, "căn cứ pháp lý", "legal basis"),
    ] {
        if value.trim().is_empty() {
            return Err(invalid(
                "missing_field",
                format!("Thiếu {vi} của chế độ báo cáo"),
                format!("The regime's {en} is missing"),
            ));
        }
    }
    let frequency = match (input.kind, input.frequency, input.deadline) {
        (RegimeKind::Periodic, Some(f), RegimeDeadline::DayOfMonth { .. })
        | (RegimeKind::Periodic, Some(f), RegimeDeadline::AfterCutoff { .. }) => f,
        (RegimeKind::Periodic, None, _) => {
            return Err(invalid(
                "missing_frequency",
                "Chế độ báo cáo định kỳ cần tần suất (hằng tháng, hằng quý…)".into(),
                "A periodic regime needs a frequency (monthly, quarterly…)".into(),
            ))
        }
        (RegimeKind::Periodic, Some(_), RegimeDeadline::Fixed { .. }) => {
            return Err(invalid(
                "invalid_deadline",
                "Báo cáo định kỳ có hạn theo kỳ, không theo một ngày cố định".into(),
                "A periodic report is due per period, not on one fixed day".into(),
            ))
        }
        (_, _, RegimeDeadline::Fixed { .. }) => Frequency::Yearly,
        _ => {
            return Err(invalid(
                "invalid_deadline",
                "Báo cáo chuyên đề, đột xuất cần một hạn cố định (ngày)".into(),
                "A thematic or ad hoc report needs one fixed day".into(),
            ))
        }
    };
    match input.deadline {
        RegimeDeadline::DayOfMonth { day, .. } if !(1..=31).contains(&day) => {
            return Err(invalid(
                "invalid_deadline",
                format!("Ngày {day} không có trong tháng"),
                format!("Day {day} is not a day of a month"),
            ))
        }
        RegimeDeadline::AfterCutoff { days, .. } if days > 60 => {
            return Err(invalid(
                "invalid_deadline",
                format!("{days} ngày sau ngày chốt số liệu: quá 60 ngày"),
                format!("{days} days after the cut-off: more than 60"),
            ))
        }
        _ => {}
    }
    let starts_on = match (&input.deadline, input.first_period.as_deref()) {
        (RegimeDeadline::Fixed { due_on }, _) => *due_on,
        (_, Some(key)) if !key.trim().is_empty() => {
            let p: Period = key.trim().parse().map_err(|_| {
                invalid(
                    "invalid_period",
                    format!("Kỳ đầu tiên «{key}» không đọc được (2026-03, 2026-Q1, 2026-H1, 2026-9M, 2026)"),
                    format!("First period «{key}» cannot be read (2026-03, 2026-Q1, 2026-H1, 2026-9M, 2026)"),
                )
            })?;
            if p.frequency != frequency {
                return Err(invalid(
                    "invalid_period",
                    format!(
                        "Kỳ đầu tiên «{key}» không phải kỳ {}",
                        frequency_vi(frequency)
                    ),
                    format!(
                        "First period «{key}» is not a {} period",
                        frequency.as_str()
                    ),
                ));
            }
            p.window().1
        }
        _ => today,
    };
    check_form(&input.form_fields)?;
    let mut codes: Vec<String> = Vec::new();
    for code in &input.reporting_units {
        match code.trim() {
            "departments" => codes.extend(store::units_of_kind(db, province, "department").await?),
            "communes" => codes.extend(store::units_of_kind(db, province, "commune").await?),
            c => codes.push(c.to_string()),
        }
    }
    let mut seen = HashSet::new();
    codes.retain(|c| seen.insert(c.clone()));
    if codes.is_empty() {
        return Err(invalid(
            "missing_units",
            "Chế độ báo cáo cần ít nhất một đơn vị báo cáo".into(),
            "A regime needs at least one reporting unit".into(),
        ));
    }
    let mut all = codes.clone();
    all.push(input.receiving_unit.clone());
    let known = crate::tasks::store::known_units(db, &all).await?;
    let unknown: Vec<String> = all.into_iter().filter(|c| !known.contains(c)).collect();
    if !unknown.is_empty() {
        return Err(ApiError::UnknownUnit(unknown));
    }
    Ok(ReadRegime {
        reporting_units: codes,
        frequency,
        starts_on,
    })
}

fn check_form(fields: &[FormField]) -> Result<(), ApiError> {
    let mut seen = HashSet::new();
    for f in fields {
        let ok = f
            .code
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase())
            && f.code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !ok || !seen.insert(f.code.as_str()) {
            return Err(invalid(
                "invalid_form",
                format!("Mã chỉ tiêu «{}» không hợp lệ hoặc bị trùng", f.code),
                format!("Field code «{}» is not valid or repeated", f.code),
            ));
        }
        if f.label_vi.trim().is_empty() || f.label_en.trim().is_empty() {
            return Err(invalid(
                "invalid_form",
                format!("Chỉ tiêu «{}» thiếu tên (tiếng Việt và tiếng Anh)", f.code),
                format!("Field «{}» needs a label in Vietnamese and English", f.code),
            ));
        }
    }
    Ok(())
}

/// Who handed in a period's report, who is late, and the figures summed over the units that
/// handed in (each unit's latest handed-in revision). Late units first.
pub async fn summary(
    state: &AppState,
    r: &Regime,
    period: &str,
) -> Result<RegimeSummary, ApiError> {
    let calendar = Calendar::load(&state.db).await?;
    let today = crate::dossiers::today();
    let period = r.period(period, &calendar, today)?;
    let deadline = r.deadline(&calendar, &period);
    let subs = store::period_submissions(&state.db, r.id, period.first_day()).await?;
    let names = store::unit_names(&state.db, &r.reporting_units).await?;
    let mut rows = Vec::new();
    let mut totals: std::collections::BTreeMap<String, f64> = Default::default();
    for unit in &r.reporting_units {
        let sub = subs.iter().find(|s| &s.unit_code == unit);
        let handed = match sub {
            Some(s) if s.revision > 0 => {
                let t = submissions::Target {
                    regime: r,
                    unit,
                    unit_name: String::new(),
                    period,
                    deadline,
                };
                submissions::handed_in(&state.db, &t).await?
            }
            _ => None,
        };
        let figures = handed
            .as_ref()
            .map(|h| h.figures.clone())
            .unwrap_or_default();
        for v in &figures {
            *totals.entry(v.code.clone()).or_default() += v.value;
        }
        let first = sub.and_then(|s| s.first_submitted_at);
        rows.push(RegimeSummaryRow {
            unit: unit.clone(),
            unit_name: names
                .get(unit)
                .map_or_else(|| unit.clone(), |u| u.name_vi.clone()),
            status: sub.map_or(SubmissionStatus::Draft, |s| s.status),
            first_submitted_at: first,
            late: submissions::late(first, deadline, today),
            document: handed.and_then(|h| h.document),
            figures,
        });
    }
    rows.sort_by_key(|row| (!row.late, row.first_submitted_at.is_some()));
    let mut view = r.view(&calendar, today);
    if let Some(doc) = r.outline_document {
        view.outline = crate::documents::meta(&mut *state.db.acquire().await?, doc).await?;
    }
    Ok(RegimeSummary {
        regime: view,
        period: period.to_string(),
        period_label_vi: period.label_vi(),
        period_label_en: period.label_en(),
        deadline,
        submitted: rows
            .iter()
            .filter(|r| r.first_submitted_at.is_some())
            .count(),
        late: rows.iter().filter(|r| r.late).count(),
        rows,
        totals: totals
            .into_iter()
            .map(|(code, value)| FieldValue { code, value })
            .collect(),
    })
}

/// Reports count as late on the boards for a year after their deadline (older ones stay in the
/// records and the summaries).
const LATE_REPORTS_FOR_DAYS: i64 = 366;

/// Where the units stand on their reports on `today`, from one pass over every regime's periods
/// due (the live boards need both halves on every publication):
/// - the reports past their deadline and not handed in, by unit, the units with the most first,
///   each unit's latest deadlines first;
/// - each unit's record over `year` (the current one by default): the reports whose deadline
///   fell in the year and has passed, handed in on time, late, or not at all — over every
///   regime the unit reports in; the units with the most missing and late first.
pub async fn standing(
    db: &PgPool,
    today: NaiveDate,
    year: Option<i32>,
) -> Result<(Vec<UnitLateReports>, Vec<UnitRecord>), sqlx::Error> {
    let calendar = Calendar::load(db).await?;
    let year = year.unwrap_or(today.year());
    let handed = store::handed_in_dates(db).await?;
    let mut late: std::collections::BTreeMap<String, Vec<LateReport>> = Default::default();
    let mut records: std::collections::BTreeMap<String, UnitRecord> = Default::default();
    for r in store::select(db, None).await? {
        for period in r.periods_due(&calendar, today) {
            let deadline = r.deadline(&calendar, &period);
            let counts_late = (today - deadline).num_days() <= LATE_REPORTS_FOR_DAYS;
            let in_year = deadline.year() == year;
            if !counts_late && !in_year {
                continue;
            }
            for unit in &r.reporting_units {
                let first = handed
                    .get(&(r.id, unit.clone(), period.first_day()))
                    .copied()
                    .flatten();
                if counts_late && first.is_none() {
                    late.entry(unit.clone()).or_default().push(LateReport {
                        regime_id: r.id,
                        regime: r.name.clone(),
                        period: period.to_string(),
                        period_label_vi: period.label_vi(),
                        period_label_en: period.label_en(),
                        deadline,
                    });
                }
                if in_year {
                    let rec = records.entry(unit.clone()).or_insert_with(|| UnitRecord {
                        unit: unit.clone(),
                        unit_name: String::new(),
                        year,
                        due: 0,
                        on_time: 0,
                        late: 0,
                        missing: 0,
                    });
                    rec.due += 1;
                    match first {
                        None => rec.missing += 1,
                        Some(at) if submissions::late(Some(at), deadline, today) => rec.late += 1,
                        Some(_) => rec.on_time += 1,
                    }
                }
            }
        }
    }
    let codes: Vec<String> = late.keys().chain(records.keys()).cloned().collect();
    let names = store::unit_names(db, &codes).await?;
    let mut late: Vec<UnitLateReports> = late
        .into_iter()
        .map(|(code, mut reports)| {
            reports.sort_by(|a, b| b.deadline.cmp(&a.deadline).then(a.regime.cmp(&b.regime)));
            UnitLateReports {
                unit: names.get(&code).cloned().unwrap_or(TaskUnit {
                    name_vi: code.clone(),
                    name_en: code.clone(),
                    code,
                }),
                count: reports.len(),
                reports,
            }
        })
        .collect();
    late.sort_by(|a, b| b.count.cmp(&a.count).then(a.unit.code.cmp(&b.unit.code)));
    let mut records: Vec<UnitRecord> = records
        .into_values()
        .map(|mut r| {
            r.unit_name = names
                .get(&r.unit)
                .map_or_else(|| r.unit.clone(), |u| u.name_vi.clone());
            r
        })
        .collect();
    records.sort_by_key(|r| (std::cmp::Reverse(r.missing + r.late), r.unit.clone()));
    Ok((late, records))
}

/// The units the regimes concern (they have a board of their own).
pub async fn units(db: &PgPool) -> Result<Vec<String>, sqlx::Error> {
    store::regime_units(db).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::tests::cal;
    use ioc_protocol::DeadlineMonth;

    fn monthly(deadline: RegimeDeadline) -> Regime {
        Regime {
            id: 1,
            code: "ktxh-thang".into(),
            name: "Báo cáo tình hình kinh tế - xã hội hằng tháng".into(),
            kind: RegimeKind::Periodic,
            legal_basis: "Nghị định 09/2019/NĐ-CP".into(),
            content: String::new(),
            receiving_unit: "40".into(),
            reporting_units: vec![],
            frequency: Frequency::Monthly,
            deadline,
            starts_on: NaiveDate::from_ymd_opt(2026, 1, 10).unwrap(),
            form_fields: vec![],
            outline_document: None,
        }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// Decree 09, art. 12: the month of March is cut off 15 February → 14 March; a regime due
    /// "2 working days after the cut-off" wants it on 17 March 2026 (a Tuesday). Across Tết
    /// (16–20 February 2026 off, with the weekends around) the February report, cut off
    /// Saturday 14 February, is due on the second working day after it: 24 February.
    #[test]
    fn a_monthly_regime_follows_decree_09() {
        let c = cal();
        let r = monthly(RegimeDeadline::AfterCutoff {
            days: 2,
            working_days: true,
        });
        let march: Period = "2026-03".parse().unwrap();
        assert_eq!(march.window(), (d(2026, 2, 15), d(2026, 3, 14)));
        assert_eq!(r.deadline(&c, &march), d(2026, 3, 17));
        let february: Period = "2026-02".parse().unwrap();
        assert_eq!(r.deadline(&c, &february), d(2026, 2, 24));
        // On 16 March the March report is the one due (until the 17th); on the 18th, April's.
        assert_eq!(r.current_period(&c, d(2026, 3, 16)), march);
        assert_eq!(r.current_period(&c, d(2026, 3, 17)), march);
        assert_eq!(r.current_period(&c, d(2026, 3, 18)).to_string(), "2026-04");
    }

    /// "By the 2nd of the next month": Saturday 2 May 2026 (after 30/4–1/5 off) moves to
    /// Monday 4 May; "before the 20th of the period's last month" ends on the 19th, or the next
    /// working day when the 19th is off.
    #[test]
    fn day_of_month_rules_move_past_days_off() {
        let c = cal();
        let r = monthly(RegimeDeadline::DayOfMonth {
            month: DeadlineMonth::AfterPeriod,
            day: 2,
            before: false,
            working_days: false,
        });
        let april: Period = "2026-04".parse().unwrap();
        assert_eq!(r.deadline(&c, &april), d(2026, 5, 4));
        let q = Regime {
            frequency: Frequency::Quarterly,
            deadline: RegimeDeadline::DayOfMonth {
                month: DeadlineMonth::LastOfPeriod,
                day: 20,
                before: true,
                working_days: false,
            },
            ..r
        };
        let q3: Period = "2026-Q3".parse().unwrap();
        // The 19th is a Saturday: the time limit ends on Monday the 21st (Civil Code art. 148).
        assert_eq!(q.deadline(&c, &q3), d(2026, 9, 21));
    }

    #[test]
    fn periods_that_the_regime_does_not_have_are_refused() {
        let c = cal();
        let r = monthly(RegimeDeadline::AfterCutoff {
            days: 2,
            working_days: true,
        });
        let today = d(2026, 3, 16);
        assert!(r.period("2026-03", &c, today).is_ok());
        assert!(
            r.period("2026-04", &c, today).is_ok(),
            "the next one may be prepared"
        );
        for bad in ["2026-Q1", "2025-12", "2026-06", "2026-13", "march"] {
            assert!(
                matches!(
                    r.period(bad, &c, today),
                    Err(ApiError::Rejected {
                        code: "invalid_period",
                        ..
                    })
                ),
                "{bad}"
            );
        }
        // Due: January and February (the March report is still open on the 16th).
        let due: Vec<String> = r
            .periods_due(&c, today)
            .iter()
            .map(|p| p.to_string())
            .collect();
        assert_eq!(due, ["2026-01", "2026-02"]);
    }
}
