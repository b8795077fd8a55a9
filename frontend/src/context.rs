//! What every page knows about itself: its language (`?lang=`) and, on office pages, the
//! signed-in person. Pages, the app shell and the API helpers' callers take these from here, so
//! nothing needs to import the app shell (which imports every page).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use ioc_protocol::i18n::{Lang, Msg};

/// The language of the current page: `?lang=en` switches to English, Vietnamese otherwise.
pub fn use_lang() -> Memo<Lang> {
    let query = use_query_map();
    Memo::new(move |_| query.with(|q| q.get("lang").map(|l| Lang::parse(&l)).unwrap_or_default()))
}

/// The signed-in person of an office page (admin, entry, approval, delivery): the page's language
/// and `/api/v1/me` with the CSRF token for changes, loaded once the page is hydrated. The
/// screens' own contexts wrap it and add their text catalogue.
#[derive(Clone, Copy)]
pub struct PageSession {
    pub lang: leptos::prelude::Memo<Lang>,
    pub me: leptos::prelude::RwSignal<Option<ioc_protocol::Me>>,
    /// Why `/api/v1/me` did not answer (the session ended, the server is unreachable).
    pub me_failed: leptos::prelude::RwSignal<Option<crate::api::Failure>>,
}

impl PageSession {
    pub fn new() -> Self {
        use leptos::prelude::*;
        let me = RwSignal::new(None);
        let me_failed = RwSignal::new(None);
        Effect::new(move |_| {
            leptos::task::spawn_local(async move {
                match crate::api::get::<ioc_protocol::Me>("/api/v1/me").await {
                    Ok(m) => me.set(Some(m)),
                    Err(f) => me_failed.set(Some(f)),
                }
            });
        });
        PageSession {
            lang: use_lang(),
            me,
            me_failed,
        }
    }

    /// The page's language. Not reactive: the language switch reloads the page, so screens
    /// render their texts as plain strings (no closure per text, a smaller bundle).
    pub fn lang(&self) -> Lang {
        use leptos::prelude::GetUntracked;
        self.lang.get_untracked()
    }

    /// A text of the shared catalogue in the page's language.
    pub fn msg(&self, m: Msg) -> &'static str {
        m.get(self.lang())
    }

    /// The session's CSRF token (empty until `/api/v1/me` has answered; the server then refuses).
    pub fn csrf(&self) -> String {
        use leptos::prelude::WithUntracked;
        self.me
            .with_untracked(|m| m.as_ref().map(|m| m.csrf_token.clone()).unwrap_or_default())
    }

    /// A link that keeps the language.
    pub fn href(&self, path: &str) -> String {
        match self.lang() {
            Lang::En if path.contains('?') => format!("{path}&lang=en"),
            Lang::En => format!("{path}?lang=en"),
            Lang::Vi => path.to_string(),
        }
    }
}

impl Default for PageSession {
    fn default() -> Self {
        Self::new()
    }
}
