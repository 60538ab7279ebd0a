//! Shared set-up: the token, the documented fixtures, a client pointed at a
//! mock server, and a responder that plays a script of responses.

use std::sync::Mutex;
use std::time::Duration;

use twin_core::Secret;
use twin_upstash::{UpstashClient, UpstashConfig};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockBuilder, MockServer, Request, Respond, ResponseTemplate};

/// Long and unusual, so a leak shows up in any text that contains it.
pub const TOKEN: &str = "upstash-test-token-0123456789";

/// A documented response body from `tests/data/`.
pub fn fixture(name: &str) -> serde_json::Value {
    let text = match name {
        "delete" => include_str!("../data/delete.json"),
        "embedding_not_allowed" => include_str!("../data/embedding_not_allowed.json"),
        "fetch" => include_str!("../data/fetch.json"),
        "info" => include_str!("../data/info.json"),
        "list_namespaces" => include_str!("../data/list_namespaces.json"),
        "namespace_not_found" => include_str!("../data/namespace_not_found.json"),
        "query" => include_str!("../data/query.json"),
        "range" => include_str!("../data/range.json"),
        "success" => include_str!("../data/success.json"),
        "unauthorized" => include_str!("../data/unauthorized.json"),
        "update" => include_str!("../data/update.json"),
        "wrong_dimension" => include_str!("../data/wrong_dimension.json"),
        other => panic!("no fixture {other}"),
    };
    serde_json::from_str(text).unwrap()
}

/// Settings for `server`: the test token, and a timeout short enough that a
/// hung test fails fast.
pub fn config(server: &MockServer) -> UpstashConfig {
    let mut config = UpstashConfig::new(server.uri(), Secret::new(TOKEN));
    config.timeout = Duration::from_secs(2);
    config
}

pub fn client(server: &MockServer) -> UpstashClient {
    UpstashClient::new(config(server)).unwrap()
}

/// 200 with a fixture as the body.
pub fn ok(name: &str) -> ResponseTemplate {
    status(200, name)
}

/// `code` with a fixture as the body.
pub fn status(code: u16, name: &str) -> ResponseTemplate {
    ResponseTemplate::new(code).set_body_json(fixture(name))
}

/// A mock for `verb route` that only matches with the right bearer token.
pub fn authed(verb: &str, route: &str) -> MockBuilder {
    Mock::given(method(verb))
        .and(path(route))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
}

/// Answers with each response in turn, then repeats the last one.
pub struct Script(Mutex<Vec<ResponseTemplate>>);

impl Script {
    pub fn new(mut responses: Vec<ResponseTemplate>) -> Script {
        responses.reverse();
        Script(Mutex::new(responses))
    }
}

impl Respond for Script {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let mut responses = self.0.lock().unwrap();
        if responses.len() > 1 {
            responses.pop().unwrap()
        } else {
            responses[0].clone()
        }
    }
}
