//! What people read of dossiers: the lists (overdue per unit and commune, with age), one
//! dossier, its apology slips, and issuing a slip. No personal data is ever read here.

use chrono::{DateTime, NaiveDate, Utc};
use ioc_protocol::{ApologyView, Channel, DossierStatus, DossierView, Timeliness};
use sqlx::PgPool;

use super::rollup::Deltas;
use super::state::Dossier;
use super::store;
use crate::calendar::Calendar;

/// Which dossiers a list shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    /// Received and not finished (in time, overdue or paused), soonest due first.
    Open,
    /// Open, running and past the return date, oldest first.
    Overdue,
    /// Every dossier, newest status first.
    All,
}

#[derive(Clone, Debug)]
pub struct ListFilter {
    pub unit: Option<String>,
    pub commune: Option<String>,
    pub which: Which,
    pub limit: i64,
}

struct ListRow {
    id: String,
    procedure_code: String,
    procedure_name: String,
    unit_code: String,
    unit_name: String,
    commune_code: Option<String>,
    commune_name: Option<String>,
    channel: i16,
    status: i16,
    status_at: DateTime<Utc>,
    received_at: Option<DateTime<Utc>>,
    due_date: Option<NaiveDate>,
    current_due_date: Option<NaiveDate>,
    result_at: Option<DateTime<Utc>>,
    postponements: i16,
}

impl ListRow {
    fn view(self, calendar: &Calendar, today: NaiveDate) -> Option<DossierView> {
        let status = DossierStatus::from_code(self.status.into())?;
        let channel = Channel::from_code(self.channel.into())?;
        // The outcome rule lives in one place (`Dossier::timeliness`); a list row is enough of a
        // dossier for it.
        let probe = Dossier {
            status,
            status_at: self.status_at,
            received_at: self.received_at,
            due_date: self.due_date,
            result_at: self.result_at,
            ..Dossier::placeholder()
        };
        let (timeliness, days_late) = probe.timeliness(calendar, today);
        Some(DossierView {
            id: self.id,
            procedure: self.procedure_code,
            procedure_name: self.procedure_name,
            unit: self.unit_code,
            unit_name: self.unit_name,
            commune: self.commune_code,
            commune_name: self.commune_name,
            channel,
            status,
            status_at: self.status_at,
            received_at: self.received_at,
            due_date: self.due_date,
            current_due_date: self.current_due_date,
            result_at: self.result_at,
            timeliness,
            days_late,
            postponements: self.postponements,
        })
    }
}

/// The dossiers `f` asks for.
pub async fn list(db: &PgPool, f: &ListFilter) -> Result<Vec<DossierView>, sqlx::Error> {
    let calendar = Calendar::load(db).await?;
    let today = super::today();
    let rows = match f.which {
        Which::Open | Which::Overdue => {
            // Overdue: running (not paused) and due on or before the last working day before today.
            let through = (f.which == Which::Overdue).then(|| calendar.previous_working_day(today));
            sqlx::query_as!(
                ListRow,
                r#"SELECT d.id, d.procedure_code, p.name_vi AS procedure_name, d.unit_code, u.name_vi AS unit_name,
                          d.commune_code, c.name_vi AS "commune_name?", d.channel, d.status, d.status_at,
                          d.received_at, d.due_date, d.current_due_date, d.result_at, d.postponements
                   FROM dossiers d
                   JOIN procedures p ON p.code = d.procedure_code
                   JOIN units u ON u.code = d.unit_code
                   LEFT JOIN units c ON c.code = d.commune_code
                   WHERE d.status IN (2, 4, 5, 6, 8)
                     AND ($1::text IS NULL OR d.unit_code = $1)
                     AND ($2::text IS NULL OR d.commune_code = $2)
                     AND ($3::date IS NULL OR (d.due_date <= $3 AND d.status IN (2, 4)))
                   ORDER BY d.due_date, d.id LIMIT $4"#,
                f.unit,
                f.commune,
                through,
                f.limit
            )
            .fetch_all(db)
            .await?
        }
        Which::All => {
            sqlx::query_as!(
                ListRow,
                r#"SELECT d.id, d.procedure_code, p.name_vi AS procedure_name, d.unit_code, u.name_vi AS unit_name,
                          d.commune_code, c.name_vi AS "commune_name?", d.channel, d.status, d.status_at,
                          d.received_at, d.due_date, d.current_due_date, d.result_at, d.postponements
                   FROM dossiers d
                   JOIN procedures p ON p.code = d.procedure_code
                   JOIN units u ON u.code = d.unit_code
                   LEFT JOIN units c ON c.code = d.commune_code
                   WHERE ($1::text IS NULL OR d.unit_code = $1)
                     AND ($2::text IS NULL OR d.commune_code = $2)
                   ORDER BY d.status_at DESC, d.id LIMIT $3"#,
                f.unit,
                f.commune,
                f.limit
            )
            .fetch_all(db)
            .await?
        }
    };
    Ok(rows
        .into_iter()
        .filter_map(|r| r.view(&calendar, today))
        .collect())
}

