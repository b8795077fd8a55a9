//! `ioc serve` without DATABASE_URL: the real binary starts its own cluster, keeps data across
//! restarts and stops the cluster on SIGTERM.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::TOKEN;

fn start(data: &Path, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_ioc"))
        .args(["serve", "--demo=false"])
        .arg(format!("--addr=127.0.0.1:{port}"))
        .arg(format!("--data-dir={}", data.display()))
        .arg(format!("--ingest-token={TOKEN}"))
        .env_remove("DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run ioc")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn wait_ready(http: &reqwest::Client, port: u16, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        assert!(child.try_wait().unwrap().is_none(), "ioc exited early");
        if let Ok(r) = http
            .get(format!("http://127.0.0.1:{port}/readyz"))
            .send()
            .await
        {
            if r.status() == 200 {
                return;
            }
        }
        assert!(Instant::now() < deadline, "not ready in time");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn terminate(child: &mut Child) -> std::process::ExitStatus {
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "ioc did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test]
async fn serve_without_database_url_runs_and_stops_its_own_cluster() {
    let data = tempfile::tempdir().unwrap();
    let http = reqwest::Client::new();
    let port = free_port();
    let mut ioc = start(data.path(), port);
    wait_ready(&http, port, &mut ioc).await;

    let pid_file = data.path().join("postgres/pgdata/postmaster.pid");
    assert!(pid_file.exists(), "cluster running in the data dir");
    let socket_only: Vec<String> = std::fs::read_to_string(&pid_file)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert!(
        socket_only[5].trim().is_empty(),
        "listens on no TCP address: {socket_only:?}"
    );

    let r = http
        .post(format!("http://127.0.0.1:{port}/api/v1/points"))
        .bearer_auth(TOKEN)
        .json(&serde_json::json!({"points": [{"series": "cpi", "unit": "40", "ts": "2026-10-01T00:00:00Z", "value": 103.5}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    let status = terminate(&mut ioc);
    assert!(status.success(), "clean exit: {status:?}");
    assert!(!pid_file.exists(), "cluster stopped with the server");

    // Data survives a restart on the same data directory.
    let port = free_port();
    let mut ioc = start(data.path(), port);
    wait_ready(&http, port, &mut ioc).await;
    // The stream continues where it was: its second point gets offset 2.
    let r = http
        .post(format!("http://127.0.0.1:{port}/api/v1/points"))
        .bearer_auth(TOKEN)
        .json(&serde_json::json!({"points": [{"series": "cpi", "unit": "40", "ts": "2026-11-01T00:00:00Z", "value": 103.7}]}))
        .send()
        .await
        .unwrap();
    let receipt: serde_json::Value = r.json().await.unwrap();
    assert_eq!(receipt["streams"][0]["offset"], 2, "{receipt}");
    assert!(terminate(&mut ioc).success());
    assert!(!pid_file.exists());
}

#[tokio::test]
async fn a_killed_server_does_not_leave_its_cluster_behind() {
    let data = tempfile::tempdir().unwrap();
    let http = reqwest::Client::new();
    let port = free_port();
    let mut ioc = start(data.path(), port);
    wait_ready(&http, port, &mut ioc).await;
    let pid_file = data.path().join("postgres/pgdata/postmaster.pid");
    let pg_pid: i32 = std::fs::read_to_string(&pid_file)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    ioc.kill().unwrap();
    ioc.wait().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while nix::sys::signal::kill(nix::unistd::Pid::from_raw(pg_pid), None).is_ok() {
        assert!(
            Instant::now() < deadline,
            "postmaster {pg_pid} still running after its server was killed"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn pid_of_postmaster(data: &Path) -> i32 {
    std::fs::read_to_string(data.join("postgres/pgdata/postmaster.pid"))
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

async fn post_point(http: &reqwest::Client, port: u16, ts: &str) -> serde_json::Value {
    let r = http
        .post(format!("http://127.0.0.1:{port}/api/v1/points"))
        .bearer_auth(TOKEN)
        .json(&serde_json::json!({"points": [{"series": "cpi", "unit": "40", "ts": ts, "value": 103.5}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

fn sigkill(pid: i32) {
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid),
        nix::sys::signal::Signal::SIGKILL,
    );
}

/// A power cut: the postmaster and the server die at once, leaving `postmaster.pid` and the
/// socket behind. The next start must work the first time, with the data kept.
#[tokio::test]
async fn the_first_start_after_an_unclean_stop_works() {
    let data = tempfile::tempdir().unwrap();
    let http = reqwest::Client::new();
    let port = free_port();
    let mut ioc = start(data.path(), port);
    wait_ready(&http, port, &mut ioc).await;
    post_point(&http, port, "2026-10-01T00:00:00Z").await;
    let pg_pid = pid_of_postmaster(data.path());
    sigkill(pg_pid);
    ioc.kill().unwrap();
    ioc.wait().unwrap();
    let pid_file = data.path().join("postgres/pgdata/postmaster.pid");
    assert!(pid_file.exists(), "the unclean stop left its lock file");
    assert!(
        data.path().join("postgres/pgsocket/.s.PGSQL.5432").exists(),
        "and its socket"
    );

    let port = free_port();
    let mut ioc = start(data.path(), port);
    wait_ready(&http, port, &mut ioc).await;
    let receipt = post_point(&http, port, "2026-11-01T00:00:00Z").await;
    assert_eq!(receipt["streams"][0]["offset"], 2, "data kept: {receipt}");
    assert_ne!(pid_of_postmaster(data.path()), pg_pid, "a new postmaster");
    assert!(terminate(&mut ioc).success());
}

/// A postmaster that dies while the server runs is started again; `/healthz` says so meanwhile,
/// and the server works again afterwards without a restart of its own.
#[tokio::test]
async fn a_dead_postmaster_is_restarted_by_the_supervisor() {
    let data = tempfile::tempdir().unwrap();
    let http = reqwest::Client::new();
    let port = free_port();
    let mut ioc = start(data.path(), port);
    wait_ready(&http, port, &mut ioc).await;
    post_point(&http, port, "2026-10-01T00:00:00Z").await;
    let first = pid_of_postmaster(data.path());
    sigkill(first);

    let health = |http: reqwest::Client| async move {
        http.get(format!("http://127.0.0.1:{port}/healthz"))
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0)
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut saw_down = false;
    loop {
        assert!(
            ioc.try_wait().unwrap().is_none(),
            "the server keeps running"
        );
        let status = health(http.clone()).await;
        if status == 503 {
            saw_down = true;
        }
        if saw_down && status == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "postmaster not restarted in time"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_ne!(pid_of_postmaster(data.path()), first, "a new postmaster");
    // The pool reconnects by itself.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let r = http
            .post(format!("http://127.0.0.1:{port}/api/v1/points"))
            .bearer_auth(TOKEN)
            .json(&serde_json::json!({"points": [{"series": "cpi", "unit": "40", "ts": "2026-11-01T00:00:00Z", "value": 103.7}]}))
            .send()
            .await
            .unwrap();
        if r.status() == 200 {
            let receipt: serde_json::Value = r.json().await.unwrap();
            assert_eq!(receipt["streams"][0]["offset"], 2, "{receipt}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "writes work again: {}",
            r.status()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(terminate(&mut ioc).success());
    assert!(
        !data.path().join("postgres/pgdata/postmaster.pid").exists(),
        "the restarted postmaster stops with the server"
    );
}

/// A data directory configured for TimescaleDB, opened where TimescaleDB is not installed: a
/// clear error naming the cause, not a failure inside PostgreSQL.
#[tokio::test]
async fn a_timescale_data_directory_without_timescale_is_a_clear_error() {
    use ioc_server::db::embedded::{ClusterError, EmbeddedCluster};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let cluster = tokio::task::spawn_blocking(move || EmbeddedCluster::start(&path))
        .await
        .unwrap()
        .expect("a plain cluster starts");
    let data_dir = cluster.data_dir().to_path_buf();
    tokio::task::spawn_blocking(move || cluster.stop())
        .await
        .unwrap();
    let conf = data_dir.join("postgresql.conf");
    let mut text = std::fs::read_to_string(&conf).unwrap();
    text.push_str("\nshared_preload_libraries = 'timescaledb'\t# made on a TimescaleDB host\n");
    std::fs::write(&conf, text).unwrap();
    let path = dir.path().to_path_buf();
    let result = tokio::task::spawn_blocking(move || EmbeddedCluster::start(&path))
        .await
        .unwrap();
    let timescale_here = std::path::Path::new("/usr/share/postgresql")
        .read_dir()
        .into_iter()
        .flatten()
        .flatten()
        .any(|d| d.path().join("extension/timescaledb.control").exists());
    if timescale_here {
        // Where it is installed, the directory simply opens.
        result.expect("opens where TimescaleDB is installed").stop();
        return;
    }
    match result {
        Err(e @ ClusterError::TimescaleMissing { .. }) => {
            let text = e.to_string();
            assert!(
                text.contains("TimescaleDB") && text.contains("install"),
                "{text}"
            );
        }
        Err(other) => panic!("expected TimescaleMissing, got {other}"),
        Ok(c) => {
            c.stop();
            panic!("a TimescaleDB data directory opened without TimescaleDB");
        }
    }
}
