//! Live boards of what is late: `tasks/{unit}` (the tasks a unit owns or shares that need
//! attention, its reports past their deadline, its record) and `tasks/{province}` (every task,
//! every unit's late reports, the worst records), each publication a whole state (stored topics, shared
//! machinery). Recomputed for the units a change touches, after its commit, and for every unit
//! at each local midnight: a status changes with the date, not only with a write.

use std::time::Duration;

use chrono::NaiveDate;
use ioc_protocol::{
    tasks_topic, Payload, TaskBoard, TaskView, UnitLateReports, UnitRecord, TASK_BOARD_PER_OWNER,
};
use sqlx::PgPool;

use crate::calendar::Calendar;
use crate::live::stored;
use crate::AppState;

/// What every board is cut from: the views of every task, the late reports of every unit,
/// every unit's record (one read of each serves all the boards of a publication).
struct Sources {
    views: Vec<TaskView>,
    late_reports: Vec<UnitLateReports>,
    records: Vec<UnitRecord>,
}

/// Units' records the province's board shows (the worst first).
const BOARD_RECORDS: usize = 10;

/// The board of `unit` (the province's code: every task and every unit's reports).
fn board(all: &Sources, province: &str, unit: &str, today: NaiveDate) -> TaskBoard {
    let whole = unit == province;
    let concerned = all
        .views
        .iter()
        .filter(|t| whole || t.owner.code == unit || t.cooperators.iter().any(|c| c.code == unit))
        .cloned()
        .collect();
    let mut owners = super::by_owner(concerned);
    let overdue = owners.iter().map(|o| o.overdue).sum();
    let due_soon = owners.iter().map(|o| o.due_soon).sum();
    for o in &mut owners {
        o.tasks.truncate(TASK_BOARD_PER_OWNER);
    }
    let mut late_reports: Vec<UnitLateReports> = all
        .late_reports
        .iter()
        .filter(|l| whole || l.unit.code == unit)
        .cloned()
        .collect();
    let reports_overdue = late_reports.iter().map(|l| l.count).sum();
    for l in &mut late_reports {
        l.reports.truncate(TASK_BOARD_PER_OWNER);
    }
    let records = all
        .records
        .iter()
        .filter(|r| whole || r.unit == unit)
        .take(BOARD_RECORDS)
        .cloned()
        .collect();
    TaskBoard {
        unit: unit.to_string(),
        day: today,
        overdue,
        due_soon,
        owners,
        late_reports,
        reports_overdue,
        records,
    }
}

/// Everything as it stands today.
async fn sources(db: &PgPool, today: NaiveDate) -> Result<Sources, sqlx::Error> {
    let calendar = Calendar::load(db).await?;
    let (late_reports, records) = crate::regimes::standing(db, today, None).await?;
    Ok(Sources {
        views: super::views(db, None, &calendar, today).await?,
        late_reports,
        records,
    })
}

/// The province's board now (the wall page's first HTML).
pub async fn province_board(state: &AppState) -> Result<TaskBoard, sqlx::Error> {
    let today = crate::dossiers::today();
    let all = sources(&state.db, today).await?;
    let province = state.config.province.as_str();
    Ok(board(&all, province, province, today))
}

/// Recomputes and publishes the boards of `units` and of the province (unchanged boards are
/// not published again).
pub async fn publish(state: &AppState, units: &[String]) -> Result<(), sqlx::Error> {
    let province = state.config.province.as_str();
    let today = crate::dossiers::today();
    let sources = sources(&state.db, today).await?;
    let mut all: Vec<&str> = units.iter().map(String::as_str).collect();
    all.push(province);
    all.sort_unstable();
    all.dedup();
    let boards: Vec<TaskBoard> = all
        .into_iter()
        .map(|unit| board(&sources, province, unit, today))
        .collect();
    let mut tx = state.db.begin().await?;
    let mut publications = Vec::new();
    for b in boards {
        let topic = tasks_topic(&b.unit);
        if let Some(p) =
            stored::append(&mut tx, &state.epoch, &topic, &Payload::Tasks(Box::new(b))).await?
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

/// After a committed change: the boards it touched. A failure is logged, not returned: the
/// change is stored, and the midnight pass (or the next change) publishes it.
pub async fn publish_after(state: &AppState, units: &[String]) {
    if let Err(e) = publish(state, units).await {
        tracing::warn!(error = %e, "task boards not published");
    }
}

/// Every unit that owns or shares a task, or reports in a regime or receives one.
async fn units_with_boards(db: &PgPool) -> Result<Vec<String>, sqlx::Error> {
    let mut units = sqlx::query_scalar!(
        r#"SELECT owner_unit AS "unit!" FROM tasks
           UNION SELECT unit_code FROM task_cooperators"#
    )
    .fetch_all(db)
    .await?;
    units.extend(crate::regimes::units(db).await?);
    Ok(units)
}

/// Queues today's e-mail reminders of tasks and of reports (nothing without an SMTP server). A failure is logged: the
/// next pass (or a restart) queues what this one missed, the keys keep it from doubling.
async fn remind(state: &AppState) {
    let today = crate::dossiers::today();
    match super::reminders::pass(&state.db, &state.config, today).await {
        Ok(Some(n)) if n > 0 => tracing::info!(mails = n, "task reminders queued"),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "task reminders not queued"),
    }
    match crate::regimes::reminders::pass(&state.db, &state.config, today).await {
        Ok(Some(n)) if n > 0 => tracing::info!(mails = n, "report reminders queued"),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "report reminders not queued"),
    }
}

/// Publishes every board and queues the day's reminders now and after each local midnight,
/// until shutdown.
pub async fn run(state: AppState) {
    loop {
        match units_with_boards(&state.db).await {
            Ok(units) => publish_after(&state, &units).await,
            Err(e) => tracing::warn!(error = %e, "task boards not published"),
        }
        remind(&state).await;
        let now = chrono::Utc::now();
        let local = now.naive_utc() + crate::dossiers::UTC_OFFSET;
        let next = (local.date() + chrono::Days::new(1))
            .and_hms_opt(0, 0, 1)
            .map_or(Duration::from_secs(3600), |m| {
                (m - local).to_std().unwrap_or(Duration::from_secs(60))
            });
        tokio::select! {
            _ = state.shutdown.cancelled() => return,
            _ = tokio::time::sleep(next) => {}
        }
    }
}
