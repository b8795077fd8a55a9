//! The one path every dossier event takes, pushed by a one-stop system, read by the pull
//! connector, or made by the simulator: read each item, check its references, merge it into its
//! dossier, and store events, dossiers and rollup differences in one transaction.
//!
//! Each item gets its own answer. Items that fail are listed with their reason; the valid ones
//! are stored together, all or nothing: a failure of the database refuses the whole batch (the
//! sender repeats it; duplicates are recognised), never half of it.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use ioc_protocol::{DossierIngestReceipt, ItemOutcome, ItemResult};
use serde_json::value::RawValue;
use sqlx::{PgConnection, PgPool};

use super::event::{self, Event, ItemError};
use super::rollup::Deltas;
use super::state::{Applied, Dossier, ProcedureRef};
use super::store;
use crate::calendar::Calendar;

/// Events per batch; the items after it are answered "send again in another batch".
pub const MAX_BATCH: usize = 5000;
/// Times a batch is repeated after a concurrent batch got in its way.
const MAX_ATTEMPTS: u32 = 5;

/// One batch at a time stores in a server process (`AppState::dossier_writer`). Reading and
/// checking items runs concurrently; the transaction does not: batches sent at the same time
/// share dossiers (a receipt in one, the next status minutes later in the other), and two
/// transactions on them would only wait for each other's row locks or be repeated. Other server
/// processes on the same database are handled by the database: row locks, and the repeat when a
/// new dossier was created meanwhile.
pub type Writer = std::sync::Arc<tokio::sync::Mutex<()>>;

/// Whose dossiers a sender may send.
#[derive(Clone, Debug)]
pub enum Scope {
    /// The province's one-stop system: every department and commune of the province.
    Province(String),
    /// One unit's own system.
    Unit(String),
}

/// How a batch is to be stored.
#[derive(Clone, Debug)]
pub struct Batch<'a> {
    /// Who sent it (`token:ab12cd34`, `pull:one-stop`, `simulator`), kept with every event.
    pub source: &'a str,
    pub scope: Scope,
    /// Keep the applicant's personal data (off by default; never shown on the wall).
    pub keep_personal: bool,
    /// A pull connector's position after this batch, stored in the same transaction as the
    /// events: a restart resumes exactly after the last stored page.
    pub cursor: Option<Cursor<'a>>,
    /// The process's writer turn (see [`Writer`]).
    pub writer: &'a Writer,
}

/// Where a feed stands after a page.
#[derive(Clone, Debug)]
pub struct Cursor<'a> {
    pub feed: &'a str,
    pub next: &'a str,
}

/// What storing a batch did.
#[derive(Debug)]
pub struct Stored {
    pub receipt: DossierIngestReceipt,
    /// Units whose rollups changed, with the local days touched (for the index worker).
    pub touched: BTreeMap<String, HashSet<NaiveDate>>,
}

/// A unit as the reference checks need it.
struct UnitRef {
    kind: String,
    parent: Option<String>,
}

/// A procedure as the reference checks need it.
struct ProcedureCheck {
    level: String,
    unit: Option<String>,
    processing: ProcedureRef,
}

