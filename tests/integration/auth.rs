//! Accounts, sessions, API tokens and the audit trail, through the HTTP API.

use ioc_protocol::{CreatedToken, Me, RoleGrant};
use reqwest::header::{COOKIE, SET_COOKIE};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::{point, spawn_app, Session, TestApp, PERSON_PASSWORD as PASSWORD, TOKEN};

/// Creates an account directly through the domain function the admin API uses.
async fn create_user(app: &TestApp, username: &str, roles: &[(&str, Option<&str>)]) {
    app.create_person(username, roles).await
}

/// Logs in; returns the cookie header value and the CSRF token.
async fn login(app: &TestApp, username: &str, password: &str) -> reqwest::Response {
    app.http
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
}

async fn session(app: &TestApp, username: &str) -> Session {
    app.sign_in(username).await
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

#[tokio::test]
async fn login_sets_a_protected_cookie_and_me_answers() {
    let app = spawn_app().await;
    create_user(&app, "lan.nt", &[("leader", None)]).await;
    let r = login(&app, "Lan.NT", PASSWORD).await;
    assert_eq!(r.status(), 200, "usernames are case-insensitive");
    let cookie = r.headers()[SET_COOKIE].to_str().unwrap().to_string();
    assert!(cookie.starts_with("ioc_session="));
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "no Secure flag over plain HTTP");
    let me: Me = r.json().await.unwrap();
    assert_eq!(me.username, "lan.nt");
    assert_eq!(
        me.roles,
        vec![RoleGrant {
            role: ioc_protocol::Role::Leader,
            unit: None
        }]
    );

    let jar = cookie.split(';').next().unwrap();
    let r = app
        .http
        .get(app.url("/api/v1/me"))
        .header(COOKIE, jar)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = app.http.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNAUTHORIZED, "login_required".into())
    );
    let forged = "ioc_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let r = app
        .http
        .get(app.url("/api/v1/me"))
        .header(COOKIE, forged)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "a forged cookie is no login");
}

#[tokio::test]
async fn wrong_passwords_lock_the_account_for_a_while() {
    let app = spawn_app().await;
    create_user(&app, "binh.tv", &[("approver", None)]).await;
    assert_eq!(
        error_code(login(&app, "nobody", PASSWORD).await).await,
        (StatusCode::UNAUTHORIZED, "invalid_credentials".into())
    );
    for _ in 0..5 {
        let (status, code) = error_code(login(&app, "binh.tv", "sai-mat-khau-roi").await).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::UNAUTHORIZED, "invalid_credentials")
        );
    }
    // From the same address even the right password waits (no longer a lock of the account,
    // which anyone could trigger: a delay for this name from this address; see faults.rs).
    let (status, code) = error_code(login(&app, "binh.tv", PASSWORD).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts"),
        "even the right password waits"
    );
    let failures: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'login_failed'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(failures, 5);
    let sessions: i64 = sqlx::query_scalar("SELECT count(*) FROM sessions")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(sessions, 0, "no session written");
}

#[tokio::test]
async fn login_attempts_are_rate_limited_per_address() {
    let app = spawn_app().await;
    // 30 attempts at once: the quota (20 a minute, refilled one every 3 s) lets 20 through.
    let names: Vec<String> = (0..30).map(|i| format!("ghost{i}")).collect();
    let attempts = names.iter().map(|n| login(&app, n, PASSWORD));
    let statuses: Vec<u16> = futures::future::join_all(attempts)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    let checked = statuses.iter().filter(|s| **s == 401).count();
    assert_eq!(refused + checked, 30, "{statuses:?}");
    assert!((20..=21).contains(&checked), "{statuses:?}");
}

