//! `/admin/indicators`: the indicator catalogue editor — names, measure, decimals, year-to-date
//! rule, reporting unit, the entry checks' thresholds, the annual target and whether the
//! indicator is active and on the wall. Changes go through `PATCH /api/v1/indicators/{code}`;
//! the catalogue is data, so adjusting a threshold never needs a release.

use std::sync::Arc;

use leptos::prelude::*;

use super::list::{replace_item, AdminList};
use super::text::AdminMsg as M;
use super::{loading_view, AdminCtx, AdminFrame, FailureView, Note, NoteView, Section, UnitPicker};
use crate::api;
use crate::entry::text::EntryMsg as T;
use ioc_protocol::i18n::parse_number;
use ioc_protocol::i18n::Lang;
use ioc_protocol::{
    Aggregation, BackfillReceipt, DayBound, IndicatorDef, IndicatorGroup, IndicatorGroupPatch,
    IndicatorPatch, ValueKind,
};

const AGGREGATIONS: [Aggregation; 4] = [
    Aggregation::Sum,
    Aggregation::Average,
    Aggregation::Last,
    Aggregation::Rate,
];

fn t(ctx: AdminCtx, m: T) -> &'static str {
    m.get(ctx.lang.get_untracked())
}

fn value_kind_label(k: ValueKind) -> T {
    match k {
        ValueKind::Level => T::KindLevel,
        ValueKind::Flow => T::KindFlow,
        ValueKind::IndexYoy => T::KindIndexYoy,
        ValueKind::IndexMom => T::KindIndexMom,
        ValueKind::IndexBase => T::KindIndexBase,
        ValueKind::Rate => T::KindRate,
    }
}

fn aggregation_label(a: Aggregation) -> T {
    match a {
        Aggregation::Sum => T::AggSum,
        Aggregation::Average => T::AggAverage,
        Aggregation::Last => T::AggLast,
        Aggregation::Rate => T::AggRate,
    }
}

/// A threshold for editing: plain digits with the language's decimal mark, no grouping (the
/// value may have more decimals than the indicator shows, and must read back exactly).
fn plain(v: Option<f64>, lang: Lang) -> String {
    v.map(|x| {
        let s = format!("{x}");
        if lang == Lang::Vi {
            s.replace('.', ",")
        } else {
            s
        }
    })
    .unwrap_or_default()
}

#[component]
pub fn AdminIndicatorsPage() -> impl IntoView {
    let ctx = AdminCtx::new();
    let list = api::resource::<Vec<IndicatorDef>>(|| "/api/v1/indicators".into());
    let editing = RwSignal::new(None::<String>);
    let note = RwSignal::new(None::<Note>);
    let saved = Callback::new(move |d: IndicatorDef| {
        note.set(Some(Note::Done(M::Saved, d.code.clone())));
        editing.set(None);
        replace_item(list, |d| d.code.clone(), d);
    });
    view! {
        <AdminFrame ctx section=Section::Indicators>
            <p class="admin-lead">{t(ctx, T::CatalogueExplain)}</p>
            <NoteView ctx note />
            <DeadlineRules ctx />
            <HistoryImport ctx />
            <AdminList
                ctx
                items=list
                headers=vec![M::Code, M::Name, M::Unit, M::Status]
                empty=t(ctx, T::NoIndicators)
                key=|d: &IndicatorDef| d.code.clone()
                cells=move |d: &IndicatorDef| view! { <IndicatorCells ctx def=d.clone() /> }.into_any()
                editor=Arc::new(move |def: IndicatorDef| view! { <IndicatorEditor ctx def editing saved /> }.into_any())
                editing
                class="indicator-table"
            />
        </AdminFrame>
    }
    .into_any()
}

