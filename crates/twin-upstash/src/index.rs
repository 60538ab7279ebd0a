//! [`UpstashIndex`]: the twin's [`VectorIndex`] on Upstash Vector, and the
//! record each chunk is stored as ([`record_for`]).

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Map, Value};
use twin_core::{Chunk, ChunkId, Hit, IndexError, SearchQuery, VectorIndex};

use crate::wire::{DataRecord, QueryData};
use crate::{UpstashClient, UpstashError};

/// The record a chunk is stored as: its id; as `data`, the text Upstash
/// embeds, `"{title}\n{text}"`, so that a question naming the title finds
/// it; and as metadata `section`, `title` and every entry of the chunk's own
/// metadata, for filters and for people browsing the index in Upstash's
/// console. Where a chunk's metadata has its own `section` or `title` (an
/// experience chunk's `title` is the job title), the chunk's fields win:
/// they are what a filter on `section` or `title` is meant to match.
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
/// Matches are mapped back, by id, to the chunks this build bundles: the
/// namespace is named after exactly those chunks, so every id it holds is
/// one of them, and the twin answers from the exact text it was built with.
/// Only ids and scores cross the network. An id the build does not know
/// (someone wrote to the namespace by hand) is dropped and logged.
#[derive(Debug)]
pub struct UpstashIndex {
    client: UpstashClient,
    namespace: String,
    chunks: Arc<HashMap<ChunkId, Chunk>>,
    min_score: f32,
}

impl UpstashIndex {
    /// Searches `namespace` and answers with `chunks`, the bundled profile's
    /// chunks. Matches scoring below `min_score` are dropped; the score is
    /// Upstash's own, in `0.0..=1.0` for a dense index (hybrid indexes score
    /// on other scales, see [`crate::ScoredVector::score`]).
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

    /// The namespace searched.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The client, for callers that also sync or inspect the index.
    pub fn client(&self) -> &UpstashClient {
        &self.client
    }

    /// Searches the namespace, keeping the client's error (the
    /// [`VectorIndex`] impl flattens it into an [`twin_core::IndexError`]).
    pub async fn query(&self, query: &SearchQuery) -> Result<Vec<Hit>, UpstashError> {
        if query.top_k == 0 {
            return Ok(Vec::new());
        }
        let top_k = u32::try_from(query.top_k).unwrap_or(u32::MAX);
        // Ids and scores only: the text comes from the bundled chunks.
        let matches = self
            .client
            .query_data(&self.namespace, &QueryData::new(query.text.as_str(), top_k))
            .await?;
        let mut found: Vec<(&Chunk, f32)> = Vec::with_capacity(matches.len());
        for hit in &matches {
            if hit.score.is_nan() || hit.score < self.min_score {
                continue;
            }
            match self.chunks.get(&ChunkId::new(hit.id.as_str())) {
                Some(chunk) => found.push((chunk, hit.score)),
                None => tracing::warn!(
                    id = %hit.id,
                    namespace = %self.namespace,
                    "Upstash returned an id this build has no chunk for; dropped"
                ),
            }
        }
        // Upstash answers best first already; sorting (stably, on the raw
        // score) keeps that promise even if it ever did not.
        found.sort_by(|a, b| b.1.total_cmp(&a.1));
        found.truncate(query.top_k);
        Ok(found
            .into_iter()
            .map(|(chunk, score)| Hit {
                chunk: chunk.clone(),
                // `Hit` promises 0..=1; only non-dense indexes leave it.
                score: score.clamp(0.0, 1.0),
            })
            .collect())
    }
}

impl VectorIndex for UpstashIndex {
    async fn search(&self, query: &SearchQuery) -> Result<Vec<Hit>, IndexError> {
        Ok(self.query(query).await?)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::json;
    use twin_core::Section;

    use super::*;

    #[test]
    fn a_chunk_is_stored_with_its_title_and_facts() {
        let chunk = Chunk::new(
            Section::Experience,
            "Engineer at Acme",
            "I built the ledger.",
            BTreeMap::from([
                ("company".to_owned(), "Acme".to_owned()),
                ("title".to_owned(), "Engineer".to_owned()),
            ]),
        );
        let record = record_for(&chunk);
        assert_eq!(record.id, chunk.id.as_str());
        assert_eq!(record.data, "Engineer at Acme\nI built the ledger.");
        assert_eq!(
            record.metadata,
            Some(json!({
                "section": "experience",
                "title": "Engineer at Acme",
                "company": "Acme"
            }))
        );
    }
}
