//! The hub: per followed topic, its state and recent history kept in memory, its followers, and
//! the release of publications in offset order.
//!
//! - **One read per topic.** A topic is read from its source once, when its first follower
//!   arrives (single flight: the followers that come while the read runs wait for the same
//!   answer). From then on the hub keeps the state current itself ([`TopicSource::fold`]) and,
//!   for streams, the last [`RECENT`] publications; a subscribe — even ten thousand at once after
//!   a deploy — is answered from memory, with the missed publications when they are in that
//!   history and the state otherwise.
//! - **Offset order.** Writers publish after their commit, and two writers of one topic can
//!   publish in the other order than they committed. The hub holds a publication whose
//!   predecessor has not arrived, waits [`GAP_WAIT`] for it, then reads the gap from the source
//!   (once, for all followers) and releases everything in order. Publications committed by
//!   another server process arrive as offsets only (`live::notify`) and are read the same way.
//! - **No waiting on followers.** A release pushes into each follower's outbox and returns; the
//!   connection's writer coalesces what is queued (see `ws`), and a follower too far behind is
//!   caught up from the state instead of holding anyone back.
//!
//! Lock order: the topic map, then a topic, then an outbox. Nothing awaits while holding one.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;

use axum::extract::ws::Utf8Bytes;
use ioc_protocol::i18n::Msg;
use ioc_protocol::{Payload, Publication, ServerFrame, StreamPosition};

use super::outbox::{to_text, Effect, Item, Outbox, Released};
use super::{Snapshot, TopicKind, TopicSource, Topics};

/// Publications of a stream kept for followers that reconnect; one further behind gets the state.
pub const RECENT: usize = 256;
/// How long a publication waits for its predecessor from a writer of this process before the
/// gap is read from storage.
pub const GAP_WAIT: Duration = Duration::from_millis(25);
/// Most publications read in one go to fill a gap.
const MAX_FILL: i64 = 1000;
/// Publications held back for a gap; beyond, the topic is re-read and followers get the state.
const MAX_PENDING: usize = 4096;
/// Reads in a row that do not find a gap's publications before the hub gives up on them: the
/// source is the truth, and followers get the state past the hole.
const MAX_STUCK: u32 = 3;
/// Waits between attempts while the source cannot be read (the database is down).
const RETRY_FIRST: Duration = Duration::from_millis(200);
const RETRY_MAX: Duration = Duration::from_secs(5);

/// See the module comment.
pub struct Hub {
    topics: Topics,
    cells: Arc<CellMap>,
    next_conn: AtomicU64,
}

type CellMap = Mutex<HashMap<Arc<str>, Arc<Cell>>>;

struct Cell {
    /// The map the cell is in, to leave it when its last follower went away while it was read.
    map: Weak<CellMap>,
    name: Arc<str>,
    source: Arc<dyn TopicSource>,
    kind: TopicKind,
    inner: Mutex<Inner>,
}

struct Follower {
    outbox: Arc<Outbox>,
    /// Subscribed while the topic was being read: its answer is due, from this position.
    waiting: Option<Option<StreamPosition>>,
}

#[derive(Default)]
struct Inner {
    /// The source has been read once.
    loaded: bool,
    epoch: Arc<str>,
    /// The last offset released to followers.
    head: i64,
    state: Option<Payload>,
    /// Streams: the last publications up to `head`, oldest first.
    recent: VecDeque<Arc<Released>>,
    /// Publications beyond `head + 1`, held until the gap before them is filled.
    pending: BTreeMap<i64, Publication>,
    /// The highest offset known to be committed (announced by another process).
    known: i64,
    /// The head must be read again (the announcements were lost, the epoch changed).
    reload: bool,
    /// A task is reading the source for this topic (single flight).
    syncing: bool,
    /// Reads in a row that did not find what was announced or held back for.
    stuck: u32,
    /// The next read of the head gives every follower the state, however far it is.
    jump: bool,
    followers: HashMap<u64, Follower>,
    /// The answer to a subscribe without a position, at `.0` (shared by a storm of them).
    state_answer: Option<(i64, Utf8Bytes)>,
}