/// An indicator's cells: code, names with its measure, kind and checks, owner, status.
#[component]
fn IndicatorCells(ctx: AdminCtx, def: IndicatorDef) -> impl IntoView {
    let lang = ctx.lang.get_untracked();
    let code = def.code.clone();
    let (main, other, measure) = match lang {
        Lang::Vi => (
            def.name_vi.clone(),
            def.name_en.clone(),
            def.measure_vi.clone(),
        ),
        Lang::En => (
            def.name_en.clone(),
            def.name_vi.clone(),
            def.measure_en.clone(),
        ),
    };
    let checks = [
        (T::MinValue, def.min_value),
        (T::WarnLow, def.warn_low),
        (T::WarnHigh, def.warn_high),
        (T::MaxValue, def.max_value),
    ]
    .into_iter()
    .filter_map(|(label, v)| v.map(|v| format!("{} {}", t(ctx, label), plain(Some(v), lang))))
    .chain(std::iter::once(format!(
        "{} {}",
        t(ctx, T::JumpPct),
        plain(Some(def.jump_pct), lang)
    )))
    .collect::<Vec<_>>()
    .join(" · ");
    let chips = view! {
        <span class="chips">
            {if def.active {
                view! { <span class="chip chip-ok">{t(ctx, T::Active)}</span> }.into_any()
            } else {
                view! { <span class="chip chip-off">{t(ctx, T::Inactive)}</span> }.into_any()
            }}
            {def.on_wall.then(|| view! { <span class="chip chip-muted">{t(ctx, T::OnWall)}</span> })}
            {def.cumulative.then(|| view! { <span class="chip chip-muted">{t(ctx, T::Cumulative)}</span> })}
        </span>
    };
    view! {
                <td data-label=ctx.t(M::Code)><code>{code.clone()}</code></td>
                <td data-label=ctx.t(M::Name) class="cell-name">
                    <strong>{main}</strong>
                    <span class="sub">{other}</span>
                    <span class="sub">{measure} " · " {t(ctx, value_kind_label(def.value_kind))} " · " {t(ctx, aggregation_label(def.aggregation))}</span>
                    <span class="sub checks">{checks}</span>
                </td>
                <td data-label=ctx.t(M::Unit)>
                    {def.owner_name_vi.clone().unwrap_or_default()}
                    <span class="sub"><code>{def.owner_unit.clone().unwrap_or_default()}</code></span>
                </td>
                <td data-label=ctx.t(M::Status)>{chips}</td>
    }
    .into_any()
}

