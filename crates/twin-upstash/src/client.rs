//! [`UpstashClient`]: one method per documented endpoint, with bearer auth,
//! timeouts, envelope decoding and bounded retries.
//!
//! Every endpoint takes its namespace as the last path segment
//! (`/query-data/{namespace}`); the default namespace, `""`, adds no segment.

use std::error::Error as _;
use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode, Url};
use serde::Serialize;
use serde::de::{DeserializeOwned, IgnoredAny};
use twin_core::Secret;

use crate::UpstashError;
use crate::wire::{
    DataRecord, Delete, Deleted, Envelope, ErrorBody, Fetch, IndexInfo, Query, QueryData, Range,
    RangePage, Reset, ScoredVector, Update, Updated, Vector, VectorRecord,
};

/// The ceiling of the pause before the first retry; it doubles with each
/// further retry up to [`BACKOFF_CAP`], and the pause is drawn uniformly
/// below it ("full jitter"), so that many clients failing together do not
/// retry together.
const BACKOFF_BASE: Duration = Duration::from_millis(100);
const BACKOFF_CAP: Duration = Duration::from_secs(2);

/// Where the index is and how patient to be with it.
#[derive(Debug, Clone)]
pub struct UpstashConfig {
    /// `UPSTASH_VECTOR_REST_URL`, e.g. `https://x-eu1-vector.upstash.io`.
    pub url: String,
    /// `UPSTASH_VECTOR_REST_TOKEN`, sent as `Authorization: Bearer`.
    pub token: Secret,
    /// The whole of one attempt, response body included.
    pub timeout: Duration,
    /// Establishing the connection, within `timeout`.
    pub connect_timeout: Duration,
    /// Extra attempts after a transient failure (connection trouble, a
    /// timeout, a 5xx); 0 disables retries. 4xx answers, 429 included, are
    /// never retried.
    pub max_retries: u32,
}

impl UpstashConfig {
    /// 5 s per attempt, 2 s to connect, 2 retries.
    pub fn new(url: impl Into<String>, token: Secret) -> UpstashConfig {
        UpstashConfig {
            url: url.into(),
            token,
            timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(2),
            max_retries: 2,
        }
    }
}

/// A client for one Upstash Vector index. Cheap to clone: clones share one
/// connection pool. Its `Debug` shows the URL but not the token.
#[derive(Debug, Clone)]
pub struct UpstashClient {
    http: reqwest::Client,
    base: Url,
    token: Secret,
    max_retries: u32,
}

impl UpstashClient {
    /// Checks the configuration and builds the HTTP client (rustls). Fails
    /// with [`UpstashError::Config`] on a URL that is not `http(s)://host`
    /// or an empty token.
    pub fn new(config: UpstashConfig) -> Result<UpstashClient, UpstashError> {
        let base = Url::parse(config.url.trim().trim_end_matches('/'))
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .ok_or_else(|| {
                UpstashError::Config(
                    "the REST URL must look like https://<name>.upstash.io \
                     (UPSTASH_VECTOR_REST_URL)"
                        .into(),
                )
            })?;
        if config.token.expose().trim().is_empty() {
            return Err(UpstashError::Config(
                "the REST token is empty (UPSTASH_VECTOR_REST_TOKEN)".into(),
            ));
        }
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .build()
            .map_err(|e| UpstashError::Config(e.without_url().to_string()))?;
        Ok(UpstashClient {
            http,
            base,
            token: config.token,
            max_retries: config.max_retries,
        })
    }

    /// Inserts or replaces vectors by id (`POST /upsert/{namespace}`).
    /// Upstash takes at most 1,000 vectors per request; this client does not
    /// split bigger slices, so batch before calling.
    pub async fn upsert(&self, namespace: &str, vectors: &[Vector]) -> Result<(), UpstashError> {
        let _: IgnoredAny = self
            .call(Method::POST, "upsert", namespace, Some(&vectors))
            .await?;
        Ok(())
    }

    /// Inserts or replaces records by id, as text the index embeds
    /// (`POST /upsert-data/{namespace}`). The index must have an embedding
    /// model, which is the twin's normal setup. At most 1,000 records per
    /// request; this client does not split.
    pub async fn upsert_data(
        &self,
        namespace: &str,
        records: &[DataRecord],
    ) -> Result<(), UpstashError> {
        let _: IgnoredAny = self
            .call(Method::POST, "upsert-data", namespace, Some(&records))
            .await?;
        Ok(())
    }

