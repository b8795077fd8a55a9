//! E-mail reminders of reports (issue 13, part 4): a reporting unit's editors are told when the
//! open period's report is due within `--remind-working-days` working days and not handed in,
//! and once when the last period's deadline passed without it. The regimes module decides (it
//! owns periods and deadlines); the mails go the way the tasks' do (`mail::queue_to_units`).

use chrono::NaiveDate;
use sqlx::PgPool;

use super::{store, Regime};
use crate::calendar::periods::Period;
use crate::calendar::Calendar;
use crate::config::ServeConfig;
use crate::mail::{self, ToUnit};
use crate::tasks::reminders::{Kind, Reminders};

fn dmy(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// Subject and text of a report's reminder, Vietnamese first, then English.
pub fn compose(
    r: &Regime,
    period: &Period,
    deadline: NaiveDate,
    kind: Kind,
    days: i64,
    link: &str,
) -> (String, String) {
    let (subject, vi, en) = match kind {
        Kind::DueSoon => (
            format!("[IOC] Sắp đến hạn báo cáo / Report due soon: {} – {}", r.name, period.label_vi()),
            format!("Báo cáo sau chưa được gửi, hạn {} (còn {days} ngày làm việc).", dmy(deadline)),
            format!("The report below has not been handed in; it is due {} ({days} working day(s) left).", dmy(deadline)),
        ),
        Kind::Overdue => (
            format!("[IOC] Quá hạn báo cáo / Report overdue: {} – {}", r.name, period.label_vi()),
            format!("Báo cáo sau đã quá hạn {} mà chưa được gửi.", dmy(deadline)),
            format!("The report below was due {} and has not been handed in.", dmy(deadline)),
        ),
    };
    let body = format!(
        "{vi}\n\nChế độ báo cáo: {name}\nCăn cứ: {basis}\nKỳ báo cáo: {label_vi} (số liệu từ {from} đến {to})\n\
         Xem: {link}\n\n---\n\n{en}\n\nRegime: {name}\nPeriod: {label_en} (figures {from} – {to})\nSee: {link}\n\n\
         Thư tự động của Trung tâm điều hành (IOC), xin đừng trả lời.\n\
         An automatic message of the operations centre (IOC); please do not reply.\n",
        name = r.name,
        basis = r.legal_basis,
        label_vi = period.label_vi(),
        label_en = period.label_en(),
        from = dmy(period.window().0),
        to = dmy(period.window().1),
    );
    (subject, body)
}

/// The reminders due on `today`: the open period of each regime, for the units that have not
/// handed it in, when its deadline is near; the last period whose deadline passed, for the
/// units that never handed it in. Older missing reports are on the late boards, not mailed
/// again and again.
pub async fn queue(db: &PgPool, rem: &Reminders, today: NaiveDate) -> Result<usize, sqlx::Error> {
    let calendar = Calendar::load(db).await?;
    let handed = store::handed_in_dates(db).await?;
    let mut messages = Vec::new();
    for r in store::select(db, None).await? {
        let open = r.current_period(&calendar, today);
        let mut due: Vec<(Period, Kind)> = Vec::new();
        let deadline = r.deadline(&calendar, &open);
        let left = calendar.working_days_between(today, deadline);
        if deadline >= today && left <= rem.working_days {
            due.push((open, Kind::DueSoon));
        }
        if let Some(last) = r.periods_due(&calendar, today).pop() {
            due.push((last, Kind::Overdue));
        }
        for (period, kind) in due {
            let deadline = r.deadline(&calendar, &period);
            let days = calendar.working_days_between(today, deadline).abs();
            let (subject, body) = compose(&r, &period, deadline, kind, days, &rem.link);
            for unit in &r.reporting_units {
                let key = (r.id, unit.clone(), period.first_day());
                if handed.get(&key).copied().flatten().is_some() {
                    continue;
                }
                messages.push(ToUnit {
                    unit: unit.clone(),
                    subject: subject.clone(),
                    body: body.clone(),
                    dedupe_key: format!("report:{}:{period}:{deadline}:{}", r.id, kind.key()),
                });
            }
        }
    }
    mail::queue_to_units(db, &messages).await
}

/// The pass as the server runs it, beside the tasks' (`tasks::live::run`): `None` when no SMTP
/// server is configured (nothing queued).
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
