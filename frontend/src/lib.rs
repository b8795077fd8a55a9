//! The Leptos user interface of the IOC (wall, phone, office screens). The wire types it shares
//! with the server live in the `ioc-protocol` crate.
//!
//! Built three times: natively with `ssr` (linked into the server, which renders every page) and
//! twice to wasm with `hydrate` (the browser takes over the server-rendered page and keeps it
//! live): the wall bundle `ioc` for walls, kiosks and phones (wall, indicator chart, sign-in,
//! account), and with `office` too, the office bundle `ioc-office` that adds the admin and
//! data-entry screens. The server picks the bundle per page ([`app::office_page`]).

// The office screens: everywhere but in the wall bundle (the server renders them; plain native
// builds such as `cargo test -p ioc-frontend` keep their unit tests).
//
// Layers, each using only those above it (no cycles): `ioc_protocol` (wire types, server
// texts) → `i18n` (the screens' catalogues) → `api` (HTTP calls) → `context` (page language,
// signed-in person) → `format` → `live` (the one WebSocket client) → pages (`login`, `wall`,
// `dossiers` (which reuses the wall's head), `entry`, `admin`) → `app` (shell and routes).
pub mod i18n;

pub mod api;
pub mod context;
pub mod format;
pub mod live;

#[cfg(any(feature = "ssr", feature = "office", not(feature = "hydrate")))]
pub mod admin;
#[cfg(any(feature = "ssr", feature = "office", not(feature = "hydrate")))]
pub mod entry;
// Public-service dossiers: the wall pages in every bundle, the office pages gated inside (the
// wall bundle leaves them out).
pub mod dossiers;
pub mod login;
pub mod screens;
pub mod tasks;
pub mod wall;

pub mod app;

/// Entry point called by Leptos' hydration script once the wasm module is loaded.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