    /// The nearest neighbours of a vector, best first
    /// (`POST /query/{namespace}`).
    pub async fn query(
        &self,
        namespace: &str,
        query: &Query,
    ) -> Result<Vec<ScoredVector>, UpstashError> {
        self.call(Method::POST, "query", namespace, Some(query))
            .await
    }

    /// The nearest neighbours of a text the index embeds, best first
    /// (`POST /query-data/{namespace}`).
    pub async fn query_data(
        &self,
        namespace: &str,
        query: &QueryData,
    ) -> Result<Vec<ScoredVector>, UpstashError> {
        self.call(Method::POST, "query-data", namespace, Some(query))
            .await
    }

    /// Vectors by id, in the order asked, `None` where an id does not exist;
    /// or by prefix (`/fetch/{namespace}`).
    pub async fn fetch(
        &self,
        namespace: &str,
        request: &Fetch,
    ) -> Result<Vec<Option<VectorRecord>>, UpstashError> {
        // The page's header names GET, but its examples (`curl -d`) and
        // Upstash's own SDKs send a JSON body with POST, which is what the
        // server serves; a GET with a body is dropped by some proxies.
        self.call(Method::POST, "fetch", namespace, Some(request))
            .await
    }

    /// One page of a scan (`/range/{namespace}`): start with cursor `"0"`,
    /// then pass each page's `next_cursor` until it comes back empty.
    pub async fn range(&self, namespace: &str, request: &Range) -> Result<RangePage, UpstashError> {
        // POST with a body, for the reason given in `fetch`.
        self.call(Method::POST, "range", namespace, Some(request))
            .await
    }

    /// Pages through a whole namespace with `range`, from `request`'s cursor
    /// to the end, handing each page's records to `each`. `each` may fail
    /// with its own error (a backup's write), which stops the scan.
    pub async fn scan<E: From<UpstashError>>(
        &self,
        namespace: &str,
        request: &Range,
        mut each: impl FnMut(Vec<VectorRecord>) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut request = request.clone();
        loop {
            let page = self.range(namespace, &request).await?;
            each(page.vectors)?;
            if page.next_cursor.is_empty() {
                return Ok(());
            }
            request.cursor = page.next_cursor;
        }
    }

    /// Deletes vectors by ids, id prefix or metadata filter and returns how
    /// many went (`DELETE /delete/{namespace}`).
    pub async fn delete(&self, namespace: &str, request: &Delete) -> Result<u64, UpstashError> {
        let deleted: Deleted = self
            .call(Method::DELETE, "delete", namespace, Some(request))
            .await?;
        Ok(deleted.deleted)
    }

    /// Empties one namespace (`DELETE /reset/{namespace}`) or all of them
    /// (`DELETE /reset?all`); the namespaces themselves stay.
    pub async fn reset(&self, target: Reset) -> Result<(), UpstashError> {
        let _: IgnoredAny = match target {
            Reset::Namespace(namespace) => {
                self.call::<(), _>(Method::DELETE, "reset", &namespace, None)
                    .await?
            }
            Reset::All => {
                let mut url = self.url("reset", "");
                url.set_query(Some("all"));
                self.send::<(), _>(Method::DELETE, url, None).await?
            }
        };
        Ok(())
    }

    /// Counts, size, dimension, similarity function and the namespaces
    /// (`GET /info`). Counts lag writes a little.
    pub async fn info(&self) -> Result<IndexInfo, UpstashError> {
        self.call::<(), _>(Method::GET, "info", "", None).await
    }

    /// Every namespace, the default one (`""`) included
    /// (`GET /list-namespaces`).
    pub async fn list_namespaces(&self) -> Result<Vec<String>, UpstashError> {
        self.call::<(), _>(Method::GET, "list-namespaces", "", None)
            .await
    }

    /// Deletes a namespace and its vectors
    /// (`DELETE /delete-namespace/{namespace}`). A namespace that does not
    /// exist gives [`UpstashError::NotFound`]; the default one, `""`, cannot
    /// be deleted and Upstash refuses it.
    pub async fn delete_namespace(&self, namespace: &str) -> Result<(), UpstashError> {
        let _: IgnoredAny = self
            .call::<(), _>(Method::DELETE, "delete-namespace", namespace, None)
            .await?;
        Ok(())
    }

