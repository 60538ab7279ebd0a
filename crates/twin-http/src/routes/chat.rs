//! `POST /api/chat`: a visitor's question in, the twin's answer out.
//!
//! With `Accept: text/event-stream` the answer streams as Server-Sent Events:
//!
//! | event | data |
//! |---|---|
//! | `meta` | `{ citations: [{n, id, title, section, score}], retrieval: {took_ms} }`, first |
//! | `token` | `{ text }`, one per fragment, in order |
//! | `done` | `{ answer_id, mode, covered, cited, timings: {retrieval_ms, first_token_ms, total_ms} }`, last |
//! | `error` | `{ code, message }`, if the answer breaks off mid-stream |
//!
//! Otherwise the same answer comes back as one JSON document.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream, StreamExt};
use serde::{Deserialize, Serialize};
use twin_core::{
    Answer, AnswerMode, ChatModel, Hit, IndexError, ModelError, Question, Section, TokenStream,
    Turn,
};

use crate::cache::CachedAnswer;
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::observe::{AnswerLog, SharedAnswerLog};
use crate::state::AppState;

/// The longest question accepted, in characters.
pub const MAX_MESSAGE_CHARS: usize = 2_000;
/// The most history turns accepted.
pub const MAX_HISTORY_TURNS: usize = 20;

/// The request body.
#[derive(Debug, Deserialize)]
pub struct ChatRequest {
    message: String,
    #[serde(default)]
    history: Vec<Turn>,
}

/// One cited chunk, numbered as the answer's `[n]` markers number it.
#[derive(Debug, Serialize)]
pub struct Citation<'a> {
    n: usize,
    id: &'a str,
    title: &'a str,
    section: Section,
    score: f32,
    /// Where a document chunk came from: a file path or URL...
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    /// ...and the heading within it.
    #[serde(skip_serializing_if = "Option::is_none")]
    heading: Option<&'a str>,
}

#[derive(Serialize)]
struct Meta<'a> {
    citations: Vec<Citation<'a>>,
    retrieval: Retrieval,
}

#[derive(Serialize)]
struct Retrieval {
    took_ms: f64,
}

#[derive(Serialize)]
struct Token<'a> {
    text: &'a str,
}

#[derive(Debug, Serialize)]
struct Done {
    answer_id: String,
    mode: AnswerMode,
    covered: bool,
    cited: Vec<usize>,
    timings: Timings,
}

#[derive(Debug, Serialize)]
struct Timings {
    retrieval_ms: f64,
    first_token_ms: Option<f64>,
    total_ms: f64,
}

#[derive(Serialize)]
struct StreamError {
    code: &'static str,
    message: &'static str,
}

/// The whole answer as one JSON document.
#[derive(Serialize)]
struct JsonAnswer<'a> {
    answer_id: &'a str,
    answer: &'a str,
    citations: Vec<Citation<'a>>,
    mode: AnswerMode,
    covered: bool,
    cited: &'a [usize],
    timings: &'a Timings,
}