/// What the topic's task must read next (`None` from `next_job`: nothing).
enum Job {
    Load,
    Reload,
    /// Publications after `.0` up to `.1`; `.2`: wait first for a writer of this process.
    Fill(i64, i64, bool),
    /// Older publications after `.0` up to `.1`, for followers that reconnect from a position
    /// before the history (the first ones after a restart).
    Backfill(i64, i64),
}

impl Hub {
    pub fn new(topics: Topics) -> Self {
        Hub {
            topics,
            cells: Arc::default(),
            next_conn: AtomicU64::new(1),
        }
    }

    pub fn topics(&self) -> &Topics {
        &self.topics
    }

    /// A new connection's outbox.
    pub fn outbox(&self) -> Arc<Outbox> {
        Arc::new(Outbox::new(self.next_conn.fetch_add(1, Ordering::Relaxed)))
    }

    fn cells(&self) -> MutexGuard<'_, HashMap<Arc<str>, Arc<Cell>>> {
        lock_map(&self.cells)
    }

    fn cell(&self, topic: &str) -> Option<Arc<Cell>> {
        self.cells().get(topic).cloned()
    }

    /// Makes `outbox` follow `topic` and queues its answer (`subscribed`, from `since` when the
    /// missed publications are known): now, or once the topic's first read is done. Following a
    /// topic again replaces the earlier position (this is also how a connection that lost
    /// publications is caught up). Returns false when no source serves the topic.
    pub fn follow(&self, topic: &str, outbox: &Arc<Outbox>, since: Option<StreamPosition>) -> bool {
        // The map stays locked until the follower is in: a cell its last follower just left is
        // either still in the map with this follower or already gone (and made anew here).
        let mut cells = self.cells();
        let cell = match cells.get(topic) {
            Some(c) => c.clone(),
            None => {
                let Some(source) = self.topics.source(topic).cloned() else {
                    return false;
                };
                let name: Arc<str> = topic.into();
                let cell = Arc::new(Cell {
                    map: Arc::downgrade(&self.cells),
                    name: name.clone(),
                    kind: source.kind(),
                    source,
                    inner: Mutex::default(),
                });
                cells.insert(name, cell.clone());
                metrics::gauge!("ioc_live_topics").set(cells.len() as f64);
                cell
            }
        };
        let mut inner = cell.lock();
        let now = if inner.loaded {
            inner.reply(&cell, &since, false)
        } else {
            None
        };
        let waiting = match now {
            Some((frame, effect)) => {
                outbox.push(Item::Own { frame, effect });
                None
            }
            None => Some(since),
        };
        let wait = waiting.is_some();
        inner.followers.insert(
            outbox.id,
            Follower {
                outbox: outbox.clone(),
                waiting,
            },
        );
        if wait {
            Cell::ensure_sync(&cell, &mut inner);
        }
        true
    }

    /// Stops `outbox` following `topic`; a topic nobody follows is forgotten.
    pub fn unfollow(&self, topic: &str, outbox: &Outbox) {
        let mut cells = self.cells();
        let Some(cell) = cells.get(topic).cloned() else {
            return;
        };
        let mut inner = cell.lock();
        inner.followers.remove(&outbox.id);
        if inner.followers.is_empty() {
            cells.remove(topic);
            metrics::gauge!("ioc_live_topics").set(cells.len() as f64);
        }
    }

    /// A publication committed by this process. Released to the followers in offset order.
    pub fn publish(&self, p: Publication) {
        metrics::counter!("ioc_live_publications_total").increment(1);
        let Some(cell) = self.cell(&p.topic) else {
            return;
        };
        let mut inner = cell.lock();
        if !inner.loaded {
            // The first read is running: it decides where the stream starts.
            inner.pending.insert(p.offset, p);
            return;
        }
        if p.offset <= inner.head {
            return;
        }
        if *p.epoch != *inner.epoch {
            inner.reload = true;
        } else {
            inner.pending.insert(p.offset, p);
            cell.release_ready(&mut inner);
        }
        if inner.reload || !inner.pending.is_empty() {
            Cell::ensure_sync(&cell, &mut inner);
        }
    }

    /// Another process committed `offset` on `topic` (a notification): read up to it.
    pub fn announced(&self, topic: &str, offset: i64) {
        let Some(cell) = self.cell(topic) else {
            return;
        };
        let mut inner = cell.lock();
        if offset > inner.head && offset > inner.known {
            inner.known = offset;
            Cell::ensure_sync(&cell, &mut inner);
        }
    }

    /// Announcements may have been lost (the listening connection was cut): every followed
    /// topic reads its head again and releases what it missed.
    pub fn reload_all(&self) {
        let cells: Vec<Arc<Cell>> = self.cells().values().cloned().collect();
        for cell in cells {
            let mut inner = cell.lock();
            inner.reload = true;
            Cell::ensure_sync(&cell, &mut inner);
        }
    }

    /// Number of topics with followers (for metrics and tests).
    pub fn topic_count(&self) -> usize {
        self.cells().len()
    }
}

