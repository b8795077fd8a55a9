//! Wire types of the indicators domain: the catalogue, entry and approval of monthly figures,
//! deadlines, the published series, and delivery to the Government reporting system.
//!
//! Periods travel as `"YYYY-MM"` strings (readable in URLs, Excel sheets and logs); values as
//! JSON numbers (the server keeps them as `numeric`).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::ValueKind;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// How the months of a year make up its year-to-date value.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    /// Year to date = sum of months (retail sales, exports, budget revenue).
    Sum,
    /// Year to date = mean of months (a price index).
    Average,
    /// Year to date = the latest month (a stock, e.g. enterprises in operation).
    Last,
    /// A growth index: the year-to-date value is reported by the source, never derived.
    Rate,
}

impl Aggregation {
    pub fn as_str(self) -> &'static str {
        match self {
            Aggregation::Sum => "sum",
            Aggregation::Average => "average",
            Aggregation::Last => "last",
            Aggregation::Rate => "rate",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Sum, Self::Average, Self::Last, Self::Rate]
            .into_iter()
            .find(|a| a.as_str() == s)
    }
}

/// An estimate (ước, given before the month's data is complete) or the official figure.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FigureKind {
    Estimate,
    Official,
}

impl FigureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FigureKind::Estimate => "estimate",
            FigureKind::Official => "official",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "estimate" => Some(FigureKind::Estimate),
            "official" => Some(FigureKind::Official),
            _ => None,
        }
    }
}

/// Where a unit's report for a period stands in the workflow.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SubmissionStatus {
    Draft,
    Submitted,
    Returned,
    Approved,
    Sent,
}

impl SubmissionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SubmissionStatus::Draft => "draft",
            SubmissionStatus::Submitted => "submitted",
            SubmissionStatus::Returned => "returned",
            SubmissionStatus::Approved => "approved",
            SubmissionStatus::Sent => "sent",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        use SubmissionStatus::*;
        [Draft, Submitted, Returned, Approved, Sent]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// A unit × period as the deadline board shows it.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeadlineStatus {
    /// The period has not ended, or its deadline is still far.
    NotDue,
    /// Not submitted and the deadline is within the group's warning window.
    DueSoon,
    /// Not submitted (or returned and not resubmitted) after the deadline.
    Late,
    Submitted,
    Approved,
    Sent,
}

impl DeadlineStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineStatus::NotDue => "not_due",
            DeadlineStatus::DueSoon => "due_soon",
            DeadlineStatus::Late => "late",
            DeadlineStatus::Submitted => "submitted",
            DeadlineStatus::Approved => "approved",
            DeadlineStatus::Sent => "sent",
        }
    }
}

/// One indicator of the catalogue.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct IndicatorDef {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub measure_vi: String,
    pub measure_en: String,
    pub decimals: u8,
    /// Indicator group (its deadlines); `None` for series nobody submits.
    pub group: Option<String>,
    /// `monthly`, `quarterly` or `yearly`.
    pub periodicity: String,
    pub aggregation: Aggregation,
    /// What kind of number the value is: how "so cùng kỳ" and "so tháng trước" are computed
    /// ([`crate::protocol::change`]).
    #[serde(default)]
    pub value_kind: ValueKind,
    /// The annual target is a budget plan and progress reads as its disbursement ("giải ngân
    /// x% kế hoạch"), as leaders read public investment.
    #[serde(default)]
    pub disbursement: bool,
    /// Month values add up to the year-to-date value.
    pub cumulative: bool,
    /// The department that reports the province's figure.
    pub owner_unit: Option<String>,
    pub owner_name_vi: Option<String>,
    pub higher_is_better: bool,
    pub min_value: Option<f64>,
    pub max_value: Option<f64>,
    pub warn_low: Option<f64>,
    pub warn_high: Option<f64>,
    /// Change in percent against the previous month or the same month last year that warns.
    pub jump_pct: f64,
    /// The plan for the year (the year's total where cumulative, else the level to reach).
    pub annual_target: Option<f64>,
    pub active: bool,
    pub on_wall: bool,
    pub sort_order: i32,
}

