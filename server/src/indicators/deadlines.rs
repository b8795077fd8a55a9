//! Deadlines of the monthly reports and the deadline board.
//!
//! Rules come from `indicator_groups` (seed 000: units submit "chậm nhất vào ngày 02" — by the
//! 2nd, inclusive — of the next month; the province sends "trước ngày 03" — strictly before the
//! 3rd), counted in calendar days or, where the group says so, in working days, on the shared
//! working calendar ([`crate::calendar`]). A calendar-day deadline that falls on a day off moves
//! to the next working day (Civil Code 2015, art. 148(2)): the December report is due on Monday
//! 4 January 2027, not on Saturday the 2nd.
//!
//! Every reporting unit × period has a status (not due, due soon, late, submitted, approved,
//! sent) and, separately, whether the province is late to the Government (the report is not sent
//! after the send deadline, whoever holds it). The board of the current period is a stored live
//! topic, republished after each workflow step and by the reminder tick, so walls, approvers and
//! the units themselves see reminders without reloading.

use chrono::{Datelike, NaiveDate, Utc};
use ioc_protocol::{
    deadlines_topic, format_period, months_before, province_offset, DayBound, DeadlineBoard,
    DeadlineStatus, IndicatorGroup, IndicatorGroupPatch, Payload, Publication, SubmissionStatus,
    SubmissionSummary,
};
use sqlx::{PgConnection, PgExecutor};

pub use crate::calendar::Calendar;
use crate::calendar::{Bound, Counting, MonthDeadline};
use crate::http::constraint::Violation;
use crate::live::stored;

/// What the CHECK constraints of `indicator_groups` tell an administrator whose rule edit breaks
/// one (days 1–28, sending not before submitting; a 422 in both languages).
pub const CONSTRAINTS: &[Violation] = &[
    Violation {
        constraint: "indicator_groups_check",
        vi: "Hạn gửi Chính phủ không được sớm hơn hạn đơn vị nộp",
        en: "send_day must not be before submit_day",
    },
    Violation {
        constraint: "indicator_groups_submit_day_check",
        vi: "Ngày hạn nộp: 1–28",
        en: "submit_day: 1–28",
    },
    Violation {
        constraint: "indicator_groups_send_day_check",
        vi: "Ngày hạn gửi: 1–28",
        en: "send_day: 1–28",
    },
    Violation {
        constraint: "indicator_groups_due_soon_days_check",
        vi: "Số ngày báo sắp đến hạn: 0–20",
        en: "due_soon_days: 0–20",
    },
    Violation {
        constraint: "indicator_groups_name_vi_check",
        vi: "Tên không được để trống",
        en: "names must not be blank",
    },
    Violation {
        constraint: "indicator_groups_name_en_check",
        vi: "Tên không được để trống",
        en: "names must not be blank",
    },
    Violation {
        constraint: "indicator_groups_code_check",
        vi: "Mã nhóm: chữ thường, số, _ - (tối đa 64), bắt đầu bằng chữ",
        en: "code: a-z 0-9 _ - (up to 64), starting with a letter",
    },
    Violation {
        constraint: "indicator_groups_submit_bound_check",
        vi: "Cách tính hạn nộp không hợp lệ",
        en: "invalid submit_bound",
    },
    Violation {
        constraint: "indicator_groups_send_bound_check",
        vi: "Cách tính hạn gửi không hợp lệ",
        en: "invalid send_bound",
    },
];

/// The deadline rule of an indicator group.
#[derive(Clone, Debug)]
pub struct Rule {
    pub code: String,
    pub submit_day: i16,
    pub send_day: i16,
    pub working_days: bool,
    pub due_soon_days: i16,
    /// `by` ("chậm nhất ngày N", day N inclusive) or `before` ("trước ngày N").
    pub submit_bound: DayBound,
    pub send_bound: DayBound,
}

impl Rule {
    fn month_deadline(&self, day: i16, bound: DayBound) -> MonthDeadline {
        MonthDeadline {
            day: day.clamp(1, 28) as u32,
            bound: match bound {
                DayBound::Before => Bound::Before,
                DayBound::By => Bound::By,
            },
            counting: if self.working_days {
                Counting::WorkingDays
            } else {
                Counting::CalendarDays
            },
        }
    }
}

