//! A private PostgreSQL cluster started from the system's server binaries.
//!
//! Used when no `DATABASE_URL` is given, and by the test harness. The cluster listens on a unix
//! socket only (`listen_addresses = ''`) in a directory under the data dir. PostgreSQL refuses to
//! run as root, so when this process is root the cluster runs as the `postgres` system user (or
//! `nobody`), owning its directories.
//!
//! The postmaster is a child of a dedicated supervisor thread that asks the kernel to send it
//! SIGINT (fast shutdown) if that thread dies (`PR_SET_PDEATHSIG`): even a crashed or killed server
//! never leaves an orphaned cluster holding the data directory. A clean shutdown goes through
//! [`EmbeddedCluster::stop`].
//!
//! Faults it survives:
//! * an unclean stop (kill -9, power cut) leaves `postmaster.pid` and the socket behind: they are
//!   recognised as stale and removed before the start, and readiness is only believed from a
//!   `postmaster.pid` that names the postmaster just started;
//! * a postmaster that dies while the server runs is started again by the supervisor, with a
//!   growing pause between attempts; [`EmbeddedCluster::health`] tells whether it is up.
//!
//! TimescaleDB, where installed, is preloaded with telemetry off (a government network) and
//! enough worker processes for its background jobs. A data directory that was configured for
//! TimescaleDB is refused with a clear message on a machine without it.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::unistd::{chown, Gid, Pid, Uid, User};
use sqlx::postgres::PgConnectOptions;

/// Superuser created by `initdb`; the application connects as it through the private socket.
pub const SUPERUSER: &str = "ioc";
/// Port number used only to name the socket file (`.s.PGSQL.5432`); nothing listens on TCP.
const SOCKET_PORT: u16 = 5432;

#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error("PostgreSQL server binaries (initdb, postgres) not found: install the `postgresql` package or set DATABASE_URL")]
    BinariesNotFound,
    #[error("cannot prepare {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot change the owner of {path} to the database user: {source}")]
    Chown { path: PathBuf, source: nix::Error },
    #[error("{path} cannot be entered by the user `{user}` that runs the embedded PostgreSQL (PostgreSQL refuses to run as root): use a --data-dir it can reach, such as /var/lib/ioc, or allow it with `chmod o+x {path}`")]
    Unreachable { path: PathBuf, user: String },
    #[error("cannot run {program}: {source}")]
    Spawn {
        program: PathBuf,
        source: std::io::Error,
    },
    #[error("no unprivileged user to run PostgreSQL as (tried `postgres`, `nobody`)")]
    NoUser,
    #[error("the data directory {path} was made by PostgreSQL {found}, but the installed server is {installed}")]
    VersionMismatch {
        path: PathBuf,
        found: String,
        installed: String,
    },
    #[error(
        "the data directory {path} is in use by a running PostgreSQL (pid {pid}); stop it first"
    )]
    InUse { path: PathBuf, pid: i32 },
    #[error("the data directory {path} was set up for TimescaleDB ({found}), which is not installed for the PostgreSQL server here: install the timescaledb package for PostgreSQL {major} (or open the directory on the machine that has it)")]
    TimescaleMissing {
        path: PathBuf,
        found: String,
        major: String,
    },
    #[error("initdb failed: {0}")]
    InitDb(String),
    #[error("postgres did not start: {0}")]
    Start(String),
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> ClusterError + '_ {
    move |source| ClusterError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Where the server binaries are: `IOC_PG_BIN`, Debian's /usr/lib/postgresql/<newest>/bin, or PATH.
