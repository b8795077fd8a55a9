//! One indicator tile: latest month and value, estimate badge, change against last year and last
//! month, progress against the annual target, a sparkline, and the alarms that make it stand out.
//! Everything is rendered by the server too, so a kiosk shows it before the wasm has loaded; the
//! CSP forbids inline `style`, so the graphics are SVG attributes and CSS classes only.

use leptos::prelude::*;

use super::model::{self, Breach, Direction, Progress};
use super::text::WallMsg;
use super::{vietnam_time, TileLive};
use ioc_protocol::i18n::{format_number, Lang, Msg};
use ioc_protocol::{parse_period, period_ts, Change, FigureKind, MonthFigure, TileState};

/// What a tile shows, derived once per change of its months.
#[derive(Clone, Debug, PartialEq)]
struct Facts {
    last: Option<MonthFigure>,
    yoy: Option<Change>,
    mom: Option<Change>,
    /// A year-on-year index's reported year to date ("CPI bình quân").
    ytd_yoy: Option<Change>,
    progress: Option<Progress>,
    breach: Option<Breach>,
}

/// The page's URL of an indicator's chart for an area, in the page's language.
pub fn chart_href(code: &str, area: &str, lang: Lang) -> String {
    match lang {
        Lang::Vi => format!("/wall/indicator/{code}?area={area}"),
        Lang::En => format!("/wall/indicator/{code}?area={area}&lang=en"),
    }
}

/// "▲ +6,4%" (a percent change) or "▲ +0,4 điểm %" (a rate's change in points) with the class
/// of its direction.
pub fn change_text(change: Change, lang: Lang) -> (&'static str, String) {
    let x = change.amount();
    let shown = (x * 10.0).round() / 10.0;
    let unit = match change {
        Change::Percent(_) => "%".to_string(),
        Change::Points(_) => format!(" {}", WallMsg::Points.get(lang)),
    };
    match model::direction(x) {
        Direction::Up => ("up", format!("▲ +{}{unit}", format_number(shown, 1, lang))),
        Direction::Down => ("down", format!("▼ {}{unit}", format_number(shown, 1, lang))),
        Direction::Flat => ("flat", format!("■ {}{unit}", format_number(0.0, 1, lang))),
    }
}

