//! [`GroqClient`]: streaming and one-shot chat completions, and the model
//! list, over one connection pool.

use std::collections::VecDeque;
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream::{self, BoxStream, StreamExt};
use reqwest::{Response, StatusCode};
use twin_core::Secret;
use twin_core::prompt::Message;

use crate::error::{GroqError, RateLimits};
use crate::sse::SseParser;
use crate::wire::{
    ChatCompletion, ChatRequest, ChunkBody, ErrorBody, ErrorDetail, ModelList, UsageBody,
};
use crate::{DEFAULT_FALLBACK_MODELS, DEFAULT_MODEL};

/// Which API, which models, and how patient to be.
#[derive(Debug, Clone)]
pub struct GroqConfig {
    /// `GROQ_BASE_URL`: any OpenAI-compatible `/v1` base.
    pub base_url: String,
    /// `GROQ_API_KEY`; a local server may need none.
    pub api_key: Option<Secret>,
    /// `GROQ_MODEL`.
    pub model: String,
    /// `GROQ_FALLBACK_MODELS`, tried in order.
    pub fallback_models: Vec<String>,
    pub max_tokens: u32,
    pub temperature: f32,
    pub connect_timeout: Duration,
    /// Until the response headers arrive.
    pub first_byte_timeout: Duration,
    /// The longest silence between two pieces of a streamed answer.
    pub idle_timeout: Duration,
}

impl GroqConfig {
    /// The default models, 1,024 completion tokens, temperature 0.3, 2 s
    /// to connect, 10 s to the first byte, 15 s between stream chunks.
    pub fn new(base_url: impl Into<String>, api_key: Option<Secret>) -> GroqConfig {
        GroqConfig {
            base_url: base_url.into(),
            api_key,
            model: DEFAULT_MODEL.to_owned(),
            fallback_models: DEFAULT_FALLBACK_MODELS
                .iter()
                .map(|m| (*m).to_owned())
                .collect(),
            max_tokens: 1_024,
            temperature: 0.3,
            connect_timeout: Duration::from_secs(2),
            first_byte_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(15),
        }
    }
}

/// Token counts of one completion.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub total_tokens: u64,
}

impl From<UsageBody> for Usage {
    fn from(u: UsageBody) -> Usage {
        Usage {
            prompt_tokens: u.prompt_tokens,
            completion_tokens: u.completion_tokens,
            total_tokens: u.total_tokens,
        }
    }
}

/// One piece of a streamed completion.
#[derive(Debug, Clone, PartialEq)]
pub enum Delta {
    /// Answer text, in order.
    Text(String),
    /// Why the model stopped (`stop`, `length`...).
    Finish(String),
    /// Token counts, near the end of the stream.
    Usage(Usage),
}

/// A streamed completion: ends after `[DONE]`, or with an error item.
pub type CompletionStream = BoxStream<'static, Result<Delta, GroqError>>;

/// A whole, non-streamed completion.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub model: String,
    pub text: String,
    pub finish_reason: Option<String>,
    pub usage: Option<Usage>,
}

/// A chat completions client. Cheap to clone.
#[derive(Debug, Clone)]
pub struct GroqClient {
    http: reqwest::Client,
    config: GroqConfig,
}