#[component]
fn IndicatorEditor(
    ctx: AdminCtx,
    def: IndicatorDef,
    editing: RwSignal<Option<String>>,
    saved: Callback<IndicatorDef>,
) -> impl IntoView {
    let lang = ctx.lang.get_untracked();
    let text = |s: &str| RwSignal::new(s.to_string());
    let name_vi = text(&def.name_vi);
    let name_en = text(&def.name_en);
    let measure_vi = text(&def.measure_vi);
    let measure_en = text(&def.measure_en);
    let decimals = RwSignal::new(def.decimals.to_string());
    let aggregation = RwSignal::new(def.aggregation.as_str().to_string());
    let cumulative = RwSignal::new(def.cumulative);
    let value_kind = RwSignal::new(def.value_kind.as_str().to_string());
    let disbursement = RwSignal::new(def.disbursement);
    let owner = RwSignal::new(def.owner_unit.clone().unwrap_or_default());
    let higher = RwSignal::new(def.higher_is_better);
    let min_value = RwSignal::new(plain(def.min_value, lang));
    let max_value = RwSignal::new(plain(def.max_value, lang));
    let warn_low = RwSignal::new(plain(def.warn_low, lang));
    let warn_high = RwSignal::new(plain(def.warn_high, lang));
    let jump = RwSignal::new(plain(Some(def.jump_pct), lang));
    let target = RwSignal::new(plain(def.annual_target, lang));
    let active = RwSignal::new(def.active);
    let on_wall = RwSignal::new(def.on_wall);
    let sort_order = RwSignal::new(def.sort_order.to_string());
    let note = RwSignal::new(None::<Note>);
    let patch = api::send_action(
        "PATCH",
        move || ctx.csrf(),
        move |answer: Result<Option<IndicatorDef>, _>| match answer {
            Ok(Some(d)) => saved.run(d),
            Ok(None) => {}
            Err(f) => note.set(Some(Note::Problem(f))),
        },
    );
    let code = def.code.clone();
    let id = format!("ind-{}", def.code);
    let invalid = RwSignal::new(false);
    let places = def.decimals;

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // Blank clears an optional number (`null`); anything else must read as a number, in
        // the indicator's precision ("3.000" is three thousand for a figure kept to 1 decimal).
        let optional = |s: RwSignal<String>| -> Result<Option<f64>, ()> {
            let v = s.get_untracked();
            if v.trim().is_empty() {
                Ok(None)
            } else {
                parse_number(&v, places).map(Some).ok_or(())
            }
        };
        let parsed = (|| {
            Some(IndicatorPatch {
                name_vi: Some(name_vi.get_untracked()),
                name_en: Some(name_en.get_untracked()),
                measure_vi: Some(measure_vi.get_untracked()),
                measure_en: Some(measure_en.get_untracked()),
                decimals: Some(decimals.get_untracked().trim().parse().ok()?),
                aggregation: Aggregation::parse(&aggregation.get_untracked()),
                value_kind: ValueKind::parse(&value_kind.get_untracked()),
                disbursement: Some(disbursement.get_untracked()),
                cumulative: Some(cumulative.get_untracked()),
                owner_unit: Some(owner.get_untracked().trim().to_string())
                    .filter(|o| !o.is_empty()),
                higher_is_better: Some(higher.get_untracked()),
                min_value: Some(optional(min_value).ok()?),
                max_value: Some(optional(max_value).ok()?),
                warn_low: Some(optional(warn_low).ok()?),
                warn_high: Some(optional(warn_high).ok()?),
                jump_pct: Some(parse_number(&jump.get_untracked(), places)?),
                annual_target: Some(optional(target).ok()?),
                active: Some(active.get_untracked()),
                on_wall: Some(on_wall.get_untracked()),
                sort_order: Some(sort_order.get_untracked().trim().parse().ok()?),
            })
        })();
        let Some(body) = parsed else {
            note.set(None);
            invalid.set(true);
            return;
        };
        invalid.set(false);
        let url = format!("/api/v1/indicators/{}", api::encode(&code));
        patch.dispatch_local((url, Some(body)));
    };
    let number = move |label: T, value: RwSignal<String>, class: &'static str| {
        view! {
            <label class=class>
                <span>{t(ctx, label)}</span>
                <input bind:value=value inputmode="decimal" autocomplete="off" placeholder="—" />
            </label>
        }
    };
    let aggregations = AGGREGATIONS
        .into_iter()
        .map(|a| view! { <option value=a.as_str() selected=a == def.aggregation>{t(ctx, aggregation_label(a))}</option> })
        .collect_view();
    let value_kinds = ValueKind::ALL
        .into_iter()
        .map(|k| view! { <option value=k.as_str() selected=k == def.value_kind>{t(ctx, value_kind_label(k))}</option> })
        .collect_view();
    view! {
        <form class="admin-form admin-form-inline indicator-form" on:submit=submit>
            <NoteView ctx note />
            {move || invalid.get().then(|| view! { <p class="notice notice-error" role="alert">{t(ctx, T::BadNumberField)}</p> })}
            <label><span>{t(ctx, T::NameVi)}</span><input bind:value=name_vi required /></label>
            <label><span>{t(ctx, T::NameEn)}</span><input bind:value=name_en required /></label>
            <label><span>{t(ctx, T::MeasureVi)}</span><input bind:value=measure_vi required /></label>
            <label><span>{t(ctx, T::MeasureEn)}</span><input bind:value=measure_en required /></label>
            <label><span>{t(ctx, T::Decimals)}</span><input bind:value=decimals inputmode="numeric" required /></label>
            <label>
                <span>{t(ctx, T::Aggregation)}</span>
                <select on:change:target=move |ev| aggregation.set(ev.target().value())>{aggregations}</select>
            </label>
            <label>
                <span>{t(ctx, T::ValueKind)}</span>
                <select class="value-kind" on:change:target=move |ev| value_kind.set(ev.target().value())>{value_kinds}</select>
            </label>
            <label>
                <span>{t(ctx, T::OwnerUnit)}</span>
                <UnitPicker ctx value=owner id=format!("{id}-owner") />
            </label>
            <label><span>{t(ctx, T::SortOrder)}</span><input bind:value=sort_order inputmode="numeric" required /></label>
            <fieldset class="roles checks-set">
                <legend>{t(ctx, T::Checks)}</legend>
                <div class="threshold-grid">
                    {number(T::MinValue, min_value, "min")}
                    {number(T::WarnLow, warn_low, "warn-low")}
                    {number(T::WarnHigh, warn_high, "warn-high")}
                    {number(T::MaxValue, max_value, "max")}
                    <label class="jump">
                        <span>{t(ctx, T::JumpPct)}</span>
                        <input bind:value=jump inputmode="decimal" required />
                    </label>
                    {number(T::AnnualTarget, target, "target")}
                </div>
                <p class="hint">{t(ctx, T::BlankClears)}</p>
            </fieldset>
            <div class="check-row">
                <label class="check"><input type="checkbox" bind:checked=cumulative /><span>{t(ctx, T::Cumulative)}</span></label>
                <label class="check"><input type="checkbox" bind:checked=disbursement /><span>{t(ctx, T::Disbursement)}</span></label>
                <label class="check"><input type="checkbox" bind:checked=higher /><span>{t(ctx, T::HigherIsBetter)}</span></label>
                <label class="check"><input type="checkbox" bind:checked=active /><span>{t(ctx, T::Active)}</span></label>
                <label class="check"><input type="checkbox" bind:checked=on_wall /><span>{t(ctx, T::OnWall)}</span></label>
            </div>
            <div class="form-actions">
                <button type="submit" class="btn" disabled=move || patch.pending().get()>{t(ctx, T::SaveIndicator)}</button>
                <button type="button" class="btn btn-secondary" on:click=move |_| editing.set(None)>{t(ctx, T::Cancel)}</button>
            </div>
        </form>
    }
    .into_any()
}

