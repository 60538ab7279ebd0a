//! [`UpstashIndex`] as the twin's `VectorIndex`: matches come back as the
//! bundled chunks, best first, above the floor, and errors say whether to
//! retry.

use serde_json::json;
use twin_core::{Chunk, IndexError, SearchQuery, Section, VectorIndex};
use twin_upstash::{UpstashClient, UpstashIndex};
use wiremock::matchers::body_json;
use wiremock::{MockServer, ResponseTemplate};

use crate::support::{authed, client, config, status};

fn chunk(title: &str) -> Chunk {
    Chunk::new(
        Section::Project,
        title,
        format!("All about {title}."),
        Default::default(),
    )
}

fn question(text: &str, top_k: usize) -> SearchQuery {
    SearchQuery {
        text: text.into(),
        top_k,
    }
}

#[tokio::test]
async fn matches_map_back_to_bundled_chunks_best_first() {
    let server = MockServer::start().await;
    let (ledger, beacon, atlas) = (chunk("Ledger"), chunk("Beacon"), chunk("Atlas"));
    authed("POST", "/query-data/twin-ns")
        .and(body_json(json!({
            "data": "tell me about the ledger", "topK": 4,
            "includeMetadata": false, "includeVectors": false, "includeData": false
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "result": [
            { "id": ledger.id.as_str(), "score": 0.91 },
            { "id": "experience-unknown", "score": 0.9 },
            { "id": beacon.id.as_str(), "score": 0.77 },
            { "id": atlas.id.as_str(), "score": 0.42 }
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    let chunks = [atlas.clone(), beacon.clone(), ledger.clone()];
    let index = UpstashIndex::new(client(&server), "twin-ns", &chunks, 0.5);
    assert_eq!(index.namespace(), "twin-ns");
    let hits = index
        .search(&question("tell me about the ledger", 4))
        .await
        .unwrap();
    // The unknown id and the match under the floor are dropped.
    let found: Vec<(&Chunk, f32)> = hits.iter().map(|h| (&h.chunk, h.score)).collect();
    assert_eq!(found, [(&ledger, 0.91), (&beacon, 0.77)]);
}

#[tokio::test]
async fn scores_outside_the_unit_range_are_clamped_after_ranking() {
    let server = MockServer::start().await;
    let (a, b) = (chunk("A"), chunk("B"));
    // DBSF on a hybrid index can score above 1.
    authed("POST", "/query-data/ns")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "result": [
            { "id": b.id.as_str(), "score": 1.2 },
            { "id": a.id.as_str(), "score": 1.6 }
        ]})))
        .mount(&server)
        .await;
    let index = UpstashIndex::new(client(&server), "ns", &[a.clone(), b.clone()], 0.0);
    let hits = index.search(&question("q", 1)).await.unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!((&hits[0].chunk, hits[0].score), (&a, 1.0));
}

#[tokio::test]
async fn asking_for_nothing_sends_nothing() {
    let server = MockServer::start().await;
    authed("POST", "/query-data/ns")
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let index = UpstashIndex::new(client(&server), "ns", &[chunk("A")], 0.0);
    assert!(index.search(&question("q", 0)).await.unwrap().is_empty());
}

#[tokio::test]
async fn errors_say_whether_to_retry() {
    let server = MockServer::start().await;
    authed("POST", "/query-data/twin-ns")
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let mut settings = config(&server);
    settings.max_retries = 0;
    let index = UpstashIndex::new(UpstashClient::new(settings).unwrap(), "twin-ns", &[], 0.0);
    assert!(matches!(
        index.search(&question("q", 3)).await,
        Err(IndexError::Transient(_))
    ));

    for (code, fixture) in [(401, "unauthorized"), (422, "embedding_not_allowed")] {
        let server = MockServer::start().await;
        authed("POST", "/query-data/twin-ns")
            .respond_with(status(code, fixture))
            .expect(1)
            .mount(&server)
            .await;
        let index = UpstashIndex::new(client(&server), "twin-ns", &[], 0.0);
        let error = index.search(&question("q", 3)).await.unwrap_err();
        assert!(matches!(error, IndexError::Permanent(_)), "{code}: {error}");
    }
}
