//! Wire types of the dossier feed: the events one-stop systems push (or the pull connector
//! reads), the per-item answer, and what the wall shows of dossiers (live board, overdue list,
//! Decision 766 index).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// The status codes used when syncing with the National Public Service Portal.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(into = "i16", try_from = "i16")]
pub enum DossierStatus {
    RegisteredOnline = 1,
    Received = 2,
    NotAccepted = 3,
    Processing = 4,
    SupplementRequested = 5,
    FinancialObligation = 6,
    Withdrawn = 7,
    Stopped = 8,
    Processed = 9,
    Returned = 10,
}

impl DossierStatus {
    pub const ALL: [DossierStatus; 10] = [
        Self::RegisteredOnline,
        Self::Received,
        Self::NotAccepted,
        Self::Processing,
        Self::SupplementRequested,
        Self::FinancialObligation,
        Self::Withdrawn,
        Self::Stopped,
        Self::Processed,
        Self::Returned,
    ];

    pub fn code(self) -> i16 {
        self as i16
    }

    pub fn from_code(code: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|s| i64::from(s.code()) == code)
    }

    /// Received and not finished: the clock runs (or is paused) against the return date.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Self::Received
                | Self::Processing
                | Self::SupplementRequested
                | Self::FinancialObligation
                | Self::Stopped
        )
    }

    /// Waiting on the citizen or stopped: the dossier is neither in time nor overdue.
    pub fn is_paused(self) -> bool {
        matches!(
            self,
            Self::SupplementRequested | Self::FinancialObligation | Self::Stopped
        )
    }

    /// A result was given (to the one-stop desk or to the citizen).
    pub fn is_finished(self) -> bool {
        matches!(self, Self::Processed | Self::Returned)
    }

    /// The dossier was received by the unit (not only registered online, not refused).
    pub fn was_received(self) -> bool {
        !matches!(self, Self::RegisteredOnline | Self::NotAccepted)
    }
}

impl From<DossierStatus> for i16 {
    fn from(s: DossierStatus) -> i16 {
        s.code()
    }
}

impl TryFrom<i16> for DossierStatus {
    type Error = String;
    fn try_from(v: i16) -> Result<Self, String> {
        DossierStatus::from_code(v.into()).ok_or_else(|| format!("unknown status {v}"))
    }
}

/// How a dossier was submitted.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(into = "i16", try_from = "i16")]
pub enum Channel {
    InPerson = 1,
    Online = 2,
    Postal = 3,
}

impl Channel {
    pub fn from_code(code: i64) -> Option<Self> {
        [Self::InPerson, Self::Online, Self::Postal]
            .into_iter()
            .find(|c| *c as i64 == code)
    }
}

impl From<Channel> for i16 {
    fn from(c: Channel) -> i16 {
        c as i16
    }
}

impl TryFrom<i16> for Channel {
    type Error = String;
    fn try_from(v: i16) -> Result<Self, String> {
        Channel::from_code(v.into()).ok_or_else(|| format!("unknown channel {v}"))
    }
}

/// Citizen feedback (phản ánh, kiến nghị) about a dossier and how it was handled.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DossierFeedback {
    pub received_at: DateTime<Utc>,
    /// When it had to be answered by.
    pub due_at: DateTime<Utc>,
    pub handled_at: Option<DateTime<Utc>>,
    /// The citizen's verdict on the handling, once given.
    pub satisfied: Option<bool>,
}

/// One event of a dossier, as a one-stop system sends it: the dossier as known at that status.
/// A field left out keeps the value an earlier event gave. Personal data (`applicant`) is
/// dropped at ingest unless the server keeps it (`--keep-personal-data`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DossierEvent {
    /// The one-stop system's dossier code (mã hồ sơ).
    pub dossier_id: String,
    /// Position of this event in the dossier's history; (dossier_id, seq) identifies an event.
    pub seq: i64,
    /// 1–10 (see [`DossierStatus`]).
    pub status: i64,
    pub event_at: DateTime<Utc>,
    /// The procedure's national code.
    pub procedure: String,
    /// The handling unit (department or commune code).
    pub unit: String,
    /// Commune the dossier concerns (where the applicant lives or the land lies).
    #[serde(default)]
    pub commune: Option<String>,
    /// 1 in person, 2 online, 3 postal.
    pub channel: i64,
    #[serde(default)]
    pub received_at: Option<DateTime<Utc>>,
    /// The promised return date (hạn trả kết quả).
    #[serde(default)]
    pub due_date: Option<NaiveDate>,
    #[serde(default)]
    pub result_at: Option<DateTime<Utc>>,
    /// Fees and charges in VND.
    #[serde(default)]
    pub fee: Option<i64>,
    #[serde(default)]
    pub paid_online: Option<bool>,
    #[serde(default)]
    pub electronic_result: Option<bool>,
    #[serde(default)]
    pub digitised_components: Option<bool>,
    #[serde(default)]
    pub electronic_copies: Option<bool>,
    #[serde(default)]
    pub reused_data: Option<bool>,
    #[serde(default)]
    pub shared_for_reuse: Option<bool>,
    #[serde(default)]
    pub population_data: Option<bool>,
    /// When the dossier was synced to the National Public Service Portal.
    #[serde(default)]
    pub synced_at: Option<DateTime<Utc>>,
    /// Satisfaction rating 1–5 (4 and 5 count as satisfied).
    #[serde(default)]
    pub rating: Option<i64>,
    #[serde(default)]
    pub feedback: Option<DossierFeedback>,
    /// Personal data of the applicant, as the one-stop system sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub applicant: Option<serde_json::Value>,
}

