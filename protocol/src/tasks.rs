//! Tasks from directives (issue 13): a letter (number, date, issuer, title) assigns tasks to
//! units, each with a deadline in the letter's own words — kept — and the date or recurrence
//! read from them. Status is derived from the deadline, the day and what the owner reported.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Where a task stands today.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// Past its deadline and not done.
    Overdue,
    /// Due within [`TASK_DUE_SOON_WORKING_DAYS`] working days.
    DueSoon,
    OnTrack,
    /// No date to meet ("thường xuyên", or a deadline that waits on an event).
    Ongoing,
    DoneLate,
    DoneOnTime,
}

impl TaskStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Overdue => "overdue",
            TaskStatus::DueSoon => "due_soon",
            TaskStatus::OnTrack => "on_track",
            TaskStatus::Ongoing => "ongoing",
            TaskStatus::DoneLate => "done_late",
            TaskStatus::DoneOnTime => "done_on_time",
        }
    }

    pub fn parse(s: &str) -> Option<TaskStatus> {
        [
            TaskStatus::Overdue,
            TaskStatus::DueSoon,
            TaskStatus::OnTrack,
            TaskStatus::Ongoing,
            TaskStatus::DoneLate,
            TaskStatus::DoneOnTime,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
    }

    pub fn is_done(self) -> bool {
        matches!(self, TaskStatus::DoneLate | TaskStatus::DoneOnTime)
    }
}

/// A task is "due soon" this many working days before its deadline.
pub const TASK_DUE_SOON_WORKING_DAYS: i64 = 3;

/// A letter that assigns tasks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DirectiveView {
    pub id: i64,
    /// Number and symbol as written: `6758/UBND-KSTT` (empty when the source has none).
    pub number: String,
    pub issued_on: Option<NaiveDate>,
    pub issuer: String,
    pub title: String,
}

/// A unit named by a task.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TaskUnit {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
}

/// A task as lists and views show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TaskView {
    pub id: i64,
    pub directive: DirectiveView,
    pub owner: TaskUnit,
    /// The owner as the letter names it (before the 2025 reorganisation: "Sở Kế hoạch và Đầu tư").
    pub owner_as_written: String,
    pub cooperators: Vec<TaskUnit>,
    pub content: String,
    /// The deadline in the letter's words.
    pub deadline: String,
    /// An approved extension's wording: the deadline now (the letter's stays above).
    #[serde(default)]
    pub extended_deadline: Option<String>,
    /// An extension request waits for the issuer's decision.
    #[serde(default)]
    pub extension_pending: bool,
    /// For a recurring task, the period whose instance is shown (`2026-Q4`); its label.
    pub period: Option<String>,
    pub period_label_vi: Option<String>,
    /// The last day allowed, days off counted (Civil Code art. 148(2)); none for an ongoing task.
    pub due_on: Option<NaiveDate>,
    pub done_on: Option<NaiveDate>,
    pub status: TaskStatus,
    /// Working days from today to the deadline: negative when overdue (by that many); for a
    /// task done, minus the working days it was late; 0 for an ongoing task.
    pub working_days_left: i64,
}

/// One owner's tasks that need attention: the leader's "what is late and who owns it".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OwnerTasks {
    pub owner: TaskUnit,
    pub overdue: usize,
    pub due_soon: usize,
    /// Overdue first (longest late first), then due soon.
    pub tasks: Vec<TaskView>,
}

/// The live board of a unit's tasks that need attention (`tasks/{unit}`; the province's code:
/// every task). Counts are complete; each owner lists its [`TASK_BOARD_PER_OWNER`] most urgent
/// tasks (the whole list: `GET /api/v1/tasks?owner=`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TaskBoard {
    pub unit: String,
    /// The day the statuses were computed for (they change at midnight).
    pub day: NaiveDate,
    pub overdue: usize,
    pub due_soon: usize,
    pub owners: Vec<OwnerTasks>,
    /// Periodic reports past their deadline and not handed in, by unit (the most first); each
    /// unit lists its [`TASK_BOARD_PER_OWNER`] latest.
    #[serde(default)]
    pub late_reports: Vec<UnitLateReports>,
    /// How many reports that is in all.
    #[serde(default)]
    pub reports_overdue: usize,
    /// The units' records over the year (the worst first; a unit's board: its own).
    #[serde(default)]
    pub records: Vec<crate::UnitRecord>,
}

/// A report of a regime past its deadline and not handed in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LateReport {
    pub regime_id: i64,
    pub regime: String,
    pub period: String,
    pub period_label_vi: String,
    pub period_label_en: String,
    pub deadline: NaiveDate,
}

/// One unit's late reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UnitLateReports {
    pub unit: TaskUnit,
    pub count: usize,
    /// The latest deadlines first.
    pub reports: Vec<LateReport>,
}

/// Tasks a live board lists per owner.
pub const TASK_BOARD_PER_OWNER: usize = 5;

/// The topic of a unit's task board.
pub fn tasks_topic(unit: &str) -> String {
    format!("tasks/{unit}")
}

/// A new letter with its tasks (all stored, or none).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DirectiveInput {
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub issued_on: Option<NaiveDate>,
    pub issuer: String,
    pub title: String,
    pub tasks: Vec<TaskInput>,
}

/// A task of a new letter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TaskInput {
    /// Unit code of the owner.
    pub owner: String,
    #[serde(default)]
    pub owner_as_written: String,
    #[serde(default)]
    pub cooperators: Vec<String>,
    pub content: String,
    /// The deadline as the letter words it: "trước ngày 20/10/2026", "trong quý I/2027",
    /// "định kỳ trước ngày 20 tháng cuối quý".
    pub deadline: String,
}

/// The owner asks for a later deadline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ExtensionRequest {
    /// The new deadline, worded like a letter's: "chậm nhất ngày 30/6/2027".
    pub deadline: String,
    pub reason: String,
}

/// The issuer's office decides on an extension request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ExtensionDecision {
    pub approve: bool,
    #[serde(default)]
    pub note: String,
}

/// What `POST /api/v1/tasks/{id}/extensions` answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ExtensionCreated {
    pub id: i64,
}

/// What `POST /api/v1/directives` answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DirectiveCreated {
    pub id: i64,
    pub tasks: Vec<i64>,
}

/// Where a task stands, reported by its owner or a co-operating unit (evidence files are
/// uploaded to the update afterwards).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TaskProgressInput {
    pub note: String,
    /// How far along, 0–100, when the unit can say.
    #[serde(default)]
    pub percent: Option<u8>,
}

/// One update of a task: progress or done, by which unit, with its evidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TaskUpdateView {
    pub id: i64,
    pub period: Option<String>,
    pub note: String,
    pub percent: Option<u8>,
    pub done: bool,
    pub unit: Option<String>,
    pub author: String,
    pub at: chrono::DateTime<chrono::Utc>,
    pub evidence: Vec<crate::DocumentMeta>,
}

/// The owner reports a task (or a recurring task's period) done.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TaskDoneInput {
    /// A recurring task's period (`2026-Q4`); the current one when absent.
    #[serde(default)]
    pub period: Option<String>,
    #[serde(default)]
    pub note: String,
}