pub async fn rule(db: impl PgExecutor<'_>, group: &str) -> Result<Option<Rule>, sqlx::Error> {
    sqlx::query_as!(
        Rule,
        r#"SELECT code, submit_day, send_day, working_days, due_soon_days,
                  submit_bound AS "submit_bound: DayBound", send_bound AS "send_bound: DayBound"
           FROM indicator_groups WHERE code = $1"#,
        group
    )
    .fetch_optional(db)
    .await
}

pub async fn rules(db: impl PgExecutor<'_>) -> Result<Vec<Rule>, sqlx::Error> {
    sqlx::query_as!(
        Rule,
        r#"SELECT code, submit_day, send_day, working_days, due_soon_days,
                  submit_bound AS "submit_bound: DayBound", send_bound AS "send_bound: DayBound"
           FROM indicator_groups ORDER BY code"#
    )
    .fetch_all(db)
    .await
}

/// The two deadlines of `period` — the last day allowed, after the art. 148 shift: units →
/// province, province → Government.
pub fn deadlines(rule: &Rule, cal: &Calendar, period: NaiveDate) -> (NaiveDate, NaiveDate) {
    let next = months_before(period, -1);
    let day = |d: MonthDeadline| {
        cal.deadline(next.year(), next.month(), d)
            .expect("the first of a month is a valid month")
    };
    (
        day(rule.month_deadline(rule.submit_day, rule.submit_bound)),
        day(rule.month_deadline(rule.send_day, rule.send_bound)),
    )
}

/// Whether the province is late to the Government for this report: not sent after the send
/// deadline — approved but not sent, still awaiting approval, or still missing at the province.
/// Distinct from the unit's lateness ([`status`]).
pub fn late_to_government(
    submission: Option<SubmissionStatus>,
    send_deadline: NaiveDate,
    today: NaiveDate,
) -> bool {
    today > send_deadline && submission != Some(SubmissionStatus::Sent)
}

/// The status of one unit × period on `today`.
pub fn status(
    rule: &Rule,
    cal: &Calendar,
    submission: Option<SubmissionStatus>,
    deadline: NaiveDate,
    today: NaiveDate,
) -> DeadlineStatus {
    match submission {
        Some(SubmissionStatus::Submitted) => DeadlineStatus::Submitted,
        Some(SubmissionStatus::Approved) => DeadlineStatus::Approved,
        Some(SubmissionStatus::Sent) => DeadlineStatus::Sent,
        // Nothing yet, a draft, or returned for correction: the unit still owes the report.
        _ if today > deadline => DeadlineStatus::Late,
        _ if cal.working_days_between(today, deadline) <= i64::from(rule.due_soon_days) => {
            DeadlineStatus::DueSoon
        }
        _ => DeadlineStatus::NotDue,
    }
}

/// Today in the province.
pub fn today() -> NaiveDate {
    Utc::now().with_timezone(&province_offset()).date_naive()
}

/// The period units are working on: the previous month until its submission deadline has passed,
/// then the current month.
pub fn current_period(rule: &Rule, cal: &Calendar, today: NaiveDate) -> NaiveDate {
    let this_month = today.with_day(1).expect("day 1");
    let previous = months_before(this_month, 1);
    if today <= deadlines(rule, cal, previous).0 {
        previous
    } else {
        this_month
    }
}

/// One reporting unit of a board: the columns of the left join are nullable (no report yet).
struct SummaryRow {
    id: Option<i64>,
    unit: String,
    unit_name_vi: String,
    unit_name_en: String,
    period: NaiveDate,
    status: Option<SubmissionStatus>,
    revision: Option<i32>,
    submitted_at: Option<chrono::DateTime<Utc>>,
    decided_at: Option<chrono::DateTime<Utc>>,
    sent_at: Option<chrono::DateTime<Utc>>,
    expected: i64,
    entered: i64,
}

