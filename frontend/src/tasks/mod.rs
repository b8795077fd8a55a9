//! `/wall/tasks`: what is late and who owns it — the tasks from directives past or near their
//! deadline, by owning unit, the most overdue first; live on `tasks/{province}`. The same page
//! reads from 3 m on the wall (1080p, 4K) and on a leader's phone: sizes follow the viewport
//! (`assets/tasks.css`).

mod text;

use leptos::prelude::*;
use leptos_meta::{Html, Title};

use crate::context::use_lang;
use crate::live::{use_live, ConnBadge, TopicState};
use ioc_protocol::i18n::{Lang, Msg};
use ioc_protocol::{
    tasks_topic, OwnerTasks, Payload, Publication, TaskBoard, TaskStatus, TaskView,
    UnitLateReports, UnitRecord,
};
use text::TaskMsg;

/// Where the server-rendered page gets the board from: the request (with the signed-in
/// principal). `Ok(None)` for a principal who reads no board. The server puts one into the
/// Leptos context; this crate does not know about the database.
#[cfg(feature = "ssr")]
#[derive(Clone)]
pub struct TaskSource(
    pub std::sync::Arc<dyn Fn(Option<http::request::Parts>) -> TaskFuture + Send + Sync>,
);

/// The board being loaded by the server.
#[cfg(feature = "ssr")]
pub type TaskFuture =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<Option<TaskBoard>, String>> + Send>>;

fn board_resource() -> Resource<Result<Option<TaskBoard>, String>> {
    #[cfg(feature = "ssr")]
    let source = use_context::<TaskSource>();
    #[cfg(feature = "ssr")]
    let request = use_context::<http::request::Parts>();
    Resource::new(
        || (),
        move |_| {
            #[cfg(feature = "ssr")]
            let fut = {
                let (source, request) = (source.clone(), request.clone());
                async move {
                    match source {
                        Some(s) => (s.0)(request).await,
                        None => Err("task source missing".to_string()),
                    }
                }
            };
            // The page is always rendered by the server (links to it are external); a hydrated
            // page takes the board the server serialised into it.
            #[cfg(not(feature = "ssr"))]
            let fut = async { Err::<Option<TaskBoard>, String>("rendered by the server".into()) };
            #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
            let fut = send_wrapper::SendWrapper::new(fut);
            fut
        },
    )
}

