//! Delivery to the Government reporting system, end to end: the real server's worker against a
//! real HTTP server standing in for the Government system. The stand-in checks every signature,
//! keeps what it receives by idempotency key (a repeated key gets the same receipt and is not
//! stored twice, as a real idempotent receiver does) and can be told to misbehave: 503s, dropped
//! connections, and the "lost acknowledgement" (stored, then a 500 or no answer in time).

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use hmac::{Hmac, Mac};
use ioc_protocol::{
    DeliveryList, DeliveryStatus, DeliveryView, FigureKind, ReportMessage, ReportMessageFigure,
};
use reqwest::header::COOKIE;
use serde_json::{json, Value};
use sha2::Sha256;

use crate::harness::{spawn_app_with, Session, TestApp, TOKEN};

const KEY_ID: &str = "nghe-an-ioc";
const SECRET: &str = "shared-secret-of-the-test-receiver";
/// Signatures older or newer than this are refused by the stand-in (replay window).
const CLOCK_SKEW_SECS: i64 = 300;

/// How the stand-in answers the next request.
#[derive(Clone, Copy, Debug)]
enum Fault {
    /// 503, optionally with `Retry-After: <secs>`; nothing stored.
    Unavailable(Option<u64>),
    /// The connection is closed without an answer; nothing stored.
    Drop,
    /// Stored, then a 500: the sender cannot know it arrived.
    StoreThen500,
    /// Stored, then no answer before the sender's timeout.
    StoreThenStall,
    /// No answer at all, nothing stored (a hung receiver).
    Stall,
}

/// One message the stand-in keeps.
#[derive(Clone, Debug)]
struct Stored {
    key: String,
    body: Bytes,
    receipt_id: String,
}

/// One request, as the stand-in saw it.
#[derive(Clone, Debug)]
struct Hit {
    key: String,
    at: Instant,
    /// The status answered; `None` when the connection was dropped or stalled.
    answered: Option<u16>,
}

#[derive(Default)]
struct Inner {
    stored: Vec<Stored>,
    hits: Vec<Hit>,
    faults: VecDeque<Fault>,
    /// Every request gets 503 (an outage of unknown length).
    down: bool,
    /// Every request stalls without being stored.
    hung: bool,
    bad_signatures: usize,
}

#[derive(Clone)]
struct Receiver {
    inner: Arc<Mutex<Inner>>,
    addr: SocketAddr,
}

impl Receiver {
    async fn start() -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let r = Receiver {
            inner: Arc::default(),
            addr,
        };
        let app = Router::new()
            .route("/api/receive", post(receive))
            .with_state(r.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        r
    }

    fn url(&self) -> String {
        format!("http://{}/api/receive", self.addr)
    }

