//! The protocol core, message by message, in every revision.

use serde_json::{Value, json};
use twin_core::Secret;
use twin_mcp::{McpConfig, Revision};

use crate::support::*;

#[tokio::test]
async fn initialize_echoes_each_handshake_revision() {
    let mcp = mcp();
    for version in LEGACY {
        let params = json!({
            "protocolVersion": version,
            "capabilities": {},
            "clientInfo": { "name": "test", "version": "1" },
        });
        let response = ask(&mcp, request(1, "initialize", params), None).await;
        assert_eq!(response["id"], 1);
        let result = result(&response);
        assert_eq!(result["protocolVersion"], version);
        assert_eq!(
            result["capabilities"],
            json!({ "tools": {}, "resources": {}, "prompts": {} })
        );
        assert_eq!(result["serverInfo"]["name"], "digital-twin");
        assert!(result["serverInfo"]["version"].is_string());
        // `title` exists from 2025-06-18.
        assert_eq!(
            result["serverInfo"].get("title").is_some(),
            version != "2025-03-26",
            "{version}"
        );
        assert!(
            result["instructions"]
                .as_str()
                .unwrap()
                .contains("Nadia Kowalski")
        );
        assert!(result.get("resultType").is_none());
    }
}

#[tokio::test]
async fn initialize_offers_the_latest_handshake_revision_for_any_other() {
    let mcp = mcp();
    for version in ["2024-11-05", "2099-01-01", MODERN] {
        let params = json!({ "protocolVersion": version, "capabilities": {} });
        let response = ask(&mcp, request(7, "initialize", params), None).await;
        assert_eq!(result(&response)["protocolVersion"], "2025-11-25");
    }
    let response = ask(&mcp, request(8, "initialize", json!({})), None).await;
    assert_eq!(
        error(&response),
        (-32602, "protocolVersion: must be a string".to_owned())
    );
}

#[tokio::test]
async fn notifications_and_client_responses_get_no_answer() {
    let mcp = mcp();
    for message in [
        notification("notifications/initialized"),
        notification("notifications/cancelled"),
        json!({ "jsonrpc": "2.0", "id": 3, "result": {} }),
        json!({ "jsonrpc": "2.0", "id": 4, "error": { "code": 1, "message": "no" } }),
    ] {
        assert_eq!(mcp.handle(message, None).await, None);
    }
}

#[tokio::test]
async fn ping_answers_empty_until_2026() {
    let mcp = mcp();
    for version in LEGACY {
        let response = ask(&mcp, request(1, "ping", json!({})), Some(revision(version))).await;
        assert_eq!(result(&response), &json!({}));
    }
    let response = ask(&mcp, request(1, "ping", Value::Null), None).await;
    assert_eq!(result(&response), &json!({}));
    let response = ask(&mcp, modern(2, "ping", json!({})), None).await;
    assert_eq!(
        error(&response),
        (-32601, "Method not found: ping".to_owned())
    );
}

#[tokio::test]
async fn discover_names_versions_capabilities_and_server() {
    let mcp = mcp();
    let response = ask(&mcp, modern(1, "server/discover", json!({})), None).await;
    let result = result(&response);
    assert_eq!(
        result["supportedVersions"],
        json!(["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26"])
    );
    assert_eq!(
        result["capabilities"],
        json!({ "tools": {}, "resources": {}, "prompts": {} })
    );
    assert_eq!(result["resultType"], "complete");
    assert_eq!(
        result["_meta"]["io.modelcontextprotocol/serverInfo"]["name"],
        "digital-twin"
    );
    assert_eq!(result["ttlMs"], 300_000);
    assert_eq!(result["cacheScope"], "public");
    assert!(
        result["instructions"]
            .as_str()
            .unwrap()
            .contains("ask_twin")
    );

    // With a token, shared caches are kept out.
    let guarded = mcp_with(McpConfig {
        auth_token: Some(Secret::new("s3cret")),
        ..McpConfig::default()
    });
    let response = ask(&guarded, modern(2, "server/discover", json!({})), None).await;
    assert_eq!(result_of(&response)["cacheScope"], "private");
}

