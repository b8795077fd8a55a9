//! Data entry and approval: a unit's reports (`/entry`), one report (`/entry/{unit}/{period}`:
//! the entry form for its editors, the read-only view with Approve/Return for approvers), the
//! approvers' board (`/approve`) and the delivery status of the Government reporting system
//! (`/delivery`).
//!
//! The server renders the frame and a loading state; the hydrated page loads the data from the
//! JSON API with the session cookie (the same helpers as the admin screens, `crate::api`) and
//! follows the deadline board live over the page's WebSocket ([`crate::live`]). Texts come from
//! [`text::EntryMsg`]; styles from `assets/entry.css` on top of the admin layout.

mod approve;
mod delivery;
mod list;
pub mod numbers;
mod report;
pub mod text;

use leptos::prelude::*;
use leptos_meta::{Html, Title};
use leptos_router::hooks::use_location;

pub use approve::ApprovePage;
pub use delivery::DeliveryPage;
pub use list::EntryListPage;
pub use report::EntryFormPage;

use crate::api::{self, Failure};
use crate::context::PageSession;
pub use crate::format::{date_label, period_label, time_label};
use ioc_protocol::i18n::{Lang, Msg};
use ioc_protocol::{parse_period, DeadlineStatus, Role, SubmissionStatus};
use text::EntryMsg as T;

/// What every screen here shares: the signed-in person's page session (roles decide which
/// actions are offered; the server decides what is allowed) and the entry text catalogue.
#[derive(Clone, Copy)]
pub struct EntryCtx {
    session: PageSession,
}

impl std::ops::Deref for EntryCtx {
    type Target = PageSession;
    fn deref(&self) -> &PageSession {
        &self.session
    }
}

impl EntryCtx {
    pub fn new() -> Self {
        EntryCtx {
            session: PageSession::new(),
        }
    }

    /// Not reactive: the language switch reloads the page (as on the admin screens).
    pub fn t(&self, m: T) -> &'static str {
        m.get(self.lang())
    }

    /// Whether the signed-in person holds `role` (tracked: `me` arrives after hydration).
    pub fn has_role(&self, role: Role) -> bool {
        self.me.with(|m| {
            m.as_ref()
                .is_some_and(|m| m.roles.iter().any(|r| r.role == role))
        })
    }

    /// The units this person enters figures for.
    pub fn edited_units(&self) -> Vec<String> {
        self.me.with(|m| {
            m.as_ref()
                .map(|m| {
                    m.roles
                        .iter()
                        .filter(|r| r.role == Role::UnitEditor)
                        .filter_map(|r| r.unit.clone())
                        .collect()
                })
                .unwrap_or_default()
        })
    }

    pub fn edits(&self, unit: &str) -> bool {
        self.edited_units().iter().any(|u| u == unit)
    }

    /// Reads every unit's reports (the board, the delivery page).
    pub fn reads_all(&self) -> bool {
        self.me.with(|m| {
            m.as_ref()
                .is_some_and(|m| m.roles.iter().any(|r| r.role.reads_every_report()))
        })
    }
}

impl Default for EntryCtx {
    fn default() -> Self {
        Self::new()
    }
}

/// Which screen of the area is open (its navigation tab).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Entry,
    Approve,
    Delivery,
    /// The unit's public-service dossiers (`/dossiers`, [`crate::dossiers`]).
    Dossiers,
    /// One report: reached from either list, so no tab is the current one.
    Report,
}

/// Header (province, navigation by role, person, sign-out, language) around a screen.
#[component]
pub fn EntryFrame(
    ctx: EntryCtx,
    screen: Screen,
    #[prop(into)] title: String,
    /// The area's name under the province's (default: the socio-economic figures').
    #[prop(optional)]
    area: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let area = area.unwrap_or_else(|| ctx.t(T::Area));
    let lang = ctx.lang.get_untracked();
    let path = use_location().pathname.get_untracked();
    let other = lang.other();
    let nav = move || {
        let tabs = [
            (
                Screen::Entry,
                "/entry",
                T::MyReports,
                !ctx.edited_units().is_empty(),
            ),
            (
                Screen::Approve,
                "/approve",
                T::ApproveTitle,
                ctx.reads_all(),
            ),
            (
                Screen::Delivery,
                "/delivery",
                T::DeliveryTitle,
                ctx.reads_all(),
            ),
            (
                Screen::Dossiers,
                "/dossiers",
                T::Dossiers,
                ctx.reads_all() || !ctx.edited_units().is_empty(),
            ),
        ];
        let admin = ctx.has_role(Role::Admin);
        tabs.into_iter()
            .filter(|t| t.3 || t.0 == screen)
            .map(|(s, href, label, _)| view! { <a href=ctx.href(href) aria-current=(s == screen).then_some("page")>{ctx.t(label)}</a> }.into_any())
            .chain(admin.then(|| view! { <a href=ctx.href("/admin/indicators")>{ctx.t(T::Catalogue)}</a> }.into_any()))
            .collect_view()
    };
    let me = move || {
        ctx.me.get().map(|m| {
            view! {
                <span class="viewer">{m.display_name}</span>
                <form method="post" action="/auth/logout">
                    <input type="hidden" name="csrf" value=m.csrf_token />
                    <button type="submit" class="btn btn-ghost">{ctx.msg(Msg::Logout)}</button>
                </form>
            }
        })
    };
    let failed = move || {
        ctx.me_failed
            .get()
            .map(|f| view! { <FailureNote ctx failure=f /> })
    };
    view! {
        <Html {..} lang=lang.code() />
        <Title text=format!("{title} – {}", ctx.msg(Msg::AppTitle)) />
        <div class="admin entry">
            <header class="admin-head">
                <div class="admin-brand">
                    <p class="wall-province">{ctx.msg(Msg::AppTitle)}</p>
                    <p class="admin-kicker">{area}</p>
                </div>
                <div class="admin-tools">
                    <a class="admin-wall-link" href=ctx.href("/wall")>{ctx.t(T::OpenWall)}</a>
                    <a class="lang-switch" rel="external" href=format!("{path}?lang={}", other.code())>{ctx.msg(Msg::SwitchLanguage)}</a>
                    {me}
                </div>
                <nav class="admin-nav" aria-label=area>{nav}</nav>
            </header>
            <main class="admin-main entry-main">
                <h1>{title}</h1>
                {failed}
                {children()}
            </main>
        </div>
    }
    .into_any()
}

