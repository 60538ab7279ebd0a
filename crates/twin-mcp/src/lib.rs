//! The twin as an MCP (Model Context Protocol) server.
//!
//! An MCP client (Claude Desktop, an IDE, an agent) can ask the twin
//! questions, search the profile and read it, through:
//!
//! * tools `ask_twin {question}`, `search_profile {query, top_k}` and
//!   `get_profile_section {section}`;
//! * the resource `twin://profile` (the profile as JSON);
//! * the prompt `interview_prep {role}`.
//!
//! [`Mcp`] is the protocol core: one JSON-RPC message in, at most one out,
//! no state kept between messages, so any instance answers any request (a
//! Vercel function included). Two transports drive it: [`router`] /
//! [`endpoint`] (Streamable HTTP, stateless, never issuing a session id)
//! and [`serve_stdio`] (newline-delimited JSON-RPC, for `twin mcp`).
//!
//! # Wiring
//!
//! ```no_run
//! use std::sync::Arc;
//!
//! use twin_core::{
//!     EmbeddedIndex, ExtractiveComposer, IndexConfig, Profile, Twin, TwinConfig, chunk_profile,
//! };
//! use twin_mcp::{Mcp, McpConfig};
//!
//! # async fn run(profile: Profile) -> std::io::Result<()> {
//! let profile = Arc::new(profile);
//! let index = EmbeddedIndex::new(chunk_profile(&profile), IndexConfig::default());
//! let composer = ExtractiveComposer::new(&profile);
//! let twin = Twin::with_composer(profile, index, composer.clone(), composer, TwinConfig::default());
//! let config = McpConfig {
//!     allowed_hosts: [McpConfig::default().allowed_hosts, vec!["twin.example.dev".into()]].concat(),
//!     ..McpConfig::default()
//! };
//! let mcp = Arc::new(Mcp::new(Arc::new(twin), config));
//!
//! // HTTP: mount the endpoint in an existing app (any state type).
//! let app: axum::Router = axum::Router::new().route("/api/mcp", twin_mcp::endpoint(mcp.clone()));
//!
//! // stdio (`twin mcp`): logs must go to stderr, never stdout.
//! let stdin = tokio::io::BufReader::new(tokio::io::stdin());
//! twin_mcp::serve_stdio(&mcp, stdin, tokio::io::stdout()).await
//! # }
//! ```
//!
//! # Revisions
//!
//! Four revisions are spoken, chosen per message (see [`Revision`]):
//!
//! * **2025-03-26, 2025-06-18, 2025-11-25**, the handshake era: `initialize`
//!   negotiates the revision (the client's if we speak it, else 2025-11-25),
//!   `ping` answers `{}`, notifications are accepted and dropped. Over HTTP
//!   each later request names its revision in `MCP-Protocol-Version`;
//!   without the header it is read as 2025-03-26, as those revisions say.
//!   What differs: only 2025-03-26 takes JSON-RPC batches; titles,
//!   `outputSchema` and `structuredContent` start with 2025-06-18; invalid
//!   tool arguments are a -32602 error up to 2025-06-18 and an
//!   `isError: true` result from 2025-11-25 (SEP-1303).
//! * **2026-07-28**, the stateless era: no handshake; every request carries
//!   `_meta["io.modelcontextprotocol/protocolVersion"]` and
//!   `["io.modelcontextprotocol/clientCapabilities"]` (-32602 without them,
//!   -32022 `UnsupportedProtocolVersion` with our `supported` list for a
//!   revision we do not speak); `server/discover` replaces `initialize`;
//!   `ping` is gone; results carry `resultType`, `_meta` with our
//!   `serverInfo`, and, when cacheable, `ttlMs` and `cacheScope`; "resource
//!   not found" is -32602 instead of -32002. Over HTTP the
//!   `MCP-Protocol-Version`, `Mcp-Method` and `Mcp-Name` headers must match
//!   the body (-32020 `HeaderMismatch`), errors take HTTP statuses (400, 404
//!   for an unknown method), and client responses are refused.
//!
//! Not offered, because nothing here changes while the process runs:
//! `listChanged`, resource subscriptions, `subscriptions/listen` (-32601),
//! logging and completions.
//!
//! # Sources
//!
//! Written from the specification repository
//! (`modelcontextprotocol/modelcontextprotocol`, snapshot of 2026-08-22):
//!
//! * 2025-03-26, 2025-06-18, 2025-11-25: `docs/specification/<rev>/`
//!   `basic/index.mdx` (batching in 2025-03-26), `basic/lifecycle.mdx`,
//!   `basic/transports.mdx`, `basic/utilities/ping.mdx`,
//!   `server/tools.mdx`, `server/resources.mdx`, `server/prompts.mdx`,
//!   `changelog.mdx`, and `schema/<rev>/schema.ts`;
//! * 2026-07-28: `docs/specification/2026-07-28/` `changelog.mdx`,
//!   `basic/index.mdx` (`_meta`, error codes), `basic/versioning.mdx`,
//!   `basic/transports/streamable-http.mdx`, `basic/transports/stdio.mdx`,
//!   `server/discover.mdx`, `server/utilities/caching.mdx`,
//!   `basic/patterns/subscriptions.mdx`, `server/tools.mdx`,
//!   `server/resources.mdx`, `server/prompts.mdx`,
//!   `schema/2026-07-28/schema.ts`, and SEP-2575 (stateless MCP) and
//!   SEP-2243 (HTTP headers) under `seps/`.
//!
//! Where the spec is silent, the official Python SDK (`mcp` 2.3, itself
//! dual-era) decided: 421 for a `Host` outside the allowlist, the order of
//! the 2026-07-28 header checks, and `"id": null` on errors whose request id
//! is unknown.
//!
//! # Why not `rmcp`
//!
//! The official Rust SDK serves sessions negotiated by `initialize`; this
//! server must answer every request from the request alone, in four
//! revisions at once, including 2026-07-28's handshake-free `_meta`
//! envelope, header checks and HTTP status mapping. Adapting a session
//! model to that would be more code than the protocol itself, which is a
//! few hundred lines of `serde_json` here, tested message by message.

mod config;
mod http;
mod jsonrpc;
mod prompts;
mod resources;
mod revision;
mod server;
mod stdio;
mod tools;

pub use config::McpConfig;
pub use http::{PATH, endpoint, router};
pub use revision::Revision;
pub use server::Mcp;
pub use stdio::serve_stdio;
