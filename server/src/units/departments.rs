//! The departments of the configured province, made from the province-neutral list of
//! department kinds (`department_kinds`, migration `…000021`) at start-up.
//!
//! Why at start-up and not in a migration: the migrations are the same for every province, the
//! province is a setting (`--province`). Instantiating is idempotent: a kind the province
//! already has a department of (Nghệ An's seeded `dept-*` units, or one made on an earlier start,
//! possibly renamed by an administrator since) is left alone. New departments are coded
//! `{province}-{kind}` (`33-tk`), so several provinces' departments never collide.
//!
//! The catalogue's owners follow: an indicator owned by a department of *another* province (the
//! seed names Nghệ An's) is handed to this province's department of the same kind, audited, so
//! the figures a department enters describe this province (the area of a department's report is
//! its parent).

use serde_json::json;
use sqlx::PgPool;

use crate::audit::{self, Actor, Entry};

/// What start-up changed (for the log).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Instantiated {
    /// Codes of the departments created.
    pub created: Vec<String>,
    /// `(indicator, old owner, new owner)` of the indicators handed over.
    pub owners: Vec<(String, String, String)>,
}

/// The names a kind's template is filled with, from the province's official names
/// ("Tỉnh Hưng Yên" / "Hung Yen Province", "Thành phố Hà Nội" / "Ha Noi City").
#[derive(Debug, PartialEq, Eq)]
pub struct ProvinceNames {
    /// "tỉnh Hưng Yên", "thành phố Hà Nội": as it follows an agency's name.
    pub province_vi: String,
    /// "Hưng Yên".
    pub name_vi: String,
    /// "Hung Yen".
    pub name_en: String,
}

impl ProvinceNames {
    pub fn from_official(name_vi: &str, name_en: &str) -> ProvinceNames {
        let short_vi = ["Tỉnh ", "Thành phố "]
            .iter()
            .find_map(|p| name_vi.strip_prefix(p))
            .unwrap_or(name_vi);
        let short_en = [" Province", " City"]
            .iter()
            .find_map(|s| name_en.strip_suffix(s))
            .unwrap_or(name_en);
        // The type in lower case where it follows a name: "Thống kê tỉnh Hưng Yên".
        let mut chars = name_vi.chars();
        let province_vi = match chars.next() {
            Some(first) => first.to_lowercase().chain(chars).collect(),
            None => String::new(),
        };
        ProvinceNames {
            province_vi,
            name_vi: short_vi.to_string(),
            name_en: short_en.to_string(),
        }
    }

    /// A kind's name template filled in.
    pub fn fill(&self, template: &str) -> String {
        template
            .replace("{province_vi}", &self.province_vi)
            .replace("{name_vi}", &self.name_vi)
            .replace("{name_en}", &self.name_en)
    }
}

#[derive(sqlx::FromRow)]
struct Kind {
    code: String,
    name_vi: String,
    name_en: String,
    subtype: String,
    sort_order: i32,
}

/// Makes the departments of `province` that are missing and hands the catalogue's indicators
/// to them; one transaction, audited as `system:province`. Running it again changes nothing.
pub async fn instantiate(db: &PgPool, province: &str) -> Result<Instantiated, sqlx::Error> {
    let mut tx = db.begin().await?;
    // Two servers starting at once on one database must not both insert.
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('ioc:departments'))")
        .execute(&mut *tx)
        .await?;
    let (name_vi, name_en): (String, String) =
        sqlx::query_as("SELECT name_vi, name_en FROM units WHERE code = $1 AND kind = 'province'")
            .bind(province)
            .fetch_one(&mut *tx)
            .await?;
    let names = ProvinceNames::from_official(&name_vi, &name_en);
    let missing: Vec<Kind> = sqlx::query_as(
        "SELECT k.code, k.name_vi, k.name_en, k.subtype, k.sort_order FROM department_kinds k
         WHERE NOT EXISTS (SELECT 1 FROM units u WHERE u.parent_code = $1 AND u.department_kind = k.code)
         ORDER BY k.sort_order",
    )
    .bind(province)
    .fetch_all(&mut *tx)
    .await?;
    let actor = Actor::system("province");
    let mut out = Instantiated::default();
    for k in missing {
        let code = format!("{province}-{}", k.code);
        let (vi, en) = (names.fill(&k.name_vi), names.fill(&k.name_en));
        let inserted = sqlx::query(
            "INSERT INTO units (code, name_vi, name_en, kind, subtype, parent_code, sort_order, department_kind)
             VALUES ($1, $2, $3, 'department', $4, $5, $6, $7) ON CONFLICT (code) DO NOTHING",
        )
        .bind(&code)
        .bind(&vi)
        .bind(&en)
        .bind(&k.subtype)
        .bind(province)
        .bind(k.sort_order)
        .bind(&k.code)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            // A unit of that code exists without the kind (made by hand): leave it be.
            continue;
        }
        audit::record(
            &mut *tx,
            &actor,
            Entry {
                action: "create",
                entity: "unit",
                entity_id: Some(code.clone()),
                before: None,
                after: Some(
                    json!({"code": code, "name_vi": vi, "name_en": en, "kind": "department",
                                   "parent_code": province, "department_kind": k.code}),
                ),
            },
        )
        .await?;
        out.created.push(code);
    }
    let moved: Vec<(String, String, String)> = sqlx::query_as(
        "UPDATE series s SET owner_unit = d.code
         FROM units o, units d
         WHERE o.code = s.owner_unit AND o.department_kind IS NOT NULL
           AND o.parent_code IS DISTINCT FROM $1
           AND d.parent_code = $1 AND d.department_kind = o.department_kind AND d.active
         RETURNING s.code, o.code, d.code",
    )
    .bind(province)
    .fetch_all(&mut *tx)
    .await?;
    for (series, old, new) in &moved {
        audit::record(
            &mut *tx,
            &actor,
            Entry {
                action: "indicators.catalogue.owner_to_province",
                entity: "series",
                entity_id: Some(series.clone()),
                before: Some(json!({"owner_unit": old})),
                after: Some(json!({"owner_unit": new})),
            },
        )
        .await?;
    }
    out.owners = moved;
    tx.commit().await?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_province_and_its_type() {
        let p = ProvinceNames::from_official("Tỉnh Hưng Yên", "Hung Yen Province");
        assert_eq!(p.fill("Thống kê {province_vi}"), "Thống kê tỉnh Hưng Yên");
        assert_eq!(
            p.fill("Chi cục Hải quan khu vực (địa bàn {name_vi})"),
            "Chi cục Hải quan khu vực (địa bàn Hưng Yên)"
        );
        assert_eq!(
            p.fill("{name_en} Statistics Office"),
            "Hung Yen Statistics Office"
        );
        let city = ProvinceNames::from_official("Thành phố Hà Nội", "Ha Noi City");
        assert_eq!(
            city.fill("Công an {province_vi}"),
            "Công an thành phố Hà Nội"
        );
        assert_eq!(city.fill("{name_en} Police"), "Ha Noi Police");
        assert_eq!(city.fill("Sở Tài chính"), "Sở Tài chính");
    }
}
