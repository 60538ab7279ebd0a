//! Shared helpers: fixtures, a client pointed at a loopback server, and a
//! raw HTTP server for what wiremock cannot do (send a body in timed
//! pieces, or stall halfway).

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use twin_core::Secret;
use twin_core::prompt::{Message, MessageRole};
use twin_groq::{CompletionStream, Delta, GroqClient, GroqConfig, GroqError};
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockBuilder, MockServer, ResponseTemplate};

/// A key shaped like Groq's, to check it never leaks.
pub const KEY: &str = "gsk_test_0123456789abcdefSECRET";

/// The documented streamed answer, and its text.
pub const STREAM: &str = include_str!("../data/stream.txt");
pub const ANSWER: &str = "I'm a backend engineer [1].";
/// The same stream, broken by an error object after two tokens.
pub const STREAM_ERROR: &str = include_str!("../data/stream_error.txt");
/// The same stream, cut after two tokens.
pub const STREAM_CUT: &str = include_str!("../data/stream_cut.txt");

/// A JSON fixture from `tests/data/`.
pub fn fixture(name: &str) -> serde_json::Value {
    let text = match name {
        "completion" => include_str!("../data/completion.json"),
        "models" => include_str!("../data/models.json"),
        "401" => include_str!("../data/error_401.json"),
        "404" => include_str!("../data/error_404.json"),
        "429" => include_str!("../data/error_429.json"),
        "context" => include_str!("../data/error_context.json"),
        "decommissioned" => include_str!("../data/error_decommissioned.json"),
        other => panic!("no fixture {other}"),
    };
    serde_json::from_str(text).unwrap()
}

/// Groq's path layout under the mock server, with short timeouts.
pub fn config_for(base: &str) -> GroqConfig {
    let mut config = GroqConfig::new(format!("{base}/openai/v1"), Some(Secret::new(KEY)));
    config.model = "primary".into();
    config.fallback_models = vec!["fallback".into()];
    config.first_byte_timeout = Duration::from_millis(500);
    config.idle_timeout = Duration::from_millis(500);
    config
}

pub fn config(server: &MockServer) -> GroqConfig {
    config_for(&server.uri())
}

pub fn client(server: &MockServer) -> GroqClient {
    GroqClient::new(config(server)).unwrap()
}

/// A 200 event stream with `body`.
pub fn sse(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "text/event-stream")
        .set_body_string(body)
}

pub fn messages() -> Vec<Message> {
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

/// Chat completions asking for `model`.
pub fn chat_for(model: &str) -> MockBuilder {
    Mock::given(method("POST"))
        .and(path("/openai/v1/chat/completions"))
        .and(body_partial_json(serde_json::json!({ "model": model })))
}

/// Every item of a stream.
pub async fn collect(mut stream: CompletionStream) -> Vec<Result<Delta, GroqError>> {
    let mut items = Vec::new();
    while let Some(item) = stream.next().await {
        items.push(item);
    }
    items
}

/// The text of the items, in order.
pub fn text(items: &[Result<Delta, GroqError>]) -> String {
    items
        .iter()
        .filter_map(|item| match item {
            Ok(Delta::Text(text)) => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

/// What the raw server does after the response head.
#[derive(Debug)]
pub enum Step {
    /// Writes these bytes and flushes them.
    Send(Vec<u8>),
    Pause(Duration),
    /// Waits until the test says so.
    WaitFor(Arc<Notify>),
}

/// Serves one request on 127.0.0.1: a 200 event-stream head, then
/// `steps`, then closes the connection (which ends the body, as no length
/// is given). Returns the base URL to give [`config_for`].
pub async fn raw_server(steps: Vec<Step>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let Ok((mut socket, _)) = listener.accept().await else {
            return;
        };
        if read_request(&mut socket).await.is_none() {
            return;
        }
        let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\nconnection: close\r\n\r\n";
        if socket.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        for step in steps {
            match step {
                Step::Send(bytes) => {
                    // The client may hang up first (a test that has seen
                    // enough); that is not an error here.
                    if socket.write_all(&bytes).await.is_err() || socket.flush().await.is_err() {
                        return;
                    }
                }
                Step::Pause(duration) => tokio::time::sleep(duration).await,
                Step::WaitFor(notify) => notify.notified().await,
            }
        }
    });
    format!("http://{address}")
}

/// Reads a request head and its `content-length` body.
async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<Vec<u8>> {
    let mut buffer = Vec::new();
    let mut chunk = [0_u8; 4096];
    let head_end = loop {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    Some(buffer.split_off(head_end))
}

/// The events of the documented stream, each with its blank line.
pub fn events() -> Vec<String> {
    STREAM.split_inclusive("\n\n").map(str::to_owned).collect()
}
