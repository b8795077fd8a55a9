//! The WebSocket session logic and the hub driven through plain channels (`Sink`/`Stream`), as
//! axum's testing-websockets example does: no socket, no database. An in-memory topic source
//! plays the domain (and counts its reads), a scripted `Access` the auth checks, so every branch
//! of the protocol — state first, recovery from the hub's history, resync, release in offset
//! order, gap filling, coalescing, slow followers, duplicates, rights, credential events,
//! floods, shutdown — is exercised exactly. The integration tests (`tests/integration/live.rs`) cover the same gateway with a
//! real tokio-tungstenite client over TCP.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::ws::Message;
use futures::channel::mpsc;
use futures::future::BoxFuture;
use futures::StreamExt;
use ioc_protocol::{ClientFrame, LivePoint, Payload, Publication, ServerFrame, StreamPosition};
use tokio_util::sync::CancellationToken;

use super::{run_session, Access, SessionCtx, Validity};
use crate::live::{Hub, Snapshot, TopicKind, TopicSource, Topics};

const TOPIC: &str = "indicator/iip/40";
const EPOCH: &str = "e1";

fn point(offset: i64) -> Publication {
    Publication {
        topic: TOPIC.into(),
        epoch: EPOCH.into(),
        offset,
        data: Payload::Point(LivePoint {
            ts: chrono::DateTime::UNIX_EPOCH + chrono::Duration::days(offset),
            value: offset as f64,
            demo: false,
            estimate: false,
        }),
    }
}

/// A topic's stored log, as a domain would keep it in PostgreSQL; counts the hub's reads.
struct MemorySource {
    kind: TopicKind,
    log: Mutex<Vec<Publication>>,
    snapshots: AtomicUsize,
    sinces: AtomicUsize,
    /// How long a history read takes (none unless a test says).
    since_ms: AtomicU64,
}

impl MemorySource {
    fn with(offsets: std::ops::RangeInclusive<i64>) -> Arc<Self> {
        Self::of_kind(TopicKind::Stream, offsets)
    }

    fn of_kind(kind: TopicKind, offsets: std::ops::RangeInclusive<i64>) -> Arc<Self> {
        Arc::new(MemorySource {
            kind,
            log: Mutex::new(offsets.map(point).collect()),
            snapshots: AtomicUsize::new(0),
            sinces: AtomicUsize::new(0),
            since_ms: AtomicU64::new(0),
        })
    }

    fn reads(&self) -> (usize, usize) {
        (
            self.snapshots.load(Ordering::SeqCst),
            self.sinces.load(Ordering::SeqCst),
        )
    }

    fn append(&self, p: Publication) {
        self.log.lock().unwrap().push(p);
    }
}

impl TopicSource for MemorySource {
    fn kind(&self) -> TopicKind {
        self.kind
    }

    fn snapshot<'a>(
        &'a self,
        topic: &'a str,
    ) -> BoxFuture<'a, Result<Option<Snapshot>, sqlx::Error>> {
        self.snapshots.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move {
            // As a database would: the answer takes a moment (followers pile up meanwhile).
            tokio::time::sleep(Duration::from_millis(5)).await;
            if topic != TOPIC {
                return Ok(None);
            }
            let log = self.log.lock().unwrap();
            Ok(Some(Snapshot {
                epoch: EPOCH.into(),
                offset: log.last().map_or(0, |p| p.offset),
                state: log.last().map(|p| p.data.clone()),
            }))
        })
    }

    fn since<'a>(
        &'a self,
        _topic: &'a str,
        after: i64,
        limit: i64,
    ) -> BoxFuture<'a, Result<Vec<Publication>, sqlx::Error>> {
        self.sinces.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move {
            let wait = self.since_ms.load(Ordering::SeqCst);
            if wait > 0 {
                tokio::time::sleep(Duration::from_millis(wait)).await;
            }
            let log = self.log.lock().unwrap();
            Ok(log
                .iter()
                .filter(|p| p.offset > after && p.offset <= after + limit)
                .cloned()
                .collect())
        })
    }
}

