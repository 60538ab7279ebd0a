//! The one integration-test binary of `twin-tickets`.
//!
//! - `github`: GitHub Issues against wiremock: create, dedupe by search
//!   and by the recent list, comments, `twin gaps`, and every failure.
//! - `linear`: the same against a wiremock Linear GraphQL endpoint.
//! - `limits`: the per-process limits, end to end.
//! - `log`: the request-log report.
//!
//! Response bodies are the documented shapes, kept in `tests/data/`.
//! Everything talks to 127.0.0.1 only.

#![allow(clippy::unwrap_used)]

mod support;

mod github;
mod limits;
mod linear;
mod log;
