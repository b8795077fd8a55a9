//! Wire types of the dossier office screens: one printable apology slip, the commune shapes'
//! import receipt and a unit's monthly 766 trend.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::{ApologyView, GroupScore};

/// One apology slip with what its printed form names (`GET /api/v1/dossiers/{id}/apologies/{n}`):
/// the issuing body and its superior, the place, the procedure, the dates. No personal data: the
/// "Kính gửi" line is filled in by hand.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ApologySlip {
    pub apology: ApologyView,
    pub procedure: String,
    pub procedure_name_vi: String,
    pub procedure_name_en: String,
    /// The handling unit: the body that issues the slip.
    pub unit: String,
    pub unit_name_vi: String,
    pub unit_name_en: String,
    /// `department` or `commune`: decides the form's heading (a department's under the
    /// province's People's Committee, a commune's People's Committee on its own).
    pub unit_kind: String,
    pub province_name_vi: String,
    pub province_name_en: String,
    pub received_at: Option<DateTime<Utc>>,
    /// The return date first promised (on the receipt given to the applicant).
    pub due_date: Option<NaiveDate>,
    /// How many slips the dossier has now (this one is `apology.number` of them).
    pub postponements: i16,
}

/// Answer of `POST /api/v1/commune-shapes`: the stored shapes replaced the previous ones.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CommuneShapeReceipt {
    /// Communes with a shape now.
    pub imported: u32,
    /// Communes that had a shape before the import.
    pub replaced: u32,
    /// Active communes of the province the file has no shape for (the map leaves them blank).
    pub missing: Vec<String>,
}

/// A unit's 766 index month by month (`GET /api/v1/index766/{unit}/trend`), oldest first.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct IndexTrend {
    pub unit: String,
    pub unit_name_vi: String,
    pub unit_name_en: String,
    pub months: Vec<TrendMonth>,
}

/// The index of one calendar month (the current month so far).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TrendMonth {
    /// The month's first day.
    pub month: NaiveDate,
    pub total: f64,
    pub band_vi: String,
    pub band_en: String,
    /// The six groups, in the order of the configuration.
    pub groups: Vec<GroupScore>,
}
