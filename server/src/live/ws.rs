//! The WebSocket gateway: one connection per page, many topics multiplexed on it.
//!
//! The session logic is written against `Sink`/`Stream` of messages (not axum's socket type) so
//! that it can be driven by anything that speaks frames; the integration tests drive it with a
//! real `tokio-tungstenite` client.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocketUpgrade};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use futures::future::BoxFuture;
use futures::{Sink, SinkExt, Stream, StreamExt};
use ioc_protocol::i18n::Msg;
use ioc_protocol::{ClientFrame, ServerFrame, StreamPosition};
use tokio::sync::broadcast;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::outbox::{to_text, Effect, Item, Outbox};
use super::{Hub, TopicKind};
use crate::auth::{Principal, Who};
use crate::http::ApiError;
use crate::AppState;

/// Topics one connection may follow at once (a wall has a few dozen tiles).
const MAX_SUBSCRIPTIONS: usize = 512;
/// Largest frame a client may send.
const MAX_CLIENT_FRAME: usize = 64 * 1024;
/// Socket buffers. Client frames are small (subscribe, ping) and every server frame is written
/// at once, so tungstenite's 128 KiB defaults would only cost memory on a wall with many tabs.
const READ_BUFFER: usize = 1024;
const WRITE_BUFFER: usize = 0;
const PING_EVERY: Duration = Duration::from_secs(30);
/// Over how long the re-checks of every connection are spread after announcements were lost.
const RECHECK_SPREAD: Duration = Duration::from_secs(10);
/// Longest a frame may take to leave: a client that does not read is closed after it.
const WRITE_TIMEOUT: Duration = Duration::from_secs(20);
/// A client silent for this long (no frame, no pong) is gone.
const IDLE_TIMEOUT: Duration = Duration::from_secs(90);
/// WebSocket close code 1001 "going away": the server is shutting down.
const CLOSE_GOING_AWAY: u16 = 1001;

/// Close code sent when the credentials behind a connection end or change (sign-out, revoked
/// token, other roles): the client reconnects and subscribes again under its current rights.
const CLOSE_CREDENTIALS_ENDED: u16 = 4001;
/// WebSocket close code 1009 "message too big": a client frame over [`MAX_CLIENT_FRAME`].
const CLOSE_TOO_BIG: u16 = 1009;
/// WebSocket close code 1008 "policy violation": a client that keeps flooding subscribes.
const CLOSE_POLICY: u16 = 1008;

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
    /// Whose credentials these are, as credential changes are announced (`user:{id}`,
    /// `token:{id}`); `None` when no announcement concerns them.
    fn key(&self) -> Option<String>;
}

struct PrincipalAccess {
    principal: Principal,
    headers: HeaderMap,
    state: AppState,
}

