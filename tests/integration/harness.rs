//! Test harness: one private PostgreSQL cluster per test run, one fresh database per test, the
//! server started in-process on port 0.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use clap::Parser;
use futures::{SinkExt, StreamExt};
use ioc_protocol::{ClientFrame, PointBatch, PointIn, ServerFrame};
use ioc_server::config::{Cli, Command, ServeConfig};
use ioc_server::db::embedded::{ClusterOptions, Timescale};
use ioc_server::db::{self, EmbeddedCluster};
use sqlx::postgres::PgPoolOptions;
use sqlx::{Connection, PgConnection, PgPool};
use tokio::net::TcpStream;
use tokio::sync::OnceCell;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub const TOKEN: &str = "test-ingest-token-0123456789";
const TEMPLATE: &str = "ioc_template";

pub struct Cluster {
    pub pg: EmbeddedCluster,
}

static CLUSTER: OnceCell<Cluster> = OnceCell::const_new();
static TIMESCALE_CLUSTER: OnceCell<Cluster> = OnceCell::const_new();
static NEXT_DB: AtomicUsize = AtomicUsize::new(0);
static NEXT_CLUSTER: AtomicUsize = AtomicUsize::new(0);

/// The run's plain-PostgreSQL cluster, started on first use: TimescaleDB is never preloaded in
/// it, even where installed, so the plain path is what the suite tests everywhere. It is never
/// stopped explicitly: when the test process exits, the kernel signals the postmaster (see
/// `EmbeddedCluster`).
pub async fn cluster() -> &'static Cluster {
    CLUSTER
        .get_or_init(|| {
            start_cluster(
                format!("ioc-test-{}", std::process::id()),
                Timescale::Off,
                Vec::new(),
            )
        })
        .await
}

/// A second cluster with TimescaleDB preloaded (only where it is installed), for the tests of
/// that path. Its background workers are off: a job scheduler connected to the template would
/// make `CREATE DATABASE … TEMPLATE` fail at random.
pub async fn timescale_cluster() -> &'static Cluster {
    TIMESCALE_CLUSTER
        .get_or_init(|| {
            start_cluster(
                format!("ioc-test-ts-{}", std::process::id()),
                Timescale::Auto,
                vec![(
                    "timescaledb.max_background_workers".to_string(),
                    "0".to_string(),
                )],
            )
        })
        .await
}

/// A cluster of the test's own, for a test that stops or restarts PostgreSQL: the run's shared
/// cluster serves every other test at the same time. Stop it with `Cluster::pg`'s `stop`.
pub async fn private_cluster() -> Cluster {
    let n = NEXT_CLUSTER.fetch_add(1, Ordering::SeqCst);
    start_cluster(
        format!("ioc-test-own-{}-{n}", std::process::id()),
        Timescale::Off,
        Vec::new(),
    )
    .await
}

/// Starts a cluster in the temporary directory `name` (it must name this process, for
/// [`remove_stale_dirs`]) and prepares the template.
async fn start_cluster(
    name: String,
    timescale: Timescale,
    settings: Vec<(String, String)>,
) -> Cluster {
    let base = std::env::temp_dir();
    remove_stale_dirs(&base);
    let dir = base.join(name);
    let options = ClusterOptions {
        timescale,
        settings,
    };
    let pg = tokio::task::spawn_blocking(move || EmbeddedCluster::start_with(&dir, &options))
        .await
        .unwrap()
        .expect("start the test cluster");
    db::create_database_if_missing(&pg, TEMPLATE).await.unwrap();
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(pg.connect_options(TEMPLATE))
        .await
        .unwrap();
    db::MIGRATOR.run(&pool).await.expect("migrate the template");
    db::ensure_partitions(&pool).await.unwrap();
    pool.close().await;
    // Nobody may connect to the template any more (a clone needs it idle).
    let mut conn = PgConnection::connect_with(&pg.connect_options("postgres"))
        .await
        .unwrap();
    sqlx::query(&format!(
        "ALTER DATABASE {TEMPLATE} WITH ALLOW_CONNECTIONS false"
    ))
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    Cluster { pg }
}

/// Directories of earlier runs whose process is gone.
fn remove_stale_dirs(base: &std::path::Path) {
    for entry in std::fs::read_dir(base).into_iter().flatten().flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| {
            n.strip_prefix("ioc-test-ts-")
                .or_else(|| {
                    let rest = n.strip_prefix("ioc-test-own-")?;
                    rest.split('-').next()
                })
                .or_else(|| n.strip_prefix("ioc-test-"))
        }) else {
            continue;
        };
        if pid.parse::<u32>().is_ok() && !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// A new database with the schema, for one test. Returns its URL.
pub async fn fresh_database() -> String {
    fresh_database_in(cluster().await).await
}

