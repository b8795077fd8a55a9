//! Security headers on every response, with a fresh CSP nonce per request for the inline
//! hydration script that Leptos writes into each page.

use axum::extract::{Request, State};
use axum::http::header::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use rand::RngCore;

use crate::AppState;

/// The nonce of this request's Content-Security-Policy; pages put it on their inline scripts.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

fn new_nonce() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub async fn headers(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let nonce = new_nonce();
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut res = next.run(req).await;
    // 'wasm-unsafe-eval' lets the page compile its own WebAssembly module, nothing more;
    // connect-src 'self' covers the same-origin WebSocket.
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    let h = res.headers_mut();
    let mut set = |name: &'static str, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert(HeaderName::from_static(name), v);
        }
    };
    set("content-security-policy", &csp);
    set("x-content-type-options", "nosniff");
    set("x-frame-options", "DENY");
    set("referrer-policy", "same-origin");
    set("cross-origin-opener-policy", "same-origin");
    if state
        .config
        .public_url
        .as_deref()
        .is_some_and(|u| u.starts_with("https://"))
    {
        set(
            "strict-transport-security",
            "max-age=31536000; includeSubDomains",
        );
    }
    res
}

/// True when the request's `Origin` (if a browser sent one) is this server: the origin of
/// `--public-url`, or the `Host` the request was made to. Used where a cookie authenticates a
/// request that no CSRF token protects (the WebSocket upgrade).
pub fn origin_allowed(headers: &axum::http::HeaderMap, public_url: Option<&str>) -> bool {
    use axum::http::header::{HOST, ORIGIN};
    let Some(origin) = headers.get(ORIGIN) else {
        // Browsers always send it on a WebSocket handshake; other clients cannot be tricked.
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    let origin = origin.trim_end_matches('/').to_ascii_lowercase();
    if let Some(public) = public_url {
        let public = public.to_ascii_lowercase();
        let public_origin = match public.split_once("://") {
            Some((scheme, rest)) => {
                format!("{scheme}://{}", rest.split('/').next().unwrap_or(""))
            }
            None => public.clone(),
        };
        if origin == public_origin {
            return true;
        }
    }
    let host = headers
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    !host.is_empty() && (origin == format!("http://{host}") || origin == format!("https://{host}"))
}
