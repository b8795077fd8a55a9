//! `/admin/units`: search the units, add a department or commune, rename, reorder, move or
//! deactivate one.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::list::{replace_item, AdminList};
use super::text::AdminMsg as M;
use super::{
    kind_label, lang_field, unit_name, AdminCtx, AdminFrame, Note, NoteView, Section, UnitPicker,
};
use crate::api;
use ioc_protocol::i18n::Lang;
use ioc_protocol::{NewUnitRequest, UnitUpdate, UnitView};

/// Units listed at most on one screen; a search narrows it.
const LIMIT: usize = 300;

const KINDS: [&str; 6] = [
    "department",
    "commune",
    "province",
    "historic_province",
    "historic_district",
    "historic_commune",
];

#[component]
pub fn AdminUnitsPage() -> impl IntoView {
    let ctx = AdminCtx::new();
    let query = use_query_map();
    let q = Memo::new(move |_| query.with(|m| m.get("q").unwrap_or_default()));
    // Departments first: they are what an administrator maintains most.
    let kind =
        Memo::new(move |_| query.with(|m| m.get("kind").unwrap_or_else(|| "department".into())));
    let active = Memo::new(move |_| query.with(|m| m.get("active").unwrap_or_default()));
    let note = RwSignal::new(None::<Note>);
    let editing = RwSignal::new(None::<String>);
    let units = api::resource::<Vec<UnitView>>(move || {
        format!(
            "/api/v1/units{}",
            api::query_string(&[
                ("q", q.get()),
                ("kind", kind.get()),
                ("active", active.get()),
                ("limit", LIMIT.to_string()),
            ])
        )
    });

    let saved = Callback::new(move |u: UnitView| {
        note.set(Some(Note::Done(M::Saved, u.code.clone())));
        editing.set(None);
        replace_item(units, |u| u.code.clone(), u);
    });
    let created = Callback::new(move |u: UnitView| {
        note.set(Some(Note::Done(
            M::UnitCreated,
            format!("{} ({})", unit_name(&u, ctx.lang.get_untracked()), u.code),
        )));
        units.refetch();
    });

    let kind_options = move || {
        let current = kind.get();
        let all =
            std::iter::once(("", M::AllKinds)).chain(KINDS.iter().map(|k| (*k, kind_label(k))));
        all.map(|(value, label)| view! { <option value=value selected=current == value>{ctx.t(label)}</option> })
            .collect_view()
    };
    let active_options = move || {
        let current = active.get();
        [("", M::AnyStatus), ("true", M::Active), ("false", M::Inactive)]
            .into_iter()
            .map(|(value, label)| view! { <option value=value selected=current == value>{ctx.t(label)}</option> })
            .collect_view()
    };

    view! {
        <AdminFrame ctx section=Section::Units>
            <p class="admin-lead">{ctx.t(M::UnitsExplain)}</p>
            <details class="admin-panel">
                <summary>{ctx.t(M::AddUnit)}</summary>
                <NewUnitForm ctx created />
            </details>
            <form class="admin-filters" method="get" action="/admin/units" role="search">
                <label class="wide">
                    <span>{ctx.t(M::SearchByName)}</span>
                    <input type="search" name="q" value=move || q.get() placeholder=ctx.t(M::SearchUnitsHint) />
                </label>
                <label>
                    <span>{ctx.t(M::Kind)}</span>
                    <select name="kind">{kind_options}</select>
                </label>
                <label>
                    <span>{ctx.t(M::Status)}</span>
                    <select name="active">{active_options}</select>
                </label>
                {lang_field(ctx)}
                <button type="submit" class="btn">{ctx.t(M::Search)}</button>
            </form>
            <NoteView ctx note />
            <AdminList
                ctx
                items=units
                headers=vec![M::Code, M::Name, M::Kind, M::Parent, M::Status]
                empty=ctx.t(M::NoUnitsFound)
                key=|u: &UnitView| u.code.clone()
                cells=move |u: &UnitView| view! { <UnitCells ctx unit=u.clone() /> }.into_any()
                editor=Arc::new(move |u: UnitView| view! { <UnitEditor ctx unit=u editing saved /> }.into_any())
                editing
                count=Callback::new(move |n: usize| {
                    let more = if n >= LIMIT { format!(" – {}", ctx.t(M::NarrowSearch)) } else { String::new() };
                    format!("{n} {}{more}", ctx.t(M::UnitsCount))
                })
            />
        </AdminFrame>
    }
    .into_any()
}

