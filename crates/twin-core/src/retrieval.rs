//! The retrieval seam: anything that can find the chunks relevant to a query.
//!
//! Two implementations exist: [`crate::index::EmbeddedIndex`] (in-process,
//! the default) and the Upstash Vector client. Each applies its own relevance
//! floor, because their scores are not on the same scale: a hit that comes
//! back is one the index vouches for.

use std::future::Future;

use serde::Serialize;

use crate::chunk::Chunk;

/// What to look for.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchQuery {
    /// The text to match: the visitor's question, possibly with context from
    /// earlier turns.
    pub text: String,
    /// At most this many hits.
    pub top_k: usize,
}

/// A chunk that matched, with how well.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub chunk: Chunk,
    /// Relevance in `0.0..=1.0`, higher is better; only comparable within one
    /// index.
    pub score: f32,
}

/// Why a search failed. Callers decide whether to retry from the variant.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// A network blip, a timeout or a 5xx: the same request may succeed later.
    #[error("the vector index is unavailable: {0}")]
    Transient(String),
    /// The index refused the request; repeating it will not help.
    #[error("the vector index rejected the request: {0}")]
    Permanent(String),
}

/// Finds the chunks relevant to a query, best first.
pub trait VectorIndex: Send + Sync {
    /// Returns at most `query.top_k` hits that clear the index's relevance
    /// floor, best first. An empty result means nothing relevant was found.
    fn search(
        &self,
        query: &SearchQuery,
    ) -> impl Future<Output = Result<Vec<Hit>, IndexError>> + Send;
}
