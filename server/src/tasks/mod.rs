//! Tasks from directives (issue 13): what a letter asks of which unit, by when, followed to
//! its deadline. Deadlines are read from the letters' own wording ([`deadline`]); a task's
//! status is derived from its deadline, the working-day calendar, today and what its owner
//! reported ([`instance`], [`status`]) — never stored, so it is right on the day it changes.

pub mod deadline;
pub mod demo;
pub mod export;
pub mod live;
pub mod progress;
pub mod reminders;
pub mod routes;
pub mod store;

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use ioc_protocol::{DirectiveInput, OwnerTasks, TaskStatus, TaskView, TASK_DUE_SOON_WORKING_DAYS};
use sqlx::PgPool;

use crate::calendar::periods::{Frequency, Period};
use crate::calendar::Calendar;
use crate::http::ApiError;
use deadline::Deadline;

/// The occurrence of a task a view shows: for a one-off task, the task; for a recurring one,
/// the earliest period whose deadline passed without a report, else the current period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instance {
    pub period: Option<Period>,
    /// The last day allowed, days off counted (`None`: an ongoing task).
    pub due: Option<NaiveDate>,
    pub done_on: Option<NaiveDate>,
}

/// Most periods looked at for a recurring task (monthly since 2019 is under 100).
const MAX_PERIODS: usize = 600;

/// A recurring task's first period (the one holding `starts_on`) and its current one (holding
/// `today`). The 9-month period holds no day from 15 September to 14 December: then the next
/// one for the start and the last one for today.
fn periods(every: Frequency, starts_on: NaiveDate, today: NaiveDate) -> Option<(Period, Period)> {
    let first = Period::containing(every, starts_on)
        .or_else(|| Period::new(every, starts_on.year() + 1, 1))?;
    let current =
        Period::containing(every, today).or_else(|| Period::new(every, today.year(), 1))?;
    Some((first, current))
}

/// See [`Instance`]. `done` holds a recurring task's periods reported done (by key).
pub fn instance(
    deadline: &Deadline,
    starts_on: NaiveDate,
    done_on: Option<NaiveDate>,
    done: &HashMap<String, NaiveDate>,
    calendar: &Calendar,
    today: NaiveDate,
) -> Instance {
    let Deadline::Recurring { every, .. } = *deadline else {
        return Instance {
            period: None,
            due: deadline.due(calendar, None),
            done_on,
        };
    };
    let Some((mut p, current)) = periods(every, starts_on, today) else {
        return Instance {
            period: None,
            due: None,
            done_on: None,
        };
    };
    let at = |p: Period| Instance {
        period: Some(p),
        due: deadline.due(calendar, Some(&p)),
        done_on: done.get(&p.to_string()).copied(),
    };
    for _ in 0..MAX_PERIODS {
        if p >= current {
            break;
        }
        let i = at(p);
        if i.done_on.is_none() && i.due.is_some_and(|due| due < today) {
            return i;
        }
        p = p.next();
    }
    at(current.max(p))
}

/// Where an instance stands on `today`, and the working days left (negative: late by).
pub fn status(i: &Instance, calendar: &Calendar, today: NaiveDate) -> (TaskStatus, i64) {
    let Some(due) = i.due else {
        let status = if i.done_on.is_some() {
            TaskStatus::DoneOnTime
        } else {
            TaskStatus::Ongoing
        };
        return (status, 0);
    };
    if let Some(done) = i.done_on {
        let late = done > due;
        let days = -calendar.working_days_between(due, done).max(0);
        return (
            if late {
                TaskStatus::DoneLate
            } else {
                TaskStatus::DoneOnTime
            },
            days,
        );
    }
    let left = calendar.working_days_between(today, due);
    let status = if today > due {
        TaskStatus::Overdue
    } else if left <= TASK_DUE_SOON_WORKING_DAYS {
        TaskStatus::DueSoon
    } else {
        TaskStatus::OnTrack
    };
    (status, left)
}

/// The tasks owned by or shared with `units` (every task when `None`) as views on `today`.
pub async fn views(
    db: &PgPool,
    units: Option<&[String]>,
    calendar: &Calendar,
    today: NaiveDate,
) -> Result<Vec<TaskView>, sqlx::Error> {
    Ok(store::list(db, units)
        .await?
        .into_iter()
        .map(|r| view(r, calendar, today))
        .collect())
}