impl Access for PrincipalAccess {
    fn key(&self) -> Option<String> {
        match &self.principal.who {
            Who::User(u) => Some(format!("user:{}", u.id)),
            Who::Token(t) => Some(format!("token:{}", t.id)),
            Who::Anonymous => None,
        }
    }

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
    // Only the credentials are kept for the re-checks, and copied: a header value parsed by
    // hyper is a slice of the connection's whole read buffer (8 KiB or more), which a kept
    // clone would hold for as long as the WebSocket lives (heaptrack: most of an idle
    // connection's memory).
    let mut credentials = HeaderMap::new();
    for name in [
        axum::http::header::AUTHORIZATION,
        axum::http::header::COOKIE,
    ] {
        for value in headers.get_all(&name) {
            if let Ok(owned) = axum::http::HeaderValue::from_bytes(value.as_bytes()) {
                credentials.append(name.clone(), owned);
            }
        }
    }
    drop(headers);
    let access = Arc::new(PrincipalAccess {
        principal,
        headers: credentials,
        state: state.clone(),
    });
    let ctx = SessionCtx {
        hub: state.hub.clone(),
        shutdown: state.shutdown.clone(),
        access,
        revalidate_every: Duration::from_millis(state.config.ws_revalidate_ms.max(100)),
        credentials: Some(state.credentials.clone()),
        flush_delay: Duration::from_millis(state.config.ws_flush_ms),
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
    pub shutdown: CancellationToken,
    pub access: Arc<dyn Access>,
    /// A safety net: how often the credentials are re-checked although no change was announced
    /// (`--ws-revalidate-ms`). Sign-outs, revoked tokens and changed roles arrive as events.
    pub revalidate_every: Duration,
    /// Announced credential changes (`user:{id}`, `token:{id}`), from every server process.
    pub credentials: Option<broadcast::Sender<Arc<str>>>,
    /// How long the writer waits after a wake-up before it drains the outbox, so that what
    /// arrives meanwhile leaves in the same frame (`--ws-flush-ms`).
    pub flush_delay: Duration,
}

struct Session<S> {
    sink: S,
    ctx: SessionCtx,
    outbox: Arc<Outbox>,
    /// Followed topics and the position last sent on each (`None` until the answer left).
    follows: HashMap<Arc<str>, Option<(Arc<str>, i64)>>,
    limiter: Limiter,
    /// The items of the flush in progress (a buffer kept between flushes).
    drained: VecDeque<Item>,
}

/// Outcome of handling one event: go on, or end the session.
type Flow = Result<(), ()>;

pub async fn run_session<S, R>(sink: S, mut stream: R, ctx: SessionCtx)
where
    S: Sink<Message> + Unpin,
    R: Stream<Item = Result<Message, axum::Error>> + Unpin,
{
    let shutdown = ctx.shutdown.clone();
    let mut credentials = ctx.credentials.as_ref().map(|tx| tx.subscribe());
    let me = ctx.access.key();
    let outbox = ctx.hub.outbox();
    let mut session = Session {
        sink,
        ctx,
        outbox: outbox.clone(),
        follows: HashMap::new(),
        limiter: Limiter::new(),
        drained: VecDeque::new(),
    };
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.reset();
    let mut last_seen = Instant::now();
    let mut revalidate = tokio::time::interval(session.ctx.revalidate_every);
    revalidate.reset();
    loop {
        let flow: Flow = tokio::select! {
            _ = shutdown.cancelled() => {
                let _ = session.close(CLOSE_GOING_AWAY, "server shutting down").await;
                break;
            }
            msg = stream.next() => {
                last_seen = Instant::now();
                match msg {
                    Some(Ok(Message::Text(text))) => session.on_client_text(text.as_str()).await,
                    Some(Ok(Message::Binary(_))) => session.error(None, "bad_frame", Msg::BadFrame),
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => Ok(()),
                    Some(Err(ref e)) if is_too_big(e) => {
                        // Say why instead of dropping the connection.
                        session.close(CLOSE_TOO_BIG, Msg::FrameTooLarge.en()).await
                    }
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => Err(()),
                }
            }
            _ = outbox.ready() => session.flush().await,
            changed = recv_change(&mut credentials) => {
                let concerns_me = match &changed {
                    // Changes may have been missed (the listening connection was lost): every
                    // connection checks, spread over RECHECK_SPREAD so that thousands do not ask
                    // the database at the same instant.
                    Ok(key) if &**key == super::notify::EVERYONE => {
                        let spread = RECHECK_SPREAD.mul_f64(rand::random::<f64>());
                        revalidate.reset_after(spread);
                        false
                    }
                    Ok(key) => me.as_deref() == Some(&**key),
                    // Changes were missed: check, to be safe.
                    Err(broadcast::error::RecvError::Lagged(_)) => true,
                    Err(broadcast::error::RecvError::Closed) => {
                        credentials = None;
                        false
                    }
                };
                if concerns_me { session.revalidate().await } else { Ok(()) }
            }
            _ = revalidate.tick() => session.revalidate().await,
            _ = ping.tick() => {
                if last_seen.elapsed() > IDLE_TIMEOUT {
                    Err(())
                } else {
                    session.write(Message::Ping(Default::default())).await
                }
            }
        };
        if flow.is_err() {
            break;
        }
    }
    for topic in session.follows.keys() {
        session.ctx.hub.unfollow(topic, &session.outbox);
    }
}

/// The next announced credential change, or never when changes are not announced.
async fn recv_change(
    rx: &mut Option<broadcast::Receiver<Arc<str>>>,
) -> Result<Arc<str>, broadcast::error::RecvError> {
    match rx {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

impl<S: Sink<Message> + Unpin> Session<S> {
    /// Queues a frame of this connection's own (it leaves with the next flush, in order).
    fn own(&self, frame: &ServerFrame) {
        self.outbox.push(Item::Own {
            frame: to_text(frame),
            effect: Effect::None,
        });
    }

    fn error(&self, topic: Option<String>, code: &str, msg: Msg) -> Flow {
        self.own(&ServerFrame::Error {
            topic,
            code: code.to_string(),
            message_vi: msg.vi().to_string(),
            message_en: msg.en().to_string(),
        });
        Ok(())
    }

    /// Writes one message. A client that stops reading fills its socket and then blocks the
    /// write: after [`WRITE_TIMEOUT`] it is gone (the others never wait for it: each connection
    /// has its own writer).
    async fn write(&mut self, msg: Message) -> Flow {
        match tokio::time::timeout(WRITE_TIMEOUT, self.sink.send(msg)).await {
            Ok(sent) => sent.map_err(|_| ()),
            Err(_) => {
                metrics::counter!("ioc_ws_write_timeouts_total").increment(1);
                Err(())
            }
        }
    }

    /// Sends what is queued, then a close frame, and ends the session.
    async fn close(&mut self, code: u16, reason: &str) -> Flow {
        let _ = self.flush().await;
        let close = CloseFrame {
            code,
            reason: reason.into(),
        };
        let _ = self.write(Message::Close(Some(close))).await;
        Err(())
    }

    async fn revalidate(&mut self) -> Flow {
        match self.ctx.access.still_valid().await {
            Validity::Valid | Validity::Unknown => Ok(()),
            Validity::Ended => {
                self.close(CLOSE_CREDENTIALS_ENDED, "credentials ended")
                    .await
            }
        }
    }

    async fn on_client_text(&mut self, text: &str) -> Flow {
        let frame = serde_json::from_str::<ClientFrame>(text);
        // A NUL in a topic would reach PostgreSQL (which refuses it with an error): refused here,
        // like the HTTP side does in `http::input`.
        if let Ok(f) = &frame {
            if let Some(topic) = frame_text_with_nul(f) {
                return self.error(topic, "nul_character", Msg::NulCharacter);
            }
        }
        if matches!(
            frame,
            Ok(ClientFrame::Subscribe { .. } | ClientFrame::Unsubscribe { .. })
        ) && !self.limiter.allow(Instant::now())
        {
            if self.limiter.refused > MAX_REFUSED {
                return self.close(CLOSE_POLICY, Msg::TooManyRequests.en()).await;
            }
            let topic = match frame {
                Ok(ClientFrame::Subscribe { topic, .. } | ClientFrame::Unsubscribe { topic }) => {
                    Some(topic)
                }
                _ => None,
            };
            return self.error(topic, "too_many_requests", Msg::TooManyRequests);
        }
        match frame {
            Ok(ClientFrame::Subscribe { topic, since }) => self.subscribe(topic, since).await,
            Ok(ClientFrame::Unsubscribe { topic }) => {
                if self.follows.remove(topic.as_str()).is_some() {
                    self.ctx.hub.unfollow(&topic, &self.outbox);
                }
                self.own(&ServerFrame::Unsubscribed { topic });
                Ok(())
            }
            Ok(ClientFrame::Ping) => {
                self.own(&ServerFrame::Pong);
                Ok(())
            }
            Err(_) => self.error(None, "bad_frame", Msg::BadFrame),
        }
    }
    async fn subscribe(&mut self, topic: String, since: Option<StreamPosition>) -> Flow {
        // Offsets start at 1 (0: nothing yet); a negative one is a broken client.
        if since.as_ref().is_some_and(|p| p.offset < 0) {
            return self.error(Some(topic), "bad_position", Msg::BadPosition);
        }
        // Rights first: a topic one may not follow is refused the same way whether it exists or not.
        match self.ctx.access.may_subscribe(&topic).await {
            Some(true) => {}
            Some(false) => return self.error(Some(topic), "forbidden", Msg::Forbidden),
            None => return self.error(Some(topic), "internal", Msg::Internal),
        }
        if self.ctx.hub.topics().source(&topic).is_none() {
            return self.error(Some(topic), "unknown_topic", Msg::UnknownTopic);
        }
        if !self.follows.contains_key(topic.as_str()) && self.follows.len() >= MAX_SUBSCRIPTIONS {
            return self.error(
                Some(topic),
                "too_many_subscriptions",
                Msg::TooManySubscriptions,
            );
        }
        // The hub queues the answer (now, or once the topic is read), then the publications.
        let key: Arc<str> = topic.as_str().into();
        self.follows.insert(key, None);
        self.ctx.hub.follow(&topic, &self.outbox, since);
        Ok(())
    }

    /// Sends everything queued for this connection as one frame: its own frames, and the
    /// publications after each topic's position — for a state topic only the latest one,
    /// which is the whole state. A connection that lost publications (its queue overflowed) is
    /// caught up from the hub: the missed publications or the state, topic by topic.
    async fn flush(&mut self) -> Flow {
        if !self.ctx.flush_delay.is_zero() {
            tokio::time::sleep(self.ctx.flush_delay).await;
        }
        let mut items = std::mem::take(&mut self.drained);
        let overflowed = self.outbox.drain_into(&mut items);
        // For state topics: the last publication of each in this flush.
        let mut last_state: HashMap<Arc<str>, usize> = HashMap::new();
        if items.len() > 1 {
            for (i, item) in items.iter().enumerate() {
                if let Item::Released(r) = item {
                    if r.kind == TopicKind::State {
                        last_state.insert(r.topic.clone(), i);
                    }
                }
            }
        }
        let mut frames: Vec<Utf8Bytes> = Vec::new();
        let mut catch_up: Vec<Arc<str>> = Vec::new();
        let mut coalesced = 0u64;
        for (i, item) in items.drain(..).enumerate() {
            match item {
                Item::Own { frame, effect } => {
                    match effect {
                        Effect::None => {}
                        Effect::At {
                            topic,
                            epoch,
                            offset,
                        } => {
                            if let Some(pos) = self.follows.get_mut(&topic) {
                                *pos = Some((epoch, offset));
                            }
                        }
                        Effect::Refused(topic) => {
                            self.follows.remove(&topic);
                        }
                    }
                    frames.push(frame);
                }
                Item::Released(r) => {
                    if r.kind == TopicKind::State
                        && last_state.get(&r.topic).is_some_and(|&last| last != i)
                    {
                        coalesced += 1;
                        continue;
                    }
                    let Some(Some((epoch, offset))) = self.follows.get_mut(&r.topic) else {
                        continue;
                    };
                    if r.offset <= *offset && *r.epoch == **epoch {
                        continue;
                    }
                    let frame = if r.offset == *offset + 1 && *r.epoch == **epoch {
                        r.frame.clone()
                    } else if r.kind == TopicKind::State {
                        r.as_state().clone()
                    } else {
                        // A stream with a hole (cannot happen while the queue holds): catch up.
                        catch_up.push(r.topic.clone());
                        continue;
                    };
                    *epoch = r.epoch.clone();
                    *offset = r.offset;
                    frames.push(frame);
                }
            }
        }
        // Keep the buffer for the next flush, unless a burst made it big.
        if items.capacity() > 64 {
            items = VecDeque::new();
        }
        self.drained = items;
        if coalesced > 0 {
            metrics::counter!("ioc_ws_coalesced_total").increment(coalesced);
        }
        if overflowed {
            catch_up = self.follows.keys().cloned().collect();
        }
        for topic in catch_up {
            let since = self
                .follows
                .get(&topic)
                .cloned()
                .flatten()
                .map(|(epoch, offset)| StreamPosition {
                    epoch: epoch.to_string(),
                    offset,
                });
            metrics::counter!("ioc_ws_resyncs_total").increment(1);
            self.ctx.hub.follow(&topic, &self.outbox, since);
        }
        let text = match frames.len() {
            0 => return Ok(()),
            1 => frames.pop().unwrap_or_default(),
            n => {
                metrics::counter!("ioc_ws_batched_frames_total").increment(1);
                batch(&frames, n)
            }
        };
        metrics::counter!("ioc_ws_frames_total").increment(1);
        metrics::counter!("ioc_ws_messages_total").increment(frames.len().max(1) as u64);
        self.write(Message::Text(text)).await
    }
}

/// `{"type":"batch","frames":[…]}` from frames serialised already (each once, for everyone).
fn batch(frames: &[Utf8Bytes], n: usize) -> Utf8Bytes {
    let len: usize = frames.iter().map(|f| f.len() + 1).sum();
    let mut text = String::with_capacity(len + 32);
    text.push_str(r#"{"type":"batch","frames":["#);
    for (i, f) in frames.iter().take(n).enumerate() {
        if i > 0 {
            text.push(',');
        }
        text.push_str(f.as_str());
    }
    text.push_str("]}");
    text.into()
}

/// Subscribes and unsubscribes a connection may send: a burst of [`Limiter::BURST`], then
/// [`Limiter::PER_SECOND`] a second. A wall sends a few dozen when it opens; a flood is refused
/// frame by frame, and a client that keeps flooding is closed.
struct Limiter {
    tokens: f64,
    at: Instant,
    refused: u32,
}

/// Refused subscribes/unsubscribes after which the connection is closed (1008).
const MAX_REFUSED: u32 = 1000;

impl Limiter {
    const BURST: f64 = 600.0;
    const PER_SECOND: f64 = 100.0;

    fn new() -> Self {
        Limiter {
            tokens: Self::BURST,
            at: Instant::now(),
            refused: 0,
        }
    }

    fn allow(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.at = now;
        self.tokens = (self.tokens + elapsed * Self::PER_SECOND).min(Self::BURST);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            self.refused += 1;
            false
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