/// History import: a CSV or Excel file of published figures posted as it is to
/// `POST /api/v1/figures/backfill` (all rows or none; the answer says how many changed).
#[component]
fn HistoryImport(ctx: AdminCtx) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    let outcome = RwSignal::new(None::<Result<BackfillReceipt, api::Failure>>);
    // The upload as a Leptos action: `pending()` marks the button while the file travels.
    let upload = Action::new_local(move |_: &()| {
        let csrf = ctx.csrf();
        async move {
            let Some(el) = input.get_untracked() else {
                return;
            };
            if let Some(r) = api::upload(&el, "/api/v1/figures/backfill", &csrf).await {
                outcome.set(Some(r));
            }
            el.set_value("");
        }
    });
    let chosen = move |_| {
        upload.dispatch(());
    };
    let lang = ctx.lang;
    view! {
        <section class="history-import" aria-labelledby="history-title">
            <h2 id="history-title">{t(ctx, T::HistoryTitle)}</h2>
            <p class="hint">{t(ctx, T::HistoryExplain)}</p>
            <label class="btn btn-secondary btn-small import" class:busy=move || upload.pending().get()>
                <span>{t(ctx, T::HistoryChoose)}</span>
                <input class="history-file" type="file" accept=".csv,.xlsx,text/csv" node_ref=input on:change=chosen />
            </label>
            {move || match outcome.get() {
                None => ().into_any(),
                Some(Ok(r)) => {
                    let span = match (&r.first_period, &r.last_period) {
                        (Some(a), Some(b)) => format!(" · {a} → {b}"),
                        _ => String::new(),
                    };
                    view! {
                        <p class="notice notice-ok history-receipt" role="status">
                            {format!(
                                "{}: {} {} ({} {}){span} · {}",
                                T::HistoryDone.get(lang.get()),
                                r.rows,
                                T::HistoryRows.get(lang.get()),
                                r.unchanged,
                                T::HistoryUnchanged.get(lang.get()),
                                r.series.join(", ")
                            )}
                        </p>
                    }
                    .into_any()
                }
                Some(Err(f)) => view! { <FailureView ctx failure=f /> }.into_any(),
            }}
        </section>
    }
}

