//! The twin's own cost per chat when both upstreams answer instantly.
//!
//! Upstash is the stateful fake from `twin-testkit`, Groq a small
//! OpenAI-compatible server that streams the documented chunks of
//! `twin-groq/tests/data/stream.txt`; both on loopback, both in this process.
//! The twin is the real router served over TCP as `twin serve` serves it,
//! on a multi-threaded runtime of its own; a reqwest client on another
//! thread asks one question at a time over a kept-alive connection. Two measurements:
//!
//! 1. **Overhead**: the wall time of a whole `POST /api/chat` (SSE) from
//!    sending the request to reading `event: done`. The upstreams take no
//!    time of their own, so this is the twin's overhead, plus two loopback
//!    round trips and the fakes' own work, which are counted against it.
//! 2. **First-token relay**: the fake LLM sends its first content token and
//!    then holds the rest for 20 ms; the relay time is from the moment the
//!    fake hands that chunk to its socket to the moment the client reads the
//!    twin's first `event: token`.
//!
//! Run: `cargo bench -p twin-http --bench upstreams` (add `-- --quick` for a
//! short run). Figures are in BENCHMARKS.md.

// A benchmark harness: any failure should stop it loudly.
#![allow(clippy::unwrap_used)]
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header;
use axum::response::Response;
use axum::routing::post;
use axum::serve::ListenerExt;
use futures_util::StreamExt;
use tokio::runtime::Handle;
use twin_core::{Profile, chunk_profile};
use twin_http::{AppState, Secret, Settings, app};
use twin_testkit::{FAKE_TOKEN, FakeUpstash};

const PROFILE: &str = include_str!("../../../data/digitaltwin.json");
const STREAM: &str = include_str!("../../twin-groq/tests/data/stream.txt");
const QUESTION: &str = r#"{"message":"How did you cut the tracking latency?"}"#;

/// What the fake LLM does between its first content token and the rest.
#[derive(Clone, Default)]
struct Llm {
    /// Hold the rest of the stream this long after the first token.
    pause: Option<Duration>,
    /// When the first content token was handed to the socket.
    first_token_sent: Arc<Mutex<Option<Instant>>>,
}

async fn completions(State(llm): State<Llm>) -> Response {
    if llm.pause.is_none() {
        // Instantly: the whole answer in one write.
        return Response::builder()
            .header(header::CONTENT_TYPE, "text/event-stream")
            .body(Body::from(STREAM))
            .unwrap();
    }
    let events: Vec<Bytes> = STREAM
        .split_inclusive("\n\n")
        .map(|event| Bytes::copy_from_slice(event.as_bytes()))
        .collect();
    // Events 0 and 1 are the role and the first content token.
    let first_content = 1;
    let body = futures_util::stream::unfold(0, move |i| {
        let llm = llm.clone();
        let event = events.get(i).cloned();
        async move {
            let event = event?;
            if i == first_content + 1
                && let Some(pause) = llm.pause
            {
                tokio::time::sleep(pause).await;
            }
            if i == first_content {
                *llm.first_token_sent.lock().unwrap() = Some(Instant::now());
            }
            Some((Ok::<_, std::convert::Infallible>(event), i + 1))
        }
    });
    Response::builder()
        .header(header::CONTENT_TYPE, "text/event-stream")
        .body(Body::from_stream(body))
        .unwrap()
}

/// Upstash answering instantly: a canned `query-data` answer (recorded
/// from the stateful fake at start-up), everything else passed through to
/// the stateful fake, which holds the synced namespace.
#[derive(Clone)]
struct InstantUpstash {
    fake: String,
    answer: Bytes,
    http: reqwest::Client,
}

