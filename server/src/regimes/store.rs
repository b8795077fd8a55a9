//! The tables `report_regimes`, `report_regime_units`, `regime_documents` and `regime_figures`
//! (the `submissions` rows are the lifecycle's).

use chrono::{DateTime, NaiveDate, Utc};
use ioc_protocol::{
    DeadlineMonth, FieldValue, FormField, Frequency, RegimeDeadline, RegimeKind, SubmissionStatus,
    TaskUnit,
};
use std::collections::HashMap;

use sqlx::types::Json;
use sqlx::{PgConnection, PgPool};

/// A regime as stored.
#[derive(Clone, Debug)]
pub struct Regime {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: RegimeKind,
    pub legal_basis: String,
    pub content: String,
    pub receiving_unit: String,
    pub reporting_units: Vec<String>,
    pub frequency: Frequency,
    pub deadline: RegimeDeadline,
    pub starts_on: NaiveDate,
    pub form_fields: Vec<FormField>,
    pub outline_document: Option<i64>,
}

/// A regime to store (read and checked by [`super::read_regime`]).
pub struct NewRegime<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub kind: RegimeKind,
    pub legal_basis: &'a str,
    pub content: &'a str,
    pub receiving_unit: &'a str,
    pub reporting_units: &'a [String],
    pub frequency: Frequency,
    pub deadline: RegimeDeadline,
    pub starts_on: NaiveDate,
    pub form_fields: &'a [FormField],
    pub created_by: &'a str,
}

/// The deadline columns: (rule, due_month, due_day, due_before, working_days, after_days, due_on).
type DeadlineColumns = (
    String,
    Option<String>,
    Option<i16>,
    bool,
    bool,
    Option<i16>,
    Option<NaiveDate>,
);

fn columns(d: &RegimeDeadline) -> DeadlineColumns {
    let small = |n: u32| i16::try_from(n).ok();
    match *d {
        RegimeDeadline::DayOfMonth {
            month,
            day,
            before,
            working_days,
        } => (
            "day_of_month".into(),
            Some(month.as_str().to_string()),
            small(day),
            before,
            working_days,
            None,
            None,
        ),
        RegimeDeadline::AfterCutoff { days, working_days } => (
            "after_cutoff".into(),
            None,
            None,
            false,
            working_days,
            small(days),
            None,
        ),
        RegimeDeadline::Fixed { due_on } => {
            ("fixed".into(), None, None, false, false, None, Some(due_on))
        }
    }
}

fn decode(what: String) -> sqlx::Error {
    sqlx::Error::Decode(what.into())
}

fn deadline_of(id: i64, c: DeadlineColumns) -> Result<RegimeDeadline, sqlx::Error> {
    let n = |v: i16| u32::try_from(v).unwrap_or(0);
    let (rule, due_month, due_day, before, working_days, after_days, due_on) = c;
    match (rule.as_str(), due_month, due_day, after_days, due_on) {
        ("day_of_month", Some(month), Some(day), _, _) => Ok(RegimeDeadline::DayOfMonth {
            month: DeadlineMonth::parse(&month)
                .ok_or_else(|| decode(format!("regime {id}: month {month:?}")))?,
            day: n(day),
            before,
            working_days,
        }),
        ("after_cutoff", _, _, Some(days), _) => Ok(RegimeDeadline::AfterCutoff {
            days: n(days),
            working_days,
        }),
        ("fixed", _, _, _, Some(due_on)) => Ok(RegimeDeadline::Fixed { due_on }),
        (rule, ..) => Err(decode(format!("regime {id}: deadline rule {rule:?}"))),
    }
}

