//! Monthly reports of indicators through the HTTP API and the live hub: entry with checks,
//! submission, return, approval into published figures, the outbox, deadlines, Excel and the
//! history import with the roll-up of merged units.

use std::time::Duration;

use chrono::{Datelike, Utc};
use ioc_protocol::{
    format_period, months_before, period_ts, ts_period, BackfillReceipt, DeadlineBoard,
    DeadlineStatus, EntryRevision, FigureKind, Payload, SeriesView, ServerFrame, SubmissionStatus,
    SubmissionView,
};
use reqwest::header::{CONTENT_TYPE, COOKIE};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::{spawn_app, spawn_app_for_province, Session, TestApp};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async fn session(app: &TestApp, username: &str, roles: &[(&str, Option<&str>)]) -> Session {
    app.sign_in_with(username, roles).await
}

async fn error(r: reqwest::Response) -> (StatusCode, Value) {
    let status = r.status();
    (status, r.json().await.unwrap())
}

/// The Finance department saves [`stc_estimates`] into the report at `base` and submits it.
async fn submit_stc_estimates(app: &TestApp, editor: &Session, base: &str) -> SubmissionView {
    let _: SubmissionView = ok(editor
        .put(app, &format!("{base}/entries"))
        .json(&json!({"kind": "estimate", "values": stc_estimates()}))
        .send()
        .await
        .unwrap())
    .await;
    ok(editor
        .post(app, &format!("{base}/submit"))
        .send()
        .await
        .unwrap())
    .await
}

/// An estimate of 100 for each of the Finance department's four indicators.
fn stc_estimates() -> Vec<Value> {
    [
        "budget_revenue",
        "public_investment",
        "new_enterprises",
        "new_enterprise_capital",
    ]
    .iter()
    .map(|s| json!({"series": s, "value": 100.0}))
    .collect()
}

