//! Chat completions request and response bodies, as OpenAI documents them
//! and Groq implements them (plus Groq's documented `x_groq`).

use serde::{Deserialize, Serialize};
use twin_core::prompt::Message;

/// `POST /chat/completions`.
#[derive(Debug, Serialize)]
pub(crate) struct ChatRequest<'a> {
    pub model: &'a str,
    pub messages: &'a [Message],
    /// `max_completion_tokens` is the name both OpenAI and Groq document
    /// (`max_tokens` is deprecated on both); it also bounds a reasoning
    /// model's hidden reasoning.
    pub max_completion_tokens: u32,
    pub temperature: f32,
    pub stream: bool,
}

/// A `chat.completion` (non-streaming).
#[derive(Debug, Deserialize)]
pub(crate) struct ChatCompletion {
    pub model: String,
    pub choices: Vec<Choice>,
    #[serde(default)]
    pub usage: Option<UsageBody>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Choice {
    pub message: ChoiceMessage,
    #[serde(default)]
    pub finish_reason: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ChoiceMessage {
    #[serde(default)]
    pub content: Option<String>,
}

/// A `chat.completion.chunk`, or an error object sent mid-stream.
#[derive(Debug, Deserialize)]
pub(crate) struct ChunkBody {
    #[serde(default)]
    pub choices: Vec<ChunkChoice>,
    /// OpenAI's final usage chunk.
    #[serde(default)]
    pub usage: Option<UsageBody>,
    /// Groq's extension: the last chunk carries the usage here.
    #[serde(default)]
    pub x_groq: Option<XGroq>,
    #[serde(default)]
    pub error: Option<ErrorDetail>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ChunkChoice {
    #[serde(default)]
    pub delta: ChunkDelta,
    #[serde(default)]
    pub finish_reason: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ChunkDelta {
    #[serde(default)]
    pub content: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct XGroq {
    #[serde(default)]
    pub usage: Option<UsageBody>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
pub(crate) struct UsageBody {
    #[serde(default)]
    pub prompt_tokens: u64,
    #[serde(default)]
    pub completion_tokens: u64,
    #[serde(default)]
    pub total_tokens: u64,
}

/// `{"error": {"message", "type", "code"}}`.
#[derive(Debug, Deserialize)]
pub(crate) struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ErrorDetail {
    #[serde(default)]
    pub message: String,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub code: Option<serde_json::Value>,
}

impl ErrorDetail {
    pub fn code(&self) -> Option<&str> {
        self.code.as_ref().and_then(|c| c.as_str())
    }
}

/// `GET /models`.
#[derive(Debug, Deserialize)]
pub(crate) struct ModelList {
    pub data: Vec<ModelEntry>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ModelEntry {
    pub id: String,
}
