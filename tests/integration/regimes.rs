//! Reporting regimes (issue 13): set up by the receiving unit's administrator, periods and
//! deadlines as Decree 09 counts them, a unit's report uploaded (checked by content, kept with
//! its checksum), handed in, returned, handed in again and approved with both revisions kept,
//! the receiving unit's summary (and its Excel), and the units' yearly record.

use std::io::Cursor;

use calamine::{Reader, Xlsx};
use ioc_protocol::{
    NewUserRequest, Payload, RegimeSubmission, RegimeSummary, RegimeView, RoleGrant, ServerFrame,
    SubmissionStatus, UnitLateReports, UnitRecord,
};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::harness::{spawn_app, Session, TestApp, PERSON_PASSWORD};

const FINANCE: &str = "dept-stc";
const OFFICE: &str = "dept-vp";
const ANH_SON: &str = "17329";
const YEN_XUAN: &str = "17380";

/// A small real PDF (what a unit exports from its word processor, minus the text).
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An XLSX workbook made by the same writer the server uses.
fn xlsx() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet().write_string(0, 0, "Số liệu").unwrap();
    book.save_to_buffer().unwrap()
}

/// An administrator who works for `unit` (decentralised rights: seed 003).
async fn unit_admin(app: &TestApp, name: &str, unit: &str) -> Session {
    ioc_server::auth::routes::create_account(
        &app.db,
        &ioc_server::audit::Actor::system("test"),
        NewUserRequest {
            username: name.into(),
            display_name: format!("Quản trị {unit}"),
            password: PERSON_PASSWORD.into(),
            unit: Some(unit.into()),
            email: None,
            roles: vec![RoleGrant {
                role: ioc_protocol::Role::Admin,
                unit: None,
            }],
        },
    )
    .await
    .expect("account created");
    app.sign_in(name).await
}

fn monthly(code: &str, receiving: &str) -> Value {
    json!({
        "code": code,
        "name": "Báo cáo kết quả giải quyết thủ tục hành chính hằng tháng",
        "kind": "periodic",
        "legal_basis": "Nghị định 09/2019/NĐ-CP; Quyết định 766/QĐ-TTg",
        "content": "Số hồ sơ tiếp nhận, giải quyết đúng hạn, quá hạn",
        "receiving_unit": receiving,
        "reporting_units": [ANH_SON, YEN_XUAN],
        "frequency": "monthly",
        "deadline": {"rule": "after_cutoff", "days": 2, "working_days": true},
        "first_period": "2026-01",
        "form_fields": [
            {"code": "received", "label_vi": "Hồ sơ tiếp nhận", "label_en": "Dossiers received", "unit": "hồ sơ"},
            {"code": "on_time", "label_vi": "Giải quyết đúng hạn", "label_en": "Resolved on time", "unit": "hồ sơ"}
        ]
    })
}

