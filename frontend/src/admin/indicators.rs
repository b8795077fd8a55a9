//! `/admin/indicators`: the indicator catalogue editor.

use leptos::prelude::*;

#[component]
pub fn AdminIndicatorsPage() -> impl IntoView {
    view! { <main class="admin"></main> }
}
