//! [`GroqClient`]: streamed and one-shot chat completions and the model
//! list, over one connection pool, with the timeouts of a [`GroqConfig`].

use std::time::Duration;

use futures_util::stream::BoxStream;
use reqwest::{RequestBuilder, Response, Url};
use twin_core::Secret;
use twin_core::prompt::Message;

use crate::error::{Endpoint, GroqError, RateLimits, status_error, transport};
use crate::stream::{Decoder, completion_stream};
use crate::wire::{ChatCompletion, ChatRequest, ModelList, UsageBody};
use crate::{DEFAULT_FALLBACK_MODELS, DEFAULT_MODEL};

/// Which API, which models, and how patient to be.
#[derive(Debug, Clone)]
pub struct GroqConfig {
    /// An OpenAI-compatible base URL ending in `/v1`, such as
    /// [`crate::GROQ_BASE_URL`] or Ollama's `http://localhost:11434/v1`.
    pub base_url: String,
    /// Sent as `Authorization: Bearer`; a local server may need none.
    pub api_key: Option<Secret>,
    /// The model tried first.
    pub model: String,
    /// Tried in order when the models before fail before their first token.
    pub fallback_models: Vec<String>,
    /// The cap on generated tokens, reasoning included on reasoning models.
    pub max_tokens: u32,
    /// Sampling temperature; low, so answers keep to the context.
    pub temperature: f32,
    /// To open a connection.
    pub connect_timeout: Duration,
    /// From sending the request until the response headers arrive.
    pub first_byte_timeout: Duration,
    /// The longest silence allowed between two pieces of a response body.
    pub idle_timeout: Duration,
}

impl GroqConfig {
    /// [`DEFAULT_MODEL`] with [`DEFAULT_FALLBACK_MODELS`], 1,024 tokens,
    /// temperature 0.3; 2 s to connect, 10 s to the response headers, 15 s
    /// between body chunks.
    ///
    /// The token cap is well above the two to five sentences the prompt
    /// asks for because the default models reason before they answer, and
    /// their reasoning counts against the same cap: a tighter one could end
    /// an answer before its first word.
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
    /// Tokens of the prompt.
    pub prompt_tokens: u64,
    /// Tokens generated, reasoning included.
    pub completion_tokens: u64,
    /// The two together.
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delta {
    /// Answer text, in order.
    Text(String),
    /// Why the model stopped: `stop`, or `length` when it hit the token cap.
    Finish(String),
    /// Token counts, near the end of the stream (Groq's `x_groq.usage`, or
    /// a top-level `usage`).
    Usage(Usage),
}

/// A streamed completion. It ends after `[DONE]`, or with one error item
/// (a mid-stream error object, a stall longer than the idle timeout, a
/// body that broke off) after which nothing more comes.
pub type CompletionStream = BoxStream<'static, Result<Delta, GroqError>>;

/// A whole, non-streamed completion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// The model that answered, as the server names it.
    pub model: String,
    /// The answer; empty if the server sent no content.
    pub text: String,
    /// Why the model stopped, if the server said.
    pub finish_reason: Option<String>,
    /// Token counts, if the server sent them.
    pub usage: Option<Usage>,
    /// The rate-limit headers of the response.
    pub rate_limits: RateLimits,
}

/// A chat completions client. Cheap to clone: clones share one connection
/// pool.
#[derive(Debug, Clone)]
pub struct GroqClient {
    http: reqwest::Client,
    /// `base_url` without its trailing slash.
    base: String,
    config: GroqConfig,
}

impl GroqClient {
    /// Checks the base URL and key and builds the connection pool.
    pub fn new(config: GroqConfig) -> Result<GroqClient, GroqError> {
        let base = config.base_url.trim().trim_end_matches('/').to_owned();
        let url = Url::parse(&base)
            .map_err(|e| GroqError::Config(format!("the base URL is not a URL: {e}")))?;
        if !matches!(url.scheme(), "https" | "http") {
            return Err(GroqError::Config(
                "the base URL must start with https:// or http://".into(),
            ));
        }
        if url.query().is_some() || !url.username().is_empty() || url.password().is_some() {
            // Credentials belong in `api_key`, where they are redacted; in
            // the URL they would leak into logs.
            return Err(GroqError::Config(
                "the base URL must have no credentials or query string".into(),
            ));
        }
        if let Some(key) = &config.api_key
            && !key.expose().bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(GroqError::Config(
                "the API key has characters an HTTP header cannot carry (a stray space or newline?)"
                    .into(),
            ));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .build()
            .map_err(|e| GroqError::Config(e.without_url().to_string()))?;
        Ok(GroqClient { http, base, config })
    }

