//! What goes wrong: each error status, timeouts, stalls and broken
//! streams, and the variant each one becomes.

use std::time::{Duration, Instant};

use twin_core::ModelError;
use twin_groq::{Delta, GroqClient, GroqError};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::*;

/// The error `stream_chat` returns when the server answers `response`.
async fn refusal(response: ResponseTemplate) -> GroqError {
    let server = MockServer::start().await;
    chat_for("primary")
        .respond_with(response)
        .mount(&server)
        .await;
    let result = client(&server).stream_chat("primary", &messages()).await;
    result.err().unwrap()
}

#[tokio::test]
async fn a_429_is_rate_limited_with_its_retry_after() {
    let error = refusal(
        ResponseTemplate::new(429)
            .insert_header("retry-after", "3")
            .insert_header("x-ratelimit-limit-tokens", "8000")
            .insert_header("x-ratelimit-remaining-tokens", "10")
            .insert_header("x-ratelimit-reset-tokens", "3.015s")
            .set_body_json(fixture("429")),
    )
    .await;
    let GroqError::RateLimited {
        retry_after,
        limits,
    } = &error
    else {
        panic!("{error:?}");
    };
    assert_eq!(*retry_after, Some(Duration::from_secs(3)));
    assert_eq!(limits.limit_tokens, Some(8_000));
    assert_eq!(limits.remaining_tokens, Some(10));
    assert_eq!(limits.reset_tokens, Some(Duration::from_millis(3_015)));
    assert!(error.is_retryable());
    assert!(error.to_string().contains("retry after 3.0 s"), "{error}");
    assert!(matches!(
        ModelError::from(error),
        ModelError::RateLimited {
            retry_after_secs: Some(3)
        }
    ));
}

