//! The dossier wall (issue 11): public-service dossiers and the Decision 766 service index.
//!
//! Pages by audience, both for the IOC wall (1080p/4K, unattended) and leaders' phones:
//! [`province`] — `/wall/dossiers`, the province's live counters, on-time and online gauges, its
//! 766 index with a radar of the six groups, the ranking of departments and communes, and a grid
//! of the communes coloured by overdue dossiers; [`unit`] — `/wall/dossiers/{unit}`, the same
//! board for one department or commune, its 766 index explained metric by metric, and its open
//! or overdue dossiers.
//!
//! Like the indicator wall, the server renders each page with the board as stored (so a kiosk
//! shows figures before the wasm has loaded) and the browser follows the board's topic
//! `dossiers/{unit}` from the position the server rendered, through the page's one live client.
//! The board is a stored topic: each publication carries the whole board and replaces it.
//!
//! The office side (`/dossiers`, `/dossiers/{id}/apologies/{n}`): a unit's overdue and open
//! dossiers, apology slips and their printable form — in the server and the office bundle only.

mod graphics;
mod province;
pub mod text;
mod unit;

#[cfg(any(feature = "ssr", feature = "office", not(feature = "hydrate")))]
mod office;
#[cfg(any(feature = "ssr", feature = "office", not(feature = "hydrate")))]
mod office_text;
#[cfg(any(feature = "ssr", feature = "office", not(feature = "hydrate")))]
mod slip;

#[cfg(any(feature = "ssr", feature = "office", not(feature = "hydrate")))]
pub use office::DossiersPage;
#[cfg(any(feature = "ssr", feature = "office", not(feature = "hydrate")))]
pub use slip::ApologySlipPage;

pub use province::{DossierWallPage, ProvinceContent};
pub use unit::{DossierUnitPage, UnitContent};

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::context::use_lang;
use crate::live::{use_live, ConnBadge, TopicState};
use crate::wall::{tick_clock, ViewerBox};
use ioc_protocol::i18n::{format_number, Lang, Msg};
use ioc_protocol::{DossierBoard, Payload, Publication, StreamPosition, Viewer};
use text::DossierMsg;

/// A unit's board as the page starts from.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct BoardStart {
    /// Where the board was read in its topic's stream. `None` when the topic was never
    /// published or the page loaded the board over HTTP: the live client then starts from the
    /// topic's state.
    pub position: Option<StreamPosition>,
    pub board: DossierBoard,
    /// Who is looking (a person or a wall display).
    pub viewer: Option<Viewer>,
}

/// Where the server-rendered page gets a board from: the unit (`None`: the province the
/// server is configured for) and the request (with the signed-in principal). `Ok(None)` for a
/// unit that is not one of the province's or that the principal may not read. The server puts
/// one into the Leptos context; this crate does not know about the database.
#[cfg(feature = "ssr")]
#[derive(Clone)]
pub struct DossierSource(
    pub  std::sync::Arc<
        dyn Fn(Option<String>, Option<http::request::Parts>) -> BoardFuture + Send + Sync,
    >,
);

/// The board being loaded by the server.
#[cfg(feature = "ssr")]
pub type BoardFuture =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<Option<BoardStart>, String>> + Send>>;

/// Loads the board of `unit` (the province when `None`): from the server's source while
/// rendering, over HTTP in the browser (after a navigation inside the page; a hydrated page
/// takes the board the server serialised into it).
async fn load_board(
    unit: Option<String>,
    #[cfg(feature = "ssr")] source: Option<DossierSource>,
    #[cfg(feature = "ssr")] request: Option<http::request::Parts>,
) -> Result<Option<BoardStart>, String> {
    #[cfg(feature = "ssr")]
    {
        match source {
            Some(s) => (s.0)(unit, request).await,
            None => Err("dossier source missing".to_string()),
        }
    }
    #[cfg(not(feature = "ssr"))]
    {
        // The province's code is only known to the server: its page is always rendered there
        // (links to it are external).
        let Some(unit) = unit else {
            return Err("the province board is rendered by the server".to_string());
        };
        let url = format!("/api/v1/dossier-boards/{}", crate::api::encode(&unit));
        match crate::api::get::<DossierBoard>(&url).await {
            Ok(board) => Ok(Some(BoardStart {
                position: None,
                board,
                viewer: None,
            })),
            Err(crate::api::Failure::Api { status: 404, .. }) => Ok(None),
            Err(e) => Err(e.message(Lang::Vi)),
        }
    }
}

