//! A unit's submission to a regime for one period, step by step through the shared lifecycle:
//! each step locks the row, asks the transition table, writes what it adds (a document, the
//! figures) tagged with the revision being prepared, and concludes with its audit entry — one
//! transaction, so an upload is stored with its reference or not at all.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use ioc_protocol::{FieldValue, RegimeRevision, RegimeSubmission, SubmissionStatus};
use serde_json::json;
use sqlx::{PgConnection, PgPool};

use super::{store, Regime};
use crate::audit::{Actor, Entry};
use crate::calendar::periods::Period;
use crate::documents::{self, Upload};
use crate::http::ApiError;
use crate::lifecycle::{self, Action, Form, Key};

/// Which submission: a regime, a unit that reports in it, a period of it.
pub struct Target<'a> {
    pub regime: &'a Regime,
    pub unit: &'a str,
    pub unit_name: String,
    pub period: Period,
    pub deadline: NaiveDate,
}

impl Target<'_> {
    fn key(&self) -> Key<'_> {
        Key {
            form: Form::Regime(self.regime.id),
            unit: self.unit,
            period: self.period.first_day(),
        }
    }

    fn entry(&self, action: &'static str, sub: i64, after: serde_json::Value) -> Entry<'static> {
        Entry {
            action,
            entity: "submission",
            entity_id: Some(sub.to_string()),
            before: None,
            after: Some(json!({
                "regime": self.regime.code, "unit": self.unit, "period": self.period.to_string(),
                "change": after,
            })),
        }
    }
}

/// Handed in after the deadline, or not handed in and the deadline has passed.
pub fn late(
    first_submitted: Option<chrono::DateTime<chrono::Utc>>,
    deadline: NaiveDate,
    today: NaiveDate,
) -> bool {
    match first_submitted {
        Some(at) => crate::dossiers::local_day(at) > deadline,
        None => today > deadline,
    }
}

/// What each revision holds, newest first. A revision keeps what the one before it had unless
/// it replaced it: a unit that only corrects one figure after a return hands in the same
/// document with the corrected figure.
async fn revisions(
    db: &mut PgConnection,
    sub: &lifecycle::Submission,
) -> Result<Vec<RegimeRevision>, sqlx::Error> {
    let (docs, figures) = store::contents(db, sub.id).await?;
    // Handed in again unchanged after a return: that revision holds what the one before held.
    let last = docs
        .iter()
        .map(|d| d.0)
        .chain(figures.iter().map(|f| f.0))
        .chain(std::iter::once(sub.revision))
        .max()
        .unwrap_or(0);
    let mut out = Vec::new();
    let mut doc = None;
    let mut values: BTreeMap<String, f64> = BTreeMap::new();
    for rev in 1..=last {
        if let Some(d) = docs.iter().rev().find(|d| d.0 == rev) {
            doc = Some(d.1);
        }
        for (_, code, value) in figures.iter().filter(|f| f.0 == rev) {
            values.insert(code.clone(), *value);
        }
        let document = match doc {
            Some(id) => documents::meta(db, id).await?,
            None => None,
        };
        out.push(RegimeRevision {
            revision: rev,
            document,
            figures: values
                .iter()
                .map(|(code, value)| FieldValue {
                    code: code.clone(),
                    value: *value,
                })
                .collect(),
        });
    }
    out.reverse();
    Ok(out)
}

