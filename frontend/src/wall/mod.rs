//! The wall: one tile per indicator of the province, live over the WebSocket.
//!
//! The same page serves the IOC video wall (1080p/4K, unattended) and phones; the layout is
//! responsive (see `assets/ioc.css`). The server renders the tiles with the latest values, the
//! browser hydrates them and follows each tile's topic from the stream position the server
//! rendered, so nothing published between render and connect is lost.

mod indicator;
pub use indicator::IndicatorPage;

use chrono::{DateTime, FixedOffset, Utc};
use leptos::prelude::*;
use leptos_meta::{Html, Title};

use crate::app::use_lang;
use crate::i18n::{format_number, Lang, Msg};
use crate::protocol::{replaces_latest, LivePoint, TileState, WallState};

/// Where the server-rendered page gets the wall's state from. The server puts one into the
/// Leptos context; this crate does not know about the database.
#[cfg(feature = "ssr")]
#[derive(Clone)]
pub struct WallSource(pub std::sync::Arc<dyn Fn(Option<http::request::Parts>) -> WallFuture + Send + Sync>);

/// The wall state being loaded by the server.
#[cfg(feature = "ssr")]
pub type WallFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Result<WallState, String>> + Send>>;

/// State of the live connection, shown on the wall so that a frozen screen never passes for live.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnStatus {
    Connecting,
    Live,
    Offline,
}

impl ConnStatus {
    fn attr(self) -> &'static str {
        match self {
            ConnStatus::Connecting => "connecting",
            ConnStatus::Live => "connected",
            ConnStatus::Offline => "offline",
        }
    }
}

/// The changing part of a tile.
#[derive(Clone, Debug, PartialEq)]
pub struct TileLive {
    pub epoch: String,
    pub offset: i64,
    pub latest: Option<LivePoint>,
    pub previous: Option<f64>,
    /// Counts updates so the tile can flash on each one.
    pub updates: u32,
}

impl TileLive {
    fn from_state(t: &TileState) -> Self {
        TileLive {
            epoch: t.epoch.clone(),
            offset: t.offset,
            latest: t.latest.clone(),
            previous: t.previous,
            updates: 0,
        }
    }

    /// Applies a point published at `offset`. Older offsets are ignored (already seen); a point
    /// older than the latest one moves the position but not the displayed value.
    pub fn apply(&mut self, epoch: &str, offset: i64, point: LivePoint) -> bool {
        if epoch == self.epoch && offset <= self.offset {
            return false;
        }
        self.epoch = epoch.to_string();
        self.offset = offset;
        if !replaces_latest(point.ts, self.latest.as_ref().map(|p| p.ts)) {
            return false;
        }
        self.previous = self.latest.as_ref().map(|p| p.value);
        self.latest = Some(point);
        self.updates = self.updates.wrapping_add(1);
        true
    }

    /// Takes the server's snapshot as the truth (after a resync).
    pub fn reset(&mut self, epoch: &str, offset: i64, latest: Option<LivePoint>) {
        if self.latest != latest {
            self.previous = self.latest.as_ref().map(|p| p.value);
            self.updates = self.updates.wrapping_add(1);
        }
        self.epoch = epoch.to_string();
        self.offset = offset;
        self.latest = latest;
    }
}

/// Vietnam keeps UTC+7 all year (no daylight saving), so a fixed offset is exact.
fn vietnam_time(ts: DateTime<Utc>) -> DateTime<FixedOffset> {
    ts.with_timezone(&FixedOffset::east_opt(7 * 3600).expect("valid offset"))
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
        <Html {..} lang=move || lang.get().code() />
        <Title text=move || format!("{} – {}", Msg::WallTitle.get(lang.get()), Msg::AppTitle.get(lang.get())) />
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
    let status = RwSignal::new(ConnStatus::Connecting);
    let now = RwSignal::new(Utc::now());
    let tiles: Vec<(TileState, RwSignal<TileLive>)> = state
        .tiles
        .iter()
        .map(|t| (t.clone(), RwSignal::new(TileLive::from_state(t))))
        .collect();

    #[cfg(feature = "hydrate")]
    {
        let live: Vec<(String, RwSignal<TileLive>)> =
            tiles.iter().map(|(t, s)| (t.topic.clone(), *s)).collect();
        Effect::new(move |started: Option<bool>| {
            if started.is_none() {
                crate::live::connect(live.clone(), status);
                crate::live::tick_clock(now);
            }
            true
        });
    }

    let demo = state.demo_feed;
    let province = state.province_name.clone();
    let viewer = state.viewer.clone();
    view! {
        <main class="wall" data-live=move || status.get().attr()>
            <header class="wall-head">
                <div class="wall-titles">
                    <p class="wall-province">{province}</p>
                    <h1>{move || Msg::WallTitle.get(lang.get())}</h1>
                </div>
                <Show when=move || demo>
                    <div class="demo-badge" role="status">
                        <strong>{move || Msg::DemoBadge.get(lang.get())}</strong>
                        <span>{move || Msg::DemoExplain.get(lang.get())}</span>
                    </div>
                </Show>
                <div class="wall-meta">
                    <time class="clock">{move || vietnam_time(now.get()).format("%H:%M").to_string()}</time>
                    <span class=move || format!("conn conn-{}", status.get().attr())>
                        {move || match status.get() {
                            ConnStatus::Connecting => Msg::Connecting.get(lang.get()),
                            ConnStatus::Live => Msg::Live.get(lang.get()),
                            ConnStatus::Offline => Msg::Offline.get(lang.get()),
                        }}
                    </span>
                    <a class="lang-switch" href=move || format!("?lang={}", lang.get().other().code())>
                        {move || Msg::SwitchLanguage.get(lang.get())}
                    </a>
                    <ViewerBox viewer lang />
                </div>
            </header>
            <section class="tiles">
                {tiles
                    .into_iter()
                    .map(|(info, live)| view! { <Tile info live lang /> })
                    .collect_view()}
            </section>
        </main>
    }
}