/// The deadline rule of each indicator group (`PATCH /api/v1/indicator-groups/{code}`); the
/// deadline boards and reminders follow at once.
#[component]
fn DeadlineRules(ctx: AdminCtx) -> impl IntoView {
    let groups = api::resource::<Vec<IndicatorGroup>>(|| "/api/v1/indicator-groups".into());
    view! {
        <section class="deadline-rules" aria-labelledby="rules-title">
            <h2 id="rules-title">{t(ctx, T::RulesTitle)}</h2>
            <p class="hint">{t(ctx, T::RulesExplain)}</p>
            {move || match groups.get() {
                None => loading_view(ctx),
                Some(Err(f)) => view! { <FailureView ctx failure=f /> }.into_any(),
                Some(Ok(all)) => all.into_iter().map(|g| view! { <RuleForm ctx group=g /> }).collect_view().into_any(),
            }}
        </section>
    }
}

/// "Before day N" (exclusive) when ticked, "by day N" (inclusive) otherwise.
fn bound(before: bool) -> DayBound {
    if before {
        DayBound::Before
    } else {
        DayBound::By
    }
}

#[component]
fn RuleForm(ctx: AdminCtx, group: IndicatorGroup) -> impl IntoView {
    let submit_day = RwSignal::new(group.submit_day.to_string());
    let send_day = RwSignal::new(group.send_day.to_string());
    let working = RwSignal::new(group.working_days);
    let submit_before = RwSignal::new(group.submit_bound == DayBound::Before);
    let send_before = RwSignal::new(group.send_bound == DayBound::Before);
    let soon = RwSignal::new(group.due_soon_days.to_string());
    let note = RwSignal::new(None::<Note>);
    let patch = api::send_action(
        "PATCH",
        move || ctx.csrf(),
        move |answer: Result<Option<IndicatorGroup>, _>| match answer {
            Ok(_) => note.set(Some(Note::Done(
                M::Saved,
                t(ctx, T::RulesSaved).to_string(),
            ))),
            Err(f) => note.set(Some(Note::Problem(f))),
        },
    );
    let code = group.code.clone();
    let name = move || {
        if ctx.lang.get() == Lang::En {
            group.name_en.clone()
        } else {
            group.name_vi.clone()
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let day = |s: RwSignal<String>| s.get_untracked().trim().parse::<i16>().ok();
        let (Some(a), Some(b), Some(c)) = (day(submit_day), day(send_day), day(soon)) else {
            note.set(Some(Note::Invalid(M::BadNumber)));
            return;
        };
        let body = IndicatorGroupPatch {
            submit_day: Some(a),
            send_day: Some(b),
            working_days: Some(working.get_untracked()),
            due_soon_days: Some(c),
            submit_bound: Some(bound(submit_before.get_untracked())),
            send_bound: Some(bound(send_before.get_untracked())),
            ..Default::default()
        };
        let url = format!("/api/v1/indicator-groups/{}", api::encode(&code));
        patch.dispatch_local((url, Some(body)));
    };
    let field = move |label: T, value: RwSignal<String>, class: &'static str| {
        view! {
            <label class=class>
                <span>{t(ctx, label)}</span>
                <input bind:value=value inputmode="numeric" autocomplete="off" required />
            </label>
        }
    };
    view! {
        <form class="admin-form admin-form-inline rule-form" data-group=group.code.clone() on:submit=submit>
            <h3>{name}</h3>
            <NoteView ctx note />
            {field(T::SubmitDay, submit_day, "submit-day")}
            {field(T::SendDay, send_day, "send-day")}
            {field(T::DueSoonDays, soon, "due-soon")}
            <label class="check working-days"><input type="checkbox" bind:checked=working /><span>{t(ctx, T::WorkingDays)}</span></label>
            <label class="check submit-before"><input type="checkbox" bind:checked=submit_before /><span>{t(ctx, T::SubmitBefore)}</span></label>
            <label class="check send-before"><input type="checkbox" bind:checked=send_before /><span>{t(ctx, T::SendBefore)}</span></label>
            <div class="form-actions">
                <button type="submit" class="btn" disabled=move || patch.pending().get()>{t(ctx, T::SaveIndicator)}</button>
            </div>
        </form>
    }
}