/// Rights per topic and the answer of the next credential checks.
struct ScriptedAccess {
    allowed: HashMap<&'static str, Option<bool>>,
    validity: Mutex<Validity>,
}

impl ScriptedAccess {
    fn allowing(topic: &'static str) -> Arc<Self> {
        Arc::new(ScriptedAccess {
            allowed: HashMap::from([(topic, Some(true))]),
            validity: Mutex::new(Validity::Valid),
        })
    }

    fn set_validity(&self, v: Validity) {
        *self.validity.lock().unwrap() = v;
    }
}

impl Access for ScriptedAccess {
    fn key(&self) -> Option<String> {
        Some("user:1".into())
    }

    fn may_subscribe<'a>(&'a self, topic: &'a str) -> BoxFuture<'a, Option<bool>> {
        Box::pin(async move { self.allowed.get(topic).copied().unwrap_or(Some(false)) })
    }

    fn still_valid(&self) -> BoxFuture<'_, Validity> {
        let v = *self.validity.lock().unwrap();
        Box::pin(async move { v })
    }
}

/// One session on channels: what the client sends, what it receives.
struct Client {
    tx: mpsc::UnboundedSender<Result<Message, axum::Error>>,
    rx: mpsc::UnboundedReceiver<Message>,
    hub: Arc<Hub>,
    shutdown: CancellationToken,
    credentials: tokio::sync::broadcast::Sender<Arc<str>>,
    session: tokio::task::JoinHandle<()>,
    /// Frames of a batch not looked at yet.
    unpacked: VecDeque<ServerFrame>,
}

fn hub_of(source: Arc<MemorySource>) -> Arc<Hub> {
    Arc::new(Hub::new(Topics::default().register("indicator/", source)))
}

fn start(source: Arc<MemorySource>, access: Arc<ScriptedAccess>, revalidate: Duration) -> Client {
    join(hub_of(source), access, revalidate, Duration::ZERO)
}

/// Another session on `hub`, its writer gathering for `flush`.
fn join(
    hub: Arc<Hub>,
    access: Arc<ScriptedAccess>,
    revalidate: Duration,
    flush: Duration,
) -> Client {
    let (tx, server_in) = mpsc::unbounded();
    let (server_out, rx) = mpsc::unbounded();
    let (credentials, _) = tokio::sync::broadcast::channel(16);
    let shutdown = CancellationToken::new();
    let ctx = SessionCtx {
        hub: hub.clone(),
        shutdown: shutdown.clone(),
        access,
        revalidate_every: revalidate,
        credentials: Some(credentials.clone()),
        flush_delay: flush,
    };
    let session = tokio::spawn(run_session(server_out, server_in, ctx));
    Client {
        tx,
        rx,
        hub,
        shutdown,
        credentials,
        session,
        unpacked: VecDeque::new(),
    }
}

impl Client {
    fn send(&self, frame: &ClientFrame) {
        let text = serde_json::to_string(frame).unwrap();
        self.tx
            .unbounded_send(Ok(Message::Text(text.into())))
            .unwrap();
    }

    fn subscribe(&self, since: Option<(&str, i64)>) {
        self.send(&ClientFrame::Subscribe {
            topic: TOPIC.into(),
            since: since.map(|(epoch, offset)| StreamPosition {
                epoch: epoch.into(),
                offset,
            }),
        });
    }

    /// The next message, within a second.
    async fn next(&mut self) -> Message {
        tokio::time::timeout(Duration::from_secs(1), self.rx.next())
            .await
            .expect("a message within a second")
            .expect("the session is still sending")
    }

