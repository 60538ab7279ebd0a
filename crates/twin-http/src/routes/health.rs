//! `GET /api/health`: a cheap liveness answer that also says what the twin
//! runs on, for the deploy check and the smoke probe. It makes no upstream
//! call: it reports what this instance has seen.

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
    answers: Answers,
    uptime_s: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    commit: Option<String>,
}

#[derive(Serialize)]
struct IndexHealth {
    kind: &'static str,
    chunks: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    namespace: Option<String>,
    /// For Upstash: whether its namespace was found complete; until then
    /// the embedded index answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    ready: Option<bool>,
    /// Searches the embedded index answered in Upstash's place.
    #[serde(skip_serializing_if = "Option::is_none")]
    fallbacks: Option<u64>,
}

#[derive(Serialize)]
struct Answers {
    /// Answers the extractive composer gave because the LLM failed.
    degraded: u64,
}

pub async fn health(State(state): State<AppState>) -> Json<Health> {
    let twin = state.twin();
    let index = twin.index();
    let remote = index.remote();
    Json(Health {
        status: "ok",
        profile_version: twin.version().to_string(),
        index: IndexHealth {
            kind: index.kind(),
            chunks: index.embedded().len(),
            namespace: remote.map(|r| r.namespace().to_owned()),
            ready: remote.map(|r| r.is_ready()),
            fallbacks: remote.map(|r| r.fallbacks()),
        },
        model: twin.model().name().to_owned(),
        answers: Answers {
            degraded: state.degraded_answers(),
        },
        uptime_s: state.started().elapsed().as_secs(),
        // Vercel sets this on every deployment; it ties an answer to a commit.
        commit: std::env::var("VERCEL_GIT_COMMIT_SHA").ok(),
    })
}