async fn create(app: &TestApp, s: &Session, body: &Value) -> reqwest::Response {
    s.post(app, "/api/v1/regimes")
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn reason(r: reqwest::Response) -> (StatusCode, String) {
    let status = r.status();
    let body: Value = r.json().await.unwrap_or(Value::Null);
    (
        status,
        body["error"]["code"].as_str().unwrap_or("").to_string(),
    )
}

#[tokio::test]
async fn a_regime_is_set_up_by_its_receiving_units_admin_and_counts_as_decree_09_does() {
    let app = spawn_app().await;
    let finance_admin = unit_admin(&app, "qt.stc", FINANCE).await;
    let editor = app
        .sign_in_new("can.bo", "unit_editor", Some(ANH_SON))
        .await;

    // Only for its own unit; never by a unit's editor.
    let (status, _) = reason(create(&app, &finance_admin, &monthly("tthc-vp", OFFICE)).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = reason(create(&app, &editor, &monthly("tthc", FINANCE)).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let r = create(&app, &finance_admin, &monthly("tthc", FINANCE)).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let regime: RegimeView = r.json().await.unwrap();
    assert_eq!(regime.reporting_units, vec![ANH_SON, YEN_XUAN]);
    assert_eq!(regime.first_period, "2026-01");
    let (status, code) =
        reason(create(&app, &finance_admin, &monthly("tthc", FINANCE)).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "duplicate_code")
    );

    // Decree 09: March is cut off 15 February → 14 March; "2 working days after the cut-off"
    // is Tuesday 17 March 2026.
    let s: RegimeSubmission = editor
        .get(
            &app,
            &format!(
                "/api/v1/regimes/{}/periods/2026-03/units/{ANH_SON}",
                regime.id
            ),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(s.window_from.to_string(), "2026-02-15");
    assert_eq!(s.window_to.to_string(), "2026-03-14");
    assert_eq!(s.deadline.to_string(), "2026-03-17");
    assert!(s.late, "nothing handed in and the deadline has passed");
    assert_eq!(s.status, SubmissionStatus::Draft);

    // Periods the regime does not have, and bad regimes: clear 422s, nothing stored.
    for period in ["2026-Q1", "2025-12", "2030-01", "tháng-3"] {
        let r = editor
            .get(
                &app,
                &format!(
                    "/api/v1/regimes/{}/periods/{period}/units/{ANH_SON}",
                    regime.id
                ),
            )
            .send()
            .await
            .unwrap();
        let (status, code) = reason(r).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_period"),
            "{period}"
        );
    }
    let mut no_frequency = monthly("khong-tan-suat", FINANCE);
    no_frequency["frequency"] = Value::Null;
    let mut unknown_unit = monthly("don-vi-la", FINANCE);
    unknown_unit["reporting_units"] = json!(["99999"]);
    let mut fixed_periodic = monthly("co-dinh", FINANCE);
    fixed_periodic["deadline"] = json!({"rule": "fixed", "due_on": "2026-12-31"});
    let mut repeated_field = monthly("trung-ma", FINANCE);
    repeated_field["form_fields"][1]["code"] = json!("received");
    for (body, want) in [
        (no_frequency, "missing_frequency"),
        (unknown_unit, "unknown_unit"),
        (fixed_periodic, "invalid_deadline"),
        (repeated_field, "invalid_form"),
    ] {
        let (status, code) = reason(create(&app, &finance_admin, &body).await).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, want)
        );
    }
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM report_regimes")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(stored, 1);

    // "departments" stands for every department of the province; a thematic report is asked
    // once, on its day.
    let mut thematic = monthly("chuyen-de", FINANCE);
    thematic["kind"] = json!("thematic");
    thematic["frequency"] = Value::Null;
    thematic["reporting_units"] = json!(["departments"]);
    thematic["deadline"] = json!({"rule": "fixed", "due_on": "2026-06-30"});
    let r = create(&app, &finance_admin, &thematic).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let thematic: RegimeView = r.json().await.unwrap();
    assert!(
        thematic.reporting_units.len() > 10,
        "{:?}",
        thematic.reporting_units
    );
    assert!(thematic
        .reporting_units
        .iter()
        .all(|u| u.starts_with("dept-")));
    assert_eq!(thematic.current_deadline.to_string(), "2026-06-30");
}

