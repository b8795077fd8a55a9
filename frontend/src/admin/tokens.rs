//! `/admin/tokens`: API tokens of machine clients and wall displays. A new token's secret is
//! shown once, right after its creation, and never again (only its hash is stored).

use chrono::{NaiveDate, TimeZone, Utc};
use leptos::prelude::*;

use super::list::{replace_item, AdminList};
use super::text::AdminMsg as M;
use super::{format_time, AdminCtx, AdminFrame, Note, NoteView, Section, UnitPicker};
use crate::api;
use ioc_protocol::{CreatedToken, NewTokenRequest, TokenKind, TokenView};

const POINTS_WRITE: &str = "points:write";

#[component]
pub fn AdminTokensPage() -> impl IntoView {
    let ctx = AdminCtx::new();
    let tokens = api::resource::<Vec<TokenView>>(|| "/api/v1/admin/tokens".into());
    let note = RwSignal::new(None::<Note>);
    // The secret of the token just created; dropped for good once dismissed.
    let secret = RwSignal::new(None::<CreatedToken>);
    let created = Callback::new(move |c: CreatedToken| {
        note.set(None);
        secret.set(Some(c));
        tokens.refetch();
    });
    let revoked = Callback::new(move |t: TokenView| {
        note.set(Some(Note::Done(M::TokenRevoked, t.name.clone())));
        replace_item(tokens, |t| t.id.to_string(), t);
    });
    let failed = Callback::new(move |f| note.set(Some(Note::Problem(f))));
    view! {
        <AdminFrame ctx section=Section::Tokens>
            <p class="admin-lead">{ctx.t(M::TokensExplain)}</p>
            <SecretBox ctx secret />
            <details class="admin-panel">
                <summary>{ctx.t(M::AddToken)}</summary>
                <NewTokenForm ctx created />
            </details>
            <NoteView ctx note />
            <AdminList
                ctx
                items=tokens
                headers=vec![M::TokenName, M::TokenKind, M::Unit, M::Permissions, M::LastUsed, M::Status]
                empty=ctx.t(M::NoTokens)
                key=|t: &TokenView| t.id.to_string()
                cells=move |t: &TokenView| view! { <TokenCells ctx token=t.clone() revoked failed /> }.into_any()
                actions=true
                row_class=|t: &TokenView| {
                    let expired = t.expires_at.is_some_and(|e| e <= Utc::now());
                    if t.revoked_at.is_some() || expired { "row-off" } else { "" }
                }
            />
        </AdminFrame>
    }
    .into_any()
}

/// The new token, once: with a copy button (where the browser allows) and the warning.
#[component]
fn SecretBox(ctx: AdminCtx, secret: RwSignal<Option<CreatedToken>>) -> impl IntoView {
    let copied = RwSignal::new(None::<bool>);
    let input = NodeRef::<leptos::html::Textarea>::new();
    let copy = move |_| {
        let Some(token) = secret.with_untracked(|s| s.as_ref().map(|c| c.token.clone())) else {
            return;
        };
        // Selected either way, so that Ctrl+C (or a long press) copies it when the clipboard
        // is not available (plain http to another host).
        if let Some(el) = input.get_untracked() {
            el.select();
        }
        copied.set(Some(api::copy_to_clipboard(&token)));
    };
    let select_all = move |_| {
        if let Some(el) = input.get_untracked() {
            el.select();
        }
    };
    move || {
        secret.get().map(|c| {
            let name = c.info.name.clone();
            view! {
                <section class="secret" role="alert" aria-live="assertive">
                    <h2>{ctx.t(M::NewTokenTitle)} ": " {name}</h2>
                    <p class="secret-warn">{ctx.t(M::ShownOnce)}</p>
                    <div class="secret-row">
                        <textarea
                            class="secret-value"
                            readonly
                            rows="2"
                            spellcheck="false"
                            prop:value=c.token.clone()
                            node_ref=input
                            on:focus=select_all
                            aria-label=ctx.t(M::TokenSecret)
                        ></textarea>
                        <button type="button" class="btn" on:click=copy>{ctx.t(M::Copy)}</button>
                    </div>
                    <p class="hint">
                        {move || match copied.get() {
                            Some(true) => ctx.t(M::Copied),
                            Some(false) => ctx.t(M::CopyByHand),
                            None => ctx.t(M::CopyHint),
                        }}
                    </p>
                    <button type="button" class="btn btn-secondary" on:click=move |_| { secret.set(None); copied.set(None); }>
                        {ctx.t(M::SecretSaved)}
                    </button>
                </section>
            }
        })
    }
}