#[component]
pub fn TasksPage() -> impl IntoView {
    let lang = use_lang();
    let board = board_resource();
    view! {
        <Html {..} lang=move || lang.get().code() />
        <Title text=move || format!("{} – {}", TaskMsg::Title.get(lang.get()), Msg::AppTitle.get(lang.get())) />
        <Suspense fallback=move || view! { <main class="wall wall-loading">{move || Msg::Connecting.get(lang.get())}</main> }>
            {move || Suspend::new(async move {
                match board.await {
                    Ok(Some(b)) => view! { <TasksWall start=b /> }.into_any(),
                    Ok(None) => view! { <main class="wall wall-error"><p>{Msg::Forbidden.get(lang.get_untracked())}</p></main> }.into_any(),
                    Err(e) => view! { <main class="wall wall-error"><p>{format!("{}: {e}", Msg::Internal.get(lang.get_untracked()))}</p></main> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn TasksWall(start: TaskBoard) -> impl IntoView {
    let topic = tasks_topic(&start.unit);
    let board = RwSignal::new(start);
    use_live()
        .subscribe_since(
            topic,
            None,
            move |s: TopicState| {
                if let Some(Payload::Tasks(b)) = s.state {
                    board.set(*b);
                }
            },
            move |p: Publication| {
                if let Payload::Tasks(b) = p.data {
                    board.set(*b);
                }
            },
        )
        .until_cleanup();
    let status = use_live().status();
    let owners = Memo::new(move |_| board.with(|b| b.owners.clone()));
    let late = Memo::new(move |_| board.with(|b| b.late_reports.clone()));
    let records = Memo::new(move |_| board.with(|b| b.records.clone()));
    view! {
        <main class="wall tasks-wall" data-live=move || status.get().attr()>
            <TaskHead board status />
            <OwnerList owners />
            <LateReports late />
            <Records records />
        </main>
    }
    .into_any()
}

/// Title, the counts, the day the statuses are for, the connection, the language.
#[component]
fn TaskHead(
    board: RwSignal<TaskBoard>,
    status: ReadSignal<crate::live::ConnStatus>,
) -> impl IntoView {
    let lang = use_lang();
    let counter = move |class: &'static str, value: fn(&TaskBoard) -> usize, label: TaskMsg| {
        view! {
            <p class=format!("task-counter {class}") data-counter=class data-value=move || board.with(value)>
                <span class="task-counter-value">{move || board.with(value)}</span>
                <span class="task-counter-label">{move || label.get(lang.get())}</span>
            </p>
        }
        .into_any()
    };
    view! {
        <header class="wall-head">
            <div class="wall-titles">
                <p class="wall-province">{move || TaskMsg::Subtitle.get(lang.get())}</p>
                <h1>{move || TaskMsg::Title.get(lang.get())}</h1>
            </div>
            <div class="task-counters">
                {counter("overdue", |b| b.overdue, TaskMsg::Overdue)}
                {counter("due-soon", |b| b.due_soon, TaskMsg::DueSoon)}
                {counter("owners", |b| b.owners.len(), TaskMsg::Owners)}
                {counter("reports-late", |b| b.reports_overdue, TaskMsg::ReportsLate)}
            </div>
            <div class="wall-meta">
                <time class="task-day">{move || board.with(|b| b.day.format("%d/%m/%Y").to_string())}</time>
                <ConnBadge status lang />
                <a class="lang-switch" href=move || format!("?lang={}", lang.get().other().code())>
                    {move || Msg::SwitchLanguage.get(lang.get())}
                </a>
            </div>
        </header>
    }
    .into_any()
}

/// The owners' cards, or a line saying nothing is late.
#[component]
fn OwnerList(owners: Memo<Vec<OwnerTasks>>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <Show
            when=move || owners.with(|o| !o.is_empty())
            fallback=move || view! { <p class="panel task-none">{move || TaskMsg::Nothing.get(lang.get())}</p> }
        >
            <section class="task-owners">
                <For
                    each=move || owners.get()
                    key=|o| (o.owner.code.clone(), o.overdue, o.due_soon, o.tasks.iter().map(|t| t.id).collect::<Vec<_>>())
                    children=move |o| view! { <OwnerCard o /> }
                />
            </section>
        </Show>
    }
    .into_any()
}

/// One owning unit: its counts and its most urgent tasks.
#[component]
fn OwnerCard(o: OwnerTasks) -> impl IntoView {
    let lang = use_lang();
    let more = (o.overdue + o.due_soon).saturating_sub(o.tasks.len());
    let owner = o.owner.clone();
    let tasks = o.tasks.clone();
    view! {
        <article class="panel task-owner" data-owner=o.owner.code.clone()>
            <h2>
                <span class="task-owner-name">{move || if lang.get() == Lang::En { owner.name_en.clone() } else { owner.name_vi.clone() }}</span>
                <span class="task-owner-counts">
                    <span class="count overdue" title=move || TaskMsg::Overdue.get(lang.get())>{o.overdue}</span>
                    <span class="count due-soon" title=move || TaskMsg::DueSoon.get(lang.get())>{o.due_soon}</span>
                </span>
            </h2>
            <ol class="task-list">
                {tasks.into_iter().map(|t| view! { <TaskItem t /> }).collect_view()}
            </ol>
            {(more > 0).then(|| view! { <p class="task-more">{move || TaskMsg::More.get(lang.get()).replace("{n}", &more.to_string())}</p> })}
        </article>
    }
    .into_any()
}

/// Reports past their deadline, by unit (hidden when none is).
#[component]
fn LateReports(late: Memo<Vec<UnitLateReports>>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <Show when=move || late.with(|l| !l.is_empty())>
            <section class="report-late">
                <h2 class="section-title">{move || TaskMsg::ReportsLate.get(lang.get())}</h2>
                <div class="task-owners">
                    <For
                        each=move || late.get()
                        key=|l| (l.unit.code.clone(), l.count, l.reports.first().map(|r| (r.regime_id, r.period.clone())))
                        children=move |l| view! { <LateCard l /> }
                    />
                </div>
            </section>
        </Show>
    }
    .into_any()
}

#[component]
fn LateCard(l: UnitLateReports) -> impl IntoView {
    let lang = use_lang();
    let more = l.count.saturating_sub(l.reports.len());
    let unit = l.unit.clone();
    let items = l
        .reports
        .iter()
        .map(|r| {
            let r = r.clone();
            let (vi, en) = (r.period_label_vi.clone(), r.period_label_en.clone());
            view! {
                <li class="task overdue" data-regime=r.regime_id data-period=r.period.clone()>
                    <p class="task-due">
                        <span class="task-period">{move || if lang.get() == Lang::En { en.clone() } else { vi.clone() }}</span>
                        {move || format!("{} {}", TaskMsg::Due.get(lang.get()), r.deadline.format("%d/%m/%Y"))}
                    </p>
                    <p class="task-content">{r.regime.clone()}</p>
                </li>
            }
        })
        .collect_view();
    view! {
        <article class="panel task-owner late-unit" data-late-unit=l.unit.code.clone()>
            <h2>
                <span class="task-owner-name">{move || if lang.get() == Lang::En { unit.name_en.clone() } else { unit.name_vi.clone() }}</span>
                <span class="task-owner-counts"><span class="count overdue">{l.count}</span></span>
            </h2>
            <ol class="task-list">{items}</ol>
            {(more > 0).then(|| view! { <p class="task-more">{move || TaskMsg::ReportsMore.get(lang.get()).replace("{n}", &more.to_string())}</p> })}
        </article>
    }
    .into_any()
}

/// The units' records over the year: due, on time, late, missing (hidden when no report was
/// due yet).
#[component]
fn Records(records: Memo<Vec<UnitRecord>>) -> impl IntoView {
    let lang = use_lang();
    let year = move || records.with(|r| r.first().map(|r| r.year.to_string()).unwrap_or_default());
    view! {
        <Show when=move || records.with(|r| !r.is_empty())>
            <section class="panel report-records">
                <h2 class="section-title">{move || TaskMsg::Records.get(lang.get()).replace("{y}", &year())}</h2>
                <table>
                    <thead><tr>
                        <th>{move || TaskMsg::RecordUnit.get(lang.get())}</th>
                        <th>{move || TaskMsg::RecordDue.get(lang.get())}</th>
                        <th>{move || TaskMsg::RecordOnTime.get(lang.get())}</th>
                        <th>{move || TaskMsg::RecordLate.get(lang.get())}</th>
                        <th>{move || TaskMsg::RecordMissing.get(lang.get())}</th>
                    </tr></thead>
                    <tbody>
                        <For
                            each=move || records.get()
                            key=|r| r.clone()
                            children=move |r| view! {
                                <tr data-record=r.unit.clone()>
                                    <td>{r.unit_name.clone()}</td>
                                    <td>{r.due}</td>
                                    <td class="on-time">{r.on_time}</td>
                                    <td class="late">{r.late}</td>
                                    <td class="missing">{r.missing}</td>
                                </tr>
                            }
                        />
                    </tbody>
                </table>
            </section>
        </Show>
    }
    .into_any()
}

/// How far a task is from its deadline, in words.
fn due_words(t: &TaskView, lang: Lang) -> String {
    let n = t.working_days_left.unsigned_abs().to_string();
    let left = match t.status {
        TaskStatus::Overdue => TaskMsg::OverdueBy.get(lang).replace("{n}", &n),
        _ if t.working_days_left == 0 => TaskMsg::DueToday.get(lang).to_string(),
        _ => TaskMsg::DaysLeft.get(lang).replace("{n}", &n),
    };
    match t.due_on {
        Some(d) => format!(
            "{left} · {} {}",
            TaskMsg::Due.get(lang),
            d.format("%d/%m/%Y")
        ),
        None => left,
    }
}

#[component]
fn TaskItem(t: TaskView) -> impl IntoView {
    let lang = use_lang();
    let class = match t.status {
        TaskStatus::Overdue => "task overdue",
        _ => "task due-soon",
    };
    let letter = [t.directive.number.trim(), t.directive.issuer.trim()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    let period = t.period_label_vi.clone();
    let extended = t.extended_deadline.clone();
    let pending = t.extension_pending;
    let as_written = (!t.owner_as_written.is_empty() && t.owner_as_written != t.owner.name_vi)
        .then(|| t.owner_as_written.clone());
    let due = {
        let t = t.clone();
        move || due_words(&t, lang.get())
    };
    view! {
        <li class=class data-task=t.id>
            <p class="task-due">{period.map(|p| view! { <span class="task-period">{p}</span> })}{due}</p>
            <p class="task-content">{t.content.clone()}</p>
            <p class="task-source">
                <span>{letter}</span>
                <q class="task-wording">{t.deadline.clone()}</q>
                {extended.map(|w| view! { <span class="task-extended">{move || TaskMsg::Extended.get(lang.get())}" "<q>{w.clone()}</q></span> })}
                {pending.then(|| view! { <span class="task-pending">{move || TaskMsg::ExtensionPending.get(lang.get())}</span> })}
                {as_written.map(|w| view! { <span class="task-as-written">{move || TaskMsg::AsWritten.get(lang.get())}": "{w.clone()}</span> })}
            </p>
        </li>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ioc_protocol::{DirectiveView, TaskUnit};

    fn task(status: TaskStatus, left: i64) -> TaskView {
        let unit = TaskUnit {
            code: "dept-stc".into(),
            name_vi: "Sở Tài chính".into(),
            name_en: "Department of Finance".into(),
        };
        TaskView {
            id: 1,
            directive: DirectiveView {
                id: 1,
                number: "6758/UBND-KSTT".into(),
                issued_on: None,
                issuer: "UBND tỉnh Nghệ An".into(),
                title: "V/v".into(),
            },
            owner: unit,
            owner_as_written: String::new(),
            cooperators: Vec::new(),
            content: "Cung cấp số liệu".into(),
            deadline: "trước ngày 20/10/2020".into(),
            extended_deadline: None,
            extension_pending: false,
            period: None,
            period_label_vi: None,
            due_on: "2020-10-19".parse().ok(),
            done_on: None,
            status,
            working_days_left: left,
        }
    }

    #[test]
    fn how_far_from_the_deadline_in_words() {
        assert_eq!(
            due_words(&task(TaskStatus::Overdue, -1520), Lang::Vi),
            "Quá hạn 1520 ngày làm việc · hạn 19/10/2020"
        );
        assert_eq!(
            due_words(&task(TaskStatus::DueSoon, 0), Lang::En),
            "Due today · due 19/10/2020"
        );
        assert_eq!(
            due_words(&task(TaskStatus::DueSoon, 2), Lang::Vi),
            "Còn 2 ngày làm việc · hạn 19/10/2020"
        );
    }
}
