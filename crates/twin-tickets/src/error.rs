//! [`TicketError`]: what went wrong talking to the tracker, and whether
//! trying again can help.

use std::time::Duration;

/// Why filing or listing tickets failed. Messages carry the HTTP status and
/// the tracker's own explanation (cut short), never the token, the API key
/// or a visitor's words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TicketError {
    /// The tracker refused the credentials (HTTP 401, a 403 that is not a
    /// rate limit, or Linear's authentication/forbidden errors): a wrong or
    /// expired token, or one without access to the repository or team.
    #[error("{tracker} refused the credentials{}: {message}", http(*status))]
    Auth {
        tracker: &'static str,
        status: Option<u16>,
        message: String,
    },
    /// The tracker's rate limit: GitHub's primary (`x-ratelimit-remaining:
    /// 0`) or secondary limit (403 or 429), Linear's `RATELIMITED`. Not
    /// retried; [`crate::Tickets`] files nothing more until `retry_after`.
    #[error(
        "{tracker}'s rate limit was reached{}: {message}",
        retry_after.map(|d| format!(", retry after {} s", d.as_secs())).unwrap_or_default()
    )]
    RateLimited {
        tracker: &'static str,
        retry_after: Option<Duration>,
        message: String,
    },
    /// The connection failed, the request timed out, or the tracker
    /// answered 5xx (`status` is then set); already retried.
    #[error("{tracker} is unavailable{}: {message}", http(*status))]
    Transient {
        tracker: &'static str,
        status: Option<u16>,
        message: String,
    },
    /// The tracker understood the request and refused it: no such
    /// repository (404), issues disabled (410), a validation error (422),
    /// a GraphQL error. Retrying will not help.
    #[error("{tracker} rejected the request{}: {message}", http(*status))]
    Rejected {
        tracker: &'static str,
        status: Option<u16>,
        message: String,
    },
    /// A success status with a body that is not the documented shape.
    #[error("{tracker} sent an unexpected response: {message}")]
    Malformed {
        tracker: &'static str,
        message: String,
    },
    /// The gap has no question once trimmed, or the client could not be
    /// built (TLS set-up, a bad URL).
    #[error("cannot file the ticket: {0}")]
    Invalid(String),
}

impl TicketError {
    /// True when the same request may succeed a moment later: connection
    /// trouble, a timeout, a 5xx.
    pub fn is_transient(&self) -> bool {
        matches!(self, TicketError::Transient { .. })
    }

    /// How long the tracker asked us to wait, for a rate limit that said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            TicketError::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

fn http(status: Option<u16>) -> String {
    status.map(|s| format!(" (HTTP {s})")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_who_and_what() {
        let check = |error: TicketError, expected: &str| assert_eq!(error.to_string(), expected);
        check(
            TicketError::Auth {
                tracker: "GitHub",
                status: Some(401),
                message: "Bad credentials".into(),
            },
            "GitHub refused the credentials (HTTP 401): Bad credentials",
        );
        check(
            TicketError::RateLimited {
                tracker: "Linear",
                retry_after: Some(Duration::from_secs(30)),
                message: "Rate limit exceeded".into(),
            },
            "Linear's rate limit was reached, retry after 30 s: Rate limit exceeded",
        );
        check(
            TicketError::Transient {
                tracker: "GitHub",
                status: None,
                message: "timed out".into(),
            },
            "GitHub is unavailable: timed out",
        );
    }

    #[test]
    fn only_transient_failures_are_worth_retrying() {
        let transient = TicketError::Transient {
            tracker: "GitHub",
            status: Some(502),
            message: "Bad Gateway".into(),
        };
        assert!(transient.is_transient());
        let limited = TicketError::RateLimited {
            tracker: "GitHub",
            retry_after: Some(Duration::from_secs(60)),
            message: "m".into(),
        };
        assert!(!limited.is_transient());
        assert_eq!(limited.retry_after(), Some(Duration::from_secs(60)));
        assert_eq!(transient.retry_after(), None);
    }
}
