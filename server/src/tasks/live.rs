//! Live task boards: `tasks/{unit}` (the tasks a unit owns or shares that need attention) and
//! `tasks/{province}` (every task), each publication a whole state (stored topics, shared
//! machinery). Recomputed for the units a change touches, after its commit, and for every unit
//! at each local midnight: a status changes with the date, not only with a write.

use std::time::Duration;

use chrono::NaiveDate;
use ioc_protocol::{tasks_topic, Payload, TaskBoard, TaskView, TASK_BOARD_PER_OWNER};
use sqlx::PgPool;

use crate::calendar::Calendar;
use crate::live::stored;
use crate::AppState;

/// The board of `unit` (the province's code: every task) from the views of every task.
fn board(views: &[TaskView], province: &str, unit: &str, today: NaiveDate) -> TaskBoard {
    let concerned = views
        .iter()
        .filter(|t| {
            unit == province || t.owner.code == unit || t.cooperators.iter().any(|c| c.code == unit)
        })
        .cloned()
        .collect();
    let mut owners = super::by_owner(concerned);
    let overdue = owners.iter().map(|o| o.overdue).sum();
    let due_soon = owners.iter().map(|o| o.due_soon).sum();
    for o in &mut owners {
        o.tasks.truncate(TASK_BOARD_PER_OWNER);
    }
    TaskBoard {
        unit: unit.to_string(),
        day: today,
        overdue,
        due_soon,
        owners,
    }
}

/// Every task as viewed today (one read serves every board).
async fn all_views(db: &PgPool, today: NaiveDate) -> Result<Vec<TaskView>, sqlx::Error> {
    let calendar = Calendar::load(db).await?;
    super::views(db, None, &calendar, today).await
}

/// The province's board now (the wall page's first HTML).
pub async fn province_board(state: &AppState) -> Result<TaskBoard, sqlx::Error> {
    let today = crate::dossiers::today();
    let views = all_views(&state.db, today).await?;
    let province = state.config.province.as_str();
    Ok(board(&views, province, province, today))
}

/// Recomputes and publishes the boards of `units` and of the province (unchanged boards are
/// not published again).
pub async fn publish(state: &AppState, units: &[String]) -> Result<(), sqlx::Error> {
    let province = state.config.province.as_str();
    let today = crate::dossiers::today();
    let views = all_views(&state.db, today).await?;
    let mut all: Vec<&str> = units.iter().map(String::as_str).collect();
    all.push(province);
    all.sort_unstable();
    all.dedup();
    let boards: Vec<TaskBoard> = all
        .into_iter()
        .map(|unit| board(&views, province, unit, today))
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

/// Every unit that owns or shares a task.
async fn units_with_tasks(db: &PgPool) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT owner_unit AS "unit!" FROM tasks
           UNION SELECT unit_code FROM task_cooperators"#
    )
    .fetch_all(db)
    .await
}

/// Queues today's e-mail reminders (nothing without an SMTP server). A failure is logged: the
/// next pass (or a restart) queues what this one missed, the keys keep it from doubling.
async fn remind(state: &AppState) {
    let today = crate::dossiers::today();
    match super::reminders::pass(&state.db, &state.config, today).await {
        Ok(Some(n)) if n > 0 => tracing::info!(mails = n, "task reminders queued"),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "task reminders not queued"),
    }
}

/// Publishes every board and queues the day's reminders now and after each local midnight,
/// until shutdown.
pub async fn run(state: AppState) {
    loop {
        match units_with_tasks(&state.db).await {
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