pub async fn chat(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(request): JsonBody<ChatRequest>,
) -> Result<Response, ApiError> {
    let started = Instant::now();
    let question = validate(request)?;
    let answer_id = format!("ans_{}", uuid::Uuid::new_v4().simple());
    let twin = state.twin();
    let log: SharedAnswerLog = Arc::default();
    let logged_question = state
        .settings()
        .log_questions
        .then(|| question.message.clone());

    // Only a first question has an answer of its own to cache: a
    // follow-up's depends on the conversation.
    let cache_key = match state.cache() {
        Some(cache) if question.history.is_empty() => Some(cache.key(&question.message)),
        _ => None,
    };
    let cached = cache_key.as_deref().and_then(|key| state.cache()?.get(key));
    if cache_key.is_some() {
        state.metrics().cache(cached.is_some());
    }

    // A follow-up's words alone ("and the second one?") make no ticket.
    let asked = question
        .history
        .is_empty()
        .then(|| question.message.clone());
    let (answer, cache_state, slot) = match cached {
        Some(hit) => (from_cache(&hit), "hit", None),
        None => {
            // An LLM answer holds a slot until it has finished streaming.
            let slot = if twin.model().is_extractive() {
                None
            } else {
                match state.llm_slots().try_acquire() {
                    Some(slot) => Some(slot),
                    None => {
                        state.metrics().rate_limited("llm");
                        return Err(ApiError::too_many_requests(
                            "busy",
                            "the twin is answering many visitors right now; please ask again in a moment",
                            Duration::from_secs(1),
                        ));
                    }
                }
            };
            let answer = twin.answer(question).await.map_err(index_error)?;
            state
                .metrics()
                .retrieval(twin.index().kind(), answer.retrieval_time);
            let cache_state = if cache_key.is_some() { "miss" } else { "off" };
            (answer, cache_state, slot)
        }
    };
    // Every time an uncovered question is asked counts, cached or not: the
    // tracker adds a comment to its ticket for each repeat.
    let ticket = match (answer.covered, &asked) {
        (false, Some(asked)) => state.file_unanswered(asked),
        _ => None,
    };
    if let Some(error) = &answer.model_error {
        state.count_degraded(degraded_reason(error));
        tracing::warn!(answer_id, %error, "model failed; answered extractively");
    }
    if let Ok(mut entry) = log.lock() {
        *entry = AnswerLog {
            answer_id: answer_id.clone(),
            mode: answer.mode.as_str(),
            cache: cache_state,
            covered: answer.covered,
            index: twin.index().kind(),
            retrieval_ms: millis(answer.retrieval_time),
            first_token_ms: None,
            failed: false,
            question: logged_question,
        };
    }
    let outcome = Outcome {
        state: state.clone(),
        log: log.clone(),
        cache_key: cache_key.filter(|_| cache_state == "miss"),
        started,
        ticket,
        _slot: slot,
    };

    let mut response = if wants_event_stream(&headers) {
        sse(answer, answer_id.clone(), outcome).into_response()
    } else {
        json(answer, &answer_id, outcome).await
    };
    if let Ok(value) = HeaderValue::from_str(&answer_id) {
        response.headers_mut().insert("x-answer-id", value);
    }
    response.extensions_mut().insert(log);
    Ok(response)
}

/// A cached answer, replayed as one fragment.
fn from_cache(hit: &CachedAnswer) -> Answer {
    Answer {
        hits: hit.hits.clone(),
        tokens: stream::once(std::future::ready(Ok(hit.text.clone()))).boxed(),
        mode: hit.mode,
        covered: hit.covered,
        cited: Some(hit.cited.clone()),
        model_error: None,
        retrieval_time: Duration::ZERO,
    }
}

fn degraded_reason(error: &ModelError) -> &'static str {
    match error {
        ModelError::Transient(_) => "unavailable",
        ModelError::RateLimited { .. } => "rate_limited",
        ModelError::Permanent(_) => "rejected",
        ModelError::ContextTooLong => "context_too_long",
    }
}

/// What happens as an answer goes out: its first token is timed, and once
/// it is whole it may be cached. Holds the LLM slot until dropped.
struct Outcome {
    state: AppState,
    log: SharedAnswerLog,
    cache_key: Option<String>,
    started: Instant,
    /// The ticket being filed for an uncovered question; the response ends
    /// once it is (see [`AppState::file_unanswered`]).
    ticket: Option<tokio::task::JoinHandle<()>>,
    _slot: Option<tokio::sync::OwnedSemaphorePermit>,
}

impl Outcome {
    /// Waits for the ticket being filed, if any. Filing is bounded by its
    /// own timeout and logs its own failures.
    async fn settle(&mut self) {
        if let Some(ticket) = self.ticket.take() {
            let _ = ticket.await;
        }
    }

