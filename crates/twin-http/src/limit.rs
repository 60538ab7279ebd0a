//! Rate limits: questions per client address, and LLM answers in progress.
//!
//! The client address is the TCP peer, or under a proxy that overwrites
//! them (Vercel does; `TWIN_TRUST_PROXY_HEADERS`), `X-Real-IP` then the
//! first `X-Forwarded-For` entry. Trusting those headers anywhere else would
//! let every visitor pick a fresh address per request.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::ApiError;
use crate::state::AppState;

/// Keys checked between sweeps of addresses whose bucket is full again.
const SWEEP_EVERY: u64 = 4096;

/// Questions per minute per client address.
#[derive(Debug)]
pub(crate) struct IpLimiter {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    checks: AtomicU64,
}

impl IpLimiter {
    /// `None` for 0 (no limit). Bursts of up to a third of the minute's
    /// allowance, at least 1.
    pub fn new(per_minute: u32) -> Option<IpLimiter> {
        let rate = NonZeroU32::new(per_minute)?;
        let burst = NonZeroU32::new((per_minute / 3).max(1)).unwrap_or(NonZeroU32::MIN);
        Some(IpLimiter {
            limiter: RateLimiter::keyed(Quota::per_minute(rate).allow_burst(burst)),
            checks: AtomicU64::new(0),
        })
    }

    /// `Err(wait)` when `ip` must wait before asking again.
    pub fn check(&self, ip: IpAddr) -> Result<(), Duration> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            // Forget addresses that are back to a full bucket: memory stays
            // bounded by the addresses seen in the last minute.
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
        self.limiter
            .check_key(&ip)
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.limiter.len()
    }
}

/// LLM answers in progress, capped across the process.
#[derive(Debug, Clone)]
pub(crate) struct LlmSlots {
    slots: Arc<Semaphore>,
}

impl LlmSlots {
    pub fn new(max: usize) -> LlmSlots {
        LlmSlots {
            slots: Arc::new(Semaphore::new(max)),
        }
    }

    /// A slot, held until the answer has finished streaming.
    pub fn try_acquire(&self) -> Option<OwnedSemaphorePermit> {
        self.slots.clone().try_acquire_owned().ok()
    }
}

/// The client's address, as far as it can be trusted.
pub(crate) fn client_ip(
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    trust: bool,
) -> Option<IpAddr> {
    if trust {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .and_then(|v| v.trim().parse::<IpAddr>().ok())
        };
        if let Some(ip) = header("x-real-ip").or_else(|| header("x-forwarded-for")) {
            return Some(ip);
        }
    }
    peer.map(|addr| addr.ip())
}

/// Middleware for the routes that cost an answer: 429 with `Retry-After`
/// once an address is over its allowance.
pub(crate) async fn per_ip(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let Some(limiter) = state.ip_limiter() else {
        return next.run(request).await;
    };
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let Some(ip) = client_ip(
        request.headers(),
        peer,
        state.settings().trust_proxy_headers,
    ) else {
        // No address at all (an in-process call): nothing to key on.
        return next.run(request).await;
    };
    match limiter.check(ip) {
        Ok(()) => next.run(request).await,
        Err(wait) => {
            state.metrics().rate_limited("ip");
            ApiError::too_many_requests(
                "rate_limited",
                "too many questions from your address; please wait a moment",
                wait,
            )
            .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn an_address_gets_its_burst_then_waits() {
        let limiter = IpLimiter::new(30).unwrap();
        let a: IpAddr = "203.0.113.7".parse().unwrap();
        let b: IpAddr = "203.0.113.8".parse().unwrap();
        for _ in 0..10 {
            assert!(limiter.check(a).is_ok());
        }
        let wait = limiter.check(a).unwrap_err();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(2),
            "{wait:?}"
        );
        assert!(limiter.check(b).is_ok(), "other addresses are unaffected");
        assert_eq!(limiter.len(), 2);
        assert!(IpLimiter::new(0).is_none());
    }

    #[test]
    fn proxy_headers_count_only_when_trusted() {
        let peer: SocketAddr = "10.0.0.1:5000".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("198.51.100.4, 10.0.0.2"),
        );
        assert_eq!(
            client_ip(&headers, Some(peer), false),
            Some(peer.ip()),
            "untrusted headers are ignored"
        );
        assert_eq!(
            client_ip(&headers, Some(peer), true),
            "198.51.100.4".parse().ok()
        );
        headers.insert("x-real-ip", HeaderValue::from_static("198.51.100.9"));
        assert_eq!(client_ip(&headers, None, true), "198.51.100.9".parse().ok());
        headers.insert("x-real-ip", HeaderValue::from_static("not an address"));
        assert_eq!(client_ip(&headers, None, true), "198.51.100.4".parse().ok());
        assert_eq!(client_ip(&HeaderMap::new(), None, true), None);
    }

    #[test]
    fn llm_slots_are_bounded_and_released() {
        let slots = LlmSlots::new(2);
        let a = slots.try_acquire().unwrap();
        let _b = slots.try_acquire().unwrap();
        assert!(slots.try_acquire().is_none());
        drop(a);
        assert!(slots.try_acquire().is_some());
    }
}
