//! The administrator's screens: units, accounts and roles, API tokens, the audit trail, the
//! indicator and procedures catalogues, the working calendar.
//!
//! The server renders each screen's frame (navigation, forms, headings) and the page guard keeps
//! everyone but administrators out; once hydrated, the browser loads the data from the JSON API
//! with the session cookie and sends changes with the session's CSRF token. Tables become cards
//! on phones (`assets/ioc.css`, admin section). Texts come from [`text::AdminMsg`]; API calls go through [`crate::api`].

mod audit;
mod calendar;
mod indicators;
pub mod list;
mod overview;
mod procedures;
mod screens;
mod shapes;
pub mod text;
mod tokens;
mod units;
mod users;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::{Html, Title};

pub use audit::AdminAuditPage;
pub use calendar::AdminCalendarPage;
pub use indicators::AdminIndicatorsPage;
pub use overview::AdminOverviewPage;
pub use procedures::AdminProceduresPage;
pub use screens::AdminScreensPage;
pub use tokens::AdminTokensPage;
pub use units::AdminUnitsPage;
pub use users::AdminUsersPage;

use crate::api::{self, Failure};
use crate::context::PageSession;
pub use crate::format::{format_time, vietnam_time};
use ioc_protocol::i18n::{Lang, Msg};
use ioc_protocol::{Role, UnitView};
use text::AdminMsg as M;

/// The parts of the admin area, in the order of the navigation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Overview,
    Units,
    Users,
    Tokens,
    Audit,
    Indicators,
    Calendar,
    Procedures,
    Screens,
}

impl Section {
    pub const ALL: [Section; 9] = [
        Section::Overview,
        Section::Units,
        Section::Users,
        Section::Tokens,
        Section::Audit,
        Section::Indicators,
        Section::Calendar,
        Section::Procedures,
        Section::Screens,
    ];

    pub fn path(self) -> &'static str {
        match self {
            Section::Overview => "/admin",
            Section::Units => "/admin/units",
            Section::Users => "/admin/users",
            Section::Tokens => "/admin/tokens",
            Section::Audit => "/admin/audit",
            Section::Indicators => "/admin/indicators",
            Section::Calendar => "/admin/calendar",
            Section::Procedures => "/admin/procedures",
            Section::Screens => "/admin/screens",
        }
    }

    pub fn title(self) -> M {
        match self {
            Section::Overview => M::Overview,
            Section::Units => M::Units,
            Section::Users => M::Users,
            Section::Tokens => M::Tokens,
            Section::Audit => M::Audit,
            Section::Indicators => M::Indicators,
            Section::Calendar => M::Calendar,
            Section::Procedures => M::Procedures,
            Section::Screens => M::WallScreens,
        }
    }
}

/// The list layout every admin screen uses: a table on wide screens, cards under 600 px (CSS).
/// `actions` adds the unlabelled column of row buttons; rows come as children (`<tbody>`s).
#[component]
pub fn AdminTable(
    ctx: AdminCtx,
    headers: Vec<M>,
    #[prop(optional)] actions: bool,
    #[prop(optional, into)] class: String,
    children: Children,
) -> impl IntoView {
    let class = if class.is_empty() {
        "admin-table".to_string()
    } else {
        format!("admin-table {class}")
    };
    view! {
        <div class="admin-table-wrap">
            <table class=class>
                <thead>
                    <tr>
                        {headers.into_iter().map(|h| view! { <th>{ctx.t(h)}</th> }).collect_view()}
                        {actions.then(|| view! { <th><span class="sr-only">{ctx.t(M::Actions)}</span></th> })}
                    </tr>
                </thead>
                {children()}
            </table>
        </div>
    }
}

/// What every admin screen shares: the signed-in administrator's page session (language, `me`,
/// CSRF token) and the admin text catalogue.
#[derive(Clone, Copy, Default)]
pub struct AdminCtx {
    session: PageSession,
}

