//! [`UpstashError`]: what went wrong talking to Upstash Vector, and whether
//! trying again can help.

use std::time::Duration;

/// Why a request to Upstash failed. Messages carry the HTTP status and
/// Upstash's own `error` text, never the token or the request URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpstashError {
    /// The connection failed, the request timed out, or Upstash answered
    /// 5xx (`status` is then set). The client has already retried up to
    /// `max_retries` times; a later attempt may still succeed.
    #[error("Upstash Vector is unavailable{}: {message}", http(*status))]
    Transient {
        status: Option<u16>,
        message: String,
    },
    /// HTTP 429: the plan's request rate or daily quota is used up. Not
    /// retried by the client: a daily quota does not come back in
    /// milliseconds, and hammering it only burns more of the budget.
    #[error(
        "Upstash Vector's rate limit or quota was reached (HTTP 429){}: {message}",
        retry_after.map(|d| format!(", retry after {} s", d.as_secs())).unwrap_or_default()
    )]
    RateLimited {
        message: String,
        /// From a `Retry-After` header, when the response has one.
        retry_after: Option<Duration>,
    },
    /// HTTP 401 or 403: the token is missing, wrong, or read-only for a
    /// write. Check `UPSTASH_VECTOR_REST_TOKEN`.
    #[error("Upstash Vector refused the token (HTTP {status}): {message}")]
    Unauthorized { status: u16, message: String },
    /// HTTP 404, e.g. deleting a namespace that does not exist.
    #[error("Upstash Vector has no such thing (HTTP 404): {0}")]
    NotFound(String),
    /// Any other 4xx: the request itself is wrong, e.g. a vector of the
    /// wrong dimension (422) or `upsert-data` on an index without an
    /// embedding model (422). Retrying will not help.
    #[error("Upstash Vector rejected the request (HTTP {status}): {message}")]
    Rejected { status: u16, message: String },
    /// A success status with a body that is not the documented shape.
    #[error("Upstash Vector sent an unexpected response: {0}")]
    Malformed(String),
    /// The client could not be set up (a bad URL, an empty token, TLS), or a
    /// request could not be encoded.
    #[error("the Upstash client is misconfigured: {0}")]
    Config(String),
}

impl UpstashError {
    /// True when the same request may succeed later without any change:
    /// connection trouble, a timeout or a 5xx. A rate limit is not counted,
    /// because Upstash's quotas are daily and waiting a moment does not help.
    pub fn is_transient(&self) -> bool {
        matches!(self, UpstashError::Transient { .. })
    }

    /// The HTTP status Upstash answered with, if it answered at all.
    pub fn status(&self) -> Option<u16> {
        match self {
            UpstashError::Transient { status, .. } => *status,
            UpstashError::RateLimited { .. } => Some(429),
            UpstashError::Unauthorized { status, .. } | UpstashError::Rejected { status, .. } => {
                Some(*status)
            }
            UpstashError::NotFound(_) => Some(404),
            UpstashError::Malformed(_) | UpstashError::Config(_) => None,
        }
    }
}

fn http(status: Option<u16>) -> String {
    status.map(|s| format!(" (HTTP {s})")).unwrap_or_default()
}

/// The twin only needs to know whether another attempt can help. A rate
/// limit counts as transient there: it is nobody's mistake in the request,
/// and the caller falls back to the embedded index either way.
impl From<UpstashError> for twin_core::IndexError {
    fn from(error: UpstashError) -> twin_core::IndexError {
        match error {
            UpstashError::Transient { .. } | UpstashError::RateLimited { .. } => {
                twin_core::IndexError::Transient(error.to_string())
            }
            _ => twin_core::IndexError::Permanent(error.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_status() {
        let check = |error: UpstashError, expected: &str| assert_eq!(error.to_string(), expected);
        check(
            UpstashError::Transient {
                status: Some(503),
                message: "Service Unavailable".into(),
            },
            "Upstash Vector is unavailable (HTTP 503): Service Unavailable",
        );
        check(
            UpstashError::Transient {
                status: None,
                message: "timed out".into(),
            },
            "Upstash Vector is unavailable: timed out",
        );
        check(
            UpstashError::RateLimited {
                message: "ERR max daily request limit exceeded".into(),
                retry_after: Some(Duration::from_secs(30)),
            },
            "Upstash Vector's rate limit or quota was reached (HTTP 429), retry after 30 s: \
             ERR max daily request limit exceeded",
        );
    }

    #[test]
    fn only_transient_failures_are_worth_retrying() {
        let transient = UpstashError::Transient {
            status: None,
            message: "cannot connect".into(),
        };
        assert!(transient.is_transient());
        assert_eq!(transient.status(), None);
        let rejected = UpstashError::Rejected {
            status: 422,
            message: "Invalid vector dimension: 2, expected: 256".into(),
        };
        assert!(!rejected.is_transient());
        assert_eq!(rejected.status(), Some(422));
        assert!(matches!(
            twin_core::IndexError::from(rejected),
            twin_core::IndexError::Permanent(_)
        ));
        assert!(matches!(
            twin_core::IndexError::from(transient),
            twin_core::IndexError::Transient(_)
        ));
    }
}