/// `POST /api/v1/dossier-events`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DossierEventBatch {
    /// Each item is read on its own: one malformed item does not refuse the others.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<DossierEvent>))]
    pub events: Vec<serde_json::Value>,
}

/// What became of one item of a batch.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemOutcome {
    /// Stored and applied.
    Stored,
    /// Stored in the history; a newer event had already set the dossier's state.
    StoredOutOfOrder,
    /// Already received earlier (same dossier and sequence): nothing changed.
    Duplicate,
    /// Refused; see `error`.
    Rejected,
}

/// The answer to one item (in the batch's order).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ItemResult {
    pub outcome: ItemOutcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dossier_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<crate::ApiErrorDetail>,
}

/// The answer to a batch: counts and one result per item, in order.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DossierIngestReceipt {
    pub stored: usize,
    pub duplicates: usize,
    pub rejected: usize,
    pub items: Vec<ItemResult>,
}

/// The on-time outcome of a dossier, counted in working days against its return date.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    Early,
    OnTime,
    Late,
    /// Open, the return date not passed.
    InTime,
    /// Open, the return date passed.
    Overdue,
    /// Open and waiting on the applicant (supplement, fees) or stopped.
    Paused,
    /// Not received, refused or withdrawn: no outcome.
    None,
}

/// A dossier as the lists show it (no personal data).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DossierView {
    pub id: String,
    pub procedure: String,
    pub procedure_name: String,
    pub unit: String,
    pub unit_name: String,
    pub commune: Option<String>,
    pub commune_name: Option<String>,
    pub channel: Channel,
    pub status: DossierStatus,
    pub status_at: DateTime<Utc>,
    pub received_at: Option<DateTime<Utc>>,
    pub due_date: Option<NaiveDate>,
    /// After apologies: the latest promised date.
    pub current_due_date: Option<NaiveDate>,
    pub result_at: Option<DateTime<Utc>>,
    pub timeliness: Timeliness,
    /// Working days past the return date (overdue or late), 0 otherwise.
    pub days_late: i64,
    pub postponements: i16,
}

/// `POST /api/v1/dossiers/{id}/apologies`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ApologyInput {
    pub reason: String,
    pub new_due: NaiveDate,
}

/// An apology slip (phiếu xin lỗi và hẹn lại ngày trả kết quả).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ApologyView {
    pub dossier_id: String,
    /// 1 for the first postponement, 2 for the second…
    pub number: i16,
    pub reason: String,
    pub previous_due: NaiveDate,
    pub new_due: NaiveDate,
    pub issued_at: DateTime<Utc>,
    pub issued_by: String,
}

/// Live counters of one unit (or the province), the payload of `dossiers/{unit}`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DossierBoard {
    pub unit: String,
    pub unit_name_vi: String,
    pub unit_name_en: String,
    /// The local day the counters are for.
    pub day: NaiveDate,
    pub received_today: i64,
    pub finished_today: i64,
    pub in_progress: i64,
    pub paused: i64,
    pub overdue: i64,
    /// Overdue or finished late, with no apology slip.
    pub late_without_apology: i64,
    /// Finished this month: early or on time / all, 0–100 (None with nothing finished).
    pub on_time_month: Option<f64>,
    pub online_month: Option<f64>,
    /// The 766 index of the rolling 30 days.
    pub index: Option<IndexSummary>,
    /// Units below (departments and communes for the province), best index first.
    #[serde(default)]
    pub ranking: Vec<RankRow>,
    /// Overdue dossiers per commune (the map), for the province.
    #[serde(default)]
    pub communes: Vec<CommuneCount>,
    /// The unit's most recently overdue dossiers (newest first, at most 5): the live alert to
    /// the responsible unit. Empty on the province's board.
    #[serde(default)]
    pub alerts: Vec<OverdueAlert>,
    /// True when the figures come from the built-in simulator.
    pub demo: bool,
}

/// A dossier that went past its return date (no personal data).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OverdueAlert {
    pub id: String,
    pub procedure: String,
    pub procedure_name: String,
    pub due_date: NaiveDate,
    /// Working days past the return date.
    pub days_late: i64,
    pub apologised: bool,
}

/// A 766 total with its six groups.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct IndexSummary {
    pub total: f64,
    pub band_vi: String,
    pub band_en: String,
    pub groups: Vec<GroupScore>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct GroupScore {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub points: f64,
    pub max_points: f64,
}

/// One metric of the 766 index with how it was computed (the explain view).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MetricScore {
    pub code: String,
    pub group: String,
    pub name_vi: String,
    pub name_en: String,
    pub numerator_name: String,
    pub denominator_name: String,
    pub numerator: f64,
    pub denominator: f64,
    pub ratio: Option<f64>,
    pub full_at: f64,
    pub points: f64,
    pub max_points: f64,
}

/// The 766 index of one unit and period, every metric explained.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct IndexView {
    pub unit: String,
    pub unit_name_vi: String,
    pub unit_name_en: String,
    /// `month`, `quarter`, `year` or `rolling30`.
    pub period_kind: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub summary: IndexSummary,
    pub metrics: Vec<MetricScore>,
    pub computed_at: DateTime<Utc>,
}

/// A unit's place in its peer group's ranking.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RankRow {
    pub rank: usize,
    pub unit: String,
    pub name_vi: String,
    pub name_en: String,
    /// `department` or `commune`.
    pub kind: String,
    pub total: f64,
    pub groups: Vec<f64>,
    pub overdue: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CommuneCount {
    pub unit: String,
    pub name_vi: String,
    pub open: i64,
    pub overdue: i64,
}