/// A failed call; when the session has ended, with a link back to sign in to this page.
#[component]
pub fn FailureNote(ctx: EntryCtx, failure: Failure) -> impl IntoView {
    let login = failure.needs_login().then(|| {
        let here = use_location().pathname.get_untracked();
        let lang = if ctx.lang() == Lang::En { "&lang=en" } else { "" };
        view! { <a href=format!("/login?next={}{lang}", api::encode(&here))>{ctx.msg(Msg::LoginButton)}</a> }
    });
    view! { <p class="notice notice-error" role="alert">{failure.message(ctx.lang())} " " {login}</p> }
}

/// "Loading…" while the browser fetches the data (also what the server renders).
pub fn loading(ctx: EntryCtx) -> AnyView {
    view! { <p class="admin-loading" aria-busy="true">{ctx.t(T::Loading)}</p> }.into_any()
}

/// The month before `period` (`None` when it is not a period).
pub fn previous_period(period: &str, n: i32) -> Option<String> {
    parse_period(period).map(|d| ioc_protocol::format_period(ioc_protocol::months_before(d, n)))
}

pub fn status_label(s: Option<SubmissionStatus>) -> T {
    match s {
        None => T::StatusNew,
        Some(SubmissionStatus::Draft) => T::StatusDraft,
        Some(SubmissionStatus::Submitted) => T::StatusSubmitted,
        Some(SubmissionStatus::Returned) => T::StatusReturned,
        Some(SubmissionStatus::Approved) => T::StatusApproved,
        Some(SubmissionStatus::Sent) => T::StatusSent,
    }
}

/// A chip with the report's status; `data-status` lets tests and styles tell them apart.
#[component]
pub fn StatusChip(ctx: EntryCtx, status: Option<SubmissionStatus>) -> impl IntoView {
    let class = match status {
        None | Some(SubmissionStatus::Draft) => "chip chip-muted",
        Some(SubmissionStatus::Submitted) => "chip chip-info",
        Some(SubmissionStatus::Returned) => "chip chip-off",
        Some(SubmissionStatus::Approved) | Some(SubmissionStatus::Sent) => "chip chip-ok",
    };
    view! { <span class=class data-status=status.map(|s| s.as_str()).unwrap_or("new")>{ctx.t(status_label(status))}</span> }
}

pub fn deadline_label(s: DeadlineStatus) -> T {
    match s {
        DeadlineStatus::NotDue => T::DueNotDue,
        DeadlineStatus::DueSoon => T::DueSoon,
        DeadlineStatus::Late => T::DueLate,
        DeadlineStatus::Submitted => T::DueSubmitted,
        DeadlineStatus::Approved => T::DueApproved,
        DeadlineStatus::Sent => T::DueSent,
    }
}

#[component]
pub fn DeadlineChip(ctx: EntryCtx, status: DeadlineStatus) -> impl IntoView {
    let class = match status {
        DeadlineStatus::Late => "chip chip-off",
        DeadlineStatus::DueSoon => "chip chip-warn",
        DeadlineStatus::NotDue => "chip chip-muted",
        _ => "chip chip-ok",
    };
    view! { <span class=class data-deadline=status.as_str()>{ctx.t(deadline_label(status))}</span> }
}

/// "Trễ hạn gửi Chính phủ": the province's lateness, shown next to the unit's deadline chip.
#[component]
pub fn GovernmentChip(ctx: EntryCtx, late: bool) -> impl IntoView {
    late.then(|| {
        view! { <span class="chip chip-off late-gov" data-late-gov="true">{ctx.t(T::LateToGovernment)}</span> }
    })
}

pub fn unit_label(lang: Lang, vi: &str, en: &str) -> String {
    match lang {
        Lang::Vi => vi.to_string(),
        Lang::En => en.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_and_dates_read_the_vietnamese_way() {
        assert_eq!(period_label("2026-10"), "10/2026");
        assert_eq!(date_label("2026-11-02"), "02/11/2026");
        assert_eq!(previous_period("2026-01", 1).as_deref(), Some("2025-12"));
        assert_eq!(previous_period("nonsense", 1), None);
    }
}
