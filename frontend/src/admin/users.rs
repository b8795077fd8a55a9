//! `/admin/users`: the accounts with their roles; create one, change its roles or unit, disable
//! it, set a new password.

use std::sync::Arc;

use leptos::prelude::*;

use super::list::AdminList;
use super::text::AdminMsg as M;
use super::{
    format_time, role_label, AdminCtx, AdminFrame, Note, NoteView, Section, UnitPicker, ROLES,
};
use crate::api;
use ioc_protocol::{NewUserRequest, PasswordReset, Role, RoleGrant, UserEntry, UserUpdate};

/// Shortest password the server accepts.
const MIN_PASSWORD: usize = 10;

#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let ctx = AdminCtx::new();
    let users = api::resource::<Vec<UserEntry>>(|| "/api/v1/admin/users".into());
    let note = RwSignal::new(None::<Note>);
    let editing = RwSignal::new(None::<String>);
    let changed = Callback::new(move |(m, who): (M, String)| {
        note.set(Some(Note::Done(m, who)));
        editing.set(None);
        users.refetch();
    });
    view! {
        <AdminFrame ctx section=Section::Users>
            <p class="admin-lead">{ctx.t(M::UsersExplain)}</p>
            <details class="admin-panel">
                <summary>{ctx.t(M::AddUser)}</summary>
                <NewUserForm ctx changed />
            </details>
            <NoteView ctx note />
            <AdminList
                ctx
                items=users
                headers=vec![M::Username, M::DisplayName, M::Unit, M::Roles, M::Status]
                empty=ctx.t(M::NoUsers)
                key=|e: &UserEntry| e.user.id.to_string()
                cells=move |e: &UserEntry| view! { <UserCells ctx entry=e.clone() /> }.into_any()
                editor=Arc::new(move |entry: UserEntry| view! { <UserEditor ctx entry editing changed /> }.into_any())
                editing
            />
        </AdminFrame>
    }
    .into_any()
}

/// The role checkboxes of a form; unit editors name their unit(s), separated by commas.
#[derive(Clone, Copy)]
struct RoleForm {
    checked: [RwSignal<bool>; 5],
    editor_units: RwSignal<String>,
}

impl RoleForm {
    fn new(grants: &[RoleGrant]) -> Self {
        let checked = ROLES.map(|r| RwSignal::new(grants.iter().any(|g| g.role == r)));
        let units: Vec<&str> = grants
            .iter()
            .filter(|g| g.role == Role::UnitEditor)
            .filter_map(|g| g.unit.as_deref())
            .collect();
        RoleForm {
            checked,
            editor_units: RwSignal::new(units.join(", ")),
        }
    }

    fn reset(&self) {
        for c in self.checked {
            c.set(false);
        }
        self.editor_units.set(String::new());
    }

    /// The grants ticked; a unit editor without a unit takes the account's unit.
    fn grants(&self, account_unit: &str) -> Result<Vec<RoleGrant>, M> {
        let mut out = Vec::new();
        for (role, checked) in ROLES.iter().zip(self.checked) {
            if !checked.get_untracked() {
                continue;
            }
            if *role == Role::UnitEditor {
                let typed = self.editor_units.get_untracked();
                let mut units: Vec<String> = typed
                    .split(',')
                    .map(|u| u.trim().to_string())
                    .filter(|u| !u.is_empty())
                    .collect();
                if units.is_empty() && !account_unit.trim().is_empty() {
                    units.push(account_unit.trim().to_string());
                }
                if units.is_empty() {
                    return Err(M::EditorNeedsUnit);
                }
                out.extend(units.into_iter().map(|u| RoleGrant {
                    role: *role,
                    unit: Some(u),
                }));
            } else {
                out.push(RoleGrant {
                    role: *role,
                    unit: None,
                });
            }
        }
        if out.is_empty() {
            return Err(M::NeedsRole);
        }
        Ok(out)
    }
}

#[component]
fn RoleFields(ctx: AdminCtx, form: RoleForm, #[prop(into)] id: String) -> impl IntoView {
    let boxes = ROLES
        .iter()
        .zip(form.checked)
        .map(|(role, checked)| {
            view! {
                <label class="check">
                    <input type="checkbox" bind:checked=checked />
                    <span>{ctx.t(role_label(*role))}</span>
                </label>
            }
        })
        .collect_view();
    let editor = form.checked[4];
    view! {
        <fieldset class="roles">
            <legend>{ctx.t(M::Roles)}</legend>
            <div class="role-boxes">{boxes}</div>
            <Show when=move || editor.get()>
                <label>
                    <span>{ctx.t(M::EditorUnits)}</span>
                    <UnitPicker ctx value=form.editor_units id=format!("{id}-editor") placeholder=M::EditorUnitsHint />
                </label>
            </Show>
        </fieldset>
    }
    .into_any()
}