/// A new database with the schema in cluster `c`.
pub async fn fresh_database_in(c: &Cluster) -> String {
    let name = format!(
        "t{}_{}",
        std::process::id(),
        NEXT_DB.fetch_add(1, Ordering::SeqCst)
    );
    let mut conn = PgConnection::connect_with(&c.pg.connect_options("postgres"))
        .await
        .unwrap();
    sqlx::query(&format!("CREATE DATABASE {name} TEMPLATE {TEMPLATE}"))
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    c.pg.url(&name)
}

pub struct TestApp {
    pub addr: std::net::SocketAddr,
    pub http: reqwest::Client,
    /// A wall-display token of the province: reads the wall and follows its topics.
    pub reader: String,
    pub db: PgPool,
    pub running: Option<ioc_server::Running>,
    _data: tempfile::TempDir,
}

/// Configuration as `ioc serve` would parse it from these extra flags.
pub fn config(database_url: &str, data_dir: &std::path::Path, extra: &[&str]) -> ServeConfig {
    let mut args = vec![
        "ioc".to_string(),
        "serve".into(),
        "--addr=127.0.0.1:0".into(),
        format!("--database-url={database_url}"),
        format!("--data-dir={}", data_dir.display()),
        format!("--ingest-token={TOKEN}"),
        "--demo=false".into(),
        concat!("--site-dir=", env!("CARGO_MANIFEST_DIR"), "/../target/site").into(),
    ];
    // A flag given in `extra` replaces the default above.
    let name = |a: &str| a.split('=').next().unwrap_or(a).to_string();
    args.retain(|a| {
        !extra
            .iter()
            .any(|e| name(e) == name(a) && a.starts_with("--"))
    });
    args.extend(extra.iter().map(|s| s.to_string()));
    match Cli::try_parse_from(args).expect("valid flags").command {
        Command::Serve(c) => c,
        other => panic!("not a serve command: {other:?}"),
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// A server configured for another province than Nghệ An (`--province`): its departments are
/// instantiated at start-up and the wall token reads that province.
pub async fn spawn_app_for_province(province: &str) -> TestApp {
    spawn_app_with(&[&format!("--province={province}")]).await
}

pub async fn spawn_app_with(extra: &[&str]) -> TestApp {
    spawn_app_on(fresh_database().await, extra).await
}

/// A server on a database of the TimescaleDB cluster.
pub async fn spawn_timescale_app() -> TestApp {
    spawn_app_on(fresh_database_in(timescale_cluster().await).await, &[]).await
}

pub async fn spawn_app_on(url: String, extra: &[&str]) -> TestApp {
    let data = tempfile::tempdir().unwrap();
    let cfg = config(&url, data.path(), extra);
    let province = cfg.province.clone();
    let running = ioc_server::start(cfg).await.expect("server starts");
    let db = PgPoolOptions::new()
        .max_connections(4)
        .connect(&url)
        .await
        .unwrap();
    let reader = wall_token(&db, &province).await;
    TestApp {
        addr: running.addr,
        reader,
        // Redirects are part of what is tested (sign-in pages): never follow them silently.
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        db,
        running: Some(running),
        _data: data,
    }
}

/// A new wall-display token of `province` (main screen): reads the wall and follows its topics.
pub async fn wall_token(db: &PgPool, province: &str) -> String {
    let screens = ["main".to_string()];
    let new = ioc_server::auth::tokens::NewToken {
        name: "Màn hình chính",
        kind: ioc_protocol::TokenKind::WallDisplay,
        unit_code: province,
        scopes: &[],
        screens: &screens,
        created_by: None,
        expires_at: None,
    };
    ioc_server::auth::tokens::create(db, &new).await.unwrap().0
}

impl TestApp {
    pub fn data_dir(&self) -> &std::path::Path {
        self._data.path()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn post_points(&self, points: &[PointIn]) -> reqwest::Response {
        self.http
            .post(self.url("/api/v1/points"))
            .bearer_auth(TOKEN)
            .json(&PointBatch {
                points: points.to_vec(),
            })
            .send()
            .await
            .unwrap()
    }

    pub async fn count_points(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM metric_points")
            .fetch_one(&self.db)
            .await
            .unwrap()
    }

    /// A WebSocket with the wall reader's credentials.
    pub async fn ws(&self) -> Ws {
        self.ws_as(Some(&self.reader)).await.expect("ws connect")
    }

    /// A WebSocket with the given bearer token (or none).
    pub async fn ws_as(
        &self,
        token: Option<&str>,
    ) -> Result<Ws, tokio_tungstenite::tungstenite::Error> {
        ws_connect(self.addr, token).await
    }

    /// GET with the wall reader's credentials.
    pub async fn get_as_reader(&self, path: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .bearer_auth(&self.reader)
            .send()
            .await
            .unwrap()
    }

    pub async fn stop(mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await.expect("clean stop");
        }
    }
}

pub fn point(series: &str, unit: &str, ts: &str, value: f64) -> PointIn {
    PointIn {
        series: series.into(),
        unit: unit.into(),
        ts: ts.parse().unwrap(),
        value,
    }
}

/// A WebSocket to the server at `addr`, with the given bearer token (or none).
pub async fn ws_connect(
    addr: std::net::SocketAddr,
    token: Option<&str>,
) -> Result<Ws, tokio_tungstenite::tungstenite::Error> {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut req = format!("ws://{addr}/ws").into_client_request().unwrap();
    if let Some(t) = token {
        req.headers_mut()
            .insert("authorization", format!("Bearer {t}").parse().unwrap());
    }
    let (ws, _) = tokio_tungstenite::connect_async(req).await?;
    Ok(Ws::new(ws))
}

/// A real WebSocket client speaking the live protocol. The server coalesces what it has for a
/// connection into `batch` frames: [`Ws::next`] hands them out one by one (the second field
/// holds those not handed out yet).
pub struct Ws(
    pub WebSocketStream<MaybeTlsStream<TcpStream>>,
    pub std::collections::VecDeque<ServerFrame>,
);

impl Ws {
    pub fn new(stream: WebSocketStream<MaybeTlsStream<TcpStream>>) -> Self {
        Ws(stream, Default::default())
    }

    pub async fn send(&mut self, frame: &ClientFrame) {
        self.0
            .send(Message::text(serde_json::to_string(frame).unwrap()))
            .await
            .unwrap();
    }

    pub async fn subscribe(&mut self, topic: &str, since: Option<ioc_protocol::StreamPosition>) {
        self.send(&ClientFrame::Subscribe {
            topic: topic.into(),
            since,
        })
        .await;
    }

    /// The next protocol frame (control frames skipped), failing after 10 s.
    pub async fn next(&mut self) -> ServerFrame {
        self.try_next(Duration::from_secs(10))
            .await
            .expect("a frame within 10 s")
    }

    pub async fn try_next(&mut self, wait: Duration) -> Option<ServerFrame> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(f) = self.1.pop_front() {
                return Some(f);
            }
            let msg = tokio::time::timeout_at(deadline, self.0.next())
                .await
                .ok()??;
            match msg.expect("ws read") {
                Message::Text(t) => {
                    match serde_json::from_str(t.as_str()).expect("valid server frame") {
                        ServerFrame::Batch { frames } => self.1.extend(frames),
                        f => return Some(f),
                    }
                }
                Message::Ping(_) | Message::Pong(_) => continue,
                other => panic!("unexpected message {other:?}"),
            }
        }
    }
}