#[tokio::test]
async fn logout_needs_the_csrf_token_and_ends_the_session() {
    let app = spawn_app().await;
    create_user(&app, "chi.lt", &[("leader", None)]).await;
    let s = session(&app, "chi.lt").await;
    let r = app
        .http
        .post(app.url("/api/v1/auth/logout"))
        .header(COOKIE, &s.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(r).await,
        (StatusCode::FORBIDDEN, "csrf_failed".into())
    );
    let r = app
        .http
        .post(app.url("/api/v1/auth/logout"))
        .header(COOKIE, &s.cookie)
        .header("x-csrf-token", &s.csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert!(r.headers()[SET_COOKIE]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    let r = app
        .http
        .get(app.url("/api/v1/me"))
        .header(COOKIE, &s.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "the session is gone on the server");
}

#[tokio::test]
async fn password_change_checks_and_ends_other_sessions() {
    let app = spawn_app().await;
    create_user(&app, "dung.pv", &[("leader", None)]).await;
    let a = session(&app, "dung.pv").await;
    let b = session(&app, "dung.pv").await;
    let change = |current: &str, new: &str| {
        app.http
            .post(app.url("/api/v1/auth/password"))
            .header(COOKIE, &a.cookie)
            .header("x-csrf-token", &a.csrf)
            .json(&json!({"current": current, "new": new}))
            .send()
    };
    assert_eq!(
        error_code(change(PASSWORD, "short").await.unwrap()).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "weak_password".into())
    );
    assert_eq!(
        error_code(
            change("not-the-password", "mot-mat-khau-moi-dai")
                .await
                .unwrap()
        )
        .await
        .0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        change(PASSWORD, "mot-mat-khau-moi-dai")
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(
        login(&app, "dung.pv", PASSWORD).await.status(),
        401,
        "old password no longer works"
    );
    assert_eq!(
        login(&app, "dung.pv", "mot-mat-khau-moi-dai")
            .await
            .status(),
        200
    );
    let me_a = app
        .http
        .get(app.url("/api/v1/me"))
        .header(COOKIE, &a.cookie)
        .send()
        .await
        .unwrap();
    let me_b = app
        .http
        .get(app.url("/api/v1/me"))
        .header(COOKIE, &b.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (me_a.status().as_u16(), me_b.status().as_u16()),
        (200, 401),
        "the changing session stays, others end"
    );
}

#[tokio::test]
async fn tokens_are_scoped_to_their_unit_revocable_and_audited() {
    let app = spawn_app().await;
    create_user(&app, "admin", &[("admin", None)]).await;
    create_user(&app, "leader", &[("leader", None)]).await;
    let admin = session(&app, "admin").await;
    let leader = session(&app, "leader").await;
    let body = json!({"name": "Xã Anh Sơn – một cửa", "kind": "integration", "unit": "17329", "scopes": ["points:write"]});

    let r = app
        .http
        .post(app.url("/api/v1/admin/tokens"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNAUTHORIZED, "login_required".into())
    );
    let r = app
        .http
        .post(app.url("/api/v1/admin/tokens"))
        .header(COOKIE, &leader.cookie)
        .header("x-csrf-token", &leader.csrf)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(r).await,
        (StatusCode::FORBIDDEN, "forbidden".into())
    );
    let r = app
        .http
        .post(app.url("/api/v1/admin/tokens"))
        .header(COOKIE, &admin.cookie)
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
        .post(app.url("/api/v1/admin/tokens"))
        .header(COOKIE, &admin.cookie)
        .header("x-csrf-token", &admin.csrf)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let created: CreatedToken = r.json().await.unwrap();
    assert!(created.token.starts_with("ioc_"));
    let stored: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM api_tokens WHERE position($1 in encode(secret_hash, 'escape')) > 0",
    )
    .bind(&created.token)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(stored, 0, "the plain token is not stored");

    let post = |token: String, unit: &'static str| {
        let http = app.http.clone();
        let url = app.url("/api/v1/points");
        async move {
            http.post(url)
                .bearer_auth(token)
                .json(&json!({"points": [{"series": "cpi", "unit": unit, "ts": "2026-10-01T00:00:00Z", "value": 1.0}]}))
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(
        post(created.token.clone(), "17329").await.status(),
        200,
        "its own commune"
    );
    let (status, code) = error_code(post(created.token.clone(), "40").await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::FORBIDDEN, "forbidden_unit"),
        "not the province"
    );
    assert_eq!(app.count_points().await, 1);
    let last_used: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("SELECT last_used_at FROM api_tokens WHERE id = $1")
            .bind(created.info.id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(last_used.is_some());

    let r = app
        .http
        .post(app.url(&format!("/api/v1/admin/tokens/{}/revoke", created.info.id)))
        .header(COOKIE, &admin.cookie)
        .header("x-csrf-token", &admin.csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        error_code(post(created.token.clone(), "17329").await).await,
        (StatusCode::UNAUTHORIZED, "bad_token".into())
    );

    let trail: Vec<(String, String, bool, bool)> = sqlx::query_as(
        "SELECT actor, action, before IS NOT NULL, after IS NOT NULL FROM audit_log WHERE entity = 'api_token' ORDER BY id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(
        trail,
        vec![
            ("user:admin".to_string(), "create".to_string(), false, true),
            ("user:admin".to_string(), "revoke".to_string(), true, true),
        ]
    );
    let ingest_actor: String =
        sqlx::query_scalar("SELECT actor FROM audit_log WHERE action = 'ingest'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(ingest_actor, format!("token:{}", created.info.prefix));
}

#[tokio::test]
async fn the_configured_ingest_token_is_an_integration_token_of_the_province() {
    let app = spawn_app().await;
    let (kind, unit, scopes): (String, String, Vec<String>) =
        sqlx::query_as("SELECT kind, unit_code, scopes FROM api_tokens")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(
        (kind.as_str(), unit.as_str(), scopes),
        ("integration", "40", vec!["points:write".to_string()])
    );
    // It writes for the province and its communes.
    let r = app
        .post_points(&[
            point("cpi", "40", "2026-10-01T00:00:00Z", 1.0),
            point("cpi", "17329", "2026-10-01T00:00:00Z", 1.0),
        ])
        .await;
    assert_eq!(r.status(), 200);
    let _ = TOKEN;
}

#[tokio::test]
async fn the_audit_trail_cannot_be_edited_or_deleted() {
    let app = spawn_app().await;
    create_user(&app, "eve", &[("admin", None)]).await;
    for sql in [
        "UPDATE audit_log SET actor = 'someone else'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ] {
        let err = sqlx::query(sql).execute(&app.db).await.expect_err(sql);
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(n, 1, "the account creation is still recorded");
}
