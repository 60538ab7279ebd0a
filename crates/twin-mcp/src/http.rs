//! Streamable HTTP, stateless: one POST, one JSON-RPC message, one answer.
//!
//! The checks run in this order, each refusing with the status the spec (or,
//! where it is silent, the official Python SDK) uses:
//!
//! | check | refusal |
//! |---|---|
//! | `Host` in [`McpConfig::allowed_hosts`] | 421 Misdirected Request |
//! | `Origin`, when present, in [`McpConfig::allowed_origins`] | 403 Forbidden |
//! | bearer token, when configured | 401 with `WWW-Authenticate: Bearer` |
//! | method is POST | 405 with `Allow: POST` (GET streams and DELETE of sessions do not exist here) |
//! | `Accept` admits JSON or SSE | 406 |
//! | `Content-Type: application/json` | 415 |
//! | body within [`McpConfig::max_body_bytes`] | 413 |
//! | body is JSON | 400, -32700 |
//! | `MCP-Protocol-Version` is a revision we speak | 400, -32022 |
//! | 2026-07-28: `_meta` envelope, then `MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name` match the body | 400, -32602 / -32020 |
//!
//! Refusals carry a JSON-RPC error body with `"id": null` (the transport
//! pages allow one "that has no id"; JSON-RPC and the Python SDK want the
//! member present).
//!
//! Responses are `application/json` unless the client's `Accept` admits
//! only `text/event-stream`; then the response is an SSE stream of one
//! `message` event. We do not insist that `Accept` list both types: the
//! spec puts that duty on clients, and refusing `curl` helps nobody. A
//! notification or a client response gets 202 with no body.
//!
//! JSON-RPC errors are sent with 200 under the handshake revisions, as the
//! 2025 transports and SDKs do; under 2026-07-28 they take the status the
//! spec assigns (400 for -32700, -32600, -32602, -32020, -32021, -32022; 404
//! for -32601), which is how a dual-era client tells a modern server from a
//! legacy one. No `Mcp-Session-Id` is ever issued, and one sent is ignored.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, any};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use twin_core::{ChatModel, VectorIndex};

use crate::config::McpConfig;
use crate::jsonrpc::{self, Id, RpcError};
use crate::revision::{self, Revision};
use crate::server::Mcp;

/// Where [`router`] mounts the endpoint.
pub const PATH: &str = "/api/mcp";

const MCP_PROTOCOL_VERSION: &str = "mcp-protocol-version";
const MCP_METHOD: &str = "mcp-method";
const MCP_NAME: &str = "mcp-name";

/// The MCP endpoint as a method router, to mount at any path of any app:
/// `.route("/api/mcp", twin_mcp::endpoint(mcp))`.
pub fn endpoint<I, M, S>(mcp: Arc<Mcp<I, M>>) -> MethodRouter<S>
where
    I: VectorIndex + 'static,
    M: ChatModel + 'static,
    S: Clone + Send + Sync + 'static,
{
    any(serve::<I, M>).with_state(mcp)
}

/// A router serving the MCP endpoint at [`PATH`].
pub fn router<I, M>(mcp: Arc<Mcp<I, M>>) -> Router
where
    I: VectorIndex + 'static,
    M: ChatModel + 'static,
{
    Router::new().route(PATH, endpoint(mcp))
}

async fn serve<I, M>(State(mcp): State<Arc<Mcp<I, M>>>, request: Request) -> Response
where
    I: VectorIndex + 'static,
    M: ChatModel + 'static,
{
    let (parts, body) = request.into_parts();
    let config = mcp.config();
    if let Some(refusal) = admit(config, &parts.method, &parts.headers, parts.uri.authority()) {
        return refusal;
    }
    let format = match negotiate(&parts.headers) {
        Some(format) => format,
        None => {
            return refuse(
                StatusCode::NOT_ACCEPTABLE,
                "Not Acceptable: accept application/json or text/event-stream",
            );
        }
    };
    if !is_json(&parts.headers) {
        return refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Unsupported Media Type: the body must be application/json",
        );
    }
    let bytes = match read_body(body, config.max_body_bytes).await {
        Ok(bytes) => bytes,
        Err(refusal) => return refusal,
    };
    let message: Value = match serde_json::from_slice(&bytes) {
        Ok(message) => message,
        Err(error) => {
            let error = RpcError::parse_error(error);
            return rpc_error(StatusCode::BAD_REQUEST, None, &error);
        }
    };
    let header = match version_header(&parts.headers) {
        Ok(header) => header,
        Err(error) => return rpc_error(StatusCode::BAD_REQUEST, request_id(&message), &error),
    };
    match message {
        Value::Array(_) => batch(&mcp, message, header, format).await,
        Value::Object(_) => single(&mcp, message, header, &parts.headers, format).await,
        _ => {
            let error = RpcError::invalid_request("the body must be a JSON-RPC object");
            rpc_error(StatusCode::BAD_REQUEST, None, &error)
        }
    }
}

