//! OpenAI-compatible chat completions, Groq by default, and [`GroqModel`],
//! the twin's [`twin_core::ChatModel`] on top.
//!
//! The base URL is configurable, so OpenAI, Ollama
//! (`http://localhost:11434/v1`) or a llama.cpp server work too: the key is
//! optional, nothing Groq-specific is required in a response, and Groq's
//! extras (`x_groq.usage`, the rate-limit headers) are read when present.
//!
//! - `client`: [`GroqClient`] and its [`GroqConfig`]; streamed and one-shot
//!   completions and the model list.
//! - `stream`: bytes of a streamed body to [`Delta`]s, over `sse`, a
//!   Server-Sent Events parser that takes chunks cut anywhere.
//! - `model`: [`GroqModel`], with fallback models before the first token.
//! - `error`: [`GroqError`] and [`RateLimits`].
//! - `wire`: the request and response bodies; the only place in the
//!   workspace that knows this API's JSON.

mod client;
mod error;
mod model;
mod sse;
mod stream;
mod wire;

pub use client::{Completion, CompletionStream, Delta, GroqClient, GroqConfig, Usage};
pub use error::{GroqError, RateLimits};
pub use model::{GroqModel, GroqObserver};

/// Groq's OpenAI-compatible API.
pub const GROQ_BASE_URL: &str = "https://api.groq.com/openai/v1";

/// The default model. Groq's Supported Models page
/// (<https://console.groq.com/docs/models>) lists it under Production
/// Models, which Groq keeps stable and retires only with notice, unlike
/// preview models. Groq has announced the shutdown of its Llama 3.x
/// production models (`llama-3.3-70b-versatile`, `llama-3.1-8b-instant`),
/// so they are not used here (<https://console.groq.com/docs/deprecations>).
pub const DEFAULT_MODEL: &str = "openai/gpt-oss-120b";

/// Tried in order when the models before fail before their first token:
/// the smaller production model of the same family, which has its own
/// rate limits, so it often still answers when the default is limited.
pub const DEFAULT_FALLBACK_MODELS: &[&str] = &["openai/gpt-oss-20b"];