/// A stored task as views show it on `today`.
pub fn view(r: store::TaskRow, calendar: &Calendar, today: NaiveDate) -> TaskView {
    // An approved extension is the deadline now.
    let deadline = match &r.extended {
        Some((_, day)) => Deadline::Once(*day),
        None => r.deadline,
    };
    let i = instance(
        &deadline,
        r.starts_on,
        r.done_on,
        &r.periods_done,
        calendar,
        today,
    );
    let (status, working_days_left) = status(&i, calendar, today);
    TaskView {
        id: r.id,
        directive: r.directive,
        owner: r.owner,
        owner_as_written: r.owner_as_written,
        cooperators: r.cooperators,
        content: r.content,
        deadline: r.deadline_wording,
        extended_deadline: r.extended.map(|(w, _)| w),
        extension_pending: r.extension_pending,
        period: i.period.map(|p| p.to_string()),
        period_label_vi: i.period.map(|p| p.label_vi()),
        due_on: i.due,
        done_on: i.done_on,
        status,
        working_days_left,
    }
}

/// A task of a letter, checked and its deadline read.
pub struct ReadTask {
    pub owner: String,
    pub owner_as_written: String,
    pub cooperators: Vec<String>,
    pub content: String,
    pub wording: String,
    pub deadline: Deadline,
}

impl ReadTask {
    pub fn as_new(&self) -> store::NewTask<'_> {
        store::NewTask {
            owner: &self.owner,
            owner_as_written: &self.owner_as_written,
            cooperators: &self.cooperators,
            content: &self.content,
            deadline_wording: &self.wording,
            deadline: self.deadline,
        }
    }
}

/// Most tasks one letter carries, and the longest texts.
const MAX_TASKS: usize = 500;
const MAX_TEXT: usize = 4000;
const MAX_LINE: usize = 500;

fn rejected(code: &'static str, vi: String, en: String) -> ApiError {
    ApiError::Rejected { code, vi, en }
}

/// Checks a letter and reads its deadlines; the first fault refuses it, naming the task (from 1).
pub async fn read_directive(
    db: &PgPool,
    input: &DirectiveInput,
) -> Result<Vec<ReadTask>, ApiError> {
    let too_long = |field: &str, max: usize| {
        rejected(
            "too_long",
            format!("«{field}» dài quá {max} ký tự"),
            format!("«{field}» is longer than {max} characters"),
        )
    };
    for (field, value, max) in [
        ("number", &input.number, MAX_LINE),
        ("issuer", &input.issuer, MAX_LINE),
        ("title", &input.title, MAX_TEXT),
    ] {
        if value.chars().count() > max {
            return Err(too_long(field, max));
        }
    }
    if input.issuer.trim().is_empty() || input.title.trim().is_empty() {
        return Err(rejected(
            "missing_field",
            "Văn bản cần cơ quan ban hành và trích yếu".into(),
            "A letter needs its issuer and its title".into(),
        ));
    }
    if input.tasks.is_empty() || input.tasks.len() > MAX_TASKS {
        return Err(rejected(
            "invalid_tasks",
            format!("Văn bản cần từ 1 đến {MAX_TASKS} nhiệm vụ"),
            format!("A letter needs 1 to {MAX_TASKS} tasks"),
        ));
    }
    let mut codes: Vec<String> = input
        .tasks
        .iter()
        .flat_map(|t| std::iter::once(&t.owner).chain(&t.cooperators))
        .cloned()
        .collect();
    codes.sort();
    codes.dedup();
    let known = store::known_units(db, &codes).await?;
    let mut read = Vec::with_capacity(input.tasks.len());
    for (i, t) in input.tasks.iter().enumerate() {
        let n = i + 1;
        let fault = |code, vi: String, en: String| {
            rejected(
                code,
                format!("Nhiệm vụ {n}: {vi}"),
                format!("Task {n}: {en}"),
            )
        };
        if t.content.trim().is_empty() {
            return Err(fault(
                "missing_field",
                "thiếu nội dung".into(),
                "no content".into(),
            ));
        }
        if t.content.chars().count() > MAX_TEXT
            || t.deadline.chars().count() > MAX_LINE
            || t.owner_as_written.chars().count() > MAX_LINE
            || t.cooperators.len() > 100
        {
            return Err(fault(
                "too_long",
                "nội dung quá dài".into(),
                "too long".into(),
            ));
        }
        for unit in std::iter::once(&t.owner).chain(&t.cooperators) {
            if !known.contains(unit) {
                return Err(fault(
                    "unknown_unit",
                    format!("không có đơn vị «{unit}»"),
                    format!("no unit «{unit}»"),
                ));
            }
        }
        let deadline = deadline::parse(&t.deadline).map_err(|e| {
            let (vi, en) = e.messages();
            fault("invalid_deadline", vi, en)
        })?;
        read.push(ReadTask {
            owner: t.owner.clone(),
            owner_as_written: t.owner_as_written.trim().to_string(),
            cooperators: t
                .cooperators
                .iter()
                .filter(|c| **c != t.owner)
                .cloned()
                .collect(),
            content: t.content.trim().to_string(),
            wording: t.deadline.trim().to_string(),
            deadline,
        });
    }
    Ok(read)
}

