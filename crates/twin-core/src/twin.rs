//! [`Twin`]: retrieval, then an answer, with the extractive composer as the
//! floor it never falls through.
//!
//! The flow for one question:
//! 1. build the retrieval query from the question (and, for a terse
//!    follow-up, the previous user turn);
//! 2. search the index; no hit above its floor means the profile does not
//!    cover the question, and the answer is the composer's refusal, whatever
//!    model is configured, so no model ever improvises;
//! 3. ask the model; if it fails before its first token, the composer
//!    answers instead and the answer is marked [`AnswerMode::Degraded`].

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::compose::{ExtractiveComposer, token_stream};
use crate::model::{AnswerRequest, ChatModel, ModelError, TokenStream, Turn};
use crate::profile::{Profile, ProfileVersion};
use crate::retrieval::{Hit, IndexError, SearchQuery, VectorIndex};
use crate::text;

/// Knobs for answering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TwinConfig {
    /// How many chunks retrieval returns at most.
    pub top_k: usize,
    /// How many earlier turns reach the model.
    pub history_turns: usize,
}

impl Default for TwinConfig {
    fn default() -> TwinConfig {
        TwinConfig {
            top_k: 5,
            history_turns: 6,
        }
    }
}

/// A visitor's question with the conversation so far.
#[derive(Debug, Clone, Default)]
pub struct Question {
    pub message: String,
    /// Earlier turns, oldest first.
    pub history: Vec<Turn>,
}

/// How an answer was produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AnswerMode {
    /// Quoted from the profile by the offline composer.
    Extractive,
    /// Written by the configured LLM from the retrieved context.
    Generative,
    /// The LLM failed, so the composer answered instead.
    Degraded,
}

impl AnswerMode {
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerMode::Extractive => "extractive",
            AnswerMode::Generative => "generative",
            AnswerMode::Degraded => "degraded",
        }
    }
}

/// An answer on its way: the context it rests on and its token stream.
pub struct Answer {
    /// The retrieved context, best first; `[n]` cites `hits[n-1]`.
    pub hits: Vec<Hit>,
    pub tokens: TokenStream,
    pub mode: AnswerMode,
    /// False when the profile had nothing relevant and the answer is a refusal.
    pub covered: bool,
    /// Citation numbers, when known before streaming (extractive answers).
    pub cited: Option<Vec<usize>>,
    /// Why the model was bypassed, for a degraded answer.
    pub model_error: Option<ModelError>,
    pub retrieval_time: Duration,
}

impl std::fmt::Debug for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Answer")
            .field("hits", &self.hits.len())
            .field("mode", &self.mode)
            .field("covered", &self.covered)
            .field("cited", &self.cited)
            .field("model_error", &self.model_error)
            .field("retrieval_time", &self.retrieval_time)
            .finish_non_exhaustive()
    }
}

/// The twin: one profile, one index, one model.
#[derive(Debug)]
pub struct Twin<I, M> {
    profile: Arc<Profile>,
    version: ProfileVersion,
    index: I,
    model: M,
    composer: ExtractiveComposer,
    config: TwinConfig,
}

impl<I: VectorIndex, M: ChatModel> Twin<I, M> {
    pub fn new(profile: Arc<Profile>, index: I, model: M, config: TwinConfig) -> Twin<I, M> {
        let composer = ExtractiveComposer::new(&profile);
        Twin::with_composer(profile, index, model, composer, config)
    }

    /// Like [`Twin::new`], with a composer already built for `profile` (it
    /// is cheap to clone), so a caller that also answers with it builds it
    /// once.
    pub fn with_composer(
        profile: Arc<Profile>,
        index: I,
        model: M,
        composer: ExtractiveComposer,
        config: TwinConfig,
    ) -> Twin<I, M> {
        Twin {
            version: profile.version(),
            composer,
            profile,
            index,
            model,
            config,
        }
    }

    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    pub fn version(&self) -> &ProfileVersion {
        &self.version
    }

    pub fn index(&self) -> &I {
        &self.index
    }

    pub fn model(&self) -> &M {
        &self.model
    }

    pub fn config(&self) -> &TwinConfig {
        &self.config
    }

    /// Retrieves context for the question and starts the answer.
    pub async fn answer(&self, question: Question) -> Result<Answer, IndexError> {
        let history = trim_history(question.history, self.config.history_turns);
        let started = Instant::now();
        let query = SearchQuery {
            text: retrieval_text(&question.message, &history),
            top_k: self.config.top_k,
        };
        let hits = self.index.search(&query).await?;
        let retrieval_time = started.elapsed();

        let request = AnswerRequest {
            question: question.message,
            history,
            hits,
        };
        if request.hits.is_empty() {
            return Ok(self.extractive(request, AnswerMode::Extractive, None, retrieval_time));
        }
        if self.model.is_extractive() {
            return Ok(self.extractive(request, AnswerMode::Extractive, None, retrieval_time));
        }
        match self.model.answer(&request).await {
            Ok(tokens) => Ok(Answer {
                hits: request.hits,
                tokens,
                mode: AnswerMode::Generative,
                covered: true,
                cited: None,
                model_error: None,
                retrieval_time,
            }),
            Err(error) => {
                Ok(self.extractive(request, AnswerMode::Degraded, Some(error), retrieval_time))
            }
        }
    }

    /// The composer's answer to `request`, whatever model is configured.
    pub fn compose(&self, request: &AnswerRequest) -> crate::compose::Composition {
        self.composer.compose(request)
    }

    fn extractive(
        &self,
        request: AnswerRequest,
        mode: AnswerMode,
        model_error: Option<ModelError>,
        retrieval_time: Duration,
    ) -> Answer {
        let composition = self.composer.compose(&request);
        Answer {
            tokens: token_stream(&composition.text),
            covered: composition.covered,
            cited: Some(composition.cited),
            hits: request.hits,
            mode,
            model_error,
            retrieval_time,
        }
    }
}

/// Keeps the last `turns` turns.
fn trim_history(mut history: Vec<Turn>, turns: usize) -> Vec<Turn> {
    let skip = history.len().saturating_sub(turns);
    history.drain(..skip);
    history
}

/// The text retrieval runs on. A follow-up with fewer than two content words
/// ("and the second one?") borrows the previous user turn, so the server can
/// stay stateless and still resolve it.
fn retrieval_text(message: &str, history: &[Turn]) -> String {
    if text::terms(message).len() >= 2 {
        return message.to_owned();
    }
    let previous = history
        .iter()
        .rev()
        .find(|turn| turn.role == crate::model::Role::User);
    match previous {
        Some(turn) => format!("{} {}", turn.content, message),
        None => message.to_owned(),
    }
}

/// The `[n]` citation numbers used in `text`, ascending, each once, limited
/// to `1..=hits`.
pub fn cited_in(text: &str, hits: usize) -> Vec<usize> {
    let mut cited = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        rest = &rest[open + 1..];
        let Some(close) = rest.find(']') else { break };
        if let Ok(n) = rest[..close].trim().parse::<usize>()
            && (1..=hits).contains(&n)
            && !cited.contains(&n)
        {
            cited.push(n);
        }
    }
    cited.sort_unstable();
    cited
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cited_in_finds_valid_markers_once() {
        assert_eq!(
            cited_in("I did X [2]. And Y [1][2] [9] [x] [", 3),
            vec![1, 2]
        );
        assert_eq!(cited_in("no markers", 3), Vec::<usize>::new());
    }
}