/// An account's cells: username, name, unit, roles, status.
#[component]
fn UserCells(ctx: AdminCtx, entry: UserEntry) -> impl IntoView {
    let roles = entry
        .roles
        .iter()
        .map(|g| {
            let role = g.role;
            let unit = g.unit.clone().map(|u| format!(" · {u}"));
            view! { <span class="chip">{ctx.t(role_label(role))}{unit}</span> }
        })
        .collect_view();
    let locked = entry.user.locked_until.filter(|t| *t > chrono::Utc::now());
    let status = if entry.user.disabled {
        view! { <span class="chip chip-off">{ctx.t(M::Disabled)}</span> }.into_any()
    } else if let Some(t) = locked {
        view! { <span class="chip chip-warn">{format!("{} {}", ctx.t(M::LockedUntil), format_time(t))}</span> }.into_any()
    } else {
        view! { <span class="chip chip-ok">{ctx.t(M::Active)}</span> }.into_any()
    };
    let user = entry.user;
    view! {
        <td data-label=ctx.t(M::Username)><code>{user.username}</code></td>
        <td data-label=ctx.t(M::DisplayName) class="cell-name">
            <strong>{user.display_name}</strong>
            {user.email.map(|e| view! { <br /><small>{e}</small> })}
        </td>
        <td data-label=ctx.t(M::Unit)><code>{user.unit_code.unwrap_or_default()}</code></td>
        <td data-label=ctx.t(M::Roles)><span class="chips">{roles}</span></td>
        <td data-label=ctx.t(M::Status)>{status}</td>
    }
}

#[component]
fn UserEditor(
    ctx: AdminCtx,
    entry: UserEntry,
    editing: RwSignal<Option<String>>,
    changed: Callback<(M, String)>,
) -> impl IntoView {
    let id = entry.user.id;
    let username = entry.user.username.clone();
    let display_name = RwSignal::new(entry.user.display_name.clone());
    let unit = RwSignal::new(entry.user.unit_code.clone().unwrap_or_default());
    let email = RwSignal::new(entry.user.email.clone().unwrap_or_default());
    let disabled = RwSignal::new(entry.user.disabled);
    let roles = RoleForm::new(&entry.roles);
    let password = RwSignal::new(String::new());
    let note = RwSignal::new(None::<Note>);
    let patch = {
        let who = username.clone();
        api::send_action(
            "PATCH",
            move || ctx.csrf(),
            move |answer: Result<Option<serde_json::Value>, _>| match answer {
                Ok(_) => changed.run((M::Saved, who.clone())),
                Err(f) => note.set(Some(Note::Problem(f))),
            },
        )
    };
    let post = {
        let who = username.clone();
        api::send_action(
            "POST",
            move || ctx.csrf(),
            move |answer: Result<Option<serde_json::Value>, _>| match answer {
                Ok(_) => {
                    password.set(String::new());
                    note.set(Some(Note::Done(M::PasswordWasReset, who.clone())));
                }
                Err(f) => note.set(Some(Note::Problem(f))),
            },
        )
    };
    // One change at a time: both buttons wait for either.
    let busy = move || patch.pending().get() || post.pending().get();

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let grants = match roles.grants(&unit.get_untracked()) {
            Ok(g) => g,
            Err(m) => return note.set(Some(Note::Invalid(m))),
        };
        let body = UserUpdate {
            display_name: Some(display_name.get_untracked()),
            unit: Some(unit.get_untracked().trim().to_string()),
            disabled: Some(disabled.get_untracked()),
            // "" removes the address.
            email: Some(email.get_untracked().trim().to_string()),
            roles: Some(grants),
        };
        patch.dispatch_local((format!("/api/v1/admin/users/{id}"), Some(body)));
    };
    let reset = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = password.get_untracked();
        if new.chars().count() < MIN_PASSWORD {
            return note.set(Some(Note::Invalid(M::PasswordTooShort)));
        }
        post.dispatch_local((
            format!("/api/v1/admin/users/{id}/password"),
            Some(PasswordReset { password: new }),
        ));
    };
    let prefix = format!("user-{id}");
    view! {
        <div class="editor">
            <NoteView ctx note />
            <form class="admin-form admin-form-inline" on:submit=save>
                <label>
                    <span>{ctx.t(M::DisplayName)}</span>
                    <input bind:value=display_name required />
                </label>
                <label>
                    <span>{ctx.t(M::Unit)}</span>
                    <UnitPicker ctx value=unit id=format!("{prefix}-unit") placeholder=M::UnitHint />
                </label>
                <label>
                    <span>{ctx.t(M::Email)}</span>
                    <input type="email" bind:value=email autocomplete="off" />
                    <small class="hint">{ctx.t(M::EmailHint)}</small>
                </label>
                <RoleFields ctx form=roles id=prefix.clone() />
                <label class="check">
                    <input type="checkbox" bind:checked=disabled />
                    <span>{ctx.t(M::DisableAccount)}</span>
                </label>
                <div class="form-actions">
                    <button type="submit" class="btn" disabled=busy>{ctx.t(M::Save)}</button>
                    <button type="button" class="btn btn-secondary" on:click=move |_| editing.set(None)>{ctx.t(M::Cancel)}</button>
                </div>
            </form>
            <form class="admin-form admin-form-inline password-reset" on:submit=reset>
                <label>
                    <span>{ctx.t(M::NewPassword)}</span>
                    <input type="password" bind:value=password autocomplete="new-password" minlength="10" required />
                    <small class="hint">{ctx.t(M::ResetPasswordHint)}</small>
                </label>
                <div class="form-actions">
                    <button type="submit" class="btn btn-secondary" disabled=busy>{ctx.t(M::ResetPassword)}</button>
                </div>
            </form>
        </div>
    }
    .into_any()
}

