//! `/entry/{unit}/{period}`: one report. Its editors get the entry form (estimate and official
//! tabs, checks shown by each field, a note where a warning needs one, Excel template and
//! import); approvers get the same figures read-only with Approve and Return; leaders read.
//! One page for all of them, so an approver sees exactly what the unit entered.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

use super::numbers::{edit_text, show};
use super::text::EntryMsg as T;
use super::{
    date_label, loading, period_label, time_label, unit_label, DeadlineChip, EntryCtx, EntryFrame,
    FailureNote, GovernmentChip, Screen, StatusChip,
};
use crate::api::{self, Failure, Load};
use ioc_protocol::i18n::parse_number;
use ioc_protocol::i18n::{format_number, Lang};
use ioc_protocol::{
    EntryInput, EntryRevision, EntryRow, EntryValue, FigureKind, Finding, ReturnRequest, Role,
    SaveEntries, Severity, SubmissionStatus, SubmissionView,
};

const KINDS: [FigureKind; 2] = [FigureKind::Estimate, FigureKind::Official];
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The outcome of the last action, shown above the form.
#[derive(Clone, Debug)]
enum Outcome {
    Done(T),
    Invalid(T),
    Problem(Failure),
}

/// What the form, its buttons and the approver's panel share.
#[derive(Clone, Copy)]
struct Report {
    ctx: EntryCtx,
    base: StoredValue<String>,
    view: RwSignal<Load<SubmissionView>>,
    kind: RwSignal<FigureKind>,
    findings: RwSignal<Vec<Finding>>,
    outcome: RwSignal<Option<Outcome>>,
    /// What the person asked the server for, one job at a time: the buttons are disabled while
    /// it is pending. It takes the report along because the report holds it.
    work: Action<(Report, Job), ()>,
    /// The typed fields of the form on screen (rebuilt whenever the server sends the report).
    fields: RwSignal<Vec<Field>>,
}

/// A request the person started on this page.
#[derive(Clone)]
enum Job {
    /// Save the typed figures of one tab.
    Save(FigureKind),
    /// Save everything typed, then submit.
    Submit,
    /// Send the workbook chosen in the file input to `url`.
    Import {
        el: leptos::web_sys::HtmlInputElement,
        url: String,
    },
    /// `approve` or `return` (with the comment).
    Decide {
        action: &'static str,
        body: Option<ReturnRequest>,
    },
}

impl Report {
    fn run(&self, job: Job) {
        self.work.dispatch_local((*self, job));
    }

    /// Whether a job is running (tracked).
    fn busy(&self) -> bool {
        self.work.pending().get()
    }

    /// Takes the server's answer: the report as it now stands, and no stale findings.
    fn accept(&self, v: SubmissionView) {
        self.findings.set(Vec::new());
        self.view.set(Load::Ready(v));
    }

    /// A refusal: the checks' findings go next to their fields.
    fn refuse(&self, f: Failure) {
        if let Failure::Api { detail, .. } = &f {
            if !detail.findings.is_empty() {
                let needs_note = detail
                    .findings
                    .iter()
                    .all(|x| x.severity == Severity::Warning);
                self.findings.set(detail.findings.clone());
                self.outcome.set(Some(Outcome::Invalid(if needs_note {
                    T::AddNotes
                } else {
                    T::FixFindings
                })));
                return;
            }
        }
        self.outcome.set(Some(Outcome::Problem(f)));
    }
}

