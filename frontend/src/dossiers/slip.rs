//! `/dossiers/{id}/apologies/{n}`: apology slip `n` of a dossier as the printed form of Decree
//! 61/2018/NĐ-CP, Mẫu số 04 (as amended by Decree 107/2021): the issuing body top left under its
//! superior, the national heading top right, place and date, the title, "Kính gửi" left blank
//! (no personal data is stored), the dossier's facts, the reason, the apology and the new return
//! date, the signature blocks. Vietnamese is the legal form; `?lang=en` renders an English
//! version with the same layout. On paper (A4, `assets/dossier-office.css`) only the sheet
//! prints: no navigation.

use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use leptos_meta::{Html, Stylesheet, Title};
use leptos_router::hooks::{use_location, use_params_map};

use super::office::day;
use super::office_text::DossierMsg as D;
use crate::api;
use crate::entry::{loading, EntryCtx, FailureNote};
use crate::format::vietnam_time;
use ioc_protocol::i18n::{Lang, Msg};
use ioc_protocol::ApologySlip;

/// What the form prints, in one language, computed from the slip (pure, unit-tested).
#[derive(Debug, PartialEq)]
pub struct SlipText {
    /// The superior (for a department, the province's People's Committee) and the issuing body.
    pub agency_lines: [String; 2],
    pub date_line: String,
    pub occurrence: String,
    pub paragraphs: Vec<String>,
    pub reason_label: &'static str,
    pub reason: String,
}

fn strip_any<'a>(name: &'a str, prefixes: &[&str], suffixes: &[&str]) -> &'a str {
    let name = prefixes
        .iter()
        .find_map(|p| name.strip_prefix(p))
        .unwrap_or(name);
    suffixes
        .iter()
        .find_map(|s| name.strip_suffix(s))
        .unwrap_or(name)
}

/// `ngày 03 tháng 12 năm 2026`: days under 10 and the months 1 and 2 take a leading zero (the
/// rule of Decree 30/2020/NĐ-CP on documents), other months do not.
pub fn vietnamese_date(d: NaiveDate) -> (String, String, String) {
    let month = if d.month() <= 2 {
        format!("{:02}", d.month())
    } else {
        d.month().to_string()
    };
    (format!("{:02}", d.day()), month, d.year().to_string())
}

fn english_date(d: NaiveDate) -> String {
    format!("{} {}", d.day(), d.format("%B %Y"))
}

impl SlipText {
    pub fn new(s: &ApologySlip, lang: Lang) -> Self {
        let commune = s.unit_kind == "commune";
        let agency = agency(s, lang);
        let (agency_lines, place) = match lang {
            Lang::Vi => {
                let superior = if commune {
                    D::PeoplesCommittee.vi().to_string()
                } else {
                    D::ProvinceCommittee
                        .vi()
                        .replace("{province}", &s.province_name_vi.to_uppercase())
                };
                let place = if commune {
                    strip_any(&s.unit_name_vi, &["Xã ", "Phường ", "Đặc khu "], &[])
                } else {
                    strip_any(&s.province_name_vi, &["Tỉnh ", "Thành phố "], &[])
                };
                ([superior, s.unit_name_vi.to_uppercase()], place.to_string())
            }
            Lang::En => {
                let superior = if commune {
                    D::PeoplesCommittee.en().to_string()
                } else {
                    D::ProvinceCommittee
                        .en()
                        .replace("{province}", &s.province_name_en.to_uppercase())
                };
                let place = if commune {
                    strip_any(
                        &s.unit_name_en,
                        &[],
                        &[" Commune", " Ward", " Special Zone"],
                    )
                } else {
                    strip_any(&s.province_name_en, &[], &[" Province", " City"])
                };
                ([superior, s.unit_name_en.to_uppercase()], place.to_string())
            }
        };
        let issued = vietnam_time(s.apology.issued_at).date_naive();
        let date_line = match lang {
            Lang::Vi => {
                let (d, m, y) = vietnamese_date(issued);
                D::DateLine
                    .vi()
                    .replace("{place}", &place)
                    .replace("{d}", &d)
                    .replace("{m}", &m)
                    .replace("{y}", &y)
            }
            Lang::En => D::DateLine
                .en()
                .replace("{place}", &place)
                .replace("{date}", &english_date(issued)),
        };
        let procedure = match lang {
            Lang::En if !s.procedure_name_en.is_empty() => s.procedure_name_en.clone(),
            _ => s.procedure_name_vi.clone(),
        };
        let fill = |m: D| {
            m.get(lang)
                .replace("{agency}", &agency)
                .replace("{procedure}", &procedure)
                .replace("{code}", &s.apology.dossier_id)
                .replace("{new_due}", &day(s.apology.new_due))
        };
        let received = s
            .received_at
            .map(|r| day(vietnam_time(r).date_naive()))
            .unwrap_or_else(|| "……".into());
        let first_due = s.due_date.unwrap_or(s.apology.previous_due);
        let due = if s.apology.number > 1 && s.apology.previous_due != first_due {
            fill(D::BodyDueAgain)
                .replace("{due}", &day(first_due))
                .replace("{previous}", &day(s.apology.previous_due))
        } else {
            fill(D::BodyDue).replace("{due}", &day(first_due))
        };
        // The applicant's blank is a row of dots that may wrap anywhere, so that a justified
        // line is never stretched around it.
        let paragraphs = vec![
            fill(D::BodyReceived)
                .replace("{received}", &received)
                .replace('…', "…\u{200B}"),
            fill(D::BodyCode),
            due,
            upper_first(&fill(D::BodyLate)),
        ];
        SlipText {
            agency_lines,
            date_line,
            occurrence: D::Occurrence
                .get(lang)
                .replace("{n}", &s.apology.number.to_string()),
            paragraphs,
            reason_label: D::BodyReason.get(lang),
            reason: s.apology.reason.clone(),
        }
    }

