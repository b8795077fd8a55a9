//! `/admin/screens`: the wall screens (code, name, theme, time per page, the pages they rotate
//! through) and, live, the screens running: which page each shows and when it last said so.

use std::sync::Arc;

use chrono::Utc;
use leptos::prelude::*;

use super::list::AdminList;
use super::text::AdminMsg as M;
use super::{AdminCtx, AdminFrame, AdminTable, Note, NoteView, Section};
use crate::api;
use crate::live::{use_live, TopicState};
use ioc_protocol::{
    NewScreen, PageKind, Payload, Publication, ScreenInput, ScreenPage, ScreenPresence,
    ScreenTheme, ScreenView, PRESENCE_ONLINE_S, PRESENCE_TOPIC,
};

fn kind_label(kind: PageKind) -> M {
    match kind {
        PageKind::Indicators => M::PageIndicators,
        PageKind::DossierProvince => M::PageDossierProvince,
        PageKind::DossierUnit => M::PageDossierUnit,
        PageKind::Tasks => M::PageTasks,
    }
}

/// A page as one line: "Hồ sơ TTHC của một đơn vị 17329 · 45 s".
fn page_label(ctx: AdminCtx, p: &ScreenPage) -> String {
    let mut s = ctx.t(kind_label(p.kind)).to_string();
    if let Some(u) = &p.unit {
        s.push_str(&format!(" {u}"));
    }
    if let Some(d) = p.duration_s {
        s.push_str(&format!(" · {d} s"));
    }
    s
}

#[component]
pub fn AdminScreensPage() -> impl IntoView {
    let ctx = AdminCtx::new();
    let screens = api::resource::<Vec<ScreenView>>(|| "/api/v1/screens".into());
    let note = RwSignal::new(None::<Note>);
    let editing = RwSignal::new(None::<String>);
    let saved = Callback::new(move |s: ScreenView| {
        note.set(Some(Note::Done(M::ScreenSaved, s.name.clone())));
        editing.set(None);
        screens.refetch();
    });
    let deleted = Callback::new(move |code: String| {
        note.set(Some(Note::Done(M::ScreenDeleted, code)));
        editing.set(None);
        screens.refetch();
    });
    let editor: super::list::Editor<ScreenView> = Arc::new(move |s: ScreenView| {
        view! { <ScreenForm ctx screen=Some(s) saved deleted /> }.into_any()
    });
    view! {
        <AdminFrame ctx section=Section::Screens>
            <p class="admin-lead">{ctx.t(M::ScreensExplain)}</p>
            <section class="admin-panel running-screens">
                <h2>{ctx.t(M::RunningScreens)}</h2>
                <PresenceTable ctx />
            </section>
            <details class="admin-panel">
                <summary>{ctx.t(M::AddScreen)}</summary>
                <ScreenForm ctx screen=None saved deleted />
            </details>
            <NoteView ctx note />
            <AdminList
                ctx
                items=screens
                headers=vec![M::ScreenCode, M::ScreenName, M::Theme, M::IntervalS, M::Pages]
                empty=ctx.t(M::NoScreens)
                key=|s: &ScreenView| s.code.clone()
                cells=move |s: &ScreenView| view! { <ScreenCells ctx screen=s.clone() /> }.into_any()
                editor
                editing
            />
        </AdminFrame>
    }
    .into_any()
}

#[component]
fn ScreenCells(ctx: AdminCtx, screen: ScreenView) -> impl IntoView {
    let theme = match screen.theme {
        ScreenTheme::Dark => M::ThemeDark,
        ScreenTheme::Light => M::ThemeLight,
    };
    let pages = screen
        .pages
        .iter()
        .map(|p| view! { <li>{page_label(ctx, p)}</li> })
        .collect_view();
    view! {
        <td data-label=ctx.t(M::ScreenCode) class="cell-name">
            <strong><code>{screen.code.clone()}</code></strong>
            <span class="sub"><a href=ctx.href(&format!("/wall/{}", screen.code)) rel="external">{ctx.t(M::OpenScreen)} " ↗"</a></span>
        </td>
        <td data-label=ctx.t(M::ScreenName)>{screen.name.clone()}</td>
        <td data-label=ctx.t(M::Theme)>{ctx.t(theme)}</td>
        <td data-label=ctx.t(M::IntervalS)>{screen.interval_s}</td>
        <td data-label=ctx.t(M::Pages)><ol class="screen-pages">{pages}</ol></td>
    }
    .into_any()
}

