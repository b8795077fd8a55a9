//! The pull connector: reads a one-stop system's event feed page by page, from the position
//! stored after the last page, through the same ingest path as pushed events.
//!
//! The feed it expects (README, "Dossier feed"): `GET {url}?cursor={cursor}&limit={n}` with
//! `Authorization: Bearer {token}`, answering `{"events": [...], "next_cursor": "…",
//! "has_more": true|false}`; the first request has an empty cursor. The cursor is opaque to us.
//!
//! Guarantees: a page's events and the cursor after it are stored in one transaction, so a
//! restart resumes after the last stored page (nothing lost); a page read twice (the feed
//! repeated it, or we crashed before the answer reached us) is recognised event by event
//! (dossier id + sequence), so nothing counts twice. Errors back off exponentially (the same
//! schedule as deliveries to the Government system), capped, with jitter.

use std::time::Duration;

use rand::Rng;
use serde::Deserialize;
use sqlx::PgPool;

use super::ingest::{self, Batch, Cursor, Scope};
use crate::AppState;

/// Events asked for per page.
pub const PAGE: usize = 1000;
/// The first wait after a failure; doubled per failure up to the worker's cap.
const BACKOFF_BASE: Duration = Duration::from_millis(500);

/// The name a feed's cursor is stored under.
pub const FEED: &str = "onestop";

#[derive(Debug, Deserialize)]
pub struct Page {
    pub events: Vec<Box<serde_json::value::RawValue>>,
    pub next_cursor: String,
    #[serde(default)]
    pub has_more: bool,
}

/// What went wrong with one read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("feed unreachable: {0}")]
    Http(#[from] reqwest::Error),
    #[error("feed answered {0}")]
    Status(reqwest::StatusCode),
    #[error("not a feed page: {0}")]
    Shape(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// The stored position of `feed` (empty: from the beginning).
pub async fn position(db: &PgPool, feed: &str) -> Result<String, sqlx::Error> {
    Ok(sqlx::query_scalar!(
        "SELECT cursor FROM dossier_feed_cursors WHERE source = $1",
        feed
    )
    .fetch_optional(db)
    .await?
    .unwrap_or_default())
}

/// A connector to one feed.
pub struct Connector {
    pub client: reqwest::Client,
    pub url: String,
    pub token: Option<String>,
    pub province: String,
    pub keep_personal: bool,
    pub writer: super::ingest::Writer,
}

impl Connector {
    /// Reads and stores one page. Returns whether the feed has more right away, and the units
    /// touched (for the live boards).
    pub async fn step(
        &self,
        db: &PgPool,
    ) -> Result<
        (
            bool,
            std::collections::BTreeMap<String, std::collections::HashSet<chrono::NaiveDate>>,
        ),
        ReadError,
    > {
        let cursor = position(db, FEED).await?;
        let mut req = self
            .client
            .get(&self.url)
            .query(&[("cursor", cursor.as_str()), ("limit", &PAGE.to_string())]);
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await?;
        if !res.status().is_success() {
            return Err(ReadError::Status(res.status()));
        }
        let page: Page = res
            .json()
            .await
            .map_err(|e| ReadError::Shape(e.to_string()))?;
        if page.events.is_empty() {
            // Nothing new: the cursor may still move (a feed may skip), stored without events.
            if page.next_cursor != cursor {
                store_cursor(db, &page.next_cursor).await?;
            }
            return Ok((page.has_more, Default::default()));
        }
        let source = format!("pull:{FEED}");
        let stored = ingest::ingest(
            db,
            page.events,
            &Batch {
                source: &source,
                scope: Scope::Province(self.province.clone()),
                keep_personal: self.keep_personal,
                cursor: Some(Cursor {
                    feed: FEED,
                    next: &page.next_cursor,
                }),
                writer: &self.writer,
            },
        )
        .await?;
        if stored.receipt.rejected > 0 {
            // The feed cannot be asked for the same events differently: they are reported and
            // the connector moves on (every refused item is in the log with its reason).
            for item in stored.receipt.items.iter().filter(|i| i.error.is_some()) {
                if let Some(e) = &item.error {
                    tracing::warn!(dossier = ?item.dossier_id, code = %e.code, reason = %e.message_en,
                        "pulled dossier event refused");
                }
            }
        }
        metrics::counter!("ioc_dossier_events_pulled_total")
            .increment(stored.receipt.stored as u64);
        Ok((page.has_more, stored.touched))
    }
}

async fn store_cursor(db: &PgPool, next: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO dossier_feed_cursors (source, cursor) VALUES ($1, $2)
         ON CONFLICT (source) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = now()",
        FEED,
        next
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Runs the connector until shutdown: pages as fast as the feed has them, then every poll
/// interval; after a failure, waits (backoff) and reads the same page again.
pub async fn run(state: AppState, connector: Connector, poll: Duration) {
    let mut failures: u32 = 0;
    loop {
        let wait = match connector.step(&state.db).await {
            Ok((more, touched)) => {
                if failures > 0 {
                    tracing::info!(after = failures, "dossier feed readable again");
                }
                failures = 0;
                state.dossier_live.touched(&touched);
                if more {
                    Duration::ZERO
                } else {
                    poll
                }
            }
            Err(e) => {
                failures += 1;
                let wait = crate::central::worker::backoff(
                    BACKOFF_BASE,
                    failures,
                    rand::rng().random::<f64>(),
                );
                tracing::warn!(error = %e, attempt = failures, wait_ms = wait.as_millis() as u64,
                    "dossier feed read failed");
                metrics::counter!("ioc_dossier_feed_failures_total").increment(1);
                wait
            }
        };
        tokio::select! {
            _ = state.shutdown.cancelled() => return,
            _ = tokio::time::sleep(wait) => {}
        }
    }
}
