//! Sign-in, screen pairing and first-time setup pages. Plain HTML forms posted to the server,
//! so they work before (and without) the wasm bundle; the server answers with a redirect.

use leptos::prelude::*;
use leptos_meta::{Html, Title};
use leptos_router::hooks::use_query_map;

use crate::context::use_lang;
use ioc_protocol::i18n::{Lang, Msg};

/// Maps the `error` query value the server redirects with to a message.
fn error_message(code: &str) -> Option<Msg> {
    Some(match code {
        "invalid_credentials" => Msg::InvalidCredentials,
        "account_locked" => Msg::AccountLocked,
        "too_many_attempts" => Msg::TooManyAttempts,
        "csrf_failed" => Msg::CsrfFailed,
        "bad_device" => Msg::BadDeviceToken,
        "weak_password" => Msg::WeakPassword,
        "setup_closed" => Msg::SetupClosed,
        "forbidden" => Msg::Forbidden,
        "login_required" => Msg::LoginRequired,
        "passwords_differ" => Msg::PasswordsDiffer,
        _ => return None,
    })
}

fn query(name: &'static str) -> Memo<String> {
    let q = use_query_map();
    Memo::new(move |_| q.with(|q| q.get(name).unwrap_or_default()))
}

#[component]
fn LangLink(lang: Memo<Lang>) -> impl IntoView {
    let q = use_query_map();
    let href = move || {
        let mut params: Vec<(String, String)> = q.with(|q| {
            ["next", "error", "code"]
                .iter()
                .filter_map(|k| q.get(k).map(|v| (k.to_string(), v)))
                .collect()
        });
        params.push(("lang".into(), lang.get().other().code().into()));
        let s: Vec<String> = params
            .iter()
            .map(|(k, v)| {
                format!(
                    "{k}={}",
                    form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
                )
            })
            .collect();
        format!("?{}", s.join("&"))
    };
    view! { <a class="lang-switch" href=href>{move || Msg::SwitchLanguage.get(lang.get())}</a> }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let lang = use_lang();
    let next = query("next");
    let error = query("error");
    let t = move |m: Msg| m.get(lang.get());
    view! {
        <Html {..} lang=move || lang.get().code() />
        <Title text=move || format!("{} – {}", t(Msg::LoginTitle), t(Msg::AppTitle)) />
        <main class="auth">
            <header class="auth-head">
                <p class="wall-province">{move || t(Msg::AppTitle)}</p>
                <LangLink lang />
            </header>
            <form class="auth-card" method="post" action=move || format!("/auth/login?lang={}", lang.get().code())>
                <h1>{move || t(Msg::LoginTitle)}</h1>
                {move || error_message(&error.get()).filter(|m| *m != Msg::BadDeviceToken).map(|m| view! { <p class="form-error" role="alert">{m.get(lang.get())}</p> })}
                <label>
                    <span>{move || t(Msg::Username)}</span>
                    <input name="username" autocomplete="username" autocapitalize="none" required />
                </label>
                <label>
                    <span>{move || t(Msg::PasswordLabel)}</span>
                    <input name="password" type="password" autocomplete="current-password" required />
                </label>
                <input type="hidden" name="next" value=move || next.get() />
                <button type="submit">{move || t(Msg::LoginButton)}</button>
            </form>
            <form class="auth-card device" method="post" action=move || format!("/auth/device?lang={}", lang.get().code())>
                <h2>{move || t(Msg::DeviceTitle)}</h2>
                <p>{move || t(Msg::DeviceExplain)}</p>
                {move || (error.get() == "bad_device").then(|| view! { <p class="form-error" role="alert">{t(Msg::BadDeviceToken)}</p> })}
                <label>
                    <span>{move || t(Msg::DeviceToken)}</span>
                    <input name="token" autocomplete="off" autocapitalize="none" required />
                </label>
                <button type="submit">{move || t(Msg::PairButton)}</button>
            </form>
        </main>
    }
}

#[component]
pub fn SetupPage() -> impl IntoView {
    let lang = use_lang();
    let code = query("code");
    let error = query("error");
    let t = move |m: Msg| m.get(lang.get());
    view! {
        <Html {..} lang=move || lang.get().code() />
        <Title text=move || format!("{} – {}", t(Msg::SetupTitle), t(Msg::AppTitle)) />
        <main class="auth">
            <header class="auth-head">
                <p class="wall-province">{move || t(Msg::AppTitle)}</p>
                <LangLink lang />
            </header>
            <form class="auth-card" method="post" action=move || format!("/auth/setup?lang={}", lang.get().code())>
                <h1>{move || t(Msg::SetupTitle)}</h1>
                <p>{move || t(Msg::SetupExplain)}</p>
                {move || error_message(&error.get()).map(|m| view! { <p class="form-error" role="alert">{m.get(lang.get())}</p> })}
                <label>
                    <span>{move || t(Msg::SetupCode)}</span>
                    <input name="code" autocomplete="off" required value=move || code.get() />
                </label>
                <label>
                    <span>{move || t(Msg::DisplayName)}</span>
                    <input name="display_name" autocomplete="name" required />
                </label>
                <label>
                    <span>{move || t(Msg::Username)}</span>
                    <input name="username" autocomplete="username" autocapitalize="none" required pattern="[a-z0-9][a-z0-9._\\-]{2,63}" />
                </label>
                <label>
                    <span>{move || t(Msg::PasswordLabel)}</span>
                    <input name="password" type="password" autocomplete="new-password" minlength="10" required />
                </label>
                <button type="submit">{move || t(Msg::CreateAdmin)}</button>
            </form>
        </main>
    }
}

/// Change one's own password. The form needs the current password, which no other site knows.
#[component]
pub fn AccountPage() -> impl IntoView {
    let lang = use_lang();
    let error = query("error");
    let done = query("done");
    let t = move |m: Msg| m.get(lang.get());
    view! {
        <Html {..} lang=move || lang.get().code() />
        <Title text=move || format!("{} – {}", t(Msg::AccountTitle), t(Msg::AppTitle)) />
        <main class="auth">
            <header class="auth-head">
                <a class="lang-switch" href="/wall">{move || t(Msg::BackToWall)}</a>
                <LangLink lang />
            </header>
            <form class="auth-card" method="post" action=move || format!("/auth/password?lang={}", lang.get().code())>
                <h1>{move || t(Msg::ChangePassword)}</h1>
                {move || (done.get() == "1").then(|| view! { <p class="form-ok" role="status">{t(Msg::PasswordChanged)}</p> })}
                {move || error_message(&error.get()).map(|m| view! { <p class="form-error" role="alert">{m.get(lang.get())}</p> })}
                <label>
                    <span>{move || t(Msg::CurrentPassword)}</span>
                    <input name="current" type="password" autocomplete="current-password" required />
                </label>
                <label>
                    <span>{move || t(Msg::NewPassword)}</span>
                    <input name="new" type="password" autocomplete="new-password" minlength="10" required />
                </label>
                <label>
                    <span>{move || t(Msg::RepeatPassword)}</span>
                    <input name="repeat" type="password" autocomplete="new-password" minlength="10" required />
                </label>
                <button type="submit">{move || t(Msg::ChangePassword)}</button>
            </form>
        </main>
    }
}