/// One editable page of the form.
#[derive(Clone, Copy)]
struct PageRow {
    id: u64,
    kind: RwSignal<String>,
    unit: RwSignal<String>,
    duration: RwSignal<String>,
}

impl PageRow {
    fn new(id: u64, p: &ScreenPage) -> Self {
        PageRow {
            id,
            kind: RwSignal::new(p.kind.as_str().to_string()),
            unit: RwSignal::new(p.unit.clone().unwrap_or_default()),
            duration: RwSignal::new(p.duration_s.map(|d| d.to_string()).unwrap_or_default()),
        }
    }

    /// The page as typed; what the server refuses (a bad number, a missing unit) it says why.
    fn page(&self) -> ScreenPage {
        let unit = self.unit.get_untracked().trim().to_string();
        let duration = self.duration.get_untracked().trim().to_string();
        ScreenPage {
            kind: PageKind::parse(&self.kind.get_untracked()).unwrap_or(PageKind::Indicators),
            unit: (!unit.is_empty()).then_some(unit),
            duration_s: (!duration.is_empty()).then(|| duration.parse().unwrap_or(0)),
        }
    }
}

/// Creates a screen (`screen` = `None`) or edits one, with its pages in order.
#[component]
fn ScreenForm(
    ctx: AdminCtx,
    screen: Option<ScreenView>,
    saved: Callback<ScreenView>,
    deleted: Callback<String>,
) -> impl IntoView {
    let editing = screen.as_ref().map(|s| s.code.clone());
    let start = screen.unwrap_or_else(|| ScreenView {
        code: String::new(),
        name: String::new(),
        theme: ScreenTheme::Dark,
        interval_s: 30,
        pages: vec![ScreenPage {
            kind: PageKind::Indicators,
            unit: None,
            duration_s: None,
        }],
        version: 0,
        updated_at: Utc::now(),
        province: String::new(),
    });
    let code = RwSignal::new(start.code.clone());
    let name = RwSignal::new(start.name.clone());
    let theme = RwSignal::new(start.theme.as_str().to_string());
    let interval = RwSignal::new(start.interval_s.to_string());
    let next_id = StoredValue::new(start.pages.len() as u64);
    let rows = RwSignal::new(
        start
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| PageRow::new(i as u64, p))
            .collect::<Vec<_>>(),
    );
    let note = RwSignal::new(None::<Note>);
    let done = move |answer: Result<Option<ScreenView>, api::Failure>| match answer {
        Ok(Some(s)) => {
            note.set(None);
            saved.run(s);
        }
        Ok(None) => {}
        Err(f) => note.set(Some(Note::Problem(f))),
    };
    let create = api::send_action::<NewScreen, ScreenView>("POST", move || ctx.csrf(), done);
    let update = api::send_action::<ScreenInput, ScreenView>("PUT", move || ctx.csrf(), done);
    let remove = api::send_action::<(), ()>(
        "DELETE",
        move || ctx.csrf(),
        move |answer: Result<Option<()>, api::Failure>| match answer {
            Ok(_) => deleted.run(code.get_untracked()),
            Err(f) => note.set(Some(Note::Problem(f))),
        },
    );
    let is_new = editing.is_none();
    let submit = {
        let editing = editing.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let input = ScreenInput {
                name: name.get_untracked().trim().to_string(),
                theme: if theme.get_untracked() == "light" {
                    ScreenTheme::Light
                } else {
                    ScreenTheme::Dark
                },
                interval_s: interval.get_untracked().trim().parse().unwrap_or(0),
                pages: rows.get_untracked().iter().map(PageRow::page).collect(),
            };
            match &editing {
                Some(c) => {
                    update.dispatch_local((
                        format!("/api/v1/screens/{}", api::encode(c)),
                        Some(input),
                    ));
                }
                None => {
                    let body = NewScreen {
                        code: code.get_untracked().trim().to_string(),
                        name: input.name,
                        theme: input.theme,
                        interval_s: input.interval_s,
                        pages: input.pages,
                    };
                    create.dispatch_local(("/api/v1/screens".to_string(), Some(body)));
                }
            }
        }
    };
    let add_page = move |_| {
        let id = next_id.get_value();
        next_id.set_value(id + 1);
        let p = ScreenPage {
            kind: PageKind::Indicators,
            unit: None,
            duration_s: None,
        };
        rows.update(|r| r.push(PageRow::new(id, &p)));
    };
    let delete = {
        let editing = editing.clone();
        move |_| {
            let Some(c) = editing.clone() else { return };
            #[cfg(feature = "hydrate")]
            {
                let question = format!("{} {c}?", ctx.t(M::ConfirmDeleteScreen));
                if !window().confirm_with_message(&question).unwrap_or(false) {
                    return;
                }
            }
            remove.dispatch_local((format!("/api/v1/screens/{}", api::encode(&c)), None));
        }
    };
    let busy = move || create.pending().get() || update.pending().get() || remove.pending().get();
    let form_id = editing.clone().unwrap_or_else(|| "new".to_string());
    let numbered =
        move || -> Vec<(usize, PageRow)> { rows.get().into_iter().enumerate().collect() };
    view! {
        <form class="admin-form screen-form" data-screen=form_id.clone() on:submit=submit>
            <NoteView ctx note />
            <label>
                <span>{ctx.t(M::ScreenCode)}</span>
                <input name="code" bind:value=code required disabled=!is_new autocapitalize="none" spellcheck="false" placeholder=ctx.t(M::ScreenCodeHint) />
            </label>
            <label>
                <span>{ctx.t(M::ScreenName)}</span>
                <input name="name" bind:value=name required />
            </label>
            <label>
                <span>{ctx.t(M::Theme)}</span>
                <select name="theme" bind:value=theme>
                    <option value="dark">{ctx.t(M::ThemeDark)}</option>
                    <option value="light">{ctx.t(M::ThemeLight)}</option>
                </select>
            </label>
            <label>
                <span>{ctx.t(M::IntervalS)}</span>
                <input name="interval" type="number" min="5" max="3600" bind:value=interval required />
            </label>
            <fieldset class="screen-pages-edit">
                <legend>{ctx.t(M::Pages)}</legend>
                <For
                    each=numbered
                    key=|(i, r)| (*i, r.id)
                    children=move |(i, row)| {
                        let remove_row = move |_| rows.update(|r| r.retain(|x| x.id != row.id));
                        let up = move |_| rows.update(|r| {
                            if let Some(k) = r.iter().position(|x| x.id == row.id) {
                                if k > 0 { r.swap(k, k - 1); }
                            }
                        });
                        view! {
                            <div class="page-row" data-page=i>
                                <span class="page-n">{i + 1}</span>
                                <label>
                                    <span>{ctx.t(M::PageKindLabel)}</span>
                                    <select name="kind" bind:value=row.kind>
                                        {PageKind::ALL.into_iter().map(|k| view! { <option value=k.as_str()>{ctx.t(kind_label(k))}</option> }).collect_view()}
                                    </select>
                                </label>
                                <label>
                                    <span>{ctx.t(M::Unit)}</span>
                                    <input name="unit" bind:value=row.unit placeholder=ctx.t(M::PageUnitHint) />
                                </label>
                                <label>
                                    <span>{ctx.t(M::PageDuration)}</span>
                                    <input name="duration" type="number" min="5" max="3600" bind:value=row.duration />
                                </label>
                                <button type="button" class="btn btn-small btn-secondary" on:click=up disabled=i == 0>{ctx.t(M::MoveUp)}</button>
                                <button type="button" class="btn btn-small btn-ghost" on:click=remove_row>{ctx.t(M::RemovePage)}</button>
                            </div>
                        }
                    }
                />
                <button type="button" class="btn btn-small btn-secondary add-page" on:click=add_page>{ctx.t(M::AddPage)}</button>
            </fieldset>
            <div class="form-actions">
                <button type="submit" class="btn" disabled=busy>{ctx.t(if is_new { M::AddScreen } else { M::Save })}</button>
                {(!is_new).then(|| view! {
                    <button type="button" class="btn btn-danger" on:click=delete.clone() disabled=busy>{ctx.t(M::DeleteScreen)}</button>
                })}
            </div>
        </form>
    }
    .into_any()
}