/// Checks an extension request against its task: a one-off task not done, a readable wording
/// naming one day, later than the deadline now, a reason. The new last day (as worded).
pub fn read_extension(
    id: i64,
    task: &store::Locked,
    input: &ioc_protocol::ExtensionRequest,
) -> Result<NaiveDate, ApiError> {
    let (Some(current), false) = (task.due_on, task.recurring || task.done) else {
        return Err(rejected(
            "not_extendable",
            format!("Nhiệm vụ {id} không gia hạn được (định kỳ, thường xuyên hoặc đã hoàn thành)"),
            format!("Task {id} cannot be extended (recurring, ongoing or done)"),
        ));
    };
    if input.reason.trim().is_empty() || input.reason.chars().count() > MAX_TEXT {
        return Err(rejected(
            "missing_field",
            "Đề nghị gia hạn cần lý do (tối đa 4000 ký tự)".into(),
            "An extension request needs a reason (at most 4000 characters)".into(),
        ));
    }
    let day = match deadline::parse(&input.deadline) {
        Ok(Deadline::Once(day)) => day,
        Ok(_) => {
            return Err(rejected(
                "invalid_deadline",
                format!(
                    "«{}» không phải một ngày: gia hạn đến một ngày cụ thể",
                    input.deadline.trim()
                ),
                format!(
                    "«{}» is not one day: an extension runs to a day",
                    input.deadline.trim()
                ),
            ))
        }
        Err(e) => {
            let (vi, en) = e.messages();
            return Err(rejected("invalid_deadline", vi, en));
        }
    };
    if day <= current {
        return Err(rejected(
            "not_later",
            format!(
                "Hạn mới {} không sau hạn hiện tại {}",
                day.format("%d/%m/%Y"),
                current.format("%d/%m/%Y")
            ),
            format!(
                "The new deadline {} is not after the current one {}",
                day.format("%d/%m/%Y"),
                current.format("%d/%m/%Y")
            ),
        ));
    }
    Ok(day)
}

/// The period a recurring task's "done" is for: the one asked for (it must be one of the
/// task's, from its first period to the current one), else the one its view shows.
pub fn period_to_report(
    row: &store::TaskRow,
    asked: Option<&str>,
    calendar: &Calendar,
    today: NaiveDate,
) -> Result<Period, ApiError> {
    let Deadline::Recurring { every, .. } = row.deadline else {
        return Err(ApiError::NotFound);
    };
    let shown = instance(
        &row.deadline,
        row.starts_on,
        None,
        &row.periods_done,
        calendar,
        today,
    );
    let Some(asked) = asked.filter(|a| !a.is_empty()) else {
        return shown.period.ok_or(ApiError::NotFound);
    };
    let refused = || {
        rejected(
            "invalid_period",
            format!(
                "Nhiệm vụ {} không có kỳ «{asked}» (báo cáo {})",
                row.id,
                every.as_str()
            ),
            format!(
                "Task {} has no period «{asked}» (it recurs {})",
                row.id,
                every.as_str()
            ),
        )
    };
    let period: Period = asked.parse().map_err(|_| refused())?;
    let in_range = period.frequency == every
        && periods(every, row.starts_on, today)
            .is_some_and(|(first, current)| first <= period && period <= current);
    if in_range {
        Ok(period)
    } else {
        Err(refused())
    }
}

