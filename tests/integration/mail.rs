//! E-mail reminders (issue 13, part 4) against a real SMTP receiver started here: a minimal
//! RFC 5321 server on 127.0.0.1 that records envelopes and messages, and can refuse `DATA`. The
//! server under test speaks to it through lettre like to any relay (`smtp://`, no TLS).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::NaiveDate;
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use crate::harness::{self, spawn_app, spawn_app_with, Session, TestApp};

const FINANCE: &str = "dept-stc";
const OFFICE: &str = "dept-vp";

/// One mail as the receiver got it.
#[derive(Clone, Debug)]
struct Received {
    from: String,
    to: Vec<String>,
    /// The message after dot-unstuffing, without the terminating dot.
    data: Vec<u8>,
}

impl Received {
    fn subject(&self) -> String {
        let m = mail_parser::MessageParser::default()
            .parse(&self.data)
            .expect("a parsable message");
        m.subject().unwrap_or_default().to_string()
    }

    /// The text body, decoded (lettre sends non-ASCII text quoted-printable or base64).
    fn text(&self) -> String {
        let m = mail_parser::MessageParser::default()
            .parse(&self.data)
            .expect("a parsable message");
        m.body_text(0).expect("a text body").into_owned()
    }
}

#[derive(Default)]
struct Inbox {
    mails: Vec<Received>,
    /// `DATA` commands still to refuse with 451.
    refuse_data: usize,
    refused: usize,
}

/// A minimal SMTP receiver: greeting, EHLO/HELO, MAIL, RCPT, DATA (dot-terminated and
/// dot-unstuffed), RSET, NOOP, QUIT.
struct Receiver {
    addr: std::net::SocketAddr,
    inbox: Arc<Mutex<Inbox>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Receiver {
    async fn start(refuse_data: usize) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let inbox = Arc::new(Mutex::new(Inbox {
            refuse_data,
            ..Default::default()
        }));
        let shared = inbox.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                tokio::spawn(session(socket, shared.clone()));
            }
        });
        Receiver { addr, inbox, task }
    }

    fn url(&self) -> String {
        format!("--smtp-url=smtp://{}", self.addr)
    }

    fn mails(&self) -> Vec<Received> {
        self.inbox.lock().unwrap().mails.clone()
    }

    fn refused(&self) -> usize {
        self.inbox.lock().unwrap().refused
    }

    /// Waits until `n` mails have arrived (the worker sends in the background).
    async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..400 {
            let mails = self.mails();
            if mails.len() >= n {
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{n} mails expected, got {:?}", self.mails());
    }

    fn to(&self, address: &str) -> Vec<Received> {
        self.mails()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t == address))
            .collect()
    }
}

/// `<a@b>` or `a@b` after `MAIL FROM:` / `RCPT TO:`.
fn path(arg: &str) -> String {
    let arg = arg.trim();
    let arg = arg.split_whitespace().next().unwrap_or("");
    arg.trim_start_matches('<')
        .trim_end_matches('>')
        .to_string()
}

async fn session(socket: tokio::net::TcpStream, inbox: Arc<Mutex<Inbox>>) {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    if write
        .write_all(b"220 receiver.test ESMTP test receiver\r\n")
        .await
        .is_err()
    {
        return;
    }
    let (mut from, mut to) = (String::new(), Vec::<String>::new());
    let mut line = Vec::new();
    loop {
        line.clear();
        match lines.read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let command = String::from_utf8_lossy(&line).trim_end().to_string();
        let upper = command.to_ascii_uppercase();
        let answer: String = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            "250 receiver.test\r\n".into()
        } else if upper.starts_with("MAIL FROM:") {
            from = path(&command[10..]);
            to.clear();
            "250 2.1.0 OK\r\n".into()
        } else if upper.starts_with("RCPT TO:") {
            to.push(path(&command[8..]));
            "250 2.1.5 OK\r\n".into()
        } else if upper == "DATA" {
            let refuse = {
                let mut i = inbox.lock().unwrap();
                if i.refuse_data > 0 {
                    i.refuse_data -= 1;
                    i.refused += 1;
                    true
                } else {
                    false
                }
            };
            if refuse {
                "451 4.3.0 Try again later\r\n".into()
            } else {
                if write
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await
                    .is_err()
                {
                    return;
                }
                let mut data = Vec::new();
                loop {
                    line.clear();
                    match lines.read_until(b'\n', &mut line).await {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {}
                    }
                    if line == b".\r\n" || line == b".\n" {
                        break;
                    }
                    // Dot-unstuffing (RFC 5321 4.5.2).
                    let body = if line.starts_with(b"..") {
                        &line[1..]
                    } else {
                        &line[..]
                    };
                    data.extend_from_slice(body);
                }
                inbox.lock().unwrap().mails.push(Received {
                    from: from.clone(),
                    to: std::mem::take(&mut to),
                    data,
                });
                "250 2.0.0 queued\r\n".into()
            }
        } else if upper == "RSET" {
            to.clear();
            "250 2.0.0 OK\r\n".into()
        } else if upper == "NOOP" {
            "250 2.0.0 OK\r\n".into()
        } else if upper == "QUIT" {
            let _ = write.write_all(b"221 2.0.0 Bye\r\n").await;
            return;
        } else {
            "502 5.5.2 Command not recognised\r\n".into()
        };
        if write.write_all(answer.as_bytes()).await.is_err() {
            return;
        }
    }
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The configuration the server under test runs with, for the library's reminder pass.
fn config(extra: &[&str]) -> ioc_server::config::ServeConfig {
    harness::config(
        "postgres://unused/unused",
        std::path::Path::new("/tmp"),
        extra,
    )
}

