//! Authentication of machine clients.
//!
//! The skeleton has one ingest token (configuration or generated); per-unit, revocable API
//! tokens with scopes replace it when accounts and roles arrive.

use std::path::Path;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use rand::distr::{Alphanumeric, SampleString};
use subtle::ConstantTimeEq;

use crate::http::ApiError;
use crate::AppState;

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

    fn matches(&self, presented: &str) -> bool {
        self.0.as_bytes().ct_eq(presented.as_bytes()).into()
    }
}

/// Writes `contents` to `path`, readable by the owner only.
fn write_private_file(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().create(true).write(true).truncate(true).mode(0o600).open(path)?;
    f.write_all(contents.as_bytes())
}

/// Proof that the request carries the ingest token. Extract it before the body so that a bad
/// token is answered without reading the payload.
pub struct Ingestor;

impl FromRequestParts<AppState> for Ingestor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let header = parts.headers.get(AUTHORIZATION).ok_or(ApiError::MissingToken)?;
        let value = header.to_str().map_err(|_| ApiError::BadToken)?;
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .ok_or(ApiError::MissingToken)?;
        if state.ingest_token.matches(token.trim()) {
            Ok(Ingestor)
        } else {
            Err(ApiError::BadToken)
        }
    }
}
