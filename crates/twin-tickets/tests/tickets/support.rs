//! Shared set-up: secrets, fixtures, clients pointed at a mock server, a
//! responder that plays a script, and request inspection.

use std::sync::Mutex;
use std::time::Duration;

use twin_core::Secret;
use twin_tickets::{Gap, TicketConfig, TicketOptions, Tickets};
use wiremock::{MockServer, Request, Respond, ResponseTemplate};

/// Long and unusual, so a leak shows up in any text that contains it.
pub const TOKEN: &str = "ghp_tickets-test-token-0123456789";
pub const API_KEY: &str = "lin_api_tickets-test-key-0123456789";
pub const TEAM: &str = "9cfb482a-81e3-4154-b5b9-2c805e70a02d";
pub const REPO: &str = "octocat/Hello-World";
pub const QUESTION: &str = "Do you speak German?";

/// A documented body from `tests/data/`, with `{KEY}` standing for the
/// gap key of [`QUESTION`].
pub fn fixture(name: &str) -> serde_json::Value {
    let text = match name {
        "github_bad_credentials" => include_str!("../data/github_bad_credentials.json"),
        "github_comment" => include_str!("../data/github_comment.json"),
        "github_issue" => include_str!("../data/github_issue.json"),
        "github_issues_gaps" => include_str!("../data/github_issues_gaps.json"),
        "github_primary_rate_limit" => include_str!("../data/github_primary_rate_limit.json"),
        "github_search_empty" => include_str!("../data/github_search_empty.json"),
        "github_search_found" => include_str!("../data/github_search_found.json"),
        "github_secondary_rate_limit" => include_str!("../data/github_secondary_rate_limit.json"),
        "github_validation_failed" => include_str!("../data/github_validation_failed.json"),
        "linear_authentication_error" => include_str!("../data/linear_authentication_error.json"),
        "linear_comment_create" => include_str!("../data/linear_comment_create.json"),
        "linear_gaps" => include_str!("../data/linear_gaps.json"),
        "linear_invalid_input" => include_str!("../data/linear_invalid_input.json"),
        "linear_issue_create" => include_str!("../data/linear_issue_create.json"),
        "linear_issues_empty" => include_str!("../data/linear_issues_empty.json"),
        "linear_issues_found" => include_str!("../data/linear_issues_found.json"),
        "linear_ratelimited" => include_str!("../data/linear_ratelimited.json"),
        other => panic!("no fixture {other}"),
    };
    serde_json::from_str(&text.replace("{KEY}", &key())).unwrap()
}

pub fn key() -> String {
    twin_tickets::gap_key(QUESTION)
}

pub fn marker() -> String {
    format!("twin-gap:{}", key())
}

/// `code` with a fixture as the body.
pub fn reply(code: u16, name: &str) -> ResponseTemplate {
    ResponseTemplate::new(code).set_body_json(fixture(name))
}

/// Quick timeouts, so a hung test fails fast.
pub fn options() -> TicketOptions {
    TicketOptions {
        timeout: Duration::from_secs(2),
        connect_timeout: Duration::from_secs(1),
        ..TicketOptions::default()
    }
}

pub fn github(server: &MockServer, options: TicketOptions) -> Tickets {
    let config = TicketConfig::GitHub {
        token: Secret::new(TOKEN),
        repo: REPO.into(),
        api_url: server.uri(),
    };
    Tickets::with_options(config, options).unwrap()
}

pub fn linear(server: &MockServer, options: TicketOptions) -> Tickets {
    let config = TicketConfig::Linear {
        api_key: Secret::new(API_KEY),
        team_id: TEAM.into(),
        api_url: format!("{}/graphql", server.uri()),
    };
    Tickets::with_options(config, options).unwrap()
}

pub fn unanswered() -> Gap {
    Gap::unanswered(QUESTION).unwrap()
}

pub fn down_vote(comment: &str) -> Gap {
    Gap::down_vote(QUESTION, comment).unwrap()
}

/// The JSON bodies of the requests received for `method path`, in order.
pub async fn bodies(server: &MockServer, method: &str, path: &str) -> Vec<serde_json::Value> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.method.as_str() == method && r.url.path() == path)
        .map(|r| serde_json::from_slice(&r.body).unwrap_or(serde_json::Value::Null))
        .collect()
}

/// Every request received, as `METHOD /path`.
pub async fn log(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect()
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

/// Asserts that neither the error's message nor its `Debug` holds `secret`.
pub fn assert_secret_free(error: &twin_tickets::TicketError, secret: &str) {
    assert!(!error.to_string().contains(secret), "{error}");
    assert!(!format!("{error:?}").contains(secret), "{error:?}");
}
