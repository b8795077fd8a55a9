//! Calls to the JSON API from the browser (the server renders the screens empty and the hydrated
//! page loads the data with the visitor's session cookie). Shared by the office screens and the
//! wall's indicator chart, so it lives outside `admin`, which the wall bundle leaves out.

use serde::de::DeserializeOwned;
use serde::Serialize;

use ioc_protocol::i18n::{Lang, Msg};
use ioc_protocol::ApiErrorDetail;

/// Why a call did not succeed.
#[derive(Clone, Debug)]
pub enum Failure {
    /// The API answered with its error body (bilingual message).
    Api { status: u16, detail: ApiErrorDetail },
    /// Some other HTTP failure (a proxy, a crash).
    Http(u16),
    /// No answer at all (network down, server stopped).
    Network(String),
}

impl Failure {
    /// The message to show, in the page's language.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Failure::Api { detail, .. } => match lang {
                Lang::Vi => detail.message_vi.clone(),
                Lang::En => detail.message_en.clone(),
            },
            Failure::Http(status) => format!("{} (HTTP {status})", Msg::Internal.get(lang)),
            Failure::Network(_) => Msg::Offline.get(lang).to_string(),
        }
    }

    /// The session has ended (signed out elsewhere, expired): the page must sign in again.
    pub fn needs_login(&self) -> bool {
        matches!(self, Failure::Api { status: 401, .. } | Failure::Http(401))
    }
}

/// What a screen shows of something it loads.
#[derive(Clone, Debug)]
pub enum Load<T> {
    Loading,
    Ready(T),
    Failed(Failure),
}

impl<T> From<Result<T, Failure>> for Load<T> {
    fn from(r: Result<T, Failure>) -> Self {
        match r {
            Ok(v) => Load::Ready(v),
            Err(e) => Load::Failed(e),
        }
    }
}

/// Percent-encodes a query value.
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `?k=v&…` of the non-blank pairs (empty when there are none).
pub fn query_string(pairs: &[(&str, String)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v.trim())))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

#[cfg(feature = "hydrate")]
async fn failure(resp: gloo_net::http::Response) -> Failure {
    let status = resp.status();
    match resp.json::<ioc_protocol::ApiErrorBody>().await {
        Ok(body) => Failure::Api {
            status,
            detail: body.error,
        },
        Err(_) => Failure::Http(status),
    }
}

/// `GET url` and its JSON answer (reads need no CSRF token).
pub async fn get<T: DeserializeOwned>(url: &str) -> Result<T, Failure> {
    #[cfg(feature = "hydrate")]
    {
        let resp = gloo_net::http::Request::get(url)
            .send()
            .await
            .map_err(|e| Failure::Network(e.to_string()))?;
        if !resp.ok() {
            return Err(failure(resp).await);
        }
        resp.json::<T>()
            .await
            .map_err(|e| Failure::Network(e.to_string()))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = url;
        Err(Failure::Network("only in the browser".into()))
    }
}

/// An unsafe request (`POST`, `PATCH`) with the session's CSRF token and an optional JSON body;
/// `None` for an answer without content (204).
pub async fn send<B: Serialize, T: DeserializeOwned>(
    method: &'static str,
    url: &str,
    csrf: &str,
    body: Option<&B>,
) -> Result<Option<T>, Failure> {
    #[cfg(feature = "hydrate")]
    {
        use gloo_net::http::Request;
        let builder = match method {
            "PATCH" => Request::patch(url),
            "PUT" => Request::put(url),
            "DELETE" => Request::delete(url),
            _ => Request::post(url),
        }
        .header("x-csrf-token", csrf);
        let request = match body {
            Some(b) => builder.json(b),
            None => builder.build(),
        }
        .map_err(|e| Failure::Network(e.to_string()))?;
        let resp = request
            .send()
            .await
            .map_err(|e| Failure::Network(e.to_string()))?;
        if !resp.ok() {
            return Err(failure(resp).await);
        }
        if resp.status() == 204 {
            return Ok(None);
        }
        resp.json::<T>()
            .await
            .map(Some)
            .map_err(|e| Failure::Network(e.to_string()))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (method, url, csrf, body);
        Err(Failure::Network("only in the browser".into()))
    }
}

