//! The WebSocket session logic driven through plain channels (`Sink`/`Stream`), as axum's
//! testing-websockets example does: no socket, no database. An in-memory topic source plays the
//! domain, a scripted `Access` the auth checks, so every branch of the protocol — state first,
//! recovery, resync, gap filling, duplicates, rights, revalidation, shutdown — is exercised
//! exactly. The integration tests (`tests/integration/live.rs`) cover the same gateway with a
//! real tokio-tungstenite client over TCP.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::ws::Message;
use futures::channel::mpsc;
use futures::future::BoxFuture;
use futures::StreamExt;
use ioc_protocol::{ClientFrame, LivePoint, Payload, Publication, ServerFrame, StreamPosition};
use tokio_util::sync::CancellationToken;

use super::{run_session, Access, SessionCtx, Validity};
use crate::live::{Hub, Snapshot, TopicSource, Topics};

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

/// A topic's stored log, as a domain would keep it in PostgreSQL.
#[derive(Default)]
struct MemorySource {
    log: Mutex<Vec<Publication>>,
}

impl MemorySource {
    fn with(offsets: std::ops::RangeInclusive<i64>) -> Arc<Self> {
        Arc::new(MemorySource {
            log: Mutex::new(offsets.map(point).collect()),
        })
    }

    fn append(&self, p: Publication) {
        self.log.lock().unwrap().push(p);
    }
}

impl TopicSource for MemorySource {
    fn snapshot<'a>(
        &'a self,
        topic: &'a str,
    ) -> BoxFuture<'a, Result<Option<Snapshot>, sqlx::Error>> {
        Box::pin(async move {
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
        Box::pin(async move {
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
    session: tokio::task::JoinHandle<()>,
}

fn start(source: Arc<MemorySource>, access: Arc<ScriptedAccess>, revalidate: Duration) -> Client {
    let hub = Arc::new(Hub::new());
    let shutdown = CancellationToken::new();
    let ctx = SessionCtx {
        hub: hub.clone(),
        topics: Topics::default().register("indicator/", source),
        shutdown: shutdown.clone(),
        access,
        revalidate_every: revalidate,
    };
    let (tx, server_in) = mpsc::unbounded();
    let (server_out, rx) = mpsc::unbounded();
    let session = tokio::spawn(run_session(server_out, server_in, ctx));
    Client {
        tx,
        rx,
        hub,
        shutdown,
        session,
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

    async fn frame(&mut self) -> ServerFrame {
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
    // Offset 3 arrives but storage has no 2: the follower gets the state as the truth.
    c.hub.publish(point(3));
    let (offset, _, recovered, _) = subscribed(c.frame().await);
    assert_eq!((offset, recovered), (1, false));
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
async fn shutdown_says_going_away() {
    let mut c = following(MemorySource::with(1..=1)).await;
    c.shutdown.cancel();
    assert_eq!(c.close_code().await, 1001);
    c.session.await.unwrap();
    assert_eq!(c.hub.topic_count(), 0);
}