/// A unit's cells: code, names (the page's language first), kind, parent, status.
#[component]
fn UnitCells(ctx: AdminCtx, unit: UnitView) -> impl IntoView {
    let (main, other) = match ctx.lang() {
        Lang::Vi => (unit.name_vi.clone(), unit.name_en.clone()),
        Lang::En => (unit.name_en.clone(), unit.name_vi.clone()),
    };
    let historic = unit.kind.starts_with("historic");
    let status = if unit.active {
        view! { <span class="chip chip-ok">{ctx.t(M::Active)}</span> }.into_any()
    } else if historic {
        view! { <span class="chip chip-muted">{ctx.t(M::Historic)}</span> }.into_any()
    } else {
        view! { <span class="chip chip-off">{ctx.t(M::Inactive)}</span> }.into_any()
    };
    view! {
        <td data-label=ctx.t(M::Code)><code>{unit.code.clone()}</code></td>
        <td data-label=ctx.t(M::Name) class="cell-name"><strong>{main}</strong> <span class="sub">{other}</span></td>
        <td data-label=ctx.t(M::Kind)>
            {ctx.t(kind_label(&unit.kind))}
            <span class="sub">{unit.subtype.clone().unwrap_or_default()}</span>
        </td>
        <td data-label=ctx.t(M::Parent)><code>{unit.parent_code.clone().unwrap_or_default()}</code></td>
        <td data-label=ctx.t(M::Status)>{status}</td>
    }
}

#[component]
fn UnitEditor(
    ctx: AdminCtx,
    unit: UnitView,
    editing: RwSignal<Option<String>>,
    saved: Callback<UnitView>,
) -> impl IntoView {
    let historic = unit.kind.starts_with("historic");
    let name_vi = RwSignal::new(unit.name_vi.clone());
    let name_en = RwSignal::new(unit.name_en.clone());
    let subtype = RwSignal::new(unit.subtype.clone().unwrap_or_default());
    let parent = RwSignal::new(unit.parent_code.clone().unwrap_or_default());
    let sort_order = RwSignal::new(unit.sort_order.to_string());
    let active = RwSignal::new(unit.active);
    let note = RwSignal::new(None::<Note>);
    let patch = api::send_action(
        "PATCH",
        move || ctx.csrf(),
        move |answer: Result<Option<UnitView>, _>| match answer {
            Ok(Some(u)) => saved.run(u),
            Ok(None) => {}
            Err(f) => note.set(Some(Note::Problem(f))),
        },
    );
    let code = unit.code.clone();
    let id = format!("edit-{}", unit.code);
    let old_parent = unit.parent_code.clone().unwrap_or_default();
    let is_province = unit.kind == "province";

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(order) = sort_order.get_untracked().trim().parse::<i32>() else {
            note.set(Some(Note::Invalid(M::BadNumber)));
            return;
        };
        let new_parent = parent.get_untracked().trim().to_string();
        let body = UnitUpdate {
            name_vi: Some(name_vi.get_untracked()),
            name_en: Some(name_en.get_untracked()),
            active: if historic {
                None
            } else {
                Some(active.get_untracked())
            },
            parent_code: (!new_parent.is_empty() && new_parent != old_parent).then_some(new_parent),
            subtype: Some(subtype.get_untracked()),
            sort_order: Some(order),
        };
        let url = format!("/api/v1/admin/units/{}", api::encode(&code));
        patch.dispatch_local((url, Some(body)));
    };

    view! {
        <form class="admin-form admin-form-inline" on:submit=submit>
            <NoteView ctx note />
            <label>
                <span>{ctx.t(M::NameVi)}</span>
                <input bind:value=name_vi required />
            </label>
            <label>
                <span>{ctx.t(M::NameEn)}</span>
                <input bind:value=name_en required />
            </label>
            <label>
                <span>{ctx.t(M::Subtype)}</span>
                <input bind:value=subtype placeholder=ctx.t(M::SubtypeHint) />
            </label>
            <Show when=move || !is_province>
                <label>
                    <span>{ctx.t(M::Parent)}</span>
                    <UnitPicker ctx value=parent id=format!("{id}-parent") />
                </label>
            </Show>
            <label>
                <span>{ctx.t(M::SortOrder)}</span>
                <input bind:value=sort_order inputmode="numeric" />
            </label>
            <label class="check">
                <input type="checkbox" bind:checked=active disabled=historic />
                <span>{ctx.t(M::ActiveUnit)}</span>
            </label>
            <Show when=move || historic>
                <p class="hint">{ctx.t(M::HistoricCannotActivate)}</p>
            </Show>
            <div class="form-actions">
                <button type="submit" class="btn" disabled=move || patch.pending().get()>{ctx.t(M::Save)}</button>
                <button type="button" class="btn btn-secondary" on:click=move |_| editing.set(None)>{ctx.t(M::Cancel)}</button>
            </div>
        </form>
    }
    .into_any()
}

