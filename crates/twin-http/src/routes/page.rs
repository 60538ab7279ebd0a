//! The chat page and the widget, compiled into the binary so `twin serve`
//! works from any directory. On Vercel the same files are served statically
//! from `public/`.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::state::AppState;

const INDEX_HTML: &str = include_str!("../../../../public/index.html");
const STYLE_CSS: &str = include_str!("../../../../public/style.css");
const APP_JS: &str = include_str!("../../../../public/app.js");
const WIDGET_JS: &str = include_str!("../../../../public/widget.js");

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(|| asset(INDEX_HTML, "text/html; charset=utf-8")))
        .route(
            "/index.html",
            get(|| asset(INDEX_HTML, "text/html; charset=utf-8")),
        )
        .route(
            "/style.css",
            get(|| asset(STYLE_CSS, "text/css; charset=utf-8")),
        )
        .route(
            "/app.js",
            get(|| asset(APP_JS, "text/javascript; charset=utf-8")),
        )
        .route(
            "/widget.js",
            get(|| asset(WIDGET_JS, "text/javascript; charset=utf-8")),
        )
}

async fn asset(body: &'static str, content_type: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
}