async fn ok<T: serde::de::DeserializeOwned>(r: reqwest::Response) -> T {
    let status = r.status();
    let text = r.text().await.unwrap();
    assert!(status.is_success(), "{status}: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// The month before this one, in province time: the period units report now.
fn last_month() -> chrono::NaiveDate {
    months_before(ts_period(Utc::now()), 1)
}

/// Imports history as an administrator.
async fn backfill(app: &TestApp, admin: &Session, csv: &str) -> reqwest::Response {
    admin
        .post(app, "/api/v1/figures/backfill")
        .header(CONTENT_TYPE, "text/csv")
        .body(csv.to_string())
        .send()
        .await
        .unwrap()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.db).await.unwrap()
}

#[tokio::test]
async fn a_report_goes_from_draft_through_return_to_approval_and_reaches_the_wall_and_the_outbox() {
    let app = spawn_app().await;
    let admin = session(&app, "quan.tri", &[("admin", None)]).await;
    let editor = session(&app, "lan.stc", &[("unit_editor", Some("dept-stc"))]).await;
    let approver = session(&app, "hung.ubnd", &[("approver", None)]).await;
    let period = last_month();
    let p = format_period(period);
    let base = format!("/api/v1/submissions/dept-stc/{p}");

    // Last month's budget revenue is known, so a jump can be seen.
    let previous = format_period(months_before(period, 1));
    let r = backfill(
        &app,
        &admin,
        &format!("indicator,area,period,value\nbudget_revenue,40,{previous},1500\n"),
    )
    .await;
    let receipt: BackfillReceipt = ok(r).await;
    assert_eq!((receipt.rows, receipt.unchanged), (1, 0));

    let view: SubmissionView = ok(editor.get(&app, &base).send().await.unwrap()).await;
    assert_eq!(view.id, None, "nothing entered yet");
    assert_eq!(
        view.area, "40",
        "a department reports the province's figures"
    );
    let codes: Vec<&str> = view
        .rows
        .iter()
        .map(|r| r.indicator.code.as_str())
        .collect();
    assert_eq!(
        codes,
        [
            "budget_revenue",
            "public_investment",
            "new_enterprises",
            "new_enterprise_capital"
        ]
    );
    assert_eq!(view.rows[0].previous_month, Some(1500.0));

    let mut ws = app.ws().await;
    ws.subscribe("indicator/budget_revenue/40", None).await;
    ws.next().await;

    // A negative figure is an error: nothing is written.
    let bad =
        json!({"kind": "estimate", "values": [{"series": "public_investment", "value": -3.0}]});
    let (status, body) = error(
        editor
            .put(&app, &format!("{base}/entries"))
            .json(&bad)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("check_failed"))
    );
    assert_eq!(body["error"]["findings"][0]["code"], "below_min");
    assert!(body["error"]["message_vi"]
        .as_str()
        .unwrap()
        .contains("kiểm tra"));
    assert_eq!(
        count(&app, "SELECT count(*) FROM indicator_entries").await,
        0
    );

    // Budget revenue doubled against last month: a warning that needs a note.
    let mut values = json!([
        {"series": "budget_revenue", "value": 3000.0},
        {"series": "public_investment", "value": 700.0},
        {"series": "new_enterprises", "value": 150.0},
        {"series": "new_enterprise_capital", "value": 1800.0},
    ]);
    let save = json!({"kind": "estimate", "values": values});
    let (status, body) = error(
        editor
            .put(&app, &format!("{base}/entries"))
            .json(&save)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("warning_needs_note"))
    );
    assert_eq!(body["error"]["findings"][0]["series"], "budget_revenue");
    assert_eq!(body["error"]["findings"][0]["code"], "jump_prev_month");
    values[0]["note"] = json!("Thu tiền sử dụng đất của dự án lớn vào ngân sách trong tháng");
    let view: SubmissionView = ok(editor
        .put(&app, &format!("{base}/entries"))
        .json(&json!({"kind": "estimate", "values": values}))
        .send()
        .await
        .unwrap())
    .await;
    assert_eq!(view.status, SubmissionStatus::Draft);
    let budget = view.rows[0].estimate.as_ref().unwrap();
    assert_eq!((budget.value, budget.versions), (3000.0, 1));
    assert_eq!(
        budget.warnings[0].code, "jump_prev_month",
        "the warning stays with the figure"
    );

    // Saving the same figures again writes nothing new.
    let _: SubmissionView = ok(editor
        .put(&app, &format!("{base}/entries"))
        .json(&json!({"kind": "estimate", "values": values}))
        .send()
        .await
        .unwrap())
    .await;
    assert_eq!(
        count(&app, "SELECT count(*) FROM indicator_entries").await,
        4
    );

    let view: SubmissionView = ok(editor
        .post(&app, &format!("{base}/submit"))
        .send()
        .await
        .unwrap())
    .await;
    assert_eq!(
        (view.status, view.revision),
        (SubmissionStatus::Submitted, 1)
    );
    // A submitted report is the approver's until returned.
    let (status, body) = error(
        editor
            .put(&app, &format!("{base}/entries"))
            .json(&save)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("invalid_transition"))
    );
    // The editor does not approve; the approver must say why when returning.
    assert_eq!(
        editor
            .post(&app, &format!("{base}/approve"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    let (status, body) = error(
        approver
            .post(&app, &format!("{base}/return"))
            .json(&json!({"comment": "  "}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("comment_required"))
    );
    let comment = "Số vốn đăng ký cần đối chiếu lại với hệ thống đăng ký doanh nghiệp";
    let view: SubmissionView = ok(approver
        .post(&app, &format!("{base}/return"))
        .json(&json!({"comment": comment}))
        .send()
        .await
        .unwrap())
    .await;
    assert_eq!(view.status, SubmissionStatus::Returned);

    // The editor sees why, corrects one figure and submits again.
    let view: SubmissionView = ok(editor.get(&app, &base).send().await.unwrap()).await;
    assert_eq!(view.return_comment.as_deref(), Some(comment));
    let fix = json!({"kind": "estimate", "values": [{"series": "new_enterprise_capital", "value": 1650.5}]});
    let view: SubmissionView = ok(editor
        .put(&app, &format!("{base}/entries"))
        .json(&fix)
        .send()
        .await
        .unwrap())
    .await;
    assert_eq!(view.rows[3].estimate.as_ref().unwrap().versions, 2);
    let view: SubmissionView = ok(editor
        .post(&app, &format!("{base}/submit"))
        .send()
        .await
        .unwrap())
    .await;
    assert_eq!(
        (view.status, view.revision),
        (SubmissionStatus::Submitted, 2)
    );

    let view: SubmissionView = ok(approver
        .post(&app, &format!("{base}/approve"))
        .send()
        .await
        .unwrap())
    .await;
    assert_eq!(view.status, SubmissionStatus::Approved);
    let (status, _) = error(
        approver
            .post(&app, &format!("{base}/approve"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "approving twice is refused");

    // The wall's stream gets the month's figure, marked as an estimate.
    let frame = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            if let ServerFrame::Publication(p) = ws.next().await {
                return p;
            }
        }
    })
    .await
    .expect("a publication after the approval");
    let Payload::Point(point) = frame.data else {
        panic!("a point")
    };
    assert_eq!(
        (point.ts, point.value, point.estimate, point.demo),
        (period_ts(period), 3000.0, true, false)
    );

    // Published figures, one outbox message for revision 2, the audit trail.
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM indicator_figures WHERE source = 'approved'"
        )
        .await,
        4
    );
    let keys: Vec<String> = sqlx::query_scalar("SELECT idempotency_key FROM central_outbox")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(keys, [format!("40:monthly-gov:dept-stc:{p}:r2")]);
    let payload: Value = sqlx::query_scalar("SELECT payload FROM central_outbox")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(payload["figures"].as_array().unwrap().len(), 4);
    assert_eq!(payload["revision"], 2);
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE entity = 'submission' ORDER BY id")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(
        actions,
        [
            "indicators.entries.save",
            "indicators.submit",
            "indicators.return",
            "indicators.entries.save",
            "indicators.submit",
            "indicators.approve"
        ]
    );
    let history: Vec<EntryRevision> = ok(approver
        .get(&app, &format!("{base}/history"))
        .send()
        .await
        .unwrap())
    .await;
    assert_eq!(history.len(), 5);
    assert_eq!(
        (
            history[0].series.as_str(),
            history[0].revision,
            history[0].value
        ),
        ("new_enterprise_capital", 2, 1650.5)
    );
    assert!(
        history
            .iter()
            .any(|h| h.series == "new_enterprise_capital" && h.value == 1800.0),
        "the first figure is kept"
    );

    // The series the charts read now ends with this month.
    let series: SeriesView = ok(app
        .http
        .get(app.url(&format!(
            "/api/v1/indicators/budget_revenue/series?from={previous}&to={p}"
        )))
        .bearer_auth(&app.reader)
        .send()
        .await
        .unwrap())
    .await;
    let months: Vec<(String, f64, FigureKind)> = series
        .months
        .iter()
        .map(|m| (m.period.clone(), m.value, m.kind))
        .collect();
    assert_eq!(
        months,
        [
            (previous, 1500.0, FigureKind::Official),
            (p, 3000.0, FigureKind::Estimate)
        ]
    );
}

