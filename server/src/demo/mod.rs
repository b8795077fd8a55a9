//! The demo feed: gives a fresh installation a wall with history and movement.
//!
//! On start it writes plausible monthly figures for the province from 2019-01 to the last month
//! (once: skipped when the province already has figures), anchored on Nghệ An's published
//! numbers (`../shared/data/real_figures_2019_2021.csv`: budget revenue 10,042 billion VND in
//! H1 2021 and 17,679 for the year, 938 new enterprises and 10,517 billion VND of registered
//! capital in H1 2021) with seasonality and the 2020 COVID dip. Then, every interval, it revises
//! the latest month's estimate of one indicator, as departments do when better data arrives.
//!
//! Everything it writes has source `demo` and is labelled "DỮ LIỆU MẪU / DEMO DATA" on the wall,
//! which also shows a banner while the feed is on. Demo figures are never queued for the
//! Government system and never audited. Turn it off with `--demo false` (`IOC_DEMO=false`).

use std::sync::Arc;
use std::time::Duration;

use chrono::{Datelike, NaiveDate, Utc};
use ioc_protocol::{months_before, period_ts, ts_period, FigureKind};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

use crate::indicators::catalogue;
use crate::live::Hub;
use crate::series::points;

/// How a demo indicator moves: level in January 2019, yearly growth, seasonal amplitude, noise.
/// `index` series are "% of the same period last year" (about 100).
struct Profile {
    series: &'static str,
    level: f64,
    growth: f64,
    season: f64,
    noise: f64,
    index: bool,
}

const PROFILES: &[Profile] = &[
    Profile {
        series: "iip",
        level: 109.0,
        growth: 0.0,
        season: 0.0,
        noise: 0.02,
        index: true,
    },
    Profile {
        series: "retail_sales",
        level: 5_600.0,
        growth: 0.09,
        season: 0.06,
        noise: 0.02,
        index: false,
    },
    Profile {
        series: "exports",
        level: 95.0,
        growth: 0.14,
        season: 0.08,
        noise: 0.06,
        index: false,
    },
    Profile {
        series: "imports",
        level: 60.0,
        growth: 0.12,
        season: 0.08,
        noise: 0.07,
        index: false,
    },
    Profile {
        series: "cpi",
        level: 102.8,
        growth: 0.0,
        season: 0.0,
        noise: 0.006,
        index: true,
    },
    Profile {
        series: "budget_revenue",
        level: 1_250.0,
        growth: 0.08,
        season: 0.2,
        noise: 0.08,
        index: false,
    },
    Profile {
        series: "public_investment",
        level: 560.0,
        growth: 0.1,
        season: 0.45,
        noise: 0.1,
        index: false,
    },
    Profile {
        series: "new_enterprises",
        level: 120.0,
        growth: 0.06,
        season: 0.2,
        noise: 0.12,
        index: false,
    },
    Profile {
        series: "new_enterprise_capital",
        level: 1_300.0,
        growth: 0.06,
        season: 0.2,
        noise: 0.2,
        index: false,
    },
];

/// Published half-year and year totals the generated months are scaled to (Nghệ An, 2021).
const ANCHORS: &[(&str, i32, u32, u32, f64)] = &[
    // (series, year, first month, last month, total)
    ("budget_revenue", 2021, 1, 6, 10_042.0),
    ("budget_revenue", 2021, 7, 12, 17_678.617 - 10_042.0),
    ("new_enterprises", 2021, 1, 6, 938.0),
    ("new_enterprise_capital", 2021, 1, 6, 10_516.7),
];

