//! One connection's outbox: what the hub has released for it, waiting for its writer.
//!
//! The hub pushes without waiting (a slow socket never holds the hub or the other followers);
//! the connection's writer drains everything queued at once and sends it as one frame
//! (coalescing). The queue is bounded: a follower that falls [`MAX_QUEUED`] publications behind
//! loses them and is caught up from the hub instead (resync), see `ws::Session::flush`.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, OnceLock};

use axum::extract::ws::Utf8Bytes;
use ioc_protocol::{Publication, ServerFrame};
use tokio::sync::Notify;

use super::TopicKind;

/// Publications one connection may have waiting; beyond, they are dropped and the connection is
/// caught up from the hub's state and history.
pub const MAX_QUEUED: usize = 1024;
/// The same bound in bytes (a few large boards weigh more than many points).
pub const MAX_QUEUED_BYTES: usize = 4 << 20;

/// A publication released by the hub, in offset order, serialised once for all its followers.
#[derive(Debug)]
pub struct Released {
    pub topic: Arc<str>,
    pub kind: TopicKind,
    pub epoch: Arc<str>,
    pub offset: i64,
    pub publication: Publication,
    /// `{"type":"publication",…}`.
    pub frame: Utf8Bytes,
    /// The publication as a state to take as the truth (a `subscribed` frame with
    /// `recovered: false`), for a follower of a state topic that skipped the ones before it.
    /// Made the first time a follower needs it, then shared.
    as_state: OnceLock<Utf8Bytes>,
}

impl Released {
    pub fn new(kind: TopicKind, topic: Arc<str>, epoch: Arc<str>, p: Publication) -> Self {
        let frame = to_text(&ServerFrame::Publication(p.clone()));
        Released {
            topic,
            kind,
            epoch,
            offset: p.offset,
            publication: p,
            frame,
            as_state: OnceLock::new(),
        }
    }

    pub fn as_state(&self) -> &Utf8Bytes {
        self.as_state.get_or_init(|| {
            to_text(&ServerFrame::Subscribed {
                topic: self.topic.to_string(),
                epoch: self.epoch.to_string(),
                offset: self.offset,
                state: Some(self.publication.data.clone()),
                recovered: false,
                missed: Vec::new(),
            })
        })
    }
}

/// Serialises a frame. Our frames are plain data (no maps with non-string keys, no failing
/// `Serialize` impls), so this cannot fail; if it ever did, an error frame is sent instead.
pub fn to_text(frame: &ServerFrame) -> Utf8Bytes {
    match serde_json::to_string(frame) {
        Ok(s) => s.into(),
        Err(e) => {
            tracing::error!(error = %e, "cannot serialise a frame");
            r#"{"type":"error","topic":null,"code":"internal","message_vi":"Lỗi hệ thống","message_en":"Internal error"}"#.into()
        }
    }
}

/// What a frame for this connection alone does to its position on a topic.
#[derive(Debug)]
pub enum Effect {
    None,
    /// The connection now stands at `offset` of `topic` (a subscribe's answer).
    At {
        topic: Arc<str>,
        epoch: Arc<str>,
        offset: i64,
    },
    /// The hub refused the topic (unknown, or its state could not be read): it is not followed.
    Refused(Arc<str>),
}

#[derive(Debug)]
pub enum Item {
    Released(Arc<Released>),
    /// A frame for this connection alone: an answer to its subscribe, an error, a pong.
    Own {
        frame: Utf8Bytes,
        effect: Effect,
    },
}

#[derive(Default)]
struct Queue {
    items: VecDeque<Item>,
    released: usize,
    bytes: usize,
    /// Publications were dropped since the last drain.
    overflowed: bool,
}

/// See the module comment.
pub struct Outbox {
    pub id: u64,
    queue: Mutex<Queue>,
    notify: Notify,
}

impl Outbox {
    pub fn new(id: u64) -> Self {
        Outbox {
            id,
            queue: Mutex::new(Queue::default()),
            notify: Notify::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues an item and wakes the writer. Publications past the bounds are dropped (the
    /// connection's own frames never are: they are few, and an answer must not get lost).
    pub fn push(&self, item: Item) {
        {
            let mut q = self.lock();
            match &item {
                Item::Released(r) => {
                    if q.overflowed {
                        metrics::counter!("ioc_ws_queue_drops_total").increment(1);
                        return;
                    }
                    if q.released >= MAX_QUEUED || q.bytes + r.frame.len() > MAX_QUEUED_BYTES {
                        let dropped = q.released as u64 + 1;
                        q.items.retain(|i| matches!(i, Item::Own { .. }));
                        q.released = 0;
                        q.bytes = 0;
                        q.overflowed = true;
                        metrics::counter!("ioc_ws_queue_drops_total").increment(dropped);
                        metrics::counter!("ioc_ws_slow_clients_total").increment(1);
                    } else {
                        q.released += 1;
                        q.bytes += r.frame.len();
                        q.items.push_back(item);
                    }
                }
                Item::Own { .. } => q.items.push_back(item),
            }
        }
        self.notify.notify_one();
    }

    /// Waits until something was pushed since the last drain.
    pub async fn ready(&self) {
        self.notify.notified().await
    }

    /// Moves what is queued into `into` (empty; its buffer is reused, so a busy connection
    /// allocates nothing per flush). Returns true when publications were dropped since the last
    /// drain: every followed topic must be caught up.
    pub fn drain_into(&self, into: &mut VecDeque<Item>) -> bool {
        let mut q = self.lock();
        std::mem::swap(&mut q.items, into);
        q.released = 0;
        q.bytes = 0;
        std::mem::take(&mut q.overflowed)
    }
}