#[tokio::test]
async fn the_official_figure_follows_the_estimate_as_a_new_revision_and_both_are_kept() {
    let app = spawn_app().await;
    let editor = session(&app, "minh.sct", &[("unit_editor", Some("dept-sct"))]).await;
    let approver = session(&app, "hoa.ubnd", &[("approver", None)]).await;
    let p = format_period(last_month());
    let base = format!("/api/v1/submissions/dept-sct/{p}");
    let entry = |kind: &str, value: f64| json!({"kind": kind, "values": [{"series": "retail_sales", "value": value}]});

    let _: SubmissionView = ok(editor
        .put(&app, &format!("{base}/entries"))
        .json(&entry("estimate", 7400.0))
        .send()
        .await
        .unwrap())
    .await;
    let _: SubmissionView = ok(editor
        .post(&app, &format!("{base}/submit"))
        .send()
        .await
        .unwrap())
    .await;
    let _: SubmissionView = ok(approver
        .post(&app, &format!("{base}/approve"))
        .send()
        .await
        .unwrap())
    .await;

    // The official figure arrives later: the approved report reopens as a draft.
    let view: SubmissionView = ok(editor
        .put(&app, &format!("{base}/entries"))
        .json(&entry("official", 7388.2))
        .send()
        .await
        .unwrap())
    .await;
    assert_eq!(view.status, SubmissionStatus::Draft);
    let row = &view.rows[0];
    assert_eq!(
        (
            row.estimate.as_ref().unwrap().value,
            row.official.as_ref().unwrap().value
        ),
        (7400.0, 7388.2)
    );
    // Until approved, the wall still shows the approved estimate.
    let series = |app: &TestApp| {
        app.http
            .get(app.url(&format!(
                "/api/v1/indicators/retail_sales/series?from={p}&to={p}"
            )))
            .bearer_auth(&app.reader)
            .send()
    };
    let s: SeriesView = ok(series(&app).await.unwrap()).await;
    assert_eq!(
        (s.months[0].value, s.months[0].kind),
        (7400.0, FigureKind::Estimate)
    );

    let _: SubmissionView = ok(editor
        .post(&app, &format!("{base}/submit"))
        .send()
        .await
        .unwrap())
    .await;
    let view: SubmissionView = ok(approver
        .post(&app, &format!("{base}/approve"))
        .send()
        .await
        .unwrap())
    .await;
    assert_eq!(view.revision, 2);
    let s: SeriesView = ok(series(&app).await.unwrap()).await;
    assert_eq!(
        (s.months[0].value, s.months[0].kind),
        (7388.2, FigureKind::Official)
    );
    // Two messages for the Government system, one per revision; both figures kept.
    let keys: Vec<String> =
        sqlx::query_scalar("SELECT idempotency_key FROM central_outbox ORDER BY id")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(
        keys,
        [
            format!("40:monthly-gov:dept-sct:{p}:r1"),
            format!("40:monthly-gov:dept-sct:{p}:r2")
        ]
    );
    let kinds: Vec<String> = sqlx::query_scalar("SELECT kind FROM indicator_figures ORDER BY id")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(kinds, ["estimate", "estimate", "official"]);
}

