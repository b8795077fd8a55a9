//! The procedures catalogue (thủ tục hành chính): reference data the dossiers and the 766 index
//! read. Owns the table `procedures`.
//!
//! Administrators keep it in step with the national procedures database by importing its export
//! ([`import`]) and correct single procedures through the API ([`routes`]); every write is
//! audited ([`store`]). The demo starts with a sample catalogue of Nghệ An ([`seed_demo`]).

pub mod import;
pub mod routes;
pub mod store;

use sqlx::PgPool;

use crate::audit::Actor;
use crate::http::ApiError;

/// A sample catalogue of Nghệ An (about 40 procedures, province and commune level), in the
/// national export's shape with Nghệ An's department codes.
const DEMO_CATALOGUE: &str = include_str!("../../../../assets/demo/procedures.csv");

/// Imports the demo catalogue when the catalogue is empty; the number of procedures written
/// (0 when there already was a catalogue). For another province than Nghệ An, each department
/// of the file is replaced by the province's department of the same kind.
pub async fn seed_demo(db: &PgPool, province: &str) -> anyhow::Result<usize> {
    let stored: i64 = sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM procedures"#)
        .fetch_one(db)
        .await?;
    if stored > 0 {
        return Ok(0);
    }
    let mut rows = import::parse_csv(DEMO_CATALOGUE.as_bytes())
        .map_err(|e| anyhow::anyhow!("the demo catalogue does not parse: {e}"))?;
    let units: Vec<String> = rows
        .iter()
        .filter_map(|r| r.unit_code.clone().flatten())
        .collect();
    let same_kind: std::collections::HashMap<String, String> = sqlx::query!(
        r#"SELECT s.code AS "from!", t.code AS "to!" FROM units s
           JOIN units t ON t.department_kind = s.department_kind AND t.parent_code = $2
                AND t.kind = 'department'
           WHERE s.code = ANY($1)"#,
        &units,
        province
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| (r.from, r.to))
    .collect();
    for r in &mut rows {
        if let Some(Some(u)) = &mut r.unit_code {
            if let Some(to) = same_kind.get(u.as_str()) {
                *u = to.clone();
            }
        }
    }
    match import::import(db, province, &Actor::system("demo"), rows).await {
        Ok(receipt) => Ok((receipt.created + receipt.updated + receipt.unchanged) as usize),
        Err(ApiError::InvalidRows(rows)) => {
            let reasons: Vec<String> = rows.into_iter().map(|r| r.message_en).collect();
            anyhow::bail!("the demo catalogue was refused: {}", reasons.join("; "))
        }
        Err(e) => Err(e.into()),
    }
}
