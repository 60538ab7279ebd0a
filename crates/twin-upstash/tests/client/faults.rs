//! What goes wrong: transient failures are retried a bounded number of
//! times, everything else is reported at once, and no error ever shows the
//! token.

use std::time::{Duration, Instant};

use serde_json::json;
use twin_core::Secret;
use twin_upstash::{QueryData, UpstashClient, UpstashConfig, UpstashError, Vector};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{Script, TOKEN, authed, client, config, fixture, ok, status};

#[tokio::test]
async fn a_server_error_is_retried_then_succeeds() {
    let server = MockServer::start().await;
    authed("GET", "/info")
        .respond_with(Script::new(vec![
            ResponseTemplate::new(503).set_body_string("upstream down"),
            ok("info"),
        ]))
        .expect(2)
        .mount(&server)
        .await;
    assert_eq!(client(&server).info().await.unwrap().vector_count, 7);
}

#[tokio::test]
async fn retries_are_bounded_by_max_retries() {
    let server = MockServer::start().await;
    authed("POST", "/query-data/ns")
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({
            "error": "internal error", "status": 500
        })))
        // The first attempt and the default two retries.
        .expect(3)
        .mount(&server)
        .await;
    let started = Instant::now();
    let error = client(&server)
        .query_data("ns", &QueryData::new("q", 3))
        .await
        .unwrap_err();
    assert_eq!(
        error,
        UpstashError::Transient {
            status: Some(500),
            message: "internal error".into()
        }
    );
    assert!(error.is_transient());
    // Two pauses, each under its ceiling of 100 ms and 200 ms.
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn no_retries_when_disabled() {
    let server = MockServer::start().await;
    authed("GET", "/info")
        .respond_with(ResponseTemplate::new(502))
        .expect(1)
        .mount(&server)
        .await;
    let mut config = config(&server);
    config.max_retries = 0;
    let error = UpstashClient::new(config)
        .unwrap()
        .info()
        .await
        .unwrap_err();
    // A body that is not the error envelope: the status's reason stands in.
    assert_eq!(
        error,
        UpstashError::Transient {
            status: Some(502),
            message: "Bad Gateway".into()
        }
    );
}

#[tokio::test]
async fn a_wrong_dimension_is_rejected_and_never_retried() {
    let server = MockServer::start().await;
    authed("POST", "/upsert/ns")
        .respond_with(status(422, "wrong_dimension"))
        .expect(1)
        .mount(&server)
        .await;
    let vector = Vector {
        id: "id-0".into(),
        vector: vec![0.1, 0.2],
        sparse_vector: None,
        metadata: None,
        data: None,
    };
    let error = client(&server).upsert("ns", &[vector]).await.unwrap_err();
    assert_eq!(
        error,
        UpstashError::Rejected {
            status: 422,
            message: "Invalid vector dimension: 2, expected: 256".into()
        }
    );
    assert!(!error.is_transient());
    assert_eq!(
        error.to_string(),
        "Upstash Vector rejected the request (HTTP 422): Invalid vector dimension: 2, expected: 256"
    );
}

#[tokio::test]
async fn client_errors_are_never_retried() {
    for code in [400, 404, 405, 413, 422] {
        let server = MockServer::start().await;
        authed("POST", "/query-data/ns")
            .respond_with(ResponseTemplate::new(code).set_body_json(json!({
                "error": "nope", "status": code
            })))
            .expect(1)
            .mount(&server)
            .await;
        let error = client(&server)
            .query_data("ns", &QueryData::new("q", 3))
            .await
            .unwrap_err();
        assert!(!error.is_transient(), "{code}: {error:?}");
        assert_eq!(error.status(), Some(code));
    }
}

