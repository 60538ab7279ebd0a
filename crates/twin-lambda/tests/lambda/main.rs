//! The twin behind `lambda_http`: documented Lambda events in, the router's
//! answers out. No runtime, no network.

#![allow(clippy::unwrap_used)] // Test helpers panic by design.

mod support;

use axum::http::StatusCode;
use serde_json::{Value, json};
use twin_http::Settings;

use support::{FUNCTION_URL, REST_API, event, function_url, send, service, service_with, stream};

#[tokio::test]
async fn health_answers_through_a_function_url() {
    let reply = send(&service(), FUNCTION_URL).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.header("content-type").starts_with("application/json"));
    let body = reply.json();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["model"], "extractive");
}

/// The first starter question the page would offer: drawn from the bundled
/// profile, so it always has an answer.
async fn starter_question(service: &twin_lambda::TwinService) -> String {
    let profile = send(service, &function_url("GET", "/api/profile", None, "*/*")).await;
    assert_eq!(profile.status, StatusCode::OK);
    profile.json()["suggested_questions"][0]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn chat_answers_as_json_with_citations() {
    let service = service();
    let question = starter_question(&service).await;
    let body = json!({ "message": question });
    let reply = send(
        &service,
        &function_url("POST", "/api/chat", Some(&body), "application/json"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let answer = reply.json();
    assert_eq!(answer["covered"], true, "{answer}");
    let citations = answer["citations"].as_array().unwrap();
    assert!(!citations.is_empty(), "{answer}");
    let cited = answer["cited"].as_array().unwrap();
    assert!(!cited.is_empty(), "{answer}");
    let text = answer["answer"].as_str().unwrap();
    assert!(text.contains(&format!("[{}]", cited[0])), "{text}");
}

#[tokio::test]
async fn a_base64_body_is_decoded() {
    // Function URLs base64-encode bodies whose content type they do not
    // recognise as text.
    let service = service();
    let question = starter_question(&service).await;
    let body = json!({ "message": question }).to_string();
    let encoded = base64(body.as_bytes());
    let chat = event(
        &function_url("POST", "/api/chat", None, "application/json"),
        |e| {
            e["headers"]["content-type"] = "application/json".into();
            e["body"] = encoded.into();
            e["isBase64Encoded"] = true.into();
        },
    );
    let reply = send(&service, &chat).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.json()["covered"], true);
}

#[tokio::test]
async fn sse_arrives_as_a_stream_of_chunks() {
    let service = service();
    let question = starter_question(&service).await;
    let body = json!({ "message": question });
    let chat = function_url("POST", "/api/chat", Some(&body), "text/event-stream");
    let mut context = lambda_http::Context::default();
    context.request_id = "8f2d1c7e-4b3a-4e5f-9a8b-1c2d3e4f5a6b".to_owned();
    let (prelude, chunks) = stream(&service, &chat, context).await;

    assert_eq!(prelude.status_code, StatusCode::OK);
    let content_type = prelude.headers.get("content-type").unwrap();
    assert_eq!(content_type, "text/event-stream");
    assert_eq!(
        prelude.headers.get("x-request-id").unwrap(),
        "8f2d1c7e-4b3a-4e5f-9a8b-1c2d3e4f5a6b",
        "the twin's request id is Lambda's"
    );
    // The prelude is what the runtime writes before the body, as JSON.
    let written = serde_json::to_value(&prelude).unwrap();
    assert_eq!(written["statusCode"], 200);
    assert_eq!(written["headers"]["content-type"], "text/event-stream");

    // One chunk per event: meta, tokens, done, each forwarded as it comes.
    let events: Vec<String> = chunks
        .iter()
        .map(|c| String::from_utf8(c.to_vec()).unwrap())
        .collect();
    assert!(events.len() >= 3, "{events:?}");
    assert!(events[0].starts_with("event: meta\n"), "{events:?}");
    assert!(events[1].starts_with("event: token\n"), "{events:?}");
    let last = events.last().unwrap();
    assert!(last.starts_with("event: done\n"), "{events:?}");
    let done: Value =
        serde_json::from_str(last.lines().find_map(|l| l.strip_prefix("data: ")).unwrap()).unwrap();
    assert_eq!(done["covered"], true);
    assert!(!done["cited"].as_array().unwrap().is_empty(), "{done}");
}

#[tokio::test]
async fn the_client_request_id_is_kept() {
    let health = event(FUNCTION_URL, |e| {
        e["headers"]["x-request-id"] = "probe-42".into()
    });
    let mut context = lambda_http::Context::default();
    context.request_id = "5b6e8a1c-2f4d-4e9a-9c3b-7d1e0f2a4b6c".to_owned();
    let (prelude, _) = stream(&service(), &health, context).await;
    assert_eq!(prelude.headers.get("x-request-id").unwrap(), "probe-42");
}

#[tokio::test]
async fn api_gateway_stages_are_not_part_of_the_route() {
    let service = service();
    // REST API: `path` has no stage, lambda_http puts it in front.
    let reply = send(&service, REST_API).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.json()["status"], "ok");
    // HTTP API on a named stage: the stage is in the raw path already.
    let http_api = event(FUNCTION_URL, |e| {
        e["rawPath"] = "/prod/api/health".into();
        e["requestContext"]["stage"] = "prod".into();
    });
    let reply = send(&service, &http_api).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    // A path that is not the stage's stays as it is, and is not found.
    let elsewhere = event(REST_API, |e| e["path"] = "/prod-api/health".into());
    assert_eq!(
        send(&service, &elsewhere).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_rate_limit_keys_on_the_address_aws_saw() {
    // Three a minute: a burst of one per address.
    let service = service_with(Settings {
        rate_limit_per_min: 3,
        ..Settings::default()
    });
    let ask = |source_ip: &str, forwarded: &str| {
        let body = json!({ "message": "What do you work on?" });
        event(
            &function_url("POST", "/api/chat", Some(&body), "application/json"),
            |e| {
                e["requestContext"]["http"]["sourceIp"] = source_ip.into();
                e["headers"]["x-forwarded-for"] = forwarded.into();
                e["headers"]["x-real-ip"] = forwarded.into();
            },
        )
    };
    let first = send(&service, &ask("198.51.100.23", "192.0.2.1")).await;
    assert_eq!(first.status, StatusCode::OK);
    // Forged forwarding headers do not buy a new allowance.
    let second = send(&service, &ask("198.51.100.23", "192.0.2.2")).await;
    assert_eq!(second.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(!second.header("retry-after").is_empty());
    // Another caller has its own.
    let other = send(&service, &ask("198.51.100.24", "192.0.2.1")).await;
    assert_eq!(other.status, StatusCode::OK);
}

/// Standard base64 with padding, enough for a test body.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}
