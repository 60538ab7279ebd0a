//! [`GroqModel`] as the twin's chat model: the prompt it sends, and which
//! failures move it to the fallback model.

use futures_util::StreamExt;
use serde_json::json;
use twin_core::prompt::PromptBuilder;
use twin_core::{AnswerRequest, ChatModel, Chunk, Hit, ModelError, Profile, Section};
use twin_groq::{GroqClient, GroqModel};
use wiremock::{MockServer, ResponseTemplate};

use crate::support::*;

const PROFILE: &str = include_str!("../../../../data/digitaltwin.json");

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
async fn the_fallback_answers_when_the_primary_is_retired_limited_or_down() {
    for (status, body) in [
        (404, fixture("404")),
        (400, fixture("decommissioned")),
        (429, fixture("429")),
        (503, json!({})),
        (
            403,
            json!({ "error": { "message": "model blocked", "type": "permissions_error" } }),
        ),
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
        assert_eq!(
            answer_text(&model(&server)).await.unwrap(),
            ANSWER,
            "{status}"
        );
    }
}

#[tokio::test]
async fn a_primary_that_fails_after_a_200_but_before_a_token_falls_back() {
    let broken = [
        // An error object straight away.
        "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"internal_server_error\"}}\n\n",
        // A reasoning model that spent its whole token cap thinking.
        "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"primary\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"length\"}]}\n\ndata: [DONE]\n\n",
        // A connection that closes at once.
        "",
    ];
    for body in broken {
        let server = MockServer::start().await;
        chat_for("primary")
            .respond_with(sse(body))
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
            ANSWER,
            "{body}"
        );
    }
}

#[tokio::test]
async fn a_bad_key_fails_at_once_without_trying_the_fallback() {
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
        matches!(&error, ModelError::Permanent(m) if m.contains("API key")),
        "{error}"
    );
    assert!(!format!("{error} {error:?}").contains(KEY));
}

#[tokio::test]
async fn a_prompt_too_long_fails_at_once_without_trying_the_fallback() {
    let server = MockServer::start().await;
    chat_for("primary")
        .respond_with(ResponseTemplate::new(400).set_body_json(fixture("context")))
        .expect(1)
        .mount(&server)
        .await;
    chat_for("fallback")
        .respond_with(sse(STREAM))
        .expect(0)
        .mount(&server)
        .await;
    let error = answer_text(&model(&server)).await.unwrap_err();
    assert!(matches!(error, ModelError::ContextTooLong), "{error}");
}

#[tokio::test]
async fn when_every_model_fails_the_last_error_comes_back() {
    let server = MockServer::start().await;
    chat_for("primary")
        .respond_with(ResponseTemplate::new(404).set_body_json(fixture("404")))
        .expect(1)
        .mount(&server)
        .await;
    chat_for("fallback")
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "7")
                .set_body_json(fixture("429")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let error = answer_text(&model(&server)).await.unwrap_err();
    assert!(
        matches!(
            error,
            ModelError::RateLimited {
                retry_after_secs: Some(7)
            }
        ),
        "{error}"
    );
}

#[tokio::test]
async fn an_error_after_the_first_token_comes_through_the_token_stream() {
    let server = MockServer::start().await;
    chat_for("primary")
        .respond_with(sse(STREAM_ERROR))
        .expect(1)
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
    assert!(tokens.next().await.is_none());
}

#[tokio::test]
async fn the_token_stream_carries_text_only() {
    let server = MockServer::start().await;
    chat_for("primary")
        .respond_with(sse(STREAM))
        .mount(&server)
        .await;
    let model = model(&server);
    let tokens: Vec<_> = model.answer(&request()).await.unwrap().collect().await;
    let tokens: Vec<String> = tokens.into_iter().map(Result::unwrap).collect();
    assert_eq!(
        tokens,
        ["I", "'m", " a", " backend", " engineer", " [1]", "."]
    );
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
    assert_eq!(body["stream"], true);
    let messages = body["messages"].as_array().unwrap();
    assert_eq!(messages[0]["role"], "system");
    let user = messages.last().unwrap();
    assert_eq!(user["role"], "user");
    let content = user["content"].as_str().unwrap();
    assert!(
        content.contains("[1] Summary") && content.contains("I build things."),
        "{content}"
    );
    assert!(
        content.ends_with("Visitor's question: Who are you?"),
        "{content}"
    );
}

#[tokio::test]
async fn the_model_list_is_primary_first_without_blanks_or_repeats() {
    let server = MockServer::start().await;
    let mut config = config(&server);
    config.fallback_models = vec![
        "fallback".into(),
        " ".into(),
        "primary".into(),
        "fallback".into(),
        "third".into(),
    ];
    let profile = Profile::from_json(PROFILE).unwrap();
    let model = GroqModel::new(
        GroqClient::new(config).unwrap(),
        PromptBuilder::new(&profile, 6),
    );
    assert_eq!(model.name(), "primary");
    assert_eq!(model.models(), ["primary", "fallback", "third"]);
    assert!(!model.is_extractive());
}
