//! Public-service dossiers (hồ sơ thủ tục hành chính).
//!
//! The office side (`/dossiers`, `/dossiers/{id}/apologies/{n}`): a unit's overdue and open
//! dossiers, apology slips and their printable form. Office pages: in the server and the office
//! bundle only.

#[cfg(any(feature = "ssr", feature = "office", not(feature = "hydrate")))]
mod office;
#[cfg(any(feature = "ssr", feature = "office", not(feature = "hydrate")))]
mod office_text;
#[cfg(any(feature = "ssr", feature = "office", not(feature = "hydrate")))]
mod slip;

#[cfg(any(feature = "ssr", feature = "office", not(feature = "hydrate")))]
pub use office::DossiersPage;
#[cfg(any(feature = "ssr", feature = "office", not(feature = "hydrate")))]
pub use slip::ApologySlipPage;
