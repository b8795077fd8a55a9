//! The HTML-form flows: first-admin setup, sign-in redirects, screen pairing.

use reqwest::header::{LOCATION, SET_COOKIE};
use reqwest::StatusCode;

use crate::harness::spawn_app;

async fn setup_code(app: &crate::harness::TestApp) -> String {
    std::fs::read_to_string(app.data_dir().join("setup-code"))
        .expect("setup code written at start")
        .trim()
        .to_string()
}

#[tokio::test]
async fn setup_creates_the_first_admin_once() {
    let app = spawn_app().await;
    let code = setup_code(&app).await;
    let form = |code: &str, username: &str| {
        app.http.post(app.url("/auth/setup")).form(&[
            ("code", code),
            ("username", username),
            ("display_name", "Quản trị"),
            ("password", "mat-khau-rat-dai-2026"),
        ])
    };
    let r = form("wrong-code", "boss").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(r.headers()[LOCATION]
        .to_str()
        .unwrap()
        .contains("error=invalid_credentials"));
    let r = form(&code, "boss").send().await.unwrap();
    assert_eq!(r.headers()[LOCATION].to_str().unwrap(), "/login?next=/wall");
    let roles: Vec<String> = sqlx::query_scalar("SELECT role FROM user_roles ORDER BY role")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(roles, vec!["admin", "leader"]);
    let r = form(&code, "second").send().await.unwrap();
    assert!(
        r.headers()[LOCATION]
            .to_str()
            .unwrap()
            .contains("error=setup_closed"),
        "only once"
    );
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(users, 1);
    let actor: String = sqlx::query_scalar(
        "SELECT actor FROM audit_log WHERE entity = 'user' AND action = 'create'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(actor, "system:setup");
}

#[tokio::test]
async fn sign_in_form_redirects_back_but_never_off_site() {
    let app = spawn_app().await;
    let code = setup_code(&app).await;
    app.http
        .post(app.url("/auth/setup"))
        .form(&[
            ("code", code.as_str()),
            ("username", "boss"),
            ("display_name", "Boss"),
            ("password", "mat-khau-rat-dai-2026"),
        ])
        .send()
        .await
        .unwrap();
    let login = |password: &str, next: &str| {
        app.http.post(app.url("/auth/login")).form(&[
            ("username", "boss"),
            ("password", password),
            ("next", next),
        ])
    };
    let r = login("mat-khau-rat-dai-2026", "/wall?lang=en")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()[LOCATION], "/wall?lang=en");
    assert!(r.headers()[SET_COOKIE]
        .to_str()
        .unwrap()
        .starts_with("ioc_session="));
    let r = login("mat-khau-rat-dai-2026", "https://evil.example/")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()[LOCATION], "/wall", "no open redirect");
    let r = login("wrong-password-here", "/wall").send().await.unwrap();
    assert_eq!(
        r.headers()[LOCATION],
        "/login?error=invalid_credentials&next=%2Fwall"
    );
    assert!(r.headers().get(SET_COOKIE).is_none());
    // Without a page to return to, people land where their role leads.
    let r = login("mat-khau-rat-dai-2026", "").send().await.unwrap();
    assert_eq!(
        r.headers()[LOCATION],
        "/wall",
        "an administrator reads the wall"
    );
    let editor = ioc_protocol::NewUserRequest {
        username: "editor".into(),
        display_name: "Biên tập".into(),
        password: "mat-khau-bien-tap-2026".into(),
        unit: None,
        email: None,
        roles: vec![ioc_protocol::RoleGrant {
            role: ioc_protocol::Role::UnitEditor,
            unit: Some("17329".into()),
        }],
    };
    ioc_server::auth::routes::create_account(
        &app.db,
        &ioc_server::audit::Actor::system("test"),
        editor,
    )
    .await
    .unwrap();
    let r = app
        .http
        .post(app.url("/auth/login"))
        .form(&[
            ("username", "editor"),
            ("password", "mat-khau-bien-tap-2026"),
            ("next", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()[LOCATION],
        "/account",
        "a unit editor does not land on a page it may not open"
    );
    // A form posted from another site (login CSRF) is refused.
    let r = login("mat-khau-rat-dai-2026", "/wall")
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(r.headers()[LOCATION]
        .to_str()
        .unwrap()
        .contains("error=csrf_failed"));
    assert!(r.headers().get(SET_COOKIE).is_none());
}

#[tokio::test]
async fn pairing_needs_a_wall_display_code() {
    let app = spawn_app().await;
    let r = app
        .http
        .post(app.url("/auth/device"))
        .form(&[("token", app.reader.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()[LOCATION], "/wall");
    let cookie = r.headers()[SET_COOKIE].to_str().unwrap().to_string();
    assert!(
        cookie.starts_with("ioc_device=") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    let jar = cookie.split(';').next().unwrap().to_string();
    let r = app
        .http
        .get(app.url("/wall"))
        .header("cookie", &jar)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "the paired screen shows the wall");
    // An integration token is not a screen.
    let r = app
        .http
        .post(app.url("/auth/device"))
        .form(&[("token", crate::harness::TOKEN)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()[LOCATION], "/login?error=bad_device");
    assert!(r.headers().get(SET_COOKIE).is_none());
}

#[tokio::test]
async fn password_form_needs_the_current_password_and_matching_repeats() {
    let app = spawn_app().await;
    let code = setup_code(&app).await;
    app.http
        .post(app.url("/auth/setup"))
        .form(&[
            ("code", code.as_str()),
            ("username", "boss"),
            ("display_name", "Boss"),
            ("password", "mat-khau-rat-dai-2026"),
        ])
        .send()
        .await
        .unwrap();
    let r = app
        .http
        .post(app.url("/auth/login"))
        .form(&[
            ("username", "boss"),
            ("password", "mat-khau-rat-dai-2026"),
            ("next", "/wall"),
        ])
        .send()
        .await
        .unwrap();
    let jar = r.headers()[SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let change = |current: &str, new: &str, repeat: &str| {
        app.http
            .post(app.url("/auth/password"))
            .header("cookie", &jar)
            .form(&[("current", current), ("new", new), ("repeat", repeat)])
    };
    let r = change(
        "mat-khau-rat-dai-2026",
        "mat-khau-moi-2026-x",
        "mat-khau-moi-2026-y",
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.headers()[LOCATION], "/account?error=passwords_differ");
    let r = change(
        "guess-guess-guess",
        "mat-khau-moi-2026-x",
        "mat-khau-moi-2026-x",
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.headers()[LOCATION], "/account?error=invalid_credentials");
    let r = change(
        "mat-khau-rat-dai-2026",
        "mat-khau-moi-2026-x",
        "mat-khau-moi-2026-x",
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.headers()[LOCATION], "/account?done=1");
    let r = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .json(&serde_json::json!({"username": "boss", "password": "mat-khau-moi-2026-x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "the new password works");
    let r = app
        .http
        .get(app.url("/account"))
        .header("cookie", &jar)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "the session that changed it stays");
}