fn result_of(response: &Value) -> &Value {
    result(response)
}

#[tokio::test]
async fn stateless_requests_need_the_envelope() {
    let mcp = mcp();
    // `server/discover` exists only in 2026-07-28, so it must carry `_meta`.
    let response = ask(&mcp, request(1, "server/discover", json!({})), None).await;
    let (code, message) = error(&response);
    assert_eq!(code, -32602);
    assert!(message.starts_with("params._meta"), "{message}");

    let params = json!({ "_meta": { "io.modelcontextprotocol/protocolVersion": MODERN } });
    let response = ask(&mcp, request(2, "tools/list", params), None).await;
    assert_eq!(
        error(&response),
        (
            -32602,
            "params._meta: missing required `io.modelcontextprotocol/clientCapabilities`"
                .to_owned()
        )
    );

    // The transport says 2026-07-28 but the body has no envelope.
    let response = ask(
        &mcp,
        request(3, "tools/list", json!({})),
        Some(Revision::V2026_07_28),
    )
    .await;
    assert_eq!(error(&response).0, -32602);

    let mut message = modern(4, "tools/list", json!({}));
    message["params"]["_meta"]["io.modelcontextprotocol/protocolVersion"] = json!(20260728);
    assert_eq!(error(&ask(&mcp, message, None).await).0, -32602);
}

#[tokio::test]
async fn unsupported_revisions_are_named_with_what_we_speak() {
    let mcp = mcp();
    for requested in ["1900-01-01", "2025-11-25"] {
        let mut message = modern(1, "tools/list", json!({}));
        message["params"]["_meta"] = envelope(requested);
        let response = ask(&mcp, message, None).await;
        assert_eq!(response["id"], 1);
        assert_eq!(response["error"]["code"], -32022);
        assert_eq!(response["error"]["message"], "Unsupported protocol version");
        assert_eq!(response["error"]["data"]["requested"], requested);
        assert_eq!(
            response["error"]["data"]["supported"][0], "2026-07-28",
            "{response}"
        );
    }
}

#[tokio::test]
async fn unknown_methods_are_not_found_in_every_revision() {
    let mcp = mcp();
    for version in LEGACY {
        let response = ask(
            &mcp,
            request(1, "logging/setLevel", json!({ "level": "info" })),
            Some(revision(version)),
        )
        .await;
        assert_eq!(
            error(&response),
            (-32601, "Method not found: logging/setLevel".to_owned())
        );
    }
    for method in ["subscriptions/listen", "completion/complete", "nope"] {
        let response = ask(&mcp, modern(2, method, json!({})), None).await;
        assert_eq!(error(&response).0, -32601, "{method}");
    }
}

#[tokio::test]
async fn malformed_messages_are_invalid_requests() {
    let mcp = mcp();
    for (message, id) in [
        (
            json!({ "jsonrpc": "1.0", "id": 1, "method": "ping" }),
            json!(1),
        ),
        (json!({ "id": 2, "method": "ping" }), json!(2)),
        (
            json!({ "jsonrpc": "2.0", "id": 3, "method": "ping", "params": [1] }),
            json!(3),
        ),
        (json!({ "jsonrpc": "2.0", "id": 4, "method": 5 }), json!(4)),
        (
            json!({ "jsonrpc": "2.0", "id": null, "method": "ping" }),
            Value::Null,
        ),
        (
            json!({ "jsonrpc": "2.0", "id": [1], "method": "ping" }),
            Value::Null,
        ),
        (json!(42), Value::Null),
    ] {
        let response = ask(&mcp, message.clone(), None).await;
        assert_eq!(response["jsonrpc"], "2.0");
        assert_eq!(response["id"], id, "{message}");
        assert_eq!(error(&response).0, -32600, "{message}");
    }
}

