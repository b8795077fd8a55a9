//! `/entry`: a unit editor's reports, the current reporting period first, then earlier ones,
//! with a reminder when one is due soon or late. Reminders follow `deadlines/{unit}` live, so a
//! phone left open on this page learns of a deadline without a reload.

use leptos::prelude::*;

use super::text::EntryMsg as T;
use super::{
    date_label, loading, period_label, previous_period, unit_label, DeadlineChip, EntryCtx,
    EntryFrame, FailureNote, GovernmentChip, Screen, StatusChip,
};
use crate::api::{self, Failure};
use crate::live::{use_live, ConnStatus, TopicState};
use ioc_protocol::{DeadlineBoard, DeadlineStatus, Payload, Publication, SubmissionSummary};

/// Months loaded at a time (the current period and five before it).
const MONTHS_PER_PAGE: i32 = 6;

#[component]
pub fn EntryListPage() -> impl IntoView {
    let ctx = EntryCtx::new();
    // Periods in the order shown, each with its reports once loaded.
    let periods = RwSignal::new(Vec::<(String, Vec<SubmissionSummary>)>::new());
    let failed = RwSignal::new(None::<Failure>);
    let loaded = RwSignal::new(false);
    let live = use_live();
    let status = live.status();

    // Loads `count` periods before the last one shown (or the current one and those before it);
    // the "more" button waits while it is pending.
    let load_more = Action::new_local(move |count: &i32| {
        let count = *count;
        async move {
            let mut next =
                periods.with_untracked(|p| p.last().and_then(|(last, _)| previous_period(last, 1)));
            for _ in 0..count {
                let url = match &next {
                    Some(p) => format!("/api/v1/submissions?period={p}"),
                    // Without a period the server answers for the current reporting period.
                    None => "/api/v1/submissions".to_string(),
                };
                match api::get::<Vec<SubmissionSummary>>(&url).await {
                    Ok(rows) => {
                        let period = next
                            .clone()
                            .or_else(|| rows.first().map(|r| r.period.clone()))
                            .unwrap_or_else(current_period);
                        next = previous_period(&period, 1);
                        periods.update(|p| p.push((period, rows)));
                    }
                    Err(f) => {
                        failed.set(Some(f));
                        break;
                    }
                }
            }
            loaded.set(true);
        }
    });
    Effect::new(move |_| {
        load_more.dispatch_local(MONTHS_PER_PAGE);
    });

    // A board's rows replace the same reports on screen (a board may also carry the previous
    // period's open reports, so rows are matched by their own period).
    let apply_board = move |board: DeadlineBoard| {
        periods.update(|all| {
            for fresh in board.rows {
                let Some((_, rows)) = all.iter_mut().find(|(p, _)| *p == fresh.period) else {
                    continue;
                };
                match rows
                    .iter_mut()
                    .find(|r| r.unit == fresh.unit && r.group == fresh.group)
                {
                    Some(slot) => *slot = fresh,
                    None => rows.push(fresh),
                }
            }
        });
    };
    // Runs again (and the previous subscription ends) only if the person's units change.
    Effect::new(move |_| {
        for unit in ctx.edited_units() {
            live.subscribe(
                ioc_protocol::deadlines_topic(&unit),
                move |s: TopicState| {
                    if let Some(Payload::Deadlines(b)) = s.state {
                        apply_board(b);
                    }
                },
                move |p: Publication| {
                    if let Payload::Deadlines(b) = p.data {
                        apply_board(b);
                    }
                },
            )
            .until_cleanup();
        }
    });

    let reminders = move || {
        // The current period and the one before: what the live board covers. Older late
        // reports keep their red chip, but a wall of banners would bury the one that matters.
        let due: Vec<SubmissionSummary> = periods.with(|all| {
            all.iter()
                .take(2)
                .flat_map(|(_, rows)| rows.iter())
                .filter(|r| {
                    matches!(
                        r.deadline_status,
                        DeadlineStatus::DueSoon | DeadlineStatus::Late
                    )
                })
                .cloned()
                .collect()
        });
        due.into_iter()
            .map(|r| view! { <Reminder ctx row=r /> })
            .collect_view()
    };

    let body = move || {
        if let Some(f) = failed.get() {
            return view! { <FailureNote ctx failure=f /> }.into_any();
        }
        if !loaded.get() {
            return loading(ctx);
        }
        let all = periods.get();
        if all.iter().all(|(_, rows)| rows.is_empty())
            && ctx.me.with(|m| m.is_some())
            && ctx.edited_units().is_empty()
        {
            return view! { <p class="admin-empty">{ctx.t(T::NoUnits)}</p> }.into_any();
        }
        let sections = all
            .into_iter()
            .enumerate()
            .map(|(i, (period, rows))| view! { <PeriodSection ctx period rows current=i == 0 /> })
            .collect_view();
        view! { <div class="periods">{sections}</div> }.into_any()
    };

    view! {
        <EntryFrame ctx screen=Screen::Entry title=ctx.t(T::MyReports)>
            <LiveBadge ctx status />
            <div class="reminders" aria-live="polite">{reminders}</div>
            {body}
            <Show when=move || loaded.get() && failed.with(|f| f.is_none())>
                <button type="button" class="btn btn-secondary more" disabled=move || load_more.pending().get() on:click=move |_| { load_more.dispatch_local(MONTHS_PER_PAGE); }>
                    {ctx.t(T::LoadEarlier)}
                </button>
            </Show>
        </EntryFrame>
    }
}

