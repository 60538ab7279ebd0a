//! A JSON body extractor whose every rejection is an [`ApiError`].
//!
//! axum's own `Json` answers bad input in plain text; clients of this API
//! always get the JSON error shape, and parse errors name the field
//! (`history[2].role: unknown variant ...`).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Extracts and deserializes a JSON body.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(content_type) = req.headers().get(header::CONTENT_TYPE) {
            let is_json = content_type
                .to_str()
                .ok()
                .and_then(|ct| ct.split(';').next())
                .is_some_and(|mime| {
                    let mime = mime.trim();
                    mime.eq_ignore_ascii_case("application/json")
                        || mime.to_ascii_lowercase().ends_with("+json")
                });
            if !is_json {
                return Err(ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "send the body as JSON with Content-Type: application/json",
                ));
            }
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "payload_too_large",
                    format!(
                        "the request body is larger than {} KiB",
                        crate::MAX_BODY_BYTES / 1024
                    ),
                )
            } else {
                ApiError::bad_request("bad_body", "the request body could not be read")
            }
        })?;
        if bytes.is_empty() {
            return Err(ApiError::bad_request(
                "invalid_json",
                "the request body is empty; send a JSON object",
            ));
        }
        let deserializer = &mut serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(deserializer)
            .map(JsonBody)
            .map_err(|err| {
                let path = err.path().to_string();
                let inner = err.into_inner();
                let what = inner.to_string();
                let what = what.split(" at line ").next().unwrap_or(&what);
                let message = if path == "." {
                    format!("invalid JSON: {what}")
                } else {
                    format!("invalid JSON at `{path}`: {what}")
                };
                ApiError::bad_request("invalid_json", message)
            })
    }
}