#[tokio::test]
async fn batches_are_2025_03_26_only() {
    let mcp = mcp();
    let batch = json!([
        request(1, "ping", json!({})),
        notification("notifications/initialized"),
        request(2, "tools/list", json!({})),
        request(3, "nope", json!({})),
    ]);
    let response = ask(&mcp, batch.clone(), Some(Revision::V2025_03_26)).await;
    let responses = response.as_array().unwrap();
    assert_eq!(responses.len(), 3);
    assert_eq!(responses[0]["id"], 1);
    assert_eq!(responses[1]["result"]["tools"].as_array().unwrap().len(), 3);
    assert_eq!(responses[2]["error"]["code"], -32601);
    // No transport revision reads as 2025-03-26 too.
    assert!(ask(&mcp, batch.clone(), None).await.is_array());

    let only_notifications = json!([notification("notifications/initialized")]);
    assert_eq!(mcp.handle(only_notifications, None).await, None);

    let response = ask(&mcp, json!([]), None).await;
    assert_eq!(error(&response).0, -32600);

    let with_initialize = json!([request(
        9,
        "initialize",
        json!({ "protocolVersion": "2025-03-26" })
    )]);
    let response = ask(&mcp, with_initialize, None).await;
    assert_eq!(response[0]["id"], 9);
    assert_eq!(response[0]["error"]["code"], -32600);

    for version in ["2025-06-18", "2025-11-25", MODERN] {
        let response = ask(&mcp, batch.clone(), Some(revision(version))).await;
        let (code, message) = error(&response);
        assert_eq!(code, -32600);
        assert!(message.contains(version), "{message}");
        assert_eq!(response["id"], Value::Null);
    }
}

#[tokio::test]
async fn tools_list_follows_the_revision() {
    let mcp = mcp();
    for version in LEGACY {
        let response = ask(
            &mcp,
            request(1, "tools/list", json!({})),
            Some(revision(version)),
        )
        .await;
        let result = result(&response);
        let tools = result["tools"].as_array().unwrap();
        let names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["ask_twin", "search_profile", "get_profile_section"]);
        for tool in tools {
            assert_eq!(tool["inputSchema"]["type"], "object");
            assert_eq!(tool["annotations"]["readOnlyHint"], true);
            let structured = version != "2025-03-26";
            assert_eq!(tool.get("outputSchema").is_some(), structured, "{version}");
            assert_eq!(tool.get("title").is_some(), structured, "{version}");
        }
        assert_eq!(tools[0]["inputSchema"]["required"], json!(["question"]));
        assert_eq!(
            tools[1]["inputSchema"]["properties"]["top_k"]["maximum"],
            10
        );
        assert_eq!(tools[1]["inputSchema"]["properties"]["top_k"]["default"], 5);
        let sections: Vec<&str> = twin_core::Section::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            tools[2]["inputSchema"]["properties"]["section"]["enum"],
            json!(sections)
        );
        assert!(result.get("resultType").is_none());
    }
    let response = ask(&mcp, modern(2, "tools/list", json!({})), None).await;
    let result = result(&response);
    assert_eq!(result["tools"].as_array().unwrap().len(), 3);
    assert_eq!(result["resultType"], "complete");
    assert_eq!(result["ttlMs"], 300_000);
    assert_eq!(result["cacheScope"], "public");

    let response = ask(
        &mcp,
        request(3, "tools/list", json!({ "cursor": "x" })),
        None,
    )
    .await;
    assert_eq!(error(&response).0, -32602);
}