#[component]
pub fn Tile(info: TileState, live: RwSignal<TileLive>, lang: Memo<Lang>) -> impl IntoView {
    let def = info.indicator.clone();
    let kind = def.value_kind;
    let decimals = info.decimals;
    let facts = Memo::new(move |_| {
        live.with(|t| Facts {
            last: t.history.last().cloned(),
            yoy: model::year_on_year(kind, &t.history),
            mom: model::month_on_month(kind, &t.history),
            ytd_yoy: model::ytd_year_on_year(kind, &t.history),
            progress: model::progress(&def, &t.history),
            breach: t.history.last().and_then(|m| model::breach(&def, m.value)),
        })
    });
    let (name_vi, name_en) = (info.name_vi.clone(), info.name_en.clone());
    let name = move || {
        if lang.get() == Lang::En {
            name_en.clone()
        } else {
            name_vi.clone()
        }
    };
    let (measure_vi, measure_en) = (info.measure_vi.clone(), info.measure_en.clone());
    let measure = move || {
        if lang.get() == Lang::En {
            measure_en.clone()
        } else {
            measure_vi.clone()
        }
    };
    let value = move || {
        facts.with(|f| match &f.last {
            Some(m) => format_number(m.value, decimals, lang.get()),
            None => "—".to_string(),
        })
    };
    let period = move || {
        facts.with(|f| {
            f.last
                .as_ref()
                .map(|m| model::month_label(&m.period, lang.get()))
        })
    };
    let is_estimate = move || {
        facts.with(|f| {
            f.last
                .as_ref()
                .is_some_and(|m| m.kind == FigureKind::Estimate)
        })
    };
    let behind = move || facts.with(|f| f.progress.as_ref().is_some_and(|p| p.behind));
    let alarm = move || {
        facts.with(
            |f| match (f.breach, f.progress.as_ref().is_some_and(|p| p.behind)) {
                (Some(Breach::Low(_)), _) => Some(("alarm breach", WallMsg::BelowWarn)),
                (Some(Breach::High(_)), _) => Some(("alarm breach", WallMsg::AboveWarn)),
                (None, true) => Some(("alarm behind", WallMsg::BehindTarget)),
                _ => None,
            },
        )
    };
    let yoy = move || {
        facts
            .with(|f| f.yoy)
            .map(|pct| change_text(pct, lang.get()))
    };
    let mom = move || {
        facts
            .with(|f| f.mom)
            .map(|pct| change_text(pct, lang.get()))
    };
    let ytd_yoy = move || {
        facts
            .with(|f| f.ytd_yoy)
            .map(|pct| change_text(pct, lang.get()))
    };
    // The latest month rolled up from former units that did not all report.
    let is_partial = move || facts.with(|f| f.last.as_ref().is_some_and(|m| m.partial));
    // A reading that is not a monthly figure (the demo feed, a raw point) says when it was taken.
    let reading_time = move || {
        live.with(|t| {
            let p = t.latest.as_ref()?;
            let month = parse_period(&t.history.last()?.period)?;
            (p.ts != period_ts(month)).then(|| {
                format!(
                    "{} {}",
                    Msg::UpdatedAt.get(lang.get()),
                    vietnam_time(p.ts).format("%H:%M:%S %d/%m/%Y")
                )
            })
        })
    };
    let is_demo = move || {
        live.with(|t| {
            t.latest.as_ref().is_some_and(|p| p.demo) || t.history.last().is_some_and(|m| m.demo)
        })
    };
    // Two identical animations with different names: switching between them restarts the flash.
    let flash = move || {
        live.with(|t| {
            if t.updates == 0 {
                ""
            } else if t.updates % 2 == 0 {
                " flash-a"
            } else {
                " flash-b"
            }
        })
    };
    let classes = move || {
        let state = facts.with(|f| if f.breach.is_some() { " is-breach" } else { "" });
        let lag = if behind() { " is-behind" } else { "" };
        format!("tile{state}{lag}{}", flash())
    };
    let (code, area) = (info.series.clone(), info.unit.clone());
    view! {
        <article
            class=classes
            data-topic=info.topic.clone()
            data-offset=move || live.with(|t| t.offset.to_string())
            data-period=move || facts.with(|f| f.last.as_ref().map(|m| m.period.clone()).unwrap_or_default())
        >
            <h2 class="tile-name">
                <a class="tile-link" href=move || chart_href(&code, &area, lang.get())>{name}</a>
            </h2>
            <p class="tile-value">
                <span class="value">{value}</span>
                <span class="measure">{measure}</span>
            </p>
            <p class="tile-period">
                {move || period().map(|p| view! { <span class="period">{p}</span> })}
                <Show when=is_estimate>
                    <span class="est-badge" title=move || WallMsg::EstimateLong.get(lang.get())>
                        {move || WallMsg::EstimateShort.get(lang.get())}
                    </span>
                </Show>
                <Show when=is_partial>
                    <span class="partial-badge" title=move || WallMsg::PartialLong.get(lang.get())>
                        {move || WallMsg::Partial.get(lang.get())}
                    </span>
                </Show>
                {move || alarm().map(|(class, msg)| view! { <span class=class>{msg.get(lang.get())}</span> })}
            </p>
            <p class="tile-changes">
                {move || yoy().map(|(dir, text)| view! {
                    <span class=format!("yoy {dir}")>
                        <b>{text}</b> " " <small>{WallMsg::VsLastYear.get(lang.get())}</small>
                    </span>
                })}
                {move || mom().map(|(dir, text)| view! {
                    <span class=format!("mom {dir}")>
                        <b class=format!("trend {dir}")>{text}</b> " " <small>{WallMsg::VsLastMonth.get(lang.get())}</small>
                    </span>
                })}
                {move || ytd_yoy().map(|(dir, text)| view! {
                    <span class=format!("ytd-yoy {dir}")>
                        <b>{text}</b> " " <small>{WallMsg::YtdVsLastYear.get(lang.get())}</small>
                    </span>
                })}
            </p>
            {move || facts.with(|f| f.progress.clone()).map(|p| view! { <ProgressBar p lang /> })}
            <Sparkline live />
            <p class="tile-foot">
                <Show when=is_demo>
                    <span class="tile-demo">{move || Msg::DemoBadge.get(lang.get())}</span>
                </Show>
                {move || reading_time().map(|t| view! { <span class="tile-time">{t}</span> })}
            </p>
        </article>
    }
    .into_any()
}

