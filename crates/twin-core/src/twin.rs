//! [`Twin`]: retrieval, then an answer, with the extractive composer as the
//! floor it never falls through.
//!
//! The flow for one question:
//! 1. build the retrieval query from the question and, for a follow-up
//!    ("what did you use there?", "and the second one?"), from what the
//!    conversation was about (see [`Conversation`]);
//! 2. search the index; no hit above its floor means the profile does not
//!    cover the question, and neither do hits that lack the one detail it
//!    asks for (a count, a sum, a name: see
//!    [`ExtractiveComposer::states_asked`]). The answer is then the
//!    composer's refusal, whatever model is configured, so no model ever
//!    improvises;
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

mod conversation;
mod timeline;

use conversation::{Conversation, Dependence, about_first, dependence, in_context};
use timeline::{Resolved, Timeline};

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
    conversation: Conversation,
    timeline: Timeline,
    /// The parts of the owner's name, lower-case: a question that names
    /// the owner is searched as one asked of them.
    owner: Vec<String>,
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
            conversation: Conversation::new(&profile, &composer.refusal().text),
            timeline: Timeline::new(&profile),
            owner: profile.name_words(),
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
        let Retrieved {
            hits,
            about,
            resolved,
        } = self.retrieve(&question.message, &history).await?;
        let retrieval_time = started.elapsed();

        let request = AnswerRequest {
            question: question.message,
            history,
            hits,
        };
        // The composer reads words, so it reads the question without a
        // phrase like "before Signalgrove" (see `Resolved`); a model reads
        // it as asked.
        let composed = |request: AnswerRequest| match &resolved {
            Some(resolved) => AnswerRequest {
                question: resolved.question.clone(),
                ..request
            },
            None => request,
        };
        // Chunks about what the question names may still not state the one
        // detail it asks for ("how many stars does slidewire have?", or
        // "does *it* have?" after slidewire): the profile does not cover it,
        // and no model is asked. The composer checks the question by itself
        // when it answers; what the conversation is about, only the twin
        // knows.
        let checked = !self.model.is_extractive() || about.is_some();
        if !request.hits.is_empty()
            && checked
            && !self.composer.states_asked(
                resolved.as_ref().map_or(&request.question, |r| &r.question),
                &request.hits,
                about.as_deref(),
            )
        {
            let request = AnswerRequest {
                hits: Vec::new(),
                ..request
            };
            return Ok(self.extractive(request, AnswerMode::Extractive, None, retrieval_time));
        }
        if request.hits.is_empty() || self.model.is_extractive() {
            let request = composed(request);
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
            Err(error) => Ok(self.extractive(
                composed(request),
                AnswerMode::Degraded,
                Some(error),
                retrieval_time,
            )),
        }
    }

    /// Searches for the message, with what the conversation is about when
    /// the message leans on it. The server is stateless: that comes from the
    /// history the client sends (see [`Conversation::context`]).
    ///
    /// * A message that refers back ("what did you use *there*?") is
    ///   searched with its context, and the chunks about the context itself
    ///   go first: "there" is that employer, whatever else the message's
    ///   words match. If nothing covers the message and its context
    ///   together (the profile may not use the message's word, "*hardware*"
    ///   for a Raspberry Pi), the context's chunks are the answer.
    /// * A message that continues the last one ("*and* Portuguese?",
    ///   "*what about* Go?") names its own subject: it is searched with its
    ///   context, as is.
    /// * A terse message ("which technologies?") is searched alone and with
    ///   its context, and the context wins when its best chunk is one the
    ///   message alone found too: the context then narrows the message
    ///   ("technologies" at the employer just discussed) rather than
    ///   replacing it ("any hobbies?" after a question on salary).
    ///
    /// A job named by its place in time ("your *first job*", "*before
    /// Signalgrove*", "and *before that*?") is searched for by name (see
    /// [`Timeline`]).
    ///
    /// One search for a message that stands alone, two otherwise.
    async fn retrieve(&self, message: &str, history: &[Turn]) -> Result<Retrieved, IndexError> {
        let message = text::owner_as_you(message, &self.owner);
        let resolved = self.timeline.resolve(&message, &[]);
        let mut retrieved = self
            .search_in_conversation(resolved.as_ref().map_or(&*message, |r| &r.search), history)
            .await?;
        if retrieved.resolved.is_none() {
            retrieved.resolved = resolved;
        }
        Ok(retrieved)
    }

    async fn search_in_conversation(
        &self,
        message: &str,
        history: &[Turn],
    ) -> Result<Retrieved, IndexError> {
        let top_k = self.config.top_k;
        let search = |text: String| {
            let query = SearchQuery { text, top_k };
            async move { self.index.search(&query).await }
        };
        if history.is_empty() {
            return search(message.to_owned()).await.map(Retrieved::from);
        }
        let dependence = dependence(message);
        let context = if dependence.is_some() || text::terms(message).len() < 2 {
            self.conversation.context(message, history)
        } else {
            None
        };
        let Some(context) = context else {
            return search(message.to_owned()).await.map(Retrieved::from);
        };
        if dependence == Some(Dependence::Refers)
            && let Some(resolved) = self.timeline.resolve(message, &context.about)
        {
            // "Before that" was the job discussed; the job it names is now
            // in the message, which stands alone.
            let hits = search(resolved.search.clone()).await?;
            return Ok(Retrieved {
                hits,
                about: None,
                resolved: Some(resolved),
            });
        }
        match dependence {
            Some(Dependence::Refers) => {
                // The chunks about the subject first, those the message's
                // words also found in their order, then the subject's others
                // (the message may use words the profile does not:
                // "*hardware*" for a Raspberry Pi), then what else the
                // message found.
                let with_message = search(in_context(message, &context.text)).await?;
                let subject = search(in_context("", &context.text)).await?;
                let named = with_message
                    .iter()
                    .chain(&subject)
                    .any(|h| context.names(h));
                let mut hits: Vec<Hit> = Vec::with_capacity(top_k);
                for hit in with_message
                    .iter()
                    .filter(|h| context.names(h))
                    .chain(subject.iter().filter(|h| !named || context.names(h)))
                    .chain(&with_message)
                {
                    if !hits.iter().any(|h| h.chunk.id == hit.chunk.id) {
                        hits.push(hit.clone());
                    }
                }
                hits.truncate(top_k);
                if hits.is_empty() {
                    return search(message.to_owned()).await.map(Retrieved::from);
                }
                Ok(Retrieved {
                    hits: about_first(hits, &context),
                    about: (!context.about.is_empty()).then(|| context.about.join(", ")),
                    resolved: None,
                })
            }
            Some(Dependence::Continues) => {
                let hits = search(in_context(message, &context.text)).await?;
                if hits.is_empty() {
                    return search(message.to_owned()).await.map(Retrieved::from);
                }
                Ok(hits.into())
            }
            None => {
                let alone = search(message.to_owned()).await?;
                let with_context = search(in_context(message, &context.text)).await?;
                let in_alone = |hit: &Hit| alone.iter().any(|h| h.chunk.id == hit.chunk.id);
                let narrows = with_context
                    .first()
                    .is_some_and(|best| in_alone(best) || says_all(&best.chunk, message));
                if alone.is_empty() || !narrows {
                    return Ok(if alone.is_empty() {
                        with_context
                    } else {
                        alone
                    }
                    .into());
                }
                // What both searches found answers the message within the
                // context: "why did you leave?" after Sternhaul is the answer
                // on leaving, not the role at Sternhaul.
                let (mut hits, rest): (Vec<Hit>, Vec<Hit>) =
                    with_context.into_iter().partition(|h| in_alone(h));
                hits.extend(rest);
                let mut cap = f32::INFINITY;
                for hit in &mut hits {
                    cap = cap.min(hit.score);
                    hit.score = cap;
                }
                Ok(hits.into())
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
        let mut hits = request.hits;
        // A refusal rests on nothing.
        if !composition.covered {
            hits.clear();
        }
        Answer {
            tokens: token_stream(&composition.text),
            covered: composition.covered,
            cited: Some(composition.cited),
            hits,
            mode,
            model_error,
            retrieval_time,
        }
    }
}

/// What retrieval found for a message.
struct Retrieved {
    hits: Vec<Hit>,
    /// What the conversation is about, when the message refers back to it
    /// ("how many stars does *it* have?"): pieces of the titles of its chunks.
    about: Option<String>,
    /// The message as searched, when a job named by its place in time was
    /// named in it (see [`Timeline`]).
    resolved: Option<Resolved>,
}

impl From<Vec<Hit>> for Retrieved {
    fn from(hits: Vec<Hit>) -> Retrieved {
        Retrieved {
            hits,
            about: None,
            resolved: None,
        }
    }
}

/// Whether `chunk` uses every content word of `message`, in its text or
/// its metadata ("technologies" for a role that lists them).
fn says_all(chunk: &crate::chunk::Chunk, message: &str) -> bool {
    let wanted = text::terms(message);
    if wanted.is_empty() {
        return false;
    }
    let mut has = text::terms(&chunk.text);
    for (key, value) in &chunk.metadata {
        has.extend(text::terms(key));
        has.extend(text::terms(value));
    }
    wanted.iter().all(|w| has.contains(w))
}

/// Keeps the last `turns` turns.
fn trim_history(mut history: Vec<Turn>, turns: usize) -> Vec<Turn> {
    let skip = history.len().saturating_sub(turns);
    history.drain(..skip);
    history
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
    fn says_all_reads_text_and_metadata() {
        let mut metadata = std::collections::BTreeMap::new();
        metadata.insert("technologies".to_owned(), "Python, RabbitMQ".to_owned());
        let chunk = crate::chunk::Chunk::new(
            crate::chunk::Section::Experience,
            "Engineer at Acme",
            "I rated call records.",
            metadata,
        );
        assert!(says_all(&chunk, "Which technologies?"));
        assert!(says_all(&chunk, "RabbitMQ and call records?"));
        assert!(!says_all(&chunk, "Any hobbies?"));
        assert!(!says_all(&chunk, "?"));
    }

    #[test]
    fn cited_in_finds_valid_markers_once() {
        assert_eq!(
            cited_in("I did X [2]. And Y [1][2] [9] [x] [", 3),
            vec![1, 2]
        );
        assert_eq!(cited_in("no markers", 3), Vec::<usize>::new());
    }
}
