//! JSON-RPC 2.0 as MCP uses it: message shapes, error codes, responses.
//!
//! MCP narrows JSON-RPC in two ways that matter here: a request id is a
//! string or an integer, never `null` (basic/index, "Requests"), and `params`
//! is an object.

use serde::Serialize;
use serde_json::{Map, Value, json};

pub(crate) const PARSE_ERROR: i64 = -32700;
pub(crate) const INVALID_REQUEST: i64 = -32600;
pub(crate) const METHOD_NOT_FOUND: i64 = -32601;
pub(crate) const INVALID_PARAMS: i64 = -32602;
/// "Resource not found" up to 2025-11-25 (server/resources, "Error Handling").
pub(crate) const RESOURCE_NOT_FOUND: i64 = -32002;
/// HTTP headers disagree with the body, or a required one is missing (2026-07-28).
pub(crate) const HEADER_MISMATCH: i64 = -32020;
/// The request names a revision we do not speak (2026-07-28).
pub(crate) const UNSUPPORTED_PROTOCOL_VERSION: i64 = -32022;

/// A request id: MCP allows strings and integers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
pub(crate) enum Id {
    Number(i64),
    String(String),
}

impl Id {
    /// Reads an id; `None` for anything MCP does not allow (null, floats,
    /// objects...).
    pub(crate) fn from_value(value: &Value) -> Option<Id> {
        match value {
            Value::String(text) => Some(Id::String(text.clone())),
            Value::Number(number) => number.as_i64().map(Id::Number),
            _ => None,
        }
    }
}

/// A JSON-RPC error object.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message} ({code})")]
pub(crate) struct RpcError {
    pub(crate) code: i64,
    pub(crate) message: String,
    pub(crate) data: Option<Value>,
}

impl RpcError {
    pub(crate) fn new(code: i64, message: impl Into<String>) -> RpcError {
        RpcError {
            code,
            message: message.into(),
            data: None,
        }
    }

    pub(crate) fn with_data(mut self, data: Value) -> RpcError {
        self.data = Some(data);
        self
    }

    pub(crate) fn parse_error(detail: impl std::fmt::Display) -> RpcError {
        RpcError::new(PARSE_ERROR, format!("Parse error: {detail}"))
    }

    pub(crate) fn invalid_request(detail: impl std::fmt::Display) -> RpcError {
        RpcError::new(INVALID_REQUEST, format!("Invalid request: {detail}"))
    }

    pub(crate) fn method_not_found(method: &str) -> RpcError {
        RpcError::new(METHOD_NOT_FOUND, format!("Method not found: {method}"))
    }

    pub(crate) fn invalid_params(message: impl Into<String>) -> RpcError {
        RpcError::new(INVALID_PARAMS, message)
    }

    pub(crate) fn header_mismatch(message: impl Into<String>) -> RpcError {
        RpcError::new(HEADER_MISMATCH, message)
    }

    fn to_value(&self) -> Value {
        let mut error = json!({ "code": self.code, "message": self.message });
        if let (Some(data), Some(object)) = (&self.data, error.as_object_mut()) {
            object.insert("data".to_owned(), data.clone());
        }
        error
    }
}

/// A request: it has an id and wants an answer.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub(crate) id: Id,
    pub(crate) method: String,
    /// `params`, or an empty object when absent.
    pub(crate) params: Map<String, Value>,
}

/// One incoming message, classified.
#[derive(Debug)]
pub(crate) enum Message {
    Request(Request),
    Notification {
        method: String,
    },
    /// A response to a request of ours. We send none, so it is dropped.
    Response,
}

/// Classifies one JSON value. A message that is none of the three is an
/// invalid request, answered with its id when the id is readable.
pub(crate) fn classify(value: Value) -> Result<Message, (Option<Id>, RpcError)> {
    let Value::Object(mut object) = value else {
        return Err((
            None,
            RpcError::invalid_request("a message must be a JSON object"),
        ));
    };
    let id = match object.get("id") {
        None => None,
        Some(raw) => match Id::from_value(raw) {
            Some(id) => Some(id),
            None => {
                return Err((
                    None,
                    RpcError::invalid_request("`id` must be a string or an integer"),
                ));
            }
        },
    };
    if object.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Err((id, RpcError::invalid_request("`jsonrpc` must be \"2.0\"")));
    }
    let params = match object.remove("params") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(params)) => params,
        Some(_) => return Err((id, RpcError::invalid_request("`params` must be an object"))),
    };
    match (object.remove("method"), id) {
        (Some(Value::String(method)), Some(id)) => {
            Ok(Message::Request(Request { id, method, params }))
        }
        (Some(Value::String(method)), None) => Ok(Message::Notification { method }),
        (Some(_), id) => Err((id, RpcError::invalid_request("`method` must be a string"))),
        (None, Some(_)) if object.contains_key("result") || object.contains_key("error") => {
            Ok(Message::Response)
        }
        (None, id) => Err((id, RpcError::invalid_request("`method` is missing"))),
    }
}

/// A success response.
pub(crate) fn success(id: &Id, result: Value) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "result": result })
}

/// An error response. An unreadable id is sent as `null`: JSON-RPC 2.0
/// requires the member, and the official Python SDK's model does too, while
/// MCP's schema merely allows leaving it out.
pub(crate) fn failure(id: Option<&Id>, error: &RpcError) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": error.to_value() })
}

/// The error code of a response, if it is an error response.
pub(crate) fn error_code(response: &Value) -> Option<i64> {
    response.get("error")?.get("code")?.as_i64()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(value: Value, expect: &str) {
        let got = match classify(value) {
            Ok(Message::Request(r)) => format!("request {:?} {}", r.id, r.method),
            Ok(Message::Notification { method }) => format!("notification {method}"),
            Ok(Message::Response) => "response".to_owned(),
            Err((id, e)) => format!("error {id:?} {}", e.code),
        };
        assert_eq!(got, expect);
    }

    #[test]
    fn classifies_messages() {
        check(
            json!({"jsonrpc": "2.0", "id": 1, "method": "ping"}),
            "request Number(1) ping",
        );
        check(
            json!({"jsonrpc": "2.0", "id": "a", "method": "ping"}),
            "request String(\"a\") ping",
        );
        check(
            json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
            "notification notifications/initialized",
        );
        check(json!({"jsonrpc": "2.0", "id": 1, "result": {}}), "response");
        check(
            json!({"jsonrpc": "1.0", "id": 1, "method": "x"}),
            "error Some(Number(1)) -32600",
        );
        check(
            json!({"jsonrpc": "2.0", "id": null, "method": "x"}),
            "error None -32600",
        );
        check(
            json!({"jsonrpc": "2.0", "id": 1.5, "method": "x"}),
            "error None -32600",
        );
        check(
            json!({"jsonrpc": "2.0", "id": 2, "method": "x", "params": [1]}),
            "error Some(Number(2)) -32600",
        );
        check(
            json!({"jsonrpc": "2.0", "id": 3}),
            "error Some(Number(3)) -32600",
        );
        check(json!("hello"), "error None -32600");
    }

    #[test]
    fn failure_without_id_sends_null() {
        let response = failure(None, &RpcError::parse_error("eof"));
        assert_eq!(response["id"], Value::Null);
        assert_eq!(error_code(&response), Some(PARSE_ERROR));
    }
}