/// Body of `PATCH /api/v1/indicators/{code}` (administrators). Absent fields stay; for the
/// optional numbers, `null` clears them.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct IndicatorPatch {
    pub name_vi: Option<String>,
    pub name_en: Option<String>,
    pub measure_vi: Option<String>,
    pub measure_en: Option<String>,
    pub decimals: Option<u8>,
    pub aggregation: Option<Aggregation>,
    pub value_kind: Option<ValueKind>,
    pub disbursement: Option<bool>,
    pub cumulative: Option<bool>,
    pub owner_unit: Option<String>,
    pub higher_is_better: Option<bool>,
    #[serde(default, with = "double_option")]
    pub min_value: Option<Option<f64>>,
    #[serde(default, with = "double_option")]
    pub max_value: Option<Option<f64>>,
    #[serde(default, with = "double_option")]
    pub warn_low: Option<Option<f64>>,
    #[serde(default, with = "double_option")]
    pub warn_high: Option<Option<f64>>,
    pub jump_pct: Option<f64>,
    #[serde(default, with = "double_option")]
    pub annual_target: Option<Option<f64>>,
    pub active: Option<bool>,
    pub on_wall: Option<bool>,
    pub sort_order: Option<i32>,
}

/// `Option<Option<T>>` that tells an absent field (`None`) from an explicit `null` (`Some(None)`).
mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer, T: Serialize>(
        v: &Option<Option<T>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            None => s.serialize_none(),
            Some(inner) => inner.serialize(s),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Ok(Some(Option::<T>::deserialize(d)?))
    }
}

/// How serious a finding of the entry checks is.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Passes only with a note that explains it.
    Warning,
    /// Blocks the entry.
    Error,
}

/// One result of the entry checks, in both languages.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Finding {
    pub series: String,
    pub kind: FigureKind,
    pub severity: Severity,
    /// `below_min`, `above_max`, `below_warn`, `above_warn`, `jump_prev_month`,
    /// `jump_same_month_last_year`, `ytd_mismatch`.
    pub code: String,
    pub message_vi: String,
    pub message_en: String,
}

/// The current value of one kind of figure in a report.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EntryValue {
    pub value: f64,
    pub ytd: Option<f64>,
    pub note: Option<String>,
    pub warnings: Vec<Finding>,
    pub entered_at: DateTime<Utc>,
    pub entered_by: Option<String>,
    /// How many times this figure was entered in this report (1 = never changed).
    pub versions: i64,
}

/// One indicator's line of a report, with what the checks compare it to.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EntryRow {
    pub indicator: IndicatorDef,
    pub estimate: Option<EntryValue>,
    pub official: Option<EntryValue>,
    /// Published figure of the previous month (official, else estimate).
    pub previous_month: Option<f64>,
    /// Published figure of the same month last year.
    pub same_month_last_year: Option<f64>,
    /// Sum of the published months from January to the previous month (cumulative indicators).
    pub ytd_before: Option<f64>,
}

/// A reporting unit's report for one period.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SubmissionView {
    /// `None` while nothing was entered (the report exists implicitly).
    pub id: Option<i64>,
    pub group: String,
    pub unit: String,
    pub unit_name_vi: String,
    pub unit_name_en: String,
    /// The area the figures describe (the province for a department).
    pub area: String,
    pub period: String,
    pub status: SubmissionStatus,
    pub revision: i32,
    pub submitted_at: Option<DateTime<Utc>>,
    pub submitted_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
    pub return_comment: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    /// Submission deadline (units → province), `YYYY-MM-DD`.
    pub deadline: String,
    /// Sending deadline (province → Government), `YYYY-MM-DD`.
    pub send_deadline: String,
    pub deadline_status: DeadlineStatus,
    /// Not sent to the Government after `send_deadline` (the province's lateness, not the unit's).
    #[serde(default)]
    pub late_to_government: bool,
    pub rows: Vec<EntryRow>,
}

