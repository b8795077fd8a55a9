//! The demo feed: keeps a fresh installation's wall alive with plausible values.
//!
//! Every value it writes is stored with source `demo` and shown with a "DỮ LIỆU MẪU / DEMO DATA"
//! label; the wall also shows a banner while the feed is on. Turn it off with `--demo false`
//! (`IOC_DEMO=false`). Values go through the same ingestion path as the API's, so the demo
//! exercises exactly what real clients use.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use ioc_frontend::protocol::PointIn;
use rand::Rng;
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

use crate::indicators::points;
use crate::live::Hub;

/// Monthly levels around which the demo wanders, of the order of Nghệ An's published figures
/// (2019–2021: budget revenue 17,679 billion VND a year, 938 new enterprises in a half-year,
/// IIP and CPI around 110 % and 103 % of the same period). Illustrative only.
const PROFILES: &[(&str, f64, f64)] = &[
    // (series, level, relative step)
    ("iip", 110.0, 0.004),
    ("retail_sales", 7_450.0, 0.006),
    ("exports", 165.0, 0.01),
    ("imports", 92.0, 0.01),
    ("cpi", 103.2, 0.001),
    ("budget_revenue", 1_470.0, 0.008),
    ("public_investment", 880.0, 0.01),
    ("new_enterprises", 158.0, 0.03),
];

pub struct DemoFeed {
    pub db: PgPool,
    pub hub: Arc<Hub>,
    pub epoch: Arc<str>,
    pub unit: String,
    pub interval: Duration,
}

impl DemoFeed {
    /// Runs until `shutdown`. Failures are logged and the feed goes on: it must never take the
    /// server down.
    pub async fn run(self, shutdown: CancellationToken) {
        let mut values: Vec<f64> = PROFILES.iter().map(|p| p.1).collect();
        let mut tick = tokio::time::interval(self.interval);
        let mut next = 0usize;
        tracing::info!(interval_ms = self.interval.as_millis() as u64, "demo feed on");
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tick.tick() => {}
            }
            let (series, level, step) = PROFILES[next];
            let value = wander(values[next], level, step, &mut rand::rng());
            values[next] = value;
            next = (next + 1) % PROFILES.len();
            let point = PointIn { series: series.into(), unit: self.unit.clone(), ts: Utc::now(), value };
            match points::ingest(&self.db, &self.epoch, std::slice::from_ref(&point), None).await {
                Ok(done) => done.publications.into_iter().for_each(|p| self.hub.publish(p)),
                Err(e) => tracing::warn!(error = %e, "demo feed could not write"),
            }
        }
    }
}

/// A random step that drifts back towards `level`, so the values stay plausible for days.
fn wander(current: f64, level: f64, step: f64, rng: &mut impl Rng) -> f64 {
    let noise: f64 = rng.random_range(-1.0..1.0);
    let pull = (level - current) / level * 0.1;
    let next = current * (1.0 + step * noise + pull);
    if level >= 100.0 && step >= 0.03 { next.round() } else { next }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wandering_stays_near_the_level() {
        let mut rng = rand::rng();
        for &(_, level, step) in PROFILES {
            let mut v = level;
            for _ in 0..10_000 {
                v = wander(v, level, step, &mut rng);
                assert!(v.is_finite());
            }
            assert!((v - level).abs() / level < 0.5, "{v} drifted from {level}");
        }
    }
}
