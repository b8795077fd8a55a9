//! A province's one-stop system, simulated: dossiers arrive with the daily, weekly and seasonal
//! rhythm of a real office, are processed by agencies with their own late ratios and
//! digitisation levels, some wait for supplements or are withdrawn, and every step becomes an
//! event written through [`super::ingest`] — the same path pushed events take.
//!
//! Used by the demo wall (real time, in the server) and by `ioc simulate` (a whole year, as fast
//! as possible, for benchmarks). Deterministic for a seed.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike, Utc, Weekday};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use serde_json::value::RawValue;
use sqlx::PgPool;

use super::local_day;
use crate::calendar::Calendar;

/// A procedure as the simulator uses it.
#[derive(Clone, Debug)]
struct Procedure {
    code: String,
    commune_level: bool,
    unit: Option<String>,
    processing_days: i32,
    online: bool,
    has_fee: bool,
    online_payment: bool,
    population_db: bool,
}

/// An agency's habits, drawn once per unit from the seed.
#[derive(Clone, Debug)]
struct Habits {
    late_ratio: f64,
    digitisation: f64,
    online_share: f64,
}

/// One event as the one-stop system sends it (the fields `event::read` takes).
#[derive(Clone, Serialize)]
struct Item {
    dossier_id: String,
    procedure: String,
    unit: String,
    commune: Option<String>,
    channel: i64,
    received_at: Option<DateTime<Utc>>,
    due_date: NaiveDate,
    fee: Option<i64>,
    paid_online: bool,
    digitised_components: bool,
    electronic_copies: bool,
    reused_data: bool,
    shared_for_reuse: bool,
    population_data: bool,
    seq: i64,
    status: i64,
    event_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    synced_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    result_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    electronic_result: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rating: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    feedback: Option<Feedback>,
}

/// A citizen's feedback on a returned dossier.
#[derive(Clone, Serialize)]
struct Feedback {
    received_at: DateTime<Utc>,
    due_at: DateTime<Utc>,
    handled_at: DateTime<Utc>,
    satisfied: bool,
}

/// The simulated one-stop system.
pub struct Simulator {
    rng: StdRng,
    procedures: Vec<Procedure>,
    commune_procedures: Vec<usize>,
    department_procedures: Vec<usize>,
    communes: Vec<String>,
    habits: std::collections::HashMap<String, Habits>,
    calendar: Calendar,
    /// Events due, earliest first.
    queue: BinaryHeap<Reverse<(DateTime<Utc>, u64)>>,
    pending: std::collections::HashMap<u64, Box<RawValue>>,
    next_key: u64,
    next_id: u64,
    prefix: String,
}

impl Simulator {
    /// Reads the catalogue and the province's communes. `None` when the catalogue is empty.
    pub async fn new(
        db: &PgPool,
        province: &str,
        seed: u64,
    ) -> Result<Option<Simulator>, sqlx::Error> {
        let procedures: Vec<Procedure> = sqlx::query!(
            "SELECT code, level, unit_code, processing_days, online_level, has_fee, online_payment, population_db
             FROM procedures WHERE active ORDER BY code"
        )
        .fetch_all(db)
        .await?
        .into_iter()
        .map(|r| Procedure {
            code: r.code,
            commune_level: r.level == "commune",
            unit: r.unit_code,
            processing_days: r.processing_days,
            online: r.online_level != "none",
            has_fee: r.has_fee,
            online_payment: r.online_payment,
            population_db: r.population_db,
        })
        .collect();
        if procedures.is_empty() {
            return Ok(None);
        }
        let communes: Vec<String> = sqlx::query_scalar!(
            "SELECT code FROM units WHERE parent_code = $1 AND kind = 'commune' AND active ORDER BY code",
            province
        )
        .fetch_all(db)
        .await?;
        let calendar = Calendar::load(db).await?;
        let mut rng = StdRng::seed_from_u64(seed);
        let mut habits = std::collections::HashMap::new();
        let units = procedures
            .iter()
            .filter_map(|p| p.unit.clone())
            .chain(communes.iter().cloned());
        for u in units {
            habits.entry(u).or_insert_with(|| Habits {
                late_ratio: rng.random_range(0.0..0.12),
                digitisation: rng.random_range(0.35..0.98),
                online_share: rng.random_range(0.2..0.85),
            });
        }
        let commune_procedures = (0..procedures.len())
            .filter(|i| procedures[*i].commune_level)
            .collect();
        let department_procedures = (0..procedures.len())
            .filter(|i| !procedures[*i].commune_level)
            .collect();
        Ok(Some(Simulator {
            rng,
            procedures,
            commune_procedures,
            department_procedures,
            communes,
            habits,
            calendar,
            queue: BinaryHeap::new(),
            pending: Default::default(),
            next_key: 0,
            next_id: 0,
            prefix: format!("SIM{}", seed % 100_000),
        }))
    }

