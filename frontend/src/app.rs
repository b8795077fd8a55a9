//! Application shell and routes: the top layer. It imports the pages; nothing imports it but
//! the crate root (hydration) and the server (SSR).

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, MatchNestedRoutes, SsrMode,
};

use crate::context::use_lang;
use crate::dossiers::{DossierUnitPage, DossierWallPage};
use crate::live::provide_live;
use crate::login::{AccountPage, LoginPage, SetupPage};
use crate::screens::ScreenPage;
use crate::tasks::TasksPage;
use crate::wall::{IndicatorPage, WallPage};
use ioc_protocol::i18n::Msg;

/// The HTML document around every page. Fonts and styles are served by the server from
/// `/assets`; the hydration script loads the wall bundle (`/pkg/ioc.js`, `/pkg/ioc_bg.wasm`) or,
/// on office pages, the office bundle (`/pkg/ioc-office.js`, `/pkg/ioc-office_bg.wasm`):
/// `HydrationScripts` names both files after `output_name`. Walls and phones thus never download
/// the office screens. The CSP nonce is untouched: `HydrationScripts` takes it from the context.
#[cfg_attr(not(feature = "ssr"), allow(unused_mut))]
pub fn shell(mut options: LeptosOptions) -> impl IntoView {
    // The shell runs inside the request's reactive owner, where leptos_axum provides the request.
    #[cfg(feature = "ssr")]
    if use_context::<http::request::Parts>().is_some_and(|req| office_page(req.uri.path())) {
        options.output_name = format!("{}-office", options.output_name).into();
    }
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
                <link rel="stylesheet" href="/assets/dossiers.css" />
                <link rel="stylesheet" href="/assets/tasks.css" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // One live connection for every page the app shows (pages subscribe to it).
    provide_live();
    view! {
        <Title text=Msg::AppTitle.vi() />
        <Router>
            <Routes fallback=NotFound>
                // Async rendering: the wall's first HTML already holds every value.
                <Route path=path!("/wall") view=WallPage ssr=SsrMode::Async />
                <Route path=path!("/") view=WallPage ssr=SsrMode::Async />
                <Route path=path!("/wall/indicator/:code") view=IndicatorPage />
                // The dossier wall (issue 11): rendered with the stored boards like the wall.
                <Route path=path!("/wall/dossiers") view=DossierWallPage ssr=SsrMode::Async />
                <Route path=path!("/wall/dossiers/:unit") view=DossierUnitPage ssr=SsrMode::Async />
                <Route path=path!("/wall/tasks") view=TasksPage ssr=SsrMode::Async />
                // A wall screen's rotation (issue 12); `dossiers`, `indicator` and `tasks` are not screen codes.
                <Route path=path!("/wall/:screen") view=ScreenPage ssr=SsrMode::Async />
                <Route path=path!("/login") view=LoginPage />
                <Route path=path!("/setup") view=SetupPage />
                <Route path=path!("/account") view=AccountPage />
                <OfficeRoutes />
            </Routes>
        </Router>
    }
}

/// The first path segments of the office screens, which only the office bundle can hydrate.
const OFFICE_SECTIONS: [&str; 5] = ["entry", "approve", "delivery", "admin", "dossiers"];

/// Whether `path` is an office page (served with the office bundle). Judged by the first segment
/// so that anything under an office section (a trailing slash, an unknown sub-page) gets the
/// bundle that has every route: the office bundle can hydrate any page, the wall bundle only the
/// wall, sign-in and account pages.
pub fn office_page(path: &str) -> bool {
    let first = path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default();
    OFFICE_SECTIONS.contains(&first)
}

/// The office screens' routes: in the server and the office bundle.
#[cfg(any(feature = "ssr", feature = "office", not(feature = "hydrate")))]
#[component(transparent)]
fn OfficeRoutes() -> impl MatchNestedRoutes + Clone {
    use crate::admin::{
        AdminAuditPage, AdminCalendarPage, AdminIndicatorsPage, AdminOverviewPage,
        AdminProceduresPage, AdminScreensPage, AdminTokensPage, AdminUnitsPage, AdminUsersPage,
    };
    use crate::dossiers::{ApologySlipPage, DossiersPage};
    use crate::entry::{ApprovePage, DeliveryPage, EntryFormPage, EntryListPage};
    view! {
        <Route path=path!("/entry") view=EntryListPage />
        <Route path=path!("/entry/:unit/:period") view=EntryFormPage />
        <Route path=path!("/approve") view=ApprovePage />
        <Route path=path!("/delivery") view=DeliveryPage />
        <Route path=path!("/admin") view=AdminOverviewPage />
        <Route path=path!("/admin/units") view=AdminUnitsPage />
        <Route path=path!("/admin/users") view=AdminUsersPage />
        <Route path=path!("/admin/tokens") view=AdminTokensPage />
        <Route path=path!("/admin/audit") view=AdminAuditPage />
        <Route path=path!("/admin/indicators") view=AdminIndicatorsPage />
        <Route path=path!("/admin/calendar") view=AdminCalendarPage />
        <Route path=path!("/admin/procedures") view=AdminProceduresPage />
        <Route path=path!("/admin/screens") view=AdminScreensPage />
        <Route path=path!("/dossiers") view=DossiersPage />
        <Route path=path!("/dossiers/:id/apologies/:n") view=ApologySlipPage />
    }
    .into_inner()
}

/// The wall bundle has no office routes: the server never sends it with an office page. Its
/// pages must link to office pages with `rel="external"` (leptos_router then leaves the click to
/// the browser, a full page load that fetches the office bundle); today none does.
#[cfg(not(any(feature = "ssr", feature = "office", not(feature = "hydrate"))))]
#[component(transparent)]
fn OfficeRoutes() -> impl MatchNestedRoutes + Clone {}

#[component]
fn NotFound() -> impl IntoView {
    let lang = use_lang();
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(http::StatusCode::NOT_FOUND);
    }
    view! { <main class="not-found"><h1>{move || Msg::NotFound.get(lang.get())}</h1></main> }
}

#[cfg(test)]
mod tests {
    use super::office_page;

    #[test]
    fn office_pages_are_judged_by_their_first_segment() {
        for p in [
            "/entry",
            "/entry/",
            "/entry/u1/2026-10",
            "/approve",
            "/delivery",
            "/admin",
            "/admin/units",
            "/admin/x",
            "/dossiers",
            "/dossiers/HS-1/apologies/1",
        ] {
            assert!(office_page(p), "{p}");
        }
        for p in [
            "/",
            "/wall",
            "/wall/indicator/GRDP",
            "/wall/dossiers",
            "/wall/dossiers/17329",
            "/login",
            "/setup",
            "/account",
            "/administrator",
            "/nowhere",
        ] {
            assert!(!office_page(p), "{p}");
        }
    }
}
