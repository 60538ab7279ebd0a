//! [`GroqError`]: what went wrong and whether another attempt, or another
//! model, can help; [`RateLimits`], read from the response headers; and the
//! mapping from an HTTP status and error body onto both.
//!
//! Error text never carries the API key: a 401 keeps none of the server's
//! words (OpenAI's 401 message quotes part of the key), every other server
//! message has the key scrubbed out, and reqwest errors are stripped of
//! their URL.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use twin_core::{ModelError, Secret};

use crate::wire::{ErrorBody, ErrorDetail};

/// Server messages are cut to this many characters: enough for any
/// documented error, and an HTML error page from a proxy stays short.
const MAX_MESSAGE_CHARS: usize = 300;

/// Why a call to the chat completions API failed. Messages name the cause,
/// never the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GroqError {
    /// Network trouble, a timeout, a 5xx, or a stream that broke off: the
    /// same request may work a moment later.
    #[error("the model API is unavailable: {0}")]
    Transient(String),
    /// HTTP 429: a rate limit or quota is reached. `retry_after` comes from
    /// the `retry-after` header, else from the reset time of the exhausted
    /// limit.
    #[error("the model API's rate limit was reached{}", retry_hint(*retry_after))]
    RateLimited {
        retry_after: Option<Duration>,
        /// Every rate-limit header of the refusal. Boxed to keep the error
        /// small; it is rarely read.
        limits: Box<RateLimits>,
    },
    /// HTTP 401: the API key is missing, wrong or revoked. It fails every
    /// model alike.
    #[error("the model API refused the API key (is GROQ_API_KEY set and current?)")]
    Unauthorized,
    /// HTTP 403: the key may not use this model or endpoint (a model
    /// blocked for the organisation, a network restriction).
    #[error("the model API denied access: {0}")]
    Forbidden(String),
    /// The model does not exist, was decommissioned, or is not enabled for
    /// the key (a 404, or Groq's `model_not_found` / `model_decommissioned`).
    #[error(
        "model {model:?} is not available (retired, misspelt, or not enabled for this key; check GROQ_MODEL)"
    )]
    ModelNotFound { model: String },
    /// The prompt does not fit the model's context window (Groq's and
    /// OpenAI's `context_length_exceeded`, llama.cpp's
    /// `exceed_context_size_error`, or a 413).
    #[error("the prompt is too long for the model's context window")]
    ContextTooLong,
    /// Any other 4xx: the request itself is wrong, and resending it as it
    /// is will fail again.
    #[error("the model API rejected the request: {0}")]
    BadRequest(String),
    /// A response that does not have the documented shape.
    #[error("the model API sent an unexpected response: {0}")]
    Malformed(String),
    /// The client is set up wrongly: a bad base URL or key format, or a
    /// server that has no such endpoint.
    #[error("the chat client is misconfigured: {0}")]
    Config(String),
}

fn retry_hint(retry_after: Option<Duration>) -> String {
    retry_after
        .map(|d| format!(" (retry after {:.1} s)", d.as_secs_f64()))
        .unwrap_or_default()
}

impl GroqError {
    /// True when sending the same request again later may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            GroqError::Transient(_) | GroqError::RateLimited { .. }
        )
    }

    /// True when another model may succeed where this one failed before
    /// its first token. A bad key, a prompt that is too long and a request
    /// the API rejects fail every model alike; a broken response may be
    /// one model's quirk, so it moves on too.
    pub(crate) fn try_next_model(&self) -> bool {
        matches!(
            self,
            GroqError::Transient(_)
                | GroqError::RateLimited { .. }
                | GroqError::ModelNotFound { .. }
                | GroqError::Forbidden(_)
                | GroqError::Malformed(_)
        )
    }
}

impl From<GroqError> for ModelError {
    fn from(error: GroqError) -> ModelError {
        match error {
            GroqError::Transient(_) => ModelError::Transient(error.to_string()),
            GroqError::RateLimited { retry_after, .. } => ModelError::RateLimited {
                // Rounded up: retrying a fraction of a second early would
                // only be refused again.
                retry_after_secs: retry_after.map(|d| d.as_secs_f64().ceil() as u64),
            },
            GroqError::ContextTooLong => ModelError::ContextTooLong,
            GroqError::Unauthorized
            | GroqError::Forbidden(_)
            | GroqError::ModelNotFound { .. }
            | GroqError::BadRequest(_)
            | GroqError::Malformed(_)
            | GroqError::Config(_) => ModelError::Permanent(error.to_string()),
        }
    }
}