/// The submission as it stands (a submission never started is an empty draft).
pub async fn view_in(
    db: &mut PgConnection,
    t: &Target<'_>,
    today: NaiveDate,
) -> Result<RegimeSubmission, sqlx::Error> {
    let sub = lifecycle::load(db, &t.key(), false).await?;
    let revisions = match &sub {
        Some(s) => revisions(db, s).await?,
        None => Vec::new(),
    };
    let (window_from, window_to) = t.period.window();
    Ok(RegimeSubmission {
        regime_id: t.regime.id,
        unit: t.unit.to_string(),
        unit_name: t.unit_name.clone(),
        period: t.period.to_string(),
        period_label_vi: t.period.label_vi(),
        period_label_en: t.period.label_en(),
        window_from,
        window_to,
        deadline: t.deadline,
        status: sub.as_ref().map_or(SubmissionStatus::Draft, |s| s.status),
        revision: sub.as_ref().map_or(0, |s| s.revision),
        first_submitted_at: sub.as_ref().and_then(|s| s.first_submitted_at),
        return_comment: sub.as_ref().and_then(|s| s.return_comment.clone()),
        late: late(
            sub.as_ref().and_then(|s| s.first_submitted_at),
            t.deadline,
            today,
        ),
        revisions,
    })
}

pub async fn view(
    db: &PgPool,
    t: &Target<'_>,
    today: NaiveDate,
) -> Result<RegimeSubmission, ApiError> {
    let mut c = db.acquire().await?;
    Ok(view_in(&mut c, t, today).await?)
}

/// What an edit adds to the revision being prepared.
pub enum Edit<'a> {
    Document(&'a Upload),
    Figures(Vec<FieldValue>),
}

/// Adds a document or figures to the revision being prepared (on an approved submission, this
/// opens the next revision).
pub async fn edit(
    db: &PgPool,
    actor: &Actor,
    t: &Target<'_>,
    what: Edit<'_>,
    today: NaiveDate,
) -> Result<RegimeSubmission, ApiError> {
    let mut tx = db.begin().await?;
    let sub = lifecycle::lock(&mut tx, &t.key()).await?;
    lifecycle::step(sub.status, Action::Edit)?;
    let revision = sub.revision + 1;
    let change = match what {
        Edit::Document(up) => {
            let doc = documents::store(&mut tx, up, &actor.label).await?;
            store::add_document(&mut tx, sub.id, revision, doc).await?;
            json!({"document": doc, "file_name": up.file_name, "sha256": documents::hex(&up.sha256)})
        }
        Edit::Figures(values) => {
            store::add_figures(&mut tx, sub.id, revision, &values, &actor.label).await?;
            json!({"figures": values.iter().map(|v| (v.code.clone(), v.value)).collect::<BTreeMap<_, _>>()})
        }
    };
    lifecycle::edited(&mut tx, &sub, lifecycle::reopens(sub.status)).await?;
    let entry = t.entry("regimes.edit", sub.id, change);
    conclude(tx, actor, entry, t, today).await
}

async fn conclude(
    tx: sqlx::Transaction<'_, sqlx::Postgres>,
    actor: &Actor,
    entry: Entry<'_>,
    t: &Target<'_>,
    today: NaiveDate,
) -> Result<RegimeSubmission, ApiError> {
    let done = lifecycle::conclude(
        tx,
        actor,
        Some(entry),
        Vec::new(),
        async |_: &mut PgConnection| Ok(Vec::new()),
        async |c: &mut PgConnection| view_in(c, t, today).await,
    )
    .await?;
    Ok(done.view)
}

/// Hands the submission in: the revision needs its narrative report and every figure of the
/// data form.
pub async fn submit(
    db: &PgPool,
    actor: &Actor,
    t: &Target<'_>,
    today: NaiveDate,
) -> Result<RegimeSubmission, ApiError> {
    let mut tx = db.begin().await?;
    let sub = lifecycle::lock(&mut tx, &t.key()).await?;
    lifecycle::step(sub.status, Action::Submit)?;
    let current = revisions(&mut tx, &sub).await?;
    let prepared = current.first();
    if prepared.and_then(|r| r.document.as_ref()).is_none() {
        return Err(ApiError::Rejected {
            code: "missing_document",
            vi: "Chưa tải lên báo cáo (tệp PDF, DOCX, XLSX hoặc ODT)".into(),
            en: "The report document has not been uploaded (PDF, DOCX, XLSX or ODT)".into(),
        });
    }
    let missing: Vec<&str> = t
        .regime
        .form_fields
        .iter()
        .filter(|f| !prepared.is_some_and(|r| r.figures.iter().any(|v| v.code == f.code)))
        .map(|f| f.code.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(ApiError::Rejected {
            code: "missing_figures",
            vi: format!("Chưa nhập số liệu của biểu mẫu: {}", missing.join(", ")),
            en: format!("Figures of the data form missing: {}", missing.join(", ")),
        });
    }
    lifecycle::submit(&mut tx, &sub, actor.user).await?;
    let entry = t.entry(
        "regimes.submit",
        sub.id,
        json!({"status": "submitted", "revision": sub.revision + 1}),
    );
    conclude(tx, actor, entry, t, today).await
}