pub fn find_bin_dir() -> Result<PathBuf, ClusterError> {
    if let Some(dir) = std::env::var_os("IOC_PG_BIN") {
        let dir = PathBuf::from(dir);
        if dir.join("initdb").exists() {
            return Ok(dir);
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Ok(bin);
    }
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .find(|d| d.join("initdb").exists() && d.join("postgres").exists())
        .ok_or(ClusterError::BinariesNotFound)
}

/// The identity the cluster runs under: ourselves, unless we are root.
#[derive(Clone, Debug)]
struct RunAs {
    name: String,
    uid: Uid,
    gid: Gid,
}

fn run_as() -> Result<Option<RunAs>, ClusterError> {
    if !Uid::effective().is_root() {
        return Ok(None);
    }
    for name in ["postgres", "nobody"] {
        if let Ok(Some(u)) = User::from_name(name) {
            return Ok(Some(RunAs {
                name: name.to_string(),
                uid: u.uid,
                gid: u.gid,
            }));
        }
    }
    Err(ClusterError::NoUser)
}

/// Every directory from `/` down to `dir` must be searchable by the user running the cluster.
fn check_reachable(dir: &Path, run_as: &RunAs) -> Result<(), ClusterError> {
    use std::os::unix::fs::MetadataExt;
    for path in dir.ancestors() {
        let Ok(meta) = fs::metadata(path) else {
            continue;
        };
        let mode = meta.mode();
        let searchable = mode & 0o001 != 0
            || (meta.uid() == run_as.uid.as_raw() && mode & 0o100 != 0)
            || (meta.gid() == run_as.gid.as_raw() && mode & 0o010 != 0);
        if !searchable {
            return Err(ClusterError::Unreachable {
                path: path.to_path_buf(),
                user: run_as.name.clone(),
            });
        }
    }
    Ok(())
}

fn command(bin: &Path, run_as: Option<&RunAs>, cwd: &Path) -> Command {
    let mut cmd = Command::new(bin);
    cmd.current_dir(cwd).env("LC_ALL", "C").env_remove("PGDATA");
    if let Some(r) = run_as {
        // std drops supplementary groups itself when root changes uid.
        cmd.uid(r.uid.as_raw()).gid(r.gid.as_raw());
    }
    cmd
}

fn make_private_dir(path: &Path, run_as: Option<&RunAs>) -> Result<(), ClusterError> {
    fs::create_dir_all(path).map_err(io_err(path))?;
    fs::set_permissions(path, fs::Permissions::from_mode(0o700)).map_err(io_err(path))?;
    if let Some(r) = run_as {
        chown(path, Some(r.uid), Some(r.gid)).map_err(|source| ClusterError::Chown {
            path: path.to_path_buf(),
            source,
        })?;
    }
    Ok(())
}

fn installed_major(bin: &Path) -> Result<String, ClusterError> {
    let out = Command::new(bin.join("postgres"))
        .arg("--version")
        .output()
        .map_err(io_err(bin))?;
    let text = String::from_utf8_lossy(&out.stdout);
    // "postgres (PostgreSQL) 15.18 (Debian …)"
    let version = text.split_whitespace().nth(2).unwrap_or("");
    Ok(version.split('.').next().unwrap_or("").to_string())
}

/// True when TimescaleDB's files are installed for this server, so it can be preloaded.
fn timescale_installed(bin: &Path) -> bool {
    let share = Command::new(bin.join("pg_config"))
        .arg("--sharedir")
        .output()
        .ok()
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
        .filter(|p| !p.as_os_str().is_empty());
    let mut candidates: Vec<PathBuf> = share.into_iter().collect();
    if let Some(major) = bin.parent().and_then(|p| p.file_name()) {
        candidates.push(Path::new("/usr/share/postgresql").join(major));
    }
    candidates
        .iter()
        .any(|d| d.join("extension/timescaledb.control").exists())
}

/// The socket directory of the cluster kept in `dir` (running or not).
pub fn socket_dir(dir: &Path) -> PathBuf {
    dir.join("pgsocket")
}

/// Connection options through the cluster's unix socket in `socket_dir`.
pub fn socket_options(socket_dir: &Path, database: &str) -> PgConnectOptions {
    PgConnectOptions::new()
        .socket(socket_dir)
        .port(SOCKET_PORT)
        .username(SUPERUSER)
        .database(database)
}

/// True when a postmaster is listening in `socket_dir`.
pub fn socket_exists(socket_dir: &Path) -> bool {
    socket_dir.join(format!(".s.PGSQL.{SOCKET_PORT}")).exists()
}

/// Whether the cluster preloads TimescaleDB.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Timescale {
    /// Preload it when its files are installed for this server (production).
    #[default]
    Auto,
    /// Never preload it, even where installed: the plain-PostgreSQL path (tests of that path).
    Off,
}

