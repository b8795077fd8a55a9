//! The SQL of the tables `dossiers` and `dossier_events`.
//!
//! Batches write with `UNNEST` over column arrays: one statement per table per batch, whatever
//! its size, which is what lets a 2-core machine store tens of thousands of events a second.

use chrono::{DateTime, NaiveDate, Utc};
use ioc_protocol::{Channel, DossierFeedback, DossierStatus};
use serde_json::Value;
use sqlx::PgConnection;

use super::event::Event;
use super::state::Dossier;

/// A `dossiers` row as read.
struct Row {
    id: String,
    procedure_code: String,
    unit_code: String,
    commune_code: Option<String>,
    channel: i16,
    status: i16,
    last_seq: i64,
    seen_seqs: Vec<i64>,
    status_at: DateTime<Utc>,
    received_at: Option<DateTime<Utc>>,
    due_date: Option<NaiveDate>,
    current_due_date: Option<NaiveDate>,
    result_at: Option<DateTime<Utc>>,
    fee: Option<i64>,
    paid_online: bool,
    electronic_result: bool,
    digitised_components: bool,
    electronic_copies: bool,
    reused_data: bool,
    shared_for_reuse: bool,
    population_data: bool,
    synced_at: Option<DateTime<Utc>>,
    rating: Option<i16>,
    feedback: Option<Value>,
    personal: Option<Value>,
    postponements: i16,
}

impl Row {
    fn into_dossier(self) -> Result<Dossier, sqlx::Error> {
        let bad = |what: &str, v: i16| {
            sqlx::Error::Decode(
                format!("dossier {}: {what} {v} is not a known code", self.id).into(),
            )
        };
        let status = DossierStatus::from_code(self.status.into())
            .ok_or_else(|| bad("status", self.status))?;
        let channel =
            Channel::from_code(self.channel.into()).ok_or_else(|| bad("channel", self.channel))?;
        let feedback: Option<DossierFeedback> = self
            .feedback
            .map(serde_json::from_value)
            .transpose()
            .map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        Ok(Dossier {
            id: self.id,
            procedure: self.procedure_code,
            unit: self.unit_code,
            commune: self.commune_code,
            channel,
            status,
            last_seq: self.last_seq,
            seen_seqs: self.seen_seqs,
            status_at: self.status_at,
            received_at: self.received_at,
            due_date: self.due_date,
            current_due_date: self.current_due_date,
            result_at: self.result_at,
            fee: self.fee,
            paid_online: self.paid_online,
            electronic_result: self.electronic_result,
            digitised_components: self.digitised_components,
            electronic_copies: self.electronic_copies,
            reused_data: self.reused_data,
            shared_for_reuse: self.shared_for_reuse,
            population_data: self.population_data,
            synced_at: self.synced_at,
            rating: self.rating,
            feedback,
            personal: self.personal,
            postponements: self.postponements,
        })
    }
}

/// Reads and locks the dossiers `ids` (in id order, so concurrent batches queue, never
/// deadlock, on the dossiers they share).
pub async fn lock(tx: &mut PgConnection, ids: &[String]) -> Result<Vec<Dossier>, sqlx::Error> {
    sqlx::query_as!(
        Row,
        "SELECT id, procedure_code, unit_code, commune_code, channel, status, last_seq, seen_seqs,
                status_at, received_at, due_date, current_due_date, result_at, fee, paid_online,
                electronic_result, digitised_components, electronic_copies, reused_data,
                shared_for_reuse, population_data, synced_at, rating, feedback, personal, postponements
         FROM dossiers WHERE id = ANY($1) ORDER BY id FOR UPDATE",
        ids
    )
    .fetch_all(tx)
    .await?
    .into_iter()
    .map(Row::into_dossier)
    .collect()
}

/// One dossier, unlocked.
pub async fn get(db: impl sqlx::PgExecutor<'_>, id: &str) -> Result<Option<Dossier>, sqlx::Error> {
    sqlx::query_as!(
        Row,
        "SELECT id, procedure_code, unit_code, commune_code, channel, status, last_seq, seen_seqs,
                status_at, received_at, due_date, current_due_date, result_at, fee, paid_online,
                electronic_result, digitised_components, electronic_copies, reused_data,
                shared_for_reuse, population_data, synced_at, rating, feedback, personal, postponements
         FROM dossiers WHERE id = $1",
        id
    )
    .fetch_optional(db)
    .await?
    .map(Row::into_dossier)
    .transpose()
}