/// Every reporting unit of `rule`'s group for `period` (optionally one unit only), with its report
/// if one exists. Reporting units are the owners of the group's active indicators.
pub async fn summaries(
    db: impl PgExecutor<'_>,
    rule: &Rule,
    cal: &Calendar,
    period: NaiveDate,
    unit: Option<&str>,
    today: NaiveDate,
) -> Result<Vec<SubmissionSummary>, sqlx::Error> {
    let rows = sqlx::query_as!(
        SummaryRow,
        r#"WITH reporting AS (
             SELECT owner_unit AS unit, count(*) AS expected FROM series
             WHERE group_code = $1 AND active AND owner_unit IS NOT NULL GROUP BY owner_unit
         )
         SELECT s.id AS "id?", r.unit AS "unit!", u.name_vi AS unit_name_vi, u.name_en AS unit_name_en,
                $2::date AS "period!", s.status AS "status?: SubmissionStatus", s.revision AS "revision?",
                s.submitted_at, s.decided_at, s.sent_at, r.expected AS "expected!",
                (SELECT count(DISTINCT e.series_id) FROM indicator_entries e WHERE e.submission_id = s.id) AS "entered!"
         FROM reporting r JOIN units u ON u.code = r.unit
         LEFT JOIN submissions s ON s.group_code = $1 AND s.unit_code = r.unit AND s.period = $2
         WHERE $3::text IS NULL OR r.unit = $3
         ORDER BY u.sort_order, r.unit"#,
        rule.code,
        period,
        unit
    )
    .fetch_all(db)
    .await?;
    let (deadline, send_deadline) = deadlines(rule, cal, period);
    Ok(rows
        .into_iter()
        .map(|r| {
            let st = r.status;
            SubmissionSummary {
                id: r.id,
                group: rule.code.clone(),
                unit: r.unit,
                unit_name_vi: r.unit_name_vi,
                unit_name_en: r.unit_name_en,
                period: format_period(r.period),
                status: st,
                revision: r.revision.unwrap_or(0),
                deadline: deadline.to_string(),
                send_deadline: send_deadline.to_string(),
                deadline_status: status(rule, cal, st, deadline, today),
                late_to_government: late_to_government(st, send_deadline, today),
                submitted_at: r.submitted_at,
                decided_at: r.decided_at,
                sent_at: r.sent_at,
                expected: r.expected,
                entered: r.entered,
            }
        })
        .collect())
}

/// The board of the current period and the previous one: last month's reports stay in view
/// (late, awaiting approval, sent) while this month's come due.
pub async fn board(
    db: &mut PgConnection,
    rule: &Rule,
    cal: &Calendar,
    today: NaiveDate,
    unit: Option<&str>,
) -> Result<DeadlineBoard, sqlx::Error> {
    let period = current_period(rule, cal, today);
    let mut rows = summaries(&mut *db, rule, cal, period, unit, today).await?;
    rows.extend(summaries(&mut *db, rule, cal, months_before(period, 1), unit, today).await?);
    Ok(DeadlineBoard {
        period: format_period(period),
        today: today.to_string(),
        rows,
    })
}

/// The rows of every group's board (current and previous period) — of one unit, or of every
/// reporting unit — and the current period; `None` when no group exists.
async fn board_rows(
    tx: &mut PgConnection,
    cal: &Calendar,
    today: NaiveDate,
    unit: Option<&str>,
) -> Result<Option<(String, Vec<SubmissionSummary>)>, sqlx::Error> {
    // One board per topic: with several groups, a board lists them all.
    let mut rows = Vec::new();
    let mut period = None;
    for rule in rules(&mut *tx).await? {
        let b = board(tx, &rule, cal, today, unit).await?;
        period.get_or_insert(b.period);
        rows.extend(b.rows);
    }
    Ok(period.map(|p| (p, rows)))
}

/// Stores the board of `topic` (published only when it changed).
async fn store_board(
    tx: &mut PgConnection,
    epoch: &str,
    topic: &str,
    period: &str,
    today: NaiveDate,
    rows: Vec<SubmissionSummary>,
) -> Result<Vec<Publication>, sqlx::Error> {
    let b = DeadlineBoard {
        period: period.to_string(),
        today: today.to_string(),
        rows,
    };
    Ok(stored::append(tx, epoch, topic, &Payload::Deadlines(b))
        .await?
        .into_iter()
        .collect())
}

/// Recomputes the boards of the units a workflow step touched, in the step's transaction. Only
/// those boards' stream heads are locked, so steps of different units run side by side; the
/// province's board, which every step changes, is refreshed after the commit by
/// [`run_province_board`](super::run_province_board), coalescing a burst of steps into one
/// recomputation. Returns the publications to send after the caller's transaction commits.
pub async fn refresh_unit_boards(
    tx: &mut PgConnection,
    epoch: &str,
    units: &[&str],
) -> Result<Vec<Publication>, sqlx::Error> {
    let cal = Calendar::load(&mut *tx).await?;
    let today = today();
    let mut out = Vec::new();
    for unit in units {
        let Some((period, rows)) = board_rows(tx, &cal, today, Some(unit)).await? else {
            break;
        };
        // A unit that reports nothing has no board.
        if !rows.is_empty() {
            out.extend(store_board(tx, epoch, &deadlines_topic(unit), &period, today, rows).await?);
        }
    }
    Ok(out)
}

