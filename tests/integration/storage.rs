//! The time-series storage: native monthly partitions here, TimescaleDB where it is installed.
//! Both paths must answer the same queries with the same results.

use sqlx::PgPool;

use crate::harness::{point, spawn_app, spawn_timescale_app, TestApp};

/// Writes the same points through the API and reads them back with the queries the server uses.
async fn exercise_queries(app: &TestApp) {
    let r = app
        .post_points(&[
            point("exports", "40", "2019-03-15T00:00:00Z", 95.5),
            point("exports", "40", "2021-12-01T00:00:00Z", 160.0),
            point("exports", "40", "2026-10-01T00:00:00Z", 171.0),
            point("exports", "40", "1999-06-01T00:00:00Z", 1.0), // refused: before 2000
        ])
        .await;
    assert_eq!(r.status(), 422, "the whole batch is refused");
    assert_eq!(app.count_points().await, 0);
    let r = app
        .post_points(&[
            point("exports", "40", "2019-03-15T00:00:00Z", 95.5),
            point("exports", "40", "2021-12-01T00:00:00Z", 160.0),
            point("exports", "40", "2026-10-01T00:00:00Z", 171.0),
            point("exports", "40", "2005-01-01T00:00:00Z", 12.0), // before the prepared months
        ])
        .await;
    assert_eq!(r.status(), 200);
    let rows: Vec<(i64, f64)> = sqlx::query_as(
        "SELECT stream_offset, value FROM metric_points WHERE ts >= '2019-01-01' AND ts < '2022-01-01' ORDER BY ts",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(rows, vec![(1, 95.5), (2, 160.0)]);
    let yearly: Vec<(f64, f64)> = sqlx::query_as(
        "SELECT extract(year FROM ts)::float8, sum(value) FROM metric_points GROUP BY 1 ORDER BY 1",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(
        yearly,
        vec![
            (2005.0, 12.0),
            (2019.0, 95.5),
            (2021.0, 160.0),
            (2026.0, 171.0)
        ]
    );
}

async fn partition_of(db: &PgPool, ts: &str) -> String {
    sqlx::query_scalar(
        "SELECT tableoid::regclass::text FROM metric_points WHERE ts = $1::timestamptz",
    )
    .bind(ts)
    .fetch_one(db)
    .await
    .unwrap()
}

#[tokio::test]
async fn plain_postgres_partitions_points_by_month() {
    let app = spawn_app().await;
    let timescale: bool = ioc_server::db::timescale_enabled(&app.db).await.unwrap();
    assert!(
        !timescale,
        "the harness's plain cluster never preloads TimescaleDB, even where it is installed"
    );
    let partitioned: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid WHERE c.relname = 'metric_points')",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(partitioned);
    exercise_queries(&app).await;
    assert_eq!(
        partition_of(&app.db, "2019-03-15T00:00:00Z").await,
        "metric_points_y2019m03"
    );
    assert_eq!(
        partition_of(&app.db, "2026-10-01T00:00:00Z").await,
        "metric_points_y2026m10"
    );
    assert_eq!(
        partition_of(&app.db, "2005-01-01T00:00:00Z").await,
        "metric_points_default"
    );

    // The live recovery query, bounded in time, does not open the old months' partitions.
    let plan: Vec<String> = sqlx::query_scalar(&format!(
        "EXPLAIN {}",
        ioc_server::indicators::streams::RECOVERY_SQL
    ))
    .bind("exports")
    .bind("40")
    .bind(0_i64)
    .bind(10_i64)
    .bind(Some(
        "2025-01-01T00:00:00Z"
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap(),
    ))
    .fetch_all(&app.db)
    .await
    .unwrap();
    let plan = plan.join("\n");
    assert!(
        plan.contains("metric_points_y2026m10") && !plan.contains("metric_points_y2019m03"),
        "{plan}"
    );

    // Upkeep is idempotent and prepares months ahead.
    ioc_server::db::ensure_partitions(&app.db).await.unwrap();
    let ahead: bool = sqlx::query_scalar(
        "SELECT to_regclass('metric_points_y' || to_char(now() + interval '2 months', 'YYYY\"m\"MM')) IS NOT NULL",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(ahead, "partitions prepared two months ahead");
}

/// Runs only where TimescaleDB is installed (`scripts/test.sh` adds `--include-ignored` then):
/// a cluster with the extension preloaded makes `metric_points` a hypertable.
#[tokio::test]
#[ignore = "needs the TimescaleDB extension installed for the system PostgreSQL"]
async fn timescale_makes_points_a_hypertable_with_the_same_results() {
    let app = spawn_timescale_app().await;
    assert!(
        ioc_server::db::timescale_enabled(&app.db).await.unwrap(),
        "TimescaleDB preloaded by the embedded cluster"
    );
    let hypertable: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM timescaledb_information.hypertables WHERE hypertable_name = 'metric_points')",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(hypertable);
    exercise_queries(&app).await;
}

/// The text enums decode through their own type: a spelling the code does not know is an error
/// naming it, never a silent default (the old `parse(..).unwrap_or(Draft)`).
#[tokio::test]
async fn text_enums_refuse_unknown_spellings() {
    use ioc_protocol::{DayBound, DeliveryStatus, FigureKind, SubmissionStatus};
    let app = spawn_app().await;
    let ok: (SubmissionStatus, FigureKind, DayBound, DeliveryStatus) =
        sqlx::query_as("SELECT 'returned'::text, 'official'::text, 'before'::text, 'failed'::text")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(
        ok,
        (
            SubmissionStatus::Returned,
            FigureKind::Official,
            DayBound::Before,
            DeliveryStatus::Failed
        )
    );
    let err = sqlx::query_scalar::<_, SubmissionStatus>("SELECT 'archived'::text")
        .fetch_one(&app.db)
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("unknown SubmissionStatus \"archived\""),
        "{err}"
    );
    // And they bind as text: the stored spelling round-trips.
    let back: String = sqlx::query_scalar("SELECT $1::text")
        .bind(SubmissionStatus::Approved)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(back, "approved");
}
