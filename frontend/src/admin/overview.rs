//! `/admin`: where each administrative task is.

use leptos::prelude::*;

use super::text::AdminMsg as M;
use super::{AdminCtx, AdminFrame, Section};

#[component]
pub fn AdminOverviewPage() -> impl IntoView {
    let ctx = AdminCtx::new();
    let cards = [
        (Section::Units, M::UnitsExplain),
        (Section::Users, M::UsersExplain),
        (Section::Tokens, M::TokensExplain),
        (Section::Audit, M::AuditExplain),
        (Section::Indicators, M::IndicatorsExplain),
        (Section::Calendar, M::CalendarExplain),
        (Section::Procedures, M::ProceduresExplain),
        (Section::Screens, M::ScreensExplain),
    ]
    .into_iter()
    .map(|(s, explain)| {
        view! {
            <a class="admin-card" href=ctx.href(s.path())>
                <h2>{ctx.t(s.title())}</h2>
                <p>{ctx.t(explain)}</p>
                <span class="admin-card-go" aria-hidden="true">"→"</span>
            </a>
        }
    })
    .collect_view();
    view! {
        <AdminFrame ctx section=Section::Overview>
            <p class="admin-lead">
                {move || {
                    ctx.me
                        .get()
                        .map(|m| format!("{}, {}. ", ctx.t(M::Hello), m.display_name))
                        .unwrap_or_default()
                }}
                {ctx.t(M::OverviewLead)}
            </p>
            <div class="admin-cards">{cards}</div>
        </AdminFrame>
    }
    .into_any()
}
