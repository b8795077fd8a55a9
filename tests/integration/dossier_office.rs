//! The office side of dossiers: reading one apology slip with what its printed form names, the
//! communes' shapes import (all or nothing, every bad feature listed, audited) and their read,
//! and a unit's monthly 766 trend.

use chrono::{Datelike, Duration as Days, Utc};
use ioc_protocol::{ApiErrorBody, ApologySlip, CommuneShapeReceipt, IndexTrend};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::dossiers::{one_stop, ANH_SON};
use crate::harness::{spawn_app, TestApp};

/// Xã Anh Sơn and Xã Yên Xuân, communes of Nghệ An; Phường Hoàn Kiếm of Hà Nội.
const YEN_XUAN: &str = "17380";
const HOAN_KIEM: &str = "00070";

/// A birth registration at Anh Sơn received 20 days ago, promised 19 days ago, still processing.
async fn overdue_dossier(app: &TestApp, token: &str, id: &str) {
    let received = Utc::now() - Days::days(20);
    let r = app
        .http
        .post(app.url("/api/v1/dossier-events"))
        .bearer_auth(token)
        .json(&json!({"events": [{
            "dossier_id": id, "seq": 1, "status": 4, "event_at": received.to_rfc3339(),
            "procedure": "1.001193", "unit": ANH_SON, "commune": ANH_SON, "channel": 2,
            "received_at": received.to_rfc3339(),
            "due_date": (Utc::now() - Days::days(19)).date_naive(),
        }]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let receipt: Value = r.json().await.unwrap();
    assert_eq!(receipt["items"][0]["outcome"], "stored", "{receipt}");
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.db).await.unwrap()
}

#[tokio::test]
async fn a_slip_is_read_with_everything_its_form_names() {
    let app = spawn_app().await;
    let token = one_stop(&app).await;
    overdue_dossier(&app, &token, "HS-XL-1").await;
    let staff = app
        .sign_in_new("can.bo", "unit_editor", Some(ANH_SON))
        .await;
    let new_due = (Utc::now() + Days::days(7)).date_naive();
    let r = staff
        .post(&app, "/api/v1/dossiers/HS-XL-1/apologies")
        .json(&json!({"reason": "Chờ xác minh hồ sơ gốc", "new_due": new_due}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);

    let r = staff
        .get(&app, "/api/v1/dossiers/HS-XL-1/apologies/1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let slip: ApologySlip = r.json().await.unwrap();
    assert_eq!(slip.apology.number, 1);
    assert_eq!(slip.apology.reason, "Chờ xác minh hồ sơ gốc");
    assert_eq!(slip.apology.new_due, new_due);
    assert_eq!(
        slip.apology.previous_due,
        (Utc::now() - Days::days(19)).date_naive()
    );
    assert_eq!(slip.due_date, Some(slip.apology.previous_due));
    assert!(slip.received_at.is_some());
    assert_eq!(
        (
            slip.unit.as_str(),
            slip.unit_name_vi.as_str(),
            slip.unit_kind.as_str()
        ),
        (ANH_SON, "Xã Anh Sơn", "commune")
    );
    assert_eq!(slip.unit_name_en, "Anh Son Commune");
    assert_eq!(slip.procedure, "1.001193");
    assert!(!slip.procedure_name_vi.is_empty());
    assert_eq!(slip.province_name_vi, "Tỉnh Nghệ An");
    assert_eq!(slip.postponements, 1);
    assert_eq!(slip.apology.issued_by, "user:can.bo");

    // A leader reads it too; no second slip, no slip numbered "x".
    let leader = app.sign_in_new("lanh.dao", "leader", None).await;
    let r = leader
        .get(&app, "/api/v1/dossiers/HS-XL-1/apologies/1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    for path in [
        "/api/v1/dossiers/HS-XL-1/apologies/2",
        "/api/v1/dossiers/HS-XL-1/apologies/x",
        "/api/v1/dossiers/NONE/apologies/1",
    ] {
        let r = leader.get(&app, path).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        let body: ApiErrorBody = r.json().await.unwrap();
        assert_eq!(body.error.code, "not_found");
    }
    // Another commune's staff cannot tell the slip exists.
    let other = app
        .sign_in_new("xa.khac", "unit_editor", Some(YEN_XUAN))
        .await;
    let r = other
        .get(&app, "/api/v1/dossiers/HS-XL-1/apologies/1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

fn square(lon: f64, lat: f64) -> Value {
    json!({"type": "Polygon", "coordinates": [[[lon, lat], [lon + 0.05, lat], [lon + 0.05, lat + 0.05], [lon, lat + 0.05], [lon, lat]]]})
}

fn feature(properties: Value, geometry: Value) -> Value {
    json!({"type": "Feature", "properties": properties, "geometry": geometry})
}

#[tokio::test]
async fn shapes_are_imported_all_or_nothing_and_read_back() {
    let app = spawn_app().await;
    let admin = app.sign_in_new("quan.tri", "admin", None).await;
    let audits = "SELECT count(*) FROM audit_log WHERE entity = 'commune_shapes'";

    // A file with bad features among good ones: every bad one listed, nothing written.
    let mut open_ring = square(104.9, 18.8);
    open_ring["coordinates"][0][4] = json!([104.91, 18.8]);
    let bad = json!({"type": "FeatureCollection", "features": [
        feature(json!({"code": ANH_SON}), square(104.9, 18.8)),
        feature(json!({"ma_xa": HOAN_KIEM}), square(105.85, 21.02)),
        feature(json!({"ward_code": YEN_XUAN}), open_ring),
        feature(json!({"name": "không mã"}), square(105.0, 19.0)),
        feature(json!({"code": ANH_SON}), square(105.0, 19.0)),
        feature(json!({"code": "17344"}), square(18.8, 104.9)),
    ]});
    let r = admin
        .post(&app, "/api/v1/commune-shapes")
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: ApiErrorBody = r.json().await.unwrap();
    assert_eq!(body.error.code, "invalid_features");
    let listed: Vec<(u32, &str, Option<&str>)> = body
        .error
        .rows
        .iter()
        .map(|r| (r.row, r.code.as_str(), r.key.as_deref()))
        .collect();
    assert_eq!(
        listed,
        vec![
            (1, "unknown_commune", Some(HOAN_KIEM)),
            (2, "ring_not_closed", Some(YEN_XUAN)),
            (3, "no_commune_code", None),
            (4, "duplicate_commune", Some(ANH_SON)),
            (5, "outside_vietnam", Some("17344")),
        ]
    );
    assert!(body.error.message_vi.contains("features[1, 2, 3, 4, 5]"));
    assert!(body.error.rows.iter().all(|r| !r.message_vi.is_empty()
        && !r.message_en.is_empty()
        && r.message_vi != r.message_en));
    assert_eq!(count(&app, "SELECT count(*) FROM commune_shapes").await, 0);
    assert_eq!(count(&app, audits).await, 0);

    // Not a collection at all.
    let r = admin
        .post(&app, "/api/v1/commune-shapes")
        .json(&json!({"type": "Feature"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // A good file (codes as numbers or short strings are padded): stored and audited.
    let good = json!({"type": "FeatureCollection", "features": [
        feature(json!({"code": ANH_SON, "ten": "Anh Sơn"}), square(104.9, 18.8)),
        feature(json!({"ma_xa": 17380}), json!({"type": "MultiPolygon", "coordinates": [square(105.0, 18.9)["coordinates"].clone(), square(105.1, 18.9)["coordinates"].clone()]})),
    ]});
    let r = admin
        .post(&app, "/api/v1/commune-shapes")
        .json(&good)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let receipt: CommuneShapeReceipt = r.json().await.unwrap();
    assert_eq!((receipt.imported, receipt.replaced), (2, 0));
    assert!(receipt.missing.contains(&"17344".to_string()));
    assert!(!receipt.missing.contains(&ANH_SON.to_string()));
    assert_eq!(count(&app, "SELECT count(*) FROM commune_shapes").await, 2);
    assert_eq!(count(&app, audits).await, 1);
    let actor: String = sqlx::query_scalar(
        "SELECT actor FROM audit_log WHERE entity = 'commune_shapes' AND action = 'import'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(actor, "user:quan.tri");

    // Readers of the wall get the collection with codes and names.
    let leader = app.sign_in_new("lanh.dao", "leader", None).await;
    let r = leader
        .get(&app, "/api/v1/commune-shapes")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/geo+json"));
    let shapes: Value = r.json().await.unwrap();
    assert_eq!(shapes["type"], "FeatureCollection");
    let features = shapes["features"].as_array().unwrap();
    assert_eq!(features.len(), 2);
    let anh_son = features
        .iter()
        .find(|f| f["properties"]["code"] == ANH_SON)
        .unwrap();
    assert_eq!(anh_son["properties"]["name"], "Xã Anh Sơn");
    assert_eq!(anh_son["geometry"], square(104.9, 18.8));
    let yen_xuan = features
        .iter()
        .find(|f| f["properties"]["code"] == YEN_XUAN)
        .unwrap();
    assert_eq!(yen_xuan["geometry"]["type"], "MultiPolygon");

    // A new import replaces the shapes.
    let one = json!({"type": "FeatureCollection", "features": [feature(json!({"code": YEN_XUAN}), square(105.0, 18.9))]});
    let receipt: CommuneShapeReceipt = admin
        .post(&app, "/api/v1/commune-shapes")
        .json(&one)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!((receipt.imported, receipt.replaced), (1, 2));
    let codes: Vec<String> = sqlx::query_scalar("SELECT unit_code FROM commune_shapes")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(codes, vec![YEN_XUAN.to_string()]);
    assert_eq!(count(&app, audits).await, 2);

    // Only administrators import; a commune's staff do not read the map's shapes.
    let staff = app
        .sign_in_new("can.bo", "unit_editor", Some(ANH_SON))
        .await;
    let r = staff
        .post(&app, "/api/v1/commune-shapes")
        .json(&good)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = staff
        .get(&app, "/api/v1/commune-shapes")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(count(&app, "SELECT count(*) FROM commune_shapes").await, 1);
}

#[tokio::test]
async fn the_trend_gives_one_index_per_month_with_six_groups() {
    let app = spawn_app().await;
    let token = one_stop(&app).await;
    overdue_dossier(&app, &token, "HS-TR-1").await;
    let leader = app.sign_in_new("lanh.dao", "leader", None).await;
    let r = leader
        .get(&app, &format!("/api/v1/index766/{ANH_SON}/trend?months=3"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let trend: IndexTrend = r.json().await.unwrap();
    assert_eq!(
        (trend.unit.as_str(), trend.unit_name_vi.as_str()),
        (ANH_SON, "Xã Anh Sơn")
    );
    assert_eq!(trend.months.len(), 3);
    let today = ioc_server::dossiers::today();
    let this_month = today.with_day(1).unwrap();
    assert_eq!(trend.months[2].month, this_month);
    assert!(trend.months[0].month < trend.months[1].month);
    assert_eq!(trend.months[1].month.day(), 1);
    for m in &trend.months {
        assert_eq!(m.groups.len(), 6, "{}", m.month);
        let sum: f64 = m.groups.iter().map(|g| g.points).sum();
        assert!(
            (m.total - sum).abs() < 0.01,
            "{}: {} vs {sum}",
            m.month,
            m.total
        );
        assert!(!m.band_vi.is_empty() && !m.band_en.is_empty());
    }
    // The months were computed on demand and stored (for every unit, with the province).
    let stored = count(
        &app,
        "SELECT count(DISTINCT period_start) FROM dossier_index WHERE period_kind = 'month' AND unit_code = '40'",
    )
    .await;
    assert!(stored >= 3, "{stored}");
    // The default is 12 months.
    let trend: IndexTrend = leader
        .get(&app, "/api/v1/index766/40/trend")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(trend.months.len(), 12);
    assert_eq!(trend.months[11].month, this_month);

    // Bad month counts, unknown units, other communes' staff.
    for months in ["0", "37"] {
        let r = leader
            .get(
                &app,
                &format!("/api/v1/index766/{ANH_SON}/trend?months={months}"),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{months}");
        let body: ApiErrorBody = r.json().await.unwrap();
        assert_eq!(body.error.code, "bad_months");
    }
    let r = leader
        .get(&app, "/api/v1/index766/nowhere/trend")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let own = app
        .sign_in_new("can.bo", "unit_editor", Some(ANH_SON))
        .await;
    let r = own
        .get(&app, &format!("/api/v1/index766/{ANH_SON}/trend?months=2"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = own
        .get(&app, &format!("/api/v1/index766/{YEN_XUAN}/trend"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}
