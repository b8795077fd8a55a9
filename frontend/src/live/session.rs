//! The live protocol's client logic, without a socket: which topics are followed and from which
//! stream position, what to send when a connection opens, what a server frame means for the
//! page (a state to take as the truth, a publication to apply, a duplicate to drop, a gap to
//! recover), when to ping, when a silent connection is dead and how long to wait before the next
//! attempt. The browser driver (`super::browser`) only moves text between this and a WebSocket,
//! so every decision is unit-tested natively (`cargo test -p ioc-frontend`).
//!
//! Every server frame goes through [`Session::on_text`]; a `batch` (several frames the server
//! coalesced into one) is taken apart there, frame by frame, in order.

use std::collections::BTreeMap;

use ioc_protocol::{ClientFrame, Payload, Publication, ServerFrame, StreamPosition};

use super::ConnStatus;

/// Ping when the server has been silent this long (a healthy server answers with a pong).
pub const PING_AFTER_MS: f64 = 15_000.0;
/// A connection silent this long (two unanswered pings and then some) is dead.
pub const DEAD_AFTER_MS: f64 = 40_000.0;
/// The first retry waits about this long; each failed attempt doubles it.
pub const FIRST_RETRY_MS: f64 = 500.0;
/// No retry waits longer: an unattended wall must come back soon after a server restart.
pub const MAX_RETRY_MS: f64 = 15_000.0;

/// The state of a topic as the server has it: what a subscriber takes as the truth, on its first
/// subscription and whenever the stream could not be recovered (resync).
#[derive(Clone, Debug, PartialEq)]
pub struct TopicState {
    pub topic: String,
    pub epoch: String,
    pub offset: i64,
    /// Absent while the stream is empty.
    pub state: Option<Payload>,
}

/// What a server frame asks of the page or of the socket.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// Hand the topic's state to its subscribers.
    State(TopicState),
    /// Hand a new publication (in order, never twice) to the topic's subscribers.
    Publication(Publication),
    /// Send this frame (a re-subscription to recover a gap or a new epoch).
    Send(ClientFrame),
    /// The server refused a topic (rights, unknown topic); the page keeps what it shows.
    Refused {
        topic: String,
        code: String,
        message_vi: String,
        message_en: String,
    },
}

/// What the clock asks of an open connection.
#[derive(Clone, Debug, PartialEq)]
pub enum Tick {
    Ping,
    /// Nothing heard for too long: close the socket and reconnect.
    Dead,
}

/// One followed topic.
#[derive(Debug)]
struct Followed {
    /// How many subscriptions of the page want it.
    subscribers: usize,
    /// The last position delivered to the subscribers (`None` before the first state).
    position: Option<StreamPosition>,
    /// A subscribe is on its way: publications are dropped until its answer, which recovers
    /// them from `position`.
    awaiting: bool,
}

/// Exponential backoff with jitter: the n-th consecutive failed attempt waits between half and
/// all of `min(FIRST_RETRY_MS · 2ⁿ, MAX_RETRY_MS)`, so a room full of walls does not reconnect in
/// lock-step after a restart, and no wait exceeds [`MAX_RETRY_MS`].
pub struct Backoff {
    failures: u32,
    random: Box<dyn FnMut() -> f64>,
}

impl Backoff {
    /// `random` yields numbers in `[0, 1)` (the browser's `Math.random`; a seeded sequence in
    /// tests).
    pub fn new(random: impl FnMut() -> f64 + 'static) -> Self {
        Backoff {
            failures: 0,
            random: Box::new(random),
        }
    }

    /// The wait before the next attempt, in milliseconds; counts one more failure.
    pub fn next_delay(&mut self) -> f64 {
        let ceiling = (FIRST_RETRY_MS * 2f64.powi(self.failures.min(16) as i32)).min(MAX_RETRY_MS);
        self.failures = self.failures.saturating_add(1);
        let r = (self.random)().clamp(0.0, 1.0);
        ceiling / 2.0 + r * ceiling / 2.0
    }

