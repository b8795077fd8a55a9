//! One apology slip with what its printed form names (Decree 61/2018/NĐ-CP, Mẫu số 04 as amended
//! by Decree 107/2021): the issuing unit and the province, the procedure, the dates. Slips are
//! issued by [`super::views::apologise`]; this module only reads them.

use ioc_protocol::{ApologySlip, ApologyView};
use sqlx::PgPool;

/// Slip `number` of dossier `id`, or `None` when there is no such slip.
pub async fn slip(
    db: &PgPool,
    province: &str,
    id: &str,
    number: i16,
) -> Result<Option<ApologySlip>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT a.dossier_id, a.number, a.reason, a.previous_due, a.new_due, a.issued_at, a.issued_by,
                  d.procedure_code, p.name_vi AS procedure_name_vi, p.name_en AS procedure_name_en,
                  d.unit_code, u.name_vi AS unit_name_vi, u.name_en AS unit_name_en, u.kind AS unit_kind,
                  pr.name_vi AS "province_name_vi?", pr.name_en AS "province_name_en?",
                  d.received_at, d.due_date, d.postponements
           FROM dossier_apologies a
           JOIN dossiers d ON d.id = a.dossier_id
           JOIN procedures p ON p.code = d.procedure_code
           JOIN units u ON u.code = d.unit_code
           LEFT JOIN units pr ON pr.code = $3
           WHERE a.dossier_id = $1 AND a.number = $2"#,
        id,
        number,
        province
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| ApologySlip {
        apology: ApologyView {
            dossier_id: r.dossier_id,
            number: r.number,
            reason: r.reason,
            previous_due: r.previous_due,
            new_due: r.new_due,
            issued_at: r.issued_at,
            issued_by: r.issued_by,
        },
        procedure: r.procedure_code,
        procedure_name_vi: r.procedure_name_vi,
        procedure_name_en: r.procedure_name_en,
        unit: r.unit_code,
        unit_name_vi: r.unit_name_vi,
        unit_name_en: r.unit_name_en,
        unit_kind: r.unit_kind,
        province_name_vi: r.province_name_vi.unwrap_or_default(),
        province_name_en: r.province_name_en.unwrap_or_default(),
        received_at: r.received_at,
        due_date: r.due_date,
        postponements: r.postponements,
    }))
}
