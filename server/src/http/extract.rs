//! Extractors whose rejections are [`ApiError`]s, so bad input always gets the bilingual body.

use axum::extract::FromRequest;

use super::ApiError;

/// `axum::Json` with our error body for syntax errors, wrong types and oversized bodies.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);
