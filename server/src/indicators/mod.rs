//! Indicators: the series catalogue, point ingestion and the streams the wall follows.
//!
//! Owns the catalogue (`series`, `indicator_groups`); points and stream heads are written through
//! the shared store in [`crate::series`].

pub mod backfill;
pub mod catalogue;
pub mod checks;
pub mod deadlines;
pub mod excel;
pub mod figures;
pub mod report_routes;
pub mod routes;
pub mod streams;
pub mod workflow;

pub use streams::IndicatorTopics;

/// A monthly report's message to the Government system.
impl crate::central::OutboxPayload for ioc_protocol::ReportMessage {
    const KIND: &'static str = "indicators.report";
}

/// What an acknowledged report means here: the revision that was sent becomes "sent" (in the
/// delivery's transaction), and the boards that show it are published again.
pub struct ReportDelivered;

impl crate::central::MessageKind for ReportDelivered {
    fn delivered<'a>(
        &'a self,
        state: &'a crate::AppState,
        tx: &'a mut sqlx::PgConnection,
        message: &'a crate::central::Delivered,
    ) -> futures::future::BoxFuture<'a, Result<crate::central::AfterCommit, sqlx::Error>> {
        Box::pin(async move {
            let report = serde_json::from_str::<ioc_protocol::ReportMessage>(&message.body);
            let unit = match (report, message.submission_id) {
                (Ok(report), Some(id)) => {
                    crate::lifecycle::delivered(tx, id, report.revision).await?
                }
                (Err(e), _) => {
                    tracing::error!(error = %e, id = message.id, "a delivered report message that does not parse");
                    None
                }
                (Ok(_), None) => None,
            };
            let publications = match &unit {
                Some(unit) => deadlines::refresh_unit_boards(tx, &state.epoch, &[unit]).await?,
                None => Vec::new(),
            };
            let (hub, province_board) = (state.hub.clone(), state.province_board.clone());
            let after: crate::central::AfterCommit = Box::new(move || {
                for p in publications {
                    hub.publish(p);
                }
                if unit.is_some() {
                    province_board.notify_one();
                }
            });
            Ok(after)
        })
    }
}

/// Recomputes the deadline boards in a transaction of their own and publishes those that
/// changed.
pub async fn publish_boards(
    state: &crate::AppState,
    which: deadlines::Boards,
) -> Result<(), sqlx::Error> {
    let mut tx = state.db.begin().await?;
    let publications =
        deadlines::refresh_boards(&mut tx, &state.epoch, &state.config.province, which).await?;
    tx.commit().await?;
    for p in publications {
        state.hub.publish(p);
    }
    Ok(())
}

/// Keeps the province's deadline board current after workflow steps and deliveries, off their
/// transactions: a step refreshes its own unit's board and wakes this task, which recomputes the
/// province's once for however many steps arrived meanwhile. Steps of different units therefore
/// never wait on one another for the province's board.
pub async fn run_province_board(state: crate::AppState) {
    loop {
        tokio::select! {
            _ = state.shutdown.cancelled() => return,
            _ = state.province_board.notified() => {}
        }
        if let Err(e) = publish_boards(&state, deadlines::Boards::Province).await {
            tracing::warn!(error = %e, "the province's deadline board not refreshed");
        }
    }
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
                if let Err(e) = publish_boards(&state, deadlines::Boards::Every).await {
                    tracing::warn!(error = %e, "deadline boards not refreshed");
                }
            }
        }
    }
}
