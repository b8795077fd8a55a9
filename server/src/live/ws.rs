//! The WebSocket gateway: one connection per page, many topics multiplexed on it.
//!
//! The session logic is written against `Sink`/`Stream` of messages (not axum's socket type) so
//! that it can be driven by anything that speaks frames; the integration tests drive it with a
//! real `tokio-tungstenite` client.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocketUpgrade};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use futures::future::BoxFuture;
use futures::{Sink, SinkExt, Stream, StreamExt};
use ioc_protocol::i18n::Msg;
use ioc_protocol::{ClientFrame, ServerFrame, StreamPosition};
use tokio::time::Instant;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::StreamMap;
use tokio_util::sync::CancellationToken;

use super::{Hub, Snapshot, Topics};
use crate::auth::{Principal, Who};
use crate::http::ApiError;
use crate::AppState;

/// Topics one connection may follow at once (a wall has a few dozen tiles).
const MAX_SUBSCRIPTIONS: usize = 512;
/// Missed publications sent on recovery; a client further behind gets the state instead.
const MAX_RECOVER: i64 = 256;
/// Largest frame a client may send.
const MAX_CLIENT_FRAME: usize = 64 * 1024;
/// Socket buffers. Client frames are small (subscribe, ping) and every server frame is flushed on
/// its own, so tungstenite's 128 KiB defaults would only cost memory on a wall with many tabs.
const READ_BUFFER: usize = 4 * 1024;
const WRITE_BUFFER: usize = 0;
const PING_EVERY: Duration = Duration::from_secs(30);
/// A client silent for this long (no frame, no pong) is gone.
const IDLE_TIMEOUT: Duration = Duration::from_secs(90);
/// WebSocket close code 1001 "going away": the server is shutting down.
const CLOSE_GOING_AWAY: u16 = 1001;

/// Close code sent when the credentials behind a connection end or change (sign-out, revoked
/// token, other roles): the client reconnects and subscribes again under its current rights.
const CLOSE_CREDENTIALS_ENDED: u16 = 4001;
/// WebSocket close code 1009 "message too big": a client frame over [`MAX_CLIENT_FRAME`].
const CLOSE_TOO_BIG: u16 = 1009;

/// The outcome of re-checking a connection's credentials.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Validity {
    /// Same person or machine, same rights.
    Valid,
    /// Session ended, token revoked, rights changed: close with 4001.
    Ended,
    /// The check could not be made (the database is down or restarting). Not a reason to tell
    /// every wall its credentials ended: the connection stays and the next tick checks again.
    Unknown,
}

/// What the connection's principal may follow, and whether its credentials still hold.
/// Keeps the session logic free of the auth domain's types.
pub trait Access: Send + Sync {
    /// `None` when the answer could not be found (the database failed).
    fn may_subscribe<'a>(&'a self, topic: &'a str) -> BoxFuture<'a, Option<bool>>;
    fn still_valid(&self) -> BoxFuture<'_, Validity>;
}

struct PrincipalAccess {
    principal: Principal,
    headers: HeaderMap,
    state: AppState,
}

impl Access for PrincipalAccess {
    fn may_subscribe<'a>(&'a self, topic: &'a str) -> BoxFuture<'a, Option<bool>> {
        Box::pin(async move {
            self.principal
                .may_follow(&self.state.db, topic)
                .await
                .map_err(|e| tracing::error!(error = %e, %topic, "topic rights"))
                .ok()
        })
    }

    fn still_valid(&self) -> BoxFuture<'_, Validity> {
        Box::pin(async move {
            match crate::auth::principal::resolve(&self.headers, self.principal.ip, &self.state)
                .await
            {
                Ok(now) if now.same_rights(&self.principal) => Validity::Valid,
                Ok(_) => Validity::Ended,
                // Only a database failure leaves the answer open; a refused token is an answer.
                Err(ApiError::Database(_) | ApiError::DatabaseUnavailable(_)) => {
                    tracing::warn!("credentials not re-checked: database unavailable");
                    Validity::Unknown
                }
                Err(_) => Validity::Ended,
            }
        })
    }
}

