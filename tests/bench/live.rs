//! Benchmarks of the write path and the live hub. Prints its figures; asserts nothing.
//!
//! `cargo bench -p ioc-server --bench live` — starts a private PostgreSQL cluster and the server
//! in-process, then measures:
//! - ingest throughput (batches of 500 points through `POST /api/v1/points`);
//! - commit-to-screen latency: POST of one point until a WebSocket subscriber has it;
//! - fan-out: one point to N subscribers of the same topic;
//! - memory per idle WebSocket connection (resident set size of this process);
//! - approval-to-wall latency: an approver's `POST …/approve` until a wall's WebSocket has the
//!   month's figure (the target: under a second).

use std::time::Instant;

use clap::Parser;
use futures::{SinkExt, StreamExt};
use ioc_protocol::{ClientFrame, PointBatch, PointIn, ServerFrame};
use ioc_server::config::{Cli, Command};
use tokio_tungstenite::tungstenite::Message;

mod common;
use common::{report, rss_kib, SERIES};

const TOKEN: &str = "bench-token-0123456789abcdef";
type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The wall-display token the subscribers present (set once in `main`).
static READER: std::sync::OnceLock<String> = std::sync::OnceLock::new();

async fn subscribe(addr: std::net::SocketAddr, topic: &str) -> Ws {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    // Small client buffers, so that the memory figure is mostly the server's.
    let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(0);
    let mut req = format!("ws://{addr}/ws").into_client_request().unwrap();
    req.headers_mut().insert(
        "authorization",
        format!("Bearer {}", READER.get().expect("reader token"))
            .parse()
            .unwrap(),
    );
    let (mut ws, _) = tokio_tungstenite::connect_async_with_config(req, Some(config), false)
        .await
        .unwrap();
    let frame = ClientFrame::Subscribe {
        topic: topic.into(),
        since: None,
    };
    ws.send(Message::text(serde_json::to_string(&frame).unwrap()))
        .await
        .unwrap();
    next_publication_or_subscribed(&mut ws).await;
    ws
}

async fn next_publication_or_subscribed(ws: &mut Ws) -> ServerFrame {
    loop {
        match ws.next().await.unwrap().unwrap() {
            Message::Text(t) => {
                // A batch (the server coalesced frames) stands for its last frame here.
                return match serde_json::from_str(t.as_str()).unwrap() {
                    ServerFrame::Batch { mut frames } => frames.pop().expect("a non-empty batch"),
                    f => f,
                };
            }
            _ => continue,
        }
    }
}

