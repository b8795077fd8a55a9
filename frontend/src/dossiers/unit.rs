//! `/wall/dossiers/{unit}`: one department's or commune's dossier board, its 766 index explained
//! metric by metric (numerator, denominator, ratio, points) for a period, and its open or overdue
//! dossiers with their age. `?by=commune` (the link from a commune's tile) lists the dossiers
//! concerning the commune whoever handles them, as the tile counts them; otherwise those the
//! unit handles. The period (`?period=`) and the list (`?state=`) are links, so a kiosk or a
//! phone without the script still moves between them.

use leptos::prelude::*;
use leptos_meta::{Html, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use super::text::{status_label, timeliness_class, DossierMsg};
use super::{
    board_resource, count, follow, maximum, not_ready, percent, unit_name, BoardLive, BoardStart,
    Counters, Head, IndexPanel,
};
use crate::api::{self, Failure, Load};
use crate::context::use_lang;
use crate::wall::text::date_label;
use ioc_protocol::i18n::{format_number, Lang, Msg};
use ioc_protocol::{DossierView, IndexView};

/// The periods of the explain view: query value and label.
const PERIODS: [(&str, DossierMsg); 4] = [
    ("rolling30", DossierMsg::PeriodRolling),
    ("month", DossierMsg::PeriodMonth),
    ("quarter", DossierMsg::PeriodQuarter),
    ("year", DossierMsg::PeriodYear),
];

#[component]
pub fn DossierUnitPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let unit = Memo::new(move |_| params.with(|p| p.get("unit").unwrap_or_default()));
    view! {
        <Html {..} lang=move || lang.get().code() />
        <Title text=move || format!("{} – {}", DossierMsg::Title.get(lang.get()), Msg::AppTitle.get(lang.get())) />
        <UnitContent unit=Signal::derive(move || unit.get()) />
    }
}

/// A unit's dossier board without the document's title: the page `/wall/dossiers/{unit}` and a
/// screen's `dossier_unit` page.
#[component]
pub fn UnitContent(#[prop(into)] unit: Signal<String>) -> impl IntoView {
    let lang = use_lang();
    let board = board_resource(move || Some(unit.get()));
    view! {
        <Suspense fallback=move || view! { <main class="wall wall-loading">{move || Msg::Connecting.get(lang.get())}</main> }>
            {move || Suspend::new(async move {
                match board.await {
                    Ok(Some(start)) => view! { <UnitWall start /> }.into_any(),
                    Ok(None) => {
                        #[cfg(feature = "ssr")]
                        if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
                            resp.set_status(http::StatusCode::NOT_FOUND);
                        }
                        not_ready(DossierMsg::UnknownUnit.get(lang.get_untracked()).to_string())
                    }
                    Err(e) => not_ready(format!("{}: {e}", Msg::Internal.get(lang.get_untracked()))),
                }
            })}
        </Suspense>
    }
    .into_any()
}

/// This page's query with `key` set to `value` (the other parameters kept).
fn with_param(query: &leptos_router::params::ParamsMap, key: &str, value: &str) -> String {
    let mut pairs: Vec<(String, String)> = ["by", "period", "state", "lang"]
        .into_iter()
        .filter(|k| *k != key)
        .filter_map(|k| query.get(k).map(|v| (k.to_string(), v)))
        .collect();
    pairs.push((key.to_string(), value.to_string()));
    let pairs: Vec<(&str, String)> = pairs.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    api::query_string(&pairs)
}

