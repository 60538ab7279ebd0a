//! Each endpoint on its happy path: what is sent, and what is understood.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use serde_json::json;
use tokio::sync::Notify;
use twin_core::Secret;
use twin_groq::{Delta, GroqClient, GroqConfig, GroqError, Usage};
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::*;

#[tokio::test]
async fn streams_tokens_in_order_with_usage() {
    let server = MockServer::start().await;
    chat_for("primary")
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(header("content-type", "application/json"))
        .and(body_partial_json(json!({
            "model": "primary",
            "messages": [
                { "role": "system", "content": "You are a twin." },
                { "role": "user", "content": "Who are you?" }
            ],
            "stream": true,
            "max_completion_tokens": 1024,
            "temperature": 0.3
        })))
        .respond_with(sse(STREAM))
        .expect(1)
        .mount(&server)
        .await;
    let stream = client(&server)
        .stream_chat("primary", &messages())
        .await
        .unwrap();
    let items = collect(stream).await;
    assert_eq!(text(&items), ANSWER);
    let deltas: Vec<Delta> = items.into_iter().map(Result::unwrap).collect();
    assert_eq!(deltas.first(), Some(&Delta::Text("I".into())));
    assert_eq!(
        deltas[deltas.len() - 2..],
        [
            Delta::Finish("stop".into()),
            Delta::Usage(Usage {
                prompt_tokens: 412,
                completion_tokens: 12,
                total_tokens: 424
            })
        ]
    );
}

#[tokio::test]
async fn the_request_body_has_exactly_the_documented_fields() {
    let server = MockServer::start().await;
    chat_for("primary")
        .respond_with(sse(STREAM))
        .mount(&server)
        .await;
    let mut config = config(&server);
    config.max_tokens = 600;
    config.temperature = 0.5;
    let client = GroqClient::new(config).unwrap();
    collect(client.stream_chat("primary", &messages()).await.unwrap()).await;
    let requests = server.received_requests().await.unwrap();
    let body: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(
        body,
        json!({
            "model": "primary",
            "messages": [
                { "role": "system", "content": "You are a twin." },
                { "role": "user", "content": "Who are you?" }
            ],
            "max_completion_tokens": 600,
            "temperature": 0.5,
            "stream": true
        })
    );
}

#[tokio::test]
async fn one_shot_chat_reads_the_completion_and_its_rate_limits() {
    let server = MockServer::start().await;
    chat_for("primary")
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(body_partial_json(json!({ "stream": false })))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-ratelimit-limit-requests", "14400")
                .insert_header("x-ratelimit-remaining-requests", "14399")
                .insert_header("x-ratelimit-reset-requests", "6s")
                .insert_header("x-ratelimit-limit-tokens", "8000")
                .insert_header("x-ratelimit-remaining-tokens", "7980")
                .insert_header("x-ratelimit-reset-tokens", "150ms")
                .set_body_json(fixture("completion")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let completion = client(&server).chat("primary", &messages()).await.unwrap();
    assert_eq!(completion.model, "openai/gpt-oss-120b");
    assert_eq!(completion.text, "OK.");
    assert_eq!(completion.finish_reason.as_deref(), Some("stop"));
    assert_eq!(
        completion.usage,
        Some(Usage {
            prompt_tokens: 18,
            completion_tokens: 2,
            total_tokens: 20
        })
    );
    let limits = completion.rate_limits;
    assert_eq!(limits.limit_requests, Some(14_400));
    assert_eq!(limits.remaining_requests, Some(14_399));
    assert_eq!(limits.reset_requests, Some(Duration::from_secs(6)));
    assert_eq!(limits.limit_tokens, Some(8_000));
    assert_eq!(limits.remaining_tokens, Some(7_980));
    assert_eq!(limits.reset_tokens, Some(Duration::from_millis(150)));
    assert_eq!(limits.retry_after, None);
}

#[tokio::test]
async fn the_model_list_is_read() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/openai/v1/models"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("models")))
        .expect(1)
        .mount(&server)
        .await;
    assert_eq!(
        client(&server).models().await.unwrap(),
        ["openai/gpt-oss-120b", "openai/gpt-oss-20b"]
    );
}

