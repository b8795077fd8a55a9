//! The read model of a report: its figures as entered, with what each is compared with, in a
//! fixed number of queries whatever the number of indicators (the row, the current entries, the
//! calendar, the comparison values, the months of the year so far).

use std::collections::HashMap;

use ioc_protocol::{
    Aggregation, EntryRow, EntryValue, FigureKind, Period, SubmissionStatus, SubmissionView,
};
use sqlx::{PgConnection, PgPool};

use super::{current_entries, Report};
use crate::indicators::catalogue::Indicator;
use crate::indicators::deadlines::{self, Calendar};
use crate::indicators::figures;
use crate::lifecycle;

/// What a figure is compared with: previous month, same month last year, and the sum of this
/// year's earlier months (for cumulative indicators; `None` when a month is missing).
#[derive(Clone, Copy, Default)]
pub(super) struct References {
    pub previous_month: Option<f64>,
    pub same_month_last_year: Option<f64>,
    pub ytd_before: Option<f64>,
}

/// The references of every indicator of a report, by series id: two queries in all.
pub(super) async fn references(
    db: &mut PgConnection,
    indicators: &[Indicator],
    area: &str,
    period: Period,
) -> Result<HashMap<i32, References>, sqlx::Error> {
    let ids: Vec<i32> = indicators.iter().map(|i| i.id).collect();
    let previous = period.months_before(1).first_day();
    let last_year = period.months_before(12).first_day();
    let values = figures::values_at(&mut *db, &ids, area, &[previous, last_year]).await?;
    let cumulative: Vec<(i32, Aggregation)> = indicators
        .iter()
        .filter(|i| i.def.cumulative)
        .map(|i| (i.id, i.def.aggregation))
        .collect();
    let earlier_months = if period.month() == 1 || cumulative.is_empty() {
        HashMap::new()
    } else {
        let january = period.months_before(period.month() as i32 - 1).first_day();
        figures::months_many(&mut *db, &cumulative, area, january, previous).await?
    };
    Ok(indicators
        .iter()
        .map(|ind| {
            let ytd_before = if !ind.def.cumulative {
                None
            } else if period.month() == 1 {
                Some(0.0)
            } else {
                let months = earlier_months.get(&ind.id).map_or(&[][..], Vec::as_slice);
                (months.len() as u32 == period.month() - 1)
                    .then(|| months.iter().map(|m| m.value).sum())
            };
            let refs = References {
                previous_month: values.get(&(ind.id, previous)).copied(),
                same_month_last_year: values.get(&(ind.id, last_year)).copied(),
                ytd_before,
            };
            (ind.id, refs)
        })
        .collect())
}

/// The report as its editor, its approver and the wall's drill-down see it.
pub async fn view(db: &PgPool, r: &Report) -> Result<SubmissionView, sqlx::Error> {
    let mut conn = db.acquire().await?;
    view_in(&mut conn, r).await
}

pub(super) async fn view_in(
    db: &mut PgConnection,
    r: &Report,
) -> Result<SubmissionView, sqlx::Error> {
    let sub = lifecycle::load(db, &r.key(), false).await?;
    let entries = match &sub {
        Some(s) => current_entries(db, s.id).await?,
        None => Vec::new(),
    };
    let cal = Calendar::load(&mut *db).await?;
    let (deadline, send_deadline) = deadlines::deadlines(&r.rule, &cal, r.period.first_day());
    let status = sub.as_ref().map(|s| s.status);
    let mut refs = references(db, &r.indicators, &r.area, r.period).await?;
    let mut rows = Vec::with_capacity(r.indicators.len());
    for ind in &r.indicators {
        let refs = refs.remove(&ind.id).unwrap_or_default();
        let value_of = |kind: FigureKind| {
            entries
                .iter()
                .find(|e| e.series_id == ind.id && e.kind == kind)
                .map(|e| EntryValue {
                    value: e.value,
                    ytd: e.ytd,
                    note: e.note.clone(),
                    warnings: serde_json::from_value(e.warnings.clone()).unwrap_or_default(),
                    entered_at: e.entered_at,
                    entered_by: e.entered_by.clone(),
                    versions: e.versions,
                })
        };
        rows.push(EntryRow {
            indicator: ind.def.clone(),
            estimate: value_of(FigureKind::Estimate),
            official: value_of(FigureKind::Official),
            previous_month: refs.previous_month,
            same_month_last_year: refs.same_month_last_year,
            ytd_before: refs.ytd_before,
        });
    }
    Ok(SubmissionView {
        id: sub.as_ref().map(|s| s.id),
        group: r.rule.code.clone(),
        unit: r.unit.code.to_string(),
        unit_name_vi: r.unit.name_vi.clone(),
        unit_name_en: r.unit.name_en.clone(),
        area: r.area.clone(),
        period: r.period.to_string(),
        status: status.unwrap_or(SubmissionStatus::Draft),
        revision: sub.as_ref().map_or(0, |s| s.revision),
        submitted_at: sub.as_ref().and_then(|s| s.submitted_at),
        submitted_by: sub.as_ref().and_then(|s| s.submitted_by_name.clone()),
        decided_at: sub.as_ref().and_then(|s| s.decided_at),
        decided_by: sub.as_ref().and_then(|s| s.decided_by_name.clone()),
        return_comment: sub.as_ref().and_then(|s| s.return_comment.clone()),
        sent_at: sub.as_ref().and_then(|s| s.sent_at),
        deadline: deadline.to_string(),
        send_deadline: send_deadline.to_string(),
        deadline_status: deadlines::status(&r.rule, &cal, status, deadline, deadlines::today()),
        late_to_government: deadlines::late_to_government(
            status,
            send_deadline,
            deadlines::today(),
        ),
        rows,
    })
}
