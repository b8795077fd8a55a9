//! The live hub and its WebSocket gateway.
//!
//! Writers announce their offsets inside their transaction ([`notify::announce`]) and publish
//! after it committed; the hub releases publications in offset order to every connection
//! following the topic, serialising each once, and keeps each followed topic's state and recent
//! history in memory ([`hub`]). Each connection's writer coalesces what is queued for it into one
//! frame ([`ws`], [`outbox`]). Topic state comes from the domain that owns the topic through
//! [`TopicSource`], so the hub knows nothing about tables. Other server processes' publications
//! arrive through PostgreSQL LISTEN/NOTIFY ([`notify`]).

pub mod hub;
pub mod notify;
pub mod outbox;
pub mod stored;
pub mod topics;
pub mod ws;

pub use hub::Hub;
pub use topics::{Snapshot, TopicKind, TopicSource, Topics};
