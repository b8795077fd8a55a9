//! The procedures catalogue through the HTTP API: import of the national export (CSV with
//! Vietnamese headers, Excel), re-imports that change only what changed, a bad file that writes
//! nothing and names every bad row, administrators' edits (audited) and who may read and write.

use ioc_protocol::{
    AuditEntryView, OnlineLevel, ProcedureImportReceipt, ProcedureLevel, ProcedureView,
};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::{spawn_app, spawn_app_for_province, Session, TestApp};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The national export's shape: Vietnamese headers, free-text days and fees.
const EXPORT: &str = "\
Mã thủ tục,Tên thủ tục,Lĩnh vực,Cấp thực hiện,Cơ quan thực hiện,Thời hạn giải quyết,Mức độ DVC,\"Phí, lệ phí\",Thanh toán trực tuyến,Kết nối CSDL dân cư
2.000488,Cấp Phiếu lý lịch tư pháp,Lý lịch tư pháp,Cấp Tỉnh,dept-stp,10 ngày làm việc,Toàn trình,200.000 đồng/lần,Có,Có
1.001193,Đăng ký khai sinh,Hộ tịch,Cấp Xã,,Trong ngày,Toàn trình,Miễn lệ phí,Không,Có
2.000908,Chứng thực bản sao từ bản chính,Chứng thực,Cấp Xã,,Trong ngày,Một phần,2.000 đồng/trang,Không,Không
";

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.db).await.unwrap()
}

