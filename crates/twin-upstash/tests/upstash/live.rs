//! Against the real service, only when `UPSTASH_VECTOR_REST_URL` and
//! `UPSTASH_VECTOR_REST_TOKEN` are set (the default test run skips it).

use twin_core::Secret;
use twin_upstash::{DataRecord, QueryData, UpstashClient, UpstashConfig};

#[tokio::test]
async fn live_round_trip_in_a_throwaway_namespace() {
    let (Ok(url), Ok(token)) = (
        std::env::var("UPSTASH_VECTOR_REST_URL"),
        std::env::var("UPSTASH_VECTOR_REST_TOKEN"),
    ) else {
        eprintln!("skipped: UPSTASH_VECTOR_REST_URL/TOKEN not set");
        return;
    };
    let client = UpstashClient::new(UpstashConfig::new(url, Secret::new(token))).unwrap();
    let info = client.info().await.unwrap();
    assert!(info.dimension > 0);
    let namespace = format!("twin-live-test-{}", std::process::id());
    let record = DataRecord {
        id: "live-1".into(),
        data: "I build payment systems in Rust.".into(),
        metadata: None,
    };
    client.upsert_data(&namespace, &[record]).await.unwrap();
    let matches = client
        .query_data(&namespace, &QueryData::new("payments in Rust", 1))
        .await;
    client.delete_namespace(&namespace).await.unwrap();
    // Indexing is eventually consistent: an empty answer is acceptable.
    assert!(matches.unwrap().len() <= 1);
}
