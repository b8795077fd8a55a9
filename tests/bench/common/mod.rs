//! What the benchmarks share: the private PostgreSQL they start, the series they write, and how
//! they read memory and report latencies. Each bench uses a part of it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::time::Duration;

use ioc_server::db::{self, EmbeddedCluster};

/// The indicator series the point benches write (seed 000's monthly figures).
pub const SERIES: [&str; 8] = [
    "iip",
    "retail_sales",
    "exports",
    "imports",
    "cpi",
    "budget_revenue",
    "public_investment",
    "new_enterprises",
];

/// Starts a private PostgreSQL cluster in a temporary directory named after `name` and this
/// process, with the database `bench`. The directory is the caller's to remove.
pub async fn cluster(name: &str) -> (PathBuf, EmbeddedCluster) {
    let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
    let pg = tokio::task::spawn_blocking({
        let dir = dir.clone();
        move || EmbeddedCluster::start(&dir)
    })
    .await
    .expect("join")
    .expect("start PostgreSQL");
    db::create_database_if_missing(&pg, "bench")
        .await
        .expect("database");
    (dir, pg)
}

/// A field of `/proc/{pid}/status` in KiB (`VmRSS`, `RssAnon`…); 0 when unreadable.
pub fn proc_status_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with(field)).map(|l| {
                l.split_whitespace()
                    .nth(1)
                    .unwrap_or("0")
                    .parse()
                    .unwrap_or(0)
            })
        })
        .unwrap_or(0)
}

/// This process's resident set in KiB.
pub fn rss_kib() -> u64 {
    proc_status_kib(std::process::id(), "VmRSS:")
}

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Prints `name: n p50 p95 p99 max` of `samples`.
pub fn report(name: &str, mut samples: Vec<Duration>) {
    if samples.is_empty() {
        println!("{name}: no samples");
        return;
    }
    samples.sort();
    println!(
        "{name}: n={} p50={:.1?} p95={:.1?} p99={:.1?} max={:.1?}",
        samples.len(),
        percentile(&samples, 0.5),
        percentile(&samples, 0.95),
        percentile(&samples, 0.99),
        samples[samples.len() - 1]
    );
}
