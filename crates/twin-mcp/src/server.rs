//! [`Mcp`]: the transport-agnostic protocol core. One JSON-RPC message in,
//! at most one out; no state between messages.

use std::sync::Arc;
use std::time::Instant;

use serde_json::{Map, Value, json};
use twin_core::{ChatModel, Twin, VectorIndex};

use crate::config::McpConfig;
use crate::jsonrpc::{self, Message, Request, RpcError};
use crate::prompts::InterviewPrep;
use crate::resources::ProfileResource;
use crate::revision::{self, META_SERVER_INFO, Revision};
use crate::tools::{self, Tool};

/// How long a stateless client may reuse a cacheable result (2026-07-28,
/// server/utilities/caching). The lists never change while the process
/// runs, and the profile changes only with a deployment.
const CACHE_TTL_MS: u64 = 5 * 60 * 1000;

/// An MCP server for one twin.
///
/// Build it once per process and share it (it is immutable); every message
/// is answered from its content alone, so any instance can answer any
/// request.
#[derive(Debug)]
pub struct Mcp<I, M> {
    twin: Arc<Twin<I, M>>,
    config: McpConfig,
    instructions: String,
    profile: ProfileResource,
    prompt: InterviewPrep,
}

impl<I: VectorIndex, M: ChatModel> Mcp<I, M> {
    /// Wraps a twin. The profile resource and the prompt are rendered here,
    /// once.
    pub fn new(twin: Arc<Twin<I, M>>, config: McpConfig) -> Mcp<I, M> {
        let profile = twin.profile();
        let instructions = format!(
            "This server is the digital twin of {name}, {headline}. Use `ask_twin` for a \
             first-person answer to a question about {first}, `search_profile` to find the \
             passages of the profile that bear on a topic, and `get_profile_section` or the \
             `twin://profile` resource for structured data. Everything comes from {first}'s \
             own profile; when it does not cover something, say so rather than guess.",
            name = profile.person.name,
            headline = profile.person.headline,
            first = profile.first_name(),
        );
        Mcp {
            profile: ProfileResource::new(profile),
            prompt: InterviewPrep::new(profile),
            instructions,
            twin,
            config,
        }
    }

    pub fn config(&self) -> &McpConfig {
        &self.config
    }

    /// Answers one JSON-RPC message (or, under 2025-03-26, a batch).
    ///
    /// `revision` is what the transport established for messages that do
    /// not name their own: the `MCP-Protocol-Version` header on HTTP, the
    /// revision `initialize` negotiated on stdio. `None` reads as 2025-03-26,
    /// the revision the spec says to assume. A 2026-07-28 request names its
    /// revision in `_meta` and is served by that alone.
    ///
    /// Returns the response, or `None` when there is nothing to send
    /// (notifications, responses, a batch of those).
    pub async fn handle(&self, message: Value, revision: Option<Revision>) -> Option<Value> {
        match message {
            Value::Array(batch) => self.batch(batch, revision).await,
            single => self.single(single, revision).await,
        }
    }

    async fn batch(&self, batch: Vec<Value>, revision: Option<Revision>) -> Option<Value> {
        let effective = revision.unwrap_or(Revision::DEFAULT);
        if !effective.accepts_batches() {
            let error = RpcError::invalid_request(format!(
                "JSON-RPC batches are not part of protocol revision {effective}; only \
                 2025-03-26 accepts them"
            ));
            return Some(jsonrpc::failure(None, &error));
        }
        if batch.is_empty() {
            let error = RpcError::invalid_request("an empty batch");
            return Some(jsonrpc::failure(None, &error));
        }
        let mut responses = Vec::new();
        for message in batch {
            // "The initialize request MUST NOT be part of a JSON-RPC batch"
            // (2025-03-26 lifecycle).
            let is_initialize = message.get("method").and_then(Value::as_str) == Some("initialize");
            let response = if is_initialize {
                let id = message.get("id").and_then(jsonrpc::Id::from_value);
                let error = RpcError::invalid_request("`initialize` must not be part of a batch");
                Some(jsonrpc::failure(id.as_ref(), &error))
            } else {
                self.single(message, Some(effective)).await
            };
            responses.extend(response);
        }
        (!responses.is_empty()).then_some(Value::Array(responses))
    }

