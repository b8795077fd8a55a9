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
                    Ok(Some(b)) => view! { <TasksWall start=b paged=false /> }.into_any(),
                    Ok(None) => view! { <main class="wall wall-error"><p>{Msg::Forbidden.get(lang.get_untracked())}</p></main> }.into_any(),
                    Err(e) => view! { <main class="wall wall-error"><p>{format!("{}: {e}", Msg::Internal.get(lang.get_untracked()))}</p></main> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

/// The tasks page as a page of a screen's rotation (`crate::screens`): the board of `unit` (the
/// province) from its topic, shown a screenful at a time.
#[component]
pub fn TasksContent(unit: String) -> impl IntoView {
    let start = TaskBoard {
        unit,
        day: chrono::NaiveDate::default(),
        overdue: 0,
        due_soon: 0,
        owners: Vec::new(),
        late_reports: Vec::new(),
        reports_overdue: 0,
        records: Vec::new(),
    };
    view! { <TasksWall start paged=true /> }.into_any()
}

/// Seconds a screenful of the list stays before the next one.
#[cfg(feature = "hydrate")]
const SUBPAGE_S: u64 = 8;

/// How many owners' cards a screenful starts from: the columns the grid makes (cards at least
/// 26 rem wide), three rows of them; those that do not fit are measured away ([`fitting`]).
#[cfg(feature = "hydrate")]
fn cards_to_try() -> usize {
    let Some(w) = web_sys::window() else {
        return 9;
    };
    let width = w
        .inner_width()
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(1920.0);
    let rem = w
        .document()
        .and_then(|d| d.document_element())
        .and_then(|e| w.get_computed_style(&e).ok().flatten())
        .and_then(|s| s.get_property_value("font-size").ok())
        .and_then(|v| v.trim_end_matches("px").parse::<f64>().ok())
        .unwrap_or(16.0);
    let columns = ((width - 2.0 * rem) / (27.0 * rem)).floor().max(1.0) as usize;
    columns * 3
}

/// How many of the owners' cards on screen end above its bottom edge (at least one: a card
/// taller than the screen is still shown).
#[cfg(feature = "hydrate")]
fn fitting() -> Option<usize> {
    use wasm_bindgen::JsCast;
    let w = web_sys::window()?;
    let height = w.inner_height().ok()?.as_f64()?;
    let cards = w
        .document()?
        .query_selector_all(".tasks-wall.paged .task-owner[data-owner]")
        .ok()?;
    let mut fit = 0;
    for k in 0..cards.length() {
        let Some(card) = cards
            .item(k)
            .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
        else {
            continue;
        };
        if card.get_bounding_client_rect().bottom() <= height {
            fit += 1;
        } else {
            break;
        }
    }
    Some(fit.max(1))
}

/// Where the rotation through a long board stands: the first owner on screen and how many are
/// shown, or the page of late reports and records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Screenful {
    start: usize,
    shown: usize,
    reports: bool,
    /// Counts the screenfuls shown (the page's `data-subpage`).
    step: usize,
}

impl Screenful {
    /// The next screenful of a board with `owners` owners (`reports`: it has late reports or
    /// records to show after them); `try_cards` cards are tried on each.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn next(self, owners: usize, reports: bool, try_cards: usize) -> Screenful {
        let after = self.start + self.shown;
        let (start, to_reports) = if self.reports {
            (0, false)
        } else if after >= owners {
            (0, reports)
        } else {
            (after, false)
        };
        Screenful {
            start,
            shown: try_cards,
            reports: to_reports,
            step: self.step + 1,
        }
    }
}

#[component]
fn TasksWall(start: TaskBoard, paged: bool) -> impl IntoView {
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
    if !paged {
        let owners = Memo::new(move |_| board.with(|b| b.owners.clone()));
        let late = Memo::new(move |_| board.with(|b| b.late_reports.clone()));
        let records = Memo::new(move |_| board.with(|b| b.records.clone()));
        return view! {
            <main class="wall tasks-wall" data-live=move || status.get().attr()>
                <TaskHead board status />
                <OwnerList owners />
                <LateReports late />
                <Records records />
            </main>
        }
        .into_any();
    }
    // On a wall nobody scrolls: the owners a screenful at a time, then the late reports and the
    // records, round and round while the page is on screen.
    let try_cards = RwSignal::new(9usize);
    let at = RwSignal::new(Screenful {
        start: 0,
        shown: 9,
        reports: false,
        step: 0,
    });
    #[cfg(feature = "hydrate")]
    {
        let first = cards_to_try();
        try_cards.set(first);
        at.update(|a| a.shown = first);
        if let Ok(handle) = set_interval_with_handle(
            move || {
                let (owners, reports) = board.with_untracked(|b| {
                    (
                        b.owners.len(),
                        !b.late_reports.is_empty() || !b.records.is_empty(),
                    )
                });
                let cards = try_cards.get_untracked();
                at.try_update(|a| *a = a.next(owners, reports, cards));
            },
            std::time::Duration::from_secs(SUBPAGE_S),
        ) {
            on_cleanup(move || handle.clear());
        }
    }
    let owners = Memo::new(move |_| {
        let a = at.get();
        board.with(|b| {
            b.owners
                .iter()
                .skip(a.start)
                .take(a.shown)
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    // After each screenful is drawn, the cards that run off the bottom are left for the next.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let shown = owners.with(Vec::len);
        request_animation_frame(move || {
            if let Some(fit) = fitting() {
                if fit < shown {
                    at.try_update(|a| a.shown = fit);
                }
            }
        });
    });
    let on_reports = Memo::new(move |_| at.with(|a| a.reports));
    let late = Memo::new(move |_| {
        let n = try_cards.get();
        board.with(|b| b.late_reports.iter().take(n).cloned().collect::<Vec<_>>())
    });
    let records = Memo::new(move |_| board.with(|b| b.records.clone()));
    let position = move || {
        let a = at.get();
        let total = board.with(|b| b.owners.len());
        if a.reports || total == 0 {
            String::new()
        } else {
            format!(
                "{}–{} / {total}",
                a.start + 1,
                (a.start + a.shown).min(total)
            )
        }
    };
    view! {
        <main class="wall tasks-wall paged" data-live=move || status.get().attr() data-subpage=move || at.with(|a| a.step)>
            <TaskHead board status />
            <Show when=move || on_reports.get() fallback=move || view! { <OwnerList owners /> }>
                <LateReports late />
                <Records records />
            </Show>
            <p class="task-subpage">{position}</p>
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

    #[test]
    fn screenfuls_go_through_the_owners_then_the_reports_and_round_again() {
        let first = Screenful {
            start: 0,
            shown: 3,
            reports: false,
            step: 0,
        };
        let second = first.next(7, true, 9);
        assert_eq!((second.start, second.shown, second.reports), (3, 9, false));
        // 4 of the 9 tried fitted: owners 3–6 were on screen, the last ones.
        let third = Screenful { shown: 4, ..second }.next(7, true, 9);
        assert_eq!((third.start, third.reports), (0, true));
        let fourth = third.next(7, true, 9);
        assert_eq!((fourth.start, fourth.reports, fourth.step), (0, false, 3));
        // Without reports, straight back to the first owners.
        assert_eq!(Screenful { shown: 7, ..first }.next(7, false, 9).start, 0);
    }
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
