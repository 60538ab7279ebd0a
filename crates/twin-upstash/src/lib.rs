//! A typed client for Upstash Vector's REST API, the twin's remote index on
//! top of it, and the index chores: sync, backup and restore.
//!
//! The wire types here mirror the documented API
//! (<https://upstash.com/docs/vector/api/endpoints>) field for field and are
//! the only place in the workspace that knows them. Every response is either
//! `{"result": ...}` or `{"error": "...", "status": n}`; the client turns the
//! second into an [`UpstashError`] whose variant says whether retrying can
//! help, and retries transient failures (connection errors, timeouts, 5xx)
//! itself, a bounded number of times with jittered backoff. A 4xx is never
//! retried: the same request would fail the same way.

pub mod backup;
mod client;
mod index;
pub mod sync;
mod wire;

pub use client::{UpstashClient, UpstashConfig};
pub use index::{UpstashIndex, record_for};
pub use wire::{
    DataRecord, Delete, Fetch, FusionAlgorithm, IndexInfo, MetadataUpdateMode, NamespaceInfo,
    Query, QueryData, QueryMode, Range, RangePage, Reset, ScoredVector, SparseVector, Update,
    Vector, VectorRecord, WeightingStrategy,
};

/// Why a request to Upstash failed. Messages carry the HTTP status and
/// Upstash's own explanation, never the token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpstashError {
    /// The connection failed, timed out, or Upstash answered 5xx. The client
    /// has already retried; a later attempt may still succeed.
    #[error("Upstash Vector is unavailable: {0}")]
    Transient(String),
    /// The plan's request or daily quota is used up (HTTP 429).
    #[error("Upstash Vector's rate limit or quota was reached: {0}")]
    RateLimited(String),
    /// The token was refused (HTTP 401 or 403): check
    /// `UPSTASH_VECTOR_REST_TOKEN` (a read-only token cannot write).
    #[error("Upstash Vector refused the token (HTTP {status}): {message}")]
    Unauthorized { status: u16, message: String },
    /// Upstash rejected the request, e.g. a vector of the wrong dimension
    /// (HTTP 422) or an unknown namespace (404). Retrying will not help.
    #[error("Upstash Vector rejected the request (HTTP {status}): {message}")]
    Rejected { status: u16, message: String },
    /// A success status with a body that is not the documented shape.
    #[error("Upstash Vector sent an unexpected response: {0}")]
    Malformed(String),
    /// The client could not be set up (a bad URL, a TLS problem).
    #[error("the Upstash client is misconfigured: {0}")]
    Config(String),
}

impl UpstashError {
    /// True when the same request may succeed later.
    pub fn is_transient(&self) -> bool {
        matches!(self, UpstashError::Transient(_))
    }
}

impl From<UpstashError> for twin_core::IndexError {
    fn from(error: UpstashError) -> twin_core::IndexError {
        match error {
            UpstashError::Transient(_) | UpstashError::RateLimited(_) => {
                twin_core::IndexError::Transient(error.to_string())
            }
            _ => twin_core::IndexError::Permanent(error.to_string()),
        }
    }
}
