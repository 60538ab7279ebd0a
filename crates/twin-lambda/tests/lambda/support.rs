//! Lambda events from the fixtures, sent through the service the binary
//! runs.

use axum::http::{HeaderMap, StatusCode};
use bytes::Bytes;
use futures_util::StreamExt;
use http_body_util::BodyExt;
use lambda_http::lambda_runtime::MetadataPrelude;
use lambda_http::request::LambdaRequest;
use lambda_http::{Context, LambdaEvent, StreamAdapter};
use serde_json::Value;
use tower::ServiceExt;
use twin_http::{AppState, Settings};
use twin_lambda::TwinService;

/// A Function URL event, in the documented payload format 2.0.
pub const FUNCTION_URL: &str = include_str!("../data/function_url_request.json");
/// An API Gateway REST API proxy event on the `prod` stage.
pub const REST_API: &str = include_str!("../data/rest_api_request.json");

/// The service `twin-lambda` runs: the bundled profile, offline backends.
pub fn service() -> TwinService {
    service_with(Settings::default())
}

pub fn service_with(settings: Settings) -> TwinService {
    twin_lambda::service(AppState::bundled(settings).unwrap())
}

/// `fixture` after `edit`, as the JSON Lambda would deliver.
pub fn event(fixture: &str, edit: impl FnOnce(&mut Value)) -> String {
    let mut event: Value = serde_json::from_str(fixture).unwrap();
    edit(&mut event);
    event.to_string()
}

/// A Function URL event for `method path` with a JSON `body`.
pub fn function_url(method: &str, path: &str, body: Option<&Value>, accept: &str) -> String {
    event(FUNCTION_URL, |e| {
        e["rawPath"] = path.into();
        e["requestContext"]["http"]["method"] = method.into();
        e["requestContext"]["http"]["path"] = path.into();
        e["headers"]["accept"] = accept.into();
        if let Some(body) = body {
            e["headers"]["content-type"] = "application/json".into();
            e["body"] = body.to_string().into();
        }
    })
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// Sends `event` as `lambda_http` hands it to the service, and reads the
/// whole response.
pub async fn send(service: &TwinService, event: &str) -> Reply {
    let request = lambda_http::request::from_str(event).unwrap();
    let response = service.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        body,
    }
}

/// Sends `event` the way `lambda_http::run_with_streaming_response` does:
/// deserialised from the runtime's JSON, with the invocation's context,
/// through `StreamAdapter`. Returns the prelude written before the body and
/// the body's chunks as the runtime would forward them.
pub async fn stream(
    service: &TwinService,
    event: &str,
    context: Context,
) -> (MetadataPrelude, Vec<Bytes>) {
    let payload: LambdaRequest = serde_json::from_str(event).unwrap();
    let adapter = StreamAdapter::from(service.clone());
    let response = adapter
        .oneshot(LambdaEvent::new(payload, context))
        .await
        .unwrap();
    let chunks = response
        .stream
        .map(|chunk| chunk.unwrap())
        .collect::<Vec<_>>()
        .await;
    (response.metadata_prelude, chunks)
}
