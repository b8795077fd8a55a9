//! Configuration from flags and environment (`clap`). Every flag has an `IOC_*` variable.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// A configuration value that must never be printed (database URLs carry passwords, tokens are
/// credentials): `Debug` shows `<redacted>`, the value is only reachable through [`Secret::expose`].
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_string()))
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "ioc",
    version,
    about = "Provincial IOC server / Máy chủ Trung tâm điều hành tỉnh"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

// Parsed once at start-up and moved out at once: the size of the largest variant costs nothing,
// boxing it would only change every caller.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (starts a private PostgreSQL cluster when DATABASE_URL is unset).
    Serve(ServeConfig),
    /// Administration from the command line (works while the server runs).
    Admin(AdminConfig),
    /// Simulate a province's one-stop system: a period of dossiers written as fast as possible
    /// through the ingest path (demos, benchmarks). Prints the rate it stored events at.
    Simulate(SimulateConfig),
}

#[derive(Debug, Clone, Args)]
pub struct SimulateConfig {
    /// Same as for `serve`.
    #[arg(long, env = "IOC_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Same as for `serve`.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<Secret>,
    /// Same as for `serve`.
    #[arg(long, env = "IOC_PROVINCE", default_value = "40")]
    pub province: String,
    /// First day (YYYY-MM-DD); default: `--days` before today.
    #[arg(long)]
    pub from: Option<chrono::NaiveDate>,
    /// Days to simulate.
    #[arg(long, default_value_t = 365)]
    pub days: i64,
    /// Dossiers a year (a province handles about 1.5 million).
    #[arg(long, default_value_t = 1_500_000.0)]
    pub per_year: f64,
    /// Events per ingest batch.
    #[arg(long, default_value_t = 5000)]
    pub batch: usize,
    /// Seed of the generator (the same seed gives the same dossiers).
    #[arg(long, default_value_t = 766)]
    pub seed: u64,
}

impl SimulateConfig {
    pub fn data_dir(&self) -> PathBuf {
        self.data_dir.clone().unwrap_or_else(default_data_dir)
    }

    pub fn database_url(&self) -> Option<&str> {
        self.database_url
            .as_ref()
            .map(|u| u.expose().trim())
            .filter(|u| !u.is_empty())
    }
}

#[derive(Debug, Clone, Args)]
pub struct AdminConfig {
    /// Same as for `serve`.
    #[arg(long, env = "IOC_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Same as for `serve`.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<Secret>,
    #[command(subcommand)]
    pub action: AdminAction,
}

#[derive(Debug, Clone, Subcommand)]
pub enum AdminAction {
    /// Create an account. The password is read from standard input (one line).
    CreateUser {
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: String,
        /// The unit the person works for (statistical or department code).
        #[arg(long)]
        unit: Option<String>,
        /// A role: admin, leader, approver, central_viewer, or unit_editor:<unit code>. Repeatable.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
    },
    /// Issue an API token and print it (it is shown only this once).
    CreateToken {
        #[arg(long)]
        name: String,
        /// integration (machine clients) or wall_display (a screen).
        #[arg(long, default_value = "integration")]
        kind: String,
        #[arg(long)]
        unit: String,
        /// Permission, e.g. points:write. Repeatable.
        #[arg(long = "scope")]
        scopes: Vec<String>,
        /// Named screen of a wall display. Repeatable.
        #[arg(long = "screen")]
        screens: Vec<String>,
    },
}

impl AdminConfig {
    pub fn data_dir(&self) -> PathBuf {
        self.data_dir.clone().unwrap_or_else(default_data_dir)
    }

    pub fn database_url(&self) -> Option<&str> {
        self.database_url
            .as_ref()
            .map(|u| u.expose().trim())
            .filter(|u| !u.is_empty())
    }
}

