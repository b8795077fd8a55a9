//! `/admin`: where each administrative task is, and whether e-mail reminders go out (an
//! unconfigured or failing SMTP server is otherwise invisible until someone misses a deadline).

use ioc_protocol::i18n::Lang;
use ioc_protocol::MailStatus;
use leptos::prelude::*;

use super::text::AdminMsg as M;
use super::{AdminCtx, AdminFrame, Section};
use crate::api;

/// One line on the mail queue: the server's own sentence, what was given up, the last error.
fn mail_line(ctx: AdminCtx, m: MailStatus) -> impl IntoView {
    let vi = ctx.lang() == Lang::Vi;
    let mut text = if vi { m.message_vi } else { m.message_en };
    if m.failed > 0 {
        text.push_str(&if vi {
            format!(" · {} thư đã bỏ", m.failed)
        } else {
            format!(" · {} given up", m.failed)
        });
    }
    if let Some(e) = m.last_error {
        text.push_str(&format!(" · {e}"));
    }
    let class = if m.configured && m.failed == 0 && m.unsent == 0 {
        "notice notice-ok admin-mail"
    } else {
        "notice notice-warn admin-mail"
    };
    view! { <p class=class role="status">{text}</p> }
}

#[component]
pub fn AdminOverviewPage() -> impl IntoView {
    let ctx = AdminCtx::new();
    let mail = api::resource::<MailStatus>(|| "/api/v1/mail/status".into());
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
            {move || mail.get().and_then(Result::ok).map(|m| mail_line(ctx, m))}
            <div class="admin-cards">{cards}</div>
        </AdminFrame>
    }
    .into_any()
}
