//! [`GroqError`]: what went wrong, and whether another attempt (or another
//! model) can help.

use std::time::Duration;

use reqwest::header::HeaderMap;
use twin_core::ModelError;

/// Why a completion failed. Messages name the cause, never the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GroqError {
    /// Network trouble, a timeout, a 5xx or a stream cut short.
    #[error("the model API is unavailable: {0}")]
    Transient(String),
    /// HTTP 429: the rate limit or quota is reached.
    #[error("the model API's rate limit was reached{}", retry_after.map(|d| format!(" (retry after {:.1} s)", d.as_secs_f64())).unwrap_or_default())]
    RateLimited {
        retry_after: Option<Duration>,
        /// Boxed: it is large and rarely read.
        limits: Box<RateLimits>,
    },
    /// HTTP 401: the API key is missing or wrong.
    #[error("the API key was refused (check GROQ_API_KEY): {0}")]
    Unauthorized(String),
    /// HTTP 403: the key may not use this model or endpoint.
    #[error("access denied: {0}")]
    Forbidden(String),
    /// HTTP 404, or a model that was decommissioned.
    #[error("model {model:?} is not available (retired, or a typo in GROQ_MODEL?): {message}")]
    ModelNotFound { model: String, message: String },
    /// The prompt does not fit the model's context window.
    #[error("the prompt is too long for the model's context window")]
    ContextTooLong,
    /// Any other 4xx: the request itself is wrong.
    #[error("the model API rejected the request: {0}")]
    BadRequest(String),
    /// A response that is not the documented shape.
    #[error("the model API sent an unexpected response: {0}")]
    Malformed(String),
    /// The client could not be set up.
    #[error("the chat client is misconfigured: {0}")]
    Config(String),
}

impl GroqError {
    /// True when the same request may succeed later.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            GroqError::Transient(_) | GroqError::RateLimited { .. }
        )
    }

    /// True when another model may succeed where this one failed.
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
            GroqError::Transient(_) | GroqError::Malformed(_) => {
                ModelError::Transient(error.to_string())
            }
            GroqError::RateLimited { retry_after, .. } => ModelError::RateLimited {
                retry_after_secs: retry_after.map(|d| d.as_secs_f64().ceil() as u64),
            },
            GroqError::ContextTooLong => ModelError::ContextTooLong,
            _ => ModelError::Permanent(error.to_string()),
        }
    }
}

/// Groq's rate-limit headers, when the server sends them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateLimits {
    /// `x-ratelimit-limit-requests` (requests per day).
    pub limit_requests: Option<u64>,
    /// `x-ratelimit-limit-tokens` (tokens per minute).
    pub limit_tokens: Option<u64>,
    pub remaining_requests: Option<u64>,
    pub remaining_tokens: Option<u64>,
    /// `x-ratelimit-reset-requests`, e.g. `2m59.56s`.
    pub reset_requests: Option<Duration>,
    /// `x-ratelimit-reset-tokens`, e.g. `7.66s`.
    pub reset_tokens: Option<Duration>,
    /// `retry-after`, in seconds (sent with a 429).
    pub retry_after: Option<Duration>,
}

impl RateLimits {
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
            retry_after: text("retry-after")
                .and_then(|v| v.trim().parse::<f64>().ok())
                .filter(|s| s.is_finite() && *s >= 0.0)
                .map(Duration::from_secs_f64),
        }
    }
}

/// Parses Go-style durations as Groq sends them: `2m59.56s`, `7.66s`,
/// `1h2m`, `250ms`.
pub(crate) fn parse_duration(text: &str) -> Option<Duration> {
    let mut rest = text.trim();
    if rest.is_empty() {
        return None;
    }
    let mut total = 0.0_f64;
    while !rest.is_empty() {
        let split = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, tail) = rest.split_at(split);
        let value: f64 = number.parse().ok()?;
        let unit_len = tail
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(tail.len());
        let (unit, tail) = tail.split_at(unit_len);
        total += value
            * match unit {
                "h" => 3600.0,
                "m" => 60.0,
                "s" => 1.0,
                "ms" => 0.001,
                "us" | "µs" => 0.000_001,
                _ => return None,
            };
        rest = tail;
    }
    Some(Duration::from_secs_f64(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_groq_format() {
        let check = |text: &str, ms: Option<u64>| {
            assert_eq!(
                parse_duration(text).map(|d| d.as_millis() as u64),
                ms,
                "{text}"
            );
        };
        check("2m59.56s", Some(179_560));
        check("7.66s", Some(7_660));
        check("1h2m3s", Some(3_723_000));
        check("250ms", Some(250));
        check("", None);
        check("soon", None);
        check("5", None);
    }

    #[test]
    fn rate_limit_headers_are_read() {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("x-ratelimit-limit-requests", "14400"),
            ("x-ratelimit-limit-tokens", "18000"),
            ("x-ratelimit-remaining-requests", "14370"),
            ("x-ratelimit-remaining-tokens", "17997"),
            ("x-ratelimit-reset-requests", "2m59.56s"),
            ("x-ratelimit-reset-tokens", "7.66s"),
            ("retry-after", "2"),
        ] {
            headers.insert(name, value.parse().unwrap_or_else(|_| unreachable!()));
        }
        let limits = RateLimits::from_headers(&headers);
        assert_eq!(limits.limit_requests, Some(14_400));
        assert_eq!(limits.remaining_tokens, Some(17_997));
        assert_eq!(limits.reset_tokens, Some(Duration::from_millis(7_660)));
        assert_eq!(limits.retry_after, Some(Duration::from_secs(2)));
    }
}
