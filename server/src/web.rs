//! Router assembly: API, live gateway, operational endpoints, static files and Leptos pages.

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::Router;
use ioc_frontend::app::{shell, App};
use ioc_frontend::wall::WallSource;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;

use crate::config::ServeConfig;
use crate::http::{ops, openapi};
use crate::{indicators, live, AppState};

/// Largest request body: a full batch of points is well under this.
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Leptos options for our own build script (`scripts/build-wasm.sh`): the bundle is
/// `<site>/pkg/ioc.js` and `<site>/pkg/ioc_bg.wasm`.
pub fn leptos_options(config: &ServeConfig) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("ioc")
        .site_root(config.site_dir.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .build()
}

pub fn router(state: AppState) -> Router {
    let leptos = state.leptos.clone();
    let routes = generate_route_list(App);
    let wall_state = state.clone();
    let provide = move || {
        let s = wall_state.clone();
        provide_context(WallSource(Arc::new(move || {
            let s = s.clone();
            Box::pin(async move {
                indicators::streams::wall_state(&s.db, &s.epoch, &s.config.province, s.config.demo)
                    .await
                    .map_err(|e| {
                        tracing::error!(error = %e, "wall state");
                        "database error".to_string()
                    })?
                    .ok_or_else(|| format!("unknown province {}", s.config.province))
            })
        })));
    };
    let site = std::path::PathBuf::from(leptos.site_root.as_ref());

    Router::new()
        .merge(indicators::routes::router())
        .merge(crate::auth::routes::router())
        .route("/ws", get(live::ws::ws_handler))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/api/openapi.json", get(openapi::openapi_json))
        .nest_service("/pkg", ServeDir::new(site.join("pkg")).precompressed_gzip())
        .nest_service("/assets", ServeDir::new(site.join("assets")))
        .leptos_routes_with_context(&state, routes, provide, {
            let leptos = leptos.clone();
            move || shell(leptos.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn(ops::track_requests))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