    /// Relative arrival rate at `t` (1.0 = an average working-day hour): office hours with
    /// morning and afternoon peaks, quiet weekends (a working Saturday is a working day), busier
    /// before Tết and at the year's end, quieter in the summer.
    pub fn rate(&self, t: DateTime<Utc>) -> f64 {
        let local = t.naive_utc() + super::UTC_OFFSET;
        let day = local.date();
        if !self.calendar.is_working_day(day) {
            // Online dossiers still come in on days off, a few.
            return 0.08;
        }
        let h = local.hour() as f64 + local.minute() as f64 / 60.0;
        let hour = match h {
            h if !(7.0..20.0).contains(&h) => 0.03,
            h if h < 7.5 => 0.3,
            h if h < 11.5 => 1.0 + 0.6 * (-((h - 9.5) * (h - 9.5))).exp(),
            h if h < 13.5 => 0.35,
            h if h < 17.0 => 1.0 + 0.4 * (-((h - 15.0) * (h - 15.0))).exp(),
            _ => 0.15,
        };
        let weekday = match day.weekday() {
            Weekday::Mon => 1.2,
            Weekday::Fri => 0.9,
            Weekday::Sat => 0.6,
            _ => 1.0,
        };
        let season = match day.month() {
            1 | 12 => 1.25,
            2 => 0.8,
            6..=8 => 0.9,
            _ => 1.0,
        };
        hour * weekday * season
    }

