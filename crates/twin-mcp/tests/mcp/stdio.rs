//! The stdio loop over an in-memory duplex, as `twin mcp` runs it.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream};
use tokio::task::JoinHandle;
use twin_core::{ChatModel, ExtractiveComposer, VectorIndex};
use twin_mcp::{Mcp, McpConfig, serve_stdio};

use crate::support::*;

/// A client end: write lines to the server, read its lines back.
struct Client {
    writer: tokio::io::WriteHalf<DuplexStream>,
    reader: BufReader<tokio::io::ReadHalf<DuplexStream>>,
    server: JoinHandle<std::io::Result<()>>,
}

impl Client {
    fn start<I, M>(mcp: Arc<Mcp<I, M>>) -> Client
    where
        I: VectorIndex + 'static,
        M: ChatModel + 'static,
    {
        let (client, server) = tokio::io::duplex(64 * 1024);
        let (server_read, server_write) = tokio::io::split(server);
        let server = tokio::spawn(async move {
            serve_stdio(&mcp, BufReader::new(server_read), server_write).await
        });
        let (read, writer) = tokio::io::split(client);
        Client {
            writer,
            reader: BufReader::new(read),
            server,
        }
    }

    async fn send_raw(&mut self, line: &str) {
        self.writer.write_all(line.as_bytes()).await.unwrap();
        self.writer.write_all(b"\n").await.unwrap();
    }

    async fn send(&mut self, message: &Value) {
        self.send_raw(&message.to_string()).await;
    }

    async fn receive(&mut self) -> Value {
        let mut line = String::new();
        let read = tokio::time::timeout(Duration::from_secs(10), self.reader.read_line(&mut line))
            .await
            .expect("a response within 10 s")
            .unwrap();
        assert!(read > 0, "the server closed its output");
        assert!(line.ends_with('\n'));
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
    }

    async fn exchange(&mut self, message: &Value) -> Value {
        self.send(message).await;
        self.receive().await
    }

    /// Closes the input, checks the server stops, and returns what it still
    /// wrote.
    async fn finish(mut self) -> Vec<Value> {
        self.writer.shutdown().await.unwrap();
        drop(self.writer);
        let result = tokio::time::timeout(Duration::from_secs(10), self.server)
            .await
            .expect("the server stops when its input closes")
            .unwrap();
        assert!(result.is_ok());
        let mut rest = Vec::new();
        let mut line = String::new();
        while self.reader.read_line(&mut line).await.unwrap() > 0 {
            rest.push(serde_json::from_str(&line).unwrap());
            line.clear();
        }
        rest
    }
}

#[tokio::test]
async fn a_handshake_session_over_stdio() {
    let mut client = Client::start(mcp());
    let response = client
        .exchange(&request(
            1,
            "initialize",
            json!({ "protocolVersion": "2025-06-18", "capabilities": {} }),
        ))
        .await;
    assert_eq!(response["result"]["protocolVersion"], "2025-06-18");
    client
        .send(&notification("notifications/initialized"))
        .await;
    let response = client.exchange(&request(2, "ping", json!({}))).await;
    assert_eq!(response, json!({ "jsonrpc": "2.0", "id": 2, "result": {} }));

    // The negotiated revision applies: 2025-06-18 lists output schemas and
    // answers bad arguments with -32602.
    let response = client.exchange(&request(3, "tools/list", json!({}))).await;
    assert!(response["result"]["tools"][0]["outputSchema"].is_object());
    let response = client
        .exchange(&request(
            4,
            "tools/call",
            json!({ "name": "search_profile", "arguments": { "query": "Go", "top_k": 99 } }),
        ))
        .await;
    assert_eq!(response["error"]["code"], -32602);
    assert_eq!(
        response["error"]["message"],
        "top_k: must be between 1 and 10"
    );

    let response = client
        .exchange(&request(
            5,
            "tools/call",
            json!({ "name": "ask_twin", "arguments": { "question": "Which certifications do you have?" } }),
        ))
        .await;
    let output = &response["result"]["structuredContent"];
    assert_eq!(output["covered"], true);
    assert!(
        output["answer"].as_str().unwrap().contains("Kubernetes"),
        "{output}"
    );

    let response = client
        .exchange(&request(
            6,
            "resources/read",
            json!({ "uri": "twin://profile" }),
        ))
        .await;
    assert!(
        response["result"]["contents"][0]["text"]
            .as_str()
            .unwrap()
            .starts_with('{')
    );
    let response = client
        .exchange(&request(
            7,
            "prompts/get",
            json!({ "name": "interview_prep", "arguments": { "role": "SRE" } }),
        ))
        .await;
    assert_eq!(response["result"]["messages"][0]["role"], "user");
    assert!(client.finish().await.is_empty());
}