    /// A connection went live: the next failure starts from the shortest wait again.
    pub fn reset(&mut self) {
        self.failures = 0;
    }
}

/// The client side of one page's live connection (see the module comment).
pub struct Session {
    topics: BTreeMap<String, Followed>,
    /// A socket is open (frames may be sent).
    open: bool,
    status: ConnStatus,
    last_heard_ms: f64,
    last_ping_ms: f64,
    backoff: Backoff,
}

impl Session {
    pub fn new(random: impl FnMut() -> f64 + 'static) -> Self {
        Session {
            topics: BTreeMap::new(),
            open: false,
            status: ConnStatus::Connecting,
            last_heard_ms: 0.0,
            last_ping_ms: 0.0,
            backoff: Backoff::new(random),
        }
    }

    pub fn status(&self) -> ConnStatus {
        self.status
    }

    /// Whether anybody follows a topic (the socket closes when nobody does).
    pub fn wants_connection(&self) -> bool {
        !self.topics.is_empty()
    }

    /// The position last delivered on `topic`, if any.
    pub fn position(&self, topic: &str) -> Option<&StreamPosition> {
        self.topics.get(topic).and_then(|f| f.position.as_ref())
    }

    /// One more subscription to `topic`. `since` is the position the page already shows (the
    /// server-rendered wall), so that a reconnect recovers from there. Returns the frame to send
    /// if a socket is open.
    ///
    /// A second subscriber of a followed topic needs the state too: the topic is subscribed
    /// again without a position, and every subscriber gets the state (harmless: it is the truth).
    pub fn subscribe(&mut self, topic: &str, since: Option<StreamPosition>) -> Option<ClientFrame> {
        let followed = self.topics.entry(topic.to_string()).or_insert(Followed {
            subscribers: 0,
            position: since.filter(|p| !p.epoch.is_empty()),
            awaiting: false,
        });
        followed.subscribers += 1;
        if followed.subscribers > 1 {
            followed.position = None;
        }
        if !self.open {
            return None;
        }
        followed.awaiting = true;
        Some(ClientFrame::Subscribe {
            topic: topic.to_string(),
            since: followed.position.clone(),
        })
    }

    /// One subscription to `topic` fewer. Returns the frame to send if it was the last one and
    /// a socket is open.
    pub fn unsubscribe(&mut self, topic: &str) -> Option<ClientFrame> {
        let followed = self.topics.get_mut(topic)?;
        followed.subscribers = followed.subscribers.saturating_sub(1);
        if followed.subscribers > 0 {
            return None;
        }
        self.topics.remove(topic);
        self.open.then(|| ClientFrame::Unsubscribe {
            topic: topic.to_string(),
        })
    }

    /// The driver starts opening a socket.
    pub fn connecting(&mut self) {
        self.status = ConnStatus::Connecting;
    }

    /// A socket opened: subscribe to every followed topic, each from its last position (the
    /// server then sends only what was missed, or the state when it cannot).
    pub fn opened(&mut self, now_ms: f64) -> Vec<ClientFrame> {
        self.open = true;
        self.last_heard_ms = now_ms;
        self.last_ping_ms = now_ms;
        self.topics
            .iter_mut()
            .map(|(topic, f)| {
                f.awaiting = true;
                ClientFrame::Subscribe {
                    topic: topic.clone(),
                    since: f.position.clone(),
                }
            })
            .collect()
    }

    /// The socket closed (or failed to open). Returns the wait before the next attempt, `None`
    /// when nobody follows anything (then the driver stays closed until the next subscription).
    pub fn closed(&mut self) -> Option<f64> {
        self.open = false;
        // Closed because nobody follows anything is not an outage.
        self.status = if self.wants_connection() {
            ConnStatus::Offline
        } else {
            ConnStatus::Connecting
        };
        for f in self.topics.values_mut() {
            f.awaiting = false;
        }
        self.wants_connection().then(|| self.backoff.next_delay())
    }