impl GroqClient {
    pub fn new(config: GroqConfig) -> Result<GroqClient, GroqError> {
        let base = config.base_url.trim_end_matches('/');
        if !(base.starts_with("https://") || base.starts_with("http://")) {
            return Err(GroqError::Config(
                "the base URL must start with https:// or http://".into(),
            ));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .build()
            .map_err(|e| GroqError::Config(e.without_url().to_string()))?;
        Ok(GroqClient { http, config })
    }

    pub fn config(&self) -> &GroqConfig {
        &self.config
    }

    /// Starts a streamed completion. Errors before the stream starts (HTTP
    /// status, timeouts) come back here; later ones as stream items.
    pub async fn stream_chat(
        &self,
        model: &str,
        messages: &[Message],
    ) -> Result<CompletionStream, GroqError> {
        let response = self.post_chat(model, messages, true).await?;
        let body = response.bytes_stream().boxed();
        let state = StreamState {
            body,
            parser: SseParser::new(),
            pending: VecDeque::new(),
            done: false,
            idle_timeout: self.config.idle_timeout,
        };
        Ok(stream::unfold(state, next_delta).boxed())
    }

    /// A whole completion in one response.
    pub async fn chat(&self, model: &str, messages: &[Message]) -> Result<Completion, GroqError> {
        let response = self.post_chat(model, messages, false).await?;
        let bytes = tokio::time::timeout(self.config.idle_timeout, response.bytes())
            .await
            .map_err(|_| GroqError::Transient("timed out reading the answer".into()))?
            .map_err(transport)?;
        let completion: ChatCompletion =
            serde_json::from_slice(&bytes).map_err(|e| GroqError::Malformed(e.to_string()))?;
        let choice = completion.choices.into_iter().next();
        Ok(Completion {
            model: completion.model,
            text: choice
                .as_ref()
                .and_then(|c| c.message.content.clone())
                .unwrap_or_default(),
            finish_reason: choice.and_then(|c| c.finish_reason),
            usage: completion.usage.map(Usage::from),
        })
    }

    /// The ids of the models the key may use.
    pub async fn models(&self) -> Result<Vec<String>, GroqError> {
        let request = self.authorize(self.http.get(self.url("models")));
        let response = self.send(request, "").await?;
        let bytes = response.bytes().await.map_err(transport)?;
        let list: ModelList =
            serde_json::from_slice(&bytes).map_err(|e| GroqError::Malformed(e.to_string()))?;
        Ok(list.data.into_iter().map(|m| m.id).collect())
    }

    async fn post_chat(
        &self,
        model: &str,
        messages: &[Message],
        stream: bool,
    ) -> Result<Response, GroqError> {
        let body = ChatRequest {
            model,
            messages,
            max_completion_tokens: self.config.max_tokens,
            temperature: self.config.temperature,
            stream,
        };
        let request = self
            .authorize(self.http.post(self.url("chat/completions")))
            .json(&body);
        self.send(request, model).await
    }

    fn url(&self, path: &str) -> String {
        format!("{}/{path}", self.config.base_url.trim_end_matches('/'))
    }

    fn authorize(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.config.api_key {
            Some(key) => request.bearer_auth(key.expose()),
            None => request,
        }
    }

    /// Sends and turns a non-2xx status into the matching error.
    async fn send(
        &self,
        request: reqwest::RequestBuilder,
        model: &str,
    ) -> Result<Response, GroqError> {
        let response = tokio::time::timeout(self.config.first_byte_timeout, request.send())
            .await
            .map_err(|_| GroqError::Transient("no response in time".into()))?
            .map_err(transport)?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let limits = RateLimits::from_headers(response.headers());
        let bytes = tokio::time::timeout(self.config.idle_timeout, response.bytes())
            .await
            .ok()
            .and_then(Result::ok)
            .unwrap_or_default();
        let detail = serde_json::from_slice::<ErrorBody>(&bytes)
            .ok()
            .map(|b| b.error);
        Err(status_error(status, detail, limits, model))
    }
}

fn status_error(
    status: StatusCode,
    detail: Option<ErrorDetail>,
    limits: RateLimits,
    model: &str,
) -> GroqError {
    let message = detail
        .as_ref()
        .map(|d| d.message.clone())
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| {
            status
                .canonical_reason()
                .unwrap_or("no explanation")
                .to_owned()
        });
    let code = detail.as_ref().and_then(ErrorDetail::code).unwrap_or("");
    match status.as_u16() {
        429 => GroqError::RateLimited {
            retry_after: limits.retry_after.or(limits.reset_requests),
            limits: Box::new(limits),
        },
        401 => GroqError::Unauthorized(message),
        403 => GroqError::Forbidden(message),
        404 => GroqError::ModelNotFound {
            model: model.to_owned(),
            message,
        },
        _ if code == "context_length_exceeded" => GroqError::ContextTooLong,
        _ if matches!(code, "model_not_found" | "model_decommissioned") => {
            GroqError::ModelNotFound {
                model: model.to_owned(),
                message,
            }
        }
        500..=599 => GroqError::Transient(format!("HTTP {}: {message}", status.as_u16())),
        _ => GroqError::BadRequest(format!("HTTP {}: {message}", status.as_u16())),
    }
}

