//! `POST /api/chat`: the twin answers a question (JSON or SSE).
//!
//! A thin entry point: all behaviour lives in `twin-http` (see ARCHITECTURE.md).

#[tokio::main]
async fn main() -> Result<(), twin_vercel::Error> {
    twin_vercel::run().await
}
