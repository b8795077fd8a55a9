//! Router assembly: API, live gateway, operational endpoints, static files and Leptos pages.

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::{any, get};
use axum::Router;
use ioc_frontend::app::{shell, App};
use ioc_frontend::dossiers::{BoardStart, DossierSource};
use ioc_frontend::screens::{ScreenSource, ScreenStart};
use ioc_frontend::tasks::TaskSource;
use ioc_frontend::wall::WallSource;
use leptos::config::LeptosOptions;
use leptos::prelude::{provide_context, use_context};
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;

use crate::auth::{Principal, Who};
use crate::config::ServeConfig;
use crate::http::security::{self, CspNonce};
use crate::http::{input, openapi, ops};
use crate::{dossiers, indicators, live, screens, AppState};

/// Largest request body: a full batch of points is well under this.
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Leptos options for our own build script (`scripts/build.sh`): the wall bundle is
/// `<site>/pkg/ioc.js` and `<site>/pkg/ioc_bg.wasm`; office pages get `ioc-office` instead
/// (`ioc_frontend::app::shell` derives that name from this one).
pub fn leptos_options(config: &ServeConfig) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("ioc")
        .site_root(config.site_dir.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .build()
}

/// Hands the nonce of this response's CSP header (set by `security::headers`) to Leptos, whose
/// inline hydration script must carry it.
fn provide_nonce() {
    if let Some(parts) = use_context::<axum::http::request::Parts>() {
        if let Some(n) = parts.extensions.get::<CspNonce>() {
            provide_context(leptos::nonce::Nonce::from_value(n.0.clone()));
        }
    }
}

/// Static files (the wasm bundle, CSS, fonts). Directories are never listed nor redirected to:
/// ServeDir's "add a slash" redirect turned `/assets///evil.example` into `Location:
/// //evil.example/`, a redirect to another site; nothing here has an index page.
fn static_files(dir: std::path::PathBuf) -> ServeDir {
    ServeDir::new(dir)
        .precompressed_gzip()
        .append_index_html_on_directories(false)
}

pub fn router(state: AppState) -> Router {
    let leptos = state.leptos.clone();
    let routes = generate_route_list(App);
    let wall_state = state.clone();
    let provide = move || {
        let s = wall_state.clone();
        provide_nonce();
        let d = s.clone();
        provide_context(DossierSource(Arc::new(
            move |unit: Option<String>, request: Option<axum::http::request::Parts>| {
                let s = d.clone();
                let who = request
                    .as_ref()
                    .and_then(|r| r.extensions.get::<Principal>())
                    .cloned();
                Box::pin(async move {
                    dossier_start(&s, unit, who).await.map_err(|e| {
                        tracing::error!(error = %e, "dossier board");
                        "database error".to_string()
                    })
                })
            },
        )));
        let sc = s.clone();
        provide_context(ScreenSource(Arc::new(
            move |code: String, request: Option<axum::http::request::Parts>| {
                let s = sc.clone();
                let who = request
                    .as_ref()
                    .and_then(|r| r.extensions.get::<Principal>())
                    .cloned();
                Box::pin(async move {
                    screen_start(&s, code, who).await.map_err(|e| {
                        tracing::error!(error = %e, "screen");
                        "database error".to_string()
                    })
                })
            },
        )));
        let t = s.clone();
        provide_context(TaskSource(Arc::new(
            move |request: Option<axum::http::request::Parts>| {
                let s = t.clone();
                let who = request
                    .as_ref()
                    .and_then(|r| r.extensions.get::<Principal>())
                    .cloned();
                Box::pin(async move {
                    // The page guard admits only those who read the whole province.
                    if !who.is_some_and(|w| w.reads_all_indicators()) {
                        return Ok(None);
                    }
                    crate::tasks::live::province_board(&s)
                        .await
                        .map(Some)
                        .map_err(|e| {
                            tracing::error!(error = %e, "task board");
                            "database error".to_string()
                        })
                })
            },
        )));
        provide_context(WallSource(Arc::new(
            move |request: Option<axum::http::request::Parts>| {
                let s = s.clone();
                // The page guard resolved the principal and left it in the request's extensions.
                let viewer = request
                    .as_ref()
                    .and_then(|r| r.extensions.get::<Principal>())
                    .and_then(Principal::viewer);
                Box::pin(async move {
                    indicators::streams::wall_state(
                        &s.db,
                        &s.epoch,
                        &s.config.province,
                        s.config.demo,
                        viewer,
                    )
                    .await
                    .map_err(|e| {
                        tracing::error!(error = %e, "wall state");
                        "database error".to_string()
                    })?
                    .ok_or_else(|| format!("unknown province {}", s.config.province))
                })
            },
        )));
    };
    let site = std::path::PathBuf::from(leptos.site_root.as_ref());

    // The documented API and its document come from one declaration; the pages, forms, the
    // live gateway and static files are not part of the JSON API.
    let (api, mut doc) = openapi::api().split_for_parts();
    openapi::uniform_errors(&mut doc);
    api.route("/api/openapi.json", get(openapi::document(&doc)))
        .merge(crate::auth::forms::router())
        .route("/ws", get(live::ws::ws_handler))
        .nest_service("/pkg", static_files(site.join("pkg")))
        .nest_service("/assets", static_files(site.join("assets")))
        // An unknown API path is a JSON 404, not the Leptos page.
        .route("/api/{*rest}", any(input::api_not_found))
        .leptos_routes_with_context(&state, routes, provide, {
            let leptos = leptos.clone();
            move || shell(leptos.clone())
        })
        // The 404 page is rendered by Leptos too: its hydration script needs this response's nonce.
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(provide_nonce, shell))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard_pages,
        ))
        .layer(axum::middleware::from_fn(input::reject_nul))
        .layer(axum::middleware::from_fn(input::json_errors))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::headers,
        ))
        .layer(axum::middleware::from_fn(ops::track_requests))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The dossier board a wall page starts from: `unit` or the province, as its topic