/// /var/lib/ioc for root (not under /root: the unprivileged PostgreSQL user must reach it),
/// ~/.local/share/ioc otherwise.
fn default_data_dir() -> PathBuf {
    if nix::unistd::geteuid().is_root() {
        PathBuf::from("/var/lib/ioc")
    } else {
        let home = std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("."));
        home.join(".local/share/ioc")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct ServeConfig {
    /// Address to listen on.
    #[arg(long, env = "IOC_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,

    /// Directory for the server's own state (the embedded PostgreSQL cluster, the generated
    /// ingest token). Defaults to /var/lib/ioc for root, ~/.local/share/ioc otherwise.
    #[arg(long, env = "IOC_DATA_DIR")]
    pub data_dir: Option<PathBuf>,

    /// PostgreSQL to use instead of the embedded cluster.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<Secret>,

    /// Directory with the built site: `pkg/` (wasm bundle) and `assets/`.
    #[arg(long, env = "IOC_SITE_DIR", default_value = "target/site")]
    pub site_dir: PathBuf,

    /// Statistical code of the province this server belongs to (Nghệ An = 40).
    #[arg(long, env = "IOC_PROVINCE", default_value = "40")]
    pub province: String,

    /// Keep the wall moving with generated demo values (labelled as demo on screen).
    #[arg(long, env = "IOC_DEMO", default_value_t = true, action = clap::ArgAction::Set)]
    pub demo: bool,

    /// Milliseconds between two demo values.
    #[arg(long, env = "IOC_DEMO_INTERVAL_MS", default_value_t = 1500)]
    pub demo_interval_ms: u64,

    /// Dossiers the demo simulator opens per minute of wall time (with `--demo`); 0 stops it.
    #[arg(long, env = "IOC_DEMO_DOSSIERS_PER_MINUTE", default_value_t = 30)]
    pub demo_dossiers_per_minute: u32,

    /// Keep the applicant's personal data (names, ID numbers, addresses) that one-stop systems
    /// send with dossier events. Off by default: it is dropped at ingest. Never shown on the wall.
    #[arg(long, env = "IOC_KEEP_PERSONAL_DATA", default_value_t = false, action = clap::ArgAction::Set)]
    pub keep_personal_data: bool,

    /// A one-stop system's event feed to read from (the pull connector; see README). Unset: the
    /// one-stop system pushes to `POST /api/v1/dossier-events` instead.
    #[arg(long, env = "IOC_ONESTOP_URL")]
    pub onestop_url: Option<String>,

    /// Bearer token for the one-stop system's feed. Never logged or printed.
    #[arg(long, env = "IOC_ONESTOP_TOKEN", hide_env_values = true)]
    pub onestop_token: Option<Secret>,

    /// Milliseconds between two reads of the feed once it is caught up.
    #[arg(long, env = "IOC_ONESTOP_POLL_MS", default_value_t = 5000)]
    pub onestop_poll_ms: u64,

    /// A bootstrap API token for machine clients of `POST /api/v1/points`, registered as an
    /// integration token of the province. When unset, one is generated and stored in
    /// `<data-dir>/ingest-token` (mode 0600); its path is logged, never its value.
    #[arg(long, env = "IOC_INGEST_TOKEN", hide_env_values = true)]
    pub ingest_token: Option<Secret>,

    /// The address people use to reach this server, e.g. `https://ioc.nghean.gov.vn`. When it is
    /// https, cookies are marked Secure and HSTS is sent.
    #[arg(long, env = "IOC_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Largest number of concurrent WebSocket connections.
    #[arg(long, env = "IOC_MAX_WS", default_value_t = 10_000)]
    pub max_ws_connections: usize,

    /// Log format.
    #[arg(long, env = "IOC_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,

    /// Endpoint of the Government reporting system that receives approved figures (an http or
    /// https URL, POSTed to as is). Unset: messages wait in the queue and the delivery page says
    /// "not configured", so a province can approve before its connection is set up.
    #[arg(long, env = "IOC_CENTRAL_URL")]
    pub central_url: Option<String>,

    /// The key identifier the Government system issued to this province (`X-IOC-Key-Id`).
    #[arg(long, env = "IOC_CENTRAL_KEY_ID")]
    pub central_key_id: Option<String>,

    /// The shared secret that signs every message (HMAC-SHA256). Never logged or printed.
    #[arg(long, env = "IOC_CENTRAL_SECRET", hide_env_values = true)]
    pub central_secret: Option<Secret>,

    /// Milliseconds one delivery attempt may take (connect, send, answer) before it counts as
    /// failed and is retried.
    #[arg(long, env = "IOC_CENTRAL_TIMEOUT_MS", default_value_t = 10_000)]
    pub central_timeout_ms: u64,

    /// Attempts per message before it is marked failed (an administrator can retry it).
    #[arg(long, env = "IOC_CENTRAL_MAX_ATTEMPTS", default_value_t = 12)]
    pub central_max_attempts: u32,

    /// Base of the exponential backoff between attempts, in milliseconds (doubled per attempt,
    /// with jitter, at most 15 minutes).
    #[arg(long, env = "IOC_CENTRAL_BACKOFF_MS", default_value_t = 2_000)]
    pub central_backoff_ms: u64,

    /// The SMTP server that sends e-mail reminders, as a URL that may carry a password (never
    /// logged or printed): `smtps://user:pass@host:465` (TLS from the start),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS), `?tls=opportunistic`, or plain
    /// `smtp://host:25` (no encryption: a relay on a trusted network only). Unset: no e-mail is
    /// queued or sent, and the status page says so.
    #[arg(long, env = "IOC_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<Secret>,

    /// The sender of the e-mails (`From:`), a mailbox such as `IOC Nghệ An <ioc@nghean.gov.vn>`.
    #[arg(long, env = "IOC_MAIL_FROM", default_value = "IOC <ioc@localhost>")]
    pub mail_from: String,

    /// A task's owners are reminded by e-mail when this many working days or fewer are left
    /// before its deadline (and once more when it is overdue).
    #[arg(long, env = "IOC_REMIND_WORKING_DAYS", default_value_t = 3)]
    pub remind_working_days: u32,

    /// Base of the backoff between attempts to send one e-mail, in milliseconds (doubled per
    /// attempt, with jitter, at most 15 minutes). Tests shorten it (hidden).
    #[arg(
        long,
        env = "IOC_MAIL_BACKOFF_MS",
        default_value_t = 30_000,
        hide = true
    )]
    pub mail_backoff_ms: u64,

    /// How often an open WebSocket re-checks its credentials although no change was announced,
    /// in milliseconds (an hour). Sign-outs, revoked tokens and changed roles are announced by
    /// the database and close the connections concerned at once; this check only catches a
    /// session that expired meanwhile. Not for operators (hidden).
    #[arg(
        long,
        env = "IOC_WS_REVALIDATE_MS",
        default_value_t = 3_600_000,
        hide = true
    )]
    pub ws_revalidate_ms: u64,

    /// Milliseconds a WebSocket connection gathers publications before it writes them as one
    /// frame. Longer means fewer, larger frames (less CPU per client) and later figures.
    #[arg(long, env = "IOC_WS_FLUSH_MS", default_value_t = 0)]
    pub ws_flush_ms: u64,
}