/// Creates an account through the admin API (with its e-mail address, if any).
async fn create(app: &TestApp, admin: &Session, username: &str, role: Value, email: Option<&str>) {
    let mut body = json!({
        "username": username, "display_name": format!("Người dùng {username}"),
        "password": harness::PERSON_PASSWORD, "roles": [role]
    });
    if let Some(email) = email {
        body["email"] = json!(email);
    }
    let r = admin
        .post(app, "/api/v1/admin/users")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED, "{:?}", r.text().await);
    let created: Value = r.json().await.unwrap();
    assert_eq!(created["user"]["email"].as_str(), email);
}

fn editor(unit: &str) -> Value {
    json!({"role": "unit_editor", "unit": unit})
}

/// Enters a letter with these tasks (`(owner, content, deadline)`) as the office.
async fn enter(app: &TestApp, office: &Session, tasks: &[(&str, &str, &str)]) {
    let tasks: Vec<Value> = tasks
        .iter()
        .map(|(owner, content, deadline)| {
            json!({"owner": owner, "content": content, "deadline": deadline})
        })
        .collect();
    let letter = json!({
        "number": "123/UBND-KSTT", "issued_on": "2026-11-20",
        "issuer": "UBND tỉnh Nghệ An", "title": "V/v đôn đốc giải ngân", "tasks": tasks
    });
    let r = office
        .post(app, "/api/v1/directives")
        .json(&letter)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED, "{:?}", r.text().await);
}