    async fn single(&self, message: Value, revision: Option<Revision>) -> Option<Value> {
        match jsonrpc::classify(message) {
            Err((id, error)) => {
                tracing::debug!(code = error.code, %error, "rejected a malformed message");
                Some(jsonrpc::failure(id.as_ref(), &error))
            }
            Ok(Message::Response) => None,
            Ok(Message::Notification { method }) => {
                // `notifications/initialized` needs nothing from a stateless
                // server, and we send nothing a client could cancel or
                // acknowledge; stdio handles `notifications/cancelled` itself.
                tracing::debug!(method, "notification");
                None
            }
            Ok(Message::Request(request)) => Some(self.request(request, revision).await),
        }
    }

    async fn request(&self, request: Request, revision: Option<Revision>) -> Value {
        let started = Instant::now();
        let outcome = self.dispatch(&request, revision).await;
        let took_ms = (started.elapsed().as_secs_f64() * 1e6).round() / 1e3;
        match outcome {
            Ok(result) => {
                tracing::debug!(method = request.method, took_ms, "answered");
                jsonrpc::success(&request.id, result)
            }
            Err(error) => {
                tracing::debug!(
                    method = request.method,
                    code = error.code,
                    message = error.message,
                    took_ms,
                    "refused"
                );
                jsonrpc::failure(Some(&request.id), &error)
            }
        }
    }

    async fn dispatch(
        &self,
        request: &Request,
        transport: Option<Revision>,
    ) -> Result<Value, RpcError> {
        let params = &request.params;
        // A dual-era server answers `initialize` whatever else the transport
        // says: it selects the handshake era (basic/versioning, 2026-07-28).
        if request.method == "initialize" {
            return self.initialize(params);
        }
        let revision = revision::of_request(&request.method, params, transport)?;
        let stateless = revision.is_stateless();
        let result = match request.method.as_str() {
            // `ping` was removed in 2026-07-28 (SEP-2575).
            "ping" if !stateless => json!({}),
            "server/discover" if stateless => self.discover(),
            "tools/list" => {
                no_cursor(params)?;
                let tools: Vec<Value> = Tool::ALL
                    .into_iter()
                    .map(|tool| tool.definition(revision, self.twin.profile()))
                    .collect();
                json!({ "tools": tools })
            }
            "tools/call" => self.call_tool(params, revision).await?,
            "resources/list" => {
                no_cursor(params)?;
                self.profile.list(revision)
            }
            "resources/templates/list" => {
                no_cursor(params)?;
                json!({ "resourceTemplates": [] })
            }
            "resources/read" => {
                let uri = params
                    .get("uri")
                    .and_then(Value::as_str)
                    .ok_or_else(|| RpcError::invalid_params("uri: must be a string"))?;
                self.profile.read(uri, revision)?
            }
            "prompts/list" => {
                no_cursor(params)?;
                self.prompt.list(revision)
            }
            "prompts/get" => self.prompt.get(params)?,
            other => return Err(RpcError::method_not_found(other)),
        };
        Ok(self.finish(result, &request.method, revision))
    }

    /// The `initialize` result: the negotiated revision, our capabilities
    /// and who we are (lifecycle, "Initialization").
    fn initialize(&self, params: &Map<String, Value>) -> Result<Value, RpcError> {
        let requested = params
            .get("protocolVersion")
            .and_then(Value::as_str)
            .ok_or_else(|| RpcError::invalid_params("protocolVersion: must be a string"))?;
        let revision = Revision::negotiate(requested);
        tracing::debug!(requested, negotiated = %revision, "initialize");
        Ok(json!({
            "protocolVersion": revision.as_str(),
            "capabilities": capabilities(),
            "serverInfo": self.server_info(revision),
            "instructions": self.instructions,
        }))
    }

