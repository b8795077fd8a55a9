//! Dossier events through the HTTP API as a one-stop system sends them: per-item answers,
//! duplicates and out-of-order events, bad input, the rollups and the 766 index they move, the
//! live board on `dossiers/{unit}`, apology slips, and who reads what.

use std::time::{Duration, Instant};

use chrono::{Duration as Days, Utc};
use ioc_protocol::{
    ApologyView, DossierBoard, DossierIngestReceipt, DossierView, IndexView, ItemOutcome, Payload,
    ServerFrame, Timeliness,
};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::{spawn_app, TestApp};

/// A commune of Nghệ An (Xã Anh Sơn) and another (Xã Yên Xuân); a commune of Hưng Yên.
pub(crate) const ANH_SON: &str = "17329";
const YEN_XUAN: &str = "17380";
const PHO_HIEN: &str = "11953";
/// Birth registration: a commune-level procedure, handled the same day.
const BIRTH: &str = "1.001193";
/// Criminal record certificate: the Department of Justice, 10 working days.
const CRIMINAL_RECORD: &str = "2.000488";

/// The demo catalogue and a one-stop system's token for the province.
pub(crate) async fn one_stop(app: &TestApp) -> String {
    ioc_server::dossiers::catalogue::seed_demo(&app.db, "40")
        .await
        .unwrap();
    let scopes = ["dossiers:write".to_string()];
    let new = ioc_server::auth::tokens::NewToken {
        name: "Hệ thống một cửa",
        kind: ioc_protocol::TokenKind::Integration,
        unit_code: "40",
        scopes: &scopes,
        screens: &[],
        created_by: None,
        expires_at: None,
    };
    ioc_server::auth::tokens::create(&app.db, &new)
        .await
        .unwrap()
        .0
}

async fn post(app: &TestApp, token: &str, events: Vec<Value>) -> reqwest::Response {
    app.http
        .post(app.url("/api/v1/dossier-events"))
        .bearer_auth(token)
        .json(&json!({ "events": events }))
        .send()
        .await
        .unwrap()
}

pub(crate) async fn send(app: &TestApp, token: &str, events: Vec<Value>) -> DossierIngestReceipt {
    let r = post(app, token, events).await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

fn ago(hours: i64) -> String {
    (Utc::now() - Days::hours(hours)).to_rfc3339()
}

/// An event of a dossier received `hours` ago at a commune, birth registration.
pub(crate) fn event(id: &str, seq: i64, status: i64, hours: i64) -> Value {
    json!({
        "dossier_id": id, "seq": seq, "status": status,
        "event_at": (Utc::now() - Days::hours(hours) + Days::minutes(seq)).to_rfc3339(),
        "procedure": BIRTH, "unit": ANH_SON, "commune": ANH_SON, "channel": 2,
        "received_at": ago(hours), "digitised_components": true,
        "applicant": {"name": "Nguyễn Văn A", "id_number": "040090000001"}
    })
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.db).await.unwrap()
}

fn outcomes(r: &DossierIngestReceipt) -> Vec<ItemOutcome> {
    r.items.iter().map(|i| i.outcome).collect()
}

fn codes(r: &DossierIngestReceipt) -> Vec<Option<String>> {
    r.items
        .iter()
        .map(|i| i.error.as_ref().map(|e| e.code.clone()))
        .collect()
}