/// The `MCP-Protocol-Version` header, read.
#[derive(Debug, Clone, PartialEq)]
enum VersionHeader {
    Absent,
    Known(Revision),
    Unknown(String),
}

impl VersionHeader {
    fn known(&self) -> Option<Revision> {
        match self {
            VersionHeader::Known(revision) => Some(*revision),
            _ => None,
        }
    }
}

fn version_header(headers: &HeaderMap) -> Result<VersionHeader, RpcError> {
    let mut values = headers.get_all(MCP_PROTOCOL_VERSION).iter();
    let Some(value) = values.next() else {
        return Ok(VersionHeader::Absent);
    };
    if values.next().is_some() {
        return Err(RpcError::header_mismatch(
            "MCP-Protocol-Version header appears more than once",
        ));
    }
    let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
    Ok(match Revision::parse(&text) {
        Some(revision) => VersionHeader::Known(revision),
        None => VersionHeader::Unknown(text),
    })
}

async fn batch<I: VectorIndex, M: ChatModel>(
    mcp: &Mcp<I, M>,
    message: Value,
    header: VersionHeader,
    format: Format,
) -> Response {
    let revision = match header {
        VersionHeader::Absent => Revision::DEFAULT,
        VersionHeader::Known(revision) => revision,
        VersionHeader::Unknown(text) => {
            return rpc_error(StatusCode::BAD_REQUEST, None, &revision::unsupported(&text));
        }
    };
    match mcp.handle(message, Some(revision)).await {
        None => accepted(),
        // A refused batch is one error object, not an array.
        Some(response) if response.is_object() => {
            let status = status_for(&response, revision.is_stateless());
            reply(status, &response, format)
        }
        Some(responses) => reply(StatusCode::OK, &responses, format),
    }
}

async fn single<I: VectorIndex, M: ChatModel>(
    mcp: &Mcp<I, M>,
    message: Value,
    header: VersionHeader,
    headers: &HeaderMap,
    format: Format,
) -> Response {
    let id = request_id(&message);
    let method = message.get("method").and_then(Value::as_str);
    let empty = Map::new();
    let params = message
        .get("params")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let stateless = match method {
        Some("initialize") | None => false,
        Some(method) => revision::is_stateless_request(method, params, header.known()),
    };
    // `initialize` comes before any revision is agreed, so the header says
    // nothing about it (2025 transports: the header is for "subsequent
    // requests").
    if let VersionHeader::Unknown(text) = &header
        && !stateless
        && method != Some("initialize")
    {
        return rpc_error(StatusCode::BAD_REQUEST, id, &revision::unsupported(text));
    }
    let is_response = method.is_none()
        && message.get("id").is_some()
        && (message.get("result").is_some() || message.get("error").is_some());
    if is_response && header.known().is_some_and(Revision::is_stateless) {
        // 2026-07-28: "The client MUST NOT send JSON-RPC responses."
        let error = RpcError::invalid_request("clients must not send responses in 2026-07-28");
        return rpc_error(StatusCode::BAD_REQUEST, id, &error);
    }
    if stateless
        && message.get("id").is_some()
        && let Some(method) = method
        && let Err(error) = check_stateless_headers(headers, method, params)
    {
        return rpc_error(StatusCode::BAD_REQUEST, id, &error);
    }
    match mcp.handle(message, header.known()).await {
        None => accepted(),
        Some(response) => reply(status_for(&response, stateless), &response, format),
    }
}

/// The checks of 2026-07-28's "Server Validation", in the order the Python
/// SDK runs them: the `_meta` envelope (-32602), then each mirrored header
/// against the body (-32020). Whether the revision is one we speak is left
/// to the core (-32022).
fn check_stateless_headers(
    headers: &HeaderMap,
    method: &str,
    params: &Map<String, Value>,
) -> Result<(), RpcError> {
    let declared = revision::envelope(params)?;
    for name in [MCP_PROTOCOL_VERSION, MCP_METHOD, MCP_NAME] {
        if headers.get_all(name).iter().count() > 1 {
            return Err(RpcError::header_mismatch(format!(
                "{name} header appears more than once"
            )));
        }
    }
    let version = header_text(headers, MCP_PROTOCOL_VERSION);
    if version.is_none() || version.as_deref() != declared.as_str() {
        return Err(RpcError::header_mismatch(
            "Header mismatch: MCP-Protocol-Version header does not match \
             params._meta[\"io.modelcontextprotocol/protocolVersion\"]",
        ));
    }
    if header_text(headers, MCP_METHOD).as_deref() != Some(method) {
        return Err(RpcError::header_mismatch(format!(
            "Header mismatch: Mcp-Method header does not match the body's method '{method}'"
        )));
    }
    let name_field = match method {
        "tools/call" | "prompts/get" => Some("name"),
        "resources/read" => Some("uri"),
        _ => None,
    };
    if let Some(field) = name_field
        && let Some(expected) = params.get(field).and_then(Value::as_str)
    {
        let sent = header_text(headers, MCP_NAME).and_then(|value| decode_header_value(&value));
        if sent.as_deref() != Some(expected) {
            return Err(RpcError::header_mismatch(format!(
                "Header mismatch: Mcp-Name header does not match the body's {field} '{expected}'"
            )));
        }
    }
    Ok(())
}