/// `GET /ws`: upgrades within the connection cap, for a signed-in person or a machine; every
/// subscription is then checked against the principal's rights. The session runs until either
/// side leaves, the credentials end, or the server shuts down (then the client receives a
/// close frame).
///
/// A connection authenticated by a cookie must come from one of our own pages (`Origin`): the
/// browser sends cookies with a WebSocket opened by any site, and no CORS rule stops it
/// (cross-site WebSocket hijacking). Bearer tokens are not sent by browsers on their own.
pub async fn ws_handler(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    if matches!(principal.who, Who::Anonymous) {
        return Err(ApiError::LoginRequired);
    }
    if principal.by_cookie
        && !crate::http::security::origin_allowed(&headers, state.config.public_url.as_deref())
    {
        return Err(ApiError::CsrfFailed);
    }
    let ws = ws.map_err(|r| ApiError::ExtractorRejected(r.status(), r.body_text()))?;
    let permit = state
        .ws_slots
        .clone()
        .try_acquire_owned()
        .map_err(|_| ApiError::TooManyConnections)?;
    let access = Arc::new(PrincipalAccess {
        principal,
        headers,
        state: state.clone(),
    });
    let ctx = SessionCtx {
        hub: state.hub.clone(),
        topics: state.topics.clone(),
        shutdown: state.shutdown.clone(),
        access,
        revalidate_every: Duration::from_millis(state.config.ws_revalidate_ms.max(100)),
    };
    let tasks = state.tasks.clone();
    let ws = ws
        .max_message_size(MAX_CLIENT_FRAME)
        // Refused from the frame's header, before its payload is buffered.
        .max_frame_size(MAX_CLIENT_FRAME)
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(WRITE_BUFFER);
    Ok(ws.on_upgrade(move |socket| {
        tasks.track_future(async move {
            let _permit = permit;
            metrics::gauge!("ioc_ws_connections").increment(1.0);
            let (sink, stream) = socket.split();
            run_session(sink, stream, ctx).await;
            metrics::gauge!("ioc_ws_connections").decrement(1.0);
        })
    }))
}

/// What a session needs from the server.
#[derive(Clone)]
pub struct SessionCtx {
    pub hub: Arc<Hub>,
    pub topics: Topics,
    pub shutdown: CancellationToken,
    pub access: Arc<dyn Access>,
    /// How often the credentials are re-checked (`--ws-revalidate-ms`, a minute by default).
    pub revalidate_every: Duration,
}

struct Session<S> {
    sink: S,
    ctx: SessionCtx,
    subs: StreamMap<String, BroadcastStream<Arc<super::hub::Outgoing>>>,
    /// Last offset delivered per topic: publications at or below it are duplicates.
    positions: HashMap<String, i64>,
}

/// Outcome of handling one event: go on, or end the session.
type Flow = Result<(), ()>;

pub async fn run_session<S, R>(sink: S, mut stream: R, ctx: SessionCtx)
where
    S: Sink<Message> + Unpin,
    R: Stream<Item = Result<Message, axum::Error>> + Unpin,
{
    let shutdown = ctx.shutdown.clone();
    let mut session = Session {
        sink,
        ctx,
        subs: StreamMap::new(),
        positions: HashMap::new(),
    };
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.reset();
    let mut last_seen = Instant::now();
    let mut revalidate = tokio::time::interval(session.ctx.revalidate_every);
    revalidate.reset();
    loop {
        let flow: Flow = tokio::select! {
            _ = shutdown.cancelled() => {
                let close = CloseFrame { code: CLOSE_GOING_AWAY, reason: "server shutting down".into() };
                let _ = session.sink.send(Message::Close(Some(close))).await;
                break;
            }
            msg = stream.next() => {
                last_seen = Instant::now();
                match msg {
                    Some(Ok(Message::Text(text))) => session.on_client_text(text.as_str()).await,
                    Some(Ok(Message::Binary(_))) => session.error(None, "bad_frame", Msg::BadFrame).await,
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => Ok(()),
                    Some(Err(ref e)) if is_too_big(e) => {
                        // Say why instead of dropping the connection.
                        let close = CloseFrame { code: CLOSE_TOO_BIG, reason: Msg::FrameTooLarge.en().into() };
                        let _ = session.sink.send(Message::Close(Some(close))).await;
                        Err(())
                    }
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => Err(()),
                }
            }
            Some((topic, item)) = session.subs.next() => session.on_publication(topic, item).await,
            _ = revalidate.tick() => {
                match session.ctx.access.still_valid().await {
                    Validity::Valid | Validity::Unknown => Ok(()),
                    Validity::Ended => {
                        let close = CloseFrame { code: CLOSE_CREDENTIALS_ENDED, reason: "credentials ended".into() };
                        let _ = session.sink.send(Message::Close(Some(close))).await;
                        Err(())
                    }
                }
            }
            _ = ping.tick() => {
                if last_seen.elapsed() > IDLE_TIMEOUT {
                    Err(())
                } else {
                    session.sink.send(Message::Ping(Default::default())).await.map_err(|_| ())
                }
            }
        };
        if flow.is_err() {
            break;
        }
    }
    let topics: Vec<String> = session.subs.keys().cloned().collect();
    drop(session.subs);
    for t in topics {
        session.ctx.hub.release(&t);
    }
}