async fn instant_upstash(
    State(upstash): State<InstantUpstash>,
    uri: axum::http::Uri,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Response {
    if uri.path().starts_with("/query-data") {
        return Response::builder()
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(upstash.answer.clone()))
            .unwrap();
    }
    let mut forward = upstash
        .http
        .post(format!("{}{uri}", upstash.fake))
        .body(body);
    if let Some(auth) = headers.get(header::AUTHORIZATION) {
        forward = forward.header(header::AUTHORIZATION, auth);
    }
    let reply = forward.send().await.unwrap();
    let status = reply.status();
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(reply.bytes().await.unwrap()))
        .unwrap()
}

/// Serves `router` on a free loopback port from the runtime `on`, with
/// TCP_NODELAY as `twin serve` sets it.
async fn serve(on: &Handle, router: Router) -> SocketAddr {
    let (tx, rx) = tokio::sync::oneshot::channel();
    on.spawn(async move {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .unwrap();
        tx.send(listener.local_addr().unwrap()).unwrap();
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        axum::serve(listener, router).await.unwrap();
    });
    rx.await.unwrap()
}

struct Stats {
    samples: Vec<Duration>,
}

impl Stats {
    fn new(mut samples: Vec<Duration>) -> Stats {
        samples.sort();
        Stats { samples }
    }

    fn at(&self, quantile: f64) -> f64 {
        let i = ((self.samples.len() as f64 - 1.0) * quantile).round() as usize;
        self.samples[i].as_secs_f64() * 1e3
    }

    fn row(&self, name: &str, target: &str) -> String {
        format!(
            "| {name} | {} | {:.3} | {:.3} | {:.3} | {:.3} | {target} |",
            self.samples.len(),
            self.at(0.5),
            self.at(0.9),
            self.at(0.99),
            self.at(1.0),
        )
    }
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    // The twin runs as `twin serve` runs it: on a multi-threaded runtime of
    // its own. The client and the fake upstreams share one other thread, as
    // if they were other machines.
    let twin = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let harness = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    harness.block_on(run(quick, twin.handle()));
}

