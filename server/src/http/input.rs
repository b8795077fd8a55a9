//! Checks at the edge, before any handler runs, and the one place where every error answer gets
//! the JSON error shape.
//!
//! * [`reject_nul`]: PostgreSQL's `text` cannot hold a NUL character; a string with one reached
//!   SQL and came back as a 500 from its UTF-8 check. Rather than guard each handler, every
//!   request's decoded path, query and JSON, form or CSV body is looked at once here, and a NUL
//!   anywhere is a 422 (the WebSocket checks its frames in `live::ws`).
//! * [`json_errors`]: axum's own rejections (query, path, form, body limits, the WebSocket
//!   upgrade) answer `text/plain`, a method that a route lacks answers an empty 405: both are
//!   rewritten into the bilingual JSON body so that clients parse one shape. A 429 always says
//!   when to come back (`Retry-After`).

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use ioc_protocol::i18n::Msg;

use super::error::error_body;
use super::ApiError;

/// Bodies larger than this are not inspected here (the extractors refuse them anyway).
const MAX_INSPECTED_BODY: usize = 1024 * 1024;

/// Routes that check their own bodies item by item (and take bodies larger than the inspected
/// limit): the dossier feed answers a NUL character as one refused item, not as a refused batch,
/// and a second parse of a 5,000-event batch here would halve the rate it can store.
const CHECKED_BY_HANDLER: &[&str] = &["/api/v1/dossier-events"];

/// Seconds a client is told to wait on a 429 that did not say (the login quota refills in 3 s).
const DEFAULT_RETRY_AFTER: &str = "60";

fn nul_error(where_: &str) -> Response {
    ApiError::Unprocessable(Msg::NulCharacter, where_.to_string()).into_response()
}

/// Refuses a NUL character anywhere in the request's text: `%00` in the path or query (raw NUL
/// bytes are refused by the HTTP parser already), `\u0000` in a JSON string or key, `%00` in a
/// form field, a NUL byte in a CSV upload.
pub async fn reject_nul(req: Request, next: Next) -> Response {
    if let Some(pq) = req.uri().path_and_query() {
        if pq.as_str().contains("%00") {
            return nul_error("URL");
        }
    }
    let kind = body_kind(&req);
    if kind == BodyKind::Other || CHECKED_BY_HANDLER.contains(&req.uri().path()) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_INSPECTED_BODY).await {
        Ok(b) => b,
        Err(_) => return ApiError::BodyTooLarge.into_response(),
    };
    let has_nul = match kind {
        BodyKind::Json => serde_json::from_slice::<serde_json::Value>(&bytes)
            .map(|v| json_has_nul(&v))
            // Not JSON at all: the extractor answers that with its own 400.
            .unwrap_or(false),
        BodyKind::Form => {
            form_urlencoded::parse(&bytes).any(|(k, v)| k.contains('\0') || v.contains('\0'))
        }
        BodyKind::Csv => bytes.contains(&0),
        BodyKind::Other => false,
    };
    if has_nul {
        return nul_error("body");
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum BodyKind {
    Json,
    Form,
    Csv,
    Other,
}

fn body_kind(req: &Request) -> BodyKind {
    let ct = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let mime = ct.split(';').next().unwrap_or("").trim();
    if mime == "application/json" || mime.ends_with("+json") {
        BodyKind::Json
    } else if mime == "application/x-www-form-urlencoded" {
        BodyKind::Form
    } else if mime == "text/csv" || mime == "text/plain" {
        BodyKind::Csv
    } else {
        BodyKind::Other
    }
}

pub fn json_has_nul(v: &serde_json::Value) -> bool {
    use serde_json::Value;
    match v {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(json_has_nul),
        Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || json_has_nul(v)),
        _ => false,
    }
}

/// Rewrites error answers that are not our JSON shape (axum's `text/plain` rejections, the empty
/// 405) into it, keeping the status; adds `Retry-After` to a 429 that lacks it.
pub async fn json_errors(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let mut res = if needs_rewrite(&res) {
        let (parts, body) = res.into_parts();
        let text = axum::body::to_bytes(body, 4096)
            .await
            .map(|b| String::from_utf8_lossy(&b).trim().to_string())
            .unwrap_or_default();
        let (code, msg) = code_for(parts.status);
        let detail = (!text.is_empty()).then_some(text);
        let mut rewritten =
            (parts.status, Json(error_body(code, msg, detail.as_deref()))).into_response();
        // Keep what the status needs (`Allow` on a 405, `Retry-After`, …), not the old type.
        for (name, value) in parts.headers.iter() {
            if name != CONTENT_TYPE && name != axum::http::header::CONTENT_LENGTH {
                rewritten.headers_mut().append(name, value.clone());
            }
        }
        rewritten
    } else {
        res
    };
    if status == StatusCode::TOO_MANY_REQUESTS && !res.headers().contains_key(RETRY_AFTER) {
        res.headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from_static(DEFAULT_RETRY_AFTER));
    }
    res
}

/// `text/plain` bodies and bodiless errors are axum's; HTML error pages (the Leptos 404 page, the
/// 403 page) and our JSON are left alone.
fn needs_rewrite(res: &Response) -> bool {
    match res
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    {
        Some(ct) => ct.starts_with("text/plain"),
        None => true,
    }
}

/// The stable code and message of an error answer with this status and no body of ours.
pub(crate) fn code_for(status: StatusCode) -> (&'static str, Msg) {
    match status {
        StatusCode::NOT_FOUND => ("not_found", Msg::NotFound),
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", Msg::MethodNotAllowed),
        StatusCode::PAYLOAD_TOO_LARGE => ("body_too_large", Msg::BodyTooLarge),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported_media_type", Msg::UnsupportedMediaType),
        StatusCode::UNPROCESSABLE_ENTITY => ("invalid_body", Msg::BadField),
        StatusCode::TOO_MANY_REQUESTS => ("too_many_attempts", Msg::TooManyAttempts),
        StatusCode::UNAUTHORIZED => ("login_required", Msg::LoginRequired),
        StatusCode::FORBIDDEN => ("forbidden", Msg::Forbidden),
        s if s.is_server_error() => ("internal", Msg::Internal),
        _ => ("bad_request", Msg::BadRequest),
    }
}

/// `/api/…` paths that match no route: a JSON 404, not the Leptos "page not found" HTML.
pub async fn api_not_found() -> ApiError {
    ApiError::NotFound
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_is_found_at_any_depth_and_in_keys() {
        let v: serde_json::Value =
            serde_json::from_str(r#"{"points":[{"series":"a\u0000b"}]}"#).unwrap();
        assert!(json_has_nul(&v));
        let v: serde_json::Value = serde_json::from_str(r#"{"a\u0000":1}"#).unwrap();
        assert!(json_has_nul(&v));
        // An escaped backslash followed by "u0000" is six ordinary characters.
        let v: serde_json::Value = serde_json::from_str(r#"{"a":"\\u0000"}"#).unwrap();
        assert!(!json_has_nul(&v));
    }
}
