//! Stored topics: topics whose every publication is a whole state (a deadline board; later a
//! task list or a session's shared view). Owns the tables `live_topics` (the latest state and
//! offset) and `live_log` (the publications, for recovery after a reconnect).
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

/// Publications kept per topic for recovery; a client further behind gets the state instead.
const KEEP: i64 = 200;

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
    sqlx::query!(
        r#"INSERT INTO live_log (topic, "offset", data) VALUES ($1, $2, $3)"#,
        topic,
        offset,
        json
    )
    .execute(&mut *tx)
    .await?;
    super::notify::announce(&mut *tx, &[(topic, offset)]).await?;
    sqlx::query!(
        r#"DELETE FROM live_log WHERE topic = $1 AND "offset" <= $2"#,
        topic,
        offset - KEEP
    )
    .execute(&mut *tx)
    .await?;
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

    fn since<'a>(
        &'a self,
        topic: &'a str,
        after: i64,
        limit: i64,
    ) -> BoxFuture<'a, Result<Vec<Publication>, sqlx::Error>> {
        async move {
            let rows = sqlx::query!(
                r#"SELECT "offset", data FROM live_log WHERE topic = $1 AND "offset" > $2 ORDER BY "offset" LIMIT $3"#,
                topic,
                after,
                limit
            )
            .fetch_all(&self.db)
            .await?;
            Ok(rows
                .into_iter()
                .filter_map(|r| {
                    let data = serde_json::from_value(r.data).ok()?;
                    Some(Publication { topic: topic.to_string(), epoch: self.epoch.to_string(), offset: r.offset, data })
                })
                .collect())
        }
        .boxed()
    }
}