    /// Changes one vector's vector, data or metadata
    /// (`POST /update/{namespace}`); false when no vector has that id.
    pub async fn update(&self, namespace: &str, request: &Update) -> Result<bool, UpstashError> {
        let updated: Updated = self
            .call(Method::POST, "update", namespace, Some(request))
            .await?;
        Ok(updated.updated > 0)
    }

    /// `{base}/{endpoint}/{namespace}`, the namespace percent-encoded as one
    /// segment (so a `/` in it cannot reach another endpoint); the default
    /// namespace adds no segment.
    fn url(&self, endpoint: &str, namespace: &str) -> Url {
        let mut url = self.base.clone();
        // A base URL with a host always has path segments, so this cannot
        // fail after `new`'s checks; if it did, the request would go to the
        // base and fail loudly there.
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().push(endpoint);
            if !namespace.is_empty() {
                path.push(namespace);
            }
        }
        url
    }

    async fn call<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        method: Method,
        endpoint: &str,
        namespace: &str,
        body: Option<&B>,
    ) -> Result<T, UpstashError> {
        let url = self.url(endpoint, namespace);
        self.send(method, url, body).await
    }

    /// Sends with retries: a transient failure is retried up to
    /// `max_retries` times, after a jittered pause that grows each time.
    /// Every Upstash write is keyed by id, so repeating one is harmless.
    async fn send<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        method: Method,
        url: Url,
        body: Option<&B>,
    ) -> Result<T, UpstashError> {
        let body = body
            .map(serde_json::to_vec)
            .transpose()
            .map_err(|e| UpstashError::Config(format!("cannot encode the request: {e}")))?;
        let mut retries = 0;
        loop {
            match self
                .attempt(method.clone(), url.clone(), body.clone())
                .await
            {
                Err(error) if error.is_transient() && retries < self.max_retries => {
                    let pause = backoff(retries);
                    tracing::debug!(
                        endpoint = url.path(),
                        %error,
                        retry = retries + 1,
                        ?pause,
                        "retrying an Upstash request"
                    );
                    tokio::time::sleep(pause).await;
                    retries += 1;
                }
                outcome => return outcome,
            }
        }
    }

    async fn attempt<T: DeserializeOwned>(
        &self,
        method: Method,
        url: Url,
        body: Option<Vec<u8>>,
    ) -> Result<T, UpstashError> {
        let mut request = self
            .http
            .request(method, url)
            .bearer_auth(self.token.expose());
        if let Some(body) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body);
        }
        let response = request.send().await.map_err(transport)?;
        let status = response.status();
        let retry_after = retry_after(response.headers());
        let bytes = response.bytes().await.map_err(transport)?;
        if status.is_success() {
            return serde_json::from_slice::<Envelope<T>>(&bytes)
                .map(|envelope| envelope.result)
                .map_err(|e| UpstashError::Malformed(e.to_string()));
        }
        let message = serde_json::from_slice::<ErrorBody>(&bytes)
            .map(|body| body.error)
            .ok()
            .filter(|m| !m.trim().is_empty())
            .unwrap_or_else(|| {
                status
                    .canonical_reason()
                    .unwrap_or("no explanation")
                    .to_owned()
            });
        Err(status_error(status, self.redact(message), retry_after))
    }

    /// Upstash's messages have no reason to quote the token, but the error
    /// text goes to logs and terminals, so make sure.
    fn redact(&self, message: String) -> String {
        let token = self.token.expose();
        if token.is_empty() || !message.contains(token) {
            message
        } else {
            message.replace(token, "[redacted]")
        }
    }
}

fn status_error(
    status: StatusCode,
    message: String,
    retry_after: Option<Duration>,
) -> UpstashError {
    match status.as_u16() {
        401 | 403 => UpstashError::Unauthorized {
            status: status.as_u16(),
            message,
        },
        404 => UpstashError::NotFound(message),
        429 => UpstashError::RateLimited {
            message,
            retry_after,
        },
        code @ 500..=599 => UpstashError::Transient {
            status: Some(code),
            message,
        },
        code => UpstashError::Rejected {
            status: code,
            message,
        },
    }
}

