//! `/wall/indicator/{code}`: one indicator's chart (month / year to date, 2019 → now) and the
//! drill-down to the units' submissions.

use leptos::prelude::*;

#[component]
pub fn IndicatorPage() -> impl IntoView {
    view! { <main class="indicator-page"></main> }
}