async fn import(app: &TestApp, s: &Session, kind: &str, body: Vec<u8>) -> reqwest::Response {
    s.post(app, "/api/v1/procedures/import")
        .header(reqwest::header::CONTENT_TYPE, kind)
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn receipt(app: &TestApp, s: &Session, kind: &str, body: &str) -> ProcedureImportReceipt {
    let r = import(app, s, kind, body.as_bytes().to_vec()).await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

async fn get<T: serde::de::DeserializeOwned>(app: &TestApp, s: &Session, path: &str) -> T {
    let r = s.get(app, path).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.json().await.unwrap()
}

fn counts(r: &ProcedureImportReceipt) -> (u32, u32, u32) {
    (r.created, r.updated, r.unchanged)
}

#[tokio::test]
async fn the_national_export_imports_and_a_reimport_changes_only_what_changed() {
    let app = spawn_app().await;
    let admin = app.sign_in_new("quan.tri", "admin", None).await;

    let first = receipt(&app, &admin, "text/csv; charset=utf-8", EXPORT).await;
    assert_eq!(counts(&first), (3, 0, 0));
    let birth: ProcedureView = get(&app, &admin, "/api/v1/procedures/1.001193").await;
    assert_eq!(birth.level, ProcedureLevel::Commune);
    assert_eq!(birth.unit_code, None);
    assert_eq!(birth.processing_days, 0);
    assert_eq!(birth.online_level, OnlineLevel::Full);
    assert!(!birth.has_fee && !birth.online_payment && birth.population_db);
    let record: ProcedureView = get(&app, &admin, "/api/v1/procedures/2.000488").await;
    assert_eq!(record.unit_code.as_deref(), Some("dept-stp"));
    assert_eq!(record.processing_days, 10);
    assert!(record.has_fee && record.online_payment);
    let copies: ProcedureView = get(&app, &admin, "/api/v1/procedures/2.000908").await;
    assert_eq!(copies.online_level, OnlineLevel::Partial);
    assert!(copies.has_fee && !copies.online_payment && !copies.population_db);

    // An administrator adds the English name the export does not have: a re-import keeps it.
    let mut edited = serde_json::to_value(&birth).unwrap();
    let edited = edited.as_object_mut().unwrap();
    edited.remove("updated_at");
    edited.insert("name_en".into(), json!("Birth registration"));
    let r = admin
        .put(&app, "/api/v1/procedures/1.001193")
        .json(edited)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    let again = receipt(&app, &admin, "text/csv", EXPORT).await;
    assert_eq!(counts(&again), (0, 0, 3), "the same file changes nothing");
    let birth: ProcedureView = get(&app, &admin, "/api/v1/procedures/1.001193").await;
    assert_eq!(birth.name_en, "Birth registration");

    let changed = EXPORT.replace("10 ngày làm việc", "7 ngày làm việc")
        + "1.000894,Đăng ký kết hôn,Hộ tịch,Cấp Xã,,Trong ngày,Một phần,Miễn lệ phí,Không,Có\n";
    let third = receipt(&app, &admin, "text/csv", &changed).await;
    assert_eq!(counts(&third), (1, 1, 2));
    let record: ProcedureView = get(&app, &admin, "/api/v1/procedures/2.000488").await;
    assert_eq!(record.processing_days, 7);

    // One audit entry per import, with its counts.
    let entries: Vec<AuditEntryView> = get(
        &app,
        &admin,
        "/api/v1/admin/audit?entity=procedure&action=import",
    )
    .await;
    assert_eq!(entries.len(), 3);
    let newest = entries[0].after.clone().unwrap();
    assert_eq!(
        (&newest["created"], &newest["updated"], &newest["unchanged"]),
        (&json!(1), &json!(1), &json!(2))
    );
    assert_eq!(newest["updated_codes"], json!(["2.000488"]));

    // The filters: level, the unit that handles it, a search.
    let commune: Vec<ProcedureView> = get(&app, &admin, "/api/v1/procedures?level=commune").await;
    assert_eq!(commune.len(), 3);
    let justice: Vec<ProcedureView> = get(&app, &admin, "/api/v1/procedures?unit=dept-stp").await;
    assert_eq!(justice.len(), 1);
    let a_commune: Vec<ProcedureView> = get(&app, &admin, "/api/v1/procedures?unit=17329").await;
    assert_eq!(
        a_commune.len(),
        3,
        "a commune handles every commune-level procedure"
    );
    for q in [
        "%C4%90%C4%82NG%20K%C3%9D%20KHAI",
        "dang%20ky%20khai%20sinh",
        "001193",
    ] {
        let found: Vec<ProcedureView> =
            get(&app, &admin, &format!("/api/v1/procedures?q={q}")).await;
        let codes: Vec<&str> = found.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(codes, ["1.001193"], "{q}");
    }
    let r = admin
        .get(&app, "/api/v1/procedures?level=district")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_bad_file_writes_nothing_and_lists_every_bad_row() {
    let app = spawn_app().await;
    let admin = app.sign_in_new("quan.tri", "admin", None).await;
    let audits = count(&app, "SELECT count(*) FROM audit_log").await;
    let bad = "\
Mã thủ tục,Tên thủ tục,Cấp thực hiện,Cơ quan thực hiện,Thời hạn giải quyết,Mức độ DVC
1.001193,Đăng ký khai sinh,Cấp Xã,,Trong ngày,Toàn trình
2.000001,Sở không có,Cấp Tỉnh,dept-khong-co,10 ngày làm việc,
2.000002,Thiếu cơ quan,Cấp Tỉnh,,10 ngày làm việc,
2.000003,Xã mà có cơ quan,Cấp Xã,dept-stp,5,
2.000004,Thời hạn sai,Cấp Xã,,mười ngày,
2.000005,Cấp không có,Cấp Huyện,,5 ngày làm việc,
2.000006,Mức độ lạ,Cấp Xã,,5 ngày làm việc,Mức độ 4
1.001193,Lặp lại,Cấp Xã,,Trong ngày,
";
    let r = import(&app, &admin, "text/csv", bad.as_bytes().to_vec()).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_rows");
    let message_vi = body["error"]["message_vi"].as_str().unwrap();
    assert!(message_vi.contains("3, 4, 5, 6, 7, 8, 9"), "{message_vi}");
    let rows: Vec<(u64, String)> = body["error"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            assert!(!r["message_en"].as_str().unwrap().is_empty());
            assert!(r["message_vi"].as_str().unwrap().starts_with("Dòng "));
            (
                r["row"].as_u64().unwrap(),
                r["code"].as_str().unwrap().into(),
            )
        })
        .collect();
    let expected: Vec<(u64, String)> = [
        (3, "unknown_unit"),
        (4, "province_without_unit"),
        (5, "commune_with_unit"),
        (6, "bad_days"),
        (7, "unknown_level"),
        (8, "unknown_online_level"),
        (9, "duplicate_in_file"),
    ]
    .into_iter()
    .map(|(n, c)| (n, c.to_string()))
    .collect();
    assert_eq!(rows, expected);
    assert_eq!(count(&app, "SELECT count(*) FROM procedures").await, 0);
    assert_eq!(count(&app, "SELECT count(*) FROM audit_log").await, audits);

    // A file that is not the export at all, and a type that is not a spreadsheet.
    let r = import(&app, &admin, "text/csv", b"a,b\n1,2\n".to_vec()).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "bad_spreadsheet");
    let r = import(&app, &admin, "application/pdf", b"%PDF".to_vec()).await;
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn an_excel_file_imports_with_the_column_names() {
    let app = spawn_app().await;
    let admin = app.sign_in_new("quan.tri", "admin", None).await;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let header = [
        "code",
        "name_vi",
        "level",
        "unit_code",
        "processing_days",
        "online_level",
        "has_fee",
        "online_payment",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let rows = [
        (
            "1.009972",
            "Cấp giấy phép xây dựng",
            "province",
            "dept-sxd",
            20.0,
            "partial",
            "150.000 đồng",
            "Có",
        ),
        (
            "1.004194",
            "Đăng ký thường trú",
            "commune",
            "",
            7.0,
            "full",
            "20.000 đồng",
            "true",
        ),
    ];
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, r.0).unwrap();
        sheet.write_string(row, 1, r.1).unwrap();
        sheet.write_string(row, 2, r.2).unwrap();
        sheet.write_string(row, 3, r.3).unwrap();
        // Excel keeps days as a number.
        sheet.write_number(row, 4, r.4).unwrap();
        sheet.write_string(row, 5, r.5).unwrap();
        sheet.write_string(row, 6, r.6).unwrap();
        sheet.write_string(row, 7, r.7).unwrap();
    }
    let bytes = book.save_to_buffer().unwrap();
    let r = import(&app, &admin, XLSX, bytes).await;
    assert_eq!(r.status(), StatusCode::OK);
    let receipt: ProcedureImportReceipt = r.json().await.unwrap();
    assert_eq!(counts(&receipt), (2, 0, 0));
    let permit: ProcedureView = get(&app, &admin, "/api/v1/procedures/1.009972").await;
    assert_eq!(permit.processing_days, 20);
    assert_eq!(permit.unit_code.as_deref(), Some("dept-sxd"));
    assert_eq!(permit.online_level, OnlineLevel::Partial);
    assert!(permit.has_fee && permit.online_payment);
    let residence: ProcedureView = get(&app, &admin, "/api/v1/procedures/1.004194").await;
    assert_eq!(residence.level, ProcedureLevel::Commune);
    assert_eq!(residence.processing_days, 7);

    let r = import(&app, &admin, XLSX, b"not a workbook".to_vec()).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

fn permit() -> Value {
    json!({
        "code": "1.009982",
        "name_vi": "Cấp chứng chỉ hành nghề hoạt động xây dựng",
        "field_vi": "Hoạt động xây dựng",
        "level": "province",
        "unit_code": "dept-sxd",
        "processing_days": 20,
        "online_level": "full",
        "has_fee": true,
        "online_payment": true,
    })
}

#[tokio::test]
async fn administrators_edit_with_an_audit_and_others_are_refused() {
    let app = spawn_app().await;
    let admin = app.sign_in_new("quan.tri", "admin", None).await;
    let r = admin
        .post(&app, "/api/v1/procedures")
        .json(&permit())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let created: ProcedureView = r.json().await.unwrap();
    assert!(created.active && created.published_on_time);

    // The same code again, and the rules of the table, refused with a named reason.
    let r = admin
        .post(&app, "/api/v1/procedures")
        .json(&permit())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "duplicate_procedure");
    for (patch, code) in [
        (json!({"unit_code": null}), "province_without_unit"),
        (json!({"unit_code": "dept-khong-co"}), "unknown_unit"),
        (json!({"unit_code": "17329"}), "unknown_unit"),
        (json!({"has_fee": false}), "payment_without_fee"),
        (json!({"processing_days": 400}), "days_out_of_range"),
        (json!({"code": "1.009983"}), "code_mismatch"),
    ] {
        let mut body = permit();
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let r = admin
            .put(&app, "/api/v1/procedures/1.009982")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{code}");
        let answer: Value = r.json().await.unwrap();
        assert_eq!(answer["error"]["code"], code);
        assert!(!answer["error"]["message_vi"].as_str().unwrap().is_empty());
        assert!(!answer["error"]["message_en"].as_str().unwrap().is_empty());
    }
    let mut missing = permit();
    missing["code"] = json!("");
    let r = admin
        .put(&app, "/api/v1/procedures/1.009983")
        .json(&missing)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // The same procedure again: nothing changes, nothing is recorded.
    let r = admin
        .put(&app, "/api/v1/procedures/1.009982")
        .json(&permit())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // An edit: before and after in the audit trail.
    let mut body = permit();
    body["processing_days"] = json!(15);
    body["active"] = json!(false);
    let r = admin
        .put(&app, "/api/v1/procedures/1.009982")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let after: ProcedureView = r.json().await.unwrap();
    assert_eq!(after.processing_days, 15);
    assert!(!after.active);
    let entries: Vec<AuditEntryView> = get(
        &app,
        &admin,
        "/api/v1/admin/audit?entity=procedure&entity_id=1.009982",
    )
    .await;
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["update", "create"],
        "an unchanged PUT writes no entry"
    );
    assert_eq!(entries[0].actor, "user:quan.tri");
    assert_eq!(entries[0].before.as_ref().unwrap()["processing_days"], 20);
    assert_eq!(entries[0].after.as_ref().unwrap()["processing_days"], 15);
    let active: Vec<ProcedureView> = get(&app, &admin, "/api/v1/procedures?active=true").await;
    assert!(active.is_empty());

    // Everyone else: a leader reads, a department's editor reads its own, nobody else writes.
    let leader = app.sign_in_new("lanh.dao", "leader", None).await;
    let editor = app
        .sign_in_new("bien.tap", "unit_editor", Some("dept-sxd"))
        .await;
    let other = app
        .sign_in_new("so.tu.phap", "unit_editor", Some("dept-stp"))
        .await;
    let _: Vec<ProcedureView> = get(&app, &leader, "/api/v1/procedures").await;
    let own: Vec<ProcedureView> = get(&app, &editor, "/api/v1/procedures?unit=dept-sxd").await;
    assert_eq!(own.len(), 1);
    let _: ProcedureView = get(&app, &editor, "/api/v1/procedures/1.009982").await;
    for (who, path) in [
        (&editor, "/api/v1/procedures"),
        (&other, "/api/v1/procedures?unit=dept-sxd"),
        (&other, "/api/v1/procedures/1.009982"),
    ] {
        let r = who.get(&app, path).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
    }
    for s in [&leader, &editor] {
        let r = s
            .post(&app, "/api/v1/procedures")
            .json(&permit())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = s
            .put(&app, "/api/v1/procedures/1.009982")
            .json(&permit())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = import(&app, s, "text/csv", EXPORT.as_bytes().to_vec()).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }
    assert_eq!(count(&app, "SELECT count(*) FROM procedures").await, 1);
    let r = app
        .http
        .get(app.url("/api/v1/procedures"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_demo_catalogue_seeds_an_empty_catalogue_once() {
    let app = spawn_app().await;
    let seeded = ioc_server::dossiers::catalogue::seed_demo(&app.db, "40")
        .await
        .unwrap();
    assert!(seeded >= 40, "{seeded}");
    assert_eq!(
        count(&app, "SELECT count(*) FROM procedures").await,
        seeded as i64
    );
    assert!(
        count(
            &app,
            "SELECT count(*) FROM procedures WHERE level = 'province'"
        )
        .await
            >= 10
    );
    assert_eq!(
        ioc_server::dossiers::catalogue::seed_demo(&app.db, "40")
            .await
            .unwrap(),
        0,
        "a catalogue is never seeded over"
    );
    // A procedure withdrawn from the catalogue stays (dossiers refer to it), inactive, audited.
    let withdrawn = ioc_server::dossiers::catalogue::store::deactivate(
        &app.db,
        "40",
        &ioc_server::audit::Actor::system("test"),
        "1.001193",
    )
    .await
    .unwrap();
    assert!(!withdrawn.active);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE entity = 'procedure' AND action = 'update'
             AND entity_id = '1.001193' AND (before->>'active')::bool AND NOT (after->>'active')::bool"
        )
        .await,
        1
    );

    // Another province: its own departments of the same kinds handle the procedures.
    let other = spawn_app_for_province("42").await;
    let seeded = ioc_server::dossiers::catalogue::seed_demo(&other.db, "42")
        .await
        .unwrap();
    assert!(seeded >= 40);
    assert_eq!(
        count(
            &other,
            "SELECT count(*) FROM procedures WHERE unit_code LIKE 'dept-%'"
        )
        .await,
        0
    );
    assert!(
        count(
            &other,
            "SELECT count(*) FROM procedures WHERE unit_code = '42-stp'"
        )
        .await
            > 0
    );
}

#[tokio::test]
async fn the_admin_screen_is_rendered_in_both_languages() {
    let app = spawn_app().await;
    let admin = app.sign_in_new("quan.tri", "admin", None).await;
    for (path, title, import) in [
        (
            "/admin/procedures",
            "Thủ tục hành chính",
            "Nhập danh mục từ tệp",
        ),
        (
            "/admin/procedures?lang=en",
            "Administrative procedures",
            "Import the catalogue from a file",
        ),
    ] {
        let r = admin.get(&app, path).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let html = r.text().await.unwrap();
        assert!(html.contains(title) && html.contains(import), "{path}");
        assert!(
            html.contains(r#"href="/admin/procedures"#),
            "in the admin menu: {path}"
        );
    }
}