/// Which boards a recomputation stores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Boards {
    /// The province's board only: after workflow steps, whose units' boards moved already.
    Province,
    /// The province's and each reporting unit's: when days pass (the reminder tick) and when a
    /// rule or the calendar changes, which moves every unit's deadline at once.
    Every,
}

/// Recomputes the province's board (every reporting unit) and, for [`Boards::Every`], each
/// unit's board cut from the same rows; stores those that changed. Returns the publications to
/// send after the caller's transaction commits.
pub async fn refresh_boards(
    tx: &mut PgConnection,
    epoch: &str,
    province: &str,
    which: Boards,
) -> Result<Vec<Publication>, sqlx::Error> {
    let cal = Calendar::load(&mut *tx).await?;
    let today = today();
    let Some((period, province_rows)) = board_rows(tx, &cal, today, None).await? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    if which == Boards::Every {
        let mut by_unit: std::collections::BTreeMap<&str, Vec<SubmissionSummary>> =
            Default::default();
        for r in &province_rows {
            by_unit.entry(r.unit.as_str()).or_default().push(r.clone());
        }
        for (unit, rows) in by_unit {
            out.extend(store_board(tx, epoch, &deadlines_topic(unit), &period, today, rows).await?);
        }
    }
    out.extend(
        store_board(
            tx,
            epoch,
            &deadlines_topic(province),
            &period,
            today,
            province_rows,
        )
        .await?,
    );
    Ok(out)
}

/// Every indicator group with its deadline rule.
pub async fn groups(db: impl PgExecutor<'_>) -> Result<Vec<IndicatorGroup>, sqlx::Error> {
    sqlx::query_as!(
        IndicatorGroup,
        r#"SELECT code, name_vi, name_en, submit_day, send_day, working_days, due_soon_days,
                  submit_bound AS "submit_bound: DayBound", send_bound AS "send_bound: DayBound"
           FROM indicator_groups ORDER BY code"#
    )
    .fetch_all(db)
    .await
}

/// Changes a group's rule; `None` when there is no such group. CHECK constraints (days 1–28,
/// sending not before submitting) surface as database errors the handler maps to 422.
pub async fn update_group(
    db: impl PgExecutor<'_>,
    code: &str,
    p: &IndicatorGroupPatch,
) -> Result<Option<IndicatorGroup>, sqlx::Error> {
    sqlx::query_as!(
        IndicatorGroup,
        r#"UPDATE indicator_groups SET name_vi = coalesce($2, name_vi), name_en = coalesce($3, name_en),
                submit_day = coalesce($4, submit_day), send_day = coalesce($5, send_day),
                working_days = coalesce($6, working_days), due_soon_days = coalesce($7, due_soon_days),
                submit_bound = coalesce($8, submit_bound), send_bound = coalesce($9, send_bound)
           WHERE code = $1
           RETURNING code, name_vi, name_en, submit_day, send_day, working_days, due_soon_days,
                     submit_bound AS "submit_bound: DayBound", send_bound AS "send_bound: DayBound""#,
        code,
        p.name_vi.as_deref(),
        p.name_en.as_deref(),
        p.submit_day,
        p.send_day,
        p.working_days,
        p.due_soon_days,
        p.submit_bound.map(DayBound::as_str),
        p.send_bound.map(DayBound::as_str)
    )
    .fetch_optional(db)
    .await
}

