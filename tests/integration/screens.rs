//! Wall screens through the API: validation (nothing written, bilingual message), audit, the
//! live configuration on `screen/{code}`, and the presence reports of running screens.

use ioc_protocol::{Payload, ScreenPresence, ScreenView, ServerFrame};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::harness::{spawn_app, Session, TestApp, Ws};

async fn admin(app: &TestApp) -> Session {
    app.sign_in_new("quan.tri", "admin", None).await
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.db).await.unwrap()
}

/// A WebSocket authenticated by a person's session cookie (as the browser's pages open it).
async fn ws_with_cookie(app: &TestApp, s: &Session) -> Ws {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut req = format!("ws://{}/ws", app.addr)
        .into_client_request()
        .unwrap();
    req.headers_mut()
        .insert("cookie", s.cookie.parse().unwrap());
    let (ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
    Ws::new(ws)
}

fn lobby() -> Value {
    json!({
        "code": "lobby",
        "name": "Sảnh tầng 1",
        "theme": "light",
        "interval_s": 20,
        "pages": [
            {"kind": "indicators"},
            {"kind": "dossier_unit", "unit": "17329", "duration_s": 45}
        ]
    })
}

#[tokio::test]
async fn bad_screens_are_refused_with_a_reason_and_nothing_is_written() {
    let app = spawn_app().await;
    let s = admin(&app).await;
    let ok = lobby();
    let with = |key: &str, v: Value| {
        let mut b = ok.clone();
        b[key] = v;
        b
    };
    let cases = [
        (with("code", json!("Lobby")), "invalid_screen_code"),
        (with("code", json!("dossiers")), "invalid_screen_code"),
        (with("code", json!("main")), "screen_exists"),
        (with("name", json!("   ")), "invalid_name"),
        (with("interval_s", json!(2)), "invalid_interval"),
        (with("interval_s", json!(3601)), "invalid_interval"),
        (with("pages", json!([])), "invalid_pages"),
        (
            with("pages", json!([{"kind": "dossier_unit"}])),
            "invalid_pages",
        ),
        (
            with("pages", json!([{"kind": "indicators", "unit": "40"}])),
            "invalid_pages",
        ),
        (
            with("pages", json!([{"kind": "indicators", "duration_s": 1}])),
            "invalid_pages",
        ),
        (
            with(
                "pages",
                json!([{"kind": "dossier_unit", "unit": "nowhere"}]),
            ),
            "unknown_unit",
        ),
        // 00070 is a ward of Hà Nội, not of the server's province.
        (
            with("pages", json!([{"kind": "dossier_unit", "unit": "00070"}])),
            "unknown_unit",
        ),
        (with("pages", json!([{"kind": "weather"}])), "invalid_body"),
        (with("theme", json!("neon")), "invalid_body"),
    ];
    for (body, code) in cases {
        let r = s
            .post(&app, "/api/v1/screens")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["error"]["code"], code, "{body}: {e}");
        let (vi, en) = (
            e["error"]["message_vi"].as_str().unwrap(),
            e["error"]["message_en"].as_str().unwrap(),
        );
        assert!(!vi.is_empty() && !en.is_empty() && vi != en, "{e}");
    }
    // A bad change of the main screen leaves it as it was.
    let r = s
        .put(&app, "/api/v1/screens/main")
        .json(&json!({"name": "x", "interval_s": 0, "pages": [{"kind": "indicators"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    assert!(
        e["error"]["message_vi"].as_str().unwrap().contains("giây"),
        "{e}"
    );
    assert_eq!(count(&app, "SELECT count(*) FROM screens").await, 1);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE entity = 'screens'"
        )
        .await,
        0
    );
    assert_eq!(
        count(&app, "SELECT version FROM screens WHERE code = 'main'").await,
        1
    );
}

#[tokio::test]
async fn an_admin_keeps_screens_audited_and_a_running_screen_follows_each_change() {
    let app = spawn_app().await;
    let s = admin(&app).await;

    // The default screen the README pairs a kiosk to.
    let main: ScreenView = s
        .get(&app, "/api/v1/screens/main")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (main.interval_s, main.pages.len(), main.province.as_str()),
        (30, 2, "40")
    );

    // A kiosk of `main` follows its configuration.
    let mut kiosk = app.ws().await;
    kiosk.subscribe("screen/main", None).await;
    match kiosk.next().await {
        ServerFrame::Subscribed {
            offset,
            state: Some(Payload::Screen(v)),
            ..
        } => {
            assert_eq!(
                (offset, v.version, v.name.as_str()),
                (1, 1, "Màn hình chính")
            );
        }
        other => panic!("{other:?}"),
    }

    let r = s
        .post(&app, "/api/v1/screens")
        .json(&lobby())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let created: ScreenView = r.json().await.unwrap();
    assert_eq!(
        (created.version, created.pages[1].duration_s),
        (1, Some(45))
    );
    assert_eq!(created.duration_of(0), 20);
    assert_eq!(created.duration_of(1), 45);

    // The change reaches the running screen without it asking.
    let change = json!({"name": "Phòng họp", "theme": "light", "interval_s": 8,
        "pages": [{"kind": "dossier_province"}, {"kind": "indicators", "duration_s": 12}]});
    let r = s
        .put(&app, "/api/v1/screens/main")
        .json(&change)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let after: ScreenView = r.json().await.unwrap();
    assert_eq!(after.version, 2);
    match kiosk.next().await {
        ServerFrame::Publication(p) => {
            assert_eq!((p.topic.as_str(), p.offset), ("screen/main", 2));
            let Payload::Screen(v) = p.data else {
                panic!("{:?}", p.data)
            };
            assert_eq!(
                (v.name.as_str(), v.interval_s, v.pages.len()),
                ("Phòng họp", 8, 2)
            );
        }
        other => panic!("{other:?}"),
    }

    // A kiosk of `main` may not follow another screen.
    kiosk.subscribe("screen/lobby", None).await;
    match kiosk.next().await {
        ServerFrame::Error { code, .. } => assert_eq!(code, "forbidden"),
        other => panic!("{other:?}"),
    }

    let list: Vec<ScreenView> = s
        .get(&app, "/api/v1/screens")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        list.iter().map(|v| v.code.as_str()).collect::<Vec<_>>(),
        ["lobby", "main"]
    );

    let r = s
        .send(&app, Method::DELETE, "/api/v1/screens/lobby")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = s.get(&app, "/api/v1/screens/lobby").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    let audit: Vec<(String, String, bool, bool)> = sqlx::query_as(
        "SELECT action, entity_id, before IS NOT NULL, after IS NOT NULL FROM audit_log WHERE entity = 'screens' ORDER BY id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let want = [
        ("screen.create", "lobby", false, true),
        ("screen.update", "main", true, true),
        ("screen.delete", "lobby", true, false),
    ];
    assert_eq!(
        audit
            .iter()
            .map(|(a, e, b, f)| (a.as_str(), e.as_str(), *b, *f))
            .collect::<Vec<_>>(),
        want
    );
    let actor: String =
        sqlx::query_scalar("SELECT actor FROM audit_log WHERE action = 'screen.update'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(actor, "user:quan.tri");
}

#[tokio::test]
async fn running_screens_report_their_page_and_the_operator_follows_it_live() {
    let app = spawn_app().await;
    let s = admin(&app).await;
    let mut operator = ws_with_cookie(&app, &s).await;
    operator.subscribe("screen-presence", None).await;
    match operator.next().await {
        ServerFrame::Subscribed {
            state: Some(Payload::ScreenPresence(list)),
            ..
        } => assert!(list.devices.is_empty()),
        other => panic!("{other:?}"),
    }

    let report = |body: Value| {
        app.http
            .post(app.url("/api/v1/screens/main/presence"))
            .bearer_auth(&app.reader)
            .json(&body)
            .send()
    };
    let r = report(json!({"page": 1, "kind": "dossier_province"}))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    match operator.next().await {
        ServerFrame::Publication(p) => {
            let Payload::ScreenPresence(ioc_protocol::PresenceList { devices: list }) = p.data
            else {
                panic!("{:?}", p.data)
            };
            assert_eq!(list.len(), 1);
            assert_eq!(
                (
                    list[0].screen.as_str(),
                    list[0].device.as_str(),
                    list[0].page
                ),
                ("main", "Màn hình chính", 1)
            );
        }
        other => panic!("{other:?}"),
    }
    // A page the screen does not have is refused and changes nothing.
    for bad in [
        json!({"page": 5, "kind": "indicators"}),
        json!({"page": 0, "kind": "dossier_province"}),
    ] {
        let r = report(bad.clone()).await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["error"]["code"], "invalid_page");
    }
    // The same device again: one row, the newer page.
    let r = report(json!({"page": 0, "kind": "indicators"}))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let list: Vec<ScreenPresence> = s
        .get(&app, "/api/v1/screen-presence")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].page, 0);
    assert!((chrono::Utc::now() - list[0].last_contact).num_seconds() < 10);

    // A cross-site page cannot report for a kiosk's cookie; another screen is not the token's.
    let r = app
        .http
        .post(app.url("/api/v1/screens/main/presence"))
        .header("cookie", format!("ioc_device={}", app.reader))
        .header("origin", "https://evil.example")
        .json(&json!({"page": 0, "kind": "indicators"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .http
        .post(app.url("/api/v1/screens/main/presence"))
        .header("cookie", format!("ioc_device={}", app.reader))
        .header("origin", format!("http://{}", app.addr))
        .json(&json!({"page": 1, "kind": "dossier_province"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT, "the kiosk's own page");
}

#[tokio::test]
async fn a_screens_first_html_holds_its_first_page_and_its_configuration() {
    let app = spawn_app().await;
    let r = app.get_as_reader("/wall/main").await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    // The rotation's frame, on its first page (the indicator wall, rendered with its tiles).
    assert!(html.contains(r#"class="screen theme-dark""#), "{html}");
    assert!(html.contains(r#"data-screen="main""#));
    assert!(html.contains(r#"data-page="0""#));
    assert!(html.contains(r#"data-kind="indicators""#));
    assert!(
        html.contains(r#"data-topic="indicator/"#),
        "the tiles are in the first HTML"
    );
    assert!(html.contains(r#"data-stale="false""#));

    // A change of theme and first page is what the next load renders.
    let s = admin(&app).await;
    let change = json!({"name": "Sảnh", "theme": "light", "interval_s": 10,
        "pages": [{"kind": "dossier_province"}]});
    let r = s
        .put(&app, "/api/v1/screens/main")
        .json(&change)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = app.get_as_reader("/wall/main").await.text().await.unwrap();
    assert!(html.contains(r#"class="screen theme-light""#));
    assert!(html.contains(r#"data-kind="dossier_province""#));
    assert!(
        html.contains("dossier-wall"),
        "the province's dossier wall is rendered"
    );
}