fn lock_map(map: &CellMap) -> MutexGuard<'_, HashMap<Arc<str>, Arc<Cell>>> {
    map.lock().unwrap_or_else(|e| e.into_inner())
}

impl Cell {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Leaves the map if nobody follows (the topic was refused, or its followers left while it
    /// was read), so that names that were never valid do not accumulate.
    fn forget(self: &Arc<Self>) {
        let Some(map) = self.map.upgrade() else {
            return;
        };
        let mut cells = lock_map(&map);
        let here = cells
            .get(&self.name)
            .is_some_and(|c| Arc::ptr_eq(c, self) && c.lock().followers.is_empty());
        if here {
            cells.remove(&self.name);
            metrics::gauge!("ioc_live_topics").set(cells.len() as f64);
        }
    }

    /// Starts the topic's reading task unless it runs already.
    fn ensure_sync(cell: &Arc<Cell>, inner: &mut Inner) {
        if !inner.syncing {
            inner.syncing = true;
            tokio::spawn(Cell::sync(cell.clone()));
        }
    }

    /// The topic's one reading task: loads it, fills gaps, re-reads it, until nothing is due.
    async fn sync(cell: Arc<Cell>) {
        let mut retry = RETRY_FIRST;
        let mut waited = false;
        loop {
            let job = {
                let mut inner = cell.lock();
                match inner.next_job(cell.kind, waited) {
                    Some(job) if !inner.followers.is_empty() => job,
                    _ => {
                        inner.syncing = false;
                        let unfollowed = inner.followers.is_empty();
                        drop(inner);
                        if unfollowed {
                            cell.forget();
                        }
                        return;
                    }
                }
            };
            let ok = match job {
                Job::Load | Job::Reload => {
                    // A state topic's gap is read as a reload: wait again before the next one.
                    waited = false;
                    match cell.source.snapshot(&cell.name).await {
                        Ok(s) => {
                            cell.on_snapshot(s);
                            true
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, topic = %cell.name, "topic state not read");
                            cell.on_unreadable();
                            false
                        }
                    }
                }
                Job::Fill(_, _, true) => {
                    tokio::time::sleep(GAP_WAIT).await;
                    waited = true;
                    continue;
                }
                Job::Fill(after, upto, _) => {
                    waited = false;
                    cell.fill(after, upto).await
                }
                Job::Backfill(after, upto) => {
                    cell.backfill(after, upto).await;
                    true
                }
            };
            if ok {
                retry = RETRY_FIRST;
            } else {
                tokio::time::sleep(retry).await;
                retry = (retry * 2).min(RETRY_MAX);
            }
        }
    }