/// How to start a cluster. `settings` are extra `-c name=value` server settings.
#[derive(Clone, Debug, Default)]
pub struct ClusterOptions {
    pub timescale: Timescale,
    pub settings: Vec<(String, String)>,
}

/// Settings that come with a preloaded TimescaleDB: no telemetry leaves a government network,
/// and the worker pool is sized for its background jobs (one scheduler per database plus the
/// jobs) on top of PostgreSQL's own parallel workers.
pub const TIMESCALE_SETTINGS: [(&str, &str); 4] = [
    ("timescaledb.telemetry_level", "off"),
    ("timescaledb.max_background_workers", "8"),
    ("max_worker_processes", "19"),
    ("max_parallel_workers", "8"),
];

/// True when `data_dir`'s own configuration asks for TimescaleDB (`shared_preload_libraries` in
/// `postgresql.conf` or `postgresql.auto.conf`, not commented out).
fn config_preloads_timescale(data_dir: &Path) -> Option<String> {
    ["postgresql.conf", "postgresql.auto.conf"]
        .iter()
        .filter_map(|f| fs::read_to_string(data_dir.join(f)).ok())
        .flat_map(|text| text.lines().map(str::to_string).collect::<Vec<_>>())
        .map(|l| l.split('#').next().unwrap_or("").trim().to_string())
        .find(|l| l.starts_with("shared_preload_libraries") && l.contains("timescaledb"))
}

/// After an unclean stop, `postmaster.pid` and the socket (with its lock file) stay behind. The
/// old start believed them ("a postmaster is ready") and failed; PostgreSQL itself refuses to start
/// when the pid in the file now belongs to another process (pids are reused after a reboot). A
/// postmaster that really still runs on this directory is left alone (an error). Otherwise the
/// backends of the killed postmaster are given a moment to exit (they notice its death at once;
/// while one lives, the old shared memory is in use), then the files are removed.
fn clear_stale_lock(data_dir: &Path, socket_dir: &Path) -> Result<(), ClusterError> {
    let pid_file = data_dir.join("postmaster.pid");
    let Ok(text) = fs::read_to_string(&pid_file) else {
        return Ok(());
    };
    let pid: i32 = text
        .lines()
        .next()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(0);
    if pid > 0 && postmaster_of(pid, data_dir) {
        return Err(ClusterError::InUse {
            path: data_dir.to_path_buf(),
            pid,
        });
    }
    let deadline = Instant::now() + Duration::from_secs(15);
    while let Some(lingering) = process_in(data_dir) {
        if Instant::now() > deadline {
            return Err(ClusterError::InUse {
                path: data_dir.to_path_buf(),
                pid: lingering,
            });
        }
        thread::sleep(Duration::from_millis(50));
    }
    tracing::warn!(pid, "removing the stale postmaster.pid of an unclean stop");
    let _ = fs::remove_file(&pid_file);
    for name in [
        format!(".s.PGSQL.{SOCKET_PORT}"),
        format!(".s.PGSQL.{SOCKET_PORT}.lock"),
    ] {
        let _ = fs::remove_file(socket_dir.join(name));
    }
    Ok(())
}

/// A process whose working directory is `data_dir` (PostgreSQL's processes all work there).
fn process_in(data_dir: &Path) -> Option<i32> {
    fs::read_dir("/proc")
        .ok()?
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .find(|pid| fs::read_link(format!("/proc/{pid}/cwd")).is_ok_and(|cwd| cwd == data_dir))
}

