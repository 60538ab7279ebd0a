//! Prometheus metrics, served at `GET /api/metrics` in the OpenMetrics text
//! format.
//!
//! The names are a contract with `ops/prometheus/alerts.yml` and the Grafana
//! dashboard beside it: rename one and the alerts go quiet. Every metric is
//! per process: a long-running `twin serve` sees all its traffic, while on
//! Vercel and Lambda each instance counts only its own, so a scrape samples
//! one instance (the platforms' own dashboards see them all).

use std::sync::atomic::AtomicU64;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// Request latency buckets, in seconds: fine below 100 ms, where the twin
/// lives, and up to the 5 s and 30 s an LLM answer can take.
const LATENCY: [f64; 13] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0,
];
/// Retrieval buckets, in seconds: the embedded index answers in microseconds,
/// Upstash in tens of milliseconds.
const RETRIEVAL: [f64; 12] = [
    0.0001, 0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteStatus {
    route: &'static str,
    status: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Route {
    route: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct IndexLabel {
    index: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ModelLabel {
    model: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Tokens {
    model: String,
    kind: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CacheResult {
    result: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Reason {
    reason: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Scope {
    scope: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RatingLabel {
    rating: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TicketOutcome {
    outcome: &'static str,
}

/// What became of a gap handed to the ticket tracker.
pub(crate) const TICKET_OUTCOMES: [&str; 5] =
    ["created", "commented", "throttled", "failed", "timed_out"];

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Upstream {
    dependency: &'static str,
    kind: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DependencyLabel {
    dependency: &'static str,
}

/// An outside service the twin calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dependency {
    Upstash,
    Groq,
}

/// What went wrong with a call to an outside service, as the alert rules
/// group it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The connection failed.
    Connect,
    Timeout,
    /// A 5xx answer.
    Server,
    /// A 429 that will pass.
    RateLimited,
    /// A quota that is used up for the day.
    Quota,
    /// The key or token was refused.
    Auth,
    /// Any other 4xx.
    Rejected,
    /// An answer that was not the documented shape.
    Decode,
}

impl ErrorKind {
    pub const ALL: [ErrorKind; 8] = [
        ErrorKind::Connect,
        ErrorKind::Timeout,
        ErrorKind::Server,
        ErrorKind::RateLimited,
        ErrorKind::Quota,
        ErrorKind::Auth,
        ErrorKind::Rejected,
        ErrorKind::Decode,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Connect => "connect",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Server => "server",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Quota => "quota",
            ErrorKind::Auth => "auth",
            ErrorKind::Rejected => "rejected",
            ErrorKind::Decode => "decode",
        }
    }
}

/// Every metric the twin exports, and the registry that renders them.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RouteStatus, Counter>,
    duration: Family<Route, Histogram, fn() -> Histogram>,
    in_flight: Gauge,
    streams: Gauge,
    retrieval: Family<IndexLabel, Histogram, fn() -> Histogram>,
    first_token: Family<ModelLabel, Histogram, fn() -> Histogram>,
    tokens: Family<Tokens, Counter>,
    cache: Family<CacheResult, Counter>,
    degraded: Family<Reason, Counter>,
    rate_limited: Family<Scope, Counter>,
    feedback: Family<RatingLabel, Counter>,
    tickets: Family<TicketOutcome, Counter>,
    upstream_errors: Family<Upstream, Counter>,
    dependency_up: Family<DependencyLabel, Gauge>,
    memory: Gauge<u64, AtomicU64>,
    memory_limit: Gauge<u64, AtomicU64>,
}

fn latency() -> Histogram {
    Histogram::new(LATENCY)
}

fn retrieval() -> Histogram {
    Histogram::new(RETRIEVAL)
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new(memory_limit())
    }
}

impl Metrics {
    /// Registers every metric. `memory_limit` is the process's memory limit
    /// in bytes, when one is known.
    pub fn new(memory_limit: Option<u64>) -> Metrics {
        let mut metrics = Metrics {
            registry: Registry::default(),
            requests: Family::default(),
            duration: Family::new_with_constructor(latency),
            in_flight: Gauge::default(),
            streams: Gauge::default(),
            retrieval: Family::new_with_constructor(retrieval),
            first_token: Family::new_with_constructor(latency),
            tokens: Family::default(),
            cache: Family::default(),
            degraded: Family::default(),
            rate_limited: Family::default(),
            feedback: Family::default(),
            tickets: Family::default(),
            upstream_errors: Family::default(),
            dependency_up: Family::default(),
            memory: Gauge::default(),
            memory_limit: Gauge::default(),
        };
        if let Some(limit) = memory_limit {
            metrics.memory_limit.set(limit);
        }
        // Every counter an alert reads starts at zero: `rate()` and
        // `increase()` cannot see the increment that creates a series.
        for dependency in [Dependency::Upstash, Dependency::Groq] {
            for kind in ErrorKind::ALL {
                let _ = metrics.upstream_errors.get_or_create(&Upstream {
                    dependency: dependency.as_str(),
                    kind: kind.as_str(),
                });
            }
        }
        for result in ["hit", "miss"] {
            let _ = metrics.cache.get_or_create(&CacheResult { result });
        }
        for rating in ["up", "down"] {
            let _ = metrics.feedback.get_or_create(&RatingLabel { rating });
        }
        for outcome in TICKET_OUTCOMES {
            let _ = metrics.tickets.get_or_create(&TicketOutcome { outcome });
        }
        for scope in ["ip", "llm"] {
            let _ = metrics.rate_limited.get_or_create(&Scope { scope });
        }
        let r = &mut metrics.registry;
        r.register(
            "twin_http_requests",
            "HTTP requests answered, by route template and status",
            metrics.requests.clone(),
        );
        r.register(
            "twin_http_request_duration_seconds",
            "Time to the response head (for a stream, to its first byte), by route",
            metrics.duration.clone(),
        );
        r.register(
            "twin_http_requests_in_flight",
            "Requests being answered, streams included until they end",
            metrics.in_flight.clone(),
        );
        r.register(
            "twin_streams_in_flight",
            "Server-Sent Event answers still streaming",
            metrics.streams.clone(),
        );
        r.register(
            "twin_retrieval_duration_seconds",
            "Time to find the relevant chunks, by index",
            metrics.retrieval.clone(),
        );
        r.register(
            "twin_llm_time_to_first_token_seconds",
            "From the question to the model's first token, by model",
            metrics.first_token.clone(),
        );
        r.register(
            "twin_llm_tokens",
            "Tokens the model read (prompt) and wrote (completion), by model",
            metrics.tokens.clone(),
        );
        r.register(
            "twin_cache_requests",
            "Answer cache lookups, by result (hit or miss)",
            metrics.cache.clone(),
        );
        r.register(
            "twin_answers_degraded",
            "Answers the extractive composer gave because the model failed, by reason",
            metrics.degraded.clone(),
        );
        r.register(
            "twin_rate_limited",
            "Requests refused with 429, by scope (ip or llm)",
            metrics.rate_limited.clone(),
        );
        r.register(
            "twin_feedback",
            "Visitors' votes on answers, by rating (up or down)",
            metrics.feedback.clone(),
        );
        r.register(
            "twin_tickets",
            "Unanswered questions and commented down-votes handed to the ticket tracker, \
             by outcome (created, commented, throttled, failed, timed_out)",
            metrics.tickets.clone(),
        );
        r.register(
            "twin_upstream_errors",
            "Failed calls to outside services, by dependency and kind",
            metrics.upstream_errors.clone(),
        );
        r.register(
            "twin_dependency_up",
            "1 when the last deep health check reached the dependency, else 0",
            metrics.dependency_up.clone(),
        );
        r.register(
            "process_resident_memory_bytes",
            "Resident memory of this process",
            metrics.memory.clone(),
        );
        r.register(
            "twin_memory_limit_bytes",
            "The memory this process may use (cgroup, Lambda or TWIN_MEMORY_LIMIT_MB)",
            metrics.memory_limit.clone(),
        );
        metrics
    }

    /// The exposition, in the OpenMetrics text format.
    pub fn render(&self) -> String {
        if let Some(rss) = resident_memory() {
            self.memory.set(rss);
        }
        let mut out = String::with_capacity(8 * 1024);
        // Writing to a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }

    pub(crate) fn request(&self, route: &'static str, status: u16, took: Duration) {
        self.requests
            .get_or_create(&RouteStatus {
                route,
                status: status.to_string(),
            })
            .inc();
        self.duration
            .get_or_create(&Route { route })
            .observe(took.as_secs_f64());
    }

    pub(crate) fn in_flight(&self) -> &Gauge {
        &self.in_flight
    }

    pub(crate) fn streams(&self) -> &Gauge {
        &self.streams
    }

    pub(crate) fn retrieval(&self, index: &'static str, took: Duration) {
        self.retrieval
            .get_or_create(&IndexLabel { index })
            .observe(took.as_secs_f64());
    }

    pub(crate) fn first_token(&self, model: &str, took: Duration) {
        self.first_token
            .get_or_create(&ModelLabel {
                model: model.to_owned(),
            })
            .observe(took.as_secs_f64());
    }

    pub(crate) fn tokens(&self, model: &str, prompt: u64, completion: u64) {
        for (kind, n) in [("prompt", prompt), ("completion", completion)] {
            self.tokens
                .get_or_create(&Tokens {
                    model: model.to_owned(),
                    kind,
                })
                .inc_by(n);
        }
    }

    pub(crate) fn cache(&self, hit: bool) {
        let result = if hit { "hit" } else { "miss" };
        self.cache.get_or_create(&CacheResult { result }).inc();
    }

    pub(crate) fn degraded(&self, reason: &'static str) {
        self.degraded.get_or_create(&Reason { reason }).inc();
    }

    pub(crate) fn rate_limited(&self, scope: &'static str) {
        self.rate_limited.get_or_create(&Scope { scope }).inc();
    }

    pub(crate) fn feedback(&self, rating: &'static str) {
        self.feedback.get_or_create(&RatingLabel { rating }).inc();
    }

    /// Counts a gap handed to the tracker; `outcome` is one of
    /// [`TICKET_OUTCOMES`].
    pub(crate) fn ticket(&self, outcome: &'static str) {
        debug_assert!(TICKET_OUTCOMES.contains(&outcome), "{outcome}");
        self.tickets.get_or_create(&TicketOutcome { outcome }).inc();
    }

    pub(crate) fn upstream_error(&self, dependency: Dependency, kind: ErrorKind) {
        self.upstream_errors
            .get_or_create(&Upstream {
                dependency: dependency.as_str(),
                kind: kind.as_str(),
            })
            .inc();
    }

    pub(crate) fn dependency_up(&self, dependency: Dependency, up: bool) {
        self.dependency_up
            .get_or_create(&DependencyLabel {
                dependency: dependency.as_str(),
            })
            .set(i64::from(up));
    }
}

impl Dependency {
    pub fn as_str(self) -> &'static str {
        match self {
            Dependency::Upstash => "upstash",
            Dependency::Groq => "groq",
        }
    }
}

/// Resident set size from `/proc/self/statm` (Linux), in bytes.
fn resident_memory() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// The memory limit: `TWIN_MEMORY_LIMIT_MB`, else Lambda's configured size,
/// else the cgroup v2 limit, else unknown.
fn memory_limit() -> Option<u64> {
    let mb = |name: &str| {
        std::env::var(name)
            .ok()?
            .trim()
            .parse::<u64>()
            .ok()
            .map(|mb| mb * 1024 * 1024)
    };
    mb("TWIN_MEMORY_LIMIT_MB")
        .or_else(|| mb("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"))
        .or_else(|| {
            std::fs::read_to_string("/sys/fs/cgroup/memory.max")
                .ok()?
                .trim()
                .parse()
                .ok()
        })
}

impl ErrorKind {
    /// How the alert rules see an Upstash failure.
    pub fn of_upstash(error: &twin_upstash::UpstashError) -> ErrorKind {
        use twin_upstash::UpstashError as E;
        match error {
            E::Transient {
                status: Some(_), ..
            } => ErrorKind::Server,
            E::Transient { message, .. } if message.contains("timed out") => ErrorKind::Timeout,
            E::Transient { .. } => ErrorKind::Connect,
            // Upstash's 429 is the plan's daily request quota.
            E::RateLimited { message, .. } if message.contains("daily") => ErrorKind::Quota,
            E::RateLimited { .. } => ErrorKind::RateLimited,
            E::Unauthorized { .. } => ErrorKind::Auth,
            E::NotFound(_) | E::Rejected { .. } | E::Config(_) => ErrorKind::Rejected,
            E::Malformed(_) => ErrorKind::Decode,
        }
    }

    /// How the alert rules see a chat completions failure. A 429 that asks
    /// for a minute or more is a quota used up, not a burst.
    pub fn of_groq(error: &twin_groq::GroqError) -> ErrorKind {
        use twin_groq::GroqError as E;
        match error {
            E::Transient(message) if message.contains("timed out") => ErrorKind::Timeout,
            E::Transient(message)
                if message.contains("connect") || message.contains("connection") =>
            {
                ErrorKind::Connect
            }
            E::Transient(_) => ErrorKind::Server,
            E::RateLimited { retry_after, .. }
                if retry_after.is_none_or(|d| d >= Duration::from_secs(60)) =>
            {
                ErrorKind::Quota
            }
            E::RateLimited { .. } => ErrorKind::RateLimited,
            E::Unauthorized | E::Forbidden(_) => ErrorKind::Auth,
            E::ModelNotFound { .. } | E::ContextTooLong | E::BadRequest(_) | E::Config(_) => {
                ErrorKind::Rejected
            }
            E::Malformed(_) => ErrorKind::Decode,
        }
    }
}

impl twin_groq::GroqObserver for Metrics {
    fn usage(&self, model: &str, usage: &twin_groq::Usage) {
        self.tokens(model, usage.prompt_tokens, usage.completion_tokens);
    }

    fn error(&self, _model: &str, error: &twin_groq::GroqError) {
        self.upstream_error(Dependency::Groq, ErrorKind::of_groq(error));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exposition_names_what_the_alert_rules_read() {
        let metrics = Metrics::new(Some(512 * 1024 * 1024));
        metrics.request("/api/chat", 200, Duration::from_millis(12));
        metrics.request("/api/chat", 503, Duration::from_millis(3));
        metrics.in_flight().inc();
        metrics.retrieval("embedded", Duration::from_micros(40));
        metrics.first_token("openai/gpt-oss-120b", Duration::from_millis(300));
        metrics.tokens("openai/gpt-oss-120b", 412, 12);
        metrics.cache(true);
        metrics.cache(false);
        metrics.degraded("rate_limited");
        metrics.rate_limited("ip");
        metrics.upstream_error(Dependency::Upstash, ErrorKind::Connect);
        metrics.dependency_up(Dependency::Groq, false);
        let text = metrics.render();
        for line in [
            r#"twin_http_requests_total{route="/api/chat",status="200"} 1"#,
            r#"twin_http_requests_total{route="/api/chat",status="503"} 1"#,
            r#"twin_http_request_duration_seconds_bucket{le="0.025",route="/api/chat"} 2"#,
            "twin_http_requests_in_flight 1",
            "twin_streams_in_flight 0",
            r#"twin_retrieval_duration_seconds_count{index="embedded"} 1"#,
            r#"twin_llm_time_to_first_token_seconds_count{model="openai/gpt-oss-120b"} 1"#,
            r#"twin_llm_tokens_total{model="openai/gpt-oss-120b",kind="prompt"} 412"#,
            r#"twin_llm_tokens_total{model="openai/gpt-oss-120b",kind="completion"} 12"#,
            r#"twin_cache_requests_total{result="hit"} 1"#,
            r#"twin_cache_requests_total{result="miss"} 1"#,
            r#"twin_answers_degraded_total{reason="rate_limited"} 1"#,
            r#"twin_rate_limited_total{scope="ip"} 1"#,
            r#"twin_upstream_errors_total{dependency="upstash",kind="connect"} 1"#,
            r#"twin_dependency_up{dependency="groq"} 0"#,
            "twin_memory_limit_bytes 536870912",
        ] {
            assert!(text.contains(line), "missing {line:?} in\n{text}");
        }
        assert!(text.contains("process_resident_memory_bytes "), "{text}");
        // Series the alerts read exist before their first event.
        assert!(
            text.contains(r#"twin_upstream_errors_total{dependency="groq",kind="quota"} 0"#),
            "{text}"
        );
        assert!(
            text.contains(r#"twin_rate_limited_total{scope="llm"} 0"#),
            "{text}"
        );
        assert!(text.ends_with("# EOF\n"));
    }

    #[test]
    fn failures_are_grouped_as_the_alerts_expect() {
        use twin_upstash::UpstashError as U;
        let transient = |status, message: &str| U::Transient {
            status,
            message: message.into(),
        };
        assert_eq!(
            ErrorKind::of_upstash(&transient(Some(503), "Service Unavailable")),
            ErrorKind::Server
        );
        assert_eq!(
            ErrorKind::of_upstash(&transient(None, "operation timed out")),
            ErrorKind::Timeout
        );
        assert_eq!(
            ErrorKind::of_upstash(&transient(None, "error sending request")),
            ErrorKind::Connect
        );
        assert_eq!(
            ErrorKind::of_upstash(&U::RateLimited {
                message: "ERR max daily request limit exceeded".into(),
                retry_after: None,
            }),
            ErrorKind::Quota
        );
        use twin_groq::GroqError as G;
        assert_eq!(ErrorKind::of_groq(&G::Unauthorized), ErrorKind::Auth);
        assert_eq!(
            ErrorKind::of_groq(&G::RateLimited {
                retry_after: Some(Duration::from_secs(2)),
                limits: Box::default(),
            }),
            ErrorKind::RateLimited
        );
        assert_eq!(
            ErrorKind::of_groq(&G::RateLimited {
                retry_after: Some(Duration::from_secs(3600)),
                limits: Box::default(),
            }),
            ErrorKind::Quota
        );
    }
}
