//! The Streamable HTTP endpoint: statuses, headers, both eras.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};
use twin_core::Secret;
use twin_mcp::{McpConfig, PATH, endpoint, router};

use crate::support::*;

fn app() -> Router {
    router(mcp())
}

fn app_with(config: McpConfig) -> Router {
    router(mcp_with(config))
}

fn initialize(version: &str) -> Value {
    request(
        1,
        "initialize",
        json!({ "protocolVersion": version, "capabilities": {}, "clientInfo": { "name": "t", "version": "1" } }),
    )
}

#[tokio::test]
async fn a_handshake_session_runs_without_a_session_id() {
    for version in LEGACY {
        let message = initialize(version);
        let reply = send(app(), post(&message).body(body(&message)).unwrap()).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.header("content-type"), "application/json");
        assert_eq!(reply.header("mcp-session-id"), "");
        assert_eq!(reply.json()["result"]["protocolVersion"], version);

        let message = notification("notifications/initialized");
        let reply = send(
            app(),
            post(&message)
                .header("mcp-protocol-version", version)
                .body(body(&message))
                .unwrap(),
        )
        .await;
        assert_eq!(reply.status, StatusCode::ACCEPTED);
        assert!(reply.body.is_empty());

        let message = request(
            2,
            "tools/call",
            json!({ "name": "search_profile", "arguments": { "query": "Kafka" } }),
        );
        let reply = send(
            app(),
            post(&message)
                .header("mcp-protocol-version", version)
                // A session id from elsewhere is ignored, never echoed.
                .header("mcp-session-id", "abc")
                .body(body(&message))
                .unwrap(),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.header("mcp-session-id"), "");
        let result = &reply.json()["result"];
        assert_eq!(result["isError"], false);
        assert!(!tool_text(result)["results"].as_array().unwrap().is_empty());
    }
}

#[tokio::test]
async fn legacy_errors_travel_with_200() {
    let message = request(1, "nope", json!({}));
    let reply = send(
        app(),
        post(&message)
            .header("mcp-protocol-version", "2025-06-18")
            .body(body(&message))
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.error().0, -32601);

    let message = request(2, "tools/call", json!({ "name": "nope" }));
    let reply = send(
        app(),
        post(&message)
            .header("mcp-protocol-version", "2025-11-25")
            .body(body(&message))
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.error(), (-32602, "Unknown tool: nope".to_owned()));
}

