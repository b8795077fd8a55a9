//! Several server processes on one database: PostgreSQL LISTEN/NOTIFY.
//!
//! A writer announces, inside its own transaction, the topics and offsets it commits
//! ([`announce`]); PostgreSQL delivers a notification only if that transaction commits, in
//! commit order, to every process listening. A notification carries the topic and the offset
//! only — a payload can exceed NOTIFY's 8,000 bytes — and the other processes' hubs read the
//! publications through the topic's source (once per topic, `Hub::announced`). The process that
//! committed has published already and skips its own notifications.
//!
//! The same connection listens for credential changes (`ioc_credentials`, raised by triggers on
//! the sessions, tokens, users and roles tables, migration `20261205000000_live_notify.sql`): an
//! open WebSocket whose credentials changed re-checks them at once, whichever process served
//! the sign-out or the revocation.
//!
//! Other modules listen on the same connection for channels of their own ([`Handler`]: the
//! screens' presence reports).
//!
//! A lost listening connection loses notifications: after reconnecting, every followed topic
//! reads its head again (`Hub::reload_all`) and every connection re-checks its credentials.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use sqlx::postgres::{PgListener, PgNotification};
use sqlx::{PgConnection, PgPool};
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

use super::Hub;

/// Channel of committed publications: `{instance}:{offset}:{sent at, ms}:{topic}`.
pub const LIVE_CHANNEL: &str = "ioc_live";
/// Channel of credential changes: `user:{id}` or `token:{id}`.
pub const CREDENTIALS_CHANNEL: &str = "ioc_credentials";
/// Sent on the credentials broadcast when changes may have been missed: everyone re-checks.
pub const EVERYONE: &str = "*";

/// This process, as its notifications name it.
pub static INSTANCE: LazyLock<String> = LazyLock::new(|| format!("{:016x}", rand::random::<u64>()));

/// Announces committed offsets to the other server processes. Call inside the writer's
/// transaction: the notifications leave on commit, and not at all on rollback.
pub async fn announce(tx: &mut PgConnection, heads: &[(&str, i64)]) -> Result<(), sqlx::Error> {
    if heads.is_empty() {
        return Ok(());
    }
    let topics: Vec<&str> = heads.iter().map(|h| h.0).collect();
    let offsets: Vec<i64> = heads.iter().map(|h| h.1).collect();
    sqlx::query!(
        r#"SELECT count(*) AS "n!"
           FROM unnest($2::text[], $3::bigint[]) AS h(topic, "offset"),
                LATERAL pg_notify('ioc_live', $1 || ':' || h."offset" || ':'
                    || (extract(epoch FROM clock_timestamp()) * 1000)::bigint || ':' || h.topic)"#,
        INSTANCE.as_str(),
        &topics as _,
        &offsets
    )
    .fetch_one(&mut *tx)
    .await?;
    Ok(())
}

/// What another module does with a notification on its channel (the payload).
pub type Handler = Arc<dyn Fn(&str) + Send + Sync>;

/// Listens until shutdown, reconnecting after a lost connection; `others`: channels of other
/// modules and their handlers.
pub async fn listen(
    db: PgPool,
    hub: Arc<Hub>,
    credentials: broadcast::Sender<Arc<str>>,
    others: Vec<(&'static str, Handler)>,
    shutdown: CancellationToken,
) {
    let channels: Vec<&str> = [LIVE_CHANNEL, CREDENTIALS_CHANNEL]
        .into_iter()
        .chain(others.iter().map(|o| o.0))
        .collect();
    let mut first = true;
    let mut wait = Duration::from_millis(200);
    loop {
        let listener = tokio::select! {
            _ = shutdown.cancelled() => return,
            l = connect(&db, &channels) => l,
        };
        let mut listener = match listener {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for other processes' publications");
                tokio::select! {
                    _ = shutdown.cancelled() => return,
                    _ = tokio::time::sleep(wait) => {}
                }
                wait = (wait * 2).min(Duration::from_secs(5));
                continue;
            }
        };
        wait = Duration::from_millis(200);
        metrics::gauge!("ioc_live_listening").set(1.0);
        // What was committed before listening began (a topic read while the server started,
        // or while the connection was lost) is read again now; credentials only after a loss.
        if first {
            hub.reload_all();
        } else {
            caught_up(&hub, &credentials);
        }
        first = false;
        loop {
            let n = tokio::select! {
                _ = shutdown.cancelled() => return,
                n = listener.try_recv() => n,
            };
            match n {
                Ok(Some(n)) => dispatch(&n, &hub, &credentials, &others),
                // The connection was lost, and the notifications meanwhile with it; the listener
                // has connected and listens again.
                Ok(None) => caught_up(&hub, &credentials),
                Err(e) => {
                    tracing::warn!(error = %e, "listening connection failed");
                    break;
                }
            }
        }
        metrics::gauge!("ioc_live_listening").set(0.0);
    }
}

/// Listening again after a loss: what was announced meanwhile is read from storage.
fn caught_up(hub: &Hub, credentials: &broadcast::Sender<Arc<str>>) {
    tracing::info!("listening again: re-reading the followed topics");
    metrics::counter!("ioc_live_listen_reconnects_total").increment(1);
    hub.reload_all();
    let _ = credentials.send(EVERYONE.into());
}

async fn connect(db: &PgPool, channels: &[&str]) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(db).await?;
    // Notifications are kept while the hub is busy rather than dropped.
    listener.ignore_pool_close_event(true);
    listener.listen_all(channels.iter().copied()).await?;
    Ok(listener)
}

fn dispatch(
    n: &PgNotification,
    hub: &Hub,
    credentials: &broadcast::Sender<Arc<str>>,
    others: &[(&'static str, Handler)],
) {
    match n.channel() {
        LIVE_CHANNEL => {
            let Some((instance, offset, sent_ms, topic)) = parse_live(n.payload()) else {
                tracing::warn!(payload = n.payload(), "unreadable live notification");
                return;
            };
            if instance == INSTANCE.as_str() {
                return;
            }
            let now_ms = chrono::Utc::now().timestamp_millis();
            metrics::histogram!("ioc_live_notify_lag_seconds")
                .record((now_ms - sent_ms).max(0) as f64 / 1000.0);
            metrics::counter!("ioc_live_announcements_total").increment(1);
            hub.announced(topic, offset);
        }
        CREDENTIALS_CHANNEL => {
            let _ = credentials.send(n.payload().into());
        }
        channel => {
            if let Some((_, handle)) = others.iter().find(|o| o.0 == channel) {
                handle(n.payload());
            }
        }
    }
}

/// `{instance}:{offset}:{sent at, ms}:{topic}` (the topic may itself contain colons).
fn parse_live(payload: &str) -> Option<(&str, i64, i64, &str)> {
    let mut parts = payload.splitn(4, ':');
    let instance = parts.next()?;
    let offset = parts.next()?.parse().ok()?;
    let sent_ms = parts.next()?.parse().ok()?;
    let topic = parts.next()?;
    Some((instance, offset, sent_ms, topic))
}

#[cfg(test)]
mod tests {
    use super::parse_live;

    #[test]
    fn live_payloads() {
        assert_eq!(
            parse_live("ab12:42:1764720000000:indicator/iip/40"),
            Some(("ab12", 42, 1764720000000, "indicator/iip/40"))
        );
        assert_eq!(
            parse_live("ab12:7:1:screen/a:b"),
            Some(("ab12", 7, 1, "screen/a:b"))
        );
        assert_eq!(parse_live("ab12:x:1:t"), None);
        assert_eq!(parse_live("ab12:1"), None);
    }
}