impl<S: Sink<Message> + Unpin> Session<S> {
    async fn send(&mut self, frame: &ServerFrame) -> Flow {
        let text = serde_json::to_string(frame).map_err(|_| ())?;
        self.sink
            .send(Message::Text(text.into()))
            .await
            .map_err(|_| ())
    }

    async fn error(&mut self, topic: Option<String>, code: &str, msg: Msg) -> Flow {
        let frame = ServerFrame::Error {
            topic,
            code: code.to_string(),
            message_vi: msg.vi().to_string(),
            message_en: msg.en().to_string(),
        };
        self.send(&frame).await
    }

    async fn on_client_text(&mut self, text: &str) -> Flow {
        let frame = serde_json::from_str::<ClientFrame>(text);
        // A NUL in a topic would reach PostgreSQL (which refuses it with an error): refused here,
        // like the HTTP side does in `http::input`.
        if let Ok(f) = &frame {
            if let Some(topic) = frame_text_with_nul(f) {
                return self.error(topic, "nul_character", Msg::NulCharacter).await;
            }
        }
        match frame {
            Ok(ClientFrame::Subscribe { topic, since }) => self.subscribe(topic, since).await,
            Ok(ClientFrame::Unsubscribe { topic }) => {
                if self.subs.remove(&topic).is_some() {
                    self.positions.remove(&topic);
                    self.ctx.hub.release(&topic);
                }
                self.send(&ServerFrame::Unsubscribed { topic }).await
            }
            Ok(ClientFrame::Ping) => self.send(&ServerFrame::Pong).await,
            Err(_) => self.error(None, "bad_frame", Msg::BadFrame).await,
        }
    }

    async fn subscribe(&mut self, topic: String, since: Option<StreamPosition>) -> Flow {
        // Offsets start at 1 (0: nothing yet); a negative one is a broken client, refused before
        // it reaches a query.
        if since.as_ref().is_some_and(|p| p.offset < 0) {
            return self
                .error(Some(topic), "bad_position", Msg::BadPosition)
                .await;
        }
        // Rights first: a topic one may not follow is refused the same way whether it exists or not.
        match self.ctx.access.may_subscribe(&topic).await {
            Some(true) => {}
            Some(false) => return self.error(Some(topic), "forbidden", Msg::Forbidden).await,
            None => return self.error(Some(topic), "internal", Msg::Internal).await,
        }
        let Some(source) = self.ctx.topics.source(&topic).cloned() else {
            return self
                .error(Some(topic), "unknown_topic", Msg::UnknownTopic)
                .await;
        };
        if !self.subs.contains_key(&topic) && self.subs.len() >= MAX_SUBSCRIPTIONS {
            return self
                .error(
                    Some(topic),
                    "too_many_subscriptions",
                    Msg::TooManyConnections,
                )
                .await;
        }
        // Follow first, then read the state: nothing committed in between can slip through.
        let rx = self.ctx.hub.subscribe(&topic);
        let snapshot = match source.snapshot(&topic).await {
            Ok(Some(s)) => s,
            Ok(None) => {
                drop(rx);
                self.release_unless_followed(&topic);
                return self
                    .error(Some(topic), "unknown_topic", Msg::UnknownTopic)
                    .await;
            }
            Err(e) => {
                tracing::error!(error = %e, %topic, "snapshot failed");
                drop(rx);
                self.release_unless_followed(&topic);
                return self.error(Some(topic), "internal", Msg::Internal).await;
            }
        };
        let (recovered, missed) = match since {
            Some(pos) if pos.epoch == snapshot.epoch && pos.offset <= snapshot.offset => {
                let gap = snapshot.offset - pos.offset;
                if gap == 0 {
                    (true, Vec::new())
                } else if gap <= MAX_RECOVER {
                    match source.since(&topic, pos.offset, gap).await {
                        Ok(missed) if missed.len() as i64 == gap => (true, missed),
                        _ => (false, Vec::new()),
                    }
                } else {
                    (false, Vec::new())
                }
            }
            _ => (false, Vec::new()),
        };
        let Snapshot {
            epoch,
            offset,
            state,
        } = snapshot;
        self.positions.insert(topic.clone(), offset);
        self.subs.insert(topic.clone(), BroadcastStream::new(rx));
        self.send(&ServerFrame::Subscribed {
            topic,
            epoch,
            offset,
            state,
            recovered,
            missed,
        })
        .await
    }

