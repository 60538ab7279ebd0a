//! `twin serve` over real HTTP on loopback.

use futures_util::StreamExt;
use serde_json::{Value, json};

use crate::support::Server;

#[tokio::test]
async fn serves_health_profile_page_and_chat() {
    let server = Server::start();
    let http = reqwest::Client::new();

    let health: Value = http
        .get(format!("{}/api/health", server.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");

    let profile: Value = http
        .get(format!("{}/api/profile", server.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let name = profile["name"].as_str().unwrap().to_owned();

    let page = http.get(&server.url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("<html"));

    let answer: Value = http
        .post(format!("{}/api/chat", server.url))
        .json(&json!({ "message": "Tell me about yourself" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let text = answer["answer"].as_str().unwrap();
    assert!(text.contains(&name), "{text}");
    assert!(!answer["citations"].as_array().unwrap().is_empty());

    let bad = http
        .post(format!("{}/api/chat", server.url))
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let bad: Value = bad.json().await.unwrap();
    assert_eq!(bad["error"]["code"], "invalid_json");
}

#[tokio::test]
async fn streams_server_sent_events_over_the_wire() {
    let server = Server::start();
    let response = reqwest::Client::new()
        .post(format!("{}/api/chat", server.url))
        .header("accept", "text/event-stream")
        .json(&json!({ "message": "What are your strongest skills?" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let mut body = String::new();
    let mut chunks = 0;
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        body.push_str(std::str::from_utf8(&chunk.unwrap()).unwrap());
        chunks += 1;
    }
    assert!(chunks >= 1);
    let names: Vec<&str> = body
        .lines()
        .filter_map(|l| l.strip_prefix("event: "))
        .collect();
    assert_eq!(names.first(), Some(&"meta"));
    assert_eq!(names.last(), Some(&"done"));
    assert!(names.iter().filter(|n| **n == "token").count() > 3);
}
