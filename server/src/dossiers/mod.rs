//! Public-service dossiers (hồ sơ thủ tục hành chính): events from the one-stop systems, each
//! dossier's current state and on-time outcome, apology slips, the rollups the wall reads and the
//! Decision 766 index. Owns the tables of migration `…010000_dossiers`.
//!
//! The path of an event: [`ingest`] (push route, pull connector and simulator alike) → one
//! transaction (events, dossiers, rollup differences) → commit → the live worker recomputes the
//! boards and indexes of the units touched and publishes them on `dossiers/{unit}`.

pub mod catalogue;
pub mod connector;
pub mod event;
pub mod export;
pub mod index;
pub mod ingest;
pub mod live;
pub mod rollup;
pub mod routes;
pub mod shapes;
pub mod simulate;
pub mod slips;
pub mod state;
pub mod store;
pub mod trend;
pub mod views;

use chrono::{DateTime, Duration, NaiveDate, Utc};

/// Vietnam's time (UTC+7, no daylight saving): days of receipt, results and deadlines are local.
pub const UTC_OFFSET: Duration = Duration::hours(7);

/// The local (Vietnamese) day of an instant.
pub fn local_day(t: DateTime<Utc>) -> NaiveDate {
    (t.naive_utc() + UTC_OFFSET).date()
}

/// Today in Vietnam.
pub fn today() -> NaiveDate {
    local_day(Utc::now())
}