fn transport(error: reqwest::Error) -> GroqError {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "cannot connect"
    } else {
        "request failed"
    };
    GroqError::Transient(format!("{kind}: {}", error.without_url()))
}

struct StreamState {
    body: BoxStream<'static, reqwest::Result<Bytes>>,
    parser: SseParser,
    pending: VecDeque<Result<Delta, GroqError>>,
    done: bool,
    idle_timeout: Duration,
}

/// The next delta: from events already parsed, else from the next body
/// chunk. Each event is decoded as soon as its bytes are in, so the first
/// token goes out without waiting for anything after it.
async fn next_delta(mut s: StreamState) -> Option<(Result<Delta, GroqError>, StreamState)> {
    loop {
        if let Some(item) = s.pending.pop_front() {
            if item.is_err() {
                s.done = true;
                s.pending.clear();
            }
            return Some((item, s));
        }
        if s.done {
            return None;
        }
        match tokio::time::timeout(s.idle_timeout, s.body.next()).await {
            Err(_) => {
                s.done = true;
                return Some((Err(GroqError::Transient("the answer stalled".into())), s));
            }
            Ok(Some(Ok(bytes))) => {
                for data in s.parser.feed(&bytes) {
                    decode(&data, &mut s.pending, &mut s.done);
                    if s.done {
                        break;
                    }
                }
            }
            Ok(Some(Err(error))) => {
                s.done = true;
                return Some((Err(transport(error)), s));
            }
            Ok(None) => {
                if let Some(data) = s.parser.finish() {
                    decode(&data, &mut s.pending, &mut s.done);
                }
                if !s.done {
                    // The connection closed before `[DONE]`: the answer is
                    // cut short, and the caller must know.
                    s.pending.push_back(Err(GroqError::Transient(
                        "the answer stream ended early".into(),
                    )));
                }
                s.done = true;
            }
        }
    }
}

fn decode(data: &str, out: &mut VecDeque<Result<Delta, GroqError>>, done: &mut bool) {
    let data = data.trim();
    if data == "[DONE]" {
        *done = true;
        return;
    }
    if data.is_empty() {
        return;
    }
    let chunk: ChunkBody = match serde_json::from_str(data) {
        Ok(chunk) => chunk,
        Err(e) => {
            out.push_back(Err(GroqError::Malformed(format!("a stream event: {e}"))));
            return;
        }
    };
    if let Some(error) = chunk.error {
        let message = if error.message.is_empty() {
            error.kind.unwrap_or_else(|| "unknown error".into())
        } else {
            error.message
        };
        out.push_back(Err(GroqError::Transient(format!(
            "the model failed mid-answer: {message}"
        ))));
        return;
    }
    for choice in chunk.choices {
        if let Some(text) = choice.delta.content.filter(|t| !t.is_empty()) {
            out.push_back(Ok(Delta::Text(text)));
        }
        if let Some(reason) = choice.finish_reason {
            out.push_back(Ok(Delta::Finish(reason)));
        }
    }
    if let Some(usage) = chunk.x_groq.and_then(|x| x.usage).or(chunk.usage) {
        out.push_back(Ok(Delta::Usage(usage.into())));
    }
}
