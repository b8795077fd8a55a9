//! Logs (`tracing`) and metrics (Prometheus exposition through the `metrics` facade).

use std::sync::OnceLock;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Installs the log subscriber: `RUST_LOG` filters (default `info`), text or JSON lines.
pub fn init_logs(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

/// The process-wide metrics recorder (installed once; several servers in one test process share it).
pub fn prometheus() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let handle = PrometheusBuilder::new()
                .install_recorder()
                .expect("no other metrics recorder is installed");
            let upkeep = handle.clone();
            // Histograms need periodic upkeep when nothing scrapes for a long time.
            std::thread::Builder::new()
                .name("metrics-upkeep".into())
                .spawn(move || loop {
                    std::thread::sleep(std::time::Duration::from_secs(5));
                    upkeep.run_upkeep();
                })
                .expect("spawn metrics upkeep");
            describe_live();
            handle
        })
        .clone()
}

/// What the live hub's metrics mean (the `# HELP` lines of `/metrics`). The coalescing ratio is
/// `ioc_ws_messages_total / ioc_ws_frames_total`.
fn describe_live() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_gauge!(
        "ioc_ws_connections",
        "WebSocket clients connected to this process"
    );
    describe_gauge!("ioc_live_topics", "Topics with followers on this process");
    describe_gauge!(
        "ioc_live_listening",
        "1 while this process listens for the other processes' publications"
    );
    describe_counter!(
        "ioc_live_publications_total",
        "Publications committed by this process"
    );
    describe_counter!(
        "ioc_ws_publications_out_total",
        "Publications queued to followers (one per follower)"
    );
    describe_counter!("ioc_ws_frames_total", "WebSocket text frames written");
    describe_counter!(
        "ioc_ws_messages_total",
        "Protocol frames written, a batch counting each of its frames"
    );
    describe_counter!(
        "ioc_ws_batched_frames_total",
        "Frames that carried a batch of several"
    );
    describe_counter!(
        "ioc_ws_coalesced_total",
        "States of state topics not sent because a newer one was queued"
    );
    describe_counter!(
        "ioc_ws_resyncs_total",
        "Followers given the state as the truth or caught up after falling behind"
    );
    describe_counter!(
        "ioc_ws_queue_drops_total",
        "Publications dropped from the queues of slow connections"
    );
    describe_counter!(
        "ioc_ws_write_timeouts_total",
        "Connections closed because the client stopped reading"
    );
    describe_counter!(
        "ioc_ws_slow_clients_total",
        "Times a connection's queue overflowed"
    );
    describe_counter!(
        "ioc_live_fills_total",
        "Gap reads from storage (one per topic, not per follower)"
    );
    describe_counter!(
        "ioc_live_backfills_total",
        "History reads for followers reconnecting from before the hub's history"
    );
    describe_counter!(
        "ioc_live_gaps_skipped_total",
        "Announced publications storage did not have (followers got the state)"
    );
    describe_counter!(
        "ioc_live_announcements_total",
        "Offsets announced by other processes (NOTIFY)"
    );
    describe_counter!(
        "ioc_live_listen_reconnects_total",
        "Times the listening connection was re-established"
    );
    describe_histogram!(
        "ioc_live_notify_lag_seconds",
        "From another process's commit-time NOTIFY to its receipt here"
    );
    // Shown at zero from the start, so that a dashboard and an alert can rely on them.
    for name in [
        "ioc_ws_resyncs_total",
        "ioc_ws_queue_drops_total",
        "ioc_ws_slow_clients_total",
        "ioc_ws_coalesced_total",
        "ioc_ws_batched_frames_total",
        "ioc_live_gaps_skipped_total",
        "ioc_live_announcements_total",
    ] {
        metrics::counter!(name).increment(0);
    }
}
