//! The adapter between AWS Lambda and [`twin_http::app`].
//!
//! The `twin-lambda` binary calls [`run`]: it checks that it was started by
//! Lambda, reads settings (JSON logs by default under Lambda), builds the
//! twin from the profile compiled into the binary once per cold start, and
//! hands [`service`] to `lambda_http`'s streaming runtime, so SSE answers
//! reach the visitor token by token through a Function URL whose invoke mode
//! is `RESPONSE_STREAM`.
//!
//! [`TwinService`] is the router as Lambda sees it. Before each request
//! reaches the router it
//!
//! * takes the client's address from the event's request context (set by
//!   AWS, unlike `X-Forwarded-For` and `X-Real-IP`, which a client can send)
//!   and gives it to the router as its peer address, the one the per-address
//!   rate limit keys on;
//! * removes the API Gateway stage that `lambda_http` puts in front of the
//!   path (`/prod/api/chat` becomes `/api/chat`); Function URLs have none;
//! * names the request with Lambda's request id (`x-request-id`) unless the
//!   client sent one, so the twin's log line and Lambda's own carry the same
//!   id.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::task::{Context, Poll};

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::uri::PathAndQuery;
use axum::http::{HeaderValue, Uri};
use axum::response::Response;
use axum::routing::future::RouteFuture;
use lambda_http::request::RequestContext;
use tower::Service;
use twin_http::{AppState, LogFormat, Settings, SettingsError, StateError, telemetry};

/// The variables Lambda sets for a custom runtime, without which
/// `lambda_http` cannot start (it panics): checked first, so that running
/// the binary anywhere else ends with one line instead.
const RUNTIME_VARIABLES: [&str; 4] = [
    "AWS_LAMBDA_RUNTIME_API",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
];

/// `lambda_http` leaves the stage out of REST API paths when this is set.
const IGNORE_STAGE_VARIABLE: &str = "AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH";

/// Why the function could not start, or stopped.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(
        "not running under AWS Lambda: {0} is not set (deploy with `cargo lambda deploy`, try it \
         locally with `cargo lambda watch`, or use `twin serve`)"
    )]
    NotOnLambda(&'static str),
    #[error("AWS_LAMBDA_FUNCTION_MEMORY_SIZE: expected a whole number of MB, got {0:?}")]
    MemorySize(String),
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error(transparent)]
    State(#[from] StateError),
    #[error("the Lambda runtime stopped: {0}")]
    Runtime(lambda_http::Error),
}

/// Serves the twin until Lambda shuts the execution environment down.
pub async fn run() -> Result<(), StartError> {
    let env = |name: &str| std::env::var(name).ok();
    check_runtime(env)?;
    let settings = settings(env)?;
    telemetry::init(settings.log_format);
    let state = AppState::bundled(settings)?;
    lambda_http::run_with_streaming_response(service(state))
        .await
        .map_err(StartError::Runtime)
}

/// Checks that the variables Lambda gives a custom runtime are there.
pub fn check_runtime(lookup: impl Fn(&str) -> Option<String>) -> Result<(), StartError> {
    for name in RUNTIME_VARIABLES {
        if lookup(name).is_none_or(|v| v.trim().is_empty()) {
            return Err(StartError::NotOnLambda(name));
        }
    }
    match lookup("AWS_LAMBDA_FUNCTION_MEMORY_SIZE") {
        Some(mb) if mb.trim().parse::<i32>().is_err() => Err(StartError::MemorySize(mb)),
        _ => Ok(()),
    }
}

/// The twin's settings from `lookup`, with one Lambda default: logs are JSON
/// (one object per line, which CloudWatch Logs Insights parses) unless
/// `TWIN_LOG_FORMAT` says otherwise.
pub fn settings(lookup: impl Fn(&str) -> Option<String>) -> Result<Settings, SettingsError> {
    let mut settings = Settings::from_lookup(&lookup)?;
    let set = |name: &str| lookup(name).is_some_and(|v| !v.trim().is_empty());
    if set("AWS_LAMBDA_FUNCTION_NAME") && !set("TWIN_LOG_FORMAT") {
        settings.log_format = LogFormat::Json;
    }
    Ok(settings)
}

/// The router for `state`, taking `lambda_http` requests.
pub fn service(state: AppState) -> TwinService {
    TwinService {
        router: twin_http::app(state),
        stage_in_path: StageInPath::from_env(),
    }
}

/// [`twin_http::app`] behind the request adaptations described in the
/// crate docs. `lambda_http::run_with_streaming_response` takes it as is.
#[derive(Debug, Clone)]
pub struct TwinService {
    router: Router,
    stage_in_path: StageInPath,
}

