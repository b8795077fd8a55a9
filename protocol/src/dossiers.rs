//! Wire types of public-service dossiers: the procedures catalogue (thủ tục hành chính) as the
//! national procedures database publishes it, and the answer of its import.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Who handles a procedure: one department of the province, or every commune.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProcedureLevel {
    /// Cấp tỉnh: handled by the department named in `unit_code`.
    Province,
    /// Cấp xã: handled by every commune (no `unit_code`).
    Commune,
}

impl ProcedureLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            ProcedureLevel::Province => "province",
            ProcedureLevel::Commune => "commune",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Province, Self::Commune]
            .into_iter()
            .find(|l| l.as_str() == s)
    }
}

/// How much of a procedure the public-service portal offers online (mức độ dịch vụ công).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OnlineLevel {
    /// Toàn trình: submitted, handled and answered online.
    Full,
    /// Một phần: submitted online, some step on paper or in person.
    Partial,
    /// Not offered online.
    None,
}

impl OnlineLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            OnlineLevel::Full => "full",
            OnlineLevel::Partial => "partial",
            OnlineLevel::None => "none",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Full, Self::Partial, Self::None]
            .into_iter()
            .find(|l| l.as_str() == s)
    }
}

/// A procedure of the catalogue (`GET /api/v1/procedures`, `GET /api/v1/procedures/{code}`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ProcedureView {
    /// The national code, e.g. "1.001193".
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    /// The field (lĩnh vực), e.g. "Hộ tịch".
    pub field_vi: String,
    pub level: ProcedureLevel,
    /// The handling department of a province-level procedure; `None` for commune level.
    pub unit_code: Option<String>,
    /// Legal processing time in working days (0: handled on the spot).
    pub processing_days: i32,
    pub online_level: OnlineLevel,
    pub has_fee: bool,
    pub online_payment: bool,
    /// Connected to the national population database (CSDL quốc gia về dân cư).
    pub population_db: bool,
    pub published_on_time: bool,
    pub updated_on_time: bool,
    pub content_complete: bool,
    /// False for a procedure withdrawn from the catalogue (kept: dossiers refer to it).
    pub active: bool,
    pub updated_at: DateTime<Utc>,
}

/// Body of `POST /api/v1/procedures` and `PUT /api/v1/procedures/{code}`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProcedureInput {
    /// Required to create; on `PUT` the path names the procedure and a code given here must
    /// be the same.
    #[serde(default)]
    pub code: String,
    pub name_vi: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub field_vi: String,
    pub level: ProcedureLevel,
    #[serde(default)]
    pub unit_code: Option<String>,
    pub processing_days: i32,
    pub online_level: OnlineLevel,
    #[serde(default)]
    pub has_fee: bool,
    #[serde(default)]
    pub online_payment: bool,
    #[serde(default)]
    pub population_db: bool,
    #[serde(default = "yes")]
    pub published_on_time: bool,
    #[serde(default = "yes")]
    pub updated_on_time: bool,
    #[serde(default = "yes")]
    pub content_complete: bool,
    /// `false` withdraws the procedure from the catalogue.
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

impl From<ProcedureView> for ProcedureInput {
    fn from(p: ProcedureView) -> Self {
        ProcedureInput {
            code: p.code,
            name_vi: p.name_vi,
            name_en: p.name_en,
            field_vi: p.field_vi,
            level: p.level,
            unit_code: p.unit_code,
            processing_days: p.processing_days,
            online_level: p.online_level,
            has_fee: p.has_fee,
            online_payment: p.online_payment,
            population_db: p.population_db,
            published_on_time: p.published_on_time,
            updated_on_time: p.updated_on_time,
            content_complete: p.content_complete,
            active: p.active,
        }
    }
}

/// A row of an imported file that was refused, and why (in both languages).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RowError {
    /// The row as a spreadsheet numbers it: the header is row 1. For a GeoJSON import
    /// (`invalid_features`), the feature's index in `features`, from 0.
    pub row: u32,
    /// Stable code of the reason, e.g. `unknown_unit`.
    pub code: String,
    pub message_vi: String,
    pub message_en: String,
    /// What the row names, when the reason is about it (a feature's commune code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// Answer of `POST /api/v1/procedures/import`. An import is all or nothing: a file with a bad
/// row writes nothing and is answered 422 `invalid_rows`, every bad row listed in the error's
/// `rows`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ProcedureImportReceipt {
    pub created: u32,
    pub updated: u32,
    /// Rows equal to the stored procedure (a re-import of the same file changes nothing).
    pub unchanged: u32,
}
