//! The published figures (`indicator_figures`): what the province approved or imported as
//! history, read month by month for tiles, charts and checks, with the units that merged in the
//! 2025 reorganisation rolled up into their successor.

use std::collections::HashMap;

use chrono::NaiveDate;
use ioc_protocol::{format_period, year_to_date, Aggregation, FigureKind, MonthFigure};
use sqlx::PgExecutor;

/// One month as stored, before the year to date is derived.
#[derive(sqlx::FromRow)]
struct MonthRow {
    series_id: i32,
    period: NaiveDate,
    value: f64,
    ytd: Option<f64>,
    kind: FigureKind,
    rolled_up: bool,
    partial: bool,
    demo: bool,
}

/// Months of one series for one area in `[from, to]`, in period order (see [`months_many`]).
pub async fn months(
    db: impl PgExecutor<'_>,
    series_id: i32,
    aggregation: Aggregation,
    area: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<MonthFigure>, sqlx::Error> {
    Ok(months_many(db, &[(series_id, aggregation)], area, from, to)
        .await?
        .remove(&series_id)
        .unwrap_or_default())
}

/// Months of several series for one area in `[from, to]`, in period order, in one query (a
/// report or the wall reads all its indicators at once, never one query per indicator).
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
pub async fn months_many(
    db: impl PgExecutor<'_>,
    series: &[(i32, Aggregation)],
    area: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<i32, Vec<MonthFigure>>, sqlx::Error> {
    let ids: Vec<i32> = series.iter().map(|(id, _)| *id).collect();
    let additive: Vec<bool> = series
        .iter()
        .map(|(_, a)| matches!(a, Aggregation::Sum | Aggregation::Last))
        .collect();
    let rows: Vec<MonthRow> = sqlx::query_as(
        "WITH RECURSIVE merged(code, root) AS (
             SELECT s.old_code, s.old_code FROM unit_successors s
             WHERE s.new_code = $2
               AND (SELECT count(*) FROM unit_successors o WHERE o.old_code = s.old_code) = 1
             UNION
             SELECT s.old_code, m.root FROM unit_successors s JOIN merged m ON s.new_code = m.code
             WHERE (SELECT count(*) FROM unit_successors o WHERE o.old_code = s.old_code) = 1
         ),
         wanted AS (SELECT * FROM unnest($1::int4[], $5::bool[]) AS w(series_id, additive)),
         -- Every unit the area was made of, whole or in part: a roll-up that misses one of them
         -- is incomplete.
         predecessors AS (SELECT count(*) AS n FROM unit_successors WHERE new_code = $2),
         latest AS (
             SELECT DISTINCT ON (f.series_id, f.area_code, f.period, f.kind) f.series_id, f.area_code,
                    f.period, f.kind, f.value::float8 AS value, f.ytd_value::float8 AS ytd, f.source
             FROM indicator_figures f JOIN wanted w ON w.series_id = f.series_id
             WHERE f.period BETWEEN $3 AND $4
               AND (f.area_code = $2 OR (w.additive AND f.area_code IN (SELECT code FROM merged)))
             ORDER BY f.series_id, f.area_code, f.period, f.kind, f.id DESC
         ),
         best AS (
             SELECT DISTINCT ON (series_id, area_code, period) * FROM latest
             ORDER BY series_id, area_code, period, (kind = 'official') DESC
         ),
         own AS (
             SELECT series_id, period, value, ytd, kind, false AS rolled_up, false AS partial,
                    source = 'demo' AS demo
             FROM best WHERE area_code = $2
         ),
         rolled AS (
             SELECT b.series_id, b.period, sum(b.value) AS value, NULL::float8 AS ytd,
                    CASE WHEN bool_and(b.kind = 'official') THEN 'official' ELSE 'estimate' END AS kind,
                    true AS rolled_up,
                    count(DISTINCT m.root) < (SELECT n FROM predecessors) AS partial,
                    bool_or(b.source = 'demo') AS demo
             FROM best b JOIN (SELECT DISTINCT code, root FROM merged) m ON m.code = b.area_code
             WHERE b.area_code <> $2
               AND NOT EXISTS (SELECT 1 FROM own o WHERE o.series_id = b.series_id AND o.period = b.period)
             GROUP BY b.series_id, b.period
         )
         SELECT * FROM own UNION ALL SELECT * FROM rolled ORDER BY series_id, period",
    )
    .bind(&ids)
    .bind(area)
    .bind(from)
    .bind(to)
    .bind(&additive)
    .fetch_all(db)
    .await?;
    let mut out: HashMap<i32, Vec<MonthFigure>> = HashMap::new();
    for (id, aggregation) in series {
        let mine: Vec<&MonthRow> = rows.iter().filter(|r| r.series_id == *id).collect();
        let keyed: Vec<(NaiveDate, f64, Option<f64>)> =
            mine.iter().map(|r| (r.period, r.value, r.ytd)).collect();
        let ytd = year_to_date(*aggregation, &keyed);
        let figures = mine
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
            .collect();
        out.insert(*id, figures);
    }
    Ok(out)
}

/// The published values (official, else estimate) of several series for one area at the given
/// months, in one query; for the entry checks. Only the area's own figures count here.
pub async fn values_at(
    db: impl PgExecutor<'_>,
    series_ids: &[i32],
    area: &str,
    periods: &[NaiveDate],
) -> Result<HashMap<(i32, NaiveDate), f64>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT DISTINCT ON (series_id, period) series_id, period, value::float8 AS "value!"
           FROM indicator_figures
           WHERE series_id = ANY($1) AND area_code = $2 AND period = ANY($3)
           ORDER BY series_id, period, (kind = 'official') DESC, id DESC"#,
        series_ids,
        area,
        periods
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ((r.series_id, r.period), r.value))
        .collect())
}
