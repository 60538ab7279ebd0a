//! What every request shares: the twin and the pre-rendered public profile.
//!
//! State is built once per process (once per cold start on Vercel) and
//! cloned cheaply into each request.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::body::Bytes;
use serde::Serialize;
use tokio::task::JoinHandle;
use twin_core::prompt::PromptBuilder;
use twin_core::{
    Chunk, EmbeddedIndex, ExtractiveComposer, IndexConfig, Profile, ProfileError, Section, Twin,
    TwinConfig, chunk_profile, namespace_for,
};
use twin_groq::{GroqClient, GroqConfig, GroqError, GroqModel};
use twin_upstash::{UpstashClient, UpstashConfig, UpstashError, UpstashIndex};

use twin_mcp::{Mcp, McpConfig};
use twin_tickets::{Filed, Gap, Tickets};

use crate::routes::feedback::Rating;

use crate::backend::{Answerer, RemoteIndex, Retriever};
use crate::cache::AnswerCache;
use crate::limit::{IpLimiter, LlmSlots};
use crate::metrics::Metrics;
use crate::settings::Settings;

/// The profile compiled into every binary. Functions always answer from it,
/// so a deployment's answers are tied to the commit it was built from and a
/// rollback in the Vercel dashboard rolls the profile back with the code.
pub const BUNDLED_PROFILE: &str = include_str!("../../../data/digitaltwin.json");

/// The documents compiled in beside it (`twin ingest` writes the file from
/// the sources in `data/twin.toml`); empty when there are none.
pub const BUNDLED_DOCUMENTS: &str = include_str!("../../../data/documents.jsonl");

/// The concrete twin this edge runs: the backends the settings chose.
pub type Engine = Twin<Retriever, Answerer>;

