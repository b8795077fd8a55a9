//! The provincial IOC server.
//!
//! Data enters through the API (`/api/v1/…`), is committed to PostgreSQL first, then published
//! on the live hub, which pushes it over `/ws` to the walls and phones that the same server renders
//! with Leptos. Folders are domains (`indicators`, `live`, `auth`, `demo`) plus shared plumbing
//! (`db`, `http`, `config`).

pub mod audit;
pub mod auth;
pub mod calendar;
pub mod central;
pub mod config;
pub mod db;
pub mod demo;
pub mod documents;
pub mod dossiers;
pub mod http;
pub mod indicators;
pub mod lifecycle;
pub mod live;
pub mod mail;
pub mod regimes;
pub mod screens;
pub mod series;
pub mod tasks;
pub mod telemetry;
pub mod units;
pub mod web;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use metrics_exporter_prometheus::PrometheusHandle;
use sqlx::PgPool;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::auth::bootstrap::IngestToken;
use crate::auth::LoginLimiter;
use crate::config::ServeConfig;
use crate::db::Database;
use crate::live::{Hub, Topics};

/// Everything a handler may need; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    pub hub: Arc<Hub>,
    /// Announced credential changes (`user:{id}`, `token:{id}`), from every server process:
    /// the open WebSockets concerned re-check their credentials (`live::notify`).
    pub credentials: tokio::sync::broadcast::Sender<Arc<str>>,
    /// Epoch of the live history stored in this database.
    pub epoch: Arc<str>,
    pub config: Arc<ServeConfig>,
    /// One-time code for `/setup` while no account exists.
    pub setup_code: Option<Arc<str>>,
    /// Per-address limit on login attempts.
    pub login_limiter: LoginLimiter,
    pub metrics: PrometheusHandle,
    pub leptos: LeptosOptions,
    /// Cancelled when the server shuts down: WebSocket sessions and background tasks stop.
    pub shutdown: CancellationToken,
    /// WebSocket sessions, awaited on shutdown so each client gets its close frame.
    pub tasks: TaskTracker,
    /// Connection cap for WebSockets (the mini-redis pattern).
    pub ws_slots: Arc<Semaphore>,
    /// Wakes the delivery worker when an approval queued messages for the Government system.
    pub outbox: Arc<tokio::sync::Notify>,
    /// The kinds of message to the Government system, each with its domain's delivery hook.
    pub message_kinds: central::MessageKinds,
    /// Wakes the task that recomputes the province's deadline board after workflow steps.
    pub province_board: Arc<tokio::sync::Notify>,
    /// Units whose dossier boards changed since the dossier worker last ran (it wakes on them).
    pub dossier_live: dossiers::live::Shared,
    /// One dossier batch at a time stores in this process (see `dossiers::ingest::Writer`).
    pub dossier_writer: dossiers::ingest::Writer,
    /// What the running wall screens last reported (`screens::presence`).
    pub screen_presence: Arc<screens::presence::Presence>,
    /// Whether the database server is up (the embedded postmaster's supervisor says; `/healthz`).
    pub database_health: db::embedded::ClusterHealth,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

