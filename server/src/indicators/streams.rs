//! Reading streams: topic snapshots and recovery for the live hub, and the wall's state.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use futures::FutureExt;
use ioc_protocol::{
    deadlines_topic, indicator_topic, months_before, parse_indicator_topic, ts_period,
    BoardSnapshot, LivePoint, Payload, Publication, TileState, Viewer, WallState,
};
use sqlx::PgPool;

use super::{catalogue, figures};
use crate::live::{Snapshot, TopicKind, TopicSource};
use crate::series::points::{is_demo_source, is_estimate_source};

/// A stream head as read for a snapshot: offset, latest time, value and source.
type HeadRow = (
    Option<i64>,
    Option<DateTime<Utc>>,
    Option<f64>,
    Option<String>,
);

/// Serves `indicator/{series}/{unit}` topics from the stream heads and points.
pub struct IndicatorTopics {
    pub db: PgPool,
    pub epoch: Arc<str>,
}

impl TopicSource for IndicatorTopics {
    fn kind(&self) -> TopicKind {
        TopicKind::Stream
    }

    /// The tile's rule, as `series::points` moves the stream head: a point replaces the latest
    /// one unless it is older.
    fn fold(&self, before: Option<&Payload>, publication: &Payload) -> Option<Payload> {
        match (before, publication) {
            (Some(Payload::Point(cur)), Payload::Point(new))
                if !ioc_protocol::replaces_latest(new.ts, Some(cur.ts)) =>
            {
                before.cloned()
            }
            _ => Some(publication.clone()),
        }
    }

    fn snapshot<'a>(
        &'a self,
        topic: &'a str,
    ) -> BoxFuture<'a, Result<Option<Snapshot>, sqlx::Error>> {
        async move {
            let Some((series, unit)) = parse_indicator_topic(topic) else {
                return Ok(None);
            };
            // A topic exists when its series and unit do, even before its first point.
            let row: Option<HeadRow> = sqlx::query_as(
                "SELECT st.last_offset, st.latest_ts, st.latest_value, st.latest_source
                 FROM series se CROSS JOIN units u
                 LEFT JOIN series_streams st ON st.series_id = se.id AND st.unit_code = u.code
                 WHERE se.code = $1 AND u.code = $2",
            )
            .bind(series)
            .bind(unit)
            .fetch_optional(&self.db)
            .await?;
            Ok(row.map(|(offset, ts, value, source)| Snapshot {
                epoch: self.epoch.to_string(),
                offset: offset.unwrap_or(0),
                state: live_point(ts, value, source.as_deref()).map(Payload::Point),
            }))
        }
        .boxed()
    }

    fn since<'a>(
        &'a self,
        topic: &'a str,
        after: i64,
        limit: i64,
    ) -> BoxFuture<'a, Result<Vec<Publication>, sqlx::Error>> {
        async move {
            let Some((series, unit)) = parse_indicator_topic(topic) else {
                return Ok(Vec::new());
            };
            // Missed publications are nearly always recent figures: look in the recent chunks or
            // partitions first (the time bound lets PostgreSQL/TimescaleDB skip the rest), and only
            // when that does not find all of them, in the whole history.
            let recent = recent_bound(Utc::now());
            let mut rows =
                recovery_rows(&self.db, series, unit, after, limit, Some(recent)).await?;
            if (rows.len() as i64) < limit {
                rows = recovery_rows(&self.db, series, unit, after, limit, None).await?;
            }
            Ok(rows
                .into_iter()
                .map(|(offset, ts, value, source)| Publication {
                    topic: topic.to_string(),
                    epoch: self.epoch.to_string(),
                    offset,
                    data: Payload::Point(LivePoint {
                        ts,
                        value,
                        demo: is_demo_source(&source),
                        estimate: is_estimate_source(&source),
                    }),
                })
                .collect())
        }
        .boxed()
    }
}

/// The recovery query: a stream's points with offset in `($3, $3 + $4]`, in offset order, and
/// with `$5` only those at or after that time (public for the storage test that checks that the
/// time bound spares the old partitions).
pub const RECOVERY_SQL: &str = "SELECT p.stream_offset, p.ts, p.value, p.source
     FROM metric_points p JOIN series se ON se.id = p.series_id
     WHERE se.code = $1 AND p.unit_code = $2 AND p.stream_offset > $3
       AND p.stream_offset <= $3 + $4
       AND ($5::timestamptz IS NULL OR p.ts >= $5)
     ORDER BY p.stream_offset LIMIT $4";