    /// The next frame, a batch taken apart.
    async fn frame(&mut self) -> ServerFrame {
        loop {
            if let Some(f) = self.unpacked.pop_front() {
                return f;
            }
            match self.text().await {
                ServerFrame::Batch { frames } => self.unpacked.extend(frames),
                f => return f,
            }
        }
    }

    /// The next text frame as sent (a batch stays one).
    async fn text(&mut self) -> ServerFrame {
        loop {
            match self.next().await {
                Message::Text(t) => return serde_json::from_str(t.as_str()).unwrap(),
                Message::Ping(_) => continue,
                other => panic!("expected a text frame, got {other:?}"),
            }
        }
    }

    async fn close_code(&mut self) -> u16 {
        loop {
            match self.next().await {
                Message::Close(Some(c)) => return c.code,
                Message::Ping(_) => continue,
                other => panic!("expected a close frame, got {other:?}"),
            }
        }
    }

    /// Offsets of the next `n` publication frames, then nothing more for a while (no
    /// duplicate, no stray frame).
    async fn offsets(&mut self, n: usize) -> Vec<i64> {
        let mut seen = Vec::new();
        while seen.len() < n {
            match self.frame().await {
                ServerFrame::Publication(p) => seen.push(p.offset),
                other => panic!("unexpected {other:?}"),
            }
        }
        assert!(self.unpacked.is_empty(), "nothing after {seen:?}");
        let more = tokio::time::timeout(Duration::from_millis(200), self.rx.next()).await;
        assert!(more.is_err(), "nothing after {seen:?}, got {more:?}");
        seen
    }
}

fn subscribed(frame: ServerFrame) -> (i64, Option<Payload>, bool, Vec<i64>) {
    match frame {
        ServerFrame::Subscribed {
            topic,
            epoch,
            offset,
            state,
            recovered,
            missed,
        } => {
            assert_eq!((topic.as_str(), epoch.as_str()), (TOPIC, EPOCH));
            (
                offset,
                state,
                recovered,
                missed.iter().map(|p| p.offset).collect(),
            )
        }
        other => panic!("expected subscribed, got {other:?}"),
    }
}

const MINUTE: Duration = Duration::from_secs(60);

/// A follower of [`TOPIC`] (stored offsets 1..=1, every right) that has had its state.
async fn following(source: Arc<MemorySource>) -> Client {
    let mut c = start(source, ScriptedAccess::allowing(TOPIC), MINUTE);
    c.subscribe(None);
    subscribed(c.frame().await);
    c
}

#[tokio::test]
async fn state_first_then_publications_in_order_without_duplicates() {
    let source = MemorySource::with(1..=3);
    let mut c = start(source.clone(), ScriptedAccess::allowing(TOPIC), MINUTE);
    c.subscribe(None);
    let (offset, state, recovered, missed) = subscribed(c.frame().await);
    assert_eq!(offset, 3);
    assert_eq!(state, Some(point(3).data));
    assert!(!recovered, "no position given: the state is the truth");
    assert!(missed.is_empty());

    // A publication already covered by the state (a writer that published late) is dropped…
    c.hub.publish(point(3));
    // …the next one is delivered.
    source.append(point(4));
    c.hub.publish(point(4));
    assert_eq!(c.offsets(1).await, vec![4]);
}

#[tokio::test]
async fn a_known_position_recovers_what_was_missed() {
    let mut c = start(
        MemorySource::with(1..=5),
        ScriptedAccess::allowing(TOPIC),
        MINUTE,
    );
    c.subscribe(Some((EPOCH, 2)));
    let (offset, _, recovered, missed) = subscribed(c.frame().await);
    assert_eq!((offset, recovered), (5, true));
    assert_eq!(missed, vec![3, 4, 5]);

    // Already up to date: recovered with nothing to replay.
    c.subscribe(Some((EPOCH, 5)));
    let (_, _, recovered, missed) = subscribed(c.frame().await);
    assert!(recovered && missed.is_empty());
}

