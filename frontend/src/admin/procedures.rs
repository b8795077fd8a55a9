//! `/admin/procedures`: the procedures catalogue (thủ tục hành chính) — search it by code, name
//! or field, by level and handling unit, and import the national procedures database's export
//! (`POST /api/v1/procedures/import`, all rows or none; a refused file lists every bad row).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::list::AdminList;
use super::text::AdminMsg as M;
use super::{lang_field, AdminCtx, AdminFrame, FailureView, Section};
use crate::api;
use ioc_protocol::i18n::Lang;
use ioc_protocol::{OnlineLevel, ProcedureImportReceipt, ProcedureLevel, ProcedureView};

fn level_label(l: ProcedureLevel) -> M {
    match l {
        ProcedureLevel::Province => M::LevelProvince,
        ProcedureLevel::Commune => M::LevelCommune,
    }
}

fn online_label(l: OnlineLevel) -> M {
    match l {
        OnlineLevel::Full => M::OnlineFull,
        OnlineLevel::Partial => M::OnlinePartial,
        OnlineLevel::None => M::OnlineNone,
    }
}

#[component]
pub fn AdminProceduresPage() -> impl IntoView {
    let ctx = AdminCtx::new();
    let query = use_query_map();
    let param =
        move |k: &'static str| Memo::new(move |_| query.with(|m| m.get(k).unwrap_or_default()));
    let (q, level, unit) = (param("q"), param("level"), param("unit"));
    let list = api::resource::<Vec<ProcedureView>>(move || {
        format!(
            "/api/v1/procedures{}",
            api::query_string(&[("q", q.get()), ("level", level.get()), ("unit", unit.get())])
        )
    });
    let level_options = move || {
        let current = level.get();
        [
            ("", M::AllLevels),
            ("province", M::LevelProvince),
            ("commune", M::LevelCommune),
        ]
        .into_iter()
        .map(|(value, label)| view! { <option value=value selected=current == value>{ctx.t(label)}</option> })
        .collect_view()
    };
    view! {
        <AdminFrame ctx section=Section::Procedures>
            <p class="admin-lead">{ctx.t(M::ProceduresExplain)}</p>
            <ProcedureImport ctx imported=Callback::new(move |_| list.refetch()) />
            <super::shapes::CommuneShapesImport ctx />
            <form class="admin-filters" method="get" action="/admin/procedures" role="search">
                <label class="wide">
                    <span>{ctx.t(M::Search)}</span>
                    <input type="search" name="q" value=move || q.get() placeholder=ctx.t(M::SearchProceduresHint) />
                </label>
                <label>
                    <span>{ctx.t(M::Level)}</span>
                    <select name="level">{level_options}</select>
                </label>
                <label>
                    <span>{ctx.t(M::Unit)}</span>
                    <input name="unit" value=move || unit.get() autocomplete="off" autocapitalize="none" spellcheck="false" placeholder="dept-stp" />
                </label>
                {lang_field(ctx)}
                <button type="submit" class="btn">{ctx.t(M::Search)}</button>
            </form>
            <AdminList
                ctx
                items=list
                headers=vec![M::Code, M::Name, M::Level, M::ProcessingTime, M::OnlineService, M::Status]
                empty=ctx.t(M::NoProceduresFound)
                key=|p: &ProcedureView| p.code.clone()
                cells=move |p: &ProcedureView| view! { <ProcedureCells ctx procedure=p.clone() /> }.into_any()
                count=Callback::new(move |n: usize| format!("{n} {}", ctx.t(M::ProceduresCount)))
                class="procedure-table"
            />
        </AdminFrame>
    }
    .into_any()
}