/// `/readyz`'s mail status once nothing waits any more (the receiver has a mail a moment before
/// the worker commits it as sent).
async fn settled_mail(app: &TestApp) -> Value {
    for _ in 0..100 {
        let status = readyz_mail(app).await;
        if status["unsent"] == 0 {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("mails still unsent: {}", readyz_mail(app).await);
}

/// `GET path` as `who`, answered 200 with JSON.
async fn get_as(app: &TestApp, who: &Session, path: &str) -> Value {
    let r = who.get(app, path).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.json().await.unwrap()
}

async fn readyz_mail(app: &TestApp) -> Value {
    let r = app.http.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    body["mail"].clone()
}

// The letters' deadlines are in 2030, the passes run "on" days of September 2030: the server's
// own pass at start-up (today) finds them far away and sends nothing.
const DISBURSE: &str = "Báo cáo tiến độ giải ngân vốn đầu tư công";

#[tokio::test]
async fn the_owner_units_editors_are_reminded_once_before_the_deadline_and_once_when_late() {
    let smtp = Receiver::start(0).await;
    let app = spawn_app_with(&[&smtp.url(), "--mail-backoff-ms=100"]).await;
    let cfg = config(&[&smtp.url()]);
    let admin = app.sign_in_new("quan.tri", "admin", None).await;
    let office = app.sign_in_new("van.phong", "approver", None).await;

    // Addresses are checked where administrators enter them.
    let r = admin
        .post(&app, "/api/v1/admin/users")
        .json(&json!({"username": "sai.email", "display_name": "Sai", "password": harness::PERSON_PASSWORD,
                      "email": "lan.nt at stc", "roles": [editor(FINANCE)]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["code"], "invalid_email");
    assert!(e["error"]["message_vi"]
        .as_str()
        .unwrap()
        .contains("không phải địa chỉ e-mail"));

    create(
        &app,
        &admin,
        "lan.nt",
        editor(FINANCE),
        Some("lan.nt@stc.nghean.gov.vn"),
    )
    .await;
    create(&app, &admin, "minh.tv", editor(FINANCE), None).await;
    create(&app, &admin, "hoa.lt", editor(FINANCE), None).await;
    create(
        &app,
        &admin,
        "vp.nghean",
        editor(OFFICE),
        Some("vp@vp.nghean.gov.vn"),
    )
    .await;
    create(
        &app,
        &admin,
        "lanh.dao",
        json!({"role": "leader"}),
        Some("lanhdao@nghean.gov.vn"),
    )
    .await;
    // An address added later, by an update.
    let minh: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = 'minh.tv'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let r = admin
        .send(
            &app,
            reqwest::Method::PATCH,
            &format!("/api/v1/admin/users/{minh}"),
        )
        .json(&json!({"email": "minh.tv@stc.nghean.gov.vn"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = admin
        .send(
            &app,
            reqwest::Method::PATCH,
            &format!("/api/v1/admin/users/{minh}"),
        )
        .json(&json!({"email": "minh.tv@"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "nothing changed"
    );

    enter(
        &app,
        &office,
        &[
            // Last day Thursday 19 September 2030.
            (FINANCE, DISBURSE, "trước ngày 20/9/2030"),
            (FINANCE, "Rà soát hồ sơ dự án", "trước ngày 30/10/2030"),
            // Last day Tuesday 17 September 2030.
            (
                OFFICE,
                "Tổng hợp báo cáo của các sở",
                "trước ngày 18/9/2030",
            ),
        ],
    )
    .await;

    // Monday 16 September: three working days before the first, one before the third.
    let queued = ioc_server::tasks::reminders::pass(&app.db, &cfg, d("2030-09-16"))
        .await
        .unwrap();
    assert_eq!(
        queued,
        Some(3),
        "lan.nt and minh.tv for Finance, vp for the Office"
    );
    let mails = smtp.wait_for(3).await;
    let mut to: Vec<&str> = mails
        .iter()
        .flat_map(|m| m.to.iter())
        .map(String::as_str)
        .collect();
    to.sort_unstable();
    assert_eq!(
        to,
        [
            "lan.nt@stc.nghean.gov.vn",
            "minh.tv@stc.nghean.gov.vn",
            "vp@vp.nghean.gov.vn"
        ]
    );
    let lan = &smtp.to("lan.nt@stc.nghean.gov.vn")[0];
    assert_eq!(lan.from, "ioc@localhost");
    assert_eq!(
        lan.subject(),
        format!("[IOC] Sắp đến hạn / Due soon: {DISBURSE}")
    );
    let text = lan.text();
    for part in [
        "Kính gửi Sở Tài chính",
        "còn 3 ngày làm việc",
        DISBURSE,
        "số 123/UBND-KSTT ngày 20/11/2026 của UBND tỉnh Nghệ An",
        "Thời hạn: trước ngày 20/9/2030; hạn cuối 19/09/2030",
        "due in 3 working day(s)",
        "Deadline: trước ngày 20/9/2030; last day 19/09/2030",
        "/wall/tasks",
    ] {
        assert!(text.contains(part), "«{part}» in:\n{text}");
    }
    assert!(
        !text.contains("Rà soát"),
        "a task far from its deadline is not mentioned"
    );
    let vp = &smtp.to("vp@vp.nghean.gov.vn")[0];
    assert!(vp.text().contains("Tổng hợp báo cáo của các sở") && vp.text().contains("còn 1 ngày"));

    // The pass again (a restart, the next midnight on the same deadlines): nothing new.
    let again = ioc_server::tasks::reminders::pass(&app.db, &cfg, d("2030-09-16"))
        .await
        .unwrap();
    assert_eq!(again, Some(0));
    let again = ioc_server::tasks::reminders::pass(&app.db, &cfg, d("2030-09-17"))
        .await
        .unwrap();
    assert_eq!(again, Some(0), "still due soon: already reminded");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(smtp.mails().len(), 3);

    // Friday 20 September: both are overdue, each reminder goes once more.
    let late = ioc_server::tasks::reminders::pass(&app.db, &cfg, d("2030-09-20"))
        .await
        .unwrap();
    assert_eq!(late, Some(3));
    smtp.wait_for(6).await;
    let lan = smtp.to("lan.nt@stc.nghean.gov.vn");
    assert_eq!(lan.len(), 2);
    assert_eq!(
        lan[1].subject(),
        format!("[IOC] Quá hạn / Overdue: {DISBURSE}")
    );
    assert!(lan[1].text().contains("đã quá hạn 1 ngày làm việc"));
    assert!(lan[1].text().contains("overdue by 1 working day(s)"));
    let vp = smtp.to("vp@vp.nghean.gov.vn");
    assert!(
        vp[1].text().contains("đã quá hạn 3 ngày làm việc"),
        "{}",
        vp[1].text()
    );

    // Nobody else: not the editor without an address, not the leader.
    for m in smtp.mails() {
        for t in &m.to {
            assert!(!t.contains("lanhdao") && !t.contains("hoa"), "{t}");
        }
    }
    let status = settled_mail(&app).await;
    assert_eq!(status["configured"], true);
    assert_eq!(status["failed"], 0);
    assert_eq!(status["last_error"], Value::Null);
}

#[tokio::test]
async fn without_smtp_nothing_is_queued_and_the_status_says_so() {
    let app = spawn_app().await;
    let admin = app.sign_in_new("quan.tri", "admin", None).await;
    let office = app.sign_in_new("van.phong", "approver", None).await;
    create(
        &app,
        &admin,
        "lan.nt",
        editor(FINANCE),
        Some("lan.nt@stc.nghean.gov.vn"),
    )
    .await;
    enter(
        &app,
        &office,
        &[(FINANCE, DISBURSE, "trước ngày 20/9/2030")],
    )
    .await;

    let queued = ioc_server::tasks::reminders::pass(&app.db, &config(&[]), d("2030-09-16"))
        .await
        .unwrap();
    assert_eq!(queued, None, "not configured");
    let status = get_as(&app, &admin, "/api/v1/mail/status").await;
    assert_eq!(status["configured"], false);
    let late = ioc_server::tasks::reminders::pass(&app.db, &config(&[]), d("2030-10-16"))
        .await
        .unwrap();
    assert_eq!(late, None);
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM mail_outbox")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(rows, 0, "nothing piles up to be sent later");

    let status = readyz_mail(&app).await;
    assert_eq!(status["configured"], false);
    assert_eq!(status["unsent"], 0);
    assert_eq!(
        status["message_vi"],
        "E-mail chưa được cấu hình: không gửi nhắc việc"
    );
    assert_eq!(
        status["message_en"],
        "E-mail not configured: no reminders are sent"
    );
}

#[tokio::test]
async fn a_mail_the_smtp_server_puts_off_is_sent_again() {
    // The receiver answers 451 to the first DATA; the retry comes 1.5 to 3 s later.
    let smtp = Receiver::start(1).await;
    let app = spawn_app_with(&[&smtp.url(), "--mail-backoff-ms=3000"]).await;
    let admin = app.sign_in_new("quan.tri", "admin", None).await;
    let office = app.sign_in_new("van.phong", "approver", None).await;
    create(
        &app,
        &admin,
        "lan.nt",
        editor(FINANCE),
        Some("lan.nt@stc.nghean.gov.vn"),
    )
    .await;
    enter(
        &app,
        &office,
        &[(FINANCE, DISBURSE, "trước ngày 20/9/2030")],
    )
    .await;

    let queued =
        ioc_server::tasks::reminders::pass(&app.db, &config(&[&smtp.url()]), d("2030-09-16"))
            .await
            .unwrap();
    assert_eq!(queued, Some(1));
    // Meanwhile administrators see why it waits; `/readyz` (anyone) sees that it waits.
    let mut waiting = Value::Null;
    for _ in 0..100 {
        waiting = get_as(&app, &admin, "/api/v1/mail/status").await;
        if !waiting["last_error"].is_null() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        waiting["last_error"].as_str().unwrap().contains("451"),
        "{waiting}"
    );
    assert_eq!(waiting["unsent"], 1);
    let public = readyz_mail(&app).await;
    if public["unsent"] == 1 {
        assert!(
            public.get("last_error").is_none_or(Value::is_null),
            "{public}"
        );
        assert_eq!(public["message_en"], "E-mail: 1 not sent yet, retrying");
    }
    let mails = smtp.wait_for(1).await;
    assert_eq!(smtp.refused(), 1, "the first attempt was put off");
    assert_eq!(mails.len(), 1);
    assert!(mails[0].text().contains(DISBURSE));
    // The row says what happened: sent on the second attempt, no error left.
    let mut row = None;
    for _ in 0..50 {
        let r: (i32, bool, Option<String>) =
            sqlx::query_as("SELECT attempts, sent_at IS NOT NULL, last_error FROM mail_outbox")
                .fetch_one(&app.db)
                .await
                .unwrap();
        if r.1 {
            row = Some(r);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(row, Some((2, true, None)));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(smtp.mails().len(), 1, "sent once, nothing lost or doubled");
    let status = readyz_mail(&app).await;
    assert_eq!(
        (status["unsent"].as_i64(), status["failed"].as_i64()),
        (Some(0), Some(0))
    );
}

/// Reports: the units of a regime that have not handed in the open period are reminded before
/// its deadline, those that never handed in the last past period once after it; a unit that
/// handed in is left alone, and a rerun queues nothing.
#[tokio::test]
async fn reporting_units_are_reminded_of_reports_not_handed_in() {
    const ANH_SON: &str = "17329";
    const YEN_XUAN: &str = "17380";
    let smtp = Receiver::start(0).await;
    let app = spawn_app_with(&[&smtp.url(), "--mail-backoff-ms=100"]).await;
    let cfg = config(&[&smtp.url()]);
    let admin = app.sign_in_new("quan.tri", "admin", None).await;
    create(
        &app,
        &admin,
        "anh.son",
        editor(ANH_SON),
        Some("anhson@xa.nghean.gov.vn"),
    )
    .await;
    create(
        &app,
        &admin,
        "yen.xuan",
        editor(YEN_XUAN),
        Some("yenxuan@xa.nghean.gov.vn"),
    )
    .await;
    let r = admin
        .post(&app, "/api/v1/regimes")
        .json(&json!({
            "code": "tthc-thang", "name": "Báo cáo kết quả giải quyết TTHC hằng tháng",
            "kind": "periodic", "legal_basis": "Nghị định 09/2019/NĐ-CP",
            "receiving_unit": FINANCE, "reporting_units": [ANH_SON, YEN_XUAN],
            "frequency": "monthly", "first_period": "2026-01",
            "deadline": {"rule": "after_cutoff", "days": 2, "working_days": true}
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let regime: Value = r.json().await.unwrap();
    // Anh Sơn hands in February's report.
    let anh_son = app.sign_in("anh.son").await;
    let base = format!(
        "/api/v1/regimes/{}/periods/2026-02/units/{ANH_SON}",
        regime["id"]
    );
    let r = anh_son
        .put(&app, &format!("{base}/document?name=bc.pdf"))
        .body(b"%PDF-1.4\n%%EOF\n".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = anh_son
        .post(&app, &format!("{base}/submit"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // Monday 16 March 2026: March's report is due on the 17th (2 working days after the 14th);
    // February's was due on 24 February.
    let queued = ioc_server::regimes::reminders::pass(&app.db, &cfg, d("2026-03-16"))
        .await
        .unwrap();
    assert_eq!(queued, Some(3));
    smtp.wait_for(3).await;
    let to_anh_son = smtp.to("anhson@xa.nghean.gov.vn");
    assert_eq!(to_anh_son.len(), 1, "only March: February was handed in");
    assert!(to_anh_son[0].subject().contains("Sắp đến hạn báo cáo"));
    assert!(
        to_anh_son[0].text().contains("17/03/2026"),
        "{}",
        to_anh_son[0].text()
    );
    let to_yen_xuan = smtp.to("yenxuan@xa.nghean.gov.vn");
    assert_eq!(to_yen_xuan.len(), 2);
    let overdue = to_yen_xuan
        .iter()
        .find(|m| m.subject().contains("Quá hạn báo cáo"))
        .expect("February overdue");
    assert!(overdue.text().contains("24/02/2026"), "{}", overdue.text());
    assert!(
        overdue.text().contains("15/01/2026 đến 14/02/2026"),
        "{}",
        overdue.text()
    );
    let again = ioc_server::regimes::reminders::pass(&app.db, &cfg, d("2026-03-16"))
        .await
        .unwrap();
    assert_eq!(again, Some(0));
    // Without SMTP nothing is queued.
    let none = ioc_server::regimes::reminders::pass(&app.db, &config(&[]), d("2026-03-16"))
        .await
        .unwrap();
    assert_eq!(none, None);
}