/// A header's value as text; `None` when absent or not visible ASCII.
fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

/// Undoes the `=?base64?...?=` sentinel of 2026-07-28's "Value Encoding";
/// `None` for a malformed one, so it never matches by accident.
fn decode_header_value(value: &str) -> Option<String> {
    let Some(payload) = value
        .strip_prefix("=?base64?")
        .and_then(|rest| rest.strip_suffix("?="))
    else {
        return Some(value.to_owned());
    };
    let bytes = base64_decode(payload)?;
    String::from_utf8(bytes).ok()
}

/// Standard Base64 with padding, canonical only.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    fn sextet(byte: u8) -> Option<u32> {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        Some(u32::from(value))
    }
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    let quads = bytes.chunks_exact(4);
    let count = quads.len();
    for (i, quad) in quads.enumerate() {
        let padding = quad.iter().rev().take_while(|b| **b == b'=').count();
        if padding > 2 || (padding > 0 && i + 1 != count) {
            return None;
        }
        let mut word = 0u32;
        for &byte in &quad[..4 - padding] {
            word = (word << 6) | sextet(byte)?;
        }
        word <<= 6 * padding as u32;
        let decoded = word.to_be_bytes();
        // Non-canonical input leaves bits set in the padding.
        if decoded[4 - padding..].iter().any(|b| *b != 0) {
            return None;
        }
        out.extend_from_slice(&decoded[1..4 - padding]);
    }
    Some(out)
}

/// Host, origin, credentials, method: everything decided before the body
/// is read. Returns the refusal, if any.
fn admit(
    config: &McpConfig,
    method: &Method,
    headers: &HeaderMap,
    authority: Option<&axum::http::uri::Authority>,
) -> Option<Response> {
    // HTTP/1.1 sends `Host`; HTTP/2 puts it in the URI's authority.
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .or_else(|| authority.map(|a| a.as_str()));
    if !config.allowed_hosts.is_empty() && !host.is_some_and(|host| config.allows_host(host)) {
        tracing::warn!(host, "refused a request for a host not in the allowlist");
        return Some(refuse(
            StatusCode::MISDIRECTED_REQUEST,
            "Misdirected Request: this server does not answer for that host",
        ));
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = String::from_utf8_lossy(origin.as_bytes());
        if !config.allows_origin(&origin) {
            tracing::warn!(%origin, "refused a request from an origin not in the allowlist");
            return Some(refuse(
                StatusCode::FORBIDDEN,
                "Forbidden: requests from this origin are not allowed",
            ));
        }
    }
    if let Some(token) = &config.auth_token
        && !bearer_matches(headers, token.expose())
    {
        let mut response = refuse(
            StatusCode::UNAUTHORIZED,
            "Unauthorized: send Authorization: Bearer <token>",
        );
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return Some(response);
    }
    if method != Method::POST {
        let mut response = refuse(
            StatusCode::METHOD_NOT_ALLOWED,
            "Method Not Allowed: this endpoint takes POST only; it has no GET stream and no sessions to DELETE",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return Some(response);
    }
    None
}

/// Compares the bearer token with the configured one in constant time. Both
/// are hashed first, so neither their bytes nor their lengths leak through
/// timing.
fn bearer_matches(headers: &HeaderMap, expected: &str) -> bool {
    let Some(sent) = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .and_then(|(scheme, token)| scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()))
    else {
        return false;
    };
    let sent = Sha256::digest(sent.as_bytes());
    let expected = Sha256::digest(expected.as_bytes());
    bool::from(sent.as_slice().ct_eq(expected.as_slice()))
}

/// How to send a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    EventStream,
}

