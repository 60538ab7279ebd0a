//! The router with Upstash (the stateful fake) and an OpenAI-compatible LLM
//! (wiremock) configured: readiness, fallbacks, degraded answers, reindex.

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use tower::ServiceExt;
use twin_core::{Profile, chunk_profile, namespace_for};
use twin_http::webhook::sign;
use twin_http::{AppState, Secret, Settings, app};
use twin_testkit::{FAKE_TOKEN, FakeUpstash};
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::{FIXTURE, Reply, events};

const STREAM: &str = include_str!("../../../twin-groq/tests/data/stream.txt");
const RATE_LIMITED: &str = include_str!("../../../twin-groq/tests/data/error_429.json");
const SECRET: &str = "reindex-secret-0123456789";

fn settings(vars: &[(&str, &str)]) -> Settings {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    Settings::from_lookup(|name| vars.get(name).cloned()).unwrap()
}

fn state(settings: Settings) -> AppState {
    AppState::new(Profile::from_json(FIXTURE).unwrap(), settings).unwrap()
}

fn upstash_state(fake: &FakeUpstash, extra: &[(&str, &str)]) -> AppState {
    // Without the answer cache: these tests count upstream requests.
    let mut vars = vec![
        ("UPSTASH_VECTOR_REST_URL", fake.url()),
        ("UPSTASH_VECTOR_REST_TOKEN", FAKE_TOKEN),
        ("TWIN_CACHE_CAPACITY", "0"),
    ];
    vars.extend_from_slice(extra);
    state(settings(&vars))
}

async fn send(state: &AppState, request: Request<Body>) -> Reply {
    let response = app(state.clone()).oneshot(request).await.unwrap();
    Reply::from(response).await
}

async fn ask(state: &AppState, question: &str, accept: &str) -> Reply {
    let request = Request::post("/api/chat")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, accept)
        .body(Body::from(json!({ "message": question }).to_string()))
        .unwrap();
    send(state, request).await
}

async fn health(state: &AppState) -> serde_json::Value {
    send(
        state,
        Request::get("/api/health").body(Body::empty()).unwrap(),
    )
    .await
    .json()
}

