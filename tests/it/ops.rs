//! The operations commands against the real binary: `twin check` probing a
//! running `twin serve`, `twin mcp` over stdio, and the per-address rate
//! limit keyed on the TCP peer.

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

use serde_json::{Value, json};

use crate::support::{Server, twin};

#[test]
fn check_passes_against_a_healthy_twin() {
    let server = Server::start();
    let output = twin()
        .args(["check", &server.url, "--json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(output.status.success(), "{report:#}");
    assert_eq!(report["ok"], true);
    let names: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["health", "chat", "mcp"]);
    assert!(
        report["checks"][2]["detail"]
            .as_str()
            .unwrap()
            .contains("search_profile")
    );
}

#[test]
fn check_fails_with_a_clear_report() {
    let server = Server::start();
    let output = twin()
        .args([
            "check",
            &server.url,
            "--question",
            "What do you do at Sternhaul?",
            "--expect",
            "a fact the profile does not hold",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("FAIL chat") && text.contains("does not mention"),
        "{text}"
    );
    assert!(text.contains("the twin is NOT healthy"), "{text}");

    // Nothing listening: every step fails, none panics.
    let output = twin()
        .args([
            "check",
            "http://127.0.0.1:9",
            "--json",
            "--budget-ms",
            "500",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["ok"], false);
    assert!(
        report["checks"][0]["detail"]
            .as_str()
            .unwrap()
            .starts_with("no answer")
    );

    let output = twin().args(["check", "example.com"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("expected a URL"),
        "{output:?}"
    );
}

#[test]
fn mcp_speaks_json_rpc_over_stdio() {
    let mut child = twin()
        .arg("mcp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut ask = |message: Value| -> Value {
        writeln!(stdin, "{message}").unwrap();
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        serde_json::from_str(&line).unwrap()
    };
    let init = ask(json!({
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "it", "version": "0"}
        }
    }));
    assert_eq!(init["result"]["protocolVersion"], "2025-06-18");
    let found = ask(json!({
        "jsonrpc": "2.0", "id": 2, "method": "tools/call",
        "params": {"name": "search_profile", "arguments": {"query": "Rust", "top_k": 3}}
    }));
    let results = &found["result"]["structuredContent"]["results"];
    assert!(!results.as_array().unwrap().is_empty(), "{found:#}");
    drop(stdin);
    assert!(
        child.wait().unwrap().success(),
        "stdin closed: a clean exit"
    );
}

#[tokio::test]
async fn serve_limits_each_address() {
    let server = Server::start_with(&[("TWIN_RATE_LIMIT_PER_MIN", "3")]);
    let http = reqwest::Client::new();
    let ask = || {
        http.post(format!("{}/api/chat", server.url))
            .json(&json!({ "message": "Where do you live?" }))
            .send()
    };
    assert_eq!(ask().await.unwrap().status(), 200);
    let refused = ask().await.unwrap();
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
}
