//! A unit's 766 index month by month: the stored monthly indexes of the last N months, the
//! months never computed (before the worker ran, or older than the data it followed) computed
//! on demand exactly as the worker would ([`super::live::compute_period`]).

use chrono::NaiveDate;
use ioc_protocol::{IndexSummary, TrendMonth};
use sqlx::PgPool;

use super::index::{IndexPeriod, PeriodKind};

/// The first days of the `n` months ending with the month of `today`, oldest first.
pub fn months(today: NaiveDate, n: u32) -> Vec<IndexPeriod> {
    let mut out = Vec::with_capacity(n as usize);
    let mut month = PeriodKind::Month.containing(today);
    for _ in 0..n {
        out.push(month);
        month = PeriodKind::Month.containing(month.start.pred_opt().unwrap_or(month.start));
    }
    out.reverse();
    out
}

/// The index of `unit` for each month of `periods` (computing the months nobody computed).
pub async fn trend(
    db: &PgPool,
    province: &str,
    unit: &str,
    periods: &[IndexPeriod],
) -> Result<Vec<TrendMonth>, sqlx::Error> {
    let starts: Vec<NaiveDate> = periods.iter().map(|p| p.start).collect();
    // A month counts as computed when the province's row exists (every unit is stored with it).
    let computed: Vec<NaiveDate> = sqlx::query_scalar!(
        "SELECT period_start FROM dossier_index
         WHERE period_kind = 'month' AND unit_code = $1 AND period_start = ANY($2)",
        province,
        &starts
    )
    .fetch_all(db)
    .await?;
    for p in periods.iter().filter(|p| !computed.contains(&p.start)) {
        super::live::compute_period(db, province, *p).await?;
    }
    let rows = sqlx::query!(
        "SELECT period_start, detail FROM dossier_index
         WHERE period_kind = 'month' AND unit_code = $1 AND period_start = ANY($2)
         ORDER BY period_start",
        unit,
        &starts
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let s: IndexSummary = serde_json::from_value(r.detail["summary"].clone()).ok()?;
            Some(TrendMonth {
                month: r.period_start,
                total: s.total,
                band_vi: s.band_vi,
                band_en: s.band_en,
                groups: s.groups,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    #[test]
    fn months_run_back_across_the_new_year_oldest_first() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let got: Vec<(NaiveDate, NaiveDate)> = months(d(2026, 2, 10), 3)
            .iter()
            .map(|p| (p.start, p.end))
            .collect();
        assert_eq!(
            got,
            vec![
                (d(2025, 12, 1), d(2025, 12, 31)),
                (d(2026, 1, 1), d(2026, 1, 31)),
                (d(2026, 2, 1), d(2026, 2, 28)),
            ]
        );
        assert_eq!(months(d(2026, 2, 10), 12)[0].start.month(), 3);
    }
}
