//! The one live client of every page: one WebSocket to `/ws` shared by everything on the page
//! that follows a topic (the wall's tiles and deadline board, the entry and approval boards).
//!
//! A page calls [`LiveClient::subscribe`] with the topic and two callbacks: `on_state` gets the
//! topic's state (first, and again whenever the stream cannot be recovered), `on_publication`
//! every later publication, in order and never twice. The client remembers each topic's
//! position, so after a reconnect (with backoff and jitter) the server sends only what was
//! missed. Dropping the returned [`Subscription`] (or [`Subscription::until_cleanup`], when the
//! page is left) unsubscribes; the socket closes when nobody follows anything.
//!
//! The protocol logic is [`session::Session`] (pure, unit-tested natively); the browser part is
//! a thin driver over `web_sys::WebSocket`, compiled only with `hydrate`. On the server (SSR)
//! subscribing does nothing: the server renders the state the page starts from.

pub mod session;

#[cfg(feature = "hydrate")]
mod browser;

use leptos::prelude::*;

use ioc_protocol::{Publication, StreamPosition};
pub use session::TopicState;

/// State of the live connection, shown on the wall (so that a frozen screen never passes for
/// live) and next to the office boards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnStatus {
    Connecting,
    Live,
    Offline,
}

impl ConnStatus {
    /// The `data-live` attribute and CSS class suffix (`conn-connected`, …).
    pub fn attr(self) -> &'static str {
        match self {
            ConnStatus::Connecting => "connecting",
            ConnStatus::Live => "connected",
            ConnStatus::Offline => "offline",
        }
    }
}

/// The connection's state as the walls show it in their header: "Trực tuyến / Live",
/// "Đang kết nối / Connecting", "Mất kết nối / Offline", styled by `conn-{attr}`.
#[component]
pub fn ConnBadge(
    status: ReadSignal<ConnStatus>,
    lang: Memo<ioc_protocol::i18n::Lang>,
) -> impl IntoView {
    use ioc_protocol::i18n::Msg;
    view! {
        <span class=move || format!("conn conn-{}", status.get().attr())>
            {move || match status.get() {
                ConnStatus::Connecting => Msg::Connecting.get(lang.get()),
                ConnStatus::Live => Msg::Live.get(lang.get()),
                ConnStatus::Offline => Msg::Offline.get(lang.get()),
            }}
        </span>
    }
}

/// The page's live connection, provided once by the app shell ([`provide_live`]) and taken by
/// pages with [`use_live`].
#[derive(Clone)]
pub struct LiveClient {
    status: RwSignal<ConnStatus>,
    #[cfg(feature = "hydrate")]
    driver: send_wrapper::SendWrapper<browser::Driver>,
}

impl LiveClient {
    fn new() -> Self {
        let status = RwSignal::new(ConnStatus::Connecting);
        LiveClient {
            status,
            #[cfg(feature = "hydrate")]
            driver: send_wrapper::SendWrapper::new(browser::Driver::new(status)),
        }
    }

    /// Whether the connection is live (one status for every topic: they share the socket).
    pub fn status(&self) -> ReadSignal<ConnStatus> {
        self.status.read_only()
    }

    /// Follows `topic` from its state (see the module comment).
    pub fn subscribe(
        &self,
        topic: impl Into<String>,
        on_state: impl Fn(TopicState) + 'static,
        on_publication: impl Fn(Publication) + 'static,
    ) -> Subscription {
        self.subscribe_since(topic, None, on_state, on_publication)
    }

    /// Follows `topic` from a position the page already shows (a server-rendered stream head):
    /// the server then sends only what came after it, or the state if it cannot.
    pub fn subscribe_since(
        &self,
        topic: impl Into<String>,
        since: Option<StreamPosition>,
        on_state: impl Fn(TopicState) + 'static,
        on_publication: impl Fn(Publication) + 'static,
    ) -> Subscription {
        #[cfg(feature = "hydrate")]
        {
            let driver = (*self.driver).clone();
            let id = driver.subscribe(
                topic.into(),
                since,
                std::rc::Rc::new(on_state),
                std::rc::Rc::new(on_publication),
            );
            Subscription {
                inner: Some(send_wrapper::SendWrapper::new((driver, id))),
            }
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = (topic.into(), since, on_state, on_publication);
            Subscription {}
        }
    }
}

/// A followed topic; dropping it unsubscribes.
#[must_use = "dropping a subscription unsubscribes at once"]
pub struct Subscription {
    #[cfg(feature = "hydrate")]
    inner: Option<send_wrapper::SendWrapper<(browser::Driver, u64)>>,
}

impl Subscription {
    /// Keeps following until the current reactive owner (the page, or the effect that
    /// subscribed) is cleaned up.
    pub fn until_cleanup(self) {
        on_cleanup(move || drop(self));
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        #[cfg(feature = "hydrate")]
        if let Some(inner) = self.inner.take() {
            let (driver, id) = inner.take();
            driver.unsubscribe(id);
        }
    }
}

/// Provides the page's live client (the app shell, once).
pub fn provide_live() {
    provide_context(LiveClient::new());
}

/// The page's live client (a new one if the shell provided none, e.g. in a component test).
pub fn use_live() -> LiveClient {
    use_context::<LiveClient>().unwrap_or_else(|| {
        let client = LiveClient::new();
        provide_context(client.clone());
        client
    })
}