/// A token's cells, with its Revoke button.
#[component]
fn TokenCells(
    ctx: AdminCtx,
    token: TokenView,
    revoked: Callback<TokenView>,
    failed: Callback<api::Failure>,
) -> impl IntoView {
    let id = token.id;
    let post = api::send_action::<(), _>(
        "POST",
        move || ctx.csrf(),
        move |answer: Result<Option<TokenView>, _>| match answer {
            Ok(Some(t)) => revoked.run(t),
            Ok(None) => {}
            Err(f) => failed.run(f),
        },
    );
    let now = Utc::now();
    let is_revoked = token.revoked_at.is_some();
    let expired = token.expires_at.is_some_and(|t| t <= now);
    let kind = if token.kind == TokenKind::WallDisplay {
        M::KindWallDisplay
    } else {
        M::KindIntegration
    };
    let mut permissions: Vec<String> = token.scopes.clone();
    permissions.extend(token.screens.iter().map(|s| format!("{s} ▭")));
    let revoked_at = token.revoked_at;
    let expires_at = token.expires_at;
    let status = move || {
        if let Some(t) = revoked_at {
            view! { <span class="chip chip-off">{format!("{} {}", ctx.t(M::Revoked), format_time(t))}</span> }.into_any()
        } else if expired {
            view! { <span class="chip chip-warn">{ctx.t(M::Expired)}</span> }.into_any()
        } else {
            let until = expires_at.map(|t| format!(" · {} {}", ctx.t(M::Until), format_time(t)));
            view! { <span class="chip chip-ok">{ctx.t(M::Active)}{until}</span> }.into_any()
        }
    };
    let name = token.name.clone();
    let revoke = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let question = format!("{} {name}?", ctx.t(M::ConfirmRevoke));
            if !window().confirm_with_message(&question).unwrap_or(false) {
                return;
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &name;
        post.dispatch_local((format!("/api/v1/admin/tokens/{id}/revoke"), None));
    };
    let last_used = token.last_used_at.map(format_time);
    view! {
            <td data-label=ctx.t(M::TokenName) class="cell-name">
                <strong>{token.name.clone()}</strong>
                <span class="sub"><code>{format!("ioc_{}_…", token.prefix)}</code> " · " {format_time(token.created_at)}</span>
            </td>
            <td data-label=ctx.t(M::TokenKind)>{ctx.t(kind)}</td>
            <td data-label=ctx.t(M::Unit)><code>{token.unit.clone()}</code></td>
            <td data-label=ctx.t(M::Permissions)>
                <span class="chips">{permissions.into_iter().map(|p| view! { <span class="chip">{p}</span> }).collect_view()}</span>
            </td>
            <td data-label=ctx.t(M::LastUsed)>{last_used.unwrap_or_else(|| ctx.t(M::Never).to_string())}</td>
            <td data-label=ctx.t(M::Status)>{status}</td>
            <td class="cell-actions">
                <Show when=move || !is_revoked>
                    <button type="button" class="btn btn-small btn-danger" on:click=revoke.clone() disabled=move || post.pending().get()>
                        {ctx.t(M::Revoke)}
                    </button>
                </Show>
            </td>
    }
    .into_any()
}

