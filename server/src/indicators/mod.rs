//! Indicators: the series catalogue, point ingestion and the streams the wall follows.
//!
//! Owns the tables `series`, `series_streams` and `metric_points`.

pub mod backfill;
pub mod catalogue;
pub mod checks;
pub mod deadlines;
pub mod excel;
pub mod figures;
pub mod points;
pub mod report_routes;
pub mod routes;
pub mod streams;
pub mod workflow;

pub use streams::IndicatorTopics;

/// Called by the delivery worker after it committed a delivery of report `submission_id`: the
/// deadline boards that show the report (now "sent") are published again.
pub async fn on_delivered(state: &crate::AppState, submission_id: i64) {
    if let Err(e) = publish_boards(state).await {
        tracing::warn!(error = %e, submission_id, "deadline boards not refreshed after a delivery");
    }
}

/// Recomputes the deadline boards and publishes those that changed.
pub async fn publish_boards(state: &crate::AppState) -> Result<(), sqlx::Error> {
    let mut tx = state.db.begin().await?;
    let publications =
        deadlines::refresh_boards(&mut tx, &state.epoch, &state.config.province).await?;
    tx.commit().await?;
    for p in publications {
        state.hub.publish(p);
    }
    Ok(())
}

/// Keeps the deadline boards current as days pass (a report becomes due soon, then late): every
/// few minutes the boards are recomputed; unchanged boards cost nothing, changed ones reach the
/// units and approvers as live reminders.
pub async fn run_reminders(state: crate::AppState) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(300));
    loop {
        tokio::select! {
            _ = state.shutdown.cancelled() => return,
            _ = tick.tick() => {
                if let Err(e) = publish_boards(&state).await {
                    tracing::warn!(error = %e, "deadline boards not refreshed");
                }
            }
        }
    }
}
