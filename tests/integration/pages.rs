use crate::harness::{point, spawn_app};

#[tokio::test]
async fn wall_is_server_rendered_with_values_in_vietnamese_by_default() {
    let app = spawn_app().await;
    app.post_points(&[point(
        "retail_sales",
        "40",
        "2026-10-01T03:00:00Z",
        12345.67,
    )])
    .await;
    let r = app.get_as_reader("/wall").await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"lang="vi""#), "html lang");
    assert!(
        html.contains("Tổng mức bán lẻ hàng hóa"),
        "Vietnamese tile name"
    );
    assert!(html.contains("12.345,7"), "Vietnamese number format");
    assert!(html.contains("Tỉnh Nghệ An"));
    assert!(html.contains(r#"data-topic="indicator/retail_sales/40""#));
    assert!(html.contains("/pkg/ioc.js"), "hydration script");
    assert!(
        !html.contains("DỮ LIỆU MẪU"),
        "no demo label when the demo feed is off"
    );

    let html = app
        .get_as_reader("/wall?lang=en")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(r#"lang="en""#));
    assert!(html.contains("Retail sales of goods"));
    assert!(html.contains("12,345.7"));
}

#[tokio::test]
async fn demo_label_is_shown_while_the_demo_feed_runs() {
    let app = crate::harness::spawn_app_with(&["--demo=true", "--demo-interval-ms=60000"]).await;
    let html = app.get_as_reader("/wall").await.text().await.unwrap();
    assert!(html.contains("DỮ LIỆU MẪU"));
    let html = app
        .get_as_reader("/wall?lang=en")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("DEMO DATA"));
}

#[tokio::test]
async fn unknown_page_is_a_404() {
    let app = spawn_app().await;
    let r = app.http.get(app.url("/no-such-page")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    // Its inline scripts carry the nonce of its own CSP header (else the browser blocks them).
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|n| n.split('\'').next())
        .expect("a nonce in the CSP")
        .to_string();
    let html = r.text().await.unwrap();
    let scripts = html.matches("<script").count();
    assert!(scripts > 0, "{html}");
    assert_eq!(
        html.matches(&format!("nonce=\"{nonce}\"")).count(),
        scripts,
        "every script has the header's nonce: {html}"
    );
}

/// Walls and phones load the small wall bundle; office pages the office bundle, which alone has
/// their routes (hydrating an office page with the wall bundle would not match its HTML).
#[tokio::test]
async fn wall_pages_load_the_wall_bundle_and_office_pages_the_office_bundle() {
    let app = spawn_app().await;
    let wall = app.get_as_reader("/wall").await.text().await.unwrap();
    assert!(
        wall.contains("/pkg/ioc.js") && wall.contains("/pkg/ioc_bg.wasm"),
        "wall bundle"
    );
    assert!(!wall.contains("ioc-office"), "no office bundle on the wall");

    let admin = app.sign_in_new("quantri", "admin", None).await;
    let r = app
        .http
        .get(app.url("/admin"))
        .header(reqwest::header::COOKIE, &admin.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("/pkg/ioc-office.js") && html.contains("/pkg/ioc-office_bg.wasm"),
        "office bundle"
    );
    assert!(
        !html.contains("/pkg/ioc.js"),
        "no wall bundle on an office page"
    );
}

/// The dossier wall's first HTML holds the stored board (a kiosk shows figures before the wasm
/// has loaded), in the wall bundle; a unit's page holds the unit's board; a unit outside the
/// province is a 404 page.
#[tokio::test]
async fn dossier_wall_is_server_rendered_with_the_stored_board() {
    use crate::dossiers::{board_where, event, one_stop, send, ANH_SON};
    let app = spawn_app().await;
    let token = one_stop(&app).await;
    // One connection per topic: the worker publishes the province's board and the commune's
    // together, in either order.
    let mut ws = app.ws().await;
    ws.subscribe(&format!("dossiers/{ANH_SON}"), None).await;
    let mut province_ws = app.ws().await;
    province_ws.subscribe("dossiers/40", None).await;
    send(
        &app,
        &token,
        vec![event("HS-P1", 1, 2, 0), event("HS-P2", 1, 4, 1)],
    )
    .await;
    board_where(&mut ws, |b| b.unit == ANH_SON && b.in_progress == 2).await;
    board_where(&mut province_ws, |b| b.unit == "40" && b.in_progress == 2).await;

    let r = app.get_as_reader("/wall/dossiers").await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"lang="vi""#));
    assert!(html.contains("Hồ sơ thủ tục hành chính"));
    assert!(html.contains("Tỉnh Nghệ An"));
    assert!(
        html.contains(r#"data-counter="in-progress" data-value="2""#),
        "the stored board's counter: {html}"
    );
    assert!(
        html.contains(r#"data-unit="17329" data-overdue="0""#),
        "the commune grid"
    );
    assert!(html.contains("/pkg/ioc.js") && !html.contains("ioc-office"));
    assert!(
        !html.contains("DỮ LIỆU MẪU"),
        "no demo label without the demo"
    );

    let html = app
        .get_as_reader(&format!("/wall/dossiers/{ANH_SON}?lang=en"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(r#"lang="en""#));
    assert!(html.contains("Public-service dossiers"));
    assert!(html.contains("Anh Son Commune"), "the unit's name");
    assert!(
        html.contains(r#"data-counter="in-progress" data-value="2""#),
        "{html}"
    );

    // The wall display is Nghệ An's: a ward of Hà Nội is not on its wall.
    let r = app.get_as_reader("/wall/dossiers/00070").await;
    assert_eq!(r.status(), 404);
}