/// Whether `deadlines/{unit}` names a unit (a board exists for every unit, empty until its
/// first publication).
pub fn board_topic_exists(
    db: &sqlx::PgPool,
    topic: String,
) -> futures::future::BoxFuture<'static, Result<bool, sqlx::Error>> {
    let db = db.clone();
    Box::pin(async move {
        let Some(unit) = topic.strip_prefix("deadlines/") else {
            return Ok(false);
        };
        crate::units::get(&db, unit).await.map(|u| u.is_some())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn seed_rule(working_days: bool) -> Rule {
        Rule {
            code: "monthly-gov".into(),
            submit_day: 2,
            send_day: 3,
            working_days,
            due_soon_days: 3,
            submit_bound: DayBound::By,
            send_bound: DayBound::Before,
        }
    }

    /// Seed 000: "chậm nhất vào ngày 02" (by the 2nd, inclusive) and "trước ngày 03" (before
    /// the 3rd: the last day is the 2nd), each moved off a day off (art. 148(2)).
    #[test]
    fn calendar_days_follow_seed_000() {
        let cal = Calendar::default();
        assert_eq!(
            deadlines(&seed_rule(false), &cal, d(2026, 10, 1)),
            (d(2026, 11, 2), d(2026, 11, 2))
        );
        // 2 January 2027 is a Saturday (1 Jan, Friday, a holiday): Monday the 4th.
        assert_eq!(
            deadlines(&seed_rule(false), &cal, d(2026, 12, 1)),
            (d(2027, 1, 4), d(2027, 1, 4))
        );
        // 2 September 2026 is National Day: the August report is due on Thursday the 3rd.
        let (submit, send) = deadlines(&seed_rule(false), &cal, d(2026, 8, 1));
        assert_eq!((submit, send), (d(2026, 9, 3), d(2026, 9, 3)));
        assert!(cal.is_working_day(submit));
    }

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        // 1 Jan 2027 is a Friday holiday, 2–3 Jan a weekend: the 2nd working day is Tue 5 Jan;
        // "before the 3rd working day" ends on the 2nd.
        let cal = Calendar::default();
        assert_eq!(
            deadlines(&seed_rule(true), &cal, d(2026, 12, 1)),
            (d(2027, 1, 5), d(2027, 1, 5))
        );
        // Tết 2026: 16–20 Feb are holidays; February's 2nd working day is Tue 3 Feb.
        let tet = Calendar::default();
        assert_eq!(tet.nth_working_day(2026, 2, 2), Some(d(2026, 2, 3)));
        assert_eq!(
            tet.working_days_between(d(2026, 2, 13), d(2026, 2, 23)),
            1,
            "only Mon 23 Feb counts"
        );
    }

    #[test]
    fn status_moves_from_not_due_to_due_soon_to_late() {
        let cal = Calendar::default();
        let rule = seed_rule(false);
        let deadline = d(2026, 11, 2); // a Monday
        assert_eq!(
            status(&rule, &cal, None, deadline, d(2026, 10, 20)),
            DeadlineStatus::NotDue
        );
        // Thu 29 Oct → Mon 2 Nov: Fri 30, Mon 2 = 2 working days ≤ 3.
        assert_eq!(
            status(&rule, &cal, None, deadline, d(2026, 10, 29)),
            DeadlineStatus::DueSoon
        );
        assert_eq!(
            status(
                &rule,
                &cal,
                Some(SubmissionStatus::Draft),
                deadline,
                d(2026, 11, 2)
            ),
            DeadlineStatus::DueSoon
        );
        assert_eq!(
            status(
                &rule,
                &cal,
                Some(SubmissionStatus::Returned),
                deadline,
                d(2026, 11, 3)
            ),
            DeadlineStatus::Late
        );
        assert_eq!(
            status(
                &rule,
                &cal,
                Some(SubmissionStatus::Submitted),
                deadline,
                d(2026, 11, 9)
            ),
            DeadlineStatus::Submitted
        );
        assert_eq!(
            status(
                &rule,
                &cal,
                Some(SubmissionStatus::Sent),
                deadline,
                d(2026, 11, 9)
            ),
            DeadlineStatus::Sent
        );
    }

    #[test]
    fn late_to_the_government_is_the_provinces_own_state() {
        let send = d(2026, 11, 2);
        assert!(!late_to_government(None, send, d(2026, 11, 2)));
        assert!(late_to_government(None, send, d(2026, 11, 3)), "missing");
        assert!(late_to_government(
            Some(SubmissionStatus::Approved),
            send,
            d(2026, 11, 3)
        ));
        assert!(late_to_government(
            Some(SubmissionStatus::Submitted),
            send,
            d(2026, 11, 3)
        ));
        assert!(!late_to_government(
            Some(SubmissionStatus::Sent),
            send,
            d(2026, 11, 9)
        ));
    }

    #[test]
    fn current_period_turns_after_the_deadline() {
        let cal = Calendar::default();
        let rule = seed_rule(false);
        assert_eq!(current_period(&rule, &cal, d(2026, 11, 2)), d(2026, 10, 1));
        assert_eq!(current_period(&rule, &cal, d(2026, 11, 3)), d(2026, 11, 1));
    }
}
