//! E-mail reminders of tasks (issue 13, part 4): the owner unit's editors are told when a task's
//! deadline is `--remind-working-days` working days away or fewer, and once more when it is
//! overdue. The tasks module decides (it owns deadlines and statuses); `mail` only carries.
//!
//! A pass looks at every task as of a day and queues what is due. Each mail's key names the task,
//! its period (recurring tasks), its last day and the kind of reminder, so a rerun queues nothing
//! new, while a new period or an extended deadline reminds again.

use chrono::NaiveDate;
use ioc_protocol::{TaskStatus, TaskView};
use sqlx::PgPool;

use crate::calendar::Calendar;
use crate::config::ServeConfig;
use crate::mail::{self, ToUnit};

/// What a pass reminds of, and where the mails point.
#[derive(Clone, Debug)]
pub struct Reminders {
    /// Reminded when this many working days or fewer are left.
    pub working_days: i64,
    /// The late-tasks page: `{--public-url}/wall/tasks`, or the path alone.
    pub link: String,
}

impl Reminders {
    /// `None` when no SMTP server is configured: then nothing is queued, so no backlog of stale
    /// reminders leaves the day one is configured.
    pub fn from_config(c: &ServeConfig) -> Option<Reminders> {
        if !mail::configured(c) {
            return None;
        }
        let base = c
            .public_url
            .as_deref()
            .map(|u| u.trim().trim_end_matches('/'))
            .unwrap_or("");
        Some(Reminders {
            working_days: i64::from(c.remind_working_days),
            link: format!("{base}/wall/tasks"),
        })
    }
}

/// Which reminder a task's view calls for on the pass's day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    DueSoon,
    Overdue,
}

impl Kind {
    pub fn key(self) -> &'static str {
        match self {
            Kind::DueSoon => "soon",
            Kind::Overdue => "overdue",
        }
    }
}

/// The reminder `t` calls for, if any: overdue, or not done with its last day `working_days`
/// working days away or fewer (and not passed).
pub fn kind(t: &TaskView, working_days: i64) -> Option<Kind> {
    match t.status {
        TaskStatus::Overdue => Some(Kind::Overdue),
        TaskStatus::DueSoon | TaskStatus::OnTrack
            if t.due_on.is_some() && t.working_days_left <= working_days =>
        {
            Some(Kind::DueSoon)
        }
        _ => None,
    }
}

/// What identifies one reminder of one instance of a task: a rerun finds it queued already.
pub fn dedupe_key(t: &TaskView, kind: Kind) -> String {
    format!(
        "task:{}:{}:{}:{}",
        t.id,
        t.period.as_deref().unwrap_or("-"),
        t.due_on.map(|d| d.to_string()).unwrap_or_default(),
        kind.key()
    )
}