impl std::ops::Deref for AdminCtx {
    type Target = PageSession;
    fn deref(&self) -> &PageSession {
        &self.session
    }
}

impl AdminCtx {
    pub fn new() -> Self {
        AdminCtx {
            session: PageSession::new(),
        }
    }

    /// The text in the page's language (not reactive, see [`PageSession::lang`]).
    pub fn t(&self, m: M) -> &'static str {
        m.get(self.lang())
    }
}

/// Header, navigation and title around an admin screen.
#[component]
pub fn AdminFrame(ctx: AdminCtx, section: Section, children: Children) -> impl IntoView {
    let lang = ctx.lang;
    let nav = Section::ALL
        .into_iter()
        .map(|s| {
            view! {
                <a href=ctx.href(s.path()) aria-current=(s == section).then_some("page")>
                    {ctx.t(s.title())}
                </a>
            }
            .into_any()
        })
        .collect_view();
    let other = lang.get_untracked().other();
    let tools = view! {
        <div class="admin-tools">
            <a class="admin-wall-link" href=ctx.href("/wall")>{ctx.t(M::OpenWall)}</a>
            // A full page load: the texts of the screens are rendered once, in one language.
            <a class="lang-switch" rel="external" href=format!("{}?lang={}", section.path(), other.code())>
                {ctx.msg(Msg::SwitchLanguage)}
            </a>
            {move || {
                ctx.me.get().map(|m| {
                    view! {
                        <span class="viewer">{m.display_name}</span>
                        <form method="post" action="/auth/logout">
                            <input type="hidden" name="csrf" value=m.csrf_token />
                            <button type="submit" class="btn btn-ghost">{ctx.msg(Msg::Logout)}</button>
                        </form>
                    }
                    .into_any()
                })
            }}
        </div>
    }
    .into_any();
    let header = view! {
        <header class="admin-head">
            <div class="admin-brand">
                <p class="wall-province">{ctx.msg(Msg::AppTitle)}</p>
                <p class="admin-kicker">{ctx.t(M::AdminArea)}</p>
            </div>
            {tools}
            <nav class="admin-nav" aria-label=ctx.t(M::AdminArea)>{nav}</nav>
        </header>
    }
    .into_any();
    let body = view! {
        <main class="admin-main">
            <h1>{ctx.t(section.title())}</h1>
            {move || ctx.me_failed.get().map(|f| view! { <FailureView ctx failure=f /> })}
            {children()}
        </main>
    }
    .into_any();
    view! {
        <Html {..} lang=lang.get_untracked().code() />
        <Title text=format!("{} – {} – {}", ctx.t(section.title()), ctx.t(M::AdminArea), ctx.msg(Msg::AppTitle)) />
        <div class="admin">{header} {body}</div>
    }
    .into_any()
}

/// The outcome of an action, shown above the form or list it concerns.
#[derive(Clone, Debug)]
pub enum Note {
    /// Done: a text and what it was done to.
    Done(M, String),
    /// The form is not filled in right (checked in the browser).
    Invalid(M),
    /// The server refused or could not be reached.
    Problem(Failure),
}

#[component]
pub fn NoteView(ctx: AdminCtx, note: RwSignal<Option<Note>>) -> impl IntoView {
    move || {
        let lang = ctx.lang.get_untracked();
        note.get().map(|n| match n {
            Note::Done(m, what) => {
                let text = if what.is_empty() {
                    m.get(lang).to_string()
                } else {
                    format!("{}: {what}", m.get(lang))
                };
                view! { <p class="notice notice-ok" role="status">{text}</p> }.into_any()
            }
            Note::Invalid(m) => {
                view! { <p class="notice notice-error" role="alert">{m.get(lang)}</p> }.into_any()
            }
            Note::Problem(f) => view! { <FailureView ctx failure=f /> }.into_any(),
        })
    }
}