    fn release_unless_followed(&self, topic: &str) {
        if !self.subs.contains_key(topic) {
            self.ctx.hub.release(topic);
        }
    }

    async fn on_publication(
        &mut self,
        topic: String,
        item: Result<Arc<super::hub::Outgoing>, BroadcastStreamRecvError>,
    ) -> Flow {
        let pos = self.positions.get(&topic).copied().unwrap_or(0);
        match item {
            Ok(out) => {
                if out.offset <= pos {
                    return Ok(());
                }
                if out.offset > pos + 1 {
                    // Another writer's publication is still on its way (commits and publishes
                    // can interleave): fill the gap from storage, in order.
                    if self.fill_gap(&topic, pos, out.offset - 1).await.is_err() {
                        return self.resync(topic).await;
                    }
                }
                self.positions.insert(topic, out.offset);
                self.sink
                    .send(Message::Text(out.frame.clone()))
                    .await
                    .map_err(|_| ())
            }
            Err(BroadcastStreamRecvError::Lagged(_)) => self.resync(topic).await,
        }
    }

    async fn fill_gap(&mut self, topic: &str, after: i64, upto: i64) -> Result<(), ()> {
        let source = self.ctx.topics.source(topic).cloned().ok_or(())?;
        let missed = source
            .since(topic, after, upto - after)
            .await
            .map_err(|_| ())?;
        if missed.len() as i64 != upto - after {
            return Err(());
        }
        for p in missed {
            let offset = p.offset;
            self.send(&ServerFrame::Publication(p)).await?;
            self.positions.insert(topic.to_string(), offset);
        }
        Ok(())
    }

    /// The follower fell behind: send the current state as the truth.
    async fn resync(&mut self, topic: String) -> Flow {
        metrics::counter!("ioc_ws_resyncs_total").increment(1);
        let Some(source) = self.ctx.topics.source(&topic).cloned() else {
            return Ok(());
        };
        match source.snapshot(&topic).await {
            Ok(Some(Snapshot {
                epoch,
                offset,
                state,
            })) => {
                self.positions.insert(topic.clone(), offset);
                let frame = ServerFrame::Subscribed {
                    topic,
                    epoch,
                    offset,
                    state,
                    recovered: false,
                    missed: Vec::new(),
                };
                self.send(&frame).await
            }
            _ => Err(()),
        }
    }
}

/// The text of a client frame that carries a NUL, if any: `Some(topic)` to name it in the error
/// (`None` inside when the topic itself is the culprit).
fn frame_text_with_nul(frame: &ClientFrame) -> Option<Option<String>> {
    match frame {
        ClientFrame::Subscribe { topic, since } => {
            if topic.contains('\0') {
                Some(None)
            } else if since.as_ref().is_some_and(|p| p.epoch.contains('\0')) {
                Some(Some(topic.clone()))
            } else {
                None
            }
        }
        ClientFrame::Unsubscribe { topic } => topic.contains('\0').then_some(None),
        ClientFrame::Ping => None,
    }
}

/// True when the read failed because the client's frame exceeded [`MAX_CLIENT_FRAME`].
fn is_too_big(e: &axum::Error) -> bool {
    use std::error::Error as _;
    let mut source: Option<&(dyn std::error::Error + 'static)> = e.source();
    while let Some(err) = source {
        if let Some(tungstenite::Error::Capacity(_)) = err.downcast_ref::<tungstenite::Error>() {
            return true;
        }
        source = err.source();
    }
    false
}

#[cfg(test)]
#[path = "ws_tests.rs"]
mod tests;