/// Stores a regime and its reporting units; its id, or `None` when the code is taken.
pub async fn insert(tx: &mut PgConnection, r: &NewRegime<'_>) -> Result<Option<i64>, sqlx::Error> {
    let (rule, due_month, due_day, due_before, working_days, after_days, due_on) =
        columns(&r.deadline);
    let id = sqlx::query_scalar!(
        "INSERT INTO report_regimes (code, name, kind, legal_basis, content, receiving_unit, frequency,
                deadline_rule, due_month, due_day, due_before, working_days, after_days, due_on,
                starts_on, form_fields, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
         ON CONFLICT (code) DO NOTHING RETURNING id",
        r.code,
        r.name,
        r.kind.as_str(),
        r.legal_basis,
        r.content,
        r.receiving_unit,
        r.frequency.as_str(),
        rule,
        due_month,
        due_day,
        due_before,
        working_days,
        after_days,
        due_on,
        r.starts_on,
        Json(r.form_fields) as _,
        r.created_by
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(id) = id {
        sqlx::query!(
            "INSERT INTO report_regime_units (regime_id, unit_code) SELECT $1, unnest($2::text[])",
            id,
            r.reporting_units
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(id)
}

/// Every regime, or one (`id`), with its reporting units.
pub async fn select(db: &PgPool, id: Option<i64>) -> Result<Vec<Regime>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT r.id, r.code, r.name, r.kind, r.legal_basis, r.content, r.receiving_unit,
                  r.frequency AS "frequency: Frequency", r.deadline_rule, r.due_month, r.due_day,
                  r.due_before, r.working_days, r.after_days, r.due_on, r.starts_on,
                  r.form_fields AS "form_fields: Json<Vec<FormField>>", r.outline_document,
                  coalesce(array_agg(u.unit_code ORDER BY u.unit_code)
                           FILTER (WHERE u.unit_code IS NOT NULL), '{}') AS "units!"
           FROM report_regimes r
           LEFT JOIN report_regime_units u ON u.regime_id = r.id
           WHERE $1::bigint IS NULL OR r.id = $1
           GROUP BY r.id ORDER BY r.code"#,
        id
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Regime {
                kind: RegimeKind::parse(&r.kind)
                    .ok_or_else(|| decode(format!("regime {}: kind {:?}", r.id, r.kind)))?,
                deadline: deadline_of(
                    r.id,
                    (
                        r.deadline_rule,
                        r.due_month,
                        r.due_day,
                        r.due_before,
                        r.working_days,
                        r.after_days,
                        r.due_on,
                    ),
                )?,
                id: r.id,
                code: r.code,
                name: r.name,
                legal_basis: r.legal_basis,
                content: r.content,
                receiving_unit: r.receiving_unit,
                reporting_units: r.units,
                frequency: r.frequency,
                starts_on: r.starts_on,
                form_fields: r.form_fields.0,
                outline_document: r.outline_document,
            })
        })
        .collect()
}

pub async fn get(db: &PgPool, id: i64) -> Result<Option<Regime>, sqlx::Error> {
    Ok(select(db, Some(id)).await?.into_iter().next())
}

