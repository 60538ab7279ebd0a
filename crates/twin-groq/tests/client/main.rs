//! The one integration-test binary of `twin-groq`.
//!
//! - `endpoints`: streamed and one-shot completions and the model list
//!   against wiremock, asserting method, path, key and request body, and
//!   decoding the documented bodies kept in `tests/data/`; a raw server
//!   shows that the first token is relayed before the rest is sent.
//! - `faults`: error statuses, timeouts, stalls and broken streams.
//! - `model`: [`twin_groq::GroqModel`] as the twin's `ChatModel`, with its
//!   fallbacks.
//! - `live`: Groq itself, only when `GROQ_API_KEY` is set.
//!
//! Everything but `live` talks to 127.0.0.1 only.

#![allow(clippy::unwrap_used)]

mod support;

mod endpoints;
mod faults;
mod live;
mod model;