#[component]
pub fn EntryFormPage() -> impl IntoView {
    let ctx = EntryCtx::new();
    let params = use_params_map();
    let unit = Memo::new(move |_| params.with(|p| p.get("unit").unwrap_or_default()));
    let period = Memo::new(move |_| params.with(|p| p.get("period").unwrap_or_default()));
    let r = Report {
        ctx,
        base: StoredValue::new(String::new()),
        view: RwSignal::new(Load::Loading),
        kind: RwSignal::new(FigureKind::Estimate),
        findings: RwSignal::new(Vec::new()),
        outcome: RwSignal::new(None),
        work: Action::new_local(|(r, job): &(Report, Job)| work(*r, job.clone())),
        fields: RwSignal::new(Vec::new()),
    };
    Effect::new(move |_| {
        let base = format!(
            "/api/v1/submissions/{}/{}",
            api::encode(&unit.get()),
            api::encode(&period.get())
        );
        r.base.set_value(base.clone());
        r.view.set(Load::Loading);
        spawn_local(async move { r.view.set(api::get(&base).await.into()) });
    });
    let editable = Memo::new(move |_| ctx.edits(&unit.get()));
    let title = format!(
        "{} {}",
        ctx.t(T::Period),
        period_label(&period.get_untracked())
    );

    let body = move || {
        match r.view.get() {
        Load::Loading => view! { {loading(ctx)} <noscript><p class="hint">{ctx.t(T::NeedsScript)}</p></noscript> }.into_any(),
        Load::Failed(f) => view! { <FailureNote ctx failure=f /> }.into_any(),
        Load::Ready(v) => {
            let edit = editable.get();
            view! {
                <ReportHead r v=v.clone() />
                <OutcomeView r />
                <KindTabs r v=v.clone() />
                <FigureRows r v=v.clone() edit />
                {edit.then(|| view! { <EditorActions r v=v.clone() /> })}
                <Show when=move || ctx.has_role(Role::Approver)>
                    <ApproverPanel r status=v.status />
                </Show>
                <HistoryPanel r v=v.clone() />
            }
            .into_any()
        }
    }
    };
    view! {
        <EntryFrame ctx screen=Screen::Report title>
            <BackLink ctx period />
            {body}
        </EntryFrame>
    }
}

/// Back to where people come from: their list, or the approval board of the period.
#[component]
fn BackLink(ctx: EntryCtx, period: Memo<String>) -> impl IntoView {
    move || {
        if ctx.reads_all() {
            view! { <a class="back" href=ctx.href(&format!("/approve?period={}", period.get()))>"← " {ctx.t(T::BackToBoard)}</a> }.into_any()
        } else {
            view! { <a class="back" href=ctx.href("/entry")>"← " {ctx.t(T::BackToList)}</a> }
                .into_any()
        }
    }
}

#[component]
fn ReportHead(r: Report, v: SubmissionView) -> impl IntoView {
    let ctx = r.ctx;
    let returned = (v.status == SubmissionStatus::Returned)
        .then(|| v.return_comment.clone())
        .flatten();
    let who_decided = v
        .decided_by
        .clone()
        .map(|by| format!("{by} · {}", time_label(v.decided_at)));
    let who_submitted = v
        .submitted_by
        .clone()
        .map(|by| format!("{by} · {}", time_label(v.submitted_at)));
    view! {
        <section class="report-head">
            <p class="report-unit">{unit_label(ctx.lang(), &v.unit_name_vi, &v.unit_name_en)}</p>
            <div class="chips">
                <StatusChip ctx status=Some(v.status) />
                <DeadlineChip ctx status=v.deadline_status />
                <GovernmentChip ctx late=v.late_to_government />
            </div>
            <dl class="report-facts">
                <div><dt>{ctx.t(T::Revision)}</dt><dd class="revision">{v.revision}</dd></div>
                <div><dt>{ctx.t(T::Deadline)}</dt><dd>{date_label(&v.deadline)}</dd></div>
                <div><dt>{ctx.t(T::SendDeadline)}</dt><dd>{date_label(&v.send_deadline)}</dd></div>
                {who_submitted.map(|w| view! { <div><dt>{ctx.t(T::SubmittedAt)}</dt><dd>{w}</dd></div> })}
                {who_decided.map(|w| view! { <div><dt>{ctx.t(T::DecidedBy)}</dt><dd>{w}</dd></div> })}
            </dl>
            {returned.map(|c| view! {
                <div class="return-comment" role="alert">
                    <strong>{ctx.t(T::ReturnedBecause)}</strong>
                    <p>{c}</p>
                </div>
            })}
        </section>
    }
}

