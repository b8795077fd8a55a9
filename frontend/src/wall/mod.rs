//! The wall: one tile per indicator of the province, live over the WebSocket.
//!
//! The same page serves the IOC video wall (1080p/4K, unattended) and phones; the layout is
//! responsive (see `assets/ioc.css`). The server renders the tiles with the latest values, the
//! browser hydrates them and follows each tile's topic from the stream position the server
//! rendered, so nothing published between render and connect is lost.

mod chart;
pub mod hot;
mod indicator;
pub mod model;
mod panel;
pub mod text;
mod tile;
pub use indicator::IndicatorPage;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_meta::{Html, Title};

use crate::context::use_lang;
use crate::format::vietnam_time;
use crate::live::{use_live, ConnBadge, TopicState};
use ioc_protocol::i18n::{Lang, Msg};
use ioc_protocol::{
    replaces_latest, Aggregation, DeadlineBoard, LivePoint, MonthFigure, Payload, Publication,
    StreamPosition, TileState, WallState,
};

/// Where the server-rendered page gets the wall's state from. The server puts one into the
/// Leptos context; this crate does not know about the database.
#[cfg(feature = "ssr")]
#[derive(Clone)]
pub struct WallSource(
    pub std::sync::Arc<dyn Fn(Option<http::request::Parts>) -> WallFuture + Send + Sync>,
);

/// The wall state being loaded by the server.
#[cfg(feature = "ssr")]
pub type WallFuture =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<WallState, String>> + Send>>;

/// The changing part of a tile: its stream position and its published months.
#[derive(Clone, Debug, PartialEq)]
pub struct TileLive {
    pub epoch: String,
    pub offset: i64,
    pub latest: Option<LivePoint>,
    /// The published months up to the latest (see [`model::merge_point`]).
    pub history: Vec<MonthFigure>,
    /// How the months make up the year to date (kept here so a merge can re-derive it).
    pub aggregation: Aggregation,
    /// Counts updates so the tile can flash on each one.
    pub updates: u32,
}

impl TileLive {
    fn from_state(t: &TileState) -> Self {
        let mut live = TileLive {
            epoch: t.epoch.clone(),
            offset: t.offset,
            latest: t.latest.clone(),
            history: t.history.clone(),
            aggregation: t.indicator.aggregation,
            updates: 0,
        };
        // The stream head can be ahead of the published months (a point not yet in a figure).
        if let Some(p) = &t.latest {
            model::merge_point(&mut live.history, live.aggregation, p);
        }
        live
    }

    /// Applies a point published at `offset`. Older offsets are ignored (already seen). The
    /// point's month goes into the months whatever its age (a backfilled month belongs in the
    /// sparkline); the latest point only moves forward. Returns whether the tile changed.
    pub fn apply(&mut self, epoch: &str, offset: i64, point: LivePoint) -> bool {
        if epoch == self.epoch && offset <= self.offset {
            return false;
        }
        self.epoch = epoch.to_string();
        self.offset = offset;
        let months = model::merge_point(&mut self.history, self.aggregation, &point);
        let newest = replaces_latest(point.ts, self.latest.as_ref().map(|p| p.ts));
        if newest {
            self.latest = Some(point);
        }
        if months || newest {
            self.updates = self.updates.wrapping_add(1);
        }
        months || newest
    }

    /// Takes the server's snapshot as the truth (after a resync).
    pub fn reset(&mut self, epoch: &str, offset: i64, latest: Option<LivePoint>) {
        if let Some(p) = &latest {
            if model::merge_point(&mut self.history, self.aggregation, p) {
                self.updates = self.updates.wrapping_add(1);
            }
        }
        self.epoch = epoch.to_string();
        self.offset = offset;
        self.latest = latest;
    }
}

/// The province's deadline board as followed live on `deadlines/{province}` (whole state in
/// every publication, so the newest one simply replaces the board).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BoardLive {
    pub epoch: String,
    pub offset: i64,
    pub board: Option<DeadlineBoard>,
}

impl BoardLive {
    /// Takes a publication's board unless it was seen already.
    pub fn apply(&mut self, epoch: &str, offset: i64, board: DeadlineBoard) -> bool {
        if epoch == self.epoch && offset <= self.offset {
            return false;
        }
        self.epoch = epoch.to_string();
        self.offset = offset;
        self.board = Some(board);
        true
    }
}

