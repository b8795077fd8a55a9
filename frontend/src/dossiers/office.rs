//! `/dossiers`: a department's or commune's dossiers for its staff — the overdue ones first
//! (age in working days, the first and the current promised date, postponements), then the open
//! ones, soonest due first. A dossier that is late or due within two days offers "Lập phiếu xin
//! lỗi": the reason and the new return date are posted to the API, which decides; the slip can
//! then be printed (`/dossiers/{id}/apologies/{n}`). Leaders and administrators read every unit
//! (`?unit=` picks one).

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::office_text::DossierMsg as D;
use crate::api::{self, Failure};
use crate::entry::{loading, EntryCtx, EntryFrame, FailureNote, Screen};
use crate::format::vietnam_time;
use ioc_protocol::i18n::Lang;
use ioc_protocol::{ApologyInput, ApologyView, DossierView, Timeliness};

/// A dossier whose return date is this close (calendar days) is "at risk": a slip may be issued
/// before it is late, as the decree asks.
const AT_RISK_DAYS: i64 = 2;

fn t(ctx: EntryCtx, m: D) -> &'static str {
    m.get(ctx.lang())
}

/// Today in Vietnam by the browser's clock.
fn today() -> NaiveDate {
    vietnam_time(chrono::Utc::now()).date_naive()
}

/// `02/11/2026`.
pub fn day(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// Whether a slip may be offered: an open dossier whose current return date (the first one, or
/// the last slip's) has passed or is within two days. An overdue dossier that a slip already
/// gave a later date is not offered another until that date comes near.
fn needs_slip(d: &DossierView, today: NaiveDate) -> bool {
    matches!(
        d.timeliness,
        Timeliness::Overdue | Timeliness::InTime | Timeliness::Paused
    ) && d
        .current_due_date
        .or(d.due_date)
        .is_some_and(|due| due <= today + Duration::days(AT_RISK_DAYS))
}

#[component]
pub fn DossiersPage() -> impl IntoView {
    let ctx = EntryCtx::new();
    let query = use_query_map();
    let asked = Memo::new(move |_| query.with(|q| q.get("unit").unwrap_or_default()));
    // The unit shown: the one asked for, else the person's first unit; readers of every unit
    // see all units when they asked for none.
    let unit = Memo::new(move |_| {
        let asked = asked.get();
        if !asked.is_empty() || ctx.reads_all() {
            asked
        } else {
            ctx.edited_units().first().cloned().unwrap_or_default()
        }
    });
    // Nothing is asked before `/api/v1/me` answered: the unit depends on who is signed in.
    let list = LocalResource::new(move || {
        let ready = ctx.me.with(|m| m.is_some());
        let url = format!(
            "/api/v1/dossiers{}",
            api::query_string(&[
                ("unit", unit.get()),
                ("state", "open".into()),
                ("limit", "1000".into())
            ])
        );
        async move {
            if ready {
                Some(api::get::<Vec<DossierView>>(&url).await)
            } else {
                None
            }
        }
    });
    let issued = RwSignal::new(None::<ApologyView>);
    let refresh = Callback::new(move |slip: ApologyView| {
        issued.set(Some(slip));
        list.refetch();
    });

    let body = move || {
        let rows = match list.get().flatten() {
            None => return loading(ctx),
            Some(Ok(rows)) => rows,
            Some(Err(f)) => return view! { <FailureNote ctx failure=f /> }.into_any(),
        };
        if !ctx.reads_all() && ctx.edited_units().is_empty() {
            return view! { <p class="admin-empty">{t(ctx, D::NoUnits)}</p> }.into_any();
        }
        let today = today();
        let (mut overdue, open): (Vec<DossierView>, Vec<DossierView>) = rows
            .into_iter()
            .partition(|d| d.timeliness == Timeliness::Overdue);
        overdue.sort_by(|a, b| b.days_late.cmp(&a.days_late).then(a.id.cmp(&b.id)));
        let section = |title: D, empty: D, class: &'static str, rows: Vec<DossierView>| {
            let count = rows.len();
            let cards = if rows.is_empty() {
                view! { <p class="admin-empty">{t(ctx, empty)}</p> }.into_any()
            } else {
                rows.into_iter()
                    .map(|d| view! { <DossierCard ctx dossier=d today issued=refresh /> })
                    .collect_view()
                    .into_any()
            };
            view! {
                <section class=format!("dossier-section {class}")>
                    <h2>{t(ctx, title)} " " <span class="count">{count}</span></h2>
                    <div class="dossier-cards">{cards}</div>
                </section>
            }
        };
        view! {
            {section(D::Overdue, D::NoOverdue, "dossiers-overdue", overdue)}
            {section(D::Open, D::NoOpen, "dossiers-open", open)}
        }
        .into_any()
    };

    view! {
        <leptos_meta::Stylesheet href="/assets/dossier-office.css" />
        <EntryFrame ctx screen=Screen::Dossiers title=t(ctx, D::Title) area=t(ctx, D::Area)>
            <p class="admin-lead">{t(ctx, D::Lead)}</p>
            <UnitPicker ctx unit />
            {move || issued.get().map(|s| view! { <IssuedNote ctx slip=s /> })}
            {body}
        </EntryFrame>
    }
}

