//! `/delivery`: what went to the Government reporting system and what did not — counts, each
//! message with its attempts, last error and receipt, and a retry for failed ones (admins and
//! approvers; the server checks). Says so plainly when no endpoint is configured, because then
//! nothing leaves the queue at all.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;

use super::text::EntryMsg as T;
use super::{loading, period_label, time_label, EntryCtx, EntryFrame, FailureNote, Screen};
use crate::api::{self, Failure, Load};
use ioc_protocol::i18n::Lang;
use ioc_protocol::{DeliveryList, DeliveryStatus, DeliveryView, Role};

const LIMIT: u32 = 200;

#[component]
pub fn DeliveryPage() -> impl IntoView {
    let ctx = EntryCtx::new();
    let query = use_query_map();
    let status = Memo::new(move |_| query.with(|q| q.get("status").unwrap_or_default()));
    let list = RwSignal::new(Load::<DeliveryList>::Loading);
    let problem = RwSignal::new(None::<Failure>);
    let done = RwSignal::new(false);
    let load = move || {
        let url = format!(
            "/api/v1/central/deliveries{}",
            api::query_string(&[
                ("status", status.get_untracked()),
                ("limit", LIMIT.to_string())
            ])
        );
        spawn_local(async move { list.set(api::get(&url).await.into()) });
    };
    Effect::new(move |_| {
        status.track();
        load();
    });
    let retry = Callback::new(move |id: i64| {
        let csrf = ctx.csrf();
        spawn_local(async move {
            match api::send::<(), DeliveryView>(
                "POST",
                &format!("/api/v1/central/deliveries/{id}/retry"),
                &csrf,
                None,
            )
            .await
            {
                Ok(_) => {
                    problem.set(None);
                    done.set(true);
                    load();
                }
                Err(f) => problem.set(Some(f)),
            }
        });
    });
    let may_retry = Memo::new(move |_| ctx.has_role(Role::Admin) || ctx.has_role(Role::Approver));
    let options = move || {
        let current = status.get();
        [
            ("", T::AllStatuses),
            ("pending", T::Pending),
            ("delivered", T::Delivered),
            ("failed", T::Failed),
        ]
        .into_iter()
        .map(|(v, label)| view! { <option value=v selected=current == v>{ctx.t(label)}</option> })
        .collect_view()
    };
    let body = move || match list.get() {
        Load::Loading => loading(ctx),
        Load::Failed(f) => view! { <FailureNote ctx failure=f /> }.into_any(),
        Load::Ready(l) => {
            view! { <Deliveries ctx list=l retry may_retry=may_retry.get() /> }.into_any()
        }
    };
    view! {
        <EntryFrame ctx screen=Screen::Delivery title=ctx.t(T::DeliveryTitle)>
            <form class="admin-filters" method="get" action="/delivery">
                <label>
                    <span>{ctx.t(T::Status)}</span>
                    <select name="status">{options}</select>
                </label>
                {(ctx.lang() == Lang::En).then(|| view! { <input type="hidden" name="lang" value="en" /> })}
                <button type="submit" class="btn">{ctx.t(T::Filter)}</button>
                <button type="button" class="btn btn-secondary refresh" on:click=move |_| load()>{ctx.t(T::Refresh)}</button>
            </form>
            {move || done.get().then(|| view! { <p class="notice notice-ok" role="status">{ctx.t(T::RetryQueued)}</p> })}
            {move || problem.get().map(|f| view! { <FailureNote ctx failure=f /> })}
            {body}
        </EntryFrame>
    }
}

#[component]
fn Deliveries(
    ctx: EntryCtx,
    list: DeliveryList,
    retry: Callback<i64>,
    may_retry: bool,
) -> impl IntoView {
    let lang = ctx.lang();
    let not_configured = (!list.configured).then(|| view! { <p class="notice notice-warn not-configured" role="status">{ctx.t(T::NotConfigured)}</p> });
    let endpoint = list
        .endpoint
        .clone()
        .map(|e| view! { <p class="hint">{ctx.t(T::Endpoint)} ": " <code>{e}</code></p> });
    let counts = view! {
        <div class="delivery-counts">
            <div class="count count-pending"><strong>{list.pending}</strong><span>{ctx.t(T::Pending)}</span></div>
            <div class="count count-delivered"><strong>{list.delivered}</strong><span>{ctx.t(T::Delivered)}</span></div>
            <div class="count count-failed"><strong>{list.failed}</strong><span>{ctx.t(T::Failed)}</span></div>
        </div>
    };
    let table = if list.items.is_empty() {
        view! { <p class="admin-empty">{ctx.t(T::NoDeliveries)}</p> }.into_any()
    } else {
        let headers = [
            T::Message,
            T::Status,
            T::Attempts,
            T::LastError,
            T::Receipt,
            T::Created,
        ];
        let rows = list
            .items
            .into_iter()
            .map(|d| {
                let (chip, label) = match d.status {
                    DeliveryStatus::Pending => ("chip chip-warn", T::Pending),
                    DeliveryStatus::Delivered => ("chip chip-ok", T::Delivered),
                    DeliveryStatus::Failed => ("chip chip-off", T::Failed),
                };
                let what = match (&d.unit_name_vi, &d.period) {
                    (Some(u), Some(p)) => format!("{u} · {}", period_label(p)),
                    _ => d.idempotency_key.clone(),
                };
                let rev = d.revision.map(|r| format!("{} {r}", ctx.t(T::Revision)));
                let error = d.last_error.clone().map(|e| match d.last_http_status {
                    Some(s) => format!("HTTP {s}: {e}"),
                    None => e,
                });
                let next = d.next_attempt_at.filter(|_| d.status != DeliveryStatus::Delivered).map(|t| format!("{} {}", ctx.t(T::NextAttempt), time_label(Some(t))));
                let id = d.id;
                let failed = d.status == DeliveryStatus::Failed;
                view! {
                    <tr class:row-late=failed data-status=format!("{:?}", d.status).to_lowercase()>
                        <td data-label=ctx.t(T::Message) class="cell-name"><strong>{what}</strong> <span class="sub">{rev}</span></td>
                        <td data-label=ctx.t(T::Status)><span class=chip>{ctx.t(label)}</span></td>
                        <td data-label=ctx.t(T::Attempts) class="num">{d.attempts} <span class="sub">{next}</span></td>
                        <td data-label=ctx.t(T::LastError) class="cell-error">{error.unwrap_or_default()}</td>
                        <td data-label=ctx.t(T::Receipt)><code>{d.receipt_id.clone().unwrap_or_default()}</code></td>
                        <td data-label=ctx.t(T::Created)>{time_label(Some(d.created_at))} <span class="sub">{time_label(d.delivered_at)}</span></td>
                        <td class="cell-actions">
                            {(failed && may_retry).then(|| view! {
                                <button type="button" class="btn btn-small btn-secondary retry" on:click=move |_| retry.run(id)>{ctx.t(T::Retry)}</button>
                            })}
                        </td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="admin-table-wrap">
                <table class="admin-table delivery-table">
                    <thead><tr>
                        {headers.into_iter().map(|h| view! { <th>{ctx.t(h)}</th> }).collect_view()}
                        <th><span class="sr-only">{ctx.t(T::Retry)}</span></th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    let _ = lang;
    view! { {not_configured} {endpoint} {counts} {table} }
}
