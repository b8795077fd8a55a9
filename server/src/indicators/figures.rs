//! The published figures (`indicator_figures`): what the province approved or imported as
//! history, read month by month for tiles, charts and checks, with the units that merged in the
//! 2025 reorganisation rolled up into their successor.

use chrono::NaiveDate;
use ioc_protocol::{format_period, year_to_date, Aggregation, FigureKind, MonthFigure};
use sqlx::PgExecutor;

/// One month as stored, before the year to date is derived.
#[derive(sqlx::FromRow)]
struct MonthRow {
    period: NaiveDate,
    value: f64,
    ytd: Option<f64>,
    kind: FigureKind,
    rolled_up: bool,
    partial: bool,
    demo: bool,
}

/// Months of one series for one area in `[from, to]`, in period order.
///
/// For each month the official figure wins over the estimate, and the latest row of a kind wins
/// over earlier ones (revisions are appended, never overwritten). A month the area has no
/// figure for is rolled up from the units that merged *wholly* into it (historic units with
/// exactly one successor, followed back through every earlier reorganisation): summed where the
/// indicator is a sum or a stock. Averages and rates of merged units cannot be combined without
/// weights the data does not carry, so those months stay empty rather than wrong. A rolled-up
/// month that misses some of the units the area was made of (one sent nothing for that month,
/// or was split between several successors and cannot be added whole) is marked `partial`: the
/// sum is lower than the real total, and the wall and the chart say so.
pub async fn months(
    db: impl PgExecutor<'_>,
    series_id: i32,
    aggregation: Aggregation,
    area: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<MonthFigure>, sqlx::Error> {
    let additive = matches!(aggregation, Aggregation::Sum | Aggregation::Last);
    let rows: Vec<MonthRow> = sqlx::query_as(
        "WITH RECURSIVE merged(code, root) AS (
             SELECT s.old_code, s.old_code FROM unit_successors s
             WHERE s.new_code = $2 AND $5
               AND (SELECT count(*) FROM unit_successors o WHERE o.old_code = s.old_code) = 1
             UNION
             SELECT s.old_code, m.root FROM unit_successors s JOIN merged m ON s.new_code = m.code
             WHERE (SELECT count(*) FROM unit_successors o WHERE o.old_code = s.old_code) = 1
         ),
         -- Every unit the area was made of, whole or in part: a roll-up that misses one of them
         -- is incomplete.
         predecessors AS (SELECT count(*) AS n FROM unit_successors WHERE new_code = $2),
         latest AS (
             SELECT DISTINCT ON (area_code, period, kind) area_code, period, kind,
                    value::float8 AS value, ytd_value::float8 AS ytd, source
             FROM indicator_figures
             WHERE series_id = $1 AND period BETWEEN $3 AND $4
               AND (area_code = $2 OR area_code IN (SELECT code FROM merged))
             ORDER BY area_code, period, kind, id DESC
         ),
         best AS (
             SELECT DISTINCT ON (area_code, period) * FROM latest
             ORDER BY area_code, period, (kind = 'official') DESC
         ),
         own AS (
             SELECT period, value, ytd, kind, false AS rolled_up, false AS partial, source = 'demo' AS demo
             FROM best WHERE area_code = $2
         ),
         rolled AS (
             SELECT b.period, sum(b.value) AS value, NULL::float8 AS ytd,
                    CASE WHEN bool_and(b.kind = 'official') THEN 'official' ELSE 'estimate' END AS kind,
                    true AS rolled_up,
                    count(DISTINCT m.root) < (SELECT n FROM predecessors) AS partial,
                    bool_or(b.source = 'demo') AS demo
             FROM best b JOIN (SELECT DISTINCT code, root FROM merged) m ON m.code = b.area_code
             WHERE b.area_code <> $2 AND b.period NOT IN (SELECT period FROM own)
             GROUP BY b.period
         )
         SELECT * FROM own UNION ALL SELECT * FROM rolled ORDER BY period",
    )
    .bind(series_id)
    .bind(area)
    .bind(from)
    .bind(to)
    .bind(additive)
    .fetch_all(db)
    .await?;
    let keyed: Vec<(NaiveDate, f64, Option<f64>)> =
        rows.iter().map(|r| (r.period, r.value, r.ytd)).collect();
    let ytd = year_to_date(aggregation, &keyed);
    Ok(rows
        .into_iter()
        .zip(ytd)
        .map(|(r, ytd)| MonthFigure {
            period: format_period(r.period),
            value: r.value,
            ytd,
            kind: r.kind,
            rolled_up: r.rolled_up,
            partial: r.partial,
            demo: r.demo,
        })
        .collect())
}

/// The published value (official, else estimate) of one month, if any; for the entry checks.
pub async fn value_at(
    db: impl PgExecutor<'_>,
    series_id: i32,
    area: &str,
    period: NaiveDate,
) -> Result<Option<f64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT value::float8 FROM indicator_figures
         WHERE series_id = $1 AND area_code = $2 AND period = $3
         ORDER BY (kind = 'official') DESC, id DESC LIMIT 1",
    )
    .bind(series_id)
    .bind(area)
    .bind(period)
    .fetch_optional(db)
    .await
}
