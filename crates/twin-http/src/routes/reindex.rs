//! `POST /api/reindex`: brings Upstash in step with the bundled profile, for
//! deploy webhooks.
//!
//! Authenticated by a GitHub `X-Hub-Signature-256` HMAC over the raw body or
//! by `Authorization: Bearer <TWIN_REINDEX_SECRET>` (see [`crate::webhook`]);
//! anything else is a 401 and writes nothing. The body itself is not read
//! beyond its signature: whatever event arrives, the sync is the same, of
//! the profile this deployment bundles, so a webhook can never make the
//! twin index anything but its own code's profile.

use std::time::Instant;

use axum::Json;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use twin_upstash::sync::{SyncOptions, SyncReport, sync};

use crate::error::ApiError;
use crate::state::AppState;
use crate::webhook;

/// The largest webhook body accepted: GitHub push payloads can be large,
/// and Vercel caps request bodies at 4.5 MB.
pub const MAX_WEBHOOK_BYTES: usize = 5 * 1024 * 1024;

#[derive(Serialize)]
struct Reindexed {
    #[serde(flatten)]
    report: SyncReport,
    took_ms: u64,
}

#[derive(Serialize)]
struct Pong {
    ok: bool,
    event: &'static str,
}

pub async fn reindex(
    State(state): State<AppState>,
    request: Request,
) -> Result<Response, ApiError> {
    let Some(secret) = state.settings().reindex_secret.as_ref() else {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "reindex_disabled",
            "reindexing is off: set TWIN_REINDEX_SECRET to enable it",
        ));
    };
    let (parts, body) = request.into_parts();
    let body = read_body(body).await?;
    if let Err(error) = webhook::authorize(&parts.headers, &body, secret) {
        tracing::warn!(%error, "reindex refused");
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            error.to_string(),
        ));
    }
    if is_ping(&parts.headers) {
        return Ok(Json(Pong {
            ok: true,
            event: "ping",
        })
        .into_response());
    }
    let Some(remote) = state.twin().index().remote() else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "no_vector_index",
            "this deployment uses the embedded index, which is built at start-up and needs no sync; \
             set UPSTASH_VECTOR_REST_URL and UPSTASH_VECTOR_REST_TOKEN to use Upstash Vector",
        ));
    };
    let started = Instant::now();
    let options = SyncOptions {
        keep: state.settings().keep_namespaces,
        ..SyncOptions::default()
    };
    let report = sync(
        remote.upstash().client(),
        state.chunks(),
        &options,
        &mut |_| {},
    )
    .await
    .map_err(|error| {
        tracing::error!(%error, "reindex failed");
        ApiError::new(
            StatusCode::BAD_GATEWAY,
            "sync_failed",
            "the vector index did not accept the sync; see the function's logs",
        )
    })?;
    tracing::info!(
        namespace = %report.namespace,
        upserted = report.upserted,
        deleted = report.deleted,
        pruned = report.pruned.len(),
        write_requests = report.write_requests,
        "reindexed"
    );
    Ok(Json(Reindexed {
        report,
        took_ms: started.elapsed().as_millis() as u64,
    })
    .into_response())
}

/// GitHub sends a `ping` event when a webhook is created: answer it without
/// syncing, so setting the webhook up shows a green tick.
fn is_ping(headers: &HeaderMap) -> bool {
    headers
        .get("x-github-event")
        .is_some_and(|v| v.as_bytes() == b"ping")
}

async fn read_body(body: Body) -> Result<axum::body::Bytes, ApiError> {
    axum::body::to_bytes(body, MAX_WEBHOOK_BYTES)
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("the body is larger than {MAX_WEBHOOK_BYTES} bytes"),
            )
        })
}
