//! `GET /api/metrics`: the Prometheus exposition. With `TWIN_METRICS_TOKEN`
//! set, only a scraper that sends it as a bearer token gets an answer.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::state::AppState;
use crate::webhook::bearer_matches;

const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = &state.settings().metrics_token
        && !bearer_matches(&headers, token)
    {
        let mut response = ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send the metrics token as `Authorization: Bearer <TWIN_METRICS_TOKEN>`",
        )
        .into_response();
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static(r#"Bearer realm="metrics""#),
        );
        return response;
    }
    (
        [(header::CONTENT_TYPE, CONTENT_TYPE)],
        state.metrics().render(),
    )
        .into_response()
}
