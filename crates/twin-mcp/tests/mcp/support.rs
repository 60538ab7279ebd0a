//! The twin of the sample profile, message builders, and test doubles.

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use futures_util::stream;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;
use twin_core::{
    AnswerRequest, ChatModel, EmbeddedIndex, ExtractiveComposer, Hit, IndexConfig, IndexError,
    ModelError, Profile, SearchQuery, TokenStream, Twin, TwinConfig, VectorIndex, chunk_profile,
};
use twin_mcp::{Mcp, McpConfig, Revision};

pub const PROFILE: &str = include_str!("../../../../data/digitaltwin.json");
pub const MODERN: &str = "2026-07-28";
pub const LEGACY: [&str; 3] = ["2025-03-26", "2025-06-18", "2025-11-25"];

pub type Engine = Twin<EmbeddedIndex, ExtractiveComposer>;

pub fn profile() -> Arc<Profile> {
    Arc::new(Profile::from_json(PROFILE).unwrap())
}

pub fn twin() -> Arc<Engine> {
    let profile = profile();
    let index = EmbeddedIndex::new(chunk_profile(&profile), IndexConfig::default());
    let composer = ExtractiveComposer::new(&profile);
    Arc::new(Twin::with_composer(
        profile,
        index,
        composer.clone(),
        composer,
        TwinConfig::default(),
    ))
}

pub fn mcp() -> Arc<Mcp<EmbeddedIndex, ExtractiveComposer>> {
    mcp_with(McpConfig::default())
}

pub fn mcp_with(config: McpConfig) -> Arc<Mcp<EmbeddedIndex, ExtractiveComposer>> {
    Arc::new(Mcp::new(twin(), config))
}

pub fn revision(text: &str) -> Revision {
    Revision::parse(text).unwrap()
}

/// A request without `_meta`.
pub fn request(id: i64, method: &str, params: Value) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params })
}

pub fn notification(method: &str) -> Value {
    json!({ "jsonrpc": "2.0", "method": method })
}

/// The `_meta` envelope a 2026-07-28 request carries.
pub fn envelope(version: &str) -> Value {
    json!({
        "io.modelcontextprotocol/protocolVersion": version,
        "io.modelcontextprotocol/clientInfo": { "name": "test", "version": "1" },
        "io.modelcontextprotocol/clientCapabilities": {},
    })
}

/// A 2026-07-28 request: `params` plus the `_meta` envelope.
pub fn modern(id: i64, method: &str, params: Value) -> Value {
    let mut params = params;
    params["_meta"] = envelope(MODERN);
    request(id, method, params)
}

/// Sends one message to the core and returns the response.
pub async fn ask<I: VectorIndex, M: ChatModel>(
    mcp: &Mcp<I, M>,
    message: Value,
    revision: Option<Revision>,
) -> Value {
    mcp.handle(message, revision)
        .await
        .expect("a response to a request")
}

/// The `result` of a response, failing on an error.
pub fn result(response: &Value) -> &Value {
    assert!(
        response.get("error").is_none(),
        "expected a result, got {response}"
    );
    &response["result"]
}

/// The error `(code, message)` of a response, failing on a result.
pub fn error(response: &Value) -> (i64, String) {
    let error = response
        .get("error")
        .unwrap_or_else(|| panic!("expected an error, got {response}"));
    (
        error["code"].as_i64().unwrap(),
        error["message"].as_str().unwrap().to_owned(),
    )
}

/// The structured output of a tool result, read from its text block.
pub fn tool_text(result: &Value) -> Value {
    let text = result["content"][0]["text"].as_str().unwrap();
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// An index that always fails, with details that must not reach clients.
#[derive(Debug)]
pub struct FailingIndex;

impl VectorIndex for FailingIndex {
    fn search(
        &self,
        _query: &SearchQuery,
    ) -> impl Future<Output = Result<Vec<Hit>, IndexError>> + Send {
        std::future::ready(Err(IndexError::Transient(
            "503 from https://secret-index.example/query".to_owned(),
        )))
    }
}

/// An index that never answers, to keep a request in flight.
#[derive(Debug)]
pub struct StuckIndex;

impl VectorIndex for StuckIndex {
    fn search(
        &self,
        _query: &SearchQuery,
    ) -> impl Future<Output = Result<Vec<Hit>, IndexError>> + Send {
        std::future::pending()
    }
}

/// A model whose answer breaks off after one token.
#[derive(Debug)]
pub struct BrokenModel;

impl ChatModel for BrokenModel {
    fn name(&self) -> &str {
        "broken"
    }

    fn answer(
        &self,
        _request: &AnswerRequest,
    ) -> impl Future<Output = Result<TokenStream, ModelError>> + Send {
        let tokens: Vec<Result<String, ModelError>> = vec![
            Ok("I ".to_owned()),
            Err(ModelError::Transient("connection reset".to_owned())),
        ];
        let stream: TokenStream = Box::pin(stream::iter(tokens));
        std::future::ready(Ok(stream))
    }
}

pub fn mcp_over<I: VectorIndex, M: ChatModel>(index: I, model: M) -> Arc<Mcp<I, M>> {
    let twin = Twin::new(profile(), index, model, TwinConfig::default());
    Arc::new(Mcp::new(Arc::new(twin), McpConfig::default()))
}

/// An HTTP reply, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {:?} {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The JSON-RPC error code and message of the body.
    pub fn error(&self) -> (i64, String) {
        error(&self.json())
    }
}

pub async fn send(router: Router, request: Request<Body>) -> Reply {
    let response = router.oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

/// A POST as the official SDK sends it, before any protocol header.
pub fn post(body: &Value) -> axum::http::request::Builder {
    Request::post(twin_mcp::PATH)
        .header("host", "localhost:3000")
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("content-length", body.to_string().len())
}

pub fn body(message: &Value) -> Body {
    Body::from(message.to_string())
}

/// A complete 2026-07-28 POST: envelope, `MCP-Protocol-Version`,
/// `Mcp-Method` and, where the method has one, `Mcp-Name`.
pub fn modern_post(id: i64, method: &str, params: Value) -> Request<Body> {
    let message = modern(id, method, params);
    let mut builder = post(&message)
        .header("mcp-protocol-version", MODERN)
        .header("mcp-method", method);
    let name = message["params"]
        .get("name")
        .or_else(|| message["params"].get("uri"))
        .and_then(Value::as_str);
    if let Some(name) = name {
        builder = builder.header("mcp-name", name);
    }
    builder.body(body(&message)).unwrap()
}
