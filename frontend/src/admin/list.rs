//! The list of every admin list screen (units, users, tokens, indicators): "Loading…", the
//! failure, the empty text, or the table with one row group per item, whose Edit button opens
//! the item's editor in a row underneath (one editor open at a time).

use std::sync::Arc;

use leptos::prelude::*;

use super::text::AdminMsg as M;
use super::{loading_view, AdminCtx, AdminTable, FailureView};
use crate::api::Loaded;

/// The editor of one item, shown under its row.
pub type Editor<T> = Arc<dyn Fn(T) -> AnyView + Send + Sync>;

/// Replaces the item with `key` in a loaded list (after it was saved).
pub fn replace_item<T>(items: Loaded<Vec<T>>, key: fn(&T) -> String, item: T)
where
    T: 'static,
{
    let k = key(&item);
    items.update(|l| {
        if let Some(Ok(list)) = l {
            if let Some(slot) = list.iter_mut().find(|x| key(x) == k) {
                *slot = item;
            }
        }
    });
}

/// See the module comment. `cells` renders an item's cells (with its own action cells, if
/// any: then `actions`); `key` names an item (the `data-code` of its row group and what
/// `editing` holds while its editor is open).
#[component]
pub fn AdminList<T, C>(
    ctx: AdminCtx,
    items: Loaded<Vec<T>>,
    headers: Vec<M>,
    /// Shown when the list is empty (already in the page's language).
    empty: &'static str,
    key: fn(&T) -> String,
    cells: C,
    /// Opens under a row with its Edit button.
    #[prop(optional)]
    editor: Option<Editor<T>>,
    /// Which item's editor is open (the page closes it after a save).
    #[prop(optional)]
    editing: Option<RwSignal<Option<String>>>,
    /// The rows have action cells of their own.
    #[prop(optional)]
    actions: bool,
    /// A class for the main row of an item (e.g. `row-off` for a revoked token).
    #[prop(optional)]
    row_class: Option<fn(&T) -> &'static str>,
    /// A line above the table, given the number of items.
    #[prop(optional)]
    count: Option<Callback<usize, String>>,
    #[prop(optional, into)] class: String,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    C: Fn(&T) -> AnyView + Clone + Send + Sync + 'static,
{
    let editing = editing.unwrap_or_else(|| RwSignal::new(None));
    move || match items.get() {
        None => loading_view(ctx),
        Some(Err(f)) => view! { <FailureView ctx failure=f /> }.into_any(),
        Some(Ok(list)) if list.is_empty() => {
            view! { <p class="admin-empty">{empty}</p> }.into_any()
        }
        Some(Ok(list)) => {
            let n = list.len();
            let columns = headers.len() + usize::from(actions || editor.is_some());
            let rows = list
                .into_iter()
                .map(|item| {
                    let code = key(&item);
                    let row = view! {
                        <tr class=row_class.map(|c| c(&item)).unwrap_or_default()>
                            {cells(&item)}
                            {editor.is_some().then(|| view! { <EditButton ctx code=code.clone() editing /> })}
                        </tr>
                    };
                    let under = editor.clone().map(|editor| {
                        let open = {
                            let code = code.clone();
                            move || editing.with(|e| e.as_deref() == Some(code.as_str()))
                        };
                        view! {
                            <Show when=open>
                                <tr class="edit-row">
                                    <td colspan=columns.to_string()>{editor(item.clone())}</td>
                                </tr>
                            </Show>
                        }
                    });
                    view! { <tbody class="row-group" data-code=code>{row} {under}</tbody> }
                })
                .collect_view();
            view! {
                {count.map(|c| view! { <p class="admin-count">{c.run(n)}</p> })}
                <AdminTable ctx actions=actions || editor.is_some() class=class.clone() headers=headers.clone()>
                    {rows}
                </AdminTable>
            }
            .into_any()
        }
    }
}

/// Opens (or closes) the item's editor.
#[component]
fn EditButton(ctx: AdminCtx, code: String, editing: RwSignal<Option<String>>) -> impl IntoView {
    let open = {
        let code = code.clone();
        move || editing.with(|e| e.as_deref() == Some(code.as_str()))
    };
    let toggle = move |_| {
        editing.update(|e| {
            *e = if e.as_deref() == Some(code.as_str()) {
                None
            } else {
                Some(code.clone())
            }
        })
    };
    view! {
        <td class="cell-actions">
            <button type="button" class="btn btn-small btn-secondary" on:click=toggle aria-expanded=move || open().to_string()>
                {ctx.t(M::Edit)}
            </button>
        </td>
    }
}
