//! Live task boards: `tasks/{unit}` (the tasks a unit owns or shares that need attention) and
//! `tasks/{province}` (every task), each publication a whole state (stored topics, shared
//! machinery). Recomputed for the units a change touches, after its commit, and for every unit
//! at each local midnight: a status changes with the date, not only with a write.

use std::time::Duration;

use chrono::NaiveDate;
use ioc_protocol::{tasks_topic, Payload, TaskBoard, TaskStatus, TASK_BOARD_PER_OWNER};
use sqlx::PgPool;

use crate::calendar::Calendar;
use crate::live::stored;
use crate::AppState;

/// The board of `unit` (the province's code: every task) on `today`.
async fn board(
    db: &PgPool,
    province: &str,
    unit: &str,
    calendar: &Calendar,
    today: NaiveDate,
) -> Result<TaskBoard, sqlx::Error> {
    let only = (unit != province).then(|| vec![unit.to_string()]);
    let views = super::views(db, only.as_deref(), calendar, today).await?;
    let mut owners = super::by_owner(views);
    let count = |s: TaskStatus| -> usize {
        owners
            .iter()
            .map(|o| o.tasks.iter().filter(|t| t.status == s).count())
            .sum()
    };
    let (overdue, due_soon) = (count(TaskStatus::Overdue), count(TaskStatus::DueSoon));
    for o in &mut owners {
        o.tasks.truncate(TASK_BOARD_PER_OWNER);
    }
    Ok(TaskBoard {
        unit: unit.to_string(),
        day: today,
        overdue,
        due_soon,
        owners,
    })
}

/// The province's board now (the wall page's first HTML).
pub async fn province_board(state: &AppState) -> Result<TaskBoard, sqlx::Error> {
    let calendar = Calendar::load(&state.db).await?;
    let province = state.config.province.as_str();
    board(
        &state.db,
        province,
        province,
        &calendar,
        crate::dossiers::today(),
    )
    .await
}

/// Recomputes and publishes the boards of `units` and of the province (unchanged boards are
/// not published again).
pub async fn publish(state: &AppState, units: &[String]) -> Result<(), sqlx::Error> {
    let province = state.config.province.as_str();
    let today = crate::dossiers::today();
    let calendar = Calendar::load(&state.db).await?;
    let mut all: Vec<&str> = units.iter().map(String::as_str).collect();
    all.push(province);
    all.sort_unstable();
    all.dedup();
    let mut boards = Vec::with_capacity(all.len());
    for unit in all {
        boards.push(board(&state.db, province, unit, &calendar, today).await?);
    }
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

/// Publishes every board now and after each local midnight, until shutdown.
pub async fn run(state: AppState) {
    loop {
        match units_with_tasks(&state.db).await {
            Ok(units) => publish_after(&state, &units).await,
            Err(e) => tracing::warn!(error = %e, "task boards not published"),
        }
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