/// Reads, checks and stores `items`.
pub async fn ingest(
    db: &PgPool,
    items: Vec<Box<RawValue>>,
    batch: &Batch<'_>,
) -> Result<Stored, sqlx::Error> {
    let now = Utc::now();
    let mut results: Vec<ItemResult> = Vec::with_capacity(items.len());
    let mut events: Vec<(usize, Event, String)> = Vec::with_capacity(items.len().min(MAX_BATCH));
    for (i, item) in items.iter().enumerate() {
        if i >= MAX_BATCH {
            #[derive(serde::Deserialize)]
            struct Hint {
                dossier_id: Option<String>,
            }
            let id = serde_json::from_str::<Hint>(item.get())
                .ok()
                .and_then(|h| h.dossier_id);
            results.push(rejected(id, ItemError::BatchLimit(MAX_BATCH)));
            continue;
        }
        match event::read(item, now, batch.keep_personal) {
            Ok((e, body)) => {
                results.push(ItemResult {
                    outcome: ItemOutcome::Stored,
                    dossier_id: Some(e.dossier_id.clone()),
                    error: None,
                });
                events.push((i, e, body));
            }
            Err((id, err)) => results.push(rejected(id, err)),
        }
    }
    drop(items);
    let calendar = Calendar::load(db).await?;
    let (procedures, units) = references(db, &events).await?;
    events.retain(
        |(i, e, _)| match check_references(e, &procedures, &units, &batch.scope) {
            Ok(()) => true,
            Err(err) => {
                results[*i] = rejected(Some(e.dossier_id.clone()), err);
                false
            }
        },
    );
    // Repeated when a concurrent batch got in the way: a deadlock (possible only through the
    // database's own choices: rows are locked in key order), or a dossier new to this batch that
    // a concurrent batch created meanwhile (the repeat then finds and locks it).
    let mut attempt = 0;
    let writer = batch.writer.lock().await;
    let touched = loop {
        let mut tx = db.begin().await?;
        let mut round = results.clone();
        let stored =
            match store_events(&mut tx, &events, &procedures, &calendar, batch, &mut round).await {
                Ok(None) if attempt < MAX_ATTEMPTS => {
                    attempt += 1;
                    metrics::counter!("ioc_dossier_batch_races_total").increment(1);
                    continue; // dropping `tx` rolls it back
                }
                Ok(None) => Err(sqlx::Error::Protocol(
                    "a dossier kept being created by concurrent batches".into(),
                )),
                Ok(Some(touched)) => match &batch.cursor {
                    Some(c) => advance(&mut tx, c, events.len()).await.map(|()| touched),
                    None => Ok(touched),
                },
                Err(e) => Err(e),
            };
        match stored {
            Ok(touched) => match tx.commit().await {
                Ok(()) => {
                    results = round;
                    break touched;
                }
                Err(e) if retryable(&e) && attempt < MAX_ATTEMPTS => attempt += 1,
                Err(e) => return Err(e),
            },
            Err(e) if retryable(&e) && attempt < MAX_ATTEMPTS => attempt += 1,
            Err(e) => return Err(e),
        }
    };
    drop(writer);
    let count = |o: ItemOutcome| results.iter().filter(|r| r.outcome == o).count();
    Ok(Stored {
        receipt: DossierIngestReceipt {
            stored: count(ItemOutcome::Stored) + count(ItemOutcome::StoredOutOfOrder),
            duplicates: count(ItemOutcome::Duplicate),
            rejected: count(ItemOutcome::Rejected),
            items: results,
        },
        touched,
    })
}

async fn advance(tx: &mut PgConnection, c: &Cursor<'_>, events: usize) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO dossier_feed_cursors (source, cursor, pages, events) VALUES ($1, $2, 1, $3)
         ON CONFLICT (source) DO UPDATE SET cursor = EXCLUDED.cursor, pages = dossier_feed_cursors.pages + 1,
             events = dossier_feed_cursors.events + EXCLUDED.events, updated_at = now()",
        c.feed,
        c.next,
        events as i64
    )
    .execute(tx)
    .await?;
    Ok(())
}

fn retryable(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if matches!(d.code().as_deref(), Some("40P01" | "40001")))
}

fn rejected(id: Option<String>, err: ItemError) -> ItemResult {
    ItemResult {
        outcome: ItemOutcome::Rejected,
        dossier_id: id,
        error: Some(err.detail()),
    }
}