/// Password of the people made by [`TestApp::sign_in_new`].
pub const PERSON_PASSWORD: &str = "mật-khẩu-đủ-dài-2026";

/// A signed-in person: the session cookie (`name=value`) and the session's CSRF token.
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

impl Session {
    /// A request with the session's cookie and CSRF token, as the browser's pages send it.
    pub fn send(
        &self,
        app: &TestApp,
        method: reqwest::Method,
        path: &str,
    ) -> reqwest::RequestBuilder {
        self.without_csrf(app, method, path)
            .header("x-csrf-token", &self.csrf)
    }
    /// The cookie alone: what a cross-site page could make the browser send.
    pub fn without_csrf(
        &self,
        app: &TestApp,
        method: reqwest::Method,
        path: &str,
    ) -> reqwest::RequestBuilder {
        app.http
            .request(method, app.url(path))
            .header(reqwest::header::COOKIE, &self.cookie)
    }
    pub fn get(&self, app: &TestApp, path: &str) -> reqwest::RequestBuilder {
        self.send(app, reqwest::Method::GET, path)
    }
    pub fn post(&self, app: &TestApp, path: &str) -> reqwest::RequestBuilder {
        self.send(app, reqwest::Method::POST, path)
    }
    pub fn put(&self, app: &TestApp, path: &str) -> reqwest::RequestBuilder {
        self.send(app, reqwest::Method::PUT, path)
    }
}

