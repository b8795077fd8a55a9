use clap::Parser;
use ioc_server::config::{Cli, Command};

/// mimalloc instead of glibc's malloc: the dossier feed allocates and frees many small strings per
/// event across threads, where glibc's allocator spent half of the server's CPU (perf, 2 cores).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(config) => {
            ioc_server::telemetry::init_logs(config.log_format);
            raise_open_files_limit();
            let running = ioc_server::start(config).await?;
            let shutdown = running.shutdown.clone();
            tokio::spawn(async move {
                wait_for_signal().await;
                tracing::info!("shutting down");
                shutdown.cancel();
            });
            running.wait().await
        }
        Command::Admin(config) => {
            ioc_server::telemetry::init_logs(ioc_server::config::LogFormat::Text);
            ioc_server::auth::cli::run(config).await
        }
        Command::Simulate(config) => {
            ioc_server::telemetry::init_logs(ioc_server::config::LogFormat::Text);
            ioc_server::dossiers::simulate::run_cli(config).await
        }
    }
}

/// SIGINT (Ctrl-C) or SIGTERM (systemd, CI).
async fn wait_for_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).expect("install SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}

/// Every WebSocket is a file descriptor: take the hard limit, not the (often 1024) soft one.
fn raise_open_files_limit() {
    use nix::sys::resource::{getrlimit, setrlimit, Resource};
    if let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE) {
        if soft < hard && setrlimit(Resource::RLIMIT_NOFILE, hard, hard).is_ok() {
            tracing::debug!(from = soft, to = hard, "raised the open files limit");
        }
    }
}
