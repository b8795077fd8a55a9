//! `/wall/indicator/{code}`: one indicator's chart (month / year to date, 2019 → now) and the
//! drill-down to the units' submissions of a month, with every revision of the figure.
//!
//! The server renders the frame; the browser loads the series and the units with the visitor's
//! session (the same API the Excel export link uses) and draws the chart with ECharts, which is
//! loaded on this page only.

use chrono::Utc;
use leptos::prelude::*;
use leptos_meta::{Html, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use super::chart::{Mode, Span};
use super::model::month_label;
use super::text::{date_label, deadline_status, submission_status, WallMsg};
use super::vietnam_time;
use crate::api::{self, Load};
use crate::context::use_lang;
use ioc_protocol::i18n::{format_number, Lang, Msg};
use ioc_protocol::{
    format_period, ts_period, EntryRevision, FigureKind, IndicatorUnits, SeriesView,
};

/// First month of the series kept by the province (the backfill starts in January 2019).
const FIRST_PERIOD: &str = "2019-01";

#[component]
pub fn IndicatorPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let query = use_query_map();
    let code = Memo::new(move |_| params.with(|p| p.get("code").unwrap_or_default()));
    // Without `area` the server answers for the province it is configured for (any province,
    // not only Nghệ An).
    let area = Memo::new(move |_| query.with(|q| q.get("area")));
    let to = format_period(ts_period(Utc::now()));
    let range_query = move || {
        let area = area
            .get()
            .map(|a| format!("area={}&", api::encode(&a)))
            .unwrap_or_default();
        format!("?{area}from={FIRST_PERIOD}&to={to}")
    };
    let series_url = {
        let q = range_query.clone();
        move || {
            format!(
                "/api/v1/indicators/{}/series{}",
                api::encode(&code.get()),
                q()
            )
        }
    };
    let xlsx_url = move || {
        format!(
            "/api/v1/indicators/{}/series.xlsx{}",
            api::encode(&code.get()),
            range_query()
        )
    };

    let series = RwSignal::new(Load::<SeriesView>::Loading);
    let mode = RwSignal::new(Mode::Month);
    let span = RwSignal::new(Span::FiveYears);
    let selected = RwSignal::new(None::<String>);

    Effect::new(move |_| {
        let url = series_url();
        leptos::task::spawn_local(async move {
            let loaded: Load<SeriesView> = api::get(&url).await.into();
            if let Load::Ready(v) = &loaded {
                if selected.get_untracked().is_none() {
                    selected.set(v.months.last().map(|m| m.period.clone()));
                }
            }
            series.set(loaded);
        });
    });

    let name = move || {
        series.with(|s| match s {
            Load::Ready(v) if lang.get() == Lang::En => v.indicator.name_en.clone(),
            Load::Ready(v) => v.indicator.name_vi.clone(),
            _ => code.get(),
        })
    };
    let area_name = move || {
        series.with(|s| match s {
            Load::Ready(v) if lang.get() == Lang::En => v.area_name_en.clone(),
            Load::Ready(v) => v.area_name_vi.clone(),
            _ => String::new(),
        })
    };
    let state = move || {
        series.with(|s| match s {
            Load::Loading => "loading",
            Load::Ready(_) => "ready",
            Load::Failed(_) => "failed",
        })
    };
    let back = move || {
        if lang.get() == Lang::En {
            "/wall?lang=en".to_string()
        } else {
            "/wall".to_string()
        }
    };

    view! {
        <Html {..} lang=move || lang.get().code() />
        <Title text=move || format!("{} – {}", name(), Msg::AppTitle.get(lang.get())) />
        <main class="indicator-page" data-state=state data-mode=move || match mode.get() { Mode::Month => "month", Mode::Ytd => "ytd", Mode::Yoy => "yoy" }>
            <header class="ind-head">
                <a class="back" href=back>{move || format!("← {}", Msg::BackToWall.get(lang.get()))}</a>
                <div class="ind-titles">
                    <p class="wall-province">{area_name}</p>
                    <h1>{name}</h1>
                </div>
                <a class="lang-switch" href=move || match area.get() {
                    Some(a) => format!("?lang={}&area={a}", lang.get().other().code()),
                    None => format!("?lang={}", lang.get().other().code()),
                }>
                    {move || Msg::SwitchLanguage.get(lang.get())}
                </a>
            </header>
            <div class="ind-controls">
                <div class="seg mode" role="group">
                    <SegButton label=WallMsg::MonthView value=Mode::Month current=mode attr="month" lang />
                    <SegButton label=WallMsg::YtdView value=Mode::Ytd current=mode attr="ytd" lang />
                    <SegButton label=WallMsg::YoyView value=Mode::Yoy current=mode attr="yoy" lang />
                </div>
                <div class="seg span" role="group">
                    <SegButton label=WallMsg::Range1y value=Span::OneYear current=span attr="1y" lang />
                    <SegButton label=WallMsg::Range5y value=Span::FiveYears current=span attr="5y" lang />
                    <SegButton label=WallMsg::RangeAll value=Span::All current=span attr="all" lang />
                </div>
                <a class="export" href=xlsx_url download="">{move || WallMsg::ExportExcel.get(lang.get())}</a>
            </div>
            {move || series.with(|s| match s {
                Load::Failed(e) => Some(view! { <p class="ind-error">{WallMsg::LoadFailed.get(lang.get())} ": " {e.message(lang.get())}</p> }),
                _ => None,
            })}
            <ChartBox series mode span selected lang />
            <p class="ind-legend">
                {move || WallMsg::Legend.get(lang.get())} ". " {move || WallMsg::ChartHint.get(lang.get())} "."
            </p>
            <UnitsSection code series selected lang />
        </main>
    }
    .into_any()
}