#[tokio::test]
async fn another_epoch_or_a_future_position_gets_the_state_instead() {
    let mut c = start(
        MemorySource::with(1..=5),
        ScriptedAccess::allowing(TOPIC),
        MINUTE,
    );
    c.subscribe(Some(("an-older-epoch", 2)));
    let (offset, state, recovered, missed) = subscribed(c.frame().await);
    assert_eq!((offset, recovered), (5, false));
    assert!(state.is_some() && missed.is_empty());
    c.subscribe(Some((EPOCH, 9)));
    let (_, _, recovered, _) = subscribed(c.frame().await);
    assert!(!recovered, "a position beyond the stream cannot be trusted");
}

#[tokio::test]
async fn a_gap_between_publications_is_filled_from_storage_in_order() {
    let source = MemorySource::with(1..=1);
    let mut c = following(source.clone()).await;
    // Two writers committed 2 and 3; 3 is published first.
    source.append(point(2));
    source.append(point(3));
    c.hub.publish(point(3));
    c.hub.publish(point(2));
    assert_eq!(c.offsets(2).await, vec![2, 3]);
}

#[tokio::test]
async fn a_gap_storage_cannot_fill_becomes_a_resync() {
    let source = MemorySource::with(1..=1);
    let mut c = following(source.clone()).await;
    // Offset 3 arrives but storage has no 2, however often it is asked: the hub gives up on 2
    // and the follower gets the state past the hole as the truth.
    source.append(point(3));
    c.hub.publish(point(3));
    let frame = tokio::time::timeout(Duration::from_secs(5), c.frame()).await;
    let (offset, _, recovered, _) = subscribed(frame.expect("a resync within 5 s"));
    assert_eq!((offset, recovered), (3, false));
    assert!(source.reads().1 >= 3, "storage was asked for the gap first");
}

#[tokio::test]
async fn out_of_order_publications_are_released_in_order_without_reading_storage() {
    let source = MemorySource::with(1..=1);
    let mut c = following(source.clone()).await;
    for o in [4, 2, 3] {
        source.append(point(o));
    }
    // Three writers publish 4, 2, 3 (commits and publishes interleave).
    c.hub.publish(point(4));
    c.hub.publish(point(2));
    c.hub.publish(point(3));
    assert_eq!(c.offsets(3).await, vec![2, 3, 4]);
    assert_eq!(source.reads(), (1, 0), "one state read, no gap read");
}

#[tokio::test]
async fn announced_offsets_of_another_process_are_read_once_for_every_follower() {
    let source = MemorySource::with(1..=1);
    let hub = hub_of(source.clone());
    let access = ScriptedAccess::allowing(TOPIC);
    let mut clients = Vec::new();
    for _ in 0..20 {
        let mut c = join(hub.clone(), access.clone(), MINUTE, Duration::ZERO);
        c.subscribe(None);
        subscribed(c.frame().await);
        clients.push(c);
    }
    // Another process committed 2 and 3: only their offsets arrive here.
    source.append(point(2));
    source.append(point(3));
    hub.announced(TOPIC, 3);
    for c in &mut clients {
        assert_eq!(c.offsets(2).await, vec![2, 3]);
    }
    assert_eq!(
        source.reads(),
        (1, 1),
        "one state read, one gap read, for 20 followers"
    );
}