    /// The clock, every few seconds while a socket is open.
    pub fn tick(&mut self, now_ms: f64) -> Option<Tick> {
        if !self.open {
            return None;
        }
        let silent = now_ms - self.last_heard_ms;
        if silent >= DEAD_AFTER_MS {
            return Some(Tick::Dead);
        }
        if silent >= PING_AFTER_MS && now_ms - self.last_ping_ms >= PING_AFTER_MS {
            self.last_ping_ms = now_ms;
            return Some(Tick::Ping);
        }
        None
    }

    /// A text frame from the server. Unreadable frames are dropped (a newer server may send
    /// frames this page does not know).
    pub fn on_text(&mut self, text: &str, now_ms: f64) -> Vec<Step> {
        self.last_heard_ms = now_ms;
        match serde_json::from_str::<ServerFrame>(text) {
            Ok(frame) => self.on_frame(frame),
            Err(_) => Vec::new(),
        }
    }

    fn on_frame(&mut self, frame: ServerFrame) -> Vec<Step> {
        match frame {
            ServerFrame::Subscribed {
                topic,
                epoch,
                offset,
                state,
                recovered,
                missed,
            } => {
                if self.status != ConnStatus::Live {
                    self.status = ConnStatus::Live;
                    self.backoff.reset();
                }
                let Some(f) = self.topics.get_mut(&topic) else {
                    // The answer to a subscription the page has dropped since.
                    return Vec::new();
                };
                f.awaiting = false;
                if !recovered {
                    f.position = Some(StreamPosition {
                        epoch: epoch.clone(),
                        offset,
                    });
                    return vec![Step::State(TopicState {
                        topic,
                        epoch,
                        offset,
                        state,
                    })];
                }
                let steps: Vec<Step> = missed
                    .into_iter()
                    .filter_map(|p| accept(f, p))
                    .map(Step::Publication)
                    .collect();
                // Recovered up to the server's head even when nothing was missed.
                if f.position
                    .as_ref()
                    .is_none_or(|p| p.epoch != epoch || p.offset < offset)
                {
                    f.position = Some(StreamPosition { epoch, offset });
                }
                steps
            }
            ServerFrame::Publication(p) => {
                let Some(f) = self.topics.get_mut(&p.topic) else {
                    return Vec::new();
                };
                if f.awaiting {
                    return Vec::new();
                }
                let Some(pos) = &f.position else {
                    return Vec::new();
                };
                if p.epoch != pos.epoch {
                    // The stream was reset: positions of the old epoch mean nothing any more.
                    f.awaiting = true;
                    f.position = None;
                    return vec![Step::Send(ClientFrame::Subscribe {
                        topic: p.topic,
                        since: None,
                    })];
                }
                if p.offset > pos.offset + 1 {
                    // A publication is missing: ask for everything after the last one seen.
                    f.awaiting = true;
                    return vec![Step::Send(ClientFrame::Subscribe {
                        topic: p.topic,
                        since: Some(pos.clone()),
                    })];
                }
                accept(f, p).map(Step::Publication).into_iter().collect()
            }
            ServerFrame::Error {
                topic: Some(topic),
                code,
                message_vi,
                message_en,
            } => {
                if let Some(f) = self.topics.get_mut(&topic) {
                    f.awaiting = false;
                }
                vec![Step::Refused {
                    topic,
                    code,
                    message_vi,
                    message_en,
                }]
            }
            ServerFrame::Batch { frames } => {
                frames.into_iter().flat_map(|f| self.on_frame(f)).collect()
            }
            ServerFrame::Error { topic: None, .. }
            | ServerFrame::Unsubscribed { .. }
            | ServerFrame::Pong => Vec::new(),
        }
    }
}