/// The generated months of one profile, 2019-01 to `last`, scaled to the anchors.
fn history(p: &Profile, last: NaiveDate, rng: &mut impl Rng) -> Vec<(NaiveDate, f64)> {
    let mut out = Vec::new();
    let mut m = NaiveDate::from_ymd_opt(2019, 1, 1).expect("valid");
    while m <= last {
        let years = (m.year() - 2019) as f64 + m.month0() as f64 / 12.0;
        let noise = rng.random_range(-1.0..1.0) * p.noise;
        let v = if p.index {
            // Around the level, with the 2020 slump in industry and prices.
            let covid = if m.year() == 2020 && (4..=9).contains(&m.month()) {
                -6.0
            } else {
                0.0
            };
            p.level + covid * if p.series == "cpi" { 0.3 } else { 1.0 } + noise * 100.0
        } else {
            // Spending and revenue peak at year end; January–February are Tết months.
            let season = 1.0 + p.season * ((m.month() as f64 - 1.0) / 11.0 - 0.5) * 2.0;
            let covid = if m.year() == 2020 && (4..=5).contains(&m.month()) {
                0.85
            } else {
                1.0
            };
            p.level * (1.0 + p.growth).powf(years) * season * covid * (1.0 + noise)
        };
        out.push((m, v));
        m = months_before(m, -1);
    }
    for &(series, year, from, to, total) in ANCHORS {
        if series != p.series {
            continue;
        }
        let span = |d: &NaiveDate| d.year() == year && (from..=to).contains(&d.month());
        let sum: f64 = out.iter().filter(|(d, _)| span(d)).map(|(_, v)| v).sum();
        if sum > 0.0 && out.iter().filter(|(d, _)| span(d)).count() == (to - from + 1) as usize {
            out.iter_mut()
                .filter(|(d, _)| span(d))
                .for_each(|(_, v)| *v *= total / sum);
        }
    }
    for (_, v) in &mut out {
        *v = if p.series == "new_enterprises" {
            v.round()
        } else {
            (*v * 10.0).round() / 10.0
        };
    }
    out
}

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
        tracing::info!(
            interval_ms = self.interval.as_millis() as u64,
            "demo feed on"
        );
        let mut rng = StdRng::from_os_rng();
        if let Err(e) = self.seed(&mut rng).await {
            tracing::warn!(error = %e, "demo history not written");
        }
        let mut tick = tokio::time::interval(self.interval);
        tick.tick().await;
        let mut next = 0usize;
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tick.tick() => {}
            }
            let p = &PROFILES[next];
            next = (next + 1) % PROFILES.len();
            if let Err(e) = self.revise(p, &mut rng).await {
                tracing::warn!(error = %e, "demo feed could not write");
            }
        }
    }

    /// Writes the history once: nothing happens when the province has figures already.
    async fn seed(&self, rng: &mut impl Rng) -> Result<(), sqlx::Error> {
        let has: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM indicator_figures WHERE area_code = $1)",
        )
        .bind(&self.unit)
        .fetch_one(&self.db)
        .await?;
        if has {
            return Ok(());
        }
        let last = months_before(ts_period(Utc::now()), 1);
        let ids: std::collections::HashMap<String, i32> = catalogue::list(&self.db)
            .await?
            .into_iter()
            .map(|i| (i.def.code, i.id))
            .collect();
        let mut tx = self.db.begin().await?;
        let official = points::figure_source(true, FigureKind::Official);
        let estimate = points::figure_source(true, FigureKind::Estimate);
        let mut publications = Vec::new();
        for p in PROFILES {
            let Some(&id) = ids.get(p.series) else {
                continue;
            };
            let months = history(p, last, rng);
            // The last month is still an estimate (ước); earlier months are official.
            let kinds: Vec<&str> = months
                .iter()
                .map(|(m, _)| if *m == last { "estimate" } else { "official" })
                .collect();
            sqlx::query(
                "INSERT INTO indicator_figures (series_id, area_code, period, kind, value, source, recorded_by)
                 SELECT $1, $2, p, k, v::numeric, 'demo', 'system:demo'
                 FROM UNNEST($3::date[], $4::text[], $5::float8[]) AS x(p, k, v)",
            )
            .bind(id)
            .bind(&self.unit)
            .bind(months.iter().map(|(m, _)| *m).collect::<Vec<_>>())
            .bind(&kinds)
            .bind(months.iter().map(|(_, v)| *v).collect::<Vec<_>>())
            .execute(&mut *tx)
            .await?;
            let new_points: Vec<points::NewPoint<'_>> = months
                .iter()
                .map(|(m, v)| points::NewPoint {
                    series_id: id,
                    series: p.series,
                    unit: &self.unit,
                    ts: period_ts(*m),
                    value: *v,
                    source: if *m == last { &estimate } else { &official },
                })
                .collect();
            publications.extend(
                points::append(&mut tx, &self.epoch, &new_points)
                    .await?
                    .publications,
            );
        }
        tx.commit().await?;
        publications.into_iter().for_each(|p| self.hub.publish(p));
        tracing::info!(unit = %self.unit, "demo history written from 2019-01");
        Ok(())
    }

    /// Revises the latest month's estimate of one indicator by a small step.
    async fn revise(&self, p: &Profile, rng: &mut impl Rng) -> Result<(), sqlx::Error> {
        let Some(ind) = catalogue::get(&self.db, p.series).await? else {
            return Ok(());
        };
        let last = months_before(ts_period(Utc::now()), 1);
        let current: Option<f64> = sqlx::query_scalar(
            "SELECT value::float8 FROM indicator_figures WHERE series_id = $1 AND area_code = $2 AND period = $3
             ORDER BY (kind = 'official') DESC, id DESC LIMIT 1",
        )
        .bind(ind.id)
        .bind(&self.unit)
        .bind(last)
        .fetch_optional(&self.db)
        .await?;
        let base = current.unwrap_or(p.level);
        let step = if p.index {
            rng.random_range(-0.3..0.3)
        } else {
            base * rng.random_range(-0.01..0.01)
        };
        let value = ((base + step) * 10.0).round() / 10.0;
        let mut tx = self.db.begin().await?;
        sqlx::query(
            "INSERT INTO indicator_figures (series_id, area_code, period, kind, value, source, recorded_by)
             VALUES ($1, $2, $3, 'estimate', $4::float8::numeric, 'demo', 'system:demo')",
        )
        .bind(ind.id)
        .bind(&self.unit)
        .bind(last)
        .bind(value)
        .execute(&mut *tx)
        .await?;
        let source = points::figure_source(true, FigureKind::Estimate);
        let point = points::NewPoint {
            series_id: ind.id,
            series: p.series,
            unit: &self.unit,
            ts: period_ts(last),
            value,
            source: &source,
        };
        let appended = points::append(&mut tx, &self.epoch, std::slice::from_ref(&point)).await?;
        tx.commit().await?;
        appended
            .publications
            .into_iter()
            .for_each(|p| self.hub.publish(p));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_is_plausible_and_meets_the_published_totals() {
        let mut rng = StdRng::seed_from_u64(7);
        let last = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
        for p in PROFILES {
            let h = history(p, last, &mut rng);
            assert_eq!(h.len(), 7 * 12 + 10, "{}: 2019-01 → 2026-10", p.series);
            assert!(
                h.iter().all(|(_, v)| v.is_finite() && *v > 0.0),
                "{}",
                p.series
            );
            if p.index {
                assert!(
                    h.iter().all(|(_, v)| (80.0..130.0).contains(v)),
                    "{}: an index stays near 100",
                    p.series
                );
            }
        }
        let budget = history(&PROFILES[5], last, &mut rng);
        let h1: f64 = budget
            .iter()
            .filter(|(d, _)| d.year() == 2021 && d.month() <= 6)
            .map(|(_, v)| v)
            .sum();
        let year: f64 = budget
            .iter()
            .filter(|(d, _)| d.year() == 2021)
            .map(|(_, v)| v)
            .sum();
        assert!((h1 - 10_042.0).abs() < 1.0, "H1 2021 budget revenue {h1}");
        assert!((year - 17_678.6).abs() < 1.0, "2021 budget revenue {year}");
    }
}
