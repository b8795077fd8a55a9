use ioc_protocol::IngestReceipt;
use serde_json::{json, Value};

use crate::harness::{point, spawn_app, TestApp, TOKEN};

#[tokio::test]
async fn a_batch_is_stored_before_the_answer() {
    let app = spawn_app().await;
    let r = app
        .post_points(&[
            point("iip", "40", "2026-10-01T00:00:00Z", 108.5),
            point("iip", "40", "2026-09-01T00:00:00Z", 107.1),
            point("exports", "40", "2026-10-01T00:00:00Z", 171.25),
        ])
        .await;
    assert_eq!(r.status(), 200);
    let receipt: IngestReceipt = r.json().await.unwrap();
    assert_eq!(receipt.accepted, 3);
    let iip = receipt
        .streams
        .iter()
        .find(|s| s.topic == "indicator/iip/40")
        .unwrap();
    assert_eq!(iip.offset, 2);
    assert_eq!(app.count_points().await, 3);

    // The head keeps the latest value *by time*: the September point arrived later but is older.
    let (offset, latest, previous): (i64, f64, Option<f64>) = sqlx::query_as(
        "SELECT last_offset, latest_value, previous_value FROM series_streams st JOIN series se ON se.id = st.series_id
         WHERE se.code = 'iip' AND st.unit_code = '40'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!((offset, latest, previous), (2, 108.5, None));

    // Offsets continue across batches.
    let r = app
        .post_points(&[point("iip", "40", "2026-11-01T00:00:00Z", 109.0)])
        .await;
    let receipt: IngestReceipt = r.json().await.unwrap();
    assert_eq!(receipt.streams[0].offset, 3);
    let offsets: Vec<i64> = sqlx::query_scalar(
        "SELECT stream_offset FROM metric_points p JOIN series se ON se.id = p.series_id WHERE se.code = 'iip' ORDER BY 1",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(offsets, vec![1, 2, 3]);
}

struct Case {
    name: &'static str,
    token: Option<&'static str>,
    body: String,
    content_type: &'static str,
    status: u16,
    code: &'static str,
}

fn good(value: &str) -> String {
    format!(
        r#"{{"points":[{{"series":"iip","unit":"40","ts":"2026-10-01T00:00:00Z","value":{value}}}]}}"#
    )
}

fn many(n: usize) -> String {
    let p = r#"{"series":"iip","unit":"40","ts":"2026-10-01T00:00:00Z","value":1}"#;
    format!(r#"{{"points":[{}]}}"#, vec![p; n].join(","))
}

async fn send(app: &TestApp, c: &Case) -> reqwest::Response {
    let mut req = app
        .http
        .post(app.url("/api/v1/points"))
        .header("content-type", c.content_type)
        .body(c.body.clone());
    if let Some(t) = c.token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn bad_input_gets_a_clear_error_and_writes_nothing() {
    let app = spawn_app().await;
    let json = "application/json";
    let cases = vec![
        Case { name: "malformed JSON", token: Some(TOKEN), body: r#"{"points": ["#.into(), content_type: json, status: 400, code: "malformed_json" },
        Case { name: "NaN literal", token: Some(TOKEN), body: good("NaN"), content_type: json, status: 400, code: "malformed_json" },
        Case { name: "infinite number", token: Some(TOKEN), body: good("1e999"), content_type: json, status: 422, code: "non_finite_value" },
        Case { name: "value as string", token: Some(TOKEN), body: good(r#""12""#), content_type: json, status: 422, code: "invalid_body" },
        Case { name: "missing field", token: Some(TOKEN), body: r#"{"points":[{"series":"iip","unit":"40","value":1}]}"#.into(), content_type: json, status: 422, code: "invalid_body" },
        Case { name: "unknown field", token: Some(TOKEN), body: r#"{"points":[],"extra":1}"#.into(), content_type: json, status: 422, code: "invalid_body" },
        Case { name: "not JSON content type", token: Some(TOKEN), body: good("1"), content_type: "text/plain", status: 415, code: "unsupported_media_type" },
        Case { name: "empty batch", token: Some(TOKEN), body: r#"{"points":[]}"#.into(), content_type: json, status: 422, code: "empty_batch" },
        Case { name: "oversized batch", token: Some(TOKEN), body: many(1001), content_type: json, status: 413, code: "batch_too_large" },
        Case { name: "oversized body", token: Some(TOKEN), body: format!(r#"{{"points":[],"pad":"{}"}}"#, "x".repeat(2 << 20)), content_type: json, status: 413, code: "body_too_large" },
        Case {
            name: "unknown series (one good point in the batch too)",
            token: Some(TOKEN),
            body: r#"{"points":[{"series":"iip","unit":"40","ts":"2026-10-01T00:00:00Z","value":1},{"series":"nope","unit":"40","ts":"2026-10-01T00:00:00Z","value":1}]}"#.into(),
            content_type: json,
            status: 422,
            code: "unknown_series",
        },
        Case { name: "unknown unit", token: Some(TOKEN), body: r#"{"points":[{"series":"iip","unit":"99999","ts":"2026-10-01T00:00:00Z","value":1}]}"#.into(), content_type: json, status: 422, code: "unknown_unit" },
        Case { name: "timestamp in the far future", token: Some(TOKEN), body: r#"{"points":[{"series":"iip","unit":"40","ts":"2099-01-01T00:00:00Z","value":1}]}"#.into(), content_type: json, status: 422, code: "timestamp_out_of_range" },
        Case { name: "no token", token: None, body: good("1"), content_type: json, status: 401, code: "missing_token" },
        Case { name: "wrong token", token: Some("not-the-token"), body: good("1"), content_type: json, status: 401, code: "bad_token" },
        Case { name: "wrong token and bad body", token: Some("not-the-token"), body: "{".into(), content_type: json, status: 401, code: "bad_token" },
    ];
    for c in &cases {
        let r = send(&app, c).await;
        assert_eq!(r.status().as_u16(), c.status, "{}", c.name);
        let body: Value = r
            .json()
            .await
            .unwrap_or_else(|e| panic!("{}: JSON error body: {e}", c.name));
        let err = &body["error"];
        assert_eq!(err["code"], c.code, "{}: {body}", c.name);
        let vi = err["message_vi"].as_str().unwrap();
        let en = err["message_en"].as_str().unwrap();
        assert!(
            !vi.is_empty() && !en.is_empty() && vi != en,
            "{}: bilingual message: {body}",
            c.name
        );
        assert_eq!(app.count_points().await, 0, "{}: nothing written", c.name);
    }
    let heads: i64 = sqlx::query_scalar("SELECT count(*) FROM series_streams")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(heads, 0, "no stream head touched");
}

#[tokio::test]
async fn error_messages_name_the_culprit() {
    let app = spawn_app().await;
    let r = app
        .post_points(&[
            point("iip", "40", "2026-10-01T00:00:00Z", 1.0),
            point("gdp_x", "40", "2026-10-01T00:00:00Z", 1.0),
        ])
        .await;
    let body: Value = r.json().await.unwrap();
    assert!(
        body["error"]["message_en"]
            .as_str()
            .unwrap()
            .contains("gdp_x"),
        "{body}"
    );
    let r = app
        .http
        .post(app.url("/api/v1/points"))
        .bearer_auth(TOKEN)
        .header("content-type", "application/json")
        .body(r#"{"points":[{"series":"iip","unit":"40","ts":"2026-10-01T00:00:00Z","value":1},{"series":"iip","unit":"40","ts":"2026-10-01T00:00:00Z","value":-1e999}]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "non_finite_value");
    assert!(
        body["error"]["message_en"]
            .as_str()
            .unwrap()
            .contains("points[1]"),
        "names the point: {body}"
    );
}

#[tokio::test]
async fn concurrent_batches_get_distinct_consecutive_offsets() {
    let app = spawn_app().await;
    let mut tasks = Vec::new();
    for i in 0..8 {
        let http = app.http.clone();
        let url = app.url("/api/v1/points");
        tasks.push(tokio::spawn(async move {
            for j in 0..10 {
                let body = json!({"points": [
                    {"series": "cpi", "unit": "40", "ts": format!("2026-10-{:02}T00:00:00Z", j + 1), "value": i * 100 + j},
                    {"series": "iip", "unit": "40", "ts": "2026-10-01T00:00:00Z", "value": j}
                ]});
                let r = http.post(&url).bearer_auth(TOKEN).json(&body).send().await.unwrap();
                assert_eq!(r.status(), 200);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    for series in ["cpi", "iip"] {
        let offsets: Vec<i64> = sqlx::query_scalar(
            "SELECT stream_offset FROM metric_points p JOIN series se ON se.id = p.series_id WHERE se.code = $1 ORDER BY 1",
        )
        .bind(series)
        .fetch_all(&app.db)
        .await
        .unwrap();
        assert_eq!(offsets, (1..=80).collect::<Vec<i64>>(), "{series}");
    }
}