/// JSON when the client takes it (or says nothing usable), an event
/// stream when that is all it takes, `None` when it takes neither.
fn negotiate(headers: &HeaderMap) -> Option<Format> {
    let ranges: Vec<String> = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|range| {
            let mut parts = range.split(';');
            let media = parts.next()?.trim().to_ascii_lowercase();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (!media.is_empty() && !refused).then_some(media)
        })
        .collect();
    let takes = |types: &[&str]| ranges.iter().any(|media| types.contains(&media.as_str()));
    if ranges.is_empty() || takes(&["application/json", "application/*", "*/*"]) {
        Some(Format::Json)
    } else if takes(&["text/event-stream", "text/*"]) {
        Some(Format::EventStream)
    } else {
        None
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

async fn read_body(body: Body, limit: usize) -> Result<Bytes, Response> {
    let too_large = || {
        refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("Payload Too Large: the limit is {limit} bytes"),
        )
    };
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => Err(too_large()),
        Err(error) => {
            tracing::debug!(%error, "could not read a request body");
            Err(refuse(
                StatusCode::BAD_REQUEST,
                "Bad Request: unreadable body",
            ))
        }
    }
}

/// A request's id, when it has a usable one.
fn request_id(message: &Value) -> Option<Id> {
    message.get("id").and_then(Id::from_value)
}

/// The HTTP status for a JSON-RPC response. Under 2026-07-28 errors map as
/// the spec (and the Python SDK's table) says; under the handshake
/// revisions only errors about the message itself leave 200.
fn status_for(response: &Value, stateless: bool) -> StatusCode {
    let Some(code) = jsonrpc::error_code(response) else {
        return StatusCode::OK;
    };
    match code {
        jsonrpc::PARSE_ERROR
        | jsonrpc::INVALID_REQUEST
        | jsonrpc::HEADER_MISMATCH
        | jsonrpc::UNSUPPORTED_PROTOCOL_VERSION => StatusCode::BAD_REQUEST,
        // -32021, MissingRequiredClientCapability: we never require one.
        jsonrpc::INVALID_PARAMS if stateless => StatusCode::BAD_REQUEST,
        jsonrpc::METHOD_NOT_FOUND if stateless => StatusCode::NOT_FOUND,
        _ => StatusCode::OK,
    }
}

fn accepted() -> Response {
    StatusCode::ACCEPTED.into_response()
}

/// A refusal before any JSON-RPC message was read: a JSON-RPC error with a
/// null id, code -32600.
fn refuse(status: StatusCode, message: impl Into<String>) -> Response {
    let error = RpcError::new(jsonrpc::INVALID_REQUEST, message);
    rpc_error(status, None, &error)
}

fn rpc_error(status: StatusCode, id: Option<Id>, error: &RpcError) -> Response {
    json_response(status, &jsonrpc::failure(id.as_ref(), error))
}

/// A response in the negotiated format. Only a 200 goes out as an event
/// stream; errors at other statuses are read as JSON by every client.
fn reply(status: StatusCode, body: &Value, format: Format) -> Response {
    if status != StatusCode::OK || format == Format::Json {
        return json_response(status, body);
    }
    let event = format!("event: message\ndata: {body}\n\n");
    (
        status,
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        [("x-accel-buffering", "no")],
        event,
    )
        .into_response()
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_base64_sentinel() {
        assert_eq!(
            decode_header_value("get_weather").as_deref(),
            Some("get_weather")
        );
        assert_eq!(
            decode_header_value("=?base64?SGVsbG8sIOS4lueVjA==?=").as_deref(),
            Some("Hello, 世界")
        );
        assert_eq!(
            decode_header_value("=?base64?IHBhZGRlZCA=?=").as_deref(),
            Some(" padded ")
        );
        assert_eq!(
            decode_header_value("=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?=").as_deref(),
            Some("=?base64?literal?=")
        );
        assert_eq!(decode_header_value("=?base64?not base64?="), None);
        assert_eq!(decode_header_value("=?base64?SGk=SGk=?="), None);
        // "Hi" is SGk=; SGl= sets bits the padding should have cleared.
        assert_eq!(decode_header_value("=?base64?SGl=?="), None);
    }

    fn accept(value: &str) -> Option<Format> {
        let mut headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(header::ACCEPT, value);
        }
        negotiate(&headers)
    }

    #[test]
    fn negotiates_the_response_format() {
        assert_eq!(negotiate(&HeaderMap::new()), Some(Format::Json));
        assert_eq!(
            accept("application/json, text/event-stream"),
            Some(Format::Json)
        );
        assert_eq!(accept("text/event-stream"), Some(Format::EventStream));
        assert_eq!(accept("*/*"), Some(Format::Json));
        assert_eq!(
            accept("application/json;q=0, text/event-stream"),
            Some(Format::EventStream)
        );
        assert_eq!(accept("text/html"), None);
    }
}
