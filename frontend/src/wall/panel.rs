//! The "hot issues" panel (Vấn đề nổi bật): the list [`super::hot::hot_issues`] decides, worded
//! in the page's language.

use leptos::prelude::*;

use super::hot::HotIssue;
use super::model::{month_label, Breach};
use super::text::{date_label, WallMsg};
use super::tile::chart_href;
use ioc_protocol::i18n::{format_number, Lang};

#[component]
pub fn HotPanel(issues: Memo<Vec<HotIssue>>, area: String, lang: Memo<Lang>) -> impl IntoView {
    let count = move || issues.with(Vec::len);
    let area = StoredValue::new(area);
    view! {
        <aside class="hot" data-count=move || count().to_string() aria-live="polite">
            <h2 class="hot-title">
                {move || WallMsg::HotIssues.get(lang.get())}
                <span class="hot-count">{count}</span>
            </h2>
            <Show
                when=move || { count() > 0 }
                fallback=move || view! { <p class="hot-none">{move || WallMsg::NoHotIssues.get(lang.get())}</p> }
            >
                <ul class="hot-list">
                    {move || {
                        let l = lang.get();
                        issues.get().into_iter().map(|i| view! { <Issue issue=i area=area.get_value() lang=l /> }).collect_view()
                    }}
                </ul>
            </Show>
        </aside>
    }
    .into_any()
}

#[component]
/// One issue; rebuilt when the list or the language changes.
fn Issue(issue: HotIssue, area: String, lang: Lang) -> impl IntoView {
    let key = issue.key();
    let l = lang;
    let pick = |vi: &str, en: &str| {
        if l == Lang::En {
            en.to_string()
        } else {
            vi.to_string()
        }
    };
    let (class, head, body, href) = match &issue {
        HotIssue::Breach {
            code,
            name_vi,
            name_en,
            period,
            value,
            decimals,
            breach,
        } => {
            let (msg, bound) = match breach {
                Breach::Low(b) => (WallMsg::BelowWarn, b),
                Breach::High(b) => (WallMsg::AboveWarn, b),
            };
            let body = format!(
                "{} {}: {} ({} {})",
                pick(name_vi, name_en),
                month_label(period, l),
                format_number(*value, *decimals, l),
                WallMsg::Threshold.get(l),
                format_number(*bound, *decimals, l)
            );
            (
                "hot-item breach",
                msg.get(l),
                body,
                Some(chart_href(code, &area, l)),
            )
        }
        HotIssue::BehindTarget {
            code,
            name_vi,
            name_en,
            period,
            pct,
            pace_pct,
            change,
            target_change,
            disbursement,
        } => {
            let pace = pace_pct
                .map(|p| format!(" / {} {}%", WallMsg::Pace.get(l), format_number(p, 0, l)))
                .unwrap_or_default();
            let signed = |x: f64| {
                let shown = format_number(x, 1, l);
                if x > 0.0 {
                    format!("+{shown}%")
                } else {
                    format!("{shown}%")
                }
            };
            let figure = match (change, target_change) {
                // An index relative to last year: "+4,5% so cùng kỳ / mục tiêu +4,0%".
                (Some(c), Some(t)) => format!(
                    "{} {} / {} {}",
                    signed(*c),
                    WallMsg::VsLastYear.get(l),
                    WallMsg::AnnualTarget.get(l).to_lowercase(),
                    signed(*t)
                ),
                _ if *disbursement => format!(
                    "{} {}% {}{pace}",
                    WallMsg::Disbursed.get(l).to_lowercase(),
                    format_number(*pct, 1, l),
                    WallMsg::OfPlan.get(l)
                ),
                _ => format!("{}%{pace}", format_number(*pct, 1, l)),
            };
            let body = format!(
                "{} {}: {figure}",
                pick(name_vi, name_en),
                month_label(period, l),
            );
            (
                "hot-item behind",
                WallMsg::BehindTarget.get(l),
                body,
                Some(chart_href(code, &area, l)),
            )
        }
        HotIssue::LateToGovernment {
            period,
            send_deadline,
            count,
            ..
        } => {
            let body = format!(
                "{} · {count} {} · {} {}",
                month_label(period, l),
                WallMsg::NotSent.get(l),
                WallMsg::SendDeadline.get(l),
                date_label(send_deadline, l)
            );
            (
                "hot-item late late-gov",
                WallMsg::LateToGovernment.get(l),
                body,
                None,
            )
        }
        HotIssue::Late {
            unit_name_vi,
            unit_name_en,
            period,
            deadline,
            ..
        } => {
            let body = format!(
                "{} · {} · {} {}",
                pick(unit_name_vi, unit_name_en),
                month_label(period, l),
                WallMsg::Deadline.get(l),
                date_label(deadline, l)
            );
            ("hot-item late", WallMsg::LateUnit.get(l), body, None)
        }
    };
    let text = view! { <strong>{head}</strong> <span>{body}</span> };
    view! {
        <li class=class data-key=key>
            {match href {
                Some(h) => view! { <a href=h>{text}</a> }.into_any(),
                None => text.into_any(),
            }}
        </li>
    }
}