/// True when process `pid` is alive and is a postgres running on `data_dir`.
fn postmaster_of(pid: i32, data_dir: &Path) -> bool {
    if kill(Pid::from_raw(pid), None).is_err() {
        return false;
    }
    let Ok(cmdline) = fs::read(format!("/proc/{pid}/cmdline")) else {
        return false;
    };
    let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
    let is_postgres = args
        .first()
        .is_some_and(|a| a.ends_with(b"postgres") || a.starts_with(b"postgres"));
    let dir = data_dir.as_os_str().as_encoded_bytes();
    is_postgres && args.contains(&dir)
}

/// Whether the postmaster is up, as the supervisor sees it.
#[derive(Clone, Debug)]
pub struct ClusterHealth(Arc<AtomicBool>);

impl ClusterHealth {
    pub fn up() -> Self {
        ClusterHealth(Arc::new(AtomicBool::new(true)))
    }

    pub fn is_up(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    fn set(&self, up: bool) {
        self.0.store(up, Ordering::Relaxed);
    }
}

enum Request {
    Stop(mpsc::Sender<()>),
}

/// A running private cluster. Dropping it stops the cluster too (blocking); prefer [`stop`].
///
/// [`stop`]: EmbeddedCluster::stop
pub struct EmbeddedCluster {
    socket_dir: PathBuf,
    data_dir: PathBuf,
    requests: Option<mpsc::Sender<Request>>,
    supervisor: Option<thread::JoinHandle<()>>,
    health: ClusterHealth,
}

impl EmbeddedCluster {
    /// Initialises (first time) and starts a cluster in `dir`, waiting until it accepts
    /// connections.
    pub fn start(dir: &Path) -> Result<EmbeddedCluster, ClusterError> {
        Self::start_with(dir, &ClusterOptions::default())
    }

