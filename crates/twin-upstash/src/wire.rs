//! Request and response bodies, exactly as Upstash documents them
//! (camelCase on the wire; absent optional fields are not sent).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A dense vector to upsert (`POST /upsert/{namespace}`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Vector {
    pub id: String,
    pub vector: Vec<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sparse_vector: Option<SparseVector>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
}

/// A sparse vector: parallel lists of dimension indices and values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SparseVector {
    pub indices: Vec<u32>,
    pub values: Vec<f32>,
}

/// Raw text for an index that embeds server-side (`POST /upsert-data`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataRecord {
    pub id: String,
    pub data: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
}

/// How a hybrid index weighs sparse dimensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum WeightingStrategy {
    Idf,
}

/// How a hybrid index fuses its dense and sparse results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum FusionAlgorithm {
    Rrf,
    Dbsf,
}

/// Which part of a hybrid index a `query-data` searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum QueryMode {
    Hybrid,
    Dense,
    Sparse,
}

/// A query by vector (`POST /query/{namespace}`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Query {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vector: Option<Vec<f32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sparse_vector: Option<SparseVector>,
    pub top_k: u32,
    pub include_metadata: bool,
    pub include_vectors: bool,
    pub include_data: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weighting_strategy: Option<WeightingStrategy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fusion_algorithm: Option<FusionAlgorithm>,
}

impl Query {
    /// The `top_k` nearest neighbours of `vector`, ids and scores only.
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
}

/// A query by text, embedded by the index (`POST /query-data/{namespace}`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryData {
    pub data: String,
    pub top_k: u32,
    pub include_metadata: bool,
    pub include_vectors: bool,
    pub include_data: bool,
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

/// A query match.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScoredVector {
    pub id: String,
    /// Normalised to `0.0..=1.0`, higher is closer.
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

/// Vectors by id or id prefix (`POST /fetch/{namespace}`).
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
    /// These ids with their metadata and data.
    pub fn ids(ids: Vec<String>) -> Fetch {
        Fetch {
            ids: Some(ids),
            prefix: None,
            include_metadata: true,
            include_vectors: false,
            include_data: true,
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

/// One page of a scan (`POST /range/{namespace}`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Range {
    /// `"0"` for the first page, then the previous page's `next_cursor`.
    pub cursor: String,
    pub limit: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    pub include_metadata: bool,
    pub include_vectors: bool,
    pub include_data: bool,
}

impl Range {
    /// A page of ids only.
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
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RangePage {
    pub next_cursor: String,
    pub vectors: Vec<VectorRecord>,
}

/// What to delete (`DELETE /delete/{namespace}`): one of ids, an id
/// prefix or a metadata filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Delete {
    Ids(Vec<String>),
    Prefix(String),
    Filter(String),
}

#[derive(Debug, Deserialize)]
pub(crate) struct Deleted {
    pub deleted: u64,
}

/// What `reset` clears.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reset {
    /// One namespace (`""` is the default one).
    Namespace(String),
    /// Every namespace.
    All,
}

/// How `update` treats metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum MetadataUpdateMode {
    Overwrite,
    Patch,
}

/// A change to one stored vector (`POST /update/{namespace}`).
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
    pub vector_count: u64,
    pub pending_vector_count: u64,
    pub index_size: u64,
    pub dimension: u32,
    pub similarity_function: String,
    #[serde(default)]
    pub index_type: Option<String>,
    #[serde(default)]
    pub dense_index: Option<Value>,
    #[serde(default)]
    pub sparse_index: Option<Value>,
    #[serde(default)]
    pub namespaces: BTreeMap<String, NamespaceInfo>,
}

/// One namespace's counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceInfo {
    pub vector_count: u64,
    pub pending_vector_count: u64,
}

/// The error envelope: `{"error": "...", "status": n}`.
#[derive(Debug, Deserialize)]
pub(crate) struct ErrorBody {
    pub error: String,
}

/// The success envelope: `{"result": ...}`.
#[derive(Debug, Deserialize)]
pub(crate) struct Envelope<T> {
    pub result: T,
}
