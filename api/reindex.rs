//! `POST /api/reindex`: deploy webhook that syncs Upstash with the bundled profile.
//!
//! A thin entry point: all behaviour lives in `twin-http` (see ARCHITECTURE.md).

#[tokio::main]
async fn main() -> Result<(), twin_vercel::Error> {
    twin_vercel::run().await
}