/// Why state could not be built.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("the profile is invalid: {0}")]
    Profile(#[from] ProfileError),
    #[error(transparent)]
    Documents(#[from] twin_core::DocumentsError),
    #[error("cannot set up the Upstash client: {0}")]
    Upstash(#[from] UpstashError),
    #[error("cannot set up the chat model client: {0}")]
    Llm(#[from] GroqError),
    #[error("cannot set up the ticket tracker client: {0}")]
    Tickets(#[from] twin_tickets::TicketError),
}

/// Shared, cheaply cloned request state.
#[derive(Debug, Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    twin: Arc<Engine>,
    mcp: Arc<Mcp<Retriever, Answerer>>,
    chunks: Arc<[Chunk]>,
    settings: Settings,
    public_profile: Bytes,
    started: Instant,
    degraded: AtomicU64,
    metrics: Arc<Metrics>,
    cache: Option<AnswerCache>,
    ip_limiter: Option<IpLimiter>,
    llm_slots: LlmSlots,
    tickets: Option<Tickets>,
}

impl AppState {
    /// Builds the twin for `profile` with the backends `settings` name:
    /// Upstash Vector if configured, else the embedded index; an LLM if
    /// configured, else the extractive composer. Clients are built here,
    /// once per process, and reused by every request.
    pub fn new(profile: Profile, settings: Settings) -> Result<AppState, StateError> {
        AppState::with_documents(profile, Vec::new(), settings)
    }

    /// Like [`AppState::new`], with `documents` (chunks from sources beyond
    /// the profile) indexed after the profile's own chunks.
    pub fn with_documents(
        profile: Profile,
        documents: Vec<Chunk>,
        settings: Settings,
    ) -> Result<AppState, StateError> {
        let metrics = Arc::new(Metrics::default());
        let profile = Arc::new(profile);
        let mut chunks = chunk_profile(&profile);
        chunks.extend(documents);
        let chunks: Arc<[Chunk]> = chunks.into();
        let sections = distinct_sections(&chunks);
        let embedded = EmbeddedIndex::new(chunks.to_vec(), IndexConfig::default());
        let index = match &settings.upstash {
            None => Retriever::Embedded(embedded),
            Some(upstash) => {
                let client =
                    UpstashClient::new(UpstashConfig::new(&upstash.url, upstash.token.clone()))?;
                let remote =
                    UpstashIndex::new(client, namespace_for(&chunks), &chunks, upstash.min_score);
                Retriever::Remote(RemoteIndex::new(
                    remote,
                    embedded,
                    chunks.clone(),
                    settings.keep_namespaces,
                    metrics.clone(),
                ))
            }
        };
        let composer = ExtractiveComposer::new(&profile);
        let model = match &settings.llm {
            None => Answerer::Extractive(composer.clone()),
            Some(llm) => {
                let mut config = GroqConfig::new(&llm.base_url, llm.api_key.clone());
                if let Some(model) = &llm.model {
                    config.model = model.clone();
                }
                if let Some(fallbacks) = &llm.fallback_models {
                    config.fallback_models = fallbacks.clone();
                }
                let prompt = PromptBuilder::new(&profile, settings.history_turns);
                Answerer::Llm(Box::new(
                    GroqModel::new(GroqClient::new(config)?, prompt).with_observer(metrics.clone()),
                ))
            }
        };
        let config = TwinConfig {
            top_k: settings.top_k,
            history_turns: settings.history_turns,
        };
        let twin = Arc::new(Twin::with_composer(profile, index, model, composer, config));
        let mcp = Arc::new(Mcp::new(twin.clone(), mcp_config(&settings)));
        let public_profile = public_profile(twin.profile(), twin.version().as_str(), sections);
        let cache = AnswerCache::new(&settings.cache, twin.version().as_str());
        let ip_limiter = IpLimiter::new(settings.rate_limit_per_min);
        let llm_slots = LlmSlots::new(settings.max_concurrent_llm);
        let tickets = settings.tickets.clone().map(Tickets::new).transpose()?;
        Ok(AppState {
            inner: Arc::new(Inner {
                twin,
                mcp,
                chunks,
                settings,
                public_profile,
                started: Instant::now(),
                degraded: AtomicU64::new(0),
                metrics,
                cache,
                ip_limiter,
                llm_slots,
                tickets,
            }),
        })
    }

    /// Builds state from the profile compiled into the binary.
    pub fn bundled(settings: Settings) -> Result<AppState, StateError> {
        AppState::with_documents(
            Profile::from_json(BUNDLED_PROFILE)?,
            twin_core::read_documents(BUNDLED_DOCUMENTS)?,
            settings,
        )
    }

    /// Every indexed chunk: the profile's, in profile order, then the
    /// documents'.
    pub fn chunks(&self) -> &[Chunk] {
        &self.inner.chunks
    }

    pub fn twin(&self) -> &Engine {
        &self.inner.twin
    }

    /// The twin, shared (the MCP server holds it too).
    pub fn shared_twin(&self) -> Arc<Engine> {
        self.inner.twin.clone()
    }

    /// The MCP server over the same twin.
    pub fn mcp(&self) -> Arc<Mcp<Retriever, Answerer>> {
        self.inner.mcp.clone()
    }

    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// `/api/profile`'s body, rendered once.
    pub(crate) fn public_profile(&self) -> Bytes {
        self.inner.public_profile.clone()
    }

    pub(crate) fn started(&self) -> Instant {
        self.inner.started
    }

    /// Answers the composer gave because the LLM failed, since start-up.
    pub fn degraded_answers(&self) -> u64 {
        self.inner.degraded.load(Ordering::Relaxed)
    }

    pub(crate) fn count_degraded(&self, reason: &'static str) {
        self.inner.degraded.fetch_add(1, Ordering::Relaxed);
        self.inner.metrics.degraded(reason);
    }

    /// The process's metrics.
    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    pub(crate) fn cache(&self) -> Option<&AnswerCache> {
        self.inner.cache.as_ref()
    }

    pub(crate) fn ip_limiter(&self) -> Option<&IpLimiter> {
        self.inner.ip_limiter.as_ref()
    }

    /// Files a ticket for a down-vote with a comment and its question, when
    /// a tracker is configured. Awaited (up to [`TICKET_WAIT`]) rather than
    /// spawned: a serverless instance may be frozen once it has answered.
    pub(crate) async fn file_feedback(&self, feedback: &crate::routes::feedback::Feedback) {
        let (Some(tickets), Rating::Down, Some(comment), Some(question)) = (
            &self.inner.tickets,
            feedback.rating,
            &feedback.comment,
            &feedback.question,
        ) else {
            return;
        };
        if let Some(gap) = Gap::down_vote(question, comment) {
            file(tickets, gap, &self.inner.metrics).await;
        }
    }

    /// Starts filing a ticket for a question the profile does not cover,
    /// when a tracker is configured. The answer goes out meanwhile; the
    /// response ends only once the returned task has (at most
    /// [`TICKET_WAIT`]), because a serverless instance may be frozen as soon
    /// as its response is complete, and a task left running would be lost.
    pub(crate) fn file_unanswered(&self, question: &str) -> Option<JoinHandle<()>> {
        let tickets = self.inner.tickets.clone()?;
        let gap = Gap::unanswered(question)?;
        let metrics = self.inner.metrics.clone();
        Some(tokio::spawn(
            async move { file(&tickets, gap, &metrics).await },
        ))
    }

    pub(crate) fn llm_slots(&self) -> &LlmSlots {
        &self.inner.llm_slots
    }
}

/// How long a request waits for a ticket to be filed.
const TICKET_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

async fn file(tickets: &Tickets, gap: Gap, metrics: &Metrics) {
    let key = gap.key();
    // `Tickets::file` logs what became of the gap; only a timeout is ours.
    let outcome = match tokio::time::timeout(TICKET_WAIT, tickets.file(gap)).await {
        Ok(Ok(Filed::Created { .. })) => "created",
        Ok(Ok(Filed::Commented { .. })) => "commented",
        Ok(Ok(Filed::Throttled)) => "throttled",
        Ok(Err(_)) => "failed",
        Err(_) => {
            tracing::warn!(target: "twin::tickets", key, "filing the gap timed out");
            "timed_out"
        }
    };
    metrics.ticket(outcome);
}

/// The MCP server's access rules: loopback by default, plus what the
/// settings add.
fn mcp_config(settings: &Settings) -> McpConfig {
    let mut config = McpConfig {
        auth_token: settings.mcp.auth_token.clone(),
        ..McpConfig::default()
    };
    config
        .allowed_origins
        .extend(settings.mcp.allowed_origins.iter().cloned());
    if settings.mcp.allowed_hosts.iter().any(|h| h == "*") {
        config.allowed_hosts.clear();
    } else {
        config
            .allowed_hosts
            .extend(settings.mcp.allowed_hosts.iter().cloned());
    }
    config
}

/// What the page may show about the person: no more than the profile's own
/// public header plus starter questions.
#[derive(Serialize)]
struct PublicProfile<'a> {
    name: &'a str,
    headline: &'a str,
    pronouns: Option<&'a str>,
    location: String,
    summary: &'a str,
    contact: &'a twin_core::profile::Contact,
    suggested_questions: Vec<String>,
    sections: Vec<Section>,
    version: &'a str,
}

/// The sections present, in profile order.
fn distinct_sections(chunks: &[Chunk]) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    for chunk in chunks {
        if !sections.contains(&chunk.section) {
            sections.push(chunk.section);
        }
    }
    sections
}

fn public_profile(profile: &Profile, version: &str, sections: Vec<Section>) -> Bytes {
    let person = &profile.person;
    let body = PublicProfile {
        name: &person.name,
        headline: &person.headline,
        pronouns: person.pronouns.as_deref(),
        location: format!("{}, {}", person.location.city, person.location.country),
        summary: &person.summary,
        contact: &person.contact,
        suggested_questions: suggested_questions(profile),
        sections,
        version,
    };
    Bytes::from(serde_json::to_vec(&body).unwrap_or_default())
}

/// Starter questions, drawn from the profile so each has an answer.
fn suggested_questions(profile: &Profile) -> Vec<String> {
    let mut questions = Vec::new();
    if let Some(role) = profile.current_role() {
        questions.push(format!("What do you do at {}?", role.company));
    }
    if let Some(project) = profile.projects.first() {
        questions.push(format!("Tell me about {}.", project.name));
    }
    questions.push("What are your strongest skills?".to_owned());
    questions.extend(profile.faqs.iter().take(3).map(|f| f.question.clone()));
    questions.truncate(6);
    questions
}
