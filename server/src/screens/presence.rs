//! What the running screens show: each screen reports its page with a small `POST` on every
//! page change and every [`PRESENCE_EVERY_S`](ioc_protocol::PRESENCE_EVERY_S) seconds; the
//! operator page follows the list on the topic `screen-presence`.
//!
//! Kept in memory, not in PostgreSQL: a report is worth nothing after a minute, a write per
//! report would cost a transaction per screen every 20 s, and after a restart every screen
//! reports again within that time. Every report publishes the whole list (a few dozen rows at a
//! province's scale), so a follower never needs to replay anything.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use chrono::{Duration, Utc};
use futures::future::BoxFuture;
use futures::FutureExt;
use ioc_protocol::{Payload, PresenceList, Publication, ScreenPresence, PRESENCE_TOPIC};

use crate::live::{Hub, Snapshot, TopicSource};

/// Reports older than this are forgotten (the device is long gone, or was re-paired).
const FORGET_AFTER_HOURS: i64 = 24;

#[derive(Default)]
struct Inner {
    /// Publications made so far (the topic's offset).
    offset: i64,
    /// The last report per (screen, device token id).
    devices: BTreeMap<(String, i64), ScreenPresence>,
}

/// The last report of every running device.
#[derive(Default)]
pub struct Presence {
    inner: Mutex<Inner>,
}

impl Presence {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records a device's report and publishes the new list. Published under the lock so that
    /// followers see the offsets in order.
    pub fn report(&self, hub: &Hub, epoch: &str, token: i64, entry: ScreenPresence) {
        let mut inner = self.lock();
        let oldest = Utc::now() - Duration::hours(FORGET_AFTER_HOURS);
        inner.devices.retain(|_, p| p.last_contact > oldest);
        inner.devices.insert((entry.screen.clone(), token), entry);
        Self::publish(&mut inner, hub, epoch);
    }

    /// Forgets the devices of a deleted screen.
    pub fn forget_screen(&self, hub: &Hub, epoch: &str, screen: &str) {
        let mut inner = self.lock();
        let before = inner.devices.len();
        inner.devices.retain(|(s, _), _| s != screen);
        if inner.devices.len() != before {
            Self::publish(&mut inner, hub, epoch);
        }
    }

    fn publish(inner: &mut Inner, hub: &Hub, epoch: &str) {
        inner.offset += 1;
        hub.publish(Publication {
            topic: PRESENCE_TOPIC.to_string(),
            epoch: epoch.to_string(),
            offset: inner.offset,
            data: Payload::ScreenPresence(PresenceList {
                devices: inner.devices.values().cloned().collect(),
            }),
        });
    }

    /// The list and its offset.
    pub fn list(&self) -> (i64, Vec<ScreenPresence>) {
        let inner = self.lock();
        (inner.offset, inner.devices.values().cloned().collect())
    }
}

/// Serves `screen-presence` from memory: the list as the state, nothing to replay.
pub struct PresenceTopic {
    pub presence: Arc<Presence>,
    pub epoch: Arc<str>,
}

impl TopicSource for PresenceTopic {
    fn snapshot<'a>(
        &'a self,
        topic: &'a str,
    ) -> BoxFuture<'a, Result<Option<Snapshot>, sqlx::Error>> {
        async move {
            if topic != PRESENCE_TOPIC {
                return Ok(None);
            }
            let (offset, list) = self.presence.list();
            Ok(Some(Snapshot {
                epoch: self.epoch.to_string(),
                offset,
                state: Some(Payload::ScreenPresence(PresenceList { devices: list })),
            }))
        }
        .boxed()
    }

    fn since<'a>(
        &'a self,
        _topic: &'a str,
        _after: i64,
        _limit: i64,
    ) -> BoxFuture<'a, Result<Vec<Publication>, sqlx::Error>> {
        async { Ok(Vec::new()) }.boxed()
    }
}