#[tokio::test]
async fn each_item_is_answered_and_the_valid_ones_are_stored() {
    let app = spawn_app().await;
    let token = one_stop(&app).await;
    let mut finished = event("HS-1", 3, 9, 30);
    finished["result_at"] = json!(ago(2));
    let mut result_first = event("HS-3", 1, 9, 30);
    result_first["result_at"] = json!(ago(31));
    let mut other_province = event("HS-4", 1, 2, 30);
    other_province["unit"] = json!(PHO_HIEN);
    other_province["commune"] = json!(PHO_HIEN);
    let mut unknown_procedure = event("HS-5", 1, 2, 30);
    unknown_procedure["procedure"] = json!("9.999999");
    let mut wrong_unit = event("HS-6", 1, 2, 30);
    wrong_unit["procedure"] = json!(CRIMINAL_RECORD);
    let mut due_before = event("HS-7", 1, 2, 30);
    due_before["due_date"] = json!("2020-01-01");
    let r = send(
        &app,
        &token,
        vec![
            event("HS-1", 1, 2, 30),
            finished,
            event("HS-1", 2, 4, 30), // older than seq 3: kept, does not win
            event("HS-1", 1, 2, 30), // the same event again
            event("HS-2", 1, 11, 30),
            result_first,
            other_province,
            unknown_procedure,
            wrong_unit,
            due_before,
            json!({"dossier_id": "HS-8", "seq": "one"}),
        ],
    )
    .await;
    use ItemOutcome::*;
    assert_eq!(
        outcomes(&r),
        vec![
            Stored,
            Stored,
            StoredOutOfOrder,
            Duplicate,
            Rejected,
            Rejected,
            Rejected,
            Rejected,
            Rejected,
            Rejected,
            Rejected
        ]
    );
    assert_eq!(
        codes(&r)[4..].to_vec(),
        [
            "unknown_status",
            "result_before_receipt",
            "outside_scope",
            "unknown_procedure",
            "wrong_unit",
            "due_before_receipt",
            "malformed_event"
        ]
        .map(|c| Some(c.to_string()))
    );
    assert_eq!((r.stored, r.duplicates, r.rejected), (3, 1, 7));
    let error = r.items[4].error.as_ref().unwrap();
    assert!(error.message_vi.contains("trạng thái") && error.message_en.contains("Status"));
    assert_eq!(r.items[10].dossier_id.as_deref(), Some("HS-8"));
    // One dossier, three events in its history; nothing of the refused ones.
    assert_eq!(count(&app, "SELECT count(*) FROM dossiers").await, 1);
    assert_eq!(count(&app, "SELECT count(*) FROM dossier_events").await, 3);
    assert_eq!(
        count(&app, "SELECT status::int8 FROM dossiers WHERE id = 'HS-1'").await,
        9
    );
    // Personal data is dropped by default: not in the dossier, not in the stored events.
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM dossiers WHERE personal IS NOT NULL"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM dossier_events WHERE body::jsonb ? 'applicant'"
        )
        .await,
        0
    );
    // The rollups count the dossier once: received, finished (birth registration is due the
    // day it is received, so a result a day later is late).
    assert_eq!(
        count(&app, "SELECT sum(received) FROM dossier_daily").await,
        1
    );
    assert_eq!(
        count(&app, "SELECT sum(finished) FROM dossier_daily").await,
        1
    );
    assert_eq!(count(&app, "SELECT count(*) FROM dossier_open").await, 0);
    // Sending the whole batch again changes nothing.
    let again = send(
        &app,
        &token,
        vec![event("HS-1", 1, 2, 30), event("HS-1", 2, 4, 30)],
    )
    .await;
    assert_eq!(outcomes(&again), vec![Duplicate, Duplicate]);
    assert_eq!(count(&app, "SELECT count(*) FROM dossier_events").await, 3);
    assert_eq!(
        count(&app, "SELECT sum(received) FROM dossier_daily").await,
        1
    );
}

