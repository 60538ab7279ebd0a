//! Protocol revisions: which ones we speak, how a message picks one, and
//! what differs between them.
//!
//! Revisions up to 2025-11-25 agree on a revision once, with `initialize`
//! (the "legacy" or handshake era). From 2026-07-28 on there is no handshake:
//! every request names its revision in
//! `params._meta["io.modelcontextprotocol/protocolVersion"]` (the "modern" or
//! stateless era). A dual-era server tells them apart per request, which is
//! what [`of_request`] does.

use std::fmt;

use serde_json::{Map, Value, json};

use crate::jsonrpc::RpcError;

/// `_meta` key carrying a modern request's protocol revision.
pub(crate) const META_PROTOCOL_VERSION: &str = "io.modelcontextprotocol/protocolVersion";
/// `_meta` key carrying a modern request's client capabilities.
pub(crate) const META_CLIENT_CAPABILITIES: &str = "io.modelcontextprotocol/clientCapabilities";
/// `_meta` key identifying the server in a modern result.
pub(crate) const META_SERVER_INFO: &str = "io.modelcontextprotocol/serverInfo";

/// An MCP protocol revision this server speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Revision {
    /// Streamable HTTP, JSON-RPC batches, tool annotations.
    V2025_03_26,
    /// No more batches; structured tool output, titles, `MCP-Protocol-Version`.
    V2025_06_18,
    /// Input validation errors become tool execution errors (SEP-1303).
    V2025_11_25,
    /// Stateless: no handshake, per-request `_meta`, `server/discover`.
    V2026_07_28,
}

impl Revision {
    /// Every revision we speak, newest first, as `supported` lists show them.
    pub const ALL: [Revision; 4] = [
        Revision::V2026_07_28,
        Revision::V2025_11_25,
        Revision::V2025_06_18,
        Revision::V2025_03_26,
    ];

    /// The newest revision reachable through `initialize`, offered to a
    /// client that asks for one we do not speak.
    pub const LATEST_HANDSHAKE: Revision = Revision::V2025_11_25;

    /// What a message that names no revision is read as. Both 2025-06-18 and
    /// 2025-11-25 say a server without other information SHOULD assume
    /// 2025-03-26 (basic/transports, "Protocol Version Header").
    pub const DEFAULT: Revision = Revision::V2025_03_26;

    /// Parses a revision string such as `2025-06-18`.
    pub fn parse(text: &str) -> Option<Revision> {
        Revision::ALL.into_iter().find(|r| r.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Revision::V2025_03_26 => "2025-03-26",
            Revision::V2025_06_18 => "2025-06-18",
            Revision::V2025_11_25 => "2025-11-25",
            Revision::V2026_07_28 => "2026-07-28",
        }
    }

    /// True for revisions without a handshake, whose requests carry their
    /// revision and capabilities in `_meta`.
    pub fn is_stateless(self) -> bool {
        self >= Revision::V2026_07_28
    }

    /// Only 2025-03-26 accepts JSON-RPC batches; 2025-06-18 removed them.
    pub(crate) fn accepts_batches(self) -> bool {
        self == Revision::V2025_03_26
    }

    /// `title`, `outputSchema` and `structuredContent` exist from 2025-06-18.
    pub(crate) fn has_structured_output(self) -> bool {
        self >= Revision::V2025_06_18
    }

    /// From 2025-11-25, arguments that fail a tool's input schema are a tool
    /// execution error (`isError: true`), not a JSON-RPC error (SEP-1303).
    pub(crate) fn argument_errors_are_tool_errors(self) -> bool {
        self >= Revision::V2025_11_25
    }

    /// "Resource not found" is -32002 up to 2025-11-25 and -32602 from
    /// 2026-07-28 (SEP-2164).
    pub(crate) fn resource_not_found_code(self) -> i64 {
        if self.is_stateless() {
            crate::jsonrpc::INVALID_PARAMS
        } else {
            crate::jsonrpc::RESOURCE_NOT_FOUND
        }
    }

    /// The revision to answer `initialize` with: the client's if we speak it
    /// through the handshake, else the newest one we do (lifecycle, "Version
    /// Negotiation").
    pub(crate) fn negotiate(requested: &str) -> Revision {
        match Revision::parse(requested) {
            Some(revision) if !revision.is_stateless() => revision,
            _ => Revision::LATEST_HANDSHAKE,
        }
    }
}

