use std::time::Duration;

use futures::StreamExt;
use ioc_protocol::{ClientFrame, Payload, ServerFrame, StreamPosition};
use serde_json::json;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;

use crate::harness::{point, spawn_app, spawn_app_with, TOKEN};

const TOPIC: &str = "indicator/iip/40";

fn value_of(frame: &ServerFrame) -> f64 {
    match frame {
        ServerFrame::Publication(p) => match &p.data {
            Payload::Point(pt) => pt.value,
            other => panic!("expected a point, got {other:?}"),
        },
        other => panic!("expected a publication, got {other:?}"),
    }
}

#[tokio::test]
async fn subscriber_gets_latest_state_first_then_updates() {
    let app = spawn_app().await;
    app.post_points(&[point("iip", "40", "2026-10-01T00:00:00Z", 108.5)])
        .await;

    let mut ws = app.ws().await;
    ws.subscribe(TOPIC, None).await;
    match ws.next().await {
        ServerFrame::Subscribed {
            topic,
            offset,
            state: Some(Payload::Point(p)),
            recovered,
            ..
        } => {
            assert_eq!(topic, TOPIC);
            assert_eq!(offset, 1);
            assert_eq!(p.value, 108.5);
            assert!(!p.demo);
            assert!(!recovered, "no position given, nothing recovered");
        }
        other => panic!("expected the snapshot first, got {other:?}"),
    }

    app.post_points(&[point("iip", "40", "2026-11-01T00:00:00Z", 109.25)])
        .await;
    let f = ws.next().await;
    assert_eq!(value_of(&f), 109.25);
    let ServerFrame::Publication(p) = f else {
        unreachable!()
    };
    assert_eq!((p.topic.as_str(), p.offset), (TOPIC, 2));

    // Other topics' publications are not delivered to this subscriber.
    app.post_points(&[point("exports", "40", "2026-11-01T00:00:00Z", 1.0)])
        .await;
    assert!(ws.try_next(Duration::from_millis(300)).await.is_none());
}

