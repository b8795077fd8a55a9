//! The administrator's unit and audit-trail APIs, through HTTP: who may call them, what they
//! write (always with an audit entry holding before and after), and the exports.

use ioc_protocol::{AuditEntryView, NewUserRequest, RoleGrant, UnitView};
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE, COOKIE};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::harness::{spawn_app, Session, TestApp, PERSON_PASSWORD as PASSWORD};

/// Phường Đội Cấn, Quận Ba Đình, Hà Nội before 1 July 2025 (a historic commune).
const DOI_CAN_HA_NOI: &str = "hc-dd8b322fe51a";

async fn create_user(app: &TestApp, username: &str, role: &str) {
    app.create_person(username, &[(role, None)]).await
}

async fn session(app: &TestApp, username: &str, role: &str) -> Session {
    app.sign_in_with(username, &[(role, None)]).await
}

/// A request with the session's cookie and, when `csrf`, its CSRF token.
fn call(
    app: &TestApp,
    s: &Session,
    method: Method,
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

async fn error_code(r: reqwest::Response) -> (StatusCode, String) {
    let status = r.status();
    let body: Value = r.json().await.unwrap();
    (
        status,
        body["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

fn new_department() -> Value {
    json!({
        "code": "dept-bqlda",
        "name_vi": "Ban Quản lý dự án đầu tư xây dựng tỉnh",
        "name_en": "Provincial Construction Investment Project Board",
        "kind": "department",
        "subtype": "ban"
    })
}

async fn audit(app: &TestApp, s: &Session, query: &str) -> Vec<AuditEntryView> {
    let r = call(
        app,
        s,
        Method::GET,
        &format!("/api/v1/admin/audit{query}"),
        false,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 200, "{query}");
    r.json().await.unwrap()
}

#[tokio::test]
async fn unit_apis_need_a_principal_and_writes_an_admin_with_csrf() {
    let app = spawn_app().await;
    let admin = session(&app, "admin", "admin").await;
    let leader = session(&app, "leader", "leader").await;

    // Reading: anyone signed in, person or machine; nobody else.
    let r = app
        .http
        .get(app.url("/api/v1/units?q=anh%20son"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNAUTHORIZED, "login_required".into())
    );
    let r = call(
        &app,
        &leader,
        Method::GET,
        "/api/v1/units?q=anh%20son",
        false,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        app.get_as_reader("/api/v1/units?kind=department")
            .await
            .status(),
        200,
        "a wall display too"
    );

    // Writing: the admin role and the CSRF token.
    let body = new_department();
    let r = app
        .http
        .post(app.url("/api/v1/admin/units"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNAUTHORIZED, "login_required".into())
    );
    let r = call(&app, &leader, Method::POST, "/api/v1/admin/units", true)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(r).await,
        (StatusCode::FORBIDDEN, "forbidden".into())
    );
    let r = call(&app, &admin, Method::POST, "/api/v1/admin/units", false)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(r).await,
        (StatusCode::FORBIDDEN, "csrf_failed".into())
    );
    let r = app
        .http
        .patch(app.url("/api/v1/admin/units/dept-stc"))
        .bearer_auth(&app.reader)
        .json(&json!({"active": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(r).await,
        (StatusCode::FORBIDDEN, "forbidden".into()),
        "a token is not an administrator"
    );
    let r = call(
        &app,
        &admin,
        Method::PATCH,
        "/api/v1/admin/units/dept-stc",
        false,
    )
    .json(&json!({"active": false}))
    .send()
    .await
    .unwrap();
    assert_eq!(
        error_code(r).await,
        (StatusCode::FORBIDDEN, "csrf_failed".into())
    );
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE entity = 'unit'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(n, 0, "nothing was written");
    let (active,): (bool,) = sqlx::query_as("SELECT active FROM units WHERE code = 'dept-stc'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(active);
}

#[tokio::test]
async fn creating_and_changing_a_unit_is_audited_with_before_and_after() {
    let app = spawn_app().await;
    let admin = session(&app, "admin", "admin").await;

    let r = call(&app, &admin, Method::POST, "/api/v1/admin/units", true)
        .json(&new_department())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let created: UnitView = r.json().await.unwrap();
    assert_eq!(
        created.parent_code.as_deref(),
        Some("40"),
        "the server's province by default"
    );
    assert!(created.active);
    assert_eq!(created.kind, "department");
    let last: i32 = sqlx::query_scalar("SELECT max(sort_order) FROM units WHERE parent_code = '40' AND kind = 'department' AND code <> 'dept-bqlda'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(
        created.sort_order,
        last + 10,
        "listed after the other departments"
    );

    let trail = audit(&app, &admin, "?entity=unit").await;
    assert_eq!(trail.len(), 1);
    assert_eq!(
        (trail[0].actor.as_str(), trail[0].action.as_str()),
        ("user:admin", "create")
    );
    assert_eq!(trail[0].entity_id.as_deref(), Some("dept-bqlda"));
    assert_eq!(trail[0].before, None);
    assert_eq!(
        trail[0].after.as_ref().unwrap()["name_vi"],
        "Ban Quản lý dự án đầu tư xây dựng tỉnh"
    );

    // The same code twice, an unknown parent, a badly formed code: 422, nothing written.
    let r = call(&app, &admin, Method::POST, "/api/v1/admin/units", true)
        .json(&new_department())
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body".into())
    );
    let mut orphan = new_department();
    orphan["code"] = json!("dept-mo-coi");
    orphan["parent_code"] = json!("99");
    let r = call(&app, &admin, Method::POST, "/api/v1/admin/units", true)
        .json(&orphan)
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "unknown_unit".into())
    );
    let commune =
        json!({"code": "dept-x", "name_vi": "Xã Mới", "name_en": "Moi Commune", "kind": "commune"});
    let r = call(&app, &admin, Method::POST, "/api/v1/admin/units", true)
        .json(&commune)
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body".into())
    );
    let province =
        json!({"code": "99", "name_vi": "Tỉnh Mới", "name_en": "Moi Province", "kind": "province"});
    let r = call(&app, &admin, Method::POST, "/api/v1/admin/units", true)
        .json(&province)
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body".into()),
        "only departments and communes"
    );
    let blank =
        json!({"code": "dept-trong", "name_vi": "  ", "name_en": "Blank", "kind": "department"});
    let r = call(&app, &admin, Method::POST, "/api/v1/admin/units", true)
        .json(&blank)
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body".into())
    );

    // Rename and deactivate: one entry with both states.
    let change =
        json!({"name_vi": "Ban Quản lý dự án các công trình xây dựng tỉnh", "active": false});
    let r = call(
        &app,
        &admin,
        Method::PATCH,
        "/api/v1/admin/units/dept-bqlda",
        true,
    )
    .json(&change)
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    let changed: UnitView = r.json().await.unwrap();
    assert_eq!(
        changed.name_vi,
        "Ban Quản lý dự án các công trình xây dựng tỉnh"
    );
    assert_eq!(
        changed.name_en, "Provincial Construction Investment Project Board",
        "fields not sent stay"
    );
    assert!(!changed.active);
    let trail = audit(&app, &admin, "?entity=unit&action=update").await;
    assert_eq!(trail.len(), 1);
    let (before, after) = (
        trail[0].before.as_ref().unwrap(),
        trail[0].after.as_ref().unwrap(),
    );
    assert_eq!(
        (before["name_vi"].as_str(), before["active"].as_bool()),
        (Some("Ban Quản lý dự án đầu tư xây dựng tỉnh"), Some(true))
    );
    assert_eq!(
        (after["name_vi"].as_str(), after["active"].as_bool()),
        (
            Some("Ban Quản lý dự án các công trình xây dựng tỉnh"),
            Some(false)
        )
    );

    // Sending what is already there changes nothing and writes nothing.
    let r = call(
        &app,
        &admin,
        Method::PATCH,
        "/api/v1/admin/units/dept-bqlda",
        true,
    )
    .json(&json!({"active": false}))
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(audit(&app, &admin, "?entity=unit").await.len(), 2);

    // Subtype cleared with "", moved under another department, reordered.
    let r = call(
        &app,
        &admin,
        Method::PATCH,
        "/api/v1/admin/units/dept-bqlda",
        true,
    )
    .json(&json!({"subtype": "", "parent_code": "dept-vp", "sort_order": 5}))
    .send()
    .await
    .unwrap();
    let moved: UnitView = r.json().await.unwrap();
    assert_eq!(
        (
            moved.subtype,
            moved.parent_code.as_deref(),
            moved.sort_order
        ),
        (None, Some("dept-vp"), 5)
    );
    // A loop is refused: the office cannot go under its own sub-unit.
    let r = call(
        &app,
        &admin,
        Method::PATCH,
        "/api/v1/admin/units/dept-vp",
        true,
    )
    .json(&json!({"parent_code": "dept-bqlda"}))
    .send()
    .await
    .unwrap();
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body".into())
    );
    let r = call(
        &app,
        &admin,
        Method::PATCH,
        "/api/v1/admin/units/dept-vp",
        true,
    )
    .json(&json!({"name_en": ""}))
    .send()
    .await
    .unwrap();
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body".into())
    );
}

