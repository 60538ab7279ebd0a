//! The answering seam: anything that turns retrieved context into an answer.
//!
//! Two implementations exist: [`crate::compose::ExtractiveComposer`] (offline,
//! the default and the fallback) and the Groq chat-completions client.

use std::future::Future;

use futures_util::stream::BoxStream;
use serde::{Deserialize, Serialize};

use crate::retrieval::Hit;

/// Who said a line of the conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Assistant,
}

/// One earlier line of the conversation, as the client sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Turn {
    pub role: Role,
    pub content: String,
}

/// Everything a model needs to answer one question.
#[derive(Debug, Clone)]
pub struct AnswerRequest {
    pub question: String,
    /// Earlier turns, oldest first, already trimmed to the configured window.
    pub history: Vec<Turn>,
    /// The retrieved context, best first; `[n]` in an answer cites `hits[n-1]`.
    pub hits: Vec<Hit>,
}

/// The answer as it is produced: text fragments in order.
pub type TokenStream = BoxStream<'static, Result<String, ModelError>>;

/// Why a model could not answer. The variant says whether retrying can help.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ModelError {
    /// Network trouble, a timeout or a 5xx: another attempt may work.
    #[error("the model is unavailable: {0}")]
    Transient(String),
    /// Quota or rate limit reached; retry after the given number of seconds.
    #[error("the model's rate limit was reached (retry after {retry_after_secs:?} s)")]
    RateLimited { retry_after_secs: Option<u64> },
    /// Bad credentials, a retired model, a rejected request: retrying won't help.
    #[error("the model rejected the request: {0}")]
    Permanent(String),
    /// The prompt does not fit the model's context window.
    #[error("the prompt is too long for the model")]
    ContextTooLong,
}

/// Produces an answer to a question from retrieved context.
pub trait ChatModel: Send + Sync {
    /// A short name for logs and `/api/health`, e.g. `extractive` or a model id.
    fn name(&self) -> &str;

    /// True for the offline composer, whose answers are quotes rather than
    /// generated text. It decides the `mode` an answer reports.
    fn is_extractive(&self) -> bool {
        false
    }

    /// Starts answering. Errors before the first token come back here; errors
    /// mid-answer come through the stream.
    fn answer(
        &self,
        request: &AnswerRequest,
    ) -> impl Future<Output = Result<TokenStream, ModelError>> + Send;
}