/// One button of a segmented control; pressed when `current` holds its value.
#[component]
fn SegButton<T: Copy + PartialEq + Send + Sync + 'static>(
    label: WallMsg,
    value: T,
    current: RwSignal<T>,
    attr: &'static str,
    lang: Memo<Lang>,
) -> impl IntoView {
    view! {
        <button
            type="button"
            data-value=attr
            aria-pressed=move || (current.get() == value).to_string()
            on:click=move |_| current.set(value)
        >
            {move || label.get(lang.get())}
        </button>
    }
}

/// The chart's container; in the browser, ECharts draws into it and follows the controls.
#[component]
fn ChartBox(
    series: RwSignal<Load<SeriesView>>,
    mode: RwSignal<Mode>,
    span: RwSignal<Span>,
    selected: RwSignal<Option<String>>,
    lang: Memo<Lang>,
) -> impl IntoView {
    let el = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    {
        use super::chart::{self, js};
        let chart_cell = StoredValue::new_local(None::<js::ECharts>);
        // Created once with the chart; reads the language and decimals when ECharts calls it.
        let numbers = StoredValue::new_local(js::formatter(move |v| {
            let decimals = series.with_untracked(|s| {
                if let Load::Ready(v) = s {
                    v.indicator.decimals
                } else {
                    0
                }
            });
            // Changes are percents (or points) with one decimal, whatever the figure's precision.
            let decimals = if mode.get_untracked() == Mode::Yoy {
                1
            } else {
                decimals
            };
            format_number(v, decimals, lang.get_untracked())
        }));
        // The periods of the bars on screen, to map a clicked bar back to its month.
        let shown = StoredValue::new_local(Vec::<String>::new());
        let ready = RwSignal::new(false);
        // Bumped on every window resize: the axis text follows the root font size (rem), which
        // follows the viewport, so a resized window needs a new option, not only a resize.
        let resized = RwSignal::new(0u32);
        Effect::new(move |_| {
            let Some(div) = el.get() else { return };
            if !series.with(|s| matches!(s, Load::Ready(_)))
                || chart_cell.with_value(Option::is_some)
            {
                return;
            }
            leptos::task::spawn_local(async move {
                if !js::ensure_loaded().await || chart_cell.with_value(Option::is_some) {
                    return;
                }
                let c = js::create(&div);
                js::on_click(&c, move |i| {
                    if let Some(p) = shown.with_value(|s| s.get(i).cloned()) {
                        selected.set(Some(p));
                    }
                });
                chart_cell.set_value(Some(c));
                ready.set(true);
            });
        });
        Effect::new(move |_| {
            if !ready.get() {
                return;
            }
            let (m, sp, sel, l) = (mode.get(), span.get(), selected.get(), lang.get());
            resized.track();
            series.with(|s| {
                let Load::Ready(v) = s else { return };
                shown.set_value(
                    chart::visible(&v.months, sp)
                        .iter()
                        .map(|m| m.period.clone())
                        .collect(),
                );
                let option = chart::option(v, m, sp, sel.as_deref(), js::root_font_px(), l);
                chart_cell.with_value(|c| {
                    if let Some(c) = c {
                        numbers.with_value(|f| js::show(c, &option, f));
                    }
                });
            });
        });
        let resize = window_event_listener(leptos::ev::resize, move |_| {
            chart_cell.with_value(|c| {
                if let Some(c) = c {
                    c.resize();
                }
            });
            resized.update(|n| *n = n.wrapping_add(1));
        });
        on_cleanup(move || {
            resize.remove();
            chart_cell.update_value(|c| {
                if let Some(c) = c.take() {
                    c.dispose();
                }
            });
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (mode, span, selected);
    view! {
        <div class="chart-wrap">
            <div class="chart" node_ref=el role="img" aria-label=move || WallMsg::ChartHint.get(lang.get())></div>
            {move || series.with(|s| matches!(s, Load::Loading)).then(|| view! {
                <p class="chart-loading">{WallMsg::Loading.get(lang.get())}</p>
            })}
        </div>
    }
    .into_any()
}

/// The month picker and, for the picked month, the units' reports and every revision.
#[component]
fn UnitsSection(
    code: Memo<String>,
    series: RwSignal<Load<SeriesView>>,
    selected: RwSignal<Option<String>>,
    lang: Memo<Lang>,
) -> impl IntoView {
    let units = RwSignal::new(None::<Load<IndicatorUnits>>);
    Effect::new(move |_| {
        let Some(period) = selected.get() else { return };
        let url = format!(
            "/api/v1/indicators/{}/units?period={}",
            api::encode(&code.get()),
            api::encode(&period)
        );
        units.set(Some(Load::Loading));
        leptos::task::spawn_local(async move {
            let loaded: Load<IndicatorUnits> = api::get(&url).await.into();
            // A slower answer for a month no longer picked must not overwrite the current one.
            if selected.get_untracked().as_deref() == Some(period.as_str()) {
                units.set(Some(loaded));
            }
        });
    });
    let periods = move || {
        series.with(|s| match s {
            Load::Ready(v) => v
                .months
                .iter()
                .rev()
                .map(|m| m.period.clone())
                .collect::<Vec<_>>(),
            _ => Vec::new(),
        })
    };
    let decimals = move || {
        series.with(|s| {
            if let Load::Ready(v) = s {
                v.indicator.decimals
            } else {
                1
            }
        })
    };
    view! {
        <section
            class="units"
            data-period=move || selected.get().unwrap_or_default()
            data-loaded=move || units.with(|u| match u {
                Some(Load::Ready(x)) => x.period.clone(),
                _ => String::new(),
            })
        >
            <div class="units-head">
                <h2>{move || WallMsg::UnitsOfMonth.get(lang.get())}</h2>
                <label class="month-pick">
                    <span>{move || WallMsg::PickMonth.get(lang.get())}</span>
                    <select
                        prop:value=move || selected.get().unwrap_or_default()
                        on:change=move |ev| selected.set(Some(event_target_value(&ev)))
                    >
                        {move || {
                            let l = lang.get();
                            let cur = selected.get();
                            periods()
                                .into_iter()
                                .map(|p| {
                                    let picked = cur.as_deref() == Some(p.as_str());
                                    view! { <option value=p.clone() selected=picked>{month_label(&p, l)}</option> }
                                })
                                .collect_view()
                        }}
                    </select>
                </label>
            </div>
            {move || match units.get() {
                None => None,
                Some(Load::Loading) => Some(view! { <p class="muted">{WallMsg::Loading.get(lang.get())}</p> }.into_any()),
                Some(Load::Failed(e)) => Some(view! { <p class="ind-error">{e.message(lang.get())}</p> }.into_any()),
                Some(Load::Ready(u)) => Some(view! { <UnitsTable u decimals=decimals() lang=lang.get() /> }.into_any()),
            }}
        </section>
    }
    .into_any()
}

/// The submissions of the month and the figure's revisions, estimates beside officials.
#[component]
fn UnitsTable(u: IndicatorUnits, decimals: u8, lang: Lang) -> impl IntoView {
    if u.submissions.is_empty() && u.revisions.is_empty() {
        return view! { <p class="muted units-empty">{WallMsg::NoSubmissions.get(lang)}</p> }
            .into_any();
    }
    let rows = u
        .submissions
        .iter()
        .map(|s| {
            let name = if lang == Lang::En { s.unit_name_en.clone() } else { s.unit_name_vi.clone() };
            let late = if s.deadline_status == ioc_protocol::DeadlineStatus::Late { "late" } else { "" };
            view! {
                <tr class=late data-unit=s.unit.clone()>
                    <td>{name}</td>
                    <td>{submission_status(s.status, lang)}</td>
                    <td class="dl">{deadline_status(s.deadline_status, lang)} " · " {date_label(&s.deadline, lang)}</td>
                </tr>
            }
        })
        .collect_view();
    let column = |kind: FigureKind| {
        let items: Vec<&EntryRevision> = u.revisions.iter().filter(|r| r.kind == kind).collect();
        let head = if kind == FigureKind::Estimate {
            WallMsg::EstimateLong
        } else {
            WallMsg::Official
        };
        let class = if kind == FigureKind::Estimate {
            "rev-col estimate"
        } else {
            "rev-col official"
        };
        let list = items
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let when = vietnam_time(r.entered_at).format("%H:%M %d/%m/%Y").to_string();
                let ytd = r.ytd.map(|y| format!("{}: {}", WallMsg::Ytd.get(lang), format_number(y, decimals, lang)));
                view! {
                    <li class=if i == 0 { "rev current" } else { "rev" }>
                        <span class="rev-value">{format_number(r.value, decimals, lang)}</span>
                        {ytd.map(|y| view! { <span class="rev-ytd">{y}</span> })}
                        <span class="rev-who">
                            {format!("{} {} · ", WallMsg::Revision.get(lang), r.revision)}
                            {r.entered_by.clone().unwrap_or_else(|| r.source.clone())} " · " {when}
                        </span>
                        {r.note.clone().map(|n| view! { <span class="rev-note">{format!("{}: {n}", WallMsg::Note.get(lang))}</span> })}
                    </li>
                }
            })
            .collect_view();
        view! {
            <div class=class>
                <h3>{head.get(lang)}</h3>
                <ol>{list}</ol>
            </div>
        }
    };
    view! {
        <table class="units-table">
            <thead>
                <tr>
                    <th>{WallMsg::Unit.get(lang)}</th>
                    <th>{WallMsg::Status.get(lang)}</th>
                    <th>{WallMsg::DeadlineCol.get(lang)}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        <div class="revisions">
            {column(FigureKind::Estimate)}
            {column(FigureKind::Official)}
        </div>
    }
    .into_any()
}