/// The units to choose from: the person's own, or (readers of every unit) "all" and every unit
/// with open dossiers. A plain GET form, so it works before the page is hydrated too.
#[component]
fn UnitPicker(ctx: EntryCtx, unit: Memo<String>) -> impl IntoView {
    let all = LocalResource::new(move || {
        let reads_all = ctx.reads_all();
        async move {
            if reads_all {
                api::get::<Vec<DossierView>>("/api/v1/dossiers?state=open&limit=1000")
                    .await
                    .ok()
            } else {
                None
            }
        }
    });
    let options = move || {
        let current = unit.get();
        let mut units: BTreeMap<String, String> = ctx
            .edited_units()
            .into_iter()
            .map(|u| (u.clone(), u))
            .collect();
        if let Some(Some(rows)) = all.get() {
            for d in rows {
                units.insert(d.unit, d.unit_name);
            }
        }
        let mut sorted: Vec<(String, String)> = units.into_iter().collect();
        sorted.sort_by(|a, b| a.1.cmp(&b.1));
        let everyone = ctx.reads_all().then(|| {
            view! { <option value="" selected=current.is_empty()>{t(ctx, D::AllUnits)}</option> }
        });
        let list = sorted
            .into_iter()
            .map(|(code, name)| {
                let label = if code == name {
                    code.clone()
                } else {
                    format!("{name} ({code})")
                };
                view! { <option value=code.clone() selected=current == code>{label}</option> }
            })
            .collect_view();
        (everyone, list)
    };
    let lang =
        (ctx.lang() == Lang::En).then(|| view! { <input type="hidden" name="lang" value="en" /> });
    let show = move || ctx.reads_all() || ctx.edited_units().len() > 1;
    view! {
        <Show when=show>
            <form class="admin-filters dossier-filter" method="get" action="/dossiers">
                <label>
                    <span>{t(ctx, D::Unit)}</span>
                    <select name="unit">{options}</select>
                </label>
                {lang.clone()}
                <button type="submit" class="btn">{t(ctx, D::Show)}</button>
            </form>
        </Show>
    }
}

/// "Apology slip no. n issued — print it".
#[component]
fn IssuedNote(ctx: EntryCtx, slip: ApologyView) -> impl IntoView {
    let href = ctx.href(&format!(
        "/dossiers/{}/apologies/{}",
        api::encode(&slip.dossier_id),
        slip.number
    ));
    view! {
        <p class="notice notice-ok slip-issued" role="status">
            {format!("{} {} – {} ", t(ctx, D::Issued), slip.number, slip.dossier_id)}
            <a class="btn btn-small" href=href rel="external">{t(ctx, D::PrintSlip)}</a>
        </p>
    }
}

/// One dossier as a card (the phone's shape; a grid of them on a desktop).
#[component]
fn DossierCard(
    ctx: EntryCtx,
    dossier: DossierView,
    today: NaiveDate,
    issued: Callback<ApologyView>,
) -> impl IntoView {
    let d = dossier;
    let offer = needs_slip(&d, today) && ctx.edits(&d.unit);
    let (chip_class, chip) = match d.timeliness {
        Timeliness::Overdue => (
            "chip chip-off",
            format!("{} {}", d.days_late, t(ctx, D::WorkingDaysLate)),
        ),
        Timeliness::Paused => ("chip chip-muted", t(ctx, D::Paused).to_string()),
        _ if needs_slip(&d, today) => ("chip chip-warn", t(ctx, D::DueSoon).to_string()),
        _ => ("chip chip-ok", t(ctx, D::InTime).to_string()),
    };
    let postponed = d.current_due_date.filter(|_| d.postponements > 0);
    let slips = (1..=d.postponements)
        .map(|n| {
            let href = ctx.href(&format!("/dossiers/{}/apologies/{n}", api::encode(&d.id)));
            view! { <a class="slip-link" href=href rel="external">{format!("{} {n}", t(ctx, D::Slip))}</a> }
        })
        .collect_view();
    let commune = d.commune_name.clone().map(|c| {
        view! { <div><dt>{t(ctx, D::Commune)}</dt><dd>{c}</dd></div> }
    });
    let unit = (ctx.reads_all() || ctx.edited_units().len() > 1).then(|| {
        view! { <p class="dossier-unit">{d.unit_name.clone()}</p> }
    });
    view! {
        <article class="dossier-card" class:dossier-late=d.timeliness == Timeliness::Overdue data-id=d.id.clone()>
            <header>
                <code class="dossier-id">{d.id.clone()}</code>
                <span class=chip_class>{chip}</span>
            </header>
            {unit}
            <p class="dossier-procedure">{d.procedure_name.clone()}</p>
            <dl class="dossier-facts">
                <div><dt>{t(ctx, D::Received)}</dt><dd>{d.received_at.map(|r| day(vietnam_time(r).date_naive())).unwrap_or_default()}</dd></div>
                <div><dt>{t(ctx, D::DueFirst)}</dt><dd>{d.due_date.map(day).unwrap_or_default()}</dd></div>
                {postponed.map(|p| view! { <div class="due-now"><dt>{t(ctx, D::DueNow)}</dt><dd>{day(p)}</dd></div> })}
                {(d.postponements > 0).then(|| view! { <div><dt>{t(ctx, D::Postponed)}</dt><dd>{format!("{} {}", d.postponements, t(ctx, D::Times))}</dd></div> })}
                {commune}
            </dl>
            {(d.postponements > 0).then(|| view! { <p class="slip-links">{slips}</p> })}
            {offer.then(|| view! { <SlipForm ctx dossier=d.id.clone() today issued /> })}
        </article>
    }
}

