use std::time::Duration;

use serde_json::json;
use twin_core::{Chunk, IndexError, SearchQuery, Secret, Section, VectorIndex};
use twin_upstash::{
    DataRecord, Delete, Fetch, FusionAlgorithm, Query, QueryData, QueryMode, Range, Reset,
    UpstashClient, UpstashConfig, UpstashError, UpstashIndex, Vector,
};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "upstash-test-token-0123456789";

fn fixture(name: &str) -> serde_json::Value {
    let text = match name {
        "info" => include_str!("../data/info.json"),
        "query" => include_str!("../data/query.json"),
        "range" => include_str!("../data/range.json"),
        "fetch" => include_str!("../data/fetch.json"),
        "success" => include_str!("../data/success.json"),
        "delete" => include_str!("../data/delete.json"),
        "update" => include_str!("../data/update.json"),
        "list_namespaces" => include_str!("../data/list_namespaces.json"),
        "wrong_dimension" => include_str!("../data/wrong_dimension.json"),
        "unauthorized" => include_str!("../data/unauthorized.json"),
        other => panic!("no fixture {other}"),
    };
    serde_json::from_str(text).unwrap()
}

fn client(server: &MockServer) -> UpstashClient {
    let mut config = UpstashConfig::new(server.uri(), Secret::new(TOKEN));
    config.timeout = Duration::from_millis(500);
    UpstashClient::new(config).unwrap()
}

fn ok(name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(fixture(name))
}

fn authed(verb: &str, route: &str) -> wiremock::MockBuilder {
    Mock::given(method(verb))
        .and(path(route))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
}

#[tokio::test]
async fn upsert_sends_vectors_to_the_namespace() {
    let server = MockServer::start().await;
    authed("POST", "/upsert/ns")
        .and(body_json(json!([
            { "id": "id-0", "vector": [0.1, 0.2], "metadata": { "link": "upstash.com" }, "data": "text" },
            { "id": "id-1", "vector": [0.3, 0.4] }
        ])))
        .respond_with(ok("success"))
        .expect(1)
        .mount(&server)
        .await;
    let vectors = [
        Vector {
            id: "id-0".into(),
            vector: vec![0.1, 0.2],
            sparse_vector: None,
            metadata: Some(json!({ "link": "upstash.com" })),
            data: Some("text".into()),
        },
        Vector {
            id: "id-1".into(),
            vector: vec![0.3, 0.4],
            sparse_vector: None,
            metadata: None,
            data: None,
        },
    ];
    client(&server).upsert("ns", &vectors).await.unwrap();
}

#[tokio::test]
async fn upsert_data_uses_the_default_namespace_when_unnamed() {
    let server = MockServer::start().await;
    authed("POST", "/upsert-data")
        .and(body_json(json!([
            { "id": "id-0", "data": "Upstash is a serverless data platform.", "metadata": { "link": "upstash.com" } }
        ])))
        .respond_with(ok("success"))
        .expect(1)
        .mount(&server)
        .await;
    let record = DataRecord {
        id: "id-0".into(),
        data: "Upstash is a serverless data platform.".into(),
        metadata: Some(json!({ "link": "upstash.com" })),
    };
    client(&server).upsert_data("", &[record]).await.unwrap();
}