    /// The configuration the client was built with.
    pub fn config(&self) -> &GroqConfig {
        &self.config
    }

    /// Starts a streamed completion: `POST {base}/chat/completions` with
    /// `stream: true`. An error status or a timeout before the response
    /// headers comes back here; anything later as a stream item.
    pub async fn stream_chat(
        &self,
        model: &str,
        messages: &[Message],
    ) -> Result<CompletionStream, GroqError> {
        let response = self.post_chat(model, messages, true).await?;
        let limits = RateLimits::from_headers(response.headers());
        tracing::debug!(
            model,
            remaining_requests = ?limits.remaining_requests,
            remaining_tokens = ?limits.remaining_tokens,
            "streaming a completion"
        );
        let decoder = Decoder::new(model, self.config.api_key.clone());
        Ok(completion_stream(
            response,
            decoder,
            self.config.idle_timeout,
        ))
    }

    /// A whole completion in one response: `POST {base}/chat/completions`
    /// with `stream: false`. The server may send its headers only once the
    /// answer is complete, so `first_byte_timeout` bounds the whole
    /// generation here; it is meant for smoke tests and health checks.
    pub async fn chat(&self, model: &str, messages: &[Message]) -> Result<Completion, GroqError> {
        let response = self.post_chat(model, messages, false).await?;
        let rate_limits = RateLimits::from_headers(response.headers());
        let bytes = self.body(response).await?;
        let completion: ChatCompletion = serde_json::from_slice(&bytes)
            .map_err(|e| GroqError::Malformed(format!("a chat completion: {e}")))?;
        let choice = completion.choices.into_iter().next();
        let (text, finish_reason) = match choice {
            Some(choice) => (
                choice.message.content.unwrap_or_default(),
                choice.finish_reason,
            ),
            None => (String::new(), None),
        };
        Ok(Completion {
            model: completion.model.unwrap_or_else(|| model.to_owned()),
            text,
            finish_reason,
            usage: completion.usage.map(Usage::from),
            rate_limits,
        })
    }

    /// The ids of the models the key may use: `GET {base}/models`.
    pub async fn models(&self) -> Result<Vec<String>, GroqError> {
        let request = self.authorize(self.http.get(self.url("models")));
        let response = self.send(request, Endpoint::Models).await?;
        let bytes = self.body(response).await?;
        let list: ModelList = serde_json::from_slice(&bytes)
            .map_err(|e| GroqError::Malformed(format!("a model list: {e}")))?;
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
        self.send(request, Endpoint::Chat { model }).await
    }

    fn url(&self, path: &str) -> String {
        format!("{}/{path}", self.base)
    }

    fn authorize(&self, request: RequestBuilder) -> RequestBuilder {
        match &self.config.api_key {
            // `bearer_auth` marks the header sensitive, so it never shows
            // in reqwest's own Debug output either.
            Some(key) => request.bearer_auth(key.expose()),
            None => request,
        }
    }

    /// Sends the request, waiting at most `first_byte_timeout` for the
    /// response headers, and turns an error status into its error.
    async fn send(
        &self,
        request: RequestBuilder,
        endpoint: Endpoint<'_>,
    ) -> Result<Response, GroqError> {
        let response = tokio::time::timeout(self.config.first_byte_timeout, request.send())
            .await
            .map_err(|_| {
                GroqError::Transient(format!(
                    "no response within {:.1} s",
                    self.config.first_byte_timeout.as_secs_f64()
                ))
            })?
            .map_err(transport)?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let limits = RateLimits::from_headers(response.headers());
        // The error body only explains the status; if it is slow or
        // broken, the status alone still tells what happened.
        let body = self.body(response).await.unwrap_or_default();
        let error = status_error(
            status,
            &body,
            limits,
            endpoint,
            self.config.api_key.as_ref(),
        );
        tracing::debug!(status = status.as_u16(), %error, "the model API refused a request");
        Err(error)
    }

    /// Reads a whole body, allowing `idle_timeout` between its chunks.
    async fn body(&self, mut response: Response) -> Result<Vec<u8>, GroqError> {
        let mut body = Vec::new();
        loop {
            match tokio::time::timeout(self.config.idle_timeout, response.chunk()).await {
                Ok(Ok(Some(chunk))) => body.extend_from_slice(&chunk),
                Ok(Ok(None)) => return Ok(body),
                Ok(Err(error)) => return Err(transport(error)),
                Err(_) => {
                    return Err(GroqError::Transient(format!(
                        "the response stalled: nothing for {:.1} s",
                        self.config.idle_timeout.as_secs_f64()
                    )));
                }
            }
        }
    }
}
