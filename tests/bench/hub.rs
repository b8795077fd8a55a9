//! Load tool of the live hub at a province's scale (issue 12, item 5). Prints its figures;
//! asserts nothing.
//!
//! `cargo bench -p ioc-server --bench hub` starts a private PostgreSQL cluster and the real
//! server as a separate process (the `ioc` binary cargo builds beside this bench, found through
//! `CARGO_BIN_EXE_ioc`; `IOC_HUB_BIN` overrides it), so that the server's memory is read from
//! `/proc/<server pid>/status` without the clients' costs in it. Then, for the server and for a
//! reference broadcaster (Node.js `ws`, `tests/bench/ws-reference/`, installed with `npm ci`
//! when its `node_modules` is missing) on the same workload:
//! - opens N WebSocket clients (tokio-tungstenite) through the real authentication (a wall
//!   display token made with `ioc admin create-token`), each subscribed to one of K topics
//!   (client i to topic i mod K; `indicator/{series}/{unit}`, the topics `POST /api/v1/points`
//!   publishes on);
//! - reads the server's anonymous resident set (`RssAnon` in `/proc/<pid>/status`) before and
//!   after the N idle subscribed connections, once it has settled, and divides by N;
//! - drives U updates/s for S seconds through `POST /api/v1/points` (one point a request, an
//!   integration token with `points:write`) from W concurrent writers, round-robin over the
//!   topics. The writers are an open loop: each sends U/W updates a second on its clock without
//!   waiting for the previous answer (a slow server does not lower the rate it is offered).
//!   Each point's value is its send instant in nanoseconds since the tool started (one monotonic
//!   clock, `Instant`), so every client measures send → receive for every publication (only in
//!   the steady phase);
//! - checks by offsets, per client, that nothing is lost or reordered: a publication whose offset
//!   is not the last one + 1 counts its gap (or a reordering); after the writers stop, each
//!   client's last offset is compared with the topic's final offset (from the POST answers);
//! - reconnect storm: with the writers still running, every client drops its connection at the
//!   same instant and reconnects at once, subscribing with `since` (its last epoch and offset);
//!   the figure is the time until every client has its `subscribed` answer with the missed
//!   publications (`recovered: true`), or the state when the gap is beyond the server's recovery
//!   window (`recovered: false`: the offsets it skips are counted as "skipped at
//!   resubscriptions"). A subscription answered by an error frame is retried after 500 ms and
//!   counted; connections the server cuts are counted and reconnect with `since` too. The
//!   reference keeps no history: it resubscribes only, and what it missed is counted as skipped.
//!
//! Environment:
//! - `IOC_HUB_CLIENTS` — N, default 10000 (750 with `IOC_HUB_HOT=1`);
//! - `IOC_HUB_TOPICS` — K, default 20;
//! - `IOC_HUB_RATE` — U updates/s in all, default 100;
//! - `IOC_HUB_SECONDS` — length of the measured steady phase, default 30;
//! - `IOC_HUB_WRITERS` — W concurrent writers, default 4;
//! - `IOC_HUB_HOT=1` — hot stream: every update on one topic and every client subscribed to it
//!   (the "all 100 updates/s on one stream and 750 clients");
//! - `IOC_HUB_REFERENCE=0` — skip the Node.js reference;
//! - `IOC_HUB_BIN` — the `ioc` binary to run instead of the one built with the bench.
//!
//! The tool raises its RLIMIT_NOFILE soft limit to the hard limit (the servers it starts inherit
//! it) and prints what it got. Latencies include the tool's own scheduling: the clients, the
//! writers and the servers share the machine's cores.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use ioc_protocol::{
    ClientFrame, IngestReceipt, Payload, PointBatch, PointIn, Publication, ServerFrame,
    StreamPosition,
};
use tokio::sync::{watch, Semaphore};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

mod common;
use common::{proc_status_kib, SERIES};

/// Series and units the topics are made of: topic k is `indicator/{SERIES[k % 8]}/{UNITS[k / 8]}`
/// (the province and its first communes, all visible to a province wall display).
const UNITS: [&str; 8] = [
    "40", "17329", "17380", "17335", "17338", "17341", "17344", "17347",
];

/// Connections opened at the same time in the first connection phase (the storm has no limit).
const CONNECT_CONCURRENCY: usize = 200;

/// The tool's one clock: send instants are nanoseconds since this instant.
static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();

