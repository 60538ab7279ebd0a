//! OpenAI-compatible chat completions, Groq by default, and [`GroqModel`],
//! the twin's [`twin_core::ChatModel`] on top.
//!
//! The base URL is configurable, so OpenAI, Ollama (`http://localhost:11434/v1`)
//! or a llama.cpp server work too: nothing Groq-specific is required in a
//! response, and Groq's extras (`x_groq.usage`, rate-limit headers) are read
//! when present. The wire types in `wire` are the only place in the
//! workspace that knows this API.

mod client;
mod error;
mod model;
mod sse;
mod wire;

pub use client::{Completion, CompletionStream, Delta, GroqClient, GroqConfig, Usage};
pub use error::{GroqError, RateLimits};
pub use model::GroqModel;
pub use sse::SseParser;

/// Groq's OpenAI-compatible API.
pub const GROQ_BASE_URL: &str = "https://api.groq.com/openai/v1";

/// The default model: a production model on Groq (the Llama 3.x models were
/// decommissioned on 2026-08-16; see <https://console.groq.com/docs/deprecations>).
pub const DEFAULT_MODEL: &str = "openai/gpt-oss-120b";

/// Tried in order when the model before fails before its first token.
pub const DEFAULT_FALLBACK_MODELS: &[&str] = &["openai/gpt-oss-20b"];
