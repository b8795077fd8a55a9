//! Ingestion of metric points: validate everything, then one transaction for points and stream
//! heads, then (after commit) the publications.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Duration, TimeZone, Utc};
use ioc_protocol::i18n::Msg;
use ioc_protocol::{
    indicator_topic, replaces_latest, IngestReceipt, LivePoint, Payload, PointIn, Publication,
    StreamHead, MAX_POINTS_PER_BATCH,
};
use sqlx::PgPool;

use crate::audit::{self, Actor, Entry};
use crate::http::ApiError;
use crate::units;

/// Source recorded for points written by the demo feed; the wall labels them.
pub const DEMO_SOURCE: &str = "demo";

/// Sources of points that carry monthly figures onto the live streams: `figure:official`,
/// `figure:estimate`, and the demo feed's `demo:official` / `demo:estimate`.
pub fn figure_source(demo: bool, kind: ioc_protocol::FigureKind) -> String {
    format!(
        "{}:{}",
        if demo { DEMO_SOURCE } else { "figure" },
        kind.as_str()
    )
}

/// Whether a point's source is the demo feed (plain points or demo figures).
pub fn is_demo_source(source: &str) -> bool {
    source == DEMO_SOURCE || source.starts_with("demo:")
}

/// Whether a point carries an estimate (ước) rather than an official figure.
pub fn is_estimate_source(source: &str) -> bool {
    source.ends_with(":estimate")
}

/// Checks a batch without touching the database. Errors name the first bad point.
pub fn validate(points: &[PointIn], now: DateTime<Utc>) -> Result<(), ApiError> {
    if points.is_empty() {
        return Err(ApiError::EmptyBatch);
    }
    if points.len() > MAX_POINTS_PER_BATCH {
        return Err(ApiError::BatchTooLarge {
            count: points.len(),
            max: MAX_POINTS_PER_BATCH,
        });
    }
    let earliest = Utc
        .with_ymd_and_hms(2000, 1, 1, 0, 0, 0)
        .single()
        .expect("valid date");
    let latest = now + Duration::days(1);
    for (index, p) in points.iter().enumerate() {
        let bad = |msg: Msg, detail: String| ApiError::InvalidPoint { index, msg, detail };
        if !p.value.is_finite() {
            return Err(bad(Msg::NonFiniteValue, format!("value = {}", p.value)));
        }
        if p.ts < earliest || p.ts > latest {
            return Err(bad(
                Msg::TimestampOutOfRange,
                format!("ts = {}", p.ts.to_rfc3339()),
            ));
        }
        if p.series.is_empty() || p.series.len() > 64 {
            return Err(bad(Msg::BadField, "series".into()));
        }
        if p.unit.is_empty() || p.unit.len() > 32 {
            return Err(bad(Msg::BadField, "unit".into()));
        }
    }
    Ok(())
}

/// What a committed batch produced.
pub struct Ingested {
    pub receipt: IngestReceipt,
    /// To publish on the hub, in commit order, now that the data is durable.
    pub publications: Vec<Publication>,
}

/// The head of a stream as it is updated by a batch.
struct Head {
    offset: i64,
    latest: Option<(DateTime<Utc>, f64)>,
    previous: Option<f64>,
}

impl Head {
    /// Same rule as the wall's tiles: a point replaces the latest one unless it is older.
    fn apply(&mut self, ts: DateTime<Utc>, value: f64) -> i64 {
        self.offset += 1;
        if replaces_latest(ts, self.latest.map(|(cur, _)| cur)) {
            self.previous = self.latest.map(|(_, v)| v);
            self.latest = Some((ts, value));
        }
        self.offset
    }
}

/// Who writes a batch: the unit whose figures it may send, and the actor for the audit trail.
/// `None` for the demo feed, which is neither scoped nor audited (it writes every 1.5 s).
pub struct Writer<'a> {
    pub unit: &'a str,
    pub actor: &'a Actor,
}

/// Stores a validated batch durably. Nothing is written unless every point is accepted.
pub async fn ingest(
    db: &PgPool,
    epoch: &str,
    points: &[PointIn],
    writer: Option<Writer<'_>>,
) -> Result<Ingested, ApiError> {
    let series_ids = resolve_series(db, points).await?;
    check_units(db, points).await?;
    if let Some(w) = &writer {
        check_scope(db, points, w.unit).await?;
    }
    let source = writer
        .as_ref()
        .map(|w| w.actor.label.as_str())
        .unwrap_or(DEMO_SOURCE);
    let rows: Vec<NewPoint<'_>> = points
        .iter()
        .map(|p| NewPoint {
            series_id: series_ids[p.series.as_str()],
            series: &p.series,
            unit: &p.unit,
            ts: p.ts,
            value: p.value,
            source,
        })
        .collect();

    let mut tx = db.begin().await?;
    let appended = append(&mut tx, epoch, &rows).await?;
    if let Some(w) = &writer {
        let after = serde_json::json!({
            "points": points.len(),
            "streams": appended.heads.iter().map(|h| serde_json::json!({"topic": h.topic, "offset": h.offset})).collect::<Vec<_>>(),
        });
        let entry = Entry {
            action: "ingest",
            entity: "metric_points",
            entity_id: None,
            before: None,
            after: Some(after),
        };
        audit::record(&mut *tx, w.actor, entry).await?;
    }
    tx.commit().await?;
    metrics::counter!("ioc_points_ingested_total").increment(points.len() as u64);
    Ok(Ingested {
        receipt: IngestReceipt {
            accepted: points.len(),
            streams: appended.heads,
        },
        publications: appended.publications,
    })
}

