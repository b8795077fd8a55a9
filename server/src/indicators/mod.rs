//! Indicators: the series catalogue, point ingestion and the streams the wall follows.
//!
//! Owns the tables `series`, `series_streams` and `metric_points`.

pub mod catalogue;
pub mod figures;
pub mod points;
pub mod routes;
pub mod streams;
pub mod workflow;

pub use streams::IndicatorTopics;

/// Called by the delivery worker after it committed a delivery of report `submission_id`: the
/// deadline boards that show the report are published again.
pub async fn on_delivered(state: &crate::AppState, submission_id: i64) {
    let _ = (state, submission_id);
}
