//! [`UpstashIndex`]: the twin's [`VectorIndex`] on Upstash Vector, and the
//! record each chunk is stored as.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Map, Value};
use twin_core::{Chunk, ChunkId, Hit, IndexError, SearchQuery, VectorIndex};

use crate::wire::{DataRecord, QueryData};
use crate::{UpstashClient, UpstashError};

/// The record a chunk is stored as: its id; `data`, the text Upstash embeds
/// (title and text, so a question naming the title finds it); and metadata
/// with the section, the title and the chunk's own facts, for filters and
/// for people reading the index in Upstash's console.
pub fn record_for(chunk: &Chunk) -> DataRecord {
    let mut metadata = Map::new();
    metadata.insert("section".into(), Value::from(chunk.section.as_str()));
    metadata.insert("title".into(), Value::from(chunk.title.as_str()));
    for (key, value) in &chunk.metadata {
        metadata
            .entry(key.clone())
            .or_insert_with(|| Value::from(value.as_str()));
    }
    DataRecord {
        id: chunk.id.as_str().to_owned(),
        data: format!("{}\n{}", chunk.title, chunk.text),
        metadata: Some(Value::Object(metadata)),
    }
}

/// Retrieval from one namespace of an Upstash Vector index that embeds
/// server-side.
///
/// Matches are mapped back to the chunks this build bundles, by id: the
/// namespace is named after exactly those chunks, so every id it holds is
/// one of them, and the twin answers from the exact text it was built with.
/// Only ids and scores cross the network.
#[derive(Debug)]
pub struct UpstashIndex {
    client: UpstashClient,
    namespace: String,
    chunks: Arc<HashMap<ChunkId, Chunk>>,
    min_score: f32,
}

impl UpstashIndex {
    pub fn new(
        client: UpstashClient,
        namespace: impl Into<String>,
        chunks: &[Chunk],
        min_score: f32,
    ) -> UpstashIndex {
        UpstashIndex {
            client,
            namespace: namespace.into(),
            chunks: Arc::new(chunks.iter().map(|c| (c.id.clone(), c.clone())).collect()),
            min_score,
        }
    }

    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    pub fn client(&self) -> &UpstashClient {
        &self.client
    }

    async fn query(&self, query: &SearchQuery) -> Result<Vec<Hit>, UpstashError> {
        let top_k = u32::try_from(query.top_k).unwrap_or(u32::MAX).max(1);
        let matches = self
            .client
            .query_data(&self.namespace, &QueryData::new(query.text.as_str(), top_k))
            .await?;
        let mut hits = Vec::with_capacity(matches.len());
        for found in matches {
            if found.score < self.min_score {
                continue;
            }
            match self.chunks.get(&ChunkId::new(found.id.as_str())) {
                Some(chunk) => hits.push(Hit {
                    chunk: chunk.clone(),
                    score: found.score.clamp(0.0, 1.0),
                }),
                None => tracing::warn!(id = %found.id, "upstash returned an unknown chunk id"),
            }
        }
        hits.sort_by(|a, b| b.score.total_cmp(&a.score));
        hits.truncate(query.top_k);
        Ok(hits)
    }
}

impl VectorIndex for UpstashIndex {
    async fn search(&self, query: &SearchQuery) -> Result<Vec<Hit>, IndexError> {
        Ok(self.query(query).await?)
    }
}
