//! [`UpstashClient`]: one method per documented endpoint, with auth,
//! timeouts, envelope decoding and bounded retries.

use std::time::Duration;

use reqwest::{Method, StatusCode, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;
use twin_core::Secret;

use crate::UpstashError;
use crate::wire::{
    DataRecord, Delete, Deleted, Envelope, ErrorBody, Fetch, IndexInfo, Query, QueryData, Range,
    RangePage, Reset, ScoredVector, Update, Updated, Vector, VectorRecord,
};

/// Backoff before the first retry; doubled per attempt, with full jitter.
const BACKOFF_BASE: Duration = Duration::from_millis(100);
const BACKOFF_CAP: Duration = Duration::from_secs(2);

/// Where the index is and how patient to be with it.
#[derive(Debug, Clone)]
pub struct UpstashConfig {
    /// `UPSTASH_VECTOR_REST_URL`, e.g. `https://x-eu1-vector.upstash.io`.
    pub url: String,
    /// `UPSTASH_VECTOR_REST_TOKEN`.
    pub token: Secret,
    /// The whole request, response body included.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Extra attempts after a transient failure.
    pub max_retries: u32,
}

impl UpstashConfig {
    /// 5 s per request, 2 s to connect, 2 retries.
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
/// connection pool.
#[derive(Debug, Clone)]
pub struct UpstashClient {
    http: reqwest::Client,
    base: Url,
    token: Secret,
    max_retries: u32,
}

impl UpstashClient {
    pub fn new(config: UpstashConfig) -> Result<UpstashClient, UpstashError> {
        let base = Url::parse(config.url.trim_end_matches('/'))
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .ok_or_else(|| {
                UpstashError::Config("the REST URL must look like https://<name>.upstash.io".into())
            })?;
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

    /// Upserts vectors (at most 1,000 per request).
    pub async fn upsert(&self, namespace: &str, vectors: &[Vector]) -> Result<(), UpstashError> {
        let _: String = self
            .call(Method::POST, &["upsert"], namespace, Some(&vectors))
            .await?;
        Ok(())
    }

    /// Upserts raw text for the index to embed (at most 1,000 per request).
    pub async fn upsert_data(
        &self,
        namespace: &str,
        records: &[DataRecord],
    ) -> Result<(), UpstashError> {
        let _: String = self
            .call(Method::POST, &["upsert-data"], namespace, Some(&records))
            .await?;
        Ok(())
    }

    pub async fn query(
        &self,
        namespace: &str,
        query: &Query,
    ) -> Result<Vec<ScoredVector>, UpstashError> {
        self.call(Method::POST, &["query"], namespace, Some(query))
            .await
    }

    pub async fn query_data(
        &self,
        namespace: &str,
        query: &QueryData,
    ) -> Result<Vec<ScoredVector>, UpstashError> {
        self.call(Method::POST, &["query-data"], namespace, Some(query))
            .await
    }

    /// The vectors asked for, in order; `None` where an id does not exist.
    pub async fn fetch(
        &self,
        namespace: &str,
        request: &Fetch,
    ) -> Result<Vec<Option<VectorRecord>>, UpstashError> {
        self.call(Method::POST, &["fetch"], namespace, Some(request))
            .await
    }

    pub async fn range(&self, namespace: &str, request: &Range) -> Result<RangePage, UpstashError> {
        self.call(Method::POST, &["range"], namespace, Some(request))
            .await
    }

    /// Deletes and returns how many vectors went.
    pub async fn delete(&self, namespace: &str, request: &Delete) -> Result<u64, UpstashError> {
        let deleted: Deleted = self
            .call(Method::DELETE, &["delete"], namespace, Some(request))
            .await?;
        Ok(deleted.deleted)
    }

    pub async fn reset(&self, target: Reset) -> Result<(), UpstashError> {
        let _: String = match target {
            Reset::Namespace(namespace) => {
                self.call::<(), _>(Method::DELETE, &["reset"], &namespace, None)
                    .await?
            }
            Reset::All => {
                let mut url = self.url(&["reset"], "");
                url.set_query(Some("all"));
                self.send::<(), _>(Method::DELETE, url, None).await?
            }
        };
        Ok(())
    }

    pub async fn info(&self) -> Result<IndexInfo, UpstashError> {
        self.call::<(), _>(Method::GET, &["info"], "", None).await
    }

    /// Every namespace, the default one (`""`) included.
    pub async fn list_namespaces(&self) -> Result<Vec<String>, UpstashError> {
        self.call::<(), _>(Method::GET, &["list-namespaces"], "", None)
            .await
    }

    /// Deletes a namespace and its vectors. The default one cannot be.
    pub async fn delete_namespace(&self, namespace: &str) -> Result<(), UpstashError> {
        let _: String = self
            .call::<(), _>(Method::DELETE, &["delete-namespace"], namespace, None)
            .await?;
        Ok(())
    }

    /// Updates one vector; false when the id does not exist.
    pub async fn update(&self, namespace: &str, request: &Update) -> Result<bool, UpstashError> {
        let updated: Updated = self
            .call(Method::POST, &["update"], namespace, Some(request))
            .await?;
        Ok(updated.updated > 0)
    }

    /// `{base}/{segments...}/{namespace}`, each part percent-encoded; the
    /// default namespace adds no segment.
    fn url(&self, segments: &[&str], namespace: &str) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
            if !namespace.is_empty() {
                path.push(namespace);
            }
        }
        url
    }

    async fn call<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        method: Method,
        segments: &[&str],
        namespace: &str,
        body: Option<&B>,
    ) -> Result<T, UpstashError> {
        let url = self.url(segments, namespace);
        self.send(method, url, body).await
    }

    /// Sends with retries: transient failures are retried up to
    /// `max_retries` times after a jittered, growing pause.
    async fn send<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        method: Method,
        url: Url,
        body: Option<&B>,
    ) -> Result<T, UpstashError> {
        let body = match body {
            Some(body) => {
                Some(serde_json::to_vec(body).map_err(|e| UpstashError::Config(e.to_string()))?)
            }
            None => None,
        };
        let mut attempt = 0;
        loop {
            match self
                .attempt(method.clone(), url.clone(), body.clone())
                .await
            {
                Err(error) if error.is_transient() && attempt < self.max_retries => {
                    let pause = backoff(attempt);
                    tracing::debug!(%error, attempt, ?pause, "retrying an Upstash request");
                    tokio::time::sleep(pause).await;
                    attempt += 1;
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
        let bytes = response.bytes().await.map_err(transport)?;
        if status.is_success() {
            return serde_json::from_slice::<Envelope<T>>(&bytes)
                .map(|envelope| envelope.result)
                .map_err(|e| UpstashError::Malformed(e.to_string()));
        }
        let message = serde_json::from_slice::<ErrorBody>(&bytes)
            .map(|body| body.error)
            .unwrap_or_else(|_| {
                status
                    .canonical_reason()
                    .unwrap_or("no explanation")
                    .to_owned()
            });
        Err(status_error(status, message))
    }
}

fn status_error(status: StatusCode, message: String) -> UpstashError {
    match status.as_u16() {
        401 | 403 => UpstashError::Unauthorized {
            status: status.as_u16(),
            message,
        },
        429 => UpstashError::RateLimited(message),
        500..=599 => UpstashError::Transient(format!("HTTP {}: {message}", status.as_u16())),
        code => UpstashError::Rejected {
            status: code,
            message,
        },
    }
}

/// Connection trouble and timeouts are transient; the URL is left out of
/// the message.
fn transport(error: reqwest::Error) -> UpstashError {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "cannot connect"
    } else {
        "request failed"
    };
    UpstashError::Transient(format!("{kind}: {}", error.without_url()))
}

/// Full jitter: a random pause up to `min(cap, base * 2^attempt)`.
fn backoff(attempt: u32) -> Duration {
    let ceiling = BACKOFF_BASE
        .saturating_mul(1 << attempt.min(16))
        .min(BACKOFF_CAP);
    ceiling.mul_f64(fastrand::f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        for attempt in 0..20 {
            let ceiling = BACKOFF_BASE
                .saturating_mul(1 << attempt.min(16))
                .min(BACKOFF_CAP);
            assert!(backoff(attempt) <= ceiling);
        }
    }

    #[test]
    fn urls_carry_the_namespace_only_when_named() {
        let client = UpstashClient::new(UpstashConfig::new(
            "https://x-eu1-vector.upstash.io/",
            Secret::new("t"),
        ));
        let Ok(client) = client else {
            panic!("valid URL refused")
        };
        assert_eq!(
            client.url(&["upsert-data"], "").as_str(),
            "https://x-eu1-vector.upstash.io/upsert-data"
        );
        assert_eq!(
            client.url(&["range"], "twin-abc").as_str(),
            "https://x-eu1-vector.upstash.io/range/twin-abc"
        );
        assert_eq!(
            client.url(&["range"], "a b/c").as_str(),
            "https://x-eu1-vector.upstash.io/range/a%20b%2Fc"
        );
    }

    #[test]
    fn bad_urls_are_refused() {
        for url in ["", "x.upstash.io", "ftp://x.upstash.io"] {
            assert!(UpstashClient::new(UpstashConfig::new(url, Secret::new("t"))).is_err());
        }
    }
}