#[component]
fn NewUserForm(ctx: AdminCtx, changed: Callback<(M, String)>) -> impl IntoView {
    let username = RwSignal::new(String::new());
    let display_name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let unit = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let roles = RoleForm::new(&[]);
    let note = RwSignal::new(None::<Note>);
    let post = api::send_action(
        "POST",
        move || ctx.csrf(),
        move |answer: Result<Option<serde_json::Value>, _>| match answer {
            Ok(_) => {
                let who = username.get_untracked().trim().to_lowercase();
                note.set(None);
                for s in [username, display_name, password, unit, email] {
                    s.set(String::new());
                }
                roles.reset();
                changed.run((M::UserCreated, who));
            }
            Err(f) => note.set(Some(Note::Problem(f))),
        },
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if password.get_untracked().chars().count() < MIN_PASSWORD {
            return note.set(Some(Note::Invalid(M::PasswordTooShort)));
        }
        let grants = match roles.grants(&unit.get_untracked()) {
            Ok(g) => g,
            Err(m) => return note.set(Some(Note::Invalid(m))),
        };
        let u = unit.get_untracked().trim().to_string();
        let body = NewUserRequest {
            username: username.get_untracked().trim().to_lowercase(),
            display_name: display_name.get_untracked(),
            password: password.get_untracked(),
            unit: (!u.is_empty()).then_some(u),
            email: Some(email.get_untracked().trim().to_string()).filter(|e| !e.is_empty()),
            roles: grants,
        };
        post.dispatch_local(("/api/v1/admin/users".to_string(), Some(body)));
    };
    view! {
        <form class="admin-form" on:submit=submit>
            <NoteView ctx note />
            <label>
                <span>{ctx.t(M::Username)}</span>
                <input bind:value=username required autocapitalize="none" spellcheck="false" autocomplete="off" pattern="[a-zA-Z0-9][a-zA-Z0-9._\\-]{2,63}" />
                <small class="hint">{ctx.t(M::UsernameHint)}</small>
            </label>
            <label>
                <span>{ctx.t(M::DisplayName)}</span>
                <input bind:value=display_name required autocomplete="off" />
            </label>
            <label>
                <span>{ctx.t(M::Password)}</span>
                <input type="password" bind:value=password required minlength="10" autocomplete="new-password" />
                <small class="hint">{ctx.t(M::PasswordHint)}</small>
            </label>
            <label>
                <span>{ctx.t(M::Unit)}</span>
                <UnitPicker ctx value=unit id="new-user-unit" placeholder=M::UnitHint />
            </label>
            <label>
                <span>{ctx.t(M::Email)}</span>
                <input type="email" bind:value=email autocomplete="off" />
                <small class="hint">{ctx.t(M::EmailHint)}</small>
            </label>
            <RoleFields ctx form=roles id="new-user" />
            <div class="form-actions">
                <button type="submit" class="btn" disabled=move || post.pending().get()>{ctx.t(M::AddUser)}</button>
            </div>
        </form>
    }
    .into_any()
}
