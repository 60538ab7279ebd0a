//! `POST /api/feedback`: a visitor's thumbs up or down on an answer.
//!
//! A thin entry point: all behaviour lives in `twin-http` (see ARCHITECTURE.md).

#[tokio::main]
async fn main() -> Result<(), twin_vercel::Error> {
    twin_vercel::run().await
}