/// A resource with the board of the unit `unit()` returns (see [`load_board`]).
fn board_resource(
    unit: impl Fn() -> Option<String> + Send + Sync + 'static,
) -> Resource<Result<Option<BoardStart>, String>> {
    #[cfg(feature = "ssr")]
    let source = use_context::<DossierSource>();
    #[cfg(feature = "ssr")]
    let request = use_context::<http::request::Parts>();
    Resource::new(unit, move |unit| {
        #[cfg(feature = "ssr")]
        let fut = load_board(unit, source.clone(), request.clone());
        #[cfg(not(feature = "ssr"))]
        let fut = load_board(unit);
        #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
        let fut = send_wrapper::SendWrapper::new(fut);
        fut
    })
}

/// The board as followed live: the newest publication replaces it.
#[derive(Clone, Debug, PartialEq)]
pub struct BoardLive {
    pub position: Option<StreamPosition>,
    pub board: DossierBoard,
    /// Counts changes so the page can flash what changed.
    pub updates: u32,
}

impl BoardLive {
    /// Takes a publication's board unless it was seen already.
    pub fn apply(&mut self, epoch: &str, offset: i64, board: DossierBoard) -> bool {
        if let Some(p) = &self.position {
            if p.epoch == epoch && offset <= p.offset {
                return false;
            }
        }
        self.position = Some(StreamPosition {
            epoch: epoch.to_string(),
            offset,
        });
        if board != self.board {
            self.board = board;
            self.updates = self.updates.wrapping_add(1);
        }
        true
    }
}

/// Follows `dossiers/{unit}` into `live` for as long as the page is shown.
fn follow(live_board: RwSignal<BoardLive>) {
    let (topic, since) =
        live_board.with_untracked(|b| (format!("dossiers/{}", b.board.unit), b.position.clone()));
    use_live()
        .subscribe_since(
            topic,
            since,
            move |s: TopicState| {
                if let Some(Payload::Dossiers(d)) = s.state {
                    live_board.try_update(|b| b.apply(&s.epoch, s.offset, *d));
                }
            },
            move |p: Publication| {
                if let Payload::Dossiers(d) = p.data {
                    live_board.try_update(|b| b.apply(&p.epoch, p.offset, *d));
                }
            },
        )
        .until_cleanup();
}

/// A link inside the dossier pages that keeps the language.
pub fn href(path: &str, lang: Lang) -> String {
    match lang {
        Lang::En if path.contains('?') => format!("{path}&lang=en"),
        Lang::En => format!("{path}?lang=en"),
        Lang::Vi => path.to_string(),
    }
}

/// A count as the language writes it (`1.234` / `1,234`).
fn count(n: i64, lang: Lang) -> String {
    format_number(n as f64, 0, lang)
}

/// A percentage with one decimal (`87,5%`), or a dash when there is nothing to divide.
fn percent(v: Option<f64>, lang: Lang) -> String {
    match v {
        Some(v) => format!("{}%", format_number(v, 1, lang)),
        None => "—".to_string(),
    }
}

/// A maximum of points as the configuration has it: `6`, `2,5` (never rounded away).
fn maximum(v: f64, lang: Lang) -> String {
    let decimals = if v.fract() == 0.0 {
        0
    } else if (v * 10.0).fract() == 0.0 {
        1
    } else {
        2
    };
    format_number(v, decimals, lang)
}

/// A unit's name in the page's language.
fn unit_name(board: &DossierBoard, lang: Lang) -> String {
    match lang {
        Lang::Vi => board.unit_name_vi.clone(),
        Lang::En => board.unit_name_en.clone(),
    }
}

/// The head of both pages: where, what, the demo badge when the simulator writes the figures,
/// the clock, the connection and the language switch.
#[component]
fn Head(
    live: RwSignal<BoardLive>,
    viewer: Option<Viewer>,
    /// The link beside the title (to the other wall screen, or back to the province).
    nav: (String, DossierMsg),
    /// The page's title under the place's name.
    title: Signal<String>,
) -> impl IntoView {
    let lang = use_lang();
    let status = use_live().status();
    let now = RwSignal::new(chrono::Utc::now());
    tick_clock(now);
    let place = move || live.with(|b| unit_name(&b.board, lang.get()));
    let demo = move || live.with(|b| b.board.demo);
    let (nav_path, nav_text) = nav;
    view! {
        <header class="wall-head">
            <div class="wall-titles">
                <p class="wall-province">{place}</p>
                <h1>{move || title.get()}</h1>
            </div>
            <Show when=demo>
                <div class="demo-badge" role="status">
                    <strong>{move || Msg::DemoBadge.get(lang.get())}</strong>
                    <span>{move || Msg::DemoExplain.get(lang.get())}</span>
                </div>
            </Show>
            <div class="wall-meta">
                <a class="wall-nav" rel="external" href=move || href(&nav_path, lang.get())>
                    {move || nav_text.get(lang.get())}
                </a>
                <time class="clock">{move || crate::format::vietnam_time(now.get()).format("%H:%M").to_string()}</time>
                <ConnBadge status lang />
                <a class="lang-switch" href=move || format!("?lang={}", lang.get().other().code())>
                    {move || Msg::SwitchLanguage.get(lang.get())}
                </a>
                <ViewerBox viewer lang />
            </div>
        </header>
    }
    .into_any()
}

