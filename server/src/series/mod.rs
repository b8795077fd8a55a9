//! The time-series store every domain writes through: points and their streams' heads, written
//! together in one transaction (validate the whole batch, append, move the heads, commit, then
//! publish), so a live follower sees offsets 1, 2, 3… and a reconnecting one can be caught up
//! from storage. The indicators write monthly figures through it today; dossier counters come
//! next. Owns the tables `series_streams` (the heads) and `metric_points` (monthly partitions,
//! or a hypertable with TimescaleDB); the catalogue of series (`series`) belongs to the
//! indicators.

pub mod points;