#[tokio::test]
async fn query_and_query_data_decode_matches() {
    let server = MockServer::start().await;
    authed("POST", "/query/ns")
        .and(body_json(json!({
            "vector": [0.1, 0.2], "topK": 2,
            "includeMetadata": true, "includeVectors": false, "includeData": false,
            "filter": "link = 'upstash.com'"
        })))
        .respond_with(ok("query"))
        .expect(1)
        .mount(&server)
        .await;
    authed("POST", "/query-data/ns")
        .and(body_json(json!({
            "data": "What is Upstash?", "topK": 2,
            "includeMetadata": true, "includeVectors": false, "includeData": false,
            "fusionAlgorithm": "DBSF", "queryMode": "HYBRID"
        })))
        .respond_with(ok("query"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);

    let mut query = Query::new(vec![0.1, 0.2], 2);
    query.include_metadata = true;
    query.filter = Some("link = 'upstash.com'".into());
    let matches = client.query("ns", &query).await.unwrap();
    assert_eq!(matches.len(), 2);
    assert_eq!(matches[0].id, "id-0");
    assert_eq!(matches[0].score, 1.0);
    assert_eq!(matches[0].metadata, Some(json!({ "link": "upstash.com" })));
    assert_eq!(matches[1].metadata, None);

    let mut query = QueryData::new("What is Upstash?", 2);
    query.include_metadata = true;
    query.fusion_algorithm = Some(FusionAlgorithm::Dbsf);
    query.query_mode = Some(QueryMode::Hybrid);
    let matches = client.query_data("ns", &query).await.unwrap();
    assert!((matches[1].score - 0.999_964_5).abs() < 1e-6);
}

#[tokio::test]
async fn fetch_keeps_missing_ids_as_none() {
    let server = MockServer::start().await;
    authed("POST", "/fetch/ns")
        .and(body_json(json!({
            "ids": ["id-0", "id-404"],
            "includeMetadata": true, "includeVectors": false, "includeData": true
        })))
        .respond_with(ok("fetch"))
        .expect(1)
        .mount(&server)
        .await;
    let found = client(&server)
        .fetch("ns", &Fetch::ids(vec!["id-0".into(), "id-404".into()]))
        .await
        .unwrap();
    assert_eq!(found.len(), 2);
    let first = found[0].as_ref().unwrap();
    assert_eq!(
        first.data.as_deref(),
        Some("Upstash Vector is a serverless vector database.")
    );
    assert!(found[1].is_none());
}

#[tokio::test]
async fn range_pages_with_a_cursor() {
    let server = MockServer::start().await;
    authed("POST", "/range/ns")
        .and(body_json(json!({
            "cursor": "0", "limit": 2,
            "includeMetadata": true, "includeVectors": false, "includeData": false
        })))
        .respond_with(ok("range"))
        .expect(1)
        .mount(&server)
        .await;
    let mut range = Range::new("0", 2);
    range.include_metadata = true;
    let page = client(&server).range("ns", &range).await.unwrap();
    assert_eq!(page.next_cursor, "2");
    assert_eq!(page.vectors.len(), 2);
    assert_eq!(page.vectors[1].id, "id-1");
}

#[tokio::test]
async fn delete_by_ids_prefix_or_filter() {
    let server = MockServer::start().await;
    for body in [
        json!({ "ids": ["id-0", "id-1"] }),
        json!({ "prefix": "id-" }),
        json!({ "filter": "age > 30" }),
    ] {
        authed("DELETE", "/delete/ns")
            .and(body_json(body))
            .respond_with(ok("delete"))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = client(&server);
    for request in [
        Delete::Ids(vec!["id-0".into(), "id-1".into()]),
        Delete::Prefix("id-".into()),
        Delete::Filter("age > 30".into()),
    ] {
        assert_eq!(client.delete("ns", &request).await.unwrap(), 2);
    }
}

#[tokio::test]
async fn namespaces_reset_info_and_update() {
    let server = MockServer::start().await;
    authed("GET", "/info")
        .respond_with(ok("info"))
        .expect(1)
        .mount(&server)
        .await;
    authed("GET", "/list-namespaces")
        .respond_with(ok("list_namespaces"))
        .expect(1)
        .mount(&server)
        .await;
    authed("DELETE", "/delete-namespace/ns0")
        .respond_with(ok("success"))
        .expect(1)
        .mount(&server)
        .await;
    authed("DELETE", "/reset/ns1")
        .respond_with(ok("success"))
        .expect(1)
        .mount(&server)
        .await;
    authed("DELETE", "/reset")
        .and(query_param("all", ""))
        .respond_with(ok("success"))
        .expect(1)
        .mount(&server)
        .await;
    authed("POST", "/update/ns")
        .and(body_json(json!({
            "id": "id-1", "metadata": { "link": "upstash.com" }, "metadataUpdateMode": "PATCH"
        })))
        .respond_with(ok("update"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);

    let info = client.info().await.unwrap();
    assert_eq!(info.vector_count, 7);
    assert_eq!(info.dimension, 1024);
    assert_eq!(info.similarity_function, "COSINE");
    assert_eq!(info.index_type.as_deref(), Some("HYBRID"));
    assert_eq!(info.namespaces["ns"].vector_count, 1);
    assert_eq!(info.namespaces[""].vector_count, 6);

    assert_eq!(
        client.list_namespaces().await.unwrap(),
        vec!["", "ns0", "ns1"]
    );
    client.delete_namespace("ns0").await.unwrap();
    client.reset(Reset::Namespace("ns1".into())).await.unwrap();
    client.reset(Reset::All).await.unwrap();
    let update = twin_upstash::Update {
        id: "id-1".into(),
        vector: None,
        sparse_vector: None,
        data: None,
        metadata: Some(json!({ "link": "upstash.com" })),
        metadata_update_mode: Some(twin_upstash::MetadataUpdateMode::Patch),
    };
    assert!(client.update("ns", &update).await.unwrap());
}

#[tokio::test]
async fn server_errors_are_retried_then_succeed() {
    let server = MockServer::start().await;
    authed("GET", "/info")
        .respond_with(ResponseTemplate::new(503).set_body_string("upstream down"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    authed("GET", "/info")
        .respond_with(ok("info"))
        .expect(1)
        .mount(&server)
        .await;
    assert_eq!(client(&server).info().await.unwrap().vector_count, 7);
}

#[tokio::test]
async fn retries_are_bounded() {
    let server = MockServer::start().await;
    authed("GET", "/info")
        .respond_with(ResponseTemplate::new(500))
        .expect(3)
        .mount(&server)
        .await;
    let error = client(&server).info().await.unwrap_err();
    assert!(error.is_transient(), "{error:?}");
}

#[tokio::test]
async fn client_errors_are_never_retried() {
    let server = MockServer::start().await;
    authed("POST", "/upsert/ns")
        .respond_with(ResponseTemplate::new(422).set_body_json(fixture("wrong_dimension")))
        .expect(1)
        .mount(&server)
        .await;
    let vector = Vector {
        id: "id-0".into(),
        vector: vec![0.1, 0.2],
        sparse_vector: None,
        metadata: None,
        data: None,
    };
    let error = client(&server).upsert("ns", &[vector]).await.unwrap_err();
    assert_eq!(
        error,
        UpstashError::Rejected {
            status: 422,
            message: "Invalid vector dimension: 2, expected: 256".into()
        }
    );
}

#[tokio::test]
async fn rate_limits_are_reported_not_retried() {
    let server = MockServer::start().await;
    authed("POST", "/query-data/ns")
        .respond_with(ResponseTemplate::new(429).set_body_json(json!({
            "error": "ERR max daily request limit exceeded", "status": 429
        })))
        .expect(1)
        .mount(&server)
        .await;
    let error = client(&server)
        .query_data("ns", &QueryData::new("q", 3))
        .await
        .unwrap_err();
    assert!(
        matches!(error, UpstashError::RateLimited(ref m) if m.contains("daily")),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_bad_token_is_named_and_never_shown() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/info"))
        .respond_with(ResponseTemplate::new(401).set_body_json(fixture("unauthorized")))
        .expect(1)
        .mount(&server)
        .await;
    let error = client(&server).info().await.unwrap_err();
    assert!(matches!(
        error,
        UpstashError::Unauthorized { status: 401, .. }
    ));
    for text in [
        error.to_string(),
        format!("{error:?}"),
        format!("{:?}", client(&server)),
    ] {
        assert!(!text.contains(TOKEN), "{text}");
    }
}

#[tokio::test]
async fn timeouts_are_transient() {
    let server = MockServer::start().await;
    authed("GET", "/info")
        .respond_with(ok("info").set_delay(Duration::from_secs(2)))
        .mount(&server)
        .await;
    let mut config = UpstashConfig::new(server.uri(), Secret::new(TOKEN));
    config.timeout = Duration::from_millis(100);
    config.max_retries = 1;
    let error = UpstashClient::new(config)
        .unwrap()
        .info()
        .await
        .unwrap_err();
    assert!(
        matches!(error, UpstashError::Transient(ref m) if m.contains("timed out")),
        "{error:?}"
    );
}

#[tokio::test]
async fn malformed_bodies_are_reported() {
    let server = MockServer::start().await;
    authed("GET", "/info")
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"result\": {\"vectorCount\": "))
        .mount(&server)
        .await;
    let error = client(&server).info().await.unwrap_err();
    assert!(matches!(error, UpstashError::Malformed(_)), "{error:?}");
}

fn chunk(title: &str) -> Chunk {
    Chunk::new(
        Section::Project,
        title,
        format!("All about {title}."),
        Default::default(),
    )
}

#[tokio::test]
async fn the_index_maps_matches_back_to_bundled_chunks() {
    let server = MockServer::start().await;
    let (a, b) = (chunk("Ledger"), chunk("Beacon"));
    authed("POST", "/query-data/twin-ns")
        .and(body_json(json!({
            "data": "tell me about the ledger", "topK": 3,
            "includeMetadata": false, "includeVectors": false, "includeData": false
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "result": [
            { "id": a.id.as_str(), "score": 0.91 },
            { "id": "experience-unknown", "score": 0.9 },
            { "id": b.id.as_str(), "score": 0.42 }
        ]})))
        .mount(&server)
        .await;
    let index = UpstashIndex::new(client(&server), "twin-ns", &[a.clone(), b.clone()], 0.5);
    let hits = index
        .search(&SearchQuery {
            text: "tell me about the ledger".into(),
            top_k: 3,
        })
        .await
        .unwrap();
    // The unknown id and the hit under the floor are dropped.
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].chunk, a);
    assert!((hits[0].score - 0.91).abs() < 1e-6);
}

#[tokio::test]
async fn index_errors_say_whether_to_retry() {
    let server = MockServer::start().await;
    authed("POST", "/query-data/twin-ns")
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let mut config = UpstashConfig::new(server.uri(), Secret::new(TOKEN));
    config.max_retries = 0;
    let index = UpstashIndex::new(UpstashClient::new(config).unwrap(), "twin-ns", &[], 0.0);
    let query = SearchQuery {
        text: "q".into(),
        top_k: 3,
    };
    assert!(matches!(
        index.search(&query).await,
        Err(IndexError::Transient(_))
    ));

    let bad = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_json(fixture("unauthorized")))
        .mount(&bad)
        .await;
    let index = UpstashIndex::new(client(&bad), "twin-ns", &[], 0.0);
    assert!(matches!(
        index.search(&query).await,
        Err(IndexError::Permanent(_))
    ));
}