#[tokio::test]
async fn without_a_key_no_authorization_is_sent() {
    let server = MockServer::start().await;
    chat_for("primary")
        .respond_with(sse(STREAM))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/openai/v1/models"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("models")))
        .mount(&server)
        .await;
    let mut config = config(&server);
    config.api_key = None;
    // A trailing slash, as people paste it, changes nothing.
    config.base_url.push('/');
    let client = GroqClient::new(config).unwrap();
    let items = collect(client.stream_chat("primary", &messages()).await.unwrap()).await;
    assert_eq!(text(&items), ANSWER);
    client.models().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    for request in requests {
        assert!(request.headers.get("authorization").is_none());
    }
}

#[tokio::test]
async fn the_first_token_is_relayed_before_the_rest_is_sent() {
    let events = events();
    let go_on = Arc::new(Notify::new());
    // The role chunk and the first token, then nothing until the test has
    // seen that token: a client that buffered past the current event would
    // wait forever.
    let base = raw_server(vec![
        Step::Send(events[0].clone().into_bytes()),
        Step::Send(events[1].clone().into_bytes()),
        Step::WaitFor(go_on.clone()),
        Step::Send(events[2..].concat().into_bytes()),
    ])
    .await;
    let client = GroqClient::new(config_for(&base)).unwrap();
    let mut stream = client.stream_chat("primary", &messages()).await.unwrap();
    let first = tokio::time::timeout(Duration::from_secs(5), stream.next())
        .await
        .expect("the first token was held back");
    assert_eq!(first.unwrap().unwrap(), Delta::Text("I".into()));
    go_on.notify_one();
    let mut items = vec![Ok(Delta::Text("I".into()))];
    items.extend(collect(stream).await);
    assert_eq!(text(&items), ANSWER);
    assert!(items.iter().all(Result::is_ok), "{items:?}");
}

#[tokio::test]
async fn a_body_in_small_pieces_over_the_wire_decodes_the_same() {
    let pieces: Vec<Step> = STREAM
        .as_bytes()
        .chunks(97)
        .map(|piece| Step::Send(piece.to_vec()))
        .flat_map(|send| [send, Step::Pause(Duration::from_millis(2))])
        .collect();
    let base = raw_server(pieces).await;
    let client = GroqClient::new(config_for(&base)).unwrap();
    let items = collect(client.stream_chat("primary", &messages()).await.unwrap()).await;
    assert_eq!(text(&items), ANSWER);
    assert!(items.iter().all(Result::is_ok), "{items:?}");
}

#[test]
fn bad_settings_are_refused_up_front_without_echoing_the_key() {
    let config = |base: &str, key: &str| GroqConfig::new(base, Some(Secret::new(key)));
    for (base, key) in [
        ("api.groq.com/openai/v1", KEY),
        ("ftp://api.groq.com/openai/v1", KEY),
        ("https://user:pass@api.groq.com/openai/v1", KEY),
        ("https://api.groq.com/openai/v1", "gsk_with a space"),
        ("https://api.groq.com/openai/v1", "gsk_with_newline\n"),
    ] {
        let error = GroqClient::new(config(base, key)).unwrap_err();
        assert!(matches!(error, GroqError::Config(_)), "{base}: {error:?}");
        assert!(!error.to_string().contains(key.trim()), "{error}");
    }
    let client = GroqClient::new(config(twin_groq::GROQ_BASE_URL, KEY)).unwrap();
    assert!(!format!("{client:?}").contains(KEY));
    assert_eq!(client.config().model, twin_groq::DEFAULT_MODEL);
    assert_eq!(
        client.config().fallback_models,
        twin_groq::DEFAULT_FALLBACK_MODELS
    );
}
