//! The twin over HTTP: `fn app(state) -> Router`.
//!
//! The same router serves `twin serve` and every Vercel function (each
//! function only ever receives its own route), so behaviour cannot drift
//! between local and production. Handlers translate HTTP to [`twin_core`]
//! calls and back; they hold no domain logic.
//!
//! | route | |
//! |---|---|
//! | `POST /api/chat` | an answer, as one JSON document or as SSE (`meta`, `token`…, `done`) |
//! | `GET /api/health` | liveness and what the twin runs on |
//! | `GET /api/profile` | the public view of the profile the page needs |
//! | `POST /api/reindex` | deploy webhook: sync Upstash with the bundled profile |
//! | `GET /`, `/style.css`, `/app.js`, `/widget.js` | the chat page and the embeddable widget |

mod backend;
mod cache;
mod error;
mod extract;
mod limit;
pub mod metrics;
pub mod observe;
mod routes;
mod settings;
mod state;
pub mod telemetry;
pub mod webhook;

use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::routing::{get, post};
use axum::{Router, middleware};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};

pub use backend::{Answerer, RemoteIndex, Retriever};
pub use error::ApiError;
pub use settings::{
    CorsOrigins, LlmSettings, LogFormat, McpSettings, Settings, SettingsError, UpstashSettings,
};
pub use state::{AppState, BUNDLED_DOCUMENTS, BUNDLED_PROFILE, Engine, StateError};
pub use twin_core::Secret;

/// The largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// Builds the router with every route, limit and layer.
pub fn app(state: AppState) -> Router {
    let cors = cors_layer(&state.settings().cors_origins);
    let api = Router::new()
        .route(
            "/api/chat",
            post(routes::chat::chat)
                .fallback(routes::method_not_allowed)
                .route_layer(middleware::from_fn_with_state(state.clone(), limit::per_ip)),
        )
        .route(
            twin_mcp::PATH,
            // `endpoint` answers every method itself (405 for all but
            // POST), so the limit wraps the whole of it.
            twin_mcp::endpoint(state.mcp())
                .layer(middleware::from_fn_with_state(state.clone(), limit::per_ip)),
        )
        .route(
            "/api/feedback",
            post(routes::feedback::feedback)
                .fallback(routes::method_not_allowed)
                .route_layer(middleware::from_fn_with_state(state.clone(), limit::per_ip)),
        )
        .route(
            "/api/metrics",
            get(routes::metrics::metrics).fallback(routes::method_not_allowed),
        )
        .route(
            "/api/health",
            get(routes::health::health).fallback(routes::method_not_allowed),
        )
        .route(
            "/api/profile",
            get(routes::profile::profile).fallback(routes::method_not_allowed),
        )
        .route(
            "/api/reindex",
            post(routes::reindex::reindex).fallback(routes::method_not_allowed),
        )
        .layer(cors);

    Router::new()
        .merge(api)
        .merge(routes::page::router())
        .fallback(routes::not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(CatchPanicLayer::custom(routes::panic_response))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            observe::observe,
        ))
        .with_state(state)
}

fn cors_layer(origins: &CorsOrigins) -> CorsLayer {
    let allow = match origins {
        CorsOrigins::Any => AllowOrigin::any(),
        CorsOrigins::List(list) => AllowOrigin::list(
            list.iter()
                .filter_map(|origin| HeaderValue::from_str(origin).ok()),
        ),
    };
    CorsLayer::new()
        .allow_origin(allow)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::AUTHORIZATION,
            HeaderName::from_static("mcp-protocol-version"),
            HeaderName::from_static("mcp-method"),
            HeaderName::from_static("mcp-name"),
        ])
        .expose_headers([HeaderName::from_static("x-answer-id")])
        .max_age(Duration::from_secs(3600))
}