/// A procedure's cells: code, name and field, level and unit, time, online service, status.
#[component]
fn ProcedureCells(ctx: AdminCtx, procedure: ProcedureView) -> impl IntoView {
    let p = procedure;
    let name = match ctx.lang() {
        Lang::En if !p.name_en.is_empty() => p.name_en.clone(),
        _ => p.name_vi.clone(),
    };
    let days = if p.processing_days == 0 {
        ctx.t(M::OnTheSpot).to_string()
    } else {
        format!("{} {}", p.processing_days, ctx.t(M::WorkingDays))
    };
    let handled_by = match p.unit_code.clone() {
        Some(unit) => view! { <code>{unit}</code> }.into_any(),
        None => ctx.t(M::EveryCommune).into_any(),
    };
    let extras = [
        (p.has_fee, M::WithFee),
        (p.online_payment, M::PaysOnline),
        (p.population_db, M::PopulationDb),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .map(|(_, m)| view! { <span class="chip chip-muted">{ctx.t(m)}</span> })
    .collect_view();
    view! {
        <td data-label=ctx.t(M::Code)><code>{p.code.clone()}</code></td>
        <td data-label=ctx.t(M::Name) class="cell-name">
            <strong>{name}</strong>
            <span class="sub">{p.field_vi.clone()}</span>
        </td>
        <td data-label=ctx.t(M::Level)>
            {ctx.t(level_label(p.level))}
            <span class="sub">{handled_by}</span>
        </td>
        <td data-label=ctx.t(M::ProcessingTime)>{days}</td>
        <td data-label=ctx.t(M::OnlineService)>
            {ctx.t(online_label(p.online_level))}
            <span class="chips">{extras}</span>
        </td>
        <td data-label=ctx.t(M::Status)>
            {if p.active {
                view! { <span class="chip chip-ok">{ctx.t(M::Active)}</span> }.into_any()
            } else {
                view! { <span class="chip chip-off">{ctx.t(M::Inactive)}</span> }.into_any()
            }}
        </td>
    }
    .into_any()
}

/// The import form: the chosen file is posted as it is; the answer is the counts, or the
/// refusal with every bad row and its reason.
#[component]
fn ProcedureImport(ctx: AdminCtx, imported: Callback<()>) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    let outcome = RwSignal::new(None::<Result<ProcedureImportReceipt, api::Failure>>);
    // The upload as a Leptos action: `pending()` marks the button while the file travels.
    let upload = Action::new_local(move |_: &()| {
        let csrf = ctx.csrf();
        async move {
            let Some(el) = input.get_untracked() else {
                return;
            };
            if let Some(r) = api::upload(&el, "/api/v1/procedures/import", &csrf).await {
                if r.is_ok() {
                    imported.run(());
                }
                outcome.set(Some(r));
            }
            el.set_value("");
        }
    });
    let lang = ctx.lang;
    view! {
        <section class="history-import procedure-import" aria-labelledby="procedure-import-title">
            <h2 id="procedure-import-title">{ctx.t(M::ImportProcedures)}</h2>
            <p class="hint">{ctx.t(M::ImportProceduresExplain)}</p>
            <label class="btn btn-secondary btn-small import" class:busy=move || upload.pending().get()>
                <span>{ctx.t(M::ChooseFile)}</span>
                <input class="procedure-file" type="file" accept=".csv,.xlsx,text/csv" node_ref=input on:change=move |_| { upload.dispatch(()); } />
            </label>
            {move || match outcome.get() {
                None => ().into_any(),
                Some(Ok(r)) => {
                    let l = lang.get();
                    view! {
                        <p class="notice notice-ok procedure-receipt" role="status">
                            {format!(
                                "{}: {} {}, {} {}, {} {}",
                                M::Imported.get(l),
                                r.created,
                                M::CreatedCount.get(l),
                                r.updated,
                                M::UpdatedCount.get(l),
                                r.unchanged,
                                M::UnchangedCount.get(l)
                            )}
                        </p>
                    }
                    .into_any()
                }
                Some(Err(f)) => {
                    let rows = match &f {
                        api::Failure::Api { detail, .. } => detail.rows.clone(),
                        _ => Vec::new(),
                    };
                    let l = lang.get();
                    view! {
                        <FailureView ctx failure=f />
                        <ul class="import-rows">
                            {rows
                                .into_iter()
                                .map(|r| {
                                    let text = if l == Lang::En { r.message_en } else { r.message_vi };
                                    view! { <li>{text}</li> }
                                })
                                .collect_view()}
                        </ul>
                    }
                    .into_any()
                }
            }}
        </section>
    }
}