    /// [`start`](Self::start) with options (TimescaleDB or not, extra settings).
    pub fn start_with(
        dir: &Path,
        options: &ClusterOptions,
    ) -> Result<EmbeddedCluster, ClusterError> {
        let bin = find_bin_dir()?;
        let run_as = run_as()?;
        fs::create_dir_all(dir).map_err(io_err(dir))?;
        let dir = dir.canonicalize().map_err(io_err(dir))?;
        let run_as = run_as.as_ref();
        if let Some(r) = run_as {
            check_reachable(&dir, r)?;
        }
        let data_dir = dir.join("pgdata");
        let socket_dir = socket_dir(&dir);
        make_private_dir(&socket_dir, run_as)?;
        let installed = installed_major(&bin)?;
        let version_file = data_dir.join("PG_VERSION");
        if version_file.exists() {
            let found = fs::read_to_string(&version_file).map_err(io_err(&version_file))?;
            if found.trim() != installed {
                return Err(ClusterError::VersionMismatch {
                    path: data_dir,
                    found: found.trim().to_string(),
                    installed,
                });
            }
        } else {
            make_private_dir(&data_dir, run_as)?;
            let out = command(&bin.join("initdb"), run_as, &dir)
                .args(["--pgdata"])
                .arg(&data_dir)
                .args([
                    "--username",
                    SUPERUSER,
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--no-locale",
                ])
                .output()
                .map_err(|source| ClusterError::Spawn {
                    program: bin.join("initdb"),
                    source,
                })?;
            if !out.status.success() {
                return Err(ClusterError::InitDb(format!(
                    "{}{}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                )));
            }
        }

        let timescale = options.timescale == Timescale::Auto && timescale_installed(&bin);
        if !timescale_installed(&bin) {
            if let Some(line) = config_preloads_timescale(&data_dir) {
                return Err(ClusterError::TimescaleMissing {
                    path: data_dir,
                    found: line,
                    major: installed,
                });
            }
        }
        clear_stale_lock(&data_dir, &socket_dir)?;

        let log_path = dir.join("postgres.log");
        let log = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .map_err(io_err(&log_path))?;
        let log_err = log.try_clone().map_err(io_err(&log_path))?;

        let mut cmd = command(&bin.join("postgres"), run_as, &dir);
        cmd.arg("-D")
            .arg(&data_dir)
            .arg("-k")
            .arg(&socket_dir)
            .args(["-p", &SOCKET_PORT.to_string()])
            .args(["-c", "listen_addresses="])
            .args(["-c", "unix_socket_permissions=0700"])
            .args(["-c", "max_connections=200"])
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err);
        if timescale {
            cmd.args(["-c", "shared_preload_libraries=timescaledb"]);
            for (name, value) in TIMESCALE_SETTINGS {
                cmd.arg("-c").arg(format!("{name}={value}"));
            }
        }
        for (name, value) in &options.settings {
            cmd.arg("-c").arg(format!("{name}={value}"));
        }
        // SAFETY: prctl is async-signal-safe and touches no memory of the parent.
        unsafe {
            cmd.pre_exec(|| {
                nix::sys::prctl::set_pdeathsig(Signal::SIGINT).map_err(std::io::Error::from)
            });
        }

        let (started_tx, started_rx) = mpsc::channel::<Result<(), ClusterError>>();
        let (req_tx, req_rx) = mpsc::channel::<Request>();
        let health = ClusterHealth::up();
        let postmaster = Postmaster {
            cmd,
            data_dir: data_dir.clone(),
            socket_dir: socket_dir.clone(),
            log_path,
        };
        let supervisor = {
            let health = health.clone();
            thread::Builder::new()
                .name("ioc-postgres".into())
                .spawn(move || supervise(postmaster, started_tx, req_rx, health))
                .map_err(io_err(&dir))?
        };
        let mut cluster = EmbeddedCluster {
            socket_dir,
            data_dir,
            requests: Some(req_tx),
            supervisor: Some(supervisor),
            health,
        };
        match started_rx.recv() {
            Ok(Ok(())) => Ok(cluster),
            Ok(Err(e)) => {
                cluster.stop_inner();
                Err(e)
            }
            Err(_) => Err(ClusterError::Start("supervisor thread ended".into())),
        }
    }

    /// Whether the postmaster is up (false while the supervisor restarts it).
    pub fn health(&self) -> ClusterHealth {
        self.health.clone()
    }

    /// Connection options for `database` on this cluster.
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        socket_options(&self.socket_dir, database)
    }

    /// A `postgres://` URL for `database` on this cluster (socket directory in `host`).
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgres://{SUPERUSER}@localhost:{SOCKET_PORT}/{database}?host={}",
            self.socket_dir.display()
        )
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Fast shutdown (open transactions are rolled back, a checkpoint is written), waiting for
    /// the postmaster to exit.
    pub fn stop(mut self) {
        self.stop_inner();
    }

    fn stop_inner(&mut self) {
        if let Some(req) = self.requests.take() {
            let (done_tx, done_rx) = mpsc::channel();
            if req.send(Request::Stop(done_tx)).is_ok() {
                let _ = done_rx.recv();
            }
        }
        if let Some(h) = self.supervisor.take() {
            let _ = h.join();
        }
    }
}

impl Drop for EmbeddedCluster {
    fn drop(&mut self) {
        self.stop_inner();
    }
}

/// What the supervisor needs to (re)start the postmaster.
struct Postmaster {
    cmd: Command,
    data_dir: PathBuf,
    socket_dir: PathBuf,
    log_path: PathBuf,
}

impl Postmaster {
    /// Spawns the postmaster and waits until it accepts connections.
    fn spawn_ready(&mut self) -> Result<Child, ClusterError> {
        clear_stale_lock(&self.data_dir, &self.socket_dir)?;
        let mut child = self
            .cmd
            .spawn()
            .map_err(|e| ClusterError::Start(e.to_string()))?;
        match self.wait_ready(child.id()) {
            Ok(()) => Ok(child),
            Err(e) => {
                shutdown_child(&mut child);
                Err(e)
            }
        }
    }

