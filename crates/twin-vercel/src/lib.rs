//! The adapter between Vercel's Rust runtime and [`twin_http::app`].
//!
//! Every `api/*.rs` function calls [`run`]: it reads settings, builds the twin
//! from the profile compiled into the binary (once per cold start), and
//! hands the shared router to `vercel_runtime`. Vercel routes each function
//! only its own path, so every function can carry the whole router.

use tower::ServiceBuilder;
use twin_http::{AppState, Settings, telemetry};
use vercel_runtime::axum::VercelLayer;

/// The error a function exits with.
pub use vercel_runtime::Error;

/// Serves the twin until the runtime shuts the function down.
pub async fn run() -> Result<(), Error> {
    let settings = Settings::from_env()?;
    telemetry::init(settings.log_format);
    let state = AppState::bundled(settings)?;
    let app = twin_http::app(state);
    vercel_runtime::run(ServiceBuilder::new().layer(VercelLayer::new()).service(app)).await
}
