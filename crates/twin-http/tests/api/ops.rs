//! Operations: metrics, request ids, the answer cache, rate limits and the
//! deep health check.

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use tower::ServiceExt;
use twin_core::Profile;
use twin_http::{AppState, Settings, app};
use twin_testkit::{FAKE_TOKEN, FakeUpstash};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::{FIXTURE, Reply, chat_request, events};

const MODELS: &str = include_str!("../../../twin-groq/tests/data/models.json");
const STREAM: &str = include_str!("../../../twin-groq/tests/data/stream.txt");

fn state(vars: &[(&str, &str)]) -> AppState {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let settings = Settings::from_lookup(|name| vars.get(name).cloned()).unwrap();
    AppState::new(Profile::from_json(FIXTURE).unwrap(), settings).unwrap()
}

async fn send(state: &AppState, request: Request<Body>) -> Reply {
    Reply::from(app(state.clone()).oneshot(request).await.unwrap()).await
}

async fn metrics(state: &AppState) -> String {
    let reply = send(
        state,
        Request::get("/api/metrics").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply
            .header("content-type")
            .starts_with("application/openmetrics-text")
    );
    reply.text()
}

fn question(text: &str) -> Request<Body> {
    chat_request(json!({ "message": text }).to_string(), "application/json")
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status() {
    let state = state(&[]);
    send(&state, question("How did you cut the tracking latency?")).await;
    send(&state, chat_request("{", "application/json")).await;
    send(
        &state,
        Request::get("/nowhere").body(Body::empty()).unwrap(),
    )
    .await;
    let text = metrics(&state).await;
    for line in [
        r#"twin_http_requests_total{route="/api/chat",status="200"} 1"#,
        r#"twin_http_requests_total{route="/api/chat",status="400"} 1"#,
        r#"twin_http_requests_total{route="unmatched",status="404"} 1"#,
        r#"twin_retrieval_duration_seconds_count{index="embedded"} 1"#,
        r#"twin_cache_requests_total{result="miss"} 1"#,
        // The scrape itself is in flight while it renders.
        "twin_http_requests_in_flight 1",
        "twin_streams_in_flight 0",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
}

#[tokio::test]
async fn a_metrics_token_keeps_scrapers_out() {
    let state = state(&[("TWIN_METRICS_TOKEN", "metrics-token-0123456789")]);
    let reply = send(
        &state,
        Request::get("/api/metrics").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(reply.header("www-authenticate").starts_with("Bearer"));
    assert!(!reply.text().contains("metrics-token"));
    let reply = send(
        &state,
        Request::get("/api/metrics")
            .header(header::AUTHORIZATION, "Bearer metrics-token-0123456789")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.text().contains("twin_http_requests_total"));
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let state = state(&[]);
    let reply = send(
        &state,
        Request::get("/api/health").body(Body::empty()).unwrap(),
    )
    .await;
    assert!(reply.header("x-request-id").starts_with("req_"));
    let reply = send(
        &state,
        Request::get("/api/health")
            .header("x-vercel-id", "fra1::abcde-1700000000000-0123456789ab")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(
        reply.header("x-request-id"),
        "fra1::abcde-1700000000000-0123456789ab"
    );
}

#[tokio::test]
async fn the_same_question_is_answered_from_the_cache() {
    let state = state(&[]);
    let first = send(&state, question("How did you cut the tracking latency?")).await;
    let again = send(&state, question("how did you CUT the tracking latency")).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(again.status, StatusCode::OK);
    let (first, again) = (first.json(), again.json());
    assert_eq!(first["answer"], again["answer"]);
    assert_eq!(first["citations"], again["citations"]);
    assert_ne!(first["answer_id"], again["answer_id"]);
    assert_eq!(again["timings"]["retrieval_ms"], 0.0);

    // Streamed from the cache too, with the same citations.
    let reply = send(
        &state,
        chat_request(
            json!({ "message": "How did you cut the tracking latency?" }).to_string(),
            "text/event-stream",
        ),
    )
    .await;
    let events = events(&reply.text());
    let text: String = events
        .iter()
        .filter(|(name, _)| name == "token")
        .map(|(_, data)| data["text"].as_str().unwrap())
        .collect();
    assert_eq!(text, first["answer"].as_str().unwrap());

    // A follow-up is never served from the cache.
    send(
        &state,
        chat_request(
            json!({
                "message": "How did you cut the tracking latency?",
                "history": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]
            })
            .to_string(),
            "application/json",
        ),
    )
    .await;
    let text = metrics(&state).await;
    assert!(
        text.contains(r#"twin_cache_requests_total{result="hit"} 2"#),
        "{text}"
    );
    assert!(
        text.contains(r#"twin_cache_requests_total{result="miss"} 1"#),
        "{text}"
    );
}

#[tokio::test]
async fn an_address_over_its_allowance_gets_429_with_retry_after() {
    let state = state(&[
        ("TWIN_RATE_LIMIT_PER_MIN", "3"),
        ("TWIN_TRUST_PROXY_HEADERS", "1"),
    ]);
    let from = |ip: &str| {
        Request::post("/api/chat")
            .header(header::CONTENT_TYPE, "application/json")
            .header("x-forwarded-for", ip)
            .body(Body::from(r#"{"message":"Where do you live?"}"#))
            .unwrap()
    };
    // A burst of a third of the minute's allowance, at least one.
    assert_eq!(
        send(&state, from("198.51.100.1")).await.status,
        StatusCode::OK
    );
    let refused = send(&state, from("198.51.100.1")).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.error().0, "rate_limited");
    let wait: u64 = refused.header("retry-after").parse().unwrap();
    assert!((1..=20).contains(&wait), "{wait}");
    assert_eq!(
        send(&state, from("198.51.100.2")).await.status,
        StatusCode::OK,
        "another address is unaffected"
    );
    // Health and the page are never limited.
    for _ in 0..5 {
        let reply = send(
            &state,
            Request::get("/api/health")
                .header("x-forwarded-for", "198.51.100.1")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK);
    }
    assert!(
        metrics(&state)
            .await
            .contains(r#"twin_rate_limited_total{scope="ip"} 1"#)
    );
}

#[tokio::test]
async fn llm_answers_beyond_the_cap_get_429() {
    let llm = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/chat/completions"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/event-stream")
                .set_body_string(STREAM),
        )
        .mount(&llm)
        .await;
    let state = state(&[
        ("GROQ_BASE_URL", &llm.uri()),
        ("TWIN_MAX_CONCURRENT_LLM", "1"),
        ("TWIN_CACHE_CAPACITY", "0"),
    ]);
    // The first answer streams, and holds the only slot until its body is
    // read or dropped.
    let open = app(state.clone())
        .oneshot(chat_request(
            json!({ "message": "How did you cut the tracking latency?" }).to_string(),
            "text/event-stream",
        ))
        .await
        .unwrap();
    assert_eq!(open.status(), StatusCode::OK);
    let busy = send(&state, question("How did you cut the tracking latency?")).await;
    assert_eq!(busy.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(busy.error().0, "busy");
    assert_eq!(busy.header("retry-after"), "1");
    drop(open);
    let reply = send(&state, question("How did you cut the tracking latency?")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["mode"], "generative");
    assert!(
        metrics(&state)
            .await
            .contains(r#"twin_rate_limited_total{scope="llm"} 1"#)
    );
}

#[tokio::test]
async fn deep_health_checks_each_dependency() {
    let upstash = FakeUpstash::start().await.unwrap();
    let llm = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/models"))
        .respond_with(ResponseTemplate::new(200).set_body_string(MODELS))
        .mount(&llm)
        .await;
    let state = state(&[
        ("UPSTASH_VECTOR_REST_URL", upstash.url()),
        ("UPSTASH_VECTOR_REST_TOKEN", FAKE_TOKEN),
        ("GROQ_BASE_URL", &llm.uri()),
        ("GROQ_API_KEY", "gsk_test_key"),
    ]);
    let deep = || {
        Request::get("/api/health?deep=1")
            .body(Body::empty())
            .unwrap()
    };

    let reply = send(&state, deep()).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["dependencies"]["upstash"]["status"], "up");
    assert_eq!(body["dependencies"]["llm"]["status"], "up");
    assert!(body["dependencies"]["llm"]["latency_ms"].as_f64().unwrap() >= 0.0);

    // Upstash down: 503, named, and the gauge says so.
    upstash.fail_next(&[503, 503, 503, 503, 503, 503]);
    let reply = send(&state, deep()).await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    let body = reply.json();
    assert_eq!(body["status"], "degraded");
    assert_eq!(body["degraded"], json!(["upstash"]));
    assert_eq!(body["dependencies"]["upstash"]["status"], "down");
    assert!(
        body["dependencies"]["upstash"]["error"]
            .as_str()
            .unwrap()
            .contains("503")
    );
    assert!(!reply.text().contains(FAKE_TOKEN));
    assert!(!reply.text().contains("gsk_test_key"));
    let text = metrics(&state).await;
    assert!(
        text.contains(r#"twin_dependency_up{dependency="upstash"} 0"#),
        "{text}"
    );
    assert!(
        text.contains(r#"twin_dependency_up{dependency="groq"} 1"#),
        "{text}"
    );

    // The plain check stays a cheap liveness answer.
    let reply = send(
        &state,
        Request::get("/api/health").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.json().get("dependencies").is_none());
    let reply = send(
        &state,
        Request::get("/api/health?deep=yes")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
}

/// Collects what the log subscriber writes.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn request_lines(captured: &Captured) -> Vec<serde_json::Value> {
    let bytes = captured.0.lock().unwrap().clone();
    String::from_utf8(bytes)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .filter(|line| line["target"] == "twin::request")
        .collect()
}

async fn logged(vars: &[(&str, &str)], request: Request<Body>) -> Vec<serde_json::Value> {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_target(true)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let state = state(vars);
    // The body is read to the end: a stream's line is written when it ends.
    send(&state, request).await;
    request_lines(&captured)
}

#[tokio::test]
async fn one_json_line_per_request_without_the_question() {
    let lines = logged(
        &[],
        chat_request(
            json!({ "message": "How did you cut the tracking latency?" }).to_string(),
            "text/event-stream",
        ),
    )
    .await;
    assert_eq!(lines.len(), 1, "{lines:?}");
    let line = &lines[0];
    assert_eq!(line["route"], "/api/chat");
    assert_eq!(line["status"], 200);
    assert_eq!(line["mode"], "extractive");
    assert_eq!(line["cache"], "miss");
    assert_eq!(line["covered"], true);
    assert_eq!(line["index"], "embedded");
    assert!(line["request_id"].as_str().unwrap().starts_with("req_"));
    assert!(line["answer_id"].as_str().unwrap().starts_with("ans_"));
    assert!(line["latency_ms"].as_f64().unwrap() > 0.0);
    assert!(line["first_token_ms"].as_f64().is_some());
    assert!(line.get("question").is_none(), "{line}");

    let lines = logged(
        &[("TWIN_LOG_QUESTIONS", "1")],
        question("How did you cut the tracking latency?"),
    )
    .await;
    assert_eq!(
        lines[0]["question"], "How did you cut the tracking latency?",
        "{lines:?}"
    );
}

fn mcp_request(host: &str, token: Option<&str>) -> Request<Body> {
    let mut request = Request::post("/api/mcp")
        .header(header::HOST, host)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/json, text/event-stream")
        .header("mcp-protocol-version", "2025-11-25");
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    request
        .body(Body::from(
            json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}).to_string(),
        ))
        .unwrap()
}

#[tokio::test]
async fn mcp_is_served_at_api_mcp_with_its_access_rules() {
    let open = state(&[("VERCEL_URL", "me-git-main.vercel.app")]);
    let reply = send(&open, mcp_request("localhost:3000", None)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let tools = reply.json()["result"]["tools"].as_array().unwrap().len();
    assert_eq!(tools, 3);
    assert_eq!(
        send(&open, mcp_request("me-git-main.vercel.app", None))
            .await
            .status,
        StatusCode::OK,
        "the deployment's own host is allowed"
    );
    assert_eq!(
        send(&open, mcp_request("evil.example", None)).await.status,
        StatusCode::MISDIRECTED_REQUEST
    );

    let guarded = state(&[("MCP_AUTH_TOKEN", "mcp-token-0123456789abcdef")]);
    let refused = send(&guarded, mcp_request("localhost", None)).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(refused.header("www-authenticate").starts_with("Bearer"));
    let wrong = send(&guarded, mcp_request("localhost", Some("nope"))).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let ok = send(
        &guarded,
        mcp_request("localhost", Some("mcp-token-0123456789abcdef")),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(
        metrics(&open)
            .await
            .contains(r#"twin_http_requests_total{route="/api/mcp",status="421"} 1"#)
    );
}

fn vote(body: serde_json::Value) -> Request<Body> {
    Request::post("/api/feedback")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

#[tokio::test]
async fn feedback_is_validated_and_counted() {
    let state = state(&[]);
    let id = "ans_0123456789abcdef0123456789abcdef";
    let reply = send(&state, vote(json!({ "answer_id": id, "rating": "up" }))).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text());
    assert_eq!(reply.json()["ok"], true);
    let reply = send(
        &state,
        vote(json!({
            "answer_id": id, "rating": "down",
            "comment": "It missed my question about Kafka.",
            "question": "Have you used Kafka?"
        })),
    )
    .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED);

    for (body, field) in [
        (json!({ "answer_id": "nope", "rating": "up" }), "answer_id"),
        (json!({ "answer_id": id, "rating": "meh" }), "rating"),
        (json!({ "answer_id": id }), "rating"),
        (
            json!({ "answer_id": id, "rating": "down", "comment": "x".repeat(501) }),
            "comment",
        ),
        (
            json!({ "answer_id": id, "rating": "up", "name": "Ann" }),
            "name",
        ),
    ] {
        let reply = send(&state, vote(body.clone())).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
        let (_, message) = reply.error();
        assert!(message.contains(field), "{body}: {message}");
    }
    let reply = send(
        &state,
        Request::get("/api/feedback").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);

    let text = metrics(&state).await;
    assert!(
        text.contains(r#"twin_feedback_total{rating="up"} 1"#),
        "{text}"
    );
    assert!(
        text.contains(r#"twin_feedback_total{rating="down"} 1"#),
        "{text}"
    );
}

const GITHUB_SEARCH_EMPTY: &str =
    include_str!("../../../twin-tickets/tests/data/github_search_empty.json");
const GITHUB_ISSUE: &str = include_str!("../../../twin-tickets/tests/data/github_issue.json");

async fn github() -> MockServer {
    let github = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/search/issues"))
        .respond_with(ResponseTemplate::new(200).set_body_string(GITHUB_SEARCH_EMPTY))
        .mount(&github)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/octo/twin/issues"))
        .respond_with(ResponseTemplate::new(200).set_body_string("[]"))
        .mount(&github)
        .await;
    Mock::given(method("POST"))
        .and(path("/repos/octo/twin/issues"))
        .respond_with(ResponseTemplate::new(201).set_body_string(GITHUB_ISSUE))
        .mount(&github)
        .await;
    github
}

/// A twin that files tickets in the fake GitHub `github`.
fn tracked_state(github: &MockServer) -> AppState {
    state(&[
        ("GITHUB_REPO", "octo/twin"),
        ("GITHUB_TOKEN", "ghp_test_token_0123456789"),
        ("GITHUB_API_URL", &github.uri()),
    ])
}

async fn created_issues(github: &MockServer) -> Vec<serde_json::Value> {
    github
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.method.as_str() == "POST" && r.url.path() == "/repos/octo/twin/issues")
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

#[tokio::test]
async fn a_commented_down_vote_becomes_a_ticket() {
    let github = github().await;
    let state = tracked_state(&github);
    let reply = send(
        &state,
        vote(json!({
            "answer_id": "ans_0123456789abcdef0123456789abcdef",
            "rating": "down",
            "comment": "It does not say since when.",
            "question": "Where do you work now?"
        })),
    )
    .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED);
    let issues = created_issues(&github).await;
    assert_eq!(issues.len(), 1, "{issues:?}");
    let body = issues[0]["body"].as_str().unwrap();
    assert!(body.contains("Where do you work now?"), "{body}");
    assert!(body.contains("It does not say since when."), "{body}");
    assert!(body.contains("twin-gap:"), "{body}");

    // An up-vote, or a down-vote without a comment, files nothing.
    send(
        &state,
        vote(json!({
            "answer_id": "ans_0123456789abcdef0123456789abcdef",
            "rating": "down",
            "question": "Where do you work now?"
        })),
    )
    .await;
    assert_eq!(created_issues(&github).await.len(), 1);
}

#[tokio::test]
async fn an_uncovered_first_question_becomes_a_ticket_before_the_response_ends() {
    let github = github().await;
    let state = tracked_state(&github);
    // A serverless instance may be frozen once its response is complete, so
    // the ticket is filed by then, as JSON and as an event stream.
    let reply = send(&state, question("What is your favourite opera?")).await;
    assert_eq!(reply.json()["covered"], false);
    let issues = created_issues(&github).await;
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert!(
        issues[0]["body"]
            .as_str()
            .unwrap()
            .contains("What is your favourite opera?")
    );

    let streamed = chat_request(
        json!({ "message": "Which opera singers do you admire?" }).to_string(),
        "text/event-stream",
    );
    let reply = send(&state, streamed).await;
    assert!(reply.text().contains("event: done"), "{}", reply.text());
    assert_eq!(created_issues(&github).await.len(), 2);
    assert!(!format!("{:?}", state.settings()).contains("ghp_test_token"));
}

#[tokio::test]
async fn an_uncovered_question_answered_from_the_cache_still_reaches_the_tracker() {
    let github = github().await;
    let state = tracked_state(&github);
    let before = metrics(&state).await;
    for outcome in ["created", "commented", "throttled", "failed", "timed_out"] {
        let zero = format!(r#"twin_tickets_total{{outcome="{outcome}"}} 0"#);
        assert!(before.contains(&zero), "{zero} in {before}");
    }
    send(&state, question("What is your favourite opera?")).await;
    send(&state, question("What is your favourite opera?")).await;
    let text = metrics(&state).await;
    assert!(
        text.contains(r#"twin_cache_requests_total{result="hit"} 1"#),
        "{text}"
    );
    // The repeat, answered from the cache, is handed to the tracker too,
    // which decides: here the comment interval holds it back.
    assert!(
        text.contains(r#"twin_tickets_total{outcome="created"} 1"#),
        "{text}"
    );
    assert!(
        text.contains(r#"twin_tickets_total{outcome="throttled"} 1"#),
        "{text}"
    );
    assert_eq!(created_issues(&github).await.len(), 1);
}

#[tokio::test]
async fn a_tracker_that_fails_is_counted_and_the_answer_still_comes() {
    let github = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(401).set_body_string(r#"{"message":"Bad credentials"}"#),
        )
        .mount(&github)
        .await;
    let state = tracked_state(&github);
    let reply = send(&state, question("What is your favourite opera?")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["covered"], false);
    let text = metrics(&state).await;
    assert!(
        text.contains(r#"twin_tickets_total{outcome="failed"} 1"#),
        "{text}"
    );
}

#[tokio::test]
async fn a_covered_question_or_a_follow_up_files_no_ticket() {
    let github = github().await;
    let state = tracked_state(&github);
    let reply = send(&state, question("Where do you work now?")).await;
    assert_eq!(reply.json()["covered"], true);
    // A follow-up's own words ("and the opera?") are no question to file.
    let follow_up = json!({
        "message": "And which opera do you like?",
        "history": [
            {"role": "user", "content": "Where do you work now?"},
            {"role": "assistant", "content": "I work at Acme. [1]"}
        ]
    });
    let reply = send(
        &state,
        chat_request(follow_up.to_string(), "application/json"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(created_issues(&github).await.is_empty());
}

#[tokio::test]
async fn half_a_tracker_configuration_is_a_start_up_error() {
    let vars: HashMap<String, String> =
        HashMap::from([("LINEAR_API_KEY".to_owned(), "lin_api_x".to_owned())]);
    let error = Settings::from_lookup(|name| vars.get(name).cloned()).unwrap_err();
    assert_eq!(error.variable, "LINEAR_TEAM_ID", "{error}");
}