    fn wait_ready(&self, pid: u32) -> Result<(), ClusterError> {
        let socket = self.socket_dir.join(format!(".s.PGSQL.{SOCKET_PORT}"));
        let pid_file = self.data_dir.join("postmaster.pid");
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if kill(Pid::from_raw(pid as i32), None).is_err() {
                break;
            }
            // postmaster.pid's 8th line says "ready" once connections are accepted; its first
            // line must be our postmaster's pid (not a file left by an earlier, killed one).
            let ready = fs::read_to_string(&pid_file)
                .map(|s| {
                    let lines: Vec<&str> = s.lines().collect();
                    lines.first().map(|l| l.trim()) == Some(pid.to_string().as_str())
                        && lines.get(7).map(|l| l.trim()) == Some("ready")
                })
                .unwrap_or(false);
            if ready && socket.exists() {
                return Ok(());
            }
            thread::sleep(Duration::from_millis(50));
        }
        let log = fs::read_to_string(&self.log_path).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(15).collect();
        Err(ClusterError::Start(
            tail.into_iter().rev().collect::<Vec<_>>().join("\n"),
        ))
    }
}

/// First pause before restarting a postmaster that died, doubled after each failed restart.
const RESTART_BACKOFF: Duration = Duration::from_millis(500);
const MAX_RESTART_BACKOFF: Duration = Duration::from_secs(30);

/// Body of the supervisor thread: owns the postmaster child for its whole life, and starts it
/// again when it dies unexpectedly (the pool reconnects by itself once it is back).
fn supervise(
    mut postmaster: Postmaster,
    started: mpsc::Sender<Result<(), ClusterError>>,
    requests: mpsc::Receiver<Request>,
    health: ClusterHealth,
) {
    let mut child: Child = match postmaster.spawn_ready() {
        Ok(c) => c,
        Err(e) => {
            let _ = started.send(Err(e));
            // Answer the stop request of the failed start.
            while let Ok(Request::Stop(done)) = requests.recv() {
                let _ = done.send(());
            }
            return;
        }
    };
    let _ = started.send(Ok(()));
    let mut backoff = RESTART_BACKOFF;
    loop {
        match requests.recv_timeout(Duration::from_millis(250)) {
            Ok(Request::Stop(done)) => {
                shutdown_child(&mut child);
                let _ = done.send(());
                return;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let Ok(Some(status)) = child.try_wait() else {
                    continue;
                };
                health.set(false);
                tracing::error!(%status, "embedded PostgreSQL exited unexpectedly; restarting it");
                metrics::counter!("ioc_postgres_restarts_total").increment(1);
                // Restart with a growing pause, still answering stop requests meanwhile.
                loop {
                    match requests.recv_timeout(backoff) {
                        Ok(Request::Stop(done)) => {
                            let _ = done.send(());
                            return;
                        }
                        Err(mpsc::RecvTimeoutError::Disconnected) => return,
                        Err(mpsc::RecvTimeoutError::Timeout) => {}
                    }
                    match postmaster.spawn_ready() {
                        Ok(c) => {
                            child = c;
                            health.set(true);
                            backoff = RESTART_BACKOFF;
                            tracing::info!("embedded PostgreSQL restarted");
                            break;
                        }
                        Err(e) => {
                            tracing::error!(error = %e, "restarting embedded PostgreSQL failed");
                            backoff = (backoff * 2).min(MAX_RESTART_BACKOFF);
                        }
                    }
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                shutdown_child(&mut child);
                return;
            }
        }
    }
}

fn shutdown_child(child: &mut Child) {
    let pid = Pid::from_raw(child.id() as i32);
    if let Ok(Some(_)) = child.try_wait() {
        return;
    }
    let _ = kill(pid, Signal::SIGINT);
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        thread::sleep(Duration::from_millis(25));
    }
    // Immediate shutdown: no checkpoint, recovery at next start; still no data loss.
    let _ = kill(pid, Signal::SIGQUIT);
    let _ = child.wait();
}