/// "Lập phiếu xin lỗi": opens a small form (reason, new return date) under the card.
#[component]
fn SlipForm(
    ctx: EntryCtx,
    dossier: String,
    today: NaiveDate,
    issued: Callback<ApologyView>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let new_due = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let post = api::send_action::<ApologyInput, ApologyView>(
        "POST",
        move || ctx.csrf(),
        move |answer| match answer {
            Ok(Some(slip)) => {
                problem.set(None);
                open.set(false);
                issued.run(slip);
            }
            Ok(None) => {}
            Err(f) => problem.set(Some(Failure::message(&f, ctx.lang()))),
        },
    );
    let url = format!("/api/v1/dossiers/{}/apologies", api::encode(&dossier));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = reason.get_untracked().trim().to_string();
        if text.is_empty() {
            return problem.set(Some(t(ctx, D::NeedReason).to_string()));
        }
        let Ok(date) = NaiveDate::parse_from_str(new_due.get_untracked().trim(), "%Y-%m-%d") else {
            return problem.set(Some(t(ctx, D::NeedDate).to_string()));
        };
        let body = ApologyInput {
            reason: text,
            new_due: date,
        };
        post.dispatch_local((url.clone(), Some(body)));
    };
    let min = (today + Duration::days(1)).format("%Y-%m-%d").to_string();
    let id = format!(
        "slip-{}",
        dossier.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
    );
    view! {
        <Show
            when=move || open.get()
            fallback=move || view! {
                <button type="button" class="btn btn-secondary issue-slip" on:click=move |_| open.set(true)>
                    {t(ctx, D::IssueSlip)}
                </button>
            }
        >
            <form class="slip-form" on:submit=submit.clone()>
                {move || problem.get().map(|p| view! { <p class="notice notice-error" role="alert">{p}</p> })}
                <label for=format!("{id}-reason")>{t(ctx, D::Reason)}</label>
                <textarea id=format!("{id}-reason") name="reason" rows="3" required bind:value=reason placeholder=t(ctx, D::ReasonHint)></textarea>
                <label for=format!("{id}-due")>{t(ctx, D::NewDue)}</label>
                <input id=format!("{id}-due") name="new_due" type="date" required min=min.clone() bind:value=new_due />
                <div class="slip-actions">
                    <button type="submit" class="btn" disabled=move || post.pending().get()>{t(ctx, D::Issue)}</button>
                    <button type="button" class="btn btn-ghost" on:click=move |_| { problem.set(None); open.set(false); }>{t(ctx, D::Cancel)}</button>
                </div>
            </form>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use ioc_protocol::{Channel, DossierStatus};

    fn dossier(timeliness: Timeliness, due: NaiveDate) -> DossierView {
        DossierView {
            id: "HS-1".into(),
            procedure: "1.001193".into(),
            procedure_name: "Đăng ký khai sinh".into(),
            unit: "17329".into(),
            unit_name: "Xã Anh Sơn".into(),
            commune: None,
            commune_name: None,
            channel: Channel::from_code(1).unwrap(),
            status: DossierStatus::from_code(4).unwrap(),
            status_at: Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).unwrap(),
            received_at: None,
            due_date: Some(due),
            current_due_date: None,
            result_at: None,
            timeliness,
            days_late: 0,
            postponements: 0,
        }
    }

    #[test]
    fn a_slip_is_offered_when_late_or_due_within_two_days() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let in_days = |n| today + Duration::days(n);
        assert!(needs_slip(
            &dossier(Timeliness::Overdue, in_days(-5)),
            today
        ));
        assert!(needs_slip(&dossier(Timeliness::InTime, in_days(2)), today));
        assert!(!needs_slip(&dossier(Timeliness::InTime, in_days(3)), today));
        assert!(!needs_slip(&dossier(Timeliness::OnTime, in_days(0)), today));
        let mut postponed = dossier(Timeliness::InTime, in_days(-1));
        postponed.current_due_date = Some(in_days(10));
        assert!(!needs_slip(&postponed, today), "the current date counts");
        let mut apologised = dossier(Timeliness::Overdue, in_days(-5));
        apologised.current_due_date = Some(in_days(7));
        assert!(!needs_slip(&apologised, today));
        assert_eq!(day(today), "03/12/2026");
    }
}