    fn first_token(&self, mode: AnswerMode) -> std::time::Duration {
        let elapsed = self.started.elapsed();
        if mode == AnswerMode::Generative {
            self.state
                .metrics()
                .first_token(self.state.twin().model().name(), elapsed);
        }
        if let Ok(mut log) = self.log.lock() {
            log.first_token_ms = Some(millis(elapsed));
        }
        elapsed
    }

    fn finish(&mut self, whole: Option<CachedAnswer>) {
        if let Ok(mut log) = self.log.lock() {
            log.failed = whole.is_none();
        }
        if let (Some(key), Some(answer), Some(cache)) =
            (self.cache_key.take(), whole, self.state.cache())
        {
            cache.insert(key, answer);
        }
    }
}

fn validate(request: ChatRequest) -> Result<Question, ApiError> {
    let message = request.message.trim();
    if message.is_empty() {
        return Err(ApiError::bad_request(
            "empty_message",
            "`message` must contain a question",
        ));
    }
    let chars = message.chars().count();
    if chars > MAX_MESSAGE_CHARS {
        return Err(ApiError::bad_request(
            "message_too_long",
            format!("`message` has {chars} characters; the limit is {MAX_MESSAGE_CHARS}"),
        ));
    }
    if request.history.len() > MAX_HISTORY_TURNS {
        return Err(ApiError::bad_request(
            "history_too_long",
            format!(
                "`history` has {} turns; send at most the last {MAX_HISTORY_TURNS}",
                request.history.len()
            ),
        ));
    }
    for (i, turn) in request.history.iter().enumerate() {
        if turn.content.chars().count() > MAX_MESSAGE_CHARS * 2 {
            return Err(ApiError::bad_request(
                "history_turn_too_long",
                format!(
                    "`history[{i}].content` is longer than {} characters",
                    MAX_MESSAGE_CHARS * 2
                ),
            ));
        }
    }
    Ok(Question {
        message: message.to_owned(),
        history: request.history,
    })
}

fn index_error(error: IndexError) -> ApiError {
    tracing::error!(%error, "retrieval failed");
    ApiError::unavailable("the twin's memory is unreachable right now; please try again shortly")
}

fn wants_event_stream(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("text/event-stream"))
}

fn citations(hits: &[Hit]) -> Vec<Citation<'_>> {
    hits.iter()
        .enumerate()
        .map(|(i, hit)| Citation {
            n: i + 1,
            id: hit.chunk.id.as_str(),
            title: &hit.chunk.title,
            section: hit.chunk.section,
            score: (hit.score * 1000.0).round() / 1000.0,
            source: hit.chunk.metadata.get("source").map(String::as_str),
            heading: hit.chunk.metadata.get("heading").map(String::as_str),
        })
        .collect()
}

fn millis(d: std::time::Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

async fn json(answer: Answer, answer_id: &str, mut outcome: Outcome) -> Response {
    let Answer {
        hits,
        mut tokens,
        mode,
        covered,
        cited,
        retrieval_time,
        ..
    } = answer;
    let mut text = String::new();
    let mut first_token = None;
    let mut failed = false;
    while let Some(token) = tokens.next().await {
        match token {
            Ok(fragment) => {
                if first_token.is_none() {
                    first_token = Some(outcome.first_token(mode));
                }
                text.push_str(&fragment);
            }
            Err(error) => {
                tracing::warn!(answer_id, %error, "answer broke off");
                failed = true;
                break;
            }
        }
    }
    let cited = cited.unwrap_or_else(|| twin_core::cited_in(&text, hits.len()));
    let timings = Timings {
        retrieval_ms: millis(retrieval_time),
        first_token_ms: first_token.map(millis),
        total_ms: millis(outcome.started.elapsed()),
    };
    let body = serde_json::to_vec(&JsonAnswer {
        answer_id,
        answer: &text,
        citations: citations(&hits),
        mode,
        covered,
        cited: &cited,
        timings: &timings,
    });
    outcome.finish((!failed).then_some(CachedAnswer {
        hits,
        text,
        mode,
        covered,
        cited,
    }));
    outcome.settle().await;
    match body {
        Ok(body) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body,
        )
            .into_response(),
        Err(_) => ApiError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the answer could not be encoded",
        )
        .into_response(),
    }
}

