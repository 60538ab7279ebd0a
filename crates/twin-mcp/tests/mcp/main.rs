//! Integration tests of the MCP server: the protocol core message by
//! message, the tools on the sample profile, the HTTP endpoint through
//! `router().oneshot(..)`, and the stdio loop over an in-memory duplex.
//! No network.

#![allow(clippy::unwrap_used)] // Test helpers panic by design.

mod http;
mod protocol;
mod stdio;
mod support;
mod tools;
