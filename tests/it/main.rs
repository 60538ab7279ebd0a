//! End-to-end tests of the `twin` binary and repository-wide layout rules.

#![allow(clippy::unwrap_used)] // Test helpers panic by design.

mod cli;
mod index;
mod ingest;
mod ops;
mod serve;
mod support;
mod tidy;
