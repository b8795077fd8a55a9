//! Indicators: the series catalogue, point ingestion and the streams the wall follows.
//!
//! Owns the tables `series`, `series_streams` and `metric_points`.

pub mod catalogue;
pub mod figures;
pub mod points;
pub mod routes;
pub mod streams;

pub use streams::IndicatorTopics;