async fn run(quick: bool, twin_runtime: &Handle) {
    let here = Handle::current();
    let (warmup, overhead_n, relay_n) = if quick {
        (50, 300, 50)
    } else {
        (500, 5_000, 500)
    };

    let upstash = FakeUpstash::start().await.unwrap();
    let profile = Profile::from_json(PROFILE).unwrap();
    let client = twin_upstash::UpstashClient::new(twin_upstash::UpstashConfig::new(
        upstash.url(),
        Secret::new(FAKE_TOKEN),
    ))
    .unwrap();
    twin_upstash::sync::sync(
        &client,
        &chunk_profile(&profile),
        &Default::default(),
        &mut |_| {},
    )
    .await
    .unwrap();

    let namespace = twin_core::namespace_for(&chunk_profile(&profile));
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let query_body = r#"{"data":"How did you cut the tracking latency?","topK":5,"includeMetadata":true,"includeData":true}"#;
    let answer = http
        .post(format!("{}/query-data/{namespace}", upstash.url()))
        .bearer_auth(FAKE_TOKEN)
        .body(query_body)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let instant = serve(
        &here,
        Router::new()
            .fallback(instant_upstash)
            .with_state(InstantUpstash {
                fake: upstash.url().to_owned(),
                answer,
                http: http.clone(),
            }),
    )
    .await;

    let llm = Llm::default();
    let groq = serve(
        &here,
        Router::new()
            .route("/chat/completions", post(completions))
            .with_state(llm.clone()),
    )
    .await;
    let slow_llm = Llm {
        pause: Some(Duration::from_millis(20)),
        ..Llm::default()
    };
    let slow_groq = serve(
        &here,
        Router::new()
            .route("/chat/completions", post(completions))
            .with_state(slow_llm.clone()),
    )
    .await;

    let twin = |groq: SocketAddr| {
        let vars: HashMap<&str, String> = HashMap::from([
            ("UPSTASH_VECTOR_REST_URL", format!("http://{instant}")),
            ("UPSTASH_VECTOR_REST_TOKEN", FAKE_TOKEN.to_owned()),
            ("GROQ_API_KEY", "gsk_bench".to_owned()),
            ("GROQ_BASE_URL", format!("http://{groq}")),
        ]);
        let settings = Settings::from_lookup(|name| vars.get(name).cloned()).unwrap();
        AppState::new(profile.clone(), settings).unwrap()
    };
    let fast = twin(groq);
    let slow = twin(slow_groq);
    for state in [&fast, &slow] {
        let state = state.clone();
        let ready = twin_runtime
            .spawn(async move { state.twin().index().remote().unwrap().refresh().await });
        assert!(ready.await.unwrap(), "the namespace is complete");
    }
    let fast_url = format!(
        "http://{}/api/chat",
        serve(twin_runtime, app(fast.clone())).await
    );
    let slow_url = format!(
        "http://{}/api/chat",
        serve(twin_runtime, app(slow.clone())).await
    );

    let ask = |url: &str| {
        http.post(url)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "text/event-stream")
            .body(QUESTION)
            .send()
    };

    // Overhead: whole answers, one at a time.
    for _ in 0..warmup {
        ask(&fast_url).await.unwrap().bytes().await.unwrap();
    }
    let mut overhead = Vec::with_capacity(overhead_n);
    for _ in 0..overhead_n {
        let started = Instant::now();
        let body = ask(&fast_url).await.unwrap().bytes().await.unwrap();
        overhead.push(started.elapsed());
        let body = std::str::from_utf8(&body).unwrap();
        assert!(
            body.contains("event: done")
                && body.contains(r#""mode":"generative""#)
                && body.contains(r#""covered":true"#),
            "every answer is the LLM's from Upstash's hits, streamed to the end: {body}"
        );
    }
    assert_eq!(fast.degraded_answers(), 0);

    // The floor: the same two upstream calls made straight from the client.
    assert_eq!(fast.twin().index().remote().unwrap().namespace(), namespace);
    let query = format!("http://{instant}/query-data/{namespace}");
    let completions = format!("http://{groq}/chat/completions");
    let mut floor = Vec::with_capacity(overhead_n);
    for _ in 0..overhead_n {
        let started = Instant::now();
        http.post(&query)
            .bearer_auth(FAKE_TOKEN)
            .body(query_body)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        http.post(&completions)
            .body("{}")
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        floor.push(started.elapsed());
    }

    // First-token relay: the LLM sends one token, then holds the rest.
    for _ in 0..warmup / 10 {
        ask(&slow_url).await.unwrap().bytes().await.unwrap();
    }
    let mut relay = Vec::with_capacity(relay_n);
    for _ in 0..relay_n {
        *slow_llm.first_token_sent.lock().unwrap() = None;
        let mut stream = ask(&slow_url).await.unwrap().bytes_stream();
        let mut seen = Vec::new();
        let received = loop {
            let chunk = stream
                .next()
                .await
                .expect("a token before the end")
                .unwrap();
            seen.extend_from_slice(&chunk);
            if memchr_token(&seen) {
                break Instant::now();
            }
        };
        let sent = slow_llm
            .first_token_sent
            .lock()
            .unwrap()
            .expect("the fake sent its first token");
        assert!(
            received.duration_since(sent) < Duration::from_millis(20),
            "the first token came before the held rest of the stream"
        );
        relay.push(received.duration_since(sent));
        while stream.next().await.is_some() {}
    }

    println!("| measurement | n | p50 ms | p90 ms | p99 ms | max ms | target |");
    println!("|---|---:|---:|---:|---:|---:|---|");
    println!(
        "{}",
        Stats::new(overhead).row("chat overhead, upstreams instant", "p50 <= 0.5, p99 <= 2")
    );
    println!(
        "{}",
        Stats::new(floor).row("the two upstream calls alone, from the client", "(floor)")
    );
    println!(
        "{}",
        Stats::new(relay).row("first upstream token relayed", "<= 1")
    );
}

fn memchr_token(seen: &[u8]) -> bool {
    seen.windows(b"event: token".len())
        .any(|w| w == b"event: token")
}