#[tokio::test]
async fn the_handshake_revision_decides_later_messages() {
    let mut client = Client::start(mcp());
    client
        .exchange(&request(
            1,
            "initialize",
            json!({ "protocolVersion": "2025-11-25" }),
        ))
        .await;
    let response = client
        .exchange(&request(
            2,
            "tools/call",
            json!({ "name": "search_profile", "arguments": { "query": "Go", "top_k": 99 } }),
        ))
        .await;
    assert_eq!(response["result"]["isError"], true);

    let mut client = Client::start(mcp());
    client
        .exchange(&request(
            1,
            "initialize",
            json!({ "protocolVersion": "2025-03-26" }),
        ))
        .await;
    let response = client.exchange(&request(2, "tools/list", json!({}))).await;
    assert!(response["result"]["tools"][0].get("outputSchema").is_none());
    let response = client
        .exchange(&json!([
            request(3, "ping", json!({})),
            request(4, "ping", json!({}))
        ]))
        .await;
    assert_eq!(response.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_stateless_client_over_stdio() {
    let mut client = Client::start(mcp());
    // The dual-era probe.
    let response = client
        .exchange(&modern(1, "server/discover", json!({})))
        .await;
    assert_eq!(response["result"]["supportedVersions"][0], MODERN);
    assert_eq!(response["result"]["resultType"], "complete");
    let response = client
        .exchange(&modern(
            2,
            "tools/call",
            json!({ "name": "get_profile_section", "arguments": { "section": "education" } }),
        ))
        .await;
    assert!(response["result"]["structuredContent"]["content"].is_array());
    let response = client.exchange(&modern(3, "ping", json!({}))).await;
    assert_eq!(response["error"]["code"], -32601);
    let mut unsupported = modern(4, "tools/list", json!({}));
    unsupported["params"]["_meta"] = envelope("2099-01-01");
    let response = client.exchange(&unsupported).await;
    assert_eq!(response["error"]["code"], -32022);
}

#[tokio::test]
async fn bad_lines_get_errors_and_blank_lines_nothing() {
    let config = McpConfig {
        max_body_bytes: 1_000,
        ..McpConfig::default()
    };
    let mut client = Client::start(mcp_with(config));
    client.send_raw("").await;
    client.send_raw("   ").await;
    client.send_raw("{not json").await;
    let response = client.receive().await;
    assert_eq!(response["id"], Value::Null);
    assert_eq!(response["error"]["code"], -32700);

    client.send_raw(&format!("\"{}\"", "x".repeat(5_000))).await;
    let response = client.receive().await;
    assert_eq!(response["error"]["code"], -32600);
    assert!(
        response["error"]["message"]
            .as_str()
            .unwrap()
            .contains("1000 bytes")
    );

    // The loop goes on after both.
    let response = client.exchange(&request(9, "ping", json!({}))).await;
    assert_eq!(response["id"], 9);
}

#[tokio::test]
async fn requests_run_concurrently_and_can_be_cancelled() {
    let mut client = Client::start(mcp_over(StuckIndex, ExtractiveComposer::new(&profile())));
    client
        .send(&request(
            1,
            "tools/call",
            json!({ "name": "search_profile", "arguments": { "query": "Kafka" } }),
        ))
        .await;
    // The stuck search does not hold up a ping.
    let response = client.exchange(&request(2, "ping", json!({}))).await;
    assert_eq!(response["id"], 2);
    client
        .send(&json!({
            "jsonrpc": "2.0",
            "method": "notifications/cancelled",
            "params": { "requestId": 1, "reason": "user gave up" },
        }))
        .await;
    let response = client.exchange(&request(3, "ping", json!({}))).await;
    assert_eq!(response["id"], 3);
    // Nothing is ever sent for the cancelled request, and the server stops
    // once its input closes.
    assert!(client.finish().await.is_empty());
}

#[tokio::test]
async fn requests_in_flight_finish_after_the_input_closes() {
    let mut client = Client::start(mcp());
    client
        .send(&request(
            1,
            "tools/call",
            json!({ "name": "ask_twin", "arguments": { "question": "What are your hobbies?" } }),
        ))
        .await;
    let rest = client.finish().await;
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0]["id"], 1);
    assert_eq!(rest[0]["result"]["isError"], false);
}