/// Progress against the annual target: a bar with the pace mark for cumulative indicators.
#[component]
fn ProgressBar(p: Progress, lang: Memo<Lang>) -> impl IntoView {
    let fill = format!("{:.2}", p.pct.clamp(0.0, 100.0));
    let pace = p.pace_pct.map(|x| format!("{:.2}", x.clamp(0.0, 100.0)));
    let label = move || {
        let l = lang.get();
        if let Some(t) = p.target_change {
            // An index relative to last year: the target is a change ("CPI under 104": at most
            // +4,0 %), which is how plans word it.
            let (_, target) = change_text(Change::Percent(t), l);
            let target = target.trim_start_matches(['▲', '▼', '■', ' ']).to_string();
            let head = if p.higher_is_better {
                WallMsg::TargetAtLeast
            } else {
                WallMsg::TargetAtMost
            };
            return format!("{} {target} {}", head.get(l), WallMsg::VsLastYear.get(l));
        }
        let pace = p
            .pace_pct
            .map(|x| format!(" · {} {}%", WallMsg::Pace.get(l), format_number(x, 0, l)))
            .unwrap_or_default();
        if p.disbursement {
            // Public investment as leaders read it: "Giải ngân 62,3% kế hoạch".
            return format!(
                "{} {}% {}{pace}",
                WallMsg::Disbursed.get(l),
                format_number(p.pct, 1, l),
                WallMsg::OfPlan.get(l)
            );
        }
        let head = if p.cumulative {
            WallMsg::YtdOfPlan
        } else {
            WallMsg::LevelOfPlan
        };
        format!("{} {}%{pace}", head.get(l), format_number(p.pct, 1, l))
    };
    let class = if p.behind {
        "progress behind"
    } else {
        "progress"
    };
    view! {
        <div class=class>
            <span class="progress-label">{label}</span>
            <svg class="progress-bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                <rect class="progress-track" x="0" y="0" width="100" height="10" />
                <rect class="progress-fill" x="0" y="0" width=fill height="10" />
                {pace.map(|x| view! {
                    <line class="progress-pace" x1=x.clone() x2=x y1="-2" y2="12" vector-effect="non-scaling-stroke" />
                })}
            </svg>
        </div>
    }
    .into_any()
}

/// The months as a line. Estimates and the latest month are dots: zero-length round-capped
/// lines with non-scaling strokes stay round however CSS stretches the box.
#[component]
fn Sparkline(live: RwSignal<TileLive>) -> impl IntoView {
    let points = Memo::new(move |_| live.with(|t| model::sparkline(&t.history)));
    let line = move || points.with(|p| model::polyline(p));
    let area = move || {
        points.with(|p| match (p.first(), p.last()) {
            (Some(a), Some(b)) => format!(
                "{:.2},{h} {} {:.2},{h}",
                a.x,
                model::polyline(p),
                b.x,
                h = model::SPARK_H
            ),
            _ => String::new(),
        })
    };
    let dots = move || {
        points.with(|p| {
            let last = p.len().saturating_sub(1);
            p.iter()
                .enumerate()
                .filter(|(i, s)| s.estimate || *i == last)
                .map(|(i, s)| {
                    let class = match (i == last, s.estimate) {
                        (true, true) => "spark-dot last estimate",
                        (true, false) => "spark-dot last",
                        _ => "spark-dot estimate",
                    };
                    let (x, y) = (format!("{:.2}", s.x), format!("{:.2}", s.y));
                    view! { <line class=class x1=x.clone() x2=x y1=y.clone() y2=y vector-effect="non-scaling-stroke" /> }
                })
                .collect_view()
        })
    };
    view! {
        <svg
            class="spark"
            viewBox=format!("-2 0 104 {}", model::SPARK_H)
            preserveAspectRatio="none"
            aria-hidden="true"
            data-months=move || points.with(|p| p.len().to_string())
        >
            <polygon class="spark-area" points=area />
            <polyline class="spark-line" points=line vector-effect="non-scaling-stroke" />
            {dots}
        </svg>
    }
    .into_any()
}
