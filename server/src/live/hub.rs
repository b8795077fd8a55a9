//! In-process fan-out: one `broadcast` channel per topic that has followers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::ws::Utf8Bytes;
use ioc_protocol::{Publication, ServerFrame};
use tokio::sync::broadcast;

/// Publications a slow follower may fall behind by before it is resynchronised from storage.
const CHANNEL_CAPACITY: usize = 256;

/// A publication ready to send: its position plus the frame serialised once for everyone.
#[derive(Debug)]
pub struct Outgoing {
    pub epoch: Arc<str>,
    pub offset: i64,
    pub frame: Utf8Bytes,
}

#[derive(Default)]
pub struct Hub {
    channels: Mutex<HashMap<String, broadcast::Sender<Arc<Outgoing>>>>,
}

impl Hub {
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts following `topic`. Subscribe *before* reading the topic's snapshot so that nothing
    /// committed after the snapshot can be missed; duplicates are dropped by offset.
    pub fn subscribe(&self, topic: &str) -> broadcast::Receiver<Arc<Outgoing>> {
        let mut channels = self.channels.lock().unwrap_or_else(|e| e.into_inner());
        channels
            .entry(topic.to_owned())
            .or_insert_with(|| broadcast::channel(CHANNEL_CAPACITY).0)
            .subscribe()
    }

    /// Forgets a topic's channel once nobody follows it (call after dropping a receiver).
    pub fn release(&self, topic: &str) {
        let mut channels = self.channels.lock().unwrap_or_else(|e| e.into_inner());
        if channels
            .get(topic)
            .is_some_and(|tx| tx.receiver_count() == 0)
        {
            channels.remove(topic);
        }
    }

    /// Sends a committed publication to the topic's followers, if any.
    pub fn publish(&self, publication: Publication) {
        let tx = {
            let channels = self.channels.lock().unwrap_or_else(|e| e.into_inner());
            channels.get(&publication.topic).cloned()
        };
        metrics::counter!("ioc_publications_total").increment(1);
        let Some(tx) = tx else { return };
        let epoch: Arc<str> = publication.epoch.as_str().into();
        let offset = publication.offset;
        let frame = match serde_json::to_string(&ServerFrame::Publication(publication)) {
            Ok(s) => Utf8Bytes::from(s),
            Err(e) => {
                tracing::error!(error = %e, "cannot serialise publication");
                return;
            }
        };
        let _ = tx.send(Arc::new(Outgoing {
            epoch,
            offset,
            frame,
        }));
    }

    /// Number of topics with followers (for metrics and tests).
    pub fn topic_count(&self) -> usize {
        self.channels
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }
}
