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
    #[error("this database uses TimescaleDB {version}, which is not installed for the PostgreSQL server it runs on: install the timescaledb package matching the server (the time-series tables cannot be read without it)")]
    TimescaleMissing { version: String },
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
}

/// An open database: the pool and, in embedded mode, the cluster behind it.
pub struct Database {
    pub pool: PgPool,
    pub timescale: bool,
    cluster: Option<EmbeddedCluster>,
}

/// Checks TimescaleDB before anything else touches the database: a database that has the
/// extension but a server without its files gets a clear error (instead of the first query
/// failing on a missing library), and after a package upgrade the extension is brought to the
/// installed version. `ALTER EXTENSION timescaledb UPDATE` must be the first statement of its
/// session, hence a connection of its own.
pub async fn prepare_timescale(options: &PgConnectOptions) -> Result<(), DbError> {
    let mut conn = PgConnection::connect_with(options)
        .await
        .map_err(DbError::Connect)?;
    let row: Option<(String, Option<String>)> = sqlx::query_as(
        "SELECT e.extversion, a.default_version
         FROM pg_extension e LEFT JOIN pg_available_extensions a ON a.name = e.extname
         WHERE e.extname = 'timescaledb'",
    )
    .fetch_optional(&mut conn)
    .await?;
    conn.close().await.ok();
    let Some((installed, available)) = row else {
        return Ok(());
    };
    let Some(available) = available else {
        return Err(DbError::TimescaleMissing { version: installed });
    };
    if version_key(&available) > version_key(&installed) {
        let mut fresh = PgConnection::connect_with(options)
            .await
            .map_err(DbError::Connect)?;
        sqlx::raw_sql("ALTER EXTENSION timescaledb UPDATE")
            .execute(&mut fresh)
            .await?;
        fresh.close().await.ok();
        tracing::info!(from = %installed, to = %available, "TimescaleDB extension updated");
    }
    Ok(())
}

/// "2.14.2" → [2, 14, 2] for ordering versions (a suffix such as "-dev" is ignored).
fn version_key(v: &str) -> Vec<u32> {
    v.split(['.', '-']).map_while(|p| p.parse().ok()).collect()
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
        prepare_timescale(&options).await?;
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

    /// Whether the database server is up as far as this process knows: the supervisor's view of
    /// the embedded postmaster; always up for an external server (`/readyz` asks it directly).
    pub fn health(&self) -> embedded::ClusterHealth {
        self.cluster
            .as_ref()
            .map(EmbeddedCluster::health)
            .unwrap_or_else(embedded::ClusterHealth::up)
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

#[cfg(test)]
mod tests {
    #[test]
    fn versions_order_numerically() {
        assert!(super::version_key("2.14.2") > super::version_key("2.9.3"));
        assert_eq!(super::version_key("2.10.0-dev"), vec![2, 10, 0]);
    }
}