#[tokio::test]
async fn an_empty_namespace_is_never_queried_and_gets_synced() {
    let fake = FakeUpstash::start().await.unwrap();
    let state = upstash_state(&fake, &[]);
    let remote = state.twin().index().remote().unwrap();
    let chunks = chunk_profile(&Profile::from_json(FIXTURE).unwrap());
    assert_eq!(remote.namespace(), namespace_for(&chunks));

    // The first question finds the namespace empty: the embedded index
    // answers, and a sync starts in the background.
    let reply = ask(
        &state,
        "How did you cut the tracking latency?",
        "application/json",
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["covered"], true);
    assert_eq!(fake.requests("query-data"), 0);
    let body = health(&state).await;
    assert_eq!(body["index"]["kind"], "upstash");
    assert_eq!(body["index"]["ready"], false);
    assert_eq!(body["index"]["fallbacks"], 1);

    // Once the sync is done, the next check finds the namespace complete.
    assert!(remote.refresh().await);
    assert_eq!(fake.ids(remote.namespace()).len(), chunks.len());
    let reply = ask(
        &state,
        "How did you cut the tracking latency?",
        "application/json",
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(fake.requests("query-data"), 1);
    assert!(!reply.json()["citations"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_complete_namespace_answers_from_upstash_at_once() {
    let fake = FakeUpstash::start().await.unwrap();
    let chunks = chunk_profile(&Profile::from_json(FIXTURE).unwrap());
    let client = twin_upstash::UpstashClient::new(twin_upstash::UpstashConfig::new(
        fake.url(),
        Secret::new(FAKE_TOKEN),
    ))
    .unwrap();
    twin_upstash::sync::sync(&client, &chunks, &Default::default(), &mut |_| {})
        .await
        .unwrap();
    fake.reset_counters();

    let state = upstash_state(&fake, &[]);
    let reply = ask(
        &state,
        "How did you cut the tracking latency?",
        "application/json",
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(fake.requests("query-data"), 1);
    assert_eq!(fake.write_requests(), 0);
    assert_eq!(health(&state).await["index"]["ready"], true);
}

#[tokio::test]
async fn a_failing_upstash_is_bridged_by_the_embedded_index() {
    let fake = FakeUpstash::start().await.unwrap();
    let state = upstash_state(&fake, &[]);
    let remote = state.twin().index().remote().unwrap();
    assert!(!remote.refresh().await);
    assert!(remote.refresh().await);
    // Every attempt (with the client's retries) now fails.
    fake.fail_next(&[503; 12]);
    let reply = ask(
        &state,
        "How did you cut the tracking latency?",
        "application/json",
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["covered"], true);
    assert!(remote.fallbacks() >= 1);
}

async fn llm(
    server: &MockServer,
    primary: ResponseTemplate,
    fallback: ResponseTemplate,
) -> AppState {
    for (model, response) in [("primary-model", primary), ("fallback-model", fallback)] {
        Mock::given(method("POST"))
            .and(path("/v1/chat/completions"))
            .and(body_partial_json(json!({ "model": model })))
            .respond_with(response)
            .mount(server)
            .await;
    }
    let base = format!("{}/v1", server.uri());
    state(settings(&[
        ("GROQ_BASE_URL", base.as_str()),
        ("GROQ_API_KEY", "gsk_test_key_0123456789"),
        ("GROQ_MODEL", "primary-model"),
        ("GROQ_FALLBACK_MODELS", "fallback-model"),
    ]))
}

fn sse(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "text/event-stream")
        .set_body_string(body)
}

fn limited() -> ResponseTemplate {
    ResponseTemplate::new(429)
        .insert_header("retry-after", "7")
        .set_body_string(RATE_LIMITED)
}

#[tokio::test]
async fn llm_tokens_are_relayed_as_they_come() {
    let server = MockServer::start().await;
    let state = llm(&server, sse(STREAM), limited()).await;
    let reply = ask(
        &state,
        "How did you cut the tracking latency?",
        "text/event-stream",
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    let events = events(&reply.text());
    let tokens: Vec<&str> = events
        .iter()
        .filter(|(n, _)| n == "token")
        .map(|(_, d)| d["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        tokens,
        ["I", "'m", " a", " backend", " engineer", " [1]", "."]
    );
    let done = &events.last().unwrap().1;
    assert_eq!(done["mode"], "generative");
    assert_eq!(done["cited"], json!([1]));
    assert_eq!(health(&state).await["model"], "primary-model");
}

#[tokio::test]
async fn when_every_model_fails_the_composer_answers_degraded() {
    let server = MockServer::start().await;
    let state = llm(&server, limited(), limited()).await;
    let reply = ask(
        &state,
        "How did you cut the tracking latency?",
        "text/event-stream",
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    let events = events(&reply.text());
    let done = &events.last().unwrap().1;
    assert_eq!(done["mode"], "degraded");
    assert_eq!(done["covered"], true);
    assert!(events.iter().filter(|(n, _)| n == "token").count() > 3);
    assert_eq!(health(&state).await["answers"]["degraded"], 1);

    let reply = ask(
        &state,
        "How did you cut the tracking latency?",
        "application/json",
    )
    .await;
    assert_eq!(reply.json()["mode"], "degraded");
}

#[tokio::test]
async fn an_uncovered_question_never_reaches_the_llm() {
    let server = MockServer::start().await;
    let state = llm(&server, sse(STREAM), sse(STREAM)).await;
    let reply = ask(
        &state,
        "What is the capital of Mongolia?",
        "application/json",
    )
    .await;
    assert_eq!(reply.json()["covered"], false);
    assert!(server.received_requests().await.unwrap().is_empty());
}

fn reindex(body: &str, headers: &[(&str, String)]) -> Request<Body> {
    let mut request = Request::post("/api/reindex");
    for (name, value) in headers {
        request = request.header(*name, value.as_str());
    }
    request.body(Body::from(body.to_owned())).unwrap()
}

#[tokio::test]
async fn reindex_is_authenticated_and_reports_the_sync() {
    let fake = FakeUpstash::start().await.unwrap();
    let state = upstash_state(&fake, &[("TWIN_REINDEX_SECRET", SECRET)]);
    let payload = r#"{"ref":"refs/heads/main","after":"abc123"}"#;

    // Wrong or missing credentials: 401, nothing written.
    for headers in [
        vec![],
        vec![(
            "x-hub-signature-256",
            sign(&Secret::new("wrong-secret-0123456"), payload.as_bytes()),
        )],
        vec![("authorization", "Bearer not-the-secret".to_owned())],
    ] {
        let reply = send(&state, reindex(payload, &headers)).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{headers:?}");
        assert_eq!(reply.error().0, "unauthorized");
    }
    assert_eq!(fake.write_requests(), 0);

    // GitHub's ping when the webhook is created: acknowledged, no sync.
    let signature = sign(&Secret::new(SECRET), b"{}");
    let reply = send(
        &state,
        reindex(
            "{}",
            &[
                ("x-hub-signature-256", signature),
                ("x-github-event", "ping".into()),
            ],
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["event"], "ping");
    assert_eq!(fake.write_requests(), 0);

    // A signed push syncs the bundled profile.
    let signature = sign(&Secret::new(SECRET), payload.as_bytes());
    let reply = send(
        &state,
        reindex(payload, &[("x-hub-signature-256", signature)]),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let report = reply.json();
    let chunks = chunk_profile(&Profile::from_json(FIXTURE).unwrap());
    assert_eq!(report["namespace"], namespace_for(&chunks));
    assert_eq!(report["upserted"], chunks.len());
    assert_eq!(report["write_requests"], 2);

    // Again, with the bearer token: nothing to write.
    let reply = send(
        &state,
        reindex("", &[("authorization", format!("Bearer {SECRET}"))]),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["write_requests"], 0);
    assert_eq!(reply.json()["unchanged"], chunks.len());
}

#[tokio::test]
async fn reindex_refuses_when_it_cannot_run() {
    // No secret: the route is off.
    let fake = FakeUpstash::start().await.unwrap();
    let state = upstash_state(&fake, &[]);
    let reply = send(
        &state,
        reindex("{}", &[("authorization", format!("Bearer {SECRET}"))]),
    )
    .await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(reply.error().0, "reindex_disabled");

    // The embedded index needs no sync.
    let state = self::state(settings(&[("TWIN_REINDEX_SECRET", SECRET)]));
    let reply = send(
        &state,
        reindex("{}", &[("authorization", format!("Bearer {SECRET}"))]),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(reply.error().0, "no_vector_index");

    // Wrong method.
    let reply = send(
        &state,
        Request::get("/api/reindex").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(fake.write_requests(), 0);
}
