//! The one integration-test binary of `twin-upstash`.
//!
//! - `endpoints`: every endpoint against wiremock, asserting method, path,
//!   bearer token and request body, and decoding the documented response
//!   bodies kept in `tests/data/`.
//! - `faults`: retries, timeouts, rate limits, bad tokens, broken bodies.
//! - `index`: [`twin_upstash::UpstashIndex`] as the twin's `VectorIndex`.
//! - `ops`: sync, backup and restore end to end against the stateful fake.
//! - `live`: the real service, only when `UPSTASH_VECTOR_REST_URL` and
//!   `UPSTASH_VECTOR_REST_TOKEN` are set.
//!
//! Everything but `live` talks to 127.0.0.1 only.

#![allow(clippy::unwrap_used)]

mod support;

mod endpoints;
mod faults;
mod index;
mod live;
mod ops;