    /// The `server/discover` result (server/discover, 2026-07-28).
    fn discover(&self) -> Value {
        json!({
            "supportedVersions": revision::supported_list(),
            "capabilities": capabilities(),
            "instructions": self.instructions,
        })
    }

    async fn call_tool(
        &self,
        params: &Map<String, Value>,
        revision: Revision,
    ) -> Result<Value, RpcError> {
        let name = params
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| RpcError::invalid_params("name: must be a string"))?;
        let tool = Tool::from_name(name)
            .ok_or_else(|| RpcError::invalid_params(format!("Unknown tool: {name}")))?;
        let empty = Map::new();
        let arguments = match params.get("arguments") {
            None | Some(Value::Null) => &empty,
            Some(Value::Object(arguments)) => arguments,
            Some(_) => return Err(RpcError::invalid_params("arguments: must be an object")),
        };
        let call = match tools::parse(tool, arguments) {
            Ok(call) => call,
            // Up to 2025-06-18 invalid arguments are a protocol error; from
            // 2025-11-25 a tool execution error the model can act on.
            Err(error) if revision.argument_errors_are_tool_errors() => {
                return Ok(tools::error_result(&error.to_string()));
            }
            Err(error) => return Err(RpcError::invalid_params(error.to_string())),
        };
        match tools::run(&self.twin, call).await {
            Ok(output) => Ok(tools::result(&output, revision)),
            Err(error) => {
                tracing::error!(tool = name, error = %error, source = ?std::error::Error::source(&error), "tool failed");
                Ok(tools::error_result(&error.to_string()))
            }
        }
    }

    fn server_info(&self, revision: Revision) -> Value {
        let mut info = json!({
            "name": self.config.server_name,
            "version": self.config.server_version,
        });
        if revision.has_structured_output()
            && let Some(object) = info.as_object_mut()
        {
            object.insert(
                "title".into(),
                format!("{}'s digital twin", self.twin.profile().person.name).into(),
            );
        }
        info
    }

    /// Adds what 2026-07-28 requires of every result: `resultType`, the
    /// server's identity in `_meta` and, for cacheable results, `ttlMs` and
    /// `cacheScope`. Earlier revisions get the result as it is.
    fn finish(&self, mut result: Value, method: &str, revision: Revision) -> Value {
        let Some(object) = result.as_object_mut().filter(|_| revision.is_stateless()) else {
            return result;
        };
        object.insert("resultType".into(), "complete".into());
        object.insert(
            "_meta".into(),
            json!({ META_SERVER_INFO: self.server_info(revision) }),
        );
        let cacheable = matches!(
            method,
            "server/discover"
                | "tools/list"
                | "prompts/list"
                | "resources/list"
                | "resources/templates/list"
                | "resources/read"
        );
        if cacheable {
            object.insert("ttlMs".into(), CACHE_TTL_MS.into());
            // The profile is the same for every caller, but an operator who
            // set a token did not mean it for everyone: keep shared caches
            // out then.
            let scope = if self.config.auth_token.is_some() {
                "private"
            } else {
                "public"
            };
            object.insert("cacheScope".into(), scope.into());
        }
        result
    }
}

/// What we offer: tools, resources and prompts, none of which change while
/// the process runs (so no `listChanged`, no subscriptions).
fn capabilities() -> Value {
    json!({ "tools": {}, "resources": {}, "prompts": {} })
}

/// Every list fits one page, so no cursor we could have issued exists:
/// any cursor is invalid (-32602, server/utilities/pagination).
fn no_cursor(params: &Map<String, Value>) -> Result<(), RpcError> {
    match params.get("cursor") {
        None | Some(Value::Null) => Ok(()),
        Some(_) => Err(RpcError::invalid_params(
            "cursor: not a cursor this server issued",
        )),
    }
}