/// What an office screen loads: `None` while loading (and on the server, which renders the
/// screens empty: the browser loads with the session cookie), then the answer. Being a Leptos
/// resource, it loads again when what its URL reads changes or on `refetch()`, and a screen can
/// still change a loaded row in place (`update`) after a save.
pub type Loaded<T> = leptos::prelude::LocalResource<Result<T, Failure>>;

/// `GET url()` as a [`Loaded`] resource.
pub fn resource<T>(url: impl Fn() -> String + 'static) -> Loaded<T>
where
    T: DeserializeOwned + 'static,
{
    leptos::prelude::LocalResource::new(move || {
        let url = url();
        async move { get::<T>(&url).await }
    })
}

/// A change the person asks for (save, create, revoke) as a Leptos action: dispatched with the
/// URL and the body, it sends them with the session's CSRF token and hands the answer to `done`;
/// `pending()` is true meanwhile, which is what disables the button (no hand-kept busy flag that
/// an early return could leave set).
pub fn send_action<B, T>(
    method: &'static str,
    csrf: impl Fn() -> String + 'static,
    done: impl Fn(Result<Option<T>, Failure>) + 'static,
) -> leptos::prelude::Action<(String, Option<B>), ()>
where
    B: Serialize + Clone + 'static,
    T: DeserializeOwned + 'static,
{
    let done = std::rc::Rc::new(done);
    leptos::prelude::Action::new_local(move |(url, body): &(String, Option<B>)| {
        let (url, body, csrf, done) = (url.clone(), body.clone(), csrf(), done.clone());
        async move { done(send::<B, T>(method, &url, &csrf, body.as_ref()).await) }
    })
}

/// Posts the file chosen in `el` as the raw body of `POST url`, typed by its extension (CSV,
/// GeoJSON/JSON or Excel .xlsx), with the session's CSRF token; `None` when no file was chosen. The imports of
/// the admin screens (figures history, procedures catalogue) send files this way.
#[allow(unused_variables)]
pub async fn upload<T: DeserializeOwned>(
    el: &leptos::web_sys::HtmlInputElement,
    url: &str,
    csrf: &str,
) -> Option<Result<T, Failure>> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::prelude::*;
        use wasm_bindgen::JsCast;
        #[wasm_bindgen]
        extern "C" {
            type PickedFiles;
            #[wasm_bindgen(method, getter)]
            fn files(this: &PickedFiles) -> Option<PickedList>;
            type PickedList;
            #[wasm_bindgen(method)]
            fn item(this: &PickedList, index: u32) -> Option<PickedFile>;
            #[derive(Clone)]
            type PickedFile;
            #[wasm_bindgen(method, getter)]
            fn name(this: &PickedFile) -> String;
        }
        let file = el
            .unchecked_ref::<PickedFiles>()
            .files()
            .and_then(|l| l.item(0))?;
        let name = file.name().to_lowercase();
        let kind = if name.ends_with(".csv") {
            "text/csv"
        } else if name.ends_with(".json") || name.ends_with(".geojson") {
            "application/json"
        } else {
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        };
        let body: JsValue = file.into();
        let sent = async {
            let resp = gloo_net::http::Request::post(url)
                .header("x-csrf-token", csrf)
                .header("content-type", kind)
                .body(body)
                .map_err(|e| Failure::Network(e.to_string()))?
                .send()
                .await
                .map_err(|e| Failure::Network(e.to_string()))?;
            if !resp.ok() {
                return Err(failure(resp).await);
            }
            resp.json::<T>()
                .await
                .map_err(|e| Failure::Network(e.to_string()))
        };
        Some(sent.await)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}

/// Copies `text` to the clipboard where the browser allows it (a secure context); false
/// otherwise, and the person copies by hand.
pub fn copy_to_clipboard(text: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::prelude::*;
        #[wasm_bindgen]
        extern "C" {
            #[wasm_bindgen(catch, js_namespace = ["navigator", "clipboard"], js_name = writeText)]
            fn write_text(text: &str) -> Result<JsValue, JsValue>;
        }
        write_text(text).is_ok()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = text;
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_skip_blanks_and_encode() {
        assert_eq!(
            query_string(&[("q", "anh sơn".into()), ("kind", String::new())]),
            "?q=anh%20s%C6%A1n"
        );
        assert_eq!(query_string(&[("kind", " ".into())]), "");
        assert_eq!(
            query_string(&[("actor", "user:lan".into()), ("to", "2026-11-24".into())]),
            "?actor=user%3Alan&to=2026-11-24"
        );
    }
}
