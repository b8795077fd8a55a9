//! `/approve`: the period's board — every reporting unit with its status, deadline state
//! (late ones stand out) and progress; a report opens in the read-only view with Approve and
//! Return. The board follows `deadlines/{province}` live, so a submission appears without a
//! reload.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;

use super::list::LiveBadge;
use super::text::EntryMsg as T;
use super::{
    date_label, loading, period_label, time_label, unit_label, DeadlineChip, EntryCtx, EntryFrame,
    FailureNote, GovernmentChip, Screen, StatusChip,
};
use crate::api::{self, Load};
use crate::live::{use_live, TopicState};
use ioc_protocol::i18n::Lang;
use ioc_protocol::{
    DeadlineBoard, DeadlineStatus, Payload, Publication, SubmissionStatus, SubmissionSummary,
    SubmissionView,
};

#[component]
pub fn ApprovePage() -> impl IntoView {
    let ctx = EntryCtx::new();
    let query = use_query_map();
    let asked = Memo::new(move |_| query.with(|q| q.get("period").unwrap_or_default()));
    let rows = RwSignal::new(Load::<Vec<SubmissionSummary>>::Loading);
    // The period on screen: the one asked for, else the server's current reporting period.
    let period = RwSignal::new(String::new());
    let live = use_live();
    let status = live.status();

    Effect::new(move |_| {
        let p = asked.get();
        rows.set(Load::Loading);
        spawn_local(async move {
            let url = format!(
                "/api/v1/submissions{}",
                api::query_string(&[("period", p.clone())])
            );
            let got = api::get::<Vec<SubmissionSummary>>(&url).await;
            if let Ok(list) = &got {
                period.set(list.first().map(|r| r.period.clone()).unwrap_or(p));
            }
            rows.set(got.into());
        });
    });
    // The province's board carries every unit. Its code is the area a department's report
    // describes (`SubmissionView::area`): the installation's province, which the units list
    // alone cannot tell (every province of the country is in it).
    let followed = StoredValue::new(false);
    // The page owns the subscription (not the effect, which runs again on every board).
    let page = Owner::current();
    Effect::new(move |_| {
        let first = rows.with(|l| match l {
            Load::Ready(list) => list.first().map(|r| (r.unit.clone(), r.period.clone())),
            _ => None,
        });
        let Some((unit, p)) = first else { return };
        if followed.get_value() {
            return;
        }
        followed.set_value(true);
        let page = page.clone();
        let live = live.clone();
        spawn_local(async move {
            let url = format!(
                "/api/v1/submissions/{}/{}",
                api::encode(&unit),
                api::encode(&p)
            );
            let Ok(report) = api::get::<SubmissionView>(&url).await else {
                return;
            };
            let Some(page) = page else { return };
            let apply = move |board: DeadlineBoard| {
                let shown = period.get_untracked();
                rows.try_update(|l| {
                    let Load::Ready(list) = l else { return };
                    for fresh in board.rows.into_iter().filter(|r| r.period == shown) {
                        match list
                            .iter_mut()
                            .find(|r| r.unit == fresh.unit && r.group == fresh.group)
                        {
                            Some(slot) => *slot = fresh,
                            None => list.push(fresh),
                        }
                    }
                });
            };
            page.with(|| {
                live.subscribe(
                    ioc_protocol::deadlines_topic(&report.area),
                    move |s: TopicState| {
                        if let Some(Payload::Deadlines(b)) = s.state {
                            apply(b);
                        }
                    },
                    move |p: Publication| {
                        if let Payload::Deadlines(b) = p.data {
                            apply(b);
                        }
                    },
                )
                .until_cleanup()
            });
        });
    });

    let export = move || {
        format!(
            "/api/v1/submissions.xlsx{}",
            api::query_string(&[("period", period.get())])
        )
    };
    let board = move || match rows.get() {
        Load::Loading => loading(ctx),
        Load::Failed(f) => view! { <FailureNote ctx failure=f /> }.into_any(),
        Load::Ready(list) => view! { <Board ctx list /> }.into_any(),
    };
    view! {
        <EntryFrame ctx screen=Screen::Approve title=ctx.t(T::ApproveTitle)>
            <form class="admin-filters period-picker" method="get" action="/approve">
                <label>
                    <span>{ctx.t(T::Period)}</span>
                    <input type="month" name="period" value=move || period.get() required />
                </label>
                {(ctx.lang() == Lang::En).then(|| view! { <input type="hidden" name="lang" value="en" /> })}
                <button type="submit" class="btn">{ctx.t(T::ShowPeriod)}</button>
                <a class="btn btn-secondary export" href=export download>{ctx.t(T::ExportList)}</a>
            </form>
            <LiveBadge ctx status />
            {board}
        </EntryFrame>
    }
}

