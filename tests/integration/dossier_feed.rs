//! The pull connector against a stand-in one-stop system: a real HTTP server in the test that
//! pages through its events, fails and repeats pages on command, and records which positions it
//! was asked for. Events must arrive exactly once, across failures, repeats and a restart.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{Duration as Span, Utc};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::harness::{spawn_app_with, TestApp};

const SECRET: &str = "feed-secret";
/// Events per page of the stand-in (smaller than what the connector asks for).
const PAGE: usize = 25;

#[derive(Default)]
struct Feed {
    events: Vec<Value>,
    /// Answer the next this-many requests with 500.
    fail_next: u32,
    /// Serve the next page without advancing the cursor (the same page comes again).
    repeat_next: bool,
    /// The cursor of every request, in order.
    asked: Vec<String>,
    unauthorised: u32,
}

type Shared = Arc<Mutex<Feed>>;

#[derive(Deserialize)]
struct Params {
    cursor: String,
    limit: usize,
}

async fn page(
    State(feed): State<Shared>,
    headers: HeaderMap,
    Query(p): Query<Params>,
) -> axum::response::Response {
    let mut f = feed.lock().unwrap();
    f.asked.push(p.cursor.clone());
    if headers.get("authorization").and_then(|v| v.to_str().ok())
        != Some(&format!("Bearer {SECRET}"))
    {
        f.unauthorised += 1;
        return StatusCode::UNAUTHORIZED.into_response();
    }
    if f.fail_next > 0 {
        f.fail_next -= 1;
        return (StatusCode::INTERNAL_SERVER_ERROR, "database restarting").into_response();
    }
    let start: usize = if p.cursor.is_empty() {
        0
    } else {
        p.cursor.parse().unwrap()
    };
    let end = (start + PAGE.min(p.limit)).min(f.events.len());
    let next = if std::mem::take(&mut f.repeat_next) {
        start
    } else {
        end
    };
    Json(json!({
        "events": f.events[start..end],
        "next_cursor": next.to_string(),
        "has_more": next < f.events.len(),
    }))
    .into_response()
}

async fn stand_in() -> (String, Shared) {
    let feed: Shared = Arc::default();
    let app = Router::new()
        .route("/feed", get(page))
        .with_state(feed.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/feed"), feed)
}

/// Three events (received, processing, finished) of dossier `n` at Xã Anh Sơn.
fn dossier(n: usize) -> Vec<Value> {
    let received = Utc::now() - Span::hours(30);
    (1..=3)
        .map(|seq| {
            let status = [2, 4, 9][seq - 1];
            json!({
                "dossier_id": format!("PULL-{n:04}"), "seq": seq, "status": status,
                "event_at": received + Span::minutes(seq as i64), "procedure": "1.001193",
                "unit": "17329", "commune": "17329", "channel": 1, "received_at": received,
            })
        })
        .collect()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.db).await.unwrap()
}

/// Waits until the database holds `events` dossier events (or fails after 30 s).
async fn until_events(app: &TestApp, events: i64) {
    for _ in 0..300 {
        if count(app, "SELECT count(*) FROM dossier_events").await >= events {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "{} of {events} events after 30 s",
        count(app, "SELECT count(*) FROM dossier_events").await
    );
}

#[tokio::test]
async fn the_connector_reads_every_event_once_across_failures_repeats_and_a_restart() {
    let (url, feed) = stand_in().await;
    {
        let mut f = feed.lock().unwrap();
        f.events = (0..30).flat_map(dossier).collect();
        f.fail_next = 2;
    }
    let flags = [
        format!("--onestop-url={url}"),
        format!("--onestop-token={SECRET}"),
        "--onestop-poll-ms=100".to_string(),
    ];
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    // The catalogue must exist before the first page is read: seed it, then start the server.
    let mut app = spawn_app_with(&["--onestop-poll-ms=100"]).await;
    ioc_server::dossiers::catalogue::seed_demo(&app.db, "40")
        .await
        .unwrap();
    app.stop_server().await;
    app.start_again(&flags).await;

    until_events(&app, 90).await;
    assert_eq!(count(&app, "SELECT count(*) FROM dossiers").await, 30);
    assert_eq!(
        count(&app, "SELECT sum(finished) FROM dossier_daily").await,
        30
    );
    {
        let f = feed.lock().unwrap();
        // Two failures, then the same first page asked again (the position did not move).
        assert_eq!(&f.asked[..3], ["", "", ""]);
        assert_eq!(f.unauthorised, 0);
    }

    // The feed repeats a page: its events are recognised, nothing counts twice.
    {
        let mut f = feed.lock().unwrap();
        f.repeat_next = true;
        f.events.extend((30..40).flat_map(dossier));
    }
    until_events(&app, 120).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        count(&app, "SELECT count(*) FROM dossier_events").await,
        120
    );
    assert_eq!(
        count(&app, "SELECT sum(received) FROM dossier_daily").await,
        40
    );

    // A restart resumes from the stored position, not from the beginning.
    app.stop_server().await;
    let stored: String =
        sqlx::query_scalar("SELECT cursor FROM dossier_feed_cursors WHERE source = 'onestop'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(stored, "120");
    let asked_before = {
        let mut f = feed.lock().unwrap();
        f.events.extend((40..45).flat_map(dossier));
        f.asked.len()
    };
    app.start_again(&flags).await;
    until_events(&app, 135).await;
    assert_eq!(feed.lock().unwrap().asked[asked_before], "120");
    assert_eq!(count(&app, "SELECT count(*) FROM dossiers").await, 45);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM (SELECT DISTINCT dossier_id, seq FROM dossier_events) e"
        )
        .await,
        135
    );
}