#[component]
fn UnitWall(start: BoardStart) -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let code = start.board.unit.clone();
    let live = RwSignal::new(BoardLive {
        position: start.position,
        board: start.board,
        updates: 0,
    });
    follow(live);
    let status = crate::live::use_live().status();
    let by_commune = Memo::new(move |_| query.with(|q| q.get("by").as_deref() == Some("commune")));
    let period = Memo::new(move |_| {
        query.with(|q| {
            q.get("period")
                .filter(|p| PERIODS.iter().any(|(k, _)| k == p))
                .unwrap_or_else(|| "rolling30".to_string())
        })
    });
    let overdue_only =
        Memo::new(move |_| query.with(|q| q.get("state").as_deref() != Some("open")));
    // Both load again whenever the board changes (a dossier came in, was finished, fell overdue).
    let updates = Memo::new(move |_| live.with(|b| b.updates));
    let code_of = StoredValue::new(code.clone());
    let index = follow_url::<IndexView>(move || {
        updates.track();
        format!(
            "/api/v1/index766/{}?period={}",
            api::encode(&code_of.get_value()),
            period.get()
        )
    });
    let list = follow_url::<Vec<DossierView>>(move || {
        updates.track();
        let key = if by_commune.get() { "commune" } else { "unit" };
        let state = if overdue_only.get() {
            "overdue"
        } else {
            "open"
        };
        format!(
            "/api/v1/dossiers?{key}={}&state={state}",
            api::encode(&code_of.get_value())
        )
    });
    let title = Signal::derive(move || DossierMsg::Title.get(lang.get()).to_string());
    view! {
        <main class="wall dossier-wall dossier-unit" data-live=move || status.get().attr() data-unit=code.clone()>
            <Head live viewer=start.viewer nav=("/wall/dossiers".to_string(), DossierMsg::BackToDossiers) title />
            <Counters live />
            <div class="dossier-body unit-body">
                <IndexPanel live />
                <section class="panel explain" data-period=move || period.get()>
                    <div class="panel-head">
                        <h2>{move || DossierMsg::Explain.get(lang.get())}</h2>
                        <nav class="seg" aria-label=move || DossierMsg::Explain.get(lang.get())>
                            {PERIODS
                                .into_iter()
                                .map(|(p, label)| view! {
                                    <a href=move || query.with(|q| with_param(q, "period", p)) aria-current=move || (period.get() == p).then_some("true")>
                                        {move || label.get(lang.get())}
                                    </a>
                                })
                                .collect_view()}
                        </nav>
                    </div>
                    {move || match (lang.track(), index.get()).1 {
                        Load::Loading => view! { <p class="muted">{DossierMsg::Loading.get(lang.get())}</p> }.into_any(),
                        Load::Failed(e) => failed(e, lang.get()),
                        Load::Ready(v) => view! { <ExplainTable view=v /> }.into_any(),
                    }}
                </section>
                <section class="panel dossier-list" data-state=move || if overdue_only.get() { "overdue" } else { "open" }>
                    <div class="panel-head">
                        <h2>
                            {move || if overdue_only.get() { DossierMsg::ListOverdue } else { DossierMsg::ListOpen }.get(lang.get())}
                            <small>{move || live.with(|b| unit_name(&b.board, lang.get()))}" – "
                                {move || if by_commune.get() { DossierMsg::ConcerningCommune } else { DossierMsg::HandledByUnit }.get(lang.get())}
                            </small>
                        </h2>
                        <nav class="seg">
                            <a href=move || query.with(|q| with_param(q, "state", "overdue")) aria-current=move || overdue_only.get().then_some("true")>
                                {move || DossierMsg::Overdue.get(lang.get())}
                            </a>
                            <a href=move || query.with(|q| with_param(q, "state", "open")) aria-current=move || (!overdue_only.get()).then_some("true")>
                                {move || DossierMsg::InProgress.get(lang.get())}
                            </a>
                        </nav>
                    </div>
                    {move || match (lang.track(), list.get()).1 {
                        Load::Loading => view! { <p class="muted">{DossierMsg::Loading.get(lang.get())}</p> }.into_any(),
                        Load::Failed(e) => failed(e, lang.get()),
                        Load::Ready(rows) => view! { <DossierTable rows /> }.into_any(),
                    }}
                </section>
            </div>
        </main>
    }
    .into_any()
}

