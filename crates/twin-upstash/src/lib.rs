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
//! retried: the same request would fail the same way, and a 429 means a
//! quota that waiting a moment does not restore.
//!
//! The twin's index embeds server-side: chunks go in as text
//! ([`UpstashClient::upsert_data`], one [`record_for`] each) and questions
//! as text ([`UpstashClient::query_data`]), so no embedding model runs in
//! the functions. Each endpoint takes a namespace, sent as the last path
//! segment; `""` is the default namespace. Upstash accepts at most 1,000
//! vectors per upsert and this client does not split: [`sync`] batches.

pub mod backup;
mod client;
mod error;
mod index;
pub mod sync;
mod wire;

pub use client::{UpstashClient, UpstashConfig};
pub use error::UpstashError;
pub use index::{UpstashIndex, record_for};
pub use wire::{
    DataRecord, Delete, DenseIndexInfo, Fetch, FusionAlgorithm, IndexInfo, MetadataUpdateMode,
    NamespaceInfo, Query, QueryData, QueryMode, Range, RangePage, Reset, ScoredVector,
    SparseIndexInfo, SparseVector, Update, Vector, VectorRecord, WeightingStrategy,
};