/// One figure typed in a form or read from an Excel sheet.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EntryInput {
    pub series: String,
    pub value: f64,
    #[serde(default)]
    pub ytd: Option<f64>,
    /// Explanation that lets a warning pass.
    #[serde(default)]
    pub note: Option<String>,
}

/// Body of `PUT /api/v1/submissions/{unit}/{period}/entries`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SaveEntries {
    pub kind: FigureKind,
    pub values: Vec<EntryInput>,
}

/// Body of `POST /api/v1/submissions/{unit}/{period}/return`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReturnRequest {
    pub comment: String,
}

/// One report in a list (the approver's queue, a unit's periods, the deadline board).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SubmissionSummary {
    pub id: Option<i64>,
    pub group: String,
    pub unit: String,
    pub unit_name_vi: String,
    pub unit_name_en: String,
    pub period: String,
    pub status: Option<SubmissionStatus>,
    pub revision: i32,
    pub deadline: String,
    pub send_deadline: String,
    pub deadline_status: DeadlineStatus,
    /// Trễ hạn gửi Chính phủ: the report is not sent to the Government after `send_deadline` —
    /// approved but not sent, awaiting approval, or still missing at the province. Distinct from
    /// `deadline_status` (the unit's own lateness towards the province).
    #[serde(default)]
    pub late_to_government: bool,
    pub submitted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    /// Indicators this unit reports in the group, and how many have a figure in this report.
    pub expected: i64,
    pub entered: i64,
}

/// The deadline board of one period: every reporting unit's status. Payload of the stored topics
/// `deadlines/{province}` (all units) and `deadlines/{unit}` (one unit's reminders).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeadlineBoard {
    pub period: String,
    /// Date the board was computed for (`YYYY-MM-DD`, province time).
    pub today: String,
    pub rows: Vec<SubmissionSummary>,
}

/// One entry of a figure's history (the revisions, side by side).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EntryRevision {
    pub series: String,
    pub kind: FigureKind,
    pub value: f64,
    pub ytd: Option<f64>,
    pub note: Option<String>,
    pub source: String,
    pub entered_at: DateTime<Utc>,
    pub entered_by: Option<String>,
    /// The submission revision this entry belongs to.
    pub revision: i32,
}

/// One month of a published series.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MonthFigure {
    pub period: String,
    pub value: f64,
    /// Year-to-date value: reported, or derived from the months by the indicator's aggregation.
    pub ytd: Option<f64>,
    pub kind: FigureKind,
    /// Summed from the units that merged into this one (history before the 2025 reorganisation).
    pub rolled_up: bool,
    /// A rolled-up month built from only some of the predecessor units (the others sent
    /// nothing for it, or were split between several successors): lower than the real total.
    #[serde(default)]
    pub partial: bool,
    pub demo: bool,
}

/// `GET /api/v1/indicators/{code}/series`: one indicator for one area, month by month.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SeriesView {
    pub indicator: IndicatorDef,
    pub area: String,
    pub area_name_vi: String,
    pub area_name_en: String,
    pub months: Vec<MonthFigure>,
}

/// `GET /api/v1/indicators/{code}/units?period=`: who reported the figure and how it went.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct IndicatorUnits {
    pub indicator: IndicatorDef,
    pub period: String,
    pub submissions: Vec<SubmissionSummary>,
    /// Every entry of this indicator in those reports, newest first.
    pub revisions: Vec<EntryRevision>,
}

/// Answer of a history import (`POST /api/v1/figures/backfill`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BackfillReceipt {
    pub rows: usize,
    /// Rows equal to the figure already stored (not written again).
    pub unchanged: usize,
    pub series: Vec<String>,
    pub first_period: Option<String>,
    pub last_period: Option<String>,
}