#[tokio::test]
async fn a_historic_unit_cannot_be_made_active_and_unknown_codes_are_404() {
    let app = spawn_app().await;
    let admin = session(&app, "admin", "admin").await;
    let path = format!("/api/v1/admin/units/{DOI_CAN_HA_NOI}");
    let r = call(&app, &admin, Method::PATCH, &path, true)
        .json(&json!({"active": true}))
        .send()
        .await
        .unwrap();
    let (status, code) = error_code(r).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body")
    );
    let (active,): (bool,) = sqlx::query_as("SELECT active FROM units WHERE code = $1")
        .bind(DOI_CAN_HA_NOI)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(!active);
    // Its name may still be corrected (records written before 2025 name it).
    let r = call(&app, &admin, Method::PATCH, &path, true)
        .json(&json!({"name_en": "Doi Can Ward (Ba Dinh)"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    let r = call(
        &app,
        &admin,
        Method::PATCH,
        "/api/v1/admin/units/no-such-unit",
        true,
    )
    .json(&json!({"active": false}))
    .send()
    .await
    .unwrap();
    assert_eq!(
        error_code(r).await,
        (StatusCode::NOT_FOUND, "not_found".into())
    );
}

#[tokio::test]
async fn units_are_searched_and_filtered() {
    let app = spawn_app().await;
    let admin = session(&app, "admin", "admin").await;
    let get = |q: &'static str| call(&app, &admin, Method::GET, q, false).send();

    let found: Vec<UnitView> = get("/api/v1/units?q=anh%20son&kind=commune&active=true")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        found[0].name_vi, "Xã Anh Sơn",
        "accents ignored, best match first"
    );
    assert!(found.iter().all(|u| u.kind == "commune" && u.active));
    assert!(
        !found.iter().any(|u| u.name_vi == "Xã Thanh Sơn"),
        "word prefixes only"
    );

    let departments: Vec<UnitView> = get("/api/v1/units?kind=department&parent=40")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(departments.len() >= 10, "{}", departments.len());
    assert_eq!(departments[0].code, "dept-vp", "in listing order");
    assert!(departments
        .windows(2)
        .all(|w| w[0].sort_order <= w[1].sort_order));

    let limited: Vec<UnitView> = get("/api/v1/units?kind=commune&parent=40&limit=3")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(limited.len(), 3);
    let historic: Vec<UnitView> = get("/api/v1/units?q=doi%20can&kind=historic_commune")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(historic
        .iter()
        .any(|u| u.code == DOI_CAN_HA_NOI && !u.active));

    for bad in [
        "/api/v1/units?kind=district",
        "/api/v1/units?active=maybe",
        "/api/v1/units?limit=lots",
    ] {
        assert_eq!(
            error_code(get(bad).await.unwrap()).await,
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body".into()),
            "{bad}"
        );
    }
}

/// Two unit changes and a token revocation by two administrators, for the filter tests.
async fn some_history(app: &TestApp) -> (Session, Session) {
    let lan = session(app, "lan", "admin").await;
    let minh = session(app, "minh", "admin").await;
    for (who, code) in [(&lan, "dept-stc"), (&minh, "dept-sct")] {
        let r = call(
            app,
            who,
            Method::PATCH,
            &format!("/api/v1/admin/units/{code}"),
            true,
        )
        .json(&json!({"sort_order": 999}))
        .send()
        .await
        .unwrap();
        assert_eq!(r.status(), 200);
    }
    (lan, minh)
}

#[tokio::test]
async fn the_audit_trail_is_for_administrators_and_filters_work() {
    let app = spawn_app().await;
    let (lan, _minh) = some_history(&app).await;
    let leader = session(&app, "leader", "leader").await;

    let r = app
        .http
        .get(app.url("/api/v1/admin/audit"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNAUTHORIZED, "login_required".into())
    );
    for path in [
        "/api/v1/admin/audit",
        "/api/v1/admin/audit.csv",
        "/api/v1/admin/audit.xlsx",
    ] {
        let r = call(&app, &leader, Method::GET, path, true)
            .send()
            .await
            .unwrap();
        assert_eq!(
            error_code(r).await,
            (StatusCode::FORBIDDEN, "forbidden".into()),
            "{path}"
        );
        let r = app
            .http
            .get(app.url(path))
            .bearer_auth(&app.reader)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{path}: a wall display");
    }

    // Newest first; logins of the three sessions are there too.
    let all = audit(&app, &lan, "").await;
    assert!(all.windows(2).all(|w| w[0].id > w[1].id));
    assert_eq!(all.iter().filter(|e| e.action == "login").count(), 3);

    let by_lan = audit(&app, &lan, "?actor=user:lan&entity=unit").await;
    assert_eq!(by_lan.len(), 1);
    assert_eq!(by_lan[0].entity_id.as_deref(), Some("dept-stc"));
    assert_eq!(
        audit(&app, &lan, "?actor=minh&entity=unit").await[0]
            .entity_id
            .as_deref(),
        Some("dept-sct"),
        "a bare username"
    );
    assert_eq!(
        audit(&app, &lan, "?entity=unit&entity_id=dept-sct")
            .await
            .len(),
        1
    );
    assert_eq!(audit(&app, &lan, "?action=update").await.len(), 2);
    assert_eq!(audit(&app, &lan, "?action=login&limit=2").await.len(), 2);
    assert!(audit(&app, &lan, "?actor=nobody").await.is_empty());

    // Days are Vietnamese days, `to` included; instants are exact.
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap())
        .date_naive();
    let q = format!("?entity=unit&from={today}&to={today}");
    assert_eq!(audit(&app, &lan, &q).await.len(), 2);
    let tomorrow = today.succ_opt().unwrap();
    assert!(audit(&app, &lan, &format!("?entity=unit&from={tomorrow}"))
        .await
        .is_empty());
    let yesterday = today.pred_opt().unwrap();
    assert!(audit(&app, &lan, &format!("?entity=unit&to={yesterday}"))
        .await
        .is_empty());
    let newest = &by_lan[0];
    let exact = format!(
        "?entity=unit&to={}",
        newest.at.to_rfc3339().replace('+', "%2B")
    );
    assert!(
        audit(&app, &lan, &exact)
            .await
            .iter()
            .all(|e| e.at < newest.at),
        "`to` as an instant is exclusive"
    );

    let r = call(
        &app,
        &lan,
        Method::GET,
        "/api/v1/admin/audit?from=24/11/2026",
        false,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body".into())
    );
}

