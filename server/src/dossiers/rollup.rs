//! The rollups the wall and the 766 index read, kept current by the write path.
//!
//! A dossier *contributes* to a few rollup rows (the day it was received, the day its result was
//! given, its open-dossier bucket, its procedure's month). When an event changes a dossier, the
//! difference between its contribution after and before is added to those rows in the same
//! transaction, so rollups never drift from the dossiers they count, whatever order events come
//! in. A batch adds its differences up in memory first and writes each row once, in key order
//! (concurrent batches then take row locks in the same order and cannot deadlock).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use ioc_protocol::{Channel, DossierStatus, Timeliness};
use sqlx::PgConnection;

use super::local_day;
use super::state::Dossier;
use crate::calendar::Calendar;

macro_rules! counters {
    ($($field:ident),* $(,)?) => {
        /// The counters of one `dossier_daily` row (same names as its columns).
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
        pub struct Daily { $(pub $field: i32,)* }

        impl Daily {
            fn add(&mut self, o: &Daily, sign: i32) { $(self.$field += sign * o.$field;)* }
            fn is_zero(&self) -> bool { true $(&& self.$field == 0)* }
        }
    };
}

counters!(
    received,
    received_online,
    received_postal,
    digitised_components,
    electronic_copies,
    reused_data,
    shared_for_reuse,
    population_data,
    with_fee,
    paid_online,
    synced,
    finished,
    finished_early,
    finished_on_time,
    finished_late,
    late_unapologised,
    electronic_results,
    withdrawn,
    rated,
    satisfied,
    feedback,
    feedback_on_time,
    feedback_rated,
    feedback_satisfied,
);

/// A bucket of open dossiers (`dossier_open`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct OpenKey {
    pub unit: String,
    pub commune: String,
    pub due: NaiveDate,
    pub paused: bool,
    pub apologised: bool,
}

/// A procedure's month (`dossier_procedure_months`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ProcedureMonth {
    pub unit: String,
    pub month: NaiveDate,
    pub procedure: String,
}

/// Differences to add to the rollups, summed over a batch.
#[derive(Debug, Default)]
pub struct Deltas {
    pub daily: BTreeMap<(String, NaiveDate), Daily>,
    pub open: BTreeMap<OpenKey, i32>,
    /// (dossiers, online dossiers)
    pub procedures: BTreeMap<ProcedureMonth, (i32, i32)>,
}

impl Deltas {
    /// Adds `sign` × the contribution of `d` (+1 after a change, −1 for the state before it).
    pub fn add(&mut self, d: &Dossier, sign: i32, calendar: &Calendar) {
        let today = super::today();
        if let (Some(received), true) = (d.received_at, d.status.was_received()) {
            let day = local_day(received);
            let c = Daily {
                received: 1,
                received_online: i32::from(d.channel == Channel::Online),
                received_postal: i32::from(d.channel == Channel::Postal),
                digitised_components: i32::from(d.digitised_components),
                electronic_copies: i32::from(d.electronic_copies),
                reused_data: i32::from(d.reused_data),
                shared_for_reuse: i32::from(d.shared_for_reuse),
                population_data: i32::from(d.population_data),
                with_fee: i32::from(d.fee.is_some_and(|f| f > 0)),
                paid_online: i32::from(d.fee.is_some_and(|f| f > 0) && d.paid_online),
                synced: i32::from(d.synced_at.is_some()),
                ..Daily::default()
            };
            self.daily_add(&d.unit, day, &c, sign);
            let month = day.with_day(1).unwrap_or(day);
            let p = self
                .procedures
                .entry(ProcedureMonth {
                    unit: d.unit.clone(),
                    month,
                    procedure: d.procedure.clone(),
                })
                .or_default();
            p.0 += sign;
            p.1 += sign * i32::from(d.channel == Channel::Online);
        }
        if d.status.is_finished() {
            // The outcome of a finished dossier does not depend on today.
            let (timeliness, _) = d.timeliness(calendar, today);
            let day = local_day(d.result_at.unwrap_or(d.status_at));
            let late = timeliness == Timeliness::Late;
            let c = Daily {
                finished: 1,
                finished_early: i32::from(timeliness == Timeliness::Early),
                finished_on_time: i32::from(timeliness == Timeliness::OnTime),
                finished_late: i32::from(late),
                late_unapologised: i32::from(late && d.postponements == 0),
                electronic_results: i32::from(d.electronic_result),
                rated: i32::from(d.rating.is_some()),
                satisfied: i32::from(d.rating.is_some_and(|r| r >= 4)),
                ..Daily::default()
            };
            self.daily_add(&d.unit, day, &c, sign);
        }
        if d.status == DossierStatus::Withdrawn {
            let c = Daily {
                withdrawn: 1,
                ..Daily::default()
            };
            self.daily_add(&d.unit, local_day(d.status_at), &c, sign);
        }
        if let Some(f) = &d.feedback {
            let c = Daily {
                feedback: 1,
                feedback_on_time: i32::from(f.handled_at.is_some_and(|h| h <= f.due_at)),
                feedback_rated: i32::from(f.satisfied.is_some()),
                feedback_satisfied: i32::from(f.satisfied == Some(true)),
                ..Daily::default()
            };
            self.daily_add(&d.unit, local_day(f.received_at), &c, sign);
        }
        if let (true, Some(due)) = (d.status.is_open(), d.due_date) {
            *self
                .open
                .entry(OpenKey {
                    unit: d.unit.clone(),
                    commune: d.commune.clone().unwrap_or_default(),
                    due,
                    paused: d.status.is_paused(),
                    apologised: d.postponements > 0,
                })
                .or_default() += sign;
        }
    }

