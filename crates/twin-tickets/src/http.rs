//! What both trackers' clients share: the HTTP client, bounded retries
//! with full-jitter backoff, reading a reply, and keeping secrets out of
//! messages.

use std::error::Error as _;
use std::future::Future;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use twin_core::Secret;

use crate::TicketError;

/// The ceiling of the pause before the first retry; it doubles with each
/// further retry up to [`BACKOFF_CAP`], and the pause is drawn uniformly
/// below it.
const BACKOFF_BASE: Duration = Duration::from_millis(200);
const BACKOFF_CAP: Duration = Duration::from_secs(3);
/// How much of a tracker's error message goes into ours.
const MESSAGE_CHARS: usize = 300;

/// One response, read whole.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// The shared HTTP plumbing of one tracker client.
#[derive(Debug, Clone)]
pub(crate) struct Http {
    pub client: reqwest::Client,
    pub tracker: &'static str,
    pub secret: Secret,
    pub max_retries: u32,
}

impl Http {
    pub fn new(
        tracker: &'static str,
        secret: Secret,
        timeout: Duration,
        connect_timeout: Duration,
        max_retries: u32,
    ) -> Result<Http, TicketError> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(connect_timeout)
            .user_agent(concat!("digital-twin-tickets/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| TicketError::Invalid(e.without_url().to_string()))?;
        Ok(Http {
            client,
            tracker,
            secret,
            max_retries,
        })
    }

    /// Sends one request and reads the whole reply; only the connection
    /// can fail here, every status is the caller's to judge.
    pub async fn execute(&self, request: reqwest::RequestBuilder) -> Result<Reply, TicketError> {
        let response = request.send().await.map_err(|e| self.transport(e))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .map_err(|e| self.transport(e))?
            .to_vec();
        Ok(Reply {
            status,
            headers,
            body,
        })
    }

    /// Runs `attempt` until it succeeds, fails for good, or has failed
    /// transiently `max_retries + 1` times, pausing between tries.
    pub async fn retrying<T, F, Fut>(&self, what: &str, mut attempt: F) -> Result<T, TicketError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, TicketError>>,
    {
        let mut retries = 0;
        loop {
            match attempt().await {
                Err(error) if error.is_transient() && retries < self.max_retries => {
                    let pause = backoff(retries);
                    tracing::debug!(
                        target: "twin::tickets",
                        tracker = self.tracker,
                        what,
                        %error,
                        retry = retries + 1,
                        ?pause,
                        "retrying"
                    );
                    tokio::time::sleep(pause).await;
                    retries += 1;
                }
                outcome => return outcome,
            }
        }
    }

    /// A tracker's message, safe for logs: secret-free, one line, short.
    pub fn message(&self, message: &str) -> String {
        let secret = self.secret.expose();
        let message = if secret.is_empty() || !message.contains(secret) {
            message.to_owned()
        } else {
            message.replace(secret, "[redacted]")
        };
        let line = message.split_whitespace().collect::<Vec<_>>().join(" ");
        match line.char_indices().nth(MESSAGE_CHARS) {
            Some((at, _)) => format!("{}…", &line[..at]),
            None => line,
        }
    }

    /// A 5xx is transient; the message is the status's reason, since an
    /// error page's HTML says nothing useful.
    pub fn server_error(&self, status: StatusCode) -> TicketError {
        TicketError::Transient {
            tracker: self.tracker,
            status: Some(status.as_u16()),
            message: reason(status),
        }
    }

    pub fn malformed(&self, error: impl std::fmt::Display) -> TicketError {
        TicketError::Malformed {
            tracker: self.tracker,
            message: self.message(&error.to_string()),
        }
    }

    /// Connection trouble and timeouts are transient. The message keeps
    /// the causes (e.g. "connection refused") but drops the URL.
    fn transport(&self, error: reqwest::Error) -> TicketError {
        let kind = if error.is_timeout() {
            "timed out"
        } else if error.is_connect() {
            "cannot connect"
        } else {
            "request failed"
        };
        let error = error.without_url();
        let mut message = format!("{kind}: {error}");
        let mut source = error.source();
        while let Some(cause) = source {
            message.push_str(": ");
            message.push_str(&cause.to_string());
            source = cause.source();
        }
        TicketError::Transient {
            tracker: self.tracker,
            status: None,
            message: self.message(&message),
        }
    }
}

pub(crate) fn reason(status: StatusCode) -> String {
    status
        .canonical_reason()
        .unwrap_or("no explanation")
        .to_owned()
}

/// `Retry-After` in seconds.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    header_number(headers, RETRY_AFTER.as_str()).map(Duration::from_secs)
}

pub(crate) fn header_number(headers: &HeaderMap, name: &str) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// The wait until a reset given as a Unix time, in seconds or (when too
/// big to be seconds) milliseconds; at least one second.
pub(crate) fn until_epoch(value: u64) -> Duration {
    let reset = if value > 100_000_000_000 {
        Duration::from_millis(value)
    } else {
        Duration::from_secs(value)
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    reset.saturating_sub(now).max(Duration::from_secs(1))
}

/// Full jitter: a random pause below `min(cap, base * 2^retry)`.
fn backoff(retry: u32) -> Duration {
    backoff_ceiling(retry).mul_f64(fastrand::f64())
}

pub(crate) fn backoff_ceiling(retry: u32) -> Duration {
    BACKOFF_BASE
        .saturating_mul(1 << retry.min(16))
        .min(BACKOFF_CAP)
}

/// A pause for a caller that retries a whole operation itself.
pub(crate) async fn pause(retry: u32) {
    tokio::time::sleep(backoff(retry)).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn http(secret: &str) -> Http {
        match Http::new(
            "GitHub",
            Secret::new(secret),
            Duration::from_secs(1),
            Duration::from_secs(1),
            2,
        ) {
            Ok(http) => http,
            Err(error) => panic!("{error}"),
        }
    }

    #[test]
    fn messages_lose_secrets_newlines_and_length() {
        let http = http("ghp_sekrit");
        assert_eq!(
            http.message("bad token ghp_sekrit\n here"),
            "bad token [redacted] here"
        );
        let long = http.message(&"x".repeat(1000));
        assert_eq!(long.chars().count(), MESSAGE_CHARS + 1);
        assert!(long.ends_with('…'));
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff_ceiling(0), Duration::from_millis(200));
        assert_eq!(backoff_ceiling(1), Duration::from_millis(400));
        assert_eq!(backoff_ceiling(10), BACKOFF_CAP);
        for retry in 0..20 {
            assert!(backoff(retry) <= backoff_ceiling(retry));
        }
    }

    #[test]
    fn resets_in_seconds_or_milliseconds() {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let in_a_minute = until_epoch(now.as_secs() + 60);
        assert!(in_a_minute > Duration::from_secs(50) && in_a_minute <= Duration::from_secs(60));
        let in_ms = until_epoch(u64::try_from(now.as_millis()).unwrap_or(0) + 30_000);
        assert!(in_ms > Duration::from_secs(25) && in_ms <= Duration::from_secs(30));
        assert_eq!(until_epoch(1), Duration::from_secs(1));
    }
}