/// Appends events to the history.
pub async fn insert_events(
    tx: &mut PgConnection,
    events: &[(&Event, &str)],
    source: &str,
) -> Result<(), sqlx::Error> {
    let ids: Vec<&str> = events.iter().map(|(e, _)| e.dossier_id.as_str()).collect();
    let seqs: Vec<i64> = events.iter().map(|(e, _)| e.seq).collect();
    let statuses: Vec<i16> = events.iter().map(|(e, _)| e.status.code()).collect();
    let at: Vec<DateTime<Utc>> = events.iter().map(|(e, _)| e.event_at).collect();
    let bodies: Vec<&str> = events.iter().map(|(_, b)| *b).collect();
    sqlx::query!(
        "INSERT INTO dossier_events (dossier_id, seq, status, event_at, source, body)
         SELECT d, s, st, a, $5, b FROM UNNEST($1::text[], $2::int8[], $3::int2[], $4::timestamptz[], $6::text[]::json[])
             AS u(d, s, st, a, b)",
        &ids as &[&str],
        &seqs,
        &statuses,
        &at,
        source,
        &bodies as &[&str]
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// Writes the new states of `dossiers` (sorted by id). Returns the ids of the rows that were
/// inserted (not updated): a dossier the caller took for new but that comes back updated was
/// inserted by a concurrent batch after the caller looked (see `ingest`).
pub async fn upsert(
    tx: &mut PgConnection,
    dossiers: &[&Dossier],
) -> Result<Vec<String>, sqlx::Error> {
    macro_rules! col {
        ($f:ident) => {
            dossiers.iter().map(|d| d.$f.clone()).collect::<Vec<_>>()
        };
    }
    let channels: Vec<i16> = dossiers.iter().map(|d| i16::from(d.channel)).collect();
    let statuses: Vec<i16> = dossiers.iter().map(|d| d.status.code()).collect();
    // A ragged array cannot be a parameter: each row's sequences travel as an array literal.
    let seen: Vec<String> = dossiers
        .iter()
        .map(|d| {
            let inner: Vec<String> = d.seen_seqs.iter().map(i64::to_string).collect();
            format!("{{{}}}", inner.join(","))
        })
        .collect();
    let feedback: Vec<Option<Value>> = dossiers
        .iter()
        .map(|d| {
            d.feedback
                .as_ref()
                .and_then(|f| serde_json::to_value(f).ok())
        })
        .collect();
    let inserted = sqlx::query!(
        r#"INSERT INTO dossiers AS t (id, procedure_code, unit_code, commune_code, channel, status, last_seq,
               seen_seqs, status_at, received_at, due_date, current_due_date, result_at, fee, paid_online,
               electronic_result, digitised_components, electronic_copies, reused_data, shared_for_reuse,
               population_data, synced_at, rating, feedback, personal, postponements, updated_at)
           SELECT id, p, u, c, ch, st, ls, ss::bigint[], sa, ra, dd, cd, rs, fee, po, er, dc, ec, rd, sr, pd,
                  sy, rt, fb, pe, pp, now()
           FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::int2[], $6::int2[], $7::int8[],
                       $8::text[], $9::timestamptz[], $10::timestamptz[], $11::date[], $12::date[],
                       $13::timestamptz[], $14::int8[], $15::bool[], $16::bool[], $17::bool[], $18::bool[],
                       $19::bool[], $20::bool[], $21::bool[], $22::timestamptz[], $23::int2[], $24::jsonb[],
                       $25::jsonb[], $26::int2[])
               AS x(id, p, u, c, ch, st, ls, ss, sa, ra, dd, cd, rs, fee, po, er, dc, ec, rd, sr, pd, sy, rt,
                    fb, pe, pp)
           ON CONFLICT (id) DO UPDATE SET
               procedure_code = EXCLUDED.procedure_code, unit_code = EXCLUDED.unit_code,
               commune_code = EXCLUDED.commune_code, channel = EXCLUDED.channel, status = EXCLUDED.status,
               last_seq = EXCLUDED.last_seq, seen_seqs = EXCLUDED.seen_seqs, status_at = EXCLUDED.status_at,
               received_at = EXCLUDED.received_at, due_date = EXCLUDED.due_date,
               current_due_date = EXCLUDED.current_due_date, result_at = EXCLUDED.result_at,
               fee = EXCLUDED.fee, paid_online = EXCLUDED.paid_online,
               electronic_result = EXCLUDED.electronic_result,
               digitised_components = EXCLUDED.digitised_components,
               electronic_copies = EXCLUDED.electronic_copies, reused_data = EXCLUDED.reused_data,
               shared_for_reuse = EXCLUDED.shared_for_reuse, population_data = EXCLUDED.population_data,
               synced_at = EXCLUDED.synced_at, rating = EXCLUDED.rating, feedback = EXCLUDED.feedback,
               personal = EXCLUDED.personal, postponements = EXCLUDED.postponements, updated_at = now()
           RETURNING id, (xmax = 0) AS "inserted!""#,
        &col!(id),
        &col!(procedure),
        &col!(unit),
        &col!(commune) as &[Option<String>],
        &channels,
        &statuses,
        &col!(last_seq),
        &seen,
        &col!(status_at),
        &col!(received_at) as &[Option<DateTime<Utc>>],
        &col!(due_date) as &[Option<NaiveDate>],
        &col!(current_due_date) as &[Option<NaiveDate>],
        &col!(result_at) as &[Option<DateTime<Utc>>],
        &col!(fee) as &[Option<i64>],
        &col!(paid_online),
        &col!(electronic_result),
        &col!(digitised_components),
        &col!(electronic_copies),
        &col!(reused_data),
        &col!(shared_for_reuse),
        &col!(population_data),
        &col!(synced_at) as &[Option<DateTime<Utc>>],
        &col!(rating) as &[Option<i16>],
        &feedback as &[Option<Value>],
        &col!(personal) as &[Option<Value>],
        &col!(postponements),
    )
    .fetch_all(tx)
    .await?;
    Ok(inserted
        .into_iter()
        .filter(|r| r.inserted)
        .map(|r| r.id)
        .collect())
}
