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
use std::time::Instant;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream, StreamExt};
use serde::{Deserialize, Serialize};
use twin_core::{Answer, AnswerMode, Hit, IndexError, Question, Section, TokenStream, Turn};

use crate::error::ApiError;
use crate::extract::JsonBody;
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
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
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
    let answer = state.twin().answer(question).await.map_err(index_error)?;
    let answer_id = format!("ans_{}", uuid::Uuid::new_v4().simple());
    if let Some(error) = &answer.model_error {
        state.count_degraded();
        tracing::warn!(answer_id, %error, "model failed; answered extractively");
    }

    let mut response = if wants_event_stream(&headers) {
        sse(answer, answer_id.clone(), started).into_response()
    } else {
        json(answer, &answer_id, started).await
    };
    if let Ok(value) = HeaderValue::from_str(&answer_id) {
        response.headers_mut().insert("x-answer-id", value);
    }
    Ok(response)
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
        })
        .collect()
}

fn millis(d: std::time::Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

async fn json(answer: Answer, answer_id: &str, started: Instant) -> Response {
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
                first_token.get_or_insert_with(|| started.elapsed());
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
        total_ms: millis(started.elapsed()),
    };
    log_answer(answer_id, mode, covered, &timings, failed);
    let body = JsonAnswer {
        answer_id,
        answer: &text,
        citations: citations(&hits),
        mode,
        covered,
        cited: &cited,
        timings: &timings,
    };
    Json(&body).into_response()
}

fn log_answer(answer_id: &str, mode: AnswerMode, covered: bool, timings: &Timings, failed: bool) {
    tracing::info!(
        answer_id,
        mode = mode.as_str(),
        covered,
        retrieval_ms = timings.retrieval_ms,
        first_token_ms = timings.first_token_ms,
        total_ms = timings.total_ms,
        failed,
        "answered"
    );
}

/// Where the event stream is.
enum Phase {
    Meta,
    Tokens,
    Finished,
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
    started: Instant,
    first_token: Option<std::time::Duration>,
    text: String,
}

fn sse(
    answer: Answer,
    answer_id: String,
    started: Instant,
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
        started,
        first_token: None,
        text: String::new(),
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
                    s.first_token.get_or_insert_with(|| s.started.elapsed());
                    let event = json_event("token", &Token { text: &fragment });
                    s.text.push_str(&fragment);
                    event
                }
                Some(Err(error)) => {
                    tracing::warn!(answer_id = s.answer_id, %error, "answer broke off");
                    s.phase = Phase::Finished;
                    json_event(
                        "error",
                        &StreamError {
                            code: "answer_interrupted",
                            message: "the answer was cut off; please ask again",
                        },
                    )
                }
                None => {
                    s.phase = Phase::Finished;
                    let done = s.done();
                    log_answer(&s.answer_id, s.mode, s.covered, &done.timings, false);
                    json_event("done", &done)
                }
            },
            Phase::Finished => return None,
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
        Done {
            answer_id: self.answer_id.clone(),
            mode: self.mode,
            covered: self.covered,
            cited,
            timings: Timings {
                retrieval_ms: millis(self.retrieval_time),
                first_token_ms: self.first_token.map(millis),
                total_ms: millis(self.started.elapsed()),
            },
        }
    }
}

fn json_event(name: &'static str, data: &impl Serialize) -> Event {
    let data = serde_json::to_string(data).unwrap_or_else(|_| "{}".to_owned());
    Event::default().event(name).data(data)
}