#[component]
fn OutcomeView(r: Report) -> impl IntoView {
    let ctx = r.ctx;
    move || {
        r.outcome.get().map(|o| match o {
            Outcome::Done(m) => {
                view! { <p class="notice notice-ok" role="status">{ctx.t(m)}</p> }.into_any()
            }
            Outcome::Invalid(m) => {
                view! { <p class="notice notice-warn" role="alert">{ctx.t(m)}</p> }.into_any()
            }
            Outcome::Problem(f) => view! { <FailureNote ctx failure=f /> }.into_any(),
        })
    }
}

fn kind_label(k: FigureKind) -> T {
    match k {
        FigureKind::Estimate => T::Estimate,
        FigureKind::Official => T::Official,
    }
}

/// Estimate / official: two tabs over the same rows (both are kept while one types).
#[component]
fn KindTabs(r: Report, v: SubmissionView) -> impl IntoView {
    let ctx = r.ctx;
    let tabs = KINDS
        .into_iter()
        .map(|k| {
            let count = v
                .rows
                .iter()
                .filter(|row| value_of(row, k).is_some())
                .count();
            view! {
                <button
                    type="button"
                    role="tab"
                    class="kind-tab"
                    data-kind=k.as_str()
                    aria-selected=move || (r.kind.get() == k).to_string()
                    on:click=move |_| r.kind.set(k)
                >
                    {ctx.t(kind_label(k))}
                    <span class="tab-count">{format!("{count}/{}", v.rows.len())}</span>
                </button>
            }
        })
        .collect_view();
    view! { <div class="kind-tabs" role="tablist">{tabs}</div> }
}

fn value_of(row: &EntryRow, k: FigureKind) -> Option<&EntryValue> {
    match k {
        FigureKind::Estimate => row.estimate.as_ref(),
        FigureKind::Official => row.official.as_ref(),
    }
}

/// The typed text of one figure of one kind.
#[derive(Clone, Copy)]
struct Field {
    series: StoredValue<String>,
    kind: FigureKind,
    decimals: u8,
    value: RwSignal<String>,
    ytd: RwSignal<String>,
    note: RwSignal<String>,
    /// What the server has, to send only what changed (each save is a new revision).
    stored: StoredValue<Option<Stored>>,
}

/// A figure as the server holds it: value, year to date, note.
type Stored = (f64, Option<f64>, Option<String>);

impl Field {
    fn new(row: &EntryRow, kind: FigureKind, lang: Lang) -> Self {
        let d = row.indicator.decimals;
        let current = value_of(row, kind);
        Field {
            series: StoredValue::new(row.indicator.code.clone()),
            kind,
            decimals: d,
            value: RwSignal::new(
                current
                    .map(|c| edit_text(c.value, d, lang))
                    .unwrap_or_default(),
            ),
            ytd: RwSignal::new(
                current
                    .and_then(|c| c.ytd)
                    .map(|y| edit_text(y, d, lang))
                    .unwrap_or_default(),
            ),
            note: RwSignal::new(current.and_then(|c| c.note.clone()).unwrap_or_default()),
            stored: StoredValue::new(current.map(|c| (c.value, c.ytd, c.note.clone()))),
        }
    }

    /// The entry to send when the field differs from what is stored; `Err` when its text is not
    /// a number.
    fn change(&self) -> Result<Option<EntryInput>, ()> {
        let text = self.value.get_untracked();
        if text.trim().is_empty() {
            return Ok(None);
        }
        let value = parse_number(&text, self.decimals).ok_or(())?;
        let ytd_text = self.ytd.get_untracked();
        let ytd = if ytd_text.trim().is_empty() {
            None
        } else {
            Some(parse_number(&ytd_text, self.decimals).ok_or(())?)
        };
        let note = Some(self.note.get_untracked().trim().to_string()).filter(|n| !n.is_empty());
        let same = self.stored.with_value(|s| {
            s.as_ref()
                .is_some_and(|(v, y, n)| *v == value && *y == ytd && *n == note)
        });
        Ok((!same).then(|| EntryInput {
            series: self.series.get_value(),
            value,
            ytd,
            note,
        }))
    }
}

