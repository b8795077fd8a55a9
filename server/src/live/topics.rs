//! Where topic state comes from: each domain registers a source for its topic prefix. The hub
//! reads a source once per topic (single flight) and keeps the state current itself with
//! [`TopicSource::fold`].

use std::sync::Arc;

use futures::future::BoxFuture;
use ioc_protocol::{Payload, Publication};

/// The state of a topic at one stream position.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub epoch: String,
    pub offset: i64,
    /// `None` while nothing was ever published on the topic.
    pub state: Option<Payload>,
}

/// How a topic's publications relate to its state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TopicKind {
    /// Every publication is the whole new state (a board, a screen's configuration): a follower
    /// that is behind needs only the latest one, and nothing is kept to replay.
    State,
    /// Every publication is an event of a stream (a figure of a series): a follower that is
    /// behind gets the ones it missed, from the hub's recent history.
    Stream,
}

pub trait TopicSource: Send + Sync {
    /// What a publication is; see [`TopicKind`].
    fn kind(&self) -> TopicKind {
        TopicKind::State
    }

    /// The state after `publication`, given the state before it, so that the hub keeps every
    /// followed topic's state current without reading storage. For state topics the publication
    /// is the state.
    fn fold(&self, _before: Option<&Payload>, publication: &Payload) -> Option<Payload> {
        Some(publication.clone())
    }

    /// Latest state, or `Ok(None)` when the topic does not exist.
    fn snapshot<'a>(
        &'a self,
        topic: &'a str,
    ) -> BoxFuture<'a, Result<Option<Snapshot>, sqlx::Error>>;

    /// Publications with offset in `(after, after + limit]`, in offset order.
    fn since<'a>(
        &'a self,
        topic: &'a str,
        after: i64,
        limit: i64,
    ) -> BoxFuture<'a, Result<Vec<Publication>, sqlx::Error>>;
}

/// The registry of topic sources by prefix (`indicator/`, later `dossiers/`, `session/` …).
#[derive(Clone, Default)]
pub struct Topics {
    sources: Vec<(&'static str, Arc<dyn TopicSource>)>,
}

impl Topics {
    pub fn register(mut self, prefix: &'static str, source: Arc<dyn TopicSource>) -> Self {
        self.sources.push((prefix, source));
        self
    }

    pub fn source(&self, topic: &str) -> Option<&Arc<dyn TopicSource>> {
        self.sources
            .iter()
            .find(|(p, _)| topic.starts_with(p))
            .map(|(_, s)| s)
    }
}
