//! Every endpoint against wiremock: the request as documented (method, path
//! with namespace, bearer token, JSON body) and the documented response
//! decoded.

use serde_json::json;
use twin_upstash::{
    DataRecord, Delete, Fetch, FusionAlgorithm, MetadataUpdateMode, Query, QueryData, QueryMode,
    Range, Reset, SparseVector, Update, UpstashError, Vector, WeightingStrategy,
};
use wiremock::MockServer;
use wiremock::matchers::{body_json, body_string, query_param};

use crate::support::{authed, client, ok, status};

#[tokio::test]
async fn upsert_sends_vectors_to_the_namespace() {
    let server = MockServer::start().await;
    authed("POST", "/upsert/ns")
        .and(body_json(json!([
            { "id": "id-0", "vector": [0.1, 0.2], "metadata": { "link": "upstash.com" } },
            { "id": "id-1", "vector": [0.2, 0.3], "data": "text" },
            { "id": "id-2", "vector": [0.5, 0.4],
              "sparseVector": { "indices": [1, 2], "values": [0.1, 0.2] } }
        ])))
        .respond_with(ok("success"))
        .expect(1)
        .mount(&server)
        .await;
    let vector = |id: &str, values: Vec<f32>| Vector {
        id: id.into(),
        vector: values,
        sparse_vector: None,
        metadata: None,
        data: None,
    };
    let vectors = [
        Vector {
            metadata: Some(json!({ "link": "upstash.com" })),
            ..vector("id-0", vec![0.1, 0.2])
        },
        Vector {
            data: Some("text".into()),
            ..vector("id-1", vec![0.2, 0.3])
        },
        Vector {
            sparse_vector: Some(SparseVector {
                indices: vec![1, 2],
                values: vec![0.1, 0.2],
            }),
            ..vector("id-2", vec![0.5, 0.4])
        },
    ];
    client(&server).upsert("ns", &vectors).await.unwrap();
}

#[tokio::test]
async fn a_sparse_only_vector_sends_no_dense_part() {
    let server = MockServer::start().await;
    authed("POST", "/upsert")
        .and(body_json(json!([
            { "id": "id-0", "sparseVector": { "indices": [3], "values": [0.5] } }
        ])))
        .respond_with(ok("success"))
        .expect(1)
        .mount(&server)
        .await;
    let vector = Vector {
        id: "id-0".into(),
        vector: Vec::new(),
        sparse_vector: Some(SparseVector {
            indices: vec![3],
            values: vec![0.5],
        }),
        metadata: None,
        data: None,
    };
    client(&server).upsert("", &[vector]).await.unwrap();
}

#[tokio::test]
async fn upsert_data_uses_the_default_namespace_when_unnamed() {
    let server = MockServer::start().await;
    authed("POST", "/upsert-data")
        .and(body_json(json!([
            { "id": "id-0", "data": "Upstash is a serverless data platform.", "metadata": { "link": "upstash.com" } },
            { "id": "id-1", "data": "Upstash Vector is a serverless vector database." }
        ])))
        .respond_with(ok("success"))
        .expect(1)
        .mount(&server)
        .await;
    let records = [
        DataRecord {
            id: "id-0".into(),
            data: "Upstash is a serverless data platform.".into(),
            metadata: Some(json!({ "link": "upstash.com" })),
        },
        DataRecord {
            id: "id-1".into(),
            data: "Upstash Vector is a serverless vector database.".into(),
            metadata: None,
        },
    ];
    client(&server).upsert_data("", &records).await.unwrap();
}

#[tokio::test]
async fn upsert_data_on_an_index_without_a_model_is_rejected() {
    let server = MockServer::start().await;
    authed("POST", "/upsert-data/ns")
        .respond_with(status(422, "embedding_not_allowed"))
        .expect(1)
        .mount(&server)
        .await;
    let record = DataRecord {
        id: "id-0".into(),
        data: "text".into(),
        metadata: None,
    };
    let error = client(&server)
        .upsert_data("ns", &[record])
        .await
        .unwrap_err();
    assert!(
        matches!(error, UpstashError::Rejected { status: 422, ref message } if message.contains("embedding model")),
        "{error:?}"
    );
}