#[component]
fn FigureRows(r: Report, v: SubmissionView, edit: bool) -> impl IntoView {
    let lang = r.ctx.lang();
    let fields: Vec<Field> = v
        .rows
        .iter()
        .flat_map(|row| KINDS.map(|k| Field::new(row, k, lang)))
        .collect();
    r.fields.set(fields.clone());
    let rows = v
        .rows
        .into_iter()
        .map(|row| {
            let mine: Vec<Field> = fields
                .iter()
                .filter(|f| f.series.with_value(|s| *s == row.indicator.code))
                .copied()
                .collect();
            view! { <FigureRow r row fields=mine edit /> }
        })
        .collect_view();
    view! { <div class="entry-rows">{rows}</div> }
}

#[component]
fn FigureRow(r: Report, row: EntryRow, fields: Vec<Field>, edit: bool) -> impl IntoView {
    let ctx = r.ctx;
    let lang = ctx.lang();
    let ind = &row.indicator;
    let d = ind.decimals;
    let (name, measure) = match lang {
        Lang::Vi => (ind.name_vi.clone(), ind.measure_vi.clone()),
        Lang::En => (ind.name_en.clone(), ind.measure_en.clone()),
    };
    let with_ytd = ind.cumulative || ind.aggregation == ioc_protocol::Aggregation::Rate;
    let series = ind.code.clone();
    let flagged = {
        let series = series.clone();
        move || {
            r.findings.with(|f| {
                f.iter()
                    .any(|x| x.series == series && x.kind == r.kind.get())
            })
        }
    };
    let panels = fields
        .into_iter()
        .map(|f| {
            let k = f.kind;
            let current = value_of(&row, k).cloned();
            let hidden = move || r.kind.get() != k;
            let inner = if edit {
                view! { <FieldInputs r f with_ytd ytd_before=row.ytd_before /> }.into_any()
            } else {
                view! { <FieldReadOnly ctx current decimals=d with_ytd /> }.into_any()
            };
            view! { <div class="figure-panel" data-kind=k.as_str() hidden=hidden>{inner}</div> }
        })
        .collect_view();
    view! {
        <article class="entry-row" class:entry-row-flagged=flagged data-series=series>
            <header class="entry-name">
                <h3>{name}</h3>
                <span class="measure">{measure}</span>
            </header>
            <dl class="entry-refs">
                <div><dt>{ctx.t(T::PreviousMonth)}</dt><dd>{show(row.previous_month, d, lang)}</dd></div>
                <div><dt>{ctx.t(T::SameMonthLastYear)}</dt><dd>{show(row.same_month_last_year, d, lang)}</dd></div>
                {with_ytd.then(|| view! { <div><dt>{ctx.t(T::YtdBefore)}</dt><dd>{show(row.ytd_before, d, lang)}</dd></div> })}
            </dl>
            <div class="entry-figures">{panels}</div>
        </article>
    }
}