impl ServeConfig {
    pub fn data_dir(&self) -> PathBuf {
        self.data_dir.clone().unwrap_or_else(default_data_dir)
    }

    /// The external database, if any. An empty `DATABASE_URL` counts as unset.
    pub fn database_url(&self) -> Option<&str> {
        self.database_url
            .as_ref()
            .map(|u| u.expose().trim())
            .filter(|u| !u.is_empty())
    }

    /// The SMTP server's URL, if one is configured. An empty `IOC_SMTP_URL` counts as unset.
    pub fn smtp_url(&self) -> Option<&str> {
        self.smtp_url
            .as_ref()
            .map(|u| u.expose().trim())
            .filter(|u| !u.is_empty())
    }

    pub fn demo_interval(&self) -> Duration {
        Duration::from_millis(self.demo_interval_ms.max(50))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_do_not_print() {
        let cli = Cli::try_parse_from([
            "ioc",
            "serve",
            "--database-url=postgres://ioc:hunter2@db/ioc",
            "--ingest-token=very-secret-token",
            "--central-secret=central-shared-secret",
            "--smtp-url=smtps://ioc:smtp-password@mail.example.vn",
        ])
        .unwrap();
        let printed = format!("{cli:?}");
        assert!(
            !printed.contains("hunter2")
                && !printed.contains("very-secret-token")
                && !printed.contains("central-shared-secret")
                && !printed.contains("smtp-password"),
            "{printed}"
        );
        let Command::Serve(c) = cli.command else {
            unreachable!()
        };
        assert_eq!(c.database_url(), Some("postgres://ioc:hunter2@db/ioc"));
    }
}