#[tokio::test]
async fn query_sends_the_vector_and_decodes_matches() {
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
    let mut query = Query::new(vec![0.1, 0.2], 2);
    query.include_metadata = true;
    query.filter = Some("link = 'upstash.com'".into());
    let matches = client(&server).query("ns", &query).await.unwrap();
    assert_eq!(matches.len(), 2);
    assert_eq!(matches[0].id, "id-0");
    assert_eq!(matches[0].score, 1.0);
    assert_eq!(matches[0].metadata, Some(json!({ "link": "upstash.com" })));
    assert_eq!(matches[0].vector, None);
    assert_eq!(matches[1].id, "id-1");
    assert!((matches[1].score - 0.999_964_5).abs() < 1e-6);
    assert_eq!(matches[1].metadata, None);
}

#[tokio::test]
async fn a_hybrid_query_sends_both_parts_and_its_options() {
    let server = MockServer::start().await;
    authed("POST", "/query")
        .and(body_json(json!({
            "vector": [0.5, 0.4],
            "sparseVector": { "indices": [3, 5], "values": [0.3, 0.5] },
            "topK": 5,
            "includeMetadata": false, "includeVectors": true, "includeData": true,
            "weightingStrategy": "IDF", "fusionAlgorithm": "DBSF"
        })))
        .respond_with(ok("query"))
        .expect(1)
        .mount(&server)
        .await;
    let mut query = Query::new(vec![0.5, 0.4], 5);
    query.sparse_vector = Some(SparseVector {
        indices: vec![3, 5],
        values: vec![0.3, 0.5],
    });
    query.include_vectors = true;
    query.include_data = true;
    query.weighting_strategy = Some(WeightingStrategy::Idf);
    query.fusion_algorithm = Some(FusionAlgorithm::Dbsf);
    assert_eq!(client(&server).query("", &query).await.unwrap().len(), 2);

    // A sparse-only query sends no dense part.
    let sparse = Query::sparse(
        SparseVector {
            indices: vec![3, 5],
            values: vec![0.3, 0.5],
        },
        5,
    );
    // Through text, as it goes on the wire: `to_value` would widen the f32s.
    let body: serde_json::Value =
        serde_json::from_str(&serde_json::to_string(&sparse).unwrap()).unwrap();
    assert_eq!(
        body,
        json!({
            "sparseVector": { "indices": [3, 5], "values": [0.3, 0.5] },
            "topK": 5, "includeMetadata": false, "includeVectors": false, "includeData": false
        })
    );
}

#[tokio::test]
async fn query_data_sends_the_text_and_every_option() {
    let server = MockServer::start().await;
    authed("POST", "/query-data/ns")
        .and(body_json(json!({
            "data": "What is Upstash?", "topK": 2,
            "includeMetadata": true, "includeVectors": false, "includeData": true,
            "filter": "link = 'upstash.com'",
            "weightingStrategy": "IDF", "fusionAlgorithm": "RRF", "queryMode": "SPARSE"
        })))
        .respond_with(ok("query"))
        .expect(1)
        .mount(&server)
        .await;
    let mut query = QueryData::new("What is Upstash?", 2);
    query.include_metadata = true;
    query.include_data = true;
    query.filter = Some("link = 'upstash.com'".into());
    query.weighting_strategy = Some(WeightingStrategy::Idf);
    query.fusion_algorithm = Some(FusionAlgorithm::Rrf);
    query.query_mode = Some(QueryMode::Sparse);
    let matches = client(&server).query_data("ns", &query).await.unwrap();
    assert_eq!(
        matches.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
        ["id-0", "id-1"]
    );
}