/// A failed call; when the session has ended, with a link to sign in again.
#[component]
pub fn FailureView(ctx: AdminCtx, failure: Failure) -> impl IntoView {
    let lang = ctx.lang.get_untracked();
    let login = failure.needs_login().then(|| {
        let lang = if ctx.lang.get_untracked() == Lang::En {
            "&lang=en"
        } else {
            ""
        };
        view! { <a href=format!("/login?next=/admin{lang}")>{ctx.msg(Msg::LoginButton)}</a> }
    });
    view! { <p class="notice notice-error" role="alert">{failure.message(lang)} " " {login}</p> }
        .into_any()
}

/// "Loading…", the failure, or the content.
pub fn loading_view(ctx: AdminCtx) -> AnyView {
    view! { <p class="admin-loading" aria-busy="true">{ctx.t(M::Loading)}</p> }.into_any()
}

/// A field with a unit code, suggesting active units by name as one types.
#[component]
pub fn UnitPicker(
    ctx: AdminCtx,
    value: RwSignal<String>,
    /// Unique on the page: names the suggestion list.
    #[prop(into)]
    id: String,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] placeholder: Option<M>,
) -> impl IntoView {
    let options = RwSignal::new(Vec::<UnitView>::new());
    let asked = StoredValue::new(0u32);
    Effect::new(move |_| {
        let text = value.get().trim().to_string();
        // Codes are typed as they are; names (two letters or more) are looked up.
        if text.chars().count() < 2
            || text.chars().all(|c| c.is_ascii_digit())
            || text.starts_with("dept-")
        {
            return;
        }
        asked.update_value(|n| *n += 1);
        let mine = asked.get_value();
        spawn_local(async move {
            let url = format!(
                "/api/v1/units?active=true&limit=15&q={}",
                api::encode(&text)
            );
            if let Ok(found) = api::get::<Vec<UnitView>>(&url).await {
                if asked.get_value() == mine {
                    options.set(found);
                }
            }
        });
    });
    let list = format!("{id}-units");
    view! {
        <input
            id=id
            list=list.clone()
            bind:value=value
            autocomplete="off"
            autocapitalize="none"
            spellcheck="false"
            required=required
            placeholder=placeholder.map(|p| ctx.t(p))
        />
        <datalist id=list>
            {move || {
                let lang = ctx.lang.get_untracked();
                options
                    .get()
                    .into_iter()
                    .map(|u| {
                        let label = format!("{} · {}", unit_name(&u, lang), kind_label(&u.kind).get(lang));
                        view! { <option value=u.code>{label}</option> }
                    })
                    .collect_view()
            }}
        </datalist>
    }
    .into_any()
}

pub fn unit_name(u: &UnitView, lang: Lang) -> String {
    match lang {
        Lang::Vi => u.name_vi.clone(),
        Lang::En => u.name_en.clone(),
    }
}

pub fn kind_label(kind: &str) -> M {
    match kind {
        "province" => M::KindProvince,
        "commune" => M::KindCommune,
        "department" => M::KindDepartment,
        "historic_province" => M::KindHistoricProvince,
        "historic_district" => M::KindHistoricDistrict,
        "historic_commune" => M::KindHistoricCommune,
        _ => M::Other,
    }
}

/// Roles in the order the forms list them (the unit editor last: it takes units).
pub const ROLES: [Role; 5] = Role::ALL;

pub fn role_label(role: Role) -> M {
    match role {
        Role::Admin => M::RoleAdmin,
        Role::Leader => M::RoleLeader,
        Role::UnitEditor => M::RoleUnitEditor,
        Role::Approver => M::RoleApprover,
        Role::CentralViewer => M::RoleCentralViewer,
    }
}

/// A hidden `lang=en` field for the GET forms of English pages.
pub fn lang_field(ctx: AdminCtx) -> impl IntoView {
    (ctx.lang.get_untracked() == Lang::En)
        .then(|| view! { <input type="hidden" name="lang" value="en" /> })
}
