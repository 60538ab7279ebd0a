//! `GET /api/health`: a cheap liveness answer that also says what the twin
//! runs on, for the deploy check and the smoke probe. It makes no upstream
//! call: it reports what this instance has seen.
//!
//! `GET /api/health?deep=1` also calls each configured dependency (Upstash
//! `info`, the LLM's model list) with a short timeout and reports its
//! status and latency. Any configured dependency down makes it 503 with
//! `status: "degraded"` and the dependency named: the twin still answers
//! (from the embedded index, with the extractive composer), but not the way
//! it was configured to.

use std::future::Future;
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use twin_core::ChatModel;

use crate::backend::Answerer;
use crate::metrics::Dependency;
use crate::state::AppState;

/// How long a deep check waits for each dependency.
const DEEP_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug, Deserialize)]
pub struct HealthQuery {
    #[serde(default)]
    deep: Option<String>,
}

#[derive(Serialize)]
struct DependencyHealth {
    /// `up` or `down`.
    status: &'static str,
    latency_ms: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

#[derive(Serialize, Default)]
struct Dependencies {
    #[serde(skip_serializing_if = "Option::is_none")]
    upstash: Option<DependencyHealth>,
    #[serde(skip_serializing_if = "Option::is_none")]
    llm: Option<DependencyHealth>,
}

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
    /// Only with `?deep=1`.
    #[serde(skip_serializing_if = "Option::is_none")]
    dependencies: Option<Dependencies>,
    /// The dependencies that are down, with `?deep=1`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    degraded: Vec<&'static str>,
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

pub async fn health(State(state): State<AppState>, query: Query<HealthQuery>) -> Response {
    let deep = match query.deep.as_deref().map(str::trim) {
        None | Some("" | "0" | "false") => false,
        Some("1" | "true") => true,
        Some(other) => {
            return crate::error::ApiError::bad_request(
                "invalid_query",
                format!("`deep` must be 1 or 0, got {other:?}"),
            )
            .into_response();
        }
    };
    let mut health = shallow(&state);
    if !deep {
        return Json(health).into_response();
    }
    let (upstash, llm) = tokio::join!(check_upstash(&state), check_llm(&state));
    for (name, dependency, check) in [
        ("upstash", Dependency::Upstash, &upstash),
        ("llm", Dependency::Groq, &llm),
    ] {
        if let Some(check) = check {
            let up = check.status == "up";
            state.metrics().dependency_up(dependency, up);
            if !up {
                health.degraded.push(name);
            }
        }
    }
    health.dependencies = Some(Dependencies { upstash, llm });
    if health.degraded.is_empty() {
        Json(health).into_response()
    } else {
        health.status = "degraded";
        (StatusCode::SERVICE_UNAVAILABLE, Json(health)).into_response()
    }
}

async fn check_upstash(state: &AppState) -> Option<DependencyHealth> {
    let client = state.twin().index().remote()?.upstash().client().clone();
    Some(probe(async move { client.info().await.map(|_| ()) }).await)
}

async fn check_llm(state: &AppState) -> Option<DependencyHealth> {
    let Answerer::Llm(model) = state.twin().model() else {
        return None;
    };
    let client = model.client().clone();
    Some(probe(async move { client.models().await.map(|_| ()) }).await)
}

async fn probe<E: std::fmt::Display>(
    call: impl Future<Output = Result<(), E>>,
) -> DependencyHealth {
    let started = Instant::now();
    let result = tokio::time::timeout(DEEP_TIMEOUT, call).await;
    let latency_ms = (started.elapsed().as_secs_f64() * 1e6).round() / 1e3;
    let error = match result {
        Ok(Ok(())) => None,
        Ok(Err(error)) => Some(error.to_string()),
        Err(_) => Some(format!("no answer within {} s", DEEP_TIMEOUT.as_secs())),
    };
    DependencyHealth {
        status: if error.is_none() { "up" } else { "down" },
        latency_ms,
        error,
    }
}

fn shallow(state: &AppState) -> Health {
    let twin = state.twin();
    let index = twin.index();
    let remote = index.remote();
    Health {
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
        dependencies: None,
        degraded: Vec::new(),
    }
}