fn now_ns() -> u64 {
    START.get().expect("start").elapsed().as_nanos() as u64
}

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

#[derive(Clone, Debug)]
struct Workload {
    clients: usize,
    topics: usize,
    rate: u64,
    seconds: u64,
    writers: usize,
    hot: bool,
}

#[derive(Clone)]
struct Topic {
    name: String,
    series: &'static str,
    unit: &'static str,
}

fn topics(k: usize) -> Vec<Topic> {
    (0..k)
        .map(|i| {
            let (series, unit) = (SERIES[i % SERIES.len()], UNITS[i / SERIES.len()]);
            Topic {
                name: format!("indicator/{series}/{unit}"),
                series,
                unit,
            }
        })
        .collect()
}

/// What the clients connect to and the writers post to: the IOC server or the reference.
/// Both speak the same WebSocket frames; they differ in authentication and in the update call.
#[derive(Clone)]
enum Target {
    Ioc {
        addr: SocketAddr,
        reader: String,
        writer: String,
    },
    Reference {
        addr: SocketAddr,
    },
}

impl Target {
    fn name(&self) -> &'static str {
        match self {
            Target::Ioc { .. } => "ioc",
            Target::Reference { .. } => "node-ws",
        }
    }

    fn request(&self) -> tokio_tungstenite::tungstenite::handshake::client::Request {
        let addr = match self {
            Target::Ioc { addr, .. } | Target::Reference { addr } => addr,
        };
        let mut req = format!("ws://{addr}/ws")
            .into_client_request()
            .expect("ws url");
        if let Target::Ioc { reader, .. } = self {
            req.headers_mut().insert(
                "authorization",
                format!("Bearer {reader}").parse().expect("header"),
            );
        }
        req
    }

    /// Publishes one update carrying `value` on `topic`; returns the offset it got.
    async fn publish(
        &self,
        http: &reqwest::Client,
        topic: &Topic,
        value: f64,
    ) -> anyhow::Result<i64> {
        match self {
            Target::Ioc { addr, writer, .. } => {
                let body = PointBatch {
                    points: vec![PointIn {
                        series: topic.series.into(),
                        unit: topic.unit.into(),
                        ts: chrono::Utc::now(),
                        value,
                    }],
                };
                let r = http
                    .post(format!("http://{addr}/api/v1/points"))
                    .bearer_auth(writer)
                    .json(&body)
                    .send()
                    .await?;
                anyhow::ensure!(r.status().is_success(), "POST points: {}", r.status());
                let receipt: IngestReceipt = r.json().await?;
                receipt
                    .streams
                    .iter()
                    .find(|s| s.topic == topic.name)
                    .map(|s| s.offset)
                    .ok_or_else(|| anyhow::anyhow!("no stream head for {}", topic.name))
            }
            Target::Reference { addr } => {
                let body = serde_json::json!({
                    "topic": topic.name,
                    "ts": chrono::Utc::now(),
                    "value": value,
                });
                let r = http
                    .post(format!("http://{addr}/publish"))
                    .json(&body)
                    .send()
                    .await?;
                anyhow::ensure!(r.status().is_success(), "POST publish: {}", r.status());
                let head: StreamPosition = r.json().await?;
                Ok(head.offset)
            }
        }
    }
}

/// Shared between the driver and the client tasks.
struct Shared {
    /// Latencies are recorded only while true (the steady phase).
    measuring: AtomicBool,
    /// Clients subscribed in the current connection round (first connection or storm).
    ready: AtomicUsize,
    /// Clients that have reached their topic's final offset (after the writers stop).
    drained: AtomicUsize,
    /// The final offset of each topic, set once the writers have stopped (-1 before).
    finals: Vec<AtomicI64>,
    /// Publications received (every client, every phase).
    delivered: AtomicU64,
    /// Clients that never managed to connect.
    failed: AtomicUsize,
    /// Connections that ended without the tool dropping them (the server closed or failed them);
    /// the client reconnects with `since`.
    cut_by_server: AtomicU64,
    /// Subscriptions answered by an error frame (retried after 500 ms).
    sub_errors: AtomicU64,
}