#[tokio::test]
async fn a_units_report_is_checked_handed_in_returned_and_approved_with_its_revisions() {
    let app = spawn_app().await;
    let admin = app.sign_in_new("quan.tri", "admin", None).await;
    let editor = app
        .sign_in_new("can.bo", "unit_editor", Some(ANH_SON))
        .await;
    let other = app
        .sign_in_new("xa.khac", "unit_editor", Some(YEN_XUAN))
        .await;
    let approver = app.sign_in_new("phe.duyet", "approver", None).await;
    let regime: RegimeView = create(&app, &admin, &monthly("tthc", FINANCE))
        .await
        .json()
        .await
        .unwrap();
    let period = regime.current_period.clone();
    let base = format!(
        "/api/v1/regimes/{}/periods/{period}/units/{ANH_SON}",
        regime.id
    );
    let upload = |name: &str, bytes: Vec<u8>| {
        editor
            .put(&app, &format!("{base}/document?name={name}"))
            .body(bytes)
            .send()
    };
    let documents = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM documents")
            .fetch_one(&app.db)
            .await
            .unwrap()
    };

    // Refused uploads leave nothing behind.
    let exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".to_vec();
    let (status, code) = reason(upload("bao-cao.pdf", exe).await.unwrap()).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "forbidden_file_type")
    );
    let (status, code) = reason(upload("bao-cao.pdf", Vec::new()).await.unwrap()).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "empty_file")
    );
    let mut huge = PDF.to_vec();
    huge.resize(20 * 1024 * 1024 + 1, b' ');
    let r = upload("lon.pdf", huge).await.unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(documents().await, 0);
    // Another commune's editor cannot write here nor read it.
    let r = other
        .put(&app, &format!("{base}/document?name=x.pdf"))
        .body(PDF.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = other.get(&app, &base).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Revision 1: a PDF and the figures.
    let r = upload("Báo cáo tháng.pdf", PDF.to_vec()).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let s: RegimeSubmission = r.json().await.unwrap();
    let doc = s.revisions[0].document.clone().unwrap();
    assert_eq!(doc.media_type, "application/pdf");
    assert_eq!(doc.sha256, hex(&Sha256::digest(PDF)));
    assert_eq!(doc.file_name, "Báo cáo tháng.pdf");
    let (status, code) = reason(
        editor
            .post(&app, &format!("{base}/submit"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "missing_figures")
    );
    let (status, code) = reason(
        editor
            .put(&app, &format!("{base}/figures"))
            .json(&json!({"values": {"received": 120, "bogus": 1}}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "unknown_field")
    );
    let r = editor
        .put(&app, &format!("{base}/figures"))
        .json(&json!({"values": {"received": 120, "on_time": 110}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = editor
        .post(&app, &format!("{base}/submit"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let s: RegimeSubmission = r.json().await.unwrap();
    assert_eq!((s.status, s.revision), (SubmissionStatus::Submitted, 1));
    assert!(!s.late, "handed in before {}", s.deadline);
    // Locked while it waits for a decision; the unit cannot decide on it.
    let r = upload("x.pdf", PDF.to_vec()).await.unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let r = editor
        .post(&app, &format!("{base}/approve"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Returned with a comment; revision 2 replaces the document by a workbook and corrects
    // one figure; the other is carried over.
    let (status, code) = reason(
        approver
            .post(&app, &format!("{base}/return"))
            .json(&json!({"comment": " "}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_comment")
    );
    let r = approver
        .post(&app, &format!("{base}/return"))
        .json(&json!({"comment": "Số đúng hạn chưa khớp với hệ thống một cửa"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let book = xlsx();
    let r = upload("so-lieu.xlsx", book.clone()).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    editor
        .put(&app, &format!("{base}/figures"))
        .json(&json!({"values": {"on_time": 112}}))
        .send()
        .await
        .unwrap();
    let r = editor
        .post(&app, &format!("{base}/submit"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = approver
        .post(&app, &format!("{base}/approve"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let s: RegimeSubmission = r.json().await.unwrap();
    assert_eq!((s.status, s.revision), (SubmissionStatus::Approved, 2));
    assert_eq!(s.revisions.len(), 2);
    let latest = &s.revisions[0];
    assert_eq!(
        latest.document.as_ref().unwrap().media_type,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let value = |r: &ioc_protocol::RegimeRevision, code: &str| {
        r.figures.iter().find(|v| v.code == code).map(|v| v.value)
    };
    assert_eq!(
        (value(latest, "received"), value(latest, "on_time")),
        (Some(120.0), Some(112.0))
    );
    assert_eq!(value(&s.revisions[1], "on_time"), Some(110.0));

    // Revision 1's document is still there, byte for byte, with its checksum.
    let r = approver
        .get(&app, &format!("{base}/document?revision=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["x-checksum-sha256"],
        hex(&Sha256::digest(PDF)).as_str()
    );
    assert_eq!(r.bytes().await.unwrap().as_ref(), PDF);
    let r = approver
        .get(&app, &format!("{base}/document"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.bytes().await.unwrap().as_ref(), book.as_slice());

    // The receiving unit's summary: one of two handed in, figures summed; the same in Excel.
    let summary: RegimeSummary = approver
        .get(
            &app,
            &format!("/api/v1/regimes/{}/periods/{period}", regime.id),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!((summary.submitted, summary.rows.len()), (1, 2));
    assert_eq!(
        summary
            .totals
            .iter()
            .find(|t| t.code == "on_time")
            .map(|t| t.value),
        Some(112.0)
    );
    let missing = summary.rows.iter().find(|r| r.unit == YEN_XUAN).unwrap();
    assert_eq!(missing.status, SubmissionStatus::Draft);
    let r = approver
        .get(
            &app,
            &format!(
                "/api/v1/regimes/{}/periods/{period}/summary.xlsx",
                regime.id
            ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(r.bytes().await.unwrap().to_vec())).unwrap();
    let sheet = wb.worksheet_range("Tổng hợp").unwrap();
    let cells: Vec<String> = sheet.cells().map(|(_, _, c)| c.to_string()).collect();
    assert!(cells.iter().any(|c| c == "Đã duyệt"), "{cells:?}");
    assert!(cells.iter().any(|c| c == "112"), "{cells:?}");
    // The other commune sees neither the summary nor this report.
    let r = other
        .get(
            &app,
            &format!("/api/v1/regimes/{}/periods/{period}", regime.id),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Reports past their deadline, by unit (JSON and Excel), and live on the province's board:
    // Anh Sơn hands in March late, and the board shows one late report fewer.
    let late: Vec<UnitLateReports> = approver
        .get(&app, "/api/v1/regimes/late")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let late_of = |l: &[UnitLateReports], unit: &str| {
        l.iter()
            .find(|u| u.unit.code == unit)
            .map_or(0, |u| u.count)
    };
    let before = late_of(&late, ANH_SON);
    assert!(before >= 10, "{late:?}");
    assert!(late
        .iter()
        .find(|u| u.unit.code == ANH_SON)
        .unwrap()
        .reports
        .iter()
        .any(|r| r.period == "2026-03"));
    for path in [
        "/api/v1/regimes/late.xlsx",
        "/api/v1/regimes/records.xlsx?year=2026",
    ] {
        let r = approver.get(&app, path).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(r.bytes().await.unwrap().to_vec())).unwrap();
        let sheet = wb.worksheet_range_at(0).unwrap().unwrap();
        let text: Vec<String> = sheet.cells().map(|(_, _, c)| c.to_string()).collect();
        assert!(
            text.iter().any(|c| c.contains("Anh Sơn")),
            "{path}: {text:?}"
        );
    }
    let mut wall = app.ws().await;
    wall.subscribe("tasks/40", None).await;
    let march = format!(
        "/api/v1/regimes/{}/periods/2026-03/units/{ANH_SON}",
        regime.id
    );
    editor
        .put(&app, &format!("{march}/document?name=t3.pdf"))
        .body(PDF.to_vec())
        .send()
        .await
        .unwrap();
    editor
        .put(&app, &format!("{march}/figures"))
        .json(&json!({"values": {"received": 90, "on_time": 90}}))
        .send()
        .await
        .unwrap();
    let r = editor
        .post(&app, &format!("{march}/submit"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let s: RegimeSubmission = r.json().await.unwrap();
    assert!(s.late, "March was due on 17 March");
    let mut seen = None;
    for _ in 0..20 {
        let board = match wall.next().await {
            ServerFrame::Subscribed {
                state: Some(Payload::Tasks(b)),
                ..
            } => *b,
            ServerFrame::Publication(p) => match p.data {
                Payload::Tasks(b) => *b,
                _ => continue,
            },
            _ => continue,
        };
        if late_of(&board.late_reports, ANH_SON) == before - 1 {
            seen = Some(board);
            break;
        }
    }
    let board = seen.expect("the board without March's report");
    assert!(board.reports_overdue > 0);

    // The year's record: every period from January whose deadline has passed is due; Anh Sơn
    // handed in March late and none of the others (the one it handed in first is still open).
    let records: Vec<UnitRecord> = approver
        .get(&app, "/api/v1/regimes/records?year=2026")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let anh_son = records.iter().find(|r| r.unit == ANH_SON).unwrap();
    assert!(anh_son.due >= 10, "{anh_son:?}");
    assert_eq!(
        (anh_son.late, anh_son.on_time),
        (1, 0),
        "March, handed in late"
    );
    assert_eq!(anh_son.missing, anh_son.due - 1);
    let own: Vec<UnitRecord> = editor
        .get(&app, "/api/v1/regimes/records?year=2026")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        own.iter().map(|r| r.unit.as_str()).collect::<Vec<_>>(),
        vec![ANH_SON]
    );
}
