//! The chat completions client and the twin's model against wiremock, with
//! documented bodies from `tests/data/`; a live test when `GROQ_API_KEY` is
//! set.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::json;
use twin_core::prompt::{Message, MessageRole, PromptBuilder};
use twin_core::{AnswerRequest, ChatModel, Chunk, Hit, ModelError, Profile, Secret, Section};
use twin_groq::{Delta, GroqClient, GroqConfig, GroqError, GroqModel, Usage};
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "gsk_test_0123456789abcdef";
const STREAM: &str = include_str!("../data/stream.txt");
const STREAM_ERROR: &str = include_str!("../data/stream_error.txt");
const STREAM_CUT: &str = include_str!("../data/stream_cut.txt");
const PROFILE: &str = include_str!("../../../../data/digitaltwin.json");

fn fixture(name: &str) -> serde_json::Value {
    let text = match name {
        "completion" => include_str!("../data/completion.json"),
        "models" => include_str!("../data/models.json"),
        "401" => include_str!("../data/error_401.json"),
        "404" => include_str!("../data/error_404.json"),
        "429" => include_str!("../data/error_429.json"),
        "context" => include_str!("../data/error_context.json"),
        other => panic!("no fixture {other}"),
    };
    serde_json::from_str(text).unwrap()
}

fn config(server: &MockServer) -> GroqConfig {
    let mut config = GroqConfig::new(
        format!("{}/openai/v1", server.uri()),
        Some(Secret::new(KEY)),
    );
    config.model = "primary".into();
    config.fallback_models = vec!["fallback".into()];
    config.first_byte_timeout = Duration::from_millis(500);
    config.idle_timeout = Duration::from_millis(500);
    config
}

fn client(server: &MockServer) -> GroqClient {
    GroqClient::new(config(server)).unwrap()
}

fn sse(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "text/event-stream")
        .set_body_string(body)
}

fn messages() -> Vec<Message> {
    vec![
        Message {
            role: MessageRole::System,
            content: "You are a twin.".into(),
        },
        Message {
            role: MessageRole::User,
            content: "Who are you?".into(),
        },
    ]
}

fn chat_for(model: &str) -> wiremock::MockBuilder {
    Mock::given(method("POST"))
        .and(path("/openai/v1/chat/completions"))
        .and(body_partial_json(json!({ "model": model })))
}

async fn collect(mut stream: twin_groq::CompletionStream) -> Vec<Result<Delta, GroqError>> {
    let mut items = Vec::new();
    while let Some(item) = stream.next().await {
        items.push(item);
    }
    items
}