/// Takes `p` if it is newer than the topic's position (duplicates are dropped).
fn accept(f: &mut Followed, p: Publication) -> Option<Publication> {
    let newer = match &f.position {
        Some(pos) => p.epoch != pos.epoch || p.offset > pos.offset,
        None => true,
    };
    if !newer {
        return None;
    }
    f.position = Some(StreamPosition {
        epoch: p.epoch.clone(),
        offset: p.offset,
    });
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use ioc_protocol::LivePoint;

    fn pos(epoch: &str, offset: i64) -> StreamPosition {
        StreamPosition {
            epoch: epoch.into(),
            offset,
        }
    }

    fn point(value: f64) -> Payload {
        Payload::Point(LivePoint {
            ts: Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap(),
            value,
            demo: false,
            estimate: false,
        })
    }

    fn publication(topic: &str, epoch: &str, offset: i64) -> Publication {
        Publication {
            topic: topic.into(),
            epoch: epoch.into(),
            offset,
            data: point(offset as f64),
        }
    }

    fn text(frame: &ServerFrame) -> String {
        serde_json::to_string(frame).unwrap()
    }

    fn subscribed(topic: &str, epoch: &str, offset: i64, missed: Vec<Publication>) -> String {
        text(&ServerFrame::Subscribed {
            topic: topic.into(),
            epoch: epoch.into(),
            offset,
            state: Some(point(offset as f64)),
            recovered: true,
            missed,
        })
    }

    fn resync(topic: &str, epoch: &str, offset: i64) -> String {
        text(&ServerFrame::Subscribed {
            topic: topic.into(),
            epoch: epoch.into(),
            offset,
            state: Some(point(offset as f64)),
            recovered: false,
            missed: Vec::new(),
        })
    }

    fn published(topic: &str, epoch: &str, offset: i64) -> String {
        text(&ServerFrame::Publication(publication(topic, epoch, offset)))
    }

    fn offsets(steps: &[Step]) -> Vec<i64> {
        steps
            .iter()
            .filter_map(|s| match s {
                Step::Publication(p) => Some(p.offset),
                _ => None,
            })
            .collect()
    }

    /// A deterministic `[0, 1)` sequence (a linear congruential generator).
    fn seeded(mut state: u64) -> impl FnMut() -> f64 {
        move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    fn open_session() -> Session {
        let mut s = Session::new(seeded(1));
        s.subscribe("t", None);
        s.connecting();
        s.opened(0.0);
        s
    }

    #[test]
    fn opening_subscribes_every_topic_from_its_position() {
        let mut s = Session::new(seeded(1));
        assert_eq!(s.subscribe("a", Some(pos("e", 4))), None, "no socket yet");
        assert_eq!(s.subscribe("b", None), None);
        // A never-seen stream (empty epoch, as an empty board renders) asks for the state.
        assert_eq!(s.subscribe("c", Some(pos("", 0))), None);
        let frames = s.opened(0.0);
        assert_eq!(
            frames,
            vec![
                ClientFrame::Subscribe {
                    topic: "a".into(),
                    since: Some(pos("e", 4))
                },
                ClientFrame::Subscribe {
                    topic: "b".into(),
                    since: None
                },
                ClientFrame::Subscribe {
                    topic: "c".into(),
                    since: None
                },
            ]
        );
        assert_eq!(s.status(), ConnStatus::Connecting);
    }

    #[test]
    fn the_first_answer_is_the_state_then_publications_in_order() {
        let mut s = open_session();
        let steps = s.on_text(&resync("t", "e", 3), 1.0);
        assert_eq!(
            steps,
            vec![Step::State(TopicState {
                topic: "t".into(),
                epoch: "e".into(),
                offset: 3,
                state: Some(point(3.0)),
            })]
        );
        assert_eq!(s.status(), ConnStatus::Live);
        assert_eq!(offsets(&s.on_text(&published("t", "e", 4), 2.0)), vec![4]);
        assert_eq!(s.position("t"), Some(&pos("e", 4)));
    }

    #[test]
    fn a_batch_is_taken_apart_in_order() {
        let mut s = open_session();
        s.subscribe("u", None);
        // The server's text, as it joins frames it serialised once each.
        let batch = format!(
            r#"{{"type":"batch","frames":[{},{},{},{}]}}"#,
            resync("t", "e", 3),
            published("t", "e", 4),
            resync("u", "e", 9),
            published("t", "e", 5)
        );
        let steps = s.on_text(&batch, 1.0);
        let kinds: Vec<String> = steps
            .iter()
            .map(|st| match st {
                Step::State(t) => format!("state {} {}", t.topic, t.offset),
                Step::Publication(p) => format!("pub {} {}", p.topic, p.offset),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(kinds, ["state t 3", "pub t 4", "state u 9", "pub t 5"]);
        assert_eq!(s.position("t"), Some(&pos("e", 5)));
    }

    #[test]
    fn duplicates_and_unknown_topics_are_dropped() {
        let mut s = open_session();
        s.on_text(&resync("t", "e", 3), 1.0);
        assert!(s.on_text(&published("t", "e", 3), 2.0).is_empty());
        assert!(s.on_text(&published("t", "e", 2), 2.0).is_empty());
        assert!(s.on_text(&published("other", "e", 4), 2.0).is_empty());
        assert_eq!(s.position("t"), Some(&pos("e", 3)));
    }

    #[test]
    fn publications_before_the_answer_are_left_to_the_recovery() {
        let mut s = Session::new(seeded(1));
        s.subscribe("t", Some(pos("e", 3)));
        s.opened(0.0);
        assert!(s.on_text(&published("t", "e", 4), 1.0).is_empty());
        // The answer recovers 4 and 5; 4 seen again later is a duplicate.
        let steps = s.on_text(
            &subscribed(
                "t",
                "e",
                5,
                vec![publication("t", "e", 4), publication("t", "e", 5)],
            ),
            2.0,
        );
        assert_eq!(offsets(&steps), vec![4, 5]);
        assert!(s.on_text(&published("t", "e", 4), 3.0).is_empty());
        assert_eq!(offsets(&s.on_text(&published("t", "e", 6), 3.0)), vec![6]);
    }

    #[test]
    fn a_reconnect_resumes_from_the_last_position() {
        let mut s = open_session();
        s.on_text(&resync("t", "e", 3), 1.0);
        s.on_text(&published("t", "e", 4), 2.0);
        assert!(s.closed().is_some());
        assert_eq!(s.status(), ConnStatus::Offline);
        s.connecting();
        assert_eq!(
            s.opened(10.0),
            vec![ClientFrame::Subscribe {
                topic: "t".into(),
                since: Some(pos("e", 4))
            }]
        );
        // Nothing missed: recovered, no steps, position unchanged.
        let steps = s.on_text(
            &text(&ServerFrame::Subscribed {
                topic: "t".into(),
                epoch: "e".into(),
                offset: 4,
                state: Some(point(4.0)),
                recovered: true,
                missed: vec![],
            }),
            11.0,
        );
        assert!(steps.is_empty());
        assert_eq!(s.position("t"), Some(&pos("e", 4)));
        assert_eq!(s.status(), ConnStatus::Live);
    }

    #[test]
    fn a_failed_recovery_is_a_resync_to_the_servers_state() {
        let mut s = open_session();
        s.on_text(&resync("t", "e", 3), 1.0);
        s.closed();
        s.opened(5.0);
        let steps = s.on_text(&resync("t", "e", 900), 6.0);
        assert!(matches!(&steps[..], [Step::State(t)] if t.offset == 900));
        assert_eq!(s.position("t"), Some(&pos("e", 900)));
    }

    #[test]
    fn a_gap_asks_for_what_is_missing_and_a_new_epoch_for_the_state() {
        let mut s = open_session();
        s.on_text(&resync("t", "e", 3), 1.0);
        assert_eq!(
            s.on_text(&published("t", "e", 6), 2.0),
            vec![Step::Send(ClientFrame::Subscribe {
                topic: "t".into(),
                since: Some(pos("e", 3))
            })]
        );
        // Until the answer, publications wait for the recovery.
        assert!(s.on_text(&published("t", "e", 7), 2.0).is_empty());
        let steps = s.on_text(
            &subscribed(
                "t",
                "e",
                5,
                vec![publication("t", "e", 4), publication("t", "e", 5)],
            ),
            3.0,
        );
        assert_eq!(offsets(&steps), vec![4, 5]);

        assert_eq!(
            s.on_text(&published("t", "f", 1), 4.0),
            vec![Step::Send(ClientFrame::Subscribe {
                topic: "t".into(),
                since: None
            })]
        );
        let steps = s.on_text(&resync("t", "f", 1), 5.0);
        assert!(matches!(&steps[..], [Step::State(t)] if t.epoch == "f"));
    }

    #[test]
    fn the_last_unsubscribe_leaves_the_topic_and_the_connection() {
        let mut s = open_session();
        assert_eq!(
            s.subscribe("t", None),
            Some(ClientFrame::Subscribe {
                topic: "t".into(),
                since: None
            }),
            "a second subscriber needs the state too"
        );
        assert_eq!(s.unsubscribe("t"), None, "one subscriber is left");
        assert!(s.wants_connection());
        assert_eq!(
            s.unsubscribe("t"),
            Some(ClientFrame::Unsubscribe { topic: "t".into() })
        );
        assert!(!s.wants_connection());
        assert_eq!(s.unsubscribe("t"), None, "twice is harmless");
        // A late answer for the dropped topic delivers nothing.
        assert!(s.on_text(&resync("t", "e", 3), 1.0).is_empty());
        assert_eq!(s.closed(), None, "nobody follows anything: no retry");
    }

    #[test]
    fn refusals_reach_the_page_and_junk_is_ignored() {
        let mut s = open_session();
        let refused = text(&ServerFrame::Error {
            topic: Some("t".into()),
            code: "forbidden".into(),
            message_vi: "Không có quyền".into(),
            message_en: "Forbidden".into(),
        });
        assert!(
            matches!(&s.on_text(&refused, 1.0)[..], [Step::Refused { code, .. }] if code == "forbidden")
        );
        assert!(s.on_text("not json", 1.0).is_empty());
        assert!(s.on_text(r#"{"type":"pong"}"#, 1.0).is_empty());
    }

    #[test]
    fn silence_means_ping_then_dead() {
        let mut s = open_session();
        assert_eq!(s.tick(5_000.0), None);
        assert_eq!(s.tick(15_000.0), Some(Tick::Ping));
        assert_eq!(s.tick(20_000.0), None, "one ping per silent period");
        assert_eq!(s.tick(30_000.0), Some(Tick::Ping));
        s.on_text(r#"{"type":"pong"}"#, 31_000.0);
        assert_eq!(s.tick(40_000.0), None, "the pong was heard");
        assert_eq!(s.tick(71_000.0), Some(Tick::Dead));
        s.closed();
        assert_eq!(s.tick(200_000.0), None, "no socket, no clock");
    }

    #[test]
    fn backoff_grows_with_jitter_within_bounds_and_resets_when_live() {
        let mut s = open_session();
        let delays: Vec<f64> = (0..12)
            .map(|_| {
                s.opened(0.0);
                s.closed().unwrap()
            })
            .collect();
        for (n, d) in delays.iter().enumerate() {
            let ceiling = (FIRST_RETRY_MS * 2f64.powi(n as i32)).min(MAX_RETRY_MS);
            assert!(*d >= ceiling / 2.0 && *d <= ceiling, "attempt {n}: {d}");
        }
        assert!(delays[6] > delays[0] * 4.0, "it grows: {delays:?}");
        assert!(delays.iter().all(|d| *d <= MAX_RETRY_MS));
        // Jitter: two seeds spread the same attempt apart.
        let mut a = Backoff::new(seeded(1));
        let mut b = Backoff::new(seeded(2));
        let (da, db): (Vec<f64>, Vec<f64>) =
            (0..5).map(|_| (a.next_delay(), b.next_delay())).unzip();
        assert_ne!(da, db);
        // Live again: the next wait is short.
        s.opened(0.0);
        s.on_text(&resync("t", "e", 1), 1.0);
        assert!(s.closed().unwrap() <= FIRST_RETRY_MS);
    }
}