impl Service<lambda_http::Request> for TwinService {
    type Response = Response;
    type Error = Infallible;
    type Future = RouteFuture<Infallible>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Service::<axum::extract::Request>::poll_ready(&mut self.router, cx)
    }

    fn call(&mut self, request: lambda_http::Request) -> Self::Future {
        let (mut parts, body) = request.into_parts();
        let context = parts.extensions.get::<RequestContext>();
        let peer = context.and_then(source_ip);
        let path = context.and_then(|c| without_stage(parts.uri.path(), c, self.stage_in_path));
        if let Some(path) = path {
            parts.uri = with_path(&parts.uri, &path);
        }
        if let Some(ip) = peer {
            parts.extensions.insert(ConnectInfo(SocketAddr::new(ip, 0)));
        }
        if !parts.headers.contains_key("x-request-id") {
            let id = parts
                .extensions
                .get::<lambda_http::Context>()
                .and_then(|c| HeaderValue::from_str(&c.request_id).ok())
                .filter(|id| !id.is_empty());
            if let Some(id) = id {
                parts.headers.insert("x-request-id", id);
            }
        }
        let request = axum::extract::Request::from_parts(parts, axum::body::Body::new(body));
        self.router.call(request)
    }
}

/// Where REST API events have their stage: `lambda_http` prefixes it to the
/// path unless [`IGNORE_STAGE_VARIABLE`] is set. HTTP API events carry it in
/// the raw path either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageInPath {
    /// `lambda_http`'s default: every API Gateway path starts with a named
    /// stage.
    Prefixed,
    /// `AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH` is set: REST API paths start
    /// without it.
    IgnoredForRest,
}

impl StageInPath {
    fn from_env() -> StageInPath {
        if std::env::var_os(IGNORE_STAGE_VARIABLE).is_some() {
            StageInPath::IgnoredForRest
        } else {
            StageInPath::Prefixed
        }
    }
}

/// The caller's address as AWS saw it: the Function URL's or HTTP API's
/// `requestContext.http.sourceIp`, or the REST API's
/// `requestContext.identity.sourceIp`.
fn source_ip(context: &RequestContext) -> Option<IpAddr> {
    let ip = match context {
        RequestContext::ApiGatewayV2(c) => c.http.source_ip.as_deref(),
        RequestContext::ApiGatewayV1(c) => c.identity.source_ip.as_deref(),
        _ => None,
    };
    ip?.trim().parse().ok()
}

/// `path` without the API Gateway stage in front of it, or `None` when it
/// has none to lose (Function URLs and `$default` stages).
pub fn without_stage(
    path: &str,
    context: &RequestContext,
    stage_in_path: StageInPath,
) -> Option<String> {
    let stage = match context {
        RequestContext::ApiGatewayV2(c) => c.stage.as_deref(),
        RequestContext::ApiGatewayV1(c) if stage_in_path == StageInPath::Prefixed => {
            c.stage.as_deref()
        }
        _ => None,
    }?;
    if stage.is_empty() || stage == "$default" {
        return None;
    }
    let rest = path.strip_prefix('/')?.strip_prefix(stage)?;
    match rest {
        "" => Some("/".to_owned()),
        rest if rest.starts_with('/') => Some(rest.to_owned()),
        _ => None,
    }
}