#[tokio::main]
async fn main() {
    let (dir, pg) = common::cluster("ioc-bench").await;
    let data = dir.join("data");
    let args = [
        "ioc".to_string(),
        "serve".into(),
        "--addr=127.0.0.1:0".into(),
        format!("--database-url={}", pg.url("bench")),
        format!("--data-dir={}", data.display()),
        format!("--ingest-token={TOKEN}"),
        "--demo=false".into(),
    ];
    let Command::Serve(config) = Cli::parse_from(args).command else {
        unreachable!("serve flags")
    };
    let running = ioc_server::start(config).await.expect("server");
    let addr = running.addr;
    let pool = sqlx::PgPool::connect(&pg.url("bench")).await.unwrap();
    let screens = ["main".to_string()];
    let new = ioc_server::auth::tokens::NewToken {
        name: "bench wall",
        kind: ioc_protocol::TokenKind::WallDisplay,
        unit_code: "40",
        scopes: &[],
        screens: &screens,
        created_by: None,
        expires_at: None,
    };
    READER
        .set(
            ioc_server::auth::tokens::create(&pool, &new)
                .await
                .unwrap()
                .0,
        )
        .unwrap();
    let http = reqwest::Client::new();
    let url = format!("http://{addr}/api/v1/points");
    let base = chrono::DateTime::parse_from_rfc3339("2019-01-01T00:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);

    // 1. Ingest throughput.
    let batches = 40;
    let per_batch = 500;
    let started = Instant::now();
    for b in 0..batches {
        let points: Vec<PointIn> = (0..per_batch)
            .map(|i| PointIn {
                series: SERIES[i % SERIES.len()].into(),
                unit: "40".into(),
                ts: base + chrono::Duration::hours((b * per_batch + i) as i64),
                value: (b * per_batch + i) as f64,
            })
            .collect();
        let r = http
            .post(&url)
            .bearer_auth(TOKEN)
            .json(&PointBatch { points })
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "ingest: {} points in {} batches of {per_batch}: {:.0} points/s ({:.1} ms per batch)",
        batches * per_batch,
        batches,
        (batches * per_batch) as f64 / secs,
        secs * 1000.0 / batches as f64
    );

    // 2. Commit-to-screen latency for one subscriber.
    let mut ws = subscribe(addr, "indicator/cpi/40").await;
    let mut samples = Vec::new();
    for i in 0..300 {
        let body = PointBatch {
            points: vec![PointIn {
                series: "cpi".into(),
                unit: "40".into(),
                ts: chrono::Utc::now(),
                value: i as f64,
            }],
        };
        let t0 = Instant::now();
        let r = http
            .post(&url)
            .bearer_auth(TOKEN)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
        loop {
            if let ServerFrame::Publication(_) = next_publication_or_subscribed(&mut ws).await {
                break;
            }
        }
        samples.push(t0.elapsed());
    }
    report("POST → WebSocket delivery (1 subscriber)", samples);
    drop(ws);

    // 3. Fan-out to many subscribers, and memory per connection.
    let rss_before = rss_kib();
    let n = 1000;
    let mut subs = Vec::with_capacity(n);
    for _ in 0..n {
        subs.push(subscribe(addr, "indicator/iip/40").await);
    }
    let rss_after = rss_kib();
    println!(
        "memory: {n} subscribed WebSocket connections (server and client in this process): {:.1} KiB each",
        (rss_after.saturating_sub(rss_before)) as f64 / n as f64
    );
    let mut samples = Vec::new();
    for i in 0..20 {
        let body = PointBatch {
            points: vec![PointIn {
                series: "iip".into(),
                unit: "40".into(),
                ts: chrono::Utc::now(),
                value: i as f64,
            }],
        };
        let t0 = Instant::now();
        http.post(&url)
            .bearer_auth(TOKEN)
            .json(&body)
            .send()
            .await
            .unwrap();
        let waits = subs.iter_mut().map(|ws| async {
            loop {
                if let ServerFrame::Publication(_) = next_publication_or_subscribed(ws).await {
                    break;
                }
            }
        });
        futures::future::join_all(waits).await;
        samples.push(t0.elapsed());
    }
    report(&format!("POST → delivered to all {n} subscribers"), samples);

    drop(subs);

    // 4. Approval to wall: a department's report approved, the wall's tile has the figure.
    let editor = sign_in(
        &http,
        &pool,
        addr,
        "bench.editor",
        "unit_editor",
        Some("dept-stc"),
    )
    .await;
    let approver = sign_in(&http, &pool, addr, "bench.approver", "approver", None).await;
    let period = ioc_protocol::format_period(ioc_protocol::months_before(
        ioc_protocol::ts_period(chrono::Utc::now()),
        1,
    ));
    let url_of_report = format!("http://{addr}/api/v1/submissions/dept-stc/{period}");
    let mut ws = subscribe(addr, "indicator/budget_revenue/40").await;
    let mut samples = Vec::new();
    for i in 0..50 {
        let values: Vec<serde_json::Value> = [
            "budget_revenue",
            "public_investment",
            "new_enterprises",
            "new_enterprise_capital",
        ]
        .iter()
        .map(|s| serde_json::json!({"series": s, "value": 1000.0 + i as f64}))
        .collect();
        let save = serde_json::json!({"kind": "estimate", "values": values});
        let r = editor
            .req(
                &http,
                reqwest::Method::PUT,
                &format!("{url_of_report}/entries"),
            )
            .json(&save)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "save: {}", r.text().await.unwrap());
        let r = editor
            .req(
                &http,
                reqwest::Method::POST,
                &format!("{url_of_report}/submit"),
            )
            .send()
            .await
            .unwrap();
        assert!(
            r.status().is_success(),
            "submit: {}",
            r.text().await.unwrap()
        );
        let t0 = Instant::now();
        let r = approver
            .req(
                &http,
                reqwest::Method::POST,
                &format!("{url_of_report}/approve"),
            )
            .send()
            .await
            .unwrap();
        assert!(
            r.status().is_success(),
            "approve: {}",
            r.text().await.unwrap()
        );
        loop {
            if let ServerFrame::Publication(_) = next_publication_or_subscribed(&mut ws).await {
                break;
            }
        }
        samples.push(t0.elapsed());
    }
    report("approve → figure on the wall's WebSocket", samples);
    drop(ws);

    running.stop().await.unwrap();
    tokio::task::spawn_blocking(move || pg.stop())
        .await
        .unwrap();
    let _ = std::fs::remove_dir_all(dir);
}

/// A signed-in person of the benchmark: session cookie and CSRF token.
struct Person {
    cookie: String,
    csrf: String,
}

impl Person {
    fn req(
        &self,
        http: &reqwest::Client,
        method: reqwest::Method,
        url: &str,
    ) -> reqwest::RequestBuilder {
        http.request(method, url)
            .header("cookie", &self.cookie)
            .header("x-csrf-token", &self.csrf)
    }
}

async fn sign_in(
    http: &reqwest::Client,
    pool: &sqlx::PgPool,
    addr: std::net::SocketAddr,
    username: &str,
    role: &str,
    unit: Option<&str>,
) -> Person {
    use ioc_protocol::{Me, NewUserRequest, RoleGrant};
    let password = "benchmark-password-2026";
    let req = NewUserRequest {
        username: username.into(),
        display_name: username.into(),
        password: password.into(),
        unit: None,
        email: None,
        roles: vec![RoleGrant {
            role: ioc_protocol::Role::parse(role).expect("a role"),
            unit: unit.map(String::from),
        }],
    };
    ioc_server::auth::routes::create_account(pool, &ioc_server::audit::Actor::system("bench"), req)
        .await
        .unwrap();
    let r = http
        .post(format!("http://{addr}/api/v1/auth/login"))
        .json(&serde_json::json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap();
    let cookie = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let me: Me = r.json().await.unwrap();
    Person {
        cookie,
        csrf: me.csrf_token,
    }
}