    /// The apology and the new date, then the thanks (after the reason).
    pub fn closing(s: &ApologySlip, lang: Lang) -> Vec<String> {
        vec![
            upper_first(
                &D::BodyApology
                    .get(lang)
                    .replace("{agency}", &agency(s, lang))
                    .replace("{new_due}", &day(s.apology.new_due)),
            ),
            D::BodyThanks.get(lang).to_string(),
        ]
    }
}

/// The issuing body as the sentences name it: a commune's People's Committee, or the department.
fn agency(s: &ApologySlip, lang: Lang) -> String {
    match lang {
        Lang::Vi if s.unit_kind == "commune" => {
            format!("Ủy ban nhân dân {}", lower_first(&s.unit_name_vi))
        }
        Lang::Vi => s.unit_name_vi.clone(),
        Lang::En if s.unit_kind == "commune" => {
            format!("the People's Committee of {}", s.unit_name_en)
        }
        Lang::En => format!("the {}", s.unit_name_en),
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[component]
pub fn ApologySlipPage() -> impl IntoView {
    let ctx = EntryCtx::new();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let n = Memo::new(move |_| params.with(|p| p.get("n").unwrap_or_default()));
    let slip = api::resource::<ApologySlip>(move || {
        format!(
            "/api/v1/dossiers/{}/apologies/{}",
            api::encode(&id.get()),
            api::encode(&n.get())
        )
    });
    let lang = ctx.lang();
    let path = use_location().pathname.get_untracked();
    let print = move |_| {
        let _ = window().print();
    };
    let sheet = move || match slip.get() {
        None => loading(ctx),
        Some(Err(f)) => view! { <FailureNote ctx failure=f /> }.into_any(),
        Some(Ok(s)) => view! { <SlipSheet slip=s lang /> }.into_any(),
    };
    view! {
        <Html {..} lang=lang.code() />
        <Title text=format!("{} – {}", D::SlipTitle.get(lang), ctx.msg(Msg::AppTitle)) />
        <Stylesheet href="/assets/dossier-office.css" />
        <div class="slip-page">
            <nav class="slip-toolbar no-print">
                <a class="btn btn-ghost" href=ctx.href("/dossiers")>{"← "}{D::Back.get(lang)}</a>
                <button type="button" class="btn slip-print" on:click=print>{D::Print.get(lang)}</button>
                <a class="lang-switch" rel="external" href=format!("{path}?lang={}", lang.other().code())>{ctx.msg(Msg::SwitchLanguage)}</a>
                <span class="hint">{D::PrintHint.get(lang)}</span>
            </nav>
            {sheet}
        </div>
    }
}

/// The sheet itself: what goes on paper.
#[component]
fn SlipSheet(slip: ApologySlip, lang: Lang) -> impl IntoView {
    let text = SlipText::new(&slip, lang);
    let closing = SlipText::closing(&slip, lang);
    let [superior, agency] = text.agency_lines;
    view! {
        <article class="slip-sheet" lang=lang.code() data-dossier=slip.apology.dossier_id.clone() data-number=slip.apology.number>
            <header class="slip-head">
                <div class="slip-agency">
                    <p>{superior}</p>
                    <p class="strong">{agency}</p>
                    <hr />
                    <p>{D::Number.get(lang)}</p>
                </div>
                <div class="slip-nation">
                    <p class="strong">{D::Republic.get(lang)}</p>
                    <p class="strong motto">{D::Motto.get(lang)}</p>
                    <hr />
                    <p class="slip-date">{text.date_line}</p>
                </div>
            </header>
            <h1 class="slip-title">{D::SlipTitle.get(lang)}</h1>
            <p class="slip-occurrence">{text.occurrence}</p>
            <p class="slip-to"><span>{D::To.get(lang)}</span> <span class="blank"></span></p>
            <div class="slip-body">
                {text.paragraphs.into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}
                <p class="slip-reason"><span>{text.reason_label}</span> " " {text.reason}</p>
                {closing.into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}
            </div>
            <footer class="slip-sign">
                <div>
                    <p class="strong">{D::Preparer.get(lang)}</p>
                    <p class="sign-hint">{D::PreparerSign.get(lang)}</p>
                </div>
                <div>
                    <p class="strong">{D::Head.get(lang)}</p>
                    <p class="sign-hint">{D::HeadSign.get(lang)}</p>
                </div>
            </footer>
            <p class="slip-form-note">{D::FormNote.get(lang)}</p>
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use ioc_protocol::ApologyView;

    fn slip(kind: &str) -> ApologySlip {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let (unit_vi, unit_en) = if kind == "commune" {
            ("Xã Anh Sơn", "Anh Son Commune")
        } else {
            ("Sở Tư pháp", "Department of Justice")
        };
        ApologySlip {
            apology: ApologyView {
                dossier_id: "000.00.17.H40-261101-0001".into(),
                number: 2,
                reason: "Chờ xác minh hồ sơ gốc".into(),
                previous_due: d(11, 20),
                new_due: d(12, 10),
                // 3 December, 09:00 in Vietnam.
                issued_at: Utc.with_ymd_and_hms(2026, 12, 3, 2, 0, 0).unwrap(),
                issued_by: "user:can.bo".into(),
            },
            procedure: "1.001193".into(),
            procedure_name_vi: "Đăng ký khai sinh".into(),
            procedure_name_en: "Birth registration".into(),
            unit: "17329".into(),
            unit_name_vi: unit_vi.into(),
            unit_name_en: unit_en.into(),
            unit_kind: kind.into(),
            province_name_vi: "Tỉnh Nghệ An".into(),
            province_name_en: "Nghe An Province".into(),
            received_at: Some(Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).unwrap()),
            due_date: Some(d(11, 13)),
            postponements: 2,
        }
    }

    #[test]
    fn a_commune_slip_reads_as_the_decree_form() {
        let t = SlipText::new(&slip("commune"), Lang::Vi);
        assert_eq!(
            t.agency_lines,
            ["ỦY BAN NHÂN DÂN".to_string(), "XÃ ANH SƠN".to_string()]
        );
        assert_eq!(t.date_line, "Anh Sơn, ngày 03 tháng 12 năm 2026");
        assert_eq!(t.occurrence, "(Lần 2)");
        assert!(
            t.paragraphs[0].starts_with("Ngày 02/11/2026, Ủy ban nhân dân xã Anh Sơn tiếp nhận"),
            "{}",
            t.paragraphs[0]
        );
        assert!(t.paragraphs[0].contains("“Đăng ký khai sinh”"));
        assert!(t.paragraphs[0].contains("Tổ chức …\u{200B}…"));
        assert_eq!(t.paragraphs[1], "Mã số hồ sơ: 000.00.17.H40-261101-0001.");
        assert!(t.paragraphs[2].contains("13/11/2026") && t.paragraphs[2].contains("20/11/2026"));
        assert!(t.paragraphs[3].starts_with("Tuy nhiên đến nay, Ủy ban nhân dân xã Anh Sơn"));
        let closing = SlipText::closing(&slip("commune"), Lang::Vi);
        assert!(closing[0].contains("xin lỗi") && closing[0].ends_with("vào ngày 10/12/2026."));
    }

    #[test]
    fn a_department_slip_sits_under_the_province_and_english_keeps_the_layout() {
        let t = SlipText::new(&slip("department"), Lang::Vi);
        assert_eq!(t.agency_lines[0], "UBND TỈNH NGHỆ AN");
        assert_eq!(t.agency_lines[1], "SỞ TƯ PHÁP");
        assert!(t.date_line.starts_with("Nghệ An, ngày 03 tháng 12"));
        let en = SlipText::new(&slip("department"), Lang::En);
        assert_eq!(en.agency_lines[0], "PEOPLE'S COMMITTEE OF NGHE AN PROVINCE");
        assert_eq!(en.date_line, "Nghe An, 3 December 2026");
        assert!(en.paragraphs[0].contains("“Birth registration”"));
        assert!(en.paragraphs[3].starts_with("However, the Department of Justice"));
        assert_eq!(en.occurrence, "(No. 2)");
        let closing = SlipText::closing(&slip("department"), Lang::En);
        assert!(
            closing[0].starts_with("The Department of Justice apologises"),
            "{}",
            closing[0]
        );
    }

    #[test]
    fn dates_pad_days_and_the_first_two_months_only() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        assert_eq!(
            vietnamese_date(d(1, 5)),
            ("05".into(), "01".into(), "2026".into())
        );
        assert_eq!(
            vietnamese_date(d(3, 15)),
            ("15".into(), "3".into(), "2026".into())
        );
        assert_eq!(vietnamese_date(d(12, 3)).1, "12");
    }
}
