//! Data entry and approval: a unit's reports (`/entry`), the entry form of one report
//! (`/entry/{unit}/{period}`), the approvers' queue (`/approve`) and the delivery status of the
//! Government reporting system (`/delivery`).

use leptos::prelude::*;

#[component]
pub fn EntryListPage() -> impl IntoView {
    view! { <main class="entry-page"></main> }
}

#[component]
pub fn EntryFormPage() -> impl IntoView {
    view! { <main class="entry-page"></main> }
}

#[component]
pub fn ApprovePage() -> impl IntoView {
    view! { <main class="entry-page"></main> }
}

#[component]
pub fn DeliveryPage() -> impl IntoView {
    view! { <main class="entry-page"></main> }
}