impl TestApp {
    /// GET `path` without credentials and read the JSON answer.
    pub async fn get_json(&self, path: &str) -> serde_json::Value {
        self.http
            .get(self.url(path))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Creates an account with these roles (`(role, unit)`) through the domain function the
    /// admin API uses, with [`PERSON_PASSWORD`].
    pub async fn create_person(&self, username: &str, roles: &[(&str, Option<&str>)]) {
        use ioc_protocol::{NewUserRequest, RoleGrant};
        let req = NewUserRequest {
            username: username.into(),
            display_name: format!("Người dùng {username}"),
            password: PERSON_PASSWORD.into(),
            unit: None,
            email: None,
            roles: roles
                .iter()
                .map(|(r, u)| RoleGrant {
                    role: ioc_protocol::Role::parse(r).expect("a role"),
                    unit: u.map(String::from),
                })
                .collect(),
        };
        ioc_server::auth::routes::create_account(
            &self.db,
            &ioc_server::audit::Actor::system("test"),
            req,
        )
        .await
        .expect("account created");
    }

    /// Signs an existing person in through the API, as a browser would.
    pub async fn sign_in(&self, username: &str) -> Session {
        let r = self
            .http
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({"username": username, "password": PERSON_PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "sign-in of {username}");
        let cookie = r.headers()[reqwest::header::SET_COOKIE]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        let me: ioc_protocol::Me = r.json().await.unwrap();
        Session {
            cookie,
            csrf: me.csrf_token,
        }
    }

    /// Creates an account with these roles and signs it in.
    pub async fn sign_in_with(&self, username: &str, roles: &[(&str, Option<&str>)]) -> Session {
        self.create_person(username, roles).await;
        self.sign_in(username).await
    }

    /// Creates an account with one role (`unit` for a unit editor's unit) and signs it in.
    pub async fn sign_in_new(&self, username: &str, role: &str, unit: Option<&str>) -> Session {
        self.sign_in_with(username, &[(role, unit)]).await
    }

    /// Stops the server (gracefully, as on SIGTERM) but keeps its database and data directory,
    /// so that [`TestApp::start_again`] can play a restart.
    pub async fn stop_server(&mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await.expect("clean stop");
        }
    }

    /// Starts a new server on this test's database and data directory (after
    /// [`TestApp::stop_server`]); `extra` flags as for [`spawn_app_with`].
    pub async fn start_again(&mut self, extra: &[&str]) {
        assert!(self.running.is_none(), "stop the running server first");
        let name: String = sqlx::query_scalar("SELECT current_database()")
            .fetch_one(&self.db)
            .await
            .unwrap();
        let url = cluster().await.pg.url(&name);
        let running = ioc_server::start(config(&url, self._data.path(), extra))
            .await
            .expect("server starts again");
        self.addr = running.addr;
        self.running = Some(running);
    }
}

/// A real `ioc serve` process (the binary cargo built for this run), for what an in-process
/// server cannot play: `kill -9`, several server processes on one database. Killed when dropped.
pub struct IocProcess {
    pub addr: std::net::SocketAddr,
    child: std::process::Child,
    log: std::path::PathBuf,
}

/// A loopback address with a port nobody listens on now.
pub fn free_addr() -> std::net::SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
}

impl IocProcess {
    /// Starts `ioc serve` on `addr` and waits until it answers and listens for the other
    /// processes' publications (before that, a notification would be missed by design).
    /// Its log goes to `server-{port}.log` in `data_dir`.
    pub async fn start(
        database_url: &str,
        data_dir: &std::path::Path,
        addr: std::net::SocketAddr,
    ) -> IocProcess {
        let log = data_dir.join(format!("server-{}.log", addr.port()));
        let out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .expect("server log");
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ioc"));
        // SAFETY: prctl is async-signal-safe and touches no memory of the parent. An
        // interrupted test run leaves no server behind.
        unsafe {
            std::os::unix::process::CommandExt::pre_exec(&mut cmd, || {
                nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGKILL)
                    .map_err(std::io::Error::from)
            });
        }
        let child = cmd
            .arg("serve")
            .arg(format!("--addr={addr}"))
            .arg(format!("--database-url={database_url}"))
            .arg(format!("--data-dir={}", data_dir.display()))
            .arg(format!("--ingest-token={TOKEN}"))
            .arg("--demo=false")
            .arg(concat!(
                "--site-dir=",
                env!("CARGO_MANIFEST_DIR"),
                "/../target/site"
            ))
            .env("RUST_LOG", "info")
            .stdin(std::process::Stdio::null())
            .stdout(out.try_clone().expect("log"))
            .stderr(out)
            .spawn()
            .expect("start ioc serve");
        let mut p = IocProcess { addr, child, log };
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .unwrap();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(Some(status)) = p.child.try_wait() {
                panic!("ioc serve exited ({status}):\n{}", p.log_tail());
            }
            let metrics = match http.get(p.url("/metrics")).send().await {
                Ok(r) if r.status() == 200 => r.text().await.unwrap_or_default(),
                _ => String::new(),
            };
            if metrics.lines().any(|l| l.trim() == "ioc_live_listening 1") {
                return p;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "ioc serve on {addr} not ready within 20 s:\n{}",
                p.log_tail()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// `kill -9`: no shutdown, no close frames, transactions cut where they are.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// The end of the process's log, for failure messages.
    pub fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }
}

impl Drop for IocProcess {
    fn drop(&mut self) {
        self.kill9();
    }
}