/// A point ready to be stored: series resolved, unit checked, source decided.
pub struct NewPoint<'a> {
    pub series_id: i32,
    pub series: &'a str,
    pub unit: &'a str,
    pub ts: DateTime<Utc>,
    pub value: f64,
    pub source: &'a str,
}

/// What [`append`] wrote: the publications to send once the transaction commits, and where each
/// touched stream stands.
pub struct Appended {
    pub publications: Vec<Publication>,
    pub heads: Vec<StreamHead>,
}

/// Appends points and moves their stream heads inside the caller's transaction (an API batch,
/// an approval, a history import). The publications must be sent only after that transaction
/// commits.
pub async fn append(
    tx: &mut sqlx::PgConnection,
    epoch: &str,
    points: &[NewPoint<'_>],
) -> Result<Appended, sqlx::Error> {
    // Group by stream in a stable order: heads are locked in this order, so two concurrent
    // batches touching the same streams cannot deadlock.
    let mut by_stream: BTreeMap<(i32, &str), Vec<usize>> = BTreeMap::new();
    for (i, p) in points.iter().enumerate() {
        by_stream.entry((p.series_id, p.unit)).or_default().push(i);
    }
    let mut offsets = vec![0i64; points.len()];
    let mut heads = Vec::with_capacity(by_stream.len());
    for (&(series_id, unit), idxs) in &by_stream {
        sqlx::query!(
            "INSERT INTO series_streams (series_id, unit_code) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            series_id,
            unit
        )
        .execute(&mut *tx)
        .await?;
        // The head as locked for this append.
        let row = sqlx::query!(
            "SELECT last_offset, latest_ts, latest_value, previous_value, latest_source FROM series_streams
             WHERE series_id = $1 AND unit_code = $2 FOR UPDATE",
            series_id,
            unit
        )
        .fetch_one(&mut *tx)
        .await?;
        let mut head = Head {
            offset: row.last_offset,
            latest: row.latest_ts.zip(row.latest_value),
            previous: row.previous_value,
        };
        let mut source = row.latest_source;
        for &i in idxs {
            let before = head.latest;
            offsets[i] = head.apply(points[i].ts, points[i].value);
            if head.latest != before || before.is_some_and(|(ts, _)| ts == points[i].ts) {
                source = Some(points[i].source.to_string());
            }
        }
        sqlx::query!(
            "UPDATE series_streams SET last_offset = $3, latest_ts = $4, latest_value = $5,
                    previous_value = $6, latest_source = $7, updated_at = now()
             WHERE series_id = $1 AND unit_code = $2",
            series_id,
            unit,
            head.offset,
            head.latest.map(|l| l.0),
            head.latest.map(|l| l.1),
            head.previous,
            source
        )
        .execute(&mut *tx)
        .await?;
        let series = points[idxs[0]].series;
        heads.push(StreamHead {
            topic: indicator_topic(series, unit),
            epoch: epoch.to_string(),
            offset: head.offset,
        });
    }

    let ids: Vec<i32> = points.iter().map(|p| p.series_id).collect();
    let units: Vec<&str> = points.iter().map(|p| p.unit).collect();
    let ts: Vec<DateTime<Utc>> = points.iter().map(|p| p.ts).collect();
    let values: Vec<f64> = points.iter().map(|p| p.value).collect();
    let sources: Vec<&str> = points.iter().map(|p| p.source).collect();
    // `as _`: slices of `&str` bind as text[] (the macro's check only knows `[String]`).
    sqlx::query!(
        "INSERT INTO metric_points (series_id, unit_code, ts, value, stream_offset, source)
         SELECT s, u, t, v, o, src
         FROM UNNEST($1::int[], $2::text[], $3::timestamptz[], $4::float8[], $5::bigint[], $6::text[])
             AS x(s, u, t, v, o, src)",
        &ids,
        &units as _,
        &ts,
        &values,
        &offsets,
        &sources as _
    )
    .execute(&mut *tx)
    .await?;

    // The other server processes learn the new heads on commit (`live::notify`).
    let announced: Vec<(&str, i64)> = heads.iter().map(|h| (h.topic.as_str(), h.offset)).collect();
    crate::live::notify::announce(&mut *tx, &announced).await?;

    let mut publications: Vec<Publication> = points
        .iter()
        .zip(&offsets)
        .map(|(p, &offset)| Publication {
            topic: indicator_topic(p.series, p.unit),
            epoch: epoch.to_string(),
            offset,
            data: Payload::Point(LivePoint {
                ts: p.ts,
                value: p.value,
                demo: is_demo_source(p.source),
                estimate: is_estimate_source(p.source),
            }),
        })
        .collect();
    publications.sort_by(|a, b| a.topic.cmp(&b.topic).then(a.offset.cmp(&b.offset)));
    Ok(Appended {
        publications,
        heads,
    })
}

async fn resolve_series<'a>(
    db: &PgPool,
    points: &'a [PointIn],
) -> Result<HashMap<&'a str, i32>, ApiError> {
    let codes: Vec<&str> = unique(points.iter().map(|p| p.series.as_str()));
    let rows = sqlx::query!(
        "SELECT code, id FROM series WHERE code = ANY($1)",
        &codes as _
    )
    .fetch_all(db)
    .await?;
    let found: HashMap<String, i32> = rows.into_iter().map(|r| (r.code, r.id)).collect();
    let unknown: Vec<String> = codes
        .iter()
        .filter(|c| !found.contains_key(**c))
        .map(|c| c.to_string())
        .collect();
    if !unknown.is_empty() {
        return Err(ApiError::UnknownSeries(unknown));
    }
    Ok(codes.into_iter().map(|c| (c, found[c])).collect())
}

