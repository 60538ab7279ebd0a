//! Request and response bodies, exactly as Upstash documents them at
//! <https://upstash.com/docs/vector/api/endpoints> (camelCase on the wire;
//! absent optional fields are not sent, so the server applies its documented
//! defaults). Only the single-request forms are modelled: the batch forms of
//! `query` and `query-data` (an array of queries) are not used here.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A vector to upsert (`POST /upsert/{namespace}`). A dense index takes
/// `vector` only, a sparse one `sparse_vector` only (leave `vector` empty:
/// an empty one is not sent), a hybrid one both.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Vector {
    pub id: String,
    /// As many values as the index has dimensions.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub vector: Vec<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sparse_vector: Option<SparseVector>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
}

/// A sparse vector: the indices of its non-zero dimensions and their values,
/// in parallel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SparseVector {
    pub indices: Vec<u32>,
    pub values: Vec<f32>,
}

/// Raw text for an index that embeds server-side
/// (`POST /upsert-data/{namespace}`). Upstash also stores the text as the
/// vector's `data`, so queries can return it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataRecord {
    pub id: String,
    pub data: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
}

/// How the sparse part of a sparse or hybrid index weighs the query's
/// dimensions (`weightingStrategy`); unset means no weighting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum WeightingStrategy {
    Idf,
}

/// How a hybrid index fuses its dense and sparse scores
/// (`fusionAlgorithm`); Upstash defaults to RRF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum FusionAlgorithm {
    /// Reciprocal Rank Fusion: scores from ranks only, so they are small.
    Rrf,
    /// Distribution-Based Score Fusion: scores normalised per component.
    Dbsf,
}

/// Which part of a hybrid index with Upstash-hosted models a `query-data`
/// searches (`queryMode`); Upstash defaults to `HYBRID`. `query` has no such
/// field: with raw vectors, sending only the dense or sparse part chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum QueryMode {
    Hybrid,
    Dense,
    Sparse,
}

/// A query by vector (`POST /query/{namespace}`): `vector` for a dense
/// index, `sparse_vector` for a sparse one, both for a hybrid one.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Query {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vector: Option<Vec<f32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sparse_vector: Option<SparseVector>,
    /// At most this many matches.
    pub top_k: u32,
    pub include_metadata: bool,
    pub include_vectors: bool,
    pub include_data: bool,
    /// A metadata filter in Upstash's SQL-like syntax, e.g.
    /// `section = 'project'`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weighting_strategy: Option<WeightingStrategy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fusion_algorithm: Option<FusionAlgorithm>,
}

impl Query {
    /// The `top_k` nearest neighbours of a dense `vector`, ids and scores
    /// only.
    pub fn new(vector: Vec<f32>, top_k: u32) -> Query {
        Query {
            vector: Some(vector),
            sparse_vector: None,
            top_k,
            include_metadata: false,
            include_vectors: false,
            include_data: false,
            filter: None,
            weighting_strategy: None,
            fusion_algorithm: None,
        }
    }

    /// The `top_k` best matches for a sparse vector, ids and scores only.
    pub fn sparse(sparse_vector: SparseVector, top_k: u32) -> Query {
        Query {
            vector: None,
            sparse_vector: Some(sparse_vector),
            ..Query::new(Vec::new(), top_k)
        }
    }
}

/// A query by text, embedded by the index (`POST /query-data/{namespace}`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryData {
    /// The text to embed and search for.
    pub data: String,
    /// At most this many matches.
    pub top_k: u32,
    pub include_metadata: bool,
    pub include_vectors: bool,
    pub include_data: bool,
    /// A metadata filter in Upstash's SQL-like syntax, e.g.
    /// `section = 'project'`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weighting_strategy: Option<WeightingStrategy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fusion_algorithm: Option<FusionAlgorithm>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_mode: Option<QueryMode>,
}

impl QueryData {
    /// The `top_k` best matches for `data`, ids and scores only.
    pub fn new(data: impl Into<String>, top_k: u32) -> QueryData {
        QueryData {
            data: data.into(),
            top_k,
            include_metadata: false,
            include_vectors: false,
            include_data: false,
            filter: None,
            weighting_strategy: None,
            fusion_algorithm: None,
            query_mode: None,
        }
    }
}

/// A query match, best first in a result.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScoredVector {
    pub id: String,
    /// Higher is closer. Dense indexes normalise it to `0.0..=1.0`
    /// whatever the similarity function; sparse and hybrid indexes do not
    /// (RRF scores are small, DBSF ones can exceed 1).
    pub score: f32,
    #[serde(default)]
    pub vector: Option<Vec<f32>>,
    #[serde(default)]
    pub sparse_vector: Option<SparseVector>,
    #[serde(default)]
    pub metadata: Option<Value>,
    #[serde(default)]
    pub data: Option<String>,
}

/// Vectors by id or by id prefix (`POST /fetch/{namespace}`); set one of
/// the two. A prefix returns at most 1,000 vectors: use [`Range`] beyond.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fetch {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    pub include_metadata: bool,
    pub include_vectors: bool,
    pub include_data: bool,
}

