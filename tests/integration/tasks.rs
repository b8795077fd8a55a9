//! Tasks from directives (issue 13): a letter's tasks stored whole or refused whole, deadlines
//! read from their wording, who sees and reports what, "what is late and who owns it", and the
//! seed letters imported for the demo with today's owners.

use chrono::{Datelike, Days, NaiveDate};
use ioc_protocol::{
    DirectiveCreated, OwnerTasks, Payload, ServerFrame, TaskBoard, TaskStatus, TaskView,
};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::{spawn_app, Session, TestApp, Ws};

const FINANCE: &str = "dept-stc";
const OFFICE: &str = "dept-vp";
const ANH_SON: &str = "17329";

fn today() -> NaiveDate {
    ioc_server::dossiers::today()
}

fn dmy(d: NaiveDate) -> String {
    format!("{}/{}/{}", d.day(), d.month(), d.year())
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.db).await.unwrap()
}

async fn tasks(app: &TestApp, s: &Session, query: &str) -> Vec<TaskView> {
    let r = s
        .get(app, &format!("/api/v1/tasks{query}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

fn letter(tasks: Value) -> Value {
    json!({
        "number": "123/UBND-KSTT", "issued_on": (today() - Days::new(400)).to_string(),
        "issuer": "UBND tỉnh Nghệ An", "title": "V/v thực hiện chế độ báo cáo", "tasks": tasks
    })
}

/// Enters a letter as `office` and takes the answer (201).
async fn enter(app: &TestApp, office: &Session, letter: &Value) -> DirectiveCreated {
    let r = office
        .post(app, "/api/v1/directives")
        .json(letter)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json().await.unwrap()
}

#[tokio::test]
async fn a_letters_tasks_are_stored_whole_and_followed_to_their_deadlines() {
    let app = spawn_app().await;
    let office = app.sign_in_new("pheduyet", "approver", None).await;
    let finance = app
        .sign_in_new("nhaplieu", "unit_editor", Some(FINANCE))
        .await;
    let commune = app
        .sign_in_new("can.bo", "unit_editor", Some(ANH_SON))
        .await;
    let leader = app.sign_in_new("lanh.dao", "leader", None).await;

    let overdue = format!("trước ngày {}", dmy(today() - Days::new(30)));
    let soon = format!("chậm nhất ngày {}", dmy(today()));
    let later = format!("trong năm {}", today().year() + 1);
    let body = letter(json!([
        {"owner": FINANCE, "owner_as_written": "Sở Kế hoạch và Đầu tư", "cooperators": [OFFICE],
         "content": "Cung cấp số liệu từ 01/2019", "deadline": overdue},
        {"owner": FINANCE, "content": "Kết nối hệ thống", "deadline": soon},
        {"owner": ANH_SON, "content": "Số hóa hồ sơ", "deadline": later, "cooperators": [FINANCE]},
        {"owner": OFFICE, "content": "Tổng hợp kết quả", "deadline": "định kỳ trước ngày 20 tháng cuối quý"}
    ]));
    let created = enter(&app, &office, &body).await;
    assert_eq!(created.tasks.len(), 4);

    // The leader sees every task, each with its status and the deadline in its own words.
    let all = tasks(&app, &leader, "").await;
    let status: Vec<TaskStatus> = all.iter().map(|t| t.status).collect();
    assert_eq!(
        status,
        [
            TaskStatus::Overdue,
            TaskStatus::DueSoon,
            TaskStatus::OnTrack,
            TaskStatus::Overdue
        ],
        "{all:#?}"
    );
    assert_eq!(all[0].deadline, overdue);
    assert_eq!(all[0].owner_as_written, "Sở Kế hoạch và Đầu tư");
    assert_eq!(all[0].cooperators[0].code, OFFICE);
    assert!(
        all[0].working_days_left < -15,
        "a month late: {}",
        all[0].working_days_left
    );
    // The recurring task shows its earliest quarter whose deadline passed unreported.
    let q = &all[3];
    assert!(
        q.period.as_deref().is_some_and(|p| p.contains("-Q")),
        "{q:?}"
    );
    assert!(q.due_on.is_some_and(|d| d < today()));

    // A unit sees the tasks it owns or shares, nothing else.
    let mine: Vec<i64> = tasks(&app, &finance, "")
        .await
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(mine, created.tasks[..3].to_vec());
    let mine: Vec<i64> = tasks(&app, &commune, "")
        .await
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(mine, vec![created.tasks[2]]);
    let overdue_only = tasks(&app, &leader, "?status=overdue").await;
    assert_eq!(overdue_only.len(), 2);
    let r = leader
        .get(&app, "/api/v1/tasks?status=late")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // The same list in Excel: a row per task, the wording and the status in Vietnamese.
    let r = leader
        .get(&app, "/api/v1/tasks.xlsx?status=overdue")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    let rows = {
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
        book.worksheet_range("Nhiệm vụ").unwrap()
    };
    let cell = |r: u32, c: u32| {
        rows.get_value((r, c))
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    assert_eq!(cell(2, 7), "Thời hạn (theo văn bản)");
    assert_eq!(cell(3, 3), "Sở Tài chính");
    assert_eq!(cell(3, 7), overdue);
    assert_eq!(cell(3, 10), "Quá hạn");
    assert_eq!(cell(4, 3), "Văn phòng Ủy ban nhân dân tỉnh");
    assert_eq!(cell(5, 0), "", "two overdue tasks, two rows");

    // What is late and who owns it: Finance (1 overdue, 1 due soon) and the Office (1 overdue).
    let r = leader.get(&app, "/api/v1/tasks/late").send().await.unwrap();
    let late: Vec<OwnerTasks> = r.json().await.unwrap();
    let summary: Vec<(&str, usize, usize)> = late
        .iter()
        .map(|o| (o.owner.code.as_str(), o.overdue, o.due_soon))
        .collect();
    assert_eq!(summary, [(FINANCE, 1, 1), (OFFICE, 1, 0)]);
    assert_eq!(late[0].owner.name_vi, "Sở Tài chính");
    assert_eq!(
        late[0].tasks[0].status,
        TaskStatus::Overdue,
        "the late one first"
    );

    // The owner reports it done: late. Another unit may not; nobody signed in neither.
    let done = |s: &Session, id: i64, body: Value| {
        s.post(&app, &format!("/api/v1/tasks/{id}/done"))
            .json(&body)
            .send()
    };
    let r = done(&commune, created.tasks[0], json!({})).await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .http
        .post(app.url(&format!("/api/v1/tasks/{}/done", created.tasks[0])))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = done(&finance, created.tasks[0], json!({"note": "Đã gửi"}))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = done(&finance, created.tasks[1], json!({})).await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let after = tasks(&app, &finance, "").await;
    assert_eq!(after[0].status, TaskStatus::DoneLate);
    assert_eq!(after[0].done_on, Some(today()));
    assert_eq!(after[1].status, TaskStatus::DoneOnTime);
    // A one-off task has no period; a recurring one only its own.
    let r = done(&finance, created.tasks[1], json!({"period": "2026-Q1"}))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let admin = app.sign_in_new("quan.tri", "admin", None).await;
    for bad in ["2026-13", "2026-03", "2099-Q1"] {
        let r = done(&admin, created.tasks[3], json!({"period": bad}))
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["error"]["code"], "invalid_period");
    }
    // The quarter shown, reported: the next missed one (or the current) is shown instead.
    let shown = q.period.clone().unwrap();
    let r = done(&admin, created.tasks[3], json!({})).await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let again = tasks(&app, &leader, "").await;
    assert_ne!(again[3].period.as_deref(), Some(shown.as_str()));
    assert_eq!(
        count(&app, "SELECT count(*) FROM task_updates").await,
        3,
        "every report is kept"
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE action LIKE 'task%' OR action LIKE 'directive%'"
        )
        .await,
        4
    );
}

/// The next board on `ws` that `pred` accepts (states and publications alike).
async fn board_where(ws: &mut Ws, pred: impl Fn(&TaskBoard) -> bool) -> TaskBoard {
    for _ in 0..50 {
        let board = match ws.next().await {
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
        if pred(&board) {
            return board;
        }
    }
    panic!("no such task board");
}

/// The province's and a unit's boards follow a letter's tasks and the owner's reports live.
#[tokio::test]
async fn task_boards_are_live() {
    let app = spawn_app().await;
    let office = app.sign_in_new("pheduyet", "approver", None).await;
    let finance = app
        .sign_in_new("nhaplieu", "unit_editor", Some(FINANCE))
        .await;
    let mut province = app.ws().await;
    province.subscribe("tasks/40", None).await;
    let mut unit = app.ws().await;
    unit.subscribe(&format!("tasks/{ANH_SON}"), None).await;
    let overdue = format!("trước ngày {}", dmy(today() - Days::new(30)));
    let body = letter(json!([
        {"owner": FINANCE, "content": "Cung cấp số liệu", "deadline": overdue},
        {"owner": ANH_SON, "content": "Số hóa hồ sơ", "deadline": format!("chậm nhất ngày {}", dmy(today()))}
    ]));
    let created = enter(&app, &office, &body).await;
    let b = board_where(&mut province, |b| b.overdue == 1).await;
    assert_eq!((b.unit.as_str(), b.due_soon, b.day), ("40", 1, today()));
    assert_eq!(
        b.owners[0].owner.code, FINANCE,
        "the owner with overdue tasks first"
    );
    let b = board_where(&mut unit, |b| b.due_soon == 1).await;
    assert_eq!(
        (b.overdue, b.owners.len()),
        (0, 1),
        "a commune's board: its own tasks"
    );
    // Reported done: off the province's board.
    let r = finance
        .post(&app, &format!("/api/v1/tasks/{}/done", created.tasks[0]))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let b = board_where(&mut province, |b| b.overdue == 0).await;
    assert_eq!(b.due_soon, 1);
}

#[tokio::test]
async fn a_letter_with_a_bad_task_is_refused_whole_with_the_reason() {
    let app = spawn_app().await;
    let office = app.sign_in_new("pheduyet", "approver", None).await;
    let good = json!({"owner": FINANCE, "content": "Báo cáo", "deadline": "trong tháng 12/2027"});
    let wording = "đảm bảo theo thời hạn yêu cầu của Văn phòng Chính phủ";
    let cases = [
        (
            json!([good, {"owner": FINANCE, "content": "X", "deadline": wording}]),
            "invalid_deadline",
            vec![("Nhiệm vụ 2", "Task 2"), (wording, wording)],
        ),
        (
            json!([good, {"owner": FINANCE, "content": "X", "deadline": "trước ngày 31/2/2027"}]),
            "invalid_deadline",
            vec![("31/2/2027", "31/2/2027")],
        ),
        (
            json!([{"owner": "dept-khdt", "content": "X", "deadline": "năm 2027"}]),
            "unknown_unit",
            vec![("dept-khdt", "dept-khdt")],
        ),
        (
            json!([{"owner": FINANCE, "content": " ", "deadline": "năm 2027"}]),
            "missing_field",
            vec![],
        ),
        (json!([]), "invalid_tasks", vec![]),
    ];
    for (tasks, code, says) in cases {
        let r = office
            .post(&app, "/api/v1/directives")
            .json(&letter(tasks.clone()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{tasks}");
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["error"]["code"], code, "{e}");
        for (in_vi, in_en) in says {
            let vi = e["error"]["message_vi"].as_str().unwrap_or_default();
            let en = e["error"]["message_en"].as_str().unwrap_or_default();
            assert!(vi.contains(in_vi) && en.contains(in_en), "{in_vi} in {e}");
        }
    }
    let r = office
        .post(&app, "/api/v1/directives")
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(count(&app, "SELECT count(*) FROM directives").await, 0);
    assert_eq!(count(&app, "SELECT count(*) FROM tasks").await, 0);
    // Only the Office enters letters.
    let editor = app
        .sign_in_new("nhaplieu", "unit_editor", Some(FINANCE))
        .await;
    let r = editor
        .post(&app, "/api/v1/directives")
        .json(&letter(json!([good])))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_seed_letters_tasks_reach_the_leaders_view_with_todays_owners() {
    let app = spawn_app().await;
    let n = ioc_server::tasks::demo::import(&app.db, "40")
        .await
        .unwrap();
    assert!(n >= 10, "{n} tasks imported");
    assert_eq!(
        ioc_server::tasks::demo::import(&app.db, "40")
            .await
            .unwrap(),
        0,
        "once"
    );
    assert_eq!(count(&app, "SELECT count(*) FROM directives").await, 5);
    let leader = app.sign_in_new("lanh.dao", "leader", None).await;
    let all = tasks(&app, &leader, "").await;
    assert_eq!(all.len(), n);
    // Letter 6758/UBND-KSTT of Nghệ An (2020): the old Department of Planning and Investment's
    // monthly figures now fall to the Department of Finance, due the 2nd of each next month.
    let monthly = all
        .iter()
        .find(|t| t.directive.number == "6758/UBND-KSTT" && t.deadline.contains("tháng sau"))
        .expect("the monthly task of letter 6758");
    assert_eq!(monthly.owner.code, FINANCE, "{monthly:?}");
    assert!(
        monthly.owner_as_written.contains("Kế hoạch và Đầu tư"),
        "{monthly:?}"
    );
    assert!(monthly.period.is_some());
    // The one-off deadlines of 2020–2023 have all passed: every such task is overdue; the
    // tasks without a date are ongoing, their wording kept.
    assert!(all
        .iter()
        .filter(|t| t.period.is_none() && t.due_on.is_some())
        .all(|t| t.status == TaskStatus::Overdue));
    let ongoing = all
        .iter()
        .find(|t| t.deadline == "khi Thông tư có hiệu lực thi hành")
        .expect("the conditional deadline kept");
    assert_eq!(
        (ongoing.status, ongoing.due_on),
        (TaskStatus::Ongoing, None)
    );
    let r = leader.get(&app, "/api/v1/tasks/late").send().await.unwrap();
    let late: Vec<OwnerTasks> = r.json().await.unwrap();
    assert!(late
        .iter()
        .any(|o| o.owner.code == FINANCE && o.overdue > 0));
}

/// `/wall/tasks` is server-rendered with the province's board (a phone or a kiosk shows it
/// before the wasm has loaded), in the wall bundle.
#[tokio::test]
async fn the_late_tasks_page_is_server_rendered() {
    let app = spawn_app().await;
    ioc_server::tasks::demo::import(&app.db, "40")
        .await
        .unwrap();
    let r = app.get_as_reader("/wall/tasks").await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("Nhiệm vụ chậm, ai chịu trách nhiệm"));
    assert!(
        html.contains(r#"data-owner="dept-stc""#),
        "Finance owns late tasks"
    );
    assert!(html.contains("Quá hạn"));
    assert!(html.contains("/pkg/ioc.js") && !html.contains("ioc-office"));
    let overdue: usize = html
        .split(r#"data-counter="overdue" data-value=""#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .and_then(|n| n.parse().ok())
        .expect("the overdue counter");
    assert!(
        overdue > 100,
        "{overdue}: every department's and commune's late tasks"
    );
    let en = app
        .get_as_reader("/wall/tasks?lang=en")
        .await
        .text()
        .await
        .unwrap();
    assert!(en.contains("What is late and who owns it"));
    // A pending extension request is said on the task.
    assert!(!html.contains("đang xin gia hạn"));
    let finance = app
        .sign_in_new("nhaplieu", "unit_editor", Some(FINANCE))
        .await;
    let late = tasks(&app, &finance, "?status=overdue").await;
    let one_off = late
        .iter()
        .find(|t| t.period.is_none() && t.owner.code == FINANCE)
        .unwrap();
    let later = format!("chậm nhất ngày {}", dmy(today() + Days::new(30)));
    let r = finance
        .post(&app, &format!("/api/v1/tasks/{}/extensions", one_off.id))
        .json(&json!({"deadline": later, "reason": "Chờ số liệu"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let html = app.get_as_reader("/wall/tasks").await.text().await.unwrap();
    assert!(html.contains("đang xin gia hạn"));
}

/// The owner asks for a later deadline with a reason; the Office decides; an approved request's
/// wording is the deadline now, the letter's is kept.
#[tokio::test]
async fn extensions_are_asked_by_the_owner_and_decided_by_the_office() {
    let app = spawn_app().await;
    let office = app.sign_in_new("pheduyet", "approver", None).await;
    let finance = app
        .sign_in_new("nhaplieu", "unit_editor", Some(FINANCE))
        .await;
    let clerk = app
        .sign_in_new("vanphong", "unit_editor", Some(OFFICE))
        .await;
    let commune = app
        .sign_in_new("can.bo", "unit_editor", Some(ANH_SON))
        .await;
    let overdue = format!("trước ngày {}", dmy(today() - Days::new(30)));
    let body = letter(json!([
        {"owner": FINANCE, "content": "Cung cấp số liệu", "deadline": overdue},
        {"owner": OFFICE, "content": "Tổng hợp", "deadline": "định kỳ trước ngày 20 tháng cuối quý"}
    ]));
    let created = enter(&app, &office, &body).await;
    let (one_off, recurring) = (created.tasks[0], created.tasks[1]);
    let ask = |s: &Session, id: i64, deadline: String, reason: &str| {
        s.post(&app, &format!("/api/v1/tasks/{id}/extensions"))
            .json(&json!({"deadline": deadline, "reason": reason}))
            .send()
    };
    let later = format!("chậm nhất ngày {}", dmy(today() + Days::new(60)));
    let code = |r: reqwest::Response| async move {
        let status = r.status();
        let e: Value = r.json().await.unwrap_or_default();
        (
            status,
            e["error"]["code"].as_str().unwrap_or_default().to_string(),
        )
    };
    let refused = [
        (
            ask(
                &finance,
                one_off,
                format!("trước ngày {}", dmy(today() - Days::new(40))),
                "x",
            )
            .await,
            "not_later",
        ),
        (
            ask(
                &finance,
                one_off,
                "định kỳ trước ngày 20 tháng cuối quý".into(),
                "x",
            )
            .await,
            "invalid_deadline",
        ),
        (
            ask(&finance, one_off, "khi có hướng dẫn".into(), "x").await,
            "invalid_deadline",
        ),
        (
            ask(&finance, one_off, later.clone(), " ").await,
            "missing_field",
        ),
        (
            ask(&clerk, recurring, later.clone(), "x").await,
            "not_extendable",
        ),
    ];
    for (r, want) in refused {
        assert_eq!(
            code(r.unwrap()).await,
            (StatusCode::UNPROCESSABLE_ENTITY, want.to_string())
        );
    }
    let r = ask(&commune, one_off, later.clone(), "x").await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "not the owner");
    let r = ask(&finance, 999_999, later.clone(), "x").await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    let r = ask(
        &finance,
        one_off,
        later.clone(),
        "Chờ số liệu của Cục Thống kê",
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let request: Value = r.json().await.unwrap();
    let request = request["id"].as_i64().unwrap();
    let r = ask(&finance, one_off, later.clone(), "lần nữa")
        .await
        .unwrap();
    assert_eq!(
        code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "extension_pending".into())
    );
    let t = &tasks(&app, &finance, "").await[0];
    assert!(t.extension_pending);
    assert_eq!(
        t.status,
        TaskStatus::Overdue,
        "still overdue until the Office decides"
    );

    let decide = |s: &Session, id: i64, approve: bool| {
        s.post(&app, &format!("/api/v1/task-extensions/{id}/decision"))
            .json(&json!({"approve": approve, "note": "Đồng ý"}))
            .send()
    };
    assert_eq!(
        decide(&finance, request, true).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        decide(&office, 999_999, true).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        decide(&office, request, true).await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    let r = decide(&office, request, false).await.unwrap();
    assert_eq!(
        code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "already_decided".into())
    );
    let t = &tasks(&app, &finance, "").await[0];
    assert_eq!(t.deadline, overdue, "the letter's wording is kept");
    assert_eq!(t.extended_deadline.as_deref(), Some(later.as_str()));
    assert!(!t.extension_pending);
    assert_eq!(t.status, TaskStatus::OnTrack);
    assert!(t.due_on.is_some_and(|d| d >= today() + Days::new(60)));
    // A refused request leaves the deadline; a new request may follow.
    let r = ask(
        &finance,
        one_off,
        format!("chậm nhất ngày {}", dmy(today() + Days::new(90))),
        "y",
    )
    .await
    .unwrap();
    let second: Value = r.json().await.unwrap();
    assert_eq!(
        decide(&office, second["id"].as_i64().unwrap(), false)
            .await
            .unwrap()
            .status(),
        StatusCode::NO_CONTENT
    );
    let t = &tasks(&app, &finance, "").await[0];
    assert_eq!(t.extended_deadline.as_deref(), Some(later.as_str()));
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE action LIKE 'task.extension%'"
        )
        .await,
        4
    );
}

/// Progress with evidence: the owner or a co-operating unit reports where a task stands and
/// attaches a file (checked by content, kept with its checksum); everyone who sees the task
/// reads it; other units neither write nor read it.
#[tokio::test]
async fn progress_reports_carry_evidence_files() {
    use ioc_protocol::{DocumentMeta, TaskUpdateView};
    use sha2::{Digest, Sha256};
    const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

    let app = spawn_app().await;
    let office = app.sign_in_new("pheduyet", "approver", None).await;
    let finance = app
        .sign_in_new("nhaplieu", "unit_editor", Some(FINANCE))
        .await;
    let commune = app
        .sign_in_new("can.bo", "unit_editor", Some(ANH_SON))
        .await;
    let stranger = app
        .sign_in_new("xa.khac", "unit_editor", Some("17380"))
        .await;
    let leader = app.sign_in_new("lanh.dao", "leader", None).await;
    let created = enter(
        &app,
        &office,
        &letter(
            json!([{"owner": FINANCE, "cooperators": [ANH_SON], "content": "Số hóa hồ sơ",
                        "deadline": format!("năm {}", today().year() + 1)}]),
        ),
    )
    .await;
    let task = created.tasks[0];
    let progress = |s: &Session, body: Value| {
        s.post(&app, &format!("/api/v1/tasks/{task}/progress"))
            .json(&body)
            .send()
    };

    let r = progress(&stranger, json!({"note": "x"})).await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    for bad in [json!({"note": "  "}), json!({"note": "x", "percent": 120})] {
        let r = progress(&commune, bad).await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let r = progress(
        &commune,
        json!({"note": "Đã số hóa 40% hồ sơ tồn", "percent": 40}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let update: TaskUpdateView = r.json().await.unwrap();
    assert_eq!(
        (update.unit.as_deref(), update.percent, update.done),
        (Some(ANH_SON), Some(40), false)
    );

    let evidence = |s: &Session, name: &str, bytes: &[u8]| {
        s.put(
            &app,
            &format!("/api/v1/task-updates/{}/evidence?name={name}", update.id),
        )
        .body(bytes.to_vec())
        .send()
    };
    // Only the unit that reported attaches to its report; only real documents.
    let r = evidence(&finance, "x.pdf", PDF).await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = evidence(&commune, "script.pdf", b"#!/bin/sh\nrm -rf /\n")
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = evidence(&commune, "bien-ban.pdf", PDF).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let doc: DocumentMeta = r.json().await.unwrap();
    let sha: String = Sha256::digest(PDF)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(doc.sha256, sha);

    let r = leader
        .get(&app, &format!("/api/v1/tasks/{task}/updates"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let updates: Vec<TaskUpdateView> = r.json().await.unwrap();
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0].evidence, vec![doc.clone()]);
    let r = finance
        .get(&app, &format!("/api/v1/tasks/{task}/evidence/{}", doc.id))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["x-checksum-sha256"], sha.as_str());
    assert_eq!(r.bytes().await.unwrap().as_ref(), PDF);
    let r = stranger
        .get(&app, &format!("/api/v1/tasks/{task}/updates"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // A document id that is not this task's evidence is not served through it.
    let r = leader
        .get(
            &app,
            &format!("/api/v1/tasks/{task}/evidence/{}", doc.id + 1000),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