#[tokio::test]
async fn the_profile_resource_reads_back_as_the_profile() {
    let mcp = mcp();
    let profile: Value = serde_json::from_str(PROFILE).unwrap();
    for version in LEGACY {
        let transport = Some(revision(version));
        let response = ask(&mcp, request(1, "resources/list", json!({})), transport).await;
        let resources = result(&response)["resources"].as_array().unwrap().clone();
        assert_eq!(resources.len(), 1);
        assert_eq!(resources[0]["uri"], "twin://profile");
        assert_eq!(resources[0]["mimeType"], "application/json");

        let read = request(2, "resources/read", json!({ "uri": "twin://profile" }));
        let response = ask(&mcp, read, transport).await;
        let contents = &result(&response)["contents"][0];
        assert_eq!(contents["uri"], "twin://profile");
        assert_eq!(contents["mimeType"], "application/json");
        let text: Value = serde_json::from_str(contents["text"].as_str().unwrap()).unwrap();
        assert_eq!(text["person"]["name"], profile["person"]["name"]);
        assert_eq!(text["faqs"], profile["faqs"]);

        let missing = request(3, "resources/read", json!({ "uri": "twin://nope" }));
        let response = ask(&mcp, missing, transport).await;
        assert_eq!(error(&response), (-32002, "Resource not found".to_owned()));
        assert_eq!(response["error"]["data"]["uri"], "twin://nope");
    }
    let response = ask(
        &mcp,
        modern(4, "resources/read", json!({ "uri": "twin://profile" })),
        None,
    )
    .await;
    let result = result(&response);
    assert_eq!(result["resultType"], "complete");
    assert_eq!(result["ttlMs"], 300_000);
    assert!(result["contents"][0]["text"].is_string());

    // 2026-07-28 moved "not found" to -32602.
    let response = ask(
        &mcp,
        modern(5, "resources/read", json!({ "uri": "file:///etc/passwd" })),
        None,
    )
    .await;
    assert_eq!(error(&response), (-32602, "Resource not found".to_owned()));

    let response = ask(&mcp, request(6, "resources/read", json!({})), None).await;
    assert_eq!(
        error(&response),
        (-32602, "uri: must be a string".to_owned())
    );

    let response = ask(&mcp, modern(7, "resources/templates/list", json!({})), None).await;
    assert_eq!(result_of(&response)["resourceTemplates"], json!([]));
}

#[tokio::test]
async fn the_interview_prompt_takes_a_role() {
    let mcp = mcp();
    for version in LEGACY {
        let response = ask(
            &mcp,
            request(1, "prompts/list", json!({})),
            Some(revision(version)),
        )
        .await;
        let prompts = &result(&response)["prompts"];
        assert_eq!(prompts[0]["name"], "interview_prep");
        assert_eq!(
            prompts[0]["arguments"],
            json!([{
                "name": "role",
                "description": "The role the interview is for, e.g. \"Staff Engineer, payments platform\".",
                "required": true,
            }])
        );
    }
    let response = ask(&mcp, modern(2, "prompts/list", json!({})), None).await;
    let listed = result(&response);
    assert_eq!(listed["prompts"][0]["title"], "Interview preparation");
    assert_eq!(listed["resultType"], "complete");
    assert_eq!(listed["ttlMs"], 300_000);

    let get = modern(
        2,
        "prompts/get",
        json!({ "name": "interview_prep", "arguments": { "role": "Principal Engineer, Payments" } }),
    );
    let response = ask(&mcp, get, None).await;
    let result = result(&response);
    assert_eq!(result["resultType"], "complete");
    assert!(
        result.get("ttlMs").is_none(),
        "prompts/get is not cacheable"
    );
    let message = &result["messages"][0];
    assert_eq!(message["role"], "user");
    assert_eq!(message["content"]["type"], "text");
    let text = message["content"]["text"].as_str().unwrap();
    for needle in [
        "Principal Engineer, Payments",
        "Nadia Kowalski",
        "ask_twin",
        "search_profile",
        "get_profile_section",
        "twin://profile",
    ] {
        assert!(text.contains(needle), "{needle} missing from {text}");
    }

    for (params, expect) in [
        (
            json!({ "name": "interview_prep" }),
            "role: required argument missing",
        ),
        (
            json!({ "name": "interview_prep", "arguments": { "role": "  " } }),
            "role: must not be empty",
        ),
        (
            json!({ "name": "interview_prep", "arguments": { "role": 3 } }),
            "role: must be a string",
        ),
        (
            json!({ "name": "interview_prep", "arguments": { "role": "x", "level": "y" } }),
            "level: unknown argument; expected role",
        ),
        (json!({ "name": "other" }), "Unknown prompt: other"),
        (json!({}), "name: must be a string"),
    ] {
        let response = ask(&mcp, request(3, "prompts/get", params), None).await;
        assert_eq!(error(&response), (-32602, expect.to_owned()));
    }
}