    /// Reads the publications in `(after, upto]` and releases them. False when the source
    /// could not be read or did not have them.
    async fn fill(&self, after: i64, upto: i64) -> bool {
        metrics::counter!("ioc_live_fills_total").increment(1);
        match self
            .source
            .since(&self.name, after, (upto - after).min(MAX_FILL))
            .await
        {
            Ok(found) => {
                let mut inner = self.lock();
                let before = inner.head;
                for p in found {
                    if p.offset > inner.head && *p.epoch == *inner.epoch {
                        inner.pending.insert(p.offset, p);
                    }
                }
                self.release_ready(&mut inner);
                if inner.head != before {
                    inner.stuck = 0;
                    return true;
                }
                // Storage does not have what was announced or held back for.
                inner.stuck += 1;
                if inner.stuck < MAX_STUCK {
                    return false;
                }
                inner.stuck = 0;
                metrics::counter!("ioc_live_gaps_skipped_total").increment(1);
                let first_held = inner.pending.keys().next().copied();
                tracing::warn!(topic = %self.name, after = inner.head, ?first_held,
                    "publications missing from storage: followers get the state past them");
                match first_held {
                    // Release what is held; followers find the hole and are caught up.
                    Some(first) => {
                        inner.head = first - 1;
                        inner.known = inner.known.min(inner.head);
                        inner.recent.clear();
                        self.release_ready(&mut inner);
                    }
                    None => {
                        inner.reload = true;
                        inner.jump = true;
                    }
                }
                true
            }
            Err(e) => {
                tracing::warn!(error = %e, topic = %self.name, "gap not read");
                false
            }
        }
    }