#[component]
fn Board(ctx: EntryCtx, list: Vec<SubmissionSummary>) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="admin-empty">{ctx.t(T::NoReports)}</p> }.into_any();
    }
    let count = |f: &dyn Fn(&SubmissionSummary) -> bool| list.iter().filter(|r| f(r)).count();
    let late = count(&|r| r.deadline_status == DeadlineStatus::Late);
    let waiting = count(&|r| r.status == Some(SubmissionStatus::Submitted));
    let approved = count(&|r| {
        matches!(
            r.status,
            Some(SubmissionStatus::Approved | SubmissionStatus::Sent)
        )
    });
    let summary = format!(
        "{} {}: {} · {waiting} {} · {approved} {} · {late} {}",
        ctx.t(T::Summary),
        period_label(&list[0].period),
        list.len(),
        ctx.t(T::Waiting),
        ctx.t(T::ApprovedCount),
        ctx.t(T::Late)
    );
    let headers = [
        T::Unit,
        T::Status,
        T::DeadlineStatus,
        T::Deadline,
        T::Entered,
        T::SubmittedAt,
    ];
    let rows = list
        .into_iter()
        .map(|r| view! { <BoardRow ctx row=r /> })
        .collect_view();
    view! {
        <p class="admin-count board-summary">{summary}</p>
        <div class="admin-table-wrap">
            <table class="admin-table board-table">
                <thead>
                    <tr>
                        {headers.into_iter().map(|h| view! { <th>{ctx.t(h)}</th> }).collect_view()}
                        <th><span class="sr-only">{ctx.t(T::Open)}</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn BoardRow(ctx: EntryCtx, row: SubmissionSummary) -> impl IntoView {
    let late = row.deadline_status == DeadlineStatus::Late;
    let href = ctx.href(&format!("/entry/{}/{}", row.unit, row.period));
    let progress = format!("{}/{}", row.entered, row.expected);
    let complete = row.expected > 0 && row.entered >= row.expected;
    view! {
        <tr class:row-late=late data-unit=row.unit.clone()>
            <td data-label=ctx.t(T::Unit) class="cell-name">
                <strong>{unit_label(ctx.lang(), &row.unit_name_vi, &row.unit_name_en)}</strong>
                <span class="sub">{row.unit.clone()}</span>
            </td>
            <td data-label=ctx.t(T::Status)><StatusChip ctx status=row.status /></td>
            <td data-label=ctx.t(T::DeadlineStatus)>
                <DeadlineChip ctx status=row.deadline_status />
                " "
                <GovernmentChip ctx late=row.late_to_government />
            </td>
            <td data-label=ctx.t(T::Deadline)>{date_label(&row.deadline)}</td>
            <td data-label=ctx.t(T::Entered) class="num" class:incomplete=!complete>{progress}</td>
            <td data-label=ctx.t(T::SubmittedAt)>{time_label(row.submitted_at)}</td>
            <td class="cell-actions">
                <a class="btn btn-small btn-secondary open" href=href>{ctx.t(T::Open)}</a>
            </td>
        </tr>
    }
}
