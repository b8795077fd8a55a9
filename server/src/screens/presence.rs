//! What the running screens show: each screen reports its page with a small `POST` on every
//! page change and every [`PRESENCE_EVERY_S`](ioc_protocol::PRESENCE_EVERY_S) seconds; the
//! operator page follows the list on the topic `screen-presence`.
//!
//! Kept in memory, not in PostgreSQL: a report is worth nothing after a minute, a write per
//! report would cost a transaction per screen every 20 s, and after a restart every screen
//! reports again within that time. Every report publishes the whole list (a few dozen rows at a
//! province's scale), so a follower never needs to replay anything.
//!
//! Several server processes: a load balancer sends a screen's reports to any of them, and the
//! operator page may follow another. Each process shares the reports it takes (and the screens
//! it deletes) on [`PRESENCE_CHANNEL`] with `pg_notify` — a few hundred bytes, no table — and
//! applies the others' ([`Presence::on_shared`], through the live LISTEN connection). A report
//! missed while that connection was down is made good by the device's next one (20 s).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use chrono::{Duration, Utc};
use futures::future::BoxFuture;
use futures::FutureExt;
use ioc_protocol::{Payload, PresenceList, Publication, ScreenPresence, PRESENCE_TOPIC};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use crate::live::notify::INSTANCE;
use crate::live::{Hub, Snapshot, TopicSource};

/// The channel on which the processes share what changes the list.
pub const PRESENCE_CHANNEL: &str = "ioc_presence";

/// A change of the list, as one process tells the others.
#[derive(Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
enum Shared {
    Report {
        instance: String,
        token: i64,
        entry: ScreenPresence,
    },
    Forget {
        instance: String,
        screen: String,
    },
}

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

    /// Records a device's report, publishes the new list and tells the other processes.
    pub async fn report(
        &self,
        db: &PgPool,
        hub: &Hub,
        epoch: &str,
        token: i64,
        entry: ScreenPresence,
    ) -> Result<(), sqlx::Error> {
        self.apply_report(hub, epoch, token, entry.clone());
        // A token's name has no length limit; NOTIFY's payload has (8,000 bytes).
        let mut entry = entry;
        if let Some((cut, _)) = entry.device.char_indices().nth(DEVICE_SHARED_CHARS) {
            entry.device.truncate(cut);
        }
        share(
            db,
            &Shared::Report {
                instance: INSTANCE.clone(),
                token,
                entry,
            },
        )
        .await
    }

    /// Forgets the devices of a deleted screen, here and in the other processes.
    pub async fn forget_screen(
        &self,
        db: &PgPool,
        hub: &Hub,
        epoch: &str,
        screen: &str,
    ) -> Result<(), sqlx::Error> {
        self.apply_forget(hub, epoch, screen);
        share(
            db,
            &Shared::Forget {
                instance: INSTANCE.clone(),
                screen: screen.to_string(),
            },
        )
        .await
    }

    /// Applies a change another process shared (its own notifications are skipped).
    pub fn on_shared(&self, hub: &Hub, epoch: &str, payload: &str) {
        match serde_json::from_str::<Shared>(payload) {
            Ok(Shared::Report {
                instance,
                token,
                entry,
            }) if instance != *INSTANCE => self.apply_report(hub, epoch, token, entry),
            Ok(Shared::Forget { instance, screen }) if instance != *INSTANCE => {
                self.apply_forget(hub, epoch, &screen)
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, payload, "unreadable presence notification"),
        }
    }

    /// Published under the lock so that followers see the offsets in order.
    fn apply_report(&self, hub: &Hub, epoch: &str, token: i64, entry: ScreenPresence) {
        let mut inner = self.lock();
        let oldest = Utc::now() - Duration::hours(FORGET_AFTER_HOURS);
        inner.devices.retain(|_, p| p.last_contact > oldest);
        inner.devices.insert((entry.screen.clone(), token), entry);
        Self::publish(&mut inner, hub, epoch);
    }

    fn apply_forget(&self, hub: &Hub, epoch: &str, screen: &str) {
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

/// Characters of a device's name the other processes get.
const DEVICE_SHARED_CHARS: usize = 200;

/// Tells the other processes (NOTIFY's payload limit is 8,000 bytes; a report is a few hundred:
/// screen codes and units are short checked codes, the device's name is cut).
async fn share(db: &PgPool, change: &Shared) -> Result<(), sqlx::Error> {
    let payload = serde_json::to_string(change).unwrap_or_default();
    sqlx::query!(
        r#"SELECT count(*) AS "n!" FROM pg_notify($1, $2)"#,
        PRESENCE_CHANNEL,
        payload
    )
    .fetch_one(db)
    .await?;
    Ok(())
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