/// A started server.
pub struct Running {
    pub addr: SocketAddr,
    pub shutdown: CancellationToken,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Running {
    /// Waits until the server has stopped (after `shutdown` was cancelled).
    pub async fn wait(self) -> anyhow::Result<()> {
        self.task.await.context("server task panicked")?
    }

    /// Triggers a graceful shutdown and waits for it.
    pub async fn stop(self) -> anyhow::Result<()> {
        self.shutdown.cancel();
        self.wait().await
    }
}

/// Opens the database, binds the address and starts serving in the background.
pub async fn start(config: ServeConfig) -> anyhow::Result<Running> {
    // Checked before anything starts: a half-configured delivery is a mistake to fix now.
    let central = central::worker::Settings::from_config(&config)?;
    let mail = mail::Settings::from_config(&config)?;
    let data_dir = config.data_dir();
    let database = Database::open(config.database_url(), &data_dir)
        .await
        .context("opening the database")?;
    let listener = match TcpListener::bind(config.addr).await {
        Ok(l) => l,
        Err(e) => {
            database.close().await;
            return Err(e).with_context(|| format!("binding {}", config.addr));
        }
    };
    let addr = listener.local_addr()?;
    let ingest_token =
        IngestToken::load_or_create(config.ingest_token.as_ref().map(|t| t.expose()), &data_dir)
            .context("preparing the ingest token")?;
    let epoch: Arc<str> = indicators::streams::load_epoch(&database.pool)
        .await?
        .into();
    if !units::is_province(&database.pool, &config.province).await? {
        database.close().await;
        anyhow::bail!(
            "--province {}: no province with this statistical code (Nghệ An is 40)",
            config.province
        );
    }
    // The configured province's departments (idempotent) and the catalogue's owners with them.
    let made = units::departments::instantiate(&database.pool, &config.province).await?;
    if !made.created.is_empty() || !made.owners.is_empty() {
        tracing::info!(
            province = %config.province,
            created = ?made.created,
            owners = ?made.owners,
            "departments of the province instantiated"
        );
    }
    ingest_token
        .register(&database.pool, &config.province)
        .await?;
    let setup_code = auth::forms::setup_code(&database.pool, &data_dir, addr)
        .await?
        .map(Arc::from);
    let screen_presence = Arc::new(screens::presence::Presence::default());
    let topics = Topics::default()
        .register(
            "indicator/",
            Arc::new(indicators::IndicatorTopics {
                db: database.pool.clone(),
                epoch: epoch.clone(),
            }),
        )
        .register(
            "deadlines/",
            Arc::new(live::stored::StoredTopics {
                db: database.pool.clone(),
                epoch: epoch.clone(),
                exists: Arc::new(indicators::deadlines::board_topic_exists),
            }),
        )
        .register(
            "dossiers/",
            Arc::new(live::stored::StoredTopics {
                db: database.pool.clone(),
                epoch: epoch.clone(),
                exists: units::unit_topic_exists("dossiers/"),
            }),
        )
        .register(
            "tasks/",
            Arc::new(live::stored::StoredTopics {
                db: database.pool.clone(),
                epoch: epoch.clone(),
                exists: units::unit_topic_exists("tasks/"),
            }),
        )
        .register(
            "screen/",
            Arc::new(screens::ScreenTopics {
                db: database.pool.clone(),
                epoch: epoch.clone(),
                province: config.province.clone(),
            }),
        )
        .register(
            ioc_protocol::PRESENCE_TOPIC,
            Arc::new(screens::presence::PresenceTopic {
                presence: screen_presence.clone(),
                epoch: epoch.clone(),
            }),
        );
    let hub = Arc::new(Hub::new(topics));
    let shutdown = CancellationToken::new();
    let state = AppState {
        db: database.pool.clone(),
        hub,
        credentials: tokio::sync::broadcast::channel(1024).0,
        epoch,
        login_limiter: auth::login_limiter(),
        setup_code,
        metrics: telemetry::prometheus(),
        leptos: web::leptos_options(&config),
        shutdown: shutdown.clone(),
        tasks: TaskTracker::new(),
        ws_slots: Arc::new(Semaphore::new(config.max_ws_connections)),
        outbox: Arc::new(tokio::sync::Notify::new()),
        message_kinds: central::MessageKinds::default()
            .register::<ioc_protocol::ReportMessage>(Arc::new(indicators::ReportDelivered)),
        province_board: Arc::new(tokio::sync::Notify::new()),
        database_health: database.health(),
        screen_presence,
        dossier_live: Default::default(),
        dossier_writer: Default::default(),
        config: Arc::new(config),
    };
    let task = tokio::spawn(serve(listener, state, database, central, mail));
    tracing::info!(%addr, "listening");
    Ok(Running {
        addr,
        shutdown,
        task,
    })
}

async fn serve(
    listener: TcpListener,
    state: AppState,
    database: Database,
    central: Option<central::worker::Settings>,
    mail: Option<mail::Settings>,
) -> anyhow::Result<()> {
    let shutdown = state.shutdown.clone();
    let background = TaskTracker::new();
    background.spawn(maintain_partitions(state.db.clone(), shutdown.clone()));
    let presence: live::notify::Handler = {
        let (presence, hub, epoch) = (
            state.screen_presence.clone(),
            state.hub.clone(),
            state.epoch.clone(),
        );
        Arc::new(move |payload: &str| presence.on_shared(&hub, &epoch, payload))
    };
    // A mail queued by any process (or a test) wakes this process's mail worker.
    let mail_wake = Arc::new(tokio::sync::Notify::new());
    let mail_queued: live::notify::Handler = {
        let wake = mail_wake.clone();
        Arc::new(move |_: &str| wake.notify_one())
    };
    background.spawn(live::notify::listen(
        state.db.clone(),
        state.hub.clone(),
        state.credentials.clone(),
        vec![
            (screens::presence::PRESENCE_CHANNEL, presence),
            (mail::CHANNEL, mail_queued),
        ],
        shutdown.clone(),
    ));
    match mail {
        Some(settings) => {
            background.spawn(mail::worker::run(
                state.db.clone(),
                settings,
                mail_wake,
                shutdown.clone(),
            ));
        }
        None => tracing::info!(
            "--smtp-url is not set: no e-mail is sent, task reminders are not queued"
        ),
    }
    if state.config.demo {
        let feed = demo::DemoFeed {
            db: state.db.clone(),
            hub: state.hub.clone(),
            epoch: state.epoch.clone(),
            unit: state.config.province.clone(),
            interval: state.config.demo_interval(),
        };
        background.spawn(feed.run(shutdown.clone()));
        background.spawn(dossiers::simulate::run_demo(state.clone()));
        // Before serving: the demo's first page already lists the seed letters' tasks.
        match tasks::demo::import(&state.db, &state.config.province).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(tasks = n, "demo: the seed letters' tasks imported"),
            Err(e) => tracing::warn!(error = %e, "demo: the seed letters' tasks not imported"),
        }
        match regimes::demo::import(&state.db, &state.config.province).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(regimes = n, "demo: reporting regimes set up"),
            Err(e) => tracing::warn!(error = %e, "demo: reporting regimes not set up"),
        }
    }
    background.spawn(indicators::run_reminders(state.clone()));
    background.spawn(indicators::run_province_board(state.clone()));
    background.spawn(dossiers::live::run(state.clone()));
    background.spawn(tasks::live::run(state.clone()));
    if let Some(url) = state.config.onestop_url.clone() {
        let connector = dossiers::connector::Connector {
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .context("building the one-stop feed client")?,
            url,
            token: state
                .config
                .onestop_token
                .as_ref()
                .map(|t| t.expose().to_string()),
            province: state.config.province.clone(),
            keep_personal: state.config.keep_personal_data,
            writer: state.dossier_writer.clone(),
        };
        let poll = Duration::from_millis(state.config.onestop_poll_ms.max(100));
        background.spawn(dossiers::connector::run(state.clone(), connector, poll));
    }
    match central {
        Some(settings) => {
            background.spawn(central::worker::run(state.clone(), settings));
        }
        None => {
            tracing::info!("--central-url is not set: approved figures wait in the delivery queue")
        }
    }
    let tasks = state.tasks.clone();
    let app = web::router(state);
    let result = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown.clone().cancelled_owned())
    .await;
    // The HTTP side is drained; WebSocket sessions saw the same token and are sending close frames.
    tasks.close();
    if tokio::time::timeout(Duration::from_secs(10), tasks.wait())
        .await
        .is_err()
    {
        tracing::warn!("some WebSocket sessions did not end in time");
    }
    background.close();
    background.wait().await;
    database.close().await;
    tracing::info!("stopped");
    result.context("serving HTTP")
}

/// Hourly upkeep: next months' partitions, expired sessions.
async fn maintain_partitions(db: PgPool, shutdown: CancellationToken) {
    let mut every_hour = tokio::time::interval(Duration::from_secs(3600));
    every_hour.tick().await; // partitions were prepared at start-up
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = every_hour.tick() => {
                if let Err(e) = db::ensure_partitions(&db).await {
                    tracing::warn!(error = %e, "partition upkeep failed");
                }
                match auth::sessions::purge_expired(&db).await {
                    Ok(n) if n > 0 => tracing::info!(sessions = n, "expired sessions removed"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "session purge failed"),
                }
            }
        }
    }
}
