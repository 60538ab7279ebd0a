//! The concrete backends behind the two seams, chosen from the settings:
//! Upstash Vector or the embedded index for retrieval, an OpenAI-compatible
//! LLM or the extractive composer for answers.
//!
//! Enums rather than trait objects: there are exactly two of each, the
//! seams' `async fn`s stay static, and a match is all a reader has to follow.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::{Mutex, OwnedMutexGuard};
use twin_core::{
    AnswerRequest, ChatModel, Chunk, EmbeddedIndex, ExtractiveComposer, Hit, IndexError,
    ModelError, SearchQuery, TokenStream, VectorIndex,
};
use twin_groq::GroqModel;
use twin_upstash::UpstashIndex;
use twin_upstash::sync::{SyncOptions, sync};

use crate::metrics::{Dependency, ErrorKind, Metrics};

/// How long a deployment waits before looking again at a namespace that
/// was not complete.
const RECHECK_AFTER: Duration = Duration::from_secs(10);

/// Retrieval, as configured.
// One value per process: the size difference between variants costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Retriever {
    /// The in-process index built from the bundled profile.
    Embedded(EmbeddedIndex),
    /// Upstash Vector, with the embedded index as its stand-in.
    Remote(RemoteIndex),
}

impl Retriever {
    /// A short name for `/api/health` and logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Retriever::Embedded(_) => "embedded",
            Retriever::Remote(_) => "upstash",
        }
    }

    /// The embedded index: the whole index, or the remote one's stand-in.
    pub fn embedded(&self) -> &EmbeddedIndex {
        match self {
            Retriever::Embedded(index) => index,
            Retriever::Remote(remote) => &remote.embedded,
        }
    }

    pub fn remote(&self) -> Option<&RemoteIndex> {
        match self {
            Retriever::Embedded(_) => None,
            Retriever::Remote(remote) => Some(remote),
        }
    }
}

impl VectorIndex for Retriever {
    async fn search(&self, query: &SearchQuery) -> Result<Vec<Hit>, IndexError> {
        match self {
            Retriever::Embedded(index) => VectorIndex::search(index, query).await,
            Retriever::Remote(remote) => remote.search(query).await,
        }
    }
}

/// Upstash Vector in the namespace of the bundled profile.
///
/// A deployment never answers from an empty or half-written namespace: until
/// one check has found every bundled chunk there, it answers from the
/// embedded index built from the same chunks. The first request that finds
/// the namespace incomplete starts a sync of it in the background (one per
/// instance; instances racing write identical, content-addressed records, so
/// the race is harmless), and a later request checks again. A failing
/// Upstash is bridged the same way, request by request.
#[derive(Debug)]
pub struct RemoteIndex {
    upstash: UpstashIndex,
    embedded: EmbeddedIndex,
    chunks: Arc<[Chunk]>,
    keep: usize,
    ready: AtomicBool,
    /// When the namespace was last checked; held while checking or syncing,
    /// so one instance does either at most once at a time.
    checked: Arc<Mutex<Option<Instant>>>,
    fallbacks: AtomicU64,
    metrics: Arc<Metrics>,
}

impl RemoteIndex {
    pub fn new(
        upstash: UpstashIndex,
        embedded: EmbeddedIndex,
        chunks: Arc<[Chunk]>,
        keep: usize,
        metrics: Arc<Metrics>,
    ) -> RemoteIndex {
        RemoteIndex {
            upstash,
            embedded,
            chunks,
            keep,
            ready: AtomicBool::new(false),
            checked: Arc::new(Mutex::new(None)),
            fallbacks: AtomicU64::new(0),
            metrics,
        }
    }

    pub fn namespace(&self) -> &str {
        self.upstash.namespace()
    }

    pub fn upstash(&self) -> &UpstashIndex {
        &self.upstash
    }

    /// True once the namespace was found complete.
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }

    /// Searches that the embedded index answered because Upstash was not
    /// ready or failed.
    pub fn fallbacks(&self) -> u64 {
        self.fallbacks.load(Ordering::Relaxed)
    }

    /// Checks the namespace now, after any check or sync under way on this
    /// instance, however recent the last check. Returns whether it is ready.
    pub async fn refresh(&self) -> bool {
        let guard = self.checked.clone().lock_owned().await;
        self.check_with(guard).await;
        self.is_ready()
    }

    async fn search(&self, query: &SearchQuery) -> Result<Vec<Hit>, IndexError> {
        if !self.is_ready() {
            self.check().await;
        }
        if self.is_ready() {
            match self.upstash.query(query).await {
                Ok(hits) => return Ok(hits),
                Err(error) => {
                    self.metrics
                        .upstream_error(Dependency::Upstash, ErrorKind::of_upstash(&error));
                    tracing::warn!(%error, "upstash search failed; answering from the embedded index");
                }
            }
        }
        self.fallbacks.fetch_add(1, Ordering::Relaxed);
        VectorIndex::search(&self.embedded, query).await
    }

    /// Checks whether the namespace holds every bundled chunk, and starts a
    /// sync when it does not. Concurrent callers do not wait for each other:
    /// whoever finds the check under way answers from the embedded index.
    async fn check(&self) {
        let Ok(checked) = self.checked.clone().try_lock_owned() else {
            return;
        };
        if checked.is_some_and(|at| at.elapsed() < RECHECK_AFTER) {
            return;
        }
        self.check_with(checked).await;
    }

    async fn check_with(&self, mut checked: OwnedMutexGuard<Option<Instant>>) {
        *checked = Some(Instant::now());
        let client = self.upstash.client().clone();
        match twin_upstash::sync::plan(&client, &self.chunks).await {
            Ok(plan) if plan.is_noop() => {
                self.ready.store(true, Ordering::Release);
                tracing::info!(namespace = %plan.namespace, "upstash namespace complete");
            }
            Ok(plan) => {
                tracing::warn!(
                    namespace = %plan.namespace,
                    missing = plan.upsert.len(),
                    "upstash namespace incomplete; syncing it in the background"
                );
                let chunks = self.chunks.clone();
                let options = SyncOptions {
                    keep: self.keep,
                    ..SyncOptions::default()
                };
                // The guard moves into the task: no other check starts on
                // this instance until the sync is over.
                tokio::spawn(async move {
                    let _guard = checked;
                    match sync(&client, &chunks, &options, &mut |_| {}).await {
                        Ok(report) => tracing::info!(
                            namespace = %report.namespace,
                            upserted = report.upserted,
                            "self-sync done"
                        ),
                        Err(error) => tracing::error!(%error, "self-sync failed"),
                    }
                });
            }
            Err(error) => {
                self.metrics
                    .upstream_error(Dependency::Upstash, ErrorKind::of_upstash(&error));
                tracing::warn!(%error, "cannot check the upstash namespace");
            }
        }
    }
}

/// Answering, as configured.
#[derive(Debug)]
pub enum Answerer {
    Extractive(ExtractiveComposer),
    Llm(Box<GroqModel>),
}

impl ChatModel for Answerer {
    fn name(&self) -> &str {
        match self {
            Answerer::Extractive(composer) => composer.name(),
            Answerer::Llm(model) => model.name(),
        }
    }

    fn is_extractive(&self) -> bool {
        matches!(self, Answerer::Extractive(_))
    }

    async fn answer(&self, request: &AnswerRequest) -> Result<TokenStream, ModelError> {
        match self {
            Answerer::Extractive(composer) => composer.answer(request).await,
            Answerer::Llm(model) => model.answer(request).await,
        }
    }
}
