//! `GET /api/profile`: the public header of the profile and starter
//! questions, rendered once at start-up.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

use crate::state::AppState;

pub async fn profile(State(state): State<AppState>) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            // The profile changes only with a deployment.
            (header::CACHE_CONTROL, "public, max-age=60"),
        ],
        state.public_profile(),
    )
}
