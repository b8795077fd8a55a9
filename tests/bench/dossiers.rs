//! The dossier feed at a province's volume. Prints its figures; asserts nothing.
//!
//! `cargo bench -p ioc-server --bench dossiers` (`IOC_BENCH_EVENTS`, default 10,000,000) starts a
//! private PostgreSQL cluster and the server in-process, generates a province's dossiers with
//! the simulator (≈ 1.5 million a year, from as many years back as the event count needs) and
//! posts them through `POST /api/v1/dossier-events` in batches of 5,000 from 2 concurrent
//! clients, then prints:
//! - the sustained ingest rate (events stored per second, durable before each answer) and the
//!   batch latency;
//! - event-to-wall latency under that load: a probe dossier posted alone until the WebSocket
//!   follower of its commune's board has it (the rollups, the 766 worker and the hub included);
//! - the latency of the wall's and the 766 screens' queries at the end, with everything stored.
//!
//! Everything (load generator, server, PostgreSQL) runs on the same machine, as the targets ask.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Duration as Span, Utc};
use clap::Parser;
use futures::{SinkExt, StreamExt};
use ioc_protocol::{ClientFrame, Payload, ServerFrame};
use ioc_server::config::{Cli, Command};
use ioc_server::dossiers::simulate::Simulator;
use tokio_tungstenite::tungstenite::Message;

mod common;
use common::{report, rss_kib};

/// The server's allocator (see `server/src/main.rs`), so that the figures are the server's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const BATCH: usize = 5000;
const CLIENTS: usize = 2;
/// The commune the probes are sent for (Xã Anh Sơn, Nghệ An).
const PROBE_UNIT: &str = "17329";

