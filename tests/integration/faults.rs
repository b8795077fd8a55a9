//! Faults and bad input found when the server was probed from outside (issue 9, item 7): NUL
//! characters, error bodies that were not JSON, the WebSocket's edges (Origin, oversized frames,
//! negative positions, a database outage), sign-in throttling and redirects.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use ioc_protocol::{ClientFrame, ServerFrame, StreamPosition};
use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde_json::json;
use sqlx::{Connection, PgConnection};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;

use crate::harness::{cluster, spawn_app, spawn_app_with, Session, TestApp, Ws, TOKEN};

/// Asserts the JSON error shape (`{"error": {"code", "message_vi", "message_en"}}`) and returns
/// the code.
async fn json_error(r: reqwest::Response, what: &str) -> String {
    let ct = r
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(
        ct.starts_with("application/json"),
        "{what}: content type {ct:?}"
    );
    let body: serde_json::Value = r.json().await.expect("a JSON body");
    let e = &body["error"];
    for field in ["code", "message_vi", "message_en"] {
        assert!(
            e[field].as_str().is_some_and(|s| !s.is_empty()),
            "{what}: {field} missing in {body}"
        );
    }
    assert_ne!(e["message_vi"], e["message_en"], "{what}: both languages");
    e["code"].as_str().unwrap().to_string()
}

fn with_session(req: reqwest::RequestBuilder, s: &Session) -> reqwest::RequestBuilder {
    req.header(COOKIE, &s.cookie)
        .header("x-csrf-token", &s.csrf)
}

async fn audit_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM audit_log")
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_nul_character_anywhere_is_a_422_and_nothing_is_written() {
    let app = spawn_app().await;
    let admin = app.sign_in_new("quan.tri", "admin", None).await;
    let before = audit_count(&app).await;
    let points_before = app.count_points().await;
    let nul = "a\u{0}b";
    let cases: Vec<(&str, reqwest::RequestBuilder)> = vec![
        (
            "login name (JSON)",
            app.http
                .post(app.url("/api/v1/auth/login"))
                .json(&json!({"username": nul, "password": "mật-khẩu-đủ-dài"})),
        ),
        (
            "login name (form)",
            app.http
                .post(app.url("/auth/login"))
                .form(&[("username", nul), ("password", "x"), ("next", "")]),
        ),
        (
            "series of a point",
            app.http
                .post(app.url("/api/v1/points"))
                .bearer_auth(TOKEN)
                .json(&json!({"points": [{"series": nul, "unit": "40", "ts": "2026-10-01T00:00:00Z", "value": 1.0}]})),
        ),
        (
            "unit of a point",
            app.http
                .post(app.url("/api/v1/points"))
                .bearer_auth(TOKEN)
                .json(&json!({"points": [{"series": "iip", "unit": "4\u{0}0", "ts": "2026-10-01T00:00:00Z", "value": 1.0}]})),
        ),
        (
            "unit search q",
            with_session(app.http.get(app.url("/api/v1/units?q=ngh%00an")), &admin),
        ),
        (
            "audit filter",
            with_session(
                app.http.get(app.url("/api/v1/admin/audit?actor=user:%00")),
                &admin,
            ),
        ),
        (
            "token screen",
            with_session(app.http.post(app.url("/api/v1/admin/tokens")), &admin).json(
                &json!({"name": "Phòng họp", "kind": "wall_display", "unit": "40", "screens": [nul]}),
            ),
        ),
        (
            "path segment",
            with_session(
                app.http.get(app.url("/api/v1/indicators/ii%00p/series")),
                &admin,
            ),
        ),
        (
            "device code (form)",
            app.http
                .post(app.url("/auth/device"))
                .form(&[("token", nul)]),
        ),
    ];
    for (what, req) in cases {
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{what}");
        assert_eq!(json_error(r, what).await, "nul_character", "{what}");
    }
    assert_eq!(audit_count(&app).await, before, "nothing audited");
    assert_eq!(app.count_points().await, points_before, "nothing written");

    // The same on the WebSocket: an error frame, and the connection goes on.
    let mut ws = app.ws().await;
    ws.subscribe("indicator/iip/4\u{0}0", None).await;
    match ws.next().await {
        ServerFrame::Error {
            code,
            message_vi,
            message_en,
            ..
        } => {
            assert_eq!(code, "nul_character");
            assert!(!message_vi.is_empty() && !message_en.is_empty());
        }
        other => panic!("expected an error frame, got {other:?}"),
    }
    ws.subscribe("indicator/iip/40", None).await;
    assert!(matches!(ws.next().await, ServerFrame::Subscribed { .. }));
}