/// A stream's points with offset in `(after, after + limit]`, in offset order; with `since`, only
/// those whose time is at or after it.
async fn recovery_rows(
    db: &PgPool,
    series: &str,
    unit: &str,
    after: i64,
    limit: i64,
    since: Option<DateTime<Utc>>,
) -> Result<Vec<(i64, DateTime<Utc>, f64, String)>, sqlx::Error> {
    sqlx::query_as(RECOVERY_SQL)
        .bind(series)
        .bind(unit)
        .bind(after)
        .bind(limit)
        .bind(since)
        .fetch_all(db)
        .await
}

/// Start of the year before `now`'s: the window of the first recovery attempt (a year or two of
/// monthly figures, one or two yearly chunks).
fn recent_bound(now: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::{Datelike, TimeZone};
    Utc.with_ymd_and_hms(now.year() - 1, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or(now)
}

fn live_point(
    ts: Option<DateTime<Utc>>,
    value: Option<f64>,
    source: Option<&str>,
) -> Option<LivePoint> {
    let source = source.unwrap_or_default();
    Some(LivePoint {
        ts: ts?,
        value: value?,
        demo: is_demo_source(source),
        estimate: is_estimate_source(source),
    })
}

/// Months of history a wall tile carries: two years and the month before, enough for a
/// sparkline and the same month of the previous year.
pub const TILE_HISTORY_MONTHS: i32 = 25;

#[derive(sqlx::FromRow)]
struct TileRow {
    code: String,
    name_vi: String,
    name_en: String,
    measure_vi: String,
    measure_en: String,
    decimals: i16,
    last_offset: Option<i64>,
    latest_ts: Option<DateTime<Utc>>,
    latest_value: Option<f64>,
    latest_source: Option<String>,
    previous_value: Option<f64>,
}

/// The wall of `province`: every series shown on walls, with its stream head for the province.
/// Returns `None` when the province code is unknown.
pub async fn wall_state(
    db: &PgPool,
    epoch: &str,
    province: &str,
    demo_feed: bool,
    viewer: Option<Viewer>,
) -> Result<Option<WallState>, sqlx::Error> {
    let Some(province_name) = crate::units::get(db, province).await?.map(|u| u.name_vi) else {
        return Ok(None);
    };
    let rows: Vec<TileRow> = sqlx::query_as(
        "SELECT se.code, se.name_vi, se.name_en, se.measure_vi, se.measure_en, se.decimals,
                st.last_offset, st.latest_ts, st.latest_value, st.latest_source, st.previous_value
         FROM series se
         LEFT JOIN series_streams st ON st.series_id = se.id AND st.unit_code = $1
         WHERE se.on_wall
         ORDER BY se.sort_order, se.code",
    )
    .bind(province)
    .fetch_all(db)
    .await?;
    let catalogue: std::collections::HashMap<String, catalogue::Indicator> = catalogue::list(db)
        .await?
        .into_iter()
        .map(|i| (i.def.code.clone(), i))
        .collect();
    let to = ts_period(Utc::now());
    let from = months_before(to, TILE_HISTORY_MONTHS - 1);
    // Every tile's history in one query.
    let wanted: Vec<_> = rows
        .iter()
        .filter_map(|r| catalogue.get(&r.code))
        .map(|i| (i.id, i.def.aggregation))
        .collect();
    let mut histories = figures::months_many(db, &wanted, province, from, to).await?;
    let mut tiles = Vec::with_capacity(rows.len());
    for r in rows {
        let Some(ind) = catalogue.get(&r.code) else {
            continue;
        };
        let history = histories.remove(&ind.id).unwrap_or_default();
        tiles.push(TileState {
            indicator: ind.def.clone(),
            history,
            topic: indicator_topic(&r.code, province),
            latest: live_point(r.latest_ts, r.latest_value, r.latest_source.as_deref()),
            series: r.code,
            unit: province.to_string(),
            name_vi: r.name_vi,
            name_en: r.name_en,
            measure_vi: r.measure_vi,
            measure_en: r.measure_en,
            decimals: r.decimals.clamp(0, 6) as u8,
            epoch: epoch.to_string(),
            offset: r.last_offset.unwrap_or(0),
            previous: r.previous_value,
        });
    }
    let deadlines = match crate::live::stored::state(db, &deadlines_topic(province)).await? {
        Some((offset, Payload::Deadlines(board))) => Some(BoardSnapshot {
            epoch: epoch.to_string(),
            offset,
            board,
        }),
        _ => None,
    };
    Ok(Some(WallState {
        province_name,
        demo_feed,
        tiles,
        viewer,
        deadlines,
    }))
}

/// The epoch of this database's live history.
pub async fn load_epoch(db: &PgPool) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("SELECT epoch FROM live_epoch")
        .fetch_one(db)
        .await
}