    /// Starts a new dossier received at `t` and queues its later events.
    pub fn open(&mut self, t: DateTime<Utc>) {
        let commune_level = self.rng.random_bool(0.6) && !self.commune_procedures.is_empty()
            || self.department_procedures.is_empty();
        let list = if commune_level {
            &self.commune_procedures
        } else {
            &self.department_procedures
        };
        // A few procedures carry most dossiers (birth registration, certification…).
        let i = list[(self.rng.random::<f64>().powi(3) * list.len() as f64) as usize % list.len()];
        let p = self.procedures[i].clone();
        let commune = self
            .communes
            .get(self.rng.random_range(0..self.communes.len().max(1)))
            .cloned();
        let unit = if p.commune_level {
            match &commune {
                Some(c) => c.clone(),
                None => return,
            }
        } else {
            p.unit.clone().unwrap_or_default()
        };
        let habits = self.habits.get(&unit).cloned().unwrap_or(Habits {
            late_ratio: 0.05,
            digitisation: 0.7,
            online_share: 0.5,
        });
        self.next_id += 1;
        let id = format!(
            "{}-{}-{:07}",
            self.prefix,
            local_day(t).format("%y%m%d"),
            self.next_id
        );
        let online = p.online && self.rng.random_bool(habits.online_share);
        let channel = if online {
            2
        } else if self.rng.random_bool(0.03) {
            3
        } else {
            1
        };
        let received = local_day(t);
        let due = super::due_date(&self.calendar, t, p.processing_days);
        let fee = if p.has_fee {
            Some(self.rng.random_range(1..=20) * 10_000)
        } else {
            None
        };
        let digitised = self.rng.random_bool(habits.digitisation);
        let base = Item {
            dossier_id: id,
            procedure: p.code.clone(),
            unit,
            commune,
            channel,
            received_at: Some(t),
            due_date: due,
            fee,
            paid_online: fee.is_some() && p.online_payment && online && self.rng.random_bool(0.7),
            digitised_components: digitised,
            electronic_copies: digitised && self.rng.random_bool(0.3),
            reused_data: digitised && self.rng.random_bool(0.6),
            shared_for_reuse: digitised && self.rng.random_bool(0.5),
            population_data: p.population_db && self.rng.random_bool(0.8),
            seq: 0,
            status: 0,
            event_at: t,
            synced_at: None,
            result_at: None,
            electronic_result: None,
            rating: None,
            feedback: None,
        };
        let mut seq = 0;
        let mut at = t;
        // Each event is the dossier's fields, its sequence and status, and what the step adds.
        let mut push =
            |sim: &mut Simulator, at: DateTime<Utc>, status: i64, step: &dyn Fn(&mut Item)| {
                seq += 1;
                let mut e = base.clone();
                e.seq = seq;
                e.status = status;
                e.event_at = at;
                step(&mut e);
                sim.schedule(at, &e);
            };
        let none = |_: &mut Item| {};
        if online {
            let registered = at - Duration::minutes(self.rng.random_range(5..600));
            push(self, registered, 1, &|e| e.received_at = None);
        }
        let synced = t + Duration::minutes(self.rng.random_range(1..30));
        push(self, at, 2, &|e| e.synced_at = Some(synced));
        // Withdrawn by the citizen (a few).
        if self.rng.random_bool(0.015) {
            at += Duration::hours(self.rng.random_range(2..72));
            push(self, at, 7, &none);
            return;
        }
        at += Duration::minutes(self.rng.random_range(10..240));
        push(self, at, 4, &none);
        if self.rng.random_bool(0.06) {
            at += Duration::hours(self.rng.random_range(4..30));
            push(self, at, 5, &none);
            at += Duration::hours(self.rng.random_range(20..120));
            push(self, at, 4, &none);
        }
        // Finished: most before the due date, a unit's share late.
        let late = self.rng.random_bool(habits.late_ratio);
        let days = if late {
            p.processing_days + self.rng.random_range(1..=6)
        } else if p.processing_days == 0 {
            0
        } else {
            self.rng.random_range(0..=p.processing_days)
        };
        let finish_day = self.calendar.add_working_days(received, days);
        let finish = finish_day
            .and_hms_opt(
                self.rng.random_range(8..17),
                self.rng.random_range(0..60),
                0,
            )
            .map(|n| n.and_utc() - super::UTC_OFFSET)
            .unwrap_or(at)
            .max(at + Duration::minutes(30));
        let rating = self.rng.random_bool(0.4).then(|| {
            if late {
                self.rng.random_range(1..=4)
            } else {
                self.rng.random_range(3..=5)
            }
        });
        let electronic = self.rng.random_bool(habits.digitisation);
        push(self, finish, 9, &|e| {
            e.result_at = Some(finish);
            e.electronic_result = Some(electronic);
        });
        let returned = finish + Duration::hours(self.rng.random_range(1..48));
        let feedback = self.rng.random_bool(0.01).then(|| Feedback {
            received_at: returned,
            due_at: returned + Duration::days(10),
            handled_at: returned + Duration::days(self.rng.random_range(1..14)),
            satisfied: self.rng.random_bool(0.8),
        });
        push(self, returned, 10, &|e| {
            e.result_at = Some(finish);
            e.electronic_result = Some(electronic);
            e.rating = rating;
            e.feedback = feedback.clone();
        });
    }

