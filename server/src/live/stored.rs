//! Stored topics: topics whose every publication is a whole state (a deadline board; later a
//! task list or a session's shared view). Owns the table `live_topics` (the latest state and
//! its offset). Nothing older is kept: a follower that is behind needs only the latest state,
//! which the hub has in memory (`TopicKind::State`).
//!
//! A domain writes with [`append`] inside its own transaction and publishes the returned
//! publication after commit, exactly like point streams. Publishing a state equal to the stored
//! one is skipped, so periodic recomputation (the hourly deadline tick) costs no frames.

use std::sync::Arc;

use futures::future::BoxFuture;
use futures::FutureExt;
use ioc_protocol::{Payload, Publication};
use sqlx::{PgConnection, PgPool};

use super::{Snapshot, TopicSource};

/// Stores `state` as the topic's new state. Returns the publication to send after commit, or
/// `None` when the state did not change.
pub async fn append(
    tx: &mut PgConnection,
    epoch: &str,
    topic: &str,
    state: &Payload,
) -> Result<Option<Publication>, sqlx::Error> {
    let json = serde_json::to_value(state).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    // Lock the head (or create it) so concurrent writers of one topic get consecutive offsets.
    let current = sqlx::query_scalar!(
        "SELECT state FROM live_topics WHERE topic = $1 FOR UPDATE",
        topic
    )
    .fetch_optional(&mut *tx)
    .await?;
    if current.as_ref() == Some(&json) {
        return Ok(None);
    }
    let offset = sqlx::query_scalar!(
        "INSERT INTO live_topics (topic, last_offset, state) VALUES ($1, 1, $2)
         ON CONFLICT (topic) DO UPDATE SET last_offset = live_topics.last_offset + 1, state = $2, updated_at = now()
         RETURNING last_offset",
        topic,
        json
    )
    .fetch_one(&mut *tx)
    .await?;
    super::notify::announce(&mut *tx, &[(topic, offset)]).await?;
    Ok(Some(Publication {
        topic: topic.to_string(),
        epoch: epoch.to_string(),
        offset,
        data: state.clone(),
    }))
}

/// The stored state of `topic` and its offset, if it was ever published.
pub async fn state(db: &PgPool, topic: &str) -> Result<Option<(i64, Payload)>, sqlx::Error> {
    let row = head(db, topic).await?;
    Ok(row.and_then(|(offset, state)| Some((offset, serde_json::from_value(state).ok()?))))
}

/// The latest offset and state of `topic`, as stored.
async fn head(db: &PgPool, topic: &str) -> Result<Option<(i64, serde_json::Value)>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT last_offset, state FROM live_topics WHERE topic = $1",
        topic
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.last_offset, r.state)))
}

/// Decides whether a topic that was never published exists (see [`StoredTopics::exists`]).
pub type TopicExists =
    Arc<dyn Fn(&PgPool, String) -> BoxFuture<'static, Result<bool, sqlx::Error>> + Send + Sync>;

/// Serves the stored topics under one prefix. `exists` decides whether a topic that was never
/// published exists (e.g. `deadlines/{unit}` exists for every unit): it is then subscribed to
/// with no state yet.
pub struct StoredTopics {
    pub db: PgPool,
    pub epoch: Arc<str>,
    pub exists: TopicExists,
}

impl TopicSource for StoredTopics {
    fn snapshot<'a>(
        &'a self,
        topic: &'a str,
    ) -> BoxFuture<'a, Result<Option<Snapshot>, sqlx::Error>> {
        async move {
            match head(&self.db, topic).await? {
                Some((offset, state)) => Ok(Some(Snapshot {
                    epoch: self.epoch.to_string(),
                    offset,
                    state: serde_json::from_value::<Payload>(state).ok(),
                })),
                None if (self.exists)(&self.db, topic.to_string()).await? => Ok(Some(Snapshot {
                    epoch: self.epoch.to_string(),
                    offset: 0,
                    state: None,
                })),
                None => Ok(None),
            }
        }
        .boxed()
    }

    /// Never asked by the hub for a state topic (it reads the state instead); nothing is kept.
    fn since<'a>(
        &'a self,
        _topic: &'a str,
        _after: i64,
        _limit: i64,
    ) -> BoxFuture<'a, Result<Vec<Publication>, sqlx::Error>> {
        async { Ok(Vec::new()) }.boxed()
    }
}
