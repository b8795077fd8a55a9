//! The live hub and its WebSocket gateway.
//!
//! Writers publish only after their transaction committed; the hub fans a publication out to
//! every connection following its topic, serialising it once. Topic *state* (the latest value, the
//! publications after an offset) comes from the domain that owns the topic through
//! [`TopicSource`], so the hub knows nothing about tables. Other server instances will join
//! through PostgreSQL LISTEN/NOTIFY behind the same `publish` call.

pub mod hub;
pub mod stored;
pub mod topics;
pub mod ws;

pub use hub::Hub;
pub use topics::{Snapshot, TopicSource, Topics};