#[tokio::test]
async fn empty_topic_subscribes_at_offset_zero() {
    let app = spawn_app().await;
    let mut ws = app.ws().await;
    ws.subscribe("indicator/cpi/40", None).await;
    match ws.next().await {
        ServerFrame::Subscribed {
            offset: 0,
            state: None,
            ..
        } => {}
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn reconnecting_client_recovers_what_it_missed() {
    let app = spawn_app().await;
    app.post_points(&[point("iip", "40", "2026-01-01T00:00:00Z", 1.0)])
        .await;
    let mut ws = app.ws().await;
    ws.subscribe(TOPIC, None).await;
    let ServerFrame::Subscribed { epoch, offset, .. } = ws.next().await else {
        panic!()
    };
    drop(ws);

    for (i, month) in ["02", "03", "04"].iter().enumerate() {
        app.post_points(&[point(
            "iip",
            "40",
            &format!("2026-{month}-01T00:00:00Z"),
            2.0 + i as f64,
        )])
        .await;
    }

    let mut ws = app.ws().await;
    ws.subscribe(
        TOPIC,
        Some(StreamPosition {
            epoch: epoch.clone(),
            offset,
        }),
    )
    .await;
    match ws.next().await {
        ServerFrame::Subscribed {
            offset: now,
            recovered: true,
            missed,
            ..
        } => {
            assert_eq!(now, 4);
            let got: Vec<(i64, f64)> = missed
                .iter()
                .map(|p| match &p.data {
                    Payload::Point(pt) => (p.offset, pt.value),
                    other => panic!("expected a point, got {other:?}"),
                })
                .collect();
            assert_eq!(got, vec![(2, 2.0), (3, 3.0), (4, 4.0)]);
        }
        other => panic!("{other:?}"),
    }

    // A position from another epoch (say, a rebuilt database) cannot be recovered: resync.
    let mut ws = app.ws().await;
    ws.subscribe(
        TOPIC,
        Some(StreamPosition {
            epoch: "other".into(),
            offset: 1,
        }),
    )
    .await;
    match ws.next().await {
        ServerFrame::Subscribed {
            recovered: false,
            missed,
            state: Some(Payload::Point(p)),
            offset: 4,
            ..
        } => {
            assert!(missed.is_empty());
            assert_eq!(p.value, 4.0);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn bad_frames_and_unknown_topics_get_error_frames() {
    let app = spawn_app().await;
    let mut ws = app.ws().await;
    futures::SinkExt::send(&mut ws.0, Message::text("{not json"))
        .await
        .unwrap();
    assert!(matches!(ws.next().await, ServerFrame::Error { code, .. } if code == "bad_frame"));
    // Topics the reader may follow but which do not exist, then topics nobody may follow.
    let cases = [
        ("indicator/nope/40", "unknown_topic"),
        ("indicator/iip/99999", "unknown_topic"),
        ("weather/40", "forbidden"),
        ("indicator/iip", "forbidden"),
    ];
    for (topic, expected) in cases {
        ws.subscribe(topic, None).await;
        match ws.next().await {
            ServerFrame::Error {
                topic: Some(t),
                code,
                message_vi,
                message_en,
            } => {
                assert_eq!((t.as_str(), code.as_str()), (topic, expected));
                assert_ne!(message_vi, message_en);
            }
            other => panic!("{topic}: {other:?}"),
        }
    }
    ws.send(&ClientFrame::Ping).await;
    assert_eq!(
        ws.next().await,
        ServerFrame::Pong,
        "the connection survived the bad frames"
    );
}

#[tokio::test]
async fn concurrent_writers_reach_subscribers_in_offset_order_without_gaps() {
    let app = spawn_app().await;
    let mut ws = app.ws().await;
    ws.subscribe(TOPIC, None).await;
    assert!(matches!(
        ws.next().await,
        ServerFrame::Subscribed { offset: 0, .. }
    ));

    let writers: Vec<_> = (0..6)
        .map(|w| {
            let http = app.http.clone();
            let url = app.url("/api/v1/points");
            tokio::spawn(async move {
                for j in 0..15 {
                    let body = json!({"points": [{"series": "iip", "unit": "40", "ts": "2026-10-01T00:00:00Z", "value": w * 100 + j}]});
                    let r = http.post(&url).bearer_auth(TOKEN).json(&body).send().await.unwrap();
                    assert_eq!(r.status(), 200);
                }
            })
        })
        .collect();
    for w in writers {
        w.await.unwrap();
    }
    let mut offsets = Vec::new();
    while offsets.len() < 90 {
        match ws.next().await {
            ServerFrame::Publication(p) => offsets.push(p.offset),
            ServerFrame::Subscribed { .. } => panic!("no resync expected for 90 publications"),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(offsets, (1..=90).collect::<Vec<i64>>());
}

#[tokio::test]
async fn shutdown_sends_a_close_frame() {
    let app = spawn_app().await;
    let mut ws = app.ws().await;
    ws.subscribe(TOPIC, None).await;
    ws.next().await;
    let stopping = tokio::spawn(app.stop());
    let close = loop {
        match tokio::time::timeout(Duration::from_secs(10), ws.0.next())
            .await
            .expect("close in time")
        {
            Some(Ok(Message::Close(frame))) => break frame,
            Some(Ok(_)) => continue,
            other => panic!("expected a close frame, got {other:?}"),
        }
    };
    assert_eq!(close.expect("close frame has a code").code, CloseCode::Away);
    stopping.await.unwrap();
}

#[tokio::test]
async fn connection_cap_refuses_extra_websockets() {
    let app = spawn_app_with(&["--max-ws-connections=2"]).await;
    let _a = app.ws().await;
    let _b = app.ws().await;
    let third = app.ws_as(Some(&app.reader)).await.map(|_| ());
    match third {
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => assert_eq!(resp.status(), 503),
        other => panic!("expected 503, got {other:?}"),
    }
}

#[tokio::test]
async fn demo_feed_publishes_labelled_values() {
    let app = spawn_app_with(&["--demo=true", "--demo-interval-ms=50"]).await;
    let wall: serde_json::Value = app
        .get_as_reader("/api/v1/wall")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(wall["demo_feed"], true);
    let mut ws = app.ws().await;
    ws.subscribe(TOPIC, None).await;
    ws.next().await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no demo publication"
        );
        if let Some(ServerFrame::Publication(p)) = ws.try_next(Duration::from_secs(2)).await {
            let Payload::Point(pt) = p.data else {
                panic!("expected a point")
            };
            assert!(pt.demo, "demo values are labelled");
            assert!(
                pt.value > 50.0 && pt.value < 200.0,
                "plausible IIP: {}",
                pt.value
            );
            break;
        }
    }
    let sources: Vec<String> = sqlx::query_scalar("SELECT DISTINCT source FROM metric_points")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert!(
        !sources.is_empty() && sources.iter().all(|s| s.starts_with("demo:")),
        "{sources:?}"
    );
    let first: Option<chrono::NaiveDate> =
        sqlx::query_scalar("SELECT min(period) FROM indicator_figures WHERE source = 'demo'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(
        first,
        chrono::NaiveDate::from_ymd_opt(2019, 1, 1),
        "demo history starts in 2019-01"
    );
}

/// Recovery first looks at recent points only (so it does not open every chunk or partition):
/// publications of old months, such as a late correction of 2019, must still be recovered.
#[tokio::test]
async fn recovery_finds_missed_points_of_old_months_too() {
    let app = spawn_app().await;
    app.post_points(&[point("iip", "40", "2026-01-01T00:00:00Z", 1.0)])
        .await;
    let mut ws = app.ws().await;
    ws.subscribe(TOPIC, None).await;
    let ServerFrame::Subscribed { epoch, offset, .. } = ws.next().await else {
        panic!()
    };
    drop(ws);
    app.post_points(&[point("iip", "40", "2019-03-01T00:00:00Z", 2.0)])
        .await;
    app.post_points(&[point("iip", "40", "2026-02-01T00:00:00Z", 3.0)])
        .await;
    let mut ws = app.ws().await;
    ws.subscribe(TOPIC, Some(StreamPosition { epoch, offset }))
        .await;
    match ws.next().await {
        ServerFrame::Subscribed {
            recovered: true,
            missed,
            ..
        } => {
            let got: Vec<(i64, f64)> = missed
                .iter()
                .map(|p| match &p.data {
                    Payload::Point(pt) => (p.offset, pt.value),
                    other => panic!("expected a point, got {other:?}"),
                })
                .collect();
            assert_eq!(got, vec![(2, 2.0), (3, 3.0)]);
        }
        other => panic!("{other:?}"),
    }
}
