//! `/admin/calendar`: the working calendar of a year — holidays, substitute days, swap days off
//! and the weekend days worked to repay them, each with its source and whether the Government
//! announced it or the rules expect it. Administrators add, edit and delete days
//! (`/api/v1/calendar/days/{day}`, audited); deadlines follow at once. A warning shows when the
//! current or the next year has no announced schedule.

use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{loading_view, AdminCtx, AdminFrame, FailureView, Note, NoteView, Section};
use crate::api::{self, Load};
use crate::i18n::{texts, Common};
use ioc_protocol::i18n::Lang;
use ioc_protocol::{CalendarDay, CalendarDayInput, CalendarYear, DayKind};

texts! {
    /// The calendar screen's own texts (the style and the common words: [`crate::i18n`]).
    pub enum CalMsg {
        Lead => "Hạn báo cáo tính theo lịch này: ngày nghỉ (lễ, Tết, nghỉ bù, nghỉ hoán đổi) không phải ngày làm việc, thứ Bảy làm bù là ngày làm việc. Năm chưa nhập lịch do Chính phủ công bố dùng lịch dự kiến tính từ quy định (Bộ luật Lao động 2019, Điều 112; âm lịch Việt Nam, múi giờ UTC+7).", "Report deadlines count on this calendar: days off (holidays, Tết, substitute days, swap days) are not working days, a working Saturday is one. A year without the Government's announced schedule uses the schedule expected from the rules (Labour Code 2019, art. 112; Vietnamese lunar calendar, UTC+7).";
        Year => "Năm", "Year";
        Previous => "Năm trước", "Previous year";
        Next => "Năm sau", "Next year";
        Day => "Ngày", "Day";
        Kind => "Loại", "Kind";
        Name => Common::Name;
        NameVi => Common::NameVi;
        NameEn => Common::NameEn;
        Source => "Văn bản", "Source";
        SourceHint => "VD: Thông báo số …/TB-VPCP ngày …", "e.g. Thông báo số …/TB-VPCP ngày …";
        State => Common::Status;
        Announced => "Đã công bố", "Announced";
        Expected => "Dự kiến", "Expected";
        AnnouncedCheck => "Chính phủ đã công bố", "Announced by the Government";
        RepaidOn => "Làm bù vào (thứ Bảy/Chủ nhật)", "Repaid on (Saturday/Sunday)";
        Holiday => "Ngày lễ, Tết", "Public holiday";
        Compensatory => "Nghỉ bù", "Substitute day off";
        Swap => "Nghỉ hoán đổi", "Swap day off";
        Working => "Làm bù (cuối tuần)", "Working weekend day";
        YearStored => "Lịch năm này đã lưu", "This year's schedule is stored";
        YearExpected => "Chưa có ngày nào được lưu: đây là lịch dự kiến theo quy định. Thêm hoặc sửa một ngày sẽ lưu cả năm.", "Nothing stored: this is the schedule expected from the rules. Adding or editing a day stores the whole year.";
        AddTitle => "Thêm ngày", "Add a day";
        EditTitle => "Sửa ngày", "Edit day";
        Add => "Thêm", "Add";
        Save => Common::Save;
        Edit => Common::Edit;
        Delete => "Xóa", "Delete";
        Added => "Đã thêm", "Added";
        Saved => "Đã lưu", "Saved";
        Deleted => "Đã xóa", "Deleted";
        BadDay => "Ngày không hợp lệ (dạng ngày/tháng/năm)", "Invalid date (day/month/year)";
        Empty => "Không có ngày nghỉ nào", "No days off";
        Repays => "làm bù ngày", "repaid on";
    }
}

fn kind_label(k: DayKind) -> CalMsg {
    match k {
        DayKind::Holiday => CalMsg::Holiday,
        DayKind::Compensatory => CalMsg::Compensatory,
        DayKind::Swap => CalMsg::Swap,
        DayKind::Working => CalMsg::Working,
    }
}

const KINDS: [DayKind; 4] = [
    DayKind::Holiday,
    DayKind::Compensatory,
    DayKind::Swap,
    DayKind::Working,
];

