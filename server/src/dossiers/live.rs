//! The dossier wall, live: after a batch commits, the units it touched are marked; a worker wakes,
//! waits a moment for more batches (one recomputation for many batches under load), recomputes
//! the 766 indexes of the periods touched and the boards of the units touched, stores them and
//! publishes the boards on the stored topics `dossiers/{unit}`.
//!
//! The time of day matters too (a dossier becomes overdue with no event at all): every minute the
//! worker refreshes everything; unchanged boards cost no frame (stored topics skip equal states).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{Datelike, NaiveDate};
use ioc_protocol::{CommuneCount, DossierBoard, IndexSummary, OverdueAlert, Payload, RankRow};
use sqlx::PgPool;
use tokio::sync::Notify;

use super::index::{self, Config, IndexPeriod, PeriodKind, UnitInfo};
use crate::calendar::Calendar;
use crate::live::stored;
use crate::AppState;

/// How long the worker waits after a wake-up for more batches to arrive (at least; see `run`).
const COALESCE: Duration = Duration::from_millis(200);
/// The periods no wall shows live (this quarter, this year, past periods that late events
/// changed) are recomputed at most this often under load: the boards stay within a second of
/// the events, the ranking tables of a quarter within half a minute.
const SLOW_LANE: Duration = Duration::from_secs(30);
/// The shown periods' index rows (what `/api/v1/index766…` reads) are written at most this
/// often under load; the boards, computed at every wake-up, carry the live figures. Writing
/// ~300 rows of index detail at every recomputation was a third of the worker's time.
const STORE_EVERY: Duration = Duration::from_secs(5);
/// Full refresh (time passes: dossiers become overdue, days change).
const REFRESH: Duration = Duration::from_secs(60);

/// The topic of a unit's dossier board.
pub fn topic(unit: &str) -> String {
    format!("dossiers/{unit}")
}

/// What changed since the worker last ran.
#[derive(Default)]
pub struct Dirty {
    pub units: BTreeSet<String>,
    pub days: BTreeSet<NaiveDate>,
}

/// Shared between the write paths (which mark) and the worker (which recomputes).
#[derive(Default)]
pub struct Live {
    dirty: Mutex<Dirty>,
    wake: Notify,
}

impl Live {
    /// Marks what a committed batch changed and wakes the worker.
    pub fn touched(&self, touched: &BTreeMap<String, HashSet<NaiveDate>>) {
        if touched.is_empty() {
            return;
        }
        let mut d = self.dirty.lock().unwrap_or_else(|e| e.into_inner());
        for (unit, days) in touched {
            d.units.insert(unit.clone());
            d.days.extend(days.iter().copied());
        }
        drop(d);
        self.wake.notify_one();
    }