#[tokio::test]
async fn streams_tokens_in_order_with_usage() {
    let server = MockServer::start().await;
    chat_for("primary")
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(body_partial_json(json!({
            "model": "primary",
            "stream": true,
            "max_completion_tokens": 1024,
            "temperature": 0.3,
            "messages": [
                { "role": "system", "content": "You are a twin." },
                { "role": "user", "content": "Who are you?" }
            ]
        })))
        .respond_with(sse(STREAM))
        .expect(1)
        .mount(&server)
        .await;
    let items = collect(
        client(&server)
            .stream_chat("primary", &messages())
            .await
            .unwrap(),
    )
    .await;
    let items: Vec<Delta> = items.into_iter().map(Result::unwrap).collect();
    let text: String = items
        .iter()
        .filter_map(|d| match d {
            Delta::Text(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(text, "I'm a backend engineer [1].");
    assert!(items.contains(&Delta::Finish("stop".into())));
    assert!(items.contains(&Delta::Usage(Usage {
        prompt_tokens: 412,
        completion_tokens: 12,
        total_tokens: 424
    })));
}

#[tokio::test]
async fn one_shot_chat_and_model_list() {
    let server = MockServer::start().await;
    chat_for("primary")
        .and(body_partial_json(json!({ "stream": false })))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("completion")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/openai/v1/models"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("models")))
        .mount(&server)
        .await;
    let client = client(&server);
    let completion = client.chat("primary", &messages()).await.unwrap();
    assert_eq!(completion.text, "OK.");
    assert_eq!(completion.finish_reason.as_deref(), Some("stop"));
    assert_eq!(completion.usage.unwrap().total_tokens, 20);
    assert_eq!(
        client.models().await.unwrap(),
        vec!["openai/gpt-oss-120b", "openai/gpt-oss-20b"]
    );
}

#[tokio::test]
async fn no_key_sends_no_authorization() {
    let server = MockServer::start().await;
    chat_for("primary")
        .respond_with(sse(STREAM))
        .expect(1)
        .mount(&server)
        .await;
    let mut config = config(&server);
    config.api_key = None;
    let client = GroqClient::new(config).unwrap();
    let _stream = client.stream_chat("primary", &messages()).await.unwrap();
    let requests: Vec<Request> = server.received_requests().await.unwrap();
    assert!(requests[0].headers.get("authorization").is_none());
}

#[tokio::test]
async fn an_error_mid_stream_ends_it_with_an_error() {
    let server = MockServer::start().await;
    chat_for("primary")
        .respond_with(sse(STREAM_ERROR))
        .mount(&server)
        .await;
    let items = collect(
        client(&server)
            .stream_chat("primary", &messages())
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(items[0], Ok(Delta::Text("I".into())));
    assert_eq!(items[1], Ok(Delta::Text(" led".into())));
    assert!(matches!(&items[2], Err(GroqError::Transient(m)) if m.contains("Service Unavailable")));
    assert_eq!(items.len(), 3);
}

#[tokio::test]
async fn a_stream_cut_before_done_is_an_error() {
    let server = MockServer::start().await;
    chat_for("primary")
        .respond_with(sse(STREAM_CUT))
        .mount(&server)
        .await;
    let items = collect(
        client(&server)
            .stream_chat("primary", &messages())
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(items.len(), 3);
    assert!(matches!(&items[2], Err(GroqError::Transient(m)) if m.contains("ended early")));
}

#[tokio::test]
async fn malformed_events_are_reported() {
    let server = MockServer::start().await;
    chat_for("primary")
        .respond_with(sse("data: {\"choices\": [oops\n\ndata: [DONE]\n\n"))
        .mount(&server)
        .await;
    let items = collect(
        client(&server)
            .stream_chat("primary", &messages())
            .await
            .unwrap(),
    )
    .await;
    assert!(
        matches!(&items[0], Err(GroqError::Malformed(_))),
        "{items:?}"
    );
    assert_eq!(items.len(), 1);
}

#[tokio::test]
async fn statuses_map_to_errors_that_name_the_cause() {
    let server = MockServer::start().await;
    chat_for("limited")
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "3")
                .insert_header("x-ratelimit-remaining-tokens", "10")
                .insert_header("x-ratelimit-reset-tokens", "3.015s")
                .set_body_json(fixture("429")),
        )
        .mount(&server)
        .await;
    chat_for("bad-key")
        .respond_with(ResponseTemplate::new(401).set_body_json(fixture("401")))
        .mount(&server)
        .await;
    chat_for("retired")
        .respond_with(ResponseTemplate::new(404).set_body_json(fixture("404")))
        .mount(&server)
        .await;
    chat_for("long")
        .respond_with(ResponseTemplate::new(400).set_body_json(fixture("context")))
        .mount(&server)
        .await;
    chat_for("down")
        .respond_with(ResponseTemplate::new(503).set_body_string("upstream connect error"))
        .mount(&server)
        .await;
    chat_for("slow")
        .respond_with(sse(STREAM).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let client = client(&server);
    let error = |model: &'static str| {
        let client = client.clone();
        async move { client.stream_chat(model, &messages()).await.err().unwrap() }
    };

    match error("limited").await {
        GroqError::RateLimited {
            retry_after,
            limits,
        } => {
            assert_eq!(retry_after, Some(Duration::from_secs(3)));
            assert_eq!(limits.remaining_tokens, Some(10));
            assert_eq!(limits.reset_tokens, Some(Duration::from_millis(3_015)));
        }
        other => panic!("{other:?}"),
    }
    let unauthorized = error("bad-key").await;
    assert!(matches!(unauthorized, GroqError::Unauthorized(ref m) if m == "Invalid API Key"));
    for text in [
        unauthorized.to_string(),
        format!("{unauthorized:?}"),
        format!("{client:?}"),
    ] {
        assert!(!text.contains(KEY), "{text}");
    }
    let retired = error("retired").await;
    assert!(matches!(retired, GroqError::ModelNotFound { ref model, .. } if model == "retired"));
    assert!(retired.to_string().contains("\"retired\""), "{retired}");
    assert_eq!(error("long").await, GroqError::ContextTooLong);
    assert!(matches!(error("down").await, GroqError::Transient(ref m) if m.contains("503")));
    assert!(matches!(error("slow").await, GroqError::Transient(_)));

    // And onto the seam's errors.
    assert_eq!(
        ModelError::from(error("limited").await).to_string(),
        ModelError::RateLimited {
            retry_after_secs: Some(3)
        }
        .to_string()
    );
}

fn model(server: &MockServer) -> GroqModel {
    let profile = Profile::from_json(PROFILE).unwrap();
    GroqModel::new(client(server), PromptBuilder::new(&profile, 6))
}

fn request() -> AnswerRequest {
    let chunk = Chunk::new(
        Section::Summary,
        "Summary",
        "I build things.",
        Default::default(),
    );
    AnswerRequest {
        question: "Who are you?".into(),
        history: Vec::new(),
        hits: vec![Hit { chunk, score: 0.9 }],
    }
}

async fn answer_text(model: &GroqModel) -> Result<String, ModelError> {
    let mut tokens = model.answer(&request()).await?;
    let mut text = String::new();
    while let Some(token) = tokens.next().await {
        text.push_str(&token?);
    }
    Ok(text)
}

#[tokio::test]
async fn the_model_falls_back_when_the_primary_is_retired_or_limited() {
    for (status, body) in [
        (404, fixture("404")),
        (429, fixture("429")),
        (503, json!({})),
    ] {
        let server = MockServer::start().await;
        chat_for("primary")
            .respond_with(ResponseTemplate::new(status).set_body_json(body))
            .expect(1)
            .mount(&server)
            .await;
        chat_for("fallback")
            .respond_with(sse(STREAM))
            .expect(1)
            .mount(&server)
            .await;
        let model = model(&server);
        assert_eq!(model.name(), "primary");
        assert_eq!(model.models(), ["primary", "fallback"]);
        assert_eq!(
            answer_text(&model).await.unwrap(),
            "I'm a backend engineer [1]."
        );
    }
}

#[tokio::test]
async fn a_primary_that_fails_before_its_first_token_falls_back_too() {
    let server = MockServer::start().await;
    chat_for("primary")
        .respond_with(sse(
            "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"internal_server_error\"}}\n\n",
        ))
        .expect(1)
        .mount(&server)
        .await;
    chat_for("fallback")
        .respond_with(sse(STREAM))
        .expect(1)
        .mount(&server)
        .await;
    assert_eq!(
        answer_text(&model(&server)).await.unwrap(),
        "I'm a backend engineer [1]."
    );
}

#[tokio::test]
async fn a_bad_key_fails_at_once_without_trying_fallbacks() {
    let server = MockServer::start().await;
    chat_for("primary")
        .respond_with(ResponseTemplate::new(401).set_body_json(fixture("401")))
        .expect(1)
        .mount(&server)
        .await;
    chat_for("fallback")
        .respond_with(sse(STREAM))
        .expect(0)
        .mount(&server)
        .await;
    let error = answer_text(&model(&server)).await.unwrap_err();
    assert!(
        matches!(error, ModelError::Permanent(ref m) if m.contains("GROQ_API_KEY")),
        "{error}"
    );
}

#[tokio::test]
async fn when_every_model_fails_the_last_error_comes_back() {
    let server = MockServer::start().await;
    for model in ["primary", "fallback"] {
        chat_for(model)
            .respond_with(ResponseTemplate::new(429).set_body_json(fixture("429")))
            .expect(1)
            .mount(&server)
            .await;
    }
    let error = answer_text(&model(&server)).await.unwrap_err();
    assert!(matches!(error, ModelError::RateLimited { .. }), "{error}");
}

#[tokio::test]
async fn an_error_after_the_first_token_reaches_the_token_stream() {
    let server = MockServer::start().await;
    chat_for("primary")
        .respond_with(sse(STREAM_ERROR))
        .mount(&server)
        .await;
    chat_for("fallback")
        .respond_with(sse(STREAM))
        .expect(0)
        .mount(&server)
        .await;
    let model = model(&server);
    let mut tokens = model.answer(&request()).await.unwrap();
    assert_eq!(tokens.next().await.unwrap().unwrap(), "I");
    assert_eq!(tokens.next().await.unwrap().unwrap(), " led");
    assert!(matches!(
        tokens.next().await,
        Some(Err(ModelError::Transient(_)))
    ));
}

#[tokio::test]
async fn the_prompt_carries_the_fenced_context() {
    let server = MockServer::start().await;
    chat_for("primary")
        .respond_with(sse(STREAM))
        .mount(&server)
        .await;
    answer_text(&model(&server)).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let body: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    let messages = body["messages"].as_array().unwrap();
    assert_eq!(messages[0]["role"], "system");
    let user = messages.last().unwrap()["content"].as_str().unwrap();
    assert!(
        user.contains("[1] Summary") && user.contains("I build things."),
        "{user}"
    );
    assert!(user.ends_with("Visitor's question: Who are you?"), "{user}");
}

#[tokio::test]
async fn live_groq_answers_when_a_key_is_set() {
    let Ok(key) = std::env::var("GROQ_API_KEY") else {
        eprintln!("skipped: GROQ_API_KEY not set");
        return;
    };
    let client = GroqClient::new(GroqConfig::new(
        twin_groq::GROQ_BASE_URL,
        Some(Secret::new(key)),
    ))
    .unwrap();
    let model = client.config().model.clone();
    let completion = client.chat(&model, &messages()).await.unwrap();
    assert!(!completion.text.is_empty());
}