/// Groq's rate-limit headers, when the server sends them (other
/// OpenAI-compatible servers may send none). Groq documents the `requests`
/// pair as the per-day limit and the `tokens` pair as the per-minute one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateLimits {
    /// `x-ratelimit-limit-requests`.
    pub limit_requests: Option<u64>,
    /// `x-ratelimit-limit-tokens`.
    pub limit_tokens: Option<u64>,
    /// `x-ratelimit-remaining-requests`.
    pub remaining_requests: Option<u64>,
    /// `x-ratelimit-remaining-tokens`.
    pub remaining_tokens: Option<u64>,
    /// `x-ratelimit-reset-requests`, a duration such as `2m59.56s`.
    pub reset_requests: Option<Duration>,
    /// `x-ratelimit-reset-tokens`, a duration such as `7.66s`.
    pub reset_tokens: Option<Duration>,
    /// `retry-after` in seconds, sent with a 429.
    pub retry_after: Option<Duration>,
}

impl RateLimits {
    /// Reads the headers; a missing or unreadable one stays `None`.
    pub fn from_headers(headers: &HeaderMap) -> RateLimits {
        let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let number = |name: &str| text(name).and_then(|v| v.trim().parse().ok());
        RateLimits {
            limit_requests: number("x-ratelimit-limit-requests"),
            limit_tokens: number("x-ratelimit-limit-tokens"),
            remaining_requests: number("x-ratelimit-remaining-requests"),
            remaining_tokens: number("x-ratelimit-remaining-tokens"),
            reset_requests: text("x-ratelimit-reset-requests").and_then(parse_duration),
            reset_tokens: text("x-ratelimit-reset-tokens").and_then(parse_duration),
            // Seconds. The HTTP-date form is legal too, but Groq does not
            // send it, and without a clock it would only be guessed.
            retry_after: text("retry-after")
                .and_then(|v| v.trim().parse::<f64>().ok())
                .and_then(|s| Duration::try_from_secs_f64(s).ok()),
        }
    }

    /// How long to wait before retrying: `retry-after` if sent, else the
    /// reset time of whichever limit is used up.
    pub fn wait(&self) -> Option<Duration> {
        self.retry_after.or_else(|| {
            let tokens_out = self.remaining_tokens == Some(0);
            let requests_out = self.remaining_requests == Some(0);
            match (requests_out, tokens_out) {
                (true, true) => self.reset_requests.max(self.reset_tokens),
                (true, false) => self.reset_requests,
                (false, true) => self.reset_tokens,
                (false, false) => None,
            }
        })
    }
}

/// Parses durations as Groq writes them (Go's notation): `2m59.56s`,
/// `7.66s`, `1h2m3s`, `250ms`.
pub(crate) fn parse_duration(text: &str) -> Option<Duration> {
    let mut rest = text.trim();
    if rest.is_empty() {
        return None;
    }
    let mut total = 0.0_f64;
    while !rest.is_empty() {
        let number_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, tail) = rest.split_at(number_end);
        let value: f64 = number.parse().ok()?;
        let unit_end = tail
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(tail.len());
        let (unit, tail) = tail.split_at(unit_end);
        let scale = match unit {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            "us" | "µs" => 0.000_001,
            "ns" => 0.000_000_001,
            _ => return None,
        };
        total += value * scale;
        rest = tail;
    }
    Duration::try_from_secs_f64(total).ok()
}

/// What a failed request was for: a 404 means a missing model for a chat
/// completion, but a wrong base URL for the model list.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Endpoint<'a> {
    Chat { model: &'a str },
    Models,
}

impl Endpoint<'_> {
    fn path(self) -> &'static str {
        match self {
            Endpoint::Chat { .. } => "/chat/completions",
            Endpoint::Models => "/models",
        }
    }
}