/// `uri` with its path replaced, query and authority kept.
fn with_path(uri: &Uri, path: &str) -> Uri {
    let path_and_query = match uri.query() {
        Some(query) => format!("{path}?{query}"),
        None => path.to_owned(),
    };
    let mut parts = uri.clone().into_parts();
    match PathAndQuery::try_from(path_and_query) {
        Ok(path_and_query) => parts.path_and_query = Some(path_and_query),
        Err(_) => return uri.clone(),
    }
    Uri::from_parts(parts).unwrap_or_else(|_| uri.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    const LAMBDA: [(&str, &str); 4] = [
        ("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001"),
        ("AWS_LAMBDA_FUNCTION_NAME", "twin-lambda"),
        ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512"),
    ];

    #[test]
    fn logs_are_json_under_lambda_unless_chosen() {
        let format = |vars: &[(&str, &str)]| settings(lookup(vars)).map(|s| s.log_format);
        assert_eq!(format(&LAMBDA), Ok(LogFormat::Json));
        assert_eq!(format(&[]), Ok(LogFormat::Pretty), "not on Lambda");
        let mut pretty = LAMBDA.to_vec();
        pretty.push(("TWIN_LOG_FORMAT", "pretty"));
        assert_eq!(format(&pretty), Ok(LogFormat::Pretty));
        let mut bad = LAMBDA.to_vec();
        bad.push(("TWIN_LOG_FORMAT", "xml"));
        assert_eq!(format(&bad).map_err(|e| e.variable), Err("TWIN_LOG_FORMAT"));
    }

    #[test]
    fn the_proxy_headers_stay_untrusted_by_default() {
        let settings = settings(lookup(&LAMBDA)).map(|s| s.trust_proxy_headers);
        assert_eq!(settings, Ok(false));
    }

    #[test]
    fn outside_lambda_the_error_names_the_missing_variable() {
        assert!(check_runtime(lookup(&LAMBDA)).is_ok());
        let message = check_runtime(lookup(&[])).map_err(|e| e.to_string());
        let message = message.err().unwrap_or_default();
        assert!(message.contains("AWS_LAMBDA_RUNTIME_API"), "{message}");
        assert!(!message.contains('\n'), "one line: {message}");
        let mut bad = LAMBDA.to_vec();
        bad[3] = ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "lots");
        assert!(matches!(
            check_runtime(lookup(&bad)),
            Err(StartError::MemorySize(_))
        ));
    }

    const FUNCTION_URL: &str = include_str!("../tests/data/function_url_request.json");
    const REST_API: &str = include_str!("../tests/data/rest_api_request.json");

    /// The request context lambda_http makes of `event` after `edit`.
    fn context(event: &str, edit: impl FnOnce(&mut serde_json::Value)) -> RequestContext {
        let mut event: serde_json::Value = serde_json::from_str(event).unwrap_or_default();
        edit(&mut event);
        let request = lambda_http::request::from_str(&event.to_string());
        let request = request.unwrap_or_else(|e| panic!("{e}: {event}"));
        let context = lambda_http::RequestExt::request_context_ref(&request).cloned();
        context.unwrap_or_else(|| panic!("no request context: {event}"))
    }

    #[test]
    fn function_urls_keep_their_path() {
        let function_url = context(FUNCTION_URL, |_| {});
        assert!(matches!(function_url, RequestContext::ApiGatewayV2(_)));
        for stage_in_path in [StageInPath::Prefixed, StageInPath::IgnoredForRest] {
            assert_eq!(
                without_stage("/api/chat", &function_url, stage_in_path),
                None
            );
        }
        assert_eq!(source_ip(&function_url), "198.51.100.23".parse().ok());
        let v6 = context(FUNCTION_URL, |e| {
            e["requestContext"]["http"]["sourceIp"] = "2001:db8::7".into();
        });
        assert_eq!(source_ip(&v6), "2001:db8::7".parse().ok());
    }

    #[test]
    fn http_api_stages_come_off_the_path_once() {
        let http_api = context(FUNCTION_URL, |e| {
            e["requestContext"]["stage"] = "prod".into()
        });
        for stage_in_path in [StageInPath::Prefixed, StageInPath::IgnoredForRest] {
            let strip = |path| without_stage(path, &http_api, stage_in_path);
            assert_eq!(strip("/prod/api/chat").as_deref(), Some("/api/chat"));
            assert_eq!(strip("/prod").as_deref(), Some("/"));
            assert_eq!(strip("/production/api/chat"), None);
            assert_eq!(strip("/api/chat"), None);
        }
    }

    #[test]
    fn rest_api_stages_follow_lambda_http() {
        let rest_api = context(REST_API, |_| {});
        assert!(matches!(rest_api, RequestContext::ApiGatewayV1(_)));
        assert_eq!(source_ip(&rest_api), "203.0.113.40".parse().ok());
        assert_eq!(
            without_stage("/prod/api/health", &rest_api, StageInPath::Prefixed).as_deref(),
            Some("/api/health")
        );
        // A stage named like the first path segment: only the prefix
        // lambda_http added may come off.
        let named_api = context(REST_API, |e| e["requestContext"]["stage"] = "api".into());
        assert_eq!(
            without_stage("/api/api/health", &named_api, StageInPath::Prefixed).as_deref(),
            Some("/api/health")
        );
        assert_eq!(
            without_stage("/api/health", &named_api, StageInPath::IgnoredForRest),
            None
        );
    }

    #[test]
    fn the_query_survives_a_new_path() {
        let uri: Uri = "https://id.lambda-url.eu-west-1.on.aws/prod/api/x?a=1&b=2"
            .parse()
            .unwrap_or_default();
        let uri = with_path(&uri, "/api/x");
        assert_eq!(
            uri.to_string(),
            "https://id.lambda-url.eu-west-1.on.aws/api/x?a=1&b=2"
        );
    }
}