    /// Queues an event as the text a one-stop system would send: written once, here, so that a
    /// benchmark's load generator costs what a sender's serialisation costs and no more.
    fn schedule(&mut self, at: DateTime<Utc>, event: &Item) {
        let Ok(text) = serde_json::value::to_raw_value(event) else {
            return; // plain fields: serialising cannot fail
        };
        self.next_key += 1;
        self.pending.insert(self.next_key, text);
        self.queue.push(Reverse((at, self.next_key)));
    }

    /// Events due up to `until`, in time order.
    pub fn due(&mut self, until: DateTime<Utc>, max: usize) -> Vec<Box<RawValue>> {
        let mut out = Vec::new();
        while out.len() < max {
            match self.queue.peek() {
                Some(Reverse((at, _))) if *at <= until => {}
                _ => break,
            }
            if let Some(Reverse((_, key))) = self.queue.pop() {
                if let Some(e) = self.pending.remove(&key) {
                    out.push(e);
                }
            }
        }
        out
    }

    /// Opens the dossiers of the interval `[from, to)` for a province of `per_year` dossiers.
    pub fn arrivals(&mut self, from: DateTime<Utc>, to: DateTime<Utc>, per_year: f64) {
        // Average working-day hours a year ≈ 250 days × 9 h at rate ≈ 1.1.
        let per_unit_rate_hour = per_year / (250.0 * 9.0 * 1.1);
        let mut t = from;
        let step = Duration::minutes(1);
        while t < to {
            let expected = per_unit_rate_hour * self.rate(t) / 60.0;
            let mut n = expected.floor() as u32;
            if self
                .rng
                .random_bool((expected - expected.floor()).clamp(0.0, 1.0))
            {
                n += 1;
            }
            for _ in 0..n {
                let at = t + Duration::seconds(self.rng.random_range(0..60));
                self.open(at);
            }
            t += step;
        }
    }

    /// Dossiers still to finish (queued events).
    pub fn backlog(&self) -> usize {
        self.queue.len()
    }
}

/// Opens `n` dossiers spread over `[from, to)`, whatever the hour (the demo wall keeps moving
/// at night too).
pub fn open_evenly(sim: &mut Simulator, from: DateTime<Utc>, to: DateTime<Utc>, n: u32) {
    let span = (to - from).num_milliseconds().max(1);
    for _ in 0..n {
        let at = from + Duration::milliseconds(sim.rng.random_range(0..span));
        sim.open(at);
    }
}

/// Days of history the demo writes on a fresh database, and its yearly volume (a tenth of a
/// province's, so that a first start has a full wall within seconds).
const DEMO_HISTORY_DAYS: i64 = 30;
const DEMO_PER_YEAR: f64 = 150_000.0;

/// Writes `events` through the ingest path as the simulator, in batches.
pub async fn write(
    db: &PgPool,
    events: Vec<Box<RawValue>>,
    province: &str,
    writer: &super::ingest::Writer,
) -> Result<super::ingest::Stored, sqlx::Error> {
    super::ingest::ingest(
        db,
        events,
        &super::ingest::Batch {
            source: "simulator",
            scope: super::ingest::Scope::Province(province.to_string()),
            keep_personal: false,
            cursor: None,
            writer,
        },
    )
    .await
}

