//! `/admin/audit`: the audit trail with filters (kept in the address, so a filtered view can be
//! bookmarked or sent) and the same selection exported to CSV or Excel.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::text::AdminMsg as M;
use super::{
    lang_field, loading_view, vietnam_time, AdminCtx, AdminFrame, AdminTable, FailureView, Section,
};
use crate::api;
use ioc_protocol::AuditEntryView;

/// The filters the API understands, in the order of the form.
const FILTERS: [&str; 6] = ["actor", "action", "entity", "entity_id", "from", "to"];

const ENTITIES: [&str; 4] = ["unit", "user", "api_token", "metric_points"];
const ACTIONS: [&str; 9] = [
    "create",
    "update",
    "revoke",
    "login",
    "login_failed",
    "logout",
    "password_change",
    "password_reset",
    "ingest",
];

fn entity_label(e: &str) -> Option<M> {
    Some(match e {
        "unit" => M::EntityUnit,
        "user" => M::EntityUser,
        "api_token" => M::EntityToken,
        "metric_points" => M::EntityPoints,
        _ => return None,
    })
}

fn action_label(a: &str) -> Option<M> {
    Some(match a {
        "create" => M::ActionCreate,
        "update" => M::ActionUpdate,
        "revoke" => M::ActionRevoke,
        "login" => M::ActionLogin,
        "login_failed" => M::ActionLoginFailed,
        "logout" => M::ActionLogout,
        "password_change" => M::ActionPasswordChange,
        "password_reset" => M::ActionPasswordReset,
        "ingest" => M::ActionIngest,
        _ => return None,
    })
}

#[component]
pub fn AdminAuditPage() -> impl IntoView {
    let ctx = AdminCtx::new();
    let query = use_query_map();
    let value = move |k: &'static str| query.with(|q| q.get(k).unwrap_or_default());
    let filters = Memo::new(move |_| api::query_string(&FILTERS.map(|k| (k, value(k)))));
    let entries = api::resource::<Vec<AuditEntryView>>(move || {
        let q = filters.get();
        let sep = if q.is_empty() { "?" } else { "&" };
        format!("/api/v1/admin/audit{q}{sep}limit=200")
    });
    let select = move |name: &'static str,
                       all: M,
                       values: &'static [&'static str],
                       label: fn(&str) -> Option<M>| {
        let current = value(name);
        let options = values
            .iter()
            .map(|v| {
                let text = label(v);
                view! {
                    <option value=*v selected=current == *v>
                        {text.map(|m| format!("{} ({v})", ctx.t(m))).unwrap_or_else(|| v.to_string())}
                    </option>
                }
            })
            .collect_view();
        view! {
            <select name=name>
                <option value="">{ctx.t(all)}</option>
                {options}
            </select>
        }
    };
    view! {
        <AdminFrame ctx section=Section::Audit>
            <p class="admin-lead">{ctx.t(M::AuditExplain)}</p>
            <form class="admin-filters" method="get" action="/admin/audit" role="search">
                <label>
                    <span>{ctx.t(M::Actor)}</span>
                    <input name="actor" value=move || value("actor") placeholder=ctx.t(M::ActorHint) autocapitalize="none" />
                </label>
                <label>
                    <span>{ctx.t(M::Action)}</span>
                    {move || select("action", M::AllActions, &ACTIONS, action_label)}
                </label>
                <label>
                    <span>{ctx.t(M::Entity)}</span>
                    {move || select("entity", M::AllEntities, &ENTITIES, entity_label)}
                </label>
                <label>
                    <span>{ctx.t(M::EntityId)}</span>
                    <input name="entity_id" value=move || value("entity_id") autocapitalize="none" />
                </label>
                <label>
                    <span>{ctx.t(M::From)}</span>
                    <input type="date" name="from" value=move || value("from") />
                </label>
                <label>
                    <span>{ctx.t(M::To)}</span>
                    <input type="date" name="to" value=move || value("to") />
                </label>
                {lang_field(ctx)}
                <div class="form-actions">
                    <button type="submit" class="btn">{ctx.t(M::Filter)}</button>
                    <a class="btn btn-secondary" href=ctx.href("/admin/audit")>{ctx.t(M::ClearFilters)}</a>
                </div>
            </form>
            <p class="admin-exports">
                <span>{ctx.t(M::ExportSelection)}</span>
                <a class="btn btn-secondary" href=move || format!("/api/v1/admin/audit.csv{}", filters.get()) download="">
                    "CSV"
                </a>
                <a class="btn btn-secondary" href=move || format!("/api/v1/admin/audit.xlsx{}", filters.get()) download="">
                    "Excel (.xlsx)"
                </a>
            </p>
            {move || match entries.get() {
                None => loading_view(ctx),
                Some(Err(f)) => view! { <FailureView ctx failure=f /> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="admin-empty">{ctx.t(M::NoEntries)}</p> }.into_any(),
                Some(Ok(list)) => {
                    let count = list.len();
                    let rows = list.into_iter().map(|entry| view! { <AuditRow ctx entry /> }).collect_view();
                    view! {
                        <p class="admin-count">
                            {format!("{count} {}", ctx.t(M::EntriesCount))}
                            {(count >= 200).then(|| format!(" – {}", ctx.t(M::EntriesLimited)))}
                        </p>
                        <AdminTable ctx class="audit-table" headers=vec![M::Time, M::Actor, M::Action, M::Entity, M::IpAddress, M::Details]>
                            <tbody>{rows}</tbody>
                        </AdminTable>
                    }
                    .into_any()
                }
            }}
        </AdminFrame>
    }
    .into_any()
}

