//! Approval: a submitted report's current figures become the province's published figures,
//! the points the walls follow, and one message for the Government system — in one transaction.

use std::collections::HashMap;

use chrono::Utc;
use ioc_protocol::{period_ts, FigureKind, ReportMessage, ReportMessageFigure};
use serde_json::json;

use super::{conclude, current_entries, Ctx, CurrentEntry, Done, Report};
use crate::audit::Entry;
use crate::http::ApiError;
use crate::indicators::catalogue::Indicator;
use crate::lifecycle::{self, Action};
use crate::series::points;

/// Approves a submitted report: its current figures become the province's published figures
/// (appended, the earlier ones stay), the walls' streams get them as points, and one message for
/// the Government system is queued — all in this transaction. Nobody approves their own
/// submission.
pub async fn approve(ctx: &Ctx<'_>, r: &Report, user: Option<i64>) -> Result<Done, ApiError> {
    let mut tx = ctx.db.begin().await?;
    let sub = lifecycle::lock(&mut tx, &r.key()).await?;
    let status = sub.status;
    lifecycle::step(status, Action::Approve)?;
    if !lifecycle::may_decide(sub.submitted_by, user) {
        return Err(ApiError::Forbidden);
    }
    let entries = current_entries(&mut tx, sub.id).await?;
    let by_id: HashMap<i32, &Indicator> = r.indicators.iter().map(|i| (i.id, i)).collect();
    for e in &entries {
        sqlx::query!(
            "INSERT INTO indicator_figures
                (series_id, area_code, period, kind, value, ytd_value, submission_id, revision, source, recorded_by)
             VALUES ($1, $2, $3, $4, $5::float8::numeric, $6::float8::numeric, $7, $8, 'approved', $9)",
            e.series_id,
            r.area,
            r.period.first_day(),
            e.kind.as_str(),
            e.value,
            e.ytd,
            sub.id,
            sub.revision,
            ctx.actor.label
        )
        .execute(&mut *tx)
        .await?;
    }
    // One point per indicator on the live stream: the official figure where there is one.
    let mut best: HashMap<i32, &CurrentEntry> = HashMap::new();
    for e in &entries {
        let better = best
            .get(&e.series_id)
            .is_none_or(|b| b.kind == FigureKind::Estimate && e.kind == FigureKind::Official);
        if better {
            best.insert(e.series_id, e);
        }
    }
    let sources: Vec<(i32, String)> = best
        .values()
        .map(|e| (e.series_id, points::figure_source(false, e.kind)))
        .collect();
    let ts = period_ts(r.period.first_day());
    let mut new_points = Vec::new();
    for (series_id, source) in &sources {
        let (Some(ind), Some(e)) = (by_id.get(series_id), best.get(series_id)) else {
            continue;
        };
        new_points.push(points::NewPoint {
            series_id: *series_id,
            series: &ind.def.code,
            unit: &r.area,
            ts,
            value: e.value,
            source,
        });
    }
    new_points.sort_by_key(|p| p.series_id);
    let appended = points::append(&mut tx, ctx.epoch, &new_points).await?;

    let approved_at = Utc::now();
    lifecycle::approve(&mut tx, &sub, user, approved_at).await?;
    let payload = ReportMessage {
        schema: ReportMessage::SCHEMA.into(),
        province: ctx.province.to_string(),
        group: r.rule.code.clone(),
        reporting_unit: r.unit.code.to_string(),
        area: r.area.clone(),
        period: r.period.to_string(),
        submission_id: sub.id,
        revision: sub.revision,
        approved_at,
        approved_by: ctx.actor.label.clone(),
        figures: entries
            .iter()
            .filter_map(|e| {
                let ind = by_id.get(&e.series_id)?;
                Some(ReportMessageFigure {
                    indicator: ind.def.code.clone(),
                    name: ind.def.name_vi.clone(),
                    measure: ind.def.measure_vi.clone(),
                    kind: e.kind,
                    value: e.value,
                    ytd: e.ytd,
                })
            })
            .collect(),
    };
    let key = format!(
        "{}:{}:{}:{}:r{}",
        ctx.province, r.rule.code, r.unit.code, r.period, sub.revision
    );
    crate::central::enqueue(&mut tx, &key, Some(sub.id), &payload).await?;
    let entry = Entry {
        action: "indicators.approve",
        entity: "submission",
        entity_id: Some(sub.id.to_string()),
        before: Some(json!({"status": status.as_str(), "revision": sub.revision})),
        after: Some(json!({"status": "approved", "figures": entries.len(), "outbox_key": key})),
    };
    conclude(tx, ctx, r, Some(entry), appended.publications, true).await
}