#[tokio::test]
async fn the_trail_exports_to_csv_and_excel_with_the_same_filters() {
    let app = spawn_app().await;
    let (lan, _minh) = some_history(&app).await;

    let r = call(
        &app,
        &lan,
        Method::GET,
        "/api/v1/admin/audit.csv?entity=unit",
        false,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()[CONTENT_TYPE], "text/csv; charset=utf-8");
    let disposition = r.headers()[CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.starts_with("attachment; filename=") && disposition.ends_with(".csv\""),
        "{disposition}"
    );
    let text = r.text().await.unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let headers = rows.headers().unwrap().clone();
    assert_eq!(headers.len(), 9);
    assert!(
        headers[2].starts_with("Người thực hiện") && headers[2].contains("(Actor)"),
        "{headers:?}"
    );
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 2, "only the unit entries");
    assert_eq!(
        (
            &records[0][2],
            &records[0][4],
            &records[0][5],
            &records[0][6]
        ),
        ("user:minh", "update", "unit", "dept-sct")
    );
    assert_eq!(&records[1][2], "user:lan");
    let after: Value = serde_json::from_str(&records[0][8]).unwrap();
    assert_eq!(after["sort_order"], 999);
    let before: Value = serde_json::from_str(&records[0][7]).unwrap();
    assert_ne!(before["sort_order"], 999);
    // The time is Vietnam's: the CSV value is the entry's instant plus seven hours.
    let entry = &audit(&app, &lan, "?entity=unit&limit=1").await[0];
    let local = entry
        .at
        .with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap())
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    assert_eq!(&records[0][1], local);

    let r = call(
        &app,
        &lan,
        Method::GET,
        "/api/v1/admin/audit.xlsx?entity=unit",
        false,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()[CONTENT_TYPE],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(r.headers()[CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .ends_with(".xlsx\""));
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"), "a zip file");
    assert!(
        bytes
            .windows(b"xl/worksheets/sheet1.xml".len())
            .any(|w| w == b"xl/worksheets/sheet1.xml"),
        "with a worksheet"
    );

    let r = call(
        &app,
        &lan,
        Method::GET,
        "/api/v1/admin/audit.csv?to=not-a-date",
        false,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 422);
}

#[tokio::test]
async fn the_new_endpoints_are_in_the_openapi_document() {
    let app = spawn_app().await;
    let doc = app.get_json("/api/openapi.json").await;
    for path in [
        "/api/v1/units",
        "/api/v1/admin/units",
        "/api/v1/admin/units/{code}",
        "/api/v1/admin/audit",
        "/api/v1/admin/audit.csv",
        "/api/v1/admin/audit.xlsx",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
    let params: Vec<&str> = doc["paths"]["/api/v1/admin/audit"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(
        params,
        [
            "actor",
            "entity",
            "entity_id",
            "action",
            "from",
            "to",
            "limit"
        ]
    );
    for schema in [
        "UnitView",
        "NewUnitRequest",
        "UnitUpdate",
        "UserView",
        "UserEntry",
        "AuditEntryView",
    ] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
    }
}

/// Every constraint the domains explain exists under that name: a renamed constraint would
/// otherwise turn its 422 into a 500 without any test noticing.
#[tokio::test]
async fn every_explained_constraint_exists_in_the_schema() {
    let app = spawn_app().await;
    let mut names: Vec<&str> = [
        ioc_server::units::CONSTRAINTS,
        ioc_server::auth::users::CONSTRAINTS,
        ioc_server::indicators::catalogue::CONSTRAINTS,
        ioc_server::indicators::deadlines::CONSTRAINTS,
    ]
    .iter()
    .flat_map(|t| t.iter().map(|v| v.constraint))
    .collect();
    // Named by the handlers with errors of their own (the codes taken or unknown).
    names.extend([
        "units_pkey",
        "units_parent_code_fkey",
        "users_username_key",
        "users_unit_code_fkey",
        "user_roles_unit_code_fkey",
    ]);
    let existing: Vec<String> = sqlx::query_scalar("SELECT conname::text FROM pg_constraint")
        .fetch_all(&app.db)
        .await
        .unwrap();
    let missing: Vec<&&str> = names
        .iter()
        .filter(|n| !existing.iter().any(|e| e == *n))
        .collect();
    assert!(missing.is_empty(), "not in the schema: {missing:?}");
}

/// A taken username and an unknown unit come back from the database's constraints as 422s that
/// name them, the former in both languages.
#[tokio::test]
async fn constraint_violations_of_a_new_account_are_explained() {
    let app = spawn_app().await;
    create_user(&app, "lan.nt", "leader").await;
    let again = NewUserRequest {
        username: "lan.nt".into(),
        display_name: "Nguyễn Thị Lan".into(),
        password: PASSWORD.into(),
        unit: None,
        email: None,
        roles: vec![],
    };
    let actor = ioc_server::audit::Actor::system("test");
    let err = ioc_server::auth::routes::create_account(&app.db, &actor, again)
        .await
        .unwrap_err();
    assert_eq!(err.status(), StatusCode::UNPROCESSABLE_ENTITY);
    match err {
        ioc_server::http::ApiError::Rejected { code, vi, en } => {
            assert_eq!(code, "invalid_body");
            assert!(
                vi.contains("lan.nt") && vi.contains("đã có người dùng"),
                "{vi}"
            );
            assert_eq!(en, "username lan.nt is taken");
        }
        other => panic!("{other:?}"),
    }
    let orphan = NewUserRequest {
        username: "mai.tt".into(),
        display_name: "Trần Thị Mai".into(),
        password: PASSWORD.into(),
        unit: Some("dept-khong-co".into()),
        email: None,
        roles: vec![],
    };
    let err = ioc_server::auth::routes::create_account(&app.db, &actor, orphan)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ioc_server::http::ApiError::UnknownUnit(u) if u == &["dept-khong-co"]),
        "{err:?}"
    );
    let editor_of_nothing = NewUserRequest {
        username: "hoa.lt".into(),
        display_name: "Lê Thị Hoa".into(),
        password: PASSWORD.into(),
        unit: None,
        email: None,
        roles: vec![RoleGrant {
            role: ioc_protocol::Role::UnitEditor,
            unit: Some("dept-khong-co".into()),
        }],
    };
    let err = ioc_server::auth::routes::create_account(&app.db, &actor, editor_of_nothing)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ioc_server::http::ApiError::UnknownUnit(u) if u == &["dept-khong-co"]),
        "{err:?}"
    );
    let (accounts,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM users WHERE username IN ('mai.tt', 'hoa.lt')")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(accounts, 0, "nothing written");
}