#[tokio::test]
async fn bad_requests_are_refused_whole_and_oversized_batches_item_by_item() {
    let app = spawn_app().await;
    let token = one_stop(&app).await;
    let r = post(&app, "not-a-token", vec![event("HS-1", 1, 2, 5)]).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // The wall's token (and the points token) may not send dossiers.
    let r = post(&app, &app.reader, vec![event("HS-1", 1, 2, 5)]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = post(&app, &token, vec![]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .http
        .post(app.url("/api/v1/dossier-events"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(r#"{"events": [{"dossier_id": "#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // 5,001 events: the first 5,000 are read, the last is answered "send it again".
    let events: Vec<Value> = (0..5001)
        .map(|i| event(&format!("HS-{i}"), 1, 2, 5))
        .collect();
    let r = send(&app, &token, events).await;
    assert_eq!(r.stored, 5000);
    assert_eq!(r.items[5000].outcome, ItemOutcome::Rejected);
    assert_eq!(
        r.items[5000].error.as_ref().map(|e| e.code.as_str()),
        Some("batch_limit")
    );
    assert_eq!(count(&app, "SELECT count(*) FROM dossiers").await, 5000);
}

/// The next board published on `dossiers/{unit}` that satisfies `ok`.
pub(crate) async fn board_where(
    ws: &mut crate::harness::Ws,
    ok: impl Fn(&DossierBoard) -> bool,
) -> DossierBoard {
    loop {
        match tokio::time::timeout(Duration::from_secs(20), ws.next()).await {
            Ok(ServerFrame::Publication(p)) => {
                if let Payload::Dossiers(b) = p.data {
                    if ok(&b) {
                        return *b;
                    }
                }
            }
            Ok(ServerFrame::Subscribed {
                state: Some(Payload::Dossiers(b)),
                ..
            }) if ok(&b) => return *b,
            Ok(_) => {}
            Err(_) => panic!("no board as expected within 20 s"),
        }
    }
}

#[tokio::test]
async fn events_move_the_live_board_and_the_766_index() {
    let app = spawn_app().await;
    let token = one_stop(&app).await;
    let mut ws = app.ws().await;
    ws.subscribe(&format!("dossiers/{ANH_SON}"), None).await;
    let mut province_ws = app.ws().await;
    province_ws.subscribe("dossiers/40", None).await;
    // Two dossiers received now (one due long ago in working days: received 20 days ago and
    // still open), one finished on time.
    let mut overdue = event("HS-OLD", 1, 4, 24 * 20);
    overdue["due_date"] = json!((Utc::now() - Days::days(19)).date_naive());
    let now_received = event("HS-NEW", 1, 2, 0);
    let sent = Instant::now();
    send(&app, &token, vec![overdue, now_received]).await;
    let board = board_where(&mut ws, |b| b.unit == ANH_SON && b.in_progress == 2).await;
    println!(
        "board of {ANH_SON} published {:?} after the answer",
        sent.elapsed()
    );
    assert_eq!(board.overdue, 1);
    assert_eq!(board.late_without_apology, 1);
    // The live alert to the commune names the dossier, not the citizen.
    assert_eq!(board.alerts.len(), 1);
    assert_eq!(board.alerts[0].id, "HS-OLD");
    assert!(!board.alerts[0].apologised);
    assert!(board.received_today >= 1);
    let province = board_where(&mut province_ws, |b| b.unit == "40" && b.in_progress == 2).await;
    let commune = province
        .communes
        .iter()
        .find(|c| c.unit == ANH_SON)
        .unwrap();
    assert_eq!((commune.open, commune.overdue), (2, 1));
    assert!(province.index.is_some());

    // The index explains itself: progress counts the dossier in time over those handled.
    let admin = app.sign_in_new("lanh.dao", "leader", None).await;
    let index: IndexView = admin
        .get(
            &app,
            &format!("/api/v1/index766/{ANH_SON}?period=rolling30"),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let progress = index.metrics.iter().find(|m| m.code == "on_time").unwrap();
    assert_eq!((progress.numerator, progress.denominator), (1.0, 2.0));
    assert_eq!(progress.points, 10.0);
    let online = index
        .metrics
        .iter()
        .find(|m| m.code == "online_share")
        .unwrap();
    assert_eq!(
        (online.numerator, online.denominator, online.points),
        (2.0, 2.0, 6.0)
    );
    assert_eq!(index.summary.groups.len(), 6);
    let sum: f64 = index.summary.groups.iter().map(|g| g.points).sum();
    assert!((index.summary.total - sum).abs() < 0.01);

    // The overdue list of the commune, with its age in working days.
    let list: Vec<DossierView> = admin
        .get(
            &app,
            &format!("/api/v1/dossiers?unit={ANH_SON}&state=overdue"),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, "HS-OLD");
    assert_eq!(list[0].timeliness, Timeliness::Overdue);
    assert!(list[0].days_late >= 10, "{}", list[0].days_late);

    // The commune's staff apologise: the slip keeps both dates, the board no longer counts the
    // dossier as late without apology.
    let staff = app
        .sign_in_new("can.bo", "unit_editor", Some(ANH_SON))
        .await;
    let new_due = (Utc::now() + Days::days(7)).date_naive();
    let r = staff
        .post(&app, "/api/v1/dossiers/HS-OLD/apologies")
        .json(&json!({"reason": "Chờ xác minh hồ sơ gốc", "new_due": new_due}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let slip: ApologyView = r.json().await.unwrap();
    assert_eq!((slip.number, slip.new_due), (1, new_due));
    let board = board_where(&mut ws, |b| {
        b.unit == ANH_SON && b.late_without_apology == 0
    })
    .await;
    assert_eq!(
        board.overdue, 1,
        "still overdue against the first promised date"
    );
    let dossier: DossierView = staff
        .get(&app, "/api/v1/dossiers/HS-OLD")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (dossier.postponements, dossier.current_due_date),
        (1, Some(new_due))
    );
    // A second slip must promise a later date than the first.
    let r = staff
        .post(&app, "/api/v1/dossiers/HS-OLD/apologies")
        .json(&json!({"reason": "x", "new_due": new_due}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Another commune's staff do not see it.
    let other = app
        .sign_in_new("xa.khac", "unit_editor", Some(YEN_XUAN))
        .await;
    let r = other
        .get(&app, "/api/v1/dossiers/HS-OLD")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = other
        .get(&app, &format!("/api/v1/dossiers?unit={ANH_SON}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // The ranking of communes, and its Excel export.
    let ranking: Vec<ioc_protocol::RankRow> = admin
        .get(&app, "/api/v1/index766-ranking?kind=commune")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ranking.first().map(|r| r.rank), Some(1));
    assert!(ranking.iter().any(|r| r.unit == ANH_SON));
    let xlsx = admin
        .get(&app, "/api/v1/index766-ranking.xlsx?kind=commune")
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), StatusCode::OK);
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"));
}

#[tokio::test]
async fn concurrent_batches_creating_the_same_dossiers_count_each_once() {
    let app = spawn_app().await;
    let token = one_stop(&app).await;
    // A second server process on the same database (one process stores one batch at a time;
    // two processes race for real).
    let name: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let url = crate::harness::cluster().await.pg.url(&name);
    let data = tempfile::tempdir().unwrap();
    let second = ioc_server::start(crate::harness::config(&url, data.path(), &[]))
        .await
        .unwrap();
    let post_to = |addr: std::net::SocketAddr, events: Vec<Value>| {
        let (http, token) = (app.http.clone(), token.clone());
        async move {
            let r = http
                .post(format!("http://{addr}/api/v1/dossier-events"))
                .bearer_auth(token)
                .json(&json!({ "events": events }))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            r.json::<DossierIngestReceipt>().await.unwrap()
        }
    };
    // 2,000 new dossiers a round; each one's receipt goes to one server and its processing
    // event to the other, at the same time.
    for round in 0..3 {
        let ids: Vec<String> = (0..2000).map(|i| format!("RACE-{round}-{i}")).collect();
        let a: Vec<Value> = ids.iter().map(|id| event(id, 1, 2, 10)).collect();
        let b: Vec<Value> = ids.iter().map(|id| event(id, 2, 4, 10)).collect();
        let (ra, rb) = tokio::join!(post_to(app.addr, a), post_to(second.addr, b));
        assert_eq!((ra.stored, rb.stored), (2000, 2000));
    }
    second.stop().await.unwrap();
    assert_eq!(count(&app, "SELECT count(*) FROM dossiers").await, 6000);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM dossiers WHERE cardinality(seen_seqs) = 2 AND status = 4"
        )
        .await,
        6000
    );
    assert_eq!(
        count(&app, "SELECT count(*) FROM dossier_events").await,
        12000
    );
    assert_eq!(
        count(&app, "SELECT sum(received) FROM dossier_daily").await,
        6000
    );
    assert_eq!(
        count(&app, "SELECT sum(count) FROM dossier_open").await,
        6000
    );
}