/// Sets the regime's outline template.
pub async fn set_outline(
    tx: &mut PgConnection,
    regime: i64,
    document: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE report_regimes SET outline_document = $2 WHERE id = $1",
        regime,
        document
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// Links an uploaded document to the revision being prepared.
pub async fn add_document(
    tx: &mut PgConnection,
    submission: i64,
    revision: i32,
    document: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO regime_documents (submission_id, revision, document_id) VALUES ($1, $2, $3)",
        submission,
        revision,
        document
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// Records the figures of the revision being prepared (new rows: earlier ones stay).
pub async fn add_figures(
    tx: &mut PgConnection,
    submission: i64,
    revision: i32,
    values: &[FieldValue],
    by: &str,
) -> Result<(), sqlx::Error> {
    let codes: Vec<&str> = values.iter().map(|v| v.code.as_str()).collect();
    let numbers: Vec<f64> = values.iter().map(|v| v.value).collect();
    sqlx::query!(
        "INSERT INTO regime_figures (submission_id, revision, field_code, value, entered_by)
         SELECT $1, $2, f.code, f.value, $5 FROM unnest($3::text[], $4::float8[]) AS f(code, value)",
        submission,
        revision,
        &codes as &[&str],
        &numbers,
        by
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// Everything a submission's revisions added, in the order it was added: (revision, document)
/// and (revision, field, value).
pub async fn contents(
    db: &mut PgConnection,
    submission: i64,
) -> Result<(Vec<(i32, i64)>, Vec<(i32, String, f64)>), sqlx::Error> {
    let docs = sqlx::query!(
        "SELECT revision, document_id FROM regime_documents WHERE submission_id = $1 ORDER BY id",
        submission
    )
    .fetch_all(&mut *db)
    .await?;
    let figures = sqlx::query!(
        "SELECT revision, field_code, value FROM regime_figures WHERE submission_id = $1 ORDER BY id",
        submission
    )
    .fetch_all(&mut *db)
    .await?;
    Ok((
        docs.into_iter()
            .map(|d| (d.revision, d.document_id))
            .collect(),
        figures
            .into_iter()
            .map(|f| (f.revision, f.field_code, f.value))
            .collect(),
    ))
}

/// A submission row of a regime's period.
pub struct SubmissionRow {
    pub id: i64,
    pub unit_code: String,
    pub status: SubmissionStatus,
    pub revision: i32,
    pub first_submitted_at: Option<DateTime<Utc>>,
}

/// The submissions of a regime's period (units that never started one have none).
pub async fn period_submissions(
    db: &PgPool,
    regime: i64,
    period: NaiveDate,
) -> Result<Vec<SubmissionRow>, sqlx::Error> {
    sqlx::query_as!(
        SubmissionRow,
        r#"SELECT id, unit_code, status AS "status: SubmissionStatus", revision, first_submitted_at
           FROM submissions WHERE regime_id = $1 AND period = $2"#,
        regime,
        period
    )
    .fetch_all(db)
    .await
}

/// When each regime submission was first handed in, keyed by (regime, unit, period's first
/// day): the units' records count from it.
pub async fn handed_in_dates(
    db: &PgPool,
) -> Result<HashMap<(i64, String, NaiveDate), Option<DateTime<Utc>>>, sqlx::Error> {
    Ok(sqlx::query!(
        r#"SELECT regime_id AS "regime_id!", unit_code, period, first_submitted_at FROM submissions
           WHERE regime_id IS NOT NULL"#
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| ((r.regime_id, r.unit_code, r.period), r.first_submitted_at))
    .collect())
}

/// Units by code, with both names.
pub async fn unit_names(
    db: &PgPool,
    codes: &[String],
) -> Result<HashMap<String, TaskUnit>, sqlx::Error> {
    Ok(sqlx::query!(
        "SELECT code, name_vi, name_en FROM units WHERE code = ANY($1)",
        codes
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| {
        let unit = TaskUnit {
            code: r.code.clone(),
            name_vi: r.name_vi,
            name_en: r.name_en,
        };
        (r.code, unit)
    })
    .collect())
}

/// Active units of the province of `kind` (`department`, `commune`), for "every department".
pub async fn units_of_kind(
    db: &PgPool,
    province: &str,
    kind: &str,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT code FROM units WHERE parent_code = $1 AND active AND kind = $2 ORDER BY sort_order, code",
        province,
        kind
    )
    .fetch_all(db)
    .await
}

/// Every unit that reports in a regime or receives one.
pub async fn regime_units(db: &PgPool) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT unit_code AS "unit!" FROM report_regime_units
           UNION SELECT receiving_unit FROM report_regimes"#
    )
    .fetch_all(db)
    .await
}

/// The province's department of `kind` (`vp`: the Office of the People's Committee).
pub async fn department_of_kind(
    db: &PgPool,
    province: &str,
    kind: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT code FROM units WHERE parent_code = $1 AND active AND department_kind = $2",
        province,
        kind
    )
    .fetch_optional(db)
    .await
}