/// The inputs of one figure: value, year to date where the indicator has one, the checks'
/// findings, and the note once a warning asks for it (or one was given before).
#[component]
fn FieldInputs(r: Report, f: Field, with_ytd: bool, ytd_before: Option<f64>) -> impl IntoView {
    let ctx = r.ctx;
    let lang = ctx.lang();
    let series = f.series.get_value();
    let id = format!("f-{}-{}", series, f.kind.as_str());
    let mine = {
        let series = series.clone();
        Memo::new(move |_| {
            r.findings.with(|all| {
                all.iter()
                    .filter(|x| x.series == series && x.kind == f.kind)
                    .cloned()
                    .collect::<Vec<_>>()
            })
        })
    };
    let needs_note = move || mine.with(|m| m.iter().any(|x| x.severity == Severity::Warning));
    let show_note = move || {
        needs_note()
            || !f.note.with(|n| n.is_empty())
            || f.stored
                .with_value(|s| s.as_ref().is_some_and(|x| x.2.is_some()))
    };
    let has_error = move || mine.with(|m| m.iter().any(|x| x.severity == Severity::Error));
    // What the typed text will be read as: a misread separator shows before it is saved.
    let reading = move |text: String| {
        if text.trim().is_empty() {
            return None;
        }
        Some(match parse_number(&text, f.decimals) {
            Some(v) => {
                let shown = format_number(v, f.decimals.max(decimals_typed(&text)), lang);
                (shown != text.trim()).then(|| {
                    view! { <small class="reading">{ctx.t(T::ReadAs)} " " {shown}</small> }
                        .into_any()
                })?
            }
            None => {
                view! { <small class="field-error" role="alert">{ctx.t(T::NotANumber)}</small> }
                    .into_any()
            }
        })
    };
    let expected_ytd = move || {
        let v = parse_number(&f.value.get(), f.decimals)?;
        Some(format_number(ytd_before? + v, f.decimals, lang))
    };
    let invalid_value = move || {
        !f.value
            .with(|t| t.trim().is_empty() || parse_number(t, f.decimals).is_some())
    };
    let list = {
        move || {
            mine.get()
                .into_iter()
                .map(|x| {
                    let class = if x.severity == Severity::Error {
                        "finding finding-error"
                    } else {
                        "finding finding-warning"
                    };
                    let text = if lang == Lang::Vi {
                        x.message_vi
                    } else {
                        x.message_en
                    };
                    view! { <li class=class data-code=x.code>{text}</li> }
                })
                .collect_view()
        }
    };
    view! {
        <div class="field-grid">
            <label class="field">
                <span>{ctx.t(T::ThisMonth)}</span>
                <input
                    id=id.clone()
                    class="figure-value"
                    type="text"
                    inputmode="decimal"
                    autocomplete="off"
                    bind:value=f.value
                    aria-invalid=move || (invalid_value() || has_error()).to_string()
                />
                {move || reading(f.value.get())}
            </label>
            {with_ytd.then(|| view! {
                <label class="field">
                    <span>{ctx.t(T::Ytd)}</span>
                    <input class="figure-ytd" type="text" inputmode="decimal" autocomplete="off" bind:value=f.ytd placeholder=move || expected_ytd().unwrap_or_default() />
                    {move || reading(f.ytd.get())}
                    {move || expected_ytd().map(|e| view! { <small class="hint">{ctx.t(T::YtdExpected)} ": " {e}</small> })}
                </label>
            })}
        </div>
        <ul class="findings">{list}</ul>
        <Show when=show_note>
            <label class="field field-note">
                <span>{ctx.t(T::Note)} {move || needs_note().then(|| view! { <em class="needed">" – " {ctx.t(T::NoteNeeded)}</em> })}</span>
                <textarea class="figure-note" rows="2" bind:value=f.note placeholder=ctx.t(T::NoteHint)></textarea>
            </label>
        </Show>
    }
}

/// Decimals the person typed (so "Read as" does not round what they wrote).
fn decimals_typed(text: &str) -> u8 {
    let t = text.trim();
    match (t.rfind(','), t.rfind('.')) {
        (Some(c), Some(d)) => (t.len() - c.max(d) - 1) as u8,
        (Some(c), None) => (t.len() - c - 1) as u8,
        _ => 0,
    }
    .min(6)
}

#[component]
fn FieldReadOnly(
    ctx: EntryCtx,
    current: Option<EntryValue>,
    decimals: u8,
    with_ytd: bool,
) -> impl IntoView {
    let lang = ctx.lang();
    let Some(c) = current else {
        return view! { <p class="figure-read empty">"—"</p> }.into_any();
    };
    let warnings = c
        .warnings
        .iter()
        .map(|w| view! { <li class="finding finding-warning" data-code=w.code.clone()>{if lang == Lang::Vi { w.message_vi.clone() } else { w.message_en.clone() }}</li> })
        .collect_view();
    let by = c.entered_by.clone().map(|b| {
        format!(
            "{} {b} · {}",
            ctx.t(T::EnteredBy),
            super::time_label(Some(c.entered_at))
        )
    });
    view! {
        <dl class="figure-read">
            <div><dt>{ctx.t(T::ThisMonth)}</dt><dd class="figure-value">{format_number(c.value, decimals, lang)}</dd></div>
            {with_ytd.then(|| view! { <div><dt>{ctx.t(T::Ytd)}</dt><dd>{show(c.ytd, decimals, lang)}</dd></div> })}
        </dl>
        <ul class="findings">{warnings}</ul>
        {c.note.clone().map(|n| view! { <p class="figure-note-read"><strong>{ctx.t(T::Note)} ": "</strong>{n}</p> })}
        {by.map(|b| view! { <p class="hint">{b}</p> })}
    }
    .into_any()
}

