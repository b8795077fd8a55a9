//! `/wall/{screen}`: a wall screen's rotation, for a kiosk that nobody touches.
//!
//! The configuration (pages, interval, theme) is the server's: the page starts from the one the
//! server rendered and follows `screen/{code}` through the page's one live client, so an
//! administrator's change arrives without a reload, and after a server restart or a network
//! loss the client reconnects and takes the current configuration as the truth. The rotation
//! runs in the browser on a one-second clock. While the connection is not live the screen keeps
//! its page (a new page could not load its figures) and, once that has lasted longer than the
//! screen's interval, says since when its figures are stale. A wall display reports the page it
//! shows on every change and every [`PRESENCE_EVERY_S`] seconds (the operator page lists them).

pub mod text;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_meta::{Html, Title};
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use crate::context::use_lang;
use crate::dossiers::{ProvinceContent, UnitContent};
use crate::format::vietnam_time;
use crate::live::{use_live, ConnStatus, TopicState};
use crate::tasks::TasksContent;
use crate::wall::WallContent;
use ioc_protocol::i18n::Msg;
use ioc_protocol::{
    screen_topic, PageKind, Payload, Publication, ScreenPage as PageDef, ScreenView,
    StreamPosition, Viewer,
};
use text::ScreenMsg;

/// What the page starts from: the configuration, the epoch it was read in (to follow its topic
/// from there) and who is looking.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ScreenStart {
    pub screen: ScreenView,
    pub epoch: Option<String>,
    pub viewer: Option<Viewer>,
}

impl ScreenStart {
    /// A wall display (a device: no session, hence no CSRF token) reports its page; people
    /// previewing a screen do not.
    fn is_device(&self) -> bool {
        self.viewer.as_ref().is_some_and(|v| v.csrf_token.is_none())
    }
}

/// Where the server-rendered page gets a screen from: its code and the request (with the
/// principal). `Ok(None)` for a screen that does not exist or that the principal may not show.
#[cfg(feature = "ssr")]
#[derive(Clone)]
pub struct ScreenSource(
    pub std::sync::Arc<dyn Fn(String, Option<http::request::Parts>) -> ScreenFuture + Send + Sync>,
);

#[cfg(feature = "ssr")]
pub type ScreenFuture = std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<Option<ScreenStart>, String>> + Send>,
>;

async fn load_screen(
    code: String,
    #[cfg(feature = "ssr")] source: Option<ScreenSource>,
    #[cfg(feature = "ssr")] request: Option<http::request::Parts>,
) -> Result<Option<ScreenStart>, String> {
    #[cfg(feature = "ssr")]
    {
        match source {
            Some(s) => (s.0)(code, request).await,
            None => Err("screen source missing".to_string()),
        }
    }
    #[cfg(not(feature = "ssr"))]
    {
        let url = format!("/api/v1/screens/{}", crate::api::encode(&code));
        match crate::api::get::<ScreenView>(&url).await {
            Ok(screen) => Ok(Some(ScreenStart {
                screen,
                epoch: None,
                viewer: None,
            })),
            Err(crate::api::Failure::Api { status: 404, .. }) => Ok(None),
            Err(e) => Err(e.message(ioc_protocol::i18n::Lang::Vi)),
        }
    }
}

/// The page after `current` in a rotation of `pages`.
pub fn next_page(current: usize, pages: usize) -> usize {
    if pages == 0 {
        0
    } else {
        (current + 1) % pages
    }
}

/// Since when the figures are stale, if they are: the connection has not been live since
/// `last_live` for longer than `bound_s` seconds.
pub fn stale_since(
    live: bool,
    last_live: DateTime<Utc>,
    now: DateTime<Utc>,
    bound_s: u32,
) -> Option<DateTime<Utc>> {
    (!live && (now - last_live).num_seconds() > i64::from(bound_s)).then_some(last_live)
}

