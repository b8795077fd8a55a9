use sqlx::{Connection, PgConnection};

use crate::harness::{cluster, spawn_app};

#[tokio::test]
async fn health_readiness_and_metrics() {
    let app = spawn_app().await;
    let r = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = app.http.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["status"],
        "ready"
    );

    let metrics = app.http.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(metrics.status(), 200);
    assert!(metrics.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = metrics.text().await.unwrap();
    assert!(text.contains("ioc_http_requests_total"), "{text}");
    assert!(
        text.contains(r#"route="/readyz""#),
        "requests are labelled by route template: {text}"
    );
    app.stop().await;
}

/// The live hub's figures: connections, topics, frames and publications out, coalescing, resyncs,
/// queue drops, NOTIFY lag (the recorder is shared by the tests of this process, so only what
/// this test caused is asserted, as "at least").
#[tokio::test]
async fn the_live_hub_reports_its_figures() {
    let app = spawn_app().await;
    let mut ws = app.ws().await;
    ws.subscribe("indicator/iip/40", None).await;
    ws.next().await;
    let r = app
        .post_points(&[crate::harness::point(
            "iip",
            "40",
            "2026-10-01T00:00:00Z",
            1.0,
        )])
        .await;
    assert_eq!(r.status(), 200);
    assert!(matches!(
        ws.next().await,
        ioc_protocol::ServerFrame::Publication(_)
    ));
    let text = app
        .http
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let value = |name: &str| -> f64 {
        text.lines()
            .find(|l| l.starts_with(name) && l[name.len()..].starts_with(' '))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{name} missing from /metrics:\n{text}"))
    };
    assert!(value("ioc_ws_connections") >= 1.0);
    assert!(value("ioc_live_topics") >= 1.0);
    assert!(value("ioc_live_publications_total") >= 1.0);
    assert!(value("ioc_ws_publications_out_total") >= 1.0);
    assert!(
        value("ioc_ws_frames_total") >= 2.0,
        "the answer and the publication"
    );
    assert!(value("ioc_ws_messages_total") >= value("ioc_ws_frames_total"));
    for described in [
        "ioc_ws_resyncs_total",
        "ioc_ws_queue_drops_total",
        "ioc_ws_coalesced_total",
        "ioc_live_announcements_total",
    ] {
        assert!(
            text.contains(&format!("# HELP {described} ")),
            "{described} is described"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn readiness_fails_when_the_database_is_gone() {
    let app = spawn_app().await;
    let name: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let mut admin = PgConnection::connect_with(&cluster().await.pg.connect_options("postgres"))
        .await
        .unwrap();
    // Forbid new connections and cut the existing ones: the database is unreachable.
    sqlx::query(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false"))
        .execute(&mut admin)
        .await
        .unwrap();
    sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1")
        .bind(&name)
        .execute(&mut admin)
        .await
        .unwrap();
    let r = app.http.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), 503);
    sqlx::query(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true"))
        .execute(&mut admin)
        .await
        .unwrap();
    let r = app.http.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), 200, "ready again once the database is back");
}

#[tokio::test]
async fn openapi_document_is_generated_from_the_code() {
    let app = spawn_app().await;
    let doc = app.get_json("/api/openapi.json").await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let post = &doc["paths"]["/api/v1/points"]["post"];
    assert!(post.is_object(), "POST /api/v1/points documented");
    for status in ["200", "400", "401", "413", "422"] {
        assert!(
            post["responses"][status].is_object(),
            "response {status} documented"
        );
    }
    assert!(doc["components"]["schemas"]["PointBatch"].is_object());
    assert!(doc["components"]["securitySchemes"]["ingest_token"].is_object());
}