#[tokio::main]
async fn main() {
    let target: usize = std::env::var("IOC_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000);
    let (dir, pg) = common::cluster("ioc-bench-dossiers").await;
    let args = [
        "ioc".to_string(),
        "serve".into(),
        "--addr=127.0.0.1:0".into(),
        format!("--database-url={}", pg.url("bench")),
        format!("--data-dir={}", dir.join("data").display()),
        "--demo=false".into(),
    ];
    let Command::Serve(config) = Cli::parse_from(args).command else {
        unreachable!("serve flags")
    };
    let running = ioc_server::start(config).await.expect("server");
    let addr = running.addr;
    let pool = sqlx::PgPool::connect(&pg.url("bench")).await.unwrap();
    ioc_server::dossiers::catalogue::seed_demo(&pool, "40")
        .await
        .unwrap();
    let token = |kind, scopes: &'static [String], screens: &'static [String]| {
        let pool = pool.clone();
        async move {
            let new = ioc_server::auth::tokens::NewToken {
                name: "bench",
                kind,
                unit_code: "40",
                scopes,
                screens,
                created_by: None,
                expires_at: None,
            };
            ioc_server::auth::tokens::create(&pool, &new)
                .await
                .unwrap()
                .0
        }
    };
    static WRITE: std::sync::LazyLock<[String; 1]> =
        std::sync::LazyLock::new(|| ["dossiers:write".to_string()]);
    static MAIN: std::sync::LazyLock<[String; 1]> =
        std::sync::LazyLock::new(|| ["main".to_string()]);
    let writer = token(ioc_protocol::TokenKind::Integration, &*WRITE, &[]).await;
    let reader = token(ioc_protocol::TokenKind::WallDisplay, &[], &*MAIN).await;
    let http = reqwest::Client::new();
    let url = format!("http://{addr}/api/v1/dossier-events");

    // The generator: a province's days, oldest first, far enough back for `target` events
    // (≈ 3.3 events a dossier, 1.5 million dossiers a year).
    let years = (target as f64 / 3.3 / 1_500_000.0).max(0.05);
    let start = Utc::now() - Span::days((years * 365.0).ceil() as i64);
    let (tx, rx) = tokio::sync::mpsc::channel::<Vec<u8>>(4);
    let generated = Arc::new(AtomicUsize::new(0));
    let mut sim = Simulator::new(&pool, "40", 766)
        .await
        .unwrap()
        .expect("catalogue");
    let gen = {
        let generated = generated.clone();
        tokio::spawn(async move {
            let mut day = start;
            // Up to the start of today (Vietnam): today's receipts are the probes' alone.
            let today = ioc_server::dossiers::today();
            let end =
                today.and_hms_opt(0, 0, 0).unwrap().and_utc() - ioc_server::dossiers::UTC_OFFSET;
            'days: while day < end {
                let next = (day + Span::days(1)).min(end);
                sim.arrivals(day, next, 1_500_000.0);
                loop {
                    let events = sim.due(next, BATCH);
                    if events.is_empty() {
                        break;
                    }
                    let n = events.len();
                    #[derive(serde::Serialize)]
                    struct Body<'a> {
                        events: &'a [Box<serde_json::value::RawValue>],
                    }
                    let body = serde_json::to_vec(&Body { events: &events }).unwrap();
                    if tx.send(body).await.is_err() {
                        break 'days;
                    }
                    if generated.fetch_add(n, Ordering::Relaxed) + n >= target {
                        break 'days;
                    }
                }
                day = next;
            }
        })
    };

    // The posters.
    let rx = Arc::new(tokio::sync::Mutex::new(rx));
    let stored = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut posters = Vec::new();
    for _ in 0..CLIENTS {
        let (rx, http, url, writer, stored) = (
            rx.clone(),
            http.clone(),
            url.clone(),
            writer.clone(),
            stored.clone(),
        );
        posters.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let Some(body) = rx.lock().await.recv().await else {
                    return latencies;
                };
                let t = Instant::now();
                let r = http
                    .post(&url)
                    .bearer_auth(&writer)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .expect("post");
                assert!(r.status().is_success(), "batch refused: {}", r.status());
                let receipt: ioc_protocol::DossierIngestReceipt = r.json().await.unwrap();
                latencies.push(t.elapsed());
                stored.fetch_add(receipt.stored, Ordering::Relaxed);
            }
        }));
    }

    // Probes while the load runs: one new dossier at the probe commune, until its board shows it.
    let mut ws = {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut req = format!("ws://{addr}/ws").into_client_request().unwrap();
        req.headers_mut()
            .insert("authorization", format!("Bearer {reader}").parse().unwrap());
        tokio_tungstenite::connect_async(req).await.unwrap().0
    };
    let frame = ClientFrame::Subscribe {
        topic: format!("dossiers/{PROBE_UNIT}"),
        since: None,
    };
    ws.send(Message::text(serde_json::to_string(&frame).unwrap()))
        .await
        .unwrap();
    let mut probe_latencies = Vec::new();
    let mut probe_stored = Vec::new();
    let mut last_report = Instant::now();
    let mut probes = 0;
    while !gen.is_finished()
        || stored.load(Ordering::Relaxed) + BATCH < generated.load(Ordering::Relaxed)
    {
        tokio::time::sleep(Duration::from_secs(3)).await;
        probes += 1;
        let now = Utc::now();
        let probe = serde_json::json!({"events": [{
            "dossier_id": format!("PROBE-{probes}"), "seq": 1, "status": 2, "event_at": now,
            "procedure": "1.001193", "unit": PROBE_UNIT, "commune": PROBE_UNIT, "channel": 1,
            "received_at": now
        }]});
        let t = Instant::now();
        let r = http
            .post(&url)
            .bearer_auth(&writer)
            .json(&probe)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
        probe_stored.push(t.elapsed());
        // The board that counts this probe among today's receipts.
        let seen = tokio::time::timeout(Duration::from_secs(30), async {
            while let Some(Ok(Message::Text(t))) = ws.next().await {
                let board = match serde_json::from_str::<ServerFrame>(&t) {
                    Ok(ServerFrame::Publication(p)) => p.data,
                    Ok(ServerFrame::Subscribed { state: Some(s), .. }) => s,
                    _ => continue,
                };
                if let Payload::Dossiers(b) = board {
                    if b.received_today >= probes {
                        return true;
                    }
                }
            }
            false
        })
        .await;
        if matches!(seen, Ok(true)) {
            probe_latencies.push(t.elapsed());
        }
        if last_report.elapsed() > Duration::from_secs(30) {
            last_report = Instant::now();
            let n = stored.load(Ordering::Relaxed);
            println!(
                "… {n} events stored, {:.0} events/s, RSS {} MiB",
                n as f64 / started.elapsed().as_secs_f64(),
                rss_kib() / 1024
            );
        }
    }
    gen.await.unwrap();
    let mut batch_latencies = Vec::new();
    for p in posters {
        batch_latencies.extend(p.await.unwrap());
    }
    let elapsed = started.elapsed();
    let total = stored.load(Ordering::Relaxed);
    println!(
        "ingest: {total} events in {:.1} s = {:.0} events/s sustained ({CLIENTS} clients, batches of {BATCH}, durable before each answer)",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64()
    );
    report("batch latency", batch_latencies);
    report("event → wall (probe under load)", probe_latencies);
    report("  of which stored (probe's POST answered)", probe_stored);
    // The board worker's recomputation time (all boards and the shown periods' indexes).
    let metrics = http
        .get(format!("http://{addr}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for line in metrics
        .lines()
        .filter(|l| l.starts_with("ioc_dossier_board_seconds"))
    {
        println!("  {line}");
    }

    // The screens' queries with everything stored.
    let get = |path: String| {
        let (http, reader) = (http.clone(), reader.clone());
        async move {
            let t = Instant::now();
            let r = http
                .get(format!("http://{addr}{path}"))
                .bearer_auth(&reader)
                .send()
                .await
                .unwrap();
            assert!(r.status().is_success(), "{path}: {}", r.status());
            r.bytes().await.unwrap();
            t.elapsed()
        }
    };
    // Let the worker catch up, then time the queries.
    tokio::time::sleep(Duration::from_secs(5)).await;
    for path in [
        "/api/v1/dossier-boards/40".to_string(),
        format!("/api/v1/dossier-boards/{PROBE_UNIT}"),
        format!("/api/v1/index766/{PROBE_UNIT}?period=rolling30"),
        "/api/v1/index766/40?period=year".to_string(),
        "/api/v1/index766-ranking?kind=commune&period=month".to_string(),
        "/api/v1/index766-ranking?kind=department&period=quarter".to_string(),
        format!("/api/v1/dossiers?unit={PROBE_UNIT}&state=overdue&limit=100"),
        format!("/api/v1/dossiers?commune={PROBE_UNIT}&state=open&limit=100"),
    ] {
        get(path.clone()).await; // a first call may compute a period not computed yet
        let mut samples = Vec::new();
        for _ in 0..200 {
            samples.push(get(path.clone()).await);
        }
        report(&format!("GET {path}"), samples);
    }
    // How long one recomputation of every board and index takes with everything stored.
    let t = Instant::now();
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM dossier_daily")
        .fetch_one(&pool)
        .await
        .unwrap();
    println!(
        "rollup rows (dossier_daily): {rows} (counted in {:.1?})",
        t.elapsed()
    );
    let sizes: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT t, pg_size_pretty(coalesce((SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree(t::regclass) WHERE isleaf)::bigint, pg_total_relation_size(t::regclass)))
         FROM unnest(ARRAY['dossiers','dossier_events','dossier_daily','dossier_open','dossier_procedure_months','dossier_index']) t",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    println!("sizes: {sizes:?}");
    let dossiers: i64 = sqlx::query_scalar("SELECT count(*) FROM dossiers")
        .fetch_one(&pool)
        .await
        .unwrap();
    println!("dossiers: {dossiers}");
    running.stop().await.unwrap();
    drop(pool);
    drop(pg);
    let _ = std::fs::remove_dir_all(&dir);
}