/// The previous month by the browser's clock: the reporting period when the server named none.
fn current_period() -> String {
    let today = chrono::Utc::now().date_naive();
    let first = chrono::NaiveDate::from_ymd_opt(
        chrono::Datelike::year(&today),
        chrono::Datelike::month(&today),
        1,
    )
    .unwrap_or(today);
    ioc_protocol::format_period(ioc_protocol::months_before(first, 1))
}

/// Whether the board is followed live (a dot and a word, like the wall's).
#[component]
pub fn LiveBadge(ctx: EntryCtx, status: ReadSignal<ConnStatus>) -> impl IntoView {
    move || match status.get() {
        ConnStatus::Live => {
            view! { <p class="conn conn-connected live-badge">{ctx.t(T::LiveOn)}</p> }.into_any()
        }
        ConnStatus::Offline => {
            view! { <p class="conn conn-offline live-badge">{ctx.t(T::LiveOff)}</p> }.into_any()
        }
        ConnStatus::Connecting => ().into_any(),
    }
}

#[component]
fn Reminder(ctx: EntryCtx, row: SubmissionSummary) -> impl IntoView {
    let late = row.deadline_status == DeadlineStatus::Late;
    let class = if late {
        "reminder reminder-late"
    } else {
        "reminder reminder-soon"
    };
    let head = if late {
        T::ReminderLate
    } else {
        T::ReminderSoon
    };
    let text = format!(
        "{} {} {} – {} {}",
        unit_label(ctx.lang(), &row.unit_name_vi, &row.unit_name_en),
        ctx.t(T::ReminderText),
        period_label(&row.period),
        ctx.t(T::DueOn),
        date_label(&row.deadline)
    );
    let href = ctx.href(&format!("/entry/{}/{}", row.unit, row.period));
    view! {
        <a class=class role="alert" href=href>
            <strong>{ctx.t(head)}</strong>
            <span>{text}</span>
        </a>
    }
}

#[component]
fn PeriodSection(
    ctx: EntryCtx,
    period: String,
    rows: Vec<SubmissionSummary>,
    current: bool,
) -> impl IntoView {
    let heading = format!("{} {}", ctx.t(T::PeriodMonth), period_label(&period));
    let kicker =
        current.then(|| view! { <span class="chip chip-info">{ctx.t(T::CurrentPeriod)}</span> });
    let cards = if rows.is_empty() {
        view! { <p class="admin-empty">{ctx.t(T::NoReports)}</p> }.into_any()
    } else {
        rows.into_iter()
            .map(|r| view! { <ReportCard ctx row=r /> })
            .collect_view()
            .into_any()
    };
    view! {
        <section class="period" data-period=period.clone()>
            <h2>{heading} " " {kicker}</h2>
            <div class="report-cards">{cards}</div>
        </section>
    }
}

/// One report as a card: it is the phone's natural shape and reads fine on a desktop too.
#[component]
fn ReportCard(ctx: EntryCtx, row: SubmissionSummary) -> impl IntoView {
    let href = ctx.href(&format!("/entry/{}/{}", row.unit, row.period));
    let late = row.deadline_status == DeadlineStatus::Late;
    let progress = format!("{}/{}", row.entered, row.expected);
    view! {
        <a class="report-card" class:report-late=late href=href data-unit=row.unit.clone()>
            <span class="report-unit">{unit_label(ctx.lang(), &row.unit_name_vi, &row.unit_name_en)}</span>
            <span class="chips">
                <StatusChip ctx status=row.status />
                <DeadlineChip ctx status=row.deadline_status />
                <GovernmentChip ctx late=row.late_to_government />
            </span>
            <dl class="report-facts">
                <div><dt>{ctx.t(T::Deadline)}</dt><dd>{date_label(&row.deadline)}</dd></div>
                <div><dt>{ctx.t(T::Entered)}</dt><dd>{progress}</dd></div>
                {(row.revision > 0).then(|| view! { <div><dt>{ctx.t(T::Revision)}</dt><dd>{row.revision}</dd></div> })}
            </dl>
            <span class="report-go">{ctx.t(T::OpenToEnter)} " →"</span>
        </a>
    }
}