/// The error for a non-2xx response.
pub(crate) fn status_error(
    status: StatusCode,
    body: &[u8],
    limits: RateLimits,
    endpoint: Endpoint<'_>,
    key: Option<&Secret>,
) -> GroqError {
    let detail = serde_json::from_slice::<ErrorBody>(body)
        .ok()
        .map(|b| b.error);
    let message = || {
        detail
            .as_ref()
            .and_then(|d| d.message.as_deref())
            .map(|m| clean_message(m, key))
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| {
                status
                    .canonical_reason()
                    .unwrap_or("no explanation")
                    .to_owned()
            })
    };
    let code = detail.as_ref().and_then(ErrorDetail::code).unwrap_or("");
    let kind = detail.as_ref().map(ErrorDetail::kind).unwrap_or("");
    let status_code = status.as_u16();
    match status_code {
        429 => {
            return GroqError::RateLimited {
                retry_after: limits.wait(),
                limits: Box::new(limits),
            };
        }
        401 => return GroqError::Unauthorized,
        403 => return GroqError::Forbidden(message()),
        _ => {}
    }
    if code == "context_length_exceeded"
        || kind == "exceed_context_size_error"
        || status_code == 413
    {
        return GroqError::ContextTooLong;
    }
    if let Endpoint::Chat { model } = endpoint
        && (matches!(code, "model_not_found" | "model_decommissioned")
            || (status_code == 404 && detail.is_some()))
    {
        return GroqError::ModelNotFound {
            model: model.to_owned(),
        };
    }
    match status_code {
        // A 404 without an API error body comes from something that is not
        // a chat completions API at all: the base URL is wrong.
        404 => GroqError::Config(format!(
            "{} answered 404 Not Found; check the base URL (it should end in /v1)",
            endpoint.path()
        )),
        // 498 and 499 are Groq's own: flex capacity exceeded, request
        // cancelled. Both pass.
        408 | 425 | 498 | 499 | 500..=599 => {
            GroqError::Transient(format!("HTTP {status_code}: {}", message()))
        }
        _ => GroqError::BadRequest(format!("HTTP {status_code}: {}", message())),
    }
}

/// The error for an `error` object sent in place of a stream chunk.
pub(crate) fn event_error(detail: &ErrorDetail, model: &str, key: Option<&Secret>) -> GroqError {
    match detail.code().unwrap_or("") {
        "context_length_exceeded" => return GroqError::ContextTooLong,
        "rate_limit_exceeded" => {
            return GroqError::RateLimited {
                retry_after: None,
                limits: Box::default(),
            };
        }
        "model_not_found" | "model_decommissioned" => {
            return GroqError::ModelNotFound {
                model: model.to_owned(),
            };
        }
        _ => {}
    }
    let message = detail
        .message
        .as_deref()
        .map(|m| clean_message(m, key))
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| detail.kind().to_owned());
    GroqError::Transient(format!("the model failed mid-answer: {message}"))
}