/// What `url()` answers, loaded again whenever what `url` reads changes (in the browser only:
/// the server renders the page with its board and "loading" here, so the page's first HTML never
/// waits on these calls). What is shown stays until the new answer comes, and an answer that a
/// newer request overtook is dropped.
fn follow_url<T>(url: impl Fn() -> String + 'static) -> RwSignal<Load<T>>
where
    T: serde::de::DeserializeOwned + Send + Sync + 'static,
{
    let target = RwSignal::new(Load::Loading);
    let latest = StoredValue::new(0u32);
    Effect::new(move |_| {
        let url = url();
        let n = latest.get_value().wrapping_add(1);
        latest.set_value(n);
        leptos::task::spawn_local(async move {
            let loaded: Load<T> = api::get(&url).await.into();
            if latest.try_get_value() == Some(n) {
                target.try_set(loaded);
            }
        });
    });
    target
}

fn failed(e: Failure, lang: Lang) -> AnyView {
    view! { <p class="ind-error">{format!("{}: {}", DossierMsg::LoadFailed.get(lang), e.message(lang))}</p> }.into_any()
}

/// Every metric of the index with how it was computed, grouped.
#[component]
fn ExplainTable(view: IndexView) -> impl IntoView {
    let lang = use_lang();
    let l = lang.get_untracked();
    let pick = move |vi: &str, en: &str| {
        if l == Lang::En {
            en.to_string()
        } else {
            vi.to_string()
        }
    };
    let range = format!(
        "{} – {} · {} {}",
        date_label(&view.period_start.to_string(), l),
        date_label(&view.period_end.to_string(), l),
        format_number(view.summary.total, 1, l),
        DossierMsg::OutOf100.get(l),
    );
    let body = view
        .summary
        .groups
        .iter()
        .map(|g| {
            let metrics = view
                .metrics
                .iter()
                .filter(|m| m.group == g.code)
                .map(|m| {
                    let ratio = m.ratio.map(|r| r * 100.0);
                    view! {
                        <tr class="metric" data-metric=m.code.clone()>
                            <td class="metric-name">{pick(&m.name_vi, &m.name_en)}</td>
                            <td class="num" title=m.numerator_name.clone() data-label=DossierMsg::Numerator.get(l)>{format_number(m.numerator, 0, l)}</td>
                            <td class="num" title=m.denominator_name.clone() data-label=DossierMsg::Denominator.get(l)>{format_number(m.denominator, 0, l)}</td>
                            <td class="num" data-label=DossierMsg::Ratio.get(l)>{percent(ratio, l)}</td>
                            <td class="num points" data-label=DossierMsg::Points.get(l)>{format!("{}/{}", format_number(m.points, 2, l), maximum(m.max_points, l))}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <tr class="group-row">
                    <th colspan="4">{pick(&g.name_vi, &g.name_en)}</th>
                    <th class="num points">{format!("{}/{}", format_number(g.points, 2, l), maximum(g.max_points, l))}</th>
                </tr>
                {metrics}
            }
        })
        .collect_view();
    view! {
        <p class="explain-range">{range}</p>
        <div class="table-wrap">
            <table class="explain-table">
                <thead>
                    <tr>
                        <th>{DossierMsg::Metric.get(l)}</th>
                        <th class="num">{DossierMsg::Numerator.get(l)}</th>
                        <th class="num">{DossierMsg::Denominator.get(l)}</th>
                        <th class="num">{DossierMsg::Ratio.get(l)}</th>
                        <th class="num">{DossierMsg::Points.get(l)}</th>
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// The dossiers of the list: code, procedure, handling unit, received, due (with
/// postponements), working days late, state. No personal data exists to show.
#[component]
fn DossierTable(rows: Vec<DossierView>) -> impl IntoView {
    let l = use_lang().get_untracked();
    if rows.is_empty() {
        return view! { <p class="muted no-dossiers">{DossierMsg::NoDossiers.get(l)}</p> }
            .into_any();
    }
    let day =
        |d: Option<chrono::NaiveDate>| d.map(|d| date_label(&d.to_string(), l)).unwrap_or_default();
    let body = rows
        .into_iter()
        .map(|d| {
            let received = day(d.received_at.map(|t| crate::format::vietnam_time(t).date_naive()));
            let due = day(d.current_due_date.or(d.due_date));
            let first_due = (d.postponements > 0).then(|| day(d.due_date));
            let id = d.id.clone();
            view! {
                <tr class=format!("dossier {}", timeliness_class(d.timeliness)) data-dossier=id>
                    <td class="code">{d.id}</td>
                    <td class="procedure" title=d.procedure.clone()>{d.procedure_name}</td>
                    <td class="handler">{d.unit_name}</td>
                    <td class="num" data-label=DossierMsg::Received.get(l)>{received}</td>
                    <td class="num due" data-label=DossierMsg::DueDate.get(l)>
                        {due}
                        {first_due.map(|f| view! { <small class="postponed">{format!("{} ×{} ({f})", DossierMsg::Postponed.get(l), d.postponements)}</small> })}
                    </td>
                    <td class="num late-days" data-label=DossierMsg::Age.get(l)>{if d.days_late > 0 { count(d.days_late, l) } else { String::new() }}</td>
                    <td class="status">{status_label(d.status, l)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="dossier-table">
                <thead>
                    <tr>
                        <th>{DossierMsg::DossierCode.get(l)}</th>
                        <th>{DossierMsg::Procedure.get(l)}</th>
                        <th>{DossierMsg::HandledBy.get(l)}</th>
                        <th class="num">{DossierMsg::Received.get(l)}</th>
                        <th class="num">{DossierMsg::DueDate.get(l)}</th>
                        <th class="num">{DossierMsg::Age.get(l)}</th>
                        <th>{DossierMsg::StatusCol.get(l)}</th>
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
    .into_any()
}