#[tokio::test]
async fn rate_limits_are_reported_not_retried() {
    let server = MockServer::start().await;
    authed("POST", "/query-data/ns")
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "30")
                .set_body_json(json!({
                    "error": "ERR max daily request limit exceeded", "status": 429
                })),
        )
        .expect(1)
        .mount(&server)
        .await;
    let error = client(&server)
        .query_data("ns", &QueryData::new("q", 3))
        .await
        .unwrap_err();
    assert_eq!(
        error,
        UpstashError::RateLimited {
            message: "ERR max daily request limit exceeded".into(),
            retry_after: Some(Duration::from_secs(30)),
        }
    );
    assert!(!error.is_transient());
}

#[tokio::test]
async fn a_bad_token_is_named_and_never_shown() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/info"))
        .respond_with(status(401, "unauthorized"))
        .expect(1)
        .mount(&server)
        .await;
    let config = config(&server);
    let client = UpstashClient::new(config.clone()).unwrap();
    let error = client.info().await.unwrap_err();
    assert_eq!(
        error,
        UpstashError::Unauthorized {
            status: 401,
            message: "Unauthorized: Invalid auth token".into()
        }
    );
    for text in [
        error.to_string(),
        format!("{error:?}"),
        format!("{client:?}"),
        format!("{config:?}"),
        twin_core::IndexError::from(error).to_string(),
    ] {
        assert!(!text.contains(TOKEN), "{text}");
    }
}

#[tokio::test]
async fn a_message_quoting_the_token_is_redacted() {
    let server = MockServer::start().await;
    authed("GET", "/info")
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "error": format!("token {TOKEN} is read-only"), "status": 403
        })))
        .mount(&server)
        .await;
    let error = client(&server).info().await.unwrap_err();
    assert_eq!(
        error,
        UpstashError::Unauthorized {
            status: 403,
            message: "token [redacted] is read-only".into()
        }
    );
}

#[tokio::test]
async fn timeouts_are_transient_and_retried() {
    let server = MockServer::start().await;
    authed("GET", "/info")
        .respond_with(ok("info").set_delay(Duration::from_secs(2)))
        .expect(2)
        .mount(&server)
        .await;
    let mut config = UpstashConfig::new(server.uri(), Secret::new(TOKEN));
    config.timeout = Duration::from_millis(100);
    config.max_retries = 1;
    let error = UpstashClient::new(config)
        .unwrap()
        .info()
        .await
        .unwrap_err();
    assert!(
        matches!(error, UpstashError::Transient { status: None, ref message } if message.starts_with("timed out")),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_refused_connection_is_transient() {
    // A port that was free a moment ago and has nobody listening now.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let mut config = UpstashConfig::new(url, Secret::new(TOKEN));
    config.max_retries = 1;
    let error = UpstashClient::new(config)
        .unwrap()
        .info()
        .await
        .unwrap_err();
    assert!(
        matches!(error, UpstashError::Transient { status: None, ref message } if message.starts_with("cannot connect")),
        "{error:?}"
    );
    assert!(!error.to_string().contains("127.0.0.1"), "{error}");
}

#[tokio::test]
async fn malformed_bodies_are_reported_not_retried() {
    let server = MockServer::start().await;
    authed("GET", "/info")
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"result\": {\"vectorCount\": "))
        .expect(1)
        .mount(&server)
        .await;
    authed("GET", "/list-namespaces")
        // Valid JSON, wrong shape: a result that is not a list of names.
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("info")))
        .expect(1)
        .mount(&server)
        .await;
    authed("DELETE", "/delete/ns")
        // The error envelope with a success status.
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("wrong_dimension")))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let error = client.info().await.unwrap_err();
    assert!(matches!(error, UpstashError::Malformed(_)), "{error:?}");
    let error = client.list_namespaces().await.unwrap_err();
    assert!(matches!(error, UpstashError::Malformed(_)), "{error:?}");
    let error = client
        .delete("ns", &twin_upstash::Delete::Prefix("id-".into()))
        .await
        .unwrap_err();
    assert!(matches!(error, UpstashError::Malformed(_)), "{error:?}");
}