#[component]
fn NewTokenForm(ctx: AdminCtx, created: Callback<CreatedToken>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new(TokenKind::Integration.as_str().to_string());
    let unit = RwSignal::new(String::new());
    let points_write = RwSignal::new(true);
    let screens = RwSignal::new("main".to_string());
    let expires = RwSignal::new(String::new());
    let note = RwSignal::new(None::<Note>);
    let post = api::send_action(
        "POST",
        move || ctx.csrf(),
        move |answer: Result<Option<CreatedToken>, _>| match answer {
            Ok(Some(c)) => {
                note.set(None);
                name.set(String::new());
                expires.set(String::new());
                created.run(c);
            }
            Ok(None) => {}
            Err(f) => note.set(Some(Note::Problem(f))),
        },
    );
    let is_wall = move || kind.get() == TokenKind::WallDisplay.as_str();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let wall = kind.get_untracked() == TokenKind::WallDisplay.as_str();
        let screen_list: Vec<String> = screens
            .get_untracked()
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        if wall && screen_list.is_empty() {
            return note.set(Some(Note::Invalid(M::WallNeedsScreen)));
        }
        // The token works to the end of the chosen day, Vietnam time.
        let expires_at = match expires.get_untracked().trim() {
            "" => None,
            day => match NaiveDate::parse_from_str(day, "%Y-%m-%d") {
                Ok(d) => d
                    .succ_opt()
                    .and_then(|next| next.and_hms_opt(0, 0, 0))
                    .and_then(|t| {
                        chrono::FixedOffset::east_opt(7 * 3600)?
                            .from_local_datetime(&t)
                            .single()
                    })
                    .map(|t| t.with_timezone(&Utc)),
                Err(_) => return note.set(Some(Note::Invalid(M::BadDate))),
            },
        };
        let body = NewTokenRequest {
            name: name.get_untracked().trim().to_string(),
            kind: if wall {
                TokenKind::WallDisplay
            } else {
                TokenKind::Integration
            },
            unit: unit.get_untracked().trim().to_string(),
            scopes: if !wall && points_write.get_untracked() {
                vec![POINTS_WRITE.to_string()]
            } else {
                Vec::new()
            },
            screens: if wall { screen_list } else { Vec::new() },
            expires_at,
        };
        post.dispatch_local(("/api/v1/admin/tokens".to_string(), Some(body)));
    };
    view! {
        <form class="admin-form" on:submit=submit>
            <NoteView ctx note />
            <label>
                <span>{ctx.t(M::TokenName)}</span>
                <input bind:value=name required placeholder=ctx.t(M::TokenNameHint) />
            </label>
            <label>
                <span>{ctx.t(M::TokenKind)}</span>
                <select bind:value=kind>
                    <option value="integration" selected=true>{ctx.t(M::KindIntegration)}</option>
                    <option value="wall_display">{ctx.t(M::KindWallDisplay)}</option>
                </select>
            </label>
            <label>
                <span>{ctx.t(M::Unit)}</span>
                <UnitPicker ctx value=unit id="new-token-unit" required=true placeholder=M::TokenUnitHint />
            </label>
            <Show
                when=is_wall
                fallback=move || {
                    view! {
                        <label class="check">
                            <input type="checkbox" bind:checked=points_write />
                            <span>{ctx.t(M::ScopePointsWrite)}</span>
                        </label>
                    }
                }
            >
                <label>
                    <span>{ctx.t(M::Screens)}</span>
                    <input bind:value=screens required />
                    <small class="hint">{ctx.t(M::ScreensHint)}</small>
                </label>
            </Show>
            <label>
                <span>{ctx.t(M::ExpiresOn)}</span>
                <input type="date" bind:value=expires />
                <small class="hint">{ctx.t(M::ExpiresHint)}</small>
            </label>
            <div class="form-actions">
                <button type="submit" class="btn" disabled=move || post.pending().get()>{ctx.t(M::AddToken)}</button>
            </div>
        </form>
    }
    .into_any()
}
