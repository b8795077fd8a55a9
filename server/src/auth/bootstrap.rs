//! The bootstrap ingest token: configured, or generated once into the data directory, and
//! registered in `api_tokens` like any other integration token.

use std::path::Path;
use std::sync::Arc;

use rand::distr::{Alphanumeric, SampleString};

/// The secret a machine client presents as `Authorization: Bearer <token>`.
#[derive(Clone)]
pub struct IngestToken(Arc<str>);

impl std::fmt::Debug for IngestToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IngestToken(<redacted>)")
    }
}

impl IngestToken {
    pub fn new(token: &str) -> Self {
        IngestToken(token.into())
    }

    /// The configured token, or the one stored in `<data_dir>/ingest-token`, generated on first
    /// use with 32 random characters and mode 0600.
    pub fn load_or_create(configured: Option<&str>, data_dir: &Path) -> std::io::Result<Self> {
        if let Some(t) = configured.filter(|t| !t.is_empty()) {
            return Ok(IngestToken::new(t));
        }
        let path = data_dir.join("ingest-token");
        if let Ok(existing) = std::fs::read_to_string(&path) {
            if !existing.trim().is_empty() {
                return Ok(IngestToken::new(existing.trim()));
            }
        }
        std::fs::create_dir_all(data_dir)?;
        let token = Alphanumeric.sample_string(&mut rand::rng(), 32);
        write_private_file(&path, &token)?;
        tracing::info!(path = %path.display(), "generated an ingest token");
        Ok(IngestToken::new(&token))
    }

    /// Registers the token in `api_tokens` (as an integration token of `province` that may
    /// write points), unless it is there already.
    pub async fn register(&self, db: &sqlx::PgPool, province: &str) -> Result<(), sqlx::Error> {
        super::tokens::ensure_configured(db, &self.0, province).await
    }
}

/// Writes `contents` to `path`, readable by the owner only.
pub(crate) fn write_private_file(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(contents.as_bytes())
}
