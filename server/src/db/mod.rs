//! Database plumbing: the pool, the embedded cluster, migrations and partition upkeep.

pub mod embedded;

use std::path::Path;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};

pub use embedded::EmbeddedCluster;

/// The migrations in `migrations/`, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// Where the embedded cluster lives inside the data directory.
pub const CLUSTER_DIR: &str = "postgres";

/// Name of the application database inside the embedded cluster.
pub const EMBEDDED_DATABASE: &str = "ioc";

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(transparent)]
    Cluster(#[from] embedded::ClusterError),
    #[error("cannot connect to PostgreSQL: {0}")]
    Connect(sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
}

/// An open database: the pool and, in embedded mode, the cluster behind it.
pub struct Database {
    pub pool: PgPool,
    pub timescale: bool,
    cluster: Option<EmbeddedCluster>,
}

impl Database {
    /// Connects to `url`, or starts the embedded cluster in `data_dir` when `url` is `None`,
    /// then brings the schema up to date.
    pub async fn open(url: Option<&str>, data_dir: &Path) -> Result<Database, DbError> {
        let (options, cluster) = match url {
            Some(url) => (
                url.parse::<PgConnectOptions>().map_err(DbError::Connect)?,
                None,
            ),
            None => {
                let dir = data_dir.join(CLUSTER_DIR);
                let cluster = tokio::task::spawn_blocking(move || EmbeddedCluster::start(&dir))
                    .await
                    .map_err(|e| embedded::ClusterError::Start(e.to_string()))??;
                tracing::info!(data = %cluster.data_dir().display(), "embedded PostgreSQL started");
                create_database_if_missing(&cluster, EMBEDDED_DATABASE).await?;
                (cluster.connect_options(EMBEDDED_DATABASE), Some(cluster))
            }
        };
        let pool = PgPoolOptions::new()
            .max_connections(20)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await
            .map_err(DbError::Connect)?;
        MIGRATOR.run(&pool).await?;
        ensure_partitions(&pool).await?;
        let timescale = timescale_enabled(&pool).await?;
        tracing::info!(timescale, "database ready");
        Ok(Database {
            pool,
            timescale,
            cluster,
        })
    }

    /// For command-line administration: the embedded cluster of a running server is reached
    /// through its socket; when no server runs, the cluster is started for the duration.
    pub async fn open_for_admin(url: Option<&str>, data_dir: &Path) -> Result<Database, DbError> {
        if url.is_none() {
            let socket_dir = embedded::socket_dir(&data_dir.join(CLUSTER_DIR));
            if embedded::socket_exists(&socket_dir) {
                let options = embedded::socket_options(&socket_dir, EMBEDDED_DATABASE);
                if let Ok(pool) = PgPoolOptions::new()
                    .max_connections(2)
                    .connect_with(options)
                    .await
                {
                    MIGRATOR.run(&pool).await?;
                    let timescale = timescale_enabled(&pool).await?;
                    return Ok(Database {
                        pool,
                        timescale,
                        cluster: None,
                    });
                }
            }
        }
        Database::open(url, data_dir).await
    }

    /// Closes the pool, then stops the embedded cluster if there is one.
    pub async fn close(self) {
        self.pool.close().await;
        if let Some(cluster) = self.cluster {
            tokio::task::spawn_blocking(move || cluster.stop())
                .await
                .ok();
            tracing::info!("embedded PostgreSQL stopped");
        }
    }
}

/// Creates `name` in the cluster unless it exists.
pub async fn create_database_if_missing(
    cluster: &EmbeddedCluster,
    name: &str,
) -> Result<(), DbError> {
    let mut conn = PgConnection::connect_with(&cluster.connect_options("postgres"))
        .await
        .map_err(DbError::Connect)?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(name)
            .fetch_one(&mut conn)
            .await?;
    if !exists {
        sqlx::query(&format!(
            "CREATE DATABASE \"{}\"",
            name.replace('"', "\"\"")
        ))
        .execute(&mut conn)
        .await?;
    }
    conn.close().await.ok();
    Ok(())
}

/// True when time-series tables are TimescaleDB hypertables here.
pub async fn timescale_enabled(pool: &PgPool) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')")
        .fetch_one(pool)
        .await
}

/// Keeps monthly partitions prepared from 2019-01 (the start of the province's history) to a
/// few months ahead. Cheap and idempotent: run at start-up and daily.
pub async fn ensure_partitions(pool: &PgPool) -> Result<(), sqlx::Error> {
    let created: i32 = sqlx::query_scalar(
        "SELECT ioc_ensure_month_partitions('metric_points', DATE '2019-01-01',
                (date_trunc('month', now()) + INTERVAL '3 months')::date)",
    )
    .fetch_one(pool)
    .await?;
    if created > 0 {
        tracing::info!(created, "monthly partitions prepared");
    }
    Ok(())
}