#[tokio::test]
async fn every_error_answer_has_the_json_error_shape() {
    let app = spawn_app().await;
    let admin = app.sign_in_new("quan.tri", "admin", None).await;
    /// (what, method, path, (content type, body), status, code)
    type Case = (
        &'static str,
        Method,
        &'static str,
        Option<(&'static str, &'static str)>,
        u16,
        &'static str,
    );
    let table: Vec<Case> = vec![
        (
            "query with a repeated field",
            Method::GET,
            "/api/v1/indicators/retail_sales/series?area=40&area=41",
            None,
            400,
            "bad_request",
        ),
        (
            "path of the wrong type",
            Method::POST,
            "/api/v1/admin/tokens/not-a-number/revoke",
            None,
            400,
            "bad_request",
        ),
        (
            "form with fields missing",
            Method::POST,
            "/auth/login",
            Some(("application/x-www-form-urlencoded", "username=a")),
            422,
            "invalid_body",
        ),
        (
            "malformed JSON",
            Method::POST,
            "/api/v1/admin/users",
            Some(("application/json", "{\"username\":")),
            400,
            "malformed_json",
        ),
        (
            "JSON of the wrong shape",
            Method::POST,
            "/api/v1/admin/users",
            Some(("application/json", "{\"username\": 5}")),
            422,
            "invalid_body",
        ),
        (
            "not JSON at all",
            Method::POST,
            "/api/v1/admin/users",
            Some(("text/xml", "<user/>")),
            415,
            "unsupported_media_type",
        ),
        (
            "method the route lacks",
            Method::DELETE,
            "/api/v1/points",
            None,
            405,
            "method_not_allowed",
        ),
        (
            "method on an operational endpoint",
            Method::PUT,
            "/healthz",
            None,
            405,
            "method_not_allowed",
        ),
        (
            "unknown API path",
            Method::GET,
            "/api/v1/no-such-thing",
            None,
            404,
            "not_found",
        ),
        (
            "unknown API path outside v1",
            Method::POST,
            "/api/nothing/here",
            None,
            404,
            "not_found",
        ),
        (
            "WebSocket path without an upgrade",
            Method::GET,
            "/ws",
            None,
            400,
            "bad_request",
        ),
    ];
    let mut wrong = Vec::new();
    for (what, method, path, body, status, code) in table {
        let mut req = with_session(app.http.request(method, app.url(path)), &admin);
        if let Some((ct, b)) = body {
            req = req.header(CONTENT_TYPE, ct).body(b.to_string());
        }
        let r = req.send().await.unwrap();
        if r.status().as_u16() != status {
            wrong.push(format!("{what}: status {} (expected {status})", r.status()));
            continue;
        }
        let allow = r.headers().get("allow").cloned();
        let got = json_error(r, what).await;
        if got != code {
            wrong.push(format!("{what}: code {got} (expected {code})"));
        }
        if status == 405 && allow.is_none() {
            wrong.push(format!("{what}: a 405 keeps its Allow header"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));

    // A page that does not exist is still the HTML page (for people), not JSON.
    let r = app.http.get(app.url("/no-such-page")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
}

#[tokio::test]
async fn static_files_never_redirect_to_another_site() {
    // A site directory with a subdirectory named like a host: ServeDir used to answer
    // `/assets///evil.example` with `Location: //evil.example/`.
    let site = tempfile::tempdir().unwrap();
    for dir in ["assets/evil.example", "pkg/evil.example"] {
        std::fs::create_dir_all(site.path().join(dir)).unwrap();
    }
    std::fs::write(site.path().join("assets/ioc.css"), "body{}").unwrap();
    let flag = format!("--site-dir={}", site.path().display());
    let app = spawn_app_with(&[flag.as_str()]).await;
    for path in [
        "/assets///evil.example",
        "/assets//evil.example",
        "/assets/evil.example",
        "/pkg///evil.example",
    ] {
        let r = app.http.get(app.url(path)).send().await.unwrap();
        assert!(
            r.headers().get(LOCATION).is_none(),
            "{path}: redirected to {:?}",
            r.headers().get(LOCATION)
        );
        assert_eq!(r.status(), 404, "{path}");
    }
    let r = app
        .http
        .get(app.url("/assets/ioc.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "files are still served");
}

/// A client whose connections come from `ip` (any 127.x address reaches the loopback listener).
fn client_from(ip: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(ip.parse::<std::net::IpAddr>().unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

async fn login_from(
    http: &reqwest::Client,
    app: &TestApp,
    name: &str,
    password: &str,
) -> reqwest::Response {
    http.post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": name, "password": password}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn failed_sign_ins_slow_down_one_address_without_locking_the_account_or_naming_it() {
    let app = spawn_app().await;
    app.sign_in_new("quan.tri", "admin", None).await;
    let attacker = client_from("127.0.0.2");
    let owner = client_from("127.0.0.3");
    // Five wrong passwords from one address, for the administrator and for a name that does not
    // exist; the sixth try waits, for both names alike (no answer tells which exists), even with
    // the right password; the answer says how long.
    let mut answers = Vec::new();
    let mut waits = Vec::new();
    for (name, sixth) in [
        ("quan.tri", crate::harness::PERSON_PASSWORD),
        ("khong.co.ai", "sai-mat-khau-roi"),
    ] {
        for _ in 0..5 {
            let r = login_from(&attacker, &app, name, "sai-mat-khau-roi").await;
            assert_eq!(r.status(), 401, "{name}");
        }
        let r = login_from(&attacker, &app, name, sixth).await;
        assert_eq!(r.status(), 429, "{name}");
        let wait: u64 = r.headers()[RETRY_AFTER].to_str().unwrap().parse().unwrap();
        assert!((1..=2).contains(&wait), "{name}: Retry-After {wait}");
        waits.push(wait);
        answers.push(json_error(r, name).await);
    }
    assert_eq!(answers[0], answers[1], "the same answer for both names");
    assert_eq!(answers[0], "too_many_attempts");
    // The owner, from another address, signs in at once.
    let r = login_from(&owner, &app, "quan.tri", crate::harness::PERSON_PASSWORD).await;
    assert_eq!(
        r.status(),
        200,
        "the attacker's failures do not lock the owner out"
    );
    // After the delay the attacker's address may try again, and then waits longer.
    tokio::time::sleep(Duration::from_millis(waits[0] * 1000 + 200)).await;
    let r = login_from(&attacker, &app, "quan.tri", "sai-mat-khau-roi").await;
    assert_eq!(r.status(), 401, "one more try after the delay");
    let r = login_from(&attacker, &app, "quan.tri", "sai-mat-khau-roi").await;
    assert_eq!(r.status(), 429);
    let wait: u64 = r.headers()[RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!(wait >= 3, "the delay grows: {wait}");
}

#[tokio::test]
async fn every_429_says_when_to_come_back() {
    let app = spawn_app().await;
    let names: Vec<String> = (0..25).map(|i| format!("ghost{i}")).collect();
    let attempts = names
        .iter()
        .map(|n| login_from(&app.http, &app, n, "mật-khẩu-đủ-dài-2026"));
    let answers = futures::future::join_all(attempts).await;
    let limited: Vec<&reqwest::Response> = answers.iter().filter(|r| r.status() == 429).collect();
    assert!(!limited.is_empty(), "the per-address quota answered 429");
    for r in limited {
        let wait: u64 = r.headers()[RETRY_AFTER].to_str().unwrap().parse().unwrap();
        assert!((1..=60).contains(&wait), "Retry-After {wait}");
    }
}

#[tokio::test]
async fn next_with_control_characters_falls_back_to_the_default_page() {
    let app = spawn_app().await;
    app.sign_in_new("lanh.dao", "leader", None).await;
    for next in ["/\t/evil.example", "/\n/evil.example", "//evil.example"] {
        let r = app
            .http
            .post(app.url("/auth/login"))
            .form(&[
                ("username", "lanh.dao"),
                ("password", crate::harness::PERSON_PASSWORD),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{next:?}");
        assert_eq!(r.headers()[LOCATION], "/wall", "{next:?}");
    }
}

/// A WebSocket request with a session cookie and, optionally, an `Origin`.
async fn ws_with_cookie(
    app: &TestApp,
    cookie: &str,
    origin: Option<&str>,
) -> Result<Ws, tokio_tungstenite::tungstenite::Error> {
    let mut req = format!("ws://{}/ws", app.addr)
        .into_client_request()
        .unwrap();
    req.headers_mut().insert("cookie", cookie.parse().unwrap());
    if let Some(o) = origin {
        req.headers_mut().insert("origin", o.parse().unwrap());
    }
    tokio_tungstenite::connect_async(req)
        .await
        .map(|(s, _)| Ws::new(s))
}

#[tokio::test]
async fn a_cookie_websocket_must_come_from_our_own_origin() {
    let app = spawn_app_with(&["--public-url=https://ioc.nghean.gov.vn"]).await;
    let s = app.sign_in_new("lanh.dao", "leader", None).await;
    // Another site's page: refused before the upgrade.
    match ws_with_cookie(&app, &s.cookie, Some("https://evil.example")).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
            assert_eq!(resp.status(), 403)
        }
        Ok(_) => panic!("a cross-site WebSocket with the cookie was accepted"),
        Err(e) => panic!("{e}"),
    }
    // Our pages: served on this host, or through the public URL.
    let own = format!("http://{}", app.addr);
    for origin in [own.as_str(), "https://ioc.nghean.gov.vn"] {
        let mut ws = ws_with_cookie(&app, &s.cookie, Some(origin))
            .await
            .unwrap_or_else(|e| panic!("{origin}: {e}"));
        ws.subscribe("indicator/iip/40", None).await;
        assert!(matches!(ws.next().await, ServerFrame::Subscribed { .. }));
    }
    // A bearer token is no CSRF risk: its Origin does not matter.
    let mut req = format!("ws://{}/ws", app.addr)
        .into_client_request()
        .unwrap();
    req.headers_mut().insert(
        "authorization",
        format!("Bearer {}", app.reader).parse().unwrap(),
    );
    req.headers_mut()
        .insert("origin", "https://elsewhere.example".parse().unwrap());
    assert!(tokio_tungstenite::connect_async(req).await.is_ok());
}

#[tokio::test]
async fn an_oversized_frame_is_closed_with_1009_and_a_reason() {
    let app = spawn_app().await;
    let mut ws = app.ws().await;
    let huge = format!(
        "{{\"type\":\"subscribe\",\"topic\":\"{}\"}}",
        "x".repeat(70 * 1024)
    );
    ws.0.send(Message::text(huge)).await.unwrap();
    let close = loop {
        match tokio::time::timeout(Duration::from_secs(10), ws.0.next())
            .await
            .expect("an answer within 10 s")
        {
            Some(Ok(Message::Close(frame))) => break frame,
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            other => panic!("expected a close frame, got {other:?}"),
        }
    };
    let close = close.expect("a close frame with a code");
    assert_eq!(close.code, CloseCode::Size);
    assert!(!close.reason.is_empty(), "the close frame says why");
}

#[tokio::test]
async fn a_negative_stream_offset_is_refused() {
    let app = spawn_app().await;
    app.post_points(&[crate::harness::point(
        "iip",
        "40",
        "2026-10-01T00:00:00Z",
        108.0,
    )])
    .await;
    let mut ws = app.ws().await;
    ws.subscribe("indicator/iip/40", None).await;
    let epoch = match ws.next().await {
        ServerFrame::Subscribed { epoch, .. } => epoch,
        other => panic!("{other:?}"),
    };
    ws.send(&ClientFrame::Subscribe {
        topic: "indicator/iip/40".into(),
        since: Some(StreamPosition { epoch, offset: -5 }),
    })
    .await;
    match ws.next().await {
        ServerFrame::Error { code, .. } => assert_eq!(code, "bad_position"),
        other => panic!("expected an error frame, got {other:?}"),
    }
}

/// Cuts the test's database `name` off (new connections refused, open ones terminated), or
/// lets it be reached again.
async fn database_reachable(name: &str, reachable: bool) {
    let mut admin = PgConnection::connect_with(&cluster().await.pg.connect_options("postgres"))
        .await
        .unwrap();
    sqlx::query(&format!(
        "ALTER DATABASE {name} ALLOW_CONNECTIONS {reachable}"
    ))
    .execute(&mut admin)
    .await
    .unwrap();
    if !reachable {
        sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1")
            .bind(name)
            .execute(&mut admin)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_database_outage_does_not_end_open_websockets_but_a_revocation_does() {
    let app = spawn_app_with(&["--ws-revalidate-ms=300"]).await;
    let name: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let s = app.sign_in_new("lanh.dao", "leader", None).await;
    let mut ws = ws_with_cookie(&app, &s.cookie, None).await.unwrap();
    ws.subscribe("indicator/iip/40", None).await;
    assert!(matches!(ws.next().await, ServerFrame::Subscribed { .. }));

    database_reachable(&name, false).await;
    // Several re-checks fail on the database meanwhile: the connection stays open.
    tokio::time::sleep(Duration::from_secs(3)).await;
    ws.send(&ClientFrame::Ping).await;
    assert_eq!(
        ws.next().await,
        ServerFrame::Pong,
        "still connected while the database is down"
    );
    database_reachable(&name, true).await;

    // A real end of the credentials still closes it with 4001.
    sqlx::query("DELETE FROM sessions")
        .execute(&app.db)
        .await
        .unwrap();
    let close = loop {
        match tokio::time::timeout(Duration::from_secs(10), ws.0.next())
            .await
            .expect("closed within 10 s")
        {
            Some(Ok(Message::Close(frame))) => break frame,
            Some(Ok(_)) => continue,
            other => panic!("expected a close frame, got {other:?}"),
        }
    };
    assert_eq!(close.unwrap().code, CloseCode::from(4001));
}
