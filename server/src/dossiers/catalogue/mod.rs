//! The procedures catalogue (thủ tục hành chính): reference data the dossiers and the 766 index
//! read. Owns the table `procedures`.

use sqlx::PgPool;

/// Writes the demo catalogue when the catalogue is empty (filled in by the catalogue work).
pub async fn seed_demo(_db: &PgPool, _province: &str) -> anyhow::Result<usize> {
    Ok(0)
}
