//! Router tests: requests go through `app().oneshot(..)`, no server, no network.

#![allow(clippy::unwrap_used)] // Test helpers panic by design.

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;
use twin_core::Profile;
use twin_http::{AppState, Settings, app};

mod backends;
mod ops;

const FIXTURE: &str = include_str!("../../../twin-core/tests/data/profile.json");

fn router() -> Router {
    let profile = Profile::from_json(FIXTURE).unwrap();
    app(AppState::new(profile, Settings::default()).unwrap())
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Asserts the error shape and returns (code, message).
    fn error(&self) -> (String, String) {
        let body = self.json();
        let code = body["error"]["code"]
            .as_str()
            .expect("error.code")
            .to_owned();
        let message = body["error"]["message"]
            .as_str()
            .expect("error.message")
            .to_owned();
        assert!(!message.is_empty());
        (code, message)
    }
}

impl Reply {
    async fn from(response: axum::response::Response) -> Reply {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        Reply {
            status,
            headers,
            body,
        }
    }
}

async fn send(request: Request<Body>) -> Reply {
    Reply::from(router().oneshot(request).await.unwrap()).await
}

async fn get(path: &str) -> Reply {
    send(Request::get(path).body(Body::empty()).unwrap()).await
}

fn chat_request(body: impl Into<Body>, accept: &str) -> Request<Body> {
    Request::post("/api/chat")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, accept)
        .body(body.into())
        .unwrap()
}

async fn chat_json(body: Value) -> Reply {
    send(chat_request(body.to_string(), "application/json")).await
}

#[tokio::test]
async fn health_reports_what_the_twin_runs_on() {
    let reply = get("/api/health").await;
    assert_eq!(reply.status, StatusCode::OK);
    let body = reply.json();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["model"], "extractive");
    assert_eq!(body["index"]["kind"], "embedded");
    assert!(body["index"]["chunks"].as_u64().unwrap() > 5);
    let version = Profile::from_json(FIXTURE).unwrap().version();
    assert_eq!(body["profile_version"], version.as_str());
}

#[tokio::test]
async fn profile_is_the_public_view() {
    let reply = get("/api/profile").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.header("content-type").starts_with("application/json"));
    let body = reply.json();
    assert_eq!(body["name"], "Sam Ortega");
    assert_eq!(body["location"], "Porto, Portugal");
    assert_eq!(body["contact"]["email"], "sam@example.dev");
    let questions = body["suggested_questions"].as_array().unwrap();
    assert!(questions.len() >= 3);
    assert_eq!(questions[0], "What do you do at Harbor Freight Labs?");
    assert!(body["sections"].as_array().unwrap().contains(&json!("faq")));
}

#[tokio::test]
async fn chat_answers_as_json_with_citations() {
    let reply = chat_json(json!({ "message": "How did you cut the tracking latency?" })).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let body = reply.json();
    let answer = body["answer"].as_str().unwrap();
    assert!(answer.contains("270 ms"), "{answer}");
    assert_eq!(body["mode"], "extractive");
    assert_eq!(body["covered"], true);
    let citations = body["citations"].as_array().unwrap();
    assert!(!citations.is_empty());
    assert_eq!(citations[0]["n"], 1);
    assert!(citations[0]["id"].as_str().unwrap().contains('-'));
    let cited = body["cited"].as_array().unwrap();
    assert!(!cited.is_empty());
    assert!(answer.contains(&format!("[{}]", cited[0])));
    let id = body["answer_id"].as_str().unwrap();
    assert!(id.starts_with("ans_"));
    assert_eq!(reply.header("x-answer-id"), id);
}

/// Splits an SSE body into (event, data) pairs.
fn events(body: &str) -> Vec<(String, Value)> {
    body.split("\n\n")
        .filter(|block| !block.trim().is_empty())
        .filter_map(|block| {
            let mut name = String::from("message");
            let mut data = Vec::new();
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("event:") {
                    name = v.trim().to_owned();
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push(v.trim_start().to_owned());
                }
            }
            if data.is_empty() {
                return None; // a keep-alive comment
            }
            Some((name, serde_json::from_str(&data.join("\n")).unwrap()))
        })
        .collect()
}

#[tokio::test]
async fn chat_streams_meta_tokens_done() {
    let question = json!({ "message": "How did you cut the tracking latency?" });
    let reply = send(chat_request(question.to_string(), "text/event-stream")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply
            .header("content-type")
            .starts_with("text/event-stream")
    );
    let events = events(&reply.text());
    let names: Vec<&str> = events.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names.first(), Some(&"meta"));
    assert_eq!(names.last(), Some(&"done"));
    let tokens: Vec<&str> = events
        .iter()
        .filter(|(n, _)| n == "token")
        .map(|(_, d)| d["text"].as_str().unwrap())
        .collect();
    assert!(tokens.len() > 3, "streamed token by token: {tokens:?}");
    assert!(!names.contains(&"error"));

    let meta = &events[0].1;
    assert!(!meta["citations"].as_array().unwrap().is_empty());
    assert!(meta["retrieval"]["took_ms"].as_f64().unwrap() >= 0.0);
    let done = &events.last().unwrap().1;
    assert_eq!(done["mode"], "extractive");
    assert_eq!(done["covered"], true);
    assert!(done["answer_id"].as_str().unwrap().starts_with("ans_"));
    assert!(done["timings"]["total_ms"].as_f64().unwrap() >= 0.0);
    assert!(done["timings"]["first_token_ms"].as_f64().is_some());

    // The stream and the JSON answer carry the same text.
    let json_answer = chat_json(question).await.json()["answer"].clone();
    assert_eq!(tokens.concat(), json_answer.as_str().unwrap());
}