fn dmy(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// Subject and text of a reminder, Vietnamese first, then English.
pub fn compose(t: &TaskView, kind: Kind, link: &str) -> (String, String) {
    let short: String = {
        let mut s: String = t.content.chars().take(80).collect();
        if t.content.chars().count() > 80 {
            s.push('…');
        }
        s
    };
    let days = t.working_days_left.abs();
    let (subject, state_vi, state_en) = match kind {
        Kind::DueSoon => (
            format!("[IOC] Sắp đến hạn / Due soon: {short}"),
            if days == 0 {
                "Nhiệm vụ sau đến hạn hôm nay.".to_string()
            } else {
                format!("Nhiệm vụ sau sắp đến hạn: còn {days} ngày làm việc.")
            },
            if days == 0 {
                "The task below is due today.".to_string()
            } else {
                format!("The task below is due in {days} working day(s).")
            },
        ),
        Kind::Overdue => (
            format!("[IOC] Quá hạn / Overdue: {short}"),
            format!("Nhiệm vụ sau đã quá hạn {days} ngày làm việc."),
            format!("The task below is overdue by {days} working day(s)."),
        ),
    };
    let d = &t.directive;
    let number = if d.number.is_empty() {
        "(không số)".to_string()
    } else {
        d.number.clone()
    };
    let issued_vi = d
        .issued_on
        .map(|x| format!(" ngày {}", dmy(x)))
        .unwrap_or_default();
    let issued_en = d
        .issued_on
        .map(|x| format!(" of {}", dmy(x)))
        .unwrap_or_default();
    let wording = match &t.extended_deadline {
        Some(x) => format!("{x} (gia hạn / extended; văn bản: {})", t.deadline),
        None => t.deadline.clone(),
    };
    let due = t.due_on.map(dmy).unwrap_or_default();
    let period_vi = t
        .period_label_vi
        .as_deref()
        .map(|p| format!("Kỳ: {p}\n"))
        .unwrap_or_default();
    let period_en = t
        .period
        .as_deref()
        .map(|p| format!("Period: {p}\n"))
        .unwrap_or_default();
    let body = format!(
        "Kính gửi {owner_vi},\n\n{state_vi}\n\n\
         Nội dung: {content}\n\
         Văn bản: số {number}{issued_vi} của {issuer}: {title}\n\
         Thời hạn: {wording}; hạn cuối {due}\n\
         {period_vi}\
         Xem: {link}\n\n\
         ---\n\n\
         To {owner_en},\n\n{state_en}\n\n\
         Task: {content}\n\
         Letter: no. {number}{issued_en}, {issuer}: {title}\n\
         Deadline: {wording}; last day {due}\n\
         {period_en}\
         See: {link}\n\n\
         Thư tự động của Trung tâm điều hành (IOC), xin đừng trả lời.\n\
         An automatic message of the operations centre (IOC); please do not reply.\n",
        owner_vi = t.owner.name_vi,
        owner_en = t.owner.name_en,
        content = t.content,
        issuer = d.issuer,
        title = d.title,
    );
    (subject, body)
}

/// Queues the reminders due on `today` (in one transaction); how many mails were new.
pub async fn queue(db: &PgPool, r: &Reminders, today: NaiveDate) -> Result<usize, sqlx::Error> {
    let calendar = Calendar::load(db).await?;
    let due: Vec<(TaskView, Kind)> = super::views(db, None, &calendar, today)
        .await?
        .into_iter()
        .filter_map(|t| kind(&t, r.working_days).map(|k| (t, k)))
        .collect();
    let messages: Vec<ToUnit> = due
        .iter()
        .map(|(t, k)| {
            let (subject, body) = compose(t, *k, &r.link);
            ToUnit {
                unit: t.owner.code.clone(),
                subject,
                body,
                dedupe_key: dedupe_key(t, *k),
            }
        })
        .collect();
    mail::queue_to_units(db, &messages).await
}

/// The pass as the server runs it (at start and after each local midnight, `tasks::live::run`):
/// `None` when no SMTP server is configured (nothing queued).
pub async fn pass(
    db: &PgPool,
    config: &ServeConfig,
    today: NaiveDate,
) -> Result<Option<usize>, sqlx::Error> {
    match Reminders::from_config(config) {
        Some(r) => queue(db, &r, today).await.map(Some),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ioc_protocol::{DirectiveView, TaskUnit};

    fn view(status: TaskStatus, left: i64, period: Option<&str>) -> TaskView {
        TaskView {
            id: 7,
            directive: DirectiveView {
                id: 1,
                number: "123/UBND-KSTT".into(),
                issued_on: Some("2026-08-01".parse().unwrap()),
                issuer: "UBND tỉnh Nghệ An".into(),
                title: "V/v báo cáo".into(),
            },
            owner: TaskUnit {
                code: "dept-stc".into(),
                name_vi: "Sở Tài chính".into(),
                name_en: "Department of Finance".into(),
            },
            owner_as_written: String::new(),
            cooperators: vec![],
            content: "Báo cáo tiến độ giải ngân".into(),
            deadline: "trước ngày 20/9/2026".into(),
            extended_deadline: None,
            extension_pending: false,
            period: period.map(String::from),
            period_label_vi: period.map(|_| "Quý III/2026".into()),
            due_on: Some("2026-09-21".parse().unwrap()),
            done_on: None,
            status,
            working_days_left: left,
        }
    }

    #[test]
    fn which_tasks_are_reminded() {
        assert_eq!(kind(&view(TaskStatus::OnTrack, 5, None), 3), None);
        assert_eq!(
            kind(&view(TaskStatus::OnTrack, 5, None), 5),
            Some(Kind::DueSoon),
            "the window is the flag's, not the board's"
        );
        assert_eq!(
            kind(&view(TaskStatus::DueSoon, 3, None), 3),
            Some(Kind::DueSoon)
        );
        assert_eq!(kind(&view(TaskStatus::DueSoon, 3, None), 2), None);
        assert_eq!(
            kind(&view(TaskStatus::DueSoon, 0, None), 3),
            Some(Kind::DueSoon)
        );
        assert_eq!(
            kind(&view(TaskStatus::Overdue, -4, None), 3),
            Some(Kind::Overdue)
        );
        assert_eq!(kind(&view(TaskStatus::DoneOnTime, 0, None), 3), None);
        assert_eq!(kind(&view(TaskStatus::DoneLate, -2, None), 3), None);
        let mut ongoing = view(TaskStatus::Ongoing, 0, None);
        ongoing.due_on = None;
        assert_eq!(kind(&ongoing, 3), None);
    }

    #[test]
    fn a_new_period_or_deadline_is_a_new_reminder() {
        let t = view(TaskStatus::DueSoon, 2, Some("2026-Q3"));
        let key = dedupe_key(&t, Kind::DueSoon);
        assert_eq!(key, "task:7:2026-Q3:2026-09-21:soon");
        assert_ne!(key, dedupe_key(&t, Kind::Overdue));
        let mut next = t.clone();
        next.period = Some("2026-Q4".into());
        assert_ne!(key, dedupe_key(&next, Kind::DueSoon));
        let mut extended = t.clone();
        extended.due_on = Some("2026-10-30".parse().unwrap());
        assert_ne!(key, dedupe_key(&extended, Kind::DueSoon));
    }

    #[test]
    fn the_mail_says_what_by_when_in_both_languages() {
        let (subject, body) = compose(
            &view(TaskStatus::DueSoon, 2, None),
            Kind::DueSoon,
            "https://ioc.nghean.gov.vn/wall/tasks",
        );
        assert!(subject.contains("Sắp đến hạn / Due soon: Báo cáo tiến độ giải ngân"));
        for part in [
            "Kính gửi Sở Tài chính",
            "còn 2 ngày làm việc",
            "số 123/UBND-KSTT ngày 01/08/2026 của UBND tỉnh Nghệ An",
            "Thời hạn: trước ngày 20/9/2026; hạn cuối 21/09/2026",
            "due in 2 working day(s)",
            "last day 21/09/2026",
            "https://ioc.nghean.gov.vn/wall/tasks",
        ] {
            assert!(body.contains(part), "{part} in {body}");
        }
        assert!(body.find("Kính gửi") < body.find("To Department of Finance"));
        let (subject, body) = compose(&view(TaskStatus::Overdue, -4, None), Kind::Overdue, "/x");
        assert!(subject.starts_with("[IOC] Quá hạn / Overdue"));
        assert!(body.contains("quá hạn 4 ngày làm việc") && body.contains("overdue by 4"));
    }
}