impl Fetch {
    /// These ids, without metadata, vectors or data (set the `include_*`
    /// fields for more).
    pub fn ids(ids: Vec<String>) -> Fetch {
        Fetch {
            ids: Some(ids),
            prefix: None,
            include_metadata: false,
            include_vectors: false,
            include_data: false,
        }
    }

    /// The vectors whose ids start with `prefix` (at most 1,000).
    pub fn prefix(prefix: impl Into<String>) -> Fetch {
        Fetch {
            ids: None,
            prefix: Some(prefix.into()),
            ..Fetch::ids(Vec::new())
        }
    }
}

/// A stored vector, as `fetch` and `range` return it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VectorRecord {
    pub id: String,
    #[serde(default)]
    pub vector: Option<Vec<f32>>,
    #[serde(default)]
    pub sparse_vector: Option<SparseVector>,
    #[serde(default)]
    pub metadata: Option<Value>,
    #[serde(default)]
    pub data: Option<String>,
}

/// One page of a scan over a namespace (`POST /range/{namespace}`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Range {
    /// `"0"` for the first page, then the previous page's `next_cursor`.
    pub cursor: String,
    /// The page size.
    pub limit: u32,
    /// Only ids starting with this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    pub include_metadata: bool,
    pub include_vectors: bool,
    pub include_data: bool,
}

impl Range {
    /// A page of at most `limit` ids, without metadata, vectors or data.
    pub fn new(cursor: impl Into<String>, limit: u32) -> Range {
        Range {
            cursor: cursor.into(),
            limit,
            prefix: None,
            include_metadata: false,
            include_vectors: false,
            include_data: false,
        }
    }
}

/// A page of a scan; an empty `next_cursor` means the scan is over.
/// Pages are inclusive of the cursor: the next one starts where this ended.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RangePage {
    pub next_cursor: String,
    pub vectors: Vec<VectorRecord>,
}

/// What to delete (`DELETE /delete/{namespace}`): ids, an id prefix, or a
/// metadata filter (a full scan on Upstash's side, so slow on big indexes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Delete {
    /// `{"ids": [...]}`.
    Ids(Vec<String>),
    /// `{"prefix": "..."}`.
    Prefix(String),
    /// `{"filter": "..."}`, in Upstash's metadata filter syntax.
    Filter(String),
}

#[derive(Debug, Deserialize)]
pub(crate) struct Deleted {
    pub deleted: u64,
}

/// What `reset` empties (`DELETE /reset/{namespace}` or `/reset?all`). The
/// namespaces themselves stay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reset {
    /// One namespace (`""` is the default one).
    Namespace(String),
    /// Every namespace.
    All,
}

/// How `update` treats metadata (`metadataUpdateMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum MetadataUpdateMode {
    /// Replace the whole metadata.
    Overwrite,
    /// Merge into it, as RFC 7396 JSON Merge Patch.
    Patch,
}

/// A change to one stored vector (`POST /update/{namespace}`): any
/// combination of vector, data and metadata. On an index with an embedding
/// model, new `data` is embedded again. A hybrid index needs both vector
/// parts or neither.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Update {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vector: Option<Vec<f32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sparse_vector: Option<SparseVector>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata_update_mode: Option<MetadataUpdateMode>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Updated {
    pub updated: u64,
}

/// The index's statistics (`GET /info`); counts are eventually consistent.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IndexInfo {
    /// Vectors ready to query, across all namespaces.
    pub vector_count: u64,
    /// Vectors still being indexed, across all namespaces.
    pub pending_vector_count: u64,
    /// Bytes.
    pub index_size: u64,
    pub dimension: u32,
    /// `COSINE`, `EUCLIDEAN` or `DOT_PRODUCT`.
    pub similarity_function: String,
    /// `DENSE`, `SPARSE` or `HYBRID`. Optional because the field was added
    /// to the documented response in 2025 and an older answer lacks it.
    #[serde(default)]
    pub index_type: Option<String>,
    #[serde(default)]
    pub dense_index: Option<DenseIndexInfo>,
    #[serde(default)]
    pub sparse_index: Option<SparseIndexInfo>,
    /// Every namespace by name; the default one is `""`.
    pub namespaces: BTreeMap<String, NamespaceInfo>,
}

/// The dense part of an index (`denseIndex` in `info`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DenseIndexInfo {
    pub dimension: u32,
    pub similarity_function: String,
    /// The hosted model, e.g. `BGE_M3`. Optional, although documented as
    /// required, so that an index fed raw vectors still decodes.
    #[serde(default)]
    pub embedding_model: Option<String>,
}

/// The sparse part of an index (`sparseIndex` in `info`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SparseIndexInfo {
    /// The hosted model, e.g. `BM25`; optional for the reason given on
    /// [`DenseIndexInfo::embedding_model`].
    #[serde(default)]
    pub embedding_model: Option<String>,
}

/// One namespace's counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceInfo {
    pub vector_count: u64,
    pub pending_vector_count: u64,
}

/// The error envelope: `{"error": "...", "status": n}`. The status repeats
/// the HTTP one, which is what the client reads.
#[derive(Debug, Deserialize)]
pub(crate) struct ErrorBody {
    pub error: String,
}

/// The success envelope: `{"result": ...}`.
#[derive(Debug, Deserialize)]
pub(crate) struct Envelope<T> {
    pub result: T,
}