/// Keeps the wall clock moving while the wall is shown (the browser only).
pub(crate) fn tick_clock(now: RwSignal<DateTime<Utc>>) {
    #[cfg(feature = "hydrate")]
    if let Ok(handle) = set_interval_with_handle(
        move || {
            now.try_set(Utc::now());
        },
        std::time::Duration::from_secs(1),
    ) {
        on_cleanup(move || handle.clear());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = now;
}

async fn load_wall_state(
    #[cfg(feature = "ssr")] source: Option<WallSource>,
    #[cfg(feature = "ssr")] request: Option<http::request::Parts>,
) -> Result<WallState, String> {
    #[cfg(feature = "ssr")]
    {
        match source {
            Some(s) => (s.0)(request).await,
            None => Err("wall source missing".to_string()),
        }
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        send_wrapper::SendWrapper::new(async {
            let resp = gloo_net::http::Request::get("/api/v1/wall")
                .send()
                .await
                .map_err(|e| e.to_string())?;
            if !resp.ok() {
                return Err(format!("HTTP {}", resp.status()));
            }
            resp.json::<WallState>().await.map_err(|e| e.to_string())
        })
        .await
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        Err("built without ssr or hydrate".to_string())
    }
}

#[component]
pub fn WallPage() -> impl IntoView {
    let lang = use_lang();
    view! {
        <Html {..} lang=move || lang.get().code() />
        <Title text=move || format!("{} – {}", Msg::WallTitle.get(lang.get()), Msg::AppTitle.get(lang.get())) />
        <WallContent />
    }
}

/// The indicator wall without the document's title: the page `/wall` and a screen's
/// `indicators` page (`crate::screens`).
#[component]
pub fn WallContent() -> impl IntoView {
    let lang = use_lang();
    #[cfg(feature = "ssr")]
    let source = use_context::<WallSource>();
    // The request (with the signed-in principal in its extensions), provided by leptos_axum.
    #[cfg(feature = "ssr")]
    let request = use_context::<http::request::Parts>();
    let wall = Resource::new(
        || (),
        move |_| {
            #[cfg(feature = "ssr")]
            let fut = load_wall_state(source.clone(), request.clone());
            #[cfg(not(feature = "ssr"))]
            let fut = load_wall_state();
            #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
            let fut = send_wrapper::SendWrapper::new(fut);
            fut
        },
    );
    view! {
        <Suspense fallback=move || view! { <main class="wall wall-loading">{move || Msg::Connecting.get(lang.get())}</main> }>
            {move || Suspend::new(async move {
                match wall.await {
                    Ok(state) => view! { <Wall state lang /> }.into_any(),
                    Err(e) => view! { <main class="wall wall-error"><p>{Msg::Internal.get(lang.get_untracked())}</p><pre>{e}</pre></main> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Wall(state: WallState, lang: Memo<Lang>) -> impl IntoView {
    let now = RwSignal::new(Utc::now());
    let tiles: Vec<(TileState, RwSignal<TileLive>)> = state
        .tiles
        .iter()
        .map(|t| (t.clone(), RwSignal::new(TileLive::from_state(t))))
        .collect();
    let board = RwSignal::new(
        state
            .deadlines
            .clone()
            .map(|d| BoardLive {
                epoch: d.epoch,
                offset: d.offset,
                board: Some(d.board),
            })
            .unwrap_or_default(),
    );
    // The province is the unit of the tiles (the server renders the wall of one province).
    let province = state.tiles.first().map(|t| t.unit.clone());

    // One rule for the panel, over the same months the tiles show.
    let defs: Vec<(ioc_protocol::IndicatorDef, RwSignal<TileLive>)> = tiles
        .iter()
        .map(|(t, s)| (t.indicator.clone(), *s))
        .collect();
    let issues = Memo::new(move |_| {
        let histories: Vec<Vec<MonthFigure>> = defs
            .iter()
            .map(|(_, s)| s.with(|t| t.history.clone()))
            .collect();
        board.with(|b| {
            hot::hot_issues(
                defs.iter()
                    .zip(&histories)
                    .map(|((d, _), h)| (d, h.as_slice())),
                b.board.as_ref(),
            )
        })
    });

    // Every tile and the board follow their topic from the position the server rendered, for
    // as long as the wall is shown.
    let live = use_live();
    let status = live.status();
    for (t, tile) in &tiles {
        let tile = *tile;
        live.subscribe_since(
            t.topic.clone(),
            Some(StreamPosition {
                epoch: t.epoch.clone(),
                offset: t.offset,
            }),
            move |s: TopicState| {
                let latest = match s.state {
                    Some(Payload::Point(p)) => Some(p),
                    _ => None,
                };
                tile.try_update(|t| t.reset(&s.epoch, s.offset, latest));
            },
            move |p: Publication| {
                if let Payload::Point(point) = p.data {
                    tile.try_update(|t| t.apply(&p.epoch, p.offset, point));
                }
            },
        )
        .until_cleanup();
    }
    if let Some(p) = &province {
        let since = board.with_untracked(|b| StreamPosition {
            epoch: b.epoch.clone(),
            offset: b.offset,
        });
        live.subscribe_since(
            ioc_protocol::deadlines_topic(p),
            Some(since),
            move |s: TopicState| {
                board.try_update(|b| {
                    b.epoch = s.epoch;
                    b.offset = s.offset;
                    if let Some(Payload::Deadlines(d)) = s.state {
                        b.board = Some(d);
                    }
                });
            },
            move |p: Publication| {
                if let Payload::Deadlines(d) = p.data {
                    board.try_update(|b| b.apply(&p.epoch, p.offset, d));
                }
            },
        )
        .until_cleanup();
    }
    tick_clock(now);

    let demo = state.demo_feed;
    let province_name = state.province_name.clone();
    let viewer = state.viewer.clone();
    view! {
        <main class="wall" data-live=move || status.get().attr()>
            <header class="wall-head">
                <div class="wall-titles">
                    <p class="wall-province">{province_name}</p>
                    <h1>{move || Msg::WallTitle.get(lang.get())}</h1>
                </div>
                <Show when=move || demo>
                    <div class="demo-badge" role="status">
                        <strong>{move || Msg::DemoBadge.get(lang.get())}</strong>
                        <span>{move || Msg::DemoExplain.get(lang.get())}</span>
                    </div>
                </Show>
                <div class="wall-meta">
                    // The other wall screen (full page load: each page is rendered with its data).
                    <a class="wall-nav" rel="external" href=move || match lang.get() {
                        Lang::Vi => "/wall/dossiers",
                        Lang::En => "/wall/dossiers?lang=en",
                    }>
                        {move || text::WallMsg::DossiersLink.get(lang.get())}
                    </a>
                    <time class="clock">{move || vietnam_time(now.get()).format("%H:%M").to_string()}</time>
                    <ConnBadge status lang />
                    <a class="lang-switch" href=move || format!("?lang={}", lang.get().other().code())>
                        {move || Msg::SwitchLanguage.get(lang.get())}
                    </a>
                    <ViewerBox viewer lang />
                </div>
            </header>
            <div class="wall-body">
                <section class="tiles">
                    {tiles
                        .into_iter()
                        .map(|(info, live)| view! { <tile::Tile info live lang /> })
                        .collect_view()}
                </section>
                <panel::HotPanel issues area=province.clone().unwrap_or_default() lang />
            </div>
        </main>
    }
    .into_any()
}

/// Who is looking, with a sign-out button for people (wall displays stay signed in).
#[component]
pub(crate) fn ViewerBox(viewer: Option<ioc_protocol::Viewer>, lang: Memo<Lang>) -> impl IntoView {
    viewer.map(|v| {
        let logout = v.csrf_token.map(|csrf| {
            view! {
                <form method="post" action="/auth/logout">
                    <input type="hidden" name="csrf" value=csrf />
                    <button type="submit">{move || Msg::Logout.get(lang.get())}</button>
                </form>
            }
        });
        // People can open their account page (password); wall displays have none.
        let name = if logout.is_some() {
            view! { <a class="viewer" href="/account">{v.name}</a> }.into_any()
        } else {
            view! { <span class="viewer">{v.name}</span> }.into_any()
        };
        view! { {name} {logout} }.into_any()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ioc_protocol::{parse_period, period_ts};

    fn month(period: &str, value: f64) -> LivePoint {
        LivePoint {
            ts: period_ts(parse_period(period).unwrap()),
            value,
            demo: false,
            estimate: false,
        }
    }

    fn empty() -> TileLive {
        TileLive {
            epoch: "e".into(),
            offset: 0,
            latest: None,
            history: Vec::new(),
            aggregation: Aggregation::Sum,
            updates: 0,
        }
    }

    #[test]
    fn newer_offsets_update_older_are_ignored() {
        let mut t = empty();
        assert!(t.apply("e", 1, month("2026-09", 1.0)));
        assert!(t.apply("e", 2, month("2026-10", 2.0)));
        assert!(
            !t.apply("e", 2, month("2026-11", 3.0)),
            "same offset seen twice"
        );
        assert_eq!(t.latest.as_ref().unwrap().value, 2.0);
        assert_eq!(t.history.len(), 2);
    }

    #[test]
    fn backfilled_month_joins_the_history_not_the_latest_value() {
        let mut t = empty();
        t.apply("e", 1, month("2026-10", 2.0));
        assert!(
            t.apply("e", 2, month("2026-08", 1.0)),
            "the sparkline gains a month"
        );
        assert_eq!(t.offset, 2);
        assert_eq!(t.latest.as_ref().unwrap().value, 2.0);
        assert_eq!(t.history.last().unwrap().value, 2.0);
        assert_eq!(t.history[0].period, "2026-08");
    }

    #[test]
    fn a_revision_of_the_month_replaces_it() {
        let mut t = empty();
        t.apply(
            "e",
            1,
            LivePoint {
                estimate: true,
                ..month("2026-10", 2.0)
            },
        );
        assert!(t.apply("e", 2, month("2026-10", 2.4)));
        assert_eq!(t.history.len(), 1);
        assert_eq!(
            (t.history[0].value, t.history[0].kind),
            (2.4, ioc_protocol::FigureKind::Official)
        );
    }

    #[test]
    fn new_epoch_is_accepted_even_with_lower_offset() {
        let mut t = empty();
        t.apply("e", 5, month("2026-09", 1.0));
        assert!(t.apply("f", 1, month("2026-10", 2.0)));
        assert_eq!(t.epoch, "f");
    }

    #[test]
    fn the_board_takes_each_new_publication_once() {
        let mut b = BoardLive::default();
        let board = DeadlineBoard {
            period: "2026-10".into(),
            today: "2026-11-05".into(),
            rows: Vec::new(),
        };
        assert!(b.apply("e", 1, board.clone()));
        assert!(!b.apply("e", 1, board));
    }
}