async fn references(
    db: &PgPool,
    events: &[(usize, Event, String)],
) -> Result<(HashMap<String, ProcedureCheck>, HashMap<String, UnitRef>), sqlx::Error> {
    let codes: Vec<String> = events
        .iter()
        .map(|(_, e, _)| e.procedure.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let unit_codes: Vec<String> = events
        .iter()
        .flat_map(|(_, e, _)| std::iter::once(e.unit.clone()).chain(e.commune.clone()))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let procedures = sqlx::query!(
        "SELECT code, level, unit_code, processing_days FROM procedures WHERE code = ANY($1) AND active",
        &codes
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| {
        (
            r.code,
            ProcedureCheck {
                level: r.level,
                unit: r.unit_code,
                processing: ProcedureRef {
                    processing_days: r.processing_days,
                },
            },
        )
    })
    .collect();
    let units = sqlx::query!(
        "SELECT code, kind, parent_code FROM units WHERE code = ANY($1) AND active",
        &unit_codes
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| {
        (
            r.code,
            UnitRef {
                kind: r.kind,
                parent: r.parent_code,
            },
        )
    })
    .collect();
    Ok((procedures, units))
}

fn check_references(
    e: &Event,
    procedures: &HashMap<String, ProcedureCheck>,
    units: &HashMap<String, UnitRef>,
    scope: &Scope,
) -> Result<(), ItemError> {
    let procedure = procedures
        .get(&e.procedure)
        .ok_or_else(|| ItemError::UnknownProcedure(e.procedure.clone()))?;
    let unit = units
        .get(&e.unit)
        .filter(|u| u.kind == "department" || u.kind == "commune")
        .ok_or_else(|| ItemError::UnknownUnit(e.unit.clone()))?;
    if let Some(c) = &e.commune {
        if units.get(c).is_none_or(|u| u.kind != "commune") {
            return Err(ItemError::UnknownCommune(c.clone()));
        }
    }
    let handles = match procedure.level.as_str() {
        "commune" => unit.kind == "commune",
        _ => procedure.unit.as_deref() == Some(e.unit.as_str()),
    };
    if !handles {
        return Err(ItemError::WrongUnit {
            procedure: e.procedure.clone(),
            unit: e.unit.clone(),
        });
    }
    let allowed = match scope {
        Scope::Province(p) => unit.parent.as_deref() == Some(p.as_str()),
        Scope::Unit(u) => *u == e.unit,
    };
    if !allowed {
        return Err(ItemError::OutsideScope(e.unit.clone()));
    }
    Ok(())
}

/// The transaction: lock the dossiers, merge, write events, dossiers and rollup differences.
/// `None` when a dossier this batch took for new was created by a concurrent batch meanwhile
/// (no row to lock existed when we looked): the caller rolls back and repeats.
async fn store_events(
    tx: &mut PgConnection,
    events: &[(usize, Event, String)],
    procedures: &HashMap<String, ProcedureCheck>,
    calendar: &Calendar,
    batch: &Batch<'_>,
    results: &mut [ItemResult],
) -> Result<Option<BTreeMap<String, HashSet<NaiveDate>>>, sqlx::Error> {
    let ids: Vec<String> = events
        .iter()
        .map(|(_, e, _)| e.dossier_id.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut before: HashMap<String, Dossier> = store::lock(&mut *tx, &ids)
        .await?
        .into_iter()
        .map(|d| (d.id.clone(), d))
        .collect();
    let mut after: HashMap<String, Dossier> = HashMap::new();
    let mut history: Vec<(&Event, &str)> = Vec::with_capacity(events.len());
    for (i, e, body) in events {
        let current = after.entry(e.dossier_id.clone()).or_insert_with(|| {
            before
                .get(&e.dossier_id)
                .cloned()
                .unwrap_or_else(|| Dossier::new(e))
        });
        let Some(procedure) = procedures.get(&e.procedure) else {
            continue; // checked before: every stored event names a known procedure
        };
        match current.apply(e, &procedure.processing, calendar, batch.keep_personal) {
            Ok(Applied::Newest) => history.push((e, body.as_str())),
            Ok(Applied::OutOfOrder) => {
                results[*i].outcome = ItemOutcome::StoredOutOfOrder;
                history.push((e, body.as_str()));
            }
            Ok(Applied::Duplicate) => results[*i].outcome = ItemOutcome::Duplicate,
            Err(err) => results[*i] = rejected(Some(e.dossier_id.clone()), err),
        }
    }
    // Only dossiers that changed are written; a new dossier whose every event was refused is not.
    after.retain(|id, d| match before.get(id) {
        Some(b) => b != d,
        None => !d.seen_seqs.is_empty(),
    });
    let new: HashSet<&str> = after
        .keys()
        .filter(|id| !before.contains_key(*id))
        .map(String::as_str)
        .collect();
    let mut deltas = Deltas::default();
    for (id, d) in &after {
        if let Some(b) = before.remove(id) {
            deltas.add(&b, -1, calendar);
        }
        deltas.add(d, 1, calendar);
    }
    let mut touched: BTreeMap<String, HashSet<NaiveDate>> = BTreeMap::new();
    for (unit, day) in deltas.touched() {
        touched.entry(unit.to_string()).or_default().insert(day);
    }
    if !history.is_empty() {
        store::insert_events(&mut *tx, &history, batch.source).await?;
    }
    let mut changed: Vec<&Dossier> = after.values().collect();
    changed.sort_by(|a, b| a.id.cmp(&b.id));
    if !changed.is_empty() {
        let inserted = store::upsert(&mut *tx, &changed).await?;
        if inserted.len() != new.len() || !inserted.iter().all(|id| new.contains(id.as_str())) {
            return Ok(None);
        }
    }
    deltas.write(&mut *tx).await?;
    Ok(Some(touched))
}