#[tokio::test]
async fn a_revised_year_to_date_needs_a_note_and_every_indicator_needs_a_figure() {
    let app = spawn_app().await;
    let admin = session(&app, "quan.tri", &[("admin", None)]).await;
    let editor = session(&app, "hai.hq", &[("unit_editor", Some("dept-hq"))]).await;
    // March of last year: January and February are published.
    let year = ts_period(Utc::now())
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .unwrap()
        - 1;
    let csv = format!(
        "indicator,area,period,value\nexports,40,{year}-01,100\nexports,40,{year}-02,120.5\n"
    );
    let _: BackfillReceipt = ok(backfill(&app, &admin, &csv).await).await;
    let base = format!("/api/v1/submissions/dept-hq/{year}-03");
    let view: SubmissionView = ok(editor.get(&app, &base).send().await.unwrap()).await;
    assert_eq!(view.rows[0].ytd_before, Some(220.5));

    let save = |ytd: f64, note: Option<&str>| {
        json!({"kind": "official", "values": [
            {"series": "exports", "value": 130.0, "ytd": ytd, "note": note},
            {"series": "imports", "value": 80.0},
        ]})
    };
    // A year to date off the published months is a warning (earlier months may have been
    // revised by the statistics office): refused without a note, nothing written…
    let (status, body) = error(
        editor
            .put(&app, &format!("{base}/entries"))
            .json(&save(300.0, None))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "warning_needs_note", "{body}");
    assert_eq!(body["error"]["findings"][0]["code"], "ytd_mismatch");
    assert_eq!(body["error"]["findings"][0]["severity"], "warning");
    assert!(
        body["error"]["findings"][0]["message_en"]
            .as_str()
            .unwrap()
            .contains("350.5"),
        "{body}"
    );
    let view: SubmissionView = ok(editor.get(&app, &base).send().await.unwrap()).await;
    assert!(
        view.rows.iter().all(|r| r.official.is_none()),
        "nothing written"
    );
    // …accepted with a note that explains the revision, the warning kept for the approver.
    let view: SubmissionView = ok(editor
        .put(&app, &format!("{base}/entries"))
        .json(&save(300.0, Some("Thống kê điều chỉnh số tháng 2")))
        .send()
        .await
        .unwrap())
    .await;
    let exports = view
        .rows
        .iter()
        .find(|r| r.indicator.code == "exports")
        .and_then(|r| r.official.as_ref())
        .expect("the revised year to date is stored");
    assert_eq!(exports.ytd, Some(300.0));
    assert_eq!(exports.warnings[0].code, "ytd_mismatch");
    // The sum of the months needs no note.
    let _: SubmissionView = ok(editor
        .put(&app, &format!("{base}/entries"))
        .json(&save(350.5, None))
        .send()
        .await
        .unwrap())
    .await;

    // A report with an indicator missing cannot be submitted.
    let p = format_period(last_month());
    let only_one = json!({"kind": "estimate", "values": [{"series": "exports", "value": 150.0}]});
    let _: SubmissionView = ok(editor
        .put(&app, &format!("/api/v1/submissions/dept-hq/{p}/entries"))
        .json(&only_one)
        .send()
        .await
        .unwrap())
    .await;
    let (status, body) = error(
        editor
            .post(&app, &format!("/api/v1/submissions/dept-hq/{p}/submit"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("empty_entries"))
    );
    assert!(body["error"]["message_en"]
        .as_str()
        .unwrap()
        .contains("imports"));
}

#[tokio::test]
async fn bad_report_requests_get_clear_errors() {
    let app = spawn_app().await;
    let editor = session(&app, "lan.stc", &[("unit_editor", Some("dept-stc"))]).await;
    let p = format_period(last_month());
    let cases: Vec<(String, Value, StatusCode, &str)> = vec![
        (
            "/api/v1/submissions/dept-stc/2026-13/entries".into(),
            json!({"kind": "estimate", "values": [{"series": "budget_revenue", "value": 1.0}]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_period",
        ),
        (
            "/api/v1/submissions/dept-stc/2018-12/entries".into(),
            json!({"kind": "estimate", "values": [{"series": "budget_revenue", "value": 1.0}]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_period",
        ),
        (
            format!("/api/v1/submissions/dept-stc/{p}/entries"),
            json!({"kind": "estimate", "values": []}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "empty_entries",
        ),
        (
            format!("/api/v1/submissions/dept-stc/{p}/entries"),
            json!({"kind": "estimate", "values": [{"series": "retail_sales", "value": 1.0}]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "indicator_not_reported",
        ),
        (
            format!("/api/v1/submissions/dept-stc/{p}/entries"),
            json!({"kind": "estimate", "values": [{"series": "budget_revenue", "value": 1.0}, {"series": "budget_revenue", "value": 2.0}]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "duplicate_entry",
        ),
        (
            format!("/api/v1/submissions/dept-stc/{p}/entries"),
            json!({"kind": "guess", "values": []}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            format!("/api/v1/submissions/dept-stc/{p}/entries"),
            json!({"kind": "estimate", "values": [{"series": "budget_revenue", "value": "nhiều"}]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
    ];
    for (path, body, want_status, want_code) in cases {
        let (status, got) = error(editor.put(&app, &path).json(&body).send().await.unwrap()).await;
        assert_eq!(
            (status, got["error"]["code"].as_str().unwrap_or_default()),
            (want_status, want_code),
            "{path} {body}"
        );
        assert!(
            !got["error"]["message_vi"].as_str().unwrap().is_empty()
                && !got["error"]["message_en"].as_str().unwrap().is_empty()
        );
    }
    // Without the CSRF token a cookie request is refused.
    let r = app
        .http
        .put(app.url(&format!("/api/v1/submissions/dept-stc/{p}/entries")))
        .header(COOKIE, &editor.cookie)
        .json(&json!({"kind": "estimate", "values": [{"series": "budget_revenue", "value": 1.0}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        count(&app, "SELECT count(*) FROM indicator_entries").await,
        0,
        "nothing written by refused requests"
    );
}

#[tokio::test]
async fn who_may_read_enter_and_approve() {
    let app = spawn_app().await;
    let stc = session(&app, "lan.stc", &[("unit_editor", Some("dept-stc"))]).await;
    let sct = session(&app, "minh.sct", &[("unit_editor", Some("dept-sct"))]).await;
    let leader = session(&app, "chu.tich", &[("leader", None)]).await;
    let p = format_period(last_month());
    let base = format!("/api/v1/submissions/dept-stc/{p}");
    let save =
        json!({"kind": "estimate", "values": [{"series": "budget_revenue", "value": 1400.0}]});

    assert_eq!(
        sct.get(&app, &base).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        sct.put(&app, &format!("{base}/entries"))
            .json(&save)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        leader.get(&app, &base).send().await.unwrap().status(),
        StatusCode::OK,
        "leaders read every report"
    );
    assert_eq!(
        leader
            .put(&app, &format!("{base}/entries"))
            .json(&save)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        leader
            .post(&app, &format!("{base}/approve"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.http.get(app.url(&base)).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let r = app
        .http
        .get(app.url(&base))
        .bearer_auth(&app.reader)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "a wall display follows the drill-down"
    );

    // Unit editors see their own units in lists and boards, readers of the province all units.
    let mine: Vec<Value> = ok(stc.get(&app, "/api/v1/submissions").send().await.unwrap()).await;
    assert_eq!(
        mine.iter()
            .map(|r| r["unit"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["dept-stc"]
    );
    let all: Vec<Value> = ok(leader
        .get(&app, "/api/v1/submissions")
        .send()
        .await
        .unwrap())
    .await;
    assert_eq!(
        all.len(),
        4,
        "four departments report the monthly indicators"
    );

    assert!(
        app.ws_as(None).await.is_err(),
        "nobody anonymous on the WebSocket"
    );
    let status_of = |topic: &'static str, token: Option<String>| {
        let app = &app;
        async move {
            let mut ws = app.ws_as(token.as_deref()).await.unwrap();
            ws.subscribe(topic, None).await;
            ws.next().await
        }
    };
    assert!(matches!(
        status_of("deadlines/40", Some(app.reader.clone())).await,
        ServerFrame::Subscribed { .. }
    ));
    assert!(matches!(
        status_of("deadlines/dept-stc", Some(app.reader.clone())).await,
        ServerFrame::Subscribed { .. }
    ));
    assert!(matches!(
        status_of("deadlines/nowhere", Some(app.reader.clone())).await,
        ServerFrame::Error { .. }
    ));
}

#[tokio::test]
async fn the_deadline_board_shows_late_units_and_moves_live_when_they_submit() {
    let app = spawn_app().await;
    let editor = session(&app, "lan.stc", &[("unit_editor", Some("dept-stc"))]).await;
    // Two months ago: every deadline has passed.
    let old = format_period(months_before(ts_period(Utc::now()), 2));
    let board: DeadlineBoard = ok(app
        .http
        .get(app.url(&format!("/api/v1/deadlines?period={old}")))
        .bearer_auth(&app.reader)
        .send()
        .await
        .unwrap())
    .await;
    assert_eq!(board.rows.len(), 4);
    assert!(
        board
            .rows
            .iter()
            .all(|r| r.deadline_status == DeadlineStatus::Late),
        "{board:?}"
    );
    // Units submit by the 2nd, or the next working day when the 2nd is off (art. 148(2)).
    let cal = ioc_server::calendar::Calendar::load(&app.db).await.unwrap();
    let next = months_before(ts_period(Utc::now()), 1);
    let due = cal.next_working_day(next.with_day(2).unwrap()).to_string();
    assert!(
        board.rows.iter().all(|r| r.deadline == due),
        "units submit by the 2nd: {due}"
    );

    let mut ws = app.ws().await;
    ws.subscribe("deadlines/40", None).await;
    ws.next().await;

    let p = format_period(last_month());
    let base = format!("/api/v1/submissions/dept-stc/{p}");
    submit_stc_estimates(&app, &editor, &base).await;
    let board = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            if let ServerFrame::Publication(p) = ws.next().await {
                if let Payload::Deadlines(b) = p.data {
                    if b.rows.iter().any(|r| {
                        r.unit == "dept-stc" && r.status == Some(SubmissionStatus::Submitted)
                    }) {
                        return b;
                    }
                }
            }
        }
    })
    .await
    .expect("the board moves live");
    let row = board
        .rows
        .iter()
        .find(|r| r.unit == "dept-stc" && r.period == p)
        .unwrap();
    assert_eq!(
        (row.deadline_status, row.entered, row.expected),
        (DeadlineStatus::Submitted, 4, 4)
    );
    // Submitted is on time for the unit, but until the province sends it, the report is late to
    // the Government once the send deadline has passed (trễ hạn gửi Chính phủ).
    let today = ioc_server::indicators::deadlines::today().to_string();
    assert_eq!(
        row.late_to_government,
        today > row.send_deadline,
        "today {today}, send deadline {}",
        row.send_deadline
    );
}

#[tokio::test]
async fn history_import_rolls_merged_units_up_and_is_idempotent() {
    let app = spawn_app().await;
    let admin = session(&app, "quan.tri", &[("admin", None)]).await;
    let leader = session(&app, "chu.tich", &[("leader", None)]).await;
    // Hưng Yên (33) took in former Thái Bình in 2025: both historic provinces merged wholly.
    let olds: Vec<String> = sqlx::query_scalar(
        "SELECT s.old_code FROM unit_successors s JOIN units u ON u.code = s.old_code
         WHERE s.new_code = '33' AND u.kind = 'historic_province'
           AND (SELECT count(*) FROM unit_successors o WHERE o.old_code = s.old_code) = 1
         ORDER BY s.old_code",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(olds.len(), 2, "former Hưng Yên and Thái Bình");
    let csv = format!(
        "indicator,area,period,kind,value\n\
         retail_sales,{a},2024-06,official,3100.5\nretail_sales,{b},2024-06,official,2900\n\
         cpi,{a},2024-06,official,103.1\ncpi,{b},2024-06,official,102.7\n\
         retail_sales,{a},2024-07,official,3150\n\
         retail_sales,33,2025-08,estimate,6200\n",
        a = olds[0],
        b = olds[1]
    );
    let receipt: BackfillReceipt = ok(backfill(&app, &admin, &csv).await).await;
    assert_eq!((receipt.rows, receipt.unchanged), (6, 0));
    assert_eq!(
        (
            receipt.first_period.as_deref(),
            receipt.last_period.as_deref()
        ),
        (Some("2024-06"), Some("2025-08"))
    );
    let again: BackfillReceipt = ok(backfill(&app, &admin, &csv).await).await;
    assert_eq!(again.unchanged, 6, "a re-import changes nothing");
    assert_eq!(
        count(&app, "SELECT count(*) FROM indicator_figures").await,
        6
    );

    let series = |code: &str| {
        leader.get(
            &app,
            &format!("/api/v1/indicators/{code}/series?area=33&from=2024-01&to=2025-12"),
        )
    };
    let retail: SeriesView = ok(series("retail_sales").send().await.unwrap()).await;
    let months: Vec<(&str, f64, bool, bool)> = retail
        .months
        .iter()
        .map(|m| (m.period.as_str(), m.value, m.rolled_up, m.partial))
        .collect();
    // July 2024 came from former Hưng Yên only: rolled up, and marked incomplete.
    assert_eq!(
        months,
        [
            ("2024-06", 6000.5, true, false),
            ("2024-07", 3150.0, true, true),
            ("2025-08", 6200.0, false, false)
        ]
    );
    // An index of two provinces cannot be added up: no invented value.
    let cpi: SeriesView = ok(series("cpi").send().await.unwrap()).await;
    assert!(cpi.months.is_empty(), "{:?}", cpi.months);

    // Errors name the line; nothing of a bad file is written; only administrators import.
    let (status, body) = error(
        backfill(
            &app,
            &admin,
            "indicator,area,period,value\nretail_sales,33,2024-07,12\nnope,33,2024-07,1\n",
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("unknown_series"))
    );
    assert!(
        body["error"]["message_en"]
            .as_str()
            .unwrap()
            .contains("line 3"),
        "{body}"
    );
    let (status, body) = error(
        backfill(
            &app,
            &admin,
            "indicator,area,period,value\nretail_sales,33,2024-07,abc\n",
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("bad_spreadsheet"))
    );
    assert_eq!(
        count(&app, "SELECT count(*) FROM indicator_figures").await,
        6
    );
    assert_eq!(
        backfill(&app, &leader, "indicator,area,period,value\n")
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let r = admin
        .post(&app, "/api/v1/figures/backfill")
        .header(CONTENT_TYPE, "application/pdf")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn the_excel_template_comes_back_as_figures_and_exports_open() {
    let app = spawn_app().await;
    let editor = session(&app, "lan.stc", &[("unit_editor", Some("dept-stc"))]).await;
    let p = format_period(last_month());
    let base = format!("/api/v1/submissions/dept-stc/{p}");

    let r = editor
        .get(&app, &format!("{base}/template.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()[CONTENT_TYPE], XLSX);
    let bytes = r.bytes().await.unwrap().to_vec();
    // The template as a person would fill it: read it, put numbers in the value column.
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    let codes: Vec<String> = range
        .rows()
        .filter_map(|r| r.first().map(|c| c.to_string()))
        .collect();
    for code in [
        "budget_revenue",
        "public_investment",
        "new_enterprises",
        "new_enterprise_capital",
    ] {
        assert!(codes.iter().any(|c| c == code), "{code} in {codes:?}");
    }
    let mut filled = rust_xlsxwriter::Workbook::new();
    let sheet = filled.add_worksheet();
    for (i, row) in range.rows().enumerate() {
        for (j, cell) in row.iter().enumerate() {
            sheet
                .write_string(i as u32, j as u16, cell.to_string())
                .unwrap();
        }
        let value = match row.first().map(|c| c.to_string()).as_deref() {
            Some("budget_revenue") => Some("1.480,5"),
            Some("public_investment") => Some("720"),
            Some("new_enterprises") => Some("161"),
            _ => None,
        };
        if let Some(v) = value {
            sheet.write_string(i as u32, 5, v).unwrap();
        }
    }
    let body = filled.save_to_buffer().unwrap();
    let view: SubmissionView = ok(editor
        .post(&app, &format!("{base}/import?kind=estimate"))
        .header(CONTENT_TYPE, XLSX)
        .body(body)
        .send()
        .await
        .unwrap())
    .await;
    let got: Vec<Option<f64>> = view
        .rows
        .iter()
        .map(|r| r.estimate.as_ref().map(|e| e.value))
        .collect();
    assert_eq!(got, [Some(1480.5), Some(720.0), Some(161.0), None]);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM indicator_entries WHERE source = 'excel'"
        )
        .await,
        3
    );

    let (status, body) = error(
        editor
            .post(&app, &format!("{base}/import"))
            .header(CONTENT_TYPE, XLSX)
            .body("not a workbook")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("bad_spreadsheet"))
    );

    // Exports of the views open as workbooks.
    let leader = session(&app, "chu.tich", &[("leader", None)]).await;
    for path in [
        "/api/v1/submissions.xlsx",
        "/api/v1/indicators/budget_revenue/series.xlsx",
    ] {
        let r = leader.get(&app, path).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let bytes = r.bytes().await.unwrap().to_vec();
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        assert!(book.worksheet_range_at(0).unwrap().is_ok(), "{path}");
    }
}

#[tokio::test]
async fn administrators_edit_the_catalogue_and_constraints_hold() {
    let app = spawn_app().await;
    let admin = session(&app, "quan.tri", &[("admin", None)]).await;
    let leader = session(&app, "chu.tich", &[("leader", None)]).await;
    let list: Vec<Value> = ok(leader.get(&app, "/api/v1/indicators").send().await.unwrap()).await;
    assert_eq!(list.len(), 9);
    let path = "/api/v1/indicators/retail_sales";
    let patch = json!({"warn_low": 5000.0, "annual_target": 120000.0, "jump_pct": 25.0});
    let def: Value = ok(admin
        .send(&app, reqwest::Method::PATCH, path)
        .json(&patch)
        .send()
        .await
        .unwrap())
    .await;
    assert_eq!(
        (def["warn_low"].as_f64(), def["jump_pct"].as_f64()),
        (Some(5000.0), Some(25.0))
    );
    let def: Value = ok(admin
        .send(&app, reqwest::Method::PATCH, path)
        .json(&json!({"warn_low": null}))
        .send()
        .await
        .unwrap())
    .await;
    assert!(
        def["warn_low"].is_null() && def["annual_target"].as_f64() == Some(120000.0),
        "null clears, absent keeps"
    );
    // The kind of number is catalogue data like the rest, audited before and after.
    assert_eq!(def["value_kind"], "flow");
    let def: Value = ok(admin
        .send(&app, reqwest::Method::PATCH, path)
        .json(&json!({"value_kind": "level"}))
        .send()
        .await
        .unwrap())
    .await;
    assert_eq!(def["value_kind"], "level");
    let (before, after): (Value, Value) = sqlx::query_as(
        "SELECT before, after FROM audit_log WHERE entity = 'series' AND entity_id = 'retail_sales'
         ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(
        (&before["value_kind"], &after["value_kind"]),
        (&json!("flow"), &json!("level"))
    );
    let pi: Value = ok(admin
        .send(
            &app,
            reqwest::Method::PATCH,
            "/api/v1/indicators/public_investment",
        )
        .json(&json!({"disbursement": false}))
        .send()
        .await
        .unwrap())
    .await;
    assert_eq!(pi["disbursement"], false);
    // A cumulative indicator must be a sum; min above max is refused.
    for bad in [
        json!({"aggregation": "average"}),
        json!({"min_value": 10.0, "max_value": 1.0}),
        json!({"jump_pct": 0}),
        // A year-on-year index has no derivable year to date; only a cumulative sum is disbursed.
        json!({"value_kind": "index_yoy"}),
        json!({"value_kind": "index"}),
    ] {
        let r = admin
            .send(&app, reqwest::Method::PATCH, path)
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let r = leader
        .send(&app, reqwest::Method::PATCH, path)
        .json(&patch)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE action = 'indicators.catalogue.update'"
        )
        .await,
        4,
        "two edits of thresholds, the kind of number, the disbursement flag; none refused"
    );
}

#[tokio::test]
async fn deadlines_follow_the_group_rule_in_working_days_and_the_holiday_list() {
    let app = spawn_app().await;
    let admin = session(&app, "quan.tri", &[("admin", None)]).await;
    let deadline_of = |app: &TestApp| {
        app.http
            .get(app.url("/api/v1/deadlines?period=2026-12"))
            .bearer_auth(&app.reader)
            .send()
    };
    let board: DeadlineBoard = ok(deadline_of(&app).await.unwrap()).await;
    // Seed 000 counts calendar days: "by 2 January 2027" is a Saturday after the Friday holiday,
    // so the deadline moves to Monday the 4th (Civil Code art. 148(2)); "before 3 January" too.
    assert_eq!(
        (
            board.rows[0].deadline.as_str(),
            board.rows[0].send_deadline.as_str()
        ),
        ("2027-01-04", "2027-01-04"),
        "calendar days by default (seed 000), moved off the weekend"
    );

    let patch = |body: Value| {
        admin
            .send(
                &app,
                reqwest::Method::PATCH,
                "/api/v1/indicator-groups/monthly-gov",
            )
            .json(&body)
            .send()
    };
    let g: Value = ok(patch(json!({"working_days": true})).await.unwrap()).await;
    assert_eq!(g["working_days"], true);
    assert_eq!(g["send_bound"], "before", "seed 000: trước ngày 03");
    // 1 January 2027 is a Friday holiday, then a weekend: the 2nd working day is Tuesday the 5th,
    // and "before the 3rd working day" ends on the 2nd.
    let board: DeadlineBoard = ok(deadline_of(&app).await.unwrap()).await;
    assert_eq!(
        (
            board.rows[0].deadline.as_str(),
            board.rows[0].send_deadline.as_str()
        ),
        ("2027-01-05", "2027-01-05")
    );

    // 2027 has no stored schedule: deleting its expected New Year's Day stores the rest of the
    // year and makes Friday 1 January a working day.
    let r = admin
        .send(
            &app,
            reqwest::Method::DELETE,
            "/api/v1/calendar/days/2027-01-01",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let board: DeadlineBoard = ok(deadline_of(&app).await.unwrap()).await;
    assert_eq!(board.rows[0].deadline, "2027-01-04");
    let holiday = json!({"kind": "holiday", "name_vi": "Nghỉ bù", "name_en": "Substitute day off"});
    let r = admin
        .send(
            &app,
            reqwest::Method::PUT,
            "/api/v1/calendar/days/2027-01-04",
        )
        .json(&holiday)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let board: DeadlineBoard = ok(deadline_of(&app).await.unwrap()).await;
    assert_eq!(board.rows[0].deadline, "2027-01-05");

    for bad in [
        json!({"submit_day": 40}),
        json!({"submit_day": 5, "send_day": 3}),
        json!({"colour": "red"}),
    ] {
        let r = patch(bad.clone()).await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let r = admin
        .send(
            &app,
            reqwest::Method::DELETE,
            "/api/v1/calendar/days/not-a-day",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(count(&app, "SELECT count(*) FROM audit_log WHERE action LIKE 'indicators.group%' OR action LIKE 'calendar.%'").await, 3);
}

#[tokio::test]
async fn a_server_for_hung_yen_files_its_departments_figures_under_33() {
    let app = spawn_app_for_province("33").await;
    // The departments of the configured province, made at start-up from the neutral kinds.
    let depts: Vec<(String, String)> = sqlx::query_as(
        "SELECT code, name_vi FROM units WHERE parent_code = '33' AND kind = 'department' ORDER BY sort_order",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(depts.len(), 20, "{depts:?}");
    assert!(depts.contains(&("33-tk".into(), "Thống kê tỉnh Hưng Yên".into())));
    assert!(depts.contains(&("33-stc".into(), "Sở Tài chính".into())));
    // The catalogue's owners moved to Hưng Yên's departments; Nghệ An's stay as they were.
    let owner: String = sqlx::query_scalar("SELECT owner_unit FROM series WHERE code = 'cpi'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(owner, "33-tk");
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM units WHERE parent_code = '40' AND kind = 'department'"
        )
        .await,
        21
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE actor = 'system:province' AND entity = 'unit'"
        )
        .await,
        20,
        "every department made is audited"
    );

    // Hưng Yên's statistics office enters, submits; an approver approves.
    let editor = session(&app, "thu.tk", &[("unit_editor", Some("33-tk"))]).await;
    let approver = session(&app, "hung.ubnd", &[("approver", None)]).await;
    let p = format_period(last_month());
    let base = format!("/api/v1/submissions/33-tk/{p}");
    let view: SubmissionView = ok(editor.get(&app, &base).send().await.unwrap()).await;
    assert_eq!(view.area, "33");
    let mut codes: Vec<&str> = view
        .rows
        .iter()
        .map(|r| r.indicator.code.as_str())
        .collect();
    codes.sort();
    assert_eq!(codes, ["cpi", "iip"]);
    let _: SubmissionView = ok(editor
        .put(&app, &format!("{base}/entries"))
        .json(&json!({"kind": "official", "values": [
            {"series": "iip", "value": 108.5},
            {"series": "cpi", "value": 103.2},
        ]}))
        .send()
        .await
        .unwrap())
    .await;
    let _: SubmissionView = ok(editor
        .post(&app, &format!("{base}/submit"))
        .send()
        .await
        .unwrap())
    .await;
    let _: SubmissionView = ok(approver
        .post(&app, &format!("{base}/approve"))
        .send()
        .await
        .unwrap())
    .await;
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM indicator_entries WHERE area_code = '33'"
        )
        .await,
        2
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM indicator_entries WHERE area_code <> '33'"
        )
        .await,
        0
    );
    let areas: Vec<String> = sqlx::query_scalar("SELECT DISTINCT area_code FROM indicator_figures")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(areas, ["33"], "published under Hưng Yên");
    // The wall of the province reads them on its own topics.
    let r = app.get_as_reader("/api/v1/wall").await;
    let wall: Value = ok(r).await;
    let cpi = wall["tiles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["series"] == "cpi")
        .expect("a CPI tile");
    assert_eq!(cpi["topic"], "indicator/cpi/33");
    assert_eq!(cpi["indicator"]["value_kind"], "index_yoy");

    // Starting again changes nothing.
    let again = ioc_server::units::departments::instantiate(&app.db, "33")
        .await
        .unwrap();
    assert_eq!(again, Default::default());
}

/// A workflow step locks only the boards of the unit it touched: while another unit's board and
/// the province's are held by someone else, a department still saves and submits its report
/// (before, every step locked every unit's board and the province's, so the whole province's
/// steps ran one at a time). The province's board follows after the lock is released.
#[tokio::test]
async fn a_step_does_not_wait_for_other_units_boards() {
    let app = spawn_app().await;
    let editor = session(&app, "lan.stc", &[("unit_editor", Some("dept-stc"))]).await;
    let held = ["deadlines/dept-tk", "deadlines/40"];
    // The reminder tick stores every board when the server starts.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let stored: i64 =
            sqlx::query_scalar("SELECT count(*) FROM live_topics WHERE topic = ANY($1)")
                .bind(&held[..])
                .fetch_one(&app.db)
                .await
                .unwrap();
        if stored == 2 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the boards are stored at start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut holder = app.db.begin().await.unwrap();
    let locked: Vec<String> =
        sqlx::query_scalar("SELECT topic FROM live_topics WHERE topic = ANY($1) FOR UPDATE")
            .bind(&held[..])
            .fetch_all(&mut *holder)
            .await
            .unwrap();
    assert_eq!(locked.len(), 2);

    let base = format!(
        "/api/v1/submissions/dept-stc/{}",
        format_period(last_month())
    );
    let steps = submit_stc_estimates(&app, &editor, &base);
    let submitted = tokio::time::timeout(Duration::from_secs(10), steps)
        .await
        .expect("the steps do not wait for other units' boards");
    assert_eq!(submitted.status, SubmissionStatus::Submitted);
    holder.rollback().await.unwrap();

    // Once free, the province's board shows the submitted report.
    let shows_it = || async {
        let state: Option<Value> =
            sqlx::query_scalar("SELECT state FROM live_topics WHERE topic = 'deadlines/40'")
                .fetch_optional(&app.db)
                .await
                .unwrap();
        match state.map(serde_json::from_value::<Payload>) {
            Some(Ok(Payload::Deadlines(b))) => b
                .rows
                .iter()
                .any(|r| r.unit == "dept-stc" && r.status == Some(SubmissionStatus::Submitted)),
            _ => false,
        }
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !shows_it().await {
        assert!(
            std::time::Instant::now() < deadline,
            "the province's board follows"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
