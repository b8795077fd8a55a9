//! The live hub under faults, seen from its clients (issue 12, items 2 and 3): two server
//! processes on one database, a server killed with SIGKILL, a PostgreSQL restart, notifications
//! lost with the LISTEN connections, a client whose network goes silent, a connection asking for
//! too many topics. The servers are real `ioc serve` processes where the fault needs a process
//! (see `harness::IocProcess`).
//!
//! Each fault test asserts by offsets: every publication acknowledged by a successful
//! `POST /api/v1/points` (its offset is in the receipt) reaches every client exactly once, in
//! order, and no client had to take the state instead (`recovered: false`).

use std::collections::{BTreeSet, HashMap};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use ioc_protocol::{ClientFrame, IngestReceipt, PointBatch, ServerFrame, StreamPosition};
use sqlx::postgres::PgPoolOptions;
use sqlx::{Connection, PgConnection, PgPool};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

use crate::harness::{
    fresh_database, fresh_database_in, point, private_cluster, spawn_app, wall_token, ws_connect,
    IocProcess, Ws, TOKEN,
};

const TOPIC: &str = "indicator/iip/40";
/// Every test ends within this (the suite's budget is about 30 s a test).
const BUDGET: Duration = Duration::from_secs(28);

async fn pool(url: &str) -> PgPool {
    PgPoolOptions::new()
        .max_connections(2)
        .connect(url)
        .await
        .expect("connect to the test database")
}

/// The last offset committed on [`TOPIC`], as the database has it.
async fn committed_head(db: &PgPool) -> i64 {
    sqlx::query_scalar::<_, Option<i64>>("SELECT max(stream_offset) FROM metric_points")
        .fetch_one(db)
        .await
        .unwrap()
        .unwrap_or(0)
}

// ---------------------------------------------------------------------------------------------
// Writers

/// Tasks posting one point of [`TOPIC`] per request, each until it has `each` acknowledged
/// (or is stopped); a failed request (server killed, database down) is counted and tried again.
struct Writers {
    acked: Arc<Mutex<Vec<i64>>>,
    failed: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Writers {
    /// Writer `i` posts to `targets[i % targets.len()]`, pausing `pause` between requests.
    fn start(targets: &[SocketAddr], writers: usize, each: usize, pause: Duration) -> Writers {
        let acked = Arc::new(Mutex::new(Vec::new()));
        let failed = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(3))
            .build()
            .unwrap();
        let deadline = Instant::now() + BUDGET;
        let tasks = (0..writers)
            .map(|w| {
                let url = format!("http://{}/api/v1/points", targets[w % targets.len()]);
                let (http, acked, failed) = (http.clone(), acked.clone(), failed.clone());
                let stop = stop.clone();
                tokio::spawn(async move {
                    let mut done = 0;
                    while done < each && !stop.load(Ordering::SeqCst) && Instant::now() < deadline {
                        let value = (w * 10_000 + done) as f64;
                        let body = PointBatch {
                            points: vec![point("iip", "40", "2026-10-01T00:00:00Z", value)],
                        };
                        match post(&http, &url, &body).await {
                            Some(offset) => {
                                acked.lock().unwrap().push(offset);
                                done += 1;
                                tokio::time::sleep(pause).await;
                            }
                            None => {
                                failed.fetch_add(1, Ordering::Relaxed);
                                tokio::time::sleep(Duration::from_millis(50)).await;
                            }
                        }
                    }
                })
            })
            .collect();
        Writers {
            acked,
            failed,
            stop,
            tasks,
        }
    }

    fn acked_count(&self) -> usize {
        self.acked.lock().unwrap().len()
    }

