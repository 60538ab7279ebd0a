//! One place sees every request: it names it (request id), counts it
//! (metrics) and writes its one log line when it is over — for a stream,
//! when the stream ends, so the line carries the whole answer's timings.
//!
//! The line is `tracing` event `request` on target `twin::request`: with
//! `TWIN_LOG_FORMAT=json`, one JSON object with `request_id`, `method`,
//! `route`, `status`, `latency_ms` and, for answers, `answer_id`, `mode`,
//! `cache`, `covered`, `retrieval_ms`, `first_token_ms` and `index` (and the
//! question only with `TWIN_LOG_QUESTIONS=1`). Nothing else about a visitor
//! is logged, and no secret ever is.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use futures_util::StreamExt;

use crate::state::AppState;

/// The id of one request: Vercel's `x-vercel-id` or the caller's
/// `x-request-id` when sane, else a fresh one. Echoed as `x-request-id`.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// What the chat handler knows about an answer, for the request's log line.
/// Shared with the answer's stream, which fills in the timings as it goes.
#[derive(Debug, Default)]
pub(crate) struct AnswerLog {
    pub answer_id: String,
    pub mode: &'static str,
    pub cache: &'static str,
    pub covered: bool,
    pub index: &'static str,
    pub retrieval_ms: f64,
    pub first_token_ms: Option<f64>,
    pub failed: bool,
    pub question: Option<String>,
}

pub(crate) type SharedAnswerLog = Arc<Mutex<AnswerLog>>;

/// The route label for metrics and logs: the matched route template, so
/// that label values stay few whatever paths clients send.
fn route_label(path: Option<&MatchedPath>) -> &'static str {
    match path.map(MatchedPath::as_str) {
        Some("/api/chat") => "/api/chat",
        Some("/api/health") => "/api/health",
        Some("/api/profile") => "/api/profile",
        Some("/api/reindex") => "/api/reindex",
        Some("/api/metrics") => "/api/metrics",
        Some("/api/mcp") => "/api/mcp",
        Some("/api/feedback") => "/api/feedback",
        Some(_) => "static",
        None => "unmatched",
    }
}

fn request_id(request: &Request) -> String {
    ["x-vercel-id", "x-request-id"]
        .iter()
        .filter_map(|name| request.headers().get(*name)?.to_str().ok())
        .find(|id| !id.is_empty() && id.len() <= 128 && id.bytes().all(|b| b.is_ascii_graphic()))
        .map_or_else(
            || format!("req_{}", uuid::Uuid::new_v4().simple()),
            str::to_owned,
        )
}

/// Counts a request in flight until dropped, then writes its log line and
/// records its metrics.
struct Finish {
    state: AppState,
    request_id: String,
    method: String,
    route: &'static str,
    status: u16,
    started: Instant,
    answer: Option<SharedAnswerLog>,
}

impl Drop for Finish {
    fn drop(&mut self) {
        self.state.metrics().in_flight().dec();
        let latency_ms = millis(self.started);
        let answer = self
            .answer
            .as_ref()
            .and_then(|a| a.lock().ok().map(|mut a| std::mem::take(&mut *a)));
        match answer {
            Some(a) => tracing::info!(
                target: "twin::request",
                request_id = self.request_id,
                method = self.method,
                route = self.route,
                status = self.status,
                latency_ms,
                answer_id = a.answer_id,
                mode = a.mode,
                cache = a.cache,
                covered = a.covered,
                index = a.index,
                retrieval_ms = a.retrieval_ms,
                first_token_ms = a.first_token_ms,
                failed = a.failed,
                question = a.question,
                "request"
            ),
            None => tracing::info!(
                target: "twin::request",
                request_id = self.request_id,
                method = self.method,
                route = self.route,
                status = self.status,
                latency_ms,
                "request"
            ),
        }
    }
}

fn millis(since: Instant) -> f64 {
    (since.elapsed().as_secs_f64() * 1e6).round() / 1e3
}

pub(crate) async fn observe(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let route = route_label(request.extensions().get::<MatchedPath>());
    let id = request_id(&request);
    let method = request.method().to_string();
    request.extensions_mut().insert(RequestId(id.clone()));
    state.metrics().in_flight().inc();

    let mut response = next.run(request).await;

    let status = response.status().as_u16();
    state.metrics().request(route, status, started.elapsed());
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    let finish = Finish {
        answer: response.extensions_mut().remove::<SharedAnswerLog>(),
        state,
        request_id: id,
        method,
        route,
        status,
        started,
    };
    let streaming = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
    if !streaming {
        drop(finish);
        return response;
    }
    // A stream is in flight until its body is done or dropped (the client
    // went away); its log line waits for that moment.
    let (parts, body) = response.into_parts();
    let body = body.into_data_stream().map(move |frame| {
        let _ = &finish;
        frame
    });
    Response::from_parts(parts, Body::from_stream(body))
}