/// Runs one job and shows its outcome (see [`Job`]).
async fn work(r: Report, job: Job) {
    match job {
        Job::Save(k) => {
            if save_kinds(r, &[k]).await {
                r.outcome.set(Some(Outcome::Done(T::Saved)));
            }
        }
        Job::Submit => {
            if save_kinds(r, &KINDS).await {
                let url = format!("{}/submit", r.base.get_value());
                match api::send::<(), SubmissionView>("POST", &url, &r.ctx.csrf(), None).await {
                    Ok(Some(v)) => {
                        r.accept(v);
                        r.outcome.set(Some(Outcome::Done(T::Submitted)));
                    }
                    Ok(None) => {}
                    Err(f) => r.refuse(f),
                }
            }
        }
        Job::Import { el, url } => {
            match upload(&el, &url, &r.ctx.csrf()).await {
                Ok(Some(v)) => {
                    r.accept(v);
                    r.outcome.set(Some(Outcome::Done(T::Imported)));
                }
                Ok(None) => {}
                Err(f) => r.refuse(f),
            }
            el.set_value("");
        }
        Job::Decide { action, body } => {
            let url = format!("{}/{action}", r.base.get_value());
            match api::send::<_, SubmissionView>("POST", &url, &r.ctx.csrf(), body.as_ref()).await {
                Ok(Some(v)) => {
                    r.accept(v);
                    r.outcome.set(Some(Outcome::Done(if action == "approve" {
                        T::Approved
                    } else {
                        T::ReturnedDone
                    })));
                }
                Ok(None) => {}
                Err(f) => r.refuse(f),
            }
        }
    }
}

/// Saves the changed figures of `kinds` one kind at a time; false when something was refused
/// (the outcome says what).
async fn save_kinds(r: Report, kinds: &[FigureKind]) -> bool {
    for &k in kinds {
        let mut values = Vec::new();
        for f in r.fields.get_untracked().iter().filter(|f| f.kind == k) {
            match f.change() {
                Ok(Some(input)) => values.push(input),
                Ok(None) => {}
                Err(()) => {
                    r.kind.set(k);
                    r.outcome.set(Some(Outcome::Invalid(T::FixErrors)));
                    return false;
                }
            }
        }
        if values.is_empty() {
            continue;
        }
        let url = format!("{}/entries", r.base.get_value());
        let body = SaveEntries { kind: k, values };
        match api::send::<_, SubmissionView>("PUT", &url, &r.ctx.csrf(), Some(&body)).await {
            Ok(Some(v)) => r.accept(v),
            Ok(None) => {}
            Err(f) => {
                r.kind.set(k);
                r.refuse(f);
                return false;
            }
        }
    }
    true
}

fn has_changes(r: Report, kinds: &[FigureKind]) -> bool {
    r.fields.with_untracked(|all| {
        all.iter()
            .filter(|f| kinds.contains(&f.kind))
            .any(|f| !matches!(f.change(), Ok(None)))
    })
}