#[derive(Default)]
struct ClientStats {
    latencies_us: Vec<u32>,
    /// Offsets skipped in the stream of publications.
    gaps: u64,
    /// Publications at or below the last offset seen (duplicates or reordering).
    reordered: u64,
    /// Offsets skipped at a resubscription that did not recover them.
    not_recovered: u64,
    /// Final offset of the topic minus the last one received.
    short: u64,
    connected: bool,
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(target: &Target) -> anyhow::Result<Ws> {
    // Small client buffers: the tool has to hold 10,000 of them beside the servers.
    let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(0);
    let (ws, _) =
        tokio_tungstenite::connect_async_with_config(target.request(), Some(config), false).await?;
    Ok(ws)
}

struct ClientState {
    epoch: Option<String>,
    last: i64,
    stats: ClientStats,
    drained: bool,
}

impl ClientState {
    fn publication(&mut self, p: &Publication, shared: &Shared, topic: usize, live: bool) {
        shared.delivered.fetch_add(1, Ordering::Relaxed);
        if p.offset <= self.last {
            self.stats.reordered += 1;
            return;
        }
        if p.offset > self.last + 1 {
            self.stats.gaps += (p.offset - self.last - 1) as u64;
        }
        self.last = p.offset;
        if live && shared.measuring.load(Ordering::Relaxed) {
            if let Payload::Point(point) = &p.data {
                let sent = point.value as u64;
                let us = now_ns().saturating_sub(sent) / 1000;
                self.stats.latencies_us.push(us.min(u32::MAX as u64) as u32);
            }
        }
        self.check_drained(shared, topic);
    }

    fn check_drained(&mut self, shared: &Shared, topic: usize) {
        let fin = shared.finals[topic].load(Ordering::Relaxed);
        if !self.drained && fin >= 0 && self.last >= fin {
            self.drained = true;
            shared.drained.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// The driver's signals to every client.
#[derive(Clone)]
struct Signals {
    /// Incremented for a reconnect storm.
    storm: watch::Receiver<u64>,
    /// True when the run is over.
    stop: watch::Receiver<bool>,
    /// True once `Shared::finals` holds the final offsets.
    finals_set: watch::Receiver<bool>,
}

/// One client: connects, subscribes, reads; on each storm signal drops its connection and
/// resubscribes with `since`; returns its figures when `stop` turns true.
async fn client(
    target: Target,
    topics: Arc<Vec<Topic>>,
    topic: usize,
    shared: Arc<Shared>,
    gate: Arc<Semaphore>,
    signals: Signals,
) -> ClientStats {
    let Signals {
        mut storm,
        mut stop,
        mut finals_set,
    } = signals;
    let mut st = ClientState {
        epoch: None,
        last: 0,
        stats: ClientStats::default(),
        drained: false,
    };
    let name = &topics[topic].name;
    let mut first = true;
    // The connection round (storm generation) this client last counted itself ready in.
    let mut counted: Option<u64> = None;
    'rounds: loop {
        // Connect: through the gate the first time, all at once in a storm; retry with backoff.
        let started = Instant::now();
        let mut backoff = Duration::from_millis(50);
        let mut ws = loop {
            let permit = if first {
                Some(gate.acquire().await.expect("gate"))
            } else {
                None
            };
            let attempt = connect(&target).await;
            drop(permit);
            match attempt {
                Ok(ws) => break ws,
                Err(_) if started.elapsed() < Duration::from_secs(60) && !*stop.borrow() => {
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(1));
                }
                Err(_) => {
                    if first {
                        shared.failed.fetch_add(1, Ordering::Relaxed);
                    }
                    return st.stats;
                }
            }
        };
        let since = st.epoch.clone().map(|epoch| StreamPosition {
            epoch,
            offset: st.last,
        });
        let subscribe = serde_json::to_string(&ClientFrame::Subscribe {
            topic: name.clone(),
            since,
        })
        .expect("json");
        if ws.send(Message::text(subscribe.clone())).await.is_err() {
            continue 'rounds;
        }
        let round = *storm.borrow_and_update();
        loop {
            tokio::select! {
                msg = ws.next() => {
                    let Some(Ok(msg)) = msg else {
                        shared.cut_by_server.fetch_add(1, Ordering::Relaxed);
                        continue 'rounds;
                    };
                    let Message::Text(text) = msg else { continue };
                    let Ok(frame) = serde_json::from_str::<ServerFrame>(text.as_str()) else {
                        continue;
                    };
                    // The server coalesces what it has for a connection into one `batch`.
                    let frames = match frame {
                        ServerFrame::Batch { frames } => frames,
                        f => vec![f],
                    };
                    for frame in frames {
                    match frame {
                        ServerFrame::Subscribed { epoch, offset, recovered, missed, .. } => {
                            if first {
                                st.last = offset;
                            } else if recovered {
                                for p in &missed {
                                    st.publication(p, &shared, topic, false);
                                }
                            }
                            if offset > st.last {
                                st.stats.not_recovered += (offset - st.last) as u64;
                                st.last = offset;
                            }
                            st.epoch = Some(epoch);
                            st.stats.connected = true;
                            first = false;
                            if counted != Some(round) {
                                counted = Some(round);
                                shared.ready.fetch_add(1, Ordering::Relaxed);
                            }
                            st.check_drained(&shared, topic);
                        }
                        ServerFrame::Publication(p) => st.publication(&p, &shared, topic, true),
                        ServerFrame::Error { code, message_en, .. } => {
                            // Refused subscription (e.g. `internal` when the server's database
                            // pool is exhausted): try again after a pause, as the wall does.
                            if shared.sub_errors.fetch_add(1, Ordering::Relaxed) < 3 {
                                eprintln!("client on {name}: error {code}: {message_en} (retrying)");
                            }
                            tokio::time::sleep(Duration::from_millis(500)).await;
                            if ws
                                .send(Message::text(subscribe.clone()))
                                .await
                                .is_err()
                            {
                                continue 'rounds;
                            }
                        }
                        _ => {}
                    }
                    }
                }
                _ = finals_set.changed() => st.check_drained(&shared, topic),
                _ = storm.changed() => {
                    // Drop the connection without a closing handshake, like a network cut.
                    drop(ws);
                    continue 'rounds;
                }
                _ = stop.changed() => {
                    drop(ws);
                    let fin = shared.finals[topic].load(Ordering::Relaxed);
                    st.stats.short = (fin - st.last).max(0) as u64;
                    return st.stats;
                }
            }
            if !st.drained {
                st.check_drained(&shared, topic);
            }
        }
    }
}

/// Figures of one target's run.
struct Figures {
    target: &'static str,
    connected: usize,
    failed: usize,
    connect_secs: f64,
    rss_before_kib: u64,
    rss_after_kib: u64,
    latencies_us: Vec<u32>,
    delivered_per_s: f64,
    updates_sent: u64,
    update_errors: u64,
    updates_per_s: f64,
    post_p99_ms: f64,
    gaps: u64,
    reordered: u64,
    short: u64,
    storm_recovered: usize,
    storm_secs: Option<f64>,
    not_recovered: u64,
    cut_steady: u64,
    cut_total: u64,
    sub_errors: u64,
    rss_peak_kib: u64,
}

impl Figures {
    fn rss_per_conn_kib(&self) -> f64 {
        self.rss_after_kib.saturating_sub(self.rss_before_kib) as f64 / self.connected.max(1) as f64
    }