fn weekday(d: NaiveDate, lang: Lang) -> &'static str {
    let i = d.weekday().num_days_from_monday() as usize;
    match lang {
        Lang::Vi => [
            "Thứ Hai",
            "Thứ Ba",
            "Thứ Tư",
            "Thứ Năm",
            "Thứ Sáu",
            "Thứ Bảy",
            "Chủ nhật",
        ][i],
        Lang::En => ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][i],
    }
}

fn date_text(d: NaiveDate, lang: Lang) -> String {
    format!("{} {}", weekday(d, lang), d.format("%d/%m/%Y"))
}

/// `dd/mm/yyyy` or `yyyy-mm-dd`.
fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%d/%m/%Y")
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y-%m-%d"))
        .ok()
}

#[component]
pub fn AdminCalendarPage() -> impl IntoView {
    let ctx = AdminCtx::new();
    let t = move |m: CalMsg| m.get(ctx.lang.get_untracked());
    let year = RwSignal::new(chrono::Utc::now().year());
    let data = RwSignal::new(Load::<CalendarYear>::Loading);
    let note = RwSignal::new(None::<Note>);
    let editing = RwSignal::new(None::<CalendarDay>);
    let reload = move || {
        let y = year.get_untracked();
        spawn_local(
            async move { data.set(api::get(&format!("/api/v1/calendar/{y}")).await.into()) },
        )
    };
    Effect::new(move |_| {
        year.track();
        reload();
    });
    let ok = RwSignal::new(None::<String>);
    let done = Callback::new(move |(m, what): (CalMsg, String)| {
        note.set(None);
        ok.set(Some(format!("{} {what}", t(m))));
        editing.set(None);
        reload();
    });
    view! {
        <AdminFrame ctx section=Section::Calendar>
            <p class="admin-lead">{t(CalMsg::Lead)}</p>
            {move || match data.get() {
                Load::Ready(y) => y
                    .warnings
                    .iter()
                    .map(|w| {
                        let text = if ctx.lang.get_untracked() == Lang::En {
                            w.message_en.clone()
                        } else {
                            w.message_vi.clone()
                        };
                        view! { <p class="notice notice-warn calendar-warning" role="alert" data-year=w.year>{text}</p> }
                    })
                    .collect_view()
                    .into_any(),
                _ => ().into_any(),
            }}
            <div class="admin-filters calendar-years">
                <button type="button" class="btn btn-secondary prev-year" on:click=move |_| year.update(|y| *y -= 1)>
                    "← " {t(CalMsg::Previous)}
                </button>
                <strong class="calendar-year">{t(CalMsg::Year)} " " {move || year.get()}</strong>
                <button type="button" class="btn btn-secondary next-year" on:click=move |_| year.update(|y| *y += 1)>
                    {t(CalMsg::Next)} " →"
                </button>
            </div>
            <NoteView ctx note />
            {move || ok.get().map(|text| view! { <p class="notice notice-ok" role="status">{text}</p> })}
            {move || match data.get() {
                Load::Loading => loading_view(ctx),
                Load::Failed(f) => view! { <FailureView ctx failure=f /> }.into_any(),
                Load::Ready(y) => view! { <YearTable ctx year=y editing note done /> }.into_any(),
            }}
            {move || view! { <DayForm ctx editing=editing.get() note done year=year.get() /> }}
        </AdminFrame>
    }
    .into_any()
}