    /// Waits until `n` requests were acknowledged in all.
    async fn wait_acked(&self, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.acked_count() < n {
            assert!(Instant::now() < deadline, "writers too slow");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// No new request after those under way.
    fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
    }

    /// Waits for the writers; the acknowledged offsets (sorted) and the failed requests.
    async fn finish(self) -> (Vec<i64>, usize) {
        for t in self.tasks {
            t.await.expect("writer task");
        }
        let mut acked = std::mem::take(&mut *self.acked.lock().unwrap());
        acked.sort_unstable();
        (acked, self.failed.load(Ordering::Relaxed))
    }
}

/// One POST; the offset of [`TOPIC`] in the receipt when it succeeded.
async fn post(http: &reqwest::Client, url: &str, body: &PointBatch) -> Option<i64> {
    let r = http
        .post(url)
        .bearer_auth(TOKEN)
        .json(body)
        .send()
        .await
        .ok()?;
    if r.status() != 200 {
        return None;
    }
    let receipt: IngestReceipt = r.json().await.ok()?;
    receipt
        .streams
        .iter()
        .find(|s| s.topic == TOPIC)
        .map(|s| s.offset)
}

// ---------------------------------------------------------------------------------------------
// Followers

/// How long a silent connection is given before the client pings, then gives up on it — what
/// the browser's client does (`frontend/src/live/session.rs`), on a shorter clock.
const PING_AFTER: Duration = Duration::from_millis(500);
const DEAD_AFTER: Duration = Duration::from_secs(2);

/// Counters a running follower shares with the test.
#[derive(Default)]
struct Stats {
    /// Connections given up because they stayed silent.
    given_up: AtomicUsize,
    /// Connections lost (closed, reset, given up).
    lost: AtomicUsize,
    /// The last offset received.
    head: AtomicI64,
}

impl Stats {
    /// Waits until the follower has received `offset`.
    async fn wait_head(&self, name: &str, offset: i64) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let head = self.head.load(Ordering::SeqCst);
            if head >= offset {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{name}: stuck at {head}, {offset} was committed"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// A client following [`TOPIC`] on the server at `addr` like a wall does: it reconnects when its
/// connection ends or stays silent, and subscribes again from its last position. It records
/// every offset it receives.
struct Follower {
    name: String,
    addr: SocketAddr,
    token: String,
    ws: Option<Ws>,
    /// The offset of the first answer: the client expects everything after it.
    start: i64,
    epoch: String,
    head: i64,
    got: Vec<i64>,
    /// `recovered: false` answers to a subscribe from a position: (position, new head).
    resyncs: Vec<(i64, i64)>,
    /// `recovered: true` answers to a subscribe from a position.
    recovered: usize,
    problems: Vec<String>,
    last_heard: Instant,
    pinged: bool,
    stats: Arc<Stats>,
}

impl Follower {
    /// Connects, subscribes without a position and takes the answer.
    async fn join(name: &str, addr: SocketAddr, token: &str) -> Follower {
        let mut f = Follower {
            name: name.to_string(),
            addr,
            token: token.to_string(),
            ws: None,
            start: -1,
            epoch: String::new(),
            head: -1,
            got: Vec::new(),
            resyncs: Vec::new(),
            recovered: 0,
            problems: Vec::new(),
            last_heard: Instant::now(),
            pinged: false,
            stats: Arc::default(),
        };
        assert!(f.open().await, "{name}: connect to {addr}");
        let deadline = Instant::now() + Duration::from_secs(10);
        while f.start < 0 {
            assert!(Instant::now() < deadline, "{name}: no answer to subscribe");
            f.read_once().await;
        }
        f
    }

    /// Follows in a task until the head reaches the target sent on `target`, or the budget
    /// runs out (the checks then say what is missing).
    fn run(mut self, mut target: watch::Receiver<Option<i64>>) -> JoinHandle<Follower> {
        let deadline = Instant::now() + BUDGET;
        tokio::spawn(async move {
            loop {
                let reached = target.borrow_and_update().is_some_and(|t| self.head >= t);
                if reached || Instant::now() >= deadline {
                    return self;
                }
                if self.ws.is_none() {
                    if !self.open().await {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                    continue;
                }
                self.read_once().await;
            }
        })
    }

    /// Opens a connection and subscribes, from the last position once there is one.
    async fn open(&mut self) -> bool {
        let connect = tokio::time::timeout(
            Duration::from_secs(1),
            ws_connect(self.addr, Some(&self.token)),
        );
        let Ok(Ok(mut ws)) = connect.await else {
            return false;
        };
        let since = (self.start >= 0).then(|| StreamPosition {
            epoch: self.epoch.clone(),
            offset: self.head,
        });
        let subscribe = ClientFrame::Subscribe {
            topic: TOPIC.into(),
            since,
        };
        if !send(&mut ws, &subscribe).await {
            return false;
        }
        self.ws = Some(ws);
        self.last_heard = Instant::now();
        self.pinged = false;
        true
    }

    /// Reads for up to 100 ms: a frame, a lost connection, or silence (ping, then give up).
    async fn read_once(&mut self) {
        let Some(ws) = self.ws.as_mut() else {
            return;
        };
        match tokio::time::timeout(Duration::from_millis(100), ws.0.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => {
                self.heard();
                match serde_json::from_str::<ServerFrame>(text.as_str()) {
                    Ok(frame) => self.on_frame(frame),
                    Err(e) => self
                        .problems
                        .push(format!("unreadable frame ({e}): {text}")),
                }
            }
            Ok(Some(Ok(Message::Close(_)) | Err(_)) | None) => self.lose(),
            Ok(Some(Ok(_))) => self.heard(),
            Err(_) => {
                let silent = self.last_heard.elapsed();
                if silent >= DEAD_AFTER {
                    self.stats.given_up.fetch_add(1, Ordering::Relaxed);
                    self.lose();
                } else if silent >= PING_AFTER && !self.pinged {
                    self.pinged = true;
                    if !send(ws, &ClientFrame::Ping).await {
                        self.lose();
                    }
                }
            }
        }
    }

    fn heard(&mut self) {
        self.last_heard = Instant::now();
        self.pinged = false;
    }

    fn lose(&mut self) {
        self.ws = None;
        self.stats.lost.fetch_add(1, Ordering::Relaxed);
    }

    fn on_frame(&mut self, frame: ServerFrame) {
        match frame {
            ServerFrame::Batch { frames } => {
                for f in frames {
                    self.on_frame(f);
                }
            }
            ServerFrame::Subscribed {
                topic,
                epoch,
                offset,
                recovered,
                missed,
                ..
            } if topic == TOPIC => {
                if self.start < 0 {
                    self.start = offset;
                    self.set_head(offset);
                    self.epoch = epoch;
                } else if recovered {
                    self.recovered += 1;
                    for p in missed {
                        self.take(p.offset);
                    }
                    if self.head != offset {
                        self.problems.push(format!(
                            "recovered up to {offset}, but the missed publications end at {}",
                            self.head
                        ));
                        self.set_head(offset);
                    }
                } else {
                    self.resyncs.push((self.head, offset));
                    self.set_head(offset);
                    self.epoch = epoch;
                }
            }
            ServerFrame::Publication(p) if p.topic == TOPIC => self.take(p.offset),
            ServerFrame::Pong => {}
            other => self.problems.push(format!("unexpected frame {other:?}")),
        }
    }

    fn take(&mut self, offset: i64) {
        self.got.push(offset);
        self.set_head(offset);
    }

    fn set_head(&mut self, offset: i64) {
        self.head = offset;
        self.stats.head.store(offset, Ordering::SeqCst);
    }

    /// Everything after the first answer up to `upto` arrived exactly once, in order, and no
    /// answer was the state instead of the missed publications.
    fn check(&self, upto: i64, acked: &[i64]) {
        let name = &self.name;
        assert!(self.problems.is_empty(), "{name}: {:?}", self.problems);
        assert!(
            self.resyncs.is_empty(),
            "{name}: got the state instead of the missed publications (position → head): {:?}",
            self.resyncs
        );
        let expected: Vec<i64> = (self.start + 1..=upto).collect();
        if self.got != expected {
            let got: BTreeSet<i64> = self.got.iter().copied().collect();
            let missing: Vec<i64> = expected
                .iter()
                .copied()
                .filter(|o| !got.contains(o))
                .collect();
            let mut seen = HashMap::new();
            for o in &self.got {
                *seen.entry(*o).or_insert(0) += 1;
            }
            let mut twice: Vec<i64> = seen
                .iter()
                .filter(|(_, n)| **n > 1)
                .map(|(o, _)| *o)
                .collect();
            twice.sort_unstable();
            let disorder = self.got.windows(2).position(|w| w[1] <= w[0]);
            let acked_missing: Vec<&i64> = missing.iter().filter(|o| acked.contains(o)).collect();
            panic!(
                "{name}: expected offsets {}..={upto} once each, in order; received {}; \
                 missing {missing:?} (acknowledged among them: {acked_missing:?}); \
                 more than once {twice:?}; first out of order at index {disorder:?}",
                self.start + 1,
                self.got.len()
            );
        }
    }
}

async fn send(ws: &mut Ws, frame: &ClientFrame) -> bool {
    let text = serde_json::to_string(frame).unwrap();
    ws.0.send(Message::text(text)).await.is_ok()
}

/// Followers running until `upto` is sent; then each checked against the acknowledged offsets.
async fn check_all(
    followers: Vec<JoinHandle<Follower>>,
    target: &watch::Sender<Option<i64>>,
    upto: i64,
    acked: &[i64],
) -> Vec<Follower> {
    target.send(Some(upto)).unwrap();
    let mut done = Vec::new();
    for f in followers {
        let f = f.await.expect("follower task");
        println!(
            "{}: {} publications after {}, connections lost {} (silent {}), recovered {}",
            f.name,
            f.got.len(),
            f.start,
            f.stats.lost.load(Ordering::Relaxed),
            f.stats.given_up.load(Ordering::Relaxed),
            f.recovered
        );
        f.check(upto, acked);
        done.push(f);
    }
    done
}

/// Acknowledged offsets are distinct and committed (at most the database's head).
fn assert_acks(acked: &[i64], head: i64) {
    let distinct: BTreeSet<i64> = acked.iter().copied().collect();
    assert_eq!(distinct.len(), acked.len(), "an offset acknowledged twice");
    assert!(
        acked.last().is_none_or(|&o| o <= head),
        "acknowledged {:?} beyond the committed head {head}",
        acked.last()
    );
}

// ---------------------------------------------------------------------------------------------
// Tests

/// Two `ioc serve` processes on one database: what is written through one reaches the clients
/// of the other (LISTEN/NOTIFY, then a read of the publications), each offset once, in order —
/// writes through A, then through B, then through both at once.
#[tokio::test]
async fn two_processes_on_one_database() {
    let url = fresh_database().await;
    let db = pool(&url).await;
    let reader = wall_token(&db, "40").await;
    let mut pair = Pair::start(&url, &reader).await;
    let (a, b) = (pair.a.addr, pair.b.addr);

    let mut acked = Vec::new();
    for (targets, each) in [(vec![a], 50), (vec![b], 50), (vec![a, b], 25)] {
        let (mut phase, failed) = Writers::start(&targets, 4, each, Duration::ZERO)
            .finish()
            .await;
        assert_eq!(failed, 0, "no fault here: every POST succeeds");
        assert_eq!(phase.len(), 4 * each);
        acked.append(&mut phase);
    }
    acked.sort_unstable();
    let head = committed_head(&db).await;
    assert_acks(&acked, head);
    assert_eq!(
        acked,
        (1..=head).collect::<Vec<_>>(),
        "every POST committed one offset"
    );
    let done = pair.check(head, &acked).await;
    for f in &done {
        assert_eq!(
            f.stats.lost.load(Ordering::Relaxed),
            0,
            "{}: no reconnect",
            f.name
        );
    }
}

/// `kill -9` of the only server while clients stream and writers post; a new process on the
/// same database and port. The clients reconnect from their last position and end with every
/// offset — the acknowledged ones, and those committed although their POST failed.
#[tokio::test]
async fn kill_9_while_streaming() {
    let url = fresh_database().await;
    let db = pool(&url).await;
    let reader = wall_token(&db, "40").await;
    let data = tempfile::tempdir().unwrap();
    let addr = crate::harness::free_addr();
    let mut server = IocProcess::start(&url, data.path(), addr).await;
    let (target_tx, target) = watch::channel(None);
    let mut followers = Vec::new();
    for i in 0..3 {
        let f = Follower::join(&format!("client {i}"), addr, &reader).await;
        followers.push(f.run(target.clone()));
    }

    let writers = Writers::start(&[addr], 4, 50, Duration::from_millis(5));
    writers.wait_acked(60).await;
    server.kill9();
    let at_kill = writers.acked_count();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let server = IocProcess::start(&url, data.path(), addr).await;
    let (acked, failed) = writers.finish().await;
    assert_eq!(
        acked.len(),
        200,
        "the writers finished through the new process"
    );
    assert!(failed > 0, "the kill hit the writers");
    assert!(at_kill < 200, "killed while writing");

    let head = committed_head(&db).await;
    println!(
        "killed after {at_kill} acknowledged; {failed} POSTs failed; {} acknowledged, {head} committed",
        acked.len()
    );
    assert_acks(&acked, head);
    let done = check_all(followers, &target_tx, head, &acked).await;
    for f in &done {
        assert!(
            f.stats.lost.load(Ordering::Relaxed) >= 1,
            "{}: lost its connection",
            f.name
        );
        assert!(f.recovered >= 1, "{}: recovered from its position", f.name);
    }
    drop(server);
}

/// PostgreSQL restarts (fast shutdown, start again) while clients stream and writers post, with
/// two server processes: the clients of the process that did not write depend on its LISTEN
/// connection, which is lost with the restart; once it listens again, its hub re-reads the
/// followed topics. Runs on a cluster of its own: the run's cluster serves the other tests.
#[tokio::test]
async fn postgres_restart_while_streaming() {
    let cluster = private_cluster().await;
    let url = fresh_database_in(&cluster).await;
    let db = pool(&url).await;
    let reader = wall_token(&db, "40").await;
    let mut pair = Pair::start(&url, &reader).await;

    let writers = Writers::start(&[pair.a.addr], 4, usize::MAX, Duration::from_millis(10));
    writers.wait_acked(40).await;
    restart_postgres(cluster.pg.data_dir()).await;
    writers.stop();
    // The first commits once PostgreSQL is back come from a third process (this test, through
    // the server's own ingest path) and are the last ones for now: when the servers' LISTEN
    // connections (they retry with a growing pause) are not back yet — the printed line says —
    // no later notification names these offsets, and only each hub's re-read after listening
    // again delivers them. `lost_notifications_are_caught_up_after_listening_again` makes
    // that case certain.
    let third = pool(&url).await;
    let epoch = ioc_server::indicators::streams::load_epoch(&third)
        .await
        .unwrap();
    let mut late = Vec::new();
    for i in 0..5 {
        let p = point("iip", "40", "2026-10-01T00:00:00Z", 90_000.0 + f64::from(i));
        let done = ioc_server::series::points::ingest(&third, &epoch, &[p], None)
            .await
            .expect("write once PostgreSQL is back");
        late.push(done.receipt.streams[0].offset);
    }
    let listening = (
        metric(&pair.a, "ioc_live_listening").await,
        metric(&pair.b, "ioc_live_listening").await,
    );
    let (mut acked, failed) = writers.finish().await;
    let head = committed_head(&db).await;
    println!(
        "{failed} POSTs failed, {} acknowledged; then {late:?} written by a third process; \
         A and B listening right after: {listening:?}",
        acked.len()
    );
    for (name, s) in &pair.stats {
        s.wait_head(name, head).await;
    }
    acked.extend(late);

    // Writers carry on through A.
    let (mut more, failed) = Writers::start(&[pair.a.addr], 4, 10, Duration::ZERO)
        .finish()
        .await;
    assert_eq!(failed, 0);
    acked.append(&mut more);
    acked.sort_unstable();
    let head = committed_head(&db).await;
    assert_acks(&acked, head);
    pair.check(head, &acked).await;
    let reconnects = metric(&pair.b, "ioc_live_listen_reconnects_total").await;
    assert!(reconnects >= 1.0, "B listened again after the restart");
    drop(pair);
    db.close().await;
    let dir = cluster.pg.data_dir().parent().map(|d| d.to_path_buf());
    tokio::task::spawn_blocking(move || cluster.pg.stop())
        .await
        .unwrap();
    if let Some(dir) = dir {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// Both processes' connections — their LISTEN connections with them — are cut and cannot come
/// back for a while (the database refuses new connections); a third process commits through a
/// connection it kept, and nothing commits after: those offsets reach the clients only because
/// each hub re-reads its followed topics once it listens again.
#[tokio::test]
async fn lost_notifications_are_caught_up_after_listening_again() {
    let url = fresh_database().await;
    let db = pool(&url).await;
    let reader = wall_token(&db, "40").await;
    let name: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(&db)
        .await
        .unwrap();
    let mut pair = Pair::start(&url, &reader).await;
    let (mut acked, _) = Writers::start(&[pair.a.addr, pair.b.addr], 2, 10, Duration::ZERO)
        .finish()
        .await;

    // The third writer's connection is open before the database closes its doors.
    let third = PgPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .unwrap();
    let kept: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
        .fetch_one(&third)
        .await
        .unwrap();
    let epoch = ioc_server::indicators::streams::load_epoch(&third)
        .await
        .unwrap();
    let mut admin = PgConnection::connect_with(
        &crate::harness::cluster()
            .await
            .pg
            .connect_options("postgres"),
    )
    .await
    .unwrap();
    sqlx::query(&format!(
        "ALTER DATABASE {name} WITH ALLOW_CONNECTIONS false"
    ))
    .execute(&mut admin)
    .await
    .unwrap();
    // Every connection but the third writer's (the listeners would otherwise take an idle one
    // of their pool).
    sqlx::query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = $1 AND pid <> $2",
    )
    .bind(&name)
    .bind(kept)
    .execute(&mut admin)
    .await
    .unwrap();
    for p in [&pair.a, &pair.b] {
        let deadline = Instant::now() + Duration::from_secs(10);
        while metric(p, "ioc_live_listening").await != 0.0 {
            assert!(
                Instant::now() < deadline,
                "still listening:\n{}",
                p.log_tail()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    for i in 0..5 {
        let p = point("iip", "40", "2026-10-01T00:00:00Z", 90_000.0 + f64::from(i));
        let done = ioc_server::series::points::ingest(&third, &epoch, &[p], None)
            .await
            .expect("write through the kept connection");
        acked.push(done.receipt.streams[0].offset);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    sqlx::query(&format!(
        "ALTER DATABASE {name} WITH ALLOW_CONNECTIONS true"
    ))
    .execute(&mut admin)
    .await
    .unwrap();

    acked.sort_unstable();
    let head = committed_head(&db).await;
    assert_eq!(acked, (1..=head).collect::<Vec<_>>());
    for (name, s) in &pair.stats {
        s.wait_head(name, head).await;
    }
    pair.check(head, &acked).await;
    for p in [&pair.a, &pair.b] {
        assert!(metric(p, "ioc_live_listen_reconnects_total").await >= 1.0);
    }
}

/// Fast shutdown of the cluster's postmaster (what `pg_ctl restart` does first); the cluster's
/// supervisor starts it again. Returns once the new postmaster accepts connections.
async fn restart_postgres(pgdata: &std::path::Path) {
    let pid_file = pgdata.join("postmaster.pid");
    let read = || std::fs::read_to_string(&pid_file).unwrap_or_default();
    let old: i32 = read()
        .lines()
        .next()
        .and_then(|l| l.trim().parse().ok())
        .expect("postmaster.pid names the postmaster");
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(old),
        nix::sys::signal::Signal::SIGINT,
    )
    .expect("signal the postmaster");
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let now = read();
        let lines: Vec<&str> = now.lines().collect();
        let pid: Option<i32> = lines.first().and_then(|l| l.trim().parse().ok());
        if pid.is_some_and(|p| p != old) && lines.get(7).map(|l| l.trim()) == Some("ready") {
            return;
        }
        assert!(Instant::now() < deadline, "PostgreSQL did not come back");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Two `ioc serve` processes on the database `url`, each with a client following [`TOPIC`]
/// (started one after the other: at the same moment, the second can fail registering the
/// configured ingest token — a check-then-insert race in `auth::tokens::ensure_configured`).
struct Pair {
    a: IocProcess,
    b: IocProcess,
    /// Tells the followers the offset to reach before they stop.
    target: watch::Sender<Option<i64>>,
    stats: Vec<(String, Arc<Stats>)>,
    followers: Vec<JoinHandle<Follower>>,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
}

impl Pair {
    async fn start(url: &str, reader: &str) -> Pair {
        let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let a = IocProcess::start(url, dirs.0.path(), crate::harness::free_addr()).await;
        let b = IocProcess::start(url, dirs.1.path(), crate::harness::free_addr()).await;
        let (target, rx) = watch::channel(None);
        let mut stats = Vec::new();
        let mut followers = Vec::new();
        for (name, addr) in [("client of A", a.addr), ("client of B", b.addr)] {
            let f = Follower::join(name, addr, reader).await;
            stats.push((f.name.clone(), f.stats.clone()));
            followers.push(f.run(rx.clone()));
        }
        Pair {
            a,
            b,
            target,
            stats,
            followers,
            _dirs: dirs,
        }
    }

    /// Waits until both clients have `head`, then checks what each received.
    async fn check(&mut self, head: i64, acked: &[i64]) -> Vec<Follower> {
        let followers = std::mem::take(&mut self.followers);
        check_all(followers, &self.target, head, acked).await
    }
}

/// A counter or gauge of a server process's `/metrics`.
async fn metric(p: &IocProcess, name: &str) -> f64 {
    let text = reqwest::get(p.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
        .unwrap_or(0.0)
}

/// A TCP proxy on loopback that can drop everything it carries, both ways, without closing
/// anything: a network that went silent (a cable pulled, a Wi-Fi gone), not a refused connection.
struct Proxy {
    addr: SocketAddr,
    silent: Arc<AtomicBool>,
    task: JoinHandle<()>,
}

impl Proxy {
    async fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let silent = Arc::new(AtomicBool::new(false));
        let flag = silent.clone();
        let task = tokio::spawn(async move {
            // Write halves of connections that ended while silent: kept, so that the other side
            // does not learn of the end either.
            let parked: Arc<Mutex<Vec<OwnedWriteHalf>>> = Arc::default();
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = TcpStream::connect(upstream).await else {
                    continue;
                };
                let (cr, cw) = client.into_split();
                let (sr, sw) = server.into_split();
                tokio::spawn(pipe(cr, sw, flag.clone(), parked.clone()));
                tokio::spawn(pipe(sr, cw, flag.clone(), parked.clone()));
            }
        });
        Proxy { addr, silent, task }
    }

    fn set_silent(&self, silent: bool) {
        self.silent.store(silent, Ordering::SeqCst);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Copies `from` to `to`, dropping the bytes while `silent`.
async fn pipe(
    mut from: OwnedReadHalf,
    mut to: OwnedWriteHalf,
    silent: Arc<AtomicBool>,
    parked: Arc<Mutex<Vec<OwnedWriteHalf>>>,
) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if silent.load(Ordering::SeqCst) {
            continue;
        }
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
    if silent.load(Ordering::SeqCst) {
        parked.lock().unwrap().push(to);
    } else {
        let _ = to.shutdown().await;
    }
}

/// The client's network goes silent (nothing arrives, nothing is closed) while writers post.
/// The client gives up on the silent connection as the browser does (ping, no answer), retries
/// while the network is still down, and once it is back reconnects with its position: it gets
/// every missed publication (`recovered: true`), then the rest.
#[tokio::test]
async fn client_network_loss() {
    let app = spawn_app().await;
    let proxy = Proxy::start(app.addr).await;
    let (target_tx, target) = watch::channel(None);
    let follower = Follower::join("client behind the proxy", proxy.addr, &app.reader).await;
    let stats = follower.stats.clone();
    let follower = follower.run(target);

    let (mut acked, _) = Writers::start(&[app.addr], 2, 20, Duration::ZERO)
        .finish()
        .await;

    proxy.set_silent(true);
    let during = Writers::start(&[app.addr], 4, 25, Duration::from_millis(60));
    let deadline = Instant::now() + Duration::from_secs(10);
    while stats.given_up.load(Ordering::Relaxed) == 0 {
        assert!(
            Instant::now() < deadline,
            "the client did not give up on the silent connection"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Reconnecting while the network is still down fails (the handshake gets no answer).
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (mut during, failed) = during.finish().await;
    assert_eq!(failed, 0);
    acked.append(&mut during);
    proxy.set_silent(false);

    let (mut after, _) = Writers::start(&[app.addr], 2, 20, Duration::ZERO)
        .finish()
        .await;
    acked.append(&mut after);
    acked.sort_unstable();
    let head = committed_head(&app.db).await;
    assert_eq!(acked, (1..=head).collect::<Vec<_>>());
    let done = check_all(vec![follower], &target_tx, head, &acked).await;
    assert!(done[0].recovered >= 1, "recovered from its position");
}

/// A connection may follow 512 topics: the 513th is refused with `too_many_subscriptions`
/// and the connection stays usable (it answers, still delivers, and takes a topic again once
/// one is left).
#[tokio::test]
async fn too_many_subscriptions_are_refused_and_the_connection_stays_usable() {
    let app = spawn_app().await;
    let topics: Vec<String> = sqlx::query_scalar(
        "WITH RECURSIVE down (code) AS (
             SELECT code FROM units WHERE code = '40'
             UNION SELECT u.code FROM units u JOIN down d ON u.parent_code = d.code)
         SELECT 'indicator/' || se.code || '/' || d.code
         FROM series se CROSS JOIN down d
         WHERE 'indicator/' || se.code || '/' || d.code <> $1
         ORDER BY 1 LIMIT 513",
    )
    .bind(TOPIC)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(topics.len(), 513, "enough topics in the province");
    let mut ws = app.ws().await;
    ws.subscribe(TOPIC, None).await;
    for t in &topics[..511] {
        ws.subscribe(t, None).await;
    }
    let extra = &topics[511];
    ws.subscribe(extra, None).await;
    let (mut subscribed, mut refused) = (0, Vec::new());
    while subscribed + refused.len() < 513 {
        match ws.next().await {
            ServerFrame::Subscribed { .. } => subscribed += 1,
            ServerFrame::Error { topic, code, .. } => refused.push((topic, code)),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(subscribed, 512);
    assert_eq!(
        refused,
        vec![(Some(extra.clone()), "too_many_subscriptions".to_string())]
    );

    // Still usable: a ping is answered, a followed topic still delivers.
    ws.send(&ClientFrame::Ping).await;
    assert_eq!(ws.next().await, ServerFrame::Pong);
    app.post_points(&[point("iip", "40", "2026-10-01T00:00:00Z", 1.0)])
        .await;
    match ws.next().await {
        ServerFrame::Publication(p) => assert_eq!((p.topic.as_str(), p.offset), (TOPIC, 1)),
        other => panic!("expected the publication, got {other:?}"),
    }
    // Leaving one topic makes room for another.
    ws.send(&ClientFrame::Unsubscribe {
        topic: topics[0].clone(),
    })
    .await;
    ws.subscribe(&topics[512], None).await;
    let answers = [ws.next().await, ws.next().await];
    assert!(
        matches!(&answers[0], ServerFrame::Unsubscribed { topic } if *topic == topics[0]),
        "{answers:?}"
    );
    assert!(
        matches!(&answers[1], ServerFrame::Subscribed { topic, .. } if *topic == topics[512]),
        "{answers:?}"
    );
}

/// The presence list lives in each process's memory: a report taken by one process reaches the
/// operator on another (shared with NOTIFY), and so does the deletion of the screen.
#[tokio::test]
async fn presence_reports_reach_the_operator_on_another_process() {
    let url = fresh_database().await;
    let app = crate::harness::spawn_app_on(url.clone(), &[]).await;
    let admin = app.sign_in_new("quantri", "admin", None).await;
    let dir = tempfile::tempdir().unwrap();
    let other = IocProcess::start(&url, dir.path(), crate::harness::free_addr()).await;
    let listed = || async {
        let list: Vec<ioc_protocol::ScreenPresence> = admin
            .get(&app, "/api/v1/screen-presence")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        list
    };

    // The device reports to the other process (a device reports every 20 s; here until seen).
    let deadline = Instant::now() + Duration::from_secs(10);
    let seen = loop {
        let r = app
            .http
            .post(other.url("/api/v1/screens/main/presence"))
            .bearer_auth(&app.reader)
            .json(&serde_json::json!({"page": 1, "kind": "dossier_province"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204);
        let list = listed().await;
        if !list.is_empty() || Instant::now() > deadline {
            break list;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(seen.len(), 1, "the report taken by the other process");
    assert_eq!((seen[0].screen.as_str(), seen[0].page), ("main", 1));

    // The screen is deleted through the other process: this one forgets its devices.
    let r = app
        .http
        .delete(other.url("/api/v1/screens/main"))
        .header(reqwest::header::COOKIE, &admin.cookie)
        .header("x-csrf-token", &admin.csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !listed().await.is_empty() {
        assert!(
            Instant::now() < deadline,
            "the deleted screen's devices stay listed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