    fn pct_ms(&self, p: f64) -> f64 {
        percentile_us(&self.latencies_us, p) as f64 / 1000.0
    }

    fn print(&self, w: &Workload) {
        let t = self.target;
        println!(
            "[{t}] machine load average after the run: {} (other work on the 2 cores shows here)",
            std::fs::read_to_string("/proc/loadavg")
                .unwrap_or_default()
                .split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        );
        println!(
            "[{t}] clients connected: {} of {} ({} failed) in {:.1} s",
            self.connected, w.clients, self.failed, self.connect_secs
        );
        println!(
            "[{t}] server RssAnon: {} KiB before, {} KiB with the idle subscribed clients: {:.1} KiB per connection",
            self.rss_before_kib, self.rss_after_kib, self.rss_per_conn_kib()
        );
        println!(
            "[{t}] updates: {} sent in the whole run ({} failed), {:.1}/s achieved in the steady phase of {}/s asked; POST p99 {:.1} ms",
            self.updates_sent, self.update_errors, self.updates_per_s, w.rate, self.post_p99_ms
        );
        if self.latencies_us.is_empty() {
            println!("[{t}] latency: no publication received");
        } else {
            println!(
                "[{t}] send → receive: n={} p50={:.1} ms p95={:.1} ms p99={:.1} ms max={:.1} ms",
                self.latencies_us.len(),
                self.pct_ms(0.50),
                self.pct_ms(0.95),
                self.pct_ms(0.99),
                self.pct_ms(1.0)
            );
        }
        println!(
            "[{t}] delivered: {:.0} messages/s (steady phase)",
            self.delivered_per_s
        );
        println!(
            "[{t}] lost: {} offsets skipped in the streams, {} reordered/duplicated, {} missing at the end, {} skipped at resubscriptions (not recovered: the state instead)",
            self.gaps, self.reordered, self.short, self.not_recovered
        );
        println!(
            "[{t}] connections cut by the server: {} in the steady phase, {} in the whole run (each client reconnects with since); subscriptions refused with an error frame (retried): {}",
            self.cut_steady, self.cut_total, self.sub_errors
        );
        match self.storm_secs {
            Some(s) => println!(
                "[{t}] reconnect storm: all {} clients resubscribed in {s:.2} s",
                self.storm_recovered
            ),
            None => println!(
                "[{t}] reconnect storm: only {} of {} clients resubscribed within 60 s",
                self.storm_recovered, self.connected
            ),
        }
        println!("[{t}] server peak VmRSS: {} KiB", self.rss_peak_kib);
    }
}

fn percentile_us(sorted: &[u32], p: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Exercises the server once before its baseline memory is read: 50 connections subscribed, 40
/// updates, the connections closed. Without it the server's allocator returns its start-up
/// memory while the N clients connect, and the per-connection figure comes out too small.
async fn warm_up(target: &Target, topics: &[Topic]) {
    let mut conns = Vec::new();
    for topic in topics.iter().cycle().take(50) {
        let Ok(mut ws) = connect(target).await else {
            continue;
        };
        let frame = ClientFrame::Subscribe {
            topic: topic.name.clone(),
            since: None,
        };
        let text = serde_json::to_string(&frame).expect("json");
        if ws.send(Message::text(text)).await.is_ok() {
            let _ = ws.next().await;
            conns.push(ws);
        }
    }
    let http = reqwest::Client::new();
    for i in 0..40 {
        let _ = target
            .publish(&http, &topics[i % topics.len()], now_ns() as f64)
            .await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    for mut ws in conns {
        let _ = ws.close(None).await;
    }
}

/// The server's anonymous resident set (`RssAnon`: its heap and stacks) once it has stopped
/// moving: two readings 1 s apart within 256 KiB, at most 15 s. `VmRSS` also counts the pages of
/// the mapped binary, which the kernel drops and reloads with the page cache (tens of MiB of
/// noise against a 10,000-connection figure). Kernel socket buffers are in neither.
async fn settled_rss_kib(pid: u32) -> u64 {
    let mut last = proc_status_kib(pid, "RssAnon:");
    for _ in 0..15 {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let now = proc_status_kib(pid, "RssAnon:");
        if now.abs_diff(last) < 256 {
            return now;
        }
        last = now;
    }
    last
}

async fn wait_for(what: &str, limit: Duration, mut done: impl FnMut() -> bool) -> Option<f64> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if done() {
            return Some(started.elapsed().as_secs_f64());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    eprintln!("{what}: not done within {limit:?}");
    None
}

/// Runs the whole workload against one target whose server process is `pid`.
async fn run(target: Target, pid: u32, w: &Workload) -> Figures {
    let topics = Arc::new(topics(w.topics));
    let shared = Arc::new(Shared {
        measuring: AtomicBool::new(false),
        ready: AtomicUsize::new(0),
        drained: AtomicUsize::new(0),
        finals: (0..w.topics).map(|_| AtomicI64::new(-1)).collect(),
        delivered: AtomicU64::new(0),
        failed: AtomicUsize::new(0),
        cut_by_server: AtomicU64::new(0),
        sub_errors: AtomicU64::new(0),
    });
    let (storm_tx, storm_rx) = watch::channel(0u64);
    let (stop_tx, stop_rx) = watch::channel(false);
    let (finals_tx, finals_rx) = watch::channel(false);
    let gate = Arc::new(Semaphore::new(CONNECT_CONCURRENCY));
    let signals = Signals {
        storm: storm_rx,
        stop: stop_rx,
        finals_set: finals_rx,
    };
    warm_up(&target, &topics).await;
    let rss_before_kib = settled_rss_kib(pid).await;

    // 1. N clients, each subscribed to its topic.
    let started = Instant::now();
    let tasks: Vec<_> = (0..w.clients)
        .map(|i| {
            let topic = if w.hot { 0 } else { i % w.topics };
            tokio::spawn(client(
                target.clone(),
                topics.clone(),
                topic,
                shared.clone(),
                gate.clone(),
                signals.clone(),
            ))
        })
        .collect();
    wait_for("connecting", Duration::from_secs(300), || {
        shared.ready.load(Ordering::Relaxed) + shared.failed.load(Ordering::Relaxed) >= w.clients
    })
    .await;
    let connect_secs = started.elapsed().as_secs_f64();
    let connected = shared.ready.load(Ordering::Relaxed);
    let rss_after_kib = settled_rss_kib(pid).await;

    // 2. Steady phase: U updates/s from W writers.
    let writing = Arc::new(AtomicBool::new(true));
    let next = Arc::new(AtomicU64::new(0));
    let post_ms = Arc::new(std::sync::Mutex::new(Vec::<f64>::new()));
    let errors = Arc::new(AtomicU64::new(0));
    let heads: Arc<std::sync::Mutex<HashMap<usize, i64>>> = Arc::default();
    let period = Duration::from_secs_f64(w.writers as f64 / w.rate.max(1) as f64);
    let writers: Vec<_> = (0..w.writers)
        .map(|k| {
            // Each writer has a client (a connection pool) of its own.
            let http = reqwest::Client::new();
            let (target, topics, writing, next, post_ms, errors, heads) = (
                target.clone(),
                topics.clone(),
                writing.clone(),
                next.clone(),
                post_ms.clone(),
                errors.clone(),
                heads.clone(),
            );
            let (hot, spread) = (w.hot, k as f64 / w.writers as f64);
            tokio::spawn(async move {
                // Writers start spread over one period, so that the updates are evenly spaced.
                tokio::time::sleep(period.mul_f64(spread)).await;
                let mut tick = tokio::time::interval(period);
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
                // Open loop: each tick's update goes out without waiting for the previous
                // answer, so a slow server does not lower the rate it is offered.
                let mut in_flight = tokio::task::JoinSet::new();
                while writing.load(Ordering::Relaxed) {
                    tick.tick().await;
                    let n = next.fetch_add(1, Ordering::Relaxed) as usize;
                    let topic = if hot { 0 } else { n % topics.len() };
                    let (target, http, topics, post_ms, errors, heads) = (
                        target.clone(),
                        http.clone(),
                        topics.clone(),
                        post_ms.clone(),
                        errors.clone(),
                        heads.clone(),
                    );
                    in_flight.spawn(async move {
                        let sent = now_ns();
                        match target.publish(&http, &topics[topic], sent as f64).await {
                            Ok(offset) => {
                                post_ms
                                    .lock()
                                    .expect("lock")
                                    .push((now_ns() - sent) as f64 / 1e6);
                                let mut heads = heads.lock().expect("lock");
                                let head = heads.entry(topic).or_insert(0);
                                *head = (*head).max(offset);
                            }
                            Err(e) => {
                                if errors.fetch_add(1, Ordering::Relaxed) < 5 {
                                    eprintln!("update failed: {e:#}");
                                }
                            }
                        }
                    });
                    while in_flight.try_join_next().is_some() {}
                }
                in_flight.join_all().await;
            })
        })
        .collect();
    shared.measuring.store(true, Ordering::Relaxed);
    let delivered_before = shared.delivered.load(Ordering::Relaxed);
    let steady = Instant::now();
    let mut rss_peak_kib = 0;
    while steady.elapsed() < Duration::from_secs(w.seconds) {
        tokio::time::sleep(Duration::from_millis(250)).await;
        rss_peak_kib = rss_peak_kib.max(proc_status_kib(pid, "VmRSS:"));
    }
    shared.measuring.store(false, Ordering::Relaxed);
    let steady_secs = steady.elapsed().as_secs_f64();
    let delivered_per_s =
        (shared.delivered.load(Ordering::Relaxed) - delivered_before) as f64 / steady_secs;
    let sent_steady = next.load(Ordering::Relaxed);
    let cut_steady = shared.cut_by_server.load(Ordering::Relaxed);

    // 3. Reconnect storm, the writers still running.
    shared.ready.store(0, Ordering::Relaxed);
    storm_tx.send_modify(|g| *g += 1);
    let storm_secs = wait_for("reconnect storm", Duration::from_secs(60), || {
        shared.ready.load(Ordering::Relaxed) >= connected
    })
    .await;
    let storm_recovered = shared.ready.load(Ordering::Relaxed);
    rss_peak_kib = rss_peak_kib.max(proc_status_kib(pid, "VmRSS:"));
    tokio::time::sleep(Duration::from_secs(2)).await;

    // 4. Writers stop; every client should reach its topic's final offset.
    writing.store(false, Ordering::Relaxed);
    for wr in writers {
        let _ = wr.await;
    }
    {
        let heads = heads.lock().expect("lock");
        for (topic, head) in heads.iter() {
            shared.finals[*topic].store(*head, Ordering::Relaxed);
        }
        for (i, f) in shared.finals.iter().enumerate() {
            if !heads.contains_key(&i) {
                f.store(0, Ordering::Relaxed);
            }
        }
    }
    let _ = finals_tx.send(true);
    wait_for("draining", Duration::from_secs(20), || {
        shared.drained.load(Ordering::Relaxed) >= connected
    })
    .await;
    let _ = stop_tx.send(true);
    let mut latencies_us = Vec::new();
    let (mut gaps, mut reordered, mut short, mut not_recovered) = (0, 0, 0, 0);
    for t in tasks {
        if let Ok(s) = t.await {
            latencies_us.extend_from_slice(&s.latencies_us);
            gaps += s.gaps;
            reordered += s.reordered;
            not_recovered += s.not_recovered;
            if s.connected {
                short += s.short;
            }
        }
    }
    latencies_us.sort_unstable();
    let mut post = post_ms.lock().expect("lock").clone();
    post.sort_by(f64::total_cmp);
    let post_p99_ms = post
        .get(((post.len() as f64 - 1.0) * 0.99).round().max(0.0) as usize)
        .copied()
        .unwrap_or(0.0);
    Figures {
        target: target.name(),
        connected,
        failed: shared.failed.load(Ordering::Relaxed),
        connect_secs,
        rss_before_kib,
        rss_after_kib,
        latencies_us,
        delivered_per_s,
        updates_sent: next.load(Ordering::Relaxed),
        update_errors: errors.load(Ordering::Relaxed),
        updates_per_s: sent_steady as f64 / steady_secs,
        post_p99_ms,
        gaps,
        reordered,
        short,
        storm_recovered,
        storm_secs,
        not_recovered,
        cut_steady,
        cut_total: shared.cut_by_server.load(Ordering::Relaxed),
        sub_errors: shared.sub_errors.load(Ordering::Relaxed),
        rss_peak_kib,
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

async fn wait_http(url: &str) {
    let http = reqwest::Client::new();
    for _ in 0..600 {
        if http.get(url).send().await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{url} did not answer within a minute");
}

fn ioc_bin() -> PathBuf {
    std::env::var_os("IOC_HUB_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_ioc")))
}

/// `ioc admin create-token …`: the token it prints.
fn create_token(db_url: &str, data: &Path, args: &[&str]) -> String {
    let out = Command::new(ioc_bin())
        .arg("admin")
        .arg(format!("--database-url={db_url}"))
        .arg(format!("--data-dir={}", data.display()))
        .arg("create-token")
        .args(args)
        .output()
        .expect("ioc admin create-token");
    assert!(
        out.status.success(),
        "create-token: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .trim()
        .to_string()
}

fn stop_process(child: &mut Child) {
    use nix::sys::signal::{kill, Signal};
    let _ = kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        Signal::SIGTERM,
    );
    for _ in 0..100 {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn raise_fd_limit() {
    use nix::sys::resource::{getrlimit, setrlimit, Resource};
    match getrlimit(Resource::RLIMIT_NOFILE) {
        Ok((soft, hard)) => {
            let got = if soft < hard && setrlimit(Resource::RLIMIT_NOFILE, hard, hard).is_ok() {
                hard
            } else {
                soft
            };
            println!("file descriptors: soft limit {got} (was {soft}, hard limit {hard}); the servers started here inherit it");
        }
        Err(e) => println!("file descriptors: limit unknown ({e})"),
    }
}

#[tokio::main]
async fn main() {
    START.set(Instant::now()).expect("start once");
    raise_fd_limit();
    let hot = env_num("IOC_HUB_HOT", 0) == 1;
    let w = Workload {
        clients: env_num("IOC_HUB_CLIENTS", if hot { 750 } else { 10_000 }) as usize,
        topics: (env_num("IOC_HUB_TOPICS", 20) as usize).clamp(1, SERIES.len() * UNITS.len()),
        rate: env_num("IOC_HUB_RATE", 100).max(1),
        seconds: env_num("IOC_HUB_SECONDS", 30).max(1),
        writers: env_num("IOC_HUB_WRITERS", 4).max(1) as usize,
        hot,
    };
    let reference = env_num("IOC_HUB_REFERENCE", 1) != 0;
    println!(
        "workload: {} clients, {} topics{}, {} updates/s from {} writers, {} s steady, then a reconnect storm",
        w.clients,
        w.topics,
        if w.hot { " (hot: every update and every client on the first)" } else { "" },
        w.rate,
        w.writers,
        w.seconds
    );

    // PostgreSQL and the server, a process of its own.
    let (dir, pg) = common::cluster("ioc-hub-bench").await;
    let db_url = pg.url("bench");
    let data = dir.join("data");
    std::fs::create_dir_all(&data).expect("data dir");
    let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().expect("addr");
    let log = std::fs::File::create(dir.join("server.log")).expect("log");
    println!(
        "server: {} serve on {addr} (log: {})",
        ioc_bin().display(),
        dir.join("server.log").display()
    );
    let mut server = Command::new(ioc_bin())
        .arg("serve")
        .arg(format!("--addr={addr}"))
        .arg(format!("--database-url={db_url}"))
        .arg(format!("--data-dir={}", data.display()))
        .arg(format!("--site-dir={}", dir.join("site").display()))
        .arg("--demo=false")
        .arg("--max-ws-connections=100000")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("start the server");
    wait_http(&format!("http://{addr}/healthz")).await;
    let reader = create_token(
        &db_url,
        &data,
        &[
            "--name=hub bench wall",
            "--kind=wall_display",
            "--unit=40",
            "--screen=main",
        ],
    );
    let writer = create_token(
        &db_url,
        &data,
        &[
            "--name=hub bench writer",
            "--kind=integration",
            "--unit=40",
            "--scope=points:write",
        ],
    );
    let ioc = run(
        Target::Ioc {
            addr,
            reader,
            writer,
        },
        server.id(),
        &w,
    )
    .await;
    stop_process(&mut server);
    ioc.print(&w);

    let node = if reference {
        match start_reference() {
            Ok((mut child, addr)) => {
                let f = run(Target::Reference { addr }, child.id(), &w).await;
                stop_process(&mut child);
                f.print(&w);
                Some(f)
            }
            Err(e) => {
                println!("reference: not run ({e:#})");
                None
            }
        }
    } else {
        None
    };
    if let Some(node) = node {
        let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
        println!(
            "ratio ioc / node-ws: p99 latency {:.2}× ({:.1} ms / {:.1} ms), memory per connection {:.2}× ({:.1} KiB / {:.1} KiB), delivered/s {:.2}×, storm recovery {}",
            ratio(ioc.pct_ms(0.99), node.pct_ms(0.99)),
            ioc.pct_ms(0.99),
            node.pct_ms(0.99),
            ratio(ioc.rss_per_conn_kib(), node.rss_per_conn_kib()),
            ioc.rss_per_conn_kib(),
            node.rss_per_conn_kib(),
            ratio(ioc.delivered_per_s, node.delivered_per_s),
            match (ioc.storm_secs, node.storm_secs) {
                (Some(a), Some(b)) => format!("{:.2}× ({a:.2} s / {b:.2} s)", ratio(a, b)),
                _ => "n/a (one of them did not recover)".into(),
            }
        );
    }

    tokio::task::spawn_blocking(move || pg.stop())
        .await
        .expect("join");
    let _ = std::fs::remove_dir_all(dir);
}

/// Installs the reference's `ws` package when missing and starts `node server.js <port>`.
fn start_reference() -> anyhow::Result<(Child, SocketAddr)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/bench/ws-reference");
    if !dir.join("node_modules/ws").exists() {
        println!("reference: npm ci in {}", dir.display());
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status()?;
        anyhow::ensure!(status.success(), "npm ci failed");
    }
    let port = free_port();
    let mut child = Command::new("node")
        .arg("server.js")
        .arg(port.to_string())
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .spawn()?;
    let mut line = String::new();
    use std::io::BufRead;
    std::io::BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line)?;
    anyhow::ensure!(line.starts_with("listening"), "node said: {line}");
    let version = Command::new("node").arg("--version").output()?;
    println!(
        "reference: node {} with ws (one topic map, JSON.stringify once, ws.send to each) on port {port}",
        String::from_utf8_lossy(&version.stdout).trim()
    );
    Ok((child, format!("127.0.0.1:{port}").parse()?))
}