#[tokio::test]
async fn a_429_without_retry_after_waits_for_the_exhausted_limit() {
    let error = refusal(
        ResponseTemplate::new(429)
            .insert_header("x-ratelimit-remaining-requests", "0")
            .insert_header("x-ratelimit-reset-requests", "2m59.56s")
            .insert_header("x-ratelimit-remaining-tokens", "5000")
            .insert_header("x-ratelimit-reset-tokens", "7.66s")
            .set_body_json(fixture("429")),
    )
    .await;
    assert!(
        matches!(error, GroqError::RateLimited { retry_after: Some(d), .. } if d == Duration::from_millis(179_560)),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_401_is_unauthorized_and_never_shows_the_key() {
    // OpenAI's 401 quotes the key it was given; nothing of it may leak.
    let echoing = serde_json::json!({
        "error": {
            "message": format!("Incorrect API key provided: {KEY}."),
            "type": "invalid_request_error",
            "code": "invalid_api_key"
        }
    });
    for body in [fixture("401"), echoing] {
        let error = refusal(ResponseTemplate::new(401).set_body_json(body)).await;
        assert_eq!(error, GroqError::Unauthorized);
        assert!(!error.is_retryable());
        let seam = ModelError::from(error.clone());
        for text in [
            error.to_string(),
            format!("{error:?}"),
            seam.to_string(),
            format!("{seam:?}"),
        ] {
            assert!(!text.contains(KEY), "{text}");
            assert!(!text.contains("0123456789"), "{text}");
        }
        assert!(error.to_string().contains("GROQ_API_KEY"), "{error}");
    }
}

#[tokio::test]
async fn a_403_is_forbidden_with_the_reason_but_not_the_key() {
    let body = serde_json::json!({
        "error": {
            "message": format!("Access denied for {KEY}: model blocked for this organization"),
            "type": "permissions_error"
        }
    });
    let error = refusal(ResponseTemplate::new(403).set_body_json(body)).await;
    let GroqError::Forbidden(message) = &error else {
        panic!("{error:?}");
    };
    assert!(message.contains("model blocked"), "{message}");
    assert!(!format!("{error} {error:?}").contains(KEY));
}

#[tokio::test]
async fn a_missing_or_retired_model_is_named() {
    for response in [
        ResponseTemplate::new(404).set_body_json(fixture("404")),
        ResponseTemplate::new(400).set_body_json(fixture("decommissioned")),
    ] {
        let error = refusal(response).await;
        assert_eq!(
            error,
            GroqError::ModelNotFound {
                model: "primary".into()
            }
        );
        assert!(error.to_string().contains("\"primary\""), "{error}");
        assert!(matches!(ModelError::from(error), ModelError::Permanent(_)));
    }
}

#[tokio::test]
async fn a_404_that_is_no_api_at_all_points_at_the_base_url() {
    let error = refusal(ResponseTemplate::new(404).set_body_string("404 page not found")).await;
    assert!(
        matches!(&error, GroqError::Config(m) if m.contains("base URL")),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_prompt_too_long_has_its_own_variant() {
    let error = refusal(ResponseTemplate::new(400).set_body_json(fixture("context"))).await;
    assert_eq!(error, GroqError::ContextTooLong);
    assert!(matches!(
        ModelError::from(error),
        ModelError::ContextTooLong
    ));
}

#[tokio::test]
async fn other_4xx_are_bad_requests() {
    let body = serde_json::json!({
        "error": {
            "message": "'messages' : minimum number of items is 1",
            "type": "invalid_request_error"
        }
    });
    let error = refusal(ResponseTemplate::new(400).set_body_json(body)).await;
    assert!(
        matches!(&error, GroqError::BadRequest(m) if m.contains("minimum number of items")),
        "{error:?}"
    );
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn server_errors_are_transient() {
    for status in [500, 502, 503] {
        let error =
            refusal(ResponseTemplate::new(status).set_body_string("upstream connect error")).await;
        assert!(
            matches!(&error, GroqError::Transient(m) if m.contains(&status.to_string())),
            "{error:?}"
        );
        assert!(error.is_retryable());
    }
}

#[tokio::test]
async fn a_server_slower_than_the_first_byte_timeout_is_transient() {
    let started = Instant::now();
    let error = refusal(sse(STREAM).set_delay(Duration::from_secs(3))).await;
    assert!(matches!(error, GroqError::Transient(_)), "{error:?}");
    // The configured 500 ms, not the server's 3 s.
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn a_refused_connection_is_transient() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = GroqClient::new(config_for(&base)).unwrap();
    let error = client.models().await.unwrap_err();
    assert!(matches!(error, GroqError::Transient(_)), "{error:?}");
}

#[tokio::test]
async fn an_error_event_mid_stream_ends_the_stream_with_it() {
    let server = MockServer::start().await;
    chat_for("primary")
        .respond_with(sse(STREAM_ERROR))
        .mount(&server)
        .await;
    let stream = client(&server)
        .stream_chat("primary", &messages())
        .await
        .unwrap();
    let items = collect(stream).await;
    assert_eq!(
        items[..2],
        [Ok(Delta::Text("I".into())), Ok(Delta::Text(" led".into()))]
    );
    assert!(
        matches!(&items[2], Err(GroqError::Transient(m)) if m.contains("Service Unavailable")),
        "{items:?}"
    );
    assert_eq!(items.len(), 3);
}

#[tokio::test]
async fn a_stream_cut_before_done_ends_with_a_transient_error() {
    let server = MockServer::start().await;
    chat_for("primary")
        .respond_with(sse(STREAM_CUT))
        .mount(&server)
        .await;
    let stream = client(&server)
        .stream_chat("primary", &messages())
        .await
        .unwrap();
    let items = collect(stream).await;
    assert_eq!(text(&items), "I led");
    assert!(
        matches!(items.last(), Some(Err(GroqError::Transient(_)))),
        "{items:?}"
    );
}

#[tokio::test]
async fn a_stream_that_stalls_past_the_idle_timeout_ends_with_a_transient_error() {
    let events = events();
    let base = raw_server(vec![
        Step::Send(events[..2].concat().into_bytes()),
        Step::Pause(Duration::from_secs(3)),
        Step::Send(events[2..].concat().into_bytes()),
    ])
    .await;
    let client = GroqClient::new(config_for(&base)).unwrap();
    let started = Instant::now();
    let items = collect(client.stream_chat("primary", &messages()).await.unwrap()).await;
    assert_eq!(items[0], Ok(Delta::Text("I".into())));
    assert!(
        matches!(&items[1], Err(GroqError::Transient(m)) if m.contains("stalled")),
        "{items:?}"
    );
    assert_eq!(items.len(), 2);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn a_malformed_completion_or_model_list_is_reported() {
    let server = MockServer::start().await;
    chat_for("primary")
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>hello</html>"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/openai/v1/models"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({ "models": [] })))
        .mount(&server)
        .await;
    let client = client(&server);
    let error = client.chat("primary", &messages()).await.unwrap_err();
    assert!(matches!(error, GroqError::Malformed(_)), "{error:?}");
    let error = client.models().await.unwrap_err();
    assert!(matches!(error, GroqError::Malformed(_)), "{error:?}");
}
