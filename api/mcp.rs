//! `POST /api/mcp`: the twin for AI assistants (MCP, stateless Streamable HTTP).
//!
//! A thin entry point: all behaviour lives in `twin-http` (see ARCHITECTURE.md).

#[tokio::main]
async fn main() -> Result<(), twin_vercel::Error> {
    twin_vercel::run().await
}