impl fmt::Display for Revision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The revision a request declares in its `_meta`, if it declares one.
pub(crate) fn declared(params: &Map<String, Value>) -> Option<&Value> {
    params
        .get("_meta")
        .and_then(Value::as_object)
        .and_then(|meta| meta.get(META_PROTOCOL_VERSION))
}

/// Whether a request is to be served statelessly (2026-07-28): it declares
/// a revision in `_meta`, it is `server/discover` (which exists only there),
/// or the transport says so (an HTTP `MCP-Protocol-Version: 2026-07-28`).
pub(crate) fn is_stateless_request(
    method: &str,
    params: &Map<String, Value>,
    transport: Option<Revision>,
) -> bool {
    declared(params).is_some()
        || method == "server/discover"
        || transport.is_some_and(Revision::is_stateless)
}

/// The required per-request fields of a stateless request: the declared
/// revision (as sent) once both required keys are present. A request
/// missing either is malformed: -32602 (basic/index, "`_meta`").
pub(crate) fn envelope(params: &Map<String, Value>) -> Result<&Value, RpcError> {
    let Some(meta) = params.get("_meta").and_then(Value::as_object) else {
        return Err(RpcError::invalid_params(format!(
            "params._meta: must be an object with `{META_PROTOCOL_VERSION}` and \
             `{META_CLIENT_CAPABILITIES}`"
        )));
    };
    let missing: Vec<&str> = [META_PROTOCOL_VERSION, META_CLIENT_CAPABILITIES]
        .into_iter()
        .filter(|key| !meta.contains_key(*key))
        .collect();
    if !missing.is_empty() {
        return Err(RpcError::invalid_params(format!(
            "params._meta: missing required `{}`",
            missing.join("`, `")
        )));
    }
    meta.get(META_PROTOCOL_VERSION)
        .ok_or_else(|| RpcError::invalid_params("params._meta: missing protocol version"))
}

/// The revision a request is served under.
///
/// `initialize` is not passed here: it negotiates its own. A stateless
/// request must carry a valid envelope naming a stateless revision we speak
/// (-32602, -32022 otherwise); any other request uses the revision the
/// transport established, or [`Revision::DEFAULT`].
pub(crate) fn of_request(
    method: &str,
    params: &Map<String, Value>,
    transport: Option<Revision>,
) -> Result<Revision, RpcError> {
    if !is_stateless_request(method, params, transport) {
        return Ok(transport.unwrap_or(Revision::DEFAULT));
    }
    let version = envelope(params)?;
    let Some(text) = version.as_str() else {
        return Err(RpcError::invalid_params(format!(
            "params._meta.{META_PROTOCOL_VERSION}: must be a string"
        )));
    };
    match Revision::parse(text) {
        Some(revision) if revision.is_stateless() => Ok(revision),
        _ => Err(unsupported(text)),
    }
}

/// `UnsupportedProtocolVersionError` (-32022) listing what we speak
/// (basic/versioning, "Protocol Version Negotiation"). The handshake
/// revisions are listed too, as in the spec's own example: a dual-era client
/// that finds no stateless revision in common falls back to `initialize`.
pub(crate) fn unsupported(requested: &str) -> RpcError {
    RpcError::new(
        crate::jsonrpc::UNSUPPORTED_PROTOCOL_VERSION,
        "Unsupported protocol version",
    )
    .with_data(json!({
        "supported": supported_list(),
        "requested": requested,
    }))
}

/// The revisions we speak, newest first, as strings.
pub(crate) fn supported_list() -> Vec<&'static str> {
    Revision::ALL.into_iter().map(Revision::as_str).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_every_revision() {
        for revision in Revision::ALL {
            assert_eq!(Revision::parse(revision.as_str()), Some(revision));
        }
        assert_eq!(Revision::parse("2024-11-05"), None);
    }

    #[test]
    fn negotiation_echoes_handshake_revisions_only() {
        assert_eq!(Revision::negotiate("2025-06-18"), Revision::V2025_06_18);
        assert_eq!(Revision::negotiate("2026-07-28"), Revision::V2025_11_25);
        assert_eq!(Revision::negotiate("1999-01-01"), Revision::V2025_11_25);
    }
}