#[component]
fn EditorActions(r: Report, v: SubmissionView) -> impl IntoView {
    let ctx = r.ctx;
    let can_submit = matches!(
        v.status,
        SubmissionStatus::Draft
            | SubmissionStatus::Returned
            | SubmissionStatus::Approved
            | SubmissionStatus::Sent
    );
    let save = move |_| {
        let k = r.kind.get_untracked();
        if !has_changes(r, &[k]) {
            r.outcome.set(Some(Outcome::Invalid(T::NothingToSave)));
            return;
        }
        r.run(Job::Save(k));
    };
    // What is typed is saved first: submitting must never leave a figure behind.
    let submit = move |_| r.run(Job::Submit);
    let template = format!("{}/template.xlsx", r.base.get_value());
    view! {
        <div class="entry-actions">
            <button type="button" class="btn btn-secondary save" disabled=move || r.busy() on:click=save>{ctx.t(T::Save)}</button>
            <button type="button" class="btn submit" disabled=move || r.busy() || !can_submit on:click=submit>{ctx.t(T::Submit)}</button>
        </div>
        <section class="excel-tools" aria-label=ctx.t(T::Excel)>
            <a class="btn btn-secondary btn-small template" href=template download>{ctx.t(T::Template)}</a>
            <ImportButton r />
        </section>
    }
}

/// A file input that sends the chosen workbook as it is to `…/import?kind=` of the open tab.
#[component]
fn ImportButton(r: Report) -> impl IntoView {
    let ctx = r.ctx;
    let input = NodeRef::<leptos::html::Input>::new();
    let chosen = move |_| {
        let Some(el) = input.get() else { return };
        let k = r.kind.get_untracked();
        let url = format!("{}/import?kind={}", r.base.get_value(), k.as_str());
        r.run(Job::Import { el, url });
    };
    view! {
        <label class="btn btn-secondary btn-small import">
            <span>{ctx.t(T::Import)}</span>
            <input class="import-file" type="file" accept=format!(".xlsx,{XLSX}") node_ref=input on:change=chosen />
        </label>
        <small class="hint">{ctx.t(T::ImportHint)}</small>
    }
}

/// Posts the file chosen in `el` as the raw request body; `Ok(None)` when none was chosen.
#[allow(unused_variables)]
async fn upload(
    el: &leptos::web_sys::HtmlInputElement,
    url: &str,
    csrf: &str,
) -> Result<Option<SubmissionView>, Failure> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::prelude::*;
        use wasm_bindgen::JsCast;
        #[wasm_bindgen]
        extern "C" {
            type FileInput;
            #[wasm_bindgen(method, getter)]
            fn files(this: &FileInput) -> Option<FileList>;
            type FileList;
            #[wasm_bindgen(method)]
            fn item(this: &FileList, index: u32) -> Option<JsValue>;
        }
        let Some(file) = el
            .unchecked_ref::<FileInput>()
            .files()
            .and_then(|l| l.item(0))
        else {
            return Ok(None);
        };
        let request = gloo_net::http::Request::post(url)
            .header("x-csrf-token", csrf)
            .header("content-type", XLSX)
            .body(file)
            .map_err(|e| Failure::Network(e.to_string()))?;
        let resp = request
            .send()
            .await
            .map_err(|e| Failure::Network(e.to_string()))?;
        if !resp.ok() {
            let status = resp.status();
            return Err(match resp.json::<ioc_protocol::ApiErrorBody>().await {
                Ok(body) => Failure::Api {
                    status,
                    detail: body.error,
                },
                Err(_) => Failure::Http(status),
            });
        }
        resp.json::<SubmissionView>()
            .await
            .map(Some)
            .map_err(|e| Failure::Network(e.to_string()))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        Err(Failure::Network("only in the browser".into()))
    }
}

/// Approve, or return with a comment the unit will read. Only while the report awaits a
/// decision; the server refuses other transitions anyway (409).
#[component]
fn ApproverPanel(r: Report, status: SubmissionStatus) -> impl IntoView {
    let ctx = r.ctx;
    let comment = RwSignal::new(String::new());
    if status != SubmissionStatus::Submitted {
        return ().into_any();
    }
    let decide = move |action: &'static str| {
        let body = (action == "return").then(|| ReturnRequest {
            comment: comment.get_untracked().trim().to_string(),
        });
        if body.as_ref().is_some_and(|b| b.comment.is_empty()) {
            r.outcome.set(Some(Outcome::Invalid(T::CommentRequired)));
            return;
        }
        r.run(Job::Decide { action, body });
    };
    view! {
        <section class="approver-panel">
            <button type="button" class="btn approve" disabled=move || r.busy() on:click=move |_| decide("approve")>{ctx.t(T::Approve)}</button>
            <div class="return-form">
                <label class="field">
                    <span>{ctx.t(T::ReturnComment)}</span>
                    <textarea class="return-comment-input" rows="2" bind:value=comment placeholder=ctx.t(T::ReturnCommentHint)></textarea>
                </label>
                <button type="button" class="btn btn-danger return" disabled=move || r.busy() on:click=move |_| decide("return")>{ctx.t(T::Return)}</button>
            </div>
        </section>
    }
    .into_any()
}

