//! The Leptos user interface of the IOC (wall, phone) and the wire protocol shared with the server.
//!
//! Built twice: natively with `ssr` (linked into the server, which renders every page) and to
//! wasm with `hydrate` (the browser takes over the server-rendered page and keeps it live).

pub mod admin;
pub mod app;
pub mod entry;
pub mod i18n;
pub mod login;
pub mod protocol;
pub mod wall;

#[cfg(feature = "hydrate")]
mod live;

/// Entry point called by Leptos' hydration script once the wasm module is loaded.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