/// One figure of a board.
type Figure = fn(&DossierBoard) -> i64;

/// The line under a counter: another figure with its words, or words only.
#[derive(Clone, Copy)]
enum Hint {
    Count(Figure, DossierMsg),
    Text(DossierMsg),
}

/// The live counters of a board: received today, in progress, overdue, late without apology,
/// then the month's on-time and online gauges.
#[component]
fn Counters(live: RwSignal<BoardLive>) -> impl IntoView {
    let lang = use_lang();
    let cell = move |class: &'static str, label: DossierMsg, value: Figure, hint: Hint| {
        let n = Memo::new(move |_| live.with(|b| value(&b.board)));
        // Flash the number when it changes (two classes so the animation restarts).
        let flash = Memo::new(move |prev: Option<&(i64, u32)>| match prev {
            Some((v, k)) if *v != n.get() => (n.get(), k + 1),
            Some(p) => *p,
            None => (n.get(), 0),
        });
        let hint = move || match hint {
            Hint::Count(f, words) => live.with(|b| {
                format!(
                    "{} {}",
                    count(f(&b.board), lang.get()),
                    words.get(lang.get())
                )
            }),
            Hint::Text(words) => words.get(lang.get()).to_string(),
        };
        view! {
            <div class=move || {
                let f = match flash.get().1 { 0 => "", k if k % 2 == 1 => " flash-a", _ => " flash-b" };
                format!("counter {class}{f}")
            } data-counter=class data-value=move || n.get()>
                <p class="counter-label">{move || label.get(lang.get())}</p>
                <p class="counter-value">{move || count(n.get(), lang.get())}</p>
                <p class="counter-hint">{hint}</p>
            </div>
        }
    };
    view! {
        <section class="counters">
            {cell("received", DossierMsg::ReceivedToday, |b| b.received_today, Hint::Count(|b| b.finished_today, DossierMsg::FinishedToday))}
            {cell("in-progress", DossierMsg::InProgress, |b| b.in_progress, Hint::Count(|b| b.paused, DossierMsg::Paused))}
            {cell("overdue", DossierMsg::Overdue, |b| b.overdue, Hint::Text(DossierMsg::OverdueHint))}
            {cell("late", DossierMsg::LateNoApology, |b| b.late_without_apology, Hint::Text(DossierMsg::LateNoApologyHint))}
            <graphics::Gauge
                class="on-time"
                label=DossierMsg::OnTimeMonth
                hint=DossierMsg::OnTimeHint
                value=Signal::derive(move || live.with(|b| b.board.on_time_month))
            />
            <graphics::Gauge
                class="online"
                label=DossierMsg::OnlineMonth
                hint=DossierMsg::OnlineHint
                value=Signal::derive(move || live.with(|b| b.board.online_month))
            />
        </section>
    }
    .into_any()
}

/// The board's 766 index: the total with its band and the radar of the six groups.
#[component]
fn IndexPanel(live: RwSignal<BoardLive>) -> impl IntoView {
    let lang = use_lang();
    let index = Memo::new(move |_| live.with(|b| b.board.index.clone()));
    view! {
        <section class="panel index766">
            <h2>{move || DossierMsg::Index766.get(lang.get())}</h2>
            {move || match index.get() {
                Some(s) => {
                    let band = if lang.get() == Lang::En { s.band_en.clone() } else { s.band_vi.clone() };
                    view! {
                        <div class=format!("index-total {}", graphics::band_class(s.total))>
                            <span class="index-value">{format_number(s.total, 1, lang.get())}</span>
                            <span class="index-max">{DossierMsg::OutOf100.get(lang.get())}</span>
                            <span class="index-band">{band}</span>
                        </div>
                        <p class="index-period">{DossierMsg::Rolling30.get(lang.get())}</p>
                        <graphics::Radar groups=s.groups.clone() />
                    }
                    .into_any()
                }
                None => view! { <p class="muted">{DossierMsg::NoIndex.get(lang.get())}</p> }.into_any(),
            }}
        </section>
    }
    .into_any()
}

/// What a page shows while its board loads, or when it cannot.
fn not_ready(message: String) -> AnyView {
    view! { <main class="wall wall-error dossier-wall"><p>{message}</p></main> }.into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maxima_keep_their_decimals() {
        assert_eq!(maximum(6.0, Lang::Vi), "6");
        assert_eq!(maximum(2.5, Lang::Vi), "2,5");
        assert_eq!(maximum(2.25, Lang::En), "2.25");
    }
}