fn pretty(v: &Option<serde_json::Value>) -> Option<String> {
    v.as_ref()
        .map(|v| serde_json::to_string_pretty(v).unwrap_or_default())
}

#[component]
fn AuditRow(ctx: AdminCtx, entry: AuditEntryView) -> impl IntoView {
    let when = vietnam_time(entry.at)
        .format("%d/%m/%Y %H:%M:%S")
        .to_string();
    let action = entry.action.clone();
    let entity = entry.entity.clone();
    let before = pretty(&entry.before);
    let after = pretty(&entry.after);
    let details = (before.is_some() || after.is_some()).then(|| {
        let before = before
            .map(|b| view! { <div><h3>{ctx.t(M::Before)}</h3><pre>{b}</pre></div> }.into_any());
        let after =
            after.map(|a| view! { <div><h3>{ctx.t(M::After)}</h3><pre>{a}</pre></div> }.into_any());
        view! {
            <details class="audit-details">
                <summary>{ctx.t(M::ShowChange)}</summary>
                <div class="audit-diff">{before}{after}</div>
            </details>
        }
        .into_any()
    });
    view! {
        <tr class=if entry.action == "login_failed" { "row-warn" } else { "" }>
            <td data-label=ctx.t(M::Time)><time datetime=entry.at.to_rfc3339()>{when}</time></td>
            <td data-label=ctx.t(M::Actor)><code>{entry.actor.clone()}</code></td>
            <td data-label=ctx.t(M::Action)>{action_label(&action).map(|m| ctx.t(m).to_string()).unwrap_or(action)}</td>
            <td data-label=ctx.t(M::Entity)>
                <span>
                    {entity_label(&entity).map(|m| ctx.t(m).to_string()).unwrap_or(entity)}
                    {entry.entity_id.clone().map(|id| view! { " " <code>{id}</code> }.into_any())}
                </span>
            </td>
            <td data-label=ctx.t(M::IpAddress)>{entry.ip.clone().unwrap_or_default()}</td>
            <td data-label=ctx.t(M::Details) class="cell-details">{details}</td>
        </tr>
    }
    .into_any()
}