/// Every entry of the report, newest first; loaded when opened, again after each change.
#[component]
fn HistoryPanel(r: Report, v: SubmissionView) -> impl IntoView {
    let ctx = r.ctx;
    let history = RwSignal::new(None::<Load<Vec<EntryRevision>>>);
    let open = RwSignal::new(false);
    let names: Vec<(String, String, u8)> = v
        .rows
        .iter()
        .map(|row| {
            (
                row.indicator.code.clone(),
                unit_label(ctx.lang(), &row.indicator.name_vi, &row.indicator.name_en),
                row.indicator.decimals,
            )
        })
        .collect();
    let names = StoredValue::new(names);
    let load = move || {
        let url = format!("{}/history", r.base.get_value());
        history.set(Some(Load::Loading));
        spawn_local(async move { history.set(Some(api::get(&url).await.into())) });
    };
    let toggle = move |ev: leptos::ev::Event| {
        let now_open = event_target::<leptos::web_sys::HtmlDetailsElement>(&ev).open();
        open.set(now_open);
        if now_open {
            load();
        }
    };
    let table = move || {
        let lang = ctx.lang();
        history.get().map(|h| match h {
            Load::Loading => loading(ctx),
            Load::Failed(f) => view! { <FailureNote ctx failure=f /> }.into_any(),
            Load::Ready(list) if list.is_empty() => view! { <p class="admin-empty">{ctx.t(T::HistoryEmpty)}</p> }.into_any(),
            Load::Ready(list) => {
                let rows = list
                    .into_iter()
                    .map(|e| {
                        let (name, d) = names.with_value(|n| {
                            n.iter().find(|x| x.0 == e.series).map(|x| (x.1.clone(), x.2)).unwrap_or((e.series.clone(), 2))
                        });
                        let source = match e.source.as_str() {
                            "form" => ctx.t(T::SourceForm).to_string(),
                            "excel" | "xlsx" | "import" => ctx.t(T::SourceExcel).to_string(),
                            other => other.to_string(),
                        };
                        view! {
                            <tr>
                                <td data-label=ctx.t(T::Time)><time>{crate::format::format_time(e.entered_at)}</time></td>
                                <td data-label=ctx.t(T::Indicator)>{name}</td>
                                <td data-label=ctx.t(T::Kind)>{ctx.t(kind_label(e.kind))}</td>
                                <td data-label=ctx.t(T::Value) class="num">{format_number(e.value, d, lang)}</td>
                                <td data-label=ctx.t(T::Ytd) class="num">{show(e.ytd, d, lang)}</td>
                                <td data-label=ctx.t(T::Note)>{e.note.unwrap_or_default()}</td>
                                <td data-label=ctx.t(T::EnteredBy)>{e.entered_by.unwrap_or_default()} <span class="sub">{source}</span></td>
                                <td data-label=ctx.t(T::Revision)>{e.revision}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <div class="admin-table-wrap">
                        <table class="admin-table history-table">
                            <thead><tr>
                                {[T::Time, T::Indicator, T::Kind, T::Value, T::Ytd, T::Note, T::EnteredBy, T::Revision].into_iter().map(|h| view! { <th>{ctx.t(h)}</th> }).collect_view()}
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            }
        })
    };
    view! {
        <details class="admin-panel history" on:toggle=toggle>
            <summary>{ctx.t(T::History)}</summary>
            <div class="history-body">{table}</div>
        </details>
    }
}
