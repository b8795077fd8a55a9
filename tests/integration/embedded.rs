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