#[tokio::test]
async fn an_unsupported_protocol_version_header_is_400() {
    let message = request(1, "tools/list", json!({}));
    let reply = send(
        app(),
        post(&message)
            .header("mcp-protocol-version", "2024-11-05")
            .body(body(&message))
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let json = reply.json();
    assert_eq!(json["id"], 1);
    assert_eq!(json["error"]["code"], -32022);
    assert_eq!(json["error"]["data"]["requested"], "2024-11-05");
    assert_eq!(
        json["error"]["data"]["supported"],
        json!(["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26"])
    );

    // `initialize` precedes any agreement, so its header is not judged.
    let init = initialize("2025-06-18");
    let reply = send(
        app(),
        post(&init)
            .header("mcp-protocol-version", "2024-11-05")
            .body(body(&init))
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["result"]["protocolVersion"], "2025-06-18");

    let reply = send(
        app(),
        post(&message)
            .header("mcp-protocol-version", "2025-06-18")
            .header("mcp-protocol-version", "2025-06-18")
            .body(body(&message))
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.error().0, -32020);
}

#[tokio::test]
async fn get_and_delete_are_not_allowed() {
    for method in ["GET", "DELETE", "PUT"] {
        let request = Request::builder()
            .method(method)
            .uri(PATH)
            .header("host", "localhost")
            .body(Body::empty())
            .unwrap();
        let reply = send(app(), request).await;
        assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
        assert_eq!(reply.header("allow"), "POST");
        assert_eq!(reply.json()["id"], Value::Null);
        assert_eq!(reply.error().0, -32600);
    }
}

#[tokio::test]
async fn origins_outside_the_allowlist_are_forbidden() {
    let message = request(1, "ping", json!({}));
    let reply = send(
        app(),
        post(&message)
            .header("origin", "https://evil.example")
            .body(body(&message))
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.header("content-type"), "application/json");
    assert_eq!(reply.json()["id"], Value::Null);

    // Refused before the method is even looked at.
    let request = Request::get(PATH)
        .header("host", "localhost")
        .header("origin", "null")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(app(), request).await.status, StatusCode::FORBIDDEN);

    for origin in ["http://localhost:6274", "https://twin.example.dev"] {
        let config = McpConfig {
            allowed_origins: vec![
                "http://localhost:*".into(),
                "https://twin.example.dev".into(),
            ],
            ..McpConfig::default()
        };
        let reply = send(
            app_with(config),
            post(&message)
                .header("origin", origin)
                .body(body(&message))
                .unwrap(),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{origin}");
    }
}

#[tokio::test]
async fn hosts_outside_the_allowlist_are_misdirected() {
    let message = request(1, "ping", json!({}));
    for host in ["evil.example", "localhost.evil.example:3000"] {
        let request = Request::post(PATH)
            .header("host", host)
            .header("content-type", "application/json")
            .body(body(&message))
            .unwrap();
        let reply = send(app(), request).await;
        assert_eq!(reply.status, StatusCode::MISDIRECTED_REQUEST, "{host}");
        assert_eq!(reply.error().0, -32600);
    }
    let no_host = Request::post(PATH)
        .header("content-type", "application/json")
        .body(body(&message))
        .unwrap();
    assert_eq!(
        send(app(), no_host).await.status,
        StatusCode::MISDIRECTED_REQUEST
    );

    let config = McpConfig {
        allowed_hosts: vec!["localhost:*".into(), "twin.example.dev".into()],
        ..McpConfig::default()
    };
    for host in ["twin.example.dev", "127.0.0.1:3000"] {
        let request = Request::post(PATH)
            .header("host", host)
            .header("content-type", "application/json")
            .body(body(&message))
            .unwrap();
        let status = send(app_with(config.clone()), request).await.status;
        let expect = if host == "twin.example.dev" {
            StatusCode::OK
        } else {
            StatusCode::MISDIRECTED_REQUEST
        };
        assert_eq!(status, expect, "{host}");
    }
}

#[tokio::test]
async fn a_configured_token_is_required() {
    let token = "tok_9f8e7d6c5b4a";
    let config = McpConfig {
        auth_token: Some(Secret::new(token)),
        ..McpConfig::default()
    };
    assert!(!format!("{config:?}").contains(token));
    let message = request(1, "ping", json!({}));
    for authorization in [
        None,
        Some("Bearer wrong"),
        Some("Basic dG9rOng="),
        Some("Bearer"),
    ] {
        let mut builder = post(&message);
        if let Some(value) = authorization {
            builder = builder.header("authorization", value);
        }
        let reply = send(
            app_with(config.clone()),
            builder.body(body(&message)).unwrap(),
        )
        .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{authorization:?}");
        assert_eq!(reply.header("www-authenticate"), "Bearer");
        assert!(!String::from_utf8_lossy(&reply.body).contains(token));
    }
    let reply = send(
        app_with(config.clone()),
        post(&message)
            .header("authorization", format!("bearer {token}"))
            .body(body(&message))
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["result"], json!({}));
}

#[tokio::test]
async fn oversize_bodies_are_413() {
    let config = McpConfig {
        max_body_bytes: 256,
        ..McpConfig::default()
    };
    let question = "x".repeat(400);
    let message = request(
        1,
        "tools/call",
        json!({ "name": "ask_twin", "arguments": { "question": question } }),
    );
    // With a Content-Length, and streamed without one.
    let reply = send(
        app_with(config.clone()),
        post(&message).body(body(&message)).unwrap(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(reply.error().0, -32600);
    let chunks: Vec<Result<String, std::io::Error>> = vec![
        Ok(message.to_string()[..200].to_owned()),
        Ok(message.to_string()[200..].to_owned()),
    ];
    let streamed = Request::post(PATH)
        .header("host", "localhost")
        .header("content-type", "application/json")
        .body(Body::from_stream(futures_util::stream::iter(chunks)))
        .unwrap();
    assert_eq!(
        send(app_with(config), streamed).await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );
}

/// A POST with its own `Accept` header.
fn accepting(message: &Value, accept: &str) -> Request<Body> {
    Request::post(PATH)
        .header("host", "localhost")
        .header("content-type", "application/json")
        .header("accept", accept)
        .body(body(message))
        .unwrap()
}

#[tokio::test]
async fn accept_and_content_type_are_negotiated() {
    let message = request(1, "ping", json!({}));
    let sse = send(app(), accepting(&message, "text/event-stream")).await;
    assert_eq!(sse.status, StatusCode::OK);
    assert_eq!(sse.header("content-type"), "text/event-stream");
    assert_eq!(sse.header("x-accel-buffering"), "no");
    let text = String::from_utf8(sse.body.clone()).unwrap();
    let data = text
        .strip_prefix("event: message\ndata: ")
        .and_then(|rest| rest.strip_suffix("\n\n"))
        .unwrap_or_else(|| panic!("not one SSE event: {text:?}"));
    let event: Value = serde_json::from_str(data).unwrap();
    assert_eq!(event, json!({ "jsonrpc": "2.0", "id": 1, "result": {} }));

    let no_accept = Request::post(PATH)
        .header("host", "localhost")
        .header("content-type", "application/json")
        .body(body(&message))
        .unwrap();
    let reply = send(app(), no_accept).await;
    assert_eq!(reply.header("content-type"), "application/json");

    let reply = send(app(), accepting(&message, "text/html")).await;
    assert_eq!(reply.status, StatusCode::NOT_ACCEPTABLE);
    let reply = send(app(), accepting(&message, "application/json")).await;
    assert_eq!(reply.header("content-type"), "application/json");

    for (content_type, expect) in [
        (Some("text/plain"), StatusCode::UNSUPPORTED_MEDIA_TYPE),
        (None, StatusCode::UNSUPPORTED_MEDIA_TYPE),
        (Some("application/json; charset=utf-8"), StatusCode::OK),
        (Some("Application/JSON"), StatusCode::OK),
    ] {
        let mut builder = Request::post(PATH).header("host", "localhost");
        if let Some(value) = content_type {
            builder = builder.header("content-type", value);
        }
        let reply = send(app(), builder.body(body(&message)).unwrap()).await;
        assert_eq!(reply.status, expect, "{content_type:?}");
    }
}

#[tokio::test]
async fn bad_json_is_a_400_parse_error() {
    let request = Request::post(PATH)
        .header("host", "localhost")
        .header("content-type", "application/json")
        .body(Body::from("{\"jsonrpc\": \"2.0\", "))
        .unwrap();
    let reply = send(app(), request).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json()["id"], Value::Null);
    assert_eq!(reply.error().0, -32700);

    let message = json!({ "jsonrpc": "2.0", "id": 5, "method": 1 });
    let reply = send(app(), post(&message).body(body(&message)).unwrap()).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json()["id"], 5);
    assert_eq!(reply.error().0, -32600);

    let message = json!("ping");
    let reply = send(app(), post(&message).body(body(&message)).unwrap()).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn batches_only_without_a_later_revision() {
    let batch = json!([
        request(1, "ping", json!({})),
        request(2, "tools/list", json!({}))
    ]);
    for header in [None, Some("2025-03-26")] {
        let mut builder = post(&batch);
        if let Some(version) = header {
            builder = builder.header("mcp-protocol-version", version);
        }
        let reply = send(app(), builder.body(body(&batch)).unwrap()).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.json().as_array().unwrap().len(), 2);
    }
    let notifications = json!([notification("notifications/initialized")]);
    let reply = send(
        app(),
        post(&notifications).body(body(&notifications)).unwrap(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED);

    for version in ["2025-06-18", "2025-11-25", MODERN] {
        let reply = send(
            app(),
            post(&batch)
                .header("mcp-protocol-version", version)
                .body(body(&batch))
                .unwrap(),
        )
        .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{version}");
        assert_eq!(reply.error().0, -32600);
    }
}

#[tokio::test]
async fn stateless_requests_succeed_with_matching_headers() {
    let reply = send(app(), modern_post(1, "server/discover", json!({}))).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["result"]["supportedVersions"][0], MODERN);

    let reply = send(
        app(),
        modern_post(
            2,
            "tools/call",
            json!({ "name": "ask_twin", "arguments": { "question": "Where did you study?" } }),
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    let result = &reply.json()["result"];
    assert_eq!(result["resultType"], "complete");
    assert_eq!(result["structuredContent"]["covered"], true);

    let reply = send(
        app(),
        modern_post(3, "resources/read", json!({ "uri": "twin://profile" })),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);

    // A tool execution error is still a 200.
    let reply = send(
        app(),
        modern_post(
            4,
            "tools/call",
            json!({ "name": "search_profile", "arguments": { "query": "x", "top_k": 50 } }),
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["result"]["isError"], true);
}

/// A 2026-07-28 POST with the given headers (name, value), for header tests.
fn modern_with(message: &Value, headers: &[(&str, &str)]) -> Request<Body> {
    let mut builder = post(message);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(body(message)).unwrap()
}

#[tokio::test]
async fn stateless_headers_must_match_the_body() {
    let list = modern(1, "tools/list", json!({}));
    let call = modern(
        2,
        "tools/call",
        json!({ "name": "search_profile", "arguments": { "query": "Kafka" } }),
    );
    let v = ("mcp-protocol-version", MODERN);
    let cases: Vec<(&Value, Vec<(&str, &str)>)> = vec![
        // No MCP-Protocol-Version at all.
        (&list, vec![("mcp-method", "tools/list")]),
        // No Mcp-Method.
        (&list, vec![v]),
        (&list, vec![v, ("mcp-method", "prompts/list")]),
        (
            &list,
            vec![
                ("mcp-protocol-version", "2025-11-25"),
                ("mcp-method", "tools/list"),
            ],
        ),
        (&call, vec![v, ("mcp-method", "tools/call")]),
        (
            &call,
            vec![v, ("mcp-method", "tools/call"), ("mcp-name", "ask_twin")],
        ),
        (
            &call,
            vec![
                v,
                ("mcp-method", "tools/call"),
                ("mcp-name", "=?base64?!!!?="),
            ],
        ),
        (
            &list,
            vec![
                v,
                ("mcp-method", "tools/list"),
                ("mcp-method", "tools/list"),
            ],
        ),
    ];
    for (message, headers) in cases {
        let reply = send(app(), modern_with(message, &headers)).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{headers:?}");
        assert_eq!(reply.json()["id"], message["id"]);
        let (code, text) = reply.error();
        assert_eq!(code, -32020, "{headers:?}: {text}");
    }

    // Mcp-Name may arrive Base64-encoded.
    let encoded = "=?base64?c2VhcmNoX3Byb2ZpbGU=?=";
    let reply = send(
        app(),
        modern_with(
            &call,
            &[v, ("mcp-method", "tools/call"), ("mcp-name", encoded)],
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn stateless_errors_take_http_statuses() {
    // The header says 2026-07-28 but the body has no envelope.
    let bare = request(1, "tools/list", json!({}));
    let reply = send(
        app(),
        modern_with(
            &bare,
            &[
                ("mcp-protocol-version", MODERN),
                ("mcp-method", "tools/list"),
            ],
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.error().0, -32602);

    let reply = send(app(), modern_post(2, "nope", json!({}))).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.error(), (-32601, "Method not found: nope".to_owned()));

    let reply = send(
        app(),
        modern_post(3, "tools/call", json!({ "name": "nope" })),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.error(), (-32602, "Unknown tool: nope".to_owned()));

    let reply = send(
        app(),
        modern_post(4, "resources/read", json!({ "uri": "twin://nope" })),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.error(), (-32602, "Resource not found".to_owned()));

    // A revision we do not speak, in both header and body.
    let mut message = modern(5, "tools/list", json!({}));
    message["params"]["_meta"] = envelope("2030-01-01");
    let reply = send(
        app(),
        modern_with(
            &message,
            &[
                ("mcp-protocol-version", "2030-01-01"),
                ("mcp-method", "tools/list"),
            ],
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.error().0, -32022);
}

#[tokio::test]
async fn notifications_and_responses_are_accepted_with_202() {
    let cancelled = json!({ "jsonrpc": "2.0", "method": "notifications/cancelled", "params": { "requestId": 1 } });
    let response = json!({ "jsonrpc": "2.0", "id": 1, "result": {} });
    for (message, header) in [
        (&cancelled, None),
        (&cancelled, Some(MODERN)),
        (&response, None),
        (&response, Some("2025-11-25")),
    ] {
        let mut builder = post(message);
        if let Some(version) = header {
            builder = builder.header("mcp-protocol-version", version);
        }
        let reply = send(app(), builder.body(body(message)).unwrap()).await;
        assert_eq!(reply.status, StatusCode::ACCEPTED, "{message} {header:?}");
        assert!(reply.body.is_empty());
    }
    // 2026-07-28 clients must not send responses.
    let reply = send(
        app(),
        post(&response)
            .header("mcp-protocol-version", MODERN)
            .body(body(&response))
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.error().0, -32600);
}

#[tokio::test]
async fn the_endpoint_mounts_in_any_app() {
    #[derive(Clone)]
    struct AppState;
    let app: Router = Router::new()
        .route("/elsewhere/mcp", endpoint(mcp()))
        .with_state(AppState);
    let message = request(1, "ping", json!({}));
    let request = Request::post("/elsewhere/mcp")
        .header("host", "127.0.0.1:8080")
        .header("content-type", "application/json")
        .body(body(&message))
        .unwrap();
    let reply = send(app, request).await;
    assert_eq!(reply.status, StatusCode::OK);
}