/// See [`units::outside_writer_scope`] for what a writer covers.
async fn check_scope(db: &PgPool, points: &[PointIn], writer: &str) -> Result<(), ApiError> {
    let codes: Vec<&str> = unique(points.iter().map(|p| p.unit.as_str()));
    let outside = units::outside_writer_scope(db, &codes, writer).await?;
    if outside.is_empty() {
        Ok(())
    } else {
        Err(ApiError::ForbiddenUnits(outside))
    }
}

async fn check_units(db: &PgPool, points: &[PointIn]) -> Result<(), ApiError> {
    let codes: Vec<&str> = unique(points.iter().map(|p| p.unit.as_str()));
    let found = units::existing_codes(db, &codes).await?;
    let found: HashSet<&str> = found.iter().map(String::as_str).collect();
    let unknown: Vec<String> = codes
        .iter()
        .filter(|c| !found.contains(**c))
        .map(|c| c.to_string())
        .collect();
    if !unknown.is_empty() {
        return Err(ApiError::UnknownUnit(unknown));
    }
    Ok(())
}

/// Distinct values in first-seen order.
fn unique<'a>(it: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut seen = HashSet::new();
    it.filter(|s| seen.insert(*s)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(ts: i64, value: f64) -> PointIn {
        PointIn {
            series: "iip".into(),
            unit: "40".into(),
            ts: DateTime::from_timestamp(ts, 0).unwrap(),
            value,
        }
    }

    #[test]
    fn rejects_non_finite_and_out_of_range() {
        let now = Utc::now();
        let ok = p(now.timestamp(), 1.0);
        assert!(validate(std::slice::from_ref(&ok), now).is_ok());
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let mut b = ok.clone();
            b.value = bad;
            let err = validate(&[ok.clone(), b], now).unwrap_err();
            assert!(
                matches!(
                    err,
                    ApiError::InvalidPoint {
                        index: 1,
                        msg: Msg::NonFiniteValue,
                        ..
                    }
                ),
                "{err:?}"
            );
        }
        let future = p((now + Duration::days(2)).timestamp(), 1.0);
        assert!(matches!(
            validate(&[future], now),
            Err(ApiError::InvalidPoint {
                msg: Msg::TimestampOutOfRange,
                ..
            })
        ));
        let ancient = p(0, 1.0);
        assert!(matches!(
            validate(&[ancient], now),
            Err(ApiError::InvalidPoint {
                msg: Msg::TimestampOutOfRange,
                ..
            })
        ));
    }

    #[test]
    fn batch_size_limits() {
        let now = Utc::now();
        assert!(matches!(validate(&[], now), Err(ApiError::EmptyBatch)));
        let many = vec![p(now.timestamp(), 1.0); MAX_POINTS_PER_BATCH + 1];
        assert!(matches!(
            validate(&many, now),
            Err(ApiError::BatchTooLarge { .. })
        ));
    }

    #[test]
    fn head_keeps_latest_by_time_and_counts_every_point() {
        let t = |s| DateTime::from_timestamp(s, 0).unwrap();
        let mut h = Head {
            offset: 4,
            latest: Some((t(100), 1.0)),
            previous: None,
        };
        assert_eq!(h.apply(t(200), 2.0), 5);
        assert_eq!(
            h.apply(t(50), 9.0),
            6,
            "an older point still gets an offset"
        );
        assert_eq!(h.latest, Some((t(200), 2.0)));
        assert_eq!(h.previous, Some(1.0));
    }
}