/// A server's message made fit for logs: the key scrubbed out, whitespace
/// collapsed, and cut to a sane length.
fn clean_message(message: &str, key: Option<&Secret>) -> String {
    let mut text = message.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(key) = key.map(Secret::expose).filter(|k| !k.is_empty()) {
        text = text.replace(key, "[redacted]");
    }
    match text.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// A transport error, without its URL.
pub(crate) fn transport(error: reqwest::Error) -> GroqError {
    let what = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "cannot connect"
    } else if error.is_body() || error.is_decode() {
        "the response broke off"
    } else {
        "the request failed"
    };
    GroqError::Transient(format!("{what}: {}", error.without_url()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn durations_in_groq_notation() {
        let check = |text: &str, ms: Option<u128>| {
            assert_eq!(parse_duration(text).map(|d| d.as_millis()), ms, "{text}");
        };
        check("2m59.56s", Some(179_560));
        check("7.66s", Some(7_660));
        check("1h2m3s", Some(3_723_000));
        check("250ms", Some(250));
        check(" 1.5s ", Some(1_500));
        check("", None);
        check("soon", None);
        check("5", None);
        check("5x", None);
        check("1..2s", None);
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.insert(*name, value.parse().unwrap());
        }
        headers
    }

    #[test]
    fn rate_limit_headers_are_read() {
        let limits = RateLimits::from_headers(&headers(&[
            ("x-ratelimit-limit-requests", "14400"),
            ("x-ratelimit-limit-tokens", "18000"),
            ("x-ratelimit-remaining-requests", "14370"),
            ("x-ratelimit-remaining-tokens", "17997"),
            ("x-ratelimit-reset-requests", "2m59.56s"),
            ("x-ratelimit-reset-tokens", "7.66s"),
            ("retry-after", "2"),
        ]));
        assert_eq!(
            limits,
            RateLimits {
                limit_requests: Some(14_400),
                limit_tokens: Some(18_000),
                remaining_requests: Some(14_370),
                remaining_tokens: Some(17_997),
                reset_requests: Some(Duration::from_millis(179_560)),
                reset_tokens: Some(Duration::from_millis(7_660)),
                retry_after: Some(Duration::from_secs(2)),
            }
        );
        assert_eq!(
            RateLimits::from_headers(&headers(&[("retry-after", "-1")])).retry_after,
            None
        );
    }

    #[test]
    fn the_wait_falls_back_to_the_exhausted_limit() {
        let limits = RateLimits::from_headers(&headers(&[
            ("x-ratelimit-remaining-requests", "100"),
            ("x-ratelimit-remaining-tokens", "0"),
            ("x-ratelimit-reset-requests", "2m59.56s"),
            ("x-ratelimit-reset-tokens", "7.66s"),
        ]));
        assert_eq!(limits.wait(), Some(Duration::from_millis(7_660)));
        assert_eq!(RateLimits::default().wait(), None);
    }

    #[test]
    fn statuses_and_codes_map_to_variants() {
        let chat = Endpoint::Chat { model: "m" };
        let check = |status: u16, body: &str, endpoint: Endpoint<'_>| {
            status_error(
                StatusCode::from_u16(status).unwrap(),
                body.as_bytes(),
                RateLimits::default(),
                endpoint,
                None,
            )
        };
        let body = |code: &str| {
            format!(
                r#"{{"error":{{"message":"x","type":"invalid_request_error","code":"{code}"}}}}"#
            )
        };
        assert_eq!(
            check(400, &body("model_decommissioned"), chat),
            GroqError::ModelNotFound { model: "m".into() }
        );
        assert_eq!(
            check(400, &body("context_length_exceeded"), chat),
            GroqError::ContextTooLong
        );
        assert_eq!(
            check(
                400,
                r#"{"error":{"code":400,"message":"the request exceeds the available context size","type":"exceed_context_size_error"}}"#,
                chat
            ),
            GroqError::ContextTooLong
        );
        assert_eq!(check(413, "", chat), GroqError::ContextTooLong);
        assert_eq!(
            check(400, &body("invalid_value"), chat),
            GroqError::BadRequest("HTTP 400: x".into())
        );
        assert!(matches!(check(404, "<html>", chat), GroqError::Config(_)));
        assert!(matches!(
            check(404, &body("unknown_url"), Endpoint::Models),
            GroqError::Config(_)
        ));
        assert!(matches!(check(498, "", chat), GroqError::Transient(_)));
        assert!(
            matches!(check(502, "", chat), GroqError::Transient(m) if m == "HTTP 502: Bad Gateway")
        );
    }

    #[test]
    fn server_messages_lose_the_key_and_their_length() {
        let key = Secret::new("gsk_secret_value");
        let long = "word ".repeat(200);
        let body = format!(r#"{{"error":{{"message":"bad gsk_secret_value\n{long}"}}}}"#);
        let error = status_error(
            StatusCode::FORBIDDEN,
            body.as_bytes(),
            RateLimits::default(),
            Endpoint::Models,
            Some(&key),
        );
        let GroqError::Forbidden(message) = error else {
            panic!("{error:?}");
        };
        assert!(message.starts_with("bad [redacted] word word"), "{message}");
        assert!(message.chars().count() <= MAX_MESSAGE_CHARS + 1);
    }

    #[test]
    fn errors_map_onto_the_seam() {
        let limited = GroqError::RateLimited {
            retry_after: Some(Duration::from_millis(2_100)),
            limits: Box::default(),
        };
        assert!(limited.is_retryable());
        assert!(matches!(
            ModelError::from(limited),
            ModelError::RateLimited {
                retry_after_secs: Some(3)
            }
        ));
        assert!(matches!(
            ModelError::from(GroqError::ContextTooLong),
            ModelError::ContextTooLong
        ));
        assert!(matches!(
            ModelError::from(GroqError::Transient("x".into())),
            ModelError::Transient(_)
        ));
        assert!(!GroqError::Unauthorized.is_retryable());
        assert!(matches!(
            ModelError::from(GroqError::Unauthorized),
            ModelError::Permanent(m) if m.contains("GROQ_API_KEY")
        ));
    }
}