#[component]
pub fn ScreenPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let code = params.with_untracked(|p| p.get("screen").unwrap_or_default());
    #[cfg(feature = "ssr")]
    let source = use_context::<ScreenSource>();
    #[cfg(feature = "ssr")]
    let request = use_context::<http::request::Parts>();
    let screen = Resource::new(
        move || code.clone(),
        move |code| {
            #[cfg(feature = "ssr")]
            let fut = load_screen(code, source.clone(), request.clone());
            #[cfg(not(feature = "ssr"))]
            let fut = load_screen(code);
            #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
            let fut = send_wrapper::SendWrapper::new(fut);
            fut
        },
    );
    view! {
        <Html {..} lang=move || lang.get().code() />
        <Suspense fallback=move || view! { <main class="wall wall-loading">{move || Msg::Connecting.get(lang.get())}</main> }>
            {move || Suspend::new(async move {
                match screen.await {
                    Ok(Some(start)) => view! { <Rotation start /> }.into_any(),
                    Ok(None) => {
                        #[cfg(feature = "ssr")]
                        if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
                            resp.set_status(http::StatusCode::NOT_FOUND);
                        }
                        view! { <main class="not-found"><h1>{move || ScreenMsg::UnknownScreen.get(lang.get())}</h1></main> }.into_any()
                    }
                    Err(e) => view! { <main class="wall wall-error"><p>{Msg::Internal.get(lang.get_untracked())}</p><pre>{e}</pre></main> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Rotation(start: ScreenStart) -> impl IntoView {
    let lang = use_lang();
    let device = start.is_device();
    let code = start.screen.code.clone();
    let since = start.epoch.clone().map(|epoch| StreamPosition {
        epoch,
        offset: start.screen.version,
    });
    let screen = RwSignal::new(start.screen);
    let index = RwSignal::new(0usize);
    let now = RwSignal::new(Utc::now());
    let shown_since = RwSignal::new(Utc::now());
    let last_live = RwSignal::new(Utc::now());

    // The configuration, live: a change keeps the page shown when it still exists.
    let live = use_live();
    let status = live.status();
    let take = move |v: ScreenView| {
        let pages = v.pages.len();
        screen.set(v);
        if index.get_untracked() >= pages {
            index.set(0);
            shown_since.set(Utc::now());
        }
    };
    live.subscribe_since(
        screen_topic(&code),
        since,
        move |s: TopicState| {
            if let Some(Payload::Screen(v)) = s.state {
                take(*v);
            }
        },
        move |p: Publication| {
            if let Payload::Screen(v) = p.data {
                take(*v);
            }
        },
    )
    .until_cleanup();

    // The one-second clock: rotation, last live moment, periodic presence report.
    #[cfg(feature = "hydrate")]
    {
        let report = {
            let code = code.clone();
            move || {
                if !device {
                    return;
                }
                let i = index.get_untracked();
                let Some(page) = screen.with_untracked(|s| s.pages.get(i).cloned()) else {
                    return;
                };
                let url = format!("/api/v1/screens/{}/presence", crate::api::encode(&code));
                let body = ioc_protocol::PresenceReport {
                    page: i as u32,
                    kind: page.kind,
                    unit: page.unit,
                };
                leptos::task::spawn_local(async move {
                    // A wall display's cookie has no CSRF token: the server checks `Origin`.
                    let _ = crate::api::send::<_, ()>("POST", &url, "", Some(&body)).await;
                });
            }
        };
        let last_report = StoredValue::new(Utc::now());
        Effect::new({
            let report = report.clone();
            move |_| {
                index.track();
                report();
                last_report.set_value(Utc::now());
            }
        });
        if let Ok(handle) = set_interval_with_handle(
            move || {
                let t = Utc::now();
                now.try_set(t);
                let is_live = status.try_get_untracked() == Some(ConnStatus::Live);
                if is_live {
                    last_live.try_set(t);
                    let i = index.get_untracked();
                    let (stay, pages) =
                        screen.with_untracked(|s| (s.duration_of(i), s.pages.len()));
                    if (t - shown_since.get_untracked()).num_seconds() >= i64::from(stay) {
                        index.try_set(next_page(i, pages));
                        shown_since.try_set(t);
                    } else if (t - last_report.get_value()).num_seconds()
                        >= i64::from(ioc_protocol::PRESENCE_EVERY_S)
                    {
                        report();
                        last_report.set_value(t);
                    }
                }
            },
            std::time::Duration::from_secs(1),
        ) {
            on_cleanup(move || handle.clear());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (device, shown_since);

    let stale = Memo::new(move |_| {
        stale_since(
            status.get() == ConnStatus::Live,
            last_live.get(),
            now.get(),
            screen.with(|s| s.interval_s),
        )
    });
    let current = Memo::new(move |_| {
        let i = index.get();
        screen.with(|s| (i, s.pages.get(i).cloned(), s.province.clone()))
    });
    let title = move || screen.with(|s| format!("{} – {}", s.name, Msg::AppTitle.get(lang.get())));
    view! {
        <Title text=title />
        <div
            class=move || format!("screen theme-{}", screen.with(|s| s.theme.as_str()))
            data-screen=code.clone()
            data-page=move || current.with(|c| c.0)
            data-kind=move || current.with(|c| c.1.as_ref().map(|p| p.kind.as_str()).unwrap_or_default())
            data-stale=move || stale.get().is_some().to_string()
        >
            {move || {
                // A new page (or another page at this index) is a new view: the old one's
                // subscriptions end with it.
                let (_, page, province) = current.get();
                page.map(|p| view! { <PageView page=p province /> })
            }}
            <div class="screen-pager" aria-hidden="true">
                {move || {
                    let (i, n) = (index.get(), screen.with(|s| s.pages.len()));
                    (0..n).map(|k| view! { <span class=if k == i { "dot on" } else { "dot" }></span> }).collect_view()
                }}
            </div>
            {move || stale.get().map(|t| {
                let hhmm = vietnam_time(t).format("%H:%M").to_string();
                view! {
                    <div class="stale-badge" role="alert">
                        <strong>{move || ScreenMsg::StaleSince.get(lang.get())} " " {hhmm.clone()}</strong>
                        <span>{move || ScreenMsg::StaleExplain.get(lang.get())}</span>
                    </div>
                }
            })}
        </div>
    }
    .into_any()
}

/// One page of the rotation: the wall page of its kind, without its document title.
#[component]
fn PageView(page: PageDef, province: String) -> impl IntoView {
    match page.kind {
        PageKind::Indicators => view! { <WallContent /> }.into_any(),
        PageKind::DossierProvince => view! { <ProvinceContent unit=province /> }.into_any(),
        PageKind::DossierUnit => {
            let unit = page.unit.unwrap_or_default();
            view! { <UnitContent unit=unit /> }.into_any()
        }
        PageKind::Tasks => view! { <TasksContent unit=province /> }.into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rotation_wraps_around() {
        assert_eq!(next_page(0, 3), 1);
        assert_eq!(next_page(2, 3), 0);
        assert_eq!(next_page(0, 1), 0);
        assert_eq!(next_page(5, 0), 0);
    }

    #[test]
    fn stale_only_after_the_bound_while_not_live() {
        let t0 = Utc::now();
        let later = |s| t0 + chrono::Duration::seconds(s);
        assert_eq!(stale_since(true, t0, later(100), 30), None);
        assert_eq!(stale_since(false, t0, later(30), 30), None);
        assert_eq!(stale_since(false, t0, later(31), 30), Some(t0));
    }
}
