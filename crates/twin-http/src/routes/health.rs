//! `GET /api/health`: a cheap liveness answer that also says what the twin
//! runs on, for the deploy check and the smoke probe.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use twin_core::ChatModel;

use crate::state::AppState;

#[derive(Serialize)]
pub struct Health {
    status: &'static str,
    profile_version: String,
    index: IndexHealth,
    model: String,
    uptime_s: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    commit: Option<String>,
}

#[derive(Serialize)]
struct IndexHealth {
    kind: &'static str,
    chunks: usize,
}

pub async fn health(State(state): State<AppState>) -> Json<Health> {
    let twin = state.twin();
    Json(Health {
        status: "ok",
        profile_version: twin.version().to_string(),
        index: IndexHealth {
            kind: "embedded",
            chunks: twin.index().len(),
        },
        model: twin.model().name().to_owned(),
        uptime_s: state.started().elapsed().as_secs(),
        // Vercel sets this on every deployment; it ties an answer to a commit.
        commit: std::env::var("VERCEL_GIT_COMMIT_SHA").ok(),
    })
}