    /// The flags that point the server at this stand-in, plus `extra`.
    fn flags(&self, extra: &[&str]) -> Vec<String> {
        let mut f = vec![
            format!("--central-url={}", self.url()),
            format!("--central-key-id={KEY_ID}"),
            format!("--central-secret={SECRET}"),
            "--central-backoff-ms=50".to_string(),
            "--central-timeout-ms=3000".to_string(),
        ];
        // A flag given in `extra` replaces its default above.
        let name = |a: &str| a.split('=').next().unwrap_or(a).to_string();
        f.retain(|d| !extra.iter().any(|e| name(e) == name(d)));
        f.extend(extra.iter().map(|s| s.to_string()));
        f
    }

    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        f(&mut self.inner.lock().unwrap())
    }

    fn fail_next(&self, faults: &[Fault]) {
        self.with(|i| i.faults.extend(faults.iter().copied()));
    }

    fn stored(&self) -> Vec<Stored> {
        self.with(|i| i.stored.clone())
    }

    fn hits(&self) -> Vec<Hit> {
        self.with(|i| i.hits.clone())
    }

    fn copies_of(&self, key: &str) -> usize {
        self.with(|i| i.stored.iter().filter(|s| s.key == key).count())
    }

    fn receipt_of(&self, key: &str) -> Option<String> {
        self.with(|i| {
            i.stored
                .iter()
                .find(|s| s.key == key)
                .map(|s| s.receipt_id.clone())
        })
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The check a receiving system makes: known key id, fresh timestamp, HMAC-SHA256 of
/// `"<timestamp>.<raw body>"` under the shared secret, JSON content.
fn signature_ok(headers: &HeaderMap, body: &[u8]) -> bool {
    let h = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    let Ok(ts) = h("x-ioc-timestamp").parse::<i64>() else {
        return false;
    };
    if h("x-ioc-key-id") != KEY_ID || (chrono::Utc::now().timestamp() - ts).abs() > CLOCK_SKEW_SECS
    {
        return false;
    }
    if h("content-type") != "application/json" || h("idempotency-key").is_empty() {
        return false;
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(format!("{ts}.").as_bytes());
    mac.update(body);
    h("x-ioc-signature") == format!("sha256={}", hex(&mac.finalize().into_bytes()))
}

async fn receive(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> Response {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let hit = |answered: Option<u16>| {
        r.with(|i| {
            i.hits.push(Hit {
                key: key.clone(),
                at: Instant::now(),
                answered,
            })
        });
    };
    let fault = r.with(|i| {
        if i.hung {
            Some(Fault::Stall)
        } else if i.down {
            Some(Fault::Unavailable(None))
        } else {
            i.faults.pop_front()
        }
    });
    // Faults in front of the application (a proxy, the network) come before authentication.
    match fault {
        Some(Fault::Unavailable(retry_after)) => {
            hit(Some(503));
            let mut resp = (StatusCode::SERVICE_UNAVAILABLE, "maintenance").into_response();
            if let Some(s) = retry_after {
                resp.headers_mut()
                    .insert("retry-after", s.to_string().parse().unwrap());
            }
            return resp;
        }
        Some(Fault::Drop) => {
            hit(None);
            // Unwinding ends the connection's task, so the socket closes with no answer at all;
            // `resume_unwind` does this without the panic hook's message.
            std::panic::resume_unwind(Box::new("drop the connection"));
        }
        Some(Fault::Stall) => {
            hit(None);
            tokio::time::sleep(Duration::from_secs(120)).await;
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
        _ => {}
    }
    if !signature_ok(&headers, &body) {
        r.with(|i| i.bad_signatures += 1);
        hit(Some(401));
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "bad signature"})),
        )
            .into_response();
    }
    let receipt_id = r.with(|i| match i.stored.iter().find(|s| s.key == key) {
        Some(s) => s.receipt_id.clone(),
        None => {
            let receipt_id = format!("BC-{:06}", i.stored.len() + 1);
            i.stored.push(Stored {
                key: key.clone(),
                body: body.clone(),
                receipt_id: receipt_id.clone(),
            });
            receipt_id
        }
    });
    match fault {
        Some(Fault::StoreThen500) => {
            hit(Some(500));
            (StatusCode::INTERNAL_SERVER_ERROR, "oops").into_response()
        }
        Some(Fault::StoreThenStall) => {
            hit(None);
            tokio::time::sleep(Duration::from_secs(120)).await;
            StatusCode::OK.into_response()
        }
        _ => {
            hit(Some(200));
            Json(json!({"receipt_id": receipt_id, "idempotency_key": key})).into_response()
        }
    }
}

async fn spawn(flags: &[String]) -> TestApp {
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    spawn_app_with(&flags).await
}

/// A report of `unit` for October 2026 in state `status` at `revision`.
async fn submission(app: &TestApp, unit: &str, status: &str, revision: i32) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO submissions (group_code, unit_code, period, status, revision, submitted_at, decided_at)
         VALUES ('monthly-gov', $1, DATE '2026-10-01', $2, $3, now(), now()) RETURNING id",
    )
    .bind(unit)
    .bind(status)
    .bind(revision)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

/// The message an approval of revision `revision` of report `id` queues.
fn message(id: i64, revision: i32, unit: &str) -> ReportMessage {
    ReportMessage {
        schema: ReportMessage::SCHEMA.into(),
        province: "40".into(),
        group: "monthly-gov".into(),
        reporting_unit: unit.into(),
        area: "40".into(),
        period: "2026-10".into(),
        submission_id: id,
        revision,
        approved_at: chrono::Utc::now(),
        approved_by: "user:pheduyet".into(),
        figures: vec![ReportMessageFigure {
            indicator: "retail_sales".into(),
            name: "Tổng mức bán lẻ — số liệu chính thức".into(),
            measure: "tỷ đồng".into(),
            kind: FigureKind::Official,
            value: 7450.3,
            ytd: Some(68012.5),
        }],
    }
}

