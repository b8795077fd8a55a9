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

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
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
}

impl EmbeddedCluster {
    /// Initialises (first time) and starts a cluster in `dir`, waiting until it accepts
    /// connections.
    pub fn start(dir: &Path) -> Result<EmbeddedCluster, ClusterError> {
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
        if timescale_installed(&bin) {
            cmd.args(["-c", "shared_preload_libraries=timescaledb"]);
        }
        // SAFETY: prctl is async-signal-safe and touches no memory of the parent.
        unsafe {
            cmd.pre_exec(|| {
                nix::sys::prctl::set_pdeathsig(Signal::SIGINT).map_err(std::io::Error::from)
            });
        }

        let (started_tx, started_rx) = mpsc::channel::<Result<u32, ClusterError>>();
        let (req_tx, req_rx) = mpsc::channel::<Request>();
        let supervisor = thread::Builder::new()
            .name("ioc-postgres".into())
            .spawn(move || supervise(cmd, started_tx, req_rx))
            .map_err(io_err(&dir))?;
        let pid = started_rx
            .recv()
            .map_err(|_| ClusterError::Start("supervisor thread ended".into()))??;

        let cluster = EmbeddedCluster {
            socket_dir,
            data_dir,
            requests: Some(req_tx),
            supervisor: Some(supervisor),
        };
        cluster.wait_ready(pid, &log_path)?;
        Ok(cluster)
    }

    fn wait_ready(&self, pid: u32, log_path: &Path) -> Result<(), ClusterError> {
        let socket = self.socket_dir.join(format!(".s.PGSQL.{SOCKET_PORT}"));
        let pid_file = self.data_dir.join("postmaster.pid");
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if kill(Pid::from_raw(pid as i32), None).is_err() {
                break;
            }
            // postmaster.pid's 8th line says "ready" once connections are accepted.
            let ready = fs::read_to_string(&pid_file)
                .map(|s| {
                    s.lines()
                        .nth(7)
                        .map(|l| l.trim() == "ready")
                        .unwrap_or(false)
                })
                .unwrap_or(false);
            if ready && socket.exists() {
                return Ok(());
            }
            thread::sleep(Duration::from_millis(50));
        }
        let log = fs::read_to_string(log_path).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(15).collect();
        Err(ClusterError::Start(
            tail.into_iter().rev().collect::<Vec<_>>().join("\n"),
        ))
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

/// Body of the supervisor thread: owns the postmaster child for its whole life.
fn supervise(
    mut cmd: Command,
    started: mpsc::Sender<Result<u32, ClusterError>>,
    requests: mpsc::Receiver<Request>,
) {
    let mut child: Child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            let _ = started.send(Err(ClusterError::Start(e.to_string())));
            return;
        }
    };
    let pid = child.id();
    let _ = started.send(Ok(pid));
    loop {
        match requests.recv_timeout(Duration::from_millis(500)) {
            Ok(Request::Stop(done)) => {
                shutdown_child(&mut child);
                let _ = done.send(());
                return;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if let Ok(Some(status)) = child.try_wait() {
                    tracing::error!(%status, "embedded PostgreSQL exited unexpectedly");
                    // Keep serving stop requests so shutdown does not hang.
                    while let Ok(Request::Stop(done)) = requests.recv() {
                        let _ = done.send(());
                    }
                    return;
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