#[tokio::test]
async fn a_storm_of_subscribes_reads_the_topic_once() {
    let source = MemorySource::with(1..=300);
    let hub = hub_of(source.clone());
    let access = ScriptedAccess::allowing(TOPIC);
    let mut clients: Vec<Client> = (0..200)
        .map(|_| join(hub.clone(), access.clone(), MINUTE, Duration::ZERO))
        .collect();
    for (i, c) in clients.iter().enumerate() {
        // Some come back from a known position, some from none.
        c.subscribe((i % 2 == 0).then_some((EPOCH, 300)));
    }
    for c in &mut clients {
        let (offset, _, _, _) = subscribed(c.frame().await);
        assert_eq!(offset, 300);
    }
    assert_eq!(source.reads(), (1, 0));
    // Publications kept by the hub answer a reconnect from within its history, from memory.
    for o in 301..=310 {
        source.append(point(o));
        hub.publish(point(o));
    }
    let mut late = join(hub.clone(), access, MINUTE, Duration::ZERO);
    late.subscribe(Some((EPOCH, 302)));
    let (offset, _, recovered, missed) = subscribed(late.frame().await);
    assert_eq!((offset, recovered), (310, true));
    assert_eq!(missed, (303..=310).collect::<Vec<_>>());
    assert_eq!(source.reads(), (1, 0), "still one read");
}

#[tokio::test]
async fn after_a_restart_reconnecting_followers_recover_from_one_storage_read() {
    // A fresh hub (the server restarted): its history is empty, the followers come back from
    // positions before the head.
    let source = MemorySource::with(1..=100);
    let hub = hub_of(source.clone());
    let access = ScriptedAccess::allowing(TOPIC);
    let mut clients: Vec<(i64, Client)> = (0..50)
        .map(|i| {
            let c = join(hub.clone(), access.clone(), MINUTE, Duration::ZERO);
            (60 + i % 40, c)
        })
        .collect();
    for (from, c) in &clients {
        c.subscribe(Some((EPOCH, *from)));
    }
    for (from, c) in &mut clients {
        let (offset, _, recovered, missed) = subscribed(c.frame().await);
        assert_eq!((offset, recovered), (100, true));
        assert_eq!(missed, (*from + 1..=100).collect::<Vec<_>>());
    }
    let (snapshots, sinces) = source.reads();
    assert_eq!(snapshots, 1);
    assert!(sinces <= 2, "{sinces} history reads for 50 followers");
}

#[tokio::test]
async fn a_follower_older_than_the_history_read_under_way_waits_for_its_own() {
    // A fresh hub (the server restarted); a first follower back from 90 makes it read the
    // history after 90. While that read runs, a second one comes back from 60: the read does
    // not reach its position, so it waits for the next read rather than getting the state.
    let source = MemorySource::with(1..=100);
    source.since_ms.store(300, Ordering::SeqCst);
    let hub = hub_of(source.clone());
    let access = ScriptedAccess::allowing(TOPIC);
    let mut first = join(hub.clone(), access.clone(), MINUTE, Duration::ZERO);
    first.subscribe(Some((EPOCH, 90)));
    // The state is read (5 ms), the history read is under way (300 ms).
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(source.reads(), (1, 1));
    let mut second = join(hub, access, MINUTE, Duration::ZERO);
    second.subscribe(Some((EPOCH, 60)));
    let (offset, _, recovered, missed) = subscribed(first.frame().await);
    assert_eq!((offset, recovered), (100, true));
    assert_eq!(missed, (91..=100).collect::<Vec<_>>());
    let (offset, _, recovered, missed) = subscribed(second.frame().await);
    assert_eq!((offset, recovered), (100, true), "recovered, not resynced");
    assert_eq!(missed, (61..=100).collect::<Vec<_>>());
    assert_eq!(source.reads(), (1, 2));
}

#[tokio::test]
async fn a_state_topic_sends_only_its_latest_state_to_a_follower_behind() {
    let source = MemorySource::of_kind(TopicKind::State, 1..=1);
    let hub = hub_of(source.clone());
    let access = ScriptedAccess::allowing(TOPIC);
    // The writer gathers for 100 ms: five new states arrive meanwhile.
    let mut c = join(hub.clone(), access, MINUTE, Duration::from_millis(100));
    c.subscribe(None);
    subscribed(c.frame().await);
    for o in 2..=6 {
        source.append(point(o));
        hub.publish(point(o));
    }
    // One frame: the latest state, as the truth (the follower skipped 2..5).
    let (offset, state, recovered, _) = subscribed(c.text().await);
    assert_eq!((offset, recovered), (6, false));
    assert_eq!(state, Some(point(6).data));
    let more = tokio::time::timeout(Duration::from_millis(300), c.rx.next()).await;
    assert!(more.is_err(), "nothing else: {more:?}");
}

