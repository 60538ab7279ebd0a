//! The one integration-test binary of `twin-sources`.
//!
//! - `config`: `twin.toml` parsing and its validation messages.
//! - `files`: Markdown and text files to chunks (heading paths, splitting,
//!   merging, determinism, metadata).
//! - `pdf`: text extracted from PDFs written by the test itself.
//! - `crawl`: the crawler against small websites served on 127.0.0.1.
//! - `snapshot`: the JSON Lines snapshot and `ingest` end to end.
//!
//! Nothing here leaves the machine.

#![allow(clippy::unwrap_used)] // Test helpers panic by design.

mod support;

mod config;
mod crawl;
mod files;
mod pdf;
mod snapshot;
