//! Application shell and routes.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    hooks::use_query_map,
    path, SsrMode,
};

use crate::admin::{AdminAuditPage, AdminIndicatorsPage, AdminOverviewPage, AdminTokensPage, AdminUnitsPage, AdminUsersPage};
use crate::i18n::{Lang, Msg};
use crate::login::{AccountPage, LoginPage, SetupPage};
use crate::entry::{ApprovePage, DeliveryPage, EntryFormPage, EntryListPage};
use crate::wall::{IndicatorPage, WallPage};

/// The HTML document around every page. Fonts and styles are served by the server from
/// `/assets`; the hydration script loads `/pkg/ioc.js` and `/pkg/ioc_bg.wasm`.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="dark" />
                <link rel="icon" type="image/svg+xml" href="/assets/favicon.svg" />
                <link rel="stylesheet" href="/assets/fonts/be-vietnam-pro.css" />
                <link rel="stylesheet" href="/assets/ioc.css" />
                <link rel="stylesheet" href="/assets/wall.css" />
                <link rel="stylesheet" href="/assets/entry.css" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The language of the current page: `?lang=en` switches to English, Vietnamese otherwise.
pub fn use_lang() -> Memo<Lang> {
    let query = use_query_map();
    Memo::new(move |_| query.with(|q| q.get("lang").map(|l| Lang::parse(&l)).unwrap_or_default()))
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title text=Msg::AppTitle.vi() />
        <Router>
            <Routes fallback=NotFound>
                // Async rendering: the wall's first HTML already holds every value.
                <Route path=path!("/wall") view=WallPage ssr=SsrMode::Async />
                <Route path=path!("/") view=WallPage ssr=SsrMode::Async />
                <Route path=path!("/wall/indicator/:code") view=IndicatorPage />
                <Route path=path!("/entry") view=EntryListPage />
                <Route path=path!("/entry/:unit/:period") view=EntryFormPage />
                <Route path=path!("/approve") view=ApprovePage />
                <Route path=path!("/delivery") view=DeliveryPage />
                <Route path=path!("/login") view=LoginPage />
                <Route path=path!("/setup") view=SetupPage />
                <Route path=path!("/admin") view=AdminOverviewPage />
                <Route path=path!("/admin/units") view=AdminUnitsPage />
                <Route path=path!("/admin/users") view=AdminUsersPage />
                <Route path=path!("/admin/tokens") view=AdminTokensPage />
                <Route path=path!("/admin/audit") view=AdminAuditPage />
                <Route path=path!("/admin/indicators") view=AdminIndicatorsPage />
                <Route path=path!("/account") view=AccountPage />
            </Routes>
        </Router>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    let lang = use_lang();
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(http::StatusCode::NOT_FOUND);
    }
    view! { <main class="not-found"><h1>{move || Msg::NotFound.get(lang.get())}</h1></main> }
}