#[tokio::test]
async fn chat_says_plainly_when_the_profile_does_not_cover_it() {
    let reply = chat_json(json!({ "message": "Who won the 2018 World Cup?" })).await;
    assert_eq!(reply.status, StatusCode::OK);
    let body = reply.json();
    assert_eq!(body["covered"], false);
    assert!(body["citations"].as_array().unwrap().is_empty());
    assert!(body["answer"].as_str().unwrap().contains("sam@example.dev"));
}

#[tokio::test]
async fn chat_uses_history_for_follow_ups() {
    let reply = chat_json(json!({
        "message": "and the stars?",
        "history": [
            { "role": "user", "content": "Tell me about tinyqueue" },
            { "role": "assistant", "content": "It's a persistent job queue [1]." }
        ]
    }))
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.json()["answer"].as_str().unwrap().contains("1,200"));
}

#[tokio::test]
async fn bad_input_gets_a_clear_4xx() {
    let long = "a".repeat(2_001);
    let turn = json!({ "role": "user", "content": "hi" });
    let cases: Vec<(Request<Body>, StatusCode, &str, &str)> = vec![
        (
            chat_request("{ not json", "application/json"),
            StatusCode::BAD_REQUEST,
            "invalid_json",
            "invalid JSON",
        ),
        (
            chat_request("", "application/json"),
            StatusCode::BAD_REQUEST,
            "invalid_json",
            "empty",
        ),
        (
            chat_request("[1, 2]", "application/json"),
            StatusCode::BAD_REQUEST,
            "invalid_json",
            "invalid type",
        ),
        (
            chat_request(json!({ "question": "hi" }).to_string(), "application/json"),
            StatusCode::BAD_REQUEST,
            "invalid_json",
            "missing field `message`",
        ),
        (
            chat_request(json!({ "message": 42 }).to_string(), "application/json"),
            StatusCode::BAD_REQUEST,
            "invalid_json",
            "`message`",
        ),
        (
            chat_request(
                json!({ "message": "  \n " }).to_string(),
                "application/json",
            ),
            StatusCode::BAD_REQUEST,
            "empty_message",
            "must contain a question",
        ),
        (
            chat_request(json!({ "message": long }).to_string(), "application/json"),
            StatusCode::BAD_REQUEST,
            "message_too_long",
            "2001 characters",
        ),
        (
            chat_request(
                json!({ "message": "hi", "history": vec![turn; 21] }).to_string(),
                "application/json",
            ),
            StatusCode::BAD_REQUEST,
            "history_too_long",
            "21 turns",
        ),
        (
            chat_request(
                json!({ "message": "hi", "history": [{ "role": "system", "content": "x" }] })
                    .to_string(),
                "application/json",
            ),
            StatusCode::BAD_REQUEST,
            "invalid_json",
            "history[0].role",
        ),
        (
            chat_request("x".repeat(17 * 1024), "application/json"),
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "16 KiB",
        ),
        (
            Request::post("/api/chat")
                .header(header::CONTENT_TYPE, "text/plain")
                .body(Body::from(r#"{"message":"hi"}"#))
                .unwrap(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "application/json",
        ),
        (
            Request::get("/api/chat").body(Body::empty()).unwrap(),
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "method",
        ),
        (
            Request::delete("/api/health").body(Body::empty()).unwrap(),
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "method",
        ),
        (
            Request::post("/api/profile").body(Body::empty()).unwrap(),
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "method",
        ),
        (
            Request::get("/api/nope").body(Body::empty()).unwrap(),
            StatusCode::NOT_FOUND,
            "not_found",
            "/api/nope",
        ),
    ];
    for (request, status, code, needle) in cases {
        let what = format!("{} {}", request.method(), request.uri());
        let reply = send(request).await;
        assert_eq!(reply.status, status, "{what}: {}", reply.text());
        let (got_code, message) = reply.error();
        assert_eq!(got_code, code, "{what}: {message}");
        assert!(
            message.contains(needle),
            "{what}: {message:?} lacks {needle:?}"
        );
    }
}

#[tokio::test]
async fn the_longest_allowed_message_is_accepted() {
    let message = "experience ".repeat(200);
    let message = &message[..2_000];
    let reply = chat_json(json!({ "message": message, "history": vec![json!({"role": "user", "content": "hi"}); 20] })).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
}

#[tokio::test]
async fn browsers_on_other_origins_may_call_the_api() {
    let preflight = Request::builder()
        .method(Method::OPTIONS)
        .uri("/api/chat")
        .header(header::ORIGIN, "https://portfolio.example")
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
        .body(Body::empty())
        .unwrap();
    let reply = send(preflight).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("access-control-allow-origin"), "*");
    assert!(
        reply
            .header("access-control-allow-methods")
            .contains("POST")
    );
}

#[tokio::test]
async fn the_page_and_widget_are_served() {
    let page = get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.header("content-type").starts_with("text/html"));
    assert!(page.text().contains("/app.js"));
    for (path, kind) in [
        ("/app.js", "text/javascript"),
        ("/widget.js", "text/javascript"),
        ("/style.css", "text/css"),
    ] {
        let reply = get(path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert!(reply.header("content-type").starts_with(kind), "{path}");
        assert!(!reply.body.is_empty(), "{path}");
    }
}
