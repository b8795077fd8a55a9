//! Two regimes for the demo (`assets/demo/regimes.json`): the departments' monthly
//! socio-economic report and the communes' quarterly report on administrative procedures, both
//! received by the Office of the People's Committee, from January of this year — with a history
//! in which most units handed in on time, some late and some not at all, so the late boards and
//! the records have something to show. Idempotent: a regime already there is skipped.

use chrono::{Datelike, Duration, TimeZone, Utc};
use ioc_protocol::RegimeInput;
use sqlx::PgPool;

use super::store;
use crate::calendar::periods::Period;
use crate::calendar::Calendar;
use crate::lifecycle::{self, Form, Key};

const REGIMES: &str = include_str!("../../../assets/demo/regimes.json");

/// A stable spread of outcomes per (unit, period): 0–6 on time, 7–8 late, 9 missing.
fn outcome(unit: &str, period: &str) -> u64 {
    let h = unit
        .bytes()
        .chain(period.bytes())
        .fold(1469598103934665603u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(1099511628211)
        });
    h % 10
}

pub async fn import(db: &PgPool, province: &str) -> anyhow::Result<usize> {
    let inputs: Vec<RegimeInput> = serde_json::from_str(REGIMES)?;
    let today = crate::dossiers::today();
    let calendar = Calendar::load(db).await?;
    let mut made = 0;
    for mut input in inputs {
        let Some(office) = store::department_of_kind(db, province, &input.receiving_unit).await?
        else {
            continue;
        };
        input.receiving_unit = office;
        let first = input
            .frequency
            .and_then(|f| Period::containing(f, today.with_month(1)?.with_day(1)?));
        input.first_period = first.map(|p| p.to_string());
        let read = super::read_regime(db, province, &input, today)
            .await
            .map_err(|e| anyhow::anyhow!("demo regime {}: {e}", input.code))?;
        let mut tx = db.begin().await?;
        let Some(id) = store::insert(&mut tx, &read.row(&input, "demo")).await? else {
            continue;
        };
        tx.commit().await?;
        let Some(regime) = store::get(db, id).await? else {
            continue;
        };
        let mut tx = db.begin().await?;
        for period in regime.periods_due(&calendar, today) {
            let deadline = regime.deadline(&calendar, &period);
            let key = period.to_string();
            for unit in &regime.reporting_units {
                let days = match outcome(unit, &key) {
                    0..=6 => -1,
                    7..=8 => 3,
                    _ => continue,
                };
                let day = deadline + Duration::days(days);
                let at = Utc.from_utc_datetime(
                    &(day.and_hms_opt(9, 30, 0).unwrap_or_default() - crate::dossiers::UTC_OFFSET),
                );
                let k = Key {
                    form: Form::Regime(id),
                    unit,
                    period: period.first_day(),
                };
                lifecycle::seed_handed_in(&mut tx, &k, at).await?;
            }
        }
        tx.commit().await?;
        made += 1;
    }
    Ok(made)
}