#[tokio::test]
async fn query_data_sends_only_what_is_set() {
    let server = MockServer::start().await;
    authed("POST", "/query-data")
        .and(body_json(json!({
            "data": "What is Upstash?", "topK": 3,
            "includeMetadata": false, "includeVectors": false, "includeData": false,
            "queryMode": "DENSE"
        })))
        .respond_with(ok("query"))
        .expect(1)
        .mount(&server)
        .await;
    let mut query = QueryData::new("What is Upstash?", 3);
    query.query_mode = Some(QueryMode::Dense);
    client(&server).query_data("", &query).await.unwrap();
}

#[tokio::test]
async fn fetch_by_ids_decodes_the_documented_answer() {
    let server = MockServer::start().await;
    authed("POST", "/fetch/ns")
        .and(body_json(json!({
            "ids": ["id-0", "id-1"],
            "includeMetadata": true, "includeVectors": false, "includeData": false
        })))
        .respond_with(ok("fetch"))
        .expect(1)
        .mount(&server)
        .await;
    let mut request = Fetch::ids(vec!["id-0".into(), "id-1".into()]);
    request.include_metadata = true;
    let found = client(&server).fetch("ns", &request).await.unwrap();
    assert_eq!(found.len(), 2);
    let first = found[0].as_ref().unwrap();
    assert_eq!(first.id, "id-0");
    assert_eq!(first.metadata, Some(json!({ "link": "upstash.com" })));
    let second = found[1].as_ref().unwrap();
    assert_eq!((second.id.as_str(), &second.metadata), ("id-1", &None));
}