/// One dossier as the lists show it.
pub async fn get(db: &PgPool, id: &str) -> Result<Option<DossierView>, sqlx::Error> {
    let calendar = Calendar::load(db).await?;
    let row = sqlx::query_as!(
        ListRow,
        r#"SELECT d.id, d.procedure_code, p.name_vi AS procedure_name, d.unit_code, u.name_vi AS unit_name,
                  d.commune_code, c.name_vi AS "commune_name?", d.channel, d.status, d.status_at,
                  d.received_at, d.due_date, d.current_due_date, d.result_at, d.postponements
           FROM dossiers d
           JOIN procedures p ON p.code = d.procedure_code
           JOIN units u ON u.code = d.unit_code
           LEFT JOIN units c ON c.code = d.commune_code
           WHERE d.id = $1"#,
        id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.and_then(|r| r.view(&calendar, super::today())))
}

/// The apology slips of a dossier, first first.
pub async fn apologies(db: &PgPool, id: &str) -> Result<Vec<ApologyView>, sqlx::Error> {
    sqlx::query_as!(
        ApologyView,
        "SELECT dossier_id, number, reason, previous_due, new_due, issued_at, issued_by
         FROM dossier_apologies WHERE dossier_id = $1 ORDER BY number",
        id
    )
    .fetch_all(db)
    .await
}

/// Why a slip was refused.
#[derive(Debug, thiserror::Error)]
pub enum ApologyError {
    #[error("no such dossier")]
    NotFound,
    #[error("the dossier is not late or about to be")]
    NotLate,
    #[error("the new date must be after the current one")]
    DateNotLater,
    #[error("a reason is required")]
    NoReason,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl ApologyError {
    pub fn messages(&self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::NotFound => ("not_found", "Không có hồ sơ này", "No such dossier"),
            Self::NotLate => (
                "not_late",
                "Chỉ lập phiếu xin lỗi cho hồ sơ đang giải quyết hoặc đã trễ hạn",
                "An apology slip is for a dossier still in progress or finished late",
            ),
            Self::DateNotLater => (
                "date_not_later",
                "Ngày hẹn mới phải sau ngày hẹn hiện tại",
                "The new return date must be after the current one",
            ),
            Self::NoReason => (
                "reason_required",
                "Cần ghi lý do trễ hạn",
                "The reason for the delay is required",
            ),
            Self::Db(_) => ("internal", "Lỗi cơ sở dữ liệu", "Database error"),
        }
    }
}

/// Issues the next apology slip of dossier `id`: the new return date becomes its current one,
/// the first promised date stays (lateness is measured against it), the postponement is counted,
/// and the rollups move the dossier out of "late without apology", in one transaction.
pub async fn apologise(
    db: &PgPool,
    id: &str,
    reason: &str,
    new_due: NaiveDate,
    issued_by: &str,
) -> Result<(ApologyView, String), ApologyError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ApologyError::NoReason);
    }
    let calendar = Calendar::load(db).await?;
    let mut tx = db.begin().await?;
    let mut locked = store::lock(&mut tx, &[id.to_string()]).await?;
    let Some(before) = locked.pop() else {
        return Err(ApologyError::NotFound);
    };
    let (timeliness, _) = before.timeliness(&calendar, super::today());
    let previous_due = before
        .current_due_date
        .or(before.due_date)
        .ok_or(ApologyError::NotLate)?;
    if !matches!(
        timeliness,
        Timeliness::InTime | Timeliness::Overdue | Timeliness::Paused | Timeliness::Late
    ) {
        return Err(ApologyError::NotLate);
    }
    if new_due <= previous_due {
        return Err(ApologyError::DateNotLater);
    }
    let mut after = before.clone();
    after.postponements += 1;
    after.current_due_date = Some(new_due);
    let slip = sqlx::query_as!(
        ApologyView,
        "INSERT INTO dossier_apologies (dossier_id, number, reason, previous_due, new_due, issued_by)
         VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING dossier_id, number, reason, previous_due, new_due, issued_at, issued_by",
        id,
        after.postponements,
        reason,
        previous_due,
        new_due,
        issued_by
    )
    .fetch_one(&mut *tx)
    .await?;
    store::upsert(&mut tx, &[&after]).await?; // locked above: always an update
    let mut deltas = Deltas::default();
    deltas.add(&before, -1, &calendar);
    deltas.add(&after, 1, &calendar);
    deltas.write(&mut tx).await?;
    tx.commit().await?;
    Ok((slip, after.unit))
}