    fn daily_add(&mut self, unit: &str, day: NaiveDate, c: &Daily, sign: i32) {
        self.daily
            .entry((unit.to_string(), day))
            .or_default()
            .add(c, sign);
    }

    /// Drops the rows whose differences cancelled out (an event that changed nothing counted).
    fn prune(&mut self) {
        self.daily.retain(|_, c| !c.is_zero());
        self.open.retain(|_, n| *n != 0);
        self.procedures.retain(|_, (a, b)| *a != 0 || *b != 0);
    }

    /// The local days whose rollups changed, per unit (what the index worker recomputes).
    pub fn touched(&self) -> impl Iterator<Item = (&str, NaiveDate)> {
        self.daily.keys().map(|(u, d)| (u.as_str(), *d))
    }

    /// Writes the differences: one statement per rollup table, rows in key order.
    pub async fn write(mut self, tx: &mut PgConnection) -> Result<(), sqlx::Error> {
        self.prune();
        if !self.daily.is_empty() {
            write_daily(tx, &self.daily).await?;
        }
        if !self.open.is_empty() {
            write_open(tx, &self.open).await?;
        }
        if !self.procedures.is_empty() {
            write_procedures(tx, &self.procedures).await?;
        }
        Ok(())
    }
}

async fn write_daily(
    tx: &mut PgConnection,
    rows: &BTreeMap<(String, NaiveDate), Daily>,
) -> Result<(), sqlx::Error> {
    macro_rules! column {
        ($f:ident) => {
            rows.values().map(|c| c.$f).collect::<Vec<i32>>()
        };
    }
    let units: Vec<String> = rows.keys().map(|(u, _)| u.clone()).collect();
    let days: Vec<NaiveDate> = rows.keys().map(|(_, d)| *d).collect();
    sqlx::query!(
        r#"INSERT INTO dossier_daily AS t (unit_code, day, received, received_online, received_postal,
               digitised_components, electronic_copies, reused_data, shared_for_reuse, population_data,
               with_fee, paid_online, synced, finished, finished_early, finished_on_time, finished_late,
               late_unapologised, electronic_results, withdrawn, rated, satisfied, feedback,
               feedback_on_time, feedback_rated, feedback_satisfied)
           SELECT * FROM UNNEST($1::text[], $2::date[], $3::int4[], $4::int4[], $5::int4[], $6::int4[],
               $7::int4[], $8::int4[], $9::int4[], $10::int4[], $11::int4[], $12::int4[], $13::int4[],
               $14::int4[], $15::int4[], $16::int4[], $17::int4[], $18::int4[], $19::int4[], $20::int4[],
               $21::int4[], $22::int4[], $23::int4[], $24::int4[], $25::int4[], $26::int4[])
           ON CONFLICT (unit_code, day) DO UPDATE SET
               received = t.received + EXCLUDED.received,
               received_online = t.received_online + EXCLUDED.received_online,
               received_postal = t.received_postal + EXCLUDED.received_postal,
               digitised_components = t.digitised_components + EXCLUDED.digitised_components,
               electronic_copies = t.electronic_copies + EXCLUDED.electronic_copies,
               reused_data = t.reused_data + EXCLUDED.reused_data,
               shared_for_reuse = t.shared_for_reuse + EXCLUDED.shared_for_reuse,
               population_data = t.population_data + EXCLUDED.population_data,
               with_fee = t.with_fee + EXCLUDED.with_fee,
               paid_online = t.paid_online + EXCLUDED.paid_online,
               synced = t.synced + EXCLUDED.synced,
               finished = t.finished + EXCLUDED.finished,
               finished_early = t.finished_early + EXCLUDED.finished_early,
               finished_on_time = t.finished_on_time + EXCLUDED.finished_on_time,
               finished_late = t.finished_late + EXCLUDED.finished_late,
               late_unapologised = t.late_unapologised + EXCLUDED.late_unapologised,
               electronic_results = t.electronic_results + EXCLUDED.electronic_results,
               withdrawn = t.withdrawn + EXCLUDED.withdrawn,
               rated = t.rated + EXCLUDED.rated,
               satisfied = t.satisfied + EXCLUDED.satisfied,
               feedback = t.feedback + EXCLUDED.feedback,
               feedback_on_time = t.feedback_on_time + EXCLUDED.feedback_on_time,
               feedback_rated = t.feedback_rated + EXCLUDED.feedback_rated,
               feedback_satisfied = t.feedback_satisfied + EXCLUDED.feedback_satisfied"#,
        &units,
        &days,
        &column!(received),
        &column!(received_online),
        &column!(received_postal),
        &column!(digitised_components),
        &column!(electronic_copies),
        &column!(reused_data),
        &column!(shared_for_reuse),
        &column!(population_data),
        &column!(with_fee),
        &column!(paid_online),
        &column!(synced),
        &column!(finished),
        &column!(finished_early),
        &column!(finished_on_time),
        &column!(finished_late),
        &column!(late_unapologised),
        &column!(electronic_results),
        &column!(withdrawn),
        &column!(rated),
        &column!(satisfied),
        &column!(feedback),
        &column!(feedback_on_time),
        &column!(feedback_rated),
        &column!(feedback_satisfied),
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

async fn write_open(
    tx: &mut PgConnection,
    rows: &BTreeMap<OpenKey, i32>,
) -> Result<(), sqlx::Error> {
    let units: Vec<String> = rows.keys().map(|k| k.unit.clone()).collect();
    let communes: Vec<String> = rows.keys().map(|k| k.commune.clone()).collect();
    let dues: Vec<NaiveDate> = rows.keys().map(|k| k.due).collect();
    let paused: Vec<bool> = rows.keys().map(|k| k.paused).collect();
    let apologised: Vec<bool> = rows.keys().map(|k| k.apologised).collect();
    let counts: Vec<i32> = rows.values().copied().collect();
    let emptied = sqlx::query!(
        "INSERT INTO dossier_open AS t (unit_code, commune_code, due_date, paused, apologised, count)
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::date[], $4::bool[], $5::bool[], $6::int4[])
         ON CONFLICT (unit_code, commune_code, due_date, paused, apologised)
         DO UPDATE SET count = t.count + EXCLUDED.count
         RETURNING unit_code, commune_code, due_date, paused, apologised, count",
        &units,
        &communes,
        &dues,
        &paused,
        &apologised,
        &counts
    )
    .fetch_all(&mut *tx)
    .await?;
    // Buckets emptied by this batch go: the overdue sums stay over live rows only. Only those
    // keys are looked up (by the primary key); matching the batch's every key against the table
    // read all of it once per batch.
    let emptied: Vec<_> = emptied.into_iter().filter(|r| r.count == 0).collect();
    if emptied.is_empty() {
        return Ok(());
    }
    sqlx::query!(
        "DELETE FROM dossier_open t
         USING UNNEST($1::text[], $2::text[], $3::date[], $4::bool[], $5::bool[]) AS e(u, c, d, p, a)
         WHERE t.unit_code = e.u AND t.commune_code = e.c AND t.due_date = e.d AND t.paused = e.p
           AND t.apologised = e.a AND t.count = 0",
        &emptied.iter().map(|r| r.unit_code.clone()).collect::<Vec<_>>(),
        &emptied.iter().map(|r| r.commune_code.clone()).collect::<Vec<_>>(),
        &emptied.iter().map(|r| r.due_date).collect::<Vec<_>>(),
        &emptied.iter().map(|r| r.paused).collect::<Vec<_>>(),
        &emptied.iter().map(|r| r.apologised).collect::<Vec<_>>(),
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

async fn write_procedures(
    tx: &mut PgConnection,
    rows: &BTreeMap<ProcedureMonth, (i32, i32)>,
) -> Result<(), sqlx::Error> {
    let units: Vec<String> = rows.keys().map(|k| k.unit.clone()).collect();
    let months: Vec<NaiveDate> = rows.keys().map(|k| k.month).collect();
    let procedures: Vec<String> = rows.keys().map(|k| k.procedure.clone()).collect();
    let dossiers: Vec<i32> = rows.values().map(|v| v.0).collect();
    let online: Vec<i32> = rows.values().map(|v| v.1).collect();
    sqlx::query!(
        "INSERT INTO dossier_procedure_months AS t (unit_code, month, procedure_code, dossiers, online)
         SELECT * FROM UNNEST($1::text[], $2::date[], $3::text[], $4::int4[], $5::int4[])
         ON CONFLICT (unit_code, month, procedure_code)
         DO UPDATE SET dossiers = t.dossiers + EXCLUDED.dossiers, online = t.online + EXCLUDED.online",
        &units,
        &months,
        &procedures,
        &dossiers,
        &online
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dossiers::event::Event;
    use crate::dossiers::state::ProcedureRef;

    fn event(seq: i64, status: DossierStatus, at: &str) -> Event {
        let mut v = serde_json::json!({
            "dossier_id": "D1", "seq": seq, "status": status.code(), "event_at": at,
            "procedure": "P", "unit": "U", "channel": 2, "fee": 50000, "paid_online": true,
            "digitised_components": true
        });
        if status == DossierStatus::Received {
            v["received_at"] = serde_json::json!(at);
            v["due_date"] = serde_json::json!("2026-11-20");
        }
        let raw = serde_json::value::to_raw_value(&v).unwrap();
        crate::dossiers::event::read(&raw, "2026-12-03T00:00:00Z".parse().unwrap(), false)
            .unwrap()
            .0
    }

    #[test]
    fn a_dossier_moves_between_rollup_rows_and_nothing_is_left_behind() {
        let cal = Calendar::default();
        let p = ProcedureRef { processing_days: 3 };
        let received = event(1, DossierStatus::Received, "2026-11-16T02:00:00Z");
        let mut d = Dossier::new(&received);
        let mut deltas = Deltas::default();
        d.apply(&received, &p, &cal, false).unwrap();
        deltas.add(&d, 1, &cal);
        // The same dossier is then finished late; the batch sums both changes.
        let before = d.clone();
        d.apply(
            &event(2, DossierStatus::Processed, "2026-11-25T02:00:00Z"),
            &p,
            &cal,
            false,
        )
        .unwrap();
        deltas.add(&before, -1, &cal);
        deltas.add(&d, 1, &cal);
        deltas.prune();
        let received_day = deltas.daily[&("U".to_string(), "2026-11-16".parse().unwrap())];
        assert_eq!(
            (
                received_day.received,
                received_day.received_online,
                received_day.paid_online
            ),
            (1, 1, 1)
        );
        let done = deltas.daily[&("U".to_string(), "2026-11-25".parse().unwrap())];
        assert_eq!(
            (done.finished, done.finished_late, done.late_unapologised),
            (1, 1, 1)
        );
        assert!(
            deltas.open.is_empty(),
            "opened and closed in one batch: no open bucket"
        );
        assert_eq!(deltas.procedures.values().next(), Some(&(1, 1)));
    }
}