#[tokio::test]
async fn fetch_keeps_missing_ids_as_none_and_takes_a_prefix() {
    let server = MockServer::start().await;
    // "Array elements can be null if no such vector exists".
    authed("POST", "/fetch")
        .and(body_json(json!({
            "prefix": "id-",
            "includeMetadata": false, "includeVectors": true, "includeData": true
        })))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(json!({
            "result": [
                { "id": "id-0", "vector": [0.1, 0.2], "data": "text",
                  "sparseVector": { "indices": [1], "values": [0.5] } },
                null
            ]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let mut request = Fetch::prefix("id-");
    request.include_vectors = true;
    request.include_data = true;
    let found = client(&server).fetch("", &request).await.unwrap();
    let first = found[0].as_ref().unwrap();
    assert_eq!(first.vector.as_deref(), Some(&[0.1_f32, 0.2][..]));
    assert_eq!(first.data.as_deref(), Some("text"));
    assert_eq!(
        first.sparse_vector,
        Some(SparseVector {
            indices: vec![1],
            values: vec![0.5]
        })
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
    authed("POST", "/range/ns")
        .and(body_json(json!({
            "cursor": "2", "limit": 2, "prefix": "id-",
            "includeMetadata": false, "includeVectors": true, "includeData": true
        })))
        .respond_with(
            wiremock::ResponseTemplate::new(200)
                .set_body_json(json!({ "result": { "nextCursor": "", "vectors": [] } })),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let mut range = Range::new("0", 2);
    range.include_metadata = true;
    let page = client.range("ns", &range).await.unwrap();
    assert_eq!(page.next_cursor, "2");
    assert_eq!(page.vectors.len(), 2);
    assert_eq!(
        page.vectors[0].metadata,
        Some(json!({ "link": "upstash.com" }))
    );
    assert_eq!(page.vectors[1].id, "id-1");

    let mut range = Range::new(page.next_cursor, 2);
    range.prefix = Some("id-".into());
    range.include_vectors = true;
    range.include_data = true;
    let last = client.range("ns", &range).await.unwrap();
    assert!(last.next_cursor.is_empty() && last.vectors.is_empty());
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
async fn reset_one_namespace_the_default_or_all() {
    let server = MockServer::start().await;
    authed("DELETE", "/reset/ns")
        .and(body_string(""))
        .respond_with(ok("success"))
        .expect(1)
        .mount(&server)
        .await;
    authed("DELETE", "/reset")
        .and(query_param("all", ""))
        .and(body_string(""))
        .respond_with(ok("success"))
        .expect(1)
        .mount(&server)
        .await;
    authed("DELETE", "/reset")
        .and(body_string(""))
        .respond_with(ok("success"))
        // The `?all` request matches this mock too; wiremock picks the
        // first mounted match, so this one only sees the plain reset.
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    client.reset(Reset::Namespace("ns".into())).await.unwrap();
    client.reset(Reset::All).await.unwrap();
    client.reset(Reset::Namespace(String::new())).await.unwrap();
    let urls: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.to_string())
        .collect();
    assert!(urls[1].ends_with("/reset?all"), "{urls:?}");
    assert!(urls[2].ends_with("/reset"), "{urls:?}");
}

#[tokio::test]
async fn info_decodes_every_documented_field() {
    let server = MockServer::start().await;
    authed("GET", "/info")
        .and(body_string(""))
        .respond_with(ok("info"))
        .expect(1)
        .mount(&server)
        .await;
    let info = client(&server).info().await.unwrap();
    assert_eq!(info.vector_count, 7);
    assert_eq!(info.pending_vector_count, 0);
    assert_eq!(info.index_size, 43_501);
    assert_eq!(info.dimension, 1024);
    assert_eq!(info.similarity_function, "COSINE");
    assert_eq!(info.index_type.as_deref(), Some("HYBRID"));
    let dense = info.dense_index.unwrap();
    assert_eq!(dense.dimension, 1024);
    assert_eq!(dense.similarity_function, "COSINE");
    assert_eq!(dense.embedding_model.as_deref(), Some("BGE_M3"));
    assert_eq!(
        info.sparse_index.unwrap().embedding_model.as_deref(),
        Some("BM25")
    );
    assert_eq!(info.namespaces.len(), 2);
    assert_eq!(info.namespaces[""].vector_count, 6);
    assert_eq!(info.namespaces["ns"].vector_count, 1);
    assert_eq!(info.namespaces["ns"].pending_vector_count, 0);
}

#[tokio::test]
async fn list_namespaces_includes_the_default_one() {
    let server = MockServer::start().await;
    authed("GET", "/list-namespaces")
        .and(body_string(""))
        .respond_with(ok("list_namespaces"))
        .expect(1)
        .mount(&server)
        .await;
    assert_eq!(
        client(&server).list_namespaces().await.unwrap(),
        ["", "ns0", "ns1"]
    );
}

#[tokio::test]
async fn delete_namespace_and_a_missing_one() {
    let server = MockServer::start().await;
    authed("DELETE", "/delete-namespace/ns0")
        .and(body_string(""))
        .respond_with(ok("success"))
        .expect(1)
        .mount(&server)
        .await;
    authed("DELETE", "/delete-namespace/ns")
        .respond_with(status(404, "namespace_not_found"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    client.delete_namespace("ns0").await.unwrap();
    let error = client.delete_namespace("ns").await.unwrap_err();
    assert_eq!(
        error,
        UpstashError::NotFound("Namespace ns for the index $NAME does not exist".into())
    );
}

#[tokio::test]
async fn update_sends_only_the_changed_parts() {
    let server = MockServer::start().await;
    authed("POST", "/update/ns")
        .and(body_json(json!({
            "id": "id-1", "metadata": { "link": "upstash.com" }, "metadataUpdateMode": "PATCH"
        })))
        .respond_with(ok("update"))
        .expect(1)
        .mount(&server)
        .await;
    authed("POST", "/update")
        .and(body_json(json!({ "id": "id-404", "data": "new text" })))
        .respond_with(
            wiremock::ResponseTemplate::new(200)
                .set_body_json(json!({ "result": { "updated": 0 } })),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let patch = Update {
        id: "id-1".into(),
        vector: None,
        sparse_vector: None,
        data: None,
        metadata: Some(json!({ "link": "upstash.com" })),
        metadata_update_mode: Some(MetadataUpdateMode::Patch),
    };
    assert!(client.update("ns", &patch).await.unwrap());
    let missing = Update {
        id: "id-404".into(),
        data: Some("new text".into()),
        metadata: None,
        metadata_update_mode: None,
        ..patch
    };
    assert!(!client.update("", &missing).await.unwrap());
}