/// `dossiers/{unit}` last stored it (or empty, never published yet). `None` for a unit that is
/// not the province's or that `who` may not read (the page then says so, with a 404).
async fn dossier_start(
    s: &AppState,
    unit: Option<String>,
    who: Option<Principal>,
) -> Result<Option<BoardStart>, crate::http::ApiError> {
    let unit = unit.unwrap_or_else(|| s.config.province.clone());
    let Some(who) = who.filter(|w| w.reads_unit_dossiers(&unit)) else {
        return Ok(None);
    };
    let topic = dossiers::live::topic(&unit);
    if !crate::units::unit_topic_exists("dossiers/")(&s.db, topic.clone()).await? {
        return Ok(None);
    }
    match who.require_unit_in_scope(&s.db, &unit).await {
        Err(crate::http::ApiError::Forbidden) => return Ok(None),
        other => other?,
    }
    let viewer = who.viewer();
    Ok(match live::stored::state(&s.db, &topic).await? {
        Some((offset, ioc_protocol::Payload::Dossiers(board))) => Some(BoardStart {
            position: Some(ioc_protocol::StreamPosition {
                epoch: s.epoch.to_string(),
                offset,
            }),
            board: *board,
            viewer,
        }),
        _ => dossiers::live::empty_board(&s.db, &unit, s.config.demo)
            .await?
            .map(|board| BoardStart {
                position: None,
                board,
                viewer,
            }),
    })
}

/// The screen a `/wall/{screen}` page starts from; `None` for a screen that does not exist or
/// that `who` may not show (a wall display whose token does not name it): a 404 page.
async fn screen_start(
    s: &AppState,
    code: String,
    who: Option<Principal>,
) -> Result<Option<ScreenStart>, sqlx::Error> {
    let Some(who) = who.filter(|w| w.shows_screen(&code)) else {
        return Ok(None);
    };
    Ok(screens::store::get(&s.db, &code, &s.config.province)
        .await?
        .map(|screen| ScreenStart {
            screen,
            epoch: Some(s.epoch.to_string()),
            viewer: who.viewer(),
        }))
}

/// The wall pages need a principal who reads the province's indicators, the admin pages an
/// administrator: people are sent to the sign-in page (and back afterwards), others get 403.
async fn guard_pages(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::extract::FromRequestParts;
    use axum::response::IntoResponse;
    let path = req.uri().path();
    let wall = path == "/" || path == "/wall" || path.starts_with("/wall/");
    let admin = path == "/admin" || path.starts_with("/admin/");
    let account = path == "/account";
    let entry = path == "/entry" || path.starts_with("/entry/");
    let approve = path == "/approve" || path == "/delivery";
    let dossiers = path == "/dossiers" || path.starts_with("/dossiers/");
    if !wall && !admin && !account && !entry && !approve && !dossiers {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let who = match Principal::from_request_parts(&mut parts, &state).await {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let allowed = if admin {
        who.is_admin()
    } else if account {
        matches!(who.who, Who::User(_))
    } else if entry || dossiers {
        // Which unit's report (or dossier) a person may open is the API's decision; the page
        // needs a person who works for a unit or reads every unit.
        !who.edited_units().is_empty()
            || (matches!(who.who, Who::User(_)) && who.reads_all_indicators())
    } else if approve {
        matches!(who.who, Who::User(_)) && who.reads_all_indicators()
    } else {
        who.reads_all_indicators()
    };
    if !allowed {
        if matches!(who.who, Who::Anonymous) {
            let here = parts
                .uri
                .path_and_query()
                .map(|x| x.as_str())
                .unwrap_or("/wall");
            let lang = if here.contains("lang=en") {
                "&lang=en"
            } else {
                ""
            };
            let to = format!(
                "/login?next={}{lang}",
                form_urlencoded::byte_serialize(here.as_bytes()).collect::<String>()
            );
            return (
                axum::http::StatusCode::SEE_OTHER,
                [(axum::http::header::LOCATION, to)],
            )
                .into_response();
        }
        return forbidden_page();
    }
    next.run(axum::extract::Request::from_parts(parts, body))
        .await
}

/// A signed-in person on a page their role does not open: say so in both languages, offer to
/// sign in as someone else. Static, so it needs no script under the CSP.
fn forbidden_page() -> axum::response::Response {
    use axum::response::IntoResponse;
    use ioc_protocol::i18n::Msg;
    let html = format!(
        "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>403</title><link rel=\"stylesheet\" href=\"/assets/fonts/be-vietnam-pro.css\"><link rel=\"stylesheet\" href=\"/assets/ioc.css\"></head>\
         <body><main class=\"auth\"><div class=\"auth-card\"><h1>{}</h1><p>{}</p><p><a class=\"lang-switch\" href=\"/login\">{} / {}</a></p></div></main></body></html>",
        Msg::Forbidden.vi(),
        Msg::Forbidden.en(),
        Msg::LoginTitle.vi(),
        Msg::LoginTitle.en()
    );
    (
        axum::http::StatusCode::FORBIDDEN,
        axum::response::Html(html),
    )
        .into_response()
}