/// Queues revision `revision` of report `id` as the approval does (in a transaction, through
/// `central::enqueue`); returns the idempotency key.
async fn enqueue(app: &TestApp, id: i64, revision: i32, unit: &str) -> String {
    let key = format!("ioc-40-monthly-gov-{unit}-2026-10-r{revision}");
    let payload = message(id, revision, unit);
    let mut tx = app.db.begin().await.unwrap();
    ioc_server::central::enqueue(&mut tx, &key, Some(id), &payload)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    // The message names its kind: the worker hands its acknowledgement to the indicators.
    let kind: String =
        sqlx::query_scalar("SELECT kind FROM central_outbox WHERE idempotency_key = $1")
            .bind(&key)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(kind, "indicators.report");
    key
}

#[derive(Debug, sqlx::FromRow)]
struct OutboxRow {
    id: i64,
    idempotency_key: String,
    status: String,
    attempts: i32,
    body: String,
    receipt_id: Option<String>,
    last_http_status: Option<i32>,
    last_error: Option<String>,
}

async fn outbox(app: &TestApp) -> Vec<OutboxRow> {
    sqlx::query_as(
        "SELECT id, idempotency_key, status, attempts, payload::text AS body, receipt ->> 'receipt_id' AS receipt_id,
                last_http_status, last_error
         FROM central_outbox ORDER BY id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap()
}

/// Attempts of one message as recorded: (http status, error), in order.
async fn attempts_of(app: &TestApp, outbox_id: i64) -> Vec<(Option<i32>, Option<String>)> {
    sqlx::query_as(
        "SELECT http_status, error FROM central_attempts WHERE outbox_id = $1 ORDER BY id",
    )
    .bind(outbox_id)
    .fetch_all(&app.db)
    .await
    .unwrap()
}

/// Polls `check` until it holds, failing after `within`.
async fn until<F, Fut>(what: &str, within: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + within;
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

async fn all_in(app: &TestApp, status: &str) -> bool {
    let rows = outbox(app).await;
    !rows.is_empty() && rows.iter().all(|r| r.status == status)
}

async fn status_of(app: &TestApp, submission: i64) -> String {
    sqlx::query_scalar("SELECT status FROM submissions WHERE id = $1")
        .bind(submission)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

fn as_session(
    app: &TestApp,
    s: &Session,
    method: reqwest::Method,
    path: &str,
    csrf: bool,
) -> reqwest::RequestBuilder {
    let req = app
        .http
        .request(method, app.url(path))
        .header(COOKIE, &s.cookie);
    if csrf {
        req.header("x-csrf-token", &s.csrf)
    } else {
        req
    }
}

#[tokio::test]
async fn approved_figures_arrive_once_signed_with_the_stored_bodies() {
    let rx = Receiver::start().await;
    let app = spawn(&rx.flags(&[])).await;
    let a = submission(&app, "dept-stc", "approved", 1).await;
    let b = submission(&app, "dept-sct", "approved", 1).await;
    // Revision 1 of this report was approved and queued, then a revision 2 was approved: the
    // delivery of revision 1 must not mark revision 2 as sent.
    let c = submission(&app, "dept-hq", "approved", 2).await;
    let keys = [
        enqueue(&app, a, 1, "dept-stc").await,
        enqueue(&app, b, 1, "dept-sct").await,
        enqueue(&app, c, 1, "dept-hq").await,
    ];

    until("all three delivered", Duration::from_secs(15), || {
        all_in(&app, "delivered")
    })
    .await;

    let rows = outbox(&app).await;
    assert_eq!(rx.with(|i| i.bad_signatures), 0);
    assert_eq!(rx.stored().len(), keys.len());
    assert_eq!(
        rx.hits().len(),
        keys.len(),
        "one request per message: {:?}",
        rx.hits()
    );
    for row in &rows {
        assert_eq!(
            rx.copies_of(&row.idempotency_key),
            1,
            "{}",
            row.idempotency_key
        );
        let got = rx
            .stored()
            .into_iter()
            .find(|s| s.key == row.idempotency_key)
            .unwrap();
        assert_eq!(
            got.body,
            row.body.as_bytes(),
            "the stored payload, byte for byte"
        );
        assert_eq!(
            row.receipt_id,
            rx.receipt_of(&row.idempotency_key),
            "the receipt is kept"
        );
        assert_eq!(row.attempts, 1);
        assert_eq!(attempts_of(&app, row.id).await, vec![(Some(200), None)]);
    }
    let sent: Vec<Value> = rx
        .stored()
        .iter()
        .map(|s| serde_json::from_slice(&s.body).unwrap())
        .collect();
    assert!(sent
        .iter()
        .all(|v| v["figures"][0]["value"] == json!(7450.3)
            && v["figures"][0]["name"] == "Tổng mức bán lẻ — số liệu chính thức"));

    assert_eq!(status_of(&app, a).await, "sent");
    assert_eq!(status_of(&app, b).await, "sent");
    assert_eq!(
        status_of(&app, c).await,
        "approved",
        "only the revision that was sent is marked sent"
    );
    let sent_at: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("SELECT sent_at FROM submissions WHERE id = $1")
            .bind(a)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(sent_at.is_some());

    // The status page of a configured server.
    let approver = app.sign_in_new("duyet", "approver", None).await;
    let r = as_session(
        &app,
        &approver,
        reqwest::Method::GET,
        "/api/v1/central/deliveries",
        false,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    let list: DeliveryList = r.json().await.unwrap();
    assert!(list.configured);
    assert_eq!(list.endpoint.as_deref(), Some(rx.url().as_str()));
    assert_eq!((list.pending, list.delivered, list.failed), (0, 3, 0));
    assert!(list
        .items
        .iter()
        .all(|i| i.status == DeliveryStatus::Delivered && i.receipt_id.is_some()));
    app.stop().await;
}

#[tokio::test]
async fn an_outage_delays_but_loses_and_duplicates_nothing() {
    let rx = Receiver::start().await;
    let base_ms = 100u64;
    let app = spawn(&rx.flags(&[&format!("--central-backoff-ms={base_ms}")])).await;
    let faults = [
        Fault::Unavailable(Some(1)),
        Fault::Unavailable(None),
        Fault::Drop,
        Fault::Unavailable(None),
        Fault::Unavailable(None),
    ];
    rx.fail_next(&faults);
    let mut keys = Vec::new();
    for unit in ["dept-stc", "dept-sct", "dept-hq"] {
        let id = submission(&app, unit, "approved", 1).await;
        keys.push(enqueue(&app, id, 1, unit).await);
    }

    until(
        "all delivered after the outage",
        Duration::from_secs(30),
        || all_in(&app, "delivered"),
    )
    .await;

    let hits = rx.hits();
    assert_eq!(
        hits.len(),
        faults.len() + keys.len(),
        "every failure retried, every message sent once more: {hits:?}"
    );
    assert_eq!(rx.stored().len(), keys.len());
    for key in &keys {
        assert_eq!(rx.copies_of(key), 1, "{key}");
    }
    let rows = outbox(&app).await;
    let mut total = 0;
    for row in &rows {
        let recorded = attempts_of(&app, row.id).await;
        let seen: Vec<Option<u16>> = hits
            .iter()
            .filter(|h| h.key == row.idempotency_key)
            .map(|h| h.answered)
            .collect();
        assert_eq!(recorded.len(), row.attempts as usize);
        assert_eq!(
            recorded.len(),
            seen.len(),
            "one recorded attempt per request of {}",
            row.idempotency_key
        );
        for ((status, error), answered) in recorded.iter().zip(&seen) {
            assert_eq!(status.map(|s| s as u16), *answered);
            assert_eq!(
                error.is_some(),
                *answered != Some(200),
                "{status:?} {error:?}"
            );
        }
        assert_eq!(recorded.last().unwrap().0, Some(200));
        assert_eq!(row.last_error, None);
        total += row.attempts as usize;
    }
    assert_eq!(total, hits.len());

    // Backoff: after its n-th failure a message waits at least half of base·2^(n-1) (the jitter
    // only adds), and at least the Retry-After it was given.
    for key in &keys {
        let mine: Vec<&Hit> = hits.iter().filter(|h| &h.key == key).collect();
        for (n, pair) in mine.windows(2).enumerate() {
            let gap = pair[1].at - pair[0].at;
            let backoff = Duration::from_millis(base_ms * (1 << n) / 2);
            let first_hit_of_all = std::ptr::eq(pair[0], &hits[0]);
            let least = if first_hit_of_all {
                Duration::from_secs(1)
            } else {
                backoff
            };
            assert!(
                gap + Duration::from_millis(5) >= least,
                "{key}: retry {} after {gap:?}, expected ≥ {least:?}",
                n + 1
            );
        }
    }

    let metrics = app
        .http
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("ioc_central_retried_total")
            && metrics.contains("ioc_central_delivered_total")
    );
    assert!(metrics.contains("ioc_central_pending"));
    app.stop().await;
}

#[tokio::test]
async fn a_lost_acknowledgement_is_resent_under_the_same_key_and_kept_once() {
    let rx = Receiver::start().await;
    let app = spawn(&rx.flags(&["--central-timeout-ms=400"])).await;
    rx.fail_next(&[Fault::StoreThen500, Fault::StoreThenStall]);
    let a = submission(&app, "dept-stc", "approved", 1).await;
    let b = submission(&app, "dept-sct", "approved", 1).await;
    let keys = [
        enqueue(&app, a, 1, "dept-stc").await,
        enqueue(&app, b, 1, "dept-sct").await,
    ];

    until("both delivered", Duration::from_secs(20), || {
        all_in(&app, "delivered")
    })
    .await;

    let hits = rx.hits();
    let first = hits[0].key.clone();
    let second = hits[1].key.clone();
    assert_ne!(first, second);
    assert_eq!(
        rx.stored().len(),
        2,
        "the stand-in holds exactly one copy of each"
    );
    for key in &keys {
        assert_eq!(rx.copies_of(key), 1);
        assert_eq!(
            hits.iter().filter(|h| &h.key == key).count(),
            2,
            "sent twice: {hits:?}"
        );
    }
    for row in outbox(&app).await {
        assert_eq!(
            row.receipt_id,
            rx.receipt_of(&row.idempotency_key),
            "the receipt of the first, stored copy"
        );
        let recorded = attempts_of(&app, row.id).await;
        assert_eq!(recorded.len(), 2);
        assert_eq!(recorded[1], (Some(200), None));
        if row.idempotency_key == first {
            assert_eq!(recorded[0].0, Some(500));
        } else {
            assert_eq!(recorded[0].0, None);
            assert!(
                recorded[0]
                    .1
                    .as_deref()
                    .unwrap()
                    .contains("no answer within 400 ms"),
                "{recorded:?}"
            );
        }
    }
    assert_eq!(status_of(&app, a).await, "sent");
    assert_eq!(status_of(&app, b).await, "sent");
    app.stop().await;
}

#[tokio::test]
async fn a_refused_message_fails_at_once_and_an_admin_can_queue_it_again() {
    let rx = Receiver::start().await;
    let app = spawn(&rx.flags(&["--central-secret=not-the-shared-secret"])).await;
    let id = submission(&app, "dept-stc", "approved", 1).await;
    let key = enqueue(&app, id, 1, "dept-stc").await;

    until("the 401 fails the message", Duration::from_secs(15), || {
        all_in(&app, "failed")
    })
    .await;
    let row = outbox(&app).await.remove(0);
    assert_eq!(row.idempotency_key, key);
    assert_eq!(
        (row.attempts, row.last_http_status),
        (1, Some(401)),
        "no retry of a refused message"
    );
    assert!(
        row.last_error.as_deref().unwrap().starts_with("HTTP 401"),
        "{:?}",
        row.last_error
    );
    assert_eq!(rx.with(|i| i.bad_signatures), 1);
    assert!(rx.stored().is_empty());
    assert_eq!(status_of(&app, id).await, "approved");

    let retry = format!("/api/v1/central/deliveries/{}/retry", row.id);
    let admin = app.sign_in_new("quantri", "admin", None).await;
    let leader = app.sign_in_new("lanhdao", "leader", None).await;
    let editor = app
        .sign_in_new("nhaplieu", "unit_editor", Some("dept-stc"))
        .await;
    let post = reqwest::Method::POST;
    assert_eq!(
        app.http
            .post(app.url(&retry))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(
        app.http
            .post(app.url(&retry))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        as_session(&app, &leader, post.clone(), &retry, true)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        as_session(&app, &editor, post.clone(), &retry, true)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let no_csrf = as_session(&app, &admin, post.clone(), &retry, false)
        .send()
        .await
        .unwrap();
    assert_eq!(no_csrf.status(), 403);
    assert_eq!(
        no_csrf.json::<Value>().await.unwrap()["error"]["code"],
        "csrf_failed"
    );
    assert_eq!(
        outbox(&app).await[0].status,
        "failed",
        "refused requests change nothing"
    );

    let r = as_session(&app, &admin, post.clone(), &retry, true)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let view: DeliveryView = r.json().await.unwrap();
    assert_eq!(
        (view.id, view.status, view.attempts),
        (row.id, DeliveryStatus::Pending, 1)
    );
    assert_eq!(view.idempotency_key, key);
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'retry' AND entity = 'central_delivery' AND entity_id = $1
           AND actor = 'user:quantri' AND before ->> 'status' = 'failed' AND after ->> 'status' = 'pending'",
    )
    .bind(row.id.to_string())
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(audited, 1);

    // Nothing was fixed: the worker tries once more and the receiver refuses again.
    until("the second refusal", Duration::from_secs(15), || async {
        let r = &outbox(&app).await[0];
        r.status == "failed" && r.attempts == 2
    })
    .await;
    assert_eq!(rx.with(|i| i.bad_signatures), 2);
    assert_eq!(attempts_of(&app, row.id).await.len(), 2);

    // An approver may retry too; a delivered message may not be sent again; unknown ids are 404.
    let approver = app.sign_in_new("pheduyet", "approver", None).await;
    assert_eq!(
        as_session(&app, &approver, post.clone(), &retry, true)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let mut tx = app.db.begin().await.unwrap();
    ioc_server::central::enqueue(
        &mut tx,
        "already-delivered",
        None,
        &message(0, 1, "dept-stc"),
    )
    .await
    .unwrap();
    let delivered: i64 = sqlx::query_scalar(
        "UPDATE central_outbox SET status = 'delivered', delivered_at = now() WHERE idempotency_key = 'already-delivered' RETURNING id",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let r = as_session(
        &app,
        &admin,
        post.clone(),
        &format!("/api/v1/central/deliveries/{delivered}/retry"),
        true,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 409);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "invalid_transition"
    );
    for path in [
        "/api/v1/central/deliveries/999999/retry",
        "/api/v1/central/deliveries/abc/retry",
    ] {
        assert_eq!(
            as_session(&app, &admin, post.clone(), path, true)
                .send()
                .await
                .unwrap()
                .status(),
            404,
            "{path}"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn max_attempts_then_failed() {
    let rx = Receiver::start().await;
    let app = spawn(&rx.flags(&["--central-max-attempts=3", "--central-backoff-ms=20"])).await;
    rx.with(|i| i.down = true);
    let id = submission(&app, "dept-stc", "approved", 1).await;
    enqueue(&app, id, 1, "dept-stc").await;
    until("given up", Duration::from_secs(15), || {
        all_in(&app, "failed")
    })
    .await;
    let row = outbox(&app).await.remove(0);
    assert_eq!((row.attempts, row.last_http_status), (3, Some(503)));
    assert!(
        row.last_error
            .as_deref()
            .unwrap()
            .contains("gave up after 3 attempts"),
        "{:?}",
        row.last_error
    );
    assert_eq!(rx.hits().len(), 3);
    app.stop().await;
}

#[tokio::test]
async fn a_restart_during_an_outage_loses_nothing() {
    let rx = Receiver::start().await;
    // A long timeout: the stop below must not wait for the hung attempt to time out.
    let flags = rx.flags(&["--central-backoff-ms=50", "--central-timeout-ms=30000"]);
    let mut app = spawn(&flags).await;
    rx.with(|i| i.down = true);
    let mut keys = Vec::new();
    for unit in ["dept-stc", "dept-sct"] {
        let id = submission(&app, unit, "approved", 1).await;
        keys.push(enqueue(&app, id, 1, unit).await);
    }
    until(
        "two failed attempts each",
        Duration::from_secs(15),
        || async { outbox(&app).await.iter().all(|r| r.attempts >= 2) },
    )
    .await;
    // Now the receiver hangs: an attempt is in flight when the server stops.
    rx.with(|i| {
        i.down = false;
        i.hung = true;
    });
    let hung_before = rx.hits().iter().filter(|h| h.answered.is_none()).count();
    until("an attempt in flight", Duration::from_secs(15), || async {
        rx.hits().iter().filter(|h| h.answered.is_none()).count() > hung_before
    })
    .await;
    let stopping = Instant::now();
    app.stop_server().await;
    assert!(
        stopping.elapsed() < Duration::from_secs(5),
        "stop waited {:?} for the attempt",
        stopping.elapsed()
    );

    let rows = outbox(&app).await;
    assert!(rows.iter().all(|r| r.status == "pending"), "{rows:?}");
    let answered = rx.hits().iter().filter(|h| h.answered.is_some()).count();
    let recorded: i64 = sqlx::query_scalar("SELECT count(*) FROM central_attempts")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(
        recorded as usize, answered,
        "the interrupted attempt left no trace in the outbox"
    );
    assert_eq!(
        rows.iter().map(|r| r.attempts as usize).sum::<usize>(),
        answered
    );

    rx.with(|i| i.hung = false);
    app.start_again(&flags.iter().map(String::as_str).collect::<Vec<_>>())
        .await;
    until(
        "delivered by the restarted server",
        Duration::from_secs(15),
        || all_in(&app, "delivered"),
    )
    .await;
    assert_eq!(rx.stored().len(), keys.len());
    for key in &keys {
        assert_eq!(rx.copies_of(key), 1);
    }
    app.stop().await;
}

#[tokio::test]
async fn the_status_page_is_for_people_who_read_all_indicators() {
    // No endpoint configured: messages wait, and the page says so.
    let app = spawn(&[]).await;
    let a = submission(&app, "dept-stc", "approved", 1).await;
    let b = submission(&app, "dept-sct", "approved", 2).await;
    let c = submission(&app, "dept-hq", "approved", 1).await;
    enqueue(&app, a, 1, "dept-stc").await;
    let delivered = enqueue(&app, b, 2, "dept-sct").await;
    let failed = enqueue(&app, c, 1, "dept-hq").await;
    sqlx::query(
        "UPDATE central_outbox SET status = 'delivered', delivered_at = now(), attempts = 1,
                receipt = '{\"receipt_id\": \"BC-000042\"}' WHERE idempotency_key = $1",
    )
    .bind(&delivered)
    .execute(&app.db)
    .await
    .unwrap();
    sqlx::query("UPDATE central_outbox SET status = 'failed', attempts = 1, last_http_status = 422, last_error = 'HTTP 422' WHERE idempotency_key = $1")
        .bind(&failed)
        .execute(&app.db)
        .await
        .unwrap();

    let path = "/api/v1/central/deliveries";
    assert_eq!(
        app.http.get(app.url(path)).send().await.unwrap().status(),
        401
    );
    assert_eq!(
        app.get_as_reader(path).await.status(),
        403,
        "a wall display reads indicators, not the delivery log"
    );
    assert_eq!(
        app.http
            .get(app.url(path))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let get = reqwest::Method::GET;
    let editor = app
        .sign_in_new("nhaplieu", "unit_editor", Some("dept-stc"))
        .await;
    assert_eq!(
        as_session(&app, &editor, get.clone(), path, false)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let viewer = app.sign_in_new("chinhphu", "central_viewer", None).await;
    assert_eq!(
        as_session(&app, &viewer, get.clone(), path, false)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    for (name, role) in [("lanhdao", "leader"), ("quantri", "admin")] {
        let s = app.sign_in_new(name, role, None).await;
        assert_eq!(
            as_session(&app, &s, get.clone(), path, false)
                .send()
                .await
                .unwrap()
                .status(),
            200,
            "{role}"
        );
    }

    let approver = app.sign_in_new("pheduyet", "approver", None).await;
    let r = as_session(&app, &approver, get.clone(), path, false)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let list: DeliveryList = r.json().await.unwrap();
    assert!(!list.configured);
    assert_eq!(list.endpoint, None);
    let stored = outbox(&app).await;
    let count = |s: &str| stored.iter().filter(|r| r.status == s).count() as i64;
    assert_eq!(
        (list.pending, list.delivered, list.failed),
        (count("pending"), count("delivered"), count("failed"))
    );
    assert_eq!((list.pending, list.delivered, list.failed), (1, 1, 1));
    let ids: Vec<i64> = list.items.iter().map(|i| i.id).collect();
    let mut newest_first: Vec<i64> = stored.iter().map(|r| r.id).collect();
    newest_first.reverse();
    assert_eq!(ids, newest_first);

    let sent = list
        .items
        .iter()
        .find(|i| i.idempotency_key == delivered)
        .unwrap();
    let name: String = sqlx::query_scalar("SELECT name_vi FROM units WHERE code = 'dept-sct'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(sent.unit.as_deref(), Some("dept-sct"));
    assert_eq!(sent.unit_name_vi.as_deref(), Some(name.as_str()));
    assert_eq!(
        (sent.period.as_deref(), sent.revision),
        (Some("2026-10"), Some(2))
    );
    assert_eq!(sent.receipt_id.as_deref(), Some("BC-000042"));
    assert_eq!(sent.next_attempt_at, None);
    let waiting = list
        .items
        .iter()
        .find(|i| i.status == DeliveryStatus::Pending)
        .unwrap();
    assert!(waiting.next_attempt_at.is_some());
    assert_eq!(
        waiting.attempts, 0,
        "nothing is attempted without an endpoint"
    );

    let only_failed: DeliveryList = as_session(
        &app,
        &approver,
        get.clone(),
        &format!("{path}?status=failed"),
        false,
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(only_failed.items.len(), 1);
    assert_eq!(only_failed.items[0].idempotency_key, failed);
    assert_eq!(only_failed.items[0].last_http_status, Some(422));
    let two: DeliveryList = as_session(
        &app,
        &approver,
        get.clone(),
        &format!("{path}?limit=2"),
        false,
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(two.items.len(), 2);
    assert_eq!(
        two.pending + two.delivered + two.failed,
        3,
        "the counts are of the whole queue"
    );
    for bad in ["?status=lost", "?limit=many"] {
        let r = as_session(&app, &approver, get.clone(), &format!("{path}{bad}"), false)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{bad}");
        let body: Value = r.json().await.unwrap();
        assert!(body["error"]["message_vi"].is_string() && body["error"]["message_en"].is_string());
    }
    app.stop().await;
}

/// The whole path through the real API: a department's report approved by the province reaches
/// the stand-in once, the report becomes "sent", and the deadline board says so live.
#[tokio::test]
async fn an_approval_through_the_api_is_delivered_and_the_report_becomes_sent_on_the_board() {
    use ioc_protocol::{
        format_period, months_before, ts_period, Payload, ServerFrame, SubmissionStatus,
    };
    let rx = Receiver::start().await;
    rx.fail_next(&[Fault::Unavailable(None)]);
    let app = spawn(&rx.flags(&[])).await;
    let editor = app
        .sign_in_new("lan.stc", "unit_editor", Some("dept-stc"))
        .await;
    let approver = app.sign_in_new("hung.ubnd", "approver", None).await;
    let p = format_period(months_before(ts_period(chrono::Utc::now()), 1));
    let base = format!("/api/v1/submissions/dept-stc/{p}");
    let values: Vec<Value> = [
        "budget_revenue",
        "public_investment",
        "new_enterprises",
        "new_enterprise_capital",
    ]
    .iter()
    .map(|s| json!({"series": s, "value": 1234.5}))
    .collect();
    let save = json!({"kind": "estimate", "values": values});
    let r = as_session(
        &app,
        &editor,
        reqwest::Method::PUT,
        &format!("{base}/entries"),
        true,
    )
    .json(&save)
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    let r = as_session(
        &app,
        &editor,
        reqwest::Method::POST,
        &format!("{base}/submit"),
        true,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 200);

    let mut ws = app.ws().await;
    ws.subscribe("deadlines/40", None).await;
    ws.next().await;
    let r = as_session(
        &app,
        &approver,
        reqwest::Method::POST,
        &format!("{base}/approve"),
        true,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 200);

    until(
        "delivered after one refusal",
        Duration::from_secs(15),
        || all_in(&app, "delivered"),
    )
    .await;
    let key = format!("40:monthly-gov:dept-stc:{p}:r1");
    assert_eq!(rx.copies_of(&key), 1);
    let body: Value = serde_json::from_slice(&rx.stored()[0].body).unwrap();
    assert_eq!(
        (body["period"].as_str(), body["reporting_unit"].as_str()),
        (Some(p.as_str()), Some("dept-stc"))
    );
    assert_eq!(body["figures"].as_array().unwrap().len(), 4);
    assert_eq!(rx.hits().len(), 2, "one 503, then the delivery");

    let sent = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            if let ServerFrame::Publication(pb) = ws.next().await {
                if let Payload::Deadlines(b) = pb.data {
                    if b.rows.iter().any(|r| {
                        r.unit == "dept-stc"
                            && r.period == p
                            && r.status == Some(SubmissionStatus::Sent)
                    }) {
                        return true;
                    }
                }
            }
        }
    })
    .await;
    assert_eq!(sent, Ok(true), "the board shows the report as sent");
    app.stop().await;
}
