//! Reporting regimes of Decree 09/2019/NĐ-CP (issue 13): who reports what to whom, how often,
//! cut off when and due when; each unit's submission per period (a narrative document and the
//! figures of the data form) following the same lifecycle as the indicator reports.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::{DeadlineMonth, Frequency, SubmissionStatus};

/// Decree 09's three kinds of regime.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RegimeKind {
    /// Định kỳ: every period.
    Periodic,
    /// Chuyên đề: once, on a subject.
    Thematic,
    /// Đột xuất: once, when something happens.
    AdHoc,
}

impl RegimeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RegimeKind::Periodic => "periodic",
            RegimeKind::Thematic => "thematic",
            RegimeKind::AdHoc => "ad_hoc",
        }
    }

    pub fn parse(s: &str) -> Option<RegimeKind> {
        [
            RegimeKind::Periodic,
            RegimeKind::Thematic,
            RegimeKind::AdHoc,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// When a period's report is due.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum RegimeDeadline {
    /// Day `day` of the period's last month or of the month after it; `before`: strictly before
    /// that day; `working_days`: the `day`-th working day.
    DayOfMonth {
        month: DeadlineMonth,
        day: u32,
        #[serde(default)]
        before: bool,
        #[serde(default)]
        working_days: bool,
    },
    /// `days` days after the cut-off (the window's last day), working or calendar days.
    AfterCutoff {
        days: u32,
        #[serde(default)]
        working_days: bool,
    },
    /// One day (a thematic or ad hoc report).
    Fixed { due_on: NaiveDate },
}

/// One number of a regime's data form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FormField {
    /// `[a-z][a-z0-9_]*`, unique in the form.
    pub code: String,
    pub label_vi: String,
    pub label_en: String,
    /// The unit of measure as printed ("hồ sơ", "tỷ đồng").
    #[serde(default)]
    pub unit: String,
}

/// One figure of the data form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FieldValue {
    pub code: String,
    pub value: f64,
}

/// A new regime (an administrator of the receiving unit, or of the province).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RegimeInput {
    pub code: String,
    pub name: String,
    pub kind: RegimeKind,
    /// The document that sets the regime up ("Nghị định 09/2019/NĐ-CP, Điều 12").
    pub legal_basis: String,
    #[serde(default)]
    pub content: String,
    pub receiving_unit: String,
    /// Unit codes; `departments` and `communes` stand for every unit of that kind.
    pub reporting_units: Vec<String>,
    /// A periodic regime's frequency (the others have one period).
    #[serde(default)]
    pub frequency: Option<Frequency>,
    pub deadline: RegimeDeadline,
    /// The first period the regime asks for (`2026-03`, `2026-Q1`…); the current one when absent.
    #[serde(default)]
    pub first_period: Option<String>,
    #[serde(default)]
    pub form_fields: Vec<FormField>,
}

/// A regime as the API shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RegimeView {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: RegimeKind,
    pub legal_basis: String,
    pub content: String,
    pub receiving_unit: String,
    pub reporting_units: Vec<String>,
    pub frequency: Frequency,
    pub deadline: RegimeDeadline,
    pub first_period: String,
    pub form_fields: Vec<FormField>,
    /// The outline template, when one was uploaded.
    pub outline: Option<DocumentMeta>,
    /// The period open now (or the last one for a regime asked once) and its deadline.
    pub current_period: String,
    pub current_deadline: NaiveDate,
}

/// A stored file, without its bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DocumentMeta {
    pub id: i64,
    pub file_name: String,
    /// Detected from the content.
    pub media_type: String,
    pub size_bytes: i64,
    /// Hex SHA-256 of the content.
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
}

/// What a unit reported for a period, by revision.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RegimeRevision {
    pub revision: i32,
    pub document: Option<DocumentMeta>,
    /// Field code → value.
    pub figures: Vec<FieldValue>,
}

/// One unit's submission for one period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RegimeSubmission {
    pub regime_id: i64,
    pub unit: String,
    pub unit_name: String,
    pub period: String,
    pub period_label_vi: String,
    pub period_label_en: String,
    /// The cut-off window of the figures.
    pub window_from: NaiveDate,
    pub window_to: NaiveDate,
    pub deadline: NaiveDate,
    pub status: SubmissionStatus,
    pub revision: i32,
    pub first_submitted_at: Option<DateTime<Utc>>,
    pub return_comment: Option<String>,
    /// Handed in after the deadline (or not handed in and the deadline has passed).
    pub late: bool,
    /// What is being prepared now (the next revision) and every revision handed in, newest first.
    pub revisions: Vec<RegimeRevision>,
}

/// The figures of the data form a unit saves (field code → value).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RegimeFiguresInput {
    pub values: std::collections::BTreeMap<String, f64>,
}

/// One row of the receiving unit's summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RegimeSummaryRow {
    pub unit: String,
    pub unit_name: String,
    pub status: SubmissionStatus,
    pub first_submitted_at: Option<DateTime<Utc>>,
    pub late: bool,
    pub document: Option<DocumentMeta>,
    /// The figures of the revision handed in last (field code → value).
    pub figures: Vec<FieldValue>,
}

/// Who submitted, who is late, and the figures summed over the units that handed in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RegimeSummary {
    pub regime: RegimeView,
    pub period: String,
    pub period_label_vi: String,
    pub period_label_en: String,
    pub deadline: NaiveDate,
    pub rows: Vec<RegimeSummaryRow>,
    pub submitted: usize,
    pub late: usize,
    /// Field code → the sum over the units' handed-in figures.
    pub totals: Vec<FieldValue>,
}

/// A unit's record over a year: periods due, handed in on time, late, missing.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UnitRecord {
    pub unit: String,
    pub unit_name: String,
    pub year: i32,
    pub due: u32,
    pub on_time: u32,
    pub late: u32,
    pub missing: u32,
}