/// Delivery state of one message to the Government reporting system.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    Pending,
    Delivered,
    Failed,
}

impl DeliveryStatus {
    /// The spelling in the outbox table and in the `status` filter of the delivery list.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        use DeliveryStatus::*;
        [Pending, Delivered, Failed]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// One row of the delivery status page.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeliveryView {
    pub id: i64,
    pub idempotency_key: String,
    pub unit: Option<String>,
    pub unit_name_vi: Option<String>,
    pub period: Option<String>,
    pub revision: Option<i32>,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub last_http_status: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// The Government system's receipt identifier, when it gave one.
    pub receipt_id: Option<String>,
}

/// `GET /api/v1/central/deliveries`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeliveryList {
    /// Whether an endpoint is configured at all (otherwise messages wait in the queue).
    pub configured: bool,
    pub endpoint: Option<String>,
    pub pending: i64,
    pub delivered: i64,
    pub failed: i64,
    pub items: Vec<DeliveryView>,
}

/// An indicator group: the deadline rule its indicators share.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct IndicatorGroup {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    /// Units submit by this day of the next month (1–28)…
    pub submit_day: i16,
    /// …and the province sends by this one.
    pub send_day: i16,
    /// The days count working days (the N-th working day) instead of calendar days.
    pub working_days: bool,
    /// "Due soon" starts this many working days before the submission deadline.
    pub due_soon_days: i16,
    /// Whether `submit_day` is the last day allowed ("chậm nhất ngày N") or the first late one.
    #[serde(default)]
    pub submit_bound: DayBound,
    /// Same for `send_day` (seed 000: "trước ngày 03", before the 3rd).
    #[serde(default)]
    pub send_bound: DayBound,
}

/// How a deadline "day N" reads in the law.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DayBound {
    /// "Chậm nhất ngày N": day N inclusive.
    #[default]
    By,
    /// "Trước ngày N": strictly before day N (the last day allowed is N − 1).
    Before,
}

impl DayBound {
    pub fn as_str(self) -> &'static str {
        match self {
            DayBound::By => "by",
            DayBound::Before => "before",
        }
    }

    pub fn parse(s: &str) -> Option<DayBound> {
        match s {
            "by" => Some(DayBound::By),
            "before" => Some(DayBound::Before),
            _ => None,
        }
    }
}

/// Body of `PATCH /api/v1/indicator-groups/{code}` (administrators); absent fields stay.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct IndicatorGroupPatch {
    pub name_vi: Option<String>,
    pub name_en: Option<String>,
    pub submit_day: Option<i16>,
    pub send_day: Option<i16>,
    pub working_days: Option<bool>,
    pub due_soon_days: Option<i16>,
    #[serde(default)]
    pub submit_bound: Option<DayBound>,
    #[serde(default)]
    pub send_bound: Option<DayBound>,
}

/// `"YYYY-MM"` → first day of that month (see [`crate::Period`], which the server carries).
pub fn parse_period(s: &str) -> Option<NaiveDate> {
    crate::Period::parse(s).map(crate::Period::first_day)
}

/// First day of a month → `"YYYY-MM"`.
pub fn format_period(d: NaiveDate) -> String {
    crate::Period::containing(d).to_string()
}

/// The month `n` months before (negative: after) the month of `d`.
pub fn months_before(d: NaiveDate, n: i32) -> NaiveDate {
    let idx = d.year() * 12 + d.month0() as i32 - n;
    NaiveDate::from_ymd_opt(idx.div_euclid(12), idx.rem_euclid(12) as u32 + 1, 1)
        .expect("valid month")
}

