//! Request and response bodies of the chat completions API, as OpenAI
//! documents them and Groq implements them, plus Groq's documented `x_groq`
//! extension. Nothing outside this crate sees these types.
//!
//! Only the fields this crate reads are declared; serde skips the rest, so
//! a server that sends more (Groq's timings, `system_fingerprint`,
//! reasoning deltas) or less (Ollama and llama.cpp send no `x_groq`) is
//! still understood. Every response field that a compatible server might
//! leave out is optional or defaulted.

use serde::{Deserialize, Serialize};
use twin_core::prompt::Message;

/// The body of `POST /chat/completions`.
#[derive(Debug, Serialize)]
pub(crate) struct ChatRequest<'a> {
    pub model: &'a str,
    /// `twin_core`'s messages serialise as `{"role": "system"|"user"|
    /// "assistant", "content": "..."}`, which is the documented shape.
    pub messages: &'a [Message],
    /// The cap on generated tokens. Groq and OpenAI both document
    /// `max_completion_tokens` and mark `max_tokens` deprecated; OpenAI's
    /// reasoning models reject `max_tokens` outright, and on reasoning
    /// models (Groq's `gpt-oss`) this cap also bounds the hidden
    /// reasoning. llama.cpp's server reads it too. Ollama documents only
    /// `max_tokens` and ignores this field, which leaves its answers
    /// uncapped but working, the lesser harm.
    pub max_completion_tokens: u32,
    pub temperature: f32,
    pub stream: bool,
}

/// A `chat.completion` object: the non-streamed answer.
#[derive(Debug, Deserialize)]
pub(crate) struct ChatCompletion {
    #[serde(default)]
    pub model: Option<String>,
    pub choices: Vec<Choice>,
    #[serde(default)]
    pub usage: Option<UsageBody>,
}

/// One of `chat.completion.choices`.
#[derive(Debug, Deserialize)]
pub(crate) struct Choice {
    pub message: ChoiceMessage,
    #[serde(default)]
    pub finish_reason: Option<String>,
}

/// `choices[].message`; `content` is null when a model only calls tools.
#[derive(Debug, Deserialize)]
pub(crate) struct ChoiceMessage {
    #[serde(default)]
    pub content: Option<String>,
}

/// One streamed event: a `chat.completion.chunk`, or an error object that
/// a server sends instead of a chunk when it fails mid-answer.
#[derive(Debug, Deserialize)]
pub(crate) struct ChunkBody {
    #[serde(default)]
    pub choices: Vec<ChunkChoice>,
    /// OpenAI's usage, sent in a final chunk.
    #[serde(default)]
    pub usage: Option<UsageBody>,
    /// Groq's extension; its `usage` arrives in the last chunk.
    #[serde(default)]
    pub x_groq: Option<XGroq>,
    #[serde(default)]
    pub error: Option<ErrorDetail>,
}

/// One of `chat.completion.chunk.choices`.
#[derive(Debug, Deserialize)]
pub(crate) struct ChunkChoice {
    #[serde(default)]
    pub delta: ChunkDelta,
    #[serde(default)]
    pub finish_reason: Option<String>,
}

/// `choices[].delta`: the first carries only the role, later ones text.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ChunkDelta {
    #[serde(default)]
    pub content: Option<String>,
}

/// Groq's `x_groq` object.
#[derive(Debug, Deserialize)]
pub(crate) struct XGroq {
    #[serde(default)]
    pub usage: Option<UsageBody>,
}

/// The token counts shared by OpenAI's `usage` and Groq's `x_groq.usage`.
#[derive(Debug, Clone, Copy, Deserialize)]
pub(crate) struct UsageBody {
    #[serde(default)]
    pub prompt_tokens: u64,
    #[serde(default)]
    pub completion_tokens: u64,
    #[serde(default)]
    pub total_tokens: u64,
}

/// An error response: `{"error": {"message", "type", "code"}}`.
#[derive(Debug, Deserialize)]
pub(crate) struct ErrorBody {
    pub error: ErrorDetail,
}

/// The `error` object. Groq and OpenAI send `code` as a string or null;
/// llama.cpp's server sends the HTTP status as a number, hence `Value`.
#[derive(Debug, Deserialize)]
pub(crate) struct ErrorDetail {
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub code: Option<serde_json::Value>,
}

impl ErrorDetail {
    /// `code` when it is a string.
    pub fn code(&self) -> Option<&str> {
        self.code.as_ref().and_then(serde_json::Value::as_str)
    }

    /// `type`, or an empty string.
    pub fn kind(&self) -> &str {
        self.kind.as_deref().unwrap_or("")
    }
}

/// The body of `GET /models`.
#[derive(Debug, Deserialize)]
pub(crate) struct ModelList {
    pub data: Vec<ModelEntry>,
}

/// One of `models.data`.
#[derive(Debug, Deserialize)]
pub(crate) struct ModelEntry {
    pub id: String,
}