    fn take(&self) -> Dirty {
        std::mem::take(&mut *self.dirty.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// The units of the province whose dossiers are followed: its departments and communes.
pub async fn units(db: &PgPool, province: &str) -> Result<Vec<UnitInfo>, sqlx::Error> {
    Ok(sqlx::query!(
        "SELECT code, name_vi, name_en, kind FROM units
         WHERE parent_code = $1 AND active AND kind IN ('department', 'commune')
         ORDER BY kind DESC, sort_order, code",
        province
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| UnitInfo {
        code: r.code,
        name_vi: r.name_vi,
        name_en: r.name_en,
        kind: r.kind,
    })
    .collect())
}

/// Runs until shutdown.
pub async fn run(state: AppState) {
    let live = state.dossier_live.clone();
    let mut refresh = tokio::time::interval(REFRESH);
    // Past days touched since the slow lane last ran.
    let mut pending_days: BTreeSet<NaiveDate> = BTreeSet::new();
    let mut slow_ran = std::time::Instant::now() - SLOW_LANE;
    // How long the last recomputation took: the worker then waits at least as long, so that
    // under a sustained feed it holds the database at most half of the time (the rest is the
    // feed's) and the wall still follows within about three recomputations.
    let mut last = Duration::ZERO;
    let mut stored_at = std::time::Instant::now() - STORE_EVERY;
    loop {
        let full = tokio::select! {
            _ = state.shutdown.cancelled() => return,
            _ = live.wake.notified() => false,
            _ = refresh.tick() => true,
        };
        tokio::time::sleep(COALESCE.max(last)).await;
        let mut dirty = live.take();
        pending_days.append(&mut dirty.days);
        let slow = full || slow_ran.elapsed() >= SLOW_LANE;
        if slow {
            dirty.days = std::mem::take(&mut pending_days);
            slow_ran = std::time::Instant::now();
        }
        let started = std::time::Instant::now();
        let store = slow || stored_at.elapsed() >= STORE_EVERY;
        if store {
            stored_at = started;
        }
        let result = recompute(&state, dirty, full, slow, store).await;
        last = started.elapsed();
        match result {
            Ok(()) => metrics::histogram!("ioc_dossier_board_seconds").record(last.as_secs_f64()),
            Err(e) => tracing::warn!(error = %e, "dossier boards not recomputed"),
        }
    }
}

/// Recomputes the indexes the boards show (this month, the rolling 30 days), with `slow` also
/// this quarter, this year and the past periods of `dirty.days`; then the boards of the units
/// touched (all of them on a full refresh); stores and publishes them. The index rows of the
/// periods are written when `store` (always for the slow lane's periods).
pub async fn recompute(
    state: &AppState,
    dirty: Dirty,
    full: bool,
    slow: bool,
    store: bool,
) -> Result<(), sqlx::Error> {
    let db = &state.db;
    let province = state.config.province.as_str();
    let today = super::today();
    let calendar = Calendar::load(db).await?;
    let overdue_through = calendar.previous_working_day(today);
    let config = Config::load(db).await?;
    let units = units(db, province).await?;
    // Periods: those the boards show always; the others in the slow lane.
    let shown = [PeriodKind::Month, PeriodKind::Rolling30];
    let mut periods: BTreeSet<IndexPeriod> = PeriodKind::ALL
        .iter()
        .filter(|k| slow || shown.contains(k))
        .map(|k| k.containing(today))
        .collect();
    for day in &dirty.days {
        for kind in [PeriodKind::Month, PeriodKind::Quarter, PeriodKind::Year] {
            periods.insert(kind.containing(*day));
        }
    }
    let mut rolling = HashMap::new();
    let mut active: HashSet<String> = HashSet::new();
    let mut month = HashMap::new();
    for period in periods {
        let (measures, summaries, rows) = period_index(
            db,
            province,
            &units,
            &config,
            period,
            today,
            overdue_through,
        )
        .await?;
        if store || !(shown.contains(&period.kind) && period.contains(today)) {
            store_index(db, period, &rows).await?;
        }
        if period.kind == PeriodKind::Rolling30 && period.end == today {
            // Ranked: the units that handled dossiers in the window. A department with
            // procedures but no dossiers would score its catalogue points alone (12 of 100)
            // and rank among units that work.
            active = measures
                .iter()
                .filter(|(_, m)| m.received + m.handled > 0.0)
                .map(|(u, _)| u.clone())
                .collect();
            rolling = summaries;
        }
        if period.kind == PeriodKind::Month && period.contains(today) {
            month = measures;
        }
    }
    let counters = Counters::load(db, today, overdue_through).await?;
    let ranking = ranking(&units, &rolling, &active, &counters);
    let communes = communes(db, province, &counters).await?;
    let mut boards = Vec::new();
    let names: HashMap<&str, &UnitInfo> = units.iter().map(|u| (u.code.as_str(), u)).collect();
    let (p_vi, p_en) = sqlx::query!(
        "SELECT name_vi, name_en FROM units WHERE code = $1",
        province
    )
    .fetch_optional(db)
    .await?
    .map(|r| (r.name_vi, r.name_en))
    .unwrap_or_default();
    let chosen: Vec<String> = std::iter::once(province.to_string())
        .chain(units.iter().map(|u| u.code.clone()))
        .filter(|u| full || u == province || dirty.units.contains(u))
        .collect();
    let mut alerts = alerts(db, &chosen, &calendar, today, overdue_through).await?;
    for unit in chosen {
        let is_province = unit == province;
        let (name_vi, name_en) = match names.get(unit.as_str()) {
            Some(u) => (u.name_vi.clone(), u.name_en.clone()),
            None => (p_vi.clone(), p_en.clone()),
        };
        let c = if is_province {
            counters.total()
        } else {
            counters.unit(&unit)
        };
        let m = month.get(&unit).copied().unwrap_or_default();
        boards.push(DossierBoard {
            unit: unit.clone(),
            unit_name_vi: name_vi,
            unit_name_en: name_en,
            day: today,
            received_today: c.received_today,
            finished_today: c.finished_today,
            in_progress: c.open,
            paused: c.paused,
            overdue: c.overdue,
            late_without_apology: c.overdue_unapologised + c.late_unapologised_month,
            on_time_month: percent(m.finished_in_time, m.finished),
            online_month: percent(m.received_online, m.received),
            index: rolling.get(&unit).cloned(),
            ranking: if is_province {
                ranking.clone()
            } else {
                Vec::new()
            },
            communes: if is_province {
                communes.clone()
            } else {
                Vec::new()
            },
            alerts: alerts.remove(&unit).unwrap_or_default(),
            demo: state.config.demo,
        });
    }
    let mut tx = db.begin().await?;
    let mut publications = Vec::new();
    for board in boards {
        let topic = topic(&board.unit);
        if let Some(p) = stored::append(
            &mut tx,
            &state.epoch,
            &topic,
            &Payload::Dossiers(Box::new(board)),
        )
        .await?
        {
            publications.push(p);
        }
    }
    tx.commit().await?;
    for p in publications {
        state.hub.publish(p);
    }
    Ok(())
}

/// Computes the index of every unit (and the province) for `period`: the measures, the scores,
/// and the rows to store.
async fn period_index(
    db: &PgPool,
    province: &str,
    units: &[UnitInfo],
    config: &Config,
    period: IndexPeriod,
    today: NaiveDate,
    overdue_through: NaiveDate,
) -> Result<
    (
        HashMap<String, index::Measures>,
        HashMap<String, IndexSummary>,
        IndexRows,
    ),
    sqlx::Error,
> {
    let measures = index::measures(db, province, units, period, today, overdue_through).await?;
    let mut summaries = HashMap::new();
    // In unit order: the worker and a request computing the same period lock rows in the same
    // order (a map's order would deadlock them).
    let mut ordered: Vec<(&String, &index::Measures)> = measures.iter().collect();
    ordered.sort_by(|a, b| a.0.cmp(b.0));
    let mut rows = IndexRows::default();
    for (unit, m) in ordered {
        let (summary, metrics) = config.score(m);
        rows.units.push(unit.clone());
        rows.totals.push(summary.total);
        // A ragged array cannot be a parameter: each unit's points travel as an array literal.
        let points: Vec<String> = summary
            .groups
            .iter()
            .map(|g| g.points.to_string())
            .collect();
        rows.groups.push(format!("{{{}}}", points.join(",")));
        rows.details
            .push(serde_json::json!({ "summary": summary, "metrics": metrics }));
        summaries.insert(unit.clone(), summary);
    }
    Ok((measures, summaries, rows))
}

/// Computes and stores `period` now (a period the worker has not computed: a past year asked
/// for the first time, or the current one before the worker's first run).
pub async fn compute_period(
    db: &PgPool,
    province: &str,
    period: IndexPeriod,
) -> Result<(), sqlx::Error> {
    let today = super::today();
    let calendar = Calendar::load(db).await?;
    let config = Config::load(db).await?;
    let units = units(db, province).await?;
    let (_, _, rows) = period_index(
        db,
        province,
        &units,
        &config,
        period,
        today,
        calendar.previous_working_day(today),
    )
    .await?;
    store_index(db, period, &rows).await
}

/// The most recently overdue dossiers of each of `units` (at most 5 each), from the partial
/// index on open dossiers.
async fn alerts(
    db: &PgPool,
    units: &[String],
    calendar: &Calendar,
    today: NaiveDate,
    overdue_through: NaiveDate,
) -> Result<HashMap<String, Vec<OverdueAlert>>, sqlx::Error> {
    // The walk must be the ordered one: with the table's statistics behind a steady feed (few
    // rows expected per unit) the planner prefers a bitmap scan that visits every open dossier
    // of the unit and every dead version of them, then sorts; a backward walk stops after five.
    let mut tx = db.begin().await?;
    sqlx::query!("SET LOCAL enable_bitmapscan = off")
        .execute(&mut *tx)
        .await?;
    let rows = sqlx::query!(
        r#"SELECT u.code AS "unit!", d.id AS "id!", d.procedure_code AS "procedure!",
                  p.name_vi AS "procedure_name!", d.due_date AS "due_date!", d.postponements AS "postponements!"
           FROM UNNEST($1::text[]) AS u(code)
           -- Per unit, a backward walk of the partial index on open dossiers that stops after
           -- five: the cost does not grow with the number of overdue dossiers (a window over all
           -- of them took a tenth of the database's time while a year of history was loaded).
           CROSS JOIN LATERAL (
               SELECT id, procedure_code, due_date, postponements FROM dossiers
               -- The first condition is the partial index's own (so the planner uses it).
               WHERE status IN (2, 4, 5, 6, 8) AND status IN (2, 4)
                 AND unit_code = u.code AND due_date <= $2
               ORDER BY due_date DESC, id DESC LIMIT 5) d
           JOIN procedures p ON p.code = d.procedure_code
           ORDER BY u.code, d.due_date DESC, d.id DESC"#,
        units,
        overdue_through
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let mut out: HashMap<String, Vec<OverdueAlert>> = HashMap::new();
    for r in rows {
        let effective = calendar.next_working_day(r.due_date);
        out.entry(r.unit).or_default().push(OverdueAlert {
            id: r.id,
            procedure: r.procedure,
            procedure_name: r.procedure_name,
            due_date: r.due_date,
            days_late: calendar.working_days_between(effective, today).max(1),
            apologised: r.postponements > 0,
        });
    }
    Ok(out)
}

fn percent(part: f64, whole: f64) -> Option<f64> {
    (whole > 0.0).then(|| (part / whole * 1000.0).round() / 10.0)
}

/// The index rows of one period, a column each.
#[derive(Default)]
struct IndexRows {
    units: Vec<String>,
    totals: Vec<f64>,
    groups: Vec<String>,
    details: Vec<serde_json::Value>,
}

/// Writes a period's rows in one statement (one round trip for the province's ~150 units, not
/// one each); rows whose detail did not change are left as they are.
async fn store_index(
    db: &PgPool,
    period: IndexPeriod,
    rows: &IndexRows,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO dossier_index (unit_code, period_kind, period_start, total, groups, detail, computed_at)
         SELECT u, $1, $2, t::numeric(6, 2), g::float8[], d, now()
         FROM UNNEST($3::text[], $4::float8[], $5::text[], $6::jsonb[]) AS x(u, t, g, d)
         ON CONFLICT (period_kind, period_start, unit_code)
         DO UPDATE SET total = EXCLUDED.total, groups = EXCLUDED.groups, detail = EXCLUDED.detail,
                       computed_at = now()
         WHERE dossier_index.detail IS DISTINCT FROM EXCLUDED.detail",
        period.kind.as_str(),
        period.start,
        &rows.units,
        &rows.totals,
        &rows.groups,
        &rows.details
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Today's counters of every unit, from the rollups.
#[derive(Clone, Copy, Debug, Default)]
pub struct Count {
    pub received_today: i64,
    pub finished_today: i64,
    pub open: i64,
    pub paused: i64,
    pub overdue: i64,
    pub overdue_unapologised: i64,
    pub late_unapologised_month: i64,
}

pub struct Counters {
    by_unit: HashMap<String, Count>,
    /// Per (unit, commune): (open, overdue).
    by_commune: HashMap<String, (i64, i64)>,
}

impl Counters {
    pub async fn load(
        db: &PgPool,
        today: NaiveDate,
        overdue_through: NaiveDate,
    ) -> Result<Counters, sqlx::Error> {
        let mut by_unit: HashMap<String, Count> = HashMap::new();
        let mut by_commune: HashMap<String, (i64, i64)> = HashMap::new();
        let month_start = today.with_day(1).unwrap_or(today);
        for r in sqlx::query!(
            r#"SELECT unit_code, sum(received) FILTER (WHERE day = $1) AS received,
                      sum(finished) FILTER (WHERE day = $1) AS finished,
                      sum(late_unapologised) AS "late!"
               FROM dossier_daily WHERE day BETWEEN $2 AND $1 GROUP BY unit_code"#,
            today,
            month_start
        )
        .fetch_all(db)
        .await?
        {
            let c = by_unit.entry(r.unit_code).or_default();
            c.received_today = r.received.unwrap_or(0);
            c.finished_today = r.finished.unwrap_or(0);
            c.late_unapologised_month = r.late;
        }
        for r in sqlx::query!(
            r#"SELECT unit_code, commune_code,
                      sum(count) FILTER (WHERE NOT paused) AS open,
                      sum(count) FILTER (WHERE paused) AS paused,
                      sum(count) FILTER (WHERE NOT paused AND due_date <= $1) AS overdue,
                      sum(count) FILTER (WHERE NOT paused AND due_date <= $1 AND NOT apologised) AS unapologised
               FROM dossier_open GROUP BY unit_code, commune_code"#,
            overdue_through
        )
        .fetch_all(db)
        .await?
        {
            let (open, overdue) = (r.open.unwrap_or(0), r.overdue.unwrap_or(0));
            let c = by_unit.entry(r.unit_code).or_default();
            c.open += open;
            c.paused += r.paused.unwrap_or(0);
            c.overdue += overdue;
            c.overdue_unapologised += r.unapologised.unwrap_or(0);
            if !r.commune_code.is_empty() {
                let e = by_commune.entry(r.commune_code).or_default();
                e.0 += open;
                e.1 += overdue;
            }
        }
        Ok(Counters {
            by_unit,
            by_commune,
        })
    }

    pub fn unit(&self, unit: &str) -> Count {
        self.by_unit.get(unit).copied().unwrap_or_default()
    }

    pub fn total(&self) -> Count {
        self.by_unit.values().fold(Count::default(), |mut t, c| {
            t.received_today += c.received_today;
            t.finished_today += c.finished_today;
            t.open += c.open;
            t.paused += c.paused;
            t.overdue += c.overdue;
            t.overdue_unapologised += c.overdue_unapologised;
            t.late_unapologised_month += c.late_unapologised_month;
            t
        })
    }
}

/// Departments and communes, each group best index first.
fn ranking(
    units: &[UnitInfo],
    index: &HashMap<String, IndexSummary>,
    active: &HashSet<String>,
    counters: &Counters,
) -> Vec<RankRow> {
    let mut rows = Vec::new();
    for kind in ["department", "commune"] {
        let mut group: Vec<RankRow> = units
            .iter()
            .filter(|u| u.kind == kind && active.contains(&u.code))
            .filter_map(|u| {
                let s = index.get(&u.code)?;
                Some(RankRow {
                    rank: 0,
                    unit: u.code.clone(),
                    name_vi: u.name_vi.clone(),
                    name_en: u.name_en.clone(),
                    kind: kind.to_string(),
                    total: s.total,
                    groups: s.groups.iter().map(|g| g.points).collect(),
                    overdue: counters.unit(&u.code).overdue,
                })
            })
            .collect();
        group.sort_by(|a, b| b.total.total_cmp(&a.total).then(a.unit.cmp(&b.unit)));
        for (i, r) in group.iter_mut().enumerate() {
            r.rank = i + 1;
        }
        rows.extend(group);
    }
    rows
}

/// Open and overdue dossiers per commune of the province (the map).
async fn communes(
    db: &PgPool,
    province: &str,
    counters: &Counters,
) -> Result<Vec<CommuneCount>, sqlx::Error> {
    let names = sqlx::query!(
        "SELECT code, name_vi FROM units WHERE parent_code = $1 AND kind = 'commune' AND active ORDER BY sort_order, code",
        province
    )
    .fetch_all(db)
    .await?;
    Ok(names
        .into_iter()
        .map(|r| {
            let (open, overdue) = counters
                .by_commune
                .get(&r.code)
                .copied()
                .unwrap_or_default();
            CommuneCount {
                unit: r.code,
                name_vi: r.name_vi,
                open,
                overdue,
            }
        })
        .collect())
}

/// The shared state handle (kept in `AppState`).
pub type Shared = Arc<Live>;

/// The board of a unit before the worker first computed it: zeros, with the unit's names.
/// `None` for a code that is not a unit of the dossiers.
pub async fn empty_board(
    db: &PgPool,
    unit: &str,
    demo: bool,
) -> Result<Option<DossierBoard>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT name_vi, name_en FROM units WHERE code = $1 AND active AND kind IN ('province', 'department', 'commune')",
        unit
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| DossierBoard {
        unit: unit.to_string(),
        unit_name_vi: r.name_vi,
        unit_name_en: r.name_en,
        day: super::today(),
        received_today: 0,
        finished_today: 0,
        in_progress: 0,
        paused: 0,
        overdue: 0,
        late_without_apology: 0,
        on_time_month: None,
        online_month: None,
        index: None,
        ranking: Vec::new(),
        communes: Vec::new(),
        alerts: Vec::new(),
        demo,
    }))
}