/// The running screens, live on `screen-presence`; "offline" once a screen has been silent for
/// [`PRESENCE_ONLINE_S`] seconds (judged here on a clock, so no report is needed to say so).
#[component]
fn PresenceTable(ctx: AdminCtx) -> impl IntoView {
    let rows = RwSignal::new(Vec::<ScreenPresence>::new());
    let now = RwSignal::new(Utc::now());
    use_live()
        .subscribe(
            PRESENCE_TOPIC,
            move |s: TopicState| {
                if let Some(Payload::ScreenPresence(list)) = s.state {
                    rows.set(list.devices);
                }
            },
            move |p: Publication| {
                if let Payload::ScreenPresence(list) = p.data {
                    rows.set(list.devices);
                }
            },
        )
        .until_cleanup();
    #[cfg(feature = "hydrate")]
    if let Ok(handle) = set_interval_with_handle(
        move || {
            now.try_set(Utc::now());
        },
        std::time::Duration::from_secs(5),
    ) {
        on_cleanup(move || handle.clear());
    }
    move || {
        let list = rows.get();
        if list.is_empty() {
            return view! { <p class="admin-empty">{ctx.t(M::NoRunningScreens)}</p> }.into_any();
        }
        let t = now.get();
        let body = list
            .into_iter()
            .map(|p| {
                let online = (t - p.last_contact).num_seconds() <= PRESENCE_ONLINE_S;
                let page = format!(
                    "{} · {}{}",
                    p.page + 1,
                    ctx.t(kind_label(p.kind)),
                    p.unit.as_ref().map(|u| format!(" {u}")).unwrap_or_default()
                );
                let last = vietnam_seconds(p.last_contact);
                view! {
                    <tbody class="row-group" data-screen=p.screen.clone() data-online=online.to_string()>
                        <tr>
                            <td data-label=ctx.t(M::ScreenCode)><code>{p.screen.clone()}</code></td>
                            <td data-label=ctx.t(M::Device)>
                                <strong>{p.device.clone()}</strong>
                                <span class="sub"><code>{format!("ioc_{}_…", p.device_prefix)}</code></span>
                            </td>
                            <td data-label=ctx.t(M::CurrentPage) class="current-page">{page}</td>
                            <td data-label=ctx.t(M::LastContact)>{last}</td>
                            <td data-label=ctx.t(M::Status)>
                                {if online {
                                    view! { <span class="chip chip-ok">{ctx.t(M::Online)}</span> }.into_any()
                                } else {
                                    view! { <span class="chip chip-off">{ctx.t(M::OfflineNow)}</span> }.into_any()
                                }}
                            </td>
                        </tr>
                    </tbody>
                }
            })
            .collect_view();
        view! {
            <AdminTable ctx headers=vec![M::ScreenCode, M::Device, M::CurrentPage, M::LastContact, M::Status]>
                {body}
            </AdminTable>
        }
        .into_any()
    }
}

/// A time of the last contact, to the second (the list moves every 20 s).
fn vietnam_seconds(t: chrono::DateTime<Utc>) -> String {
    super::vietnam_time(t)
        .format("%d/%m/%Y %H:%M:%S")
        .to_string()
}