/// The receiving unit's decision on a handed-in submission: approve it, or return it with a
/// comment. Nobody decides on what they handed in themselves.
pub async fn decide(
    db: &PgPool,
    actor: &Actor,
    t: &Target<'_>,
    returned: Option<&str>,
    today: NaiveDate,
) -> Result<RegimeSubmission, ApiError> {
    let comment = returned.map(str::trim);
    if comment.is_some_and(|c| c.is_empty() || c.chars().count() > 2000) {
        return Err(ApiError::Rejected {
            code: "invalid_comment",
            vi: "Trả lại báo cáo cần ý kiến (tối đa 2000 ký tự)".into(),
            en: "Returning a report needs a comment (at most 2000 characters)".into(),
        });
    }
    let mut tx = db.begin().await?;
    let sub = lifecycle::lock(&mut tx, &t.key()).await?;
    let action = if comment.is_some() {
        Action::Return
    } else {
        Action::Approve
    };
    lifecycle::step(sub.status, action)?;
    if !lifecycle::may_decide(sub.submitted_by, actor.user) {
        return Err(ApiError::Rejected {
            code: "own_submission",
            vi: "Không được tự duyệt hoặc trả lại báo cáo do chính mình gửi".into(),
            en: "Nobody approves or returns a report they submitted themselves".into(),
        });
    }
    let entry = match comment {
        Some(c) => {
            lifecycle::return_to_unit(&mut tx, &sub, actor.user, c).await?;
            t.entry(
                "regimes.return",
                sub.id,
                json!({"status": "returned", "comment": c}),
            )
        }
        None => {
            lifecycle::approve(&mut tx, &sub, actor.user, chrono::Utc::now()).await?;
            t.entry(
                "regimes.approve",
                sub.id,
                json!({"status": "approved", "revision": sub.revision}),
            )
        }
    };
    conclude(tx, actor, entry, t, today).await
}

/// The document of a revision (the newest handed in when `revision` is absent, else the one
/// being prepared), for download.
pub async fn document_of(
    db: &PgPool,
    t: &Target<'_>,
    revision: Option<i32>,
) -> Result<Option<i64>, ApiError> {
    let mut c = db.acquire().await?;
    let Some(sub) = lifecycle::load(&mut c, &t.key(), false).await? else {
        return Ok(None);
    };
    let all = revisions(&mut c, &sub).await?;
    let wanted = revision.unwrap_or(if sub.revision > 0 { sub.revision } else { 1 });
    Ok(all
        .iter()
        .find(|r| r.revision == wanted)
        .and_then(|r| r.document.as_ref())
        .map(|d| d.id))
}

/// For the summary: what a unit handed in last (`None`: never handed in).
pub async fn handed_in(db: &PgPool, t: &Target<'_>) -> Result<Option<RegimeRevision>, ApiError> {
    let mut c = db.acquire().await?;
    let Some(sub) = lifecycle::load(&mut c, &t.key(), false).await? else {
        return Ok(None);
    };
    Ok(revisions(&mut c, &sub)
        .await?
        .into_iter()
        .find(|r| r.revision == sub.revision))
}
