//! Entering figures: a batch typed in the form or read from a sheet is checked as a whole and
//! stored as new entries (the earlier ones stay), in one step of the report's lifecycle.

use std::collections::HashSet;

use ioc_protocol::i18n::Msg;
use ioc_protocol::{Finding, SaveEntries, Severity};
use serde_json::json;

use super::read::references;
use super::{conclude, current_entries, Ctx, Done, EntrySource, Report};
use crate::audit::Entry;
use crate::http::ApiError;
use crate::indicators::checks;
use crate::lifecycle::{self, Action};

/// Checks a batch of figures without touching the database: finite numbers, each indicator
/// once and part of this report.
fn validate(r: &Report, save: &SaveEntries) -> Result<(), ApiError> {
    if save.values.is_empty() {
        return Err(ApiError::Unprocessable(Msg::EmptyEntries, String::new()));
    }
    let mut seen = HashSet::new();
    for v in &save.values {
        if !v.value.is_finite() || v.ytd.is_some_and(|y| !y.is_finite()) {
            return Err(ApiError::InvalidBody(format!(
                "{}: value must be a finite number",
                v.series
            )));
        }
        if !seen.insert(v.series.as_str()) {
            return Err(ApiError::Unprocessable(
                Msg::DuplicateEntry,
                v.series.clone(),
            ));
        }
        if !r.indicators.iter().any(|i| i.def.code == v.series) {
            return Err(ApiError::Unprocessable(
                Msg::IndicatorNotReported,
                v.series.clone(),
            ));
        }
        if v.note.as_ref().is_some_and(|n| n.chars().count() > 2000) {
            return Err(ApiError::InvalidBody(format!(
                "{}: note longer than 2000 characters",
                v.series
            )));
        }
    }
    Ok(())
}

/// Saves figures typed in the form or read from a sheet. Each changed figure becomes a new entry
/// (the earlier ones stay); an unchanged figure is not written again. Errors refuse the whole
/// batch; warnings refuse it unless their figure carries a note. Editing an approved or sent
/// report reopens it as a draft of the next revision; the published figures stay until that
/// revision is approved.
pub async fn save_entries(
    ctx: &Ctx<'_>,
    r: &Report,
    save: &SaveEntries,
    source: EntrySource,
    user: Option<i64>,
) -> Result<Done, ApiError> {
    validate(r, save)?;
    let mut tx = ctx.db.begin().await?;
    let sub = lifecycle::lock(&mut tx, &r.key()).await?;
    let status = sub.status;
    lifecycle::step(status, Action::Edit)?;
    let current = current_entries(&mut tx, sub.id).await?;
    let refs = references(&mut tx, &r.indicators, &r.area, r.period).await?;
    let mut findings: Vec<Finding> = Vec::new();
    let mut missing_notes: Vec<Finding> = Vec::new();
    let mut changed = Vec::new();
    for v in &save.values {
        let ind = r
            .indicators
            .iter()
            .find(|i| i.def.code == v.series)
            .expect("validated");
        let refs = refs.get(&ind.id).copied().unwrap_or_default();
        let found = checks::check(&checks::Candidate {
            def: &ind.def,
            kind: save.kind,
            value: v.value,
            ytd: v.ytd,
            previous_month: refs.previous_month,
            same_month_last_year: refs.same_month_last_year,
            ytd_before: refs.ytd_before,
        });
        let note = v.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
        if checks::needs_note(&found, note) {
            missing_notes.extend(
                found
                    .iter()
                    .filter(|f| f.severity == Severity::Warning)
                    .cloned(),
            );
        }
        let same = current.iter().any(|c| {
            c.series_id == ind.id
                && c.kind == save.kind
                && c.value == v.value
                && c.ytd == v.ytd
                && c.note.as_deref() == note
        });
        if !same {
            changed.push((ind, v, note, found.clone()));
        }
        findings.extend(found);
    }
    if findings.iter().any(|f| f.severity == Severity::Error) {
        return Err(ApiError::CheckFailed(findings));
    }
    if !missing_notes.is_empty() {
        return Err(ApiError::WarningNeedsNote(missing_notes));
    }
    let mut entry = None;
    if !changed.is_empty() {
        let revision = sub.revision + 1;
        for (ind, v, note, found) in &changed {
            sqlx::query!(
                "INSERT INTO indicator_entries
                    (submission_id, series_id, area_code, period, kind, revision, value, ytd_value, note, warnings,
                     source, entered_by)
                 VALUES ($1, $2, $3, $4, $5, $6, $7::float8::numeric, $8::float8::numeric, $9, $10, $11, $12)",
                sub.id,
                ind.id,
                r.area,
                r.period.first_day(),
                save.kind.as_str(),
                revision,
                v.value,
                v.ytd,
                *note,
                serde_json::to_value(found).unwrap_or_default(),
                source.as_str(),
                user
            )
            .execute(&mut *tx)
            .await?;
        }
        let reopened = lifecycle::reopens(status);
        lifecycle::edited(&mut tx, &sub, reopened).await?;
        let after = json!({
            "kind": save.kind.as_str(),
            "source": source.as_str(),
            "revision": revision,
            "values": changed.iter().map(|(i, v, note, _)| json!({"series": i.def.code, "value": v.value, "ytd": v.ytd, "note": note})).collect::<Vec<_>>(),
            "reopened": reopened,
        });
        entry = Some(Entry {
            action: "indicators.entries.save",
            entity: "submission",
            entity_id: Some(sub.id.to_string()),
            before: Some(json!({"status": status.as_str()})),
            after: Some(after),
        });
    }
    conclude(tx, ctx, r, entry, Vec::new(), false).await
}