#[component]
fn NewUnitForm(ctx: AdminCtx, created: Callback<UnitView>) -> impl IntoView {
    let kind = RwSignal::new("department".to_string());
    let code = RwSignal::new("dept-".to_string());
    let name_vi = RwSignal::new(String::new());
    let name_en = RwSignal::new(String::new());
    let subtype = RwSignal::new("sở".to_string());
    let parent = RwSignal::new(String::new());
    let note = RwSignal::new(None::<Note>);
    let post = api::send_action(
        "POST",
        move || ctx.csrf(),
        move |answer: Result<Option<UnitView>, _>| match answer {
            Ok(Some(u)) => {
                note.set(None);
                code.set(if u.kind == "department" {
                    "dept-".into()
                } else {
                    String::new()
                });
                name_vi.set(String::new());
                name_en.set(String::new());
                created.run(u);
            }
            Ok(None) => {}
            Err(f) => note.set(Some(Note::Problem(f))),
        },
    );
    // A new kind suggests its code pattern and type.
    let change_kind = move |k: String| {
        let department = k == "department";
        code.update(|c| {
            if c.is_empty() || c == "dept-" {
                *c = if department {
                    "dept-".into()
                } else {
                    String::new()
                };
            }
        });
        subtype.update(|s| {
            if s.is_empty() || s == "sở" || s == "xã" {
                *s = if department {
                    "sở".into()
                } else {
                    "xã".into()
                };
            }
        });
        kind.set(k);
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let p = parent.get_untracked().trim().to_string();
        let body = NewUnitRequest {
            code: code.get_untracked().trim().to_string(),
            name_vi: name_vi.get_untracked(),
            name_en: name_en.get_untracked(),
            kind: kind.get_untracked(),
            parent_code: (!p.is_empty()).then_some(p),
            subtype: Some(subtype.get_untracked()).filter(|s| !s.trim().is_empty()),
        };
        post.dispatch_local(("/api/v1/admin/units".to_string(), Some(body)));
    };
    view! {
        <form class="admin-form" on:submit=submit>
            <NoteView ctx note />
            <label>
                <span>{ctx.t(M::Kind)}</span>
                <select on:change:target=move |ev| change_kind(ev.target().value()) prop:value=move || kind.get()>
                    <option value="department" selected=true>{ctx.t(M::KindDepartment)}</option>
                    <option value="commune">{ctx.t(M::KindCommune)}</option>
                </select>
            </label>
            <label>
                <span>{ctx.t(M::Code)}</span>
                <input bind:value=code required autocapitalize="none" spellcheck="false" />
                <small class="hint">
                    {move || if kind.get() == "department" { ctx.t(M::DepartmentCodeHint) } else { ctx.t(M::CommuneCodeHint) }}
                </small>
            </label>
            <label>
                <span>{ctx.t(M::NameVi)}</span>
                <input bind:value=name_vi required placeholder=ctx.t(M::NameViExample) />
            </label>
            <label>
                <span>{ctx.t(M::NameEn)}</span>
                <input bind:value=name_en required placeholder=ctx.t(M::NameEnExample) />
            </label>
            <label>
                <span>{ctx.t(M::Subtype)}</span>
                <input bind:value=subtype placeholder=ctx.t(M::SubtypeHint) />
            </label>
            <label>
                <span>{ctx.t(M::Parent)}</span>
                <UnitPicker ctx value=parent id="new-unit-parent" placeholder=M::ParentDefault />
            </label>
            <div class="form-actions">
                <button type="submit" class="btn" disabled=move || post.pending().get()>{ctx.t(M::AddUnit)}</button>
            </div>
        </form>
    }
    .into_any()
}
