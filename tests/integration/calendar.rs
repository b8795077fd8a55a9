//! The working calendar through the HTTP API: the seeded schedules 2024–2026, the expected years,
//! administrators' edits (audited, nothing written on bad input), the readiness warning and the
//! province's lateness to the Government on the deadline board.

use chrono::{Datelike, Utc};
use ioc_protocol::{CalendarYear, DayKind, DeadlineBoard};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::{spawn_app, Session, TestApp};

async fn admin(app: &TestApp) -> Session {
    app.sign_in_new("quan.tri", "admin", None).await
}

async fn year(app: &TestApp, y: i32) -> CalendarYear {
    let r = app
        .http
        .get(app.url(&format!("/api/v1/calendar/{y}")))
        .bearer_auth(&app.reader)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.db).await.unwrap()
}

fn kind_of(y: &CalendarYear, day: &str) -> Option<DayKind> {
    y.days
        .iter()
        .find(|d| d.day.to_string() == day)
        .map(|d| d.kind)
}

#[tokio::test]
async fn the_seeded_schedules_and_the_expected_years() {
    let app = spawn_app().await;
    let y2026 = year(&app, 2026).await;
    assert!(y2026.stored && y2026.announced);
    assert_eq!(kind_of(&y2026, "2026-01-02"), Some(DayKind::Swap));
    assert_eq!(kind_of(&y2026, "2026-01-10"), Some(DayKind::Working));
    let swap = y2026
        .days
        .iter()
        .find(|d| d.day.to_string() == "2026-01-02")
        .unwrap();
    assert_eq!(
        swap.repaid_on.map(|d| d.to_string()).as_deref(),
        Some("2026-01-10")
    );
    assert!(
        swap.source.contains("Văn phòng Chính phủ"),
        "{}",
        swap.source
    );
    assert_eq!(kind_of(&y2026, "2026-04-27"), Some(DayKind::Compensatory));
    let y2024 = year(&app, 2024).await;
    assert_eq!(kind_of(&y2024, "2024-04-29"), Some(DayKind::Swap));
    assert_eq!(kind_of(&y2024, "2024-05-04"), Some(DayKind::Working));
    let y2025 = year(&app, 2025).await;
    assert_eq!(kind_of(&y2025, "2025-05-02"), Some(DayKind::Swap));
    assert_eq!(kind_of(&y2025, "2025-04-26"), Some(DayKind::Working));

    // 2027 onwards: nothing stored, the rules give the year, every day expected.
    let y2027 = year(&app, 2027).await;
    assert!(!y2027.stored && !y2027.announced);
    assert!(y2027.days.iter().all(|d| !d.announced));
    assert_eq!(kind_of(&y2027, "2027-01-01"), Some(DayKind::Holiday));
    assert_eq!(kind_of(&y2027, "2027-02-08"), Some(DayKind::Holiday));
    assert_eq!(kind_of(&y2027, "2027-04-16"), Some(DayKind::Holiday));
    let y2031 = year(&app, 2031).await;
    assert!(y2031.days.len() >= 11, "{:?}", y2031.days);

    // The current year (2026 at the time of writing) is announced; the next one is not: a
    // warning, in the year view and in /readyz, which stays 200.
    let this = ioc_server::indicators::deadlines::today().year();
    let warned: Vec<i32> = y2026.warnings.iter().map(|w| w.year).collect();
    assert!(warned.contains(&(this + 1)) || this < 2026, "{warned:?}");
    let r = app.http.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["status"], "ready");
    if this + 1 > 2026 {
        let w = &body["warnings"][0];
        assert_eq!(w["year"], this + 1, "{body}");
        assert!(w["message_vi"]
            .as_str()
            .unwrap()
            .contains("Chưa nhập đủ lịch"));
        assert!(w["message_en"]
            .as_str()
            .unwrap()
            .contains("not been entered"));
    }

    // Bad years.
    for bad in ["abc", "1800", "99999"] {
        let r = app
            .http
            .get(app.url(&format!("/api/v1/calendar/{bad}")))
            .bearer_auth(&app.reader)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let r = app
        .http
        .get(app.url("/api/v1/calendar/2026"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn administrators_enter_a_years_schedule_and_it_is_audited() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    // The Government announces 2027: Tết from Thursday 4 to Friday 12 February, with a swap of
    // Friday 12 Feb repaid on Saturday 20 Feb (an example schedule).
    let r = admin
        .send(
            &app,
            reqwest::Method::POST,
            "/api/v1/calendar/days/2027-02-12",
        )
        .json(&json!({
            "kind": "swap", "name_vi": "Nghỉ hoán đổi Tết", "name_en": "Tết swap day off",
            "source": "Thông báo số 1/TB-VPCP (ví dụ)", "repaid_on": "2027-02-20"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    let y = year(&app, 2027).await;
    // Stored now, but not wholly announced: the warning stays until every day is.
    assert!(y.stored && !y.announced);
    assert!(
        y.warnings.iter().any(|w| w.year == 2027)
            || ioc_server::indicators::deadlines::today().year() > 2027
    );
    assert_eq!(kind_of(&y, "2027-02-20"), Some(DayKind::Working));
    // The rest of the expected year was stored with it, still marked expected.
    let hung = y
        .days
        .iter()
        .find(|d| d.day.to_string() == "2027-04-16")
        .unwrap();
    assert!(!hung.announced);
    // The new working Saturday counts: 20 Feb 2027 is a working day for deadlines.
    let cal = ioc_server::calendar::Calendar::load(&app.db).await.unwrap();
    assert!(cal.is_working_day("2027-02-20".parse().unwrap()));
    assert!(!cal.is_working_day("2027-02-12".parse().unwrap()));

    // Move the repayment to Saturday 27 Feb: the old working day goes.
    let r = admin
        .send(
            &app,
            reqwest::Method::PUT,
            "/api/v1/calendar/days/2027-02-12",
        )
        .json(&json!({
            "kind": "swap", "name_vi": "Nghỉ hoán đổi Tết", "name_en": "Tết swap day off",
            "source": "Thông báo số 1/TB-VPCP (ví dụ)", "repaid_on": "2027-02-27"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let y = year(&app, 2027).await;
    assert_eq!(kind_of(&y, "2027-02-20"), None);
    assert_eq!(kind_of(&y, "2027-02-27"), Some(DayKind::Working));
    // The working day of a swap is deleted with the swap, not alone.
    let r = admin
        .send(
            &app,
            reqwest::Method::DELETE,
            "/api/v1/calendar/days/2027-02-27",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = admin
        .send(
            &app,
            reqwest::Method::DELETE,
            "/api/v1/calendar/days/2027-02-12",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let y = year(&app, 2027).await;
    assert_eq!(kind_of(&y, "2027-02-12"), None);
    assert_eq!(kind_of(&y, "2027-02-27"), None);
    assert_eq!(
        count(&app, "SELECT count(*) FROM audit_log WHERE action LIKE 'calendar.day.%' AND entity = 'calendar_days'").await,
        3
    );
    let r = admin
        .send(
            &app,
            reqwest::Method::DELETE,
            "/api/v1/calendar/days/2027-03-03",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // A reader may not write.
    let r = app
        .http
        .put(app.url("/api/v1/calendar/days/2027-03-03"))
        .bearer_auth(&app.reader)
        .json(&json!({"kind": "holiday", "name_vi": "x", "name_en": "x"}))
        .send()
        .await
        .unwrap();
    assert!(r.status() == StatusCode::FORBIDDEN || r.status() == StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn impossible_days_are_refused_with_both_languages_and_nothing_is_written() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let before = count(&app, "SELECT count(*) FROM calendar_days").await;
    let audits = count(&app, "SELECT count(*) FROM audit_log").await;
    let name = |kind: &str, extra: Value| {
        let mut v = json!({"kind": kind, "name_vi": "Ngày", "name_en": "Day"});
        v.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        v
    };
    let cases: Vec<(reqwest::Method, &str, Value, &str)> = vec![
        (
            reqwest::Method::PUT,
            "2027-02-30",
            name("holiday", json!({})),
            "impossible_date",
        ),
        (
            reqwest::Method::PUT,
            "2027-13-01",
            name("holiday", json!({})),
            "impossible_date",
        ),
        (
            reqwest::Method::PUT,
            "2027-03-05",
            name("swap", json!({})),
            "swap_without_repayment",
        ),
        (
            reqwest::Method::PUT,
            "2027-03-05",
            name("swap", json!({"repaid_on": "2027-03-10"})),
            "repayment_not_weekend",
        ),
        (
            reqwest::Method::PUT,
            "2027-03-06",
            name("swap", json!({"repaid_on": "2027-03-13"})),
            "off_on_weekend",
        ),
        (
            reqwest::Method::PUT,
            "2027-03-08",
            name("working", json!({})),
            "working_on_weekday",
        ),
        (
            reqwest::Method::PUT,
            "2027-03-08",
            name("holiday", json!({"repaid_on": "2027-03-13"})),
            "repayment_without_swap",
        ),
        (
            reqwest::Method::PUT,
            "2027-12-31",
            name("swap", json!({"repaid_on": "2028-01-08"})),
            "repayment_other_year",
        ),
        // A duplicate: 1 January 2026 is already there.
        (
            reqwest::Method::POST,
            "2026-01-01",
            name("holiday", json!({})),
            "duplicate_day",
        ),
        // Overlaps: repaying a swap on a day already in the calendar (Saturday 10 Jan 2026
        // repays 2 Jan; Sunday 26 Apr 2026 is Hùng Kings' day).
        (
            reqwest::Method::PUT,
            "2026-01-05",
            name("swap", json!({"repaid_on": "2026-01-10"})),
            "overlapping_day",
        ),
        (
            reqwest::Method::PUT,
            "2026-04-28",
            name("swap", json!({"repaid_on": "2026-04-26"})),
            "overlapping_day",
        ),
        // Turning a repayment Saturday into a day off would leave its swap unpaid.
        (
            reqwest::Method::PUT,
            "2026-01-10",
            name("holiday", json!({})),
            "repays_swap",
        ),
        (
            reqwest::Method::PUT,
            "2027-03-08",
            json!({"kind": "holiday", "name_vi": " ", "name_en": "x"}),
            "names_required",
        ),
    ];
    for (method, day, body, code) in cases {
        let r = admin
            .send(
                &app,
                method.clone(),
                &format!("/api/v1/calendar/days/{day}"),
            )
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{day} {body}");
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["error"]["code"], code, "{day} {body}: {e}");
        let (vi, en) = (
            e["error"]["message_vi"].as_str().unwrap(),
            e["error"]["message_en"].as_str().unwrap(),
        );
        assert!(!vi.is_empty() && !en.is_empty() && vi != en, "{e}");
    }
    let r = admin
        .send(
            &app,
            reqwest::Method::PUT,
            "/api/v1/calendar/days/2027-03-08",
        )
        .json(&json!({"kind": "sometimes", "name_vi": "x", "name_en": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        count(&app, "SELECT count(*) FROM calendar_days").await,
        before
    );
    assert_eq!(count(&app, "SELECT count(*) FROM audit_log").await, audits);
}

#[tokio::test]
async fn the_board_shows_the_province_late_to_the_government() {
    let app = spawn_app().await;
    // Two months ago: the send deadline has passed and nothing is sent — every row is late to
    // the Government as well as late from its unit.
    let now = ioc_server::indicators::deadlines::today();
    let old = ioc_protocol::months_before(now.with_day(1).unwrap(), 2);
    let board: DeadlineBoard = {
        let r = app
            .http
            .get(app.url(&format!(
                "/api/v1/deadlines?period={}",
                ioc_protocol::format_period(old)
            )))
            .bearer_auth(&app.reader)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        r.json().await.unwrap()
    };
    assert!(!board.rows.is_empty());
    assert!(board.rows.iter().all(|r| r.late_to_government), "{board:?}");
    // December 2026's report is not yet late to anyone.
    let r = app
        .http
        .get(app.url("/api/v1/deadlines?period=2026-12"))
        .bearer_auth(&app.reader)
        .send()
        .await
        .unwrap();
    let board: DeadlineBoard = r.json().await.unwrap();
    let _ = Utc::now();
    assert!(board.rows.iter().all(|r| !r.late_to_government));
    assert!(board.rows.iter().all(|r| r.send_deadline == "2027-01-04"));
}