/// The demo one-stop system in the server: a month of history on a fresh database, then new
/// dossiers every second. Everything it writes has source `simulator`; the wall says demo.
pub async fn run_demo(state: crate::AppState) {
    let db = state.db.clone();
    let province = state.config.province.clone();
    let per_minute = state.config.demo_dossiers_per_minute;
    if per_minute == 0 {
        return;
    }
    match super::catalogue::seed_demo(&db, &province).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(procedures = n, "demo procedures catalogue written"),
        Err(e) => tracing::warn!(error = %e, "demo procedures catalogue not written"),
    }
    let seed = Utc::now().timestamp_millis().unsigned_abs();
    let mut sim = match Simulator::new(&db, &province, seed).await {
        Ok(Some(sim)) => sim,
        Ok(None) => {
            tracing::info!("no procedures in the catalogue: the dossier simulator waits for none");
            return;
        }
        Err(e) => {
            tracing::warn!(error = %e, "dossier simulator not started");
            return;
        }
    };
    let fresh = matches!(
        sqlx::query_scalar!("SELECT NOT EXISTS (SELECT 1 FROM dossiers)")
            .fetch_one(&db)
            .await,
        Ok(Some(true))
    );
    let mut last = Utc::now();
    if fresh {
        sim.arrivals(
            last - Duration::days(DEMO_HISTORY_DAYS),
            last,
            DEMO_PER_YEAR,
        );
    }
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
    loop {
        tokio::select! {
            _ = state.shutdown.cancelled() => return,
            _ = tick.tick() => {}
        }
        let now = Utc::now();
        let n = per_minute as f64 * (now - last).num_milliseconds() as f64 / 60_000.0;
        let whole =
            n.floor() as u32 + u32::from(sim.rng.random_bool((n - n.floor()).clamp(0.0, 1.0)));
        open_evenly(&mut sim, last, now, whole);
        last = now;
        loop {
            let events = sim.due(now, super::ingest::MAX_BATCH);
            if events.is_empty() {
                break;
            }
            match write(&db, events, &province, &state.dossier_writer).await {
                Ok(stored) => state.dossier_live.touched(&stored.touched),
                Err(e) => {
                    tracing::warn!(error = %e, "simulated dossier events not stored");
                    break;
                }
            }
            if state.shutdown.is_cancelled() {
                return;
            }
        }
    }
}

/// `ioc simulate`: writes `days` of a province's dossiers as fast as the ingest path takes them
/// and prints what it stored and how fast.
pub async fn run_cli(config: crate::config::SimulateConfig) -> anyhow::Result<()> {
    use anyhow::Context;
    let db = crate::db::Database::open_for_admin(config.database_url(), &config.data_dir()).await?;
    let pool = db.pool.clone();
    let result = async {
        super::catalogue::seed_demo(&pool, &config.province).await?;
        let mut sim = Simulator::new(&pool, &config.province, config.seed)
            .await?
            .context("the procedures catalogue is empty: import one first")?;
        let today = super::today();
        let from = config.from.unwrap_or(today - Duration::days(config.days));
        let start = from.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc() - super::UTC_OFFSET;
        let end = (start + Duration::days(config.days)).min(Utc::now());
        let clock = std::time::Instant::now();
        let writer = super::ingest::Writer::default();
        let (mut stored, mut rejected, mut duplicates) = (0usize, 0usize, 0usize);
        let mut day = start;
        while day < end {
            let next = (day + Duration::days(1)).min(end);
            sim.arrivals(day, next, config.per_year);
            loop {
                let events = sim.due(next, config.batch);
                if events.is_empty() {
                    break;
                }
                let r = write(&pool, events, &config.province, &writer).await?.receipt;
                stored += r.stored;
                rejected += r.rejected;
                duplicates += r.duplicates;
                if let Some(first) = r.items.iter().find_map(|i| i.error.as_ref()) {
                    tracing::warn!(code = %first.code, message = %first.message_en, "simulated events rejected");
                }
            }
            day = next;
            let secs = clock.elapsed().as_secs_f64();
            println!(
                "{}  events stored {stored:>10}  rejected {rejected}  duplicates {duplicates}  {:>8.0} events/s",
                local_day(day - Duration::seconds(1)),
                stored as f64 / secs.max(1e-9)
            );
        }
        let secs = clock.elapsed().as_secs_f64();
        println!(
            "done: {stored} events in {secs:.1} s = {:.0} events/s ({} events still in the future)",
            stored as f64 / secs.max(1e-9),
            sim.backlog()
        );
        anyhow::Ok(())
    }
    .await;
    db.close().await;
    result
}