/// The overdue and due-soon tasks by owner: owners with the most overdue first, then the most
/// due soon; within an owner, the longest late first.
pub fn by_owner(tasks: Vec<TaskView>) -> Vec<OwnerTasks> {
    let mut owners: Vec<OwnerTasks> = Vec::new();
    for t in tasks
        .into_iter()
        .filter(|t| matches!(t.status, TaskStatus::Overdue | TaskStatus::DueSoon))
    {
        let at = match owners.iter().position(|o| o.owner.code == t.owner.code) {
            Some(at) => at,
            None => {
                owners.push(OwnerTasks {
                    owner: t.owner.clone(),
                    overdue: 0,
                    due_soon: 0,
                    tasks: Vec::new(),
                });
                owners.len() - 1
            }
        };
        let o = &mut owners[at];
        if t.status == TaskStatus::Overdue {
            o.overdue += 1;
        } else {
            o.due_soon += 1;
        }
        o.tasks.push(t);
    }
    for o in &mut owners {
        o.tasks
            .sort_by_key(|t| (t.status, t.working_days_left, t.id));
    }
    owners.sort_by(|a, b| {
        (b.overdue, b.due_soon)
            .cmp(&(a.overdue, a.due_soon))
            .then_with(|| a.owner.code.cmp(&b.owner.code))
    });
    owners
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn one_off_tasks_by_the_day() {
        let cal = crate::calendar::tests::cal();
        let task = deadline::parse("trước ngày 20/9/2026").unwrap();
        let none = HashMap::new();
        let at = |today: &str, done: Option<&str>| {
            let i = instance(&task, d("2026-09-01"), done.map(d), &none, &cal, d(today));
            assert_eq!(i.due, Some(d("2026-09-21")), "19 September is a Saturday");
            status(&i, &cal, d(today))
        };
        assert_eq!(at("2026-09-01", None), (TaskStatus::OnTrack, 13));
        assert_eq!(at("2026-09-16", None), (TaskStatus::DueSoon, 3));
        assert_eq!(at("2026-09-21", None), (TaskStatus::DueSoon, 0));
        assert_eq!(at("2026-09-22", None), (TaskStatus::Overdue, -1));
        assert_eq!(
            at("2026-10-01", Some("2026-09-21")),
            (TaskStatus::DoneOnTime, 0)
        );
        assert_eq!(
            at("2026-10-01", Some("2026-09-23")),
            (TaskStatus::DoneLate, -2)
        );
    }

    #[test]
    fn a_recurring_task_shows_its_earliest_missed_period_else_the_current_one() {
        let cal = crate::calendar::tests::cal();
        // Every quarter, before the 20th of its last month; from a letter of 1 July 2026.
        let task = deadline::parse("định kỳ trước ngày 20 tháng cuối quý").unwrap();
        let start = d("2026-07-01");
        let mut done = HashMap::new();
        // 4 December 2026: Q3 (due Monday 21 September) was never reported: overdue.
        let i = instance(&task, start, None, &done, &cal, d("2026-12-04"));
        assert_eq!(i.period.map(|p| p.to_string()).as_deref(), Some("2026-Q3"));
        assert_eq!(status(&i, &cal, d("2026-12-04")).0, TaskStatus::Overdue);
        // Reported (late): the current quarter, Q4.
        done.insert("2026-Q3".to_string(), d("2026-10-02"));
        let i = instance(&task, start, None, &done, &cal, d("2026-12-04"));
        assert_eq!(i.period.map(|p| p.to_string()).as_deref(), Some("2026-Q4"));
        assert_eq!(
            i.due,
            Some(d("2026-12-21")),
            "Saturday 19 → Monday 21 (art. 148(2))"
        );
        assert_eq!(status(&i, &cal, d("2026-12-04")), (TaskStatus::OnTrack, 11));
    }
}