/// `Retry-After` in seconds, when present. Upstash does not document one;
/// a proxy in front of it may send it.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

/// Connection trouble and timeouts are transient. The message keeps the
/// causes (e.g. "connection refused") but drops the URL.
fn transport(error: reqwest::Error) -> UpstashError {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "cannot connect"
    } else {
        "request failed"
    };
    let error = error.without_url();
    let mut message = format!("{kind}: {error}");
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    UpstashError::Transient {
        status: None,
        message,
    }
}

/// Full jitter: a random pause below `min(cap, base * 2^retry)`.
fn backoff(retry: u32) -> Duration {
    backoff_ceiling(retry).mul_f64(fastrand::f64())
}

fn backoff_ceiling(retry: u32) -> Duration {
    BACKOFF_BASE
        .saturating_mul(1 << retry.min(16))
        .min(BACKOFF_CAP)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(url: &str) -> UpstashClient {
        match UpstashClient::new(UpstashConfig::new(url, Secret::new("t"))) {
            Ok(client) => client,
            Err(error) => panic!("{url} refused: {error}"),
        }
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff_ceiling(0), Duration::from_millis(100));
        assert_eq!(backoff_ceiling(1), Duration::from_millis(200));
        assert_eq!(backoff_ceiling(4), Duration::from_millis(1_600));
        assert_eq!(backoff_ceiling(5), BACKOFF_CAP);
        assert_eq!(backoff_ceiling(u32::MAX), BACKOFF_CAP);
        for retry in 0..40 {
            assert!(backoff(retry) <= backoff_ceiling(retry));
        }
    }

    #[test]
    fn urls_carry_the_namespace_only_when_named() {
        let client = client("https://x-eu1-vector.upstash.io/");
        let check = |endpoint: &str, namespace: &str, expected: &str| {
            assert_eq!(client.url(endpoint, namespace).as_str(), expected);
        };
        check(
            "upsert-data",
            "",
            "https://x-eu1-vector.upstash.io/upsert-data",
        );
        check(
            "range",
            "twin-abc",
            "https://x-eu1-vector.upstash.io/range/twin-abc",
        );
        check(
            "range",
            "a b/c",
            "https://x-eu1-vector.upstash.io/range/a%20b%2Fc",
        );
    }

    #[test]
    fn bad_settings_are_refused() {
        for url in ["", "x.upstash.io", "ftp://x.upstash.io", "https://"] {
            let config = UpstashConfig::new(url, Secret::new("t"));
            assert!(
                matches!(UpstashClient::new(config), Err(UpstashError::Config(_))),
                "{url}"
            );
        }
        let config = UpstashConfig::new("https://x.upstash.io", Secret::new(" "));
        assert!(matches!(
            UpstashClient::new(config),
            Err(UpstashError::Config(_))
        ));
    }

    #[test]
    fn statuses_map_to_what_a_caller_can_do() {
        let check = |code: u16, expected: UpstashError| {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::IM_A_TEAPOT);
            assert_eq!(status_error(status, "m".into(), None), expected);
        };
        check(
            401,
            UpstashError::Unauthorized {
                status: 401,
                message: "m".into(),
            },
        );
        check(
            403,
            UpstashError::Unauthorized {
                status: 403,
                message: "m".into(),
            },
        );
        check(404, UpstashError::NotFound("m".into()));
        check(
            429,
            UpstashError::RateLimited {
                message: "m".into(),
                retry_after: None,
            },
        );
        check(
            400,
            UpstashError::Rejected {
                status: 400,
                message: "m".into(),
            },
        );
        check(
            502,
            UpstashError::Transient {
                status: Some(502),
                message: "m".into(),
            },
        );
    }

    #[test]
    fn the_token_is_scrubbed_from_messages() {
        let config = UpstashConfig::new("https://x.upstash.io", Secret::new("sekrit-123"));
        let Ok(client) = UpstashClient::new(config) else {
            panic!("valid settings refused")
        };
        assert_eq!(
            client.redact("token sekrit-123 expired".into()),
            "token [redacted] expired"
        );
        assert_eq!(client.redact("no token here".into()), "no token here");
    }
}
