//! Against the real service, only when `UPSTASH_VECTOR_REST_URL` and
//! `UPSTASH_VECTOR_REST_TOKEN` are set; the default test run skips it. The
//! index must embed server-side (the twin's normal setup).

use std::time::{SystemTime, UNIX_EPOCH};

use twin_core::Secret;
use twin_upstash::{DataRecord, QueryData, UpstashClient, UpstashConfig, UpstashError};

#[tokio::test]
async fn info_and_a_query_in_a_throwaway_namespace() {
    let (Ok(url), Ok(token)) = (
        std::env::var("UPSTASH_VECTOR_REST_URL"),
        std::env::var("UPSTASH_VECTOR_REST_TOKEN"),
    ) else {
        eprintln!("skipped: UPSTASH_VECTOR_REST_URL/TOKEN not set");
        return;
    };
    let client = UpstashClient::new(UpstashConfig::new(url, Secret::new(token))).unwrap();
    let info = client.info().await.unwrap();
    assert!(info.namespaces.contains_key(""), "{info:?}");

    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let namespace = format!("twin-live-test-{}-{nanos}", std::process::id());
    let record = DataRecord {
        id: "live-1".into(),
        data: "I build payment systems in Rust.".into(),
        metadata: None,
    };
    // Everything that can fail runs before the clean-up, and is checked
    // after it, so a failing run leaves no namespace behind.
    let upserted = client.upsert_data(&namespace, &[record]).await;
    let matches = client
        .query_data(&namespace, &QueryData::new("payments in Rust", 1))
        .await;
    let cleaned = client.delete_namespace(&namespace).await;

    upserted.unwrap();
    // Indexing is eventually consistent: no match yet is acceptable.
    let matches = matches.unwrap();
    assert!(matches.len() <= 1, "{matches:?}");
    assert!(matches.iter().all(|m| m.id == "live-1"), "{matches:?}");
    match cleaned {
        // A namespace whose only write is still pending may not exist yet.
        Ok(()) | Err(UpstashError::NotFound(_)) => {}
        Err(error) => panic!("cleaning up {namespace}: {error}"),
    }
}
