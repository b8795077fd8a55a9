//! `/wall/dossiers`: the province's dossier wall (see the module above for what it shows).

use leptos::prelude::*;
use leptos_meta::{Html, Title};

use super::graphics::band_class;
use super::text::DossierMsg;
use super::{
    board_resource, count, follow, href, not_ready, BoardLive, BoardStart, Counters, Head,
    IndexPanel,
};
use crate::context::use_lang;
use ioc_protocol::i18n::{format_number, Lang, Msg};
use ioc_protocol::{CommuneCount, RankRow};

/// How many communes the leading and trailing lists show.
const COMMUNES_SHOWN: usize = 5;

#[component]
pub fn DossierWallPage() -> impl IntoView {
    let lang = use_lang();
    view! {
        <Html {..} lang=move || lang.get().code() />
        <Title text=move || format!("{} – {}", DossierMsg::Title.get(lang.get()), Msg::AppTitle.get(lang.get())) />
        <ProvinceContent />
    }
}

/// The province's dossier wall without the document's title: the page `/wall/dossiers` and a
/// screen's `dossier_province` page. `unit` is the province's code when known (a screen's
/// configuration carries it, so the browser can load the board itself); `None` on the page,
/// which the server always renders.
#[component]
pub fn ProvinceContent(#[prop(optional)] unit: Option<String>) -> impl IntoView {
    let lang = use_lang();
    let board = board_resource(move || unit.clone());
    view! {
        <Suspense fallback=move || view! { <main class="wall wall-loading">{move || Msg::Connecting.get(lang.get())}</main> }>
            {move || Suspend::new(async move {
                match board.await {
                    Ok(Some(start)) => view! { <ProvinceWall start /> }.into_any(),
                    Ok(None) => not_ready(DossierMsg::UnknownUnit.get(lang.get_untracked()).to_string()),
                    Err(e) => not_ready(format!("{}: {e}", Msg::Internal.get(lang.get_untracked()))),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn ProvinceWall(start: BoardStart) -> impl IntoView {
    let lang = use_lang();
    let live = RwSignal::new(BoardLive {
        position: start.position,
        board: start.board,
        updates: 0,
    });
    follow(live);
    let status = crate::live::use_live().status();
    let title = Signal::derive(move || DossierMsg::Title.get(lang.get()).to_string());
    let departments = Memo::new(move |_| {
        live.with(|b| {
            b.board
                .ranking
                .iter()
                .filter(|r| r.kind == "department")
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let communes_ranked = Memo::new(move |_| {
        live.with(|b| {
            b.board
                .ranking
                .iter()
                .filter(|r| r.kind == "commune")
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let best = Signal::derive(move || {
        communes_ranked.with(|c| c.iter().take(COMMUNES_SHOWN).cloned().collect::<Vec<_>>())
    });
    let worst = Signal::derive(move || {
        communes_ranked.with(|c| {
            // The trailing ones are those the leading list does not show already.
            let from = c
                .len()
                .saturating_sub(COMMUNES_SHOWN)
                .max(COMMUNES_SHOWN.min(c.len()));
            c[from..].to_vec()
        })
    });
    let communes = Memo::new(move |_| live.with(|b| b.board.communes.clone()));
    view! {
        <main class="wall dossier-wall province" data-live=move || status.get().attr()>
            <Head live viewer=start.viewer nav=("/wall".to_string(), DossierMsg::IndicatorsLink) title />
            <Counters live />
            <div class="dossier-body">
                <div class="dossier-col">
                    <IndexPanel live />
                    <section class="panel ranking communes-rank">
                        <h2>{move || DossierMsg::CommunesBest.get(lang.get())}</h2>
                        <RankList rows=best />
                        <h2>{move || DossierMsg::CommunesWorst.get(lang.get())}</h2>
                        <RankList rows=worst />
                    </section>
                </div>
                <section class="panel ranking departments">
                    <h2>{move || DossierMsg::Departments.get(lang.get())}</h2>
                    <RankList rows=departments.into() />
                </section>
                <CommuneGrid communes />
            </div>
        </main>
    }
    .into_any()
}

/// Rows of a ranking: rank, name (a link to the unit's page), 766 total with a bar, overdue.
#[component]
fn RankList(rows: Signal<Vec<RankRow>>) -> impl IntoView {
    let lang = use_lang();
    view! {
        {move || {
            let rows = rows.get();
            if rows.is_empty() {
                return view! { <p class="muted">{DossierMsg::NoRanking.get(lang.get())}</p> }.into_any();
            }
            let l = lang.get();
            view! {
                <ol class="rank-list">
                    {rows
                        .into_iter()
                        .map(|r| {
                            let name = if l == Lang::En { r.name_en.clone() } else { r.name_vi.clone() };
                            let width = format!("{:.1}", r.total.clamp(0.0, 100.0));
                            let overdue_class = if r.overdue > 0 { "rank-overdue some" } else { "rank-overdue" };
                            view! {
                                <li class=format!("rank-row {}", band_class(r.total)) data-unit=r.unit.clone()>
                                    <span class="rank-no">{r.rank}</span>
                                    <a class="rank-name" href=href(&format!("/wall/dossiers/{}", r.unit), l)>{name}</a>
                                    <svg class="rank-bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                                        <rect class="rank-track" x="0" y="0" width="100" height="10" />
                                        <rect class="rank-fill" x="0" y="0" width=width height="10" />
                                    </svg>
                                    <span class="rank-total">{format_number(r.total, 1, l)}</span>
                                    <span class=overdue_class
                                        title=DossierMsg::Overdue.get(l)>
                                        {if r.overdue > 0 { format!("⚠ {}", count(r.overdue, l)) } else { String::new() }}
                                    </span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
            }
            .into_any()
        }}
    }
    .into_any()
}

/// The heat class of a commune's overdue count (0: none, then 1, 2–4, 5–9, 10 and more).
pub fn heat(overdue: i64) -> &'static str {
    match overdue {
        i64::MIN..=0 => "heat-0",
        1 => "heat-1",
        2..=4 => "heat-2",
        5..=9 => "heat-3",
        _ => "heat-4",
    }
}

/// A commune's name without its kind, to fit its tile ("Xã Nghi Lộc" → "Nghi Lộc",
/// "Phường Vinh Hưng" → "P. Vinh Hưng", "Đặc khu …" stays whole).
pub fn short_name(name: &str) -> String {
    if let Some(rest) = name.strip_prefix("Xã ") {
        rest.to_string()
    } else if let Some(rest) = name.strip_prefix("Phường ") {
        format!("P. {rest}")
    } else {
        name.to_string()
    }
}

/// The communes as tiles coloured by their overdue dossiers (until a map is imported), each a
/// link to the commune's page listing the dossiers concerning it.
#[component]
fn CommuneGrid(communes: Memo<Vec<CommuneCount>>) -> impl IntoView {
    let lang = use_lang();
    let total = move || communes.with(|c| c.iter().map(|c| c.overdue).sum::<i64>());
    view! {
        <section class="panel commune-grid">
            <h2>
                {move || DossierMsg::CommuneGrid.get(lang.get())}
                <span class="grid-total">{move || count(total(), lang.get())}</span>
            </h2>
            <p class="grid-hint">
                {move || DossierMsg::CommuneGridHint.get(lang.get())}
                <span class="heat-legend" aria-hidden="true">
                    <i class="heat-0">"0"</i><i class="heat-1">"1"</i><i class="heat-2">"2–4"</i>
                    <i class="heat-3">"5–9"</i><i class="heat-4">"10+"</i>
                </span>
            </p>
            <ul class="tiles-grid">
                <For each=move || communes.get() key=|c| (c.unit.clone(), c.overdue, c.open) children=move |c| {
                    let path = format!("/wall/dossiers/{}?by=commune", c.unit);
                    let tip = format!("{} – {} {}", c.name_vi, count(c.open, lang.get_untracked()), DossierMsg::Open.get(lang.get_untracked()));
                    view! {
                        <li class=format!("commune {}", heat(c.overdue)) data-unit=c.unit data-overdue=c.overdue>
                            <a href=move || href(&path, lang.get()) title=tip>
                                <span class="commune-name">{short_name(&c.name_vi)}</span>
                                <span class="commune-count">{c.overdue}</span>
                            </a>
                        </li>
                    }
                } />
            </ul>
        </section>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commune_names_lose_their_kind() {
        assert_eq!(short_name("Xã Nghi Lộc"), "Nghi Lộc");
        assert_eq!(short_name("Phường Vinh Hưng"), "P. Vinh Hưng");
        assert_eq!(short_name("Đặc khu Cồn Cỏ"), "Đặc khu Cồn Cỏ");
    }

    #[test]
    fn heat_steps() {
        assert_eq!(
            [0, 1, 3, 7, 40].map(heat),
            ["heat-0", "heat-1", "heat-2", "heat-3", "heat-4"]
        );
    }
}