/// Year-to-date values for months of one series in period order, by the indicator's
/// aggregation. A month's YTD is `None` when a month of its year before it is missing (a sum
/// over a gap would be wrong) or, for rates, when the source did not report one.
pub fn year_to_date(
    aggregation: Aggregation,
    months: &[(NaiveDate, f64, Option<f64>)],
) -> Vec<Option<f64>> {
    let mut out = Vec::with_capacity(months.len());
    let mut year = None;
    let mut sum = 0.0;
    let mut count = 0u32;
    let mut complete = true;
    for &(period, value, reported) in months {
        if year != Some(period.year()) {
            year = Some(period.year());
            sum = 0.0;
            count = 0;
            complete = true;
        }
        // Months must follow each other from January.
        complete &= period.month() == count + 1;
        sum += value;
        count += 1;
        let derived = match aggregation {
            Aggregation::Sum if complete => Some(sum),
            Aggregation::Average if complete => Some(sum / count as f64),
            Aggregation::Last => Some(value),
            _ => None,
        };
        out.push(reported.or(derived));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(y: i32, mo: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, mo, 1).unwrap()
    }

    #[test]
    fn periods_round_trip_and_refuse_nonsense() {
        assert_eq!(parse_period("2026-10"), Some(m(2026, 10)));
        assert_eq!(format_period(m(2019, 1)), "2019-01");
        for bad in ["2026-13", "2026-1", "26-10", "2026/10", "", "2026-00"] {
            assert_eq!(parse_period(bad), None, "{bad}");
        }
        assert_eq!(months_before(m(2026, 1), 1), m(2025, 12));
        assert_eq!(months_before(m(2026, 1), 12), m(2025, 1));
        assert_eq!(months_before(m(2025, 12), -1), m(2026, 1));
    }

    #[test]
    fn year_to_date_follows_the_aggregation_and_stops_at_gaps() {
        let months = [
            (m(2025, 11), 5.0, None),
            (m(2025, 12), 6.0, None),
            (m(2026, 1), 1.0, None),
            (m(2026, 2), 2.0, None),
            (m(2026, 4), 4.0, None),
        ];
        // 2025 starts in November: no sum; 2026: Jan, Jan+Feb, then a gap in March.
        assert_eq!(
            year_to_date(Aggregation::Sum, &months),
            vec![None, None, Some(1.0), Some(3.0), None]
        );
        assert_eq!(year_to_date(Aggregation::Average, &months)[3], Some(1.5));
        assert_eq!(year_to_date(Aggregation::Last, &months)[4], Some(4.0));
        assert_eq!(year_to_date(Aggregation::Rate, &months), vec![None; 5]);
        let reported = [
            (m(2026, 1), 105.0, Some(105.0)),
            (m(2026, 2), 103.0, Some(104.1)),
        ];
        assert_eq!(
            year_to_date(Aggregation::Rate, &reported),
            vec![Some(105.0), Some(104.1)]
        );
    }
}

/// The message a monthly report becomes for the Government reporting system, sent byte for byte
/// as it was queued in the approval's transaction (`schema` names this shape).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ReportMessage {
    /// Always [`ReportMessage::SCHEMA`].
    pub schema: String,
    pub province: String,
    /// The indicator group (its deadline rule), e.g. `monthly-gov`.
    pub group: String,
    pub reporting_unit: String,
    /// The area the figures describe.
    pub area: String,
    /// `YYYY-MM`.
    pub period: String,
    pub submission_id: i64,
    /// Which revision of the report: a correction after sending is a new message.
    pub revision: i32,
    pub approved_at: DateTime<Utc>,
    pub approved_by: String,
    pub figures: Vec<ReportMessageFigure>,
}

impl ReportMessage {
    pub const SCHEMA: &'static str = "ioc.indicators.v1";
}

/// One figure of a [`ReportMessage`].
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ReportMessageFigure {
    pub indicator: String,
    pub name: String,
    pub measure: String,
    pub kind: FigureKind,
    pub value: f64,
    pub ytd: Option<f64>,
}