/// Where the event stream is.
enum Phase {
    Meta,
    Tokens,
    /// The last event is out; the stream ends once a ticket being filed is.
    Settling,
}

struct Streaming {
    phase: Phase,
    hits: Vec<Hit>,
    tokens: TokenStream,
    mode: AnswerMode,
    covered: bool,
    cited: Option<Vec<usize>>,
    retrieval_time: std::time::Duration,
    answer_id: String,
    first_token: Option<std::time::Duration>,
    text: String,
    outcome: Outcome,
    _open: OpenStream,
}

/// Counts a stream in `twin_streams_in_flight` until it ends or the client
/// goes away.
struct OpenStream(AppState);

impl OpenStream {
    fn new(state: AppState) -> OpenStream {
        state.metrics().streams().inc();
        OpenStream(state)
    }
}

impl Drop for OpenStream {
    fn drop(&mut self) {
        self.0.metrics().streams().dec();
    }
}

fn sse(
    answer: Answer,
    answer_id: String,
    outcome: Outcome,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let state = Streaming {
        phase: Phase::Meta,
        hits: answer.hits,
        tokens: answer.tokens,
        mode: answer.mode,
        covered: answer.covered,
        cited: answer.cited,
        retrieval_time: answer.retrieval_time,
        answer_id,
        first_token: None,
        text: String::new(),
        _open: OpenStream::new(outcome.state.clone()),
        outcome,
    };
    // A stream driven by the response body: when the client goes away the
    // body is dropped, and with it the model's token stream.
    let events = stream::unfold(state, |mut s| async move {
        let event = match s.phase {
            Phase::Meta => {
                s.phase = Phase::Tokens;
                let meta = Meta {
                    citations: citations(&s.hits),
                    retrieval: Retrieval {
                        took_ms: millis(s.retrieval_time),
                    },
                };
                json_event("meta", &meta)
            }
            Phase::Tokens => match s.tokens.next().await {
                Some(Ok(fragment)) => {
                    if s.first_token.is_none() {
                        s.first_token = Some(s.outcome.first_token(s.mode));
                    }
                    let event = json_event("token", &Token { text: &fragment });
                    s.text.push_str(&fragment);
                    event
                }
                Some(Err(error)) => {
                    tracing::warn!(answer_id = s.answer_id, %error, "answer broke off");
                    s.phase = Phase::Settling;
                    s.outcome.finish(None);
                    json_event(
                        "error",
                        &StreamError {
                            code: "answer_interrupted",
                            message: "the answer was cut off; please ask again",
                        },
                    )
                }
                None => {
                    s.phase = Phase::Settling;
                    let done = s.done();
                    json_event("done", &done)
                }
            },
            Phase::Settling => {
                s.outcome.settle().await;
                return None;
            }
        };
        Some((Ok(event), s))
    });
    Sse::new(events).keep_alive(KeepAlive::default())
}

impl Streaming {
    fn done(&mut self) -> Done {
        let cited = self
            .cited
            .take()
            .unwrap_or_else(|| twin_core::cited_in(&self.text, self.hits.len()));
        self.outcome.finish(Some(CachedAnswer {
            hits: self.hits.clone(),
            text: self.text.clone(),
            mode: self.mode,
            covered: self.covered,
            cited: cited.clone(),
        }));
        Done {
            answer_id: self.answer_id.clone(),
            mode: self.mode,
            covered: self.covered,
            cited,
            timings: Timings {
                retrieval_ms: millis(self.retrieval_time),
                first_token_ms: self.first_token.map(millis),
                total_ms: millis(self.outcome.started.elapsed()),
            },
        }
    }
}

fn json_event(name: &'static str, data: &impl Serialize) -> Event {
    let data = serde_json::to_string(data).unwrap_or_else(|_| "{}".to_owned());
    Event::default().event(name).data(data)
}
