use clap::Parser;
use ioc_server::config::{Cli, Command};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(config) => {
            ioc_server::telemetry::init_logs(config.log_format);
            let running = ioc_server::start(config).await?;
            let shutdown = running.shutdown.clone();
            tokio::spawn(async move {
                wait_for_signal().await;
                tracing::info!("shutting down");
                shutdown.cancel();
            });
            running.wait().await
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