#[component]
fn YearTable(
    ctx: AdminCtx,
    year: CalendarYear,
    editing: RwSignal<Option<CalendarDay>>,
    note: RwSignal<Option<Note>>,
    done: Callback<(CalMsg, String)>,
) -> impl IntoView {
    let lang = ctx.lang.get_untracked();
    let t = move |m: CalMsg| m.get(lang);
    let status = if year.stored {
        t(CalMsg::YearStored)
    } else {
        t(CalMsg::YearExpected)
    };
    let headers = [
        CalMsg::Day,
        CalMsg::Kind,
        CalMsg::Name,
        CalMsg::Source,
        CalMsg::State,
    ];
    let empty = year
        .days
        .is_empty()
        .then(|| view! { <p class="admin-empty">{t(CalMsg::Empty)}</p> });
    let rows = year
        .days
        .into_iter()
        .map(|d| {
            let day = d.day;
            let name = if lang == Lang::En {
                d.name_en.clone()
            } else {
                d.name_vi.clone()
            };
            let repaid = d
                .repaid_on
                .map(|r| format!(" · {} {}", t(CalMsg::Repays), date_text(r, lang)));
            let (chip, state) = if d.announced {
                ("chip chip-ok", t(CalMsg::Announced))
            } else {
                ("chip chip-warn", t(CalMsg::Expected))
            };
            let kind_class = format!("chip kind-{}", d.kind.as_str());
            let edit = d.clone();
            let remove = move |_| {
                let csrf = ctx.csrf();
                let url = format!("/api/v1/calendar/days/{day}");
                spawn_local(async move {
                    match api::send::<(), serde_json::Value>("DELETE", &url, &csrf, None).await {
                        Ok(_) => done.run((CalMsg::Deleted, day.format("%d/%m/%Y").to_string())),
                        Err(f) => note.set(Some(Note::Problem(f))),
                    }
                });
            };
            view! {
                <tr data-day=day.to_string() data-kind=d.kind.as_str() class:row-working=d.kind == DayKind::Working>
                    <td data-label=t(CalMsg::Day) class="cell-name"><strong>{date_text(day, lang)}</strong></td>
                    <td data-label=t(CalMsg::Kind)><span class=kind_class>{t(kind_label(d.kind))}</span></td>
                    <td data-label=t(CalMsg::Name)>{name}{repaid}</td>
                    <td data-label=t(CalMsg::Source) class="cell-source">{d.source.clone()}</td>
                    <td data-label=t(CalMsg::State)><span class=chip data-announced=d.announced.to_string()>{state}</span></td>
                    <td class="cell-actions">
                        <button type="button" class="btn btn-small btn-secondary edit" on:click=move |_| editing.set(Some(edit.clone()))>{t(CalMsg::Edit)}</button>
                        " "
                        <button type="button" class="btn btn-small btn-ghost delete" on:click=remove>{t(CalMsg::Delete)}</button>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="hint calendar-status" data-stored=year.stored.to_string()>{status}</p>
        {empty}
        <div class="admin-table-wrap">
            <table class="admin-table calendar-table">
                <thead>
                    <tr>
                        {headers.into_iter().map(|h| view! { <th>{t(h)}</th> }).collect_view()}
                        <th><span class="sr-only">{t(CalMsg::Edit)}</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// Add a day, or edit the one chosen in the table (its date then stays).
#[component]
fn DayForm(
    ctx: AdminCtx,
    editing: Option<CalendarDay>,
    note: RwSignal<Option<Note>>,
    done: Callback<(CalMsg, String)>,
    year: i32,
) -> impl IntoView {
    let lang = ctx.lang.get_untracked();
    let t = move |m: CalMsg| m.get(lang);
    let is_edit = editing.is_some();
    let e = editing.clone();
    let day = RwSignal::new(
        e.as_ref()
            .map(|d| d.day.format("%d/%m/%Y").to_string())
            .unwrap_or_default(),
    );
    let kind = RwSignal::new(e.as_ref().map_or(DayKind::Holiday, |d| d.kind));
    let name_vi = RwSignal::new(e.as_ref().map(|d| d.name_vi.clone()).unwrap_or_default());
    let name_en = RwSignal::new(e.as_ref().map(|d| d.name_en.clone()).unwrap_or_default());
    let source = RwSignal::new(e.as_ref().map(|d| d.source.clone()).unwrap_or_default());
    let announced = RwSignal::new(e.as_ref().is_none_or(|d| d.announced));
    let repaid = RwSignal::new(
        e.as_ref()
            .and_then(|d| d.repaid_on)
            .map(|r| r.format("%d/%m/%Y").to_string())
            .unwrap_or_default(),
    );
    let invalid = RwSignal::new(false);
    let send = api::send_action(
        if is_edit { "PUT" } else { "POST" },
        move || ctx.csrf(),
        move |answer: Result<Option<CalendarDay>, _>| match answer {
            Ok(saved) => {
                let date = saved
                    .map(|d| d.day)
                    .or_else(|| parse_date(&day.get_untracked()));
                done.run((
                    if is_edit {
                        CalMsg::Saved
                    } else {
                        CalMsg::Added
                    },
                    date.map(|d| d.format("%d/%m/%Y").to_string())
                        .unwrap_or_default(),
                ))
            }
            Err(f) => note.set(Some(Note::Problem(f))),
        },
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(date) = parse_date(&day.get_untracked()) else {
            invalid.set(true);
            return;
        };
        invalid.set(false);
        // A swap day without a readable repayment day goes as such: the server says why.
        let repaid_on = (kind.get_untracked() == DayKind::Swap)
            .then(|| parse_date(&repaid.get_untracked()))
            .flatten();
        let body = CalendarDayInput {
            kind: kind.get_untracked(),
            name_vi: name_vi.get_untracked(),
            name_en: name_en.get_untracked(),
            source: source.get_untracked(),
            announced: announced.get_untracked(),
            repaid_on,
        };
        send.dispatch_local((format!("/api/v1/calendar/days/{date}"), Some(body)));
    };
    let options = KINDS
        .into_iter()
        .map(|k| view! { <option value=k.as_str() selected=move || kind.get() == k>{t(kind_label(k))}</option> })
        .collect_view();
    let placeholder = format!("01/01/{year}");
    view! {
        <form class="admin-form calendar-form" on:submit=submit data-mode=if is_edit { "edit" } else { "add" }>
            <h2>{if is_edit { t(CalMsg::EditTitle) } else { t(CalMsg::AddTitle) }}</h2>
            {move || invalid.get().then(|| view! { <p class="notice notice-error" role="alert">{t(CalMsg::BadDay)}</p> })}
            <label class="field-day">
                <span>{t(CalMsg::Day)}</span>
                <input bind:value=day required placeholder=placeholder readonly=is_edit inputmode="numeric" autocomplete="off" />
            </label>
            <label class="field-kind">
                <span>{t(CalMsg::Kind)}</span>
                <select on:change=move |ev| {
                    if let Some(k) = DayKind::parse(&event_target_value(&ev)) {
                        kind.set(k)
                    }
                }>{options}</select>
            </label>
            <label class="field-repaid" class:field-off=move || kind.get() != DayKind::Swap>
                <span>{t(CalMsg::RepaidOn)}</span>
                <input bind:value=repaid placeholder="dd/mm/yyyy" inputmode="numeric" autocomplete="off" />
            </label>
            <label class="field-name-vi">
                <span>{t(CalMsg::NameVi)}</span>
                <input bind:value=name_vi required />
            </label>
            <label class="field-name-en">
                <span>{t(CalMsg::NameEn)}</span>
                <input bind:value=name_en required />
            </label>
            <label class="field-source">
                <span>{t(CalMsg::Source)}</span>
                <input bind:value=source placeholder=t(CalMsg::SourceHint) />
            </label>
            <label class="check field-announced"><input type="checkbox" bind:checked=announced /><span>{t(CalMsg::AnnouncedCheck)}</span></label>
            <div class="form-actions">
                <button type="submit" class="btn" disabled=move || send.pending().get()>
                    {if is_edit { t(CalMsg::Save) } else { t(CalMsg::Add) }}
                </button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_both_ways() {
        let d = NaiveDate::from_ymd_opt(2026, 1, 10).unwrap();
        assert_eq!(parse_date("10/01/2026"), Some(d));
        assert_eq!(parse_date(" 2026-01-10 "), Some(d));
        assert_eq!(parse_date("30/02/2026"), None);
        assert_eq!(date_text(d, Lang::Vi), "Thứ Bảy 10/01/2026");
    }
}