    /// Reads the publications in `(after, upto]` into the front of the history, then answers
    /// the followers waiting for them: from the history when it now covers their position,
    /// with the state otherwise (final: no follower waits twice for the same read). A follower
    /// further back than `after` (it came while the read ran) waits for the next read.
    async fn backfill(&self, after: i64, upto: i64) {
        metrics::counter!("ioc_live_backfills_total").increment(1);
        let found = self.source.since(&self.name, after, upto - after).await;
        let mut inner = self.lock();
        match found {
            Ok(found) => {
                let front = inner.recent.front().map_or(inner.head + 1, |r| r.offset);
                let contiguous = found.len() as i64 == front - 1 - after
                    && found
                        .iter()
                        .enumerate()
                        .all(|(i, p)| p.offset == after + 1 + i as i64 && *p.epoch == *inner.epoch);
                if contiguous {
                    for p in found.into_iter().rev() {
                        let r = Released::new(self.kind, self.name.clone(), inner.epoch.clone(), p);
                        inner.recent.push_front(Arc::new(r));
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, topic = %self.name, "history not read"),
        }
        // A follower that came while the read ran may be further back than it read: it waits
        // for the next read, from its own position, rather than getting the state.
        inner.answer_waiting(self, |since| {
            since.as_ref().is_none_or(|p| p.offset >= after)
        });
    }

    /// Takes a freshly read state: the first read answers the waiting followers; a later one
    /// moves the head forward (through the missed publications of a stream when it can, or by
    /// giving every follower the state).
    fn on_snapshot(&self, snapshot: Option<Snapshot>) {
        let mut inner = self.lock();
        inner.reload = false;
        let Some(s) = snapshot else {
            // The topic does not exist (any more: a deleted screen).
            for (_, f) in inner.followers.drain() {
                f.outbox
                    .push(self.refusal("unknown_topic", Msg::UnknownTopic));
            }
            return;
        };
        let epoch: Arc<str> = s.epoch.as_str().into();
        if !inner.loaded {
            inner.loaded = true;
            inner.epoch = epoch;
            inner.head = s.offset;
            inner.state = s.state;
            inner.known = inner.known.max(s.offset);
            let head = inner.head;
            inner.pending.retain(|&o, p| o > head && p.epoch == s.epoch);
            self.release_ready(&mut inner);
            // An answer that needs older publications waits for the next read.
            inner.answer_waiting(self, |_| false);
            return;
        }
        let jump = std::mem::take(&mut inner.jump);
        if *epoch == *inner.epoch && s.offset <= inner.head {
            inner.known = inner.head;
            return;
        }
        if !jump
            && self.kind == TopicKind::Stream
            && *epoch == *inner.epoch
            && s.offset - inner.head <= MAX_FILL
        {
            // Missed publications of a stream: read them rather than skip them.
            inner.known = inner.known.max(s.offset);
            return;
        }
        // Too far, another epoch, or a state topic: the state is the truth.
        inner.epoch = epoch;
        inner.head = s.offset;
        inner.known = s.offset;
        inner.state = s.state;
        inner.recent.clear();
        inner.state_answer = None;
        let head = inner.head;
        let epoch = inner.epoch.clone();
        inner.pending.retain(|&o, p| o > head && *p.epoch == *epoch);
        let frame = inner.state_frame(self);
        let effect_for = |_: &Follower| Effect::At {
            topic: self.name.clone(),
            epoch: epoch.clone(),
            offset: head,
        };
        let mut resyncs = 0u64;
        for f in inner.followers.values().filter(|f| f.waiting.is_none()) {
            f.outbox.push(Item::Own {
                frame: frame.clone(),
                effect: effect_for(f),
            });
            resyncs += 1;
        }
        metrics::counter!("ioc_ws_resyncs_total").increment(resyncs);
        self.release_ready(&mut inner);
    }

    /// The source failed on the first read: the waiting followers are told, the others wait
    /// for the next attempt.
    fn on_unreadable(&self) {
        let mut inner = self.lock();
        if inner.loaded {
            return;
        }
        let waiting: Vec<u64> = inner
            .followers
            .iter()
            .filter(|(_, f)| f.waiting.is_some())
            .map(|(id, _)| *id)
            .collect();
        for id in waiting {
            if let Some(f) = inner.followers.remove(&id) {
                f.outbox.push(self.refusal("internal", Msg::Internal));
            }
        }
    }

    fn refusal(&self, code: &str, msg: Msg) -> Item {
        Item::Own {
            frame: to_text(&ServerFrame::Error {
                topic: Some(self.name.to_string()),
                code: code.to_string(),
                message_vi: msg.vi().to_string(),
                message_en: msg.en().to_string(),
            }),
            effect: Effect::Refused(self.name.clone()),
        }
    }

    /// Releases the held publications that now follow the head, in order.
    fn release_ready(&self, inner: &mut Inner) {
        let head = inner.head;
        inner.pending.retain(|&o, _| o > head);
        while let Some(p) = inner.pending.remove(&(inner.head + 1)) {
            inner.head = p.offset;
            inner.known = inner.known.max(p.offset);
            inner.state = self.source.fold(inner.state.as_ref(), &p.data);
            inner.state_answer = None;
            let released = Arc::new(Released::new(
                self.kind,
                self.name.clone(),
                inner.epoch.clone(),
                p,
            ));
            if self.kind == TopicKind::Stream {
                inner.recent.push_back(released.clone());
                if inner.recent.len() > RECENT {
                    inner.recent.pop_front();
                }
            }
            let mut out = 0u64;
            for f in inner.followers.values().filter(|f| f.waiting.is_none()) {
                f.outbox.push(Item::Released(released.clone()));
                out += 1;
            }
            metrics::counter!("ioc_ws_publications_out_total").increment(out);
        }
        if inner.pending.len() > MAX_PENDING {
            tracing::warn!(topic = %self.name, "too many publications held for a gap: re-reading");
            inner.pending.clear();
            inner.reload = true;
        }
    }
}

impl Inner {
    fn next_job(&self, kind: TopicKind, waited: bool) -> Option<Job> {
        if !self.loaded {
            return Some(Job::Load);
        }
        if self.reload {
            return Some(Job::Reload);
        }
        let first_pending = self.pending.keys().next().copied();
        let upto = first_pending.map_or(self.known, |o| (o - 1).max(self.known));
        if upto > self.head {
            // Wait for this process's writer only when nobody else announced the gap.
            let local = self.known <= self.head && !waited;
            // A state topic needs only its latest state, not the publications in between.
            if kind == TopicKind::State && !local {
                return Some(Job::Reload);
            }
            return Some(Job::Fill(self.head, upto, local));
        }
        let oldest_wanted = self
            .followers
            .values()
            .filter_map(|f| f.waiting.as_ref())
            .map(|since| since.as_ref().map_or(self.head, |p| p.offset.max(0)))
            .min();
        if let Some(after) = oldest_wanted {
            let upto = self.recent.front().map_or(self.head, |r| r.offset - 1);
            return Some(Job::Backfill(after.min(upto), upto));
        }
        None
    }

    /// Answers the followers that subscribed while the topic was read. `last(since)`: this
    /// was the read for that position, so the state is the answer when the history still does
    /// not reach back; otherwise a follower the history does not cover waits for the next read.
    fn answer_waiting(&mut self, cell: &Cell, last: impl Fn(&Option<StreamPosition>) -> bool) {
        let waiting: Vec<(u64, Option<StreamPosition>)> = self
            .followers
            .iter_mut()
            .filter_map(|(id, f)| f.waiting.take().map(|since| (*id, since)))
            .collect();
        for (id, since) in waiting {
            match self.reply(cell, &since, last(&since)) {
                Some((frame, effect)) => {
                    if let Some(f) = self.followers.get(&id) {
                        f.outbox.push(Item::Own { frame, effect });
                    }
                }
                None => {
                    if let Some(f) = self.followers.get_mut(&id) {
                        f.waiting = Some(since);
                    }
                }
            }
        }
    }

    /// The answer to a subscribe from `since`: the missed publications when they are all in
    /// the recent history, the state otherwise. `None` (unless `last`) when the history does
    /// not reach back to `since` but storage can: the answer waits for one read of the older
    /// publications (`Job::Backfill`), shared by every follower that needs them.
    fn reply(
        &mut self,
        cell: &Cell,
        since: &Option<StreamPosition>,
        last: bool,
    ) -> Option<(Utf8Bytes, Effect)> {
        let effect = Effect::At {
            topic: cell.name.clone(),
            epoch: self.epoch.clone(),
            offset: self.head,
        };
        let pos = since
            .as_ref()
            .filter(|p| *p.epoch == *self.epoch && p.offset <= self.head);
        let missed = match pos {
            None => None,
            Some(p) if p.offset == self.head => Some(Vec::new()),
            Some(_) if cell.kind != TopicKind::Stream => None,
            Some(p) => {
                let covered = self
                    .recent
                    .front()
                    .is_some_and(|r| r.offset <= p.offset + 1);
                if covered {
                    Some(
                        self.recent
                            .iter()
                            .filter(|r| r.offset > p.offset)
                            .map(|r| r.publication.clone())
                            .collect(),
                    )
                } else if !last && self.head - p.offset <= RECENT as i64 {
                    return None;
                } else {
                    None
                }
            }
        };
        let frame = match missed {
            Some(missed) => to_text(&ServerFrame::Subscribed {
                topic: cell.name.to_string(),
                epoch: self.epoch.to_string(),
                offset: self.head,
                state: self.state.clone(),
                recovered: true,
                missed,
            }),
            None => self.state_frame(cell),
        };
        Some((frame, effect))
    }

    /// `subscribed` with the state as the truth, made once per head.
    fn state_frame(&mut self, cell: &Cell) -> Utf8Bytes {
        if let Some((offset, frame)) = &self.state_answer {
            if *offset == self.head {
                return frame.clone();
            }
        }
        let frame = to_text(&ServerFrame::Subscribed {
            topic: cell.name.to_string(),
            epoch: self.epoch.to_string(),
            offset: self.head,
            state: self.state.clone(),
            recovered: false,
            missed: Vec::new(),
        });
        self.state_answer = Some((self.head, frame.clone()));
        frame
    }
}