/// Who is looking, with a sign-out button for people (wall displays stay signed in).
#[component]
fn ViewerBox(viewer: Option<crate::protocol::Viewer>, lang: Memo<Lang>) -> impl IntoView {
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

#[component]
fn Tile(info: TileState, live: RwSignal<TileLive>, lang: Memo<Lang>) -> impl IntoView {
    let decimals = info.decimals;
    let name = move || {
        if lang.get() == Lang::En { info.name_en.clone() } else { info.name_vi.clone() }
    };
    let measure = move || {
        if lang.get() == Lang::En { info.measure_en.clone() } else { info.measure_vi.clone() }
    };
    let value = move || {
        live.with(|t| match &t.latest {
            Some(p) => format_number(p.value, decimals, lang.get()),
            None => "—".to_string(),
        })
    };
    let trend = move || {
        live.with(|t| match (&t.latest, t.previous) {
            (Some(p), Some(prev)) if prev != 0.0 => {
                let pct = (p.value - prev) / prev.abs() * 100.0;
                // The direction follows what is shown: a change that rounds to 0,0 % is flat.
                let shown = (pct * 10.0).round() / 10.0;
                let (arrow, class, sign) = if shown > 0.0 {
                    ("▲", "trend up", "+")
                } else if shown < 0.0 {
                    ("▼", "trend down", "")
                } else {
                    ("■", "trend flat", "")
                };
                Some((class, format!("{arrow} {sign}{}%", format_number(shown, 1, lang.get()))))
            }
            _ => None,
        })
    };
    let updated = move || {
        live.with(|t| match &t.latest {
            Some(p) => format!(
                "{} {}",
                Msg::UpdatedAt.get(lang.get()),
                vietnam_time(p.ts).format("%H:%M:%S %d/%m/%Y")
            ),
            None => Msg::NoData.get(lang.get()).to_string(),
        })
    };
    let is_demo = move || live.with(|t| t.latest.as_ref().is_some_and(|p| p.demo));
    // Two identical animations with different names: switching between them restarts the flash.
    let flash = move || live.with(|t| if t.updates == 0 { "" } else if t.updates % 2 == 0 { "flash-a" } else { "flash-b" });
    view! {
        <article
            class=move || format!("tile {}", flash())
            data-topic=info.topic.clone()
            data-offset=move || live.with(|t| t.offset.to_string())
        >
            <h2 class="tile-name">{name}</h2>
            <p class="tile-value">
                <span class="value">{value}</span>
                <span class="measure">{measure}</span>
            </p>
            <p class="tile-foot">
                {move || trend().map(|(class, text)| view! { <span class=class>{text}</span> })}
                <Show when=is_demo>
                    <span class="tile-demo">{move || Msg::DemoBadge.get(lang.get())}</span>
                </Show>
                <span class="tile-time">{updated}</span>
            </p>
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(secs: i64, value: f64) -> LivePoint {
        LivePoint { ts: DateTime::from_timestamp(secs, 0).unwrap(), value, demo: false, estimate: false }
    }

    fn empty() -> TileLive {
        TileLive { epoch: "e".into(), offset: 0, latest: None, previous: None, updates: 0 }
    }

    #[test]
    fn newer_offsets_update_older_are_ignored() {
        let mut t = empty();
        assert!(t.apply("e", 1, point(100, 1.0)));
        assert!(t.apply("e", 2, point(200, 2.0)));
        assert_eq!(t.previous, Some(1.0));
        assert!(!t.apply("e", 2, point(300, 3.0)), "same offset seen twice");
        assert_eq!(t.latest.as_ref().unwrap().value, 2.0);
    }

    #[test]
    fn backfilled_point_moves_position_not_value() {
        let mut t = empty();
        t.apply("e", 1, point(200, 2.0));
        assert!(!t.apply("e", 2, point(100, 1.0)));
        assert_eq!(t.offset, 2);
        assert_eq!(t.latest.as_ref().unwrap().value, 2.0);
    }

    #[test]
    fn new_epoch_is_accepted_even_with_lower_offset() {
        let mut t = empty();
        t.apply("e", 5, point(100, 1.0));
        assert!(t.apply("f", 1, point(200, 2.0)));
        assert_eq!(t.epoch, "f");
    }
}