#[tokio::test]
async fn a_stream_follower_gets_its_publications_coalesced_into_one_frame() {
    let source = MemorySource::with(1..=1);
    let hub = hub_of(source.clone());
    let mut c = join(
        hub.clone(),
        ScriptedAccess::allowing(TOPIC),
        MINUTE,
        Duration::from_millis(100),
    );
    c.subscribe(None);
    subscribed(c.frame().await);
    for o in 2..=6 {
        source.append(point(o));
        hub.publish(point(o));
    }
    match c.text().await {
        ServerFrame::Batch { frames } => {
            let offsets: Vec<i64> = frames
                .iter()
                .map(|f| match f {
                    ServerFrame::Publication(p) => p.offset,
                    other => panic!("{other:?}"),
                })
                .collect();
            assert_eq!(offsets, vec![2, 3, 4, 5, 6]);
        }
        other => panic!("expected one batch, got {other:?}"),
    }
}

#[tokio::test]
async fn a_slow_follower_is_resynchronised_and_never_holds_the_others() {
    let source = MemorySource::with(1..=1);
    let hub = hub_of(source.clone());
    let access = ScriptedAccess::allowing(TOPIC);
    // The slow one's socket takes nothing until the test reads it (a channel of one).
    let (slow_tx, slow_in) = mpsc::unbounded();
    let (slow_out, mut slow_rx) = mpsc::channel::<Message>(0);
    let ctx = SessionCtx {
        hub: hub.clone(),
        shutdown: CancellationToken::new(),
        access: access.clone(),
        revalidate_every: MINUTE,
        credentials: None,
        flush_delay: Duration::ZERO,
    };
    tokio::spawn(run_session(slow_out, slow_in, ctx));
    let sub = ClientFrame::Subscribe {
        topic: TOPIC.into(),
        since: None,
    };
    slow_tx
        .unbounded_send(Ok(Message::Text(
            serde_json::to_string(&sub).unwrap().into(),
        )))
        .unwrap();
    let mut fast = join(hub.clone(), access, MINUTE, Duration::ZERO);
    fast.subscribe(None);
    subscribed(fast.frame().await);
    let total = super::super::outbox::MAX_QUEUED as i64 * 3;
    for o in 2..=total + 1 {
        source.append(point(o));
        hub.publish(point(o));
        if o % 64 == 0 {
            tokio::task::yield_now().await;
        }
    }
    // The fast follower has every publication, in order.
    let mut seen = Vec::new();
    while seen.len() < total as usize {
        match fast.frame().await {
            ServerFrame::Publication(p) => seen.push(p.offset),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(seen, (2..=total + 1).collect::<Vec<_>>());
    // The slow one, read at last: its first answer, what its socket held, then a resync to
    // the head (it lost publications), and nothing out of order.
    let mut last = 0;
    let mut resynced = false;
    while last < total + 1 {
        let Some(Message::Text(t)) = slow_rx.next().await else {
            panic!("the slow session ended");
        };
        let frames = match serde_json::from_str(t.as_str()).unwrap() {
            ServerFrame::Batch { frames } => frames,
            f => vec![f],
        };
        for f in frames {
            match f {
                ServerFrame::Subscribed {
                    offset, recovered, ..
                } => {
                    resynced |= last > 0 && !recovered;
                    last = offset;
                }
                ServerFrame::Publication(p) => {
                    assert_eq!(p.offset, last + 1, "in order");
                    last = p.offset;
                }
                other => panic!("{other:?}"),
            }
        }
    }
    assert!(resynced, "the slow follower got the state as the truth");
}

#[tokio::test]
async fn refused_and_unknown_topics_get_error_frames_and_follow_nothing() {
    let access = Arc::new(ScriptedAccess {
        allowed: HashMap::from([
            (TOPIC, Some(true)),
            ("indicator/iip/01", Some(false)),
            ("indicator/cpi/40", Some(true)),
            ("indicator/exports/40", None),
        ]),
        validity: Mutex::new(Validity::Valid),
    });
    let mut c = start(MemorySource::with(1..=1), access, MINUTE);
    for (topic, code) in [
        ("indicator/iip/01", "forbidden"),
        // Allowed but the source does not know it.
        ("indicator/cpi/40", "unknown_topic"),
        // The rights could not be read (database down): an internal error, not a refusal.
        ("indicator/exports/40", "internal"),
    ] {
        c.send(&ClientFrame::Subscribe {
            topic: topic.into(),
            since: None,
        });
        match c.frame().await {
            ServerFrame::Error {
                topic: t, code: k, ..
            } => {
                assert_eq!((t.as_deref(), k.as_str()), (Some(topic), code))
            }
            other => panic!("expected an error for {topic}, got {other:?}"),
        }
    }
    assert_eq!(c.hub.topic_count(), 0, "no channel kept for refused topics");
    c.subscribe(Some((EPOCH, -1)));
    assert!(matches!(c.frame().await, ServerFrame::Error { code, .. } if code == "bad_position"));
    c.tx.unbounded_send(Ok(Message::Text("{\"type\":\"dance\"}".into())))
        .unwrap();
    assert!(matches!(c.frame().await, ServerFrame::Error { code, .. } if code == "bad_frame"));
}

#[tokio::test]
async fn unsubscribing_and_leaving_release_the_hub_channel() {
    let mut c = following(MemorySource::with(1..=1)).await;
    assert_eq!(c.hub.topic_count(), 1);
    c.send(&ClientFrame::Unsubscribe {
        topic: TOPIC.into(),
    });
    assert!(matches!(c.frame().await, ServerFrame::Unsubscribed { .. }));
    assert_eq!(c.hub.topic_count(), 0);
    c.subscribe(None);
    subscribed(c.frame().await);
    // The client goes away: the session ends and forgets the topic.
    drop(c.tx);
    c.session.await.unwrap();
    assert_eq!(c.hub.topic_count(), 0);
}

#[tokio::test]
async fn ended_credentials_close_with_4001_but_a_database_outage_does_not() {
    let access = ScriptedAccess::allowing(TOPIC);
    let mut c = start(
        MemorySource::with(1..=1),
        access.clone(),
        Duration::from_millis(20),
    );
    access.set_validity(Validity::Unknown);
    // Several checks pass while the answer is unknown: the connection stays and answers.
    tokio::time::sleep(Duration::from_millis(100)).await;
    c.send(&ClientFrame::Ping);
    assert_eq!(c.frame().await, ServerFrame::Pong);
    access.set_validity(Validity::Ended);
    assert_eq!(c.close_code().await, 4001);
    c.session.await.unwrap();
}

#[tokio::test]
async fn an_announced_credential_change_closes_only_the_connections_concerned() {
    let access = ScriptedAccess::allowing(TOPIC);
    let mut c = start(MemorySource::with(1..=1), access.clone(), MINUTE);
    c.send(&ClientFrame::Ping);
    assert_eq!(c.frame().await, ServerFrame::Pong);
    access.set_validity(Validity::Ended);
    // Somebody else's change: not even checked.
    c.credentials.send("user:2".into()).unwrap();
    c.send(&ClientFrame::Ping);
    assert_eq!(c.frame().await, ServerFrame::Pong);
    // Ours: checked at once (the periodic check is a minute away).
    c.credentials.send("user:1".into()).unwrap();
    assert_eq!(c.close_code().await, 4001);
    c.session.await.unwrap();
}

#[tokio::test]
async fn floods_of_subscribes_are_refused_then_closed() {
    let mut c = following(MemorySource::with(1..=1)).await;
    // Within the burst: answered. Beyond: refused frame by frame.
    let mut refused = 0;
    for _ in 0..700 {
        c.send(&ClientFrame::Unsubscribe {
            topic: "indicator/none/40".into(),
        });
    }
    for _ in 0..700 {
        match c.frame().await {
            ServerFrame::Unsubscribed { .. } => {}
            ServerFrame::Error { code, .. } if code == "too_many_requests" => refused += 1,
            other => panic!("{other:?}"),
        }
    }
    assert!(refused >= 50, "refused {refused}");
    // A client that keeps flooding is closed with a reason.
    for _ in 0..1200 {
        c.send(&ClientFrame::Unsubscribe {
            topic: "indicator/none/40".into(),
        });
    }
    let code = loop {
        match c.next().await {
            Message::Close(Some(cf)) => break cf.code,
            _ => continue,
        }
    };
    assert_eq!(code, 1008);
    c.session.await.unwrap();
}

#[tokio::test]
async fn shutdown_says_going_away() {
    let mut c = following(MemorySource::with(1..=1)).await;
    c.shutdown.cancel();
    assert_eq!(c.close_code().await, 1001);
    c.session.await.unwrap();
    assert_eq!(c.hub.topic_count(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_client_that_stops_reading_is_closed_after_the_write_timeout() {
    let source = MemorySource::with(1..=1);
    let hub = hub_of(source.clone());
    // A socket that takes one message and then nothing: the client never reads again.
    let (client_tx, server_in) = mpsc::unbounded();
    let (server_out, _never_read) = mpsc::channel::<Message>(0);
    let ctx = SessionCtx {
        hub: hub.clone(),
        shutdown: CancellationToken::new(),
        access: ScriptedAccess::allowing(TOPIC),
        revalidate_every: MINUTE,
        credentials: None,
        flush_delay: Duration::ZERO,
    };
    let session = tokio::spawn(run_session(server_out, server_in, ctx));
    let sub = ClientFrame::Subscribe {
        topic: TOPIC.into(),
        since: None,
    };
    client_tx
        .unbounded_send(Ok(Message::Text(
            serde_json::to_string(&sub).unwrap().into(),
        )))
        .unwrap();
    for o in 2..=5 {
        tokio::time::sleep(Duration::from_millis(10)).await;
        source.append(point(o));
        hub.publish(point(o));
    }
    // The clock runs on while the session waits on its write: it gives up and ends.
    tokio::time::timeout(super::WRITE_TIMEOUT * 2, session)
        .await
        .expect("the session ended")
        .unwrap();
    assert_eq!(hub.topic_count(), 0, "and left its topic");
}

#[tokio::test(start_paused = true)]
async fn lost_announcements_make_every_connection_recheck_within_the_spread() {
    let access = ScriptedAccess::allowing(TOPIC);
    let mut c = start(
        MemorySource::with(1..=1),
        access.clone(),
        Duration::from_secs(3600),
    );
    // The session is up (and listens for announcements).
    c.send(&ClientFrame::Ping);
    assert_eq!(c.frame().await, ServerFrame::Pong);
    access.set_validity(Validity::Ended);
    c.credentials
        .send(crate::live::notify::EVERYONE.into())
        .unwrap();
    // Within the spread (at a random moment in it: thousands of connections do not ask together).
    let code = tokio::time::timeout(super::RECHECK_SPREAD + Duration::from_secs(1), async {
        loop {
            match c.rx.next().await {
                Some(Message::Close(Some(cf))) => break cf.code,
                Some(_) => continue,
                None => panic!("closed without a close frame"),
            }
        }
    })
    .await
    .expect("re-checked within the spread");
    assert_eq!(code, 4001);
}
